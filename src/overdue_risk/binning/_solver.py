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
0.5 (times the mean sample weight, see ``woe_iv``) added to both of its counts before
its WOE and IV are computed, so WOE and IV are always finite. An empty bin (no
observations at all) has WOE 0 and IV 0.

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

from overdue_risk._results import format_cell
from overdue_risk._validation import FloatArray

__all__ = ["SMOOTHING", "SolverResult", "shape_lr_test", "solve_binning", "woe_iv"]


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
    smoothing: float = SMOOTHING,
) -> tuple[FloatArray, FloatArray]:
    """WOE and IV contribution of bins with the given counts (smoothed, always finite).

    ``WOE = ln((nonevents / total_nonevents) / (events / total_events))``: higher WOE means
    lower risk. A bin with no events or no non-events has ``smoothing`` (0.5 for unit
    weights; :class:`WOEBinner` passes 0.5 x the mean sample weight) added to both counts;
    an empty bin has WOE 0 and IV 0.

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
    ev_s = np.where(zero, ev + smoothing, ev)
    ne_s = np.where(zero, ne + smoothing, ne)
    with np.errstate(divide="ignore", invalid="ignore"):
        pe = ev_s / total_events
        pn = ne_s / total_nonevents
        woe = np.where(nonempty, np.log(pn / pe), 0.0)
        iv = np.where(nonempty, (pn - pe) * woe, 0.0)
    return woe, iv


@dataclass(frozen=True)
class SolverResult:
    """The optimal merge of pre-bins: bin start indices, IV of the regular bins, trend.

    ``reason`` says why ``trend="auto"`` chose the trend it did (empty otherwise).
    """

    starts: tuple[int, ...]  # start pre-bin index of each bin (the first is 0)
    iv: float
    trend: str | None
    feasible: bool
    reason: str = ""


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
    smoothing: float = SMOOTHING,
) -> tuple[FloatArray, FloatArray]:
    """IV (-inf where the bin breaks a constraint) and event rate of every bin [a, b)."""
    ev = _pair_sums(events)
    ne = _pair_sums(nonevents)
    tot = ev + ne
    p1 = events.shape[0] + 1
    upper = np.triu(np.ones((p1, p1), dtype=bool), k=1)
    ok = upper & (tot >= min_size) & (ev >= min_events) & (ne >= min_nonevents) & (tot > 0)
    _, iv = woe_iv(ev, ne, total_events, total_nonevents, smoothing)
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


def _forward(
    iv: FloatArray, rate: FloatArray, pieces: tuple[str, ...], max_bins: int
) -> list[list[FloatArray]]:
    p1 = iv.shape[0]
    forward = _forward_layers if p1**3 <= CUBE_LIMIT else _forward_by_end
    return forward(iv, rate, pieces, max_bins)


def _best_path(
    iv: FloatArray,
    rate: FloatArray,
    pieces: tuple[str, ...],
    layers: list[list[FloatArray]],
    end_states: tuple[int, ...],
) -> tuple[float, tuple[int, ...]]:
    """Best IV and bin starts over paths ending in ``end_states``; (-inf, ()) if none."""
    p1 = iv.shape[0]
    best_val, best_k, best_s = -np.inf, 1, 0
    for k, layer in enumerate(layers, start=1):
        for s in end_states:
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


def _solve_trend(
    iv: FloatArray, rate: FloatArray, trend: str | None, max_bins: int
) -> tuple[float, tuple[int, ...]]:
    """Best IV and bin starts for one trend; (-inf, ()) when nothing is feasible."""
    if trend is None:
        return _solve_unconstrained(iv, max_bins)
    pieces = _PIECES[trend]
    layers = _forward(iv, rate, pieces, max_bins)
    return _best_path(iv, rate, pieces, layers, tuple(range(len(pieces))))


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


def _log_lik(events: FloatArray, nonevents: FloatArray, bounds: list[int]) -> float:
    """Binomial log-likelihood of the pre-bin counts under one event rate per bin."""
    ce = np.r_[0.0, np.cumsum(events)]
    cn = np.r_[0.0, np.cumsum(nonevents)]
    b = np.asarray(bounds)
    e = ce[b[1:]] - ce[b[:-1]]
    n = cn[b[1:]] - cn[b[:-1]]
    t = e + n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(e > 0, e * np.log(e / t), 0.0) + np.where(n > 0, n * np.log(n / t), 0.0)
    return float(terms.sum())


def shape_lr_test(
    events: npt.ArrayLike,
    nonevents: npt.ArrayLike,
    monotone_starts: tuple[int, ...],
    other_starts: tuple[int, ...],
) -> tuple[float, int, float]:
    """Likelihood-ratio test that ``other`` bins add information to ``monotone`` bins.

    The two binnings are not nested, so the test compares the monotone binning with the
    common refinement of both (all cut points of either): ``G = 2 (LL_refined -
    LL_monotone)`` is asymptotically chi-square with one degree of freedom per extra cut
    point (Wilks 1938). Weighted counts are taken as frequencies (scikit-learn's
    convention: an integer weight is that many rows).

    Returns
    -------
    tuple of (float, int, float)
        The statistic G, its degrees of freedom and the p-value (1.0 when df = 0).

    Examples
    --------
    >>> g, df, p = shape_lr_test([30, 10, 10, 30], [70, 90, 90, 70], (0, 2), (0, 1, 3))
    >>> round(g, 2), df, p < 0.001
    (25.94, 2, True)
    """
    from scipy.stats import chi2

    ev = np.asarray(events, dtype=np.float64).reshape(-1)
    ne = np.asarray(nonevents, dtype=np.float64).reshape(-1)
    p = ev.shape[0]
    mono = sorted({*monotone_starts, p})
    refined = sorted({*monotone_starts, *other_starts, p})
    df = len(refined) - len(mono)
    if df == 0:
        return 0.0, 0, 1.0
    g = max(0.0, 2.0 * (_log_lik(ev, ne, refined) - _log_lik(ev, ne, mono)))
    return g, df, float(chi2.sf(g, df))


def _rates(rate: FloatArray, starts: tuple[int, ...], p: int) -> list[float]:
    bounds = [*starts, p]
    return [float(rate[bounds[i], bounds[i + 1]]) for i in range(len(starts))]


def _solve_auto(
    iv: FloatArray,
    rate: FloatArray,
    ev: FloatArray,
    ne: FloatArray,
    limit: int,
    min_iv_gain: float,
    alpha: float | None,
) -> SolverResult:
    """Best monotone binning unless a peak/valley one beats it by a meaningful margin.

    The peak DP's "still rising" state is the ascending problem and the valley DP's
    "still falling" state the descending one, so one forward pass per shape gives both the
    best monotone and the best non-monotone binning.
    """
    p = ev.shape[0]
    mono: list[tuple[float, tuple[int, ...]]] = []
    other: list[tuple[float, tuple[int, ...]]] = []
    for t in ("peak", "valley"):
        pieces = _PIECES[t]
        layers = _forward(iv, rate, pieces, limit)
        mono.append(_best_path(iv, rate, pieces, layers, (0,)))
        other.append(_best_path(iv, rate, pieces, layers, (0, 1)))
    m_iv, m_starts = max(mono, key=lambda c: c[0])  # ascending wins ties
    o_iv, o_starts = max(other, key=lambda c: c[0])  # peak wins ties
    m_shape = _shape(_rates(rate, m_starts, p))
    o_shape = _shape(_rates(rate, o_starts, p))
    tol = 1e-12 * max(1.0, abs(m_iv))
    if o_shape in ("ascending", "descending") or o_iv <= m_iv + tol:
        return SolverResult(
            m_starts,
            float(m_iv),
            m_shape,
            True,
            "auto: monotone; no peak/valley binning has a higher IV",
        )
    gain = (o_iv - m_iv) / m_iv if m_iv > 0 else np.inf
    g, df, pvalue = shape_lr_test(ev, ne, m_starts, o_starts)
    # the non-monotone bins were searched for (the raw p is anti-conservative): Bonferroni
    # over where the trend turns, i.e. the cut positions the monotone bins leave free
    n_sets = max(1, p - len(m_starts))
    p_adj = min(1.0, pvalue * n_sets)
    facts = (
        f"{o_shape} regular-bin IV {o_iv:.4f} vs best monotone ({m_shape}) {m_iv:.4f}: "
        f"gain {100 * gain:.1f}%, LR test G={g:.2f} df={df} p={format_cell(float(pvalue))}, "
        f"Bonferroni x{n_sets} p_adj={format_cell(float(p_adj))}"
    )
    if gain <= min_iv_gain:
        why = f"auto: {m_shape}; {facts} (gain <= auto_min_iv_gain {100 * min_iv_gain:g}%)"
        return SolverResult(m_starts, float(m_iv), m_shape, True, why)
    if alpha is not None and not p_adj < alpha:
        why = f"auto: {m_shape}; {facts} (not significant at auto_alpha {alpha:g})"
        return SolverResult(m_starts, float(m_iv), m_shape, True, why)
    return SolverResult(o_starts, float(o_iv), o_shape, True, f"auto: {facts}")


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
    auto_min_iv_gain: float = 0.0,
    auto_alpha: float | None = None,
    weight_unit: float = 1.0,
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
        rises (each includes the monotone cases). "auto" takes the best monotone binning
        (ascending or descending) unless the best peak/valley binning beats its IV by more
        than ``auto_min_iv_gain`` (relative) and, when ``auto_alpha`` is set, a
        likelihood-ratio test (:func:`shape_lr_test`, Bonferroni-adjusted for the search
        over cut positions) rejects at level ``auto_alpha``;
        the trend reported is the shape of the chosen bins and ``reason`` says why.
    max_n_bins : int or None, default=None
        Maximum number of bins.
    min_size, min_events, min_nonevents : float, default=0
        Minimum (weighted) count, events and non-events per bin.
    auto_min_iv_gain : float, default=0.0
        Relative IV gain a peak/valley binning needs over the best monotone one under
        "auto" (0: pure maximum IV, monotone on ties).
    auto_alpha : float or None, default=None
        Significance level of the likelihood-ratio test under "auto" (None: no test).
    weight_unit : float, default=1.0
        Mean sample weight: the zero-count smoothing is ``0.5 * weight_unit``, so scaling
        all weights by a constant leaves the WOE of any binning unchanged. (The
        likelihood-ratio test of "auto" takes weighted counts as frequencies.)

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
        ev,
        ne,
        total_events,
        total_nonevents,
        min_size,
        min_events,
        min_nonevents,
        SMOOTHING * weight_unit,
    )
    if p == 0 or not np.isfinite(iv[0, p]):
        return SolverResult((), float("-inf"), trend, False)
    if trend == "auto":
        return _solve_auto(iv, rate, ev, ne, limit, auto_min_iv_gain, auto_alpha)
    val, starts = _solve_trend(iv, rate, trend, limit)
    return SolverResult(starts, float(val), trend, True)
