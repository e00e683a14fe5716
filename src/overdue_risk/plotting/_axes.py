"""The one place the plotting functions get their Axes (matplotlib loaded only then).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> ax = axes_or_new(None, figsize=(4, 3))
>>> axes_or_new(ax) is ax
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from overdue_risk._optional import require

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["axes_or_new"]


def axes_or_new(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    """``ax`` itself, or the Axes of a new figure (``figsize`` inches) when ``ax`` is None."""
    if ax is not None:
        return ax
    plt = require("matplotlib.pyplot", extra="plots", purpose="plotting")
    new_ax: Axes = plt.subplots(figsize=figsize)[1]
    return new_ax
