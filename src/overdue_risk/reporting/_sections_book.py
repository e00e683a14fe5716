"""Report sections about the loan book: delinquency buckets and roll rates, the five-tier
classification, vintage curves, and expected credit loss. Estimators come from
:mod:`overdue_risk.transitions` and :mod:`overdue_risk.ecl`, charts from
:mod:`overdue_risk.plotting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk._results import render_html_table
from overdue_risk._validation import check_columns
from overdue_risk.collection import prioritise
from overdue_risk.ecl import ecl_from_matrix
from overdue_risk.plotting import plot_roll_rates, plot_transition_matrix
from overdue_risk.reporting._html import chart_html, esc, figure, figure_html, table_html
from overdue_risk.reporting._registry import register_section
from overdue_risk.transitions import (
    TransitionMatrix,
    cohort_matrix,
    five_tier,
    roll_rates,
    vintage_curves,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.ecl import ECLResult
    from overdue_risk.transitions import TransitionMatrix

__all__: list[str] = []

_PANEL_COLUMNS = ("loan_id", "month", "bucket")


def _check_panel(performance: pd.DataFrame, needed: tuple[str, ...]) -> None:

    check_columns(map(str, performance.columns), needed, what="the performance panel")


@register_section("delinquency", "Delinquency: roll rates and the five-tier classification")
def delinquency_section(*, performance: pd.DataFrame) -> str:
    """Monthly transition matrix (heatmap), roll and cure rates, five tiers at the last month."""
    _check_panel(performance, (*_PANEL_COLUMNS, "dpd"))
    tm = _pooled_matrix(performance)
    rr = roll_rates(performance)
    matrix_caption = "Monthly transition matrix between buckets (cohort)"
    charts = [
        chart_html(matrix_caption, plot_transition_matrix, tm, size=(6.4, 5.2)),
        chart_html("Roll rates by month", plot_roll_rates, rr, size=(5.6, 4.0)),
    ]
    open_loans = _open_loans(performance)
    parts = [
        f"<p>{performance['loan_id'].nunique():,} loans, {len(performance):,} loan-months "
        f"from {esc(_month(performance['month'].min()))} to "
        f"{esc(_month(performance['month'].max()))}.</p>",
        '<div class="grid">' + "".join(charts) + "</div>",
        "<h3>Pooled roll rates</h3>",
        rr._repr_html_(),
    ]
    if len(open_loans):
        tiers = five_tier(open_loans["dpd"].to_numpy())
        zh = five_tier(open_loans["dpd"].to_numpy(), language="zh")
        has_balance = "balance" in open_loans.columns
        balance = open_loans["balance"].to_numpy(dtype=float) if has_balance else None
        rows = []
        for name in ("normal", "special_mention", "substandard", "doubtful", "loss"):
            mask = tiers == name
            label = f"{name} ({zh[mask][0]})" if mask.any() else name
            row: list[Any] = [label, int(mask.sum()), float(mask.mean())]
            if balance is not None:
                row.append(float(balance[mask].sum()))
            rows.append(row)
        cols = ["tier", "loans", "share"] + (["balance"] if balance is not None else [])
        parts.append(
            f"<h3>Five-tier classification at {esc(_month(performance['month'].max()))}</h3>"
            "<p>Minimum tier by days past due (CBIRC 2023 rules); open loans only.</p>"
            + table_html(cols, rows)
        )
    return "".join(parts)


def _pooled_matrix(performance: pd.DataFrame) -> TransitionMatrix:
    """The monthly cohort transition matrix pooled over the whole panel."""
    tm = cohort_matrix(performance)
    if not isinstance(tm, TransitionMatrix):  # pragma: no cover - only with by=...
        msg = "expected one pooled transition matrix"
        raise TypeError(msg)
    return tm


def _open_loans(performance: pd.DataFrame) -> pd.DataFrame:
    """Rows of the loans still open (not charged off or paid off) at the panel's last month."""
    last = performance[performance["month"] == performance["month"].max()]
    open_rows: pd.DataFrame = last[~last["bucket"].astype(str).isin(["CO", "PO"])]
    return open_rows


def _open_book_ecl(performance: pd.DataFrame, book: pd.DataFrame, lgd: float) -> ECLResult:
    """IFRS 9 ECL of the open loans in ``book`` (with ``apr`` and ``term_months`` joined).

    Marginal PDs from the pooled monthly matrix of the whole panel; exposure amortises over
    the remaining term (at least one month); discounting at each loan's APR.
    """
    remaining = np.maximum(book["term_months"].to_numpy() - book["mob"].to_numpy(), 1)
    return ecl_from_matrix(
        _pooled_matrix(performance),
        state=book["bucket"].astype(str).to_numpy(),
        dpd=book["dpd"].to_numpy(),
        balance=book["balance"].to_numpy(dtype=float),
        annual_rate=book["apr"].to_numpy(dtype=float),
        remaining_term=remaining,
        lgd=lgd,
    )


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if hasattr(value, "strftime") else str(value)


