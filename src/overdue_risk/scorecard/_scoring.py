"""Reading a fitted card's input: the one column adapter, checked against the fit.

A scorecard reads any table through :func:`overdue_risk._columns.as_columns`; these
functions add what the card knows: the columns it was fitted on (their number, names and
order, as scikit-learn checks them) and the bin of every row on every card feature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.utils.validation import validate_data

from overdue_risk._columns import Columns, as_columns
from overdue_risk._estimator import data_errors
from overdue_risk._validation import format_values
from overdue_risk.exceptions import DataError
from overdue_risk.scorecard._card import CardFeature
from overdue_risk.scorecard._fit import card_column
from overdue_risk.scorecard._reasons import ReasonCodes

__all__ = [
    "card_columns",
    "card_points",
    "card_reasons",
    "check_input_features",
    "slot_matrix",
    "total_points",
]


def check_input_features(est: Any, X: Any, cols: Columns, *, reset: bool) -> None:
    """Record (``reset``) or check the number and names of the input columns of ``est``."""
    if isinstance(X, Mapping):  # a dict of columns (or one record): named by its keys
        if reset:
            est.n_features_in_ = len(cols)
            est.feature_names_in_ = np.asarray(cols.names, dtype=object)
        return
    with data_errors(
        type(est).__name__,
        f"The card scores {format_values(getattr(est, 'features_', []))}; pass the "
        "columns it was fitted on.",
    ):
        validate_data(est, X, reset=reset, skip_check_array=True)


def card_columns(est: Any, X: Any) -> Columns:
    """``X`` through the one column adapter, its columns named as in ``est.fit``.

    A 2-D array holds the fitted columns in the fitted order; named data is read by
    name (extra columns such as loan ids are ignored), and a frame with exactly the fitted
    columns must keep their order (scikit-learn's check).
    """
    cols = as_columns(X)
    if not cols.named:
        if est.is_expert_ and len(cols) != est.n_features_in_:
            raise DataError(
                f"X has {len(cols)} features, but Scorecard is expecting "
                f"{est.n_features_in_} features as input (the card's features "
                f"{format_values(est.features_)}, in that order)."
            )
        if not est.is_expert_:
            check_input_features(est, X, cols, reset=False)
        return as_columns(X, names=est._input_names)
    missing = [f for f in est.features_ if f not in cols]
    if missing:
        raise DataError(
            f"the data lacks columns {format_values(missing)} that the card scores; "
            f"it has {format_values(cols.names)}. Rename or add those columns."
        )
    if (
        not isinstance(X, Mapping)
        and not est.is_expert_
        and set(cols.names) == set(est._input_names)
    ):
        check_input_features(est, X, cols, reset=False)  # same columns: same order
    return cols


def slot_matrix(card: Sequence[CardFeature], cols: Columns) -> npt.NDArray[np.int64]:
    """Index-layout slot of every row (rows) on every card feature (columns)."""
    out = np.empty((cols.n_rows, len(card)), dtype=np.int64)
    for j, f in enumerate(card):
        out[:, j] = f.bin_index(card_column(cols, f.name, f.kind))
    return out


def card_points(
    card: Sequence[CardFeature], slots: npt.NDArray[np.int64], *, raw: bool = False
) -> npt.NDArray[np.float64]:
    """Points of every row on every card feature, from :func:`slot_matrix`'s slots."""
    out = np.empty(slots.shape, dtype=np.float64)
    for j, f in enumerate(card):
        out[:, j] = (f.points_raw if raw else f.points)[slots[:, j]]
    return out


def total_points(points: npt.NDArray[np.float64], intercept: float) -> npt.NDArray[np.float64]:
    """``intercept`` plus each row's points, summed in card order (the runtime's order)."""
    total = np.full(points.shape[0], intercept)
    for j in range(points.shape[1]):  # left to right, as the runtime sums
        total = total + points[:, j]
    return total


def card_reasons(
    card: Sequence[CardFeature], points: npt.NDArray[np.float64], intercept: float, k: int
) -> ReasonCodes:
    """Reason codes from the card's points matrix (``Scorecard.reason_codes``)."""
    max_points = [f.max_points for f in card]
    codes = [f.reason_code for f in card]
    names = [f.name for f in card]
    return ReasonCodes.from_points(
        points, max_points, names, codes, k, total_points(points, intercept)
    )
