"""Result objects of binning: one feature's table, and the per-feature summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._optional import require
from overdue_risk._results import Result
from overdue_risk._validation import FloatArray
from overdue_risk.binning._feature import FeatureBinning
from overdue_risk.binning._solver import woe_iv

__all__ = ["BinningSummary", "BinningTable", "gini_ks_from_counts"]


def gini_ks_from_counts(
    event: npt.ArrayLike, nonevent: npt.ArrayLike, woe: npt.ArrayLike
) -> tuple[float, float]:
    """Gini (2 AUC - 1) and KS of a binned score, the score being ``-woe`` (risk).

    Ties within a bin count one half (the usual Mann-Whitney convention).

    Parameters
    ----------
    event, nonevent : array-like
        (Weighted) counts per bin.
    woe : array-like
        WOE per bin (higher = lower risk).

    Returns
    -------
    gini, ks : float

    Examples
    --------
    >>> g, ks = gini_ks_from_counts([1, 9], [9, 1], [2.2, -2.2])
    >>> round(g, 2), round(ks, 2)
    (0.8, 0.8)
    """
    ev = np.asarray(event, dtype=np.float64)
    ne = np.asarray(nonevent, dtype=np.float64)
    order = np.argsort(-np.asarray(woe, dtype=np.float64), kind="stable")  # low risk first
    ev, ne = ev[order], ne[order]
    e_tot, n_tot = ev.sum(), ne.sum()
    if e_tot <= 0 or n_tot <= 0:
        return 0.0, 0.0
    ce = np.cumsum(ev) / e_tot
    cn = np.cumsum(ne) / n_tot
    ks = float(np.max(np.abs(cn - ce)))
    # AUC = P(risk score of an event > that of a non-event) + 0.5 P(tie)
    cn_before = np.r_[0.0, cn[:-1]]
    auc = float(np.sum(ev / e_tot * (cn_before + 0.5 * ne / n_tot)))
    return 2.0 * auc - 1.0, ks


@dataclass(frozen=True, eq=False)
class BinningTable(Result):
    """The binning table of one feature: counts, event rate, WOE and IV per bin.

    Rows are the regular bins, then the missing bin and the special-code bins (the unseen
    slot is left out: it has no training rows). ``WOE = ln(%non-events / %events)``; higher
    WOE means lower risk.

    Attributes
    ----------
    name : str
        Feature name.
    labels : tuple of str
        Bin labels.
    event, nonevent : ndarray of float64
        (Weighted) counts per bin.
    woe, iv : ndarray of float64
        WOE and IV contribution per bin.
    trend : str or None
        Trend imposed on the regular bins.

    Examples
    --------
    >>> from overdue_risk.binning import FeatureBinning
    >>> fb = FeatureBinning.from_counts("age", "numeric", [10.0, 5.0, 1.0],
    ...                                 [20.0, 40.0, 4.0], splits=(30.0,))
    >>> table = BinningTable.from_feature(fb)
    >>> round(table.total_iv, 4), table.to_frame().shape
    (0.4332, (4, 9))
    """

    name: str
    labels: tuple[str, ...]
    event: FloatArray
    nonevent: FloatArray
    woe: FloatArray
    iv: FloatArray
    trend: str | None
    trend_reason: str = ""
    smoothing: float = 0.5

    @classmethod
    def from_feature(cls, fb: FeatureBinning) -> BinningTable:
        """Table of a fitted :class:`FeatureBinning`."""
        ev = fb.event_count[:-1]
        ne = fb.nonevent_count[:-1]
        e, n = max(float(ev.sum()), 1e-300), max(float(ne.sum()), 1e-300)
        _, iv = woe_iv(ev, ne, e, n, fb.smoothing)
        return cls(
            fb.name,
            fb.labels[:-1],
            ev,
            ne,
            fb.woe[:-1],
            iv,
            fb.trend,
            fb.trend_reason,
            fb.smoothing,
        )

    @property
    def count(self) -> FloatArray:
        """Count per bin."""
        return np.asarray(self.event + self.nonevent, dtype=np.float64)

    @property
    def event_rate(self) -> FloatArray:
        """Events / count per bin (NaN for an empty bin)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.event / self.count, dtype=np.float64)

    @property
    def total_iv(self) -> float:
        """Information value of the feature."""
        return float(self.iv.sum())

    @property
    def gini(self) -> float:
        """Gini of the binned feature."""
        return gini_ks_from_counts(self.event, self.nonevent, self.woe)[0]

    @property
    def ks(self) -> float:
        """Kolmogorov-Smirnov statistic of the binned feature."""
        return gini_ks_from_counts(self.event, self.nonevent, self.woe)[1]

    def _rows(self) -> list[list[Any]]:
        total = float(self.count.sum())
        rows = []
        for i, lab in enumerate(self.labels):
            c = float(self.count[i])
            rows.append(
                [
                    lab,
                    c,
                    c / total if total else 0.0,
                    float(self.event[i]),
                    float(self.nonevent[i]),
                    float(self.event_rate[i]) if c else float("nan"),
                    float(self.woe[i]),
                    float(self.iv[i]),
                ]
            )
        return rows

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        cols = ["bin", "count", "count %", "events", "non-events", "event rate", "WOE", "IV"]
        rows = self._rows()
        total = float(self.count.sum())
        e = float(self.event.sum())
        rows.append(
            [
                "Totals",
                total,
                1.0,
                e,
                float(self.nonevent.sum()),
                e / total if total else float("nan"),
                None,
                self.total_iv,
            ]
        )
        footer = (
            f"trend: {self.trend}; IV {self.total_iv:.4f}, Gini {self.gini:.4f}, "
            f"KS {self.ks:.4f}; WOE = ln(%non-events / %events), {self.smoothing:.6g} "
            "(0.5 x mean weight) added to both counts of a bin without events or non-events"
        )
        if self.trend_reason:
            footer += f"\ntrend chosen: {self.trend_reason}"
        counts = np.concatenate([self.count, self.event, self.nonevent])
        if np.all(counts == np.round(counts)):  # unweighted: show counts as whole numbers
            for row in rows:
                row[1], row[3], row[4] = int(row[1]), int(row[3]), int(row[4])
        return f"Binning table: {self.name}", cols, rows, footer

    def to_frame(self) -> Any:
        """The table as a pandas DataFrame with a ``Totals`` row."""
        import pandas as pd

        _, cols, rows, _ = self._summary_table()
        frame = pd.DataFrame(rows, columns=cols)
        frame.insert(0, "index", [*range(len(self.labels)), None])
        return frame

    def plot(self, ax: Any = None) -> Any:
        """Bar chart of the bin shares with the event rate on a second axis; returns the Axes.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from overdue_risk.binning import FeatureBinning
        >>> fb = FeatureBinning.from_counts("age", "numeric", [10.0, 5.0, 1.0],
        ...                                 [20.0, 40.0, 4.0], splits=(30.0,))
        >>> ax = BinningTable.from_feature(fb).plot()
        >>> ax.get_title()
        'age (IV 0.4332)'
        """
        plt = require("matplotlib.pyplot", extra="plots", purpose="BinningTable.plot")

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        total = float(self.count.sum())
        x = np.arange(len(self.labels))
        share = self.count / total if total else self.count
        ax.bar(x, share, color="#9ecae1", label="share of rows")
        ax.set_xticks(x, self.labels, rotation=30, ha="right")
        ax.set_ylabel("share of rows")
        rate_ax = ax.twinx()
        rate_ax.plot(x, self.event_rate, color="#d62728", marker="o", label="event rate")
        rate_ax.set_ylabel("event rate")
        ax.set_title(f"{self.name} (IV {self.total_iv:.4f})")
        return ax


