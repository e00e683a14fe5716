"""The development run on an engine: what the Spark and Dask fits share.

An engine fit (:func:`overdue_risk.distributed.fit_scorecard_spark`,
:func:`overdue_risk.distributed.fit_scorecard_dask`) supplies two things: the pre-bin count
tables of its rows, and a *design*, a context in which ``moments(keep, beta)`` returns the
weighted log-loss, its gradient and its Hessian summed over the rows (WOE columns ``keep``
plus the intercept). Everything else is here and in :mod:`overdue_risk.scorecard._fit`, the
same code ``Scorecard.fit`` runs: binning from the tables (``WOEBinner.fit_from_counts``),
the feature drop rule (:func:`~overdue_risk.scorecard._fit.select_by_bins`), the Newton
method (:func:`~overdue_risk.scorecard._logistic.newton`), the sign check and the fitted
record (:func:`~overdue_risk.scorecard._fit.fitted_record`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from sklearn.base import clone

from overdue_risk._estimator import validate_params
from overdue_risk.binning import CountTable, WOEBinner
from overdue_risk.distributed._counts import feature_names
from overdue_risk.exceptions import DataError
from overdue_risk.scorecard import Scorecard
from overdue_risk.scorecard._fit import (
    fit_with_signs,
    fitted_record,
    no_feature_left,
    select_by_bins,
)
from overdue_risk.scorecard._logistic import (
    Evaluation,
    LogisticFit,
    newton,
    start_coefficients,
)

__all__ = [
    "Design",
    "Engine",
    "Moments",
    "binner_of",
    "check_template",
    "constant_woe",
    "develop",
    "fit_docstring",
    "fit_from_tables",
    "special_codes_of",
]

FloatArray = npt.NDArray[np.float64]

#: ``(keep, beta) -> (loss, gradient, Hessian)`` summed over the engine's rows.
Moments = Callable[[list[int], FloatArray], tuple[float, FloatArray, FloatArray]]
#: ``(binner, names) -> context yielding Moments`` on the WOE columns of ``names`` (the
#: binned features of the fitted ``binner``).
Design = Callable[[WOEBinner, list[str]], AbstractContextManager[Moments]]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Engine:
    """What an engine supplies to the development run.

    ``prebin_counts(df, target, features, splits=, special_codes=, max_n_prebins=,
    weight=)`` is its count job; ``design(df, binner, names, target, weight)`` a context
    yielding :data:`Moments` on the WOE columns of ``names``.
    """

    name: str
    what: str
    prebin_counts: Callable[..., dict[str, CountTable]]
    design: Callable[..., AbstractContextManager[Moments]]


def develop(
    engine: Engine,
    df: Any,
    target: str,
    features: Sequence[str] | None,
    scorecard: Any,
    splits: Mapping[str, Sequence[float]] | None,
    max_n_prebins: int,
    weight: str | None,
) -> Scorecard:
    """The development run on an engine's DataFrame ``df`` (the public fits' parameters)."""
    est = check_template(scorecard, engine.what)
    binner = binner_of(est)
    feats = feature_names(df.columns, target, features, weight, engine.what, engine.name)
    tables = engine.prebin_counts(
        df,
        target,
        feats,
        splits={k: list(v) for k, v in (splits or {}).items()},
        special_codes=special_codes_of(binner, feats),
        max_n_prebins=max_n_prebins,
        weight=weight,
    )

    def design(b: WOEBinner, names: list[str]) -> AbstractContextManager[Moments]:
        return engine.design(df, b, names, target, weight)

    return fit_from_tables(est, binner, tables, feats, target, design)


def fit_docstring(engine: str, name: str, frame: str) -> Callable[[F], F]:
    """Put the parameters both engines' fits take in place of ``{parameters}``.

    ``name`` and ``frame`` are the name and type of the DataFrame parameter.
    """

    def fill(func: F) -> F:
        text = _FIT_PARAMETERS.format(engine=engine, name=name, frame=frame)
        func.__doc__ = (func.__doc__ or "").replace("    {parameters}\n", text)
        return func

    return fill


_FIT_PARAMETERS = """    Parameters
    ----------
    {name} : {frame}
    target : str
        The 0/1 event column (no missing values).
    features : sequence of str, optional
        Default: every column but the target and the weight.
    scorecard : Scorecard, optional
        An unfitted Scorecard whose parameters (binner, ``min_iv``, ``C``, scaling,
        ``sign_check`` ...) are used; ``selector`` must be None. Default ``Scorecard()``.
    splits : dict, optional
        Pre-bin cut points per numeric feature; the others get ``max_n_prebins``
        approximate quantiles from {engine} (not the in-memory tree pre-binning).
    max_n_prebins : int, default=20
    weight : str, optional
        A row-weight column (``sample_weight``).

    Returns
    -------
    Scorecard
        Fitted (``summary_`` is None: the statistical summary needs the rows in memory).
