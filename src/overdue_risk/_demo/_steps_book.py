"""The demo's book steps: cut-offs and a decision table, the CI gate, roll rates and
vintages, ECL, the CSV files and the HTML report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from overdue_risk import transitions as tr
from overdue_risk._demo._context import FUNDING_RATE, LGD, OPERATING_COST, DemoContext, _pct
from overdue_risk._results import render_html_table
from overdue_risk.ecl import ecl_from_matrix
from overdue_risk.exceptions import DataError, MissingDependencyError
from overdue_risk.gate import validate
from overdue_risk.pricing import CapRules, RateCap, check_book
from overdue_risk.reporting import SECTIONS, Section, build_report
from overdue_risk.strategy import DecisionTable, cutoff_analysis

__all__ = [
    "decision_table_example",
    "step_delinquency",
    "step_ecl",
    "step_gate",
    "step_report",
    "step_strategy",
    "step_write",
]

#: The rate cap the demo prices under: the 36% all-in line for cash loans (整治办函〔2017〕
#: 141号), the regulatory cap of overdue_risk.pricing.CHINA_CAPS in force over the book.
APR_CAP = 0.36


# ------------------------------------------------------------------------ strategy
def decision_table_example(grades: Sequence[str]) -> Any:
    """The demo's decision table: knock-out rules, then terms by master-scale grade.

    The best third of the grades is approved with the larger limits, the middle third
    approved with small limits and short terms (the worst of them referred to an
    underwriter), the worst third declined; approved applicants are priced risk-based.

    Examples
    --------
    >>> table = decision_table_example(["A", "B", "C", "D", "E", "F"])
    >>> [(b["grade"], b["decision"]) for b in table.bands][-3:]
    [('D', 'refer'), ('E', 'decline'), ('F', 'decline')]
    """
    k = len(grades)
    good, mid = max(1, round(k / 3)), max(1, round(2 * k / 3))
    bands: list[dict[str, Any]] = []
    for i, g in enumerate(grades):
        if i < good:
            bands.append(
                {
                    "name": g,
                    "grade": g,
                    "decision": "approve",
                    "limit": 5000 - 1000 * i,
                    "max_term": 24,
                }
            )
        elif i < mid:
            decision = "refer" if i == mid - 1 else "approve"
            bands.append(
                {"name": g, "grade": g, "limit": 1500, "max_term": 12, "decision": decision}
            )
        else:
            bands.append({"name": g, "grade": g, "decision": "decline"})
    return DecisionTable.from_dict(
        {
            "rules": [
                {"column": "age", "op": "<", "value": 18, "reason": "under 18"},
                {"column": "debt_to_income", "op": ">", "value": 0.8, "reason": "DTI above 80%"},
                {
                    "column": "worst_past_dpd",
                    "op": ">=",
                    "value": 90,
                    "reason": "90+ DPD in the bureau",
                },
            ],
            "bands": bands,
            "pricing": {
                "lgd": LGD,
                "funding_rate": FUNDING_RATE,
                "operating_cost": OPERATING_COST,
                "target_margin": 0.05,
                "apr_cap": APR_CAP,
            },
            "key": "grade",
            "amount_column": "loan_amount",
            "term_column": "term_months",
        }
    )


def step_strategy(ctx: DemoContext) -> list[str]:
    """Cut-off analysis on the hold-out with the calibrated PDs; a decision-table example."""
    hold = ctx.need("split").holdout
    spec, scale = ctx.need("spec"), ctx.need("master_scale")
    score, pd_hold = ctx.need("holdout_score"), ctx.need("holdout_pd")
    target = ctx.require_portfolio().target_name
    cutoffs = cutoff_analysis(
        score,
        pd=pd_hold,
        y=hold[target],
        lgd=LGD,
        apr=hold["apr"],
        exposure=hold["loan_amount"],
        term_months=hold["term_months"],
        funding_rate=FUNDING_RATE,
        operating_cost=OPERATING_COST,
        cutoffs=20,
    )
    best = cutoffs.best_cutoff("expected_profit")
    i = int(np.flatnonzero(cutoffs.cutoffs == best)[0])
    at_70 = cutoffs.cutoff_for_approval_rate(0.7)
    j = int(np.flatnonzero(cutoffs.cutoffs == at_70)[0])
    table = decision_table_example(scale.grades)
    decisions = table.apply(hold, score=spec.grade(hold), pd=pd_hold)
    shares = decisions["decision"].value_counts(normalize=True)
    capped = decisions["reason"].isin(["price above APR cap", "band APR above cap"]).to_numpy()
    caps = _cap_check(ctx)
    ctx.artifacts.update(cutoffs=cutoffs, decision_table=table, decisions=decisions, cap_check=caps)
    ctx.results.update(
        best_cutoff=(
            best,
            float(cutoffs.approval_rate[i]),
            float(cutoffs.expected_bad_rate[i]),
            float(cutoffs.expected_profit[i]),
        ),
        cutoff_70=(
            at_70,
            float(cutoffs.approval_rate[j]),
            float(cutoffs.expected_bad_rate[j]),
            float(cutoffs.observed_bad_rate[j]),
        ),
        decisions={d: float(shares.get(d, 0.0)) for d in ("approve", "refer", "decline")},
        declined_by_cap=int(capped.sum()),
        book_above_cap=float(caps.breach.mean()) if caps is not None else float("nan"),
    )
    lines = [
        f"best expected profit at {best:.0f} points; decision table approves "
        f"{_pct(ctx.results['decisions']['approve'])}",
        f"{int(capped.sum()):,} applicants ({_pct(float(capped.mean()))}) declined because "
        f"their risk-based price would exceed the {APR_CAP:.0%} cap",
    ]
    if caps is not None:
        lines.append(
            f"booked loans above the {APR_CAP:.0%} all-in cost line (fees included): "
            f"{caps.n_breaches:,} ({_pct(float(caps.breach.mean()))})"
        )
    return lines


def _cap_check(ctx: DemoContext) -> Any:
    """The book's all-in annualised cost against the demo's cap (None without products)."""
    apps = ctx.require_portfolio().applications
    if "annualised_rate" not in apps.columns:
        return None
    rules = CapRules(
        [RateCap("36% all-in line", limit=APR_CAP, source="整治办函〔2017〕141号")],
        name="demo cap",
    )
    return check_book(apps, rules)


def step_gate(ctx: DemoContext) -> list[str]:
    """The CI gate on the hold-out against the development sample; JSON and JUnit."""
    split = ctx.need("split")
    target = ctx.require_portfolio().target_name
    result = validate(ctx.need("spec"), split.holdout, target=target, baseline=split.development)
    result.to_json(ctx.write("gate.json"))
    result.to_junit_xml(ctx.write("gate-junit.xml"))
    ctx.artifacts["gate"] = result
    counts = result.counts()
    ctx.results["gate"] = {"passed": result.passed, "exit_code": result.exit_code, **counts}
    verdict = "PASS" if result.passed else "FAIL"
    return [
        f"{verdict}: {counts.get('fail', 0)} of {len(result.checks)} checks failed, "
        f"{counts.get('warn', 0)} warnings"
    ]


# ------------------------------------------------------------------ the overdue book
def step_delinquency(ctx: DemoContext) -> list[str]:
    """Roll rates, the monthly transition matrix and vintage curves of the whole panel."""
    pf = ctx.require_portfolio()
    perf = pf.performance
    rolls = tr.roll_rates(perf)
    matrix = tr.cohort_matrix(perf)
    vintages = tr.vintage_curves(perf, bad_dpd=pf.target_dpd, bad_states=["CO"])
    ctx.artifacts.update(roll_rates=rolls, transition_matrix=matrix, vintages=vintages)
    ctx.results["roll_rates"] = [
        (f"{a}->{b}", float(r))
        for a, b, r in zip(rolls.from_states, rolls.to_states, rolls.pooled_forward, strict=True)
    ]
    col = min(pf.target_window, vintages.mob.size) - 1
    at_window = vintages.count_rate[:, col]
    seen = np.isfinite(at_window)
    ctx.results["vintage"] = {
        "mob": col + 1,
        "n_cohorts": int(seen.sum()),
        "min": float(np.min(at_window[seen])) if seen.any() else float("nan"),
        "max": float(np.max(at_window[seen])) if seen.any() else float("nan"),
    }
    return [
        f"{len(rolls.periods)} months of roll rates; {seen.sum()} vintages observed to "
        f"MOB {col + 1}"
    ]


def step_ecl(ctx: DemoContext) -> list[str]:
    """IFRS 9 expected credit loss of the open book from the bucket transition matrix."""
    pf = ctx.require_portfolio()
    perf = pf.performance
    last = perf[perf["month"] == perf["month"].max()]
    book = last[~last["bucket"].isin(["CO", "PO"])].merge(
        pf.applications[["loan_id", "term_months", "apr"]], on="loan_id"
    )
    if book.empty:
        raise DataError("no open loans at the last month of the panel; nothing to provision.")
    result = ecl_from_matrix(
        ctx.need("transition_matrix"),
        state=book["bucket"].astype(str).to_numpy(),
        dpd=book["dpd"].to_numpy(),
        balance=book["balance"].to_numpy(dtype=float),
        annual_rate=book["apr"].to_numpy(dtype=float),
        remaining_term=np.maximum(book["term_months"].to_numpy() - book["mob"].to_numpy(), 1),
        lgd=LGD,
    )
    ctx.artifacts["ecl"] = result
    exposure = float(result.exposure.sum())
    ctx.results["ecl"] = {
        "loans": int(result.stage.size),
        "exposure": exposure,
        "ecl": result.total,
        "coverage": result.total / exposure if exposure > 0 else float("nan"),
        "by_stage": {int(s): dict(v) for s, v in result.by_stage.items()},
    }
    return [
        f"ECL {result.total:,.0f} on {exposure:,.0f} exposure of {result.stage.size:,} open loans"
    ]


# ---------------------------------------------------------------------- the outputs
def step_write(ctx: DemoContext) -> list[str]:
    """Write the book, and the two samples scored by the fitted card, calibrator and scale.

    ``development.csv`` and ``holdout.csv`` carry ``score`` (``Scorecard.predict_points``),
    ``pd`` (``PDCalibrator.predict_pd``) and ``grade`` (``MasterScale.assign``): the
    numbers the exported spec must reproduce, and the inputs of ``overdue-risk validate``.
    """
    pf = ctx.require_portfolio()
    split = ctx.need("split")
    card, cal, scale = ctx.need("scorecard"), ctx.need("calibrator"), ctx.need("master_scale")
    pf.applications.to_csv(ctx.write("applications.csv"), index=False)
    pf.performance.to_csv(ctx.write("performance.csv"), index=False)
    for name, frame in (("development", split.development), ("holdout", split.holdout)):
        points = card.predict_points(frame[card.features_])
        pd_ = cal.predict_pd(points)
        scored = frame.assign(score=points, pd=pd_, grade=scale.assign(pd_))
        scored.to_csv(ctx.write(f"{name}.csv"), index=False)
    return [f"{len(ctx.files)} files in {ctx.out}"]


def _extra_sections(ctx: DemoContext) -> list[Any]:
    """The report's sections, with the demo's ECL (whole open book) and strategy tables."""
    ecl, cutoffs, decisions = ctx.need("ecl"), ctx.need("cutoffs"), ctx.need("decisions")

    def ecl_book() -> str:
        return (
            f"<p>{ecl.stage.size:,} open loans at the last month of the panel, whole book. "
            "Marginal PDs are first-passage probabilities into M4+ / charged off under the "
            f"pooled monthly bucket transition matrix; LGD {LGD:.0%}; exposure amortises to "
            "term, discounted at each loan's APR.</p>" + str(ecl._repr_html_())
        )

    def strategy() -> str:

        table = (
            decisions.groupby(["band", "decision"], observed=True)
            .agg(loans=("decision", "size"), amount=("approved_amount", "sum"), apr=("apr", "mean"))
            .reset_index()
        )
        rows = [
            [str(r.band), str(r.decision), int(r.loans), float(r.amount), float(r.apr)]
            for r in table.itertuples()
        ]
        decided = render_html_table(
            "Decision table on the hold-out",
            ["band (grade)", "decision", "loans", "approved amount", "mean APR"],
            rows,
            "knock-out rules first (under 18, DTI above 80%, 90+ DPD in the bureau); then "
            "limits and terms by grade, APR priced risk-based (Thomas 2009); nan = no terms "
            "(declined or referred)",
        )
        return (
            "<p>An example decision table applied to the hold-out, with the grades and PDs "
            "of the exported spec.</p>" + decided
        )

    def cutoff_table() -> str:
        return (
            "<p>Cut-off analysis on the hold-out with the calibrated PDs (LGD "
            f"{LGD:.0%}, funding {FUNDING_RATE:.0%}, operating cost {OPERATING_COST:.0%} a "
            "year; each loan's APR, term and amount): the numbers of the demo's summary.</p>"
            + str(cutoffs._repr_html_())
        )

    # the demo's own ECL (whole open book, not only the hold-out loans) and cut-off table
    # (with the cost assumptions of its summary) replace the generic sections of that name
    own = {"ecl": ecl_book, "cutoffs": cutoff_table}
    sections = [Section(s.key, s.title, own[s.key]) if s.key in own else s for s in SECTIONS]
    decision = Section("decisions", "Strategy: decision table", strategy)
    at = next((i + 1 for i, s in enumerate(sections) if s.key == "cutoffs"), len(sections))
    return [*sections[:at], decision, *sections[at:]]


def step_report(ctx: DemoContext) -> list[str]:
    """The self-contained HTML report (skipped with ``--no-report``)."""
    if not ctx.report:
        return ["skipped (--no-report)"]

    pf = ctx.require_portfolio()
    split = ctx.need("split")
    try:
        report = build_report(
            ctx.write("report.html"),
            data=split.holdout,
            target=pf.target_name,
            spec=ctx.need("spec"),
            baseline=split.development,
            performance=pf.performance,
            binner=ctx.need("binner"),
            scorecard=ctx.need("scorecard"),
            gate=ctx.need("gate"),
            title="overdue-risk demo: micro-loan application scorecard",
            bad_definition=(
                f"ever {pf.target_dpd}+ days past due within {pf.target_window} months on "
                f"book (column {pf.target_name})"
            ),
            exclusions=(
                "loans whose outcome window is not complete inside the panel (bad_observed "
                "False), and vintages after the hold-out window",
                "the lender's own decisions (loan_amount, term_months, apr) as features",
            ),
            selection=ctx.artifacts.get("selection"),
            sections=_extra_sections(ctx),
            collection_plan=ctx.artifacts.get("collection_plan"),
            collection_effects=ctx.artifacts.get("collection_effects"),
            collection_realised=ctx.artifacts.get("collection_realised"),
        )
    except MissingDependencyError as exc:  # a base install without the plots extra
        return [f"skipped: {exc}"]
    ctx.results["report_sections"] = len(report.included)
    return [f"{len(report.included)} sections, {len(report.html) / 1e6:.1f} MB"]
