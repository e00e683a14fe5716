"""Charts of delinquency dynamics: transition heatmap, vintage, PD, roll and flow curves.

One function per chart: ``ax=None`` in (a new figure is made), the Axes out; matplotlib
is imported inside each function so importing this module stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import check_in
from overdue_risk.plotting._axes import axes_or_new

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from overdue_risk.transitions import (
        FlowRates,
        LifetimePD,
        RollRates,
        TransitionMatrix,
        VintageCurves,
    )

__all__ = [
    "plot_flow_rates",
    "plot_pd_curves",
    "plot_roll_rates",
    "plot_transition_matrix",
    "plot_vintage_curves",
]


def plot_transition_matrix(
    matrix: TransitionMatrix,
    ax: Axes | None = None,
    *,
    annotate: bool = True,
    cmap: str = "Blues",
    fmt: str = "{:.1%}",
) -> Axes:
    """Heatmap of a transition matrix (rows: from, columns: to), cells annotated.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.transitions import TransitionMatrix
    >>> tm = TransitionMatrix.from_probabilities([[0.9, 0.1], [0, 1]], ["M0", "CO"])
    >>> ax = plot_transition_matrix(tm)
    >>> ax.get_xlabel()
    'to'
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    ax = axes_or_new(ax)
    p = np.asarray(matrix.probabilities, dtype=np.float64)
    im = ax.imshow(np.nan_to_num(p), cmap=cmap, vmin=0.0, vmax=1.0)
    k = len(matrix.states)
    ax.set_xticks(range(k), labels=list(matrix.states))
    ax.set_yticks(range(k), labels=list(matrix.states))
    ax.set_xlabel("to")
    ax.set_ylabel("from")
    ax.set_title(f"Transition matrix ({matrix.estimator}, horizon {matrix.horizon:g})")
    if annotate:
        for i in range(k):
            for j in range(k):
                v = p[i, j]
                text = "" if np.isnan(v) else fmt.format(v)
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if v > 0.6 else "black",
                )
    ax.figure.colorbar(im, ax=ax, fraction=0.046)
    return ax


def plot_vintage_curves(
    curves: VintageCurves, ax: Axes | None = None, *, kind: str = "count"
) -> Axes:
    """Cumulative bad rate by months on book, one line per origination cohort.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.transitions import vintage_curves
    >>> panel = {"loan_id": [1, 1], "month": [1, 2], "mob": [1, 2], "bucket": ["M0", "CO"],
    ...          "balance": [100.0, 0.0], "charge_off_amount": [0.0, 100.0]}
    >>> ax = plot_vintage_curves(vintage_curves(panel, states=["M0", "CO"], bad_states=["CO"]))
    >>> len(ax.lines)
    1
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    check_in(kind, "kind", ["count", "balance"])
    ax = axes_or_new(ax)
    data = curves.count_rate if kind == "count" else curves.balance_rate
    for label, row in zip(curves.cohorts, data, strict=True):
        ax.plot(curves.mob, row, label=label, linewidth=1)
    ax.set_xlabel("months on book")
    ax.set_ylabel(f"cumulative bad rate ({kind})")
    ax.set_title(f"Vintage curves (bad = ever {curves.bad_definition})")
    if len(curves.cohorts) <= 12:
        ax.legend(fontsize=7)
    return ax


def plot_pd_curves(
    pd_curves: LifetimePD, ax: Axes | None = None, *, kind: str = "cumulative"
) -> Axes:
    """Lifetime PD curves (cumulative, marginal or conditional) per starting state.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.transitions import TransitionMatrix, lifetime_pd
    >>> tm = TransitionMatrix.from_probabilities([[0.9, 0.1], [0, 1]], ["A", "D"])
    >>> ax = plot_pd_curves(lifetime_pd(tm, ["D"], horizon=5))
    >>> ax.get_ylabel()
    'cumulative PD'
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    check_in(kind, "kind", ["cumulative", "marginal", "conditional"])
    ax = axes_or_new(ax)
    data = getattr(pd_curves, kind)
    for label, row in zip(pd_curves.states, data, strict=True):
        ax.plot(pd_curves.periods, row, label=label)
    ax.set_xlabel("period")
    ax.set_ylabel(f"{kind} PD")
    ax.legend(fontsize=7)
    return ax


def plot_roll_rates(rates: RollRates, ax: Axes | None = None) -> Axes:
    """Forward roll rates over time, one line per move (M0->M1, M1->M2, ...).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.transitions import roll_rates
    >>> panel = {"loan_id": [1, 1], "month": [0, 1], "bucket": ["M0", "M1"]}
    >>> ax = plot_roll_rates(roll_rates(panel, order=["M0", "M1"]))
    >>> len(ax.lines)
    1
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    moves = [f"{a}->{b}" for a, b in zip(rates.from_states, rates.to_states, strict=True)]
    return _rate_lines(ax, rates.periods, rates.forward, moves, "roll rate (accounts)")


def plot_flow_rates(rates: FlowRates, ax: Axes | None = None) -> Axes:
    """Balance flow rates over time, one line per move.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.transitions import flow_rates
    >>> panel = {"month": [0, 1], "bucket": ["M0", "M1"], "balance": [10.0, 1.0]}
    >>> ax = plot_flow_rates(flow_rates(panel, order=["M0", "M1"], charge_off_col=None))
    >>> len(ax.lines)
    1
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    return _rate_lines(ax, rates.periods, rates.rates, rates.moves, "flow rate (balance)")


def _rate_lines(
    ax: Axes | None,
    periods: tuple[str, ...],
    rates: npt.NDArray[np.float64],
    moves: Sequence[str],
    ylabel: str,
) -> Axes:
    """One line per move (a column of ``rates``) over the periods: roll and flow rates."""
    ax = axes_or_new(ax)
    x = np.arange(len(periods))
    for j, move in enumerate(moves):
        ax.plot(x, rates[:, j], marker=".", label=move)
    _period_ticks(ax, periods)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
    return ax


def _period_ticks(ax: Any, labels: tuple[str, ...]) -> None:
    step = max(1, len(labels) // 8)
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(ticks, labels=[labels[i] for i in ticks], rotation=45, fontsize=7)
