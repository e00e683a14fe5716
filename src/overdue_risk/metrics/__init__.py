"""Discrimination and stability metrics for PD models and scorecards.

Discrimination: :func:`roc_auc` (with DeLong or Hanley-McNeil standard errors and
confidence intervals), :func:`gini`, :func:`roc_auc_compare` (DeLong's test of two
correlated AUCs), :func:`auc_change_test` (the ECB test of the current AUC against the AUC
at initial validation), :func:`ks_statistic`, :func:`cap_curve` and :func:`gains_table`.

Stability: :func:`psi` and :func:`psi_from_counts` (with the Yurdakul-Naranjo statistical
critical value next to the 0.1 / 0.25 rule of thumb), :func:`csi` (one PSI per
characteristic) and :func:`herfindahl` (concentration of grades).

Every function returns a frozen dataclass in the scipy.stats style (``statistic``,
``pvalue`` where a test exists, ``confidence_interval()``, ``summary()``, ``to_frame()``).

Score direction follows scikit-learn: a HIGHER ``y_score`` means a HIGHER risk of the event
(pass PDs, or minus the scorecard points, whose higher values mean lower risk).

Examples
--------
>>> import numpy as np
>>> from overdue_risk.metrics import roc_auc
>>> res = roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
>>> res.statistic
0.75
"""

from __future__ import annotations

from overdue_risk.metrics._concentration import HerfindahlResult, herfindahl
from overdue_risk.metrics._curves import CAPResult, GainsTable, cap_curve, gains_table
from overdue_risk.metrics._ranking import (
    AUCComparisonResult,
    AUCResult,
    KSResult,
    auc_change_test,
    gini,
    ks_statistic,
    roc_auc,
    roc_auc_compare,
)
from overdue_risk.metrics._stability import (
    PSI_EPSILON,
    CSIResult,
    PSIResult,
    csi,
    psi,
    psi_from_counts,
)

__all__ = [
    "PSI_EPSILON",
    "AUCComparisonResult",
    "AUCResult",
    "CAPResult",
    "CSIResult",
    "GainsTable",
    "HerfindahlResult",
    "KSResult",
    "PSIResult",
    "auc_change_test",
    "cap_curve",
    "csi",
    "gains_table",
    "gini",
    "herfindahl",
    "ks_statistic",
    "psi",
    "psi_from_counts",
    "roc_auc",
    "roc_auc_compare",
]
