"""The end-to-end demo behind ``overdue-risk demo``: a sequence of separate steps.

Each step is a plain function ``step(ctx) -> list[str]`` that reads and extends the shared
:class:`DemoContext` and returns a few short notes for its progress line. :data:`STEPS`
lists them in order: generate the book, split it out of time, bin, select, fit the
scorecard, calibrate it to a master scale, export the spec (and check that the runtime
reproduces the card), validate on the hold-out, cut-offs and a decision table, the CI
gate, roll rates and vintages, ECL, the files, the HTML report. Every number comes from
the library's public API; the steps only orchestrate. The CLI
(``overdue_risk.cli._demo``) only parses arguments and calls :func:`run_demo`.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     result = run_demo(n_loans=300, n_months=12, seed=1, out=tmp, progress=None,
...                       steps=STEPS[:2])
>>> result.n_loans, result.files
(300, ())
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk._results import Result
from overdue_risk.exceptions import DataError, SpecError
from overdue_risk.transitions._buckets import STATES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.datasets import Portfolio

__all__ = [
    "STEPS",
    "DemoContext",
    "DemoResult",
    "DemoStep",
    "OutOfTimeSplit",
    "out_of_time_split",
    "run_demo",
]

# ---------------------------------------------------------------------------------------
# the demo's assumptions (plain data, shown in the guide)
# ---------------------------------------------------------------------------------------
#: Special codes of the built-in portfolio (data dictionary: -1 = no credit history).
SPECIAL_CODES: dict[str, list[float]] = {
    "credit_history_months": [-1.0],
    "worst_past_dpd": [-1.0],
}
#: Feature selection: Siddiqi's IV floor, then one of each pair of WOE columns above 0.7.
MIN_IV, MAX_CORR = 0.02, 0.7
#: Master scale: seven grades whose PDs grow geometrically from 1% to 40%.
N_GRADES, GRADE_FLOOR, GRADE_CAP = 7, 0.01, 0.40
#: Loss given default, cost of funds and operating cost (annual, per unit lent).
LGD, FUNDING_RATE, OPERATING_COST = 0.75, 0.10, 0.05
#: Share of the complete-outcome vintages held out (the latest ones).
HOLDOUT_SHARE = 1 / 3
#: Fewest defaults worth binning and fitting a card on, and validating it with.
MIN_DEV_DEFAULTS, MIN_HOLDOUT_DEFAULTS = 30, 10


# ---------------------------------------------------------------------------------------
# context and steps
# ---------------------------------------------------------------------------------------
@dataclass
class DemoContext:
    """Mutable state handed from step to step.

    Attributes
    ----------
    n_loans, n_months, seed : int
        The demo's parameters.
    out : Path
        Directory the steps write into.
    report : bool
        Whether the ``report`` step writes the HTML report.
    portfolio : Portfolio or None
        Set by the ``generate`` step.
    results : dict
        Plain numbers and texts for the final summary.
    artifacts : dict
        Objects later steps need (samples, binner, scorecard, calibrator, spec ...).
    files : list of Path
        Files written so far.
    """

    n_loans: int
    n_months: int
    seed: int
    out: Path
    report: bool = True
    portfolio: Portfolio | None = None
    results: dict[str, Any] = field(default_factory=dict)
    artifacts: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def require_portfolio(self) -> Portfolio:
        """The portfolio, for steps that run after ``generate``."""
        if self.portfolio is None:  # pragma: no cover - a programming error in STEPS
            raise RuntimeError("the 'generate' step must run before this step")
        return self.portfolio

    def need(self, name: str) -> Any:
        """An artifact of an earlier step (a clear error when the step did not run)."""
        if name not in self.artifacts:  # pragma: no cover - a programming error in STEPS
            raise RuntimeError(f"no {name!r} yet: the step producing it must run first")
        return self.artifacts[name]

    def write(self, name: str) -> Path:
        """Path of a new output file ``name`` (the folder is created; the file recorded)."""
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / name
        self.files.append(path)
        return path


@dataclass(frozen=True)
class DemoStep:
    """One named stage of the demo."""

    name: str
    title: str
    run: Callable[[DemoContext], list[str]]


def _pct(x: float, digits: int = 1) -> str:
    return "nan" if not np.isfinite(x) else f"{100.0 * x:.{digits}f}%"


def _p(pvalue: float) -> str:
    return f"{pvalue:.3f}" if pvalue >= 0.001 else f"{pvalue:.1e}"


def _month(value: Any) -> str:
    return str(value)[:7]


# ------------------------------------------------------------------------- the book
def step_generate(ctx: DemoContext) -> list[str]:
    """Simulate the synthetic micro-loan book."""
    from overdue_risk.datasets import make_microloan_portfolio

    ctx.portfolio = make_microloan_portfolio(
        n_loans=ctx.n_loans, n_months=ctx.n_months, random_state=ctx.seed
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


# ----------------------------------------------------------------- out-of-time split
@dataclass(frozen=True)
class OutOfTimeSplit:
    """A development sample of early vintages and an out-of-time hold-out of later ones.

    Attributes
    ----------
    development, holdout : pandas.DataFrame
        Application rows (all columns) of each sample, index reset.
    development_months, holdout_months : tuple of str
        Origination months ("2023-01") of each sample.
    """

    development: pd.DataFrame
    holdout: pd.DataFrame
    development_months: tuple[str, ...]
    holdout_months: tuple[str, ...]


def out_of_time_split(portfolio: Portfolio, holdout_share: float = HOLDOUT_SHARE) -> OutOfTimeSplit:
    """Split a portfolio by origination month, keeping only complete outcome windows.

    A vintage (origination month) is usable when its whole target window lies inside the
    panel: ``origination + target_window <= last month``. Later vintages are left out
    entirely -- their known outcomes are mostly the early defaults, which would bias the
    bad rate. The latest ``holdout_share`` of the usable vintages (at least one) are the
    out-of-time hold-out; the earlier ones are the development sample.

    Parameters
    ----------
    portfolio : Portfolio
    holdout_share : float, default=1/3

    Returns
    -------
    OutOfTimeSplit

    Raises
    ------
    DataError
        When fewer than two vintages have a complete outcome window.

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio
    >>> pf = make_microloan_portfolio(n_loans=2_000, n_months=18, random_state=0)
    >>> split = out_of_time_split(pf)
    >>> split.development_months, split.holdout_months
    (('2023-01', '2023-02', '2023-03', '2023-04'), ('2023-05', '2023-06'))
    """
    apps, perf = portfolio.applications, portfolio.performance
    if len(perf) == 0 or len(apps) == 0:
        raise DataError("the portfolio is empty; an out-of-time split needs loans.")
    orig = apps["origination_month"]
    index = (orig.dt.year * 12 + orig.dt.month - 1).to_numpy()  # months since year 0
    last = perf["month"].max()
    complete = index + portfolio.target_window <= last.year * 12 + last.month - 1
    vintages = np.unique(index[complete])
    if vintages.size < 2:
        raise DataError(
            f"only {vintages.size} origination month(s) have a complete "
            f"{portfolio.target_window}-month outcome window by {_month(last)}; an "
            "out-of-time split needs at least 2. Simulate more months (n_months >= "
            f"target_window + 2, i.e. --n-months {portfolio.target_window + 2} or more)."
        )
    n_hold = min(max(1, round(holdout_share * vintages.size)), vintages.size - 1)
    hold_v, dev_v = vintages[-n_hold:], vintages[:-n_hold]

    def months(v: Any) -> tuple[str, ...]:
        return tuple(f"{m // 12}-{m % 12 + 1:02d}" for m in v)

    return OutOfTimeSplit(
        development=apps[complete & np.isin(index, dev_v)].reset_index(drop=True),
        holdout=apps[complete & np.isin(index, hold_v)].reset_index(drop=True),
        development_months=months(dev_v),
        holdout_months=months(hold_v),
    )


def step_split(ctx: DemoContext) -> list[str]:
    """Out-of-time split: develop on early vintages, hold out later complete ones."""
    pf = ctx.require_portfolio()
    split = out_of_time_split(pf)
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
    d, h = ctx.results["development"], ctx.results["holdout"]
    return [
        f"development {d['n']:,} loans ({d['months']}, bad {_pct(d['bad_rate'])})",
        f"hold-out {h['n']:,} loans ({h['months']}, bad {_pct(h['bad_rate'])})",
    ]


# ----------------------------------------------------------------------- the model
def _binner(columns: Sequence[str]) -> Any:
    """The demo's binner for ``columns`` (special codes of those among them)."""
    from overdue_risk.binning import WOEBinner

    return WOEBinner(special_codes={k: v for k, v in SPECIAL_CODES.items() if k in columns})


