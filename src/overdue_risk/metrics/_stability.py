"""Population stability: PSI from scores or from counts (with the Yurdakul-Naranjo critical
value) and CSI, one PSI per characteristic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_categories, is_missing
from overdue_risk._results import Result
from overdue_risk._validation import (
    FloatArray,
    as_mapping_of_columns,
    check_positive,
    check_sample_weight,
    format_values,
    offsets,
)
from overdue_risk.exceptions import DataError
from overdue_risk.metrics._common import _count, _kish

__all__ = ["CSIResult", "PSIResult", "csi", "psi", "psi_from_counts"]

#: Default epsilon added to empty-bin proportions in PSI (documented in :func:`psi`).
PSI_EPSILON = 1e-4


# ----------------------------------------------------------------------------- PSI
@dataclass(frozen=True)
class PSIResult(Result):
    """Population stability index with its statistical critical value.

    Attributes
    ----------
    statistic : float
        PSI = sum (a_i - e_i) ln(a_i / e_i) over bins (proportions, empty bins floored at
        ``epsilon``).
    pvalue : float
        Approximate p-value: PSI / (1/N + 1/M) is compared with chi-square(B - 1)
        (Yurdakul & Naranjo 2020).
    critical_value : float
        (1/N + 1/M) chi2_{B-1}(1 - alpha): PSI above it rejects stability at level alpha.
    alpha : float
        Significance level of ``critical_value``.
    n_expected, n_actual : int
        Sample sizes N (reference) and M (current).
    labels : tuple of str
        Bin labels.
    expected_counts, actual_counts : tuple of float
        Counts per bin.
    epsilon : float
        Floor applied to empty-bin proportions.
    name : str
        Characteristic name (for CSI) or "score".

    Examples
    --------
    >>> r = psi_from_counts([50, 50], [70, 30])
    >>> round(r.statistic, 4), r.rule_of_thumb, r.reject
    (0.1695, 'moderate shift', True)
    >>> r.to_frame()["psi"].round(4).tolist()
    [0.0673, 0.1022]
    """

    statistic: float
    pvalue: float
    critical_value: float
    alpha: float
    n_expected: int
    n_actual: int
    labels: tuple[str, ...]
    expected_counts: tuple[float, ...]
    actual_counts: tuple[float, ...]
    epsilon: float = PSI_EPSILON
    name: str = "score"

    @property
    def rule_of_thumb(self) -> str:
        """Industry rule of thumb: "stable" < 0.1 <= "moderate shift" < 0.25 <= "major shift"."""
        if self.statistic < 0.1:
            return "stable"
        if self.statistic < 0.25:
            return "moderate shift"
        return "major shift"

    @property
    def reject(self) -> bool:
        """True when PSI exceeds its statistical critical value."""
        return self.statistic > self.critical_value

    def critical_value_at(self, alpha: float) -> float:
        """Yurdakul-Naranjo critical value at another significance level.

        Examples
        --------
        >>> r = psi_from_counts([500, 500], [500, 500])
        >>> round(r.critical_value_at(0.05), 5)
        0.00768
        """
        return _psi_critical_value(self.n_expected, self.n_actual, len(self.labels), alpha)

    def _contributions(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        e = np.asarray(self.expected_counts, dtype=float)
        a = np.asarray(self.actual_counts, dtype=float)
        pe = np.maximum(e / e.sum(), self.epsilon)
        pa = np.maximum(a / a.sum(), self.epsilon)
        return pe, pa, (pa - pe) * np.log(pa / pe)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        pe, pa, contrib = self._contributions()
        rows: list[list[Any]] = [
            [
                self.labels[i],
                _count(self.expected_counts[i]),
                _count(self.actual_counts[i]),
                pe[i],
                pa[i],
                contrib[i],
            ]
            for i in range(len(self.labels))
        ]
        rows.append(
            [
                "total",
                _count(sum(self.expected_counts)),
                _count(sum(self.actual_counts)),
                1.0,
                1.0,
                self.statistic,
            ]
        )
        footer = (
            f"PSI {self.statistic:.4f} ({self.rule_of_thumb}); critical value at alpha "
            f"{self.alpha:g}: {self.critical_value:.4f} (Yurdakul & Naranjo 2020), "
            f"p-value {self.pvalue:.4g}; empty bins floored at {self.epsilon:g}."
        )
        return (
            f"Population stability index: {self.name}",
            ["bin", "expected n", "actual n", "expected %", "actual %", "PSI"],
            rows,
            footer,
        )

    def to_frame(self) -> Any:
        """DataFrame with one row per bin (proportions and PSI contributions)."""
        import pandas as pd

        pe, pa, contrib = self._contributions()
        return pd.DataFrame(
            {
                "bin": self.labels,
                "expected_count": self.expected_counts,
                "actual_count": self.actual_counts,
                "expected_pct": pe,
                "actual_pct": pa,
                "psi": contrib,
            }
        )


def _psi_critical_value(n: int, m: int, n_bins: int, alpha: float) -> float:
    from scipy.stats import chi2

    if not 0.0 < alpha < 1.0:
        raise DataError(f"alpha must lie in (0, 1); got {alpha!r}. Pass e.g. 0.05.")
    return float((1.0 / n + 1.0 / m) * chi2.ppf(1.0 - alpha, max(n_bins - 1, 1)))


def psi_from_counts(
    expected_counts: npt.ArrayLike,
    actual_counts: npt.ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    epsilon: float = PSI_EPSILON,
    alpha: float = 0.05,
    name: str = "score",
    sample_sizes: tuple[float, float] | None = None,
) -> PSIResult:
    """PSI from bin counts of the reference (expected) and current (actual) samples.

    Counts are sufficient statistics: counts of several chunks add up, so PSI over a
    stream or a distributed table is this function applied to the summed counts.

    Parameters
    ----------
    expected_counts, actual_counts : array-like of shape (n_bins,)
        Non-negative (possibly weighted) counts per bin.
    labels : sequence of str, optional
        Bin labels (default "0", "1", ...).
    epsilon : float, default=1e-4
        Floor for a bin's proportion, so an empty bin contributes a large but finite
        term instead of infinity. A bin empty in both samples contributes exactly 0.
    alpha : float, default=0.05
        Significance level of the statistical critical value.
    name : str, default="score"
        Name shown in the summary.
    sample_sizes : (float, float), optional
        Sample sizes (N, M) of the critical value and p-value. Default: the sums of the
        counts. With weighted counts pass the effective sample sizes (see :func:`psi`).

    Returns
    -------
    PSIResult

    Notes
    -----
    Yurdakul & Naranjo (2020) show that with N reference and M current observations and B
    fixed bins, PSI / (1/N + 1/M) is asymptotically chi-square with B - 1 degrees of
    freedom when the populations are the same, so the critical value at level alpha is
    (1/N + 1/M) chi2_{B-1, 1-alpha}. Unlike the 0.1 / 0.25 rule of thumb, it depends on
    the sample sizes: with 10 bins and N = M = 1000 it is about 0.034.

    References
    ----------
    .. [1] Yurdakul, B., Naranjo, J. (2020). Statistical properties of the population
       stability index. Journal of Risk Model Validation 14(4), 89-100.
    .. [2] Siddiqi, N. (2006). Credit Risk Scorecards. Wiley, chapter 8.

    Examples
    --------
    >>> r = psi_from_counts([100, 200, 300, 400], [120, 180, 310, 390])
    >>> round(r.statistic, 5)
    0.00633
    """
    e = np.asarray(expected_counts, dtype=np.float64).reshape(-1)
    a = np.asarray(actual_counts, dtype=np.float64).reshape(-1)
    if e.shape != a.shape:
        raise DataError(
            f"expected_counts has {e.size} bins but actual_counts has {a.size}. "
            "Count both samples over the same bins."
        )
    if e.size == 0:
        raise DataError("PSI needs at least one bin; got no counts.")
    for nm, arr in (("expected_counts", e), ("actual_counts", a)):
        if not np.all(np.isfinite(arr)) or (arr < 0).any():
            raise DataError(f"{nm} must be finite and non-negative; got {format_values(arr)}.")
        if arr.sum() <= 0:
            raise DataError(f"{nm} sums to zero: that sample is empty. Pass a non-empty sample.")
    eps = check_positive(epsilon, "epsilon")
    lab = tuple(str(v) for v in (labels if labels is not None else range(e.size)))
    if len(lab) != e.size:
        raise DataError(f"labels has {len(lab)} entries for {e.size} bins; pass one per bin.")
    pe = np.maximum(e / e.sum(), eps)
    pa = np.maximum(a / a.sum(), eps)
    value = float(np.sum((pa - pe) * np.log(pa / pe)))
    if sample_sizes is None:
        n, m = float(e.sum()), float(a.sum())
    else:
        n, m = (check_positive(v, "sample_sizes") for v in sample_sizes)
    n_int, m_int = max(int(np.rint(n)), 1), max(int(np.rint(m)), 1)
    scale = 1.0 / n + 1.0 / m
    from scipy.stats import chi2

    dof = max(e.size - 1, 1)
    pvalue = float(chi2.sf(value / scale, dof))
    return PSIResult(
        value,
        pvalue,
        _psi_critical_value(n_int, m_int, e.size, alpha),
        float(alpha),
        n_int,
        m_int,
        lab,
        tuple(e.tolist()),
        tuple(a.tolist()),
        eps,
        name,
    )


def _numeric_or_none(values: npt.ArrayLike) -> npt.NDArray[Any] | None:
    """Numeric view of the values (integers kept as they are), or None if not numeric."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return arr.reshape(-1)
    if arr.dtype.kind in "bf":
        return arr.astype(np.float64, copy=False).reshape(-1)
    if arr.dtype.kind == "O":
        try:
            out = arr.astype(np.float64).reshape(-1)
        except (TypeError, ValueError):
            return None
        return out
    return None


