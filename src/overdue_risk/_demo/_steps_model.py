"""The demo's model steps: simulate and summarise the book, split it out of time, bin,
select, fit the scorecard, calibrate, export and check the spec, validate on the
hold-out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from overdue_risk._demo._context import (
    GRADE_CAP,
    GRADE_FLOOR,
    HOLDOUT_SHARE,
    MAX_CORR,
    MIN_DEV_DEFAULTS,
    MIN_HOLDOUT_DEFAULTS,
    MIN_IV,
    N_GRADES,
    SPECIAL_CODES,
    DemoContext,
    _month,
    _pct,
)
from overdue_risk.backtest import (
    traffic_light,
)
from overdue_risk.binning import WOEBinner
from overdue_risk.datasets import make_microloan_portfolio, out_of_time_split
from overdue_risk.exceptions import DataError
from overdue_risk.metrics import gini, ks_statistic, psi
from overdue_risk.pipeline import (
    CalibrationConfig,
    DataConfig,
    FeaturesConfig,
    FitConfig,
    OutputConfig,
    ScorecardConfig,
    SelectionConfig,
    SplitConfig,
)
from overdue_risk.pipeline import _steps as pipeline_steps
from overdue_risk.pipeline._checks import check_spec_matches
from overdue_risk.scorecard import Scorecard
from overdue_risk.transitions._buckets import STATES

__all__ = [
    "check_spec_matches",
    "fit_config",
    "step_bin",
    "step_calibrate",
    "step_generate",
    "step_scorecard",
    "step_select",
    "step_spec",
    "step_split",
    "step_summarise",
    "step_validate",
]


# ------------------------------------------------------------------------- the book
def step_generate(ctx: DemoContext) -> list[str]:
    """Simulate the synthetic micro-loan book."""
    ctx.portfolio = make_microloan_portfolio(
        n_loans=ctx.n_loans, n_months=ctx.n_months, random_state=ctx.seed, products=True
    )
    perf = ctx.portfolio.performance
    ctx.results["n_loan_months"] = len(perf)
    return [f"{ctx.n_loans:,} loans, {len(perf):,} loan-months over {ctx.n_months} months"]


def step_summarise(ctx: DemoContext) -> list[str]:
    """Bad rate, charge-off rate and the delinquency distribution at the last month."""
    pf = ctx.require_portfolio()
    apps, perf = pf.applications, pf.performance
    _, y = pf.xy()
    bad_rate = float(y.mean()) if len(y) else float("nan")
    charged_off = float((perf["status"] == "charged_off").sum()) / max(len(apps), 1)
    last = perf[perf["month"] == perf["month"].max()] if len(perf) else perf
    counts = last["bucket"].value_counts()
    balance = last.groupby("bucket")["balance"].sum()
    distribution = [
        (state, int(counts.get(state, 0)), float(balance.get(state, 0.0))) for state in STATES
    ]
    ctx.results.update(
        bad_rate=bad_rate,
        n_observed=len(y),
        charge_off_rate=charged_off,
        last_month=_month(last["month"].max()) if len(last) else "",
        bucket_distribution=distribution,
    )
    open_ = sum(n for s, n, _ in distribution if s not in ("CO", "PO"))
    overdue = sum(n for s, n, _ in distribution if s not in ("M0", "CO", "PO"))
    return [
        f"bad rate (ever {pf.target_dpd}+ DPD in {pf.target_window} months) {_pct(bad_rate, 2)}"
        f" of {len(y):,} loans with a known outcome",
        f"charged off {_pct(charged_off, 2)} of loans",
        f"{overdue:,} of {open_:,} open loans overdue at {ctx.results['last_month']}",
    ]


def step_split(ctx: DemoContext) -> list[str]:
    """Out-of-time split: develop on early vintages, hold out later complete ones."""
    pf = ctx.require_portfolio()
    split = out_of_time_split(pf, HOLDOUT_SHARE)
    dev, hold = split.development, split.holdout
    target = pf.target_name
    ctx.artifacts["split"] = split
    for name, frame, months in (
        ("development", dev, split.development_months),
        ("holdout", hold, split.holdout_months),
    ):
        ctx.results[name] = {
            "n": len(frame),
            "bad_rate": float(frame[target].mean()) if len(frame) else float("nan"),
            "months": f"{months[0]}..{months[-1]}",
        }
    for name, frame, least in (
        ("development", dev, MIN_DEV_DEFAULTS),
        ("hold-out", hold, MIN_HOLDOUT_DEFAULTS),
    ):
        n_bad = int(frame[target].sum())
        if n_bad < least:
            raise DataError(
                f"the {name} sample ({len(frame):,} loans) holds {n_bad} defaults; the demo "
                f"needs at least {least} to fit and validate a scorecard. Simulate more loans "
                "(--n-loans) or months (--n-months): the defaults, 50,000 loans over 24 "
                "months, give about 1,100 development defaults."
            )
    st = pipeline_steps._State(config=fit_config(pf), out=ctx.out, source=pf)
    pipeline_steps.step_read(st)
    pipeline_steps.step_split(st)
    ctx.artifacts["fit"] = st
    d, h = ctx.results["development"], ctx.results["holdout"]
    return [
        f"development {d['n']:,} loans ({d['months']}, bad {_pct(d['bad_rate'])})",
        f"hold-out {h['n']:,} loans ({h['months']}, bad {_pct(h['bad_rate'])})",
    ]


# ----------------------------------------------------------------------- the model
# The model is developed by overdue_risk.pipeline's steps (the ones behind fit_scorecard
# and ``overdue-risk fit``), run one by one on the built-in book with the demo's settings.
def _binner(columns: Sequence[str]) -> Any:
    """The demo's binner for ``columns`` (special codes of those among them)."""
    return WOEBinner(special_codes={k: v for k, v in SPECIAL_CODES.items() if k in columns})


