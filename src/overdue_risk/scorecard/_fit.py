"""Fitting a scorecard: bin, select, fit the logistic model, scale it to points.

:func:`fit_card` reads a ``Scorecard``'s parameters and returns the
:class:`~overdue_risk.scorecard._record.FittedCard` that ``Scorecard.fit`` applies.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import has_fit_parameter

from overdue_risk._columns import Columns
from overdue_risk._estimator import (
    Rule,
    boolean,
    check_target,
    instance_of,
    integer,
    one_of,
    real,
)
from overdue_risk._validation import check_sample_weight, format_values
from overdue_risk.binning import WOEBinner
from overdue_risk.exceptions import DataError, OverdueRiskWarning
from overdue_risk.scorecard._card import CardFeature
from overdue_risk.scorecard._logistic import LogisticFit, fit_logistic
from overdue_risk.scorecard._record import FittedCard
from overdue_risk.scorecard._scaling import PointsScaling
from overdue_risk.scorecard._summary import ScorecardSummary, newton_summary

__all__ = [
    "PARAM_RULES",
    "card_column",
    "fit_card",
    "fit_with_signs",
    "fitted_metadata",
    "fitted_record",
    "no_feature_left",
    "select_by_bins",
    "woe_matrix",
]

FloatArray = npt.NDArray[np.float64]

#: The Scorecard's constructor parameters and their rules (checked at fit).
PARAM_RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "binner": instance_of("an unfitted WOEBinner", BaseEstimator, none=True),
        "selector": instance_of("an unfitted selector", BaseEstimator, none=True),
        "min_iv": real(low=0, none=True),
        "max_features": integer(low=1, none=True),
        "sign_check": one_of("drop", "warn", "report"),
        "C": real(low=0, closed="neither", allow_inf=True),
        "max_iter": integer(low=1),
        "pdo": real(low=0, closed="neither"),
        "base_score": real(),
        "base_odds": real(low=0, closed="neither"),
        "rounding": boolean(),
        "intercept_mode": one_of("distributed", "separate"),
        "reason_code_map": instance_of("a dict feature -> reason code", Mapping, none=True),
    }
)


def card_column(cols: Columns, name: str, kind: str) -> npt.NDArray[Any]:
    """Values of input column ``name`` as a card feature of ``kind`` reads them."""
    return cols.numeric(name) if kind == "numeric" else cols.column(name)


def woe_matrix(binner: Any, names: Sequence[str], cols: Columns) -> FloatArray:
    """The WOE of each row (one column per feature of ``names``, columns contiguous).

    Examples
    --------
    >>> from overdue_risk._columns import as_columns
    >>> b = WOEBinner(user_splits={"x": [1.5]}).fit({"x": [1.0, 2, 1, 2]}, [0, 1, 1, 0])
    >>> woe_matrix(b, ["x"], as_columns({"x": [1.0, 2.0]})).shape
    (2, 1)
    """
    Z = np.empty((cols.n_rows, len(names)), order="F")
    for j, n in enumerate(names):
        b = binner.bins_[n]
        Z[:, j] = np.asarray(b.woe, dtype=np.float64)[b.bin_index(card_column(cols, n, b.kind))]
    return Z


def design_columns(Z: FloatArray, keep: Sequence[int]) -> FloatArray:
    """Columns ``keep`` of the column-major design ``Z``: ``Z`` itself when every column is
    kept in order, else a column-major copy made column by column (``Z[:, keep]`` gathers
    row by row into a row-major array: half a second at 1M x 30, issue 19).

    Examples
    --------
    >>> Z = np.asfortranarray(np.arange(6.0).reshape(3, 2))
    >>> design_columns(Z, [0, 1]) is Z, design_columns(Z, [1]).ravel().tolist()
    (True, [1.0, 3.0, 5.0])
    """
    if list(keep) == list(range(Z.shape[1])):
        return Z
    out = np.empty((Z.shape[0], len(keep)), order="F")
    for i, j in enumerate(keep):
        out[:, i] = Z[:, j]
    return out


def fit_card(est: Any, X: Any, cols: Columns, y: Any, sample_weight: Any) -> FittedCard:
    """Fit ``est``'s card on ``X`` (read as ``cols``); parameters are already validated."""
    if cols.n_rows < 2:
        raise DataError(
            f"X has {cols.n_rows} sample(s) (n_samples = {cols.n_rows}); a scorecard needs "
            "data to fit. Pass more rows."
        )
    y01, classes = check_target(est, y)
    if y01.shape[0] != cols.n_rows:
        raise DataError(f"X has {cols.n_rows} rows but y has {y01.shape[0]}. Align them first.")
    w = check_sample_weight(sample_weight, cols.n_rows)
    weighted_events = float(w[y01 == 1].sum())
    if weighted_events == 0 or weighted_events == float(w.sum()):
        raise DataError(
            "y has a single class among the rows with positive sample_weight; a scorecard "
            "needs both events and non-events. Check the target and the weights."
        )
    binner = WOEBinner() if est.binner is None else clone(est.binner)
    binner.fit(X, y01, sample_weight=None if sample_weight is None else w)
    names = [str(n) for n in binner.bins_]
    bins = [binner.bins_[n] for n in names]
    Z = woe_matrix(binner, names, cols)
    dropped, keep = _select(est, names, bins, Z)
    selector, keep = _run_selector(est, names, Z, y01, sample_weight, keep, dropped)
    if not keep:
        raise no_feature_left(dropped, "lower min_iv, relax the selector")
    signed = fit_with_signs(
        est,
        names,
        keep,
        dropped,
        lambda k: fit_logistic(
            design_columns(Z, k), y01, w, C=float(est.C), max_iter=int(est.max_iter)
        ),
        hint="Check collinearity (summary_.vif) or set sign_check='drop'.",
    )
    weights = None if sample_weight is None else w
    return fitted_record(
        est,
        binner,
        dropped,
        signed,
        classes=classes,
        feature_names_in=getattr(est, "feature_names_in_", None),
        target_name=str(getattr(y, "name", None) or "event"),
        selector=selector,
        summary=lambda k, f: _summary(
            est, design_columns(Z, k), y01, weights, f, [names[j] for j in k]
        ),
    )


