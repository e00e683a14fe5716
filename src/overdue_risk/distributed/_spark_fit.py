"""Fit a scorecard where the data lives: the whole development run as Spark jobs.

:func:`fit_scorecard_spark` never collects the rows to the driver. It runs

1. the pre-bin count tables (:func:`overdue_risk.distributed.spark.prebin_counts_spark`,
   one aggregation), binned on the driver by ``WOEBinner.fit_from_counts``;
2. the WOE transform as Spark column expressions (``CASE WHEN`` per feature, built from the
   fitted bins: the same bin assignment as ``FeatureBinning.bin_index``);
3. the logistic fit by Newton steps whose gradient, Hessian and objective are one Spark
   aggregation per iteration: ``sum w (p - y) x``, ``sum w p (1 - p) x x'`` and
   ``sum w (log(1 + e^eta) - y eta)`` over the intercept and the WOE columns
   (the same damped Newton method and stopping rule as the in-memory fit,
   :func:`overdue_risk.scorecard._logistic.fit_logistic`);
4. the points scaling of ``Scorecard.fit`` on the coefficients, into the same fitted
   record (:class:`overdue_risk.scorecard._record.FittedCard`).

The driver holds only count tables, a ``(p + 1) x (p + 1)`` matrix and the card, so the
driver memory does not grow with the rows.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import clone

from overdue_risk._estimator import validate_params
from overdue_risk.binning import WOEBinner
from overdue_risk.distributed._counts import DEFAULT_MAX_PREBINS, check_engine_columns
from overdue_risk.distributed.spark import prebin_counts_spark, score_spark_sql
from overdue_risk.exceptions import DataError, OverdueRiskWarning
from overdue_risk.export.sql import quote_identifier
from overdue_risk.scorecard import Scorecard
from overdue_risk.scorecard._fit import _scale, select_by_bins
from overdue_risk.scorecard._logistic import LogisticFit
from overdue_risk.scorecard._record import FittedCard
from overdue_risk.scorecard._scaling import PointsScaling

__all__ = [
    "fit_scorecard_spark",
    "newton_logistic_spark",
    "score_counts_spark",
    "woe_columns_spark",
]

FloatArray = npt.NDArray[np.float64]


def _col(name: str) -> Any:
    from pyspark.sql import functions as F

    return F.col(quote_identifier(name, "spark"))


def woe_columns_spark(binner: Any, features: Sequence[str] | None = None) -> dict[str, Any]:
    """Spark column expressions giving each feature's WOE (the fitted bins of ``binner``).

    Numeric: missing (null or NaN), then each special code, then ``x < split_i`` in
    order (``searchsorted(splits, x, side="right")``). Categorical: the value as text in
    a group; null is the missing bin; anything else the unseen slot.

    Parameters
    ----------
    binner : WOEBinner
        A fitted binner.
    features : sequence of str, optional
        Default: every binned feature.

    Returns
    -------
    dict of str to pyspark.sql.Column

    Examples
    --------
    >>> woe = woe_columns_spark(binner, ["age"])  # doctest: +SKIP
    >>> df.select(woe["age"].alias("age_woe"))  # doctest: +SKIP
    """
    from pyspark.sql import functions as F

    names = list(binner.bins_) if features is None else list(features)
    out = {}
    for n in names:
        b = binner.bins_[n]
        woe = [float(v) for v in np.asarray(b.woe, dtype=np.float64)]
        if b.kind == "numeric":
            x = _col(n).cast("double")
            expr = F.when(x.isNull() | F.isnan(x), F.lit(woe[b.missing_index]))
            for j, code in enumerate(b.special_codes):
                expr = expr.when(x == F.lit(float(code)), F.lit(woe[b.n_bins + 1 + j]))
            for i, s in enumerate(b.splits):
                expr = expr.when(x < F.lit(float(s)), F.lit(woe[i]))
            out[n] = expr.otherwise(F.lit(woe[b.n_bins - 1]))
        else:
            x = _col(n).cast("string")
            expr = F.when(x.isNull(), F.lit(woe[b.missing_index]))
            for i, group in enumerate(b.categories):
                expr = expr.when(x.isin(*[str(c) for c in group]), F.lit(woe[i]))
            out[n] = expr.otherwise(F.lit(woe[b.unseen_index]))
    return out


def _aggregate(
    df: Any, zcols: Sequence[str], y: str, w: str, beta: FloatArray
) -> tuple[float, FloatArray, FloatArray]:
    """One Spark job: objective, gradient and Hessian of the weighted log-loss at ``beta``."""
    from pyspark.sql import functions as F

    X = [F.lit(1.0), *[F.col(c) for c in zcols]]
    eta = F.lit(float(beta[0]))
    for b, c in zip(beta[1:], zcols, strict=True):
        eta = eta + F.lit(float(b)) * F.col(c)
    framed = df.select(*zcols, y, w, eta.alias("_eta"))
    e, yc, wc = F.col("_eta"), F.col(y), F.col(w)
    mu = F.lit(0.5) * (F.lit(1.0) + F.tanh(F.lit(0.5) * e))
    # log(1 + exp(eta)) computed stably: max(eta, 0) + log1p(exp(-|eta|))
    softplus = F.greatest(e, F.lit(0.0)) + F.log1p(F.exp(-F.abs(e)))
    framed = framed.select(*zcols, y, w, mu.alias("_mu"), softplus.alias("_sp"), "_eta")
    m, sp = F.col("_mu"), F.col("_sp")
    k = len(X)
    aggs = [F.sum(wc * (sp - yc * e)).alias("obj")]
    aggs += [F.sum(wc * (m - yc) * X[i]).alias(f"g{i}") for i in range(k)]
    h = wc * m * (F.lit(1.0) - m)
    aggs += [F.sum(h * X[i] * X[j]).alias(f"h{i}_{j}") for i in range(k) for j in range(i, k)]
    row = framed.agg(*aggs).collect()[0]
    grad = np.array([float(row[f"g{i}"]) for i in range(k)])
    H = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            H[i, j] = H[j, i] = float(row[f"h{i}_{j}"])
    return float(row["obj"]), grad, H


def newton_logistic_spark(
    df: Any,
    zcols: Sequence[str],
    y: str,
    w: str,
    *,
    C: float = math.inf,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> LogisticFit:
    """Weighted logistic regression of ``y`` on ``zcols`` by Newton steps on Spark.

    The method of :func:`overdue_risk.scorecard._logistic.fit_logistic` (start at the
    event-rate intercept, step ``H^-1 g``, halve the step while the objective rises, stop
    when its relative decrease is below ``tol``), with each objective, gradient and
    Hessian one Spark aggregation over the rows.

    Parameters
    ----------
    df : pyspark.sql.DataFrame
        Holds the double columns ``zcols``, the 0/1 column ``y`` and the weight ``w``.
    zcols : sequence of str
    y, w : str
    C : float, default=inf
        Inverse L2 penalty on the slopes (the intercept is not penalised).
    max_iter : int, default=100
    tol : float, default=1e-10

    Returns
    -------
    overdue_risk.scorecard._logistic.LogisticFit

    Examples
    --------
    >>> fit = newton_logistic_spark(sdf, ["age_woe"], "bad", "w")  # doctest: +SKIP
    """
    from pyspark.sql import functions as F

    p = len(zcols)
    lam = 0.0 if math.isinf(C) else 1.0 / float(C)
    penalty = np.full(p + 1, lam)
    penalty[0] = 0.0
    tot = df.agg(F.sum(F.col(w) * F.col(y)).alias("e"), F.sum(F.col(w)).alias("t")).collect()[0]
    rate = float(np.clip(float(tot["e"]) / float(tot["t"]), 1e-12, 1 - 1e-12))
    beta = np.zeros(p + 1)
    beta[0] = math.log(rate / (1 - rate))

    def at(b: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        obj, g, H = _aggregate(df, zcols, y, w, b)
        return obj + 0.5 * lam * float(b[1:] @ b[1:]), g + penalty * b, H + np.diag(penalty)

    obj, grad, H = at(beta)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - n_iter is reported
        try:
            step = np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(H, grad, rcond=None)[0]
        if not np.all(np.isfinite(step)):
            step = np.linalg.lstsq(H, grad, rcond=None)[0]
        t = 1.0
        while True:  # backtracking: the objective must not increase
            cand = beta - t * step
            obj_c, grad_c, H_c = at(cand)
            if obj_c <= obj or t < 1e-10:
                break
            t *= 0.5
        decrease = obj - obj_c
        beta, obj, grad, H = cand, obj_c, grad_c, H_c
        if decrease <= tol * max(1.0, abs(obj_c)):
            converged = True
            break
    return LogisticFit(
        intercept=float(beta[0]), coef=beta[1:].copy(), n_iter=it, converged=converged
    )


def _check_scorecard(scorecard: Any) -> Any:
    est = Scorecard() if scorecard is None else clone(scorecard)
    if not isinstance(est, Scorecard):
        raise DataError(
            f"scorecard must be an unfitted Scorecard (its parameters are used); got "
            f"{type(scorecard).__name__}."
        )
    validate_params(est)
    if est.selector is not None:
        raise DataError(
            "fit_scorecard_spark does not run a selector (selectors fit on the rows in "
            "memory); set selector=None and use min_iv / max_features instead."
        )
    return est


def _constant_woe(bins: list[Any]) -> list[bool]:
    """Whether each feature's WOE is one value over the bins that hold rows (as in the fit)."""
    out = []
    for b in bins:
        seen = (np.asarray(b.event_count) + np.asarray(b.nonevent_count)) > 0
        woe = np.asarray(b.woe, dtype=np.float64)[: seen.size][seen]
        out.append(woe.size == 0 or bool(np.all(woe == woe[0])))
    return out


