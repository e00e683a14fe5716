"""The through-the-door book: an incumbent policy, hidden rejects, truth kept apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from overdue_risk.datasets import IncumbentPolicy, make_microloan_portfolio
from overdue_risk.datasets._portfolio import (
    APPLICANT_FEATURES,
    DECISION_FEATURES,
    FEATURE_NAMES,
)
from overdue_risk.exceptions import DataError


@pytest.fixture(scope="module")
def book() -> object:
    return make_microloan_portfolio(6_000, 30, random_state=3, through_the_door=True)


def test_default_book_separates_applicant_and_decision_features() -> None:
    pf = make_microloan_portfolio(300, 12, random_state=0)
    assert pf.decision_features == ("loan_amount", "term_months", "apr")
    assert set(pf.applicant_features) | set(pf.decision_features) == set(FEATURE_NAMES)
    assert not set(APPLICANT_FEATURES) & set(DECISION_FEATURES)
    assert "through_the_door" not in pf.truth


def test_policy_rejects_the_requested_share(book: object) -> None:
    apps = book.applications  # type: ignore[attr-defined]
    assert set(apps["decision"].unique()) == {"approve", "reject"}
    assert (apps["decision"] == "reject").mean() == pytest.approx(0.4, abs=0.01)
    other = make_microloan_portfolio(
        3_000, 24, random_state=1, through_the_door=IncumbentPolicy(reject_rate=0.2)
    )
    assert (other.applications["decision"] == "reject").mean() == pytest.approx(0.2, abs=0.015)


def test_rejects_have_features_but_no_decision_or_outcome(book: object) -> None:
    apps = book.applications  # type: ignore[attr-defined]
    rej = apps["decision"].to_numpy() == "reject"
    assert apps.loc[rej, list(DECISION_FEATURES)].isna().all().all()
    assert apps.loc[~rej, list(DECISION_FEATURES)].notna().all().all()
    assert not apps.loc[rej, "bad_observed"].any()
    assert (apps.loc[rej, "bad"] == 0).all()
    assert apps.loc[rej, ["age", "requested_amount", "incumbent_score"]].notna().all().all()
    perf_ids = set(book.performance["loan_id"])  # type: ignore[attr-defined]
    assert perf_ids == set(apps.loc[~rej, "loan_id"])
    X, _y = book.xy()  # type: ignore[attr-defined]
    assert len(X) == int(apps["bad_observed"].sum())
    lines = book.summary().splitlines()  # type: ignore[attr-defined]
    row = next(line.split() for line in lines if "rejected (incumbent policy)" in line)
    assert row[-1] == f"{int(rej.sum()):,}"


def test_truth_keeps_what_would_have_happened(book: object) -> None:
    apps = book.applications  # type: ignore[attr-defined]
    truth = book.truth["through_the_door"]  # type: ignore[attr-defined]
    assert truth["loan_id"].tolist() == apps["loan_id"].tolist()
    assert truth[["apr", "loan_amount", "term_months"]].notna().all().all()
    acc = truth["decision"].to_numpy() == "approve"
    # the lender's own records equal the truth for the approved loans
    np.testing.assert_array_equal(truth["bad"].to_numpy()[acc], apps["bad"].to_numpy()[acc])
    np.testing.assert_array_equal(truth["apr"].to_numpy()[acc], apps["apr"].to_numpy()[acc])
    seen = truth["bad_observed"].to_numpy()
    bad = truth["bad"].to_numpy()
    # the rejected applicants are the riskier ones, by a wide margin
    assert bad[seen & ~acc].mean() > 2 * bad[seen & acc].mean()


def test_decisions_follow_the_documented_policy(book: object) -> None:
    apps = book.applications  # type: ignore[attr-defined]
    acc = apps.loc[apps["decision"] == "approve"]
    # knock-out rules: nobody approved breaks one
    assert (acc["age"] >= 21).all()
    assert (acc["worst_past_dpd"] < 90).all()
    assert (acc["debt_to_income"].fillna(0) <= 0.8).all()
    assert (acc["n_inquiries_6m"] < 8).all()
    # the decisions: never more than asked, and the price is a function of the score
    assert (acc["loan_amount"] <= acc["requested_amount"]).all()
    assert (acc["term_months"] <= acc["requested_term"]).all()
    key = pd.DataFrame({"s": acc["incumbent_score"], "short": acc["term_months"] <= 6})
    assert (acc.groupby([key["s"], key["short"]])["apr"].nunique() == 1).all()
    # approved below the cut-off only by a low-side override (a few percent)
    below = acc["incumbent_score"] < acc["incumbent_cutoff"]
    assert 0 < below.mean() < 0.05


def test_price_carries_the_old_score(book: object) -> None:
    """The circular feature: apr ranks the approved loans because it *is* the old score."""
    from overdue_risk.metrics import gini

    acc = book.applications.loc[book.applications["bad_observed"]]  # type: ignore[attr-defined]
    g_apr = gini(acc["bad"], acc["apr"]).statistic
    g_score = gini(acc["bad"], -acc["incumbent_score"].to_numpy(dtype=float)).statistic
    assert g_apr > 0.15
    assert g_apr == pytest.approx(g_score, abs=0.1)


def test_same_seed_same_book() -> None:
    a = make_microloan_portfolio(500, 12, random_state=9, through_the_door=True)
    b = make_microloan_portfolio(500, 12, random_state=9, through_the_door=True)
    pd.testing.assert_frame_equal(a.applications, b.applications)
    pd.testing.assert_frame_equal(a.truth["through_the_door"], b.truth["through_the_door"])
    dd = a.data_dictionary
    assert list(dd.loc[dd["table"] == "applications", "column"]) == list(a.applications.columns)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"reject_rate": 1.2}, "reject_rate"),
        ({"reject_rate": 0.0}, "reject_rate"),
        ({"private_information": -1.0}, "private_information"),
        ({"override_rate": 1.0}, "override_rate"),
        ({"cutoff_drift": float("nan")}, "cutoff_drift"),
    ],
)
def test_bad_policy_is_a_clear_error(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(DataError, match=match):
        IncumbentPolicy(**kwargs)  # type: ignore[arg-type]


def test_bad_through_the_door_value() -> None:
    with pytest.raises(DataError, match="through_the_door must be"):
        make_microloan_portfolio(100, 6, random_state=0, through_the_door="yes")  # type: ignore[arg-type]


def test_a_loaded_book_separates_its_decision_columns(tmp_path: object) -> None:
    from pathlib import Path

    from overdue_risk.datasets import load_portfolio

    pf = make_microloan_portfolio(300, 12, random_state=0)
    folder = Path(str(tmp_path))
    pf.applications.to_csv(folder / "apps.csv", index=False)
    pf.performance.to_csv(folder / "perf.csv", index=False)
    loaded = load_portfolio(folder / "apps.csv", folder / "perf.csv")
    assert loaded.decision_features == DECISION_FEATURES
    assert set(loaded.applicant_features) == set(APPLICANT_FEATURES)
