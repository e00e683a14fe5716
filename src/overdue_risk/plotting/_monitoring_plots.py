"""Charts of a monitoring run (:func:`overdue_risk.monitoring.monitor`), one per series.

One function per chart: ``ax=None`` in (a new figure is made), the Axes out; matplotlib
is imported inside, so importing this module stays light. Periods are on the x axis;
periods with an alert on the series are marked with the colour of the alert's level.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from overdue_risk.plotting._axes import axes_or_new

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from overdue_risk.monitoring import MonitoringResult

__all__ = [
    "plot_monitoring_calibration",
    "plot_monitoring_csi",
    "plot_monitoring_discrimination",
    "plot_monitoring_psi",
    "plot_monitoring_status",
]

_COLOURS = {"green": "#1e7b34", "yellow": "#d9a400", "red": "#b42318", "n/a": "#d9e2ec"}


def _period_axis(ax: Axes, labels: Sequence[str]) -> None:
    x = np.arange(len(labels))
    step = max(1, math.ceil(len(labels) / 12))
    ax.set_xticks(x[::step], [labels[i] for i in x[::step]], rotation=45, ha="right", fontsize=7)
    ax.set_xlim(-0.5, len(labels) - 0.5)


def _frame(ax: Axes | None, result: MonitoringResult, alerts: str | None) -> Axes:
    """The Axes of a monitoring chart, periods with an alert on ``alerts`` shaded."""
    ax = axes_or_new(ax, figsize=(8, 3.2))
    if alerts is not None:
        _mark_alerts(ax, result, alerts)
    return ax


def _finish(
    ax: Axes,
    result: MonitoringResult,
    title: str,
    ylabel: str | None = None,
    legend: Literal["upper left", "lower left"] | None = None,
    ncol: int = 1,
) -> Axes:
    """Periods on the x axis, the y label and title, and the legend at ``legend`` (its loc)."""
    _period_axis(ax, result.labels)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend is not None:
        ax.legend(fontsize=7, loc=legend, ncol=ncol)
    return ax


def _mark_alerts(ax: Axes, result: MonitoringResult, pattern: str) -> None:
    """Shade the periods (as raised) with an alert on series matching ``pattern``."""
    index = {p: i for i, p in enumerate(result.labels)}
    for level in ("yellow", "red"):
        for period in result.alert_periods(pattern, level):
            if period in index and (
                level == "red" or period not in result.alert_periods(pattern, "red")
            ):
                i = index[period]
                ax.axvspan(i - 0.5, i + 0.5, color=_COLOURS[level], alpha=0.12, lw=0)


def plot_monitoring_psi(result: MonitoringResult, ax: Axes | None = None) -> Axes:
    """Score PSI per period with its yellow and red thresholds.

    The thresholds are ``max(floor, critical value)`` of each period (see
    :class:`~overdue_risk.monitoring.MonitoringThresholds`); shaded periods raised a PSI
    alert.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.monitoring._example import example_result
    >>> ax = plot_monitoring_psi(example_result())
    >>> ax.get_title()
    'Score PSI against the baseline'
    """
    th = result.thresholds
    x = np.arange(len(result.periods))
    value = np.array([p.psi.statistic for p in result.periods])
    yellow = [max(th.psi_yellow, p.psi.critical_value_at(th.alpha_yellow)) for p in result.periods]
    red = [max(th.psi_red, p.psi.critical_value_at(th.alpha_red)) for p in result.periods]
    colours = [_COLOURS[(p.status or {}).get("psi", "n/a")] for p in result.periods]
    ax = _frame(ax, result, "psi")
    ax.bar(x, value, color=colours, width=0.7)
    ax.step(x, yellow, where="mid", color=_COLOURS["yellow"], lw=1.2, label="yellow above")
    ax.step(x, red, where="mid", color=_COLOURS["red"], lw=1.2, label="red above")
    return _finish(ax, result, "Score PSI against the baseline", "PSI", legend="upper left")


def plot_monitoring_csi(result: MonitoringResult, ax: Axes | None = None, *, top: int = 6) -> Axes:
    """CSI of the card's features per period: the ``top`` features by their largest CSI.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.monitoring._example import example_result
    >>> ax = plot_monitoring_csi(example_result())
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['age', 'purpose']
    """
    names = list(result.periods[0].csi) if result.periods else []
    peak = {n: max(p.csi[n].statistic for p in result.periods) for n in names}
    chosen = sorted(names, key=lambda n: -peak[n])[: max(int(top), 1)]
    x = np.arange(len(result.periods))
    ax = _frame(ax, result, "csi:*")
    for name in chosen:
        ax.plot(x, [p.csi[name].statistic for p in result.periods], marker="o", ms=3, label=name)
    th = result.thresholds
    ax.axhline(th.csi_yellow, color=_COLOURS["yellow"], lw=0.9, ls="--")
    ax.axhline(th.csi_red, color=_COLOURS["red"], lw=0.9, ls="--")
    title = "Feature stability (CSI) against the baseline"
    return _finish(ax, result, title, "CSI (card bins)", legend="upper left", ncol=2)


def plot_monitoring_discrimination(result: MonitoringResult, ax: Axes | None = None) -> Axes:
    """Gini (DeLong interval) and KS (DKW interval) of the mature periods.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.monitoring._example import example_result
    >>> ax = plot_monitoring_discrimination(example_result())
    >>> ax.get_ylabel()
    'Gini / KS'
    """
    level = result.confidence_level
    x = np.arange(len(result.periods))
    gini = np.full(x.size, np.nan)
    g_band = np.full((2, x.size), np.nan)
    ks = np.full(x.size, np.nan)
    k_band = np.full((2, x.size), np.nan)
    for i, p in enumerate(result.periods):
        if p.gini is not None:
            gini[i] = p.gini.statistic
            g_band[:, i] = p.gini.confidence_interval(level)
        if p.ks is not None and p.ks_interval is not None:
            ks[i] = p.ks.statistic
            k_band[:, i] = p.ks_interval
    ax = _frame(ax, result, "discrimination")
    ax.fill_between(x, g_band[0], g_band[1], color="#243b53", alpha=0.18, lw=0)
    ax.plot(x, gini, color="#243b53", marker="o", ms=3, label=f"Gini ({level:.0%} DeLong)")
    ax.fill_between(x, k_band[0], k_band[1], color="#c65d21", alpha=0.15, lw=0)
    ax.plot(x, ks, color="#c65d21", marker="s", ms=3, label=f"KS ({level:.0%} DKW)")
    title = "Discrimination of the mature periods"
    return _finish(ax, result, title, "Gini / KS", legend="lower left")


def plot_monitoring_calibration(result: MonitoringResult, ax: Axes | None = None) -> Axes:
    """Default rate against the mean PD of the mature periods, dots coloured by light.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.monitoring._example import example_result
    >>> ax = plot_monitoring_calibration(example_result())
    >>> ax.get_title()
    'Calibration: default rate vs mean PD (Jeffreys traffic light)'
    """
    x = np.arange(len(result.periods))
    dr = np.array([p.default_rate if p.n_outcomes else np.nan for p in result.periods])
    pd_ = np.array([p.mean_pd for p in result.periods])
    colours = [_COLOURS[(p.status or {}).get("calibration", "n/a")] for p in result.periods]
    ax = _frame(ax, result, "calibration")
    ax.plot(x, pd_, color="#52606d", lw=1.2, label="mean PD")
    ax.scatter(x, dr, c=colours, s=22, zorder=3, label="default rate")
    title = "Calibration: default rate vs mean PD (Jeffreys traffic light)"
    return _finish(ax, result, title, "rate", legend="upper left")


def plot_monitoring_status(
    result: MonitoringResult, ax: Axes | None = None, *, series: Sequence[str] | None = None
) -> Axes:
    """Traffic lights of every series (rows) in every period (columns).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.monitoring._example import example_result
    >>> ax = plot_monitoring_status(example_result())
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['psi', 'csi:age']
    """
    from matplotlib.colors import ListedColormap

    names = list(series) if series is not None else list(result.series_names)
    order = ("n/a", "green", "yellow", "red")
    grid = np.array(
        [[order.index(s) for s in result.status(n)] for n in names], dtype=float
    ).reshape(len(names), len(result.periods))
    ax = _frame(ax, result, None)
    cmap: Any = ListedColormap([_COLOURS[k] for k in order])
    ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="nearest")
    ax.set_yticks(np.arange(len(names)), names, fontsize=7)
    return _finish(ax, result, "Traffic lights by period")
