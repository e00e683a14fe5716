"""Curves over the score: the cumulative accuracy profile (CAP) and the gains table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import (
    FloatArray,
    check_sample_weight,
)
from overdue_risk.exceptions import DataError
from overdue_risk.metrics._common import (
    _check_scores,
    _check_weights_both_classes,
    _count,
    _positive_rows,
)

__all__ = ["CAPResult", "GainsTable", "cap_curve", "gains_table"]


# ----------------------------------------------------------------------------- CAP / gains
@dataclass(frozen=True)
class CAPResult(Result):
    """Cumulative accuracy profile (Lorenz curve of defaults, riskiest first).

    Attributes
    ----------
    fraction_population : tuple of float
        x-axis points (0 first), population share screened, riskiest first.
    fraction_events : tuple of float
        y-axis points: share of all defaults captured.
    accuracy_ratio : float
        Area between the CAP and the diagonal over the same area of the perfect model
        (= Gini coefficient).
    event_rate : float
        Portfolio default rate.

    Examples
    --------
    >>> cap = cap_curve([0, 1, 0, 1], [0.2, 0.9, 0.4, 0.3])
    >>> cap.fraction_events
    (0.0, 0.5, 0.5, 1.0, 1.0)
    >>> cap.to_frame().shape
    (5, 2)
    """

    fraction_population: tuple[float, ...] = field(repr=False)
    fraction_events: tuple[float, ...] = field(repr=False)
    accuracy_ratio: float
    event_rate: float

    @property
    def statistic(self) -> float:
        """The accuracy ratio."""
        return self.accuracy_ratio

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        return (
            "Cumulative accuracy profile",
            ["accuracy ratio", "event rate", "points"],
            [[self.accuracy_ratio, self.event_rate, len(self.fraction_population)]],
            "accuracy ratio = Gini = 2 AUC - 1 for a binary outcome.",
        )

    def to_frame(self) -> Any:
        """DataFrame with the curve's points."""
        import pandas as pd

        return pd.DataFrame(
            {
                "fraction_population": self.fraction_population,
                "fraction_events": self.fraction_events,
            }
        )


def cap_curve(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, *, sample_weight: npt.ArrayLike | None = None
) -> CAPResult:
    """Cumulative accuracy profile and accuracy ratio.

    Obligors are sorted riskiest first (highest ``y_score``); tied scores form one step
    (the curve is linear across a tie group, which counts ties one half as the AUC does).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Default flag.
    y_score : array-like of shape (n_samples,)
        Risk score, higher = riskier.
    sample_weight : array-like of shape (n_samples,), optional
        Weights: the population and default shares are weighted (whole-number weights
        give exactly the curve of the repeated rows).

    Returns
    -------
    CAPResult

    References
    ----------
    .. [1] Engelmann, B., Hayden, E., Tasche, D. (2003). Testing rating accuracy.
       Risk 16(1), 82-86.

    Examples
    --------
    >>> cap = cap_curve([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    >>> cap.accuracy_ratio
    1.0
    """
    y, s = _check_scores(y_true, y_score)
    w = None
    if sample_weight is not None:
        y, s, w = _positive_rows(y, s, _check_weights_both_classes(y, sample_weight))
    order = np.argsort(-s)
    ss, yy = s[order], y[order]
    last = np.r_[ss[1:] != ss[:-1], True]
    if w is None:
        n: float = yy.size
        d: float = int(yy.sum())
        x = np.r_[0.0, (np.flatnonzero(last) + 1) / n]
        cy = np.r_[0.0, np.cumsum(yy)[last] / d]
    else:
        ws = w[order]
        wd = ws * yy
        n, d = float(ws.sum()), float(wd.sum())
        x = np.r_[0.0, np.cumsum(ws)[last] / n]
        cy = np.r_[0.0, np.cumsum(wd)[last] / d]
    area = float(np.sum((x[1:] - x[:-1]) * (cy[1:] + cy[:-1]) / 2.0))
    pd_ = d / n
    ar = (area - 0.5) / (0.5 * (1.0 - pd_))
    return CAPResult(tuple(x.tolist()), tuple(cy.tolist()), ar, pd_)


