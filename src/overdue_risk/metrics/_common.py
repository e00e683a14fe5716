"""Input checks and small statistics shared by the metrics modules."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import (
    FloatArray,
    check_binary_target,
    check_consistent_length,
    check_sample_weight,
)
from overdue_risk.exceptions import DataError

__all__ = []


def _check_scores(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, name: str = "y_score"
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    y = check_binary_target(y_true, name="y_true")
    try:
        s = np.asarray(y_score, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(
            f"{name} must be numeric (PDs or points); got dtype "
            f"{np.asarray(y_score).dtype}. Score the data first."
        ) from None
    if s.ndim == 2 and 1 in s.shape:
        s = s.reshape(-1)
    if s.ndim != 1:
        raise DataError(f"{name} must be one-dimensional; got shape {s.shape}. Pass one column.")
    check_consistent_length(y_true=y, **{name: s})
    bad = ~np.isfinite(s)
    if bad.any():
        idx = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{name} holds {int(bad.sum())} non-finite values (first at row {idx}: {s[idx]!r}). "
            "Score every row (missing values get their bin's points) before measuring."
        )
    return y, s


def _kish(w: FloatArray) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2 (n for equal weights)."""
    total = float(w.sum())
    sq = float(np.dot(w, w))
    return total * total / sq if sq > 0 else 0.0


def _positive_rows(
    y: npt.NDArray[np.int64], s: FloatArray, w: FloatArray
) -> tuple[npt.NDArray[np.int64], FloatArray, FloatArray]:
    """Drop rows of zero weight: they are absent from the weighted (repeated) data."""
    keep = w > 0
    if keep.all():
        return y, s, w
    return y[keep], s[keep], w[keep]


def _check_weights_both_classes(
    y: npt.NDArray[np.int64], sample_weight: npt.ArrayLike | None
) -> FloatArray:
    w = check_sample_weight(sample_weight, y.size)
    for cls, nm in ((1, "defaults (y = 1)"), (0, "non-defaults (y = 0)")):
        if not (w[y == cls] > 0).any():
            raise DataError(
                f"sample_weight is zero on every one of the {nm}; a discrimination measure "
                "needs positive weight in both classes. Check the weights of that class."
            )
    return w


def _count(v: float) -> float | int:
    """Whole counts print as integers; weighted counts keep their decimals."""
    return int(v) if float(v).is_integer() else v
