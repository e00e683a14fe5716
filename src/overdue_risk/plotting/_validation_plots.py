"""Validation charts built on the result objects of :mod:`overdue_risk.metrics`.

One function per chart: ``ax=None`` in (a new figure is made), the Axes out; matplotlib is
imported inside, so importing this module stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk.exceptions import DataError
from overdue_risk.metrics import GainsTable, gains_table
from overdue_risk.plotting._axes import axes_or_new

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from overdue_risk.metrics import GainsTable

__all__ = ["plot_gains"]


def plot_gains(
    y_true: npt.ArrayLike | GainsTable,
    y_score: npt.ArrayLike | None = None,
    ax: Axes | None = None,
    *,
    n_bins: int = 10,
) -> Axes:
    """Lift per score band (bars) and the cumulative share of bads captured (line).

    Parameters
    ----------
    y_true : array-like of shape (n,) or GainsTable
        Default flags, or an already computed :func:`~overdue_risk.metrics.gains_table`.
    y_score : array-like of shape (n,), optional
        Risk score (higher = riskier; pass ``-points``); needed unless a table is given.
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure).
    n_bins : int, default=10
        Number of bands when the table is computed here.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 500)
    >>> ax = plot_gains(y, rng.normal(size=500) + y)
    >>> ax.get_xlabel()
    'score band (riskiest first)'
    """
    if isinstance(y_true, GainsTable):
        table = y_true
    else:
        if y_score is None:
            raise DataError("plot_gains needs y_score with y_true, or a GainsTable alone.")
        table = gains_table(y_true, y_score, n_bins=n_bins)
    cols: dict[str, Any] = table._columns()
    ax = axes_or_new(ax)
    bands = np.asarray(table.band)
    ax.bar(bands, cols["lift"], color="#9fb3c8", label="lift")
    ax.axhline(1.0, color="#52606d", lw=1, ls="--")
    ax.set_xlabel("score band (riskiest first)")
    ax.set_ylabel("lift (band bad rate / overall)")
    ax.set_xticks(bands)
    twin = ax.twinx()
    twin.plot(
        bands,
        cols["cum_events_pct"],
        color="#b42318",
        marker="o",
        lw=1.6,
        label="cumulative share of bads",
    )
    twin.set_ylim(0.0, 1.05)
    twin.set_ylabel("cumulative share of bads")
    ax.set_title("Gains and lift by score band")
    handles = ax.get_legend_handles_labels()
    handles2 = twin.get_legend_handles_labels()
    ax.legend(handles[0] + handles2[0], handles[1] + handles2[1], loc="center right", fontsize=8)
    return ax
