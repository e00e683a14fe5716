"""One boundary-test harness for every export (SQL engines, PMML, Spark, Dask).

It builds on the runtime's harness (``overdue_risk.runtime._harness``: adversarial values
generated from any spec) and adds what the exports need:

- :data:`SPEC_FIXTURES`: hand-written sealed specs that exercise every branch of a
  translation (special codes, awkward floats, quotes and backslashes in categories and
  column names, separate intercept, logistic / isotonic / binned calibration, master
  scales, unseen policies "missing", "worst" and "error");
- :func:`cases`: the boundary values of every feature (each split, ``nextafter`` below
  and above, special codes, missing, unseen categories, infinities, subnormals) followed
  by a large random sample, with a ``row_id`` column;
- :func:`warehouse_columns`: the same rows as a warehouse holds them (numeric as float64
  with NaN, categorical as text with NULL: categories are compared as text);
- :func:`kernel_outputs` and :func:`assert_same_as_kernel`: the runtime kernel's scores,
  PDs, grades and reason codes, and the comparison every export must pass
  (points and PDs to 1e-9 absolute, grades and reason codes exactly).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_category
from overdue_risk.export._examples import example_spec
from overdue_risk.runtime import Spec, example_spec_dict, seal
from overdue_risk.runtime._harness import boundary_cases

TOL = 1e-9


def _header(name: str) -> dict[str, Any]:
    """The runtime's example header (format, versions, target), renamed, with a separate
    intercept and unrounded points; each card adds its features and calibration."""
    doc = example_spec_dict()
    for key in ("intercept_points", "features", "calibration", "master_scale"):
        del doc[key]
    doc["name"] = name
    doc["scaling"].update(factor=28.85, offset=487.1, intercept_mode="separate", rounded=False)
    return doc


def awkward_spec() -> dict[str, Any]:
    """Awkward floats, quoted names, categories with quotes/backslashes, isotonic PD."""
    doc = _header("awkward_card")
    doc["intercept_points"] = 487.12345678901234
    doc["features"] = [
        {
            "name": "debt to income",
            "kind": "numeric",
            "reason_code": "DTI",
            "splits": [1e-300, 0.1 + 0.2, 0.45, 1.0000000000000002, 123456.789012345],
            "points": [21.25, 17.0000001, 13.5, -2.75, 3.0, -11.125],
            "missing_points": 0.3333333333333333,
            "special_codes": [-1.0, -999.0, 0.45],
            "special_points": [-4.5, 7.0, 99.0],
            "max_points": 21.25,
        },
        {
            "name": 'months "employed"',
            "kind": "numeric",
            "reason_code": "EMP",
            "splits": [-2.5e10, -0.0, 6.0, 24.0],
            "points": [-30.0, 1.5, 8.0, 12.0, 19.75],
            "missing_points": -6.0,
            "special_codes": [],
            "special_points": [],
            "max_points": 19.75,
        },
        {
            "name": "purpose",
            "kind": "categorical",
            "reason_code": "PUR",
            "categories": [
                ["it's", "back\\slash", "two  spaces"],
                ["2", "10"],
                ["naïve", "%_"],
                ["cash"],
            ],
            "points": [-3.5, 14.0, 9.25, 30.5],
            "missing_points": 2.0,
            "unseen_points": -3.5,
            "unseen_policy": "worst",
            "special_codes": [-1.0],
            "special_points": [6.5],
            "max_points": 30.5,
        },
        {
            "name": "region",
            "kind": "categorical",
            "reason_code": "REG",
            "categories": [["north"], ["south", "east"]],
            "points": [5.0, 11.0],
            "missing_points": 5.0,
            "unseen_points": 5.0,
            "unseen_policy": "missing",
            "special_codes": [],
            "special_points": [],
            "max_points": 11.0,
        },
    ]
    doc["calibration"] = {
        "method": "isotonic",
        "x": [480.0, 500.0, 510.5, 530.0, 560.0],
        "y": [0.4, 0.2, 0.125, 0.05, 0.01],
    }
    doc["master_scale"] = {
        "grades": ["A", "B", "C", "D"],
        "upper_pd": [0.03, 0.1, 0.25, 1.0],
        "pd": [0.015, 0.06, 0.17, 0.35],
    }
    return seal(doc)


def binned_spec() -> dict[str, Any]:
    """Binned calibration, an 'error' unseen policy, integer-coded categories."""
    doc = _header("binned_card")
    doc["intercept_points"] = 0.0
    doc["features"] = [
        {
            "name": "n_inquiries_6m",
            "kind": "numeric",
            "reason_code": "INQ",
            "splits": [1.0, 2.0, 4.0],
            "points": [40.0, 31.0, 22.0, 9.0],
            "missing_points": 22.0,
            "special_codes": [99.0],
            "special_points": [9.0],
            "max_points": 40.0,
        },
        {
            "name": "channel",
            "kind": "categorical",
            "reason_code": "CHN",
            "categories": [["1", "3"], ["2"]],
            "points": [35.0, 18.0],
            "missing_points": 18.0,
            "unseen_policy": "error",
            "special_codes": [],
            "special_points": [],
            "max_points": 35.0,
        },
        {
            "name": "apr",
            "kind": "numeric",
            "reason_code": "APR",
            "splits": [0.18, 0.36],
            "points": [33.0, 21.0, 8.0],
            "missing_points": 21.0,
            "special_codes": [],
            "special_points": [],
            "max_points": 33.0,
        },
    ]
    doc["calibration"] = {
        "method": "binned",
        "edges": [40.0, 60.0, 80.0, 95.0],
        "pd": [0.5, 0.3, 0.12, 0.05, 0.02],
    }
    doc["master_scale"] = {
        "grades": ["A", "B", "C"],
        "upper_pd": [0.05, 0.15, 1.0],
        "pd": [0.03, 0.1, 0.35],
    }
    return seal(doc)


def plain_spec() -> dict[str, Any]:
    """No calibration and no master scale: scores and reason codes only."""
    doc = _header("plain_card")
    doc["intercept_points"] = 0.0
    doc["features"] = [
        {
            "name": "age",
            "kind": "numeric",
            "splits": [25.0, 35.0, 50.0],
            "points": [10.0, 20.0, 30.0, 25.0],
            "missing_points": 15.0,
            "special_codes": [],
            "special_points": [],
            "max_points": 30.0,
        },
        {
            "name": "income",
            "kind": "numeric",
            "splits": [1000.5],
            "points": [5.0, 25.0],
            "missing_points": 5.0,
            "special_codes": [0.0],
            "special_points": [1.0],
            "max_points": 25.0,
        },
    ]
    doc["calibration"] = None
    doc["master_scale"] = None
    return seal(doc)


SPEC_FIXTURES = {
    "example": example_spec,
    "awkward": awkward_spec,
    "binned": binned_spec,
    "plain": plain_spec,
}


def load(name: str) -> Spec:
    """The fixture spec ``name`` as a runtime Spec."""
    return Spec.from_dict(SPEC_FIXTURES[name]())


def _random_values(feature: Any, n: int, rng: np.random.Generator) -> npt.NDArray[Any]:
    if feature.kind == "numeric":
        s = np.asarray(feature.splits, dtype=np.float64)
        lo, hi = (float(s.min()), float(s.max())) if s.size else (-1.0, 1.0)
        width = max(hi - lo, 1.0)
        x = rng.uniform(lo - 0.2 * width, hi + 0.2 * width, n)
        pick = rng.random(n)
        if s.size:
            x = np.where(pick < 0.1, rng.choice(s, n), x)
        if feature.special_codes:
            x = np.where((pick >= 0.1) & (pick < 0.15), rng.choice(feature.special_codes, n), x)
        x[(pick >= 0.15) & (pick < 0.2)] = np.nan
        return x
    pool: list[Any] = [c for group in feature.categories for c in group]
    pool += [None, *feature.special_codes]
    if feature.unseen_policy != "error":
        pool += ["unseen-a", "UNSEEN b"]
    out = np.empty(n, dtype=object)
    out[:] = [pool[i] for i in rng.integers(0, len(pool), n)]
    return out


def cases(spec: Spec, *, n_random: int = 2000, random_state: int = 0) -> dict[str, Any]:
    """Boundary rows of every feature, then ``n_random`` random rows, plus ``row_id``."""
    rng = np.random.default_rng(random_state)
    edge = boundary_cases(spec, random_state=random_state)
    out: dict[str, Any] = {}
    for f in spec.features:
        out[f.name] = np.concatenate([edge[f.name], _random_values(f, n_random, rng)])
    n = len(next(iter(out.values())))
    out["row_id"] = np.arange(n, dtype=np.int64)
    return out


def warehouse_columns(spec: Spec, data: dict[str, Any]) -> dict[str, Any]:
    """The rows as a warehouse stores them: numeric float64 (NaN), categorical text (None)."""
    out: dict[str, Any] = {"row_id": np.asarray(data["row_id"], dtype=np.int64)}
    for f in spec.features:
        col = data[f.name]
        if f.kind == "numeric":
            out[f.name] = np.asarray(
                [math.nan if v is None else float(v) for v in col], dtype=np.float64
            )
        else:
            arr = np.empty(len(col), dtype=object)
            arr[:] = [canonical_category(v) for v in col]
            out[f.name] = arr
    return out


def kernel_outputs(spec: Spec, data: dict[str, Any], reason_codes: int = 0) -> dict[str, Any]:
    """The runtime kernel's score, pd, grade and reason_i for ``data``."""
    feats = {f: data[f] for f in spec.feature_names}
    score = spec.score(feats)
    out: dict[str, Any] = {"score": score}
    if spec.calibration is not None:
        out["pd"] = spec.pd_from_points(score)
        if spec.master_scale is not None:
            out["grade"] = spec.grade_from_pd(out["pd"])
    if reason_codes:
        codes = spec.reason_codes(feats, k=reason_codes)
        for r in range(reason_codes):
            out[f"reason_{r + 1}"] = codes[:, r]
    return out


