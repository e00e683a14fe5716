"""Collections: prioritise delinquent accounts and assign escalating treatments.

Priority is the expected loss avoided by acting now: the probability that the account
rolls to a worse bucket (from a delinquency transition matrix) times its balance (times
LGD). Treatments escalate with the bucket and the risk segment (reminder SMS, call,
letter, field visit, legal action) and are given as DATA: a :class:`TreatmentPolicy`
table of (bucket, segment) -> treatment, applied to every account at once.

Examples
--------
>>> from overdue_risk.collection import TreatmentPolicy
>>> TreatmentPolicy.default().assign(["M1", "M1", "M6+"], ["low", "high", "low"]).tolist()
['sms_reminder', 'call', 'legal_action']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import (
    as_mapping_of_columns,
    check_columns,
    check_probability,
    format_values,
)
from overdue_risk.buckets import ACTIVE_BUCKETS, CHARGED_OFF
from overdue_risk.collection._inputs import table_columns
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.collection._conduct import ConductRules
    from overdue_risk.transitions import TransitionMatrix

__all__ = [
    "LADDER_TO_ACTION",
    "TREATMENTS",
    "CollectionPlan",
    "TreatmentPolicy",
    "ladder_actions",
    "prioritise",
]

#: The default escalation ladder, mildest first.
TREATMENTS: tuple[str, ...] = ("sms_reminder", "call", "letter", "field_visit", "legal_action")

_DEFAULT_RULES: tuple[tuple[str, str, str], ...] = (
    ("M1", "low", "sms_reminder"),
    ("M1", "high", "call"),
    ("M2", "low", "call"),
    ("M2", "high", "letter"),
    ("M3", "low", "letter"),
    ("M3", "high", "field_visit"),
    ("M4", "low", "field_visit"),
    ("M4", "high", "field_visit"),
    ("M5", "low", "field_visit"),
    ("M5", "high", "legal_action"),
    ("M6+", "low", "legal_action"),
    ("M6+", "high", "legal_action"),
)


@dataclass(frozen=True)
class TreatmentPolicy:
    """A collection policy as data: treatment per (bucket, risk segment).

    Attributes
    ----------
    buckets : tuple of str
    segments : tuple of str
    table : tuple of tuple of str
        ``table[i][j]`` = treatment for ``buckets[i]`` and ``segments[j]``.
    ladder : tuple of str
        Treatments from mildest to strongest (used to sort and to check escalation).

    Examples
    --------
    >>> p = TreatmentPolicy.from_records(
    ...     [("M1", "any", "sms_reminder"), ("M2", "any", "call")], ladder=TREATMENTS
    ... )
    >>> p.assign(["M2", "M1"], ["any", "any"]).tolist()
    ['call', 'sms_reminder']
    """

    buckets: tuple[str, ...]
    segments: tuple[str, ...]
    table: tuple[tuple[str, ...], ...]
    ladder: tuple[str, ...] = TREATMENTS

    @classmethod
    def from_records(cls, records: Any, *, ladder: Sequence[str] = TREATMENTS) -> TreatmentPolicy:
        """Build from (bucket, segment, treatment) rows, a DataFrame or a dict of columns.

        Every (bucket, segment) pair must be given exactly once, and treatments must come
        from ``ladder`` and not de-escalate as the bucket worsens within a segment.
        """
        cols = as_mapping_of_columns(records)
        if cols is not None:
            check_columns(cols.keys(), ["bucket", "segment", "treatment"], what="policy")
            rows = list(
                zip(
                    [str(v) for v in cols["bucket"]],
                    [str(v) for v in cols["segment"]],
                    [str(v) for v in cols["treatment"]],
                    strict=True,
                )
            )
        else:
            rows = [(str(b), str(s), str(t)) for b, s, t in records]
        buckets = tuple(dict.fromkeys(r[0] for r in rows))
        segments = tuple(dict.fromkeys(r[1] for r in rows))
        lad = tuple(ladder)
        bad = sorted({r[2] for r in rows} - set(lad))
        if bad:
            raise DataError(
                f"treatments {format_values(bad)} are not on the ladder {format_values(lad)}. "
                "Add them to ladder= (mildest first)."
            )
        grid: dict[tuple[str, str], str] = {}
        for b, s, t in rows:
            if (b, s) in grid:
                raise DataError(f"policy gives ({b!r}, {s!r}) twice; keep one row per pair.")
            grid[(b, s)] = t
        missing = [(b, s) for b in buckets for s in segments if (b, s) not in grid]
        if missing:
            raise DataError(
                f"policy lacks treatments for {format_values(missing)}; give every "
                "(bucket, segment) pair."
            )
        table = tuple(tuple(grid[(b, s)] for s in segments) for b in buckets)
        return cls(buckets, segments, table, lad)

    @classmethod
    def default(cls) -> TreatmentPolicy:
        """SMS and calls early, letters and field visits mid-way, legal action last.

        Examples
        --------
        >>> TreatmentPolicy.default().segments
        ('low', 'high')
        """
        return cls.from_records(_DEFAULT_RULES)

    def assign(self, bucket: npt.ArrayLike, segment: npt.ArrayLike) -> npt.NDArray[np.object_]:
        """Treatment of every account (vectorised table lookup).

        Buckets outside the policy (``M0``, closed states) get ``"none"``; unknown
        segments raise a DataError.
        """
        b = np.asarray(bucket, dtype=object).astype(str)
        s = np.asarray(segment, dtype=object).astype(str)
        if b.shape != s.shape:
            raise DataError("bucket and segment must have the same length.")
        s_known = np.isin(s, self.segments)
        if not s_known.all():
            raise DataError(
                f"segments {format_values(sorted(set(s[~s_known].tolist())))} are not in the "
                f"policy {format_values(self.segments)}."
            )
        b_sorter = np.argsort(np.asarray(self.buckets, dtype=str))
        b_sorted = np.asarray(self.buckets, dtype=str)[b_sorter]
        pos = np.searchsorted(b_sorted, b)
        pos_c = np.minimum(pos, len(b_sorted) - 1)
        b_known = b_sorted[pos_c] == b
        bi = b_sorter[pos_c]
        si = np.searchsorted(np.asarray(self.segments, dtype=str)[np.argsort(self.segments)], s)
        si = np.argsort(self.segments)[si]
        grid = np.asarray(self.table, dtype=object)
        return np.where(b_known, grid[bi, si], "none").astype(object)

    def to_frame(self) -> pd.DataFrame:
        """The policy as a bucket x segment table."""
        import pandas as pd

        return pd.DataFrame(
            np.asarray(self.table, dtype=object),
            index=pd.Index(self.buckets, name="bucket"),
            columns=pd.Index(self.segments, name="segment"),
        )


@dataclass(frozen=True, eq=False)
class CollectionPlan(Result):
    """Delinquent accounts in priority order with their treatment.

    Attributes
    ----------
    account_id : ndarray
        Accounts, highest expected loss avoided first.
    bucket, segment, treatment : ndarray of object
    roll_probability : ndarray of float
        Probability of rolling to a worse state within the horizon.
    balance : ndarray of float
    expected_loss_avoided : ndarray of float
        ``roll_probability x balance x lgd``.
    selected : ndarray of bool
        Within ``capacity`` (all True without a capacity).
    """

    account_id: npt.NDArray[Any]
    bucket: npt.NDArray[np.object_]
    segment: npt.NDArray[np.object_]
    treatment: npt.NDArray[np.object_]
    roll_probability: npt.NDArray[np.float64]
    balance: npt.NDArray[np.float64]
    expected_loss_avoided: npt.NDArray[np.float64]
    selected: npt.NDArray[np.bool_]

    def to_frame(self) -> pd.DataFrame:
        """One row per account in priority order."""
        import pandas as pd

        return pd.DataFrame(
            {
                "account_id": self.account_id,
                "bucket": self.bucket,
                "segment": self.segment,
                "treatment": self.treatment,
                "roll_probability": self.roll_probability,
                "balance": self.balance,
                "expected_loss_avoided": self.expected_loss_avoided,
                "selected": self.selected,
            }
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = []
        for t in dict.fromkeys(self.treatment.tolist()):
            m = self.treatment == t
            rows.append(
                [
                    t,
                    int(m.sum()),
                    float(self.balance[m].sum()),
                    float(self.expected_loss_avoided[m].sum()),
                ]
            )
        return (
            "Collection plan",
            ["treatment", "accounts", "balance", "expected loss avoided"],
            rows,
            f"{int(self.selected.sum())} of {self.selected.size} accounts within capacity",
        )


def prioritise(
    accounts: Any,
    matrix: TransitionMatrix,
    *,
    id_col: str = "loan_id",
    bucket_col: str = "bucket",
    balance_col: str = "balance",
    segment_col: str | None = None,
    order: Sequence[str] | None = None,
    horizon: int = 1,
    lgd: float = 1.0,
    risk_cutoff: float = 0.5,
    policy: TreatmentPolicy | None = None,
    capacity: int | None = None,
) -> CollectionPlan:
    """Rank delinquent accounts by expected loss avoided and assign their treatment.

    Parameters
    ----------
    accounts : DataFrame or dict of arrays
        Current book: id, bucket, balance (and optionally a risk segment column).
    matrix : TransitionMatrix
        Monthly delinquency matrix (e.g. :func:`~overdue_risk.transitions.cohort_matrix`).
    id_col, bucket_col, balance_col : str
    segment_col : str, default=None
        Risk segment per account (values must be the policy's segments). When None the
        segment is ``"high"`` if the roll probability is at least ``risk_cutoff``, else
        ``"low"`` (the default policy's segments).
    order : sequence of str, default=None
        Delinquency order best to worst (``M0 ... M6+, CO`` present in the matrix).
    horizon : int, default=1
        Months over which the roll forward is measured (``P ** horizon``).
    lgd : float, default=1.0
        Loss given default applied to the balance at risk.
    risk_cutoff : float, default=0.5
    policy : TreatmentPolicy, default=None
        :meth:`TreatmentPolicy.default` when None.
    capacity : int, default=None
        Number of accounts the team can work; the rest are marked not selected.

    Returns
    -------
    CollectionPlan
        Only delinquent accounts (bucket worse than the best state, not closed).

    Examples
    --------
    >>> from overdue_risk.transitions import TransitionMatrix
    >>> tm = TransitionMatrix.from_probabilities(
    ...     [[0.9, 0.1, 0, 0], [0.5, 0.2, 0.3, 0], [0.1, 0, 0.1, 0.8], [0, 0, 0, 1]],
    ...     ["M0", "M1", "M2", "CO"],
    ... )
    >>> book = {"loan_id": [1, 2, 3], "bucket": ["M1", "M2", "M0"],
    ...         "balance": [1000.0, 500.0, 800.0]}
    >>> plan = prioritise(book, tm)
    >>> plan.account_id.tolist(), plan.treatment.tolist()
    ([2, 1], ['letter', 'sms_reminder'])
    >>> plan.expected_loss_avoided.tolist()
    [400.0, 300.0]
    """
    seg_cols = [segment_col] if segment_col else []
    cols = table_columns(accounts, "accounts", [id_col, bucket_col, balance_col, *seg_cols])
    ids = np.asarray(cols[id_col].to_numpy() if hasattr(cols[id_col], "to_numpy") else cols[id_col])
    bucket = np.asarray(cols[bucket_col], dtype=object).astype(str)
    bal = np.asarray(cols[balance_col], dtype=np.float64)
    if not np.all(np.isfinite(bal)) or (bal < 0).any():
        raise DataError(f"column {balance_col!r} must be finite and >= 0.")
    lgd_v = float(check_probability(lgd, "lgd"))
    pol = policy if policy is not None else TreatmentPolicy.default()
    if order is None:
        seq = tuple(s for s in (*ACTIVE_BUCKETS, CHARGED_OFF) if s in matrix.states)
    else:
        seq = tuple(order)
    unknown = sorted(set(bucket.tolist()) - set(matrix.states))
    if unknown:
        raise DataError(f"buckets {format_values(unknown)} are not states of the matrix.")
    p = np.asarray(matrix.power(int(horizon)).probabilities)
    rank = np.full(len(matrix.states), -1, dtype=np.int64)
    for r, s in enumerate(seq):
        rank[matrix.states.index(s)] = r
    worse = rank[None, :] > rank[:, None]
    roll_by_state = np.where(rank >= 0, (p * worse).sum(axis=1), 0.0)
    uniq, inverse = np.unique(bucket, return_inverse=True)  # few labels, many accounts
    state_idx = np.array([matrix.states.index(str(u)) for u in uniq], dtype=np.int64)[
        inverse.reshape(-1)
    ]
    roll = roll_by_state[state_idx]
    delinquent = (rank[state_idx] > 0) & ~np.isin(bucket, matrix.absorbing)
    if segment_col is not None:
        segment = np.asarray(cols[segment_col], dtype=object).astype(str)
    else:
        segment = np.where(roll >= risk_cutoff, "high", "low").astype(object)
    ela = roll * bal * lgd_v
    idx = np.flatnonzero(delinquent)
    idx = idx[np.argsort(-ela[idx], kind="stable")]
    treatment = pol.assign(bucket[idx], segment[idx])
    selected = np.ones(idx.size, dtype=bool)
    if capacity is not None:
        selected[int(capacity) :] = False
    return CollectionPlan(
        account_id=ids[idx],
        bucket=bucket[idx].astype(object),
        segment=np.asarray(segment[idx], dtype=object),
        treatment=treatment,
        roll_probability=roll[idx],
        balance=bal[idx],
        expected_loss_avoided=ela[idx],
        selected=selected,
    )


#: How the 0.1.0 ladder's treatments map to the actions of :data:`ACTIONS`.
LADDER_TO_ACTION: dict[str, str] = {
    "sms_reminder": "sms",
    "call": "call",
    "letter": "letter",
    "field_visit": "field_visit",
    "legal_action": "legal",
}


def ladder_actions(
    accounts: Any,
    matrix: TransitionMatrix,
    capacity: Mapping[str, int] | None = None,
    rules: ConductRules | None = None,
    *,
    id_col: str = "row_id",
    lgd: float = 1.0,
) -> npt.NDArray[np.object_]:
    """The 0.1.0 static ladder as one action per account, under capacity and conduct rules.

    Accounts are taken in :func:`prioritise` order (expected loss avoided); each gets its
    ladder treatment while that channel has capacity and the conduct rules allow it, else
    the next milder treatment that does (SMS and letters are unlimited). This is the
    baseline the optimised policy is measured against.

    Examples
    --------
    >>> from overdue_risk.transitions import TransitionMatrix
    >>> tm = TransitionMatrix.from_probabilities(
    ...     [[0.9, 0.1, 0, 0], [0.3, 0.1, 0.6, 0], [0.1, 0, 0.1, 0.8], [0, 0, 0, 1]],
    ...     ["M0", "M1", "M2", "CO"],
    ... )
    >>> acc = {"row_id": [0, 1, 2], "bucket": ["M1", "M1", "M2"], "dpd": [10, 12, 45],
    ...        "balance": [900.0, 100.0, 50.0]}
    >>> ladder_actions(acc, tm, {"call": 1}).tolist()
    ['call', 'sms', 'letter']
    """
    from overdue_risk.collection._conduct import ACTIONS, ConductRules
    from overdue_risk.collection._optimise import eligible_actions

    rules = ConductRules() if rules is None else rules
    cols = table_columns(accounts, "accounts", ["dpd"])
    n = len(np.asarray(cols["dpd"]))
    plan = prioritise({**cols, "__pos": np.arange(n)}, matrix, id_col="__pos", lgd=lgd)
    ok, _ = eligible_actions(accounts, rules)

    col = {a: j for j, a in enumerate(ACTIONS)}
    ladder = [LADDER_TO_ACTION[t] for t in TREATMENTS]
    left = dict(capacity or {})
    out = np.full(n, "none", dtype=object)
    for i, treat in zip(np.asarray(plan.account_id, dtype=np.int64), plan.treatment, strict=True):
        step = ladder.index(LADDER_TO_ACTION[str(treat)])
        for a in ladder[step::-1]:
            if ok[i, col[a]] and left.get(a, 1) > 0:
                out[i] = a
                if a in left:
                    left[a] -= 1
                break
    return out
