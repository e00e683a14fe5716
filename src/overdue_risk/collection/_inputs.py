"""Input checks shared by the collection modules: a table's columns, the logged actions.

Every public function of the package takes its tables the same way (a DataFrame or a dict
of equal-length columns, through :func:`overdue_risk._validation.as_mapping_of_columns`)
and the two that read a collections log (:func:`estimate_effects`, :func:`evaluate_policy`)
read its actions and propensities the same way; both happen here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import as_mapping_of_columns, check_columns, format_values
from overdue_risk.exceptions import DataError

__all__ = ["logged_actions", "table_columns"]


def table_columns(frame: Any, what: str, required: Sequence[str] = ()) -> Mapping[str, Any]:
    """The columns of ``frame`` by name, after checking that ``required`` are present.

    Examples
    --------
    >>> sorted(table_columns({"dpd": [1], "balance": [2.0]}, "accounts", ["dpd"]))
    ['balance', 'dpd']
    """
    cols = as_mapping_of_columns(frame)
    if cols is None:
        raise DataError(f"{what} must be a DataFrame or a dict of equal-length columns.")
    check_columns(cols.keys(), list(required), what=what)
    return cols


def logged_actions(
    cols: Mapping[str, Any], actions: tuple[str, ...]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Column index of every logged ``action`` and the ``propensity_<action>`` matrix.

    The propensities must be finite and >= 0, and the action taken must have had a
    positive one (else they are not the logging policy's).

    Examples
    --------
    >>> taken, prop = logged_actions(
    ...     {"action": ["b", "a"], "propensity_a": [0.5, 0.5], "propensity_b": [0.5, 0.5]},
    ...     ("a", "b"))
    >>> taken.tolist(), prop.shape
    ([1, 0], (2, 2))
    """
    names = np.asarray(cols["action"], dtype=object).astype(str)
    unknown = sorted(set(names.tolist()) - set(actions))
    if unknown:
        raise DataError(f"logged actions {format_values(unknown)} are not in actions=.")
    lookup = {a: j for j, a in enumerate(actions)}
    taken = np.fromiter((lookup[a] for a in names), dtype=np.int64, count=names.size)
    prop = np.column_stack([np.asarray(cols[f"propensity_{a}"], dtype=np.float64) for a in actions])
    if not (np.isfinite(prop).all() and (prop >= 0).all()):
        raise DataError("propensity columns must be finite probabilities >= 0.")
    zero = prop[np.arange(names.size), taken] <= 0
    if zero.any():
        i = int(np.flatnonzero(zero)[0])
        raise DataError(
            f"row {i} took action {names[i]!r} with propensity 0; the propensities must "
            "be those of the policy that chose the logged actions."
        )
    return taken, prop
