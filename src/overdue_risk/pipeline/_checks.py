"""Checks every development runs, shared by :func:`~overdue_risk.pipeline.fit_scorecard`
and the demo: the exported spec scores as the fitted objects do, the master scale's grade
PDs are the development default rates when those are usable, and the grade PDs are
backtested on the hold-out.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from overdue_risk.backtest import binomial_test, hosmer_lemeshow_test, jeffreys_test
from overdue_risk.calibration import MasterScale
from overdue_risk.exceptions import OverdueRiskWarning, SpecError

__all__ = ["check_spec_matches", "development_scale", "grade_backtests"]


def development_scale(nominal: MasterScale, pd_dev: Any, y: Any) -> tuple[MasterScale, str]:
    """The master scale with grade PDs = development default rates, or ``nominal``.

    Each grade's PD is its default rate on the development sample (long-run average,
    Basel II para. 447). When those rates do not increase over the grades, or a grade
    holds no default (its PD would be the floor), the scale keeps its nominal PDs.
    Returns the scale and a note saying which.

    Examples
    --------
    >>> from overdue_risk.calibration import MasterScale
    >>> nominal = MasterScale.geometric(2, floor=0.1, cap=0.5)
    >>> scale, note = development_scale(nominal, [0.05, 0.05, 0.05, 0.6, 0.6], [0, 0, 1, 0, 1])
    >>> note, [round(p, 3) for p in scale.pd]
    ('grade PDs = development default rates', [0.333, 0.5])
    >>> development_scale(nominal, [0.05, 0.05, 0.6, 0.6], [0, 0, 0, 1])[1]
    'nominal grade PDs (a grade without defaults)'
    >>> development_scale(nominal, [0.05, 0.05, 0.6, 0.6], [1, 0, 0, 0])[1]
    'nominal grade PDs (development rates not increasing)'
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", OverdueRiskWarning)
        try:
            scale = nominal.calibrate(pd_dev, y)
        except OverdueRiskWarning:
            return nominal, "nominal grade PDs (development rates not increasing)"
    n, d = nominal.grade_counts(pd_dev, y)
    if not all(0.0 < p < 1.0 for p in scale.pd) or not bool(np.all(d[n > 0] > 0)):
        return nominal, "nominal grade PDs (a grade without defaults)"
    return scale, "grade PDs = development default rates"


def check_spec_matches(spec: Any, card: Any, calibrator: Any, scale: Any, X: Any) -> int:
    """Raise unless the runtime spec scores ``X`` exactly as the fitted objects do.

    Points, PDs and grades must all be equal bit for bit (the spec contract; the runtime
    and ``PDCalibrator`` share one implementation of each calibration formula). Returns
    the number of rows checked.

    Examples
    --------
    >>> from overdue_risk.calibration import MasterScale, PDCalibrator
    >>> from overdue_risk.runtime import Spec
    >>> from overdue_risk.scorecard import Scorecard
    >>> X = {"a": [0.0, 2.0, 0.5, 3.0]}
    >>> card = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
    ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
    ...     "missing_points": 0, "splits": [1.0], "points": [500, 560]}]})
    >>> cal = PDCalibrator().fit([[500.0], [560.0], [500.0], [560.0]], [1, 0, 0, 0])
    >>> scale = MasterScale.geometric(3, floor=0.05, cap=0.4)
    >>> spec = Spec.from_dict(card.to_spec(calibrator=cal, master_scale=scale))
    >>> check_spec_matches(spec, card, cal, scale, X)
    4
    """
    points = card.predict_points(X)
    runtime_points = spec.score(X)
    if not np.array_equal(runtime_points, points):
        bad = int(np.sum(runtime_points != points))
        raise SpecError(
            f"the exported spec scores {bad} of {points.size} rows differently from "
            "Scorecard.predict_points; the spec export or the runtime is broken."
        )
    pd_card = calibrator.predict_pd(points)
    if not np.array_equal(spec.predict_pd(X), pd_card):
        raise SpecError("the spec's PDs differ from PDCalibrator.predict_pd on the same points.")
    if not np.array_equal(np.asarray(spec.grade(X)), np.asarray(scale.assign(pd_card))):
        raise SpecError("the spec's grades differ from MasterScale.assign on the same PDs.")
    return int(points.size)


def grade_backtests(scale: MasterScale, pd_holdout: Any, y: Any) -> dict[str, Any]:
    """Jeffreys, binomial and Hosmer-Lemeshow tests of the grade PDs on the hold-out.

    Loans are counted per grade of ``scale`` (by their PD); each grade's PD is tested
    against its observed defaults. Jeffreys and binomial are one-sided per grade (traffic
    lights, Tasche 2003); Hosmer-Lemeshow tests all grades jointly.

    Examples
    --------
    >>> from overdue_risk.calibration import MasterScale
    >>> scale = MasterScale.geometric(2, floor=0.1, cap=0.5)
    >>> tests = grade_backtests(scale, [0.1] * 10 + [0.5] * 10, [0] * 9 + [1] + [0, 1] * 5)
    >>> sorted(tests)
    ['Hosmer-Lemeshow', 'Jeffreys', 'binomial']
    >>> tests["Jeffreys"].pvalue > 0.05
    True
    """
    n, d = scale.grade_counts(pd_holdout, y)
    return {
        "Jeffreys": jeffreys_test(n, d, scale.pd, labels=scale.grades),
        "binomial": binomial_test(n, d, scale.pd, labels=scale.grades),
        "Hosmer-Lemeshow": hosmer_lemeshow_test(n, d, scale.pd, labels=scale.grades),
    }
