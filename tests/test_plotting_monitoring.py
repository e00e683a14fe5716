"""The monitoring charts: one per series, ax in, Axes out, the data drawn is the result's."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from overdue_risk.monitoring._example import example_result
from overdue_risk.plotting import (
    plot_monitoring_calibration,
    plot_monitoring_csi,
    plot_monitoring_discrimination,
    plot_monitoring_psi,
    plot_monitoring_status,
)


@pytest.fixture(scope="module")
def result():
    return example_result()


@pytest.mark.parametrize(
    "plot",
    [
        plot_monitoring_psi,
        plot_monitoring_csi,
        plot_monitoring_discrimination,
        plot_monitoring_calibration,
        plot_monitoring_status,
    ],
)
def test_draws_on_the_given_axes(result, plot):
    fig, ax = plt.subplots()
    assert plot(result, ax) is ax
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == result.labels[0]
    plt.close(fig)


def test_psi_bars_are_the_psi_values(result):
    ax = plot_monitoring_psi(result)
    heights = [p.get_height() for p in ax.patches if p.get_width() == pytest.approx(0.7)]
    np.testing.assert_allclose(heights, [p.psi.statistic for p in result.periods])
    plt.close(ax.figure)


def test_status_grid_matches_the_lights(result):
    ax = plot_monitoring_status(result, series=["psi"])
    grid = ax.images[0].get_array()
    order = ("n/a", "green", "yellow", "red")
    assert [order[int(v)] for v in np.asarray(grid)[0]] == list(result.status("psi"))
    plt.close(ax.figure)
