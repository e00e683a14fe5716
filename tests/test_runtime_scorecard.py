"""The runtime scores exactly what ``Scorecard.predict_points`` scores, row for row.

Cards are fitted on the built-in micro-loan portfolio and on the UCI "default of credit
card clients" data (Yeh & Lien 2009), exported with ``Scorecard.to_spec()`` and scored
by the runtime; totals must be equal with ``==`` (same float64 additions in card order),
also on the boundary harness (every split, nextafter, missing, unseen, +-inf, 1e308).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from overdue_risk.binning import WOEBinner
from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.runtime import Spec
from overdue_risk.runtime._harness import boundary_cases, reference_score
from overdue_risk.scorecard import Scorecard


@pytest.fixture(scope="module")
def portfolio() -> tuple[pd.DataFrame, pd.Series]:
    pf = make_microloan_portfolio(n_loans=5000, random_state=7)
    app = pf.applications
    return app[list(pf.feature_names)], app[pf.target_name]


@pytest.fixture(
    scope="module",
    params=[{}, {"rounding": True, "intercept_mode": "separate"}],
    ids=["fractional-distributed", "rounded-separate"],
)
def fitted(request: Any, portfolio: tuple[pd.DataFrame, pd.Series]) -> Scorecard:
    X, y = portfolio
    binner = WOEBinner(special_codes={"credit_history_months": [-1]})
    return Scorecard(binner=binner, **request.param).fit(X, y)


def _harness_frame(spec: Spec, X: pd.DataFrame) -> pd.DataFrame:
    cases = boundary_cases(spec)
    n = len(next(iter(cases.values())))
    frame = {}
    for col in X.columns:  # inputs the card dropped still have to be present
        frame[col] = cases[col] if col in cases else np.resize(X[col].to_numpy(), n)
    return pd.DataFrame(frame)


def test_portfolio_scores_equal_predict_points(
    fitted: Scorecard, portfolio: tuple[pd.DataFrame, pd.Series]
) -> None:
    X, _ = portfolio
    spec = Spec.from_dict(fitted.to_spec())
    assert any(f.special_codes for f in spec.features)  # the -1 "no history" code is used
    np.testing.assert_array_equal(spec.score(X), fitted.predict_points(X))
    np.testing.assert_array_equal(spec.feature_points(X), fitted.points_matrix(X))
    record = X.iloc[3].to_dict()
    assert spec.score(record)[0] == fitted.predict_points(X.iloc[[3]])[0]


def test_portfolio_harness_equal_predict_points(
    fitted: Scorecard, portfolio: tuple[pd.DataFrame, pd.Series]
) -> None:
    X, _ = portfolio
    spec = Spec.from_dict(fitted.to_spec())
    frame = _harness_frame(spec, X)
    expected = fitted.predict_points(frame)
    np.testing.assert_array_equal(spec.score(frame), expected)
    cases = {name: frame[name].to_numpy() for name in spec.feature_names}
    np.testing.assert_array_equal(reference_score(spec, cases), expected)


def test_reason_codes_equal_scorecard(
    fitted: Scorecard, portfolio: tuple[pd.DataFrame, pd.Series]
) -> None:
    X, _ = portfolio
    spec = Spec.from_dict(fitted.to_spec())
    ours = spec.reason_codes(X, k=4)
    theirs = fitted.reason_codes(X, k=4).codes
    assert np.asarray(theirs, dtype=object).tolist() == ours.tolist()


def test_uci_card_scores_equal_predict_points(uci_path: Path) -> None:
    data = pd.read_csv(uci_path, nrows=12_000)
    y = data.pop("next_payment")
    X = data.drop(columns=["ID"])
    card = Scorecard(max_features=12).fit(X, y)
    spec = Spec.from_dict(card.to_spec())
    np.testing.assert_array_equal(spec.score(X), card.predict_points(X))
    np.testing.assert_array_equal(
        spec.score(X.to_numpy(dtype=float)[:, _order(spec, X)]), card.predict_points(X)
    )
    frame = _harness_frame(spec, X)
    np.testing.assert_array_equal(spec.score(frame), card.predict_points(frame))


def _order(spec: Spec, X: pd.DataFrame) -> list[int]:
    cols = list(X.columns)
    return [cols.index(name) for name in spec.feature_names]