def step_bin(ctx: DemoContext) -> list[str]:
    """Optimal WOE binning of every feature on the development sample."""
    pf = ctx.require_portfolio()
    dev = ctx.need("split").development
    features = list(pf.feature_names)
    binner = _binner(features).fit(dev[features], dev[pf.target_name])
    ctx.artifacts["binner"] = binner
    iv = sorted(((float(v), str(k)) for k, v in binner.iv_.items()), reverse=True)
    ctx.results["top_iv"] = [(name, value) for value, name in iv[:5]]
    return [f"{len(features)} features binned; top IV {iv[0][1]} {iv[0][0]:.3f}"]


def step_select(ctx: DemoContext) -> list[str]:
    """Keep informative features (IV), then drop one of each highly correlated pair."""
    from overdue_risk.selection import select_by_correlation, select_by_iv

    pf = ctx.require_portfolio()
    binner = ctx.need("binner")
    dev = ctx.need("split").development
    by_iv = select_by_iv(binner, min_iv=MIN_IV)
    woe = binner.transform(dev[list(pf.feature_names)])
    kept = list(by_iv.selected)
    by_corr = select_by_correlation(
        np.asarray(woe)[:, [list(pf.feature_names).index(k) for k in kept]],
        binner.iv_,
        max_corr=MAX_CORR,
        feature_names=kept,
    )
    selected = list(by_corr.selected)
    dropped = {
        f: r
        for step in (by_iv, by_corr)
        for f, k, r in zip(step.features, step.kept, step.reasons, strict=True)
        if not k
    }
    ctx.artifacts.update(selected=selected, selection=(by_iv, by_corr))
    ctx.results.update(n_features=len(pf.feature_names), selected=selected, dropped=dropped)
    return [f"{len(selected)} of {len(pf.feature_names)} kept; dropped {', '.join(dropped) or '-'}"]


