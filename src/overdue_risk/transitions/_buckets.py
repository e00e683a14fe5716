"""Days-past-due buckets (M0, M1 ... M6+) and the terminal states of a loan: the vocabulary
every panel, simulator and collection ladder shares. NumPy only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from overdue_risk.exceptions import DataError

__all__ = [
    "ACTIVE_BUCKETS",
    "CHARGED_OFF",
    "DEFAULT_DPD_EDGES",
    "PAID_OFF",
    "STATES",
    "bucket_labels",
    "check_dpd",
    "dpd_to_bucket",
]

#: Upper DPD bound (inclusive) of M0, M1, ... M5; anything above the last is M6+.
DEFAULT_DPD_EDGES: tuple[int, ...] = (0, 30, 60, 90, 120, 150)
CHARGED_OFF = "CO"
PAID_OFF = "PO"
ACTIVE_BUCKETS: tuple[str, ...] = ("M0", "M1", "M2", "M3", "M4", "M5", "M6+")
#: Every state of the loan-month panel, in the order transition matrices use.
STATES: tuple[str, ...] = (*ACTIVE_BUCKETS, CHARGED_OFF, PAID_OFF)


def bucket_labels(dpd_edges: Sequence[int] = DEFAULT_DPD_EDGES) -> tuple[str, ...]:
    """Labels M0 ... M{k}+ for a sequence of ``k`` inclusive upper DPD bounds.

    Examples
    --------
    >>> bucket_labels((0, 30, 60))
    ('M0', 'M1', 'M2', 'M3+')
    """
    k = len(dpd_edges)
    return (*(f"M{i}" for i in range(k)), f"M{k}+")


def check_dpd(dpd: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Days past due as whole numbers, refusing NaN and negative values.

    Examples
    --------
    >>> check_dpd([0, 31.0, 95]).tolist()
    [0, 31, 95]
    """
    arr = np.asarray(dpd)
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise DataError("dpd holds NaN values. Days past due must be known for every loan.")
    days = arr.astype(np.int64)
    if (days < 0).any():
        raise DataError(f"dpd must be >= 0; got {int(days.min())}. Check the DPD computation.")
    return days


def dpd_to_bucket(
    dpd: npt.ArrayLike,
    dpd_edges: Sequence[int] = DEFAULT_DPD_EDGES,
    labels: Sequence[str] | None = None,
) -> npt.NDArray[np.object_]:
    """Map days past due to bucket labels.

    Parameters
    ----------
    dpd : array-like of int
        Days past due, ``>= 0``.
    dpd_edges : sequence of int, default=(0, 30, 60, 90, 120, 150)
        Inclusive upper bound of each bucket but the last, strictly increasing, first 0.
    labels : sequence of str, default=None
        One label per bucket (``len(dpd_edges) + 1``); ``M0 ... Mk+`` when None.

    Returns
    -------
    ndarray of object
        The bucket label of every entry.
    """
    edges = np.asarray(dpd_edges, dtype=np.int64)
    if edges.ndim != 1 or edges.size == 0 or edges[0] != 0 or np.any(np.diff(edges) <= 0):
        raise DataError(
            f"dpd_edges must start at 0 and increase strictly; got {list(dpd_edges)}. "
            "Example: (0, 30, 60, 90, 120, 150)."
        )
    names = tuple(labels) if labels is not None else bucket_labels(dpd_edges)
    if len(names) != edges.size + 1:
        raise DataError(
            f"labels needs {edges.size + 1} entries for {edges.size} dpd_edges; got {len(names)}."
        )
    idx = np.searchsorted(edges, check_dpd(dpd), side="left")
    return np.asarray(names, dtype=object)[idx]
