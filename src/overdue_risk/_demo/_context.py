"""The demo's assumptions (plain data, shown in the guide), the context handed from step to
step, and small formatters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.datasets import Portfolio

__all__ = [
    "FUNDING_RATE",
    "GRADE_CAP",
    "GRADE_FLOOR",
    "HOLDOUT_SHARE",
    "LGD",
    "MAX_CORR",
    "MIN_DEV_DEFAULTS",
    "MIN_HOLDOUT_DEFAULTS",
    "MIN_IV",
    "N_GRADES",
    "OPERATING_COST",
    "SPECIAL_CODES",
    "DemoContext",
    "DemoStep",
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
