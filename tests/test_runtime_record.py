"""One record through ``Spec.score_frame`` (plain Python) equals the batch path, field by field."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from overdue_risk._columns import as_columns, plain_record
from overdue_risk.exceptions import DataError
from overdue_risk.runtime import Spec, example_spec_dict, seal
from overdue_risk.runtime._harness import boundary_cases
from overdue_risk.runtime._spec import logistic_pd


def _numeric_spec(seed: int, n_features: int) -> Spec:
    rng = np.random.default_rng(seed)
    feats = []
    for j in range(n_features):
        splits = np.sort(
            rng.choice(np.arange(-30, 30) / 10, size=int(rng.integers(1, 6)), replace=False)
        )
        feats.append(
            {
                "name": f"f{j}",
                "kind": "numeric",
                "splits": splits.tolist(),
                # few distinct points: many equal losses, so the spec-order tie rule is used
                "points": rng.integers(0, 4, splits.size + 1).astype(float).tolist(),
                "missing_points": float(rng.integers(0, 4)),
            }
        )
    doc = example_spec_dict()
    doc.update(features=feats)
    doc["calibration"] = {"method": "logistic", "intercept": -1.0, "slope": 0.05}
    return Spec.from_dict(seal(doc))


def _same(one: dict[str, Any], batch: dict[str, Any]) -> None:
    assert list(one) == list(batch)
    for key in batch:
        assert one[key].dtype == batch[key].dtype, key
        assert one[key].tolist() == batch[key].tolist(), key


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [0, 1, 3, 8])
def test_one_record_equals_the_batch_path(seed: int, k: int) -> None:
    spec = _numeric_spec(seed, 6)
    rng = np.random.default_rng(seed + 10)
    for _ in range(40):
        record: dict[str, Any] = {f"f{j}": float(rng.normal(0, 2)) for j in range(6)}
        if rng.random() < 0.3:
            record["f1"] = None
        column = {name: [value] for name, value in record.items()}
        for pd_, grade in ((False, False), (True, False), (False, True)):
            one = spec.score_frame(record, pd=pd_, grade=grade, reason_codes=k)
            batch = spec.score_frame(column, pd=pd_, grade=grade, reason_codes=k)
            _same(one, batch)


def test_example_card_record_with_categories() -> None:
    spec = Spec.from_dict(seal(example_spec_dict()))
    for age, purpose in ((22.0, "cash"), (45.0, "education"), (None, "travel"), (60.0, None)):
        record = {"age": age, "purpose": purpose}
        column = {"age": [age], "purpose": [purpose]}
        one = spec.score_frame(record, grade=True, reason_codes=3)
        _same(one, spec.score_frame(column, grade=True, reason_codes=3))


# ---------------------------------------------------------------- boundary harness
# Every row of runtime._harness.boundary_cases (split neighbours by nextafter, specials,
# NaN/None, +-inf, +-max float, subnormals, +-0.0, unseen categories) as one record must give
# the batch path's row: same bins, same reasons and tie rule, PD equal to the last bit.

NEXT = float(np.nextafter(1.0, 2.0))


def _feature(name: str, splits: list[float], codes: tuple[float, ...] = ()) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "numeric",
        "splits": splits,
        # repeated points: ties between features, settled by spec order
        "points": [float((7 * i) % 4) for i in range(len(splits) + 1)],
        "missing_points": 1.0,
        "special_codes": list(codes),
        "special_points": [-1.0 - i for i in range(len(codes))],
    }


def _boundary_specs() -> dict[str, Spec]:
    example = Spec.from_dict(seal(example_spec_dict()))
    doc = example_spec_dict()
    doc["features"] = [
        *doc["features"],
        _feature("adjacent", [1.0, NEXT, 2.0, 1e6], (-1.0, 0.0)),
        _feature("extremes", [-1.7976931348623157e308, 0.0, 1.7976931348623157e308]),
        _feature("tiny", [-5e-324, 1e-300, 2e-300], (-9.0,)),
        _feature("nosplit", []),
    ]
    mixed = Spec.from_dict(seal(doc))
    steep = dict(doc, calibration={"method": "logistic", "intercept": -30.0, "slope": 0.9})
    return {"example": example, "mixed": mixed, "steep": Spec.from_dict(seal(steep))}


def _bits(a: Any) -> Any:
    arr = np.asarray(a)
    return arr.view(np.int64).tolist() if arr.dtype == np.float64 else arr.tolist()


@pytest.mark.parametrize("which", ["example", "mixed", "steep"])
@pytest.mark.parametrize("numpy_scalars", [False, True])
def test_boundary_harness_records_equal_the_batch_path(which: str, numpy_scalars: bool) -> None:
    spec = _boundary_specs()[which]
    cases = boundary_cases(spec)
    batch = spec.score_frame(cases, pd=True, grade=True, reason_codes=3)
    n = len(batch["score"])
    assert n > 50
    for i in range(n):
        # Python scalars (tolist) or NumPy ones (np.float64 from indexing a float column)
        record = {
            name: (col[i] if numpy_scalars else col[i : i + 1].tolist()[0])
            for name, col in cases.items()
        }
        one = spec.score_frame(record, pd=True, grade=True, reason_codes=3)
        assert list(one) == list(batch)
        for key, column in batch.items():
            assert one[key].dtype == column.dtype, (key, record)
            assert _bits(one[key]) == _bits(column[i : i + 1]), (key, record)


def test_record_pd_is_bit_identical_to_logistic_pd() -> None:
    """The Python-float PD of one record equals NumPy's logistic_pd bit for bit (exp is
    NumPy's; math.exp differs in the last bit for a few percent of arguments)."""
    rng = np.random.default_rng(3)
    totals = np.concatenate(
        [
            rng.normal(60.0, 40.0, 20_000),
            rng.uniform(-2e4, 2e4, 5_000),
            [0.0, -0.0, 1e308, -1e308, np.inf, -np.inf, np.nan, 5e-324],
        ]
    )
    for intercept, slope in ((-1.0, 0.05), (4.3, -0.07), (0.0, 1.0), (-30.0, 0.9)):
        doc = example_spec_dict()
        doc["calibration"] = {"method": "logistic", "intercept": intercept, "slope": slope}
        spec = Spec.from_dict(seal(doc))
        expected = logistic_pd(intercept, slope, totals)
        for t, want in zip(totals.tolist(), expected.tolist(), strict=True):
            got = spec._record_pd(t)
            if got is None:  # NaN or |logit| >= 700: the NumPy path is used
                continue
            assert np.float64(got).view(np.int64) == np.float64(want).view(np.int64), t