def _quantile_edges(
    ref: npt.NDArray[Any], bins: int, weight: FloatArray | None = None
) -> FloatArray:
    """Unique inner quantile edges (numpy's default "linear" rule) from one sort.

    With weights, the quantiles of the sample with each row repeated ``weight`` times:
    the j-th (0-based) value of the repeated sorted sample is the first row whose
    cumulative weight exceeds j, so whole-number weights give exactly the edges of the
    repeated rows (and fractional weights a consistent generalisation).
    """
    if weight is None:
        xs = np.sort(ref)
        pos = np.linspace(0.0, 1.0, bins + 1)[1:-1] * (xs.size - 1)
        lo = np.floor(pos).astype(np.intp)
        hi = np.minimum(lo + 1, xs.size - 1)
        qs = xs[lo] + (pos - lo) * (xs[hi] - xs[lo])
    else:
        order = np.argsort(ref, kind="stable")
        xs = np.asarray(ref, dtype=np.float64)[order]
        cum = np.cumsum(weight[order])
        pos = np.linspace(0.0, 1.0, bins + 1)[1:-1] * max(float(cum[-1]) - 1.0, 0.0)
        lo_f = np.floor(pos)
        last = xs.size - 1
        x_lo = xs[np.minimum(np.searchsorted(cum, lo_f, side="right"), last)]
        x_hi = xs[np.minimum(np.searchsorted(cum, lo_f + 1.0, side="right"), last)]
        qs = x_lo + (pos - lo_f) * (x_hi - x_lo)
    out: FloatArray = np.unique(qs)
    return out


