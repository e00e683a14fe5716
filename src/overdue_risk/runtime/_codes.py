"""Grades and reason codes of a batch, as text or as positions (used by :class:`Spec`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray
from overdue_risk.exceptions import DataError
from overdue_risk.runtime._format import Feature, GradeScale

__all__ = ["grade_index", "reason_labels", "reason_positions"]


def grade_index(ms: GradeScale, pd: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """Position of each PD's grade in ``ms.grades`` (-1: NaN PD, no grade)."""
    p = np.asarray(pd, dtype=np.float64)
    if p.ndim == 0:
        p = p.reshape(1)
    bad = (p < 0.0) | (p > 1.0)
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise DataError(
            f"a PD must lie in [0, 1]; got {p[bad][:5].tolist()} at position(s) {rows}. "
            "Pass probabilities, not percentages or scores."
        )
    idx = np.searchsorted(np.asarray(ms.upper_pd), p, side="left")
    np.minimum(idx, len(ms.grades) - 1, out=idx)
    idx[np.isnan(p)] = -1
    return idx


def reason_labels(
    features: Sequence[Feature], picked: npt.NDArray[np.intp], k: int
) -> list[npt.NDArray[np.object_]]:
    """Reason codes (text) of reason positions ``picked``, shape ``(min(k, n_features),
    n_rows)`` as :func:`reason_positions` and ``CompiledCard.score_reasons`` give them:
    ``k`` object columns, None where nothing (more) was lost."""
    codes = np.array([feat.reason_code for feat in features] + [None], dtype=object)
    none = np.full(picked.shape[1], len(features), dtype=np.intp)
    return [codes.take(picked[i] if i < picked.shape[0] else none) for i in range(k)]


def reason_positions(features: Sequence[Feature], pts: FloatArray, k: int) -> npt.NDArray[np.intp]:
    """The reasons of a feature-major ``(n_features, n_rows)`` points matrix as feature
    positions, shape ``(min(k, n_features), n_rows)``; ``n_features`` marks an empty code.

    ``k`` rounds, in cache-sized row blocks, of: the largest loss per row (``max`` over
    the feature axis), the first feature reaching it (``argmax`` of the equality mask:
    equal losses go in spec order), then that entry is retired (see ``Spec.reason_codes``).
    The definition, used for one record (whose points come from plain Python); batches
    take ``CompiledCard.score_reasons``, which gives the same positions without a points
    matrix (a test holds the two equal).
    """
    f, n = pts.shape
    best = np.array([feat.max_points for feat in features])[:, None]
    k_eff = min(k, f)
    picked = np.empty((k_eff, n), dtype=np.intp)
    step = 16384
    for r0 in range(0, n, step):
        loss = best - pts[:, r0 : r0 + step]  # (features, rows), contiguous
        b = loss.shape[1]
        cols = np.arange(b)
        top = np.empty(b)
        eq = np.empty(loss.shape, dtype=bool)
        for i in range(k_eff):
            np.max(loss, axis=0, out=top)
            np.equal(loss, top, out=eq)
            arg = eq.argmax(axis=0)
            loss[arg, cols] = -np.inf
            arg[top <= 0] = f  # nothing (more) lost: empty code
            picked[i, r0 : r0 + b] = arg
    return picked
