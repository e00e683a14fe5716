"""The end-to-end demo behind ``overdue-risk demo``: a sequence of separate steps.

Each step is a plain function ``step(ctx) -> list[str]`` that reads and extends the shared
:class:`DemoContext` and returns the lines it wants printed. :data:`STEPS` lists them in
order; adding a stage of the job (binning, scorecard, validation, roll rates ...) means
writing one more step function and inserting a :class:`DemoStep` into :data:`STEPS`.
The CLI (``overdue_risk._cli.demo``) only parses arguments and calls :func:`run_demo`.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     result = run_demo(n_loans=300, n_months=12, seed=1, out=tmp, progress=None)
>>> result.n_loans, sorted(p.name for p in result.files)
(300, ['applications.csv', 'performance.csv'])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from overdue_risk._results import Result
from overdue_risk.buckets import STATES

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.datasets import Portfolio

__all__ = ["STEPS", "DemoContext", "DemoResult", "DemoStep", "run_demo"]


@dataclass
class DemoContext:
    """Mutable state handed from step to step.

    Attributes
    ----------
    n_loans, n_months, seed : int
        The demo's parameters.
    out : Path
        Directory the steps write into.
    portfolio : Portfolio or None
        Set by the ``generate`` step.
    results : dict
        Anything a step wants to hand to later steps or to the final summary.
    files : list of Path
        Files written so far.
    """

    n_loans: int
    n_months: int
    seed: int
    out: Path
    portfolio: Portfolio | None = None
    results: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def require_portfolio(self) -> Portfolio:
        """The portfolio, for steps that run after ``generate``."""
        if self.portfolio is None:  # pragma: no cover - a programming error in STEPS
            raise RuntimeError("the 'generate' step must run before this step")
        return self.portfolio


@dataclass(frozen=True)
class DemoStep:
    """One named stage of the demo."""

    name: str
    title: str
    run: Callable[[DemoContext], list[str]]


# ---------------------------------------------------------------------------------------
# steps
# ---------------------------------------------------------------------------------------
def step_generate(ctx: DemoContext) -> list[str]:
    """Simulate the synthetic micro-loan book."""
    from overdue_risk.datasets import make_microloan_portfolio

    ctx.portfolio = make_microloan_portfolio(
        n_loans=ctx.n_loans, n_months=ctx.n_months, random_state=ctx.seed
    )
    perf = ctx.portfolio.performance
    return [f"{ctx.n_loans:,} loans, {len(perf):,} loan-months over {ctx.n_months} months"]


def step_summarise(ctx: DemoContext) -> list[str]:
    """Bad rate, charge-off rate and the delinquency distribution at the last month."""
    pf = ctx.require_portfolio()
    apps, perf = pf.applications, pf.performance
    observed = apps["bad_observed"].to_numpy(dtype=bool)
    bad = apps[pf.target_name].to_numpy()
    bad_rate = float(bad[observed].mean()) if observed.any() else float("nan")
    charged_off = float((perf["status"] == "charged_off").sum()) / max(len(apps), 1)
    last = perf[perf["month"] == perf["month"].max()] if len(perf) else perf
    counts = last["bucket"].value_counts()
    balance = last.groupby("bucket")["balance"].sum()
    total = max(int(counts.sum()), 1)
    distribution = [
        (state, int(counts.get(state, 0)), float(balance.get(state, 0.0))) for state in STATES
    ]
    ctx.results.update(
        bad_rate=bad_rate,
        n_observed=int(observed.sum()),
        charge_off_rate=charged_off,
        last_month=str(last["month"].max())[:7] if len(last) else "",
        bucket_distribution=distribution,
    )
    lines = [
        f"bad rate (ever {pf.target_dpd}+ DPD in {pf.target_window} months): {bad_rate:.2%} "
        f"of {int(observed.sum()):,} loans with a complete outcome",
        f"charged off: {charged_off:.2%} of loans",
        f"delinquency at {ctx.results['last_month']} (loans, share, balance):",
    ]
    lines += [
        f"  {state:>4}  {n:>8,}  {n / total:7.2%}  {bal:14,.2f}"
        for state, n, bal in distribution
        if n or state in ("M0", "M1")
    ]
    return lines


def step_write(ctx: DemoContext) -> list[str]:
    """Write the applications and the performance panel as CSV."""
    pf = ctx.require_portfolio()
    ctx.out.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, frame in (("applications", pf.applications), ("performance", pf.performance)):
        path = ctx.out / f"{name}.csv"
        frame.to_csv(path, index=False)
        ctx.files.append(path)
        lines.append(f"wrote {path} ({len(frame):,} rows)")
    return lines


#: The demo, in order. Insert new steps where they belong (after "summarise", before "write").
STEPS: list[DemoStep] = [
    DemoStep("generate", "simulate the micro-loan portfolio", step_generate),
    DemoStep("summarise", "summarise the book", step_summarise),
    DemoStep("write", "write the frames as CSV", step_write),
]


# ---------------------------------------------------------------------------------------
# the runner
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoResult(Result):
    """What the demo did: its parameters, the key numbers and the files it wrote.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     res = run_demo(n_loans=200, n_months=10, seed=0, out=tmp, progress=None)
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

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        r = self.results
        rows: list[list[Any]] = [["loans", self.n_loans], ["months", self.n_months]]
        if "bad_rate" in r:
            rows += [
                ["bad rate (observed)", r["bad_rate"]],
                ["charge-off rate", r["charge_off_rate"]],
            ]
        rows += [[f"time: {name} (s)", sec] for name, sec in self.seconds.items()]
        return "overdue-risk demo", ["quantity", "value"], rows, f"files in {self.out}"


def run_demo(
    n_loans: int = 20_000,
    n_months: int = 24,
    seed: int = 0,
    out: str | Path = "overdue_risk_demo",
    *,
    progress: Callable[[str], None] | None = print,
    steps: Sequence[DemoStep] | None = None,
) -> DemoResult:
    """Run the demo steps in order, reporting progress, and return what they produced.

    Parameters
    ----------
    n_loans : int, default=20_000
    n_months : int, default=24
    seed : int, default=0
    out : str or Path, default="overdue_risk_demo"
        Output directory (created when missing).
    progress : callable or None, default=print
        Receives one line per event ("[1/3] simulate ...", result lines); None is silent.
    steps : sequence of DemoStep, default=None
        The steps to run; :data:`STEPS` when None.

    Returns
    -------
    DemoResult

    Examples
    --------
    >>> import tempfile
    >>> lines = []
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = run_demo(n_loans=100, n_months=8, seed=2, out=tmp, progress=lines.append)
    >>> lines[0]
    '[1/3] simulate the micro-loan portfolio ...'
    """
    say = progress if progress is not None else (lambda _line: None)
    ctx = DemoContext(n_loans=n_loans, n_months=n_months, seed=seed, out=Path(out))
    chosen = list(STEPS if steps is None else steps)
    seconds: dict[str, float] = {}
    for i, step in enumerate(chosen, start=1):
        say(f"[{i}/{len(chosen)}] {step.title} ...")
        t0 = time.perf_counter()
        lines = step.run(ctx)
        seconds[step.name] = time.perf_counter() - t0
        for line in lines:
            say(f"      {line}")
    return DemoResult(
        n_loans=n_loans,
        n_months=n_months,
        seed=seed,
        out=ctx.out,
        files=tuple(ctx.files),
        results=dict(ctx.results),
        seconds=seconds,
    )
