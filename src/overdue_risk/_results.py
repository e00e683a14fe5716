"""Shared plumbing for frozen result dataclasses (summary text, notebook HTML).

A result class subclasses :class:`Result` and implements ``_summary_table()`` returning
``(title, columns, rows, footer)``; it then gets ``summary()`` (plain text: header /
table / footer, as statsmodels prints) and ``_repr_html_()`` for notebooks. ``to_frame()``
is implemented per class, importing pandas lazily (``_summary_frame()`` when the summary
table is the frame). NumPy and the standard library only.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Toy(Result):
...     statistic: float
...     def _summary_table(self):
...         return "Toy test", ["statistic"], [[self.statistic]], "a footer"
>>> print(Toy(0.5).summary())
Toy test
=========
statistic
---------
   0.5000
=========
a footer
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "Result",
    "format_cell",
    "format_html_cell",
    "is_share_column",
    "render_html_table",
    "render_text_table",
]


def format_cell(value: Any) -> str:
    """Format one table cell for people: never in exponent form.

    Integers and floats of 1,000 or more get thousands separators (such floats are money
    or counts: no decimals); other floats four decimals; non-zero floats below 0.0001 four
    significant digits in fixed notation.

    Examples
    --------
    >>> [format_cell(v) for v in (1_492_000.4, 1234.5, 0.25, 3.2e-7, 12)]
    ['1,492,000', '1,234', '0.2500', '0.0000003200', '12']
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return _format_float(float(value))
    if value is None:
        return ""
    return str(value)


def _format_float(v: float) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    a = abs(v)
    if a >= 1e3:
        return f"{v:,.0f}"
    if a == 0 or a >= 1e-4:
        return f"{v:.4f}"
    decimals = min(16, 3 - math.floor(math.log10(a)))  # four significant digits
    return f"{v:.{decimals}f}"


#: Column headers whose values are shares of a whole (shown as percentages in HTML).
_SHARE_HEADER = re.compile(r"(share|rate|pct|percent|coverage)s?\b|\bPD\b", re.IGNORECASE)
_NOT_SHARE_HEADER = re.compile(r"ratio|roll rate|\bAPR\b|interest", re.IGNORECASE)


def is_share_column(header: str) -> bool:
    """Whether a column's values are shares in [0, 1] (a header naming a share or a rate)."""
    return bool(_SHARE_HEADER.search(header)) and not _NOT_SHARE_HEADER.search(header)


def format_html_cell(header: str, value: Any) -> str:
    """:func:`format_cell`, with shares in [0, 1] of a share column as percentages.

    Examples
    --------
    >>> format_html_cell("default rate", 0.0734), format_html_cell("loans", 1234)
    ('7.34%', '1,234')
    """
    if (
        isinstance(value, float | np.floating)
        and not isinstance(value, bool)
        and is_share_column(str(header))
        and 0.0 <= float(value) <= 1.0
    ):
        v = float(value)
        return f"{v:.2%}" if v == 0 or v >= 1e-4 else f"{v * 100:.{_pct_decimals(v)}f}%"
    return format_cell(value)


def _pct_decimals(v: float) -> int:
    return min(16, 1 - math.floor(math.log10(v * 100)))


def render_text_table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], footer: str = ""
) -> str:
    """Plain-text table: title, rule, header, rule, right-aligned rows, rule, footer."""
    cells = [[format_cell(v) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    width = sum(widths) + 2 * (len(widths) - 1)
    width = max(width, len(title))
    lines = [title, "=" * width]
    lines.append("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    lines.append("-" * width)
    lines.extend("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells)
    lines.append("=" * width)
    if footer:
        lines.append(footer)
    return "\n".join(lines)


def render_html_table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], footer: str = ""
) -> str:
    """Self-contained HTML table (escaped) for notebooks and reports."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(format_html_cell(str(c), v))}</td>"
            for c, v in zip(columns, row, strict=False)
        )
        + "</tr>"
        for row in rows
    )
    foot = f"<p><small>{html.escape(footer)}</small></p>" if footer else ""
    return (
        f'<div class="overdue-risk-result"><strong>{html.escape(title)}</strong>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}</div>"
    )


class Result:
    """Mixin for frozen result dataclasses: ``summary()`` and ``_repr_html_()``."""

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        raise NotImplementedError  # pragma: no cover - every result implements it

    def summary(self) -> str:
        """Plain-text summary: header, table, footer."""
        return render_text_table(*self._summary_table())

    def __str__(self) -> str:
        # print(result) shows the table; repr() stays the dataclass's field listing
        return self.summary()

    def _repr_html_(self) -> str:
        return render_html_table(*self._summary_table())

    def _summary_frame(self) -> Any:
        """The summary table as a pandas DataFrame (its columns and rows; pandas lazily)."""
        import pandas as pd

        _, columns, rows, _ = self._summary_table()
        return pd.DataFrame(rows, columns=columns)