def _risk_features(pf: Any) -> list[str]:
    """The book's features less the lender's own decisions (price, amount, term granted).

    The decisions were set from an older view of the same risk: a card that used them
    would learn the old policy back (a circular feature), and an applicant who was never
    offered a loan has none.
    """
    decisions = set(getattr(pf, "decision_features", ()))
    return [f for f in pf.feature_names if f not in decisions]


def fit_config(pf: Any) -> FitConfig:
    """The demo's development as a :class:`~overdue_risk.pipeline.FitConfig`.

    Applicant features only (no decision features), the book's special codes, Siddiqi's
    IV floor and the correlation cap, a logistic calibration and a geometric master
    scale from ``GRADE_FLOOR`` to ``GRADE_CAP``; the out-of-time split and the target
    come from the portfolio itself (``fit_scorecard(config, data=portfolio)``).
    """
    features = _risk_features(pf)
    apps = pf.applications
    numeric = tuple(f for f in features if apps[f].dtype.kind in "iufb")
    return FitConfig(
        DataConfig(path="built-in book", target=pf.target_name),
        features=FeaturesConfig(
            numeric=numeric,
            categorical=tuple(f for f in features if f not in numeric),
            special_codes={k: tuple(v) for k, v in SPECIAL_CODES.items() if k in features},
        ),
        split=SplitConfig(holdout_share=HOLDOUT_SHARE),
        selection=SelectionConfig(min_iv=MIN_IV, max_corr=MAX_CORR),
        scorecard=ScorecardConfig(name="microloan_application_demo"),
        calibration=CalibrationConfig(n_grades=N_GRADES, floor=GRADE_FLOOR, cap=GRADE_CAP),
        output=OutputConfig(report=False),
    )


def _fit(ctx: DemoContext) -> Any:
    """The pipeline's state (set up by the ``split`` step)."""
    return ctx.need("fit")


def step_bin(ctx: DemoContext) -> list[str]:
    """Optimal WOE binning of every applicant feature on the development sample."""
    st = _fit(ctx)
    pipeline_steps.step_bin(st)
    binner = st.values["binner"]
    ctx.artifacts["binner"] = binner
    iv = sorted(((float(v), str(k)) for k, v in binner.iv_.items()), reverse=True)
    ctx.results["top_iv"] = [(name, value) for value, name in iv[:5]]
    return [f"{len(st.features)} features binned; top IV {iv[0][1]} {iv[0][0]:.3f}"]


def step_select(ctx: DemoContext) -> list[str]:
    """Keep informative features (IV), then drop one of each highly correlated pair."""
    st = _fit(ctx)
    pipeline_steps.step_select(st)
    selected, dropped = list(st.values["selected"]), dict(st.values["dropped"])
    ctx.artifacts.update(selected=selected, selection=st.values["selection"])
    ctx.results.update(n_features=len(st.features), selected=selected, dropped=dropped)
    return [f"{len(selected)} of {len(st.features)} kept; dropped {', '.join(dropped) or '-'}"]


def step_scorecard(ctx: DemoContext) -> list[str]:
    """Fit the logistic WOE scorecard on the selected features."""
    st = _fit(ctx)
    line = pipeline_steps.step_scorecard(st)
    card = st.values["scorecard"]
    ctx.artifacts["scorecard"] = card
    ctx.results["card_features"] = list(card.features_)
    return [line]