@dataclass(frozen=True)
class GainsTable(Result):
    """Gains (lift) table by score band, riskiest band first.

    Attributes
    ----------
    band : tuple of int
        1 = riskiest band.
    score_min, score_max : tuple of float
        Score range of each band.
    n, n_events : tuple of int
        Obligors and defaults per band.

    Examples
    --------
    >>> t = gains_table([0, 1, 0, 1], [0.2, 0.9, 0.4, 0.3], n_bins=2)
    >>> t.to_frame()[["band", "n", "n_events", "lift"]].values.tolist()
    [[1.0, 2.0, 1.0, 1.0], [2.0, 2.0, 1.0, 1.0]]
    """

    band: tuple[int, ...]
    score_min: tuple[float, ...]
    score_max: tuple[float, ...]
    n: tuple[int, ...]
    n_events: tuple[int, ...]

    def _columns(self) -> dict[str, FloatArray]:
        n = np.asarray(self.n, dtype=float)
        ev = np.asarray(self.n_events, dtype=float)
        rate = ev / n
        total_rate = ev.sum() / n.sum()
        cum_n = np.cumsum(n)
        cum_ev = np.cumsum(ev)
        cum_good = np.cumsum(n - ev)
        return {
            "event_rate": rate,
            "cum_population_pct": cum_n / n.sum(),
            "cum_events_pct": cum_ev / ev.sum(),
            "lift": rate / total_rate,
            "cum_lift": (cum_ev / cum_n) / total_rate,
            "ks": np.abs(cum_ev / ev.sum() - cum_good / (n - ev).sum()),
        }

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        c = self._columns()
        cols = [
            "band",
            "score min",
            "score max",
            "n",
            "events",
            "event rate",
            "cum pop",
            "cum events",
            "lift",
            "cum lift",
            "KS",
        ]
        rows = [
            [
                self.band[i],
                self.score_min[i],
                self.score_max[i],
                self.n[i],
                self.n_events[i],
                c["event_rate"][i],
                c["cum_population_pct"][i],
                c["cum_events_pct"][i],
                c["lift"][i],
                c["cum_lift"][i],
                c["ks"][i],
            ]
            for i in range(len(self.band))
        ]
        return "Gains table (riskiest band first)", cols, rows, ""

    def to_frame(self) -> Any:
        """DataFrame with one row per band."""
        import pandas as pd

        data: dict[str, Any] = {
            "band": self.band,
            "score_min": self.score_min,
            "score_max": self.score_max,
            "n": self.n,
            "n_events": self.n_events,
        }
        data.update(self._columns())
        return pd.DataFrame(data)


def gains_table(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    n_bins: int = 10,
    sample_weight: npt.ArrayLike | None = None,
) -> GainsTable:
    """Gains / lift table over ``n_bins`` equal-count score bands, riskiest first.

    Ties are never split: a band boundary falls between distinct scores, so bands can be
    uneven when scores are discrete (e.g. rounded points).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Default flag.
    y_score : array-like of shape (n_samples,)
        Risk score, higher = riskier.
    n_bins : int, default=10
        Number of bands (deciles by default).
    sample_weight : array-like of shape (n_samples,), optional
        Weights: bands hold equal shares of the total weight (still never splitting a
        tie), and ``n`` / ``n_events`` are weighted sums. Whole-number weights give
        exactly the table of the repeated rows.

    Returns
    -------
    GainsTable

    Examples
    --------
    >>> t = gains_table([0, 0, 1, 1, 0, 1], [1, 2, 6, 5, 3, 4], n_bins=3)
    >>> t.n_events
    (2, 1, 0)
    >>> gains_table([0, 1, 0, 1], [1, 4, 2, 3], n_bins=2, sample_weight=[1, 2, 1, 2]).n
    (4, 2)
    """
    if int(n_bins) != n_bins or n_bins < 1:
        raise DataError(f"n_bins must be a positive integer; got {n_bins!r}.")
    y, s = _check_scores(y_true, y_score)
    w = None
    if sample_weight is not None:
        y, s, w = _positive_rows(y, s, check_sample_weight(sample_weight, y.size))
    order = np.argsort(-s)
    ss, yy = s[order], y[order]
    n = ss.size
    if w is None:
        # desired cut positions, moved to the end of their tie group
        cuts = np.unique(np.ceil(np.arange(1, n_bins) * n / n_bins).astype(int))
        cut_rows = np.clip(cuts - 1, 0, n - 1)
        ws = np.ones(n)
    else:
        ws = w[order]
        cum = np.cumsum(ws)
        # row holding the cut-th unit of weight: as the row of a repeated data set
        cut_rows = np.clip(
            np.searchsorted(cum, np.arange(1, n_bins) * cum[-1] / n_bins, side="left"), 0, n - 1
        )
    run_end = np.searchsorted(-ss, -ss[cut_rows], side="right")
    bounds = np.unique(np.r_[0, run_end, n])
    bands: list[int] = []
    cnt: list[float] = []
    ev: list[float] = []
    smin: list[float] = []
    smax: list[float] = []
    for i in range(bounds.size - 1):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        if hi <= lo:
            continue
        bands.append(len(bands) + 1)
        smin.append(float(ss[hi - 1]))
        smax.append(float(ss[lo]))
        if w is None:
            cnt.append(hi - lo)
            ev.append(int(yy[lo:hi].sum()))
        else:
            cnt.append(_count(float(ws[lo:hi].sum())))
            ev.append(_count(float(np.dot(ws[lo:hi], yy[lo:hi]))))
    return GainsTable(tuple(bands), tuple(smin), tuple(smax), tuple(cnt), tuple(ev))  # type: ignore[arg-type]