def _bin_codes(x: npt.NDArray[Any], edges: FloatArray) -> npt.NDArray[np.intp]:
    """``searchsorted(edges, x, side="right")``; a few comparison passes for few edges.

    For the usual 5-20 bins, k vectorised ``x >= edge`` passes beat ``searchsorted``'s
    per-element binary search on unsorted values several times over.
    """
    if edges.size > 32:
        return np.searchsorted(edges, x, side="right")
    small = np.zeros(x.size, dtype=np.uint8)
    for e in edges:
        np.add(small, x >= e, out=small, casting="unsafe")
    idx: npt.NDArray[np.intp] = small.astype(np.intp)
    return idx


def _numeric_counts(
    x: npt.NDArray[Any], miss: npt.NDArray[np.bool_], edges: FloatArray, w: FloatArray | None
) -> FloatArray:
    """(Weighted) counts of the non-missing ``x`` per bin of ``edges``.

    Unweighted integers of a small range (bin codes, months on book, counts) are counted
    once per distinct value by one ``bincount`` and the values' counts summed per bin, in
    place of a comparison pass per edge; the counts are the same integers.
    """
    k = edges.size + 1
    if w is None and x.dtype.kind in "iu" and x.size:
        lo, hi = int(x.min()), int(x.max())
        shifted = offsets(x, lo, hi) if hi - lo < max(1 << 16, x.size) else None
        if shifted is not None:  # a table no larger than the data
            per_value = np.bincount(shifted, minlength=hi - lo + 1)
            value_bin = np.searchsorted(edges, np.arange(lo, hi + 1), side="right")
            counts = np.bincount(value_bin, weights=per_value, minlength=k)
            return counts.astype(np.float64, copy=False)
    keep = x[~miss] if miss.any() else x
    return _weighted_bincount(_bin_codes(keep, edges), k, w, miss)