def fit_scorecard_spark(
    df: Any,
    target: str,
    features: Sequence[str] | None = None,
    *,
    scorecard: Any = None,
    splits: Mapping[str, Sequence[float]] | None = None,
    max_n_prebins: int = DEFAULT_MAX_PREBINS,
    weight: str | None = None,
) -> Scorecard:
    """Fit a Scorecard on a Spark DataFrame without collecting its rows.

    Binning from the engine's pre-bin count tables, WOE as column expressions, Newton
    steps with one aggregation per iteration, then ``Scorecard.fit``'s scaling to points.
    On the same pre-bin edges it equals ``Scorecard.fit`` on the same rows (the tests
    check points to 1e-6): give the in-memory binner ``user_splits=splits``.

    Parameters
    ----------
    df : pyspark.sql.DataFrame
    target : str
        The 0/1 event column (no nulls).
    features : sequence of str, optional
        Default: every column but the target and the weight.
    scorecard : Scorecard, optional
        An unfitted Scorecard whose parameters (binner, ``min_iv``, ``C``, scaling,
        ``sign_check`` ...) are used; ``selector`` must be None. Default ``Scorecard()``.
    splits : dict, optional
        Pre-bin cut points per numeric feature; the others get ``max_n_prebins``
        approximate quantiles from Spark (not the in-memory tree pre-binning).
    max_n_prebins : int, default=20
    weight : str, optional
        A row-weight column (``sample_weight``).

    Returns
    -------
    Scorecard
        Fitted (``summary_`` is None: the statistical summary needs the rows in memory).

    Examples
    --------
    >>> card = fit_scorecard_spark(sdf, "bad", splits=edges)  # doctest: +SKIP
    >>> card.to_spec()  # doctest: +SKIP
    """
    from pyspark.sql import functions as F

    est: Scorecard = _check_scorecard(scorecard)
    if features is not None:
        check_engine_columns(df.columns, list(features), "fit_scorecard_spark", "Spark")
    binner = WOEBinner() if est.binner is None else clone(est.binner)
    special = binner.special_codes
    names_all = [c for c in df.columns if c not in {target, weight}]
    feats = list(features) if features is not None else names_all
    special_codes: dict[str, Sequence[float]] | None = (
        {str(k): [float(c) for c in v] for k, v in special.items()}
        if isinstance(special, Mapping)
        else ({c: [float(v) for v in special] for c in feats} if special else None)
    )
    tables = prebin_counts_spark(
        df,
        target,
        feats,
        splits={k: list(v) for k, v in (splits or {}).items()},
        special_codes=special_codes,
        max_n_prebins=max_n_prebins,
        weight=weight,
    )
    binner.fit_from_counts([tables[c] for c in feats])
    names = [str(n) for n in binner.bins_]
    bins = [binner.bins_[n] for n in names]
    first = tables[names[0]]
    ev, tot = float(np.sum(first.event)), float(np.sum(first.event) + np.sum(first.nonevent))
    if ev == 0 or ev == tot:
        raise DataError(
            "y has a single class among the rows with positive weight; a scorecard needs "
            "both events and non-events. Check the target and the weights."
        )
    dropped, keep = select_by_bins(est, names, bins, _constant_woe(bins))
    if not keep:
        raise DataError(
            "no feature is left on the card: "
            + "; ".join(f"{n!r} {why}" for n, why in dropped.items())
            + ". Lower min_iv or check the target and the features."
        )
    woe = woe_columns_spark(binner, names)
    zname = {n: f"__woe_{j}" for j, n in enumerate(names)}
    wcol = _col(weight).cast("double") if weight else F.lit(1.0)
    design = df.select(
        *[woe[n].alias(zname[n]) for n in names],
        _col(target).cast("double").alias("__y"),
        wcol.alias("__w"),
    ).where(F.col("__w") > 0)
    design = design.persist()
    try:
        keep, fit, wrong = _fit_with_signs(est, names, design, zname, keep, dropped)
    finally:
        design.unpersist()
    if not keep:
        raise DataError(
            "no feature is left on the card: every coefficient had the wrong sign. "
            "Check the binning trends, or set sign_check='report'."
        )
    if not fit.converged:
        warnings.warn(
            f"the logistic model did not converge in max_iter={est.max_iter} Newton steps "
            "(quasi-separation?). Lower C, merge sparse bins or raise max_iter.",
            OverdueRiskWarning,
            stacklevel=2,
        )
    scaling = PointsScaling(pdo=est.pdo, base_score=est.base_score, base_odds=est.base_odds)
    card, mode, intercept_raw = _scale(est, scaling, names, bins, keep, fit)
    record = FittedCard(
        classes=np.array([0, 1]),
        scaling=scaling,
        card=tuple(card),
        input_names=tuple(names),
        feature_names_in=np.asarray(names, dtype=object),
        intercept_mode=mode,
        intercept_points_raw=intercept_raw,
        intercept_points=float(np.round(intercept_raw)) if est.rounding else intercept_raw,
        rounded=bool(est.rounding),
        target={"name": target, "definition": None},
        is_expert=False,
        binner=binner,
        selector=None,
        n_iter=fit.n_iter,
        dropped_features=dropped,
        wrong_sign_features=tuple(wrong),
        coef=fit.coef.reshape(1, -1),
        intercept=np.array([fit.intercept]),
        summary=None,
        overrides=tuple(getattr(binner, "overrides_", []) or []),
    )
    record.apply(est)
    return est


