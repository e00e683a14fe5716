"""Exact optimal binning: a dynamic programme over pre-bin boundaries.

A binning of ``P`` ordered pre-bins is a choice of cut points; each bin is a contiguous
run of pre-bins ``[a, b)``. Information value is additive over bins and a bin's IV depends
only on its event and non-event counts, which are sums of the pre-bins' counts. So the
best binning can be found exactly by dynamic programming over pre-bin boundaries.

Monotone trends are handled with DP states that carry the last bin: the value
``F[k][b, a]`` is the best IV of a partition of pre-bins ``[0, b)`` into ``k`` bins whose
last bin is ``[a, b)``; the next bin ``[b, d)`` may follow it only when the event rates of
the two bins are in the required order. Peak and valley trends are two monotone pieces:
every DP state also carries the piece (rising or falling) it is in, and the piece may
switch once. The inner maximisation over the previous bin's start is a masked maximum over
a ``(P+1) x (P+1) x (P+1)`` array, vectorised with NumPy; the only Python loop runs over
the number of bins.

Zero-count smoothing (Haldane-Anscombe): a bin that has no events or no non-events gets
0.5 added to both of its counts before its WOE and IV are computed, so WOE and IV are
always finite. An empty bin (no observations at all) has WOE 0 and IV 0.

References
----------
.. [1] Siddiqi, N. (2017). *Intelligent Credit Scoring*, 2nd ed., Wiley. (WOE and IV.)
.. [2] Bellman, R. (1957). *Dynamic Programming*. Princeton University Press.
.. [3] Navas-Palencia, G. (2020). Optimal binning: mathematical programming formulation.
   arXiv:2001.08025. (The constrained problem solved here by DP instead of MIP/CP.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["SMOOTHING", "SolverResult", "solve_binning", "woe_iv"]

FloatArray = npt.NDArray[np.float64]

#: Count added to both counts of a bin with no events or no non-events.
SMOOTHING = 0.5

# trend -> the monotone pieces, in order; "le" = event rate non-decreasing (rising),
# "ge" = non-increasing (falling). None = unconstrained.
_PIECES: dict[str | None, tuple[str, ...]] = {
    "ascending": ("le",),
    "descending": ("ge",),
    "peak": ("le", "ge"),
    "valley": ("ge", "le"),
    None: ("any",),
}


def woe_iv(
    events: npt.ArrayLike,
    nonevents: npt.ArrayLike,
    total_events: float,
    total_nonevents: float,
) -> tuple[FloatArray, FloatArray]:
    """WOE and IV contribution of bins with the given counts (smoothed, always finite).

    ``WOE = ln((nonevents / total_nonevents) / (events / total_events))``: higher WOE means
    lower risk. A bin with no events or no non-events has 0.5 added to both counts; an empty
    bin has WOE 0 and IV 0.

    Examples
    --------
    >>> woe, iv = woe_iv([10.0, 30.0, 0.0], [90.0, 70.0, 0.0], 40.0, 160.0)
    >>> woe.round(4).tolist(), round(float(iv.sum()), 4)
    ([0.8109, -0.539, 0.0], 0.4219)
    """
    ev = np.asarray(events, dtype=np.float64)
    ne = np.asarray(nonevents, dtype=np.float64)
    nonempty = (ev + ne) > 0
    zero = nonempty & ((ev <= 0) | (ne <= 0))
    ev_s = np.where(zero, ev + SMOOTHING, ev)
    ne_s = np.where(zero, ne + SMOOTHING, ne)
    with np.errstate(divide="ignore", invalid="ignore"):
        pe = ev_s / total_events
        pn = ne_s / total_nonevents
        woe = np.where(nonempty, np.log(pn / pe), 0.0)
        iv = np.where(nonempty, (pn - pe) * woe, 0.0)
    return woe, iv


@dataclass(frozen=True)
class SolverResult:
    """The optimal merge of pre-bins: bin start indices, IV of the regular bins, trend."""

    starts: tuple[int, ...]  # start pre-bin index of each bin (the first is 0)
    iv: float
    trend: str | None
    feasible: bool


def _pair_sums(values: FloatArray) -> FloatArray:
    """Matrix S[a, b] = sum(values[a:b]) for 0 <= a < b <= P (0 elsewhere), no cancellation."""
    p = values.shape[0]
    idx = np.arange(p)
    rows = np.where(idx[None, :] >= np.arange(p)[:, None], values[None, :], 0.0)
    out = np.zeros((p + 1, p + 1))
    out[:p, 1:] = np.cumsum(rows, axis=1)
    out[np.tril_indices(p + 1)] = 0.0
    return out


def _bin_matrices(
    events: FloatArray,
    nonevents: FloatArray,
    total_events: float,
    total_nonevents: float,
    min_size: float,
    min_events: float,
    min_nonevents: float,
) -> tuple[FloatArray, FloatArray]:
    """IV (-inf where the bin breaks a constraint) and event rate of every bin [a, b)."""
    ev = _pair_sums(events)
    ne = _pair_sums(nonevents)
    tot = ev + ne
    p1 = events.shape[0] + 1
    upper = np.triu(np.ones((p1, p1), dtype=bool), k=1)
    ok = upper & (tot >= min_size) & (ev >= min_events) & (ne >= min_nonevents) & (tot > 0)
    _, iv = woe_iv(ev, ne, total_events, total_nonevents)
    iv = np.where(ok, iv, -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(tot > 0, ev / np.where(tot > 0, tot, 1.0), np.nan)
    return iv, rate


def _order_mask(rate: FloatArray, op: str) -> npt.NDArray[np.bool_]:
    """cond[b, a, c]: bin [a, b) may follow bin [c, a) under the order ``op``."""
    prev = rate.T[None, :, :]  # prev[0, a, c] = rate[c, a]
    nxt = rate.T[:, :, None]  # nxt[b, a, 0] = rate[a, b]
    if op == "le":
        return np.asarray(prev <= nxt)
    if op == "ge":
        return np.asarray(prev >= nxt)
    p1 = rate.shape[0]
    return np.ones((p1, p1, p1), dtype=bool)


#: Above this many elements in one (P+1)^3 array the DP runs bin end by bin end instead of
#: layer by layer, so memory stays O(K P^2) for long lists of candidate splits.
CUBE_LIMIT = 2_000_000


def _mask_row(rate: FloatArray, op: str, b: int) -> FloatArray:
    """0 / -inf matrix [a, c]: bin [a, b) may follow bin [c, a) under ``op``."""
    prev = rate.T  # prev[a, c] = rate[c, a]
    nxt = rate[:, b][:, None]  # nxt[a, 0] = rate[a, b]
    ok = prev <= nxt if op == "le" else prev >= nxt
    return np.where(ok, 0.0, -np.inf)


def _forward_layers(
    iv: FloatArray, rate: FloatArray, pieces: tuple[str, ...], max_bins: int
) -> list[list[FloatArray]]:
    """layers[k-1][s][b, a] for k = 1..: vectorised over (b, a, c), one loop over k."""
    p1 = iv.shape[0]
    n_states = len(pieces)
    masks = [np.where(_order_mask(rate, op), 0.0, -np.inf) for op in pieces]
    iv_t = iv.T  # iv_t[b, a] = iv[a, b]
    first = np.full((p1, p1), -np.inf)
    first[:, 0] = iv[0, :]
    layers = [[first] + [np.full((p1, p1), -np.inf) for _ in range(n_states - 1)]]
    for _ in range(2, max_bins + 1):
        prev = layers[-1]
        cur: list[FloatArray] = []
        for s in range(n_states):
            v = (prev[s][None, :, :] + masks[s]).max(axis=2)
            if s > 0:  # switch from the previous piece
                v = np.maximum(v, (prev[s - 1][None, :, :] + masks[s]).max(axis=2))
            cur.append(iv_t + v)
        layers.append(cur)
        if not any(np.isfinite(layer).any() for layer in cur):
            break
    return layers


def _forward_by_end(
    iv: FloatArray, rate: FloatArray, pieces: tuple[str, ...], max_bins: int
) -> list[list[FloatArray]]:
    """Same values as :func:`_forward_layers`, looping over the bin end b (O(K P^2) memory)."""
    p1 = iv.shape[0]
    n_states = len(pieces)
    f = [np.full((max_bins, p1, p1), -np.inf) for _ in range(n_states)]  # [k-1, b, a]
    f[0][0, :, 0] = iv[0, :]
    for b in range(1, p1):
        col = iv[:, b][None, :]  # iv[a, b] over a
        for s in range(n_states):
            m = _mask_row(rate, pieces[s], b)[None, :, :]  # [1, a, c]
            v = (f[s][:-1] + m).max(axis=2)  # from k-1 bins ending at a
            if s > 0:
                v = np.maximum(v, (f[s - 1][:-1] + m).max(axis=2))
            f[s][1:, b, :] = col + v
    return [[f[s][k] for s in range(n_states)] for k in range(max_bins)]


def _solve_trend(
    iv: FloatArray, rate: FloatArray, trend: str | None, max_bins: int
) -> tuple[float, tuple[int, ...]]:
    """Best IV and bin starts for one trend; (-inf, ()) when nothing is feasible."""
    if trend is None:
        return _solve_unconstrained(iv, max_bins)
    pieces = _PIECES[trend]
    p1 = iv.shape[0]
    n_states = len(pieces)
    forward = _forward_layers if p1**3 <= CUBE_LIMIT else _forward_by_end
    layers = forward(iv, rate, pieces, max_bins)
    best_val, best_k, best_s = -np.inf, 1, 0
    for k, layer in enumerate(layers, start=1):
        for s in range(n_states):
            end = float(layer[s][p1 - 1].max())
            tol = 1e-12 * max(1.0, abs(best_val)) if np.isfinite(best_val) else 0.0
            if end > best_val + tol:
                best_val, best_k, best_s = end, k, s
    if not np.isfinite(best_val):
        return -np.inf, ()
    # backtrack: recompute the arg-max for the one state on the optimal path
    b, s = p1 - 1, best_s
    a = int(layers[best_k - 1][s][b].argmax())
    starts = [a]
    for k in range(best_k, 1, -1):
        prev = layers[k - 2]
        target = layers[k - 1][s][b, a] - iv[a, b]
        mask = _mask_row(rate, pieces[s], b)[a]
        cands = [(src, prev[src][a] + mask) for src in ([s] if s == 0 else [s, s - 1])]
        src, vals = max(cands, key=lambda sv: float(sv[1].max()))
        c = int(vals.argmax())
        if abs(float(vals[c]) - target) > 1e-9 * max(1.0, abs(target)):  # pragma: no cover
            raise RuntimeError("binning DP backtrack mismatch")
        b, a, s = a, c, src
        starts.append(a)
    return best_val, tuple(reversed(starts))


def _solve_unconstrained(iv: FloatArray, max_bins: int) -> tuple[float, tuple[int, ...]]:
    """No trend: G[k][b] = best IV of [0, b) in k bins = max_a G[k-1][a] + iv[a, b]."""
    p1 = iv.shape[0]
    neg = -np.inf
    g = iv[0, :].copy()
    parents: list[npt.NDArray[np.intp]] = []
    best_val, best_k = float(g[p1 - 1]), 1
    for k in range(2, max_bins + 1):
        cand = g[:, None] + iv  # [a, b]
        arg = cand.argmax(axis=0)
        g = cand[arg, np.arange(p1)]
        parents.append(arg)
        if not np.isfinite(g).any():
            break
        if g[p1 - 1] > best_val + 1e-12 * max(1.0, abs(best_val)):
            best_val, best_k = float(g[p1 - 1]), k
    if not np.isfinite(best_val):
        return neg, ()
    starts = []
    b = p1 - 1
    for k in range(best_k, 1, -1):
        a = int(parents[k - 2][b])
        starts.append(a)
        b = a
    starts.append(0)
    return best_val, tuple(reversed(starts))


def _shape(rates: list[float]) -> str:
    """Name the shape of a sequence of bin event rates."""
    d = np.diff(np.asarray(rates))
    if (d >= 0).all():
        return "ascending"
    if (d <= 0).all():
        return "descending"
    peak_at = int(np.argmax(rates))
    return "peak" if (d[:peak_at] >= 0).all() and (d[peak_at:] <= 0).all() else "valley"


def solve_binning(
    events: npt.ArrayLike,
    nonevents: npt.ArrayLike,
    *,
    total_events: float,
    total_nonevents: float,
    trend: str | None = "auto",
    max_n_bins: int | None = None,
    min_size: float = 0.0,
    min_events: float = 0.0,
    min_nonevents: float = 0.0,
) -> SolverResult:
    """Merge ordered pre-bins into the bins of maximum IV under the constraints (exact).

    Parameters
    ----------
    events, nonevents : array-like of shape (P,)
        (Weighted) counts per pre-bin, in pre-bin order.
    total_events, total_nonevents : float
        Totals of the whole feature (including missing and special bins), the WOE base.
    trend : {"ascending", "descending", "peak", "valley", "auto", None}, default="auto"
        Order imposed on the bins' event rates. "peak" rises then falls, "valley" falls then
        rises (each includes the monotone cases). "auto" solves "peak" and "valley" and keeps
        the higher IV (ties to the monotone shape); the trend reported is the shape of the
        chosen bins.
    max_n_bins : int or None, default=None
        Maximum number of bins.
    min_size, min_events, min_nonevents : float, default=0
        Minimum (weighted) count, events and non-events per bin.

    Returns
    -------
    SolverResult
        ``feasible=False`` when not even one bin satisfies the constraints.

    Examples
    --------
    >>> res = solve_binning([1, 2, 8, 9], [9, 8, 2, 1], total_events=20, total_nonevents=20,
    ...                     trend="ascending", max_n_bins=2)
    >>> res.starts, round(res.iv, 4)
    ((0, 2), 2.4284)
    """
    ev = np.asarray(events, dtype=np.float64).reshape(-1)
    ne = np.asarray(nonevents, dtype=np.float64).reshape(-1)
    p = ev.shape[0]
    limit = p if max_n_bins is None else max(1, min(int(max_n_bins), p))
    if min_size > 0:
        limit = max(1, min(limit, int(np.floor((ev.sum() + ne.sum()) / min_size + 1e-9))))
    iv, rate = _bin_matrices(
        ev, ne, total_events, total_nonevents, min_size, min_events, min_nonevents
    )
    if p == 0 or not np.isfinite(iv[0, p]):
        return SolverResult((), float("-inf"), trend, False)
    if trend == "auto":
        candidates = []
        for t in ("peak", "valley"):
            val, starts = _solve_trend(iv, rate, t, limit)
            bounds = [*starts, p]
            rates = [float(rate[bounds[i], bounds[i + 1]]) for i in range(len(starts))]
            shape = _shape(rates)
            monotone = shape in ("ascending", "descending")
            candidates.append((val, monotone, shape, starts))
        best = max(candidates, key=lambda c: (round(c[0], 12), c[1]))
        return SolverResult(best[3], float(best[0]), best[2], True)
    val, starts = _solve_trend(iv, rate, trend, limit)
    return SolverResult(starts, float(val), trend, True)
