"""The lender's views of delinquency: roll, flow and cure rates, the roll-rate table used to
choose a "bad" definition, and mobility indices of a matrix.

- Roll rates are account-tracked: of the accounts in bucket ``k`` at ``t``, the share in
  bucket ``k + 1`` at ``t + 1``.
- Flow rates are balance-based and need no account tracking: balance in bucket ``k + 1``
  at ``t + 1`` divided by the balance in bucket ``k`` at ``t`` (Thomas 2009, ch. 9;
  Siddiqi 2017). The last flow is the charge-off amount at ``t + 1`` over the balance of
  the worst open bucket at ``t``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, check_positive, format_values
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._buckets import ACTIVE_BUCKETS, CHARGED_OFF, PAID_OFF
from overdue_risk.transitions._cohort import _count, transition_pairs
from overdue_risk.transitions._matrix import TransitionMatrix
from overdue_risk.transitions._panel import (
    IntArray,
    as_array,
    columns_of,
    is_date_column,
    panel_keys,
    period_groups,
    period_index,
    period_labels,
    state_codes,
)
from overdue_risk.transitions._sorted import move_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "CureRates",
    "FlowRates",
    "MobilityIndices",
    "RollRateTable",
    "RollRates",
    "cure_rates",
    "flow_rates",
    "mobility_indices",
    "roll_rate_table",
    "roll_rates",
]


DEFAULT_ORDER: tuple[str, ...] = (*ACTIVE_BUCKETS, CHARGED_OFF)


def _order(order: Sequence[str] | None, labels: Sequence[str]) -> tuple[str, ...]:
    if order is None:
        present = set(labels)
        out = tuple(s for s in DEFAULT_ORDER if s in present)
        if len(out) < 2:
            raise DataError(
                "pass order=[best, ..., worst] (delinquency states from current to charged "
                f"off); the default M0..M6+, CO does not fit states {format_values(labels)}."
            )
        return out
    unknown = [s for s in order if s not in set(labels)]
    if unknown:
        raise DataError(f"order has states {format_values(unknown)} not in the data's states.")
    return tuple(order)


@dataclass(frozen=True, eq=False)
class RollRates(Result):
    """Account-tracked roll rates per start period and pooled.

    Attributes
    ----------
    periods : tuple of str
        Start period of the move (``t``), one row per period.
    from_states : tuple of str
        Delinquency states the rates start from (all but the worst of ``order``).
    to_states : tuple of str
        The next worse state of each (``M0 -> M1``, ..., ``M6+ -> CO``).
    forward : ndarray of shape (n_periods, n_from)
        Share moving to exactly the next worse state.
    worse : ndarray
        Share moving to any worse state of ``order``.
    cure : ndarray
        Share moving back to the best state (``M0``); NaN on the ``M0`` column.
    stay : ndarray
        Share staying in the same state.
    n : ndarray
        Accounts (or weight) at the start.
    pooled_forward, pooled_worse, pooled_cure, pooled_n : ndarray of shape (n_from,)
    """

    periods: tuple[str, ...]
    from_states: tuple[str, ...]
    to_states: tuple[str, ...]
    forward: FloatArray
    worse: FloatArray
    cure: FloatArray
    stay: FloatArray
    n: FloatArray
    pooled_forward: FloatArray
    pooled_worse: FloatArray
    pooled_cure: FloatArray
    pooled_n: FloatArray

    def to_frame(self) -> pd.DataFrame:
        """Wide frame of forward roll rates: one row per period, one column per move."""
        import pandas as pd

        cols = [f"{a}->{b}" for a, b in zip(self.from_states, self.to_states, strict=True)]
        return pd.DataFrame(self.forward, index=pd.Index(self.periods, name="period"), columns=cols)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [
                f"{a}->{b}",
                _count_cell(self.pooled_n[i]),
                float(self.pooled_forward[i]),
                float(self.pooled_worse[i]),
                float(self.pooled_cure[i]),
            ]
            for i, (a, b) in enumerate(zip(self.from_states, self.to_states, strict=True))
        ]
        return (
            "Roll rates (pooled)",
            ["move", "n", "forward", "any worse", "cure"],
            rows,
            f"{len(self.periods)} start periods; per period in .forward / .to_frame()",
        )


def _count_cell(v: float) -> float | int:
    """Whole counts print as integers in summaries; weights keep their decimals."""
    return int(v) if float(v).is_integer() else float(v)


def _cube(
    panel: Any,
    *,
    states: Sequence[str] | None,
    id_col: str,
    time_col: str,
    state_col: str,
    weight: str | None,
    step: int = 1,
) -> tuple[FloatArray, tuple[str, ...], IntArray]:
    if weight is None and step == 1:
        table, lo, labels = move_table(panel, states, (id_col, time_col, state_col))
        span = table.shape[0]
        present = table.reshape(span, -1).sum(axis=1) > 0  # periods with a move
        periods = np.flatnonzero(present).astype(np.int64) + lo
        return table[present].astype(np.float64), labels, periods
    pairs = transition_pairs(
        panel, states=states, id_col=id_col, time_col=time_col, state_col=state_col, step=step
    )
    k = len(pairs.states)
    w = None
    if weight is not None:
        w = np.asarray(as_array(columns_of(panel, [weight])[weight]), dtype=np.float64)[pairs.src]
        if not np.all(np.isfinite(w)) or (w < 0).any():
            raise DataError(f"weight column {weight!r} must be finite and >= 0.")
    uniq, group = period_groups(pairs.period[pairs.src])
    g = uniq.size
    cell = group.astype(np.int64) * k * k + pairs.from_code * k + pairs.to_code
    counts, _ = _count(cell, group * k + pairs.from_code, w, k, g)
    return counts, pairs.states, uniq


def roll_rates(
    panel: Any,
    *,
    order: Sequence[str] | None = None,
    states: Sequence[str] | None = None,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
    weight: str | None = None,
) -> RollRates:
    """Account-tracked roll rates: share of accounts in each bucket that roll one bucket worse.

    Parameters
    ----------
    panel : DataFrame or dict of arrays
        Loan-month panel (CONTRACTS.md A).
    order : sequence of str, default=None
        Delinquency states from best to worst; ``M0 ... M6+, CO`` (those present) when None.
    states : sequence of str, default=None
        All state labels of the panel (e.g. with ``PO``); inferred when None.
    id_col, time_col, state_col : str
    weight : str, default=None
        Column weighting each account at the start (``"balance"``: balance roll rates).

    Returns
    -------
    RollRates

    References
    ----------
    .. [1] Thomas, L. C. (2009). Consumer Credit Models: Pricing, Profit and Portfolios.
       Oxford University Press, section on roll rates and Markov chain models.

    Examples
    --------
    >>> panel = {
    ...     "loan_id": [1, 1, 2, 2, 3, 3, 4, 4],
    ...     "month": [0, 1] * 4,
    ...     "bucket": ["M0", "M1", "M0", "M0", "M1", "M2", "M1", "M0"],
    ... }
    >>> rr = roll_rates(panel, order=["M0", "M1", "M2"])
    >>> rr.pooled_forward.tolist()
    [0.5, 0.5]
    >>> rr.pooled_cure.tolist()
    [nan, 0.5]
    """
    counts, labels, periods = _cube(
        panel, states=states, id_col=id_col, time_col=time_col, state_col=state_col, weight=weight
    )
    seq = _order(order, labels)
    idx = np.array([labels.index(s) for s in seq])
    sub = counts[:, idx][:, :, idx]  # (g, m, m) in delinquency order
    n_all = counts[:, idx].sum(axis=2)  # every destination counts in the denominator
    m = len(seq)

    def rates(c: FloatArray, n: FloatArray) -> tuple[FloatArray, ...]:
        with np.errstate(invalid="ignore", divide="ignore"):
            fwd = np.stack([c[..., i, i + 1] for i in range(m - 1)], axis=-1) / n[..., :-1]
            worse = (
                np.stack([c[..., i, i + 1 :].sum(axis=-1) for i in range(m - 1)], axis=-1)
                / n[..., :-1]
            )
            cure = c[..., :-1, 0] / n[..., :-1]
            stay = np.stack([c[..., i, i] for i in range(m - 1)], axis=-1) / n[..., :-1]
        cure[..., 0] = np.nan
        return fwd, worse, cure, stay

    fwd, worse, cure, stay = rates(sub, n_all)
    pf, pw, pc, _ = rates(sub.sum(axis=0), n_all.sum(axis=0))
    return RollRates(
        periods=period_labels(periods, is_date_column(panel, time_col)),
        from_states=seq[:-1],
        to_states=seq[1:],
        forward=fwd,
        worse=worse,
        cure=cure,
        stay=stay,
        n=n_all[:, :-1],
        pooled_forward=pf,
        pooled_worse=pw,
        pooled_cure=pc,
        pooled_n=n_all.sum(axis=0)[:-1],
    )


@dataclass(frozen=True, eq=False)
class FlowRates(Result):
    """Balance-based (untracked) net flow rates between consecutive periods.

    Attributes
    ----------
    periods : tuple of str
        End period ``t + 1`` of each flow (one row each).
    moves : tuple of str
        ``"M0->M1"``, ..., ``"M6+->CO"``.
    rates : ndarray of shape (n_periods, n_moves)
        ``balance[k + 1](t + 1) / balance[k](t)``; NaN when ``balance[k](t)`` is 0.
    balances : ndarray of shape (n_periods + 1, n_states)
        Balance per period (rows) and state of ``order`` (CO: charge-off amount).
    balance_periods : tuple of str
    flow_to_loss : ndarray of shape (n_periods,)
        Product of the period's flow rates: the share of current balance that would
        reach charge-off if that period's flows persisted (net flow to loss).
    """

    periods: tuple[str, ...]
    moves: tuple[str, ...]
    rates: FloatArray
    balances: FloatArray
    balance_periods: tuple[str, ...]
    flow_to_loss: FloatArray

    def to_frame(self) -> pd.DataFrame:
        """Flow rates per end period, plus the net flow to loss."""
        import pandas as pd

        df = pd.DataFrame(
            self.rates, index=pd.Index(self.periods, name="period"), columns=self.moves
        )
        df["flow_to_loss"] = self.flow_to_loss
        return df

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [[p, *self.rates[i].tolist()] for i, p in enumerate(self.periods)]
        return "Net flow rates (balance)", ["period", *self.moves], rows, ""


def flow_rates(
    panel: Any,
    *,
    balance_col: str = "balance",
    charge_off_col: str | None = "charge_off_amount",
    order: Sequence[str] | None = None,
    states: Sequence[str] | None = None,
    time_col: str = "month",
    state_col: str = "bucket",
    id_col: str | None = "loan_id",
) -> FlowRates:
    """Net flow rates: balance in bucket k+1 at t+1 over balance in bucket k at t.

    No account tracking: only the balance per bucket and period is used, which is why
    lenders without loan-level history use it. The last move (worst open bucket ->
    charge-off) uses ``charge_off_col`` on the charge-off rows (balance is 0 there in the
    built-in portfolio); set it to None to use ``balance_col`` for the CO rows too.

    Parameters
    ----------
    panel : DataFrame or dict of arrays
    balance_col : str, default="balance"
    charge_off_col : str or None, default="charge_off_amount"
    order : sequence of str, default=None
        Best to worst (``M0 ... M6+, CO`` present when None).
    states : sequence of str, default=None
    time_col, state_col : str
    id_col : str or None, default="loan_id"
        When the panel has this column, a (loan, month) given twice is refused (its
        balance would be counted twice); None skips the check.

    Returns
    -------
    FlowRates

    Examples
    --------
    >>> panel = {
    ...     "month": [0, 0, 1, 1, 1],
    ...     "bucket": ["M0", "M1", "M0", "M1", "CO"],
    ...     "balance": [1000.0, 200.0, 900.0, 50.0, 0.0],
    ...     "charge_off_amount": [0.0, 0.0, 0.0, 0.0, 100.0],
    ... }
    >>> flow_rates(panel, order=["M0", "M1", "CO"]).rates
    array([[0.05, 0.5 ]])
    """
    cols = columns_of(panel, [time_col, state_col, balance_col])
    codes, labels = state_codes(cols[state_col], states, state_col)
    if id_col is not None and id_col in cols:
        _, t, _ = panel_keys(cols, id_col, time_col)  # a loan counted once per month
    else:
        t = period_index(cols[time_col], time_col)
    bal = np.asarray(as_array(cols[balance_col]), dtype=np.float64)
    if not np.all(np.isfinite(bal)) or (bal < 0).any():
        raise DataError(f"column {balance_col!r} must be finite and >= 0.")
    seq = _order(order, labels)
    if charge_off_col is not None and CHARGED_OFF in labels:
        if charge_off_col not in cols:
            raise DataError(
                f"the panel has charge-off rows but no {charge_off_col!r} column; pass "
                "charge_off_col=None to use the balance of the CO rows instead."
            )
        co = np.asarray(as_array(cols[charge_off_col]), dtype=np.float64)
        is_co = codes == labels.index(CHARGED_OFF)
        bal = np.where(is_co, np.nan_to_num(co), bal)
    uniq, g = np.unique(t, return_inverse=True)
    k = len(labels)
    b: FloatArray = np.bincount(g * k + codes, weights=bal, minlength=uniq.size * k).astype(
        np.float64
    )
    b = b.reshape(uniq.size, k)
    idx = [labels.index(s) for s in seq]
    b = b[:, idx]
    consecutive = np.flatnonzero(np.diff(uniq) == 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = b[consecutive + 1][:, 1:] / b[consecutive][:, :-1]
    rates = np.where(np.isfinite(rates), rates, np.nan)
    is_date = is_date_column(panel, time_col)
    return FlowRates(
        periods=period_labels(uniq[consecutive + 1], is_date),
        moves=tuple(f"{a}->{c}" for a, c in itertools.pairwise(seq)),
        rates=rates,
        balances=b,
        balance_periods=period_labels(uniq, is_date),
        flow_to_loss=np.prod(rates, axis=1),
    )


@dataclass(frozen=True, eq=False)
class CureRates(Result):
    """Share of delinquent accounts back in a cure state ``horizon`` periods later.

    Attributes
    ----------
    from_states : tuple of str
    horizon : int
    cure_states : tuple of str
    n : ndarray
        Accounts (or weight) in each state at ``t`` observed ``horizon`` periods later.
    cured : ndarray
    rate : ndarray
        ``cured / n``.
    """

    from_states: tuple[str, ...]
    horizon: int
    cure_states: tuple[str, ...]
    n: FloatArray
    cured: FloatArray
    rate: FloatArray

    def to_frame(self) -> pd.DataFrame:
        """One row per starting state."""
        import pandas as pd

        return pd.DataFrame(
            {"n": self.n, "cured": self.cured, "cure_rate": self.rate},
            index=pd.Index(self.from_states, name="from"),
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [s, float(self.n[i]), float(self.cured[i]), float(self.rate[i])]
            for i, s in enumerate(self.from_states)
        ]
        return (
            f"Cure rates over {self.horizon} periods",
            ["from", "n", "cured", "rate"],
            rows,
            f"cured = in {', '.join(self.cure_states)} at t + {self.horizon}",
        )


def cure_rates(
    panel: Any,
    *,
    horizon: int = 3,
    cure_states: Sequence[str] = ("M0",),
    from_states: Sequence[str] | None = None,
    states: Sequence[str] | None = None,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
    weight: str | None = None,
) -> CureRates:
    """Cure rates: of accounts in a delinquent bucket at t, the share cured at t + horizon.

    Loans closed before ``t + horizon`` count in the state they closed in (paid off or
    charged off); loans not observed at ``t + horizon`` for other reasons are censored.

    Parameters
    ----------
    panel : DataFrame or dict of arrays
    horizon : int, default=3
    cure_states : sequence of str, default=("M0",)
        Add ``"PO"`` to count delinquent accounts that paid off in full as cured.
    from_states : sequence of str, default=None
        Delinquent states to report (``M1 ... M6+`` present when None).
    states, id_col, time_col, state_col, weight
        As for :func:`roll_rates`.

    Returns
    -------
    CureRates

    Examples
    --------
    >>> panel = {
    ...     "loan_id": [1, 1, 1, 2, 2, 2],
    ...     "month": [0, 1, 2, 0, 1, 2],
    ...     "bucket": ["M1", "M2", "M0", "M1", "M2", "M3"],
    ... }
    >>> cr = cure_rates(panel, horizon=2, states=["M0", "M1", "M2", "M3"], from_states=["M1"])
    >>> cr.rate.tolist()
    [0.5]
    """
    check_positive(horizon, "horizon")
    counts, labels, _ = _cube(
        panel,
        states=states,
        id_col=id_col,
        time_col=time_col,
        state_col=state_col,
        weight=weight,
        step=int(horizon),
    )
    c = counts.sum(axis=0)
    cures = tuple(cure_states)
    unknown = [s for s in cures if s not in labels]
    if unknown:
        raise DataError(f"cure_states {format_values(unknown)} are not states of the panel.")
    if from_states is None:
        froms = tuple(s for s in ACTIVE_BUCKETS[1:] if s in labels)
    else:
        froms = tuple(from_states)
    rows = [labels.index(s) for s in froms]
    n = c[rows].sum(axis=1)
    cured = c[rows][:, [labels.index(s) for s in cures]].sum(axis=1)
    present = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(present, cured / np.where(present, n, 1.0), np.nan)
    return CureRates(froms, int(horizon), cures, n, cured, rate)


@dataclass(frozen=True, eq=False)
class RollRateTable(Result):
    """Worst state in the observation window vs worst state in the performance window.

    The table lenders read to choose a bad definition: the row from which most accounts
    roll forward (get worse) rather than cure marks the point of no return.

    Attributes
    ----------
    states : tuple of str
        Severity order (rows and columns).
    counts : ndarray of shape (k, k)
        Accounts by (worst in observation window, worst in performance window).
    shares : ndarray of shape (k, k)
        Row shares.
    better, same, worse : ndarray of shape (k,)
        Row shares that improved, stayed, rolled forward.
    snapshot : str
    observation_months, performance_months : int
    """

    states: tuple[str, ...]
    counts: FloatArray
    shares: FloatArray
    better: FloatArray
    same: FloatArray
    worse: FloatArray
    snapshot: str
    observation_months: int
    performance_months: int

    def to_frame(self) -> pd.DataFrame:
        """Row shares with the better / same / worse summary columns."""
        import pandas as pd

        df = pd.DataFrame(
            self.shares,
            index=pd.Index(self.states, name="worst_observation"),
            columns=pd.Index(self.states, name="worst_performance"),
        )
        df["accounts"] = self.counts.sum(axis=1)
        df["better"], df["same"], df["worse"] = self.better, self.same, self.worse
        return df

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [
                s,
                _count_cell(self.counts[i].sum()),
                float(self.better[i]),
                float(self.same[i]),
                float(self.worse[i]),
            ]
            for i, s in enumerate(self.states)
        ]
        return (
            f"Roll-rate table at {self.snapshot}",
            ["worst obs", "accounts", "better", "same", "worse"],
            rows,
            f"observation {self.observation_months} months, performance "
            f"{self.performance_months} months",
        )


def _group_max(group: IntArray, value: IntArray, n_groups: int) -> IntArray:
    out = np.full(n_groups, -1, dtype=np.int64)
    np.maximum.at(out, group, value)
    return out


def roll_rate_table(
    panel: Any,
    *,
    snapshot: Any,
    observation_months: int = 6,
    performance_months: int = 12,
    order: Sequence[str] | None = None,
    states: Sequence[str] | None = None,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
) -> RollRateTable:
    """Snapshot roll-rate table: worst state before vs after a snapshot date.

    For accounts open at ``snapshot``: the worst state over the ``observation_months``
    ending at the snapshot (inclusive) against the worst state over the following
    ``performance_months``. ``PO`` ranks with the best state; charge-off is worst.

    Parameters
    ----------
    panel : DataFrame or dict of arrays
    snapshot : date or int
        Snapshot period (a month-start date or period number).
    observation_months, performance_months : int, default=6, 12
    order : sequence of str, default=None
        Severity order best to worst (``M0 ... M6+, CO`` present when None).
    states, id_col, time_col, state_col
        As for :func:`roll_rates`.

    Returns
    -------
    RollRateTable

    References
    ----------
    .. [1] Siddiqi, N. (2017). Intelligent Credit Scoring, 2nd ed. Wiley, ch. on
       defining "bad" (roll-rate analysis).

    Examples
    --------
    >>> panel = {
    ...     "loan_id": [1, 1, 1, 2, 2, 2],
    ...     "month": [0, 1, 2, 0, 1, 2],
    ...     "bucket": ["M1", "M1", "M2", "M1", "M1", "M0"],
    ... }
    >>> t = roll_rate_table(panel, snapshot=1, observation_months=2, performance_months=1,
    ...                     order=["M0", "M1", "M2"])
    >>> t.worse.tolist()
    [nan, 0.5, nan]
    """
    for v, name in (
        (observation_months, "observation_months"),
        (performance_months, "performance_months"),
    ):
        if int(v) != v or v < 1:
            raise DataError(f"{name} must be a positive whole number; got {v!r}.")
    cols = columns_of(panel, [id_col, time_col, state_col])
    codes, labels = state_codes(cols[state_col], states, state_col)
    ids, t, _ = panel_keys(cols, id_col, time_col)  # one row per (loan, month)
    seq = _order(order, labels)
    rank_of = np.full(len(labels), 0, dtype=np.int64)
    for r, s in enumerate(seq):
        rank_of[labels.index(s)] = r
    if PAID_OFF in labels and PAID_OFF not in seq:
        rank_of[labels.index(PAID_OFF)] = 0
    rank = rank_of[codes]
    if isinstance(snapshot, int | np.integer):
        snap = int(snapshot)
    else:
        snap = int(np.datetime64(snapshot, "M").astype(np.int64))
    if snap + performance_months > t.max():
        raise DataError(
            f"the performance window ends after the last period of the panel "
            f"(snapshot + {performance_months} > last period). Pick an earlier snapshot."
        )
    open_at = np.unique(ids[t == snap])
    in_obs = (t > snap - observation_months) & (t <= snap)
    in_perf = (t > snap) & (t <= snap + performance_months)
    loan = np.searchsorted(open_at, ids)
    loan_c = np.minimum(loan, max(open_at.size - 1, 0))
    known = (
        (loan < open_at.size) & (open_at[loan_c] == ids)
        if open_at.size
        else np.zeros_like(ids, dtype=bool)
    )
    worst_obs = _group_max(loan_c[known & in_obs], rank[known & in_obs], open_at.size)
    worst_perf = _group_max(loan_c[known & in_perf], rank[known & in_perf], open_at.size)
    ok = (worst_obs >= 0) & (worst_perf >= 0)
    m = len(seq)
    counts = (
        np.bincount(worst_obs[ok] * m + worst_perf[ok], minlength=m * m)
        .astype(np.float64)
        .reshape(m, m)
    )
    tot = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts / tot[:, None]
        better = np.tril(counts, -1).sum(axis=1) / tot
        same = np.diag(counts) / tot
        worse = np.triu(counts, 1).sum(axis=1) / tot
    snap_label = period_labels(np.asarray([snap]), is_date_column(panel, time_col))[0]
    return RollRateTable(
        seq,
        counts,
        shares,
        better,
        same,
        worse,
        snap_label,
        int(observation_months),
        int(performance_months),
    )


@dataclass(frozen=True)
class MobilityIndices(Result):
    """Scalar mobility indices of a transition matrix (0 for the identity).

    Attributes
    ----------
    shorrocks_trace : float
        ``(k - trace P) / (k - 1)`` (Shorrocks 1978).
    shorrocks_determinant : float
        ``1 - |det P|`` (Shorrocks 1978).
    singular_value : float
        Mean singular value of ``P - I`` (Jafry and Schuermann 2004, ``M_SVD``).
    """

    shorrocks_trace: float
    shorrocks_determinant: float
    singular_value: float

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [[k, v] for k, v in self.__dict__.items()]
        return "Mobility indices", ["index", "value"], rows, ""


def mobility_indices(
    matrix: TransitionMatrix | npt.ArrayLike, *, exclude_absorbing: bool = False
) -> MobilityIndices:
    """Shorrocks and Jafry-Schuermann (singular value) mobility indices.

    Parameters
    ----------
    matrix : TransitionMatrix or array-like of shape (k, k)
    exclude_absorbing : bool, default=False
        Compute on the transient block only (absorbing rows are identity rows and add no
        mobility, but they dilute the averages).

    References
    ----------
    .. [1] Shorrocks, A. F. (1978). The measurement of mobility. Econometrica 46(5),
       1013-1024.
    .. [2] Jafry, Y. and Schuermann, T. (2004). Measurement, estimation and comparison
       of credit migration matrices. Journal of Banking & Finance 28(11), 2603-2639.

    Examples
    --------
    >>> mobility_indices(np.eye(3)).singular_value
    0.0
    >>> round(mobility_indices([[0.5, 0.5], [0.5, 0.5]]).shorrocks_trace, 3)
    1.0
    """
    if isinstance(matrix, TransitionMatrix):
        p = matrix._check_defined()
        if exclude_absorbing:
            idx = matrix.index(matrix.transient)
            p = p[np.ix_(idx, idx)]
    else:
        p = np.asarray(matrix, dtype=np.float64)
    k = p.shape[0]
    if k < 2:
        raise DataError("mobility indices need at least two states.")
    sv = np.linalg.svd(p - np.eye(k), compute_uv=False)
    return MobilityIndices(
        shorrocks_trace=float((k - np.trace(p)) / (k - 1)),
        shorrocks_determinant=float(1.0 - abs(np.linalg.det(p))),
        singular_value=float(sv.sum() / k),
    )
