"""The fast kernels equal the reference scorer exactly, on boundaries and generated specs.

The reference (overdue_risk.runtime._harness.reference_points) is searchsorted plus dict
lookups, readable against docs/spec_format.md; the kernels are the grid lookups of
overdue_risk.runtime._kernels. Equality is exact (==), never approximate.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overdue_risk._columns import as_columns
from overdue_risk.runtime import Spec, example_spec_dict, seal
from overdue_risk.runtime._codes import reason_positions
from overdue_risk.runtime._harness import (
    boundary_cases,
    boundary_values,
    reference_points,
    reference_score,
)
from overdue_risk.runtime._kernels import BLOCK, CompiledCard

NEXT = float(np.nextafter(1.0, 2.0))


def numeric(
    name: str, splits: list[float], codes: tuple[float, ...] = (), **kw: Any
) -> dict[str, Any]:
    pts = kw.get("points", [float(10 * i + 3) for i in range(len(splits) + 1)])
    return {
        "name": name,
        "kind": "numeric",
        "splits": splits,
        "points": pts,
        "missing_points": kw.get("missing", -7.0),
        "special_codes": list(codes),
        "special_points": [-100.0 - i for i in range(len(codes))],
    }


def make_spec(features: list[dict[str, Any]], intercept: float = 0.0) -> Spec:
    raw = example_spec_dict()
    raw["features"] = features
    raw["intercept_points"] = intercept
    return Spec.from_dict(seal(raw))


PATHOLOGICAL = {
    "adjacent floats": [1.0, NEXT, 2.0, 1e6],
    "huge span": [-1e308, 1e308],
    "max floats": [-1.7976931348623157e308, 0.0, 1.7976931348623157e308],
    "single zero": [0.0],
    "single huge": [1e300],
    "single subnormal": [-5e-324],
    "no split": [],
    "far from zero": [1e15, 1e15 + 1, 1e15 + 2, 1e15 + 4],
    "tiny spacing": [1e-300, 2e-300, 3e-300],
    "dense integers": [float(i) for i in range(100)],
    "quantile-like": [0.12345678901, 0.5, 0.50000001, 3.75, 100.0, 1e5],
    "negative": [-1000.5, -10.25, -0.001],
}


@pytest.mark.parametrize("label", list(PATHOLOGICAL))
def test_pathological_splits_match_reference(label: str) -> None:
    splits = PATHOLOGICAL[label]
    codes = (-1.0, splits[0]) if splits else (-1.0,)  # a code equal to a split wins
    spec = make_spec([numeric("x", splits, codes), numeric("y", [0.0, 1.0])], intercept=1.5)
    cases = boundary_cases(spec, n_rows=3 * BLOCK + 17)  # crosses block boundaries
    expected = reference_score(spec, cases)
    np.testing.assert_array_equal(spec.score(cases), expected)
    matrix = np.column_stack([cases["x"], cases["y"]])
    np.testing.assert_array_equal(spec.score(matrix), expected)
    np.testing.assert_array_equal(spec.feature_points(cases), reference_points(spec, cases))


def test_hard_cells_and_fallback_are_exercised() -> None:
    card = CompiledCard(
        make_spec(
            [
                numeric("a", PATHOLOGICAL["adjacent floats"]),
                numeric("b", PATHOLOGICAL["huge span"]),
                numeric("c", PATHOLOGICAL["negative"]),
            ]
        ).features
    )
    grid_a, grid_b, grid_c = card.grids
    assert grid_a is not None
    assert grid_a.hard is not None
    assert grid_b is None  # span overflows: searchsorted fallback
    assert grid_c is not None
    assert grid_c.hard is None


def test_every_split_neighbourhood_on_random_cards(rng: np.random.Generator) -> None:
    feats = []
    for j in range(12):
        k = int(rng.integers(1, 12))
        scale = 10.0 ** rng.integers(-5, 8)
        splits = np.unique(np.round(rng.normal(size=k) * scale, int(rng.integers(0, 6))))
        feats.append(
            numeric(
                f"f{j}", splits.tolist(), points=rng.normal(size=splits.size + 1).round(3).tolist()
            )
        )
    spec = make_spec(feats, intercept=0.25)
    cases = boundary_cases(spec, n_rows=20_000)
    x = np.column_stack([cases[f"f{j}"] for j in range(12)])
    # fractional points: equality holds because both add in spec order
    np.testing.assert_array_equal(spec.score(cases), reference_score(spec, cases))
    np.testing.assert_array_equal(spec.score(x), reference_score(spec, cases))
    noise = rng.normal(size=x.shape) * 10.0 ** rng.integers(-3, 6, size=x.shape[1])
    noise[rng.random(noise.shape) < 0.05] = np.nan
    data = {f"f{j}": noise[:, j] for j in range(12)}
    np.testing.assert_array_equal(spec.score(noise), reference_score(spec, data))


def test_categorical_kernel_matches_reference() -> None:
    feats = [
        {
            "name": "c",
            "kind": "categorical",
            "categories": [["a", "b"], ["1", "2"], ["0.5", "True"], ["None", "nan"]],
            "points": [1.0, 2.0, 3.0, 4.0],
            "missing_points": -1.0,
            "unseen_points": -2.0,
            "special_codes": [-9.0],
            "special_points": [-3.0],
        },
        numeric("x", [0.0]),
    ]
    spec = make_spec(feats)
    cases = boundary_cases(spec, n_rows=500)
    np.testing.assert_array_equal(spec.score(cases), reference_score(spec, cases))
    col = np.array(["a", "2", "-9", "None", "zz"])
    data = {"c": col, "x": np.zeros(5)}
    assert spec.score(data).tolist() == [14.0, 15.0, 10.0, 17.0, 11.0]  # x=0 scores 13
    for arr in (np.array([1, 2, -9, 7]), np.array([1.0, 2.0, -9.0, np.nan]), np.array([True])):
        d = {"c": arr, "x": np.zeros(arr.size)}
        np.testing.assert_array_equal(spec.score(d), reference_score(spec, d))


# ------------------------------------------------------------------ hypothesis
finite = st.floats(allow_nan=False, allow_infinity=False)
point = st.one_of(
    st.integers(-200, 200).map(float), st.floats(-500, 500).map(lambda v: round(v, 4))
)


@st.composite
def numeric_feature(draw: st.DrawFn, name: str) -> dict[str, Any]:
    style = draw(st.sampled_from(["any", "narrow", "integers"]))
    if style == "any":
        raw = draw(st.lists(finite, max_size=10))
    elif style == "narrow":
        base = draw(st.floats(-1e6, 1e6))
        raw = [base + draw(st.floats(0, 1e-6)) for _ in range(draw(st.integers(0, 8)))]
    else:
        raw = [float(v) for v in draw(st.lists(st.integers(-50, 50), max_size=12))]
    splits = sorted({0.0 if v == 0 else v for v in raw})
    pts = draw(st.lists(point, min_size=len(splits) + 1, max_size=len(splits) + 1))
    codes = draw(
        st.lists(st.one_of(st.sampled_from(splits or [0.0]), finite), max_size=3, unique=True)
    )
    return numeric(
        name, splits, tuple(0.0 if c == 0 else c for c in codes), points=pts, missing=draw(point)
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    feats=st.lists(st.integers(0, 0), min_size=1, max_size=4).flatmap(
        lambda xs: st.tuples(*[numeric_feature(f"v{i}") for i in range(len(xs))])
    ),
    extra=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=40),
    intercept=point,
)
def test_generated_specs_match_reference(
    feats: tuple[dict[str, Any], ...], extra: list[float], intercept: float
) -> None:
    spec = make_spec(list(feats), intercept=intercept)
    cases = boundary_cases(spec)
    for f in spec.features:  # add arbitrary floats (NaN, inf, subnormals...)
        vals = np.array(extra * (-(-len(cases[f.name]) // len(extra))))[: len(cases[f.name])]
        cases[f.name] = np.concatenate([cases[f.name], vals])
    expected = reference_score(spec, cases)
    np.testing.assert_array_equal(spec.score(cases), expected)
    matrix = np.column_stack([cases[n] for n in spec.feature_names])
    np.testing.assert_array_equal(spec.score(matrix), expected)
    record = {n: cases[n][0] for n in spec.feature_names}
    assert spec.score(record)[0] == expected[0]


def test_boundary_values_cover_documented_cases() -> None:
    spec = make_spec([numeric("x", [1.0, 2.0], (-1.0,))])
    vals = boundary_values(spec.features[0])
    for v in (
        1.0,
        NEXT,
        float(np.nextafter(1.0, 0)),
        2.0,
        -1.0,
        math.inf,
        -math.inf,
        1e308,
        -1e308,
        5e-324,
    ):
        assert v in vals, v
    assert None in vals
    assert any(isinstance(v, float) and math.isnan(v) for v in vals)


@st.composite
def categorical_feature(draw: st.DrawFn) -> dict[str, Any]:
    words = st.one_of(
        st.text(alphabet="abcXYZ _-é逾", min_size=0, max_size=4),
        st.integers(-3, 12).map(str),
        st.sampled_from(["True", "False", "None", "nan", "1.5"]),
    )
    cats = draw(st.lists(words, min_size=1, max_size=12, unique=True))
    n_bins = draw(st.integers(1, len(cats)))
    groups: list[list[str]] = [[] for _ in range(n_bins)]
    for i, c in enumerate(cats):
        groups[i % n_bins].append(c)
    return {
        "name": "c",
        "kind": "categorical",
        "categories": groups,
        "points": draw(st.lists(point, min_size=n_bins, max_size=n_bins)),
        "missing_points": draw(point),
        "unseen_points": draw(point),
        "unseen_policy": "neutral",
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    feat=categorical_feature(),
    extra=st.lists(
        st.one_of(st.none(), st.integers(-5, 15), st.floats(), st.booleans(), st.text(max_size=3)),
        max_size=30,
    ),
)
def test_generated_categorical_specs_match_reference(
    feat: dict[str, Any], extra: list[Any]
) -> None:
    spec = make_spec([feat, numeric("x", [0.0])])
    cases = boundary_cases(spec)
    col = np.empty(len(cases["c"]) + len(extra), dtype=object)
    col[: len(cases["c"])] = cases["c"]
    col[len(cases["c"]) :] = extra
    data = {"c": col, "x": np.zeros(col.size)}
    expected = reference_score(spec, data)
    np.testing.assert_array_equal(spec.score(data), expected)
    as_text = {"c": np.array([str(v) for v in col]), "x": data["x"]}  # a 'U' array
    np.testing.assert_array_equal(spec.score(as_text), reference_score(spec, as_text))
    for i in range(0, col.size, 7):
        assert spec.score({"c": col[i], "x": 0.0})[0] == expected[i]


# ------------------------------------------------------------------ fused reason codes
@st.composite
def tied_feature(draw: st.DrawFn, name: str) -> dict[str, Any]:
    """A numeric feature whose points take a few small integers: equal losses abound."""
    feat = draw(numeric_feature(name))
    small = st.integers(0, 3).map(float)
    n = len(feat["points"])
    feat["points"] = draw(st.lists(small, min_size=n, max_size=n))
    feat["missing_points"] = draw(small)
    feat["special_points"] = [draw(small) for _ in feat["special_codes"]]
    if draw(st.booleans()):  # a max_points of its own: losses may be negative or all positive
        feat["max_points"] = draw(st.sampled_from([-1.0, 0.0, 2.0, 3.0, 7.5]))
    return feat


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    feats=st.lists(st.integers(0, 0), min_size=1, max_size=5).flatmap(
        lambda xs: st.tuples(*[tied_feature(f"v{i}") for i in range(len(xs))])
    ),
    cat=st.one_of(st.none(), categorical_feature()),
    k=st.integers(1, 8),
)
def test_fused_reasons_equal_the_definition(
    feats: tuple[dict[str, Any], ...], cat: dict[str, Any] | None, k: int
) -> None:
    """``score_reasons`` (keys, no points matrix) == ``reason_positions`` on the points matrix,
    ties (spec order), negative losses and k beyond the number of features included."""
    spec = make_spec([*feats, *([cat] if cat else [])], intercept=0.5)
    cases = boundary_cases(spec, n_rows=BLOCK + 301)  # crosses a block boundary
    card = CompiledCard(spec.features)
    total, picked = card.score_reasons(as_columns(cases, spec.feature_names), 0.5, k)
    pts = card.points_matrix(as_columns(cases, spec.feature_names))
    np.testing.assert_array_equal(picked, reason_positions(spec.features, pts, k))
    np.testing.assert_array_equal(total, spec.score(cases))
    if cat is None:  # the 2-D matrix path too
        matrix = np.column_stack([cases[n] for n in spec.feature_names])
        _, again = card.score_reasons(as_columns(matrix, spec.feature_names), 0.5, k)
        np.testing.assert_array_equal(again, picked)


def test_reason_keys_widen_past_int16() -> None:
    """More distinct losses than int16 holds: int32 keys, same reasons as the definition."""
    rng = np.random.default_rng(5)
    splits = np.arange(40_000, dtype=float)
    feats = [
        numeric("wide", splits.tolist(), points=rng.permutation(40_001).astype(float).tolist()),
        numeric("narrow", [0.0], points=[3.0, 20_000.0]),
    ]
    spec = make_spec(feats)
    card = CompiledCard(spec.features)
    assert card.k_table.dtype == np.int32
    data = {"wide": rng.uniform(-5, 40_005, 5_000), "narrow": rng.normal(size=5_000)}
    data["wide"][::97] = np.nan
    _, picked = card.score_reasons(as_columns(data, spec.feature_names), 0.0, 2)
    pts = card.points_matrix(as_columns(data, spec.feature_names))
    np.testing.assert_array_equal(picked, reason_positions(spec.features, pts, 2))


@pytest.mark.parametrize("block", [1000, 4096])
def test_block_size_and_threads_do_not_change_a_bit(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """Issue 19: the points reuse the kernel's float scratch and special codes are written
    with ``copyto(where=)``; any block size, and two threads scoring halves at once, give
    the same score, points and reasons as the reference."""
    from concurrent.futures import ThreadPoolExecutor

    from overdue_risk.runtime import _kernels

    spec = make_spec(
        [
            numeric("x", PATHOLOGICAL["quantile-like"], (-1.0, 0.5)),
            numeric("y", PATHOLOGICAL["adjacent floats"], (3.0,)),
            numeric("z", PATHOLOGICAL["huge span"], (7.0,)),  # the searchsorted fallback
        ],
        intercept=2.5,
    )
    cases = boundary_cases(spec, n_rows=3 * block + 17)
    expected = reference_score(spec, cases)
    monkeypatch.setattr(_kernels, "BLOCK", block)
    card = CompiledCard(spec.features)
    np.testing.assert_array_equal(card.score(as_columns(cases, spec.feature_names), 2.5), expected)
    np.testing.assert_array_equal(spec.feature_points(cases), reference_points(spec, cases))
    pts = card.points_matrix(as_columns(cases, spec.feature_names))
    total, picked = card.score_reasons(as_columns(cases, spec.feature_names), 2.5, 2)
    np.testing.assert_array_equal(total, expected)
    np.testing.assert_array_equal(picked, reason_positions(spec.features, pts, 2))
    half = expected.size // 2
    parts = [{k: v[:half] for k, v in cases.items()}, {k: v[half:] for k, v in cases.items()}]
    with ThreadPoolExecutor(2) as pool:
        scored = list(pool.map(spec.score, parts))
    np.testing.assert_array_equal(np.concatenate(scored), expected)
