"""The cohort (discrete-time) estimator from a loan-month panel.

Counting is vectorised: state labels -> integer codes, each row is paired with the same
loan's row ``step`` periods later, and ``np.bincount(from * k + to)`` gives the count
table (``group * k * k + from * k + to`` per period). No Python loop over rows or loans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._matrix import TransitionMatrix
from overdue_risk.transitions._panel import (
    IntArray,
    as_array,
    coded_keys,
    columns_of,
    default_absorbing,
    factorize,
    is_date_column,
    pair_rows,
    period_groups,
    period_labels,
)
from overdue_risk.transitions._sorted import move_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PeriodMatrices", "cohort_matrix", "transition_pairs"]


@dataclass(frozen=True, eq=False)
class TransitionPairs:
    """Coded (from, to) moves of a panel: the input of every count-based view."""

    states: tuple[str, ...]
    src: IntArray  # row positions (original order) of the start of each move
    dst: IntArray  # row positions of the end of each move
    from_code: IntArray
    to_code: IntArray
    codes: IntArray  # state code of every row (original order)
    period: IntArray  # period number of every row (original order)


def transition_pairs(
    panel: Any,
    *,
    states: Sequence[str] | None = None,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
    step: int = 1,
    absorbing: Sequence[str] | None = None,
) -> TransitionPairs:
    """Pair every loan-period with the same loan ``step`` periods later (vectorised)."""
    if int(step) != step or step < 1:
        raise DataError(f"step must be a positive whole number of periods; got {step!r}.")
    codes, labels, ids, t, order = coded_keys(panel, states, id_col, time_col, state_col)
    closed: npt.NDArray[np.bool_] | None = None
    if step > 1:
        closed_states = default_absorbing(labels) if absorbing is None else tuple(absorbing)
        closed = np.isin(codes, [labels.index(s) for s in closed_states if s in labels])
    if order is None:
        src, dst = pair_rows(ids, t, int(step), closed)
    else:
        s, d = pair_rows(ids[order], t[order], int(step), None if closed is None else closed[order])
        src, dst = order[s], order[d]
    return TransitionPairs(labels, src, dst, codes[src], codes[dst], codes, t)


@overload
def cohort_matrix(
    panel: Any,
    *,
    states: Sequence[str] | None = None,
    absorbing: Sequence[str] | None = None,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
    weight: str | None = None,
    by: None = None,
    step: int = 1,
    confidence_level: float = 0.95,
    interval_method: str = "goodman",
    empty_rows: str = "nan",
) -> TransitionMatrix: ...


@overload
def cohort_matrix(
    panel: Any,
    *,
    states: Sequence[str] | None = None,
    absorbing: Sequence[str] | None = None,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
    weight: str | None = None,
    by: str,
    step: int = 1,
    confidence_level: float = 0.95,
    interval_method: str = "goodman",
    empty_rows: str = "nan",
) -> PeriodMatrices: ...


def cohort_matrix(
    panel: Any,
    *,
    states: Sequence[str] | None = None,
    absorbing: Sequence[str] | None = None,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
    weight: str | None = None,
    by: str | None = None,
    step: int = 1,
    confidence_level: float = 0.95,
    interval_method: str = "goodman",
    empty_rows: str = "nan",
) -> TransitionMatrix | PeriodMatrices:
    """Cohort estimator of the transition matrix from a loan-month panel.

    Every loan observed in state ``i`` at period ``t`` and again at ``t + step`` adds one
    move ``i -> j`` (or its weight). ``p[i, j] = n[i, j] / n[i, .]``.

    Parameters
    ----------
    panel : DataFrame or dict of arrays
        One row per loan and period (CONTRACTS.md A: ``loan_id``, ``month``, ``bucket``).
    states : sequence of str, default=None
        State order; the bucket states M0..M6+, CO, PO when the labels are buckets, else
        the sorted labels.
    absorbing : sequence of str, default=None
        Identity rows; CO and PO when present and None.
    id_col, time_col, state_col : str
        Column names. ``time_col`` holds month-start dates or integer period numbers.
    weight : str, default=None
        Column with weights at the start of each move (``"balance"`` for a
        balance-weighted matrix); count-weighted when None.
    by : str, default=None
        None for one pooled matrix; ``"period"`` (or ``time_col``) for one matrix per
        start period (calendar month); any other column (e.g. ``"mob"`` for months on
        book) for one matrix per value of that column at the start of the move.
    step : int, default=1
        Periods between the two observations (12 on a monthly panel: a 12-month matrix).
        Loans not observed ``step`` periods later are censored, never imputed.
    confidence_level : float, default=0.95
    interval_method : {"goodman", "quesenberry-hurst"}, default="goodman"
        Simultaneous multinomial intervals per row (:func:`multinomial_intervals`). With
        weights they use the Kish effective sample size ``(sum w)^2 / sum w^2`` per row.
    empty_rows : {"nan", "identity"}, default="nan"
        What a transient row without observed moves becomes.

    Returns
    -------
    TransitionMatrix or PeriodMatrices
        One matrix, or one per group when ``by`` is given.

    References
    ----------
    .. [1] Anderson, T. W. and Goodman, L. A. (1957). Statistical inference about Markov
       chains. Annals of Mathematical Statistics 28(1), 89-110.
    .. [2] Jafry, Y. and Schuermann, T. (2004). Measurement, estimation and comparison of
       credit migration matrices. Journal of Banking & Finance 28(11), 2603-2639.

    Examples
    --------
    >>> panel = {
    ...     "loan_id": [1, 1, 1, 2, 2, 3, 3],
    ...     "month": [0, 1, 2, 0, 1, 0, 1],
    ...     "bucket": ["M0", "M1", "M0", "M0", "M0", "M0", "PO"],
    ... }
    >>> tm = cohort_matrix(panel, states=["M0", "M1", "PO"])
    >>> tm.probabilities.round(4)
    array([[0.3333, 0.3333, 0.3333],
           [1.    , 0.    , 0.    ],
           [0.    , 0.    , 1.    ]])
    >>> tm.counts[0].tolist()
    [1.0, 1.0, 1.0]
    """
    common: dict[str, Any] = {
        "confidence_level": confidence_level,
        "interval_method": interval_method,
        "empty_rows": empty_rows,
        "horizon": float(step),
    }
    if by is None and weight is None and step == 1:
        table, _, labels = move_table(panel, states, (id_col, time_col, state_col))
        absorb = default_absorbing(labels) if absorbing is None else tuple(absorbing)
        pooled = table.sum(axis=0).astype(np.float64)
        _check_moves(float(pooled.sum()), step)
        return TransitionMatrix.from_counts(
            pooled,
            labels,
            absorbing=absorb,
            effective_n=pooled.sum(axis=1),
            estimator="cohort",
            **common,
        )
    pairs = transition_pairs(
        panel,
        states=states,
        id_col=id_col,
        time_col=time_col,
        state_col=state_col,
        step=step,
        absorbing=absorbing,
    )
    labels = pairs.states
    _check_moves(float(pairs.src.size), step)
    absorb = default_absorbing(labels) if absorbing is None else tuple(absorbing)
    common["absorbing"] = absorb
    k = len(labels)
    cols = columns_of(panel, [weight] if weight else [])
    w: FloatArray | None = None
    if weight is not None:
        w_all = np.asarray(as_array(cols[weight]), dtype=np.float64)
        w = w_all[pairs.src]
        if not np.all(np.isfinite(w)) or (w < 0).any():
            bad = int(pairs.src[np.flatnonzero(~np.isfinite(w) | (w < 0))[0]])
            raise DataError(
                f"weight column {weight!r} must be finite and >= 0; row {bad} is "
                f"{w_all[bad]!r}. Fill missing balances or drop those rows."
            )
    cell = pairs.from_code * k + pairs.to_code
    if by is None:
        counts, n_eff = _count(cell, pairs.from_code, w, k, 1)
        return TransitionMatrix.from_counts(
            counts[0], labels, effective_n=n_eff[0], estimator="cohort", **common
        )
    if by in ("period", time_col):
        group_vals = pairs.period[pairs.src]
        uniq, group = period_groups(group_vals)
        is_date = is_date_column(panel, time_col)
        names = period_labels(uniq, is_date)
        raw: tuple[Any, ...] = tuple(
            np.datetime64(int(u), "M") if is_date else int(u) for u in uniq
        )
    else:
        cols = columns_of(panel, [by])
        gcodes, guniq = factorize(as_array(cols[by])[pairs.src])
        if (gcodes < 0).any():
            raise DataError(f"column {by!r} has missing values at the start of some moves.")
        order = _sorted_uniques(guniq)
        remap = np.empty(len(guniq), dtype=np.int64)
        remap[order] = np.arange(len(guniq))
        group = remap[gcodes]
        raw = tuple(guniq[order].tolist())
        names = tuple(str(v) for v in raw)
    g = len(names)
    counts, n_eff = _count(
        group.astype(np.int64) * k * k + cell, group * k + pairs.from_code, w, k, g
    )
    mats = tuple(
        TransitionMatrix.from_counts(
            counts[i], labels, effective_n=n_eff[i], estimator="cohort", **common
        )
        for i in range(g)
    )
    return PeriodMatrices(
        by=by, labels=names, values=raw, states=labels, matrices=mats, absorbing=absorb
    )


def _check_moves(n_moves: float, step: int) -> None:
    if n_moves <= 0:
        raise DataError(
            f"no loan is observed in two periods {step} apart, so there are no moves to "
            "count. Check the id and time columns (one row per loan and period)."
        )


def _sorted_uniques(values: npt.NDArray[Any]) -> IntArray:
    try:
        return np.argsort(values.astype(np.float64), kind="stable").astype(np.int64)
    except (TypeError, ValueError):
        return np.argsort(values.astype(str), kind="stable").astype(np.int64)


def _count(
    cell: IntArray, row: IntArray, w: FloatArray | None, k: int, g: int
) -> tuple[FloatArray, FloatArray]:
    """Count tables (g, k, k) and effective row sizes (g, k) with one bincount each."""
    counts = np.bincount(cell, weights=w, minlength=g * k * k).astype(np.float64)
    if w is None:
        n_eff = counts.reshape(g * k, k).sum(axis=1)
    else:
        s2 = np.bincount(row, weights=w * w, minlength=g * k)
        s1 = counts.reshape(g * k, k).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = np.where(s2 > 0, s1 * s1 / s2, 0.0)
    return counts.reshape(g, k, k), n_eff.reshape(g, k)


@dataclass(frozen=True, eq=False)
class PeriodMatrices(Result):
    """One cohort matrix per start period (calendar month, months on book, ...).

    Attributes
    ----------
    by : str
        The grouping (``"period"`` or a column name).
    labels : tuple of str
        Group labels in order (``"2024-01"`` for months).
    values : tuple
        The raw group values (``numpy.datetime64`` months, integers, ...).
    states, absorbing : tuple of str
    matrices : tuple of TransitionMatrix

    Examples
    --------
    >>> panel = {"loan_id": [1, 1, 1], "month": [0, 1, 2], "bucket": ["M0", "M1", "CO"]}
    >>> pm = cohort_matrix(panel, states=["M0", "M1", "CO"], by="period", empty_rows="identity")
    >>> pm.labels
    ('0', '1')
    >>> pm.product().probabilities[0].tolist()
    [0.0, 0.0, 1.0]
    """

    by: str
    labels: tuple[str, ...]
    values: tuple[Any, ...]
    states: tuple[str, ...]
    matrices: tuple[TransitionMatrix, ...]
    absorbing: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.matrices)

    def __getitem__(self, label: str | int) -> TransitionMatrix:
        if isinstance(label, int):
            return self.matrices[label]
        if label not in self.labels:
            raise KeyError(f"no group {label!r}; groups are {list(self.labels)[:8]} ...")
        return self.matrices[self.labels.index(label)]

    @property
    def counts(self) -> FloatArray:
        """Stacked count tables, shape (n_groups, k, k)."""
        return np.stack([np.asarray(m.counts) for m in self.matrices])

    @property
    def probabilities(self) -> FloatArray:
        """Stacked probabilities, shape (n_groups, k, k)."""
        return np.stack([np.asarray(m.probabilities) for m in self.matrices])

    def pooled(self) -> TransitionMatrix:
        """The pooled matrix (counts summed over the groups)."""
        m0 = self.matrices[0]
        return TransitionMatrix.from_counts(
            self.counts.sum(axis=0),
            self.states,
            absorbing=self.absorbing,
            confidence_level=m0.confidence_level,
            interval_method=m0.interval_method,
            horizon=m0.horizon,
        )

    def product(self) -> TransitionMatrix:
        """``P(0, n) = P_1 @ P_2 @ ... @ P_n`` in group order (time-inhomogeneous chain)."""
        from overdue_risk.transitions._projection import chain_product

        return chain_product(self.matrices)

    def to_frame(self) -> pd.DataFrame:
        """Long frame: one row per (group, from, to) with count, probability and bounds."""
        import pandas as pd

        frames = []
        for label, m in zip(self.labels, self.matrices, strict=True):
            f = m.to_frame("long")
            f.insert(0, self.by, label)
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = []
        for label, m in zip(self.labels, self.matrices, strict=True):
            p = np.asarray(m.probabilities)
            stay = [float(p[i, i]) for i in m.index(m.transient)]
            rows.append([label, float(np.asarray(m.counts).sum()), *stay])
        transient = list(self.matrices[0].transient) if self.matrices else []
        cols = [self.by, "moves", *(f"stay {s}" for s in transient)]
        return f"Cohort matrices by {self.by}", cols, rows, "diagonal = probability to stay"
