"""Rows and the equality check shared by the Spark and Dask development-run tests.

A numeric feature, one with missing values and a special code, a categorical one and a
noise feature (dropped by ``min_iv``), a 0/1 target and row weights; explicit pre-bin
edges, so that an engine fit and ``Scorecard.fit`` must give the same card.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from overdue_risk.scorecard import Scorecard


def sample(n: int = 4000, seed: int = 0) -> tuple[Any, dict[str, list[float]]]:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rng.uniform(0, 10, n)
    b[rng.uniform(size=n) < 0.05] = np.nan
    b[rng.uniform(size=n) < 0.03] = -1.0  # a special code
    c = rng.choice(["x", "y", "z"], n)
    noise = rng.normal(size=n)
    eta = -1.5 + 0.8 * a - 0.2 * np.nan_to_num(b) + 0.5 * (c == "x")
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    import pandas as pd

    frame = pd.DataFrame({"a": a, "b": b, "c": c, "noise": noise, "bad": y})
    frame["w"] = rng.uniform(0.5, 2.0, n)
    regular = b[(b != -1.0) & ~np.isnan(b)]
    edges = {
        "a": [float(v) for v in np.quantile(a, np.linspace(0.05, 0.95, 19))],
        "b": [float(v) for v in np.quantile(regular, np.linspace(0.05, 0.95, 19))],
        "noise": [float(v) for v in np.quantile(noise, np.linspace(0.1, 0.9, 9))],
    }
    return frame, edges


def assert_same_card(card: Scorecard, mem: Scorecard, frame: Any, features: list[str]) -> None:
    assert card.features_ == mem.features_
    assert card.dropped_features_ == mem.dropped_features_
    for got, want in zip(card.card_, mem.card_, strict=True):
        assert got.splits == want.splits
        assert got.categories == want.categories
        np.testing.assert_allclose(got.points, want.points, rtol=0, atol=1e-6)
    np.testing.assert_allclose(card.coef_, mem.coef_, rtol=0, atol=1e-8)
    assert card.n_iter_ == mem.n_iter_
    np.testing.assert_allclose(
        card.predict_points(frame[features]), mem.predict_points(frame[features]), atol=1e-6
    )


def calibration_case() -> tuple[Any, Scorecard]:
    """Rows (``a``, ``c``, ``bad``) and a rounded card fitted on them: few distinct scores."""
    from overdue_risk.binning import WOEBinner

    frame, edges = sample(n=3000, seed=5)
    card = Scorecard(binner=WOEBinner(user_splits={"a": edges["a"]}), rounding=True).fit(
        frame[["a", "c"]], frame["bad"]
    )
    return frame[["a", "c", "bad"]], card


def assert_calibration_from_cells(card: Scorecard, frame: Any, cells: tuple[Any, Any, Any]) -> None:
    """A PDCalibrator fitted on (score, target, rows) cells equals the fit on the rows."""
    from overdue_risk.calibration import PDCalibrator

    s, y, n = cells
    assert n.sum() == len(frame)
    assert s.size < len(frame) / 10  # counts, not rows
    rows = np.asarray(card.predict_points(frame[["a", "c"]]), dtype=float)
    want = PDCalibrator().fit(rows.reshape(-1, 1), frame["bad"])
    got = PDCalibrator().fit(s.reshape(-1, 1), y, sample_weight=n)
    grid = np.linspace(rows.min(), rows.max(), 50).reshape(-1, 1)
    np.testing.assert_allclose(
        got.predict_proba(grid)[:, 1], want.predict_proba(grid)[:, 1], rtol=1e-6
    )
