"""Pre-binning: candidate split points for the exact solver.

Two methods, both weighted and invariant to repeating rows (an integer weight equals that
many copies of the row):

- ``"quantile"``: cut points at the weighted ``i / n_prebins`` quantiles, placed halfway
  between two adjacent distinct values.
- ``"tree"``: the splits of a best-first CART tree on the Gini impurity with at most
  ``n_prebins`` leaves and ``min_prebin_frac`` of the weight per leaf (the pre-binning of
  Navas-Palencia's optbinning), grown on sorted distinct values with cumulative sums.

The split points are midpoints between adjacent distinct values, so a bin is
``splits[i-1] <= x < splits[i]`` (``numpy.searchsorted(splits, x, side="right")``).
"""

from __future__ import annotations

import heapq

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray

__all__ = ["distinct_counts", "numeric_prebin_counts", "prebin_splits"]


def distinct_counts(
    x: FloatArray, weight: FloatArray, event: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Sorted distinct values of ``x`` with their total weight (and weighted events)."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    if xs.size == 0:
        return xs, xs.copy(), None if event is None else xs.copy()
    starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])
    values = xs[starts]
    w = np.add.reduceat(weight[order], starts)
    ev = None if event is None else np.add.reduceat((weight * event)[order], starts)
    return values, w, ev


