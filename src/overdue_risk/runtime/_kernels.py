"""Scoring kernels: O(1) work per value whatever the number of bins.

Numeric features are compiled into a flat lookup on a uniform grid. For a value ``x`` the
kernel computes a cell with a fixed chain of float64 operations,

    cell(x) = int(fmin(fmax(x * a + b, lo), hi))

and then ``points = T[cell + (x >= S[cell])]``, where ``T[c]`` holds the points of the
values of cell ``c`` below its split: the points above the split of cell ``c`` are those
below the (absent) split of cell ``c + 1``. The chain is monotone non-decreasing
in ``x`` (each IEEE operation rounds monotonically), so if the cell of split ``s_k`` is
computed with the *same* chain, every ``x`` in a cell lying below (above) that cell's only
split is below (above) it exactly: the one comparison with ``S[cell]`` finishes the job
and the result equals ``searchsorted(splits, x, side="right")`` for every float. Cells
that hold no split compare against ``-inf``. NaN goes to the bottom cell (``fmax`` drops
NaN) where ``NaN >= -inf`` is False and picks the missing points; the bottom cell never
holds a split. Cells holding two or more splits (splits closer than the grid resolution
at the largest grid tried) are flagged and their values resolved by ``searchsorted``.
Special codes are matched exactly afterwards, one equality pass per code.

Categorical features are factorised (cost per row: one hash or table lookup) and the
canonical strings of the distinct values are mapped to points (cost per distinct value).

Reason codes ride on the same lookups: every slot also has a small integer *reason key*
(:func:`reason_keys`) that orders (points lost, feature) pairs as the reason codes rank
them, so a cell's key is one more ``take`` from a table laid out like ``T``. A block of
rows keeps its ``k`` smallest keys while the features go by (:func:`keep_smallest`):
no points matrix, no sort, no ``argmax`` along a strided axis.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._columns import Columns, categorical_codes, numeric_column
from overdue_risk._missing import canonical_category, is_missing_scalar
from overdue_risk._validation import FloatArray
from overdue_risk.exceptions import DataError
from overdue_risk.runtime._format import CategoricalFeature, Feature, NumericFeature

__all__ = ["CompiledCard", "keep_smallest", "reason_keys", "record_points"]

IntArray = npt.NDArray[np.intp]

BLOCK = 65536  # rows per block: see the note on block size in CompiledCard._run
_GRIDS = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)


def _chain(x: FloatArray, a: float, b: float, lo: float, hi: float) -> IntArray:
    """The kernel's cell computation, op for op (the proof of exactness relies on it)."""
    with np.errstate(all="ignore"):
        t = np.multiply(x, a)
        np.add(t, b, out=t)
        np.fmax(t, lo, out=t)
        np.fmin(t, hi, out=t)
    return t.astype(np.intp)


class _Grid:
    """Grid parameters of one numeric feature inside the concatenated tables."""

    __slots__ = ("a", "b", "codes", "hard", "hi", "lo", "splits")

    def __init__(self, a: float, b: float, lo: float, hi: float, splits: FloatArray) -> None:
        self.a, self.b, self.lo, self.hi = a, b, lo, hi
        self.splits = splits
        self.hard: IntArray | None = None  # global cells that hold >= 2 splits
        self.codes: list[tuple[float, int]] = []  # (special code, its slot)


def _try_grid(splits: FloatArray, n_cells: int, off: int) -> tuple[_Grid, IntArray] | None:
    m = splits.size
    if m == 0:
        grid = _Grid(0.0, float(off), float(off), float(off), splits)
        return grid, np.empty(0, dtype=np.intp)
    with np.errstate(all="ignore"):
        span = float(splits[-1] - splits[0]) if m > 1 else max(abs(float(splits[0])), 1.0)
        a = n_cells / span
        b = off + 1.5 - float(splits[0]) * a
    if not (math.isfinite(a) and a > 0.0 and math.isfinite(b)):
        return None
    lo, hi = float(off), float(off + n_cells + 3)
    cells = _chain(splits, a, b, lo, hi)
    if cells[0] <= off:  # the bottom cell (NaN, far left) must hold no split
        return None
    return _Grid(a, b, lo, hi, splits), cells