def _interval_labels(edges: FloatArray) -> list[str]:
    pts = ["-inf", *[f"{v:.6g}" for v in edges], "inf"]
    return [f"[{pts[i]}, {pts[i + 1]})" for i in range(len(pts) - 1)]


def psi(
    expected: npt.ArrayLike,
    actual: npt.ArrayLike,
    *,
    bins: int | npt.ArrayLike = 10,
    epsilon: float = PSI_EPSILON,
    alpha: float = 0.05,
    name: str = "score",
    expected_weight: npt.ArrayLike | None = None,
    actual_weight: npt.ArrayLike | None = None,
) -> PSIResult:
    """Population stability index between a reference and a current sample.

    Parameters
    ----------
    expected : array-like of shape (n,)
        Reference sample (development / initial validation), numeric or categorical.
    actual : array-like of shape (m,)
        Current sample.
    bins : int or array-like of float, default=10
        Numeric data: an int gives that many bins at the reference sample's quantiles
        (duplicate quantiles merged); an array gives the inner bin edges (bin of x =
        ``searchsorted(edges, x, side="right")``, as in the scoring spec). Categorical data:
        one bin per category seen in either sample; ``bins`` is ignored. Missing values
        (NaN, None, ``pd.NA``) always get their own "Missing" bin.
    epsilon : float, default=1e-4
        Floor for empty-bin proportions (see :func:`psi_from_counts`).
    alpha : float, default=0.05
        Significance level of the Yurdakul-Naranjo critical value.
    name : str, default="score"
        Name shown in the summary.
    expected_weight, actual_weight : array-like, optional
        Non-negative weight per row of ``expected`` / ``actual`` (e.g. inverse sampling
        rates). The bin proportions become weighted, and so do the reference quantiles of
        ``bins=int`` (whole-number weights give exactly the PSI of the repeated rows).
        The critical value and p-value then use Kish's effective sample sizes
        (sum w)^2 / sum w^2 in place of N and M: scaling all weights by a constant leaves
        them unchanged, as sampling weights require. For frequency weights repeat the
        rows instead. Rows of zero weight are dropped.

    Returns
    -------
    PSIResult

    References
    ----------
    .. [1] Yurdakul, B., Naranjo, J. (2020). Statistical properties of the population
       stability index. Journal of Risk Model Validation 14(4), 89-100.
    .. [2] Kish, L. (1965). Survey Sampling. Wiley, section 11.7 (effective sample size).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=5000)
    >>> psi(x, x).statistic
    0.0
    >>> r = psi(x, rng.normal(0.2, 1, size=5000))
    >>> r.reject, r.rule_of_thumb
    (True, 'stable')
    >>> round(psi([1, 2], [1, 2], bins=[1.5], actual_weight=[3, 1]).statistic, 4)
    0.2747
    """
    ex = np.asarray(expected)
    ac = np.asarray(actual)
    if ex.ndim != 1 or ac.ndim != 1:
        raise DataError(
            f"psi compares one column; got shapes {ex.shape} and {ac.shape}. Use csi() for "
            "several characteristics."
        )
    if ex.size == 0 or ac.size == 0:
        raise DataError("psi needs non-empty expected and actual samples.")
    ew: FloatArray | None = None
    aw: FloatArray | None = None
    sizes: tuple[float, float] | None = None
    if expected_weight is not None or actual_weight is not None:
        ew = check_sample_weight(expected_weight, ex.size, "expected_weight")
        aw = check_sample_weight(actual_weight, ac.size, "actual_weight")
        if not (ew > 0).all():
            ex, ew = ex[ew > 0], ew[ew > 0]
        if not (aw > 0).all():
            ac, aw = ac[aw > 0], aw[aw > 0]
        sizes = (_kish(ew), _kish(aw))
    counts, labels = _psi_counts(ex, ac, bins, ew, aw)
    return psi_from_counts(
        *counts, labels=labels, epsilon=epsilon, alpha=alpha, name=name, sample_sizes=sizes
    )


