"""scikit-learn's estimator checks over every estimator of the library.

Add your estimator (default-constructed) to ``ESTIMATORS``; list checks it cannot pass,
with the reason, in ``EXPECTED_FAILED``.
"""

from __future__ import annotations

from typing import Any

from sklearn.utils.estimator_checks import parametrize_with_checks

from overdue_risk.binning import WOEBinner
from overdue_risk.calibration import PDCalibrator
from overdue_risk.scorecard import Scorecard
from overdue_risk.selection import WOESelector

ESTIMATORS: list[Any] = [
    WOEBinner(),
    PDCalibrator(),
    PDCalibrator(method="isotonic"),
    PDCalibrator(method="binned"),
    Scorecard(),
    Scorecard(rounding=True, intercept_mode="separate", sign_check="report"),
    WOESelector(),
]

# estimator class name -> {check name: reason}
EXPECTED_FAILED: dict[str, dict[str, str]] = {}


def _expected_failed(estimator: Any) -> dict[str, str]:
    return EXPECTED_FAILED.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed)
def test_sklearn_compatible(estimator: Any, check: Any) -> None:
    check(estimator)
