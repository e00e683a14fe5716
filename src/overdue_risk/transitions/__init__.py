"""Delinquency dynamics: transition matrices, lender views and projections.

Discrete time (cohort estimator from a loan-month panel), continuous time (duration and
Aalen-Johansen estimators from irregular event dates, generators from discrete
matrices), the lender's views (roll, flow and cure rates, the roll-rate table used to
choose a bad definition, vintage curves, mobility indices) and projections (multi-period,
absorption, lifetime PD).

Examples
--------
>>> from overdue_risk.transitions import cohort_matrix
>>> panel = {"loan_id": [1, 1, 2, 2], "month": [0, 1, 0, 1], "bucket": ["M0", "M1", "M0", "PO"]}
>>> cohort_matrix(panel, states=["M0", "M1", "PO"]).probabilities[0].tolist()
[0.0, 0.5, 0.5]
"""

from __future__ import annotations

from overdue_risk.transitions._cohort import PeriodMatrices, cohort_matrix, transition_pairs
from overdue_risk.transitions._duration import aalen_johansen, duration_matrix
from overdue_risk.transitions._five_tier import tier_migration
from overdue_risk.transitions._generator import (
    EmbeddingDiagnostics,
    GeneratorResult,
    embedding_diagnostics,
    generator,
)
from overdue_risk.transitions._matrix import TransitionMatrix, multinomial_intervals
from overdue_risk.transitions._panel import CodedPanel, code_panel
from overdue_risk.transitions._projection import LifetimePD, chain_product, lifetime_pd, project
from overdue_risk.transitions._tiers import five_tier
from overdue_risk.transitions._views import (
    CureRates,
    FlowRates,
    MobilityIndices,
    RollRates,
    RollRateTable,
    cure_rates,
    flow_rates,
    mobility_indices,
    roll_rate_table,
    roll_rates,
)
from overdue_risk.transitions._vintage import VintageCurves, vintage_curves

__all__ = [
    "CodedPanel",
    "CureRates",
    "EmbeddingDiagnostics",
    "FlowRates",
    "GeneratorResult",
    "LifetimePD",
    "MobilityIndices",
    "PeriodMatrices",
    "RollRateTable",
    "RollRates",
    "TransitionMatrix",
    "VintageCurves",
    "aalen_johansen",
    "chain_product",
    "code_panel",
    "cohort_matrix",
    "cure_rates",
    "duration_matrix",
    "embedding_diagnostics",
    "five_tier",
    "flow_rates",
    "generator",
    "lifetime_pd",
    "mobility_indices",
    "multinomial_intervals",
    "project",
    "roll_rate_table",
    "roll_rates",
    "tier_migration",
    "transition_pairs",
    "vintage_curves",
]
