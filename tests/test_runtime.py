"""overdue_risk.runtime: spec validation, checksum, versions, inputs, PD, grades, reasons."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from overdue_risk.exceptions import DataError, SpecError, SpecVersionError
from overdue_risk.runtime import (
    SCHEMA_VERSION,
    Spec,
    compute_checksum,
    example_spec_dict,
    load_spec,
    seal,
)
from overdue_risk.runtime._harness import boundary_cases, reference_score


@pytest.fixture
def doc() -> dict[str, Any]:
    return seal(example_spec_dict())


@pytest.fixture
def spec(doc: dict[str, Any]) -> Spec:
    return Spec.from_dict(doc)


# ------------------------------------------------------------------ checksum, versions
def test_checksum_matches_documented_recipe(doc: dict[str, Any]) -> None:
    import hashlib

    body = {k: v for k, v in doc.items() if k != "checksum"}
    text = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    assert doc["checksum"] == {
        "algorithm": "sha256",
        "value": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    assert compute_checksum(doc) == doc["checksum"]["value"]


def test_tampered_spec_is_refused(doc: dict[str, Any]) -> None:
    doc["features"][0]["points"][0] += 1
    with pytest.raises(SpecError, match="checksum mismatch"):
        Spec.from_dict(doc)


def test_unsealed_spec_is_refused_unless_asked() -> None:
    with pytest.raises(SpecError, match="no checksum"):
        Spec.from_dict(example_spec_dict())
    assert Spec.from_dict(example_spec_dict(), verify_checksum=False).checksum is None


def test_newer_schema_version_is_refused_with_version_error() -> None:
    raw = example_spec_dict()
    raw["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(SpecVersionError, match=r"schema_version 2 is newer .* \(1\)"):
        Spec.from_dict(seal(raw, validate=False))
    with pytest.raises(SpecVersionError):  # even before looking at the checksum
        Spec.from_dict(raw)


def test_json_round_trip_is_identity(spec: Spec, tmp_path: Any) -> None:
    path = tmp_path / "card.json"
    path.write_text(spec.to_json(), encoding="utf-8")
    again = load_spec(path)
    assert again.to_dict() == spec.to_dict()
    assert again.checksum == spec.checksum
    with open(path, encoding="utf-8") as fh:
        assert load_spec(fh).checksum == spec.checksum


def test_load_spec_errors(tmp_path: Any) -> None:
    with pytest.raises(SpecError, match="cannot read spec file"):
        load_spec(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid JSON"):
        load_spec(bad)
    nan = tmp_path / "nan.json"
    nan.write_text('{"format": NaN}', encoding="utf-8")
    with pytest.raises(SpecError, match="NaN and infinity"):
        load_spec(nan)


def test_seal_refuses_numpy_and_nan() -> None:
    raw = example_spec_dict()
    raw["features"][0]["points"][0] = np.int64(3)
    with pytest.raises(SpecError, match="plain JSON"):
        seal(raw)
    raw = example_spec_dict()
    raw["metadata"] = {"x": float("nan")}
    with pytest.raises(SpecError, match="NaN or infinity"):
        seal(raw)


def _mutate(path: str, value: Any) -> dict[str, Any]:
    raw = example_spec_dict()
    target: Any = raw
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is _DELETE:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return raw


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "match"),
    [
        ("format", "something.else", "format: expected"),
        ("schema_version", "1", "schema_version: expected an integer"),
        ("schema_version", 0, "expected 1..1"),
        ("features", [], "non-empty list"),
        ("features.0.kind", "ordinal", r"features\[0\] \('age'\)\.kind"),
        ("features.0.splits", [40.0, 25.0, 55.0], "strictly increasing"),
        ("features.0.splits", [25.0, 25.0, 55.0], "strictly increasing"),
        ("features.0.points", [1, 2, 3], r"len\(points\) must be len\(splits\) \+ 1 = 4"),
        ("features.0.points", [1, 2, True, 4], "expected a finite number"),
        ("features.0.missing_points", _DELETE, "'missing_points' is required"),
        ("features.0.special_points", [], "same length"),
        ("features.0.special_codes", [-1.0, -1.0], "same length"),
        ("features.1.categories", [["cash"], ["cash"], ["rent"]], "more than one bin"),
        ("features.1.categories", [["cash"], [2], ["rent"]], "canonical strings"),
        ("features.1.unseen_points", None, "'unseen_points' is required"),
        ("features.1.unseen_policy", "guess", "unseen_policy"),
        ("features.1.name", "age", "appear more than once"),
        ("intercept_points", "0", "intercept_points"),
        ("calibration", {"method": "probit"}, "calibration.method"),
        ("calibration", {"method": "isotonic", "x": [1, 2], "y": [0.5]}, "equally long"),
        ("calibration", {"method": "binned", "edges": [1], "pd": [0.2, 1.5]}, r"\[0, 1\]"),
        ("master_scale.upper_pd", [0.02, 0.05, 0.15, 0.9], "close the scale at 1.0"),
        ("master_scale.grades", ["A", "B"], "equally long"),
    ],
)
def test_malformed_specs_name_the_field(path: str, value: Any, match: str) -> None:
    raw = _mutate(path, value)
    with pytest.raises(SpecError, match=match):
        seal(raw)


def test_unseen_policy_error_allows_null_points_and_raises_on_unseen() -> None:
    raw = _mutate("features.1.unseen_policy", "error")
    raw["features"][1]["unseen_points"] = None
    spec = Spec.from_dict(seal(raw))
    assert spec.score({"age": [30], "purpose": ["rent"]}).tolist() == [103.0]
    with pytest.raises(DataError, match=r"'purpose'.*'yacht'.*row\(s\) \[1\]"):
        spec.score({"age": [30, 31], "purpose": ["rent", "yacht"]})
    with pytest.raises(DataError, match="'yacht'"):
        spec.score({"age": 30, "purpose": "yacht"})


# ------------------------------------------------------------------ inputs
def _frame_values() -> dict[str, list[Any]]:
    return {
        "age": [22.0, None, 25.0, -1.0, 70.0, 40.0],
        "purpose": ["cash", "rent", None, "yacht", "education", "travel"],
    }


def test_every_input_type_scores_the_same(spec: Spec) -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    vals = _frame_values()
    expected = reference_score(spec, vals)
    assert expected.tolist() == [92.0, 83.0, 100.0, 75.0, 106.0, 110.0]
    obj = np.empty((6, 2), dtype=object)
    obj[:, 0], obj[:, 1] = vals["age"], vals["purpose"]
    inputs = {
        "dict of lists": vals,
        "dict of arrays": {k: np.array(v, dtype=object) for k, v in vals.items()},
        "2-D object array": obj,
        "pandas": pd.DataFrame(vals),
        "pandas nullable": pd.DataFrame(
            {
                "age": pd.array(vals["age"], dtype="Float64"),
                "purpose": pd.array(vals["purpose"], dtype="string"),
            }
        ),
        "pandas categorical": pd.DataFrame(
            {"age": vals["age"], "purpose": pd.Categorical(vals["purpose"])}
        ),
        "pandas pd.NA in object": pd.DataFrame(
            {
                "age": pd.Series([22.0, pd.NA, 25.0, -1.0, 70.0, 40.0], dtype=object),
                "purpose": pd.Series(["cash", "rent", pd.NA, "yacht", "education", "travel"]),
            }
        ),
        "polars": pl.DataFrame(vals),
        "polars categorical": pl.DataFrame(vals).with_columns(
            pl.col("purpose").cast(pl.Categorical)
        ),
        "pyarrow": pa.table(vals),
        "pyarrow dictionary": pa.table(
            {"age": vals["age"], "purpose": pa.array(vals["purpose"]).dictionary_encode()}
        ),
        "pyarrow record batch": pa.RecordBatch.from_pydict(vals),
    }
    for label, data in inputs.items():
        np.testing.assert_array_equal(spec.score(data), expected, err_msg=label)


def test_numeric_matrix_and_extra_columns(spec: Spec) -> None:
    only_numeric = Spec.from_dict(seal(_mutate("features", [example_spec_dict()["features"][0]])))
    x = np.array([[22.0], [np.nan], [-1.0], [60.0]])
    assert only_numeric.score(x).tolist() == [52.0, 45.0, 40.0, 60.0]
    assert only_numeric.score(x.astype(np.float32)).tolist() == [52.0, 45.0, 40.0, 60.0]
    assert only_numeric.score(np.array([[22], [60]])).tolist() == [52.0, 60.0]
    data = {"age": [22.0], "purpose": ["cash"], "ignored": ["x"]}
    assert spec.score(data).tolist() == [92.0]


def test_single_record_equals_batch(spec: Spec) -> None:
    cases = boundary_cases(spec)
    batch = spec.score(cases)
    for i in range(len(batch)):
        record = {name: cases[name][i] for name in spec.feature_names}
        assert spec.score(record)[0] == batch[i], record
        np.testing.assert_array_equal(
            spec.feature_points(record)[0],
            spec.feature_points({k: [v] for k, v in record.items()})[0],
        )


def test_missing_columns_are_named(spec: Spec) -> None:
    pd = pytest.importorskip("pandas")
    with pytest.raises(DataError, match=r"missing 1 column\(s\).*\['purpose'\].*\['age'\]"):
        spec.score({"age": [1.0]})
    with pytest.raises(DataError, match=r"\['purpose'\]"):
        spec.score(pd.DataFrame({"age": [1.0]}))
    with pytest.raises(DataError, match=r"one column per name \(2"):
        spec.score(np.zeros((3, 3)))
    with pytest.raises(DataError, match="different lengths"):
        spec.score({"age": [1.0, 2.0], "purpose": ["cash"]})
    with pytest.raises(DataError, match="cannot read columns from a int"):
        spec.score(42)


def test_mistyped_values_are_named_with_rows(spec: Spec) -> None:
    with pytest.raises(DataError, match=r"'age' must be numeric.*'thirty'.*row\(s\) \[2\]"):
        spec.score({"age": ["22", "35.5", "thirty"], "purpose": ["cash"] * 3})
    with pytest.raises(DataError, match=r"'age' must be numeric; got 'thirty'"):
        spec.score({"age": "thirty", "purpose": "cash"})
    with pytest.raises(DataError, match="dtype datetime64"):
        spec.score({"age": np.array(["2020-01-01"], dtype="datetime64[D]"), "purpose": ["x"]})
    # numbers written as text are numbers
    assert spec.score({"age": ["22", "35.5", None], "purpose": ["cash"] * 3}).tolist() == [
        92.0,
        105.0,
        85.0,
    ]


def test_categories_compare_canonically() -> None:
    raw = example_spec_dict()
    raw["features"][1]["categories"] = [["1", "2"], ["3"], ["x"]]
    spec = Spec.from_dict(seal(raw))
    data = {"age": [30.0] * 6, "purpose": [1, 2.0, "3", np.int64(3), 3.5, True]}
    assert spec.score(data).tolist() == [105.0, 105.0, 111.0, 111.0, 100.0, 100.0]
    assert spec.score({"age": [30] * 3, "purpose": np.array([1, 3, 7])}).tolist() == [
        105.0,
        111.0,
        100.0,
    ]
    assert spec.score({"age": [30] * 2, "purpose": np.array([1.0, np.nan])}).tolist() == [
        105.0,
        100.0,
    ]


# ------------------------------------------------------------------ PD, grade, reasons
def test_predict_pd_and_grade(spec: Spec) -> None:
    data = {"age": [22.0, 45.0, None], "purpose": ["cash", "education", None]}
    points = spec.score(data)
    expected = 1.0 / (1.0 + np.exp(-(4.3 - 0.07 * points)))
    np.testing.assert_allclose(spec.predict_pd(data), expected, rtol=1e-15)
    # upper_pd = [0.02, 0.05, 0.15, 1.0]: 0.105 -> C, 0.0215 -> B, pd(80 points) = 0.3 -> D
    assert spec.grade(data).tolist() == ["C", "B", "D"]


@pytest.mark.parametrize(
    ("calibration", "points", "expected"),
    [
        (
            {"method": "isotonic", "x": [80, 100, 120], "y": [0.3, 0.1, 0.02]},
            [70, 80, 90, 120, 130],
            [0.3, 0.3, 0.2, 0.02, 0.02],
        ),
        (
            {"method": "binned", "edges": [90, 110], "pd": [0.3, 0.1, 0.02]},
            [89.9, 90, 109, 110],
            [0.3, 0.1, 0.1, 0.02],
        ),
    ],
)
def test_other_calibrations(
    calibration: dict[str, Any], points: list[float], expected: list[float]
) -> None:
    spec = Spec.from_dict(seal(_mutate("calibration", calibration)))
    np.testing.assert_allclose(spec.pd_from_points(points), expected)


def test_grade_boundaries_are_left_closed_on_upper_pd(spec: Spec) -> None:
    # grade i holds upper_pd[i-1] < pd <= upper_pd[i]
    pds = [0.0, 0.02, np.nextafter(0.02, 1), 0.05, 0.15, 0.150001, 1.0]
    assert spec.grade_from_pd(pds).tolist() == ["A", "A", "B", "B", "C", "D", "D"]


def test_no_calibration_or_master_scale_is_a_clear_error() -> None:
    spec = Spec.from_dict(seal(_mutate("calibration", None)))
    with pytest.raises(SpecError, match="no calibration"):
        spec.predict_pd({"age": [1.0], "purpose": ["cash"]})
    spec = Spec.from_dict(seal(_mutate("master_scale", None)))
    with pytest.raises(SpecError, match="no master_scale"):
        spec.grade({"age": [1.0], "purpose": ["cash"]})


def test_reason_codes(spec: Spec) -> None:
    # age max 70, purpose max 46
    data = {
        "age": [22.0, 45.0, 45.0, 30.0, None],
        "purpose": ["rent", "education", "cash", "cash", "travel"],
    }
    codes = spec.reason_codes(data, k=3)
    assert codes.shape == (5, 3)
    assert codes.tolist() == [
        ["AGE", "PURPOSE", None],  # lost 18 and 8
        [None, None, None],  # lost nothing
        ["PURPOSE", None, None],  # lost 6
        ["PURPOSE", "AGE", None],  # lost 6 and 5 (tie broken... by size first)
        ["AGE", "PURPOSE", None],  # lost 25 and 6
    ]
    assert spec.reason_codes({"age": 22.0, "purpose": "rent"}, k=1).tolist() == [["AGE"]]
    tie = spec.reason_codes({"age": [45.0], "purpose": ["cash"]}, k=2)
    assert tie.tolist() == [["PURPOSE", None]]
    with pytest.raises(SpecError, match="positive integer"):
        spec.reason_codes(data, k=0)


def test_reason_code_ties_follow_spec_order() -> None:
    raw = example_spec_dict()
    raw["features"][1]["points"] = [40, 46, 41]  # 'rent' loses 5 like age 30 does
    spec = Spec.from_dict(seal(raw))
    assert spec.reason_codes({"age": [30.0], "purpose": ["rent"]}, k=2).tolist() == [
        ["AGE", "PURPOSE"]
    ]


def test_repr_and_copy_are_safe(spec: Spec) -> None:
    assert repr(spec) == "Spec(name='example_card', n_features=2, calibration='logistic', grades=4)"
    d = spec.to_dict()
    d["features"][0]["points"][0] = -999
    assert spec.to_dict()["features"][0]["points"][0] == 52
    with pytest.raises(TypeError, match="load_spec"):
        Spec(copy.deepcopy(d))


# ------------------------------------------------------------------ light import
def test_runtime_imports_numpy_and_stdlib_only(tmp_path: Any, spec: Spec) -> None:
    path = tmp_path / "card.json"
    path.write_text(spec.to_json(), encoding="utf-8")
    code = (
        "import sys, json\n"
        "from overdue_risk.runtime import load_spec\n"
        f"spec = load_spec({str(path)!r})\n"
        "spec.score({'age': [30.0, None], 'purpose': ['cash', 'x']})\n"
        "spec.score({'age': 30.0, 'purpose': 'cash'})\n"
        "spec.predict_pd({'age': [30.0], 'purpose': ['cash']})\n"
        "spec.grade({'age': [30.0], 'purpose': ['cash']})\n"
        "spec.reason_codes({'age': [30.0], 'purpose': ['cash']}, k=2)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1]))
    heavy = {"sklearn", "scipy", "pandas", "matplotlib", "statsmodels", "polars", "pyarrow"}
    assert not loaded & heavy, sorted(loaded & heavy)


def test_empty_input_scores_nothing(spec: Spec) -> None:
    assert spec.score({"age": [], "purpose": []}).shape == (0,)
    assert spec.score(np.empty((0, 2))).shape == (0,)
    assert spec.reason_codes({"age": np.array([]), "purpose": np.array([])}, k=2).shape == (0, 2)


def test_score_frame_matches_the_single_methods(spec: Spec) -> None:
    data = {"age": [22.0, 45.0, None, -1.0], "purpose": ["cash", "education", None, "rent"]}
    out = spec.score_frame(data, grade=True, reason_codes=3)
    assert list(out) == ["score", "pd", "grade", "reason_1", "reason_2", "reason_3"]
    np.testing.assert_array_equal(out["score"], spec.score(data))
    np.testing.assert_array_equal(out["pd"], spec.predict_pd(data))
    assert out["grade"].tolist() == spec.grade(data).tolist()
    codes = spec.reason_codes(data, k=3)
    for i in range(3):
        assert out[f"reason_{i + 1}"].tolist() == codes[:, i].tolist()
    one = spec.score_frame({"age": 22.0, "purpose": "cash"}, reason_codes=1)
    assert one["score"].tolist() == [92.0]
    assert one["reason_1"].tolist() == ["AGE"]
    for bad in (-1, 1.5, True):
        with pytest.raises(SpecError, match="reason_codes must be an integer >= 0"):
            spec.score_frame(data, reason_codes=bad)  # type: ignore[arg-type]


def test_the_runtime_does_not_reach_up_into_export(spec: Spec) -> None:
    # export.to_sql(spec, ...) / export.to_pmml(spec) are the one way to translate a spec
    assert not hasattr(spec, "to_sql")
    assert not hasattr(spec, "to_pmml")
