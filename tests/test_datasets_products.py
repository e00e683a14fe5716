"""make_microloan_portfolio(products=True): repayment methods, fees, the all-in rate."""

from __future__ import annotations

import numpy as np
import pytest

from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.pricing import CapRules, RateCap, annualised_rate, repayment_schedule

NEW = ["repayment_method", "contract_rate", "fee_upfront", "fee_monthly", "annualised_rate"]


@pytest.fixture(scope="module")
def books():  # type: ignore[no-untyped-def]
    base = make_microloan_portfolio(3000, 18, random_state=7)
    prod = make_microloan_portfolio(3000, 18, random_state=7, products=True)
    return base, prod


def test_products_keep_every_other_number(books) -> None:  # type: ignore[no-untyped-def]
    base, prod = books
    assert prod.applications[base.applications.columns].equals(base.applications)
    assert prod.performance.equals(base.performance)
    cols = list(prod.applications.columns)
    assert cols[cols.index("region") + 1 : cols.index("bad")] == NEW  # before the target
    assert set(NEW) <= set(prod.data_dictionary["column"])
    assert not set(NEW) & set(prod.feature_names)
    again = make_microloan_portfolio(3000, 18, random_state=7, products=True)
    assert again.applications.equals(prod.applications)


def test_flat_rate_contracts_repay_the_panels_instalment(books) -> None:  # type: ignore[no-untyped-def]
    _, prod = books
    a = prod.applications
    flat = (a["repayment_method"] == "flat").to_numpy()
    assert 0.1 < flat.mean() < 0.4
    # the quoted flat rate hides the price: lower than the annuity rate it equals
    assert np.all(a.loc[flat, "contract_rate"] < a.loc[flat, "apr"])
    first = prod.performance.loc[prod.performance["mob"] == 1].set_index("loan_id")
    ids = a.loc[flat, "loan_id"].to_numpy()[:200]
    rows = a.set_index("loan_id").loc[ids]
    flat_instalment = rows["loan_amount"] * (1 / rows["term_months"] + rows["contract_rate"] / 12)
    scheduled = first.loc[ids, "scheduled_payment"]
    # the panel rounds instalments to the cent
    assert flat_instalment.to_numpy() == pytest.approx(scheduled.to_numpy(), abs=0.00501)


def test_all_in_rate_is_the_irr_of_the_contract(books) -> None:  # type: ignore[no-untyped-def]
    _, prod = books
    a = prod.applications
    no_fee = ((a["fee_upfront"] == 0) & (a["fee_monthly"] == 0)).to_numpy()
    assert a.loc[no_fee, "annualised_rate"].to_numpy() == pytest.approx(
        a.loc[no_fee, "apr"].to_numpy(), abs=1e-9
    )
    fees = ~no_fee
    assert 0.2 < fees.mean() < 0.7
    assert np.all(a.loc[fees, "annualised_rate"] > a.loc[fees, "apr"])
    i = int(np.flatnonzero(fees)[0])
    row = a.iloc[i]
    s = repayment_schedule(
        row["loan_amount"],
        row["contract_rate"],
        int(row["term_months"]),
        method=row["repayment_method"],
        fee_upfront=row["fee_upfront"],
        fee_per_period=row["fee_monthly"],
    )
    assert annualised_rate(s.cash_flows[0]) == pytest.approx(row["annualised_rate"])


def test_part_of_the_book_breaches_the_36_percent_line(books) -> None:  # type: ignore[no-untyped-def]
    _, prod = books
    a = prod.applications
    rules = CapRules([RateCap("36%", limit=0.36)])
    res = rules.check(a["annualised_rate"], on=a["origination_month"].to_numpy())
    assert 0.2 < res.breach.mean() < 0.9
    # fees push loans over: more breach on the all-in rate than on the nominal APR
    assert res.breach.sum() > (a["apr"] > 0.36).sum()


def test_products_with_through_the_door() -> None:
    book = make_microloan_portfolio(800, 12, random_state=3, through_the_door=True, products=True)
    a = book.applications
    rejected = (a["decision"] == "reject").to_numpy()
    assert rejected.any()
    assert a.loc[rejected, "annualised_rate"].isna().all()
    assert a.loc[~rejected, "annualised_rate"].notna().all()