def _none_if_missing(values: Any) -> list[Any]:
    return [
        None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in list(values)
    ]


def assert_same_as_kernel(
    spec: Spec,
    data: dict[str, Any],
    got: dict[str, Any],
    *,
    reason_codes: int = 0,
    engine: str = "",
) -> None:
    """Every output in ``got`` (aligned with ``data``'s rows) equals the kernel's."""
    want = kernel_outputs(spec, data, reason_codes)
    assert set(want) <= set(got), f"{engine}: missing outputs {set(want) - set(got)}"
    for key in ("score", "pd"):
        if key not in want:
            continue
        w = np.asarray(want[key], dtype=np.float64)
        g = np.asarray(got[key], dtype=np.float64)
        assert g.shape == w.shape, f"{engine}: {key} shape {g.shape} != {w.shape}"
        diff = np.abs(g - w)
        bad = ~(diff <= TOL)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            row = {f: data[f][i] for f in spec.feature_names}
            raise AssertionError(
                f"{engine}: {key} differs from the kernel on {int(bad.sum())} rows; first row "
                f"{i} {row}: got {g[i]!r}, kernel {w[i]!r}"
            )
    for key in [k for k in want if k not in ("score", "pd")]:
        g_list, w_list = _none_if_missing(got[key]), _none_if_missing(want[key])
        bad_rows = [i for i, (a, b) in enumerate(zip(g_list, w_list, strict=True)) if a != b]
        if bad_rows:
            i = bad_rows[0]
            row = {f: data[f][i] for f in spec.feature_names}
            raise AssertionError(
                f"{engine}: {key} differs from the kernel on {len(bad_rows)} rows; first row "
                f"{i} {row}: got {g_list[i]!r}, kernel {w_list[i]!r}"
            )
