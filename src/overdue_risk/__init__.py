"""overdue_risk: credit risk for consumer and micro-loan lending.

Public names are loaded lazily (PEP 562): ``import overdue_risk`` is cheap and loads
none of scikit-learn, SciPy, pandas or matplotlib; each name imports its module on first
use. ``overdue_risk.runtime`` needs NumPy and the standard library only.

Examples
--------
>>> import overdue_risk
>>> overdue_risk.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from overdue_risk._lazy import load_lazily

__version__ = "0.1.0"

# public name -> module that defines it. Add a line here when you add a public name;
# tests/test_init.py checks that every entry resolves and that __all__ stays sorted.
_LAZY: dict[str, str] = {
    "BinningTable": "overdue_risk.binning",
    "CountTable": "overdue_risk.binning",
    "FeatureBinning": "overdue_risk.binning",
    "WOEBinner": "overdue_risk.binning",
    "ChallengerReport": "overdue_risk.scorecard",
    "ConstraintError": "overdue_risk.exceptions",
    "DataError": "overdue_risk.exceptions",
    "MasterScale": "overdue_risk.calibration",
    "NotFittedError": "overdue_risk.exceptions",
    "OverdueRiskError": "overdue_risk.exceptions",
    "PDCalibrator": "overdue_risk.calibration",
    "PointsScaling": "overdue_risk.scorecard",
    "Portfolio": "overdue_risk.datasets",
    "ReasonCodes": "overdue_risk.scorecard",
    "Scorecard": "overdue_risk.scorecard",
    "ScorecardSummary": "overdue_risk.scorecard",
    "SelectionResult": "overdue_risk.selection",
    "SpecError": "overdue_risk.exceptions",
    "WOESelector": "overdue_risk.selection",
    "dpd_to_bucket": "overdue_risk.buckets",
    "select_by_correlation": "overdue_risk.selection",
    "select_by_iv": "overdue_risk.selection",
    "select_by_vif": "overdue_risk.selection",
    "stepwise_selection": "overdue_risk.selection",
    "load_portfolio": "overdue_risk.datasets",
    "make_microloan_portfolio": "overdue_risk.datasets",
    "DecisionBand": "overdue_risk.strategy",
    "DecisionTable": "overdue_risk.strategy",
    "PolicyRule": "overdue_risk.strategy",
    "RiskBasedPricing": "overdue_risk.strategy",
    "cutoff_analysis": "overdue_risk.strategy",
    "risk_based_apr": "overdue_risk.strategy",
    "swap_set": "overdue_risk.strategy",
    "load_spec": "overdue_risk.runtime",
    "TransitionMatrix": "overdue_risk.transitions",
    "aalen_johansen": "overdue_risk.transitions",
    "cohort_matrix": "overdue_risk.transitions",
    "duration_matrix": "overdue_risk.transitions",
    "flow_rates": "overdue_risk.transitions",
    "roll_rates": "overdue_risk.transitions",
    "vintage_curves": "overdue_risk.transitions",
    "five_tier": "overdue_risk.buckets",
    "expected_credit_loss": "overdue_risk.ecl",
    "GateResult": "overdue_risk.gate",
    "build_report": "overdue_risk.reporting",
}

# public submodules reachable as attributes (overdue_risk.metrics, ...)
_SUBMODULES: frozenset[str] = frozenset(
    {
        "backtest",
        "behaviour",
        "binning",
        "buckets",
        "calibration",
        "cli",
        "collection",
        "datasets",
        "distributed",
        "ecl",
        "exceptions",
        "export",
        "gate",
        "metrics",
        "monitoring",
        "pipeline",
        "plotting",
        "pricing",
        "regulation",
        "reject_inference",
        "reporting",
        "runtime",
        "scorecard",
        "selection",
        "strategy",
        "transitions",
    }
)

__all__ = sorted([*_LAZY, "__version__"])

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    # ``name as name`` marks each as re-exported (mypy --strict: no implicit re-export);
    # isort would split every aliased name into its own import statement
    # isort: off
    from overdue_risk.binning import (
        BinningTable as BinningTable,
        CountTable as CountTable,
        FeatureBinning as FeatureBinning,
        WOEBinner as WOEBinner,
    )
    from overdue_risk.buckets import (
        dpd_to_bucket as dpd_to_bucket,
        five_tier as five_tier,
    )
    from overdue_risk.calibration import (
        MasterScale as MasterScale,
        PDCalibrator as PDCalibrator,
    )
    from overdue_risk.datasets import (
        Portfolio as Portfolio,
        load_portfolio as load_portfolio,
        make_microloan_portfolio as make_microloan_portfolio,
    )
    from overdue_risk.ecl import (
        expected_credit_loss as expected_credit_loss,
    )
    from overdue_risk.exceptions import (
        ConstraintError as ConstraintError,
        DataError as DataError,
        NotFittedError as NotFittedError,
        OverdueRiskError as OverdueRiskError,
        SpecError as SpecError,
    )
    from overdue_risk.gate import (
        GateResult as GateResult,
    )
    from overdue_risk.reporting import (
        build_report as build_report,
    )
    from overdue_risk.runtime import (
        load_spec as load_spec,
    )
    from overdue_risk.scorecard import (
        ChallengerReport as ChallengerReport,
        PointsScaling as PointsScaling,
        ReasonCodes as ReasonCodes,
        Scorecard as Scorecard,
        ScorecardSummary as ScorecardSummary,
    )
    from overdue_risk.selection import (
        SelectionResult as SelectionResult,
        WOESelector as WOESelector,
        select_by_correlation as select_by_correlation,
        select_by_iv as select_by_iv,
        select_by_vif as select_by_vif,
        stepwise_selection as stepwise_selection,
    )
    from overdue_risk.strategy import (
        DecisionBand as DecisionBand,
        DecisionTable as DecisionTable,
        PolicyRule as PolicyRule,
        RiskBasedPricing as RiskBasedPricing,
        cutoff_analysis as cutoff_analysis,
        risk_based_apr as risk_based_apr,
        swap_set as swap_set,
    )
    from overdue_risk.transitions import (
        TransitionMatrix as TransitionMatrix,
        aalen_johansen as aalen_johansen,
        cohort_matrix as cohort_matrix,
        duration_matrix as duration_matrix,
        flow_rates as flow_rates,
        roll_rates as roll_rates,
        vintage_curves as vintage_curves,
    )
    # isort: on


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"overdue_risk.{name}")
    return load_lazily(globals(), _LAZY, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})
