"""The demo's steps in order (STEPS), its result and the runner behind ``overdue-risk
demo``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from overdue_risk._demo._context import DemoContext, DemoStep, _p, _pct
from overdue_risk._demo._steps_book import (
    step_delinquency,
    step_ecl,
    step_gate,
    step_report,
    step_strategy,
    step_write,
)
from overdue_risk._demo._steps_collections import step_collections
from overdue_risk._demo._steps_model import (
    step_bin,
    step_calibrate,
    step_generate,
    step_scorecard,
    step_select,
    step_spec,
    step_split,
    step_summarise,
    step_validate,
)
from overdue_risk._results import Result
from overdue_risk.exceptions import DataError

__all__ = ["STEPS", "DemoResult", "run_demo"]


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
    DemoStep("collections", "collections: effects and the optimised plan", step_collections),
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
            ]
            if "gini_with_decisions" in r:
                names, g_circ = r["gini_with_decisions"]
                rows.append(
                    (
                        "Gini given up",
                        f"{g_circ - r['gini']:.3f}: a card that also used {', '.join(names)} "
                        f"(the lender's own decisions, set from its older view of the risk) "
                        f"would show {g_circ:.3f}; circular, so not used",
                    )
                )
            rows += [
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
