"""Fit a scorecard where the data lives: the whole development run as Spark jobs.

:func:`fit_scorecard_spark` never collects the rows to the driver. It runs

1. the pre-bin count tables (:func:`overdue_risk.distributed.spark.prebin_counts_spark`,
   one aggregation), binned on the driver by ``WOEBinner.fit_from_counts``;
2. the WOE transform as Spark column expressions (``CASE WHEN`` per feature, built from the
   fitted bins: the same bin assignment as ``FeatureBinning.bin_index``);
3. the logistic fit by Newton steps whose gradient, Hessian and objective are one Spark
   aggregation per iteration: ``sum w (p - y) x``, ``sum w p (1 - p) x x'`` and
   ``sum w (log(1 + e^eta) - y eta)`` over the intercept and the WOE columns
   (the Newton method of the in-memory fit itself,
   :func:`overdue_risk.scorecard._logistic.newton`);
4. the points scaling of ``Scorecard.fit`` on the coefficients, into the same fitted
   record (:class:`overdue_risk.scorecard._record.FittedCard`).

Steps 1, 3 and 4 are the engine-independent code of
:mod:`overdue_risk.distributed._engine_fit`, which the Dask fit shares.

The driver holds only count tables, a ``(p + 1) x (p + 1)`` matrix and the card, so the
driver memory does not grow with the rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk.distributed._counts import DEFAULT_MAX_PREBINS, check_engine_columns
from overdue_risk.distributed._engine_fit import Engine, Moments, develop, fit_docstring
from overdue_risk.distributed.spark import _col, prebin_counts_spark, score_spark_sql
from overdue_risk.scorecard import Scorecard

__all__ = [
    "fit_scorecard_spark",
    "score_counts_spark",
    "woe_columns_spark",
]

FloatArray = npt.NDArray[np.float64]


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


def _moments(
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


@contextmanager
def _design(
    df: Any, binner: Any, names: list[str], target: str, weight: str | None
) -> Iterator[Moments]:
    """The WOE columns as Spark expressions, persisted for the Newton aggregations."""
    from pyspark.sql import functions as F

    woe = woe_columns_spark(binner, names)
    wcol = _col(weight).cast("double") if weight else F.lit(1.0)
    rows = df.select(
        *[woe[n].alias(f"__woe_{j}") for j, n in enumerate(names)],
        _col(target).cast("double").alias("__y"),
        wcol.alias("__w"),
    ).where(F.col("__w") > 0)
    rows = rows.persist()
    try:
        yield lambda keep, beta: _moments(rows, [f"__woe_{j}" for j in keep], "__y", "__w", beta)
    finally:
        rows.unpersist()


_SPARK = Engine("Spark", "fit_scorecard_spark", prebin_counts_spark, _design)


@fit_docstring("Spark", "df", "pyspark.sql.DataFrame")
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

    {parameters}

    See Also
    --------
    overdue_risk.distributed.fit_scorecard_dask : the same run on Dask.

    Examples
    --------
    >>> card = fit_scorecard_spark(sdf, "bad", splits=edges)  # doctest: +SKIP
    >>> card.to_spec()  # doctest: +SKIP
    """
    return develop(_SPARK, df, target, features, scorecard, splits, max_n_prebins, weight)


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
