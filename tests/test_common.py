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

ESTIMATORS: list[Any] = [
    WOEBinner(),
    PDCalibrator(),
    PDCalibrator(method="isotonic"),
    PDCalibrator(method="binned"),
    Scorecard(),
    Scorecard(rounding=True, intercept_mode="separate", sign_check="ignore"),
]

_BINARY_01 = (
    "binary 0/1 default flag only: this check fits with y in {1, 2} (covered by our own "
    "tests on 0/1 targets)"
)

# estimator class name -> {check name: reason}
EXPECTED_FAILED: dict[str, dict[str, str]] = {
    "Scorecard": {
        "check_dtype_object": (
            "a column mixing numbers with other objects (here a dict) is refused with a "
            "DataError naming the column, by design (the binner decides numeric vs "
            "categorical per column), not with numpy's TypeError"
        ),
    },
    "WOEBinner": {
        "check_estimators_dtypes": _BINARY_01,
        "check_sample_weights_pandas_series": _BINARY_01,
        "check_sample_weights_not_an_array": _BINARY_01,
        "check_sample_weights_shape": _BINARY_01,
        "check_sample_weights_not_overwritten": _BINARY_01,
    },
}


def _expected_failed(estimator: Any) -> dict[str, str]:
    return EXPECTED_FAILED.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed)
def test_sklearn_compatible(estimator: Any, check: Any) -> None:
    check(estimator)
