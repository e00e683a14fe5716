"""Mergeable count tables (the sufficient statistics of binning, PSI and transitions).

One machine, a stream of chunks and a distributed engine all compute the same tables:
events and non-events per pre-bin of a feature, accounts per score band, and moves per
``(from_state, to_state)``. The tables add up: the table of a union of partitions is the
sum of the partitions' tables, which is how the Spark and Dask back-ends use them.

Pre-bin layout (numeric): ``[regular 0..len(splits), missing, special_0, ...]`` where the
regular bin of ``x`` is ``searchsorted(splits, x, side="right")``, special codes are checked
first and missing (None/NaN) has its own slot, as in the scoring spec. Categorical
pre-bins are one per distinct canonical category, then missing.

Examples
--------
>>> import numpy as np
>>> t = prebin_counts_numpy(
...     np.array([1.0, 5.0, np.nan, -1.0, 7.0]), np.array([0, 1, 1, 0, 1]),
...     name="x", splits=(4.0,), special_codes=(-1.0,))
>>> t.events, t.nonevents
(array([0., 2., 1., 0.]), array([1., 0., 0., 1.]))
>>> (t + t).events
array([0., 4., 2., 0.])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_categories, is_missing
from overdue_risk._results import Result
from overdue_risk.exceptions import DataError

__all__ = ["PrebinCounts", "band_counts_numpy", "prebin_counts_numpy", "quantile_splits"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class PrebinCounts(Result):
    """Events and non-events per pre-bin of one feature (a mergeable count table).

    Attributes
    ----------
    name : str
    kind : {"numeric", "categorical"}
    splits : tuple of float
        Numeric pre-bin cut points (``searchsorted(side="right")``).
    categories : tuple of str
        Categorical pre-bins, one canonical category each.
    special_codes : tuple of float
    events, nonevents : ndarray of float
        (Weighted) counts in the layout ``[regular..., missing, specials...]``.

    Examples
    --------
    >>> t = PrebinCounts("x", "numeric", (1.0,), (), (), np.array([1., 2., 0.]),
    ...                  np.array([3., 4., 0.]))
    >>> t.labels
    ('(-inf, 1.0)', '[1.0, inf)', 'Missing')
    """

    name: str
    kind: str
    splits: tuple[float, ...]
    categories: tuple[str, ...]
    special_codes: tuple[float, ...]
    events: FloatArray
    nonevents: FloatArray

    @property
    def n_regular(self) -> int:
        """Number of regular (non-missing, non-special) pre-bins."""
        return len(self.splits) + 1 if self.kind == "numeric" else len(self.categories)

    @property
    def labels(self) -> tuple[str, ...]:
        """Printable label of every slot."""
        if self.kind == "numeric":
            edges = [-np.inf, *self.splits, np.inf]
            regular = [
                f"({edges[0]}, {edges[1]})" if i == 0 else f"[{edges[i]}, {edges[i + 1]})"
                for i in range(len(edges) - 1)
            ]
        else:
            regular = list(self.categories)
        return (*regular, "Missing", *(f"Special {c!r}" for c in self.special_codes))

    def __add__(self, other: PrebinCounts) -> PrebinCounts:
        same = (self.name, self.kind, self.splits, self.categories, self.special_codes) == (
            other.name,
            other.kind,
            other.splits,
            other.categories,
            other.special_codes,
        )
        if same:
            return PrebinCounts(
                self.name,
                self.kind,
                self.splits,
                self.categories,
                self.special_codes,
                self.events + other.events,
                self.nonevents + other.nonevents,
            )
        if self.kind == other.kind == "categorical" and self.name == other.name:
            return _merge_categorical(self, other)
        raise DataError(
            f"cannot add the count tables of {self.name!r} and {other.name!r}: their pre-bins "
            "differ. Compute both with the same splits and special codes."
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            [lab, float(e), float(n)]
            for lab, e, n in zip(self.labels, self.events, self.nonevents, strict=True)
        ]
        foot = f"{float(self.events.sum()):g} events, {float(self.nonevents.sum()):g} non-events"
        return f"Pre-bin counts of {self.name!r}", ["pre-bin", "events", "non-events"], rows, foot


def _merge_categorical(a: PrebinCounts, b: PrebinCounts) -> PrebinCounts:
    cats = tuple(sorted(set(a.categories) | set(b.categories)))
    specials = a.special_codes
    if b.special_codes != specials:
        raise DataError(f"count tables of {a.name!r} use different special codes.")
    ev = np.zeros(len(cats) + 1 + len(specials))
    ne = np.zeros_like(ev)
    for t in (a, b):
        idx = np.array(
            [cats.index(c) for c in t.categories]
            + list(range(len(cats), len(cats) + 1 + len(specials))),
            dtype=np.int64,
        )
        np.add.at(ev, idx, t.events)
        np.add.at(ne, idx, t.nonevents)
    return PrebinCounts(a.name, "categorical", (), cats, specials, ev, ne)


def _weights(target: npt.ArrayLike, weight: npt.ArrayLike | None) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(target, dtype=np.float64).reshape(-1)
    w = np.ones_like(y) if weight is None else np.asarray(weight, dtype=np.float64).reshape(-1)
    return w * y, w * (1.0 - y)


def prebin_counts_numpy(
    values: npt.ArrayLike,
    target: npt.ArrayLike,
    *,
    name: str,
    kind: str = "numeric",
    splits: Sequence[float] = (),
    special_codes: Sequence[float] = (),
    weight: npt.ArrayLike | None = None,
) -> PrebinCounts:
    """Count table of one feature over one chunk of rows (NumPy only).

    Parameters
    ----------
    values, target : array-like of shape (n,)
        The feature and the 0/1 event flag.
    name : str
        Feature name.
    kind : {"numeric", "categorical"}, default="numeric"
    splits : sequence of float, default=()
        Numeric pre-bin cut points.
    special_codes : sequence of float, default=()
        Values counted in their own slots (checked before the splits).
    weight : array-like, optional
        Row weights.

    Returns
    -------
    PrebinCounts

    Examples
    --------
    >>> prebin_counts_numpy(["a", "b", None, "a"], [1, 0, 0, 0], name="c",
    ...                     kind="categorical").categories
    ('a', 'b')
    """
    ev_w, ne_w = _weights(target, weight)
    specials = tuple(float(c) for c in special_codes)
    if kind == "numeric":
        cuts = np.asarray(splits, dtype=np.float64)
        x = np.asarray(values)
        miss = is_missing(x)
        xf = np.where(miss, 0.0, x).astype(np.float64)
        slot = np.searchsorted(cuts, xf, side="right").astype(np.int64)
        slot[miss] = cuts.size + 1
        for j, code in enumerate(specials):
            slot[(xf == code) & ~miss] = cuts.size + 2 + j
        size = cuts.size + 2 + len(specials)
        return PrebinCounts(
            name,
            "numeric",
            tuple(float(s) for s in cuts),
            (),
            specials,
            np.bincount(slot, ev_w, size).astype(np.float64),
            np.bincount(slot, ne_w, size).astype(np.float64),
        )
    if kind != "categorical":
        raise DataError(f"kind must be 'numeric' or 'categorical'; got {kind!r}.")
    canon = canonical_categories(np.asarray(values, dtype=object))
    miss = np.array([c is None for c in canon], dtype=bool)
    special_strings = [canonical_categories(np.array([c], dtype=object))[0] for c in specials]
    is_special = np.isin(canon, special_strings) & ~miss if specials else np.zeros_like(miss)
    regular = canon[~miss & ~is_special]
    cats, inverse = np.unique(regular.astype(str), return_inverse=True)
    slot = np.empty(canon.size, dtype=np.int64)
    slot[~miss & ~is_special] = inverse
    slot[miss] = cats.size
    for j, code in enumerate(special_strings):
        slot[(canon == code) & ~miss] = cats.size + 1 + j
    size = cats.size + 1 + len(specials)
    return PrebinCounts(
        name,
        "categorical",
        (),
        tuple(str(c) for c in cats),
        specials,
        np.bincount(slot, ev_w, size).astype(np.float64),
        np.bincount(slot, ne_w, size).astype(np.float64),
    )


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