def _compile_numeric(
    feat: NumericFeature, off: int
) -> tuple[_Grid | None, FloatArray, IntArray, int]:
    """Grid, the split table ``S`` and the slot table ``U`` of one feature; None ->
    searchsorted.

    Both tables get ``cells + 1`` entries. ``U[c]`` is the slot (bin, or the missing slot
    for the bottom cell) of the values of cell ``c`` below its split, so the points table
    is ``T = slot_points[U]``; ``U``'s last entry is the slot above the top cell's split
    (``S``'s last entry is padding, never indexed)."""
    splits = np.asarray(feat.splits, dtype=np.float64)
    pts = np.asarray(feat.points, dtype=np.float64)
    best: tuple[_Grid, IntArray, int] | None = None
    start = max(16, 1 << max(0, (2 * splits.size - 1).bit_length()))
    for n_cells in _GRIDS:
        if n_cells < start and n_cells != _GRIDS[-1]:
            continue
        found = _try_grid(splits, n_cells, off)
        if found is None:
            continue
        grid, cells = found
        n_hard = int(np.sum(np.diff(cells) == 0)) if cells.size > 1 else 0
        best = (grid, cells, n_cells)
        if n_hard == 0 or splits.size == 0:
            break
    if best is None:
        return None, np.empty(0), np.empty(0, dtype=np.intp), 0
    grid, cells, n_cells = best
    total = 1 if splits.size == 0 else n_cells + 4
    glob = np.arange(off, off + total)
    below = np.searchsorted(cells, glob, side="left")  # splits in lower cells
    inside = np.searchsorted(cells, glob, side="right") - below
    s_tab = np.full(total + 1, -np.inf)
    one = inside == 1
    s_tab[:total][one] = splits[np.minimum(below[one], splits.size - 1)]
    u_tab = np.empty(total + 1, dtype=np.intp)
    u_tab[:total] = np.minimum(below, pts.size - 1)  # below the cell's split, if any
    u_tab[total] = pts.size - 1  # above the top cell's split: the last bin
    u_tab[0] = pts.size  # bottom cell: NaN >= -inf is False -> the missing slot
    hard = inside >= 2
    if hard.any():
        grid.hard = glob[hard]
    grid.codes = [(code, pts.size + 1 + i) for i, code in enumerate(feat.special_codes)]
    return grid, s_tab, u_tab, total + 1


class _Scratch:
    """Preallocated temporaries of the numeric kernel (one set per block size)."""

    __slots__ = ("ge", "idx", "size", "t")

    def __init__(self, n: int) -> None:
        self.size = n
        self.t = np.empty(n)
        self.idx = np.empty(n, dtype=np.intp)
        self.ge = np.empty(n, dtype=bool)


