"""Continuous-time estimators from event histories with irregular dates.

An event history has one row per (obligor, date, state entered). An obligor is observed
from its first event until ``observation_end`` (or until it enters a censoring state such
as "NR", withdrawn rating), and is in the state of its latest event in between.

- :func:`duration_matrix` (Lando and Skodeberg 2002): time-homogeneous intensities
  ``lambda_ij = N_ij / integral Y_i(s) ds`` (moves over time at risk), ``P(t) = expm(Q t)``.
- :func:`aalen_johansen`: the non-parametric product-limit estimator
  ``P(s, t) = prod_{u in (s, t]} (I + dA(u))`` with ``dA_ij(u) = dN_ij(u) / Y_i(u)``. All
  moves dated the same day enter the SAME increment matrix (ties handled exactly, no
  jitter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from overdue_risk._validation import FloatArray, check_positive
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._matrix import TransitionMatrix, _frozen
from overdue_risk.transitions._panel import (
    IntArray,
    as_array,
    columns_of,
    id_codes,
    state_codes,
)

__all__ = ["aalen_johansen", "duration_matrix"]


_UNIT_DAYS = {"day": 1.0, "month": 365.25 / 12.0, "year": 365.25}


@dataclass(frozen=True, eq=False)
class _Spells:
    states: tuple[str, ...]
    state: IntArray  # state of each spell
    start: FloatArray  # entry time
    stop: FloatArray  # exit time (next event or end of observation)
    next_state: IntArray  # state entered at stop; -1 when censored
    origin: float


def _to_time(values: Any, column: str, time_unit: str) -> tuple[FloatArray, float, bool]:
    arr = as_array(values)
    if arr.dtype.kind in "OUS":
        import pandas as pd

        try:
            arr = np.asarray(pd.to_datetime(arr, dayfirst=True).to_numpy())
        except (TypeError, ValueError):
            raise DataError(
                f"column {column!r} must hold dates or numbers; could not parse e.g. "
                f"{arr[0]!r}. Pass datetime64 values or numeric times."
            ) from None
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise DataError(f"column {column!r} has missing dates (NaT). Fill or drop them.")
        if time_unit not in _UNIT_DAYS:
            raise DataError(f"time_unit must be one of {list(_UNIT_DAYS)}; got {time_unit!r}.")
        days = arr.astype("datetime64[D]").astype(np.int64).astype(np.float64)
        return days / _UNIT_DAYS[time_unit], _UNIT_DAYS[time_unit], True
    out = np.asarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(out)):
        raise DataError(f"column {column!r} has missing or infinite times.")
    return out, 1.0, False


def _spells(
    histories: Any,
    *,
    id_col: str,
    time_col: str,
    state_col: str,
    states: Sequence[str] | None,
    observation_end: Any,
    censor_states: Sequence[str],
    time_unit: str,
) -> _Spells:
    cols = columns_of(histories, [id_col, time_col, state_col], what="histories")
    all_states = None
    if states is not None:
        all_states = [*states, *(c for c in censor_states if c not in states)]
    codes, labels = state_codes(cols[state_col], all_states, state_col, any_labels=True)
    t, scale, is_date = _to_time(cols[time_col], time_col, time_unit)
    ids = id_codes(cols[id_col])
    order = np.lexsort((t, ids))
    ids, t, codes = ids[order], t[order], codes[order]
    if observation_end is None:
        end = float(t.max())
    elif is_date:
        end = float(np.datetime64(observation_end, "D").astype(np.int64)) / scale
    else:
        end = float(observation_end)
    if (t > end).any():
        raise DataError(
            f"{int((t > end).sum())} events are dated after observation_end; move "
            "observation_end later or drop those events."
        )
    censor_idx = [labels.index(c) for c in censor_states if c in labels]
    keep_labels = tuple(s for s in labels if s not in set(censor_states))
    if states is not None:
        keep_labels = tuple(states)
    remap = np.full(len(labels), -1, dtype=np.int64)
    for new, s in enumerate(keep_labels):
        remap[labels.index(s)] = new
    last = np.r_[ids[1:] != ids[:-1], True]
    stop = np.where(last, end, np.r_[t[1:], end])
    nxt = np.where(last, -1, np.r_[codes[1:], -1])
    # a spell in a censoring state is not at risk; a move into one censors the spell
    in_censor = np.isin(codes, censor_idx)
    nxt_mapped = np.where(nxt >= 0, remap[np.maximum(nxt, 0)], -1)
    keep = ~in_censor & (stop >= t)
    return _Spells(
        states=keep_labels,
        state=remap[codes[keep]],
        start=t[keep],
        stop=stop[keep],
        next_state=nxt_mapped[keep],
        origin=float(t.min()),
    )


def duration_matrix(
    histories: Any,
    *,
    horizon: float = 1.0,
    states: Sequence[str] | None = None,
    absorbing: Sequence[str] | None = None,
    id_col: str = "id",
    time_col: str = "date",
    state_col: str = "state",
    observation_end: Any = None,
    censor_states: Sequence[str] = (),
    time_unit: str = "year",
) -> TransitionMatrix:
    """Duration (continuous-time, time-homogeneous) estimator (Lando and Skodeberg 2002).

    Parameters
    ----------
    histories : DataFrame or dict of arrays
        One row per event: obligor id, date (datetime64, date strings parsed day first,
        or numeric times) and the state entered.
    horizon : float, default=1.0
        Horizon of the returned matrix ``expm(Q * horizon)`` in ``time_unit``.
    states : sequence of str, default=None
        State order (sorted labels when None; censoring states dropped).
    absorbing : sequence of str, default=None
        States with zero exit intensity (e.g. default "D"); states never left in the
        data get zero rows anyway.
    id_col, time_col, state_col : str
    observation_end : date or float, default=None
        End of observation for obligors still in a state (the last event date if None).
    censor_states : sequence of str, default=()
        States that end observation (e.g. ``("NR",)``, rating withdrawn): the spell that
        moves into them is censored, time in them is not at risk.
    time_unit : {"year", "month", "day"}, default="year"
        Unit of dated times (a year is 365.25 days).

    Returns
    -------
    TransitionMatrix
        ``generator`` holds ``Q``; ``counts`` the moves ``N_ij``; ``exposure`` the time at
        risk per state.

    References
    ----------
    .. [1] Lando, D. and Skodeberg, T. M. (2002). Analyzing rating transitions and rating
       drift with continuous observations. Journal of Banking & Finance 26(2-3), 423-444.

    Examples
    --------
    One obligor spends 2 years in A then defaults; another stays in A for 4 years:
    ``lambda_AD = 1 / 6`` per year.

    >>> h = {"id": [1, 1, 2], "date": [0.0, 2.0, 0.0], "state": ["A", "D", "A"]}
    >>> tm = duration_matrix(h, observation_end=4.0, absorbing=["D"])
    >>> tm.generator.round(4)
    array([[-0.1667,  0.1667],
           [ 0.    ,  0.    ]])
    >>> round(float(tm.probabilities[0, 1]), 4)
    0.1535
    """
    from scipy.linalg import expm

    check_positive(horizon, "horizon")
    sp = _spells(
        histories,
        id_col=id_col,
        time_col=time_col,
        state_col=state_col,
        states=states,
        observation_end=observation_end,
        censor_states=censor_states,
        time_unit=time_unit,
    )
    k = len(sp.states)
    exposure = np.bincount(sp.state, weights=sp.stop - sp.start, minlength=k)
    moved = (sp.next_state >= 0) & (sp.next_state != sp.state)
    counts = (
        np.bincount(sp.state[moved] * k + sp.next_state[moved], minlength=k * k)
        .astype(np.float64)
        .reshape(k, k)
    )
    absorb = tuple(absorbing) if absorbing is not None else ()
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(exposure[:, None] > 0, counts / exposure[:, None], 0.0)
    for s in absorb:
        q[sp.states.index(s)] = 0.0
    np.fill_diagonal(q, 0.0)
    np.fill_diagonal(q, -q.sum(axis=1))
    p = np.clip(expm(q * float(horizon)), 0.0, None)
    p = p / p.sum(axis=1, keepdims=True)
    return TransitionMatrix(
        states=sp.states,
        probabilities=_frozen(p),
        counts=_frozen(counts),
        absorbing=absorb,
        estimator="duration",
        horizon=float(horizon),
        generator=_frozen(q),
        exposure=_frozen(exposure),
    )


def aalen_johansen(
    histories: Any,
    *,
    start: Any = None,
    end: Any = None,
    states: Sequence[str] | None = None,
    absorbing: Sequence[str] | None = None,
    id_col: str = "id",
    time_col: str = "date",
    state_col: str = "state",
    observation_end: Any = None,
    censor_states: Sequence[str] = (),
    time_unit: str = "year",
) -> TransitionMatrix:
    """Aalen-Johansen (product-limit) estimate of ``P(start, end)``.

    Parameters
    ----------
    histories : DataFrame or dict of arrays
        As for :func:`duration_matrix`.
    start, end : date or float, default=None
        The interval ``(start, end]``; first event time and ``observation_end`` if None.
    states, absorbing, id_col, time_col, state_col, observation_end, censor_states, time_unit
        As for :func:`duration_matrix`.

    Returns
    -------
    TransitionMatrix
        ``counts`` holds the moves in ``(start, end]``.

    Notes
    -----
    At each distinct event time ``u``: ``Y_i(u)`` = obligors in state ``i`` just before
    ``u`` (entered before ``u``, still there at ``u``); every move at ``u`` enters the one
    increment ``I + dA(u)``. Obligors censored at ``u`` are at risk at ``u``. On a panel
    observed at common dates the estimate equals the product of the per-period cohort
    matrices.

    References
    ----------
    .. [1] Aalen, O. O. and Johansen, S. (1978). An empirical transition matrix for
       non-homogeneous Markov chains based on censored observations. Scandinavian
       Journal of Statistics 5(3), 141-150.

    Examples
    --------
    Two obligors in A; at t=1 one moves to B, at t=2 the other defaults:

    >>> h = {"id": [1, 1, 2, 2], "date": [0.0, 1.0, 0.0, 2.0], "state": ["A", "B", "A", "D"]}
    >>> aj = aalen_johansen(h, states=["A", "B", "D"], observation_end=3.0, absorbing=["D"])
    >>> aj.probabilities.round(3)
    array([[0. , 0.5, 0.5],
           [0. , 1. , 0. ],
           [0. , 0. , 1. ]])
    """
    sp = _spells(
        histories,
        id_col=id_col,
        time_col=time_col,
        state_col=state_col,
        states=states,
        observation_end=observation_end,
        censor_states=censor_states,
        time_unit=time_unit,
    )
    k = len(sp.states)
    scale = 1.0
    cols = columns_of(histories, [time_col], what="histories")
    is_date = as_array(cols[time_col]).dtype.kind in "MOUS"
    if is_date:
        scale = _UNIT_DAYS.get(time_unit, 1.0)

    def _t(x: Any, default: float) -> float:
        if x is None:
            return default
        if is_date:
            return float(np.datetime64(x, "D").astype(np.int64)) / scale
        return float(x)

    s0 = _t(start, sp.origin)
    s1 = _t(end, float(sp.stop.max()) if sp.stop.size else s0)
    if s1 <= s0:
        raise DataError(f"end must be after start; got start={start!r}, end={end!r}.")
    moved = (sp.next_state >= 0) & (sp.next_state != sp.state)
    mt = sp.stop[moved]
    in_window = (mt > s0) & (mt <= s1)
    ev_t = mt[in_window]
    ev_from = sp.state[moved][in_window]
    ev_to = sp.next_state[moved][in_window]
    times, ev_idx = np.unique(ev_t, return_inverse=True)
    m = times.size
    # dN: (m, k, k) counts of moves at each distinct time (ties in one increment)
    dn = (
        np.bincount((ev_idx * k + ev_from) * k + ev_to, minlength=m * k * k)
        .astype(np.float64)
        .reshape(m, k, k)
    )
    # Y_i(u): spells in state i with start < u <= stop
    at_risk = np.zeros((m, k))
    for i in range(k):
        sel = sp.state == i
        st = np.sort(sp.start[sel])
        en = np.sort(sp.stop[sel])
        at_risk[:, i] = np.searchsorted(st, times, side="left") - np.searchsorted(
            en, times, side="left"
        )
    absorb = tuple(absorbing) if absorbing is not None else ()
    abs_idx = [sp.states.index(s) for s in absorb]
    p = np.eye(k)
    eye = np.eye(k)
    for u in range(m):
        y = at_risk[u]
        with np.errstate(invalid="ignore", divide="ignore"):
            da = np.where(y[:, None] > 0, dn[u] / y[:, None], 0.0)
        da[abs_idx] = 0.0
        np.fill_diagonal(da, 0.0)
        inc = eye + da
        np.fill_diagonal(inc, 1.0 - da.sum(axis=1))
        p = p @ inc
    counts = dn.sum(axis=0)
    return TransitionMatrix(
        states=sp.states,
        probabilities=_frozen(p),
        counts=_frozen(counts),
        absorbing=absorb,
        estimator="aalen-johansen",
        horizon=float(s1 - s0),
    )
