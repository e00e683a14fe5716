"""The card: per-feature bins and points in one index layout, shared by fitted and expert cards.

Every feature of a card keeps its per-bin arrays in the layout of the binning contract
(CONTRACTS.md section B)::

    [regular 0 .. n_bins-1, missing, special_0 .. special_{s-1}, unseen]

so that points, WOE and counts line up with ``FeatureBinning.bin_index``. A fitted card
delegates bin assignment to its ``FeatureBinning`` (the one implementation of missing,
special and unseen handling); an expert card, which has no fitted binning, assigns bins
with :func:`spec_bin_index`, which follows docs/spec_format.md to the letter (special codes
first, then missing, then ``searchsorted(splits, x, side="right")``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_categories, canonical_category, is_missing
from overdue_risk._validation import FloatArray, format_values
from overdue_risk.binning._feature import BinLayout
from overdue_risk.exceptions import DataError

__all__ = ["CardFeature", "card_table", "numeric_labels", "spec_bin_index"]

IntArray = npt.NDArray[np.int64]


def _fmt(x: float) -> str:
    return repr(float(x)) if math.isfinite(x) else ("inf" if x > 0 else "-inf")


def numeric_labels(splits: Sequence[float], special_codes: Sequence[float]) -> tuple[str, ...]:
    """Bin labels in index layout for a numeric feature (regular, missing, special, unseen).

    Examples
    --------
    >>> numeric_labels([1.5, 3.0], [-1.0])
    ('(-inf, 1.5)', '[1.5, 3.0)', '[3.0, inf)', 'Missing', 'Special -1', 'Unseen')
    """
    edges = [-math.inf, *[float(s) for s in splits], math.inf]
    regular = [f"({_fmt(edges[0])}, {_fmt(edges[1])})"]
    regular += [f"[{_fmt(a)}, {_fmt(b)})" for a, b in itertools.pairwise(edges[1:])]
    specials = [f"Special {canonical_category(c)}" for c in special_codes]
    return (*regular, "Missing", *specials, "Unseen")


def _as_float_column(values: Any, name: str) -> FloatArray:
    arr = np.asarray(values)
    if arr.dtype.kind in "fiub":
        return arr.astype(np.float64)
    miss = is_missing(arr)
    out = np.full(arr.shape, np.nan)
    try:
        out[~miss] = arr[~miss].astype(np.float64)
    except (TypeError, ValueError):
        bad = []
        for v in arr[~miss].tolist():
            try:
                float(v)
            except (TypeError, ValueError):
                bad.append(v)
            if len(bad) >= 5:
                break
        raise DataError(
            f"Column {name!r} is numeric in the card but holds non-numeric values "
            f"{format_values(bad)}. Convert the column to numbers (missing as NaN)."
        ) from None
    return out


def spec_bin_index(
    values: Any,
    *,
    name: str,
    kind: str,
    splits: Sequence[float] = (),
    categories: Sequence[Sequence[str]] = (),
    special_codes: Sequence[float] = (),
    unseen_policy: str = "missing",
) -> IntArray:
    """Index-layout bin of every value, following docs/spec_format.md.

    Examples
    --------
    >>> spec_bin_index([0.5, 2.0, np.nan, -1.0], name="x", kind="numeric",
    ...                splits=[1.0], special_codes=[-1.0])
    array([0, 1, 2, 3])
    >>> spec_bin_index(["a", "b", None, "zz"], name="c", kind="categorical",
    ...                categories=[["a"], ["b"]])
    array([0, 1, 2, 3])
    """
    n_special = len(special_codes)
    if kind == "numeric":
        n_bins = len(splits) + 1
        x = _as_float_column(values, name)
        out = np.searchsorted(np.asarray(splits, dtype=np.float64), x, side="right")
        out = out.astype(np.int64)
        miss = np.isnan(x)
        out[miss] = n_bins
        for j, code in enumerate(special_codes):
            out[x == float(code)] = n_bins + 1 + j
        return out
    n_bins = len(categories)
    cats = canonical_categories(np.asarray(values, dtype=object))
    lookup: dict[str, int] = {}
    for i, members in enumerate(categories):
        for c in members:
            lookup[str(c)] = i
    for j, code in enumerate(special_codes):
        key = canonical_category(code)
        if key is not None:
            lookup[key] = n_bins + 1 + j
    unseen_slot = n_bins + 1 + n_special
    out = np.fromiter(
        (n_bins if c is None else lookup.get(c, unseen_slot) for c in cats),
        dtype=np.int64,
        count=cats.size,
    )
    if unseen_policy == "error" and (out == unseen_slot).any():
        bad = sorted({str(c) for c, i in zip(cats, out, strict=True) if i == unseen_slot})
        raise DataError(
            f"Column {name!r} holds categories not seen in the card: {format_values(bad)}. "
            "Map them to a known category, or give the card an unseen policy other than 'error'."
        )
    return out


@dataclass(frozen=True, eq=False)
class CardFeature(BinLayout):
    """One feature of a card: binning, WOE and points in the index layout.

    ``points`` are the published points (rounded when the card is rounded);
    ``points_raw`` the exact ones before rounding (equal to ``points`` for expert cards).
    """

    labels: tuple[str, ...]
    points: FloatArray
    points_raw: FloatArray
    reason_code: str
    woe: FloatArray | None = None
    coefficient: float | None = None
    event_count: FloatArray | None = None
    nonevent_count: FloatArray | None = None
    binning: Any = field(default=None, repr=False)

    @property
    def max_points(self) -> float:
        """Best points attainable: the max over regular, missing and special slots.

        The unseen slot is a policy fallback, not a value an applicant can hold, so it
        does not count; nor, on a fitted card, do missing and special slots that no
        training applicant held.
        """
        attainable = np.ones(self.n_slots, dtype=bool)
        attainable[-1] = False
        if self.event_count is not None and self.nonevent_count is not None:
            # fitted card: missing/special slots nobody held in training are not attainable
            seen = (self.event_count + self.nonevent_count) > 0
            attainable[self.n_bins : -1] = seen[self.n_bins : -1]
        return float(np.max(self.points[attainable]))

    def bin_index(self, values: Any) -> IntArray:
        """Index-layout bin of each value (the binner's own rule when fitted)."""
        if self.binning is not None:
            return np.asarray(self.binning.bin_index(values), dtype=np.int64)
        return spec_bin_index(
            values,
            name=self.name,
            kind=self.kind,
            splits=self.splits,
            categories=self.categories,
            special_codes=self.special_codes,
            unseen_policy=self.unseen_policy,
        )

    def slot_kinds(self) -> tuple[str, ...]:
        """Kind of each slot: 'regular', 'missing', 'special' or 'unseen'."""
        s = len(self.special_codes)
        return ("regular",) * self.n_bins + ("missing",) + ("special",) * s + ("unseen",)


def card_table(card: Sequence[CardFeature]) -> Any:
    """Every slot of every card feature as a pandas DataFrame (``Scorecard.table``).

    Columns ``feature, slot, bin, kind, woe, coefficient, points, points_raw,
    event_count, nonevent_count``; WOE, coefficient and counts are NaN on expert cards.
    """
    import pandas as pd

    def _at(values: FloatArray | None, i: int) -> float:
        return math.nan if values is None else float(values[i])

    rows: list[dict[str, Any]] = []
    for f in card:
        kinds = f.slot_kinds()
        for i in range(f.n_slots):
            rows.append(
                {
                    "feature": f.name,
                    "slot": i,
                    "bin": f.labels[i] if i < len(f.labels) else kinds[i],
                    "kind": kinds[i],
                    "woe": _at(f.woe, i),
                    "coefficient": math.nan if f.coefficient is None else f.coefficient,
                    "points": float(f.points[i]),
                    "points_raw": float(f.points_raw[i]),
                    "event_count": _at(f.event_count, i),
                    "nonevent_count": _at(f.nonevent_count, i),
                }
            )
    return pd.DataFrame(rows)