class CompiledCard:
    """All features of a spec compiled for fast scoring (built once per Spec)."""

    def __init__(self, features: Sequence[Feature]) -> None:
        self.features = tuple(features)
        self.grids: list[_Grid | None] = []
        self.slot_points = [np.asarray(f.slot_points, dtype=np.float64) for f in self.features]
        self.slot_keys, self.key_feature = reason_keys(self.features)
        self.no_reason = self.key_feature.size - 1  # the key of "nothing lost"
        s_parts: list[FloatArray] = []
        t_parts: list[FloatArray] = []
        k_parts: list[npt.NDArray[Any]] = []
        off = 0
        for j, feat in enumerate(self.features):
            if isinstance(feat, NumericFeature):
                grid, s_tab, u_tab, size = _compile_numeric(feat, off)
                self.grids.append(grid)
                if grid is not None:
                    s_parts.append(s_tab)
                    t_parts.append(self.slot_points[j][u_tab])
                    k_parts.append(self.slot_keys[j][u_tab])
                    off += size
            else:
                self.grids.append(None)
        self.s_table = np.concatenate(s_parts) if s_parts else np.empty(0)
        self.t_table = np.concatenate(t_parts) if t_parts else np.empty(0)
        self.k_table = np.concatenate(k_parts) if k_parts else self.slot_keys[0][:0]

    # ----------------------------------------------------------------- numeric kernel
    def _numeric_into(
        self,
        j: int,
        x: FloatArray,
        out: FloatArray,
        scratch: _Scratch | None = None,
        keys: npt.NDArray[Any] | None = None,
    ) -> None:
        """Points of numeric feature ``j`` for the float64 values ``x`` written into ``out``
        (and, if given, the reason keys of those points into ``keys``).

        Call inside ``np.errstate(all="ignore")`` (inf * 0 and overflow are expected).
        """
        grid = self.grids[j]
        if grid is None:
            feat = self.features[j]
            assert isinstance(feat, NumericFeature)
            slots = _numeric_slots(feat, x)
            np.take(self.slot_points[j], slots, out=out)
            if keys is not None:
                np.take(self.slot_keys[j], slots, out=keys)
            return
        n = x.size
        sc = scratch if scratch is not None and scratch.size >= n else _Scratch(n)
        # One float buffer serves the chain, then the split each value is compared with
        # (``out`` may be that buffer too: it is written after the comparison). Few,
        # long NumPy calls: each releases the GIL, so threads scoring other rows overlap.
        t, idx, ge = sc.t[:n], sc.idx[:n], sc.ge[:n]
        np.multiply(x, grid.a, out=t)
        np.add(t, grid.b, out=t)
        np.fmax(t, grid.lo, out=t)
        np.fmin(t, grid.hi, out=t)
        np.copyto(idx, t, casting="unsafe")  # truncation == floor: t >= lo >= 0
        np.take(self.s_table, idx, out=t, mode="clip")
        np.greater_equal(x, t, out=ge)
        fix = np.isin(idx, grid.hard) if grid.hard is not None else None
        np.add(idx, ge, out=idx, casting="unsafe")
        np.take(self.t_table, idx, out=out, mode="clip")
        if keys is not None:
            np.take(self.k_table, idx, out=keys, mode="clip")
        if fix is not None and fix.any():
            bins = np.searchsorted(grid.splits, x[fix], side="right")
            out[fix] = self.slot_points[j][bins]
            if keys is not None:
                keys[fix] = self.slot_keys[j][bins]
        for code, slot in grid.codes:
            np.equal(x, code, out=ge)
            np.copyto(out, self.slot_points[j][slot], where=ge)
            if keys is not None:
                np.copyto(keys, self.slot_keys[j][slot], where=ge)

    # ------------------------------------------------------------- categorical kernel
    def categorical_slots(self, j: int, col: Any, row_offset: int = 0) -> IntArray:
        """Slot of every row in the index layout ``[bins, missing, specials, unseen]``."""
        feat = self.features[j]
        assert isinstance(feat, CategoricalFeature)
        uniques, codes = categorical_codes(col, feat.name, row_offset)
        n_bins = len(feat.points)
        missing_slot, unseen_slot = n_bins, n_bins + 1 + len(feat.special_codes)
        slots = np.empty(len(uniques), dtype=np.intp)
        unseen: list[int] = []
        for u, value in enumerate(uniques):
            key = canonical_category(value)
            if key is None:
                slots[u] = missing_slot
            else:
                slot = feat.lookup.get(key)
                if slot is None:
                    slot = unseen_slot
                    unseen.append(u)
                slots[u] = slot
        if unseen and feat.unseen_policy == "error":
            _raise_unseen(feat, [uniques[u] for u in unseen], codes, unseen, row_offset)
        return slots[codes]

    # ------------------------------------------------------------------ drivers
    def points_matrix(self, cols: Columns) -> FloatArray:
        """Per-feature points, shape ``(n_features, n_rows)`` (feature-major)."""
        n, k = cols.n_rows, len(self.features)
        out = np.empty((k, n))
        self._run(cols, lambda j, r0, r1, pts, keys: None, out)
        return out

    def score(self, cols: Columns, intercept: float) -> FloatArray:
        """Total points per row: ``intercept + sum of features`` in spec order, float64."""
        acc = np.full(cols.n_rows, intercept, dtype=np.float64)

        def add(j: int, r0: int, r1: int, pts: FloatArray, keys: None) -> None:
            np.add(acc[r0:r1], pts, out=acc[r0:r1])

        self._run(cols, add, None)
        return acc

    def score_reasons(self, cols: Columns, intercept: float, k: int) -> tuple[FloatArray, IntArray]:
        """:meth:`score` and the ``k`` reasons of every row in the same pass over the data.

        Returns the total points and the reasons as feature positions, shape
        ``(min(k, n_features), n_rows)`` (``n_features``: no reason), equal to
        ``reason_positions(features, points_matrix(cols), k)`` without building the points
        matrix: each feature's points come with their reason key (see :func:`reason_keys`),
        and a block of rows keeps its ``k`` smallest keys so far, updated feature by
        feature (``2k - 1`` minimum/maximum passes over small integers per feature).
        """
        n, f = cols.n_rows, len(self.features)
        k_eff = min(k, f)
        acc = np.full(n, intercept, dtype=np.float64)
        picked = np.empty((k_eff, n), dtype=np.intp)
        size = min(BLOCK, max(n, 1))
        top = np.empty((k_eff, size), dtype=self.k_table.dtype)
        spare = np.empty((2, size), dtype=self.k_table.dtype)

        def keep(j: int, r0: int, r1: int, pts: FloatArray, keys: npt.NDArray[Any]) -> None:
            np.add(acc[r0:r1], pts, out=acc[r0:r1])  # spec order, as score() adds
            m = r1 - r0
            best = top[:, :m]
            if j == 0:
                best.fill(self.no_reason)
            keep_smallest(best, keys, spare[:, :m])
            if j == f - 1:
                np.take(self.key_feature, best, out=picked[:, r0:r1])

        self._run(cols, keep, None, with_keys=True)
        return acc, picked

    def _run(
        self, cols: Columns, sink: Any, out: FloatArray | None, with_keys: bool = False
    ) -> None:
        """Call ``sink(j, r0, r1, points, keys)`` for every feature ``j`` of every block of
        rows ``[r0, r1)`` (``keys``: the reason keys of the points, or None); with ``out``,
        the points are written into ``out[j, r0:r1]``.

        Block size (issue 19): a NumPy call releases the GIL only while it runs, and a
        thread waiting for the GIL wakes up late, often after the holder has taken it back.
        With 16,384-row blocks a call lasts 3-15 us and a second thread scoring other rows
        mostly waited (two threads: 1.1-1.2x on two free cores). At 65,536 rows a call
        lasts 10-50 us and the threads overlap (1.6x); the temporaries (one float, one
        index, one boolean buffer; the points reuse the float buffer) stay near L2 size,
        and one thread is no slower. Larger blocks fall out of L2 and slow one thread."""
        n = cols.n_rows
        feats = self.features
        cat_pts: dict[int, FloatArray] = {}
        cat_keys: dict[int, npt.NDArray[Any]] = {}
        for j, feat in enumerate(feats):
            if isinstance(feat, CategoricalFeature):
                slots = self.categorical_slots(j, cols.get(j, feat.name), cols.row_offset)
                cat_pts[j] = self.slot_points[j][slots]
                if with_keys:
                    cat_keys[j] = self.slot_keys[j][slots]
        matrix = cols.matrix
        fast_matrix = matrix is not None and matrix.dtype.kind in "fiub"
        col_cache: dict[int, FloatArray] = {}
        if not fast_matrix:
            for j, feat in enumerate(feats):
                if j not in cat_pts:
                    raw = cols.get(j, feat.name)
                    col_cache[j] = numeric_column(raw, feat.name, cols.row_offset)
        size = min(BLOCK, max(n, 1))
        scratch = _Scratch(size)
        buf = scratch.t  # the numeric kernel writes its points last (see _numeric_into)
        kbuf = np.empty(size, dtype=self.k_table.dtype) if with_keys else None
        xbuf = np.empty((len(feats), size)) if fast_matrix else None
        with np.errstate(all="ignore"):
            for r0 in range(0, n, BLOCK):
                r1 = min(n, r0 + BLOCK)
                m = r1 - r0
                if xbuf is not None:
                    assert matrix is not None
                    np.copyto(xbuf[:, :m], matrix[r0:r1].T, casting="unsafe")
                for j in range(len(feats)):
                    target = out[j, r0:r1] if out is not None else buf[:m]
                    keys = kbuf[:m] if kbuf is not None else None
                    if j in cat_pts:
                        if out is None:
                            target = cat_pts[j][r0:r1]
                        else:
                            np.copyto(target, cat_pts[j][r0:r1])
                        keys = cat_keys[j][r0:r1] if with_keys else None
                    else:
                        x = xbuf[j, :m] if xbuf is not None else col_cache[j][r0:r1]
                        self._numeric_into(j, x, target, scratch, keys)
                    sink(j, r0, r1, target, keys)


