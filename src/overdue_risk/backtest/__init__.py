"""Calibration backtests: do the PDs hold against the realised defaults?

Grade-level tests take the sufficient statistics of a backtest -- obligors, defaults and
the PD of each grade -- as arrays (``n_obligors``, ``n_defaults``, ``pd``); a scalar is one
grade (or the whole portfolio). Obligor-level data is the special case
``n_obligors=1, n_defaults=y, pd=p`` per row. Each test returns a frozen
:class:`BacktestResult` carrying the per-grade values and the portfolio value
(``statistic``, ``pvalue``).

Tests: :func:`jeffreys_test` (ECB), :func:`binomial_test` (optionally with Vasicek asset
correlation), :func:`hosmer_lemeshow_test`, :func:`spiegelhalter_test`, :func:`normal_test`
(several periods), :func:`traffic_light`; scores: :func:`brier_score` (Murphy
decomposition) and :func:`expected_calibration_error`.

Convention: the null hypothesis is "the PD is right"; the one-sided tests look for
UNDER-estimated PDs (more defaults than predicted), the direction a supervisor cares about.

Examples
--------
>>> from overdue_risk.backtest import jeffreys_test
>>> res = jeffreys_test([1000, 500], [12, 15], [0.01, 0.02])
>>> [round(p, 4) for p in res.grade_pvalue]
[0.2524, 0.0623]
"""

from __future__ import annotations

from overdue_risk.backtest._pd_tests import (
    binomial_test,
    hosmer_lemeshow_test,
    jeffreys_test,
    normal_test,
    spiegelhalter_test,
)
from overdue_risk.backtest._result import BacktestResult, traffic_light
from overdue_risk.backtest._scores import (
    BrierResult,
    ECEResult,
    brier_score,
    expected_calibration_error,
)

__all__ = [
    "BacktestResult",
    "BrierResult",
    "ECEResult",
    "binomial_test",
    "brier_score",
    "expected_calibration_error",
    "hosmer_lemeshow_test",
    "jeffreys_test",
    "normal_test",
    "spiegelhalter_test",
    "traffic_light",
]