def step_scorecard(ctx: DemoContext) -> list[str]:
    """Fit the logistic WOE scorecard on the selected features."""
    from overdue_risk.scorecard import Scorecard

    pf = ctx.require_portfolio()
    dev = ctx.need("split").development
    selected = ctx.need("selected")
    card = Scorecard(binner=_binner(selected)).fit(dev[selected], dev[pf.target_name])
    ctx.artifacts["scorecard"] = card
    ctx.results["card_features"] = list(card.features_)
    points = card.predict_points(dev[selected])
    return [
        f"{len(card.features_)} features on the card; development points "
        f"{points.min():.0f}..{points.max():.0f}"
    ]


def step_calibrate(ctx: DemoContext) -> list[str]:
    """Calibrate points to PDs (logistic) and to a geometric master scale of grades.

    Each grade's PD is its default rate on the development sample (long-run average, Basel
    II para. 447). When a small sample makes those rates decrease somewhere over the
    grades, or a grade holds only defaults, the scale keeps its nominal geometric PDs
    instead (and says so).
    """
    import warnings

    from overdue_risk.calibration import MasterScale, PDCalibrator
    from overdue_risk.exceptions import OverdueRiskWarning

    pf = ctx.require_portfolio()
    dev = ctx.need("split").development
    card = ctx.need("scorecard")
    points = card.predict_points(dev[card.features_])
    y = dev[pf.target_name].to_numpy()
    calibrator = PDCalibrator(method="logistic").fit(points.reshape(-1, 1), y)
    nominal = MasterScale.geometric(N_GRADES, floor=GRADE_FLOOR, cap=GRADE_CAP)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", OverdueRiskWarning)
        scale = nominal.calibrate(calibrator.predict_pd(points), y)
    note = "grade PDs = development default rates"
    for w in caught:  # only the monotonicity warning is handled here
        if not issubclass(w.category, OverdueRiskWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    inside = all(0.0 < p < 1.0 for p in scale.pd)  # a grade of only defaults has DR 1
    if not inside or any(issubclass(w.category, OverdueRiskWarning) for w in caught):
        scale, note = nominal, "nominal grade PDs (development rates not monotone in (0, 1))"
    ctx.artifacts.update(calibrator=calibrator, master_scale=scale)
    ctx.results["grades"] = {g: float(p) for g, p in zip(scale.grades, scale.pd, strict=True)}
    ctx.results["grade_note"] = note
    return [
        f"{scale.n_grades} grades, PD {scale.pd[0]:.2%} ({scale.grades[0]}) .. "
        f"{scale.pd[-1]:.2%} ({scale.grades[-1]}); {note}"
    ]


def step_spec(ctx: DemoContext) -> list[str]:
    """Export the sealed scoring spec and check the runtime reproduces the card exactly."""
    from overdue_risk.runtime import load_spec

    pf = ctx.require_portfolio()
    split = ctx.need("split")
    card, cal, scale = ctx.need("scorecard"), ctx.need("calibrator"), ctx.need("master_scale")
    path = card.save_spec(
        ctx.write("scorecard_spec.json"),
        calibrator=cal,
        master_scale=scale,
        name="microloan_application_demo",
        target={
            "name": pf.target_name,
            "definition": f"ever {pf.target_dpd}+ DPD within {pf.target_window} months on book",
        },
        metadata={
            "development_months": list(split.development_months),
            "holdout_months": list(split.holdout_months),
            "seed": ctx.seed,
        },
    )
    spec = load_spec(path)
    ctx.artifacts["spec"] = spec
    card.table().to_csv(ctx.write("scorecard_table.csv"), index=False)
    n = 0
    for frame in (split.development, split.holdout):
        n += check_spec_matches(spec, card, cal, scale, frame[card.features_])
    ctx.results["spec_check"] = n
    return [f"{path.name} loads; runtime == Scorecard on {n:,} loans (points, PD, grade)"]


def check_spec_matches(spec: Any, card: Any, calibrator: Any, scale: Any, X: Any) -> int:
    """Raise unless the runtime spec scores ``X`` exactly as the fitted objects do.

    Points, PDs and grades must all be equal bit for bit (the spec contract; the runtime
    and ``PDCalibrator`` share one implementation of each calibration formula). Returns
    the number of rows checked.

    Examples
    --------
    >>> from overdue_risk.calibration import MasterScale, PDCalibrator
    >>> from overdue_risk.runtime import Spec
    >>> from overdue_risk.scorecard import Scorecard
    >>> X = {"a": [0.0, 2.0, 0.5, 3.0]}
    >>> card = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
    ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
    ...     "missing_points": 0, "splits": [1.0], "points": [500, 560]}]})
    >>> cal = PDCalibrator().fit([[500.0], [560.0], [500.0], [560.0]], [1, 0, 0, 0])
    >>> scale = MasterScale.geometric(3, floor=0.05, cap=0.4)
    >>> spec = Spec.from_dict(card.to_spec(calibrator=cal, master_scale=scale))
    >>> check_spec_matches(spec, card, cal, scale, X)
    4
    """
    points = card.predict_points(X)
    runtime_points = spec.score(X)
    if not np.array_equal(runtime_points, points):
        bad = int(np.sum(runtime_points != points))
        raise SpecError(
            f"the exported spec scores {bad} of {points.size} rows differently from "
            "Scorecard.predict_points; the spec export or the runtime is broken."
        )
    pd_card = calibrator.predict_pd(points)
    if not np.array_equal(spec.predict_pd(X), pd_card):
        raise SpecError("the spec's PDs differ from PDCalibrator.predict_pd on the same points.")
    if not np.array_equal(np.asarray(spec.grade(X)), np.asarray(scale.assign(pd_card))):
        raise SpecError("the spec's grades differ from MasterScale.assign on the same PDs.")
    return int(points.size)


# ---------------------------------------------------------------------- validation
def step_validate(ctx: DemoContext) -> list[str]:
    """Discrimination, calibration backtests and stability on the out-of-time hold-out."""
    from overdue_risk.backtest import (
        binomial_test,
        hosmer_lemeshow_test,
        jeffreys_test,
        traffic_light,
    )
    from overdue_risk.metrics import gini, ks_statistic, psi

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
    n, d = scale.grade_counts(pd_hold, y)
    tests = {
        "Jeffreys": jeffreys_test(n, d, scale.pd, labels=scale.grades),
        "binomial": binomial_test(n, d, scale.pd, labels=scale.grades),
        "Hosmer-Lemeshow": hosmer_lemeshow_test(n, d, scale.pd, labels=scale.grades),
    }
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
    from overdue_risk.strategy import DecisionTable

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
                "apr_cap": 1.0,
            },
            "key": "grade",
            "amount_column": "loan_amount",
            "term_column": "term_months",
        }
    )


