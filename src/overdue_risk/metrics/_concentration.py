"""Concentration of a portfolio over grades: the Herfindahl index."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import (
    format_values,
)
from overdue_risk.exceptions import DataError

__all__ = ["HerfindahlResult", "herfindahl"]


# ----------------------------------------------------------------------------- concentration
@dataclass(frozen=True)
class HerfindahlResult(Result):
    """Herfindahl-Hirschman concentration of obligors (or exposure) over grades.

    Attributes
    ----------
    statistic : float
        HHI = sum s_k^2 of grade shares s_k, in [1/K, 1].
    normalized : float
        (HHI - 1/K) / (1 - 1/K) in [0, 1] (0 = evenly spread, 1 = one grade).
    coefficient_of_variation : float
        sqrt(K * HHI - 1), the coefficient of variation of the grade shares (ECB 2019).
    n_grades : int
        K.
    shares : tuple of float
        Grade shares.

    Examples
    --------
    >>> h = herfindahl([60, 30, 10])
    >>> round(h.statistic, 2), h.n_grades
    (0.46, 3)
    >>> h.to_frame()["share"].tolist()
    [0.6, 0.3, 0.1]
    """

    statistic: float
    normalized: float
    coefficient_of_variation: float
    n_grades: int
    shares: tuple[float, ...]

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        return (
            "Herfindahl index of grade concentration",
            ["HHI", "normalized HHI", "CV", "grades"],
            [[self.statistic, self.normalized, self.coefficient_of_variation, self.n_grades]],
            "",
        )

    def to_frame(self) -> Any:
        """DataFrame of grade shares."""
        import pandas as pd

        return pd.DataFrame({"grade": range(len(self.shares)), "share": self.shares})


def herfindahl(counts: npt.ArrayLike) -> HerfindahlResult:
    """Herfindahl index of the distribution of obligors (or exposure) over grades.

    Parameters
    ----------
    counts : array-like of shape (n_grades,)
        Number of obligors (or exposure) per grade, empty grades included.

    Returns
    -------
    HerfindahlResult

    References
    ----------
    .. [1] European Central Bank (2019). Instructions for reporting the validation results
       of internal models (Herfindahl index of the grade distribution and its
       coefficient of variation).

    Examples
    --------
    >>> herfindahl([25, 25, 25, 25]).normalized
    0.0
    >>> herfindahl([0, 100, 0]).statistic
    1.0
    """
    c = np.asarray(counts, dtype=np.float64).reshape(-1)
    if c.size == 0 or not np.all(np.isfinite(c)) or (c < 0).any() or c.sum() <= 0:
        raise DataError(
            f"counts must be finite, non-negative, not all zero, one per grade; got "
            f"{format_values(c)}."
        )
    s = c / c.sum()
    hhi = float(np.sum(s * s))
    k = c.size
    norm = (hhi - 1.0 / k) / (1.0 - 1.0 / k) if k > 1 else 1.0
    cv = math.sqrt(max(k * hhi - 1.0, 0.0))
    return HerfindahlResult(hhi, max(norm, 0.0), cv, k, tuple(s.tolist()))
