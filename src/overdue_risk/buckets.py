"""Days-past-due buckets (M0, M1 ... M6+) and the terminal states of a loan.

The convention (configurable everywhere it is used):

========  ===========  ==========================================
bucket    DPD          meaning
========  ===========  ==========================================
M0        0            current
M1        1-30         one instalment overdue
M2        31-60
M3        61-90
M4        91-120
M5        121-150
M6+       151 and up   (charged off once DPD exceeds 180)
CO        -            charged off (absorbing)
PO        -            paid off, at term or early (absorbing)
========  ===========  ==========================================

The "1-29" variant used by some lenders (M1 = 1-29, M2 = 30-59 ...) is
``dpd_edges=(0, 29, 59, 89, 119, 149)``.

The vocabulary lives in :mod:`overdue_risk.transitions` (``_buckets.py``; the five tiers and
the PRC migration ratios in ``_tiers.py``); this module re-exports it under its
long-standing name. It imports NumPy only.

Examples
--------
>>> dpd_to_bucket([0, 1, 30, 31, 95, 400])
array(['M0', 'M1', 'M1', 'M2', 'M4', 'M6+'], dtype=object)
>>> dpd_to_bucket([0, 29, 30], dpd_edges=(0, 29, 59, 89, 119, 149))
array(['M0', 'M1', 'M2'], dtype=object)
"""

from __future__ import annotations

from overdue_risk.transitions._buckets import (
    ACTIVE_BUCKETS,
    CHARGED_OFF,
    DEFAULT_DPD_EDGES,
    PAID_OFF,
    STATES,
    bucket_labels,
    dpd_to_bucket,
)
from overdue_risk.transitions._tiers import (
    FIVE_TIER,
    FIVE_TIER_PRESETS,
    FIVE_TIER_ZH,
    MigrationRatios,
    five_tier,
    migration_ratio,
    migration_ratios,
)

__all__ = [
    "ACTIVE_BUCKETS",
    "CHARGED_OFF",
    "DEFAULT_DPD_EDGES",
    "FIVE_TIER",
    "FIVE_TIER_PRESETS",
    "FIVE_TIER_ZH",
    "PAID_OFF",
    "STATES",
    "MigrationRatios",
    "bucket_labels",
    "dpd_to_bucket",
    "five_tier",
    "migration_ratio",
    "migration_ratios",
]
