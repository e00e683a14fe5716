"""Fit a scorecard where the data lives: the whole development run as Dask tasks.

:func:`fit_scorecard_dask` never brings the rows into one pandas frame. It runs

1. the pre-bin count tables per partition, summed
   (:func:`overdue_risk.distributed.dask.prebin_counts_dask`), binned by
   ``WOEBinner.fit_from_counts``;
2. the WOE transform on every partition (the in-memory fit's own
   :func:`overdue_risk.scorecard._fit.woe_matrix`), kept in the workers' memory;
3. the logistic fit by Newton steps whose objective, gradient and Hessian are summed over
   the partitions (each partition: :func:`overdue_risk.scorecard._logistic.local_loss`,
   the in-memory fit's own sums);
4. the points scaling of ``Scorecard.fit``, into the same fitted record.

Steps 1, 3 and 4 are the engine-independent code of
:mod:`overdue_risk.distributed._engine_fit`, which the Spark fit shares. The client holds
count tables, one ``(p + 1) x (p + 1)`` matrix per partition and step, and the card.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._columns import as_columns
from overdue_risk.distributed._counts import DEFAULT_MAX_PREBINS, check_engine_columns
from overdue_risk.distributed._engine_fit import Engine, Moments, develop, fit_docstring
from overdue_risk.distributed.dask import prebin_counts_dask, score_dask
from overdue_risk.scorecard import Scorecard
from overdue_risk.scorecard._fit import woe_matrix
from overdue_risk.scorecard._logistic import local_loss

__all__ = ["fit_scorecard_dask", "score_counts_dask"]

FloatArray = npt.NDArray[np.float64]
Rows = tuple[FloatArray, FloatArray, FloatArray]


def _design_rows(part: Any, binner: Any, names: list[str], target: str, weight: str | None) -> Rows:
    """One partition's WOE matrix, target and weights (runs on the workers)."""
    n = len(part)
    y = part[target].to_numpy(dtype=np.float64)
    w = np.ones(n) if weight is None else part[weight].to_numpy(dtype=np.float64)
    if n == 0:
        return np.empty((0, len(names)), order="F"), y, w
    return woe_matrix(binner, names, as_columns(part[names], names)), y, w


def _partition_moments(
    rows: Rows, keep: list[int], beta: FloatArray
) -> tuple[float, FloatArray, FloatArray]:
    Z, y, w = rows
    if keep != list(range(Z.shape[1])):  # a feature dropped: its columns selected
        Z = Z[:, keep]
    loss, derivatives = local_loss(Z, y, w, beta)
    grad, hess = derivatives()
    return loss, grad, hess


def _add_moments(
    parts: Sequence[tuple[float, FloatArray, FloatArray]],
) -> tuple[float, FloatArray, FloatArray]:
    loss, grad, hess = parts[0]
    for other in parts[1:]:
        loss, grad, hess = loss + other[0], grad + other[1], hess + other[2]
    return loss, grad, hess


@contextmanager
def _design(
    ddf: Any, binner: Any, names: list[str], target: str, weight: str | None
) -> Iterator[Moments]:
    """The WOE matrix of every partition, persisted; moments summed over the partitions."""
    dask: Any = importlib.import_module("dask")

    make = dask.delayed(_design_rows, pure=True)
    rows = dask.persist(*[make(p, binner, names, target, weight) for p in ddf.to_delayed()])
    moments = dask.delayed(_partition_moments, pure=True)

    def summed(keep: list[int], beta: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        return _add_moments(dask.compute(*[moments(r, keep, beta) for r in rows]))

    yield summed


_DASK = Engine("Dask", "fit_scorecard_dask", prebin_counts_dask, _design)


@fit_docstring("Dask", "ddf", "dask.dataframe.DataFrame")
def fit_scorecard_dask(
    ddf: Any,
    target: str,
    features: Sequence[str] | None = None,
    *,
    scorecard: Any = None,
    splits: Mapping[str, Sequence[float]] | None = None,
    max_n_prebins: int = DEFAULT_MAX_PREBINS,
    weight: str | None = None,
) -> Scorecard:
    """Fit a Scorecard on a Dask DataFrame, partition by partition.

    Binning from count tables summed over the partitions, the WOE transform per
    partition, Newton steps whose gradient and Hessian are sums over the partitions, then
    ``Scorecard.fit``'s scaling to points. On the same pre-bin edges it equals
    ``Scorecard.fit`` on the same rows (the tests check points to 1e-6): give the
    in-memory binner ``user_splits=splits``. Runs on whatever scheduler is active
    (``dask.config.set(scheduler=...)`` or a ``distributed.Client``).

    {parameters}

    See Also
    --------
    overdue_risk.distributed.fit_scorecard_spark : the same run on Spark.

    Examples
    --------
    >>> import numpy as np, pandas as pd, dask.dataframe as dd
    >>> from overdue_risk.binning import WOEBinner
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2000)
    >>> frame = pd.DataFrame({"x": x, "bad": (rng.uniform(size=2000) < 1 / (1 + np.exp(2 - x)))})
    >>> edges = {"x": [-1.0, 0.0, 1.0]}
    >>> template = Scorecard(binner=WOEBinner(user_splits=edges), rounding=False)
    >>> card = fit_scorecard_dask(dd.from_pandas(frame, npartitions=4), "bad",
    ...                           scorecard=template, splits=edges)
    >>> mem = Scorecard(binner=WOEBinner(user_splits=edges), rounding=False).fit(
    ...     frame[["x"]], frame["bad"])
    >>> bool(np.allclose(card.card_[0].points, mem.card_[0].points, rtol=0, atol=1e-9))
    True
    """
    return develop(_DASK, ddf, target, features, scorecard, splits, max_n_prebins, weight)


def score_counts_dask(
    spec: Any, ddf: Any, target: str, *, weight: str | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rows per ``(score, target)`` cell on Dask: the input of a weighted calibration fit.

    As :func:`overdue_risk.distributed.score_counts_spark`:
    ``PDCalibrator().fit(score[:, None], y, sample_weight=rows)`` on these cells is the fit
    on the rows. The score is the runtime kernel's (:func:`score_dask`).

    Parameters
    ----------
    spec : Spec, mapping or path
    ddf : dask.dataframe.DataFrame
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
    >>> import pandas as pd, dask.dataframe as dd
    >>> from overdue_risk.export._examples import example_spec
    >>> frame = pd.DataFrame({"age": [22.0, 40.0, 41.0], "purpose": ["cash", "rent", "rent"],
    ...                       "bad": [1, 0, 0]})
    >>> s, y, n = score_counts_dask(example_spec(), dd.from_pandas(frame, npartitions=2), "bad")
    >>> s.tolist(), y.tolist(), n.tolist()
    ([26.0, 53.0], [1.0, 0.0], [1.0, 2.0])
    """
    extra = [weight] if weight else []
    check_engine_columns(ddf.columns, [target, *extra], "score_counts_dask", "Dask")
    scored = score_dask(spec, ddf, pd=False, grade=False)
    cells = scored.assign(
        __y=scored[target].astype("float64"),
        __n=scored[weight].astype("float64") if weight else 1.0,
    )
    table = cells.groupby(["score", "__y"])["__n"].sum().compute().sort_index()
    score = table.index.get_level_values(0).to_numpy(dtype=np.float64)
    y = table.index.get_level_values(1).to_numpy(dtype=np.float64)
    return score, y, table.to_numpy(dtype=np.float64)
