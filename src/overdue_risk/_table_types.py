"""Column types of a table read as text: the file layer's inference rule (``read_table``).

A text column whose every present value reads as a number becomes numeric (int64 when every
value is a whole number and none is missing, else float64), one holding only True/False
becomes boolean, the others stay text: the rule of ``pandas.read_csv``, applied by
:func:`infer_frame` with pandas (the reference) and by :func:`infer_table` with Arrow casts
where they settle a column the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from overdue_risk._csv_chunks import ordered_map
from overdue_risk._optional import require

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["infer_column", "infer_frame", "infer_table"]


_BOOL_TEXT = {"True": True, "False": False, "true": True, "false": False}


def infer_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns whose every present value reads as a number become numbers, and those
    holding only True/False become booleans (as pandas.read_csv infers them)."""
    import pandas as pd

    out = {name: infer_column(frame[name]) for name in frame.columns}
    return pd.DataFrame(out, index=frame.index)


def infer_column(col: pd.Series) -> pd.Series:
    """The rule of :func:`infer_frame` for one text column (pandas; the reference)."""
    import pandas as pd

    present = col.dropna()
    if len(present) and present.isin(_BOOL_TEXT).all():  # True/False written by pandas
        flags = col.map(_BOOL_TEXT.get)
        return flags.astype(bool if len(present) == len(col) else "boolean")
    try:
        number = pd.to_numeric(col.str.strip(), errors="raise")
    except (ValueError, TypeError, AttributeError):
        return col
    if number.isna().sum() != col.isna().sum():  # blank text is not a missing number
        return col
    return number


def infer_table(table: Any, threads: int = 1) -> pd.DataFrame:
    """:func:`infer_frame` of ``table.to_pandas()``, with the common columns converted by Arrow.

    A column whose every present value Arrow casts to float64 with no NaN is float64
    (missing values NaN), or int64 when none is missing and Arrow casts it to int64 too;
    a column of whole numbers that int64 refuses (``+5``, beyond int64) and every other
    column go through pandas' rule (:func:`infer_column`), so the result is the same
    (tested), only without parsing each number through pandas; ``threads`` columns are
    converted at once (Arrow's casts and NumPy's reductions release the GIL).
    """
    import pandas as pd

    pa = require("pyarrow", extra="io", purpose="reading CSV files")
    pc = require("pyarrow.compute", extra="io", purpose="reading CSV files")
    out: dict[str, Any] = {}
    slow: list[str] = []
    names = table.column_names
    numbers = ordered_map(lambda name: _arrow_number(pa, pc, table.column(name)), names, threads)
    for name, number in zip(names, numbers, strict=True):
        if number is None:
            slow.append(name)
        else:
            out[name] = number
    if slow:
        rest = table.select(slow).to_pandas()
        for name in slow:
            out[name] = infer_column(rest[name])
    index = pd.RangeIndex(table.num_rows)
    # copy=False: the arrays are this function's own; no block consolidation (a copy of
    # every number column)
    return pd.DataFrame({name: out[name] for name in names}, index=index, copy=False)


def _arrow_number(pa: Any, pc: Any, col: Any) -> Any:
    """A text column as a NumPy float64/int64 array when Arrow's cast settles it, else None
    (pandas decides)."""
    import numpy as np

    if not pa.types.is_string(col.type) or col.null_count == len(col) or len(col) == 0:
        return None
    try:  # Arrow's casts skip the spaces around a number, as pandas' strip does
        values = pc.cast(col, pa.float64()).to_numpy()  # missing values: NaN
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    missing = col.null_count
    if missing:
        nan = np.isnan(values)
        if np.count_nonzero(nan) != missing:  # a "nan" spelling pandas does not read
            return None
        lo, hi = (
            float(np.min(values, where=~nan, initial=np.inf)),
            float(np.max(values, where=~nan, initial=-np.inf)),
        )
    else:
        lo, hi = float(values.min()), float(values.max())  # NaN if any value is NaN
    if not max(-lo, hi) < 2.0**53:  # NaN text, infinities, big numbers: pandas' own rules
        return None
    if missing or not np.array_equal(np.floor(values), values):
        return values
    try:
        as_int = pc.cast(col, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if pc.any(pc.match_substring_regex(col, r"^\s*[+-]?[0-9]*[.][0-9]*\s*$")).as_py():
            return values  # "5.0": a decimal point makes pandas read floats
        return None  # "+5", "1e3" or "-0x1": pandas' own rule
    return np.asarray(as_int.to_numpy(), dtype=np.int64)