def _fit_with_signs(
    est: Any,
    names: list[str],
    design: Any,
    zname: Mapping[str, str],
    keep: list[int],
    dropped: dict[str, str],
) -> tuple[list[int], LogisticFit, list[str]]:
    """Newton on Spark on the kept WOE columns; wrong signs handled per ``sign_check``."""
    wrong: list[str] = []
    while True:
        cols = [zname[names[j]] for j in keep]
        fit = newton_logistic_spark(
            design, cols, "__y", "__w", C=float(est.C), max_iter=int(est.max_iter)
        )
        bad = [(c, j) for c, j in zip(fit.coef, keep, strict=True) if c > 0]
        if not bad:
            return keep, fit, wrong
        if est.sign_check != "drop":
            wrong.extend(names[j] for _, j in bad)
            if est.sign_check == "warn":
                listed = ", ".join(f"{names[j]} ({c:+.4g})" for c, j in bad)
                warnings.warn(
                    f"coefficients with the wrong sign (positive under the WOE "
                    f"convention): {listed}. Set sign_check='drop' to drop them.",
                    OverdueRiskWarning,
                    stacklevel=3,
                )
            return keep, fit, wrong
        c, j = max(bad)
        wrong.append(names[j])
        dropped[names[j]] = f"wrong coefficient sign ({c:+.4g}; WOE convention needs < 0)"
        keep = [k for k in keep if k != j]
        if not keep:
            return keep, fit, wrong


