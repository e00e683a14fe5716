"""Read your own applications and loan-month performance into a :class:`Portfolio`.

The two tables may be pandas DataFrames or CSV / Parquet files. Every problem is reported
as a :class:`~overdue_risk.exceptions.DataError` naming the table, the column, the first
offending row (and its CSV line) and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import check_columns, format_values
from overdue_risk.buckets import CHARGED_OFF, PAID_OFF, STATES, dpd_to_bucket
from overdue_risk.datasets._portfolio import (
    APPLICATION_COLUMNS,
    DECISION_FEATURES,
    PERFORMANCE_COLUMNS,
    Portfolio,
    derive_target,
)
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["load_portfolio"]

STATUSES: tuple[str, ...] = ("active", "paid_off", "prepaid", "charged_off")
_REQUIRED_APPS = ("loan_id", "origination_month")
_REQUIRED_PERF = ("loan_id", "month", "dpd", "status", "balance")
_MONEY = ("scheduled_payment", "paid_amount", "charge_off_amount")
_RESERVED = frozenset({"loan_id", "origination_month", "bad", "bad_observed"})


def _read(source: Any, table: str) -> tuple[pd.DataFrame, bool]:
    """DataFrame from a DataFrame or a CSV / Parquet path; the flag says 'came from CSV'."""
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return source.copy(), False
    if not isinstance(source, str | os.PathLike):
        raise DataError(
            f"{table} must be a pandas DataFrame or the path of a CSV or Parquet file; got "
            f"{type(source).__name__}."
        )
    from overdue_risk._io import TableReader  # the one file layer: same rules as the CLI

    path = Path(source)
    if not path.exists():
        raise DataError(f"{table} file {str(path)!r} does not exist. Check the path.")
    reader = TableReader(path)
    return reader.read(), reader.format != "parquet"


def _first_row(mask: npt.NDArray[np.bool_]) -> int | None:
    """Position of the first True of ``mask`` (the row an error names), or None."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _where(table: str, column: str, row: int, from_csv: bool) -> str:
    line = f" (line {row + 2} of the CSV)" if from_csv else ""
    return f"{table} column {column!r}, row {row}{line}"


def _numeric(
    df: pd.DataFrame,
    column: str,
    table: str,
    from_csv: bool,
    *,
    integer: bool,
    minimum: float | None,
    allow_missing: bool = False,
) -> npt.NDArray[Any]:
    """Numeric values of a column, or a DataError naming the first bad row and the fix."""
    import pandas as pd

    raw = df[column]
    num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    was_missing = raw.isna().to_numpy()
    unparsable = np.isnan(num) & ~was_missing
    if (i := _first_row(unparsable)) is not None:
        raise DataError(
            f"{_where(table, column, i, from_csv)} holds {raw.iloc[i]!r}, which is not a "
            f"number ({int(unparsable.sum())} such rows). {column} must be numeric: remove "
            "text, units and thousands separators."
        )
    if not allow_missing and (i := _first_row(was_missing)) is not None:
        raise DataError(
            f"{_where(table, column, i, from_csv)} is missing ({int(was_missing.sum())} "
            f"missing rows). {column} must be known on every row: fill or drop those rows."
        )
    if (i := _first_row(np.isinf(num))) is not None:
        raise DataError(
            f"{_where(table, column, i, from_csv)} is {num[i]:g}. Replace infinities with "
            "real values."
        )
    known = ~np.isnan(num)
    if integer:
        frac = known & (num != np.round(num))
        if (i := _first_row(frac)) is not None:
            raise DataError(
                f"{_where(table, column, i, from_csv)} is {num[i]:g}; {column} must be a "
                "whole number. Round or recompute it."
            )
    if minimum is not None:
        low = known & (num < minimum)
        if (i := _first_row(low)) is not None:
            raise DataError(
                f"{_where(table, column, i, from_csv)} is {num[i]:g}; {column} must be "
                f">= {minimum:g} ({int(low.sum())} rows below). Fix the source data."
            )
    if integer and not was_missing.any():
        return num.astype(np.int64)
    return num


def _months(df: pd.DataFrame, column: str, table: str, from_csv: bool) -> pd.Series:
    """Parse a month column and move every date to the first day of its month."""
    import pandas as pd

    raw = df[column]
    parsed = pd.to_datetime(raw, errors="coerce")
    bad = parsed.isna().to_numpy()
    if (i := _first_row(bad)) is not None:
        raise DataError(
            f"{_where(table, column, i, from_csv)} holds {raw.iloc[i]!r}, which is not a date. "
            f"Write {column} as YYYY-MM-DD (or YYYY-MM)."
        )
    months = parsed.dt.to_period("M").dt.to_timestamp()
    return pd.Series(months.to_numpy(dtype="datetime64[ns]"), index=df.index, name=column)


