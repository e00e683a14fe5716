"""Count tables of score bands, and helpers shared by the Spark and Dask aggregations.

Monitoring a book needs only mergeable counts: events and non-events per pre-bin
(:class:`overdue_risk.binning.CountTable`, consumed by ``WOEBinner.fit_from_counts``),
accounts per score band (consumed by :func:`overdue_risk.metrics.psi_from_counts`) and
moves per ``(from_state, to_state)``. The table of a union of partitions is the sum of the
partitions' tables, which is how the Spark and Dask back-ends compute them.

Examples
--------
>>> band_counts_numpy([500.0, 550.0, 610.0], [550.0, 600.0]) * 2
array([2., 2., 2.])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["band_counts_numpy", "quantile_splits"]

FloatArray = npt.NDArray[np.float64]


def band_counts_numpy(scores: npt.ArrayLike, edges: Sequence[float]) -> FloatArray:
    """Accounts per score band: band ``searchsorted(edges, score, side="right")``; NaN dropped.

    Examples
    --------
    >>> band_counts_numpy([500.0, 550.0, 610.0, np.nan], [550.0, 600.0])
    array([1., 1., 1.])
    """
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    s = s[~np.isnan(s)]
    cuts = np.asarray(edges, dtype=np.float64)
    band = np.searchsorted(cuts, s, side="right")
    return np.bincount(band, minlength=cuts.size + 1).astype(np.float64)


def quantile_splits(quantiles: npt.ArrayLike) -> tuple[float, ...]:
    """Strictly increasing finite cut points from (approximate) quantiles."""
    q = np.asarray(quantiles, dtype=np.float64).reshape(-1)
    q = q[np.isfinite(q)]
    return tuple(float(v) for v in np.unique(q))