def reason_keys(features: Sequence[Feature]) -> tuple[list[npt.NDArray[Any]], IntArray]:
    """The reason key of every slot of every feature, and the feature of every key.

    A feature's loss in a slot is ``max_points - slot_points`` (float64, as the reason
    codes define it). The distinct pairs (loss, feature position) with a positive loss
    are numbered in the order "largest loss first, ties in spec order"; slots that lose
    nothing (and the NaN of an unseen slot that can never be scored) get the last key,
    ``no_reason``. So the ``k`` smallest keys of a row are its ``k`` reasons in order, and
    ``key_feature[key]`` is the feature position (``n_features`` for ``no_reason``).
    Keys are int16 up to 32,766 distinct losses, else int32.

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> feats = Spec.from_dict(seal(example_spec_dict())).features
    >>> keys, key_feature = reason_keys(feats)
    >>> [k.tolist() for k in keys], key_feature.tolist()
    ([[2, 7, 8, 4, 1, 0, 1], [6, 8, 5, 3, 3]], [0, 0, 0, 1, 0, 1, 1, 0, 2])
    """
    losses = [f.max_points - np.asarray(f.slot_points, dtype=np.float64) for f in features]
    pairs = sorted(
        {(-float(v), j) for j, loss in enumerate(losses) for v in loss[loss > 0]}
    )  # NaN > 0 is False: an unseen slot under unseen_policy "error" never enters
    rank = {pair: r for r, pair in enumerate(pairs)}
    dtype = np.int16 if len(pairs) < np.iinfo(np.int16).max else np.int32
    keys = [
        np.array([rank.get((-float(v), j), len(pairs)) for v in loss], dtype=dtype)
        for j, loss in enumerate(losses)
    ]
    key_feature = np.array([j for _, j in pairs] + [len(features)], dtype=np.intp)
    return keys, key_feature