@dataclass(frozen=True, eq=False)
class BinningSummary(Result):
    """IV, Gini, KS, number of bins and trend per feature of a fitted binner.

    Examples
    --------
    >>> s = BinningSummary(("age",), ("numeric",), (4,), ("ascending",), (0.31,), (0.3,),
    ...                    (0.22,))
    >>> s.to_frame().loc[0, "iv"]
    np.float64(0.31)
    """

    features: tuple[str, ...]
    kinds: tuple[str, ...]
    n_bins: tuple[int, ...]
    trends: tuple[str | None, ...]
    iv: tuple[float, ...]
    gini: tuple[float, ...]
    ks: tuple[float, ...]

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [f, k, n, t, i, g, s]
            for f, k, n, t, i, g, s in zip(
                self.features,
                self.kinds,
                self.n_bins,
                self.trends,
                self.iv,
                self.gini,
                self.ks,
                strict=True,
            )
        ]
        cols = ["feature", "kind", "bins", "trend", "IV", "Gini", "KS"]
        return "Binning summary", cols, rows, f"{len(self.features)} features"

    def to_frame(self) -> Any:
        """One row per feature."""
        import pandas as pd

        return pd.DataFrame(
            {
                "feature": self.features,
                "kind": self.kinds,
                "n_bins": self.n_bins,
                "trend": self.trends,
                "iv": self.iv,
                "gini": self.gini,
                "ks": self.ks,
            }
        )
