"""Read a loan-month panel into sorted NumPy arrays (one pass, no loop over loans).

Periods become integer month numbers (months since 1970-01 for dates, the integers
themselves for integer periods), loans become integer codes, and rows are sorted by
(loan, period). Every feature, target and SQL cross-check in :mod:`overdue_risk.behaviour`
starts from :class:`PanelArrays`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._columns import as_columns
from overdue_risk._validation import FloatArray, format_values
from overdue_risk.buckets import ACTIVE_BUCKETS, CHARGED_OFF, DEFAULT_DPD_EDGES, PAID_OFF
from overdue_risk.exceptions import DataError

__all__ = ["OPTIONAL_COLUMNS", "PanelArrays", "month_number", "read_panel"]

IntArray = npt.NDArray[np.int64]

#: Columns used when present (money columns and the grace-period lateness).
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "balance",
    "scheduled_payment",
    "paid_amount",
    "credit_limit",
    "mob",
    "days_late",
)
#: Bucket codes: 0..6 = M0..M6+, then the two closing states.
CO_CODE, PO_CODE = len(ACTIVE_BUCKETS), len(ACTIVE_BUCKETS) + 1


@dataclass(frozen=True)
class PanelArrays:
    """A panel as parallel arrays sorted by (loan, period)."""

    loan: IntArray  # code 0 ... n_loans - 1 (order of first appearance)
    loan_ids: npt.NDArray[Any]  # the caller's id of every code
    period: IntArray  # month number
    dpd: IntArray
    bucket: IntArray  # 0..6 = M0..M6+, 7 = CO, 8 = PO
    optional: dict[str, FloatArray]  # the OPTIONAL_COLUMNS present, and extra counts
    dated: bool  # periods were dates (month numbers since 1970-01)

    def rows_until(self, as_of: int) -> npt.NDArray[np.bool_]:
        """Mask of the rows at or before ``as_of`` (the only rows a feature may read)."""
        out: npt.NDArray[np.bool_] = self.period <= as_of
        return out


def month_number(values: Any, name: str) -> tuple[IntArray, bool]:
    """Month numbers of dates (since 1970-01) or integer periods, and whether they were dates."""
    arr = np.asarray(values.to_numpy() if hasattr(values, "to_numpy") else values)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64), False
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise DataError(f"{name} holds missing dates. Every loan-month needs its month.")
        return arr.astype("datetime64[M]").astype(np.int64), True
    if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and np.all(arr % 1 == 0):
        return arr.astype(np.int64), False
    try:
        out = np.asarray(
            [np.datetime64(_to_date(v), "M") for v in arr.ravel()], dtype="datetime64[M]"
        )
    except (TypeError, ValueError):
        raise DataError(
            f"{name} must hold months (dates such as '2024-03', pandas Periods) or integer "
            f"period numbers; got values {format_values(arr[:5].tolist())}."
        ) from None
    if np.isnat(out).any():
        raise DataError(f"{name} holds missing dates. Every loan-month needs its month.")
    return out.astype(np.int64), True


def _to_date(value: Any) -> Any:
    if hasattr(value, "to_timestamp"):  # pandas Period
        value = value.to_timestamp()
    if hasattr(value, "to_datetime64"):
        value = value.to_datetime64()
    return value


def as_of_number(as_of: Any, dated: bool) -> int:
    """``as_of`` in the panel's period numbering."""
    if not dated:
        if isinstance(as_of, int | np.integer):
            return int(as_of)
        raise DataError(
            f"the panel's periods are integers, so as_of must be an integer; got {as_of!r}."
        )
    if isinstance(as_of, int | np.integer):
        raise DataError(
            f"the panel's periods are dates, so as_of must be a month such as '2024-06'; got "
            f"{as_of!r}."
        )
    values, _ = month_number(np.asarray([_to_date(as_of)], dtype=object), "as_of")
    return int(values[0])


