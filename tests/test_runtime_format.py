"""The runtime owns the spec format: builders, parsers, as_spec, slots and a strict loader."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from overdue_risk.exceptions import DataError, SpecError
from overdue_risk.runtime import (
    GradeScale,
    Spec,
    as_spec,
    calibration_block,
    example_spec_dict,
    feature_block,
    load_spec,
    master_scale_block,
    seal,
    spec_document,
)


@pytest.fixture
def spec() -> Spec:
    return Spec.from_dict(seal(example_spec_dict()))


def _card() -> dict[str, object]:
    age = feature_block(
        "age",
        "numeric",
        splits=[25.0, 40.0],
        points=[10, 20, 30],
        missing_points=5,
        max_points=30,
        special_codes=[-1.0],
        special_points=[0],
    )
    purpose = feature_block(
        "purpose",
        "categorical",
        categories=[["cash"], ["car", 4]],
        points=[1, 2],
        missing_points=0,
        unseen_points=0,
        unseen_policy="missing",
        max_points=2,
    )
    return spec_document(
        name="card",
        features=[age, purpose],
        calibration=calibration_block("logistic", intercept=1.0, slope=-0.05),
        master_scale=master_scale_block(["A", "B"], upper_pd=[0.1, 1.0], pd=[0.05, 0.3]),
    )


def test_builders_write_what_the_parsers_read() -> None:
    spec = Spec.from_dict(seal(_card()))
    assert spec.feature_names == ("age", "purpose")
    assert isinstance(spec.master_scale, GradeScale)
    assert spec.score({"age": [30.0], "purpose": ["4"]}).tolist() == [22.0]
    with pytest.raises(SpecError, match="splits"):
        feature_block("x", "numeric", splits=[2.0, 1.0], points=[1, 2, 3], missing_points=0,
                      max_points=3)  # fmt: skip
    with pytest.raises(SpecError, match="upper_pd"):
        master_scale_block(["A"], upper_pd=[0.5], pd=[0.1])


def test_spec_is_byte_identical_without_a_timestamp() -> None:
    # known defect 9: created_utc changed the checksum every second
    one, two = seal(_card()), seal(_card())
    assert "created_utc" not in one
    assert json.dumps(one) == json.dumps(two)
    stamped = seal({**_card(), "created_utc": "2026-12-02T10:00:00Z"})
    assert stamped["checksum"] != one["checksum"]  # a timestamp asked for is sealed too
    assert (
        spec_document(name="c", features=[], created_utc="2026-01-01T00:00:00Z")["created_utc"]
        == "2026-01-01T00:00:00Z"
    )


def test_grade_from_pd_nan_has_no_grade_and_bad_pd_is_refused(spec: Spec) -> None:
    # known defect 6: NaN got the worst grade, a negative PD the best
    assert spec.grade_from_pd([np.nan, 0.01]).tolist() == [None, "A"]
    with pytest.raises(DataError, match=r"\[0, 1\].*-0.1"):
        spec.grade_from_pd([0.01, -0.1])
    with pytest.raises(DataError, match=r"\[0, 1\]"):
        spec.grade_from_pd([1.5])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (b'{"a": 1, "a": 2}', "repeats the key 'a'"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply|not valid JSON"),
        (b'{"format": "\xff\xfe"}', "not UTF-8"),
        (b'{"x": ' + b"9" * 5000 + b"}", "cannot be read"),
        (b'{"x": 1e400}', "out of float range"),
        (b'{"x": NaN}', "NaN"),
        (b"", "not valid JSON"),
    ],
)
def test_loader_turns_every_failure_into_spec_error(text: bytes, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        Spec.from_json(text)


def test_duplicate_key_in_a_sealed_spec_is_refused(spec: Spec) -> None:
    text = spec.to_json()
    tampered = text.replace('"name": "example_card"', '"name": "x", "name": "example_card"', 1)
    assert tampered != text
    with pytest.raises(SpecError, match="repeats the key 'name'"):
        Spec.from_json(tampered)


def test_huge_integer_in_a_document_is_a_spec_error() -> None:
    doc = example_spec_dict()
    doc["features"][0]["points"][0] = 10**400
    with pytest.raises(SpecError):
        Spec.from_dict(doc, verify_checksum=False)


def test_as_spec_takes_a_spec_a_mapping_or_a_path(spec: Spec, tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    path.write_text(spec.to_json(), encoding="utf-8")
    assert as_spec(spec) is spec
    assert as_spec(spec.to_dict()).checksum == spec.checksum
    assert as_spec(path).checksum == spec.checksum
    assert as_spec(str(path)).checksum == spec.checksum
    with pytest.raises(SpecError, match=r"Spec\.from_json"):
        as_spec(spec.to_json())
    with pytest.raises(SpecError, match="cannot read spec file"):
        as_spec(tmp_path / "absent.json")
    with pytest.raises(SpecError, match="got int"):
        as_spec(3)
    assert load_spec(path).checksum == spec.checksum


def test_slots_index_slot_points(spec: Spec) -> None:
    data = {"age": [22.0, None, -1.0, 60.0], "purpose": ["cash", "rent", "yacht", None]}
    slots = spec.slots(data)
    pts = np.zeros(4)
    for feat in spec.features:
        pts += np.asarray(feat.slot_points)[slots[feat.name]]
    np.testing.assert_array_equal(pts + spec.intercept_points, spec.score(data))
    assert slots["purpose"].tolist() == [0, 2, 4, 3]


def test_two_fits_of_the_same_data_give_byte_identical_specs() -> None:
    # known defect 9: Scorecard.to_spec wrote created_utc, so the checksum changed each second
    pd = pytest.importorskip("pandas")
    from overdue_risk.scorecard import Scorecard

    rng = np.random.default_rng(3)
    age = rng.integers(18, 70, 800).astype(float)
    X = pd.DataFrame({"age": age, "purpose": rng.choice(["cash", "car", "rent"], 800)})
    y = (rng.random(800) < 1 / (1 + np.exp((age - 30) / 8))).astype(int)
    one = json.dumps(Scorecard().fit(X, y).to_spec(), sort_keys=False)
    two = json.dumps(Scorecard().fit(X, y).to_spec(), sort_keys=False)
    assert one == two
    assert "created_utc" not in json.loads(one)


def test_logistic_pds_are_never_exactly_zero_or_one() -> None:
    # known defect 8 (PDs of exactly 0 or 1 that the backtests then refuse), runtime side
    doc = example_spec_dict()
    spec = Spec.from_dict(seal(doc))
    pds = spec.pd_from_points([-1e6, 0.0, 1e6])
    assert np.all((pds > 0.0) & (pds < 1.0))
    assert pds[0] == 1.0 - 1e-15
    assert pds[2] == 1e-15
