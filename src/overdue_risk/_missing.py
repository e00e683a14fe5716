"""One missing-value policy for the whole library (NumPy and the standard library only).

``None``, ``float('nan')``, ``numpy.nan``, ``pandas.NA`` and ``pandas.NaT`` are all the same
missing value: at fit time, in binning tables, in exported specs and in the scoring runtime.
This module must never import pandas: it recognises ``pd.NA``/``pd.NaT`` by type name so the
runtime stays light.

Categorical values are compared through one canonical string form
(:func:`canonical_categories`): ``1``, ``1.0`` and ``"1"`` are the same category, so a card
fitted on integer codes scores a CSV that was read as text.

Examples
--------
>>> import numpy as np
>>> is_missing(np.array([1.0, np.nan, 3.0]))
array([False,  True, False])
>>> is_missing(np.array(["a", None, float("nan")], dtype=object))
array([False,  True,  True])
>>> canonical_categories(np.array([1, 2.0, "x", None], dtype=object))
array(['1', '2', 'x', None], dtype=object)
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["canonical_categories", "canonical_category", "is_missing", "is_missing_scalar"]

_MISSING_TYPE_NAMES = frozenset({"NAType", "NaTType"})
_INTEGRAL_TEXT = re.compile(r"(0|-?[1-9][0-9]*)\.0")  # how floats print whole numbers


def is_missing_scalar(value: Any) -> bool:
    """Return True when ``value`` is None, a float NaN, ``pd.NA`` or ``pd.NaT``."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if type(value).__name__ in _MISSING_TYPE_NAMES:
        return True
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return False


def is_missing(values: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Boolean mask of missing entries of a 1-D array under the library's single policy.

    Parameters
    ----------
    values : array-like
        Numeric, string or object values.

    Returns
    -------
    ndarray of bool
        True where the value is None, NaN, ``pd.NA`` or ``pd.NaT``.
    """
    arr = np.asarray(values)
    if arr.dtype.kind == "f" or arr.dtype.kind == "c":
        return np.asarray(np.isnan(arr), dtype=bool)
    if arr.dtype.kind in "iub":
        return np.zeros(arr.shape, dtype=bool)
    if arr.dtype.kind in "mM":
        return np.asarray(np.isnat(arr), dtype=bool)
    if arr.dtype.kind in "US":
        return np.zeros(arr.shape, dtype=bool)
    flat = arr.ravel()
    mask = np.fromiter((is_missing_scalar(v) for v in flat), dtype=bool, count=flat.size)
    return mask.reshape(arr.shape)


def canonical_category(value: Any) -> str | None:
    """Canonical string form of one categorical value; None for a missing value.

    Integral numbers lose their decimal point (``2.0`` -> ``"2"``), booleans become
    ``"True"``/``"False"``, bytes are decoded as UTF-8, text that spells an integral decimal
    (``"4.0"``, a code written by a float column) is that integer (``"4"``), everything else
    is ``str(value)``.
    """
    if is_missing_scalar(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "True" if value else "False"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        f = float(value)
        if math.isfinite(f) and f.is_integer():
            return str(int(f))
        return repr(f)
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    text = str(value)
    if "." in text and _INTEGRAL_TEXT.fullmatch(text):  # "4.0" read as text is the code 4
        return str(int(text.split(".", 1)[0]))
    return text


def canonical_categories(values: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Canonical string form of every value of a 1-D array (object array, None if missing)."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return arr.astype(str).astype(object)
    if arr.dtype.kind == "U" and not any("." in v for v in arr.ravel().tolist()):
        return arr.astype(object)
    flat = arr.ravel()
    out = np.empty(flat.size, dtype=object)
    for i, v in enumerate(flat):
        out[i] = canonical_category(v)
    return out.reshape(arr.shape)
