"""Count tables of score bands, and helpers shared by the Spark and Dask aggregations.

Monitoring a book needs only mergeable counts: events and non-events per pre-bin
(:class:`overdue_risk.binning.CountTable`, consumed by ``WOEBinner.fit_from_counts``),
accounts per score band (consumed by :func:`overdue_risk.metrics.psi_from_counts`) and
moves per ``(from_state, to_state)``. The table of a union of partitions is the sum of the
partitions' tables, which is how the Spark and Dask back-ends compute them.

Examples
--------
>>> band_counts_numpy([500.0, 550.0, 610.0], [550.0, 600.0]) * 2
array([2., 2., 2.])
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk.exceptions import DataError
from overdue_risk.transitions._buckets import STATES

__all__ = [
    "DEFAULT_MAX_PREBINS",
    "PrebinRequest",
    "band_counts_numpy",
    "check_edges",
    "check_engine_columns",
    "check_step",
    "feature_names",
    "prebin_request",
    "quantile_splits",
    "target_error",
    "transition_table",
]

FloatArray = npt.NDArray[np.float64]

#: Default number of quantile pre-bins per numeric feature (Spark and Dask alike).
DEFAULT_MAX_PREBINS = 20


def band_counts_numpy(scores: npt.ArrayLike, edges: Sequence[float]) -> FloatArray:
    """Accounts per score band: band ``searchsorted(edges, score, side="right")``; NaN dropped.

    Examples
    --------
    >>> band_counts_numpy([500.0, 550.0, 610.0, np.nan], [550.0, 600.0])
    array([1., 1., 1.])
    """
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    s = s[~np.isnan(s)]
    cuts = np.asarray(edges, dtype=np.float64)
    band = np.searchsorted(cuts, s, side="right")
    return np.bincount(band, minlength=cuts.size + 1).astype(np.float64)


def quantile_splits(quantiles: npt.ArrayLike) -> tuple[float, ...]:
    """Strictly increasing finite cut points from (approximate) quantiles."""
    q = np.asarray(quantiles, dtype=np.float64).reshape(-1)
    q = q[np.isfinite(q)]
    return tuple(float(v) for v in np.unique(q))


def check_engine_columns(
    have: Sequence[str], columns: Sequence[str], what: str, engine: str
) -> None:
    """Raise a DataError naming the ``columns`` that an ``engine`` DataFrame lacks.

    Examples
    --------
    >>> check_engine_columns(["a", "b"], ["a"], "band_counts_dask", "Dask")
    """
    missing = [c for c in columns if c not in have]
    if missing:
        raise DataError(
            f"{what} needs columns {missing} that the {engine} DataFrame does not have "
            f"(it has {list(have)[:12]}). Rename or add them first."
        )


def feature_names(
    have: Sequence[str],
    target: str,
    features: Sequence[str] | None,
    weight: str | None,
    what: str,
    engine: str,
) -> list[str]:
    """Feature columns of a pre-bin count job (default: all but target and weight), checked.

    Examples
    --------
    >>> feature_names(["x", "bad", "w"], "bad", None, "w", "prebin_counts_dask", "Dask")
    ['x']
    """
    extra = [weight] if weight else []
    exclude = {target, *extra}
    names = [c for c in have if c not in exclude] if features is None else list(features)
    check_engine_columns(have, [*names, target, *extra], what, engine)
    if not names:
        raise DataError(f"{what} needs at least one feature column.")
    return names


@dataclass(frozen=True)
class PrebinRequest:
    """A pre-bin count job's features, special codes, given cut points and quantile levels."""

    names: list[str]
    specials: dict[str, tuple[float, ...]]
    splits: dict[str, tuple[float, ...]]
    probs: list[float]


def prebin_request(
    have: Sequence[str],
    target: str,
    features: Sequence[str] | None,
    splits: Mapping[str, Sequence[float]] | None,
    special_codes: Mapping[str, Sequence[float]] | None,
    max_n_prebins: int,
    weight: str | None,
    engine: str,
) -> PrebinRequest:
    """The arguments of ``prebin_counts_<engine>`` (Spark or Dask), checked and as floats.

    Examples
    --------
    >>> r = prebin_request(["x", "bad"], "bad", None, {"x": [1]}, None, 4, None, "Dask")
    >>> r.names, r.splits, r.probs
    (['x'], {'x': (1.0,)}, [0.25, 0.5, 0.75])
    """
    what = f"prebin_counts_{engine.lower()}"
    return PrebinRequest(
        names=feature_names(have, target, features, weight, what, engine),
        specials={k: tuple(float(c) for c in v) for k, v in (special_codes or {}).items()},
        splits={k: tuple(float(s) for s in v) for k, v in (splits or {}).items()},
        probs=[i / max_n_prebins for i in range(1, max_n_prebins)],
    )


def target_error(target: str, bad: Any) -> DataError:
    """The error for a target value that is not 0 or 1 (or is missing)."""
    return DataError(
        f"target column {target!r} must hold only 0 and 1 without missing values; found "
        f"{bad!r}. Map the target to a binary default flag first."
    )


def check_edges(edges: Sequence[float]) -> list[float]:
    """Band edges as floats, checked strictly increasing.

    Examples
    --------
    >>> check_edges([550, 600])
    [550.0, 600.0]
    """
    cuts = [float(e) for e in edges]
    if any(b <= a for a, b in itertools.pairwise(cuts)):
        raise DataError(f"edges must be strictly increasing; got {cuts}.")
    return cuts


def check_step(step: int) -> None:
    """Raise a DataError unless ``step`` is a positive whole number of periods."""
    if int(step) != step or step < 1:
        raise DataError(f"step must be a positive whole number of periods; got {step!r}.")


def transition_table(
    cells: Iterable[tuple[Any, Any, float]], states: Sequence[str] | None, state_col: str
) -> tuple[FloatArray, tuple[str, ...]]:
    """Counted ``(from_state, to_state, loans)`` cells -> a (k, k) count matrix and its labels.

    Labels are ``states`` when given, else the DPD buckets when every seen label is one,
    else the sorted labels.

    Examples
    --------
    >>> counts, labels = transition_table([("a", "b", 2), ("b", "b", 1)], None, "bucket")
    >>> labels, counts.tolist()
    (('a', 'b'), [[0.0, 2.0], [0.0, 1.0]])
    """
    cells = list(cells)
    if states is None:
        seen = {str(s) for a, b, _ in cells for s in (a, b)}
        labels = STATES if seen <= set(STATES) else tuple(sorted(seen))
    else:
        labels = tuple(str(s) for s in states)
    index = {s: i for i, s in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)))
    for a, b, n in cells:
        if a not in index or b not in index:
            raise DataError(
                f"state {a if a not in index else b!r} of column {state_col!r} is not in states "
                f"{list(labels)}. Pass every state."
            )
        counts[index[a], index[b]] += float(n)
    return counts, labels