@register_section("vintages", "Vintage curves")
def vintage_section(*, performance: pd.DataFrame) -> str:
    """Cumulative bad rate (M4+ or charged off) by months on book, per origination cohort."""
    _check_panel(performance, (*_PANEL_COLUMNS, "mob"))
    vc = vintage_curves(performance)
    rate = np.asarray(vc.count_rate, dtype=np.float64)
    charts = [_vintage_heatmap(vc, rate), _vintage_lines(vc, rate)]
    bad = ", ".join(vc.bad_states)
    return (
        f"<p>{len(vc.cohorts)} monthly cohorts; bad = ever in {esc(bad)}. The heat map shows "
        "every cohort (blank: not yet observed); the lines a few labelled cohorts.</p>"
        + '<div class="grid">'
        + "".join(charts)
        + "</div>"
    )


def _vintage_heatmap(vc: Any, rate: Any) -> str:
    """Cohort x months-on-book heat map of the cumulative bad rate, cohorts labelled."""
    from matplotlib.ticker import PercentFormatter

    n_coh, n_mob = rate.shape
    with figure(6.4, max(3.2, 0.22 * n_coh + 1.4)) as (fig, (ax,)):
        masked = np.ma.masked_invalid(rate)
        image = ax.imshow(masked, aspect="auto", cmap="OrRd", interpolation="nearest")
        ax.set_yticks(np.arange(n_coh), list(vc.cohorts), fontsize=7)
        step = max(1, n_mob // 12)
        ticks = np.arange(0, n_mob, step)
        ax.set_xticks(ticks, [str(int(vc.mob[i])) for i in ticks], fontsize=7)
        ax.set_xlabel("months on book")
        ax.set_ylabel("origination cohort")
        ax.set_title("Cumulative bad rate by cohort")
        fig.colorbar(image, ax=ax, format=PercentFormatter(1.0), label="bad rate")
        return figure_html(fig, "Share of loans ever bad, by cohort and months on book")


def _vintage_lines(vc: Any, rate: Any, n_shown: int = 5) -> str:
    """Cumulative bad rate of a few cohorts, evenly spaced, each labelled."""
    from matplotlib.ticker import PercentFormatter

    n_coh = rate.shape[0]
    pick = np.unique(np.linspace(0, n_coh - 1, min(n_shown, n_coh)).round().astype(int))
    with figure(5.6, 4.0) as (fig, (ax,)):
        for i in pick:
            ax.plot(vc.mob, rate[i], marker=".", linewidth=1.4, label=str(vc.cohorts[i]))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("months on book")
        ax.set_ylabel("cumulative bad rate")
        ax.set_title("Vintage curves of selected cohorts")
        ax.legend(title="cohort", fontsize=8)
        return figure_html(fig, f"{len(pick)} of the {n_coh} cohorts, evenly spaced in time")


@register_section("ecl", "Expected credit loss (IFRS 9)")
def ecl_section(
    *,
    performance: pd.DataFrame,
    data: pd.DataFrame,
    applications: pd.DataFrame | None = None,
    lgd: float = 0.8,
) -> str:
    """ECL of the open book from the monthly bucket transition matrix (Markov projection).

    Loan terms (``apr``, ``term_months``) come from ``applications`` (every loan) when
    given, else from ``data``.
    """
    if applications is not None:
        data = applications

    _check_panel(performance, (*_PANEL_COLUMNS, "dpd", "mob", "balance"))
    needed = ("loan_id", "apr", "term_months")
    if not set(needed) <= set(map(str, data.columns)):
        return (
            '<p class="note">ECL needs each loan\'s <code>apr</code> and '
            "<code>term_months</code> in the data (joined on <code>loan_id</code>).</p>"
        )
    book = _open_loans(performance).merge(data[list(needed)], on="loan_id", how="inner")
    if book.empty:
        return '<p class="note">No open loans at the last month of the panel.</p>'
    result = _open_book_ecl(performance, book, lgd)
    return (
        f"<p>{len(book):,} open loans at {esc(_month(performance['month'].max()))}. Marginal PDs "
        "are first-passage probabilities into M4+ / charged off under the monthly cohort "
        f"transition matrix of the whole panel; exposure amortises to term; LGD {lgd:.0%} "
        "(an assumption: pass <code>lgd=</code> to build_report); discounting at each "
        "loan's APR.</p>" + result._repr_html_()
    )


@register_section("collections", "Collections: who to call first")
def collections_section(*, performance: pd.DataFrame, lgd: float = 0.8) -> str:
    """Delinquent loans at the last month ranked by expected loss avoided, with treatments."""
    _check_panel(performance, (*_PANEL_COLUMNS, "balance"))
    plan = prioritise(_open_loans(performance), _pooled_matrix(performance), lgd=lgd)
    if plan.account_id.size == 0:
        return '<p class="note">No delinquent loans at the last month of the panel.</p>'
    k = min(15, plan.account_id.size)
    rows = [
        [
            str(plan.account_id[i]),
            str(plan.bucket[i]),
            str(plan.treatment[i]),
            float(plan.roll_probability[i]),
            float(plan.balance[i]),
            float(plan.expected_loss_avoided[i]),
        ]
        for i in range(k)
    ]
    top = render_html_table(
        "The first 15 accounts of the queue",
        ["loan", "bucket", "treatment", "roll probability", "balance", "loss avoided"],
        rows,
    )
    return (
        f"<p>{plan.account_id.size:,} delinquent loans at "
        f"{esc(_month(performance['month'].max()))}, ranked by the loss a treatment avoids: the "
        "balance times the probability of rolling one bucket worse next month under the "
        f"pooled transition matrix, times LGD {lgd:.0%}.</p>" + plan._repr_html_() + top
    )
