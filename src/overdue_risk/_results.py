"""Shared plumbing for frozen result dataclasses (summary text, notebook HTML).

A result class subclasses :class:`Result` and implements ``_summary_table()`` returning
``(title, columns, rows, footer)``; it then gets ``summary()`` (plain text: header /
table / footer, as statsmodels prints) and ``_repr_html_()`` for notebooks. ``to_frame()``
is implemented per class, importing pandas lazily. NumPy and the standard library only.

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
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["Result", "format_cell", "render_html_table", "render_text_table"]


def format_cell(value: Any) -> str:
    """Format one table cell: floats with 4 significant decimals, ints as is."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return "nan"
        if v != 0 and (abs(v) >= 1e6 or abs(v) < 1e-4):
            return f"{v:.4g}"
        return f"{v:.4f}"
    if value is None:
        return ""
    return str(value)


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
        "<tr>" + "".join(f"<td>{html.escape(format_cell(v))}</td>" for v in row) + "</tr>"
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