def no_feature_left(dropped: Mapping[str, str], fix: str) -> DataError:
    """The error for a card whose every feature was dropped (the reasons listed)."""
    return DataError(
        "no feature is left on the card: "
        + "; ".join(f"{n!r} {why}" for n, why in dropped.items())
        + f". A card without features scores every applicant the same; {fix}, or check "
        "the target and the features."
    )


def fitted_record(
    est: Any,
    binner: Any,
    dropped: dict[str, str],
    signed: tuple[list[int], LogisticFit, list[str]],
    *,
    classes: npt.NDArray[Any],
    feature_names_in: npt.NDArray[Any] | None,
    target_name: str,
    selector: Any = None,
    summary: Callable[[list[int], LogisticFit], Any] | None = None,
) -> FittedCard:
    """The fitted record from the logistic fit on the kept features (any engine's fit).

    ``signed`` is what :func:`fit_with_signs` returns. Refuses a card left without
    features, warns when Newton did not converge, scales the coefficients to points.
    Shared by :func:`fit_card` and the Spark and Dask fits
    (:mod:`overdue_risk.distributed`), which pass no selector and no summary.
    """
    keep, fit, wrong = signed
    names = [str(n) for n in binner.bins_]
    if not keep:
        raise DataError(
            "no feature is left on the card: every coefficient had the wrong sign "
            f"({format_values(wrong)}). Check the binning trends and collinearity, or "
            "set sign_check='report'."
        )
    if not fit.converged:
        warnings.warn(
            f"the logistic model did not converge in max_iter={est.max_iter} Newton "
            "steps (quasi-separation?). Lower C, merge sparse bins or raise max_iter.",
            OverdueRiskWarning,
            stacklevel=4,
        )
    scaling = PointsScaling(pdo=est.pdo, base_score=est.base_score, base_odds=est.base_odds)
    bins = [binner.bins_[n] for n in names]
    card, mode, intercept_raw = _scale(est, scaling, names, bins, keep, fit)
    return FittedCard(
        classes=classes,
        scaling=scaling,
        card=tuple(card),
        input_names=tuple(names),
        feature_names_in=feature_names_in,
        intercept_mode=mode,
        intercept_points_raw=intercept_raw,
        intercept_points=float(np.round(intercept_raw)) if est.rounding else intercept_raw,
        rounded=bool(est.rounding),
        target={"name": target_name, "definition": None},
        is_expert=False,
        binner=binner,
        selector=selector,
        n_iter=fit.n_iter,
        dropped_features=dropped,
        wrong_sign_features=tuple(wrong),
        coef=fit.coef.reshape(1, -1),
        intercept=np.array([fit.intercept]),
        summary=None if summary is None else summary(keep, fit),
        overrides=tuple(getattr(binner, "overrides_", []) or []),
    )


