"""Point-in-time behavioural features of a loan-month panel (vectorised, no look-ahead).

The feature list is a *plan* (:func:`feature_plan`): one entry per output column with its
kind and parameters. :func:`compute_features` evaluates a plan with NumPy segment
reductions (``np.add.reduceat`` / ``np.maximum.reduceat`` over rows sorted by loan), and
:mod:`overdue_risk.behaviour._sql` writes the same plan as one SQL query, so the two can
only disagree through a bug that the cross-check tests catch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray
from overdue_risk.behaviour._panel import CO_CODE, PanelArrays, as_of_number, read_panel
from overdue_risk.buckets import ACTIVE_BUCKETS, DEFAULT_DPD_EDGES
from overdue_risk.exceptions import DataError

__all__ = ["Feature", "compute_features", "feature_plan", "panel_features"]

IntArray = npt.NDArray[np.int64]
_NEVER = np.iinfo(np.int64).min // 4
#: The DPD thresholds of the "months at 1+ / 30+ / 60+ DPD" counts.
DPD_THRESHOLDS: tuple[int, ...] = (1, 30, 60)


@dataclass(frozen=True)
class Feature:
    """One output column: its name, what it computes, and on which window or column."""

    name: str
    kind: str
    window: int = 0
    column: str = ""
    threshold: int = 0
    description: str = ""


def check_windows(windows: Sequence[int]) -> tuple[int, ...]:
    """Positive, distinct integer windows (in months), as given."""
    try:
        out = tuple(int(w) for w in windows)
    except (TypeError, ValueError):
        raise DataError(f"windows must be positive integers; got {windows!r}.") from None
    if not out or any(w < 1 for w in out) or len(set(out)) != len(out):
        raise DataError(
            f"windows must be distinct positive integers (months); got {windows!r}. "
            "Example: windows=(3, 6, 12)."
        )
    return out


def feature_plan(
    present: Sequence[str], windows: Sequence[int] = (3, 6, 12), counts: Sequence[str] = ()
) -> list[Feature]:
    """The features ``panel_features`` returns for a panel with the columns ``present``.

    Examples
    --------
    >>> [f.name for f in feature_plan(["dpd"], windows=(3,))][:5]
    ['months_on_book', 'dpd_now', 'bucket_now', 'worst_dpd_3m', 'months_1plus_3m']
    """
    has = set(present)
    wins = check_windows(windows)
    payments = {"paid_amount", "scheduled_payment"} <= has
    plan = [
        Feature(
            "months_on_book",
            "mob",
            description="months on book at as_of (the mob column, else months since the "
            "loan's first row + 1)",
        ),
        Feature("dpd_now", "dpd_now", description="days past due at as_of"),
        Feature("bucket_now", "bucket_now", description="bucket at as_of (M0 ... M6+)"),
    ]
    for w in wins:
        plan.append(
            Feature(
                f"worst_dpd_{w}m", "worst_dpd", w, description=f"worst DPD in the last {w} months"
            )
        )
        for k in DPD_THRESHOLDS:
            plan.append(
                Feature(
                    f"months_{k}plus_{w}m",
                    "months_dpd",
                    w,
                    threshold=k,
                    description=f"months with DPD >= {k} in the last {w} months",
                )
            )
    plan += [
        Feature(
            "months_since_delinquent",
            "since_delinquent",
            description="months since the last month with DPD > 0 (0 = delinquent now; "
            "missing = never delinquent)",
        ),
        Feature(
            "consecutive_on_time_months",
            "on_time_run",
            description="calendar months since the last month that was delinquent or paid "
            "short (months on record when there was none)",
        ),
        Feature(
            "cures_to_date",
            "cures",
            description="times the loan went from DPD > 0 back to DPD 0 (row to next row)",
        ),
        Feature(
            "redefaults_to_date",
            "redefaults",
            description="delinquency episodes after the first (fell behind again after a cure)",
        ),
    ]
    if payments:
        plan.append(
            Feature(
                "months_since_full_payment",
                "since_full",
                description="months since paid_amount last covered scheduled_payment "
                "(missing = never)",
            )
        )
        for w in wins:
            plan.append(
                Feature(
                    f"paid_to_scheduled_{w}m",
                    "paid_ratio",
                    w,
                    description=f"sum of paid over sum of scheduled in the last {w} months",
                )
            )
            plan.append(
                Feature(
                    f"months_partial_payment_{w}m",
                    "partial",
                    w,
                    description=f"months paying more than 0 but less than due, last {w} months",
                )
            )
        plan.append(
            Feature(
                "paid_to_scheduled_change_3m",
                "paid_ratio_change",
                description="paid-to-scheduled ratio of the last 3 months minus that of the "
                "3 months before",
            )
        )
    if "balance" in has:
        plan.append(Feature("balance_now", "value_now", column="balance", description="balance"))
        plan.append(
            Feature(
                "balance_paid_down_share",
                "paid_down",
                description="1 - balance now / balance on the loan's first row",
            )
        )
    if "credit_limit" in has:
        plan.append(
            Feature("credit_limit_now", "value_now", column="credit_limit", description="limit")
        )
        if "balance" in has:
            plan.append(
                Feature("utilisation_now", "utilisation_now", description="balance / credit_limit")
            )
            for w in wins:
                plan.append(
                    Feature(
                        f"utilisation_change_{w}m",
                        "utilisation_change",
                        w,
                        description=f"utilisation now minus its mean over the last {w} months",
                    )
                )
    if "days_late" in has:
        for w in wins:
            plan.append(
                Feature(
                    f"months_paid_late_{w}m",
                    "months_late",
                    w,
                    description=f"months paid late within the grace period, last {w} months",
                )
            )
            plan.append(
                Feature(
                    f"max_days_late_{w}m",
                    "max_late",
                    w,
                    description=f"most days late (within grace) in the last {w} months",
                )
            )
    for c in counts:
        for w in wins:
            plan.append(
                Feature(
                    f"{c}_{w}m",
                    "count_sum",
                    w,
                    column=c,
                    description=f"sum of {c}, last {w} months",
                )
            )
    return plan


@dataclass(frozen=True)
class _Rows:
    """The rows a snapshot may read (period <= as_of, loans open at as_of), by segment."""

    t: int
    rows: IntArray
    starts: IntArray
    last: IntArray
    loan: IntArray
    period: IntArray
    dpd: IntArray
    bucket: IntArray
    optional: dict[str, FloatArray]
    cache: dict[int, npt.NDArray[np.bool_]] = field(default_factory=dict)

    def sum(self, values: Any) -> Any:
        if values.dtype == bool:  # counts: no int64 copy of the mask
            return np.add.reduceat(values, self.starts, dtype=np.int64)
        return np.add.reduceat(values, self.starts)

    def max(self, values: Any) -> Any:
        return np.maximum.reduceat(values, self.starts)

    def window(self, w: int) -> npt.NDArray[np.bool_]:
        """Rows inside the last ``w`` months (computed once per window)."""
        if w not in self.cache:
            self.cache[w] = self.period > self.t - w
        return self.cache[w]


def open_rows(arrs: PanelArrays, t: int) -> _Rows:
    """Rows at or before ``t`` of the loans open at ``t`` (a row at ``t`` that is not CO/PO)."""
    keep = arrs.period <= t
    at_t = keep & (arrs.period == t) & (arrs.bucket < CO_CODE)
    is_open = np.zeros(arrs.loan_ids.size, dtype=bool)
    is_open[arrs.loan[at_t]] = True
    rows = np.flatnonzero(keep & is_open[arrs.loan])
    loan = arrs.loan[rows]
    first = np.ones(rows.size, dtype=bool)
    first[1:] = loan[1:] != loan[:-1]
    starts = np.flatnonzero(first)
    last = np.r_[starts[1:], rows.size] - 1
    return _Rows(
        t=t,
        rows=rows,
        starts=starts,
        last=last.astype(np.int64),
        loan=loan,
        period=arrs.period[rows],
        dpd=arrs.dpd[rows],
        bucket=arrs.bucket[rows],
        optional={c: v[rows] for c, v in arrs.optional.items()},
    )


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def _paid_ratio(r: _Rows, lo: int, hi: int) -> FloatArray:
    """sum(paid) / sum(scheduled) over the rows with ``t - hi < period <= t - lo``."""
    paid, sched = r.optional["paid_amount"], r.optional["scheduled_payment"]
    rows = (r.period > r.t - hi) & (r.period <= r.t - lo) & ~np.isnan(paid) & ~np.isnan(sched)
    return _ratio(r.sum(np.where(rows, paid, 0.0)), r.sum(np.where(rows, sched, 0.0)))


def _since(r: _Rows, mask: npt.NDArray[np.bool_]) -> FloatArray:
    latest = r.max(np.where(mask, r.period, _NEVER))
    out: FloatArray = np.where(latest == _NEVER, np.nan, (r.t - latest).astype(np.float64))
    return out


def _short(r: _Rows) -> npt.NDArray[np.bool_]:
    """Rows that paid less than due (needs the two payment columns)."""
    if "paid_amount" not in r.optional or "scheduled_payment" not in r.optional:
        return np.zeros(r.rows.size, dtype=bool)
    paid, sched = r.optional["paid_amount"], r.optional["scheduled_payment"]
    with np.errstate(invalid="ignore"):
        out: npt.NDArray[np.bool_] = (sched > 0) & (paid < sched)
    return out


def _one(r: _Rows, f: Feature) -> Any:
    opt = r.optional
    if f.kind == "mob":
        if "mob" in opt:
            return opt["mob"][r.last]
        return r.t - r.period[r.starts] + 1
    if f.kind == "dpd_now":
        return r.dpd[r.last]
    if f.kind == "bucket_now":
        return np.asarray(ACTIVE_BUCKETS, dtype=object)[r.bucket[r.last]]
    if f.kind == "worst_dpd":
        return r.max(np.where(r.window(f.window), r.dpd, 0))
    if f.kind == "months_dpd":
        return r.sum(r.window(f.window) & (r.dpd >= f.threshold))
    if f.kind == "since_delinquent":
        return _since(r, r.dpd > 0)
    if f.kind == "on_time_run":
        latest = r.max(np.where((r.dpd > 0) | _short(r), r.period, _NEVER))
        return np.where(latest == _NEVER, r.t - r.period[r.starts] + 1, r.t - latest)
    if f.kind in ("cures", "redefaults"):
        same = np.zeros(r.rows.size, dtype=bool)
        same[1:] = r.loan[1:] == r.loan[:-1]
        prev = np.r_[0, r.dpd[:-1]]
        if f.kind == "cures":
            return r.sum(same & (prev > 0) & (r.dpd == 0))
        episodes = r.sum((r.dpd > 0) & (~same | (prev == 0)))
        return np.maximum(episodes - 1, 0)
    if f.kind == "since_full":
        paid, sched = opt["paid_amount"], opt["scheduled_payment"]
        with np.errstate(invalid="ignore"):
            return _since(r, (sched > 0) & (paid >= sched))
    if f.kind == "paid_ratio":
        return _paid_ratio(r, 0, f.window)
    if f.kind == "paid_ratio_change":
        return _paid_ratio(r, 0, 3) - _paid_ratio(r, 3, 6)
    if f.kind == "partial":
        with np.errstate(invalid="ignore"):
            part = _short(r) & (opt["paid_amount"] > 0)
        return r.sum(r.window(f.window) & part)
    if f.kind == "value_now":
        return opt[f.column][r.last]
    if f.kind == "paid_down":
        first = opt["balance"][r.starts]
        return 1.0 - _ratio(opt["balance"][r.last], first)
    if f.kind in ("utilisation_now", "utilisation_change"):
        util = _ratio(opt["balance"], opt["credit_limit"])
        if f.kind == "utilisation_now":
            return util[r.last]
        ok = r.window(f.window) & ~np.isnan(util)
        mean = _ratio(r.sum(np.where(ok, util, 0.0)), r.sum(ok.astype(np.float64)))
        return util[r.last] - mean
    if f.kind == "months_late":
        with np.errstate(invalid="ignore"):
            late = r.window(f.window) & (opt["days_late"] > 0)
        return r.sum(late)
    if f.kind == "max_late":
        inw = r.window(f.window) & ~np.isnan(opt["days_late"])
        return np.fmax.reduceat(np.where(inw, opt["days_late"], np.nan), r.starts)
    if f.kind == "count_sum":
        x = opt[f.column]
        return r.sum(np.where(r.window(f.window) & ~np.isnan(x), x, 0.0))
    raise DataError(f"unknown feature kind {f.kind!r}")  # pragma: no cover


def compute_features(arrs: PanelArrays, t: int, plan: Sequence[Feature], id: str) -> Any:
    """The feature frame of the loans open at month number ``t``."""
    import pandas as pd

    r = open_rows(arrs, t)
    data: dict[str, Any] = {id: arrs.loan_ids[r.loan[r.starts]]}
    if r.rows.size:
        for f in plan:
            data[f.name] = _one(r, f)
    else:
        for f in plan:
            data[f.name] = np.zeros(0, dtype=object if f.kind == "bucket_now" else np.float64)
    return pd.DataFrame(data)


def panel_features(
    panel: Any,
    as_of: Any,
    *,
    windows: Sequence[int] = (3, 6, 12),
    id: str = "loan_id",
    period: str = "month",
    counts: Sequence[str] = (),
    dpd_edges: Sequence[int] = DEFAULT_DPD_EDGES,
) -> Any:
    """Point-in-time behavioural features: one row per loan open at ``as_of``.

    Only rows with ``period <= as_of`` are read, so changing any later row changes nothing
    (a property test perturbs the future and compares). A loan is *open at as_of* when it
    has a row at ``as_of`` whose bucket is not ``CO`` or ``PO``. Windows are calendar
    months ``(as_of - w, as_of]``; a month missing from the panel (a gap) counts in no
    window, and "months since" features count calendar months.

    Parameters
    ----------
    panel : pandas.DataFrame, polars DataFrame, pyarrow Table or dict of arrays
        One row per loan and period, in any order. Required: ``id``, ``period`` and
        ``dpd`` (or ``bucket``, whose lower DPD bound is then used). Used when present:
        ``balance``, ``scheduled_payment``, ``paid_amount``, ``credit_limit``, ``mob``,
        ``days_late`` (days an instalment was paid after its due date, within the grace
        period), and ``bucket`` (``CO``/``PO`` close the loan).
    as_of : month or int
        The observation month: a date such as ``"2024-06"`` for date periods, an integer
        for integer periods.
    windows : sequence of int, default=(3, 6, 12)
        Look-back windows in months.
    id, period : str, default="loan_id", "month"
        Column names of the loan id and the period.
    counts : sequence of str, default=()
        Further count columns (e.g. bureau ``inquiries``, ``new_loans``) summed per window.
    dpd_edges : sequence of int, default=(0, 30, 60, 90, 120, 150)
        Bucket edges used when the panel has no ``bucket`` column.

    Returns
    -------
    pandas.DataFrame
        ``id`` and one column per feature; the names are listed, with their meaning, in
        ``docs/guide/early_warning.md`` (and by :func:`feature_plan`).

    See Also
    --------
    behaviour_target : the outcome over the next months, for the same loans.
    snapshots : features and outcome stacked over several observation months.
    panel_features_sql : the same features as one SQL query (DuckDB, Spark SQL).

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"loan_id": [1, 1, 1, 2, 2], "month": [1, 2, 3, 2, 3],
    ...                       "dpd": [0, 12, 0, 0, 0]})
    >>> f = panel_features(panel, 3, windows=(3,))
    >>> f[["loan_id", "dpd_now", "worst_dpd_3m", "months_since_delinquent", "cures_to_date"]]
       loan_id  dpd_now  worst_dpd_3m  months_since_delinquent  cures_to_date
    0        1        0            12                      1.0              1
    1        2        0             0                      NaN              0
    """
    arrs = read_panel(panel, id=id, period=period, counts=counts, dpd_edges=dpd_edges)
    plan = feature_plan([*arrs.optional, "dpd"], windows, counts)
    return compute_features(arrs, as_of_number(as_of, arrs.dated), plan, id)
