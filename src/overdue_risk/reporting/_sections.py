"""The report's data summary section; it takes the inputs it needs and returns HTML.

A section for a capability is registered here when that capability exists in the library;
there are no placeholders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk._results import format_cell
from overdue_risk.reporting._html import esc, figure, figure_html, table_html
from overdue_risk.reporting._registry import register_section

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__: list[str] = []


# --------------------------------------------------------------------------------------
# data summary
# --------------------------------------------------------------------------------------


def _column_rows(data: pd.DataFrame, target: str | None) -> list[list[Any]]:
    import pandas as pd

    rows: list[list[Any]] = []
    n = len(data)
    for col in data.columns:
        s = data[col]
        miss = float(s.isna().mean()) if n else 0.0
        kind = str(s.dtype)
        if pd.api.types.is_bool_dtype(s) or str(col) == target:
            desc = f"mean {float(s.astype(float).mean()):.4f}" if s.notna().any() else ""
        elif pd.api.types.is_numeric_dtype(s):
            v = s.dropna().astype(float)
            desc = (
                f"min {_num(v.min())} / median {_num(v.median())} / max {_num(v.max())}"
                if len(v)
                else ""
            )
        elif pd.api.types.is_datetime64_any_dtype(s):
            v = s.dropna()
            desc = f"{v.min():%Y-%m-%d} .. {v.max():%Y-%m-%d}" if len(v) else ""
        else:
            counts = s.astype("string").value_counts()
            top = ", ".join(f"{k} ({c:,})" for k, c in counts.head(3).items())
            desc = f"top: {top}"
        rows.append([str(col), kind, miss, int(s.nunique(dropna=True)), desc])
    return rows


def _num(value: Any) -> str:
    """A summary number for people: integers as integers, else :func:`format_cell`."""
    v = float(value)
    return f"{int(v):,}" if v.is_integer() and abs(v) < 1e15 else format_cell(v)


@register_section("data", "Data summary")
def data_summary(*, data: pd.DataFrame, target: str | None = None, y: Any = None) -> str:
    """Rows, columns, default rate, and per column: type, missing share, distinct values."""
    parts = [f"<p>{len(data):,} rows, {data.shape[1]:,} columns."]
    if y is not None:
        yy = np.asarray(y)
        parts[0] += (
            f" Target <code>{esc(target)}</code>: {int(yy.sum()):,} defaults, "
            f"default rate {float(yy.mean()):.2%}."
        )
    parts[0] += "</p>"
    rows = _column_rows(data, target)
    parts.append(
        table_html(
            ["column", "dtype", "missing share", "distinct", "summary"],
            rows,
            text_columns=(0, 1, 4),
        )
    )
    chart = _volume_by_month(data, y)
    if chart:
        parts.append(chart)
    return "".join(parts)


def _volume_by_month(data: pd.DataFrame, y: Any) -> str:
    """Loans per origination month (and the default rate) when there is a date column."""
    import pandas as pd

    date_cols = [c for c in data.columns if pd.api.types.is_datetime64_any_dtype(data[c])]
    if not date_cols:
        return ""
    col = date_cols[0]
    month = data[col].dt.to_period("M")
    counts = month.value_counts().sort_index()
    if len(counts) < 2:
        return ""
    with figure(7.0, 3.2) as (fig, (ax,)):
        x = np.arange(len(counts))
        ax.bar(x, counts.to_numpy(), color="#9fb3c8", label="loans")
        ax.set_ylabel("loans")
        step = max(1, len(counts) // 12)
        ax.set_xticks(x[::step], [str(p) for p in counts.index[::step]], rotation=45, ha="right")
        if y is not None:
            rate = pd.Series(np.asarray(y, dtype=float)).groupby(month.to_numpy()).mean()
            ax2 = ax.twinx()
            ax2.plot(x, rate.reindex(counts.index).to_numpy(), color="#b42318", marker="o", ms=3)
            ax2.set_ylabel("default rate", color="#b42318")
        ax.set_title(f"Volume by {col}")
        return figure_html(
            fig, f"Loans per month of {col}" + (" and default rate" if y is not None else "")
        )