def _psi_counts(
    ex: npt.NDArray[Any],
    ac: npt.NDArray[Any],
    bins: int | npt.ArrayLike,
    ew: FloatArray | None,
    aw: FloatArray | None,
) -> tuple[tuple[FloatArray, FloatArray], list[str]]:
    """(Weighted) bin counts of both samples over the same bins, and the bin labels."""
    e_num, a_num = _numeric_or_none(ex), _numeric_or_none(ac)
    if e_num is not None and a_num is not None:
        for nm, arr in (("expected", e_num), ("actual", a_num)):
            if arr.dtype.kind == "f" and np.isinf(arr).any():
                raise DataError(f"{nm} holds infinite values; replace them with NaN or a cap.")
        e_miss = np.isnan(e_num) if e_num.dtype.kind == "f" else np.zeros(e_num.size, bool)
        a_miss = np.isnan(a_num) if a_num.dtype.kind == "f" else np.zeros(a_num.size, bool)
        if np.ndim(bins) == 0:
            nb = int(bins)  # type: ignore[arg-type]
            if nb != bins or nb < 1:
                raise DataError(
                    f"bins must be a positive integer or an array of edges; got {bins!r}."
                )
            ref = e_num[~e_miss] if e_miss.any() else e_num
            if ref.size == 0:
                raise DataError("expected holds only missing values; cannot place quantile bins.")
            ref_w = None if ew is None else (ew[~e_miss] if e_miss.any() else ew)
            edges = _quantile_edges(ref, nb, ref_w)
        else:
            edges = np.asarray(bins, dtype=np.float64).reshape(-1)
            if not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
                raise DataError(
                    f"bin edges must be finite and strictly increasing; got {format_values(edges)}."
                )
        k = edges.size + 1
        e_cnt = _numeric_counts(e_num, e_miss, edges, ew)
        a_cnt = _numeric_counts(a_num, a_miss, edges, aw)
        labels = _interval_labels(edges)
    else:
        e_cat = canonical_categories(ex.astype(object))
        a_cat = canonical_categories(ac.astype(object))
        e_miss, a_miss = is_missing(e_cat), is_missing(a_cat)
        cats = sorted(set(e_cat[~e_miss].tolist()) | set(a_cat[~a_miss].tolist()))
        pos = {c: i for i, c in enumerate(cats)}
        k = len(cats)
        e_idx = np.fromiter((pos[c] for c in e_cat[~e_miss]), dtype=np.intp)
        a_idx = np.fromiter((pos[c] for c in a_cat[~a_miss]), dtype=np.intp)
        e_cnt = _weighted_bincount(e_idx, k, ew, e_miss)
        a_cnt = _weighted_bincount(a_idx, k, aw, a_miss)
        labels = list(cats)
    if e_miss.any() or a_miss.any():
        e_cnt = np.r_[e_cnt, e_miss.sum() if ew is None else ew[e_miss].sum()]
        a_cnt = np.r_[a_cnt, a_miss.sum() if aw is None else aw[a_miss].sum()]
        labels.append("Missing")
    return (e_cnt, a_cnt), labels


def _weighted_bincount(
    idx: npt.NDArray[np.intp], k: int, w: FloatArray | None, miss: npt.NDArray[np.bool_]
) -> FloatArray:
    if w is None:
        return np.bincount(idx, minlength=k).astype(float)
    ww = w[~miss] if miss.any() else w
    out: FloatArray = np.bincount(idx, weights=ww, minlength=k).astype(np.float64)
    return out


