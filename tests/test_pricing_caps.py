"""Rate caps as data: sources, effective dates, the LPR input, loans and headroom."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.exceptions import DataError
from overdue_risk.pricing import (
    CHINA_CAPS,
    LPR_1Y,
    METHODS,
    US_MLA_CAPS,
    CapRules,
    RateCap,
    annualised_rate,
    check_loans,
    lpr_on,
    max_contract_rate,
    repayment_schedule,
)


def test_every_builtin_cap_names_its_source() -> None:
    for rules in (CHINA_CAPS, US_MLA_CAPS):
        for cap in rules._caps():
            assert cap.source
            assert cap.effective_from


def test_judicial_ceiling_is_four_times_lpr() -> None:
    # SPC 法释〔2020〕6号: 4 x the one-year LPR; at the 2020-08-20 LPR of 3.85%: 15.4%
    assert CHINA_CAPS.limit("2020-09-01", lpr=LPR_1Y) == pytest.approx(0.154)
    # before the amendment the 24% line of 法释〔2015〕18号 binds
    assert CHINA_CAPS.limit("2019-01-01", lpr=LPR_1Y) == pytest.approx(0.24)
    # LPR 3.45% (2023-08-21): 13.8%
    assert CHINA_CAPS.limit("2024-01-15", lpr=LPR_1Y) == pytest.approx(0.138)
    assert CHINA_CAPS.limit("2024-01-15", lpr=0.0345) == pytest.approx(0.138)
    assert CHINA_CAPS.limit("2014-01-01") == np.inf  # nothing in force yet


def test_lpr_lookup_and_errors() -> None:
    days = np.asarray(["2020-04-20", "2020-04-19", "2025-12-31"], dtype="datetime64[D]")
    assert lpr_on(days, LPR_1Y).tolist() == [0.0385, 0.0405, 0.0300]
    with pytest.raises(DataError, match="no LPR announced"):
        lpr_on(np.asarray(["2010-01-01"], dtype="datetime64[D]"), LPR_1Y)
    with pytest.raises(DataError, match="pass lpr"):
        CHINA_CAPS.limit("2024-01-01")
    with pytest.raises(DataError, match="lpr must be an annual rate"):
        CHINA_CAPS.limit("2024-01-01", lpr=3.45)


def test_check_per_loan_dates_and_cap_table() -> None:
    rates = np.array([0.20, 0.20, 0.30, 0.40])
    on = ["2019-06-01", "2024-06-01", "2019-06-01", "2018-06-01"]
    res = CHINA_CAPS.check(rates, on=on, lpr=LPR_1Y)
    # 2019: 24% line -> 20% fine, 30% breaches; 2024: 4 x 3.45% = 13.8% -> 20% breaches
    assert res.breach.tolist() == [False, True, True, True]
    assert res.limit.tolist() == pytest.approx([0.24, 0.138, 0.24, 0.24])
    frame = res.to_frame()
    assert set(frame["cap"]) == {c.name for c in CHINA_CAPS._caps()}
    row = frame.set_index("cap").loc["SPC 2015: 36% void"]
    assert row["breaches"] == 1  # only the 40% loan
    assert res.headroom[0] == pytest.approx(0.04)
    assert "above a cap" in res.summary()


def test_effective_basis_cap() -> None:
    rules = CapRules([RateCap("EAR 40%", limit=0.40, basis="effective")])
    # 36% nominal monthly is 42.6% effective: breaches a 40% effective cap
    assert rules.check([0.36, 0.33], on="2024-01-01").breach.tolist() == [True, False]


def test_rules_from_records_and_validation() -> None:
    rules = CapRules.from_records(
        [{"name": "house", "limit": 0.3, "kind": "policy", "source": "credit committee"}]
    )
    assert rules.limit("2024-01-01") == 0.3
    with pytest.raises(DataError, match="unknown keys"):
        CapRules.from_records([{"name": "x", "cap": 0.3}])
    with pytest.raises(DataError, match="exactly one"):
        CapRules([RateCap("x")]).limit("2024-01-01")
    with pytest.raises(DataError, match="ends"):
        CapRules([RateCap("x", 0.3, effective_from="2024-01-01", effective_to="2023-01-01")]).limit(
            "2024-01-01"
        )
    with pytest.raises(DataError, match="kind"):
        CapRules([RateCap("x", 0.3, kind="law")]).limit("2024-01-01")
    with pytest.raises(DataError, match="no caps"):
        CapRules([]).limit("2024-01-01")
    with pytest.raises(DataError, match="contract date"):
        CHINA_CAPS.check([0.1], on=None)


def test_check_loans_flat_rate_breaches_where_equal_instalment_does_not() -> None:
    res = check_loans(
        [10_000, 10_000],
        0.12,
        12,
        US_MLA_CAPS,
        on="2024-06-30",
        method=["equal_instalment", "flat"],
        fee_upfront=[0.0, 0.08],
    )
    assert res.rate[0] == pytest.approx(0.12)
    assert res.rate[1] > 0.36  # 21.5% flat + an 8% upfront fee
    assert res.breach.tolist() == [False, True]


@settings(max_examples=30, deadline=None)
@given(
    cap=st.floats(0.05, 1.0),
    term=st.integers(1, 36),
    method=st.sampled_from(METHODS),
    up=st.floats(0.0, 0.1),
    per=st.floats(0.0, 0.01),
)
def test_max_contract_rate_never_exceeds_the_cap(
    cap: float, term: int, method: str, up: float, per: float
) -> None:
    rate = max_contract_rate(cap, term, method=method, fee_upfront=up, fee_per_period=per)
    fees_only = annualised_rate(
        repayment_schedule(
            1.0, 0.0, term, method=method, fee_upfront=up, fee_per_period=per
        ).cash_flows[0]
    )
    if np.isnan(rate):
        assert fees_only > cap - 1e-9  # the fees alone break the cap
        return
    s = repayment_schedule(1.0, rate, term, method=method, fee_upfront=up, fee_per_period=per)
    assert annualised_rate(s.cash_flows[0]) <= cap + 1e-9
    # and it is the highest such rate: a little more breaks the cap
    s = repayment_schedule(
        1.0, rate + 1e-6, term, method=method, fee_upfront=up, fee_per_period=per
    )
    assert annualised_rate(s.cash_flows[0]) > cap - 1e-9


def test_select_and_check_book() -> None:
    import pandas as pd

    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.pricing import check_book

    lines = CHINA_CAPS.select(kinds=["regulatory", "guidance"])
    assert [c.kind for c in lines.caps] == ["regulatory", "guidance"]
    assert lines.limit("2024-06-30") == pytest.approx(0.36)
    assert lines.limit("2025-12-01") == pytest.approx(0.24)
    with pytest.raises(DataError, match="unknown cap kinds"):
        CHINA_CAPS.select(kinds=["law"])
    with pytest.raises(DataError, match="no caps named"):
        CHINA_CAPS.select(names=["nope"])
    book = make_microloan_portfolio(1500, 12, random_state=11, products=True)
    res = check_book(book, lines)
    assert res.rate.size == 1500
    assert 0 < res.n_breaches < 1500
    # a rate equal to the cap up to the IRR's rounding (1e-12) is not a breach
    expected = book.applications["annualised_rate"].to_numpy() > 0.36 + 1e-12
    assert np.array_equal(res.breach, expected)
    with pytest.raises(DataError, match="products=True"):
        check_book(pd.DataFrame({"apr": [0.3]}), lines)
