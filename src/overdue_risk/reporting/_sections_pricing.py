"""Report sections about price and prudence: the book's all-in annualised cost against the
rate caps (:mod:`overdue_risk.pricing`), and the loan-loss provisions by five-tier class
beside the IFRS 9 ECL (:mod:`overdue_risk.regulation`, :mod:`overdue_risk.ecl`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk.reporting._html import esc, figure, figure_html, table_html
from overdue_risk.reporting._registry import register_section
from overdue_risk.reporting._sections_book import _open_book_ecl, _open_loans

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.pricing import CapRules

__all__ = ["has_loan_terms"]


def _default_rules() -> CapRules:
    from overdue_risk.pricing import CHINA_CAPS

    return CHINA_CAPS.select(kinds=["regulatory", "guidance"])


def _all_in_rate(applications: pd.DataFrame) -> tuple[np.ndarray[Any, Any], str]:
    """The all-in rate of every booked loan, and a note on where it came from."""
    if "annualised_rate" in applications.columns:
        return applications["annualised_rate"].to_numpy(dtype=float), (
            "All-in annualised rate: monthly IRR of each contract's cash flows x 12, fees "
            "included (column <code>annualised_rate</code>)."
        )
    from overdue_risk.pricing import annualised_rate, repayment_schedule

    apps = applications.dropna(subset=["loan_amount", "apr", "term_months"])
    rate = np.full(len(applications), np.nan)
    if len(apps):
        s = repayment_schedule(
            apps["loan_amount"].to_numpy(float),
            apps["apr"].to_numpy(float),
            apps["term_months"].to_numpy().astype(np.int64),
        )
        rate[applications.index.get_indexer(apps.index)] = annualised_rate(s.cash_flows)
    return rate, (
        "No <code>annualised_rate</code> column: the rate is the IRR of equal instalments at "
        "each loan's <code>apr</code>, <em>without fees</em> (a lower bound of the all-in "
        "cost; <code>make_microloan_portfolio(products=True)</code> adds fees)."
    )


def has_loan_terms(frame: Any) -> bool:
    """Whether ``frame`` has the columns the pricing section needs.

    Examples
    --------
    >>> import pandas as pd
    >>> has_loan_terms(pd.DataFrame({"x": [1]}))
    False
    >>> has_loan_terms(pd.DataFrame(columns=["origination_month", "annualised_rate"]))
    True
    """
    columns = set(map(str, getattr(frame, "columns", ())))
    terms = {"annualised_rate"} if "annualised_rate" in columns else _TERM_COLUMNS
    return "origination_month" in columns and terms <= columns


_TERM_COLUMNS = frozenset({"loan_amount", "apr", "term_months"})


@register_section("pricing", "Pricing: annualised cost against the rate caps", before="delinquency")
def pricing_section(
    *,
    loan_terms: pd.DataFrame,
    cap_rules: CapRules | None = None,
    lpr: Any = None,
) -> str:
    """Distribution of the all-in annualised rate against every cap in force.

    ``loan_terms`` is derived by the report from ``applications`` (every loan) when given,
    else from ``data``, when that frame carries ``origination_month`` and either
    ``annualised_rate`` or ``loan_amount``, ``apr`` and ``term_months``
    (:func:`has_loan_terms`); without them the section is left out.
    """
    applications = loan_terms
    rules = cap_rules if cap_rules is not None else _default_rules()
    rate, note = _all_in_rate(applications)
    keep = np.isfinite(rate)
    dates = applications["origination_month"].to_numpy().astype("datetime64[D]")
    check = rules.check(rate[keep], on=dates[keep], lpr=lpr)
    r = rate[keep]
    rows: list[list[Any]] = []
    groups: list[tuple[str, np.ndarray[Any, Any]]] = [("all loans", np.ones(r.size, dtype=bool))]
    if "repayment_method" in applications.columns:
        method = applications["repayment_method"].to_numpy(dtype=object)[keep]
        groups += [(str(m), method == m) for m in sorted({str(v) for v in method})]
    for name, mask in groups:
        if not mask.any():
            continue
        q10, q50, q90 = np.quantile(r[mask], [0.1, 0.5, 0.9])
        rows.append([name, int(mask.sum()), q10, q50, q90, float(check.breach[mask].mean())])
    table = table_html(
        ["loans", "n", "p10 rate", "median rate", "p90 rate", "share above a cap"], rows
    )
    limits = sorted({float(v) for v in np.unique(check.limit) if np.isfinite(v)})
    with figure(6.4, 3.6) as (fig, (ax,)):
        ax.hist(r, bins=40, color="#4c72b0", alpha=0.8)
        for v in limits:
            ax.axvline(v, color="#c44e52", linestyle="--", linewidth=1.2)
            ax.annotate(
                f"cap {v:.0%}",
                (v, ax.get_ylim()[1] * 0.9),
                rotation=90,
                ha="right",
                va="top",
                fontsize=8,
                color="#c44e52",
            )
        ax.set_xlabel("all-in annualised rate (IRR x 12)")
        ax.set_ylabel("loans")
        chart = figure_html(
            fig, "All-in annualised rate of the booked loans; dashed: caps in force"
        )
    return (
        f"<p>{note} Caps: {esc(rules.name or 'custom rules')}; each loan is checked against "
        "the caps in force on its origination date.</p>" + chart + table + check._repr_html_()
    )


@register_section(
    "provisions", "Loan-loss provisions (五级分类) beside IFRS 9", before="collections"
)
def provisions_section(
    *,
    performance: pd.DataFrame,
    applications: pd.DataFrame | None = None,
    lgd: float = 0.8,
) -> str:
    """Rule-based provisions of the open book by five-tier class, with the IFRS 9 ECL."""
    from overdue_risk.regulation import loan_loss_provisions

    needed = {"loan_id", "month", "bucket", "dpd", "mob", "balance"}
    if not needed <= set(map(str, performance.columns)):
        return (
            '<p class="note">Provisions need <code>loan_id</code>, <code>month</code>, '
            "<code>bucket</code>, <code>dpd</code>, <code>mob</code> and "
            "<code>balance</code> in the performance panel.</p>"
        )
    book = _open_loans(performance)
    if book.empty:
        return '<p class="note">No open loans at the last month of the panel.</p>'
    ecl = None
    ecl_note = (
        " (no IFRS 9 column: pass the applications with <code>apr</code> and "
        "<code>term_months</code>)"
    )
    terms = ("loan_id", "apr", "term_months")
    if applications is not None and set(terms) <= set(map(str, applications.columns)):
        book = book.merge(applications[list(terms)], on="loan_id", how="inner")
        ecl = _open_book_ecl(performance, book, lgd)
        ecl_note = f"; IFRS 9 ECL as in the ECL section (LGD {lgd:.0%})"
    res = loan_loss_provisions(
        book["balance"].to_numpy(dtype=float), dpd=book["dpd"].to_numpy(), ecl=ecl
    )
    return (
        f"<p>{len(book):,} open loans at the last month of the panel, classified by days "
        "past due (CBIRC/PBoC 2023 thresholds); provision ratios of the PBoC 2002 guidance "
        "(general 1%; special mention 2%, substandard 25%, doubtful 50%, loss 100%) against "
        f"the 150% coverage and 2.5% provision-ratio minimums{ecl_note}.</p>" + res._repr_html_()
    )
