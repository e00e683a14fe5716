"""MasterScale: rating grades with PD boundaries, grade assignment, calibration of each
grade's PD and the spec's master_scale.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import (
    FloatArray,
    check_binary_target,
    check_probability,
    check_sample_weight,
    format_values,
)
from overdue_risk.calibration._common import _check_rate
from overdue_risk.exceptions import DataError, OverdueRiskWarning, SpecError
from overdue_risk.runtime import master_scale_block

__all__ = ["MasterScale"]


# ----------------------------------------------------------------------------- master scale
def _default_grade_names(k: int) -> tuple[str, ...]:
    if k <= 26:
        return tuple(chr(ord("A") + i) for i in range(k))
    return tuple(str(i + 1) for i in range(k))


@dataclass(frozen=True)
class MasterScale(Result):
    """Rating grades with PD boundaries and a calibrated PD per grade.

    Grade ``i`` holds PDs with ``upper_pd[i-1] < pd <= upper_pd[i]`` (the spec's rule,
    ``numpy.searchsorted(upper_pd, pd, side="left")``); the last boundary is 1.0. Build
    one with :meth:`from_boundaries` or :meth:`geometric`.

    Parameters
    ----------
    grades : tuple of str
        Grade names, best grade first.
    upper_pd : tuple of float
        Upper PD boundary of each grade, strictly increasing, ending at 1.0.
    pd : tuple of float
        Calibrated PD of each grade, in (0, 1].

    See Also
    --------
    PDCalibrator : the PDs to grade.

    References
    ----------
    .. [1] Basel Committee on Banking Supervision (2006). International Convergence of
       Capital Measurement and Capital Standards, paragraphs 403-404 (rating grades) and
       447 (long-run averages of one-year default rates).

    Examples
    --------
    >>> ms = MasterScale.from_boundaries([0.01, 0.05, 0.2])
    >>> ms.grades
    ('A', 'B', 'C', 'D')
    >>> ms.assign([0.005, 0.01, 0.03, 0.5]).tolist()
    ['A', 'A', 'B', 'D']
    """

    grades: tuple[str, ...]
    upper_pd: tuple[float, ...]
    pd: tuple[float, ...]

    def __post_init__(self) -> None:
        k = len(self.grades)
        if k == 0 or len(self.upper_pd) != k or len(self.pd) != k:
            raise DataError(
                f"grades, upper_pd and pd need one entry per grade; got {len(self.grades)}, "
                f"{len(self.upper_pd)}, {len(self.pd)}."
            )
        if len(set(self.grades)) != k:
            raise DataError(f"grade names must be unique; got {format_values(self.grades)}.")
        up = np.asarray(self.upper_pd, dtype=float)
        if not np.all(np.isfinite(up)) or up[0] <= 0 or np.any(np.diff(up) <= 0):
            raise DataError(
                f"upper_pd must be positive and strictly increasing; got {format_values(up)}."
            )
        if up[-1] != 1.0:
            raise DataError(
                f"the last grade must close the scale at 1.0; got upper_pd[-1] = {up[-1]!r}. "
                "Append 1.0 (from_boundaries does it for you)."
            )
        p = np.asarray(self.pd, dtype=float)
        if not np.all(np.isfinite(p)) or (p <= 0).any() or (p > 1).any():
            raise DataError(f"grade PDs must lie in (0, 1]; got {format_values(p)}.")

    # -- constructors
    @classmethod
    def from_boundaries(
        cls,
        upper_pd: Sequence[float],
        *,
        grades: Sequence[str] | None = None,
        pd: Sequence[float] | None = None,
    ) -> MasterScale:
        """Build a scale from upper PD boundaries.

        Parameters
        ----------
        upper_pd : sequence of float
            Strictly increasing upper boundaries. If the last is below 1.0, a final grade
            up to 1.0 is appended.
        grades : sequence of str, optional
            Names (default "A", "B", ...).
        pd : sequence of float, optional
            Grade PDs (default: the geometric mean of each grade's bounds; the first
            grade's lower bound is taken as its upper bound over the ratio of the next
            grade's bounds, the last grade's PD is the geometric mean of its lower bound
            and 1).

        Returns
        -------
        MasterScale

        Examples
        --------
        >>> MasterScale.from_boundaries([0.01, 0.04, 1.0]).pd
        (0.005, 0.02, 0.2)
        """
        up = [float(v) for v in upper_pd]
        if not up:
            raise DataError("upper_pd is empty; pass at least one boundary.")
        if up[-1] < 1.0:
            up.append(1.0)
        k = len(up)
        names = tuple(str(g) for g in grades) if grades is not None else _default_grade_names(k)
        if pd is None:
            lows = [0.0, *up[:-1]]
            pds = []
            for i in range(k):
                lo = lows[i]
                if lo <= 0.0:
                    ratio = up[i + 1] / up[i] if k > 1 and up[i] > 0 else 4.0
                    lo = up[i] / ratio
                pds.append(math.sqrt(lo * up[i]))
            pd_t = tuple(pds)
        else:
            pd_t = tuple(float(v) for v in pd)
        return cls(names, tuple(up), pd_t)

    @classmethod
    def geometric(
        cls,
        n_grades: int,
        *,
        floor: float = 0.0003,
        cap: float = 0.3,
        grades: Sequence[str] | None = None,
    ) -> MasterScale:
        """A scale whose grade PDs grow geometrically from ``floor`` to ``cap``.

        Grade PDs are floor * r^i (i = 0..n-1, r = (cap / floor)^(1 / (n - 1))); the
        boundary between two grades is the geometric mean of their PDs; the last grade
        runs up to 1.0.

        Parameters
        ----------
        n_grades : int
            Number of grades (at least 2).
        floor : float, default=0.0003
            PD of the best grade (the Basel PD floor of 3 basis points by default).
        cap : float, default=0.3
            PD of the worst grade.
        grades : sequence of str, optional
            Names (default "A", "B", ...).

        Returns
        -------
        MasterScale

        Examples
        --------
        >>> ms = MasterScale.geometric(3, floor=0.01, cap=0.16)
        >>> ms.pd
        (0.01, 0.04, 0.16)
        >>> ms.upper_pd
        (0.02, 0.08, 1.0)
        """
        if isinstance(n_grades, bool) or int(n_grades) != n_grades or n_grades < 2:
            raise DataError(f"n_grades must be an integer >= 2; got {n_grades!r}.")
        lo, hi = _check_rate(floor, "floor"), _check_rate(cap, "cap")
        if lo >= hi:
            raise DataError(f"floor must be below cap; got floor={floor!r}, cap={cap!r}.")
        k = int(n_grades)
        r = (hi / lo) ** (1.0 / (k - 1))
        pds = [lo * r**i for i in range(k)]
        pds[-1] = hi
        ups = [math.sqrt(pds[i] * pds[i + 1]) for i in range(k - 1)] + [1.0]
        pds_r = tuple(float(f"{v:.12g}") for v in pds)
        ups_r = tuple(float(f"{v:.12g}") for v in ups)
        names = tuple(str(g) for g in grades) if grades is not None else _default_grade_names(k)
        return cls(names, ups_r, pds_r)

    @classmethod
    def from_spec_dict(cls, d: Mapping[str, Any]) -> MasterScale:
        """Inverse of :meth:`to_spec_dict`.

        Examples
        --------
        >>> ms = MasterScale.geometric(4)
        >>> MasterScale.from_spec_dict(ms.to_spec_dict()) == ms
        True
        """
        try:
            return cls(
                tuple(str(g) for g in d["grades"]),
                tuple(float(v) for v in d["upper_pd"]),
                tuple(float(v) for v in d.get("pd", d["upper_pd"])),
            )
        except (KeyError, TypeError) as exc:
            raise SpecError(
                f"master_scale needs 'grades', 'upper_pd' and 'pd' lists; got keys "
                f"{sorted(d) if isinstance(d, Mapping) else type(d).__name__} ({exc})."
            ) from None

    # -- use
    @property
    def n_grades(self) -> int:
        """Number of grades.

        Examples
        --------
        >>> MasterScale.geometric(5).n_grades
        5
        """
        return len(self.grades)

    def grade_index(self, pd: npt.ArrayLike) -> npt.NDArray[np.intp]:
        """Index of each PD's grade (0 = best).

        Examples
        --------
        >>> MasterScale.from_boundaries([0.01, 0.05]).grade_index([0.01, 0.011]).tolist()
        [0, 1]
        """
        p = check_probability(np.asarray(pd, dtype=np.float64), "pd")
        return np.searchsorted(np.asarray(self.upper_pd), p, side="left")

    def assign(self, pd: npt.ArrayLike) -> npt.NDArray[np.str_]:
        """Grade name of each PD.

        Examples
        --------
        >>> MasterScale.from_boundaries([0.02]).assign([0.01, 0.5]).tolist()
        ['A', 'B']
        """
        names: npt.NDArray[np.str_] = np.asarray(self.grades, dtype=str)[self.grade_index(pd)]
        return names

    def grade_counts(
        self, pd: npt.ArrayLike, y: npt.ArrayLike, *, sample_weight: npt.ArrayLike | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Obligors and defaults per grade: the inputs of the backtests.

        Parameters
        ----------
        pd : array-like of shape (n,)
            Obligors' PDs (they decide the grade).
        y : array-like of shape (n,)
            Default flags.
        sample_weight : array-like of shape (n,), optional
            Weights.

        Returns
        -------
        (n_obligors, n_defaults) : two ndarrays of shape (n_grades,)
            Float arrays; whole numbers unless weights are given (the binomial-type
            backtests need whole counts, so weight by repeating rows or use counts).

        Examples
        --------
        >>> ms = MasterScale.from_boundaries([0.02])
        >>> [a.tolist() for a in ms.grade_counts([0.01, 0.01, 0.3], [0, 1, 1])]
        [[2.0, 1.0], [1.0, 1.0]]
        """
        idx = self.grade_index(np.asarray(pd, dtype=np.float64).reshape(-1))
        yy = check_binary_target(y, name="y", allow_single_class=True)
        if yy.size != idx.size:
            raise DataError(f"pd has {idx.size} rows but y has {yy.size}; pass one flag per PD.")
        w = check_sample_weight(sample_weight, idx.size)
        k = self.n_grades
        n: FloatArray = np.bincount(idx, weights=w, minlength=k).astype(np.float64)
        d: FloatArray = np.bincount(idx, weights=w * yy.astype(float), minlength=k).astype(
            np.float64
        )
        return n, d

    def calibrate(
        self,
        pd: npt.ArrayLike,
        y: npt.ArrayLike,
        *,
        periods: npt.ArrayLike | None = None,
        sample_weight: npt.ArrayLike | None = None,
        pd_floor: float = 0.0003,
        pd_cap: float | None = None,
        estimator: str = "rate",
    ) -> MasterScale:
        """Grade-level calibration: each grade's PD becomes its long-run default rate.

        Parameters
        ----------
        pd : array-like of shape (n,)
            Obligors' PDs (they decide the grade; the boundaries do not change).
        y : array-like of shape (n,)
            Default flags observed over each obligor's one-year window.
        periods : array-like of shape (n,), optional
            Observation period (e.g. cohort year) of each row. Given, the long-run
            default rate of a grade is the arithmetic mean of its one-year default
            rates over the periods in which it had obligors (Basel II para. 447; EBA
            GL/2017/16 section 5.3.5). Omitted, it is the pooled default rate.
        sample_weight : array-like of shape (n,), optional
            Weights.
        pd_floor : float, default=0.0003
            Floor on a grade PD: a grade without defaults would otherwise get 0. The
            default is the 0.03 % floor of the Capital Requirements Regulation (CRR,
            Regulation (EU) No 575/2013, Art. 160(1) for corporates and Art. 163(1) for
            retail); the Basel III final reform (BCBS 2017, CRE32.3 and CRE36.3) raises it
            to 0.05 % -- pass ``pd_floor=0.0005`` to follow it.
        pd_cap : float, optional
            Cap on a grade PD, below 1: a small grade in which every obligor defaulted
            would otherwise get 1. A PD of 100 % is reserved for defaulted exposures (CRR
            Art. 160(3)); a grade of performing obligors never carries it. Default None
            means ``1 - pd_floor``, which keeps the scale symmetric in log-odds.
        estimator : {"rate", "jeffreys"}, default="rate"
            How a grade's one-period default rate is estimated from its D defaults among
            N obligors. ``"rate"`` is the observed rate D / N. ``"jeffreys"`` is the
            posterior mean (D + 1/2) / (N + 1) under the Jeffreys prior Beta(1/2, 1/2) --
            the prior behind the ECB (2019) Jeffreys backtest -- which is never 0 or 1 and
            shrinks small grades towards 1/2 by half an obligor; on large grades it equals
            the observed rate. The floor and cap apply after either estimator.

        Returns
        -------
        MasterScale
            Same grades and boundaries, new ``pd``, every grade PD inside
            ``[pd_floor, pd_cap]`` (so the scale passes straight into
            :func:`~overdue_risk.backtest.hosmer_lemeshow_test`, ``jeffreys_test`` and
            ``binomial_test``). A grade without obligors keeps its PD (clipped to the same
            range). An OverdueRiskWarning is issued when the calibrated PDs are not
            non-decreasing over the grades.

        References
        ----------
        .. [1] Regulation (EU) No 575/2013 (CRR), Articles 160(1), 160(3) and 163(1).
        .. [2] European Central Bank (2019). Instructions for reporting the validation
           results of internal models, section 2.5.3.1 (Jeffreys test).
        .. [3] Brown, L. D., Cai, T. T., DasGupta, A. (2001). Interval estimation for a
           binomial proportion. Statistical Science 16(2), 101-133 (the Jeffreys prior).

        Examples
        --------
        >>> ms = MasterScale.from_boundaries([0.02])
        >>> ms.calibrate([0.01, 0.01, 0.01, 0.01, 0.3, 0.3], [0, 0, 0, 1, 1, 0]).pd
        (0.25, 0.5)
        >>> ms.calibrate([0.01, 0.01, 0.3, 0.3], [0, 0, 1, 1]).pd  # floor and cap
        (0.0003, 0.9997)
        >>> ms.calibrate([0.01, 0.01, 0.3, 0.3], [0, 0, 1, 1], estimator="jeffreys").pd
        (0.16666666666666666, 0.8333333333333334)
        """
        floor = _check_rate(pd_floor, "pd_floor")
        cap = 1.0 - floor if pd_cap is None else _check_rate(pd_cap, "pd_cap")
        if cap <= floor:
            raise DataError(
                f"pd_cap must be above pd_floor; got pd_floor={pd_floor!r}, pd_cap={pd_cap!r}."
            )
        if estimator not in ("rate", "jeffreys"):
            raise DataError(
                f"estimator must be 'rate' or 'jeffreys'; got {estimator!r}. Use 'jeffreys' "
                "to shrink small grades away from 0 and 1."
            )
        prior = 0.5 if estimator == "jeffreys" else 0.0
        p = np.asarray(pd, dtype=np.float64).reshape(-1)
        if periods is None:
            n, d = self.grade_counts(p, y, sample_weight=sample_weight)
            with np.errstate(invalid="ignore", divide="ignore"):
                rate = np.where(n > 0, (d + prior) / np.where(n > 0, n + 2 * prior, 1.0), np.nan)
        else:
            per = np.asarray(periods).reshape(-1)
            if per.size != p.size:
                raise DataError(
                    f"periods has {per.size} rows but pd has {p.size}; pass one per obligor."
                )
            w_all = check_sample_weight(sample_weight, p.size)
            rates = []
            for value in np.unique(per):
                m = per == value
                n, d = self.grade_counts(p[m], np.asarray(y).reshape(-1)[m], sample_weight=w_all[m])
                with np.errstate(invalid="ignore", divide="ignore"):
                    rates.append(
                        np.where(n > 0, (d + prior) / np.where(n > 0, n + 2 * prior, 1.0), np.nan)
                    )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                rate = np.nanmean(np.vstack(rates), axis=0)
        new = np.clip(np.where(np.isnan(rate), np.asarray(self.pd), rate), floor, cap)
        if np.any(np.diff(new) < 0):
            warnings.warn(
                f"calibrated grade PDs are not non-decreasing over the grades: "
                f"{format_values(np.round(new, 6).tolist())}. Merge grades or smooth the PDs "
                "before using the scale.",
                OverdueRiskWarning,
                stacklevel=2,
            )
        return MasterScale(self.grades, self.upper_pd, tuple(float(v) for v in new))

    def to_spec_dict(self) -> dict[str, Any]:
        """The ``master_scale`` object of the scoring spec.

        Examples
        --------
        >>> MasterScale.from_boundaries([0.05], pd=[0.02, 0.2]).to_spec_dict()
        {'grades': ['A', 'B'], 'upper_pd': [0.05, 1.0], 'pd': [0.02, 0.2]}
        """
        return master_scale_block(self.grades, upper_pd=self.upper_pd, pd=self.pd)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        lows = (0.0, *self.upper_pd[:-1])
        rows = [
            [g, lo, hi, p]
            for g, lo, hi, p in zip(self.grades, lows, self.upper_pd, self.pd, strict=True)
        ]
        return (
            "Master scale",
            ["grade", "PD above", "PD up to", "grade PD"],
            rows,
            "grade i holds upper_pd[i-1] < PD <= upper_pd[i].",
        )

    def to_frame(self) -> Any:
        """DataFrame with one row per grade.

        Examples
        --------
        >>> MasterScale.from_boundaries([0.1], pd=[0.05, 0.3]).to_frame().values.tolist()
        [['A', 0.0, 0.1, 0.05], ['B', 0.1, 1.0, 0.3]]
        """
        import pandas as pd

        _, _, rows, _ = self._summary_table()
        return pd.DataFrame(rows, columns=["grade", "lower_pd", "upper_pd", "pd"])
