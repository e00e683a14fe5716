"""Charts of a scorecard's performance: ROC, KS, CAP, calibration, score and PSI, WOE.

One function per chart: ``ax=None`` in (a new figure is made), the Axes out; matplotlib
is imported inside each function, so importing this module stays light. Scores follow
the metrics convention where it matters: ``y_score`` is a RISK score (higher = riskier;
pass ``-points`` for scorecard points).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import check_binary_target, check_consistent_length
from overdue_risk.metrics import cap_curve, roc_auc
from overdue_risk.plotting._axes import axes_or_new

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from overdue_risk.metrics import PSIResult

__all__ = [
    "plot_calibration",
    "plot_cap",
    "plot_ks",
    "plot_psi",
    "plot_roc",
    "plot_score_distribution",
    "plot_woe",
    "roc_points",
]


def _xy(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    y = check_binary_target(y_true, "y_true")
    s = np.asarray(y_score, dtype=np.float64).reshape(-1)
    check_consistent_length(y_true=y, y_score=s)
    return y, s


def roc_points(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """False- and true-positive rates at every distinct threshold (ties kept together).

    Examples
    --------
    >>> fpr, tpr = roc_points([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    y, s = _xy(y_true, y_score)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]  # last index of each tie group
    tps = np.cumsum(y)[last]
    fps = (last + 1) - tps
    tpr = np.r_[0.0, tps / y.sum()]
    fpr = np.r_[0.0, fps / (y.size - y.sum())]
    return fpr, tpr


def plot_roc(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike, ax: Axes | None = None, *, label: str = "model"
) -> Axes:
    """ROC curve with its AUC and the diagonal of a random score.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> ax.get_xlabel()
    'false positive rate (goods)'
    """
    fpr, tpr = roc_points(y_true, y_score)
    auc = roc_auc(y_true, y_score).statistic
    ax = axes_or_new(ax)
    ax.plot(fpr, tpr, color="#243b53", lw=1.8, label=f"{label} (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], color="#9fb3c8", lw=1, ls="--", label="random")
    ax.set_xlabel("false positive rate (goods)")
    ax.set_ylabel("true positive rate (bads)")
    ax.set_title("ROC curve")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_ks(y_true: npt.ArrayLike, score: npt.ArrayLike, ax: Axes | None = None) -> Axes:
    """Cumulative score distributions of goods and bads, and the KS distance between them.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_ks([0, 0, 1, 1], [610, 650, 560, 600])
    >>> ax.get_title()
    'KS 1.000'
    """
    y, s = _xy(y_true, score)
    grid = np.unique(s)
    bad = np.searchsorted(np.sort(s[y == 1]), grid, side="right") / max(int(y.sum()), 1)
    good = np.searchsorted(np.sort(s[y == 0]), grid, side="right") / max(int((1 - y).sum()), 1)
    gap = np.abs(bad - good)
    k = int(np.argmax(gap))
    ax = axes_or_new(ax)
    ax.step(grid, bad, where="post", color="#b42318", label="bads")
    ax.step(grid, good, where="post", color="#1e7b34", label="goods")
    ax.vlines(grid[k], min(bad[k], good[k]), max(bad[k], good[k]), color="#243b53", lw=2)
    ax.set_xlabel("score")
    ax.set_ylabel("cumulative share")
    ax.set_title(f"KS {gap[k]:.3f}")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_cap(y_true: npt.ArrayLike, y_score: npt.ArrayLike, ax: Axes | None = None) -> Axes:
    """Cumulative accuracy profile (gains): share of bads caught by the riskiest x%.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_cap([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> ax.get_title()
    'Gains (CAP), accuracy ratio 0.500'
    """
    cap = cap_curve(y_true, y_score)
    ax = axes_or_new(ax)
    x = np.asarray(cap.fraction_population)
    ax.plot(x, np.asarray(cap.fraction_events), color="#243b53", lw=1.8, label="model")
    rate = cap.event_rate
    ax.plot([0, rate, 1], [0, 1, 1], color="#1e7b34", lw=1, ls=":", label="perfect")
    ax.plot([0, 1], [0, 1], color="#9fb3c8", lw=1, ls="--", label="random")
    ax.set_xlabel("share of applicants, riskiest first")
    ax.set_ylabel("share of bads")
    ax.set_title(f"Gains (CAP), accuracy ratio {cap.accuracy_ratio:.3f}")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_calibration(
    y_true: npt.ArrayLike,
    pd: npt.ArrayLike,
    ax: Axes | None = None,
    *,
    n_bins: int = 10,
    confidence_level: float = 0.95,
) -> Axes:
    """Observed default rate against mean PD per PD decile, with Jeffreys intervals.

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.01, 0.3, 2000)
    >>> ax = plot_calibration(rng.random(2000) < p, p)
    >>> ax.get_xlabel()
    'mean PD'
    """
    from scipy.stats import beta

    y, p = _xy(np.asarray(y_true).astype(np.int64), pd)
    edges = np.unique(np.quantile(p, np.linspace(0, 1, n_bins + 1)[1:-1]))
    codes = np.searchsorted(edges, p, side="right")
    k = edges.size + 1
    n = np.bincount(codes, minlength=k).astype(float)
    d = np.bincount(codes, weights=y, minlength=k)
    mean_pd = np.bincount(codes, weights=p, minlength=k)
    used = n > 0
    n, d, mean_pd = n[used], d[used], mean_pd[used] / n[used]
    dr = d / n
    tail = (1 - confidence_level) / 2
    lo = np.asarray(beta.ppf(tail, d + 0.5, n - d + 0.5), dtype=np.float64)
    hi = np.asarray(beta.ppf(1 - tail, d + 0.5, n - d + 0.5), dtype=np.float64)
    # Brown, Cai & DasGupta (2001): the Jeffreys interval runs down to 0 when there is no
    # default (and up to 1 when all defaulted); otherwise its bound would lie beyond DR.
    lo, hi = np.where(d == 0, 0.0, lo), np.where(d == n, 1.0, hi)
    ax = axes_or_new(ax)
    top = float(max(mean_pd.max(), hi.max())) * 1.05
    ax.plot([0, top], [0, top], color="#9fb3c8", lw=1, ls="--", label="perfect calibration")
    ax.errorbar(
        mean_pd,
        dr,
        yerr=[dr - lo, hi - dr],
        fmt="o",
        color="#243b53",
        ms=4,
        capsize=2,
        label=f"observed ({confidence_level:.0%} Jeffreys)",
    )
    ax.set_xlabel("mean PD")
    ax.set_ylabel("observed default rate")
    ax.set_title("Calibration by PD group")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_score_distribution(
    score: npt.ArrayLike,
    y: npt.ArrayLike | None = None,
    ax: Axes | None = None,
    *,
    baseline: npt.ArrayLike | None = None,
    bins: int = 30,
) -> Axes:
    """Histogram of scores: goods against bads, or current against a baseline.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_score_distribution([500, 550, 600, 620], [1, 1, 0, 0])
    >>> ax.get_ylabel()
    'density'
    """
    s = np.asarray(score, dtype=np.float64).reshape(-1)
    ax = axes_or_new(ax)
    lo, hi = np.nanmin(s), np.nanmax(s)
    if baseline is not None:
        b = np.asarray(baseline, dtype=np.float64).reshape(-1)
        lo, hi = min(lo, np.nanmin(b)), max(hi, np.nanmax(b))
    edges = np.linspace(lo, hi if hi > lo else lo + 1, bins + 1)
    style: dict[str, Any] = {"bins": edges, "density": True, "alpha": 0.55}
    if baseline is not None:
        ax.hist(b, color="#9fb3c8", label="baseline", **style)
        ax.hist(s, color="#243b53", label="current", **style)
    elif y is not None:
        yy = check_binary_target(y, "y")
        ax.hist(s[yy == 0], color="#1e7b34", label="goods", **style)
        ax.hist(s[yy == 1], color="#b42318", label="bads", **style)
    else:
        ax.hist(s, color="#243b53", **style)
    ax.set_xlabel("score")
    ax.set_ylabel("density")
    if baseline is not None or y is not None:
        ax.legend(fontsize=8)
    return ax


def plot_psi(result: PSIResult, ax: Axes | None = None) -> Axes:
    """Bin shares of the reference and current samples behind a PSI.

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from overdue_risk.metrics import psi
    >>> ax = plot_psi(psi(np.arange(100.0), np.arange(100.0) + 20, bins=4))
    >>> ax.get_title()
    'PSI of score: 0.4394 (major shift)'
    """
    e = np.asarray(result.expected_counts, dtype=float)
    a = np.asarray(result.actual_counts, dtype=float)
    x = np.arange(e.size)
    ax = axes_or_new(ax)
    ax.bar(x - 0.2, e / e.sum(), width=0.4, color="#9fb3c8", label="reference")
    ax.bar(x + 0.2, a / a.sum(), width=0.4, color="#243b53", label="current")
    ax.set_xticks(x, list(result.labels), rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("share")
    ax.set_title(f"PSI of {result.name}: {result.statistic:.4f} ({result.rule_of_thumb})")
    ax.legend(fontsize=8)
    return ax


def plot_woe(
    labels: Sequence[str], woe: npt.ArrayLike, ax: Axes | None = None, *, title: str = ""
) -> Axes:
    """Weight of evidence per bin (higher = lower risk), bars coloured by sign.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_woe(["< 25", "25-40", ">= 40"], [-0.4, 0.1, 0.5], title="age")
    >>> ax.get_ylabel()
    'WOE'
    """
    w = np.asarray(woe, dtype=np.float64).reshape(-1)
    ax = axes_or_new(ax)
    x = np.arange(w.size)
    ax.bar(x, w, color=np.where(w >= 0, "#1e7b34", "#b42318"))
    ax.axhline(0, color="#52606d", lw=0.8)
    ax.set_xticks(x, [str(v) for v in labels], rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("WOE")
    if title:
        ax.set_title(title)
    return ax
