"""One record through ``Spec.score_frame`` (plain Python) equals the batch path, field by field."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from overdue_risk.runtime import Spec, example_spec_dict, seal


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
