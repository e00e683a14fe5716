"""The simulator's warning signs (datasets/_distress.py, ``distress=True``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.datasets._distress import GRACE_DAYS


@pytest.fixture(scope="module")
def pair() -> tuple[object, object]:
    plain = make_microloan_portfolio(6_000, 24, random_state=3)
    signs = make_microloan_portfolio(6_000, 24, random_state=3, distress=True)
    return plain, signs


def test_off_by_default_and_existing_numbers_unchanged(pair: tuple) -> None:
    plain, signs = pair
    assert plain.bureau is None
    assert "distress" not in plain.truth
    pd.testing.assert_frame_equal(plain.applications, signs.applications)
    same = [c for c in plain.performance.columns if c != "paid_amount"]
    pd.testing.assert_frame_equal(plain.performance[same], signs.performance[same])
    # partial payments only lower what was paid, never raise it
    assert (signs.performance["paid_amount"] <= plain.performance["paid_amount"]).all()


def test_seeded_and_truth_kept_out_of_observables(pair: tuple) -> None:
    _, signs = pair
    again = make_microloan_portfolio(6_000, 24, random_state=3, distress=True)
    pd.testing.assert_frame_equal(signs.bureau, again.bureau)
    pd.testing.assert_frame_equal(signs.truth["distress"], again.truth["distress"])
    truth_cols = set(signs.truth["distress"].columns) - {"loan_id"}
    for frame in (signs.applications, signs.performance, signs.bureau):
        assert not truth_cols & set(frame.columns)
    assert set(signs.data_dictionary["table"]) == {"applications", "performance", "bureau"}


def test_signs_precede_the_first_miss_by_cause(pair: tuple) -> None:
    _, signs = pair
    truth = signs.truth["distress"]
    assert set(truth["cause"]) == {"business", "job_loss", "evasion"}
    defaulted = truth[~truth["recovered"]]
    # onset strictly before the first missed payment, which is before (or at) M3
    assert (defaulted["onset_month"] < defaulted["first_missed_month"]).all()
    assert (defaulted["first_missed_month"] <= defaulted["first_m3_month"]).all()
    lead = defaulted.groupby("cause")["lead_months"].mean()
    assert lead["business"] > lead["job_loss"] > lead["evasion"] >= 1
    # the loans at M3+ mostly have a warning phase
    perf = signs.performance
    m3 = perf.loc[perf["bucket"].isin(["M3", "M4", "M5", "M6+"]), "loan_id"].unique()
    assert 0.5 < np.isin(m3, defaulted["loan_id"]).mean() < 0.95


def _window(signs: object, cause: str) -> pd.DataFrame:
    truth = signs.truth["distress"]
    t = truth[(truth["cause"] == cause) & ~truth["recovered"]]
    perf = signs.performance.merge(signs.bureau, on=["loan_id", "month"])
    perf = perf.merge(t[["loan_id", "onset_month", "first_missed_month"]], on="loan_id", how="left")
    perf["inside"] = (perf["month"] >= perf["onset_month"]) & (
        perf["month"] < perf["first_missed_month"]
    )
    return perf


@pytest.mark.parametrize(
    ("cause", "partial", "inquiries"), [("business", 2.0, 1.3), ("job_loss", 5.0, 2.0)]
)
def test_distress_months_show_partial_payments_and_inquiries(
    pair: tuple, cause: str, partial: float, inquiries: float
) -> None:
    _, signs = pair
    perf = _window(signs, cause)
    current = perf["days_late"].notna()
    short = perf["paid_amount"] < perf["scheduled_payment"] - 0.005
    inside, outside = perf["inside"] & current, ~perf["inside"] & current
    assert short[inside].mean() > partial * short[outside].mean()
    assert perf.loc[inside, "inquiries"].mean() > inquiries * perf.loc[outside, "inquiries"].mean()
    assert perf.loc[inside, "days_late"].mean() > perf.loc[outside, "days_late"].mean()
    assert perf["days_late"].max() <= GRACE_DAYS


def test_evasion_stacks_loans_elsewhere_just_before_the_miss(pair: tuple) -> None:
    _, signs = pair
    perf = _window(signs, "evasion")
    last = perf["inside"] & (perf["month"] >= perf["first_missed_month"] - pd.DateOffset(months=2))
    assert perf.loc[last, "new_loans"].mean() > 5 * perf.loc[~perf["inside"], "new_loans"].mean()


def test_recoveries_have_distress_without_default(pair: tuple) -> None:
    _, signs = pair
    truth = signs.truth["distress"]
    rec = truth[truth["recovered"]]
    assert len(rec) > 50
    assert set(rec["cause"]) <= {"job_loss", "business"}
    assert rec["first_m3_month"].isna().all()
    assert (rec["recovery_month"] > rec["onset_month"]).all()
    perf = signs.performance
    worst = perf[perf["loan_id"].isin(rec["loan_id"])]["bucket"]
    assert not worst.isin(["M3", "M4", "M5", "M6+", "CO"]).any()


def test_generator_seed_leaves_parent_stream_untouched() -> None:
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    a = make_microloan_portfolio(500, 12, random_state=g1, distress=True)
    b = make_microloan_portfolio(500, 12, random_state=g2)
    pd.testing.assert_frame_equal(a.applications, b.applications)
    assert g1.random() == g2.random()
