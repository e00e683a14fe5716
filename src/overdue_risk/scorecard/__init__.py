"""Scorecards: fitted (WOE + logistic) and expert cards, points scaling, reason codes.

Public names: :class:`Scorecard` (``Scorecard.from_expert`` for hand-written cards),
:class:`PointsScaling`, :class:`ScorecardSummary`, :class:`ReasonCodes`,
:class:`ChallengerReport` and :func:`challenger_report`.

Examples
--------
>>> from overdue_risk.scorecard import PointsScaling
>>> round(PointsScaling(pdo=20, base_score=600, base_odds=50).factor, 4)
28.8539
"""

from __future__ import annotations

from overdue_risk.scorecard._challenger import ChallengerReport, challenger_report
from overdue_risk.scorecard._reasons import ReasonCodes
from overdue_risk.scorecard._scaling import PointsScaling
from overdue_risk.scorecard._scorecard import Scorecard
from overdue_risk.scorecard._summary import ScorecardSummary

__all__ = [
    "ChallengerReport",
    "PointsScaling",
    "ReasonCodes",
    "Scorecard",
    "ScorecardSummary",
    "challenger_report",
]
