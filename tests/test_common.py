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

# The library's one target rule (issue 12): 0/1 and bool pass, any other two labels need
# pos_label (which label is the default is never guessed). These checks fit on y with the
# labels {1, 2} (or text labels) and no pos_label, so the estimator refuses them.
_LABELS = "fits y with labels {1, 2} or text labels without pos_label: refused by the target rule"
# A Scorecard that keeps no feature refuses to fit (issue 12, defect 7): these checks fit
# on pure noise, where every feature bins into one bin (constant WOE) and is dropped.
_NO_FEATURE = "noise data: every feature gets one bin, and a card without features is refused"
# A cell holding a dict is refused by the one column adapter with a DataError naming the
# column (issue 12), where scikit-learn expects a TypeError or (string input) a fit.
_CONTAINER = "a dict in a cell is refused with a DataError naming the column"
_LABEL_CHECKS = (
    "check_estimators_dtypes",
    "check_sample_weights_pandas_series",
    "check_sample_weights_not_an_array",
    "check_sample_weights_shape",
    "check_sample_weights_not_overwritten",
)
_SCORECARD = {
    **dict.fromkeys(_LABEL_CHECKS, _LABELS),
    "check_classifiers_classes": _LABELS,
    "check_fit2d_1feature": _LABELS,
    "check_sample_weight_equivalence_on_dense_data": _NO_FEATURE,
    "check_pipeline_consistency": _NO_FEATURE,
    "check_classifier_data_not_an_array": _NO_FEATURE,
    "check_dtype_object": _CONTAINER,
}

# estimator class name -> {check name: reason}
EXPECTED_FAILED: dict[str, dict[str, str]] = {
    "WOEBinner": dict.fromkeys(_LABEL_CHECKS, _LABELS),
    "Scorecard": _SCORECARD,
    "WOESelector": {"check_estimators_dtypes": _LABELS, "check_fit2d_1feature": _LABELS},
    "PDCalibrator": {
        **dict.fromkeys(_LABEL_CHECKS, _LABELS),
        "check_classifiers_classes": _LABELS,
        "check_classifier_data_not_an_array": _LABELS,
        "check_fit2d_1feature": _LABELS,
    },
}


def _expected_failed(estimator: Any) -> dict[str, str]:
    return EXPECTED_FAILED.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed)
def test_sklearn_compatible(estimator: Any, check: Any) -> None:
    check(estimator)
