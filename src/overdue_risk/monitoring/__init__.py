"""Monitoring a scorecard over time: stability, discrimination, calibration and alerts.

:func:`monitor` scores the accounts of every period with a scoring spec and compares each
period with a baseline: the PSI of the score and the CSI of every card feature (with their
Yurdakul-Naranjo critical values), and, once a period's outcome window has ended, Gini and
KS with confidence intervals, an AUC-drop test and Jeffreys backtests of the PDs read as
traffic lights. :class:`AlertRule` objects (data, not code) turn the lights into alerts,
e.g. red once or yellow in two consecutive periods.

Charts: :mod:`overdue_risk.plotting` (``plot_monitoring_*``); the HTML report's
"Monitoring" section; CI gate checks: :func:`overdue_risk.gate.check_monitoring`.

Examples
--------
>>> from overdue_risk.monitoring import AlertRule, MonitoringThresholds
>>> AlertRule("psi", "yellow", 3).describe()
'psi yellow or worse in 3 consecutive periods'
>>> MonitoringThresholds().psi_red
0.25
"""

from __future__ import annotations

from overdue_risk.monitoring._alerts import (
    DEFAULT_RULES,
    Alert,
    AlertRule,
    MonitoringThresholds,
)
from overdue_risk.monitoring._monitor import ks_interval, monitor
from overdue_risk.monitoring._population import book_population
from overdue_risk.monitoring._result import MonitoringResult, PeriodStats

__all__ = [
    "DEFAULT_RULES",
    "Alert",
    "AlertRule",
    "MonitoringResult",
    "MonitoringThresholds",
    "PeriodStats",
    "book_population",
    "ks_interval",
    "monitor",
]
