"""Generic scorecard charts: the numbers behind them, and that each one draws."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from overdue_risk import plotting
from overdue_risk.metrics import psi


def test_roc_points_match_scikit_learn(rng: np.random.Generator) -> None:
    """Peer reference: sklearn.metrics.roc_curve with every threshold kept."""
    from sklearn.metrics import roc_curve

    y = rng.integers(0, 2, 500)
    s = np.round(rng.normal(size=500) + y, 1)  # rounded: many ties
    fpr, tpr = plotting.roc_points(y, s)
    ref_fpr, ref_tpr, _ = roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, ref_fpr)
    np.testing.assert_allclose(tpr, ref_tpr)


@pytest.mark.parametrize(
    "draw",
    [
        lambda y, s, ax: plotting.plot_roc(y, -s, ax),
        lambda y, s, ax: plotting.plot_ks(y, s, ax),
        lambda y, s, ax: plotting.plot_cap(y, -s, ax),
        lambda y, s, ax: plotting.plot_calibration(y, 1 / (1 + np.exp((s - 560) / 30)), ax),
        lambda y, s, ax: plotting.plot_score_distribution(s, y, ax),
        lambda y, s, ax: plotting.plot_score_distribution(s, None, ax, baseline=s + 5),
        lambda y, s, ax: plotting.plot_psi(psi(s, s + 10), ax),
        lambda y, s, ax: plotting.plot_woe(["a", "b"], [0.2, -0.3], ax, title="x"),
    ],
)
def test_each_chart_draws_on_the_given_axes(draw, rng: np.random.Generator) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure

    y = rng.integers(0, 2, 400)
    s = 600 - 40 * y + rng.normal(0, 30, 400)
    ax = Figure().add_subplot()
    assert draw(y, s, ax) is ax
    assert ax.has_data()


def test_ks_chart_marks_the_metric_value(rng: np.random.Generator) -> None:
    from matplotlib.figure import Figure

    from overdue_risk.metrics import ks_statistic

    y = rng.integers(0, 2, 400)
    s = 600 - 40 * y + rng.normal(0, 30, 400)
    ax = plotting.plot_ks(y, s, Figure().add_subplot())
    assert ax.get_title() == f"KS {ks_statistic(y, s).statistic:.3f}"