def step_calibrate(ctx: DemoContext) -> list[str]:
    """Calibrate points to PDs (logistic) and to a geometric master scale of grades.

    Each grade's PD is its default rate on the development sample (long-run average, Basel
    II para. 447). When a small sample makes those rates decrease somewhere over the
    grades, or a grade holds no default (its PD would be the floor), the scale keeps its
    nominal geometric PDs instead (and says so).
    """
    st = _fit(ctx)
    pipeline_steps.step_calibrate(st)
    scale, note = st.values["master_scale"], st.values["grade_note"]
    ctx.artifacts.update(calibrator=st.values["calibrator"], master_scale=scale)
    ctx.results["grades"] = {g: float(p) for g, p in zip(scale.grades, scale.pd, strict=True)}
    ctx.results["grade_note"] = note
    return [
        f"{scale.n_grades} grades, PD {scale.pd[0]:.2%} ({scale.grades[0]}) .. "
        f"{scale.pd[-1]:.2%} ({scale.grades[-1]}); {note}"
    ]


def step_spec(ctx: DemoContext) -> list[str]:
    """Export the sealed scoring spec and check the runtime reproduces the card exactly."""
    st = _fit(ctx)
    ctx.out.mkdir(parents=True, exist_ok=True)
    pipeline_steps.step_spec(st)
    ctx.files.extend([st.files["spec"], st.files["card_table"]])
    ctx.artifacts["spec"] = st.values["spec"]
    n = ctx.results["spec_check"] = st.values["spec_check"]
    return [
        f"{st.files['spec'].name} loads; runtime == Scorecard on {n:,} loans (points, PD, grade)"
    ]


# ---------------------------------------------------------------------- validation
def step_validate(ctx: DemoContext) -> list[str]:
    """Discrimination, calibration backtests and stability on the out-of-time hold-out."""
    pf = ctx.require_portfolio()
    split, spec, scale = ctx.need("split"), ctx.need("spec"), ctx.need("master_scale")
    dev, hold = split.development, split.holdout
    y_dev, y = dev[pf.target_name].to_numpy(), hold[pf.target_name].to_numpy()
    score_dev, score = spec.score(dev), spec.score(hold)
    pd_hold = spec.predict_pd(hold)
    ctx.artifacts.update(holdout_score=score, holdout_pd=pd_hold)
    g_dev, g = gini(y_dev, -score_dev), gini(y, -score)
    ks = ks_statistic(y, -score)
    stability = psi(score_dev, score)
    # what the card gives up by not using the lender's own decisions (circular features)
    decisions = [f for f in getattr(pf, "decision_features", ()) if f in dev.columns]
    if decisions:
        cols = [*ctx.need("scorecard").features_, *decisions]
        circular = Scorecard(binner=_binner(cols)).fit(dev[cols], y_dev)
        ctx.results["gini_with_decisions"] = (
            decisions,
            float(gini(y, circular.predict_proba(hold[cols])[:, 1]).statistic),
        )
    st = _fit(ctx)
    pipeline_steps.step_validate(st)  # AUC/KS/PSI of both samples and the grade backtests
    tests = st.values["backtests"]
    verdicts: dict[str, dict[str, Any]] = {}
    for name, t in tests.items():
        v: dict[str, Any] = {"statistic": t.statistic, "pvalue": t.pvalue}
        if t.alternative == "greater":  # one-sided: traffic lights (Tasche 2003)
            v["portfolio"] = str(traffic_light(t.pvalue)[0])
            v["grades"] = dict(zip(scale.grades, t.traffic_light(), strict=True))
        else:  # Hosmer-Lemeshow: all grades jointly, two-sided
            v["portfolio"] = "rejected at 5%" if t.pvalue < 0.05 else "not rejected at 5%"
        verdicts[name] = v
    ctx.artifacts["backtests"] = tests
    ctx.results.update(
        gini_dev=g_dev.statistic,
        gini=g.statistic,
        gini_ci=g.confidence_interval(0.95),
        ks=ks.statistic,
        psi=stability.statistic,
        psi_verdict=stability.rule_of_thumb,
        psi_critical=stability.critical_value,
        psi_pvalue=stability.pvalue,
        backtests=verdicts,
    )
    return [
        f"Gini {g.statistic:.3f} (development {g_dev.statistic:.3f}), KS {ks.statistic:.3f}, "
        f"PSI {stability.statistic:.4f}"
    ]