def keep_smallest(best: npt.NDArray[Any], keys: npt.NDArray[Any], spare: npt.NDArray[Any]) -> None:
    """Merge one more key per row into the rows' sorted smallest keys, in place.

    ``best`` has shape ``(k, m)``, each column ascending; ``keys`` shape ``(m,)``;
    ``spare`` is ``(2, m)`` scratch. Slot by slot, the smaller of (slot, carried key)
    stays and the larger is carried down: ``2k - 1`` passes, no sort, no argmax.
    """
    carry = keys
    for i in range(best.shape[0] - 1):
        nxt = spare[i % 2]
        np.maximum(best[i], carry, out=nxt)
        np.minimum(best[i], carry, out=best[i])
        carry = nxt
    np.minimum(best[-1], carry, out=best[-1])


def record_points(features: Sequence[Feature], record: Mapping[str, Any]) -> list[float]:
    """Pure-Python points of one record (no NumPy calls, no compilation: microseconds)."""
    result: list[float] = []
    append = result.append
    for feat in features:
        value = record[feat.name]
        if type(feat) is NumericFeature and type(value) is float:
            # _record_numeric's first branch, inlined (a Python float needs no conversion)
            if value != value:
                append(feat.missing_points)
            elif feat.special_codes and value in feat.special_codes:
                append(feat.special_points[feat.special_codes.index(value)])
            else:
                append(feat.points[bisect.bisect_right(feat.splits, value)])
        elif isinstance(feat, NumericFeature):
            append(_record_numeric(feat, value))
        else:
            append(_record_categorical(feat, value))
    return result


