"""Reason codes (adverse-action reasons) from a points matrix, vectorised.

For applicant ``i`` and feature ``j`` the points lost are ``max_points[j] - points[i, j]``:
what the applicant would gain by holding the best attainable bin of that feature. The
reasons are the ``k`` features with the largest loss.

Tie rule: equal losses are ordered by the feature's position in the card (earlier first).
Features losing 0 points are never listed; rows with fewer than ``k`` losing features are
padded with ``None`` codes and 0 lost points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk.exceptions import DataError

__all__ = ["ReasonCodes", "rank_reasons"]


def rank_reasons(
    points: npt.ArrayLike, max_points: npt.ArrayLike, k: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Top-``k`` features by points lost, per row, with the documented tie rule.

    Parameters
    ----------
    points : array-like of shape (n_rows, n_features)
        Points each row scores on each feature.
    max_points : array-like of shape (n_features,)
        Best points attainable on each feature.
    k : int
        Number of reasons per row (always ``k`` columns, padded when fewer features).

    Returns
    -------
    index : ndarray of int64, shape (n_rows, k)
        Feature positions, most points lost first; -1 where fewer than ``k`` features
        lose points.
    lost : ndarray of float64, shape (n_rows, k)
        Points lost by those features (0 where the index is -1).

    Examples
    --------
    >>> idx, lost = rank_reasons([[10, 5, 7], [20, 30, 40]], [20, 5, 10], k=2)
    >>> idx.tolist(), lost.tolist()
    ([[0, 2], [-1, -1]], [[10.0, 3.0], [0.0, 0.0]])
    """
    pts = np.asarray(points, dtype=np.float64)
    mx = np.asarray(max_points, dtype=np.float64)
    n, p = pts.shape
    kk = min(int(k), p)
    loss = np.maximum(mx[None, :] - pts, 0.0)
    # stable sort on -loss: equal losses keep card order (the documented tie rule)
    order = np.argsort(-loss, axis=1, kind="stable")[:, :kk]
    lost = np.take_along_axis(loss, order, axis=1)
    idx = np.full((n, int(k)), -1, dtype=np.int64)
    out = np.zeros((n, int(k)))
    idx[:, :kk] = np.where(lost > 0, order, -1)
    out[:, :kk] = np.where(lost > 0, lost, 0.0)
    return idx, out


@dataclass(frozen=True, eq=False)
class ReasonCodes(Result):
    """Adverse-action reasons per applicant.

    Attributes
    ----------
    codes : ndarray of object, shape (n_rows, k)
        Reason code of each reason (``None`` where the row has fewer reasons).
    features : ndarray of object, shape (n_rows, k)
        Feature name of each reason (``None`` likewise).
    points_lost : ndarray of float64, shape (n_rows, k)
        Points lost against the feature's best attainable bin (0 likewise).
    score : ndarray of float64, shape (n_rows,)
        Total points of each row.

    Examples
    --------
    >>> r = ReasonCodes.from_points([[10.0, 5.0]], [20.0, 9.0], ["age", "dti"],
    ...                             ["AGE", "DTI"], k=2, score=[615.0])
    >>> r.codes.tolist(), r.points_lost.tolist()
    ([['AGE', 'DTI']], [[10.0, 4.0]])
    """

    codes: npt.NDArray[np.object_]
    features: npt.NDArray[np.object_]
    points_lost: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]

    @classmethod
    def from_points(
        cls,
        points: npt.ArrayLike,
        max_points: npt.ArrayLike,
        feature_names: Sequence[str],
        reason_codes: Sequence[str],
        k: int,
        score: npt.ArrayLike,
    ) -> ReasonCodes:
        """Rank reasons from a points matrix (see :func:`rank_reasons`)."""
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise DataError(f"k must be a positive integer (reasons per row); got {k!r}.")
        idx, lost = rank_reasons(points, max_points, int(k))
        names = np.array([*feature_names, None], dtype=object)
        codes = np.array([*reason_codes, None], dtype=object)
        return cls(
            codes=codes[idx],  # idx == -1 picks the trailing None
            features=names[idx],
            points_lost=lost,
            score=np.asarray(score, dtype=np.float64),
        )

    @property
    def k(self) -> int:
        """Reasons per row."""
        return int(self.codes.shape[1])

    def to_frame(self) -> Any:
        """One row per applicant: ``score``, ``reason_1..k``, ``feature_1..k``, ``lost_1..k``."""
        import pandas as pd

        data: dict[str, Any] = {"score": self.score}
        for j in range(self.k):
            data[f"reason_{j + 1}"] = self.codes[:, j]
        for j in range(self.k):
            data[f"feature_{j + 1}"] = self.features[:, j]
        for j in range(self.k):
            data[f"lost_{j + 1}"] = self.points_lost[:, j]
        return pd.DataFrame(data)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        counts: dict[str, int] = {}
        lost: dict[str, float] = {}
        for c, pl in zip(self.codes[:, 0], self.points_lost[:, 0], strict=True):
            if c is not None:
                counts[c] = counts.get(c, 0) + 1
                lost[c] = lost.get(c, 0.0) + float(pl)
        rows = [
            [c, counts[c], lost[c] / counts[c]]
            for c in sorted(counts, key=lambda c: (-counts[c], c))
        ]
        n = int(self.codes.shape[0])
        footer = f"{n} applicants; first reason shown; ties broken by card order."
        return "Reason codes (first reason)", ["code", "count", "mean_points_lost"], rows, footer
