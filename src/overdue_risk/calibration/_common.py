"""Log-odds helpers shared by the calibration modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from overdue_risk._validation import FloatArray
from overdue_risk.exceptions import DataError

__all__ = []


# ----------------------------------------------------------------------------- helpers
def _logit(p: FloatArray) -> FloatArray:
    from scipy.special import logit

    out: FloatArray = np.asarray(logit(p), dtype=np.float64)
    return out


def _expit(z: FloatArray) -> FloatArray:
    from scipy.special import expit

    out: FloatArray = np.asarray(expit(z), dtype=np.float64)
    return out


def _check_rate(value: Any, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be a number in (0, 1); got {value!r}.") from None
    if not 0.0 < v < 1.0:
        raise DataError(
            f"{name} must lie in (0, 1); got {value!r}. Pass a rate such as 0.035, not a "
            "percentage."
        )
    return v


def _solve_shift(mean_of: Callable[[float], float], target: float) -> float:
    """Root of mean_of(delta) = target; mean_of is increasing in the log-odds shift."""
    from scipy.optimize import brentq

    lo, hi = -1.0, 1.0
    for _ in range(60):
        if mean_of(lo) <= target:
            break
        lo *= 2.0
    for _ in range(60):
        if mean_of(hi) >= target:
            break
        hi *= 2.0
    f_lo, f_hi = mean_of(lo) - target, mean_of(hi) - target
    if f_lo > 0 or f_hi < 0:
        raise DataError(
            f"no log-odds shift moves the mean PD to {target!r}: the PDs are stuck at 0 or 1. "
            "Check the calibrated PDs."
        )
    return float(brentq(lambda d: mean_of(d) - target, lo, hi, xtol=1e-12, rtol=1e-12))