_FAST_NUMBERS = frozenset({float, int, np.float64, np.float32, np.int64, np.int32})


def _record_numeric(feat: NumericFeature, value: Any) -> float:
    if type(value) in _FAST_NUMBERS:  # fast path: plain numbers
        x = float(value)
        if x != x:
            return feat.missing_points
        if feat.special_codes and x in feat.special_codes:
            return feat.special_points[feat.special_codes.index(x)]
        return feat.points[bisect.bisect_right(feat.splits, x)]
    if is_missing_scalar(value):
        return feat.missing_points
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise DataError(
                f"column {feat.name!r} must be numeric; got {value!r}. Clean the value or map "
                "it to missing (None) or to a special code."
            ) from None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise DataError(
            f"column {feat.name!r} must be numeric; got {value!r} ({type(value).__name__})."
        ) from None
    if x != x:
        return feat.missing_points
    if feat.special_codes:
        for code, pts in zip(feat.special_codes, feat.special_points, strict=True):
            if x == code:
                return pts
    return feat.points[bisect.bisect_right(feat.splits, x)]


def _record_categorical(feat: CategoricalFeature, value: Any) -> float:
    key = canonical_category(value)
    if key is None:
        return feat.missing_points
    slot = feat.lookup.get(key)
    if slot is None:
        if feat.unseen_points is None:
            raise DataError(
                f"column {feat.name!r}: category {value!r} was not seen when the card was "
                f"fitted (unseen_policy 'error'). Known categories: "
                f"{sorted(feat.lookup)[:10]}. Map it to a known category or to missing."
            )
        return feat.unseen_points
    return float(feat.slot_points[slot])


def _numeric_slots(feat: NumericFeature, x: FloatArray) -> IntArray:
    """Slots by searchsorted, for features whose splits defeat the grid (e.g. +-1e308
    splits): bin, then the missing slot for NaN, then the special codes' slots."""
    n_bins = len(feat.points)
    slots = np.searchsorted(np.asarray(feat.splits), x, side="right")
    nan = np.isnan(x)
    if nan.any():
        slots[nan] = n_bins
    for i, code in enumerate(feat.special_codes):
        eq = x == code
        if eq.any():
            slots[eq] = n_bins + 1 + i
    return slots


def _raise_unseen(
    feat: CategoricalFeature,
    values: list[Any],
    codes: IntArray,
    unseen: list[int],
    row_offset: int,
) -> None:
    rows = np.flatnonzero(np.isin(codes, unseen))[:5] + row_offset
    raise DataError(
        f"column {feat.name!r}: {len(values)} categor(y/ies) not seen when the card was fitted "
        f"(unseen_policy 'error'): {values[:5]} at row(s) {rows.tolist()}. Map them to a "
        f"known category ({sorted(feat.lookup)[:8]}) or to missing."
    )