"""


def check_template(scorecard: Any, what: str) -> Scorecard:
    """An unfitted clone of the template ``scorecard`` (default ``Scorecard()``), checked."""
    est = Scorecard() if scorecard is None else clone(scorecard)
    if not isinstance(est, Scorecard):
        raise DataError(
            f"scorecard must be an unfitted Scorecard (its parameters are used); got "
            f"{type(scorecard).__name__}."
        )
    validate_params(est)
    if est.selector is not None:
        raise DataError(
            f"{what} does not run a selector (selectors fit on the rows in memory); set "
            "selector=None and use min_iv / max_features instead."
        )
    return est


def binner_of(est: Scorecard) -> WOEBinner:
    """An unfitted clone of the template's binner (default ``WOEBinner()``)."""
    return WOEBinner() if est.binner is None else clone(est.binner)


def special_codes_of(
    binner: WOEBinner, features: Sequence[str]
) -> dict[str, Sequence[float]] | None:
    """The binner's ``special_codes`` per feature, as the engines' count jobs take them.

    Examples
    --------
    >>> special_codes_of(WOEBinner(special_codes=[-1]), ["a", "b"])
    {'a': [-1.0], 'b': [-1.0]}
    """
    special = binner.special_codes
    if isinstance(special, Mapping):
        return {str(k): [float(c) for c in v] for k, v in special.items()}
    return {c: [float(v) for v in special] for c in features} if special else None


def constant_woe(bins: Sequence[Any]) -> list[bool]:
    """Whether each feature's WOE is one value over the bins that hold rows (as in the fit)."""
    out = []
    for b in bins:
        seen = (np.asarray(b.event_count) + np.asarray(b.nonevent_count)) > 0
        woe = np.asarray(b.woe, dtype=np.float64)[: seen.size][seen]
        out.append(woe.size == 0 or bool(np.all(woe == woe[0])))
    return out


def fit_from_tables(
    est: Scorecard,
    binner: WOEBinner,
    tables: Mapping[str, CountTable],
    features: Sequence[str],
    target: str,
    design: Design,
) -> Scorecard:
    """Bin from ``tables``, drop features, fit by Newton on ``design``, set ``est``'s card.

    ``est`` and ``binner`` come from :func:`check_template` and :func:`binner_of`; the
    Newton start (the event rate) comes from the tables too, so the engine runs one job per
    Newton evaluation and nothing else.
    """
    first = tables[features[0]]
    events = float(np.sum(first.event))
    total = events + float(np.sum(first.nonevent))
    if events == 0 or events == total:
        raise DataError(
            "y has a single class among the rows with positive weight; a scorecard needs "
            "both events and non-events. Check the target and the weights."
        )
    binner.fit_from_counts([tables[c] for c in features])
    names = [str(n) for n in binner.bins_]
    bins = [binner.bins_[n] for n in names]
    dropped, keep = select_by_bins(est, names, bins, constant_woe(bins))
    if not keep:
        raise no_feature_left(dropped, "lower min_iv")
    with design(binner, names) as moments:

        def fit_on(k: list[int]) -> LogisticFit:
            def evaluate(b: FloatArray) -> Evaluation:
                loss, grad, hess = moments(k, b)
                return loss, lambda: (grad, hess)

            beta = start_coefficients(events, total, len(k))
            return newton(evaluate, beta, C=float(est.C), max_iter=int(est.max_iter))

        signed = fit_with_signs(
            est, names, keep, dropped, fit_on, hint="Set sign_check='drop' to drop them."
        )
    classes = np.array([0, 1])
    names_in = np.asarray(names, dtype=object)
    record = fitted_record(
        est, binner, dropped, signed, classes=classes, feature_names_in=names_in, target_name=target
    )
    record.apply(est)
    return est