def score_counts_spark(
    spec: Any, df: Any, target: str, *, weight: str | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rows per ``(score, target)`` cell on Spark: the input of a weighted calibration fit.

    A card's score takes few distinct values (sums of per-feature points), so
    ``PDCalibrator().fit(score[:, None], y, sample_weight=rows)`` on these cells is the fit on the
    rows themselves (the weighted likelihood is the same sum). The score is the spec's
    Spark SQL (:func:`overdue_risk.distributed.spark.score_spark_sql`).

    Parameters
    ----------
    spec : Spec, mapping or path
        The card (e.g. ``card.to_spec()``).
    df : pyspark.sql.DataFrame
        Holds the card's input columns and ``target``.
    target : str
        The 0/1 event column.
    weight : str, optional
        A row-weight column: the cells then hold summed weights.

    Returns
    -------
    score, y, rows : ndarray of float64
        One entry per distinct ``(score, target)`` pair, sorted.

    Examples
    --------
    >>> s, y, n = score_counts_spark(card.to_spec(), sdf, "bad")  # doctest: +SKIP
    >>> PDCalibrator().fit(s.reshape(-1, 1), y, sample_weight=n)  # doctest: +SKIP
    """
    from pyspark.sql import functions as F

    extra = [weight] if weight else []
    check_engine_columns(df.columns, [target, *extra], "score_counts_spark", "Spark")
    keep = [target, *extra]
    scored = score_spark_sql(spec, df, keep=keep, pd=False, grade=False)
    wcol = _col(weight).cast("double") if weight else F.lit(1.0)
    rows = (
        scored.groupBy(F.col("score"), _col(target).cast("double").alias("__y"))
        .agg(F.sum(wcol).alias("n"))
        .orderBy("score", "__y")
        .collect()
    )
    score = np.array([float(r["score"]) for r in rows])
    y = np.array([float(r["__y"]) for r in rows])
    n = np.array([float(r["n"]) for r in rows])
    return score, y, n