def nice_midpoints(lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Split points strictly between ``lo`` and ``hi`` with the fewest decimals.

    The midpoint rounded to the first number of decimals that keeps it strictly inside
    the gap, so labels read ``[0.518, ...)`` rather than ``[0.5175000000000001, ...)``.

    Examples
    --------
    >>> nice_midpoints(np.array([1.0, 0.515, 29.0]), np.array([2.0, 0.52, 31.0]))
    array([ 1.5  ,  0.518, 30.   ])
    """
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    mid = (lo + hi) / 2.0
    out = mid.copy()
    todo = np.ones(mid.shape, dtype=bool)
    for d in range(16):
        r = np.round(mid, d)
        ok = todo & (r > lo) & (r < hi)
        out[ok] = r[ok]
        todo &= ~ok
        if not todo.any():
            break
    return out


def _quantile(values: FloatArray, w: FloatArray, n_prebins: int) -> FloatArray:
    cum = np.cumsum(w)
    total = cum[-1]
    targets = total * np.arange(1, n_prebins) / n_prebins
    j = np.unique(np.searchsorted(cum, targets * (1 - 1e-12), side="left"))
    j = j[j < values.size - 1]
    return nice_midpoints(values[j], values[j + 1])


def _gini_gain(
    cw: FloatArray, ce: FloatArray, lo: int, hi: int, min_leaf: float
) -> tuple[float, int]:
    """Best Gini split of distinct values [lo, hi): (gain, split index j: left = [lo, j))."""
    base_w = cw[lo]
    base_e = ce[lo]
    w_left = cw[lo + 1 : hi] - base_w
    e_left = ce[lo + 1 : hi] - base_e
    w_tot = cw[hi] - base_w
    e_tot = ce[hi] - base_e
    w_right = w_tot - w_left
    e_right = e_tot - e_left
    ok = (w_left >= min_leaf) & (w_right >= min_leaf) & (w_left > 0) & (w_right > 0)
    if not ok.any() or w_tot <= 0:
        return 0.0, -1
    with np.errstate(divide="ignore", invalid="ignore"):
        # weighted Gini impurity of a node: w * 2 p (1 - p) = 2 e (w - e) / w
        left = 2.0 * e_left * (w_left - e_left) / w_left
        right = 2.0 * e_right * (w_right - e_right) / w_right
    parent = 2.0 * e_tot * (w_tot - e_tot) / w_tot
    gain = np.where(ok, parent - left - right, -np.inf)
    k = int(np.argmax(gain))
    return float(gain[k]), lo + 1 + k


def _tree(
    values: FloatArray, w: FloatArray, ev: FloatArray, n_prebins: int, min_frac: float
) -> FloatArray:
    """Split points of a best-first Gini tree on sorted distinct values (midpoints)."""
    idx = _tree_cuts(w, ev, n_prebins, min_frac)
    return nice_midpoints(values[idx - 1], values[idx])


def _tree_cuts(
    w: FloatArray, ev: FloatArray, n_prebins: int, min_frac: float
) -> npt.NDArray[np.intp]:
    """Cut indices j (left part = cells [.., j)) of a best-first Gini tree."""
    cw = np.concatenate(([0.0], np.cumsum(w)))
    ce = np.concatenate(([0.0], np.cumsum(ev)))
    min_leaf = min_frac * cw[-1]
    heap: list[tuple[float, int, int, int]] = []
    gain, j = _gini_gain(cw, ce, 0, w.size, min_leaf)
    if j > 0 and gain > 1e-12 * cw[-1]:
        heapq.heappush(heap, (-gain, 0, w.size, j))
    cuts: list[int] = []
    while heap and len(cuts) < n_prebins - 1:
        _, lo, hi, j = heapq.heappop(heap)
        cuts.append(j)
        for a, b in ((lo, j), (j, hi)):
            g, jj = _gini_gain(cw, ce, a, b, min_leaf)
            if jj > 0 and g > 1e-12 * cw[-1]:
                heapq.heappush(heap, (-g, a, b, jj))
    return np.array(sorted(cuts), dtype=np.intp)


def prebin_splits(
    x: npt.ArrayLike,
    y: npt.ArrayLike | None = None,
    sample_weight: npt.ArrayLike | None = None,
    *,
    n_prebins: int = 20,
    method: str = "quantile",
    min_prebin_frac: float = 0.05,
) -> FloatArray:
    """Candidate split points of one numeric feature (missing values ignored).

    Use it on a sample of data too large for memory: compute the splits here, then count
    every chunk with :meth:`CountTable.from_data` and add the tables.

    Parameters
    ----------
    x : array-like of shape (n,)
        Values; NaN is ignored (remove special codes first).
    y : array-like of shape (n,), optional
        0/1 target; required by ``method="tree"``.
    sample_weight : array-like of shape (n,), optional
        Row weights.
    n_prebins : int, default=20
        Maximum number of pre-bins.
    method : {"quantile", "tree"}, default="quantile"
        Equal-weight quantiles, or the leaves of a Gini tree (target-aware).
    min_prebin_frac : float, default=0.05
        ``"tree"`` only: minimum share of the weight per leaf.

    Returns
    -------
    ndarray of float64
        Strictly increasing split points (midpoints between distinct values).

    Examples
    --------
    >>> prebin_splits([1, 2, 3, 4, 5, 6, 7, 8], n_prebins=4)
    array([2.5, 4.5, 6.5])
    """
    arr = np.asarray(x, dtype=np.float64).reshape(-1)
    w = (
        np.ones(arr.shape[0])
        if sample_weight is None
        else np.asarray(sample_weight, dtype=np.float64).reshape(-1)
    )
    keep = ~np.isnan(arr) & (w > 0)
    event = None
    if method == "tree":
        if y is None:
            from overdue_risk.exceptions import DataError

            raise DataError('prebin_splits(method="tree") needs y; pass the 0/1 target.')
        event = np.asarray(y, dtype=np.float64).reshape(-1)[keep]
    values, wv, ev = distinct_counts(arr[keep], w[keep], event)
    if values.size < 2 or n_prebins < 2:
        return np.empty(0, dtype=np.float64)
    if method == "tree" and ev is not None:
        return _tree(values, wv, ev, int(n_prebins), float(min_prebin_frac))
    return _quantile(values, wv, int(n_prebins))


def _edge_gaps(xs: FloatArray, cw: FloatArray, n_parts: int) -> tuple[FloatArray, FloatArray]:
    """(value, next distinct value) at the weighted 1/n_parts quantiles of sorted ``xs``."""
    if xs.size < 2 or n_parts < 2:
        return np.empty(0, dtype=np.float64), np.empty(0, dtype=np.float64)
    targets = cw[-1] * np.arange(1, n_parts) / n_parts
    j = np.searchsorted(cw, targets * (1 - 1e-12), side="left")
    vals = np.unique(xs[np.minimum(j, xs.size - 1)])
    nxt_pos = np.searchsorted(xs, vals, side="right")
    keep = nxt_pos < xs.size
    return vals[keep], xs[nxt_pos[keep]]


def _edges_at(xs: FloatArray, cw: FloatArray, n_parts: int) -> FloatArray:
    """Split points at the weighted 1/n_parts quantiles of sorted ``xs`` (cum. weight cw)."""
    return nice_midpoints(*_edge_gaps(xs, cw, n_parts))


def numeric_prebin_counts(
    x: FloatArray,
    y: FloatArray,
    w: FloatArray,
    *,
    n_prebins: int,
    method: str,
    min_prebin_frac: float,
    user_splits: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Pre-bin edges and (events, non-events) per pre-bin of regular values, in one sort.

    ``x`` holds only the regular values (no missing, no special codes). One argsort gives
    cumulative weights and events; pre-bin counts are differences of those at the edges.
    The tree grows on a fine grid of 1024 weighted quantile cells.
    """
    if bool(np.all(w == 1.0)) and bool(np.all((y == 0.0) | (y == 1.0))):
        # Unit weights, 0/1 target: cumulative weights are ranks and cumulative events
        # are ranks among the events, so two plain sorts (no argsort and gathers, which
        # fall out of cache above 1M rows) give the same counts exactly.
        xs = np.sort(x)
        xe = np.sort(x[y == 1.0])
        cw = np.arange(1.0, xs.size + 1.0)

        def counts(edges: FloatArray) -> tuple[FloatArray, FloatArray]:
            pos = np.concatenate(([0], np.searchsorted(xs, edges, side="left"), [xs.size]))
            epos = np.concatenate(([0], np.searchsorted(xe, edges, side="left"), [xe.size]))
            ev = np.diff(epos).astype(np.float64)
            return ev, np.diff(pos).astype(np.float64) - ev

    else:
        keep = w > 0
        x, y, w = x[keep], y[keep], w[keep]
        order = np.argsort(x)
        xs = x[order]
        cw = np.cumsum(w[order])
        ce = np.cumsum((w * y)[order])
        cw0 = np.concatenate(([0.0], cw))
        ce0 = np.concatenate(([0.0], ce))

        def counts(edges: FloatArray) -> tuple[FloatArray, FloatArray]:
            pos = np.concatenate(([0], np.searchsorted(xs, edges, side="left"), [xs.size]))
            wt = np.diff(cw0[pos])
            ev = np.diff(ce0[pos])
            return ev, np.maximum(wt - ev, 0.0)

    if user_splits is not None:
        edges = np.asarray(user_splits, dtype=np.float64)
    elif method == "tree" and xs.size > 1:
        lo, hi = _edge_gaps(xs, cw, max(1024, 32 * n_prebins))
        f_ev, f_ne = counts((lo + hi) / 2.0)  # any point inside each gap counts the same
        cuts = _tree_cuts(f_ev + f_ne, f_ev, n_prebins, min_prebin_frac) - 1
        edges = nice_midpoints(lo[cuts], hi[cuts])
    else:
        edges = _edges_at(xs, cw, n_prebins)
    ev, ne = counts(edges)
    return edges, ev, ne
