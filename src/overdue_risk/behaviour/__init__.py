"""Early warning after lending (贷后预警): behavioural features, targets and watchlists.

Build point-in-time features from a loan-month panel (:func:`panel_features`, or the same
features as one SQL query with :func:`panel_features_sql`), the outcome over the next
months (:func:`behaviour_target`), stacked development data over several observation
months (:func:`snapshots`), and watchlists from rules and score thresholds given as data
(:class:`EarlyWarning`), evaluated over history by :func:`warning_backtest`.

Examples
--------
>>> from overdue_risk.behaviour import panel_features
>>> from overdue_risk.datasets import make_microloan_portfolio
>>> book = make_microloan_portfolio(n_loans=300, n_months=12, random_state=0)
>>> feats = panel_features(book.performance, "2023-09")
>>> feats.shape[0] == int(((book.performance["month"] == "2023-09")
...     & ~book.performance["bucket"].isin(["CO", "PO"])).sum())
True
"""

from __future__ import annotations

from overdue_risk.behaviour._features import feature_plan, panel_features
from overdue_risk.behaviour._sql import panel_features_sql
from overdue_risk.behaviour._target import behaviour_target, snapshots
from overdue_risk.behaviour._warning import (
    EarlyWarning,
    WarningBacktest,
    WarningTrigger,
    warning_backtest,
)

__all__ = [
    "EarlyWarning",
    "WarningBacktest",
    "WarningTrigger",
    "behaviour_target",
    "feature_plan",
    "panel_features",
    "panel_features_sql",
    "snapshots",
    "warning_backtest",
]