def step_strategy(ctx: DemoContext) -> list[str]:
    """Cut-off analysis on the hold-out with the calibrated PDs; a decision-table example."""
    from overdue_risk.strategy import cutoff_analysis

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
    ctx.artifacts.update(cutoffs=cutoffs, decision_table=table, decisions=decisions)
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
    )
    return [
        f"best expected profit at {best:.0f} points; decision table approves "
        f"{_pct(ctx.results['decisions']['approve'])}"
    ]


def step_gate(ctx: DemoContext) -> list[str]:
    """The CI gate on the hold-out against the development sample; JSON and JUnit."""
    from overdue_risk.gate import validate

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
    from overdue_risk import transitions as tr

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
    from overdue_risk.ecl import ecl_from_matrix

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
    from overdue_risk.reporting import SECTIONS, Section

    ecl, cutoffs, decisions = ctx.need("ecl"), ctx.need("cutoffs"), ctx.need("decisions")

    def ecl_book() -> str:
        return (
            f"<p>{ecl.stage.size:,} open loans at the last month of the panel, whole book. "
            "Marginal PDs are first-passage probabilities into M4+ / charged off under the "
            f"pooled monthly bucket transition matrix; LGD {LGD:.0%}; exposure amortises to "
            "term, discounted at each loan's APR.</p>" + str(ecl._repr_html_())
        )

    def strategy() -> str:
        from overdue_risk._results import render_html_table

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
    from overdue_risk.exceptions import MissingDependencyError
    from overdue_risk.reporting import build_report

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
            sections=_extra_sections(ctx),
        )
    except MissingDependencyError as exc:  # a base install without the plots extra
        return [f"skipped: {exc}"]
    ctx.results["report_sections"] = len(report.included)
    return [f"{len(report.included)} sections, {len(report.html) / 1e6:.1f} MB"]