@dataclass(frozen=True)
class CSIResult(Result):
    """Characteristic stability indices: one :class:`PSIResult` per characteristic.

    Attributes
    ----------
    results : tuple of PSIResult
        In the order of ``names``.
    names : tuple of str
        Characteristic names.

    Examples
    --------
    >>> res = csi({"x": [1.0, 2.0, 3.0, 4.0]}, {"x": [1.0, 1.0, 2.0, 4.0]}, bins={"x": [2.5]})
    >>> round(res["x"].statistic, 4)
    0.2747
    >>> res.to_frame()["characteristic"].tolist()
    ['x']
    """

    results: tuple[PSIResult, ...]
    names: tuple[str, ...]

    def __getitem__(self, name: str) -> PSIResult:
        try:
            return self.results[self.names.index(name)]
        except ValueError:
            raise KeyError(f"no characteristic {name!r}; have {list(self.names)}") from None

    @property
    def statistic(self) -> dict[str, float]:
        """CSI value per characteristic."""
        return {n: r.statistic for n, r in zip(self.names, self.results, strict=True)}

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [n, r.statistic, r.critical_value, r.pvalue, r.reject, r.rule_of_thumb]
            for n, r in zip(self.names, self.results, strict=True)
        ]
        return (
            "Characteristic stability index",
            ["characteristic", "CSI", "critical value", "p-value", "reject", "rule of thumb"],
            rows,
            "critical values: Yurdakul & Naranjo (2020).",
        )

    def to_frame(self) -> Any:
        """DataFrame with one row per characteristic."""
        return self._summary_frame()


def csi(
    expected: Any,
    actual: Any,
    *,
    columns: Sequence[str] | None = None,
    bins: int | Mapping[str, npt.ArrayLike] = 10,
    epsilon: float = PSI_EPSILON,
    alpha: float = 0.05,
    expected_weight: npt.ArrayLike | None = None,
    actual_weight: npt.ArrayLike | None = None,
) -> CSIResult:
    """Characteristic stability index: PSI of every characteristic (column).

    Parameters
    ----------
    expected, actual : DataFrame or mapping of column name -> array
        Reference and current samples (pandas / polars DataFrame or dict of arrays).
    columns : sequence of str, optional
        Columns to compare (default: all columns of ``expected``).
    bins : int or mapping of column -> edges, default=10
        Quantile bin count for every numeric column, or explicit inner edges per column
        (columns not in the mapping use 10 quantile bins).
    epsilon, alpha : float
        As in :func:`psi`.
    expected_weight, actual_weight : array-like, optional
        One weight per row of ``expected`` / ``actual``, used for every column (weighted
        proportions, quantiles and effective sample sizes, as in :func:`psi`).

    Returns
    -------
    CSIResult

    Examples
    --------
    >>> import numpy as np
    >>> ref = {"age": np.arange(100.0), "region": np.array(["n", "s"] * 50)}
    >>> cur = {"age": np.arange(100.0) + 5, "region": np.array(["n"] * 60 + ["s"] * 40)}
    >>> round(csi(ref, cur)["region"].statistic, 4)
    0.0405
    """
    e_map = as_mapping_of_columns(expected)
    a_map = as_mapping_of_columns(actual)
    if e_map is None or a_map is None:
        raise DataError("csi needs DataFrames or dicts of columns for expected and actual.")
    names = list(columns) if columns is not None else [str(c) for c in e_map]
    missing = [c for c in names if c not in a_map or c not in e_map]
    if missing:
        raise DataError(
            f"columns {format_values(missing)} are not in both samples; expected has "
            f"{format_values(list(e_map))}, actual has {format_values(list(a_map))}."
        )
    out = []
    for c in names:
        b: Any = bins.get(c, 10) if isinstance(bins, Mapping) else bins
        out.append(
            psi(
                _to_numpy(e_map[c]),
                _to_numpy(a_map[c]),
                bins=b,
                epsilon=epsilon,
                alpha=alpha,
                name=c,
                expected_weight=expected_weight,
                actual_weight=actual_weight,
            )
        )
    return CSIResult(tuple(out), tuple(names))


def _to_numpy(col: Any) -> npt.NDArray[Any]:
    if hasattr(col, "to_numpy"):
        try:
            return np.asarray(col.to_numpy(dtype=object if _is_object_like(col) else None))
        except TypeError:
            return np.asarray(col.to_numpy())
    return np.asarray(col)


def _is_object_like(col: Any) -> bool:
    kind = getattr(getattr(col, "dtype", None), "kind", None)
    return kind not in ("b", "i", "u", "f")