def _labels(
    df: pd.DataFrame, column: str, table: str, from_csv: bool, allowed: tuple[str, ...]
) -> npt.NDArray[np.object_]:
    values = df[column].astype("str").to_numpy(dtype=object)
    bad = ~np.isin(values, np.asarray(allowed, dtype=object)) | df[column].isna().to_numpy()
    if (i := _first_row(bad)) is not None:
        raise DataError(
            f"{_where(table, column, i, from_csv)} holds {df[column].iloc[i]!r}; allowed values "
            f"are {format_values(allowed, limit=len(allowed))}. Map your codes to these."
        )
    return values


def _month_index(months: pd.Series) -> npt.NDArray[np.int64]:
    out: npt.NDArray[np.int64] = (months.dt.year * 12 + months.dt.month - 1).to_numpy(
        dtype=np.int64
    )
    return out


def load_portfolio(
    applications: Any,
    performance: Any,
    *,
    target_dpd: int = 90,
    target_window: int = 12,
) -> Portfolio:
    """Load a loan book from DataFrames or CSV / Parquet files into a :class:`Portfolio`.

    Parameters
    ----------
    applications : DataFrame, str or path
        One row per loan with at least ``loan_id`` and ``origination_month``; every other
        column except ``bad`` / ``bad_observed`` is taken as a feature.
    performance : DataFrame, str or path
        One row per loan and month with at least ``loan_id``, ``month``, ``dpd``,
        ``status`` (active, paid_off, prepaid, charged_off) and ``balance``. ``mob`` and
        ``bucket`` are derived when absent (and checked when present); missing payment
        columns are filled with NaN (``charge_off_amount`` with 0).
    target_dpd : int, default=90
        ``bad`` = ever ``dpd >= target_dpd`` ...
    target_window : int, default=12
        ... within this many months on book; derived from ``performance`` when
        ``applications`` has no ``bad`` column (``bad_observed`` likewise).

    Returns
    -------
    Portfolio

    Raises
    ------
    DataError
        For an unreadable source, missing columns, text or negative values in numeric
        columns, unknown status or bucket labels, duplicate loan-months, loans absent from
        ``applications``, and rows after a loan's closing month. The message names the
        table, column and row.

    Examples
    --------
    >>> from overdue_risk.datasets import load_portfolio, make_microloan_portfolio
    >>> pf = make_microloan_portfolio(n_loans=200, n_months=12, random_state=3)
    >>> again = load_portfolio(pf.applications, pf.performance)
    >>> again.applications["bad"].equals(pf.applications["bad"])
    True
    >>> bad = pf.performance.assign(dpd="ten")
    >>> load_portfolio(pf.applications, bad)
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: performance column 'dpd', row 0 holds 'ten', ...
    """
    import pandas as pd

    apps, apps_csv = _read(applications, "applications")
    perf, perf_csv = _read(performance, "performance")
    check_columns(apps.columns.astype(str), _REQUIRED_APPS, what="applications")
    check_columns(perf.columns.astype(str), _REQUIRED_PERF, what="performance")
    apps.columns = apps.columns.astype(str)
    perf.columns = perf.columns.astype(str)

    # -- applications -----------------------------------------------------------------------
    app_ids = _numeric(apps, "loan_id", "applications", apps_csv, integer=True, minimum=None)
    dup = pd.Series(app_ids).duplicated().to_numpy()
    if (i := _first_row(dup)) is not None:
        raise DataError(
            f"{_where('applications', 'loan_id', i, apps_csv)} repeats loan_id {app_ids[i]}; "
            "applications needs one row per loan. Drop the duplicates."
        )
    apps["loan_id"] = app_ids
    apps["origination_month"] = _months(apps, "origination_month", "applications", apps_csv)
    if "bad" in apps.columns:
        given = _numeric(apps, "bad", "applications", apps_csv, integer=True, minimum=0)
        if (i := _first_row(given > 1)) is not None:
            raise DataError(
                f"{_where('applications', 'bad', i, apps_csv)} is {given[i]}; the target "
                "must be 0 or 1. Map it to a binary default flag."
            )
        apps["bad"] = given
    apps = apps.sort_values("loan_id", kind="stable").reset_index(drop=True)
    app_ids = apps["loan_id"].to_numpy(dtype=np.int64)

    # -- performance ------------------------------------------------------------------------
    perf_ids = _numeric(perf, "loan_id", "performance", perf_csv, integer=True, minimum=None)
    pos = np.searchsorted(app_ids, perf_ids)
    unknown = (pos >= app_ids.size) | (app_ids[np.minimum(pos, app_ids.size - 1)] != perf_ids)
    if (i := _first_row(unknown)) is not None:
        raise DataError(
            f"{_where('performance', 'loan_id', i, perf_csv)} is loan {perf_ids[i]}, which has "
            f"no application ({int(unknown.sum())} rows). Add its application or drop the rows."
        )
    perf["loan_id"] = perf_ids
    perf["month"] = _months(perf, "month", "performance", perf_csv)
    perf["dpd"] = _numeric(perf, "dpd", "performance", perf_csv, integer=True, minimum=0)
    perf["balance"] = _numeric(perf, "balance", "performance", perf_csv, integer=False, minimum=0)
    status = _labels(perf, "status", "performance", perf_csv, STATUSES)
    perf["status"] = status
    for col in _MONEY:
        if col in perf.columns:
            perf[col] = _numeric(
                perf, col, "performance", perf_csv, integer=False, minimum=0, allow_missing=True
            )
        else:
            perf[col] = 0.0 if col == "charge_off_amount" else np.nan

    orig = apps["origination_month"].to_numpy()[pos]
    orig_idx = _month_index(apps["origination_month"])
    derived_mob = _month_index(perf["month"]) - orig_idx[pos]
    if "mob" in perf.columns:
        perf["mob"] = _numeric(perf, "mob", "performance", perf_csv, integer=True, minimum=1)
    else:
        early = derived_mob < 1
        if (i := _first_row(early)) is not None:
            raise DataError(
                f"{_where('performance', 'month', i, perf_csv)} is {perf['month'].iloc[i]:%Y-%m}, "
                f"not after the loan's origination month {pd.Timestamp(orig[i]):%Y-%m}. "
                "Performance starts the month after origination (mob 1)."
            )
        perf["mob"] = derived_mob

    expected_bucket = dpd_to_bucket(perf["dpd"].to_numpy()).astype(object)
    expected_bucket[status == "charged_off"] = CHARGED_OFF
    expected_bucket[(status == "paid_off") | (status == "prepaid")] = PAID_OFF
    if "bucket" in perf.columns:
        bucket = _labels(perf, "bucket", "performance", perf_csv, STATES)
        wrong = bucket != expected_bucket
        if (i := _first_row(wrong)) is not None:
            raise DataError(
                f"{_where('performance', 'bucket', i, perf_csv)} is {bucket[i]!r} but dpd "
                f"{perf['dpd'].iloc[i]} with status {status[i]!r} means {expected_bucket[i]!r}. "
                "Drop the bucket column to derive it, or fix the DPD."
            )
    perf["bucket"] = expected_bucket

    perf = perf.sort_values(["loan_id", "month"], kind="stable").reset_index(drop=True)
    _check_panel(perf, perf_csv)

    perf = perf.loc[:, [*PERFORMANCE_COLUMNS, *(c for c in perf if c not in PERFORMANCE_COLUMNS)]]
    perf["bucket"] = perf["bucket"].astype(pd.CategoricalDtype(list(STATES), ordered=True))
    perf["status"] = perf["status"].astype("str")

    # -- target -----------------------------------------------------------------------------
    if "bad" not in apps.columns or "bad_observed" not in apps.columns:
        bad, observed = derive_target(
            n_loans=len(apps),
            origination=orig_idx,
            row_loan=np.searchsorted(app_ids, perf["loan_id"].to_numpy(dtype=np.int64)),
            row_mob=perf["mob"].to_numpy(dtype=np.int64),
            row_dpd=perf["dpd"].to_numpy(dtype=np.int64),
            row_closed=perf["status"].to_numpy(dtype=object) != "active",
            last_month=int(_month_index(perf["month"]).max()) if len(perf) else 0,
            target_dpd=target_dpd,
            target_window=target_window,
        )
        if "bad" not in apps.columns:
            apps["bad"] = bad
        if "bad_observed" not in apps.columns:
            apps["bad_observed"] = observed
    apps["bad_observed"] = apps["bad_observed"].astype(bool)
    front = [
        c for c in APPLICATION_COLUMNS if c in apps.columns and c not in ("bad", "bad_observed")
    ]
    rest = [c for c in apps.columns if c not in front and c not in ("bad", "bad_observed")]
    apps = apps.loc[:, [*front, *rest, "bad", "bad_observed"]]
    features = tuple(c for c in apps.columns if c not in _RESERVED)
    return Portfolio(
        applications=apps,
        performance=perf,
        feature_names=features,
        applicant_features=tuple(c for c in features if c not in DECISION_FEATURES),
        decision_features=tuple(c for c in features if c in DECISION_FEATURES),
        target_dpd=target_dpd,
        target_window=target_window,
    )


def _check_panel(perf: pd.DataFrame, from_csv: bool) -> None:
    """Duplicate loan-months and rows after a loan's closing month are errors."""
    ids = perf["loan_id"].to_numpy(dtype=np.int64)
    months = perf["month"].to_numpy()
    same_loan = np.zeros(len(perf), dtype=bool)
    same_loan[1:] = ids[1:] == ids[:-1]
    dup = np.zeros(len(perf), dtype=bool)
    dup[1:] = same_loan[1:] & (months[1:] == months[:-1])
    if (i := _first_row(dup)) is not None:
        raise DataError(
            f"performance has two rows for loan {ids[i]} in month "
            f"{str(months[i])[:7]}. Keep one row per loan and month (the month-end snapshot)."
        )
    closed = perf["status"].to_numpy(dtype=object) != "active"
    after = np.zeros(len(perf), dtype=bool)
    after[1:] = same_loan[1:] & closed[:-1]
    if (i := _first_row(after)) is not None:
        raise DataError(
            f"performance has a row for loan {ids[i]} in {str(months[i])[:7]} after its "
            f"closing month ({perf['status'].iloc[i - 1]} in {str(months[i - 1])[:7]}). "
            "Charge-off and pay-off are absorbing: drop the later rows."
        )