#: The demo, in order. Insert new steps where they belong.
STEPS: list[DemoStep] = [
    DemoStep("generate", "simulate the micro-loan portfolio", step_generate),
    DemoStep("summarise", "summarise the book", step_summarise),
    DemoStep("split", "split out of time by origination month", step_split),
    DemoStep("bin", "optimal WOE binning", step_bin),
    DemoStep("select", "select features (IV, correlation)", step_select),
    DemoStep("scorecard", "fit the scorecard", step_scorecard),
    DemoStep("calibrate", "calibrate to a master scale", step_calibrate),
    DemoStep("spec", "export and check the scoring spec", step_spec),
    DemoStep("validate", "validate on the hold-out", step_validate),
    DemoStep("strategy", "cut-offs and decision table", step_strategy),
    DemoStep("gate", "CI gate (hold-out vs development)", step_gate),
    DemoStep("delinquency", "roll rates and vintages", step_delinquency),
    DemoStep("ecl", "expected credit loss", step_ecl),
    DemoStep("write", "write the samples as CSV", step_write),
    DemoStep("report", "HTML report", step_report),
]


# ---------------------------------------------------------------------------------------
# the runner
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoResult(Result):
    """What the demo did: its parameters, the key numbers and the files it wrote.

    Attributes
    ----------
    n_loans, n_months, seed : int
    out : Path
    files : tuple of Path
    results : dict
        The numbers of the summary (plain Python values).
    seconds : dict
        Wall time of each step.
    artifacts : dict
        The objects the steps built (samples, binner, scorecard, calibrator, master
        scale, spec, gate result ...), for use from Python.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     res = run_demo(n_loans=200, n_months=10, seed=0, out=tmp, progress=None,
    ...                    steps=STEPS[:2])
    >>> "bad rate" in res.summary()
    True
    """

    n_loans: int
    n_months: int
    seed: int
    out: Path
    files: tuple[Path, ...]
    results: dict[str, Any]
    seconds: dict[str, float]
    artifacts: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def _rows(self) -> list[tuple[str, str]]:
        r = self.results
        rows = [("book", f"{self.n_loans:,} loans, {self.n_months} months, seed {self.seed}")]
        if "bad_rate" in r:
            rows += [
                ("bad rate (observed)", f"{_pct(r['bad_rate'], 2)} of {r['n_observed']:,} loans"),
                ("charge-off rate", _pct(r["charge_off_rate"], 2)),
                (
                    f"buckets at {r['last_month']}",
                    ", ".join(f"{b} {n:,}" for b, n, _ in r["bucket_distribution"] if n),
                ),
            ]
        for key, label in (("development", "development"), ("holdout", "hold-out")):
            if key in r:
                s = r[key]
                rows.append(
                    (label, f"{s['n']:,} loans, {s['months']}, bad rate {_pct(s['bad_rate'], 2)}")
                )
        if "top_iv" in r:
            rows.append(("IV (top features)", ", ".join(f"{n} {v:.3f}" for n, v in r["top_iv"])))
        if "card_features" in r:
            dropped = ", ".join(r.get("dropped", {})) or "none"
            rows.append(
                (
                    "scorecard",
                    f"{len(r['card_features'])} of {r['n_features']} features (dropped: {dropped})",
                )
            )
        if "spec_check" in r:
            rows.append(
                ("spec == card", f"points, PD and grade equal on {r['spec_check']:,} loans")
            )
        if "gini" in r:
            lo, hi = r["gini_ci"]
            rows += [
                (
                    "Gini (hold-out)",
                    f"{r['gini']:.3f} [{lo:.3f}, {hi:.3f}] (development {r['gini_dev']:.3f})",
                ),
                ("KS (hold-out)", f"{r['ks']:.3f}"),
                (
                    "PSI (score)",
                    f"{r['psi']:.4f} ({r['psi_verdict']} by the 0.1 rule of thumb; "
                    + ("above" if r["psi"] > r["psi_critical"] else "within")
                    + f" the 95% critical value {r['psi_critical']:.4f},"
                    + f" p = {r['psi_pvalue']:.3f})",
                ),
            ]
            for name, v in r["backtests"].items():
                text = f"{v['portfolio']} (p = {_p(v['pvalue'])})"
                if "grades" in v:
                    lights = list(v["grades"].values())
                    text += "; grades " + ", ".join(
                        f"{lights.count(c)} {c}" for c in ("green", "yellow", "red")
                    )
                else:
                    text += f", chi2 {v['statistic']:.2f} over {len(r['grades'])} grades"
                rows.append((f"backtest {name}", text))
        if "best_cutoff" in r:
            c, a, b, profit = r["best_cutoff"]
            c7, a7, e7, o7 = r["cutoff_70"]
            d = r["decisions"]
            rows += [
                (
                    "cut-off (max profit)",
                    f"{c:.0f} points: approve {_pct(a)}, expected bad "
                    f"{_pct(b, 2)}, expected profit {profit:,.0f}",
                ),
                (
                    "cut-off (70% approval)",
                    f"{c7:.0f} points: approve {_pct(a7)}, bad rate "
                    f"expected {_pct(e7, 2)} / observed {_pct(o7, 2)}",
                ),
                (
                    "decision table",
                    f"approve {_pct(d['approve'])}, refer {_pct(d['refer'])}, "
                    f"decline {_pct(d['decline'])}",
                ),
            ]
        if "gate" in r:
            g = r["gate"]
            rows.append(
                (
                    "gate",
                    f"{'PASS' if g['passed'] else 'FAIL'} (exit code {g['exit_code']}): "
                    f"{g.get('pass', 0)} pass, {g.get('warn', 0)} warn, {g.get('fail', 0)} fail, "
                    f"{g.get('skip', 0)} skip",
                )
            )
        if "roll_rates" in r:
            rows.append(("roll rates", ", ".join(f"{m} {_pct(v)}" for m, v in r["roll_rates"])))
            v = r["vintage"]
            rows.append(
                (
                    f"vintage bad rate, MOB {v['mob']}",
                    f"{_pct(v['min'])} .. {_pct(v['max'])} over {v['n_cohorts']} cohorts",
                )
            )
        if "ecl" in r:
            e = r["ecl"]
            stages = ", ".join(f"stage {s} {_pct(v['coverage'])}" for s, v in e["by_stage"].items())
            rows.append(
                (
                    "ECL (IFRS 9)",
                    f"{e['ecl']:,.0f} on {e['exposure']:,.0f} ({_pct(e['coverage'])}; {stages})",
                )
            )
        rows.append(("time (all steps)", f"{sum(self.seconds.values()):.1f} s"))
        return rows

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        return (
            "overdue-risk demo",
            ["quantity", "value"],
            [list(row) for row in self._rows()],
            f"files in {self.out}" if self.files else "",
        )

    def summary(self) -> str:
        """The plain-text summary (left-aligned: the values are sentences, not numbers)."""
        rows = self._rows()
        width = max(len(k) for k, _ in rows)
        lines = ["overdue-risk demo", "=" * 17]
        lines += [f"{k.ljust(width)}  {v}" for k, v in rows]
        if self.files:
            lines.append(f"{'files'.ljust(width)}  {self.out}/")
            lines += [f"{''.ljust(width)}    {p.name}" for p in self.files]
        return "\n".join(lines)


