"""Feature selection for scorecards: by IV, WOE correlation, VIF and stepwise logistic.

Every function returns a :class:`SelectionResult` that says, for each feature, whether it
was kept and why. Inputs are WOE-transformed columns (``WOEBinner().fit_transform``) and
the information values of the binner (``binner.iv_``).

References
----------
.. [1] Siddiqi, N. (2017). *Intelligent Credit Scoring*, 2nd ed., Wiley (IV rules of thumb:
   < 0.02 unpredictive, 0.02-0.1 weak, 0.1-0.3 medium, > 0.5 suspicious).
.. [2] Kutner, M. H. et al. (2005). *Applied Linear Statistical Models*, 5th ed. (VIF).
.. [3] Akaike, H. (1974). A new look at the statistical model identification. IEEE TAC 19(6).

Examples
--------
>>> res = select_by_iv({"age": 0.15, "noise": 0.004, "leak": 0.9}, min_iv=0.02, max_iv=0.5)
>>> res.selected
('age',)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin

from overdue_risk._estimator import (
    check_fitted,
    check_target,
    data_errors,
    one_of,
    real,
    validate_params,
)
from overdue_risk._results import Result
from overdue_risk._validation import check_binary_target, check_consistent_length, format_values
from overdue_risk.exceptions import DataError

__all__ = [
    "SelectionResult",
    "WOESelector",
    "iv_of_woe_columns",
    "select_by_correlation",
    "select_by_iv",
    "select_by_vif",
    "stepwise_selection",
]


@dataclass(frozen=True)
class SelectionResult(Result):
    """Which features a selection step kept, with the statistic and the reason for each.

    Attributes
    ----------
    method : str
        The selection step.
    features : tuple of str
        All candidate features, in input order.
    kept : tuple of bool
        Whether each feature was kept.
    statistic : tuple of float
        The step's statistic per feature (IV, max |corr|, VIF, p-value).
    reasons : tuple of str
        Why each feature was kept or dropped.
    """

    method: str
    features: tuple[str, ...]
    kept: tuple[bool, ...]
    statistic: tuple[float, ...]
    reasons: tuple[str, ...]

    @property
    def selected(self) -> tuple[str, ...]:
        """Names of the kept features, in input order."""
        return tuple(f for f, k in zip(self.features, self.kept, strict=True) if k)

    @property
    def dropped(self) -> tuple[str, ...]:
        """Names of the dropped features."""
        return tuple(f for f, k in zip(self.features, self.kept, strict=True) if not k)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [f, "kept" if k else "dropped", s, r]
            for f, k, s, r in zip(
                self.features, self.kept, self.statistic, self.reasons, strict=True
            )
        ]
        footer = f"{len(self.selected)} of {len(self.features)} features kept"
        return (
            f"Feature selection: {self.method}",
            ["feature", "decision", "statistic", "reason"],
            rows,
            footer,
        )

    def to_frame(self) -> Any:
        """One row per feature: feature, kept, statistic, reason."""
        import pandas as pd

        return pd.DataFrame(
            {
                "feature": self.features,
                "kept": self.kept,
                "statistic": self.statistic,
                "reason": self.reasons,
            }
        )


def _iv_mapping(iv: Any) -> dict[str, float]:
    if hasattr(iv, "iv_"):
        iv = iv.iv_
    if not isinstance(iv, Mapping):
        raise DataError(
            "iv must be a mapping feature -> IV (e.g. binner.iv_) or a fitted WOEBinner."
        )
    return {str(k): float(v) for k, v in iv.items()}


def _matrix(
    X: Any, feature_names: Sequence[str] | None
) -> tuple[list[str], npt.NDArray[np.float64]]:
    if hasattr(X, "columns"):
        names = [str(c) for c in X.columns]
        arr = np.asarray(X.to_numpy() if hasattr(X, "to_numpy") else X, dtype=np.float64)
    else:
        arr = np.asarray(X, dtype=np.float64)
        if arr.ndim != 2:
            raise DataError(f"X must be 2-D (rows x WOE columns); got shape {arr.shape}.")
        names = (
            list(feature_names)
            if feature_names is not None
            else [f"x{i}" for i in range(arr.shape[1])]
        )
    if len(names) != arr.shape[1]:
        raise DataError(f"feature_names has {len(names)} names but X has {arr.shape[1]} columns.")
    if not np.all(np.isfinite(arr)):
        raise DataError(
            "X holds NaN or inf; pass WOE values (WOEBinner.transform), which are finite."
        )
    return names, arr


def _matrix_and_target(
    X: Any, y: Any, feature_names: Sequence[str] | None, pos_label: Any
) -> tuple[list[str], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """WOE matrix and 0/1 target of a selection step, checked to have the same rows."""
    names, arr = _matrix(X, feature_names)
    yv = check_binary_target(y, pos_label=pos_label)
    check_consistent_length(X=arr, y=yv)
    return names, arr, yv


def select_by_iv(
    iv: Mapping[str, float] | Any, *, min_iv: float = 0.02, max_iv: float | None = None
) -> SelectionResult:
    """Keep features whose information value lies in ``[min_iv, max_iv]``.

    A feature whose IV is NaN or infinite is dropped, with the reason.

    Parameters
    ----------
    iv : mapping of str -> float, or a fitted WOEBinner
        Information value per feature.
    min_iv : float, default=0.02
        Below this a feature is unpredictive (Siddiqi).
    max_iv : float or None, default=None
        Above this a feature is suspiciously strong (possible target leakage); None = no cap.

    Returns
    -------
    SelectionResult

    Examples
    --------
    >>> select_by_iv({"a": 0.3, "b": 0.01}).reasons
    ('IV 0.3000 >= 0.02', 'IV 0.0100 < min_iv 0.02: unpredictive')
    """
    ivs = _iv_mapping(iv)
    kept, reasons = [], []
    for v in ivs.values():
        if not np.isfinite(v):
            kept.append(False)
            reasons.append(
                f"IV {v} is not a finite number: the feature cannot be assessed (check its "
                "binning: bins without events or non-events, or no data)"
            )
        elif v < min_iv:
            kept.append(False)
            reasons.append(f"IV {v:.4f} < min_iv {min_iv:g}: unpredictive")
        elif max_iv is not None and v > max_iv:
            kept.append(False)
            reasons.append(f"IV {v:.4f} > max_iv {max_iv:g}: suspicious, check for leakage")
        else:
            kept.append(True)
            reasons.append(f"IV {v:.4f} >= {min_iv:g}")
    return SelectionResult("iv", tuple(ivs), tuple(kept), tuple(ivs.values()), tuple(reasons))


def select_by_correlation(
    X: Any,
    iv: Mapping[str, float] | Any,
    *,
    max_corr: float = 0.7,
    feature_names: Sequence[str] | None = None,
) -> SelectionResult:
    """Drop the weaker (lower IV) feature of every pair whose WOE values correlate too much.

    Features are visited in decreasing IV; one is kept unless its absolute Pearson
    correlation with an already kept feature exceeds ``max_corr``.

    Parameters
    ----------
    X : DataFrame or array of shape (n, p)
        WOE values (``WOEBinner().fit_transform``).
    iv : mapping of str -> float, or a fitted WOEBinner
        Information value per feature (decides which of a pair stays).
    max_corr : float, default=0.7
        Largest absolute correlation allowed between two kept features.
    feature_names : sequence of str, optional
        Names when X is an array (default ``x0, x1, ...``).

    Returns
    -------
    SelectionResult
        ``statistic`` is the largest absolute correlation with an earlier kept feature.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=500)
    >>> X = np.c_[a, a + 0.1 * rng.normal(size=500), rng.normal(size=500)]
    >>> res = select_by_correlation(X, {"x0": 0.3, "x1": 0.2, "x2": 0.1})
    >>> res.selected, res.reasons[1]
    (('x0', 'x2'), "|corr| 0.996 with 'x0' (higher IV) > 0.7")
    """
    names, arr = _matrix(X, feature_names)
    ivs = _iv_mapping(iv)
    missing = [n for n in names if n not in ivs]
    if missing:
        raise DataError(f"iv lacks features {format_values(missing)}; pass binner.iv_.")
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(arr, rowvar=False) if arr.shape[1] > 1 else np.ones((1, 1))
    corr = np.nan_to_num(np.atleast_2d(corr), nan=0.0)
    order = sorted(range(len(names)), key=lambda j: -ivs[names[j]])
    kept_idx: list[int] = []
    reasons = [""] * len(names)
    stat = [0.0] * len(names)
    for j in order:
        if kept_idx:
            c = np.abs(corr[j, kept_idx])
            k = int(np.argmax(c))
            stat[j] = float(c[k])
            if c[k] > max_corr:
                reasons[j] = (
                    f"|corr| {c[k]:.3f} with {names[kept_idx[k]]!r} (higher IV) > {max_corr:g}"
                )
                continue
            reasons[j] = f"max |corr| {c[k]:.3f} with kept features <= {max_corr:g}"
        else:
            reasons[j] = "highest IV"
        kept_idx.append(j)
    kept = tuple(j in kept_idx for j in range(len(names)))
    return SelectionResult("correlation", tuple(names), kept, tuple(stat), tuple(reasons))


_COLLINEAR = 1e-10  # 1 - R^2 below this: the column is a linear combination of the others


def _vif(arr: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """VIF_j = 1 / (1 - R_j^2), R_j^2 of the least-squares fit of column j on the others.

    Exactly collinear columns (and constant ones) get an infinite VIF: the inverse of a
    singular correlation matrix does not exist, and a pseudo-inverse would report a
    finite VIF for them.
    """
    p = arr.shape[1]
    sd = arr.std(axis=0)
    out = np.full(p, np.inf)
    ok = np.flatnonzero(sd > 0)
    if ok.size == 0:
        return out
    z = (arr[:, ok] - arr[:, ok].mean(axis=0)) / sd[ok]
    for pos, j in enumerate(ok):
        if ok.size == 1:
            out[j] = 1.0
            continue
        others = np.delete(z, pos, axis=1)
        coef, *_ = np.linalg.lstsq(others, z[:, pos], rcond=None)
        resid = z[:, pos] - others @ coef
        unexplained = float(resid @ resid) / float(z[:, pos] @ z[:, pos])
        out[j] = np.inf if unexplained <= _COLLINEAR else max(1.0 / unexplained, 1.0)
    return out


def select_by_vif(
    X: Any, *, max_vif: float = 5.0, feature_names: Sequence[str] | None = None
) -> SelectionResult:
    """Drop, one at a time, the feature with the largest VIF until all are <= ``max_vif``.

    ``VIF_j = 1 / (1 - R_j^2)``, with ``R_j^2`` from regressing feature ``j`` on the others
    by least squares. An exactly collinear (or constant) feature has an infinite VIF and
    is dropped first.

    Parameters
    ----------
    X : DataFrame or array of shape (n, p)
        WOE values.
    max_vif : float, default=5.0
        Largest VIF allowed (5 and 10 are the usual rules of thumb).
    feature_names : sequence of str, optional
        Names when X is an array.

    Returns
    -------
    SelectionResult
        ``statistic`` is the VIF when the feature was dropped, or in the final set.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(2, 400))
    >>> X = np.c_[a, b, a + b + 0.05 * rng.normal(size=400)]
    >>> select_by_vif(X).dropped
    ('x2',)
    """
    names, arr = _matrix(X, feature_names)
    active = list(range(len(names)))
    stat = [0.0] * len(names)
    reasons = [""] * len(names)
    rnd = 0
    while active:
        v = _vif(arr[:, active])
        k = int(np.argmax(v))
        if v[k] <= max_vif:
            for pos, j in enumerate(active):
                stat[j] = float(v[pos])
                reasons[j] = f"VIF {v[pos]:.2f} <= {max_vif:g}"
            break
        rnd += 1
        j = active.pop(k)
        stat[j] = float(v[k])
        why = " (exactly collinear with the others, or constant)" if np.isinf(v[k]) else ""
        reasons[j] = f"VIF {v[k]:.2f} > {max_vif:g}{why} (dropped in round {rnd})"
    kept = tuple(j in active for j in range(len(names)))
    return SelectionResult("vif", tuple(names), kept, tuple(stat), tuple(reasons))


def _logit(y: npt.NDArray[np.int64], arr: npt.NDArray[np.float64], cols: list[int]) -> Any:
    import statsmodels.api as sm

    exog = sm.add_constant(arr[:, cols], has_constant="add") if cols else np.ones((len(y), 1))
    return sm.Logit(y, exog).fit(disp=0, method="newton", maxiter=100)


def stepwise_selection(
    X: Any,
    y: npt.ArrayLike,
    *,
    direction: str = "both",
    criterion: str = "aic",
    p_enter: float = 0.05,
    p_remove: float = 0.05,
    max_features: int | None = None,
    feature_names: Sequence[str] | None = None,
    pos_label: Any = None,
) -> SelectionResult:
    """Stepwise selection of WOE features on a logistic model (statsmodels).

    Forward steps add the feature that lowers the criterion most (AIC, or the smallest
    p-value below ``p_enter``); with ``direction="both"`` each step then removes any
    feature whose p-value exceeds ``p_remove``. ``"backward"`` starts from all features
    and removes the one whose removal lowers AIC most (or the largest p-value above
    ``p_remove``).

    Parameters
    ----------
    X : DataFrame or array of shape (n, p)
        WOE values.
    y : array-like of shape (n,)
        0/1 target.
    direction : {"forward", "backward", "both"}, default="both"
    criterion : {"aic", "pvalue"}, default="aic"
    p_enter, p_remove : float, default=0.05
    max_features : int or None, default=None
    feature_names : sequence of str, optional
        Names when X is an array.
    pos_label : scalar or None, default=None
        Label of the event when ``y`` is not 0/1 or bool.

    Returns
    -------
    SelectionResult
        ``statistic`` is the feature's p-value in the final model (1.0 when not in it).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> X = rng.normal(size=(2000, 3))
    >>> y = (rng.random(2000) < 1 / (1 + np.exp(1 + 1.2 * X[:, 0] + 0.8 * X[:, 1]))).astype(int)
    >>> stepwise_selection(X, y).selected
    ('x0', 'x1')
    """
    if direction not in ("forward", "backward", "both"):
        raise DataError(f'direction must be "forward", "backward" or "both"; got {direction!r}.')
    if criterion not in ("aic", "pvalue"):
        raise DataError(f'criterion must be "aic" or "pvalue"; got {criterion!r}.')
    names, arr, yv = _matrix_and_target(X, y, feature_names, pos_label)
    p = len(names)
    limit = p if max_features is None else int(max_features)
    chosen: list[int] = list(range(p)) if direction == "backward" else []
    notes: dict[int, str] = {}
    removed: set[int] = set()  # a removed feature does not re-enter (no cycling)
    current = _logit(yv, arr, chosen)
    for step in range(1, 4 * p + 2):
        changed = False
        if direction in ("forward", "both") and len(chosen) < limit:
            best: tuple[float, int, Any] | None = None
            for j in (j for j in range(p) if j not in chosen and j not in removed):
                fit = _logit(yv, arr, [*chosen, j])
                score = fit.aic if criterion == "aic" else float(fit.pvalues[-1])
                if best is None or score < best[0]:
                    best = (score, j, fit)
            if best is not None:
                score, j, fit = best
                ok = score < current.aic - 1e-9 if criterion == "aic" else score < p_enter
                if ok:
                    chosen.append(j)
                    notes[j] = f"entered at step {step} ({criterion} {score:.4g})"
                    current, changed = fit, True
        if direction in ("backward", "both") and chosen:
            pv = np.asarray(current.pvalues)[1:]
            if criterion == "aic" and direction == "backward":
                fits = [(_logit(yv, arr, [c for c in chosen if c != j]), j) for j in chosen]
                fit, j = min(fits, key=lambda fj: fj[0].aic)
                if fit.aic < current.aic - 1e-9:
                    chosen.remove(j)
                    removed.add(j)
                    notes[j] = f"removed at step {step}: AIC {fit.aic:.4g} without it"
                    current, changed = fit, True
            elif pv.max() > p_remove:
                k = int(np.argmax(pv))
                j = chosen.pop(k)
                removed.add(j)
                notes[j] = f"removed at step {step}: p-value {pv[k]:.3g} > {p_remove:g}"
                current, changed = _logit(yv, arr, chosen), True
        if not changed:
            break
    pvals = dict(zip(chosen, np.asarray(current.pvalues)[1:].tolist(), strict=True))
    reasons = []
    for j in range(p):
        if j in chosen:
            reasons.append(notes.get(j, "kept from the full model") + f"; p-value {pvals[j]:.3g}")
        else:
            reasons.append(notes.get(j, "never entered: no improvement of " + criterion))
    kept = tuple(j in chosen for j in range(p))
    stat = tuple(float(pvals.get(j, 1.0)) for j in range(p))
    return SelectionResult(
        f"stepwise ({direction}, {criterion})", tuple(names), kept, stat, tuple(reasons)
    )


def iv_of_woe_columns(
    X: Any,
    y: npt.ArrayLike,
    *,
    feature_names: Sequence[str] | None = None,
    pos_label: Any = None,
) -> dict[str, float]:
    """Information value of WOE-coded columns (each distinct WOE value is one bin).

    Parameters
    ----------
    X : DataFrame or array of shape (n, p)
        WOE values.
    y : array-like of shape (n,)
        0/1 target.
    feature_names : sequence of str, optional
        Names when X is an array.
    pos_label : scalar or None, default=None
        Label of the event when ``y`` is not 0/1 or bool.

    Returns
    -------
    dict of str -> float

    Examples
    --------
    >>> iv_of_woe_columns([[0.5], [0.5], [-0.5], [-0.5]], [0, 0, 1, 0])
    {'x0': 0.9026...}
    """
    from overdue_risk.binning import woe_iv

    names, arr, yv = _matrix_and_target(X, y, feature_names, pos_label)
    total_e = float(yv.sum())
    total_n = float(yv.size - total_e)
    out = {}
    for j, name in enumerate(names):
        _, inv = np.unique(arr[:, j], return_inverse=True)
        ev = np.bincount(inv, weights=yv.astype(float))
        ne = np.bincount(inv) - ev
        out[name] = float(woe_iv(ev, ne, total_e, total_n)[1].sum())
    return out


class WOESelector(SelectorMixin, BaseEstimator):  # type: ignore[misc]
    """Select WOE features in a pipeline: IV, then correlation, VIF and stepwise.

    Use after :class:`~overdue_risk.WOEBinner` (``output="woe"``). Steps whose
    parameter is None are skipped. The IV of each column is computed from its distinct WOE
    values (one per bin).

    Parameters
    ----------
    min_iv : float or None, default=0.02
    max_iv : float or None, default=None
    max_corr : float or None, default=0.7
    max_vif : float or None, default=None
    stepwise : {"forward", "backward", "both"} or None, default=None
    criterion : {"aic", "pvalue"}, default="aic"
    pos_label : scalar or None, default=None
        Label of the event when ``y`` is not 0/1 or bool.

    Attributes
    ----------
    results_ : list of SelectionResult
        The steps run, in order; each says why each feature was kept or dropped.
    support_ : ndarray of bool
        Kept columns.
    iv_ : dict of str -> float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from overdue_risk import WOEBinner
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(3000, 3))
    >>> X[:, 2] = X[:, 0] + 0.01 * rng.normal(size=3000)
    >>> y = (rng.random(3000) < 1 / (1 + np.exp(1 + X[:, 0]))).astype(int)
    >>> pipe = make_pipeline(WOEBinner(max_n_bins=5), WOESelector()).fit(X, y)
    >>> pipe[-1].get_feature_names_out().tolist()
    ['x0']
    """

    def __init__(
        self,
        min_iv: float | None = 0.02,
        *,
        max_iv: float | None = None,
        max_corr: float | None = 0.7,
        max_vif: float | None = None,
        stepwise: str | None = None,
        criterion: str = "aic",
        pos_label: Any = None,
    ) -> None:
        self.min_iv = min_iv
        self.max_iv = max_iv
        self.max_corr = max_corr
        self.max_vif = max_vif
        self.stepwise = stepwise
        self.criterion = criterion
        self.pos_label = pos_label

    _param_rules = {  # noqa: RUF012 - read-only class table of parameter rules
        "min_iv": real(low=0, none=True),
        "max_iv": real(low=0, none=True),
        "max_corr": real(0, 1, none=True),
        "max_vif": real(low=1, none=True),
        "stepwise": one_of("forward", "backward", "both", None),
        "criterion": one_of("aic", "pvalue"),
    }

    def fit(self, X: Any, y: Any = None) -> WOESelector:
        """Run the selection steps on WOE columns ``X`` and the 0/1 target ``y``."""
        from sklearn.utils.validation import validate_data

        validate_params(self)
        if y is None:
            check_target(self, y)  # raises, naming the estimator
        with data_errors(
            "WOESelector", "Pass the WOE columns (WOEBinner(output='woe').transform), all numbers."
        ):
            arr = validate_data(self, X, reset=True, dtype=np.float64, ensure_min_samples=2)
        names = (
            [str(c) for c in self.feature_names_in_]
            if hasattr(self, "feature_names_in_")
            else [f"x{i}" for i in range(arr.shape[1])]
        )
        y, _ = check_target(self, y)
        self.iv_ = iv_of_woe_columns(arr, y, feature_names=names)
        keep = np.ones(len(names), dtype=bool)
        results: list[SelectionResult] = []

        def run(step: SelectionResult) -> None:
            results.append(step)
            kept = set(step.selected)
            for j, n in enumerate(names):
                if keep[j] and n in step.features and n not in kept:
                    keep[j] = False

        if self.min_iv is not None or self.max_iv is not None:
            run(select_by_iv(self.iv_, min_iv=self.min_iv or 0.0, max_iv=self.max_iv))
        for kind in ("corr", "vif", "step"):
            idx = np.flatnonzero(keep)
            if idx.size == 0:
                break
            sub = [names[j] for j in idx]
            if kind == "corr" and self.max_corr is not None and idx.size > 1:
                run(
                    select_by_correlation(
                        arr[:, idx], self.iv_, max_corr=self.max_corr, feature_names=sub
                    )
                )
            elif kind == "vif" and self.max_vif is not None and idx.size > 1:
                run(select_by_vif(arr[:, idx], max_vif=self.max_vif, feature_names=sub))
            elif kind == "step" and self.stepwise is not None:
                run(
                    stepwise_selection(
                        arr[:, idx],
                        y,
                        direction=self.stepwise,
                        criterion=self.criterion,
                        feature_names=sub,
                    )
                )
        self.results_ = results
        self.support_ = keep
        return self

    def _get_support_mask(self) -> npt.NDArray[np.bool_]:
        check_fitted(self, "support_")
        return np.asarray(self.support_)

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags

        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.classifier_tags = ClassifierTags(multi_class=False)  # binary 0/1 target only
        return tags