def fitted_metadata(est: Any) -> dict[str, Any]:
    """The spec metadata of a fitted (not expert) card: source, drops, per-feature facts."""
    return {
        "dropped_features": dict(est.dropped_features_),
        "source": "fitted",
        "feature_info": {
            f.name: {
                "coefficient": f.coefficient,
                "iv": float(getattr(est.binner_.bins_[f.name], "iv", math.nan)),
                "trend": getattr(est.binner_.bins_[f.name], "trend", None),
                "n_bins": f.n_bins,
            }
            for f in est.card_
        },
        "n_iter": int(est.n_iter_),
    }


def _summary(
    est: Any,
    Zk: FloatArray,
    y: npt.NDArray[np.int64],
    w: FloatArray | None,
    fit: LogisticFit,
    features: list[str],
) -> ScorecardSummary:
    """The card's statistical summary, from the Newton fit (no statsmodels refit).

    The summary describes the unpenalised maximum-likelihood model: with ``C = inf`` that
    is ``fit`` itself; otherwise one more Newton fit without the penalty gives it.
    """
    if not math.isinf(float(est.C)):
        ones = np.ones(y.shape[0]) if w is None else w
        fit = fit_logistic(Zk, y, ones, C=math.inf, max_iter=int(est.max_iter))
    params = np.r_[fit.intercept, fit.coef]
    return newton_summary(Zk, y, w, features, params, converged=fit.converged)


def _scale(
    est: Any,
    scaling: PointsScaling,
    names: list[str],
    bins: list[Any],
    keep: list[int],
    fit: LogisticFit,
) -> tuple[list[CardFeature], str, float]:
    """Points per bin from the logistic fit (Notes of the Scorecard docstring)."""
    p = len(keep)
    mode = est.intercept_mode
    shared = scaling.offset - scaling.factor * fit.intercept
    card = []
    for j, c in zip(keep, fit.coef, strict=True):
        raw = -scaling.factor * c * np.asarray(bins[j].woe, dtype=np.float64)
        if mode == "distributed":
            raw = raw + shared / p
        card.append(_card_feature(est, names[j], bins[j], raw, float(c)))
    return card, mode, 0.0 if mode == "distributed" else shared


def _card_feature(est: Any, name: str, fb: Any, raw: FloatArray, coef: float) -> CardFeature:
    points = np.round(raw) if est.rounding else raw.copy()
    codes = dict(est.reason_code_map or {})
    return CardFeature(
        name=name,
        kind=str(fb.kind),
        splits=tuple(float(s) for s in getattr(fb, "splits", ()) or ()),
        categories=tuple(tuple(str(c) for c in b) for b in getattr(fb, "categories", ()) or ()),
        special_codes=tuple(float(s) for s in getattr(fb, "special_codes", ()) or ()),
        unseen_policy=str(getattr(fb, "unseen_policy", "missing") or "missing"),
        labels=tuple(getattr(fb, "labels", ())),
        points=points,
        points_raw=raw,
        reason_code=str(codes.get(name, name)),
        woe=np.asarray(fb.woe, dtype=np.float64),
        coefficient=coef,
        event_count=np.asarray(fb.event_count, dtype=np.float64),
        nonevent_count=np.asarray(fb.nonevent_count, dtype=np.float64),
        binning=fb,
    )


def _select(
    est: Any, names: list[str], bins: list[Any], Z: FloatArray
) -> tuple[dict[str, str], list[int]]:
    """Drop constant-WOE features (on the rows of ``Z``), then by IV and ``max_features``."""
    constant = [Z.shape[0] == 0 or bool(np.all(Z[:, j] == Z[0, j])) for j in range(len(names))]
    return select_by_bins(est, names, bins, constant)