def run_demo(
    n_loans: int = 50_000,
    n_months: int = 24,
    seed: int = 0,
    out: str | Path = "overdue_risk_demo",
    *,
    report: bool = True,
    progress: Callable[[str], None] | None = print,
    steps: Sequence[DemoStep] | None = None,
) -> DemoResult:
    """Run the demo steps in order, reporting progress, and return what they produced.

    Parameters
    ----------
    n_loans : int, default=50_000
    n_months : int, default=24
    seed : int, default=0
    out : str or Path, default="overdue_risk_demo"
        Output directory (created when missing).
    report : bool, default=True
        Write the HTML report (the slowest step: every chart is drawn).
    progress : callable or None, default=print
        Receives one line per step when it ends ("[ 4/15] bin  3.2s (total 4.1s): ...");
        None is silent.
    steps : sequence of DemoStep, default=None
        The steps to run; :data:`STEPS` when None.

    Returns
    -------
    DemoResult

    Raises
    ------
    DataError
        ``out`` is a file, the book is too small for an out-of-time split or holds too few
        defaults (every step's library errors pass through).

    Examples
    --------
    >>> import tempfile
    >>> lines = []
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = run_demo(n_loans=100, n_months=8, seed=2, out=tmp, progress=lines.append,
    ...                  steps=STEPS[:1])
    >>> lines[0].startswith("[1/1] simulate the micro-loan portfolio")
    True
    """
    say = progress if progress is not None else (lambda _line: None)
    if Path(out).exists() and not Path(out).is_dir():
        raise DataError(f"out {str(out)!r} is a file; pass a folder to write into.")
    ctx = DemoContext(n_loans=n_loans, n_months=n_months, seed=seed, out=Path(out), report=report)
    chosen = list(STEPS if steps is None else steps)
    seconds: dict[str, float] = {}
    width = len(str(len(chosen)))
    title_width = max((len(step.title) for step in chosen), default=0)
    start = time.perf_counter()
    for i, step in enumerate(chosen, start=1):
        t0 = time.perf_counter()
        lines = step.run(ctx)
        t1 = time.perf_counter()
        seconds[step.name] = t1 - t0
        say(
            f"[{i:>{width}}/{len(chosen)}] {step.title:<{title_width}} {t1 - t0:5.1f}s "
            f"(total {t1 - start:5.1f}s): {'; '.join(lines)}"
        )
    return DemoResult(
        n_loans=n_loans,
        n_months=n_months,
        seed=seed,
        out=ctx.out,
        files=tuple(ctx.files),
        results=dict(ctx.results),
        seconds=seconds,
        artifacts=dict(ctx.artifacts),
    )