def test_plain_record_matches_as_columns() -> None:
    names = ["a", "b"]
    for data in (
        {"a": 1.5, "b": "x"},
        {"a": None, "b": True, "extra": [1, 2]},
        {"a": np.float64(2.0), "b": np.int64(3)},
    ):
        assert plain_record(data, names) == as_columns(data, names).record
    # not plain: as_columns decides (columns, missing names, keys equal as text, other types)
    for data in (
        {"a": [1.5], "b": ["x"]},
        {"a": 1.5},
        {"a": 1.5, "b": 2.0, 1: 3.0},
        {"a": np.float32(1.5), "b": 1.0},
        {"a": 1.5, "b": 2.0, "c": 3.0, 2: 1.0},
    ):
        assert plain_record(data, names) is None
    assert plain_record({"a": 1.0}, ["a", "a"]) is None  # duplicated names: as_columns refuses
    spec = Spec.from_dict(seal(example_spec_dict()))
    with pytest.raises(DataError, match="missing 1 column"):
        spec.score_frame({"age": 30.0}, reason_codes=3)


@pytest.mark.parametrize("k", [1, 3, 20])
def test_coded_frame_equals_score_frame(k: int) -> None:
    """The CLI's coded frame (grade and reason positions) maps back to score_frame."""
    spec = _boundary_specs()["mixed"]
    assert spec.master_scale is not None
    cases = boundary_cases(spec)
    text = spec.score_frame(cases, pd=True, grade=True, reason_codes=k)
    coded = spec.coded_frame(cases, pd=True, grade=True, reason_codes=k)
    assert list(coded) == list(text)
    assert _bits(coded["score"]) == _bits(text["score"])
    assert _bits(coded["pd"]) == _bits(text["pd"])
    grades = [*spec.master_scale.grades, None]  # position -1: no grade
    assert [grades[i] for i in coded["grade"]] == text["grade"].tolist()
    reasons = [f.reason_code for f in spec.features] + [None]
    for i in range(1, k + 1):
        got = coded[f"reason_{i}"]
        assert got.dtype.kind == "i"
        assert [reasons[j] for j in got] == text[f"reason_{i}"].tolist()