def select_by_bins(
    est: Any, names: list[str], bins: list[Any], constant: Sequence[bool]
) -> tuple[dict[str, str], list[int]]:
    """The fit's drops given which features have a constant WOE: then ``min_iv``, ``max_features``.

    Shared by :meth:`Scorecard.fit` (constant on the rows) and the Spark fit (constant over
    the bins that hold rows), so both drop the same features for the same reasons.
    """
    dropped: dict[str, str] = {}
    keep: list[int] = []
    for j, n in enumerate(names):
        if constant[j]:
            dropped[n] = "constant WOE on the training data (a single bin)"
            continue
        iv = float(getattr(bins[j], "iv", math.nan))
        if est.min_iv is not None and not iv >= float(est.min_iv):
            dropped[n] = f"IV {iv:.4f} below min_iv={float(est.min_iv):g}"
            continue
        keep.append(j)
    if est.max_features is not None and len(keep) > int(est.max_features):
        order = sorted(keep, key=lambda j: (-float(getattr(bins[j], "iv", 0.0)), j))
        kept = set(order[: int(est.max_features)])
        for j in keep:
            if j not in kept:
                dropped[names[j]] = f"outside the top {int(est.max_features)} by IV"
        keep = [j for j in keep if j in kept]
    return dropped, keep


def _run_selector(
    est: Any,
    names: list[str],
    Z: FloatArray,
    y: npt.NDArray[np.int64],
    sample_weight: Any,
    keep: list[int],
    dropped: dict[str, str],
) -> tuple[Any, list[int]]:
    """Fit ``selector`` (if any) on the WOE of the kept features; drop what it drops."""
    if est.selector is None or not keep:
        return None, keep
    import pandas as pd

    sel = clone(est.selector)
    frame = pd.DataFrame(design_columns(Z, keep), columns=[names[j] for j in keep])
    if sample_weight is not None and has_fit_parameter(sel, "sample_weight"):
        sel.fit(frame, y, sample_weight=sample_weight)
    else:
        if sample_weight is not None:
            warnings.warn(
                f"{type(sel).__name__}.fit takes no sample_weight: the selection ran "
                "unweighted (the binning and the logistic model are weighted).",
                OverdueRiskWarning,
                stacklevel=4,
            )
        sel.fit(frame, y)
    support = np.asarray(sel.get_support(), dtype=bool)
    for j, ok in zip(keep, support, strict=True):
        if not ok:
            dropped[names[j]] = f"dropped by {type(sel).__name__} (see selector_.results_)"
    return sel, [j for j, ok in zip(keep, support, strict=True) if ok]


def fit_with_signs(
    est: Any,
    names: list[str],
    keep: list[int],
    dropped: dict[str, str],
    fit_on: Callable[[list[int]], LogisticFit],
    *,
    hint: str,
) -> tuple[list[int], LogisticFit, list[str]]:
    """Fit on the kept WOE columns (``fit_on(keep)``); handle wrong signs per ``sign_check``.

    Under ``"drop"`` the worst wrong-signed feature is dropped and the model refitted until
    no coefficient is positive; otherwise the wrong-signed features are listed (and, under
    ``"warn"``, a warning ending in ``hint`` is issued). Shared by every engine's fit.
    """
    wrong: list[str] = []
    while True:
        fit = fit_on(keep)
        bad = [(c, j) for c, j in zip(fit.coef, keep, strict=True) if c > 0]
        if not bad:
            return keep, fit, wrong
        if est.sign_check != "drop":
            wrong.extend(names[j] for _, j in bad)
            if est.sign_check == "warn":
                listed = ", ".join(f"{names[j]} ({c:+.4g})" for c, j in bad)
                warnings.warn(
                    "coefficients with the wrong sign (positive under the WOE "
                    f"convention): {listed}. {hint}",
                    OverdueRiskWarning,
                    stacklevel=4,
                )
            return keep, fit, wrong
        c, j = max(bad)
        wrong.append(names[j])
        dropped[names[j]] = f"wrong coefficient sign ({c:+.4g}; WOE convention needs < 0)"
        keep = [k for k in keep if k != j]
        if not keep:
            return keep, fit, wrong
