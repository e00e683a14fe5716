"""The one way every export reads a spec: through the runtime's validated ``Spec``.

Each exporter (SQL, PMML, Spark, Dask) translates the same JSON spec of
``docs/spec_format.md``. A Spec, a dict or a path is turned into a Spec by the runtime's
one coercer :func:`overdue_risk.runtime.as_spec` first, so an export never translates a spec
the runtime would refuse (schema version, checksum, shapes), and the translators read the
runtime's own parsed features (``spec.features``), calibration and master scale.
Spark and Dask workers receive the spec's JSON text and parse it once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from overdue_risk._missing import canonical_category
from overdue_risk.exceptions import DataError
from overdue_risk.runtime import Spec, as_spec

__all__ = [
    "as_spec",
    "is_float_output",
    "output_names",
    "output_plan",
    "runtime_spec",
    "score_outputs",
    "spec_json",
    "special_strings",
]

FLOAT_OUTPUTS = ("score", "pd")


def special_strings(feature: Any) -> tuple[str, ...]:
    """Special codes of a categorical feature in canonical category form (``-1.0`` -> ``"-1"``)."""
    return tuple(str(canonical_category(c)) for c in feature.special_codes)


@functools.lru_cache(maxsize=8)
def runtime_spec(text: str) -> Spec:
    """The runtime ``Spec`` of a JSON text, parsed (and verified) once per worker process."""
    return Spec.from_json(text)


def spec_json(spec: Spec) -> str:
    """The compact JSON text of a spec: what is shipped to Spark and Dask workers."""
    return spec.to_json(indent=None)


def output_plan(
    view: Spec,
    columns: Sequence[str],
    *,
    pd: bool,
    grade: bool,
    reason_codes: int,
    prefix: str,
) -> tuple[bool, bool, list[str]]:
    """What a DataFrame scorer appends to a frame with ``columns``: has_pd, has_grade, names.

    ``pd`` and ``grade`` are written when asked for and the spec carries a calibration
    (and a master scale); a name that is already a column is a DataError.
    """
    has_pd = pd and view.calibration is not None
    has_grade = grade and has_pd and view.master_scale is not None
    names = output_names(prefix, has_pd, has_grade, reason_codes)
    clash = [n for n in names if n in columns]
    if clash:
        raise DataError(f"output columns {clash} already exist in the DataFrame; pass prefix=.")
    return has_pd, has_grade, names


def is_float_output(name: str, prefix: str) -> bool:
    """Whether output ``name`` is a float column (score, pd) rather than text."""
    return name in {prefix + o for o in FLOAT_OUTPUTS}


def output_names(prefix: str, has_pd: bool, has_grade: bool, reason_codes: int) -> list[str]:
    """Names of the scoring outputs, in order: score, pd, grade, reason_1..k."""
    names = [prefix + "score"]
    if has_pd:
        names.append(prefix + "pd")
    if has_grade:
        names.append(prefix + "grade")
    names.extend(f"{prefix}reason_{r}" for r in range(1, reason_codes + 1))
    return names


def score_outputs(
    text: str, data: Any, *, pd: bool, grade: bool, reason_codes: int, prefix: str
) -> dict[str, Any]:
    """Score one chunk with the runtime kernel: output name -> NumPy array, in order."""
    spec = runtime_spec(text)
    score = spec.score(data)
    out: dict[str, Any] = {prefix + "score": score}
    if pd or grade:
        pds = spec.pd_from_points(score)
        if pd:
            out[prefix + "pd"] = pds
        if grade:
            out[prefix + "grade"] = spec.grade_from_pd(pds)
    if reason_codes:
        codes = spec.reason_codes(data, k=reason_codes)
        for r in range(reason_codes):
            out[f"{prefix}reason_{r + 1}"] = codes[:, r]
    return out