def _bucket_codes(column: Any, name: str) -> IntArray:
    """Bucket positions of a label column (a categorical's codes: its labels read once)."""
    import pandas as pd

    codes: npt.NDArray[Any]
    if isinstance(getattr(column, "dtype", None), pd.CategoricalDtype):
        cat = column.array if hasattr(column, "array") else column
        codes, uniques = np.asarray(cat.codes), cat.categories
        used = np.bincount(codes[codes >= 0], minlength=len(uniques)) > 0
    else:
        codes, uniques = pd.factorize(_plain(column), use_na_sentinel=True)
        used = np.ones(len(uniques), dtype=bool)
    table = np.zeros(len(uniques), dtype=np.int64)
    bad: list[Any] = []
    for i, lab in enumerate(uniques):
        if not used[i]:
            continue
        text = str(lab).strip().upper()
        if text == CHARGED_OFF:
            table[i] = CO_CODE
        elif text == PAID_OFF:
            table[i] = PO_CODE
        elif text.startswith("M") and text[1:].rstrip("+").isdigit():
            table[i] = min(int(text[1:].rstrip("+")), len(ACTIVE_BUCKETS) - 1)
        else:
            bad.append(lab)
    if bad or (codes < 0).any():
        raise DataError(
            f"{name} must hold buckets M0, M1, ..., M6+, CO or PO; got "
            f"{format_values(bad or ['missing'])}. Map your statuses to these labels."
        )
    out: IntArray = table[codes]
    return out


def read_panel(
    panel: Any,
    *,
    id: str,
    period: str,
    counts: Sequence[str] = (),
    dpd_edges: Sequence[int] = DEFAULT_DPD_EDGES,
) -> PanelArrays:
    """Check and sort a panel (pandas, polars, pyarrow, dict of arrays)."""
    import pandas as pd

    cols = as_columns(panel)
    missing = [c for c in (id, period) if c not in cols]
    if "dpd" not in cols and "bucket" not in cols:
        missing.append("dpd (or bucket)")
    if missing:
        raise DataError(
            f"the panel lacks required column(s) {format_values(missing)}; it has "
            f"{format_values(list(cols.names), 12)}. Pass id=/period= for other names."
        )
    absent = [c for c in counts if c not in cols]
    if absent:
        raise DataError(f"counts names column(s) {format_values(absent)} the panel lacks.")
    ids = np.asarray(_plain(cols.raw(id)))
    if ids.dtype.kind in "iu" and ids.size and np.all(ids[1:] >= ids[:-1]):
        new = np.r_[True, ids[1:] != ids[:-1]]  # sorted integer ids: codes in one pass
        codes, uniques = np.cumsum(new) - 1, ids[new]
    else:
        codes, uniques = pd.factorize(ids, use_na_sentinel=True)
    if (codes < 0).any():
        raise DataError(f"{id} holds missing values; every loan-month needs its loan id.")
    months, dated = month_number(cols.raw(period), period)
    edges = np.asarray(dpd_edges, dtype=np.int64)
    if "dpd" in cols:
        raw_dpd = cols.numeric("dpd")
        if np.isnan(raw_dpd).any() or (raw_dpd < 0).any():
            raise DataError(
                "dpd must be a known number >= 0 on every row; got missing or negative values. "
                "Fill DPD from the bucket or drop those rows."
            )
        dpd = raw_dpd.astype(np.int64)
        if "bucket" in cols:
            bucket = _bucket_codes(cols.raw("bucket"), "bucket")
        else:
            bucket = np.searchsorted(edges, dpd, side="left").astype(np.int64)
    else:  # the lower DPD bound of each bucket (closing rows: 0)
        bucket = _bucket_codes(cols.raw("bucket"), "bucket")
        dpd = np.r_[0, edges + 1, 0, 0][bucket].astype(np.int64)
    optional = {c: cols.numeric(c) for c in (*OPTIONAL_COLUMNS, *counts) if c in cols}
    step_loan, step_month = np.diff(codes), np.diff(months)
    if not np.all((step_loan > 0) | ((step_loan == 0) & (step_month >= 0))):
        order = np.lexsort((months, codes))
        codes, months, dpd, bucket = codes[order], months[order], dpd[order], bucket[order]
        optional = {c: v[order] for c, v in optional.items()}
    same = (codes[1:] == codes[:-1]) & (months[1:] == months[:-1])
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise DataError(
            f"the panel has more than one row for {id}={uniques[codes[i]]!r} and {period} "
            f"number {int(months[i])}: one row per loan and period. Drop the duplicates."
        )
    return PanelArrays(
        loan=np.asarray(codes, dtype=np.int64),
        loan_ids=np.asarray(uniques),
        period=months,
        dpd=dpd,
        bucket=np.asarray(bucket, dtype=np.int64),
        optional=optional,
        dated=dated,
    )


def _plain(column: Any) -> Any:
    return column.to_numpy() if hasattr(column, "to_numpy") else np.asarray(column)
