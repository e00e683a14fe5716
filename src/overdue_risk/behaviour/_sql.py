"""The behavioural features as ONE SQL query (DuckDB and Spark SQL).

The query is written from the same feature plan as :func:`panel_features`, one SQL
expression per feature kind, so a panel of hundreds of millions of loan-months can stay in
the warehouse. Tests run it on DuckDB and Spark and compare it with the in-memory result on
the built-in book and on hostile panels (gaps, unsorted rows, loans closing in the window).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from overdue_risk._validation import check_in
from overdue_risk.behaviour._features import Feature, check_windows, feature_plan
from overdue_risk.behaviour._panel import OPTIONAL_COLUMNS, as_of_number
from overdue_risk.buckets import ACTIVE_BUCKETS, DEFAULT_DPD_EDGES
from overdue_risk.exceptions import DataError

__all__ = ["panel_features_sql"]

_T = "@@AS_OF@@"  # placeholder replaced by the as_of month number


def _q(name: str, dialect: str) -> str:
    if dialect == "spark":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def _num(col: str, dialect: str) -> str:
    """A numeric column as DOUBLE with NaN read as NULL (Spark keeps NaN apart from NULL)."""
    x = f"CAST({_q(col, dialect)} AS DOUBLE)"
    return f"CASE WHEN isnan({x}) THEN NULL ELSE {x} END"


def _in(w: int) -> str:
    return f"p_ > {_T} - {w}"


def _sum_if(cond: str, value: str = "1") -> str:
    return f"SUM(CASE WHEN {cond} THEN {value} ELSE 0 END)"


def _ratio(num: str, den: str) -> str:
    return f"CASE WHEN ({den}) > 0 THEN ({num}) / ({den}) END"


def _paid_ratio(lo: int, hi: int) -> str:
    rows = f"p_ > {_T} - {hi} AND p_ <= {_T} - {lo} AND paid_ IS NOT NULL AND sched_ IS NOT NULL"
    return _ratio(_sum_if(rows, "paid_"), _sum_if(rows, "sched_"))


def _now(expr: str) -> str:
    return f"MAX(CASE WHEN p_ = {_T} THEN {expr} END)"


def _util_mean(w: int) -> str:
    ok = f"{_in(w)} AND util_ IS NOT NULL"
    return _ratio(_sum_if(ok, "util_"), _sum_if(ok, "1.0"))


def _expr(f: Feature, has_mob: bool) -> str:
    short = "(sched_ > 0 AND paid_ < sched_)"
    if f.kind == "mob":
        return _now("mob_") if has_mob else f"{_T} - MIN(p_) + 1"
    if f.kind == "dpd_now":
        return _now("dpd_")
    if f.kind == "bucket_now":
        cases = " ".join(f"WHEN {i} THEN '{b}'" for i, b in enumerate(ACTIVE_BUCKETS))
        return f"CASE {_now('b_')} {cases} END"
    if f.kind == "worst_dpd":
        return f"MAX(CASE WHEN {_in(f.window)} THEN dpd_ ELSE 0 END)"
    if f.kind == "months_dpd":
        return _sum_if(f"{_in(f.window)} AND dpd_ >= {f.threshold}")
    if f.kind == "since_delinquent":
        return f"{_T} - MAX(CASE WHEN dpd_ > 0 THEN p_ END)"
    if f.kind == "on_time_run":
        bad = f"dpd_ > 0 OR {short}" if f.column == "payments" else "dpd_ > 0"
        return f"COALESCE({_T} - MAX(CASE WHEN {bad} THEN p_ END), {_T} - MIN(p_) + 1)"
    if f.kind == "cures":
        return _sum_if("prev_dpd_ > 0 AND dpd_ = 0")
    if f.kind == "redefaults":
        starts = _sum_if("dpd_ > 0 AND (prev_dpd_ IS NULL OR prev_dpd_ = 0)")
        return f"GREATEST({starts} - 1, 0)"
    if f.kind == "since_full":
        return f"{_T} - MAX(CASE WHEN sched_ > 0 AND paid_ >= sched_ THEN p_ END)"
    if f.kind == "paid_ratio":
        return _paid_ratio(0, f.window)
    if f.kind == "paid_ratio_change":
        return f"({_paid_ratio(0, 3)}) - ({_paid_ratio(3, 6)})"
    if f.kind == "partial":
        return _sum_if(f"{_in(f.window)} AND {short} AND paid_ > 0")
    if f.kind == "value_now":
        return _now("balance_" if f.column == "balance" else "limit_")
    if f.kind == "paid_down":
        return f"1.0 - ({_ratio(_now('balance_'), 'MAX(first_balance_)')})"
    if f.kind == "utilisation_now":
        return _now("util_")
    if f.kind == "utilisation_change":
        return f"{_now('util_')} - ({_util_mean(f.window)})"
    if f.kind == "months_late":
        return _sum_if(f"{_in(f.window)} AND late_ > 0")
    if f.kind == "max_late":
        return f"MAX(CASE WHEN {_in(f.window)} THEN late_ END)"
    if f.kind == "count_sum":
        return _sum_if(f"{_in(f.window)} AND c_{f.column}_ IS NOT NULL", f"c_{f.column}_")
    raise DataError(f"unknown feature kind {f.kind!r}")  # pragma: no cover


def _bucket_code(columns: set[str], dialect: str, edges: Sequence[int]) -> str:
    if "bucket" in columns:
        b = f"UPPER(TRIM(CAST({_q('bucket', dialect)} AS STRING)))"
        if dialect == "duckdb":
            b = b.replace("AS STRING", "AS VARCHAR")
        digits = f"CAST(REPLACE(REPLACE({b}, 'M', ''), '+', '') AS INT)"
        top = len(ACTIVE_BUCKETS) - 1
        return f"CASE WHEN {b} = 'CO' THEN 7 WHEN {b} = 'PO' THEN 8 ELSE LEAST({digits}, {top}) END"
    cases = " ".join(f"WHEN dpd_raw_ <= {e} THEN {i}" for i, e in enumerate(edges))
    return f"CASE {cases} ELSE {len(edges)} END"


def panel_features_sql(
    as_of: Any,
    *,
    table: str = "panel",
    columns: Sequence[str] = ("dpd", "bucket"),
    windows: Sequence[int] = (3, 6, 12),
    id: str = "loan_id",
    period: str = "month",
    period_type: str = "date",
    counts: Sequence[str] = (),
    dialect: str = "duckdb",
    dpd_edges: Sequence[int] = DEFAULT_DPD_EDGES,
) -> str:
    """:func:`panel_features` as one SQL query (DuckDB or Spark SQL).

    Parameters
    ----------
    as_of : month or int
        The observation month (a date such as ``"2024-06"`` when ``period_type="date"``).
    table : str, default="panel"
        Table (or view, or sub-query in parentheses) holding the panel; inserted as given.
    columns : sequence of str, default=("dpd", "bucket")
        Which of ``dpd``, ``bucket`` and the optional columns (``balance``,
        ``scheduled_payment``, ``paid_amount``, ``credit_limit``, ``mob``, ``days_late``)
        the table has: the query computes the same features as ``panel_features`` on a
        frame with those columns.
    windows : sequence of int, default=(3, 6, 12)
    id, period : str, default="loan_id", "month"
    period_type : {"date", "int"}, default="date"
        ``date``: a DATE or TIMESTAMP column (months counted from 1970-01); ``int``: integer
        period numbers.
    counts : sequence of str, default=()
        Count columns summed per window (as in ``panel_features``).
    dialect : {"duckdb", "spark"}, default="duckdb"
        Identifier quoting and type names.
    dpd_edges : sequence of int, default=(0, 30, 60, 90, 120, 150)

    Returns
    -------
    str
        One ``WITH ... SELECT`` statement returning ``id`` and the features (integers may
        come back as integer types; compare as numbers). Rows are ordered by ``id``.

    Notes
    -----
    Like ``panel_features``, the query reads only rows with ``period <= as_of``. It assumes
    one row per loan and period (``panel_features`` refuses duplicates; SQL cannot).

    Examples
    --------
    >>> import duckdb, pandas as pd
    >>> panel = pd.DataFrame({"loan_id": [1, 1, 1, 2, 2], "month": [1, 2, 3, 2, 3],
    ...                       "dpd": [0, 12, 0, 0, 0]})
    >>> sql = panel_features_sql(3, columns=["dpd"], windows=(3,), period_type="int")
    >>> duckdb.sql(sql).df()[["loan_id", "worst_dpd_3m", "cures_to_date"]]
       loan_id  worst_dpd_3m  cures_to_date
    0        1            12            1.0
    1        2             0            0.0
    """
    check_in(dialect, "dialect", ["duckdb", "spark"])
    check_in(period_type, "period_type", ["date", "int"])
    cols = set(columns)
    if "dpd" not in cols and "bucket" not in cols:
        raise DataError("columns must include 'dpd' or 'bucket'.")
    unknown = sorted(cols - {"dpd", "bucket", *OPTIONAL_COLUMNS})
    if unknown:
        raise DataError(
            f"columns {unknown} are not panel columns panel_features reads; list counts "
            f"in counts= and the rest among {['dpd', 'bucket', *OPTIONAL_COLUMNS]}."
        )
    t = as_of_number(as_of, period_type == "date")
    plan = feature_plan([*cols, "dpd"], check_windows(windows), counts)
    payments = {"paid_amount", "scheduled_payment"} <= cols

    def q(name: str) -> str:
        return _q(name, dialect)

    p = q(period)
    period_expr = f"(YEAR({p}) - 1970) * 12 + MONTH({p}) - 1" if period_type == "date" else p
    edges = list(dpd_edges)
    lower = [0, *(e + 1 for e in edges)]
    dpd_raw = f"CAST({q('dpd')} AS BIGINT)" if "dpd" in cols else "0"
    select = [
        f"{q(id)} AS id_",
        f"{period_expr} AS p_",
        f"{dpd_raw} AS dpd_raw_",
    ]
    optional = {
        "paid_amount": "paid_",
        "scheduled_payment": "sched_",
        "balance": "balance_",
        "credit_limit": "limit_",
        "mob": "mob_",
        "days_late": "late_",
    }
    for col, alias in optional.items():
        if col in cols:
            select.append(f"{_num(col, dialect)} AS {alias}")
    for c in counts:
        select.append(f"{_num(c, dialect)} AS c_{c}_")
    if "bucket" in cols:
        select.append(f"{q('bucket')} AS {q('bucket')}")
    raw = ",\n    ".join(select)
    bucket_expr = _bucket_code(cols, dialect, edges)
    if "bucket" in cols:
        bucket_expr = bucket_expr.replace(q("bucket"), "bucket_src_")
        raw = raw.replace(f"{q('bucket')} AS {q('bucket')}", f"{q('bucket')} AS bucket_src_")
    if "dpd" in cols:
        dpd_expr = "dpd_raw_"
    else:
        dpd_expr = "CASE b_ " + " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(lower))
        dpd_expr += " ELSE 0 END"
    extras = []
    if "balance" in cols:
        extras.append(
            "FIRST_VALUE(balance_) OVER (PARTITION BY id_ ORDER BY p_ ROWS BETWEEN UNBOUNDED "
            "PRECEDING AND UNBOUNDED FOLLOWING) AS first_balance_"
        )
    if {"balance", "credit_limit"} <= cols:
        extras.append("CASE WHEN limit_ > 0 THEN balance_ / limit_ END AS util_")
    extra_sql = "".join(f",\n    {e}" for e in extras)
    feats = []
    for f in plan:
        kind_f = f
        if f.kind == "on_time_run" and payments:
            kind_f = Feature(f.name, f.kind, column="payments")
        feats.append(f"{_expr(kind_f, 'mob' in cols)} AS {q(f.name)}")
    body = ",\n  ".join(feats)
    sql = f"""WITH raw_ AS (
  SELECT
    {raw}
  FROM {table}
),
coded_ AS (
  SELECT raw_.*, {bucket_expr} AS b_ FROM raw_ WHERE p_ <= {_T}
),
base_ AS (
  SELECT coded_.*, {dpd_expr} AS dpd_ FROM coded_
),
open_ AS (
  SELECT DISTINCT id_ AS open_id_ FROM base_ WHERE p_ = {_T} AND b_ < 7
),
rows_ AS (
  SELECT base_.*,
    LAG(dpd_) OVER (PARTITION BY id_ ORDER BY p_) AS prev_dpd_{extra_sql}
  FROM base_ JOIN open_ ON base_.id_ = open_.open_id_
)
SELECT
  id_ AS {q(id)},
  {body}
FROM rows_
GROUP BY id_
ORDER BY id_"""
    return sql.replace(_T, str(t))
