"""HTML building blocks of the report: page shell, tables, inline PNG figures.

Everything the page needs is inside the one file: CSS in a ``<style>`` element, figures as
``data:image/png;base64`` URIs, no scripts, no links to the network.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from overdue_risk._optional import require
from overdue_risk._results import format_cell, format_html_cell

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["chart_html", "esc", "figure", "figure_html", "frame_html", "page", "table_html"]

_CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --rule: #d9e2ec; --pass: #1e7b34;
        --warn: #9a6700; --fail: #b42318; --skip: #616e7c; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--rule); padding-bottom: 0.2rem;
     margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
p.meta, p.note { color: var(--muted); font-size: 0.9rem; }
nav ol { columns: 2; font-size: 0.95rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.85rem; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.25rem 0.6rem; text-align: right; }
th { background: #f5f7fa; }
td.text, th.text { text-align: left; }
figure { margin: 0.6rem 0 1.2rem; }
figure img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.85rem; }
.status-pass { color: var(--pass); font-weight: 600; }
.status-warn { color: var(--warn); font-weight: 600; }
.status-fail { color: var(--fail); font-weight: 600; }
.status-skip { color: var(--skip); }
.verdict { font-size: 1.2rem; font-weight: 700; }
.grid { display: flex; flex-wrap: wrap; gap: 1rem; }
.grid > figure { flex: 1 1 440px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  table, figure, .grid > figure, .overdue-risk-result { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  thead { display: table-header-group; }
  figure img { max-height: 9in; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 15mm; }
"""


def esc(text: Any) -> str:
    """HTML-escape any value's ``str``."""
    return html.escape(str(text))


def page(title: str, subtitle: str, nav: Sequence[tuple[str, str]], body: str) -> str:
    """The whole self-contained HTML document."""
    toc = "".join(f'<li><a href="#{esc(a)}">{esc(t)}</a></li>' for a, t in nav)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head>\n<body>\n"
        f'<header><h1>{esc(title)}</h1><p class="meta">{esc(subtitle)}</p></header>\n'
        f"<nav><ol>{toc}</ol></nav>\n{body}\n</body></html>\n"
    )


def table_html(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    text_columns: Sequence[int] = (0,),
    row_classes: Sequence[str] | None = None,
) -> str:
    """An escaped HTML table; numbers formatted for people (:func:`format_html_cell`:
    thousands separators, no exponents, shares in a share/rate column as percentages)."""
    text_cols = set(text_columns)

    def cell(tag: str, i: int, value: Any) -> str:
        cls = ' class="text"' if i in text_cols else ""
        text = format_cell(value) if tag == "th" else format_html_cell(str(columns[i]), value)
        return f"<{tag}{cls}>{esc(text)}</{tag}>"

    head = "".join(cell("th", i, c) for i, c in enumerate(columns))
    body = []
    for r, row in enumerate(rows):
        cls = f' class="{esc(row_classes[r])}"' if row_classes is not None else ""
        body.append(f"<tr{cls}>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def frame_html(frame: pd.DataFrame, *, index: bool = True, max_rows: int = 60) -> str:
    """A pandas DataFrame as an escaped HTML table (at most ``max_rows`` rows)."""
    shown = frame.head(max_rows)
    columns = [str(c) for c in shown.columns]
    rows: list[list[Any]] = [list(r) for r in shown.itertuples(index=False, name=None)]
    if index:
        columns = [str(shown.index.name or ""), *columns]
        rows = [[str(i), *r] for i, r in zip(shown.index, rows, strict=True)]
    text_cols = [i for i, c in enumerate(columns) if i == 0 or _is_text(shown, c)]
    out = table_html(columns, rows, text_columns=text_cols)
    if len(frame) > max_rows:
        out += f'<p class="note">First {max_rows} of {len(frame):,} rows.</p>'
    return out


def _is_text(frame: pd.DataFrame, column: str) -> bool:
    import pandas as pd

    return column in frame.columns and not pd.api.types.is_numeric_dtype(frame[column])


@contextmanager
def figure(
    width: float = 6.4, height: float = 4.0, *, ncols: int = 1
) -> Iterator[tuple[Figure, list[Axes]]]:
    """A matplotlib Figure (Agg canvas, no pyplot state) and its axes."""
    FigureCanvasAgg = require(
        "matplotlib.backends.backend_agg", extra="plots", purpose="the HTML report"
    ).FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    yield fig, axes


def chart_html(
    caption: str,
    plot: Callable[..., object],
    *args: Any,
    size: tuple[float, float] = (6.4, 4.0),
    **kwargs: Any,
) -> str:
    """One chart of :mod:`overdue_risk.plotting` as a ``<figure>``: ``plot(*args, ax=ax,
    **kwargs)`` on a new :func:`figure` of ``size`` inches, rendered by :func:`figure_html`."""
    with figure(*size) as (fig, (ax,)):
        plot(*args, ax=ax, **kwargs)
        return figure_html(fig, caption)


def figure_html(fig: Figure, caption: str = "", *, alt: str = "", dpi: int = 96) -> str:
    """Render ``fig`` as an inline base64 PNG ``<figure>``."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    alt_text = esc(alt or caption or "chart")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{alt_text}">{cap}</figure>'
