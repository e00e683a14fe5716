"""The result of a PD backtest per grade and the traffic-light rule that colours it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray
from overdue_risk.exceptions import DataError

__all__ = ["BacktestResult", "traffic_light"]

_TRAFFIC = ("green", "yellow", "red", "n/a")


def traffic_light(
    pvalue: npt.ArrayLike | float, *, levels: tuple[float, float] = (0.95, 0.999)
) -> npt.NDArray[np.str_]:
    """Traffic-light classification of one-sided backtest p-values.

    The confidence level reached by the observed defaults is ``1 - pvalue``:
    green below ``levels[0]``, yellow from ``levels[0]`` up to ``levels[1]``, red from
    ``levels[1]`` on (defaults: green < 0.95 <= yellow < 0.999 <= red).

    Parameters
    ----------
    pvalue : float or array-like
        One-sided p-values (small = more defaults than the PD predicts).
    levels : tuple of two floats, default=(0.95, 0.999)
        Yellow and red confidence levels, ``0 < levels[0] < levels[1] < 1``.

    Returns
    -------
    ndarray of str
        "green", "yellow" or "red" per p-value; "n/a" for a NaN p-value (an empty grade).

    References
    ----------
    .. [1] Tasche, D. (2003). A traffic lights approach to PD validation. Deutsche
       Bundesbank working paper, arXiv:cond-mat/0305038.
    .. [2] Oesterreichische Nationalbank (2004). Guidelines on Credit Risk Management:
       Rating Models and Validation, section 6.2 (traffic-light approach).

    Examples
    --------
    >>> traffic_light([0.30, 0.01, 0.0005, float("nan")]).tolist()
    ['green', 'yellow', 'red', 'n/a']
    """
    lo, hi = (float(v) for v in levels)
    if not 0.0 < lo < hi < 1.0:
        raise DataError(f"levels must satisfy 0 < yellow < red < 1; got {levels!r}.")
    pv = np.atleast_1d(np.asarray(pvalue, dtype=np.float64))
    bad = ~np.isnan(pv) & ~((pv >= 0.0) & (pv <= 1.0))
    if bad.any():
        raise DataError(
            f"pvalue must lie in [0, 1] (or be NaN for an empty grade); got "
            f"{pv[bad][:5].tolist()}. Pass the p-values of a backtest."
        )
    conf = 1.0 - pv
    idx = (conf >= lo).astype(int) + (conf >= hi).astype(int)
    idx[np.isnan(conf)] = 3
    out: npt.NDArray[np.str_] = np.asarray(_TRAFFIC, dtype=str)[idx]
    return out


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class BacktestResult(Result):
    """Result of a grade-level calibration backtest.

    Attributes
    ----------
    test : str
        Name of the test.
    statistic : float
        Portfolio statistic (test-specific: a z value, a chi-square, a count, ...).
    pvalue : float
        Portfolio p-value.
    n_obligors, n_defaults : int
        Portfolio totals.
    pd : float
        Portfolio PD (obligor-weighted mean of the grade PDs).
    labels : tuple of str
        Grade (or period) labels.
    grade_n_obligors, grade_n_defaults : tuple of int
        Per grade.
    grade_pd : tuple of float
        Per grade.
    grade_statistic, grade_pvalue : tuple of float
        Per-grade statistic and p-value (NaN where the test has none).
    alternative : str
        "greater" (H1: PD under-estimated), "less" or "two-sided".
    dof : float or None
        Degrees of freedom (chi-square tests).
    rho : float
        Asset correlation (binomial test).
    interval : str
        Method of :meth:`confidence_interval` ("jeffreys" or "clopper-pearson").

    Examples
    --------
    >>> from overdue_risk.backtest import binomial_test
    >>> res = binomial_test([500, 300], [4, 9], [0.01, 0.02], labels=["A", "B"])
    >>> res.labels, res.n_defaults
    (('A', 'B'), 13)
    >>> res.to_frame()["grade"].tolist()
    ['A', 'B', 'portfolio']
    """

    test: str
    statistic: float
    pvalue: float
    n_obligors: int
    n_defaults: int
    pd: float
    labels: tuple[str, ...]
    grade_n_obligors: tuple[int, ...]
    grade_n_defaults: tuple[int, ...]
    grade_pd: tuple[float, ...]
    grade_statistic: tuple[float, ...]
    grade_pvalue: tuple[float, ...]
    alternative: str = "greater"
    dof: float | None = None
    rho: float = 0.0
    interval: str = field(default="clopper-pearson", repr=False)

    @property
    def default_rate(self) -> float:
        """Portfolio observed default rate."""
        return self.n_defaults / self.n_obligors

    @property
    def grade_default_rate(self) -> tuple[float, ...]:
        """Observed default rate per grade (NaN for an empty grade)."""
        return tuple(
            d / n if n else math.nan
            for n, d in zip(self.grade_n_obligors, self.grade_n_defaults, strict=True)
        )

    def confidence_interval(self, confidence_level: float = 0.95) -> tuple[float, float]:
        """Two-sided interval for the portfolio default rate.

        Jeffreys (Beta(D + 1/2, N - D + 1/2) quantiles) for the Jeffreys test,
        Clopper-Pearson otherwise; both assume independent defaults (with asset
        correlation the default rate varies more than these intervals say).

        Examples
        --------
        >>> from overdue_risk.backtest import jeffreys_test
        >>> res = jeffreys_test(200, 25, 0.1)
        >>> tuple(round(v, 5) for v in res.confidence_interval())
        (0.08463, 0.17613)
        """
        lo, hi = self.grade_confidence_intervals(confidence_level, _portfolio=True)
        return (float(lo[0]), float(hi[0]))

    def grade_confidence_intervals(
        self, confidence_level: float = 0.95, *, _portfolio: bool = False
    ) -> tuple[FloatArray, FloatArray]:
        """Per-grade two-sided intervals of the default rate (lower, upper arrays).

        Examples
        --------
        >>> from overdue_risk.backtest import jeffreys_test
        >>> lo, hi = jeffreys_test([200, 100], [25, 0], [0.1, 0.01]).grade_confidence_intervals()
        >>> round(float(hi[1]), 4)
        0.0248
        """
        from scipy.stats import beta

        level = float(confidence_level)
        if not 0.0 < level < 1.0:
            raise DataError(f"confidence_level must lie in (0, 1); got {confidence_level!r}.")
        if _portfolio:
            n = np.array([self.n_obligors], dtype=float)
            d = np.array([self.n_defaults], dtype=float)
        else:
            n = np.asarray(self.grade_n_obligors, dtype=float)
            d = np.asarray(self.grade_n_defaults, dtype=float)
        a = (1.0 - level) / 2.0
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.interval == "jeffreys":
                lo = beta.ppf(a, d + 0.5, n - d + 0.5)
                hi = beta.ppf(1.0 - a, d + 0.5, n - d + 0.5)
                lo = np.where(d == 0, 0.0, lo)
                hi = np.where(d == n, 1.0, hi)
            else:
                lo = np.where(d == 0, 0.0, beta.ppf(a, d, n - d + 1.0))
                hi = np.where(d == n, 1.0, beta.ppf(1.0 - a, d + 1.0, n - d))
        empty = n == 0
        return np.where(empty, np.nan, lo), np.where(empty, np.nan, hi)

    def traffic_light(self, levels: tuple[float, float] = (0.95, 0.999)) -> tuple[str, ...]:
        """Traffic light per grade (see :func:`traffic_light`); one-sided tests only.

        Examples
        --------
        >>> from overdue_risk.backtest import binomial_test
        >>> binomial_test([1000, 1000], [12, 25], [0.01, 0.01]).traffic_light()
        ('green', 'red')
        """
        if self.alternative != "greater":
            raise DataError(
                f"traffic lights classify one-sided 'greater' p-values; this {self.test} has "
                f"alternative {self.alternative!r}. Rerun it with alternative='greater'."
            )
        return tuple(traffic_light(np.asarray(self.grade_pvalue), levels=levels).tolist())

    def _rows(self) -> list[list[Any]]:
        rows: list[list[Any]] = []
        for i, lab in enumerate(self.labels):
            n, d = self.grade_n_obligors[i], self.grade_n_defaults[i]
            rows.append(
                [
                    lab,
                    n,
                    d,
                    d / n if n else math.nan,
                    self.grade_pd[i],
                    self.grade_statistic[i],
                    self.grade_pvalue[i],
                ]
            )
        rows.append(
            [
                "portfolio",
                self.n_obligors,
                self.n_defaults,
                self.default_rate,
                self.pd,
                self.statistic,
                self.pvalue,
            ]
        )
        return rows

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        foot = f"H1: {self.alternative}"
        if self.dof is not None:
            foot += f"; degrees of freedom {self.dof:g}"
        if self.rho:
            foot += f"; asset correlation {self.rho:g}"
        return (
            self.test,
            ["grade", "obligors", "defaults", "default rate", "PD", "statistic", "p-value"],
            self._rows(),
            foot,
        )

    def to_frame(self) -> Any:
        """DataFrame: one row per grade plus a final "portfolio" row."""
        import pandas as pd

        return pd.DataFrame(
            self._rows(),
            columns=[
                "grade",
                "n_obligors",
                "n_defaults",
                "default_rate",
                "pd",
                "statistic",
                "pvalue",
            ],
        )
