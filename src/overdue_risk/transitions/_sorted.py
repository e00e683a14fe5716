"""One pass over a panel already sorted by (loan, period), a cache-sized block at a time.

The built-in portfolio, and most extracts, come sorted by loan and month. For those the
views need no sort and no full-length temporaries: the state codes are read as stored
(a categorical's codes, see :func:`~overdue_risk.transitions._panel.category_codes`), the
month of each date is looked up a block at a time, and the same pass checks the order,
pairs each row with the next and counts. On a long panel this is a few times the cost
of one ``np.bincount`` of the rows, where coding the columns first (text to codes, dates
to month numbers, each a full-length array) costs several times more than the counting.

Each kernel returns None when its shortcut does not apply (rows out of order, a
duplicated (loan, period), a missing date, ids that are not integers, ...); the caller
then takes the general path, which gives the same numbers or names the problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from overdue_risk.transitions._panel import (
    _PER_DAY,
    CodedPanel,
    IntArray,
    as_array,
    category_codes,
    coded_keys,
    columns_of,
    move_cells,
    state_codes,
)

__all__ = [
    "SortedKeys",
    "SortedLoans",
    "move_table",
    "sorted_keys",
    "sorted_loans",
    "sorted_moves",
]

AnyInt = npt.NDArray[np.integer[Any]]
KeyNames = tuple[str, str, str]  # the id, time and state columns

_BLOCK = 1 << 15  # rows per block: a handful of int64 scratch arrays stay in cache (L2)
_TABLE_DAYS = 1 << 18  # a day table indexed from 1970-01-01 up to about the year 2687
_PERIOD_LIMIT = 1 << 40  # period numbers beyond this take the general path
_NAT = int(np.iinfo(np.int64).min)  # NaT as int64


class SortedKeys(NamedTuple):
    """The key columns of a panel as stored, for the one-pass kernels."""

    ids: IntArray  # loan ids (int64, as stored)
    time: IntArray  # int64 view of the dates, or the period numbers
    per_day: int  # time units per day (dates); 0 for period numbers
    codes: AnyInt  # state positions in ``labels`` (any integer type)
    labels: tuple[str, ...]


def _int_column(column: Any) -> IntArray | None:
    arr = as_array(column)
    if arr.dtype.kind not in "iu" or (arr.dtype.kind == "u" and arr.dtype.itemsize == 8):
        return None
    return arr.astype(np.int64, copy=False)


def sorted_keys(
    panel: Any, cols: Mapping[str, Any], states: Sequence[str] | None, names: KeyNames
) -> SortedKeys | None:
    """The columns ``names`` (id, time, state) as stored, without a pass over rows; or None.

    None when a key column needs coding first (text ids, text or float periods, dates
    in a unit other than days to nanoseconds): the general path codes it. A
    :class:`~overdue_risk.transitions._panel.CodedPanel` is not read here; it has its own
    cached path.
    """
    id_col, time_col, state_col = names
    if isinstance(panel, CodedPanel) or len(cols[id_col]) < 2:
        return None
    ids = _int_column(cols[id_col])
    if ids is None:
        return None
    raw = as_array(cols[time_col])
    if raw.dtype.kind == "M":
        per_day = _PER_DAY.get(np.datetime_data(raw.dtype)[0])
        if per_day is None:
            return None
        time = raw.view(np.int64)
    else:
        per_day = 0
        maybe = _int_column(raw)
        if maybe is None:
            return None
        time = maybe
    if ids.size != time.size:
        return None
    coded = category_codes(cols[state_col], states)
    if coded is None:
        codes, labels = state_codes(cols[state_col], states, state_col)
        small: AnyInt = codes
    else:
        small, labels = coded
    if small.size != ids.size:
        return None
    return SortedKeys(ids, time, per_day, small, labels)


class _Clock:
    """Month numbers (times ``scale``) of a block of rows, and the block's first and last.

    Dates are floored to days and the days looked up in a table of the days seen so far
    (built for the first block, widened when a block falls outside); period numbers are
    used as they are. The range comes from the block itself (in cache), so no pass over
    the whole column is needed first.
    """

    def __init__(self, keys: SortedKeys, scale: int) -> None:
        self.time, self.per_day, self.scale = keys.time, keys.per_day, scale
        self.first, self.last = 0, -1  # days the table covers
        self.months = self.table = np.zeros(0, dtype=np.int64)

    def _cover(self, d_lo: int, d_hi: int) -> bool:
        if self.first <= d_lo and d_hi <= self.last:
            return True
        lo = min(d_lo, self.first) if self.last >= self.first else d_lo
        hi = max(d_hi, self.last) + 366
        if hi - lo > 400_000:  # over a thousand years: the general path
            return False
        first = 0 if lo >= 0 and hi < _TABLE_DAYS else lo - 366
        days = np.arange(first, hi + 1).astype("datetime64[D]")
        self.months = days.astype("datetime64[M]").astype(np.int64)
        self.table = self.months * self.scale if self.scale != 1 else self.months
        self.first, self.last = first, hi
        return True

    def __call__(
        self, r0: int, r1: int, out: IntArray, scratch: IntArray
    ) -> tuple[IntArray, int, int] | None:
        """``(months * scale, first month, last month)`` of rows ``r0 .. r1 - 1``.

        None for a missing date (NaT) or dates over a thousand years apart.
        """
        raw = self.time[r0:r1]
        lo, hi = int(raw.min()), int(raw.max())
        if not self.per_day:
            if lo < -_PERIOD_LIMIT or hi > _PERIOD_LIMIT:
                return None  # period numbers this large: the general path
            if self.scale == 1:
                return raw, lo, hi
            np.multiply(raw, self.scale, out=out)
            return out, lo, hi
        if lo == _NAT:
            return None
        d_lo, d_hi = lo // self.per_day, hi // self.per_day
        if not self._cover(d_lo, d_hi):
            return None
        np.floor_divide(raw, self.per_day, out=scratch)
        if self.first:
            np.subtract(scratch, self.first, out=scratch)
        np.take(self.table, scratch, out=out, mode="clip")
        return out, int(self.months[d_lo - self.first]), int(self.months[d_hi - self.first])


def _ids_fit(ids: IntArray, step: int) -> bool:
    """Whether ``id * step`` (plus a cell below ``step``) fits in int64 for every id."""
    limit = (1 << 62) // step
    return bool(-limit < int(ids.min()) and int(ids.max()) < limit)


class _Table:
    """Count tables (period, k * k) of a range of periods that grows as blocks arrive."""

    def __init__(self, kk: int) -> None:
        self.kk, self.lo = kk, 0
        self.counts = np.zeros((0, kk), dtype=np.int64)

    def add(self, lo: int, counts: IntArray) -> None:
        span = counts.shape[0]
        if not self.counts.shape[0]:
            self.lo, self.counts = lo, counts.copy()
            return
        new_lo = min(lo, self.lo)
        new_hi = max(lo + span, self.lo + self.counts.shape[0])
        if new_lo < self.lo or new_hi > self.lo + self.counts.shape[0]:
            grown = np.zeros((new_hi - new_lo, self.kk), dtype=np.int64)
            grown[self.lo - new_lo : self.lo - new_lo + self.counts.shape[0]] = self.counts
            self.lo, self.counts = new_lo, grown
        self.counts[lo - self.lo : lo - self.lo + span] += counts


def sorted_moves(keys: SortedKeys) -> tuple[IntArray, int] | None:
    """Counts of one-period moves per (start period, from, to) and the first period.

    One pass: per block the rows' month cells ``(period - first) * k * k``, a key
    ``id * (span + 1) * k * k + cell`` that must rise strictly from row to row (sorted
    by loan and period, no duplicates), a move wherever it rises by exactly ``k * k``
    (same loan, next period), and one bincount of ``cell + from * k + to``. None when the
    rows are not sorted.
    """
    k = len(keys.labels)
    kk = k * k
    if kk >= 1 << 14:
        return None
    clock = _Clock(keys, kk)
    ids, codes = keys.ids, keys.codes
    n = ids.size
    total = _Table(kk)
    size = min(_BLOCK, n - 1) + 1
    cell, key, tmp = (np.empty(size, dtype=np.int64) for _ in range(3))
    pair = np.empty(size, dtype=np.int16)
    moved = np.empty(size, dtype=bool)
    for r0 in range(0, n - 1, _BLOCK):
        r1 = min(n - 1, r0 + _BLOCK)  # the moves from rows r0 .. r1 - 1
        m = r1 - r0
        ky, d, p, ok = key[: m + 1], tmp[:m], pair[:m], moved[:m]
        got = clock(r0, r1 + 1, cell[: m + 1], tmp[: m + 1])
        if got is None:
            return None
        c, t_lo, t_hi = got
        span = t_hi - t_lo + 1
        step = (span + 1) * kk
        block_ids = ids[r0 : r1 + 1]
        if span > 1 << 16 or not _ids_fit(block_ids, step):
            return None
        np.multiply(block_ids, step, out=ky)
        np.add(ky, c, out=ky)
        np.subtract(ky[1:], ky[:-1], out=d)
        if int(d.min()) <= 0:
            return None  # out of order or a duplicated (loan, period)
        np.not_equal(d, kk, out=ok)  # not the same loan one period later
        block = codes[r0 : r1 + 1]
        np.multiply(block[:-1], k, out=p, dtype=np.int16)
        np.add(p, block[1:], out=p, dtype=np.int16)
        np.add(c[:-1], p, out=d)
        np.subtract(d, t_lo * kk, out=d)
        np.copyto(d, span * kk, where=ok)
        counts = np.bincount(d, minlength=span * kk + 1)[: span * kk]
        total.add(t_lo, counts.reshape(span, kk))
    table: IntArray = total.counts.reshape(-1, k, k)
    return table, total.lo


def move_table(
    panel: Any, states: Sequence[str] | None, names: KeyNames
) -> tuple[IntArray, int, tuple[str, ...]]:
    """``(counts (span, k, k), first period, states)`` of the panel's one-period moves.

    Sorted panels read as stored go through :func:`sorted_moves`; coded panels reuse
    their move cells; anything else is coded and, if need be, sorted first.
    """
    keys = sorted_keys(panel, columns_of(panel, names), states, names)
    if keys is not None:
        moves = sorted_moves(keys)
        if moves is not None:
            return moves[0], moves[1], keys.labels
    codes, labels, ids, t, order = coded_keys(panel, states, *names)
    k = len(labels)
    cells, lo, span = move_cells(panel, codes, ids, t, order, k)
    counts = np.bincount(cells, minlength=span * k * k + 1)[: span * k * k]
    return counts.reshape(span, k, k), lo, labels


class SortedLoans(NamedTuple):
    """Per-loan facts of a sorted panel (loans numbered 0, 1, ... in row order)."""

    starts: IntArray  # first row of each loan
    origination: IntArray  # min(period - mob) over the loan's rows
    bad_rows: IntArray  # first bad row of each loan that goes bad
    bad_loans: IntArray  # the loan of each of those rows
    max_mob: int
    last_period: int


def sorted_loans(
    keys: SortedKeys,
    mob_column: Any,
    bad: Sequence[int],
    extra_bad: npt.NDArray[np.bool_] | None,
) -> SortedLoans | None:
    """Loans, origination and first bad row of a sorted panel in one pass, or None.

    ``bad`` lists the state positions that make a row bad; ``extra_bad`` marks further
    bad rows (days past due over a threshold). Along a loan of the built-in portfolio the
    period and the months on book rise together, so ``period - mob`` (the origination)
    is that of the loan's first row; blocks where it is not take a per-loan minimum. None
    when the rows are not sorted by (loan, period) without duplicates, or when months on
    book are not whole numbers >= 0 or fall along a loan: the general path handles (or
    names) those.
    """
    mob = _int_column(mob_column)
    if mob is None or mob.size != keys.ids.size:
        return None
    k = len(keys.labels)
    wanted = np.zeros(k, dtype=bool)
    wanted[list(bad)] = True
    lo_bad, hi_bad = (min(bad), max(bad)) if bad else (k, k)
    is_range = bool(bad) and bool(wanted[lo_bad : hi_bad + 1].all())
    clock = _Clock(keys, 1)
    ids, codes = keys.ids, keys.codes
    n = ids.size
    size = min(_BLOCK, n) + 1
    month, dt, dm = (np.empty(size, dtype=np.int64) for _ in range(3))
    new, flag, other = (np.empty(size, dtype=bool) for _ in range(3))
    one_byte = codes.dtype.itemsize == 1  # a categorical's codes (checked >= 0)
    narrow = np.empty(size, dtype=np.uint8) if is_range and one_byte else None
    starts: list[IntArray] = []
    origin: list[IntArray] = []
    bad_rows: list[IntArray] = []
    bad_loans: list[IntArray] = []
    last_period = last_id = _NAT
    max_mob = 0
    n_loans, last_bad = 0, _NAT  # loans before the block; the id of the last bad row
    for r0 in range(0, n, _BLOCK):
        r1 = min(n, r0 + _BLOCK)
        s0 = max(r0 - 1, 0)  # one row of look-back for the loan boundary
        m, own = r1 - s0, r0 - s0  # the block's own rows start at ``own``
        nl, f, g = new[:m], flag[1:m], other[1:m]
        block_ids, block_mob = ids[s0:r1], mob[s0:r1]
        got = clock(s0, r1, month[:m], dt[:m])
        if got is None:
            return None
        t, _, t_hi = got
        last_period = max(last_period, t_hi)
        nl[0] = r0 == 0
        np.not_equal(block_ids[1:], block_ids[:-1], out=nl[1:])
        d_t, d_m = dt[: m - 1], dm[: m - 1]
        np.subtract(t[1:], t[:-1], out=d_t)
        np.subtract(block_mob[1:], block_mob[:-1], out=d_m)
        np.not_equal(d_t, d_m, out=f)  # the origination changes along the loan ...
        np.less_equal(d_t, 0, out=g)  # ... or the period does not rise
        np.logical_or(f, g, out=f)
        local = np.flatnonzero(nl[own:])
        first_ids = block_ids[own:][local]  # every loan is one run: the runs' ids rise
        if first_ids.size and (first_ids[0] <= last_id or (first_ids[1:] <= first_ids[:-1]).any()):
            return None
        last_id = int(first_ids[-1]) if first_ids.size else last_id
        max_mob = max(max_mob, int(block_mob.max()))
        if not np.greater(f, nl[1:]).any():  # one origination per loan: its first row's
            first_mob = block_mob[own:][local]  # the least months on book of the loan
            if first_mob.size and int(first_mob.min()) < 0:
                return None
            starts.append(local + r0)
            origin.append(t[own:][local] - first_mob)
        else:
            if int(block_mob.min()) < 0:
                return None
            if np.greater(g, nl[1:]).any():
                return None  # out of order or a duplicated (loan, period)
            np.less(d_m, 0, out=g)
            if np.greater(g, nl[1:]).any():
                return None  # months on book fall along a loan
            o = dt[:m]
            np.subtract(t, block_mob, out=o)
            inside = bool(r0 > 0 and not nl[own])  # the block opens inside the last loan
            if inside:
                local = np.concatenate(([0], local))
            mins = np.minimum.reduceat(o[own:], local)
            if inside:
                _merge_min(origin, int(mins[0]))
                local, mins = local[1:], mins[1:]
            starts.append(local + r0)
            origin.append(mins)
        c = codes[r0:r1]
        fb = flag[: r1 - r0]
        if narrow is not None:  # lo_bad <= code <= hi_bad: (code - lo_bad) mod 256 <= width
            u = narrow[: r1 - r0]
            np.subtract(c.view(np.uint8), lo_bad, out=u)
            np.less_equal(u, hi_bad - lo_bad, out=fb)
        elif is_range:
            np.greater_equal(c, lo_bad, out=fb)
            np.less_equal(c, hi_bad, out=other[: r1 - r0])
            np.logical_and(fb, other[: r1 - r0], out=fb)
        else:
            np.take(wanted, c, out=fb)
        if extra_bad is not None:
            np.logical_or(fb, extra_bad[r0:r1], out=fb)
        rows = np.flatnonzero(fb)
        if rows.size:  # the first bad row of each loan (a new id), and the loan's number
            bad_ids = block_ids[own:][rows]
            keep = np.empty(rows.size, dtype=bool)
            keep[0] = bad_ids[0] != last_bad
            np.not_equal(bad_ids[1:], bad_ids[:-1], out=keep[1:])
            rows = rows[keep]
            bad_rows.append(rows + r0)
            bad_loans.append(np.searchsorted(local, rows, side="right") + (n_loans - 1))
            last_bad = int(bad_ids[-1])
        n_loans += local.size
    first_rows = np.concatenate(starts)
    none = np.zeros(0, dtype=np.int64)
    return SortedLoans(
        first_rows,
        np.concatenate(origin),
        np.concatenate(bad_rows) if bad_rows else none,
        np.concatenate(bad_loans) if bad_loans else none,
        max_mob,
        last_period,
    )


def _merge_min(origin: list[IntArray], value: int) -> None:
    """Lower the last loan's origination to ``value`` (a loan spanning blocks)."""
    for part in reversed(origin):
        if part.size:
            part[-1] = min(int(part[-1]), value)
            return
