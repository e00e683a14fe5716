"""Watchlists from rules and score thresholds given as data, and their backtest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import as_mapping_of_columns, format_values
from overdue_risk.exceptions import DataError

__all__ = ["EarlyWarning", "WarningBacktest", "WarningTrigger", "warning_backtest"]

BoolArray = npt.NDArray[np.bool_]


def _condition(item: Any, where: str) -> Any:
    from overdue_risk.strategy import PolicyRule

    if isinstance(item, PolicyRule):
        return item
    if isinstance(item, Mapping):
        allowed = {"column", "op", "value", "if_missing"}
        extra = sorted(set(item) - allowed)
        if extra or "column" not in item or "op" not in item:
            raise DataError(
                f"{where} must be a dict with 'column', 'op' and 'value' (optional "
                f"'if_missing'); got keys {format_values(sorted(item))}. Example: "
                "{'column': 'months_partial_payment_3m', 'op': '>=', 'value': 1}."
            )
        return PolicyRule(
            column=str(item["column"]),
            op=str(item["op"]),
            value=item.get("value"),
            if_missing=str(item.get("if_missing", "pass")),
        )
    raise DataError(f"{where} must be a PolicyRule or a dict; got {item!r}.")


@dataclass(frozen=True)
class WarningTrigger:
    """One reason to watch an account: all of its conditions hold (AND).

    Parameters
    ----------
    reason : str
        Text recorded on the watchlist when the trigger fires.
    when : sequence of PolicyRule or dict
        Conditions ``column op value`` (ops as in :class:`~overdue_risk.strategy.PolicyRule`:
        ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``, ``in``, ``not in``, ``missing``); a
        missing value does not fire unless the condition says ``if_missing="decline"``.

    Examples
    --------
    >>> import numpy as np
    >>> t = WarningTrigger("partial payment and new credit",
    ...     [{"column": "months_partial_payment_3m", "op": ">=", "value": 1},
    ...      {"column": "inquiries_3m", "op": ">=", "value": 2}])
    >>> t.fires({"months_partial_payment_3m": np.array([1, 1, 0]),
    ...          "inquiries_3m": np.array([3, 0, 5])}).tolist()
    [True, False, False]
    """

    reason: str
    when: Sequence[Any]

    def conditions(self) -> tuple[Any, ...]:
        """The conditions as :class:`~overdue_risk.strategy.PolicyRule` objects."""
        if isinstance(self.when, Mapping | str) or not self.when:
            raise DataError(
                f"trigger {self.reason!r} needs a non-empty list of conditions in 'when'; "
                f"got {self.when!r}."
            )
        return tuple(
            _condition(c, f"condition {i} of trigger {self.reason!r}")
            for i, c in enumerate(self.when)
        )

    def fires(self, data: Mapping[str, Any]) -> BoolArray:
        """Mask of the rows on which every condition holds."""
        out = np.logical_and.reduce([rule.fires(data) for rule in self.conditions()])
        return np.asarray(out, dtype=bool)


@dataclass(frozen=True)
class EarlyWarning:
    """A watchlist policy: triggers (rules and score thresholds) combined with OR.

    Given as data, like :class:`~overdue_risk.strategy.DecisionTable`: each trigger is a
    reason and the conditions that must all hold; an account is on the watchlist when any
    trigger fires. A score threshold is a condition on a score column (e.g. the monthly
    behavioural score from the runtime: ``{"column": "score", "op": "<", "value": 540}``).

    Parameters
    ----------
    triggers : sequence of WarningTrigger or dict
        ``{"reason": ..., "when": [conditions]}``; order sets ``first_reason``.
    current_column : str or None, default="dpd_now"
        Watch only accounts with this column equal to 0 (current accounts: a loan already
        past due belongs to collections, not to early warning). None watches every row.
    id : str, default="loan_id"
        Identifier column copied to the watchlist.

    Examples
    --------
    >>> import pandas as pd
    >>> policy = EarlyWarning.from_dict({"triggers": [
    ...     {"reason": "high behavioural risk",
    ...      "when": [{"column": "score", "op": "<", "value": 540}]},
    ...     {"reason": "loan stacking",
    ...      "when": [{"column": "new_loans_3m", "op": ">=", "value": 2}]}]})
    >>> accounts = pd.DataFrame({"loan_id": [1, 2, 3, 4], "dpd_now": [0, 0, 0, 35],
    ...     "score": [520, 600, 530, 500], "new_loans_3m": [0, 3, 2, 0]})
    >>> watch = policy.apply(accounts)
    >>> watch[["loan_id", "n_reasons", "first_reason"]]
       loan_id  n_reasons           first_reason
    0        1          1  high behavioural risk
    1        2          1          loan stacking
    2        3          2  high behavioural risk
    >>> watch["reasons"].iloc[2]
    'high behavioural risk; loan stacking'
    """

    triggers: Sequence[WarningTrigger | Mapping[str, Any]]
    current_column: str | None = "dpd_now"
    id: str = "loan_id"

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> EarlyWarning:
        """Build a policy from plain data (parsed JSON or TOML)."""
        data = dict(spec)
        unknown = sorted(set(data) - {"triggers", "current_column", "id"})
        if unknown:
            raise DataError(
                f"EarlyWarning.from_dict got unknown keys {format_values(unknown)}; use "
                "'triggers', 'current_column' and 'id'."
            )
        return cls(**data)

    def _triggers(self) -> tuple[WarningTrigger, ...]:
        out = []
        if isinstance(self.triggers, Mapping | str) or not self.triggers:
            raise DataError("EarlyWarning needs a non-empty list of triggers.")
        for i, t in enumerate(self.triggers):
            if isinstance(t, WarningTrigger):
                out.append(t)
            elif isinstance(t, Mapping) and set(t) <= {"reason", "when"} and "when" in t:
                out.append(WarningTrigger(str(t.get("reason", f"trigger {i}")), t["when"]))
            else:
                raise DataError(
                    f"trigger {i} must be a WarningTrigger or a dict with 'reason' and 'when'; "
                    f"got {t!r}."
                )
        return tuple(out)

    def _data(self, accounts: Any, extra: Mapping[str, Any] | None) -> Mapping[str, Any]:
        data = as_mapping_of_columns(accounts)
        if data is None:
            raise DataError(
                "accounts must be a DataFrame or a dict of equal-length arrays; got "
                f"{type(accounts).__name__}."
            )
        if extra:
            data = {**data, **{k: np.asarray(v) for k, v in extra.items()}}
        return data

    def fired(self, accounts: Any, *, scores: Mapping[str, Any] | None = None) -> BoolArray:
        """``(n_rows, n_triggers)`` mask of the triggers that fire on each account."""
        data = self._data(accounts, scores)
        triggers = self._triggers()
        hits = np.column_stack([t.fires(data) for t in triggers])
        if self.current_column is not None:
            if self.current_column not in data:
                raise DataError(
                    f"EarlyWarning watches current accounts by {self.current_column!r}, which "
                    "the accounts lack. Pass panel_features output or current_column=None."
                )
            current = np.asarray(data[self.current_column], dtype=np.float64) == 0
            hits &= current[:, None]
        out: BoolArray = hits
        return out

    def flags(self, accounts: Any, *, scores: Mapping[str, Any] | None = None) -> BoolArray:
        """Whether each account is on the watchlist."""
        return np.asarray(self.fired(accounts, scores=scores).any(axis=1), dtype=bool)

    def apply(self, accounts: Any, *, scores: Mapping[str, Any] | None = None) -> Any:
        """The watchlist: flagged accounts with every trigger that fired.

        Parameters
        ----------
        accounts : pandas.DataFrame or dict of arrays
            One row per account (e.g. :func:`panel_features` of this month).
        scores : dict of str to array-like, default=None
            Extra columns (e.g. ``{"score": spec.score(features)}``) the triggers use.

        Returns
        -------
        pandas.DataFrame
            ``id``, ``reasons`` (every reason that fired, "; "-joined, in trigger
            order), ``n_reasons`` and ``first_reason``, one row per flagged account.
        """
        import pandas as pd

        data = self._data(accounts, scores)
        hits = self.fired(accounts, scores=scores)
        labels = np.asarray([t.reason for t in self._triggers()], dtype=object)
        rows = np.flatnonzero(hits.any(axis=1))
        sub = hits[rows]
        reasons = ["; ".join(labels[r].tolist()) for r in sub]  # one join per flagged row
        ids = np.asarray(data[self.id])[rows] if self.id in data else rows
        return pd.DataFrame(
            {
                self.id: ids,
                "reasons": reasons,
                "n_reasons": sub.sum(axis=1).astype(np.int64),
                "first_reason": labels[sub.argmax(axis=1)] if rows.size else labels[:0],
            }
        )


@dataclass(frozen=True, eq=False)
class WarningBacktest(Result):
    """How a watchlist policy would have done over history (see :func:`warning_backtest`).

    Attributes
    ----------
    lead_recall : dict of int to float
        Share of the accounts that went bad whose first missed payment came ``k`` months
        after a snapshot in which they were current, flagged in that snapshot.
    n_events : dict of int to int
        Number of such accounts for each ``k``.
    recall_before_miss : float
        Share of bad episodes flagged in at least one of the ``max(leads)`` snapshots before
        the first missed payment (episodes seen in the snapshot one month before it).
    watchlist_share : float
        Flagged / current accounts (pooled over the snapshots).
    precision, base_rate, lift : float
        Bad rate among flagged accounts, among all current accounts, and their ratio.
    recall : float
        Share of the current accounts that went bad that were flagged.
    false_alarms : int
        Flagged accounts that did not go bad within the horizon.
    false_alarm_rate : float
        False alarms / current accounts that did not go bad.
    n_current : int
        Current accounts with a complete outcome window (the evaluation population).
    by_month : tuple of tuples
        ``(as_of, n_current, n_flagged, watchlist_share, precision, base_rate)``.
    """

    lead_recall: dict[int, float]
    n_events: dict[int, int]
    recall_before_miss: float
    watchlist_share: float
    precision: float
    base_rate: float
    lift: float
    recall: float
    false_alarms: int
    false_alarm_rate: float
    n_current: int
    by_month: tuple[tuple[Any, ...], ...] = field(repr=False)

    def to_frame(self) -> Any:
        """The per-month table as a DataFrame."""
        import pandas as pd

        return pd.DataFrame(
            list(self.by_month),
            columns=[
                "as_of",
                "n_current",
                "n_flagged",
                "watchlist_share",
                "precision",
                "base_rate",
            ],
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows: list[list[Any]] = [
            [f"flagged {k} month(s) before the first miss", v] for k, v in self.lead_recall.items()
        ]
        rows += [
            ["flagged at least once before the first miss", self.recall_before_miss],
            ["watchlist share of current accounts", self.watchlist_share],
            ["precision", self.precision],
            ["base rate", self.base_rate],
            ["lift (precision / base rate)", self.lift],
            ["recall", self.recall],
            ["false alarms", self.false_alarms],
            ["false alarm rate", self.false_alarm_rate],
            ["current accounts evaluated", self.n_current],
        ]
        return "Early-warning backtest", ["quantity", "value"], rows, ""


def _safe(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def warning_backtest(
    snapshots: Any,
    policy: EarlyWarning,
    *,
    scores: Mapping[str, Any] | None = None,
    leads: Sequence[int] = (1, 2, 3),
) -> WarningBacktest:
    """Evaluate a watchlist policy over stacked monthly snapshots (out of time).

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Output of :func:`snapshots` (features, ``bad``, ``window_complete``,
        ``months_to_first_miss``, ``as_of``), taken every month so that each bad account
        is seen 1, 2, 3 ... months before its first missed payment; plus any score columns
        the policy uses.
    policy : EarlyWarning
    scores : dict of str to array-like, default=None
        Extra columns (aligned with ``snapshots``), e.g. monthly runtime scores.
    leads : sequence of int, default=(1, 2, 3)
        Lead times ``k`` (months before the first missed payment) to report.

    Returns
    -------
    WarningBacktest

    Notes
    -----
    The population is the current accounts (``policy.current_column == 0``) whose outcome
    window is complete. An account *goes bad* when it reaches the snapshot's ``bad`` state
    within the horizon. Its lead time ``k`` is ``months_to_first_miss``: it was flagged
    ``k`` months before its first missed payment when the snapshot ``k`` months before that
    payment flagged it. Precision against the base rate is the lift of the watchlist.

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio
    >>> from overdue_risk.behaviour import snapshots
    >>> book = make_microloan_portfolio(2_000, 24, random_state=0, distress=True)
    >>> dev = snapshots(book.performance, [f"2023-{m:02d}" for m in range(6, 13)])
    >>> policy = EarlyWarning([{"reason": "partial payment",
    ...     "when": [{"column": "months_partial_payment_3m", "op": ">=", "value": 1}]}])
    >>> bt = warning_backtest(dev, policy)
    >>> bt.lift > 3
    True
    """
    data = as_mapping_of_columns(snapshots)
    need = ["as_of", "bad", "window_complete", "months_to_first_miss"]
    if data is None or any(c not in data for c in need):
        raise DataError(
            f"snapshots must be the output of behaviour.snapshots with columns {need}; got "
            f"{type(snapshots).__name__}. Build it with snapshots(panel, as_of=[...])."
        )
    flags = policy.flags(snapshots, scores=scores)
    complete = np.asarray(data["window_complete"], dtype=bool)
    bad_col = np.asarray(data["bad"], dtype=np.float64)
    current = complete.copy()
    if policy.current_column is not None:
        current &= np.asarray(data[policy.current_column], dtype=np.float64) == 0
    bad = current & (bad_col == 1)
    flag = flags & current
    lead = np.asarray(data["months_to_first_miss"], dtype=np.float64)
    lead_recall, n_events = {}, {}
    for k in leads:
        ev = bad & (lead == k)
        n_events[int(k)] = int(ev.sum())
        lead_recall[int(k)] = _safe(float(flag[ev].sum()), float(ev.sum()))
    recall_before = _episodes_flagged(
        data, policy.id, bad & (lead >= 1) & (lead <= max(leads, default=1)), flag
    )
    n_cur, n_flag, n_bad = int(current.sum()), int(flag.sum()), int(bad.sum())
    precision = _safe(float((flag & bad).sum()), float(n_flag))
    base = _safe(float(n_bad), float(n_cur))
    goods = current & ~bad
    by_month = _by_month(np.asarray(data["as_of"]), current, flag, bad)
    return WarningBacktest(
        lead_recall=lead_recall,
        n_events=n_events,
        recall_before_miss=recall_before,
        watchlist_share=_safe(float(n_flag), float(n_cur)),
        precision=precision,
        base_rate=base,
        lift=_safe(precision, base),
        recall=_safe(float((flag & bad).sum()), float(n_bad)),
        false_alarms=int((flag & goods).sum()),
        false_alarm_rate=_safe(float((flag & goods).sum()), float(goods.sum())),
        n_current=n_cur,
        by_month=by_month,
    )


def _episodes_flagged(
    data: Mapping[str, Any], id: str, events: BoolArray, flag: BoolArray
) -> float:
    """Share of (account, first-miss month) episodes flagged in some earlier snapshot."""
    import pandas as pd

    from overdue_risk.behaviour._panel import month_number

    if id not in data or not events.any():
        return float("nan")
    as_of, _ = month_number(np.asarray(data["as_of"]), "as_of")
    miss = as_of + np.asarray(data["months_to_first_miss"], dtype=np.float64)
    lead = np.asarray(data["months_to_first_miss"], dtype=np.float64)
    frame = pd.DataFrame(
        {
            "id": np.asarray(data[id])[events],
            "miss": miss[events],
            "flag": flag[events],
            "seen_a_month_before": lead[events] == 1,
        }
    )
    per = frame.groupby(["id", "miss"])[["flag", "seen_a_month_before"]].any()
    per = per[per["seen_a_month_before"]]  # episodes watched up to the month before the miss
    return float(per["flag"].mean()) if len(per) else float("nan")


def _by_month(
    as_of: npt.NDArray[Any], current: BoolArray, flag: BoolArray, bad: BoolArray
) -> tuple[tuple[Any, ...], ...]:
    import pandas as pd

    codes, months = pd.factorize(as_of, sort=True)
    n = len(months)
    cur = np.bincount(codes, weights=current, minlength=n)
    fl = np.bincount(codes, weights=flag, minlength=n)
    fb = np.bincount(codes, weights=flag & bad, minlength=n)
    bd = np.bincount(codes, weights=bad, minlength=n)
    return tuple(
        (
            months[i],
            int(cur[i]),
            int(fl[i]),
            _safe(fl[i], cur[i]),
            _safe(fb[i], fl[i]),
            _safe(bd[i], cur[i]),
        )
        for i in range(n)
    )
