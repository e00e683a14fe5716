"""Expert scorecards (专家评分法): validation errors and parity with fitted cards."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from overdue_risk import Scorecard
from overdue_risk.exceptions import DataError
from overdue_risk.scorecard._card import spec_bin_index

CARD: dict[str, Any] = {
    "name": "microloan_expert_v1",
    "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50},
    "intercept_points": 400,
    "target": {"name": "bad", "definition": "ever 90+ DPD within 12 months"},
    "features": [
        {
            "name": "age",
            "kind": "numeric",
            "reason_code": "AGE",
            "missing_points": 5,
            "special": [{"code": -1, "points": 0}],
            "bins": [
                {"upper": 25, "points": 10},
                {"lower": 25, "upper": 40, "points": 20},
                {"lower": 40, "points": 30},
            ],
        },
        {
            "name": "purpose",
            "kind": "categorical",
            "missing_points": 10,
            "unseen_points": 2,
            "bins": [
                {"categories": ["cash", "travel"], "points": 14},
                {"categories": ["education", 3], "points": 30},
            ],
        },
        {
            "name": "dti",
            "kind": "numeric",
            "missing_points": 0,
            "splits": [0.3, 0.6],
            "points": [40, 25, 5],
        },
    ],
}

TOML = """
name = "toml_card"
[scaling]
pdo = 20
base_score = 600
base_odds = 50

[[features]]
name = "age"
kind = "numeric"
missing_points = 5
bins = [{upper = 25, points = 10}, {lower = 25, points = 30}]
"""


@pytest.fixture
def card() -> Scorecard:
    return Scorecard.from_expert(CARD)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": [20, 25, 39.9, 40, np.nan, -1, 1e9],
            "purpose": ["cash", "education", "3", 3.0, None, "yacht", "travel"],
            "dti": [0.1, 0.3, 0.59, 0.6, 2.0, np.nan, -np.inf],
        }
    )


def test_scores_by_hand(card: Scorecard) -> None:
    # row by row: intercept 400 + age + purpose + dti
    expected = [
        400 + 10 + 14 + 40,
        400 + 20 + 30 + 25,
        400 + 20 + 30 + 25,
        400 + 30 + 30 + 5,  # 3.0 and "3" are the same category
        400 + 5 + 10 + 5,  # missing age, missing purpose, dti 2.0 in the last bin
        400 + 0 + 2 + 0,  # special age -1, unseen purpose, missing dti
        400 + 30 + 14 + 40,  # -inf falls in the first bin
    ]
    np.testing.assert_array_equal(card.predict_points(_frame()), expected)


def test_same_kind_of_object_as_a_fitted_card(card: Scorecard) -> None:
    X = _frame()
    table = card.table()
    assert set(table["kind"]) == {"regular", "missing", "special", "unseen"}
    # predict_points == intercept + sum of the table's points, row by row
    total = np.full(len(X), card.intercept_points_)
    for f in card.card_:
        slots = f.bin_index(X[f.name].to_numpy())
        pts = table[table.feature == f.name].set_index("slot")["points"]
        total += pts.loc[slots].to_numpy()
    np.testing.assert_array_equal(total, card.predict_points(X))
    proba = card.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pts = card.predict_points(X)
    np.testing.assert_allclose(proba[:, 1], card.scaling_.pd_from_score(pts))
    assert set(card.predict(X)) <= {0, 1}
    r = card.reason_codes(X, k=2)
    assert r.codes[0].tolist() == ["AGE", "purpose"]  # age loses 20, purpose 16, dti 0
    assert r.codes.shape == (7, 2)
    spec = card.to_spec()
    assert spec["name"] == "microloan_expert_v1"
    assert spec["target"]["name"] == "bad"
    assert spec["scaling"]["intercept_mode"] == "separate"
    assert spec["intercept_points"] == 400
    assert spec["features"][1]["categories"] == [["cash", "travel"], ["education", "3"]]
    assert spec["features"][1]["unseen_points"] == 2
    assert spec["features"][0]["special_points"] == [0]
    assert spec["features"][0]["max_points"] == 30


def test_reason_codes_by_hand(card: Scorecard) -> None:
    r = card.reason_codes(_frame().iloc[[0]], k=3)
    # age 20 loses 30-10=20, purpose cash loses 30-14=16, dti 0.1 loses 0
    assert r.codes.tolist() == [["AGE", "purpose", None]]
    assert r.points_lost.tolist() == [[20.0, 16.0, 0.0]]


def test_json_and_toml_files(tmp_path: Path) -> None:
    p = tmp_path / "card.json"
    p.write_text(json.dumps(CARD), encoding="utf-8")
    a = Scorecard.from_expert(p)
    np.testing.assert_array_equal(
        a.predict_points(_frame()), Scorecard.from_expert(CARD).predict_points(_frame())
    )
    t = tmp_path / "card.toml"
    t.write_text(TOML, encoding="utf-8")
    b = Scorecard.from_expert(t)
    np.testing.assert_array_equal(b.predict_points({"age": [24, 25, None]}), [10, 30, 5])
    assert b.to_spec()["scaling"]["intercept_mode"] == "distributed"


def _with(path: list[Any], value: Any, drop: bool = False) -> dict[str, Any]:
    card = copy.deepcopy(CARD)
    node: Any = card
    for key in path[:-1]:
        node = node[key]
    if drop:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return card


@pytest.mark.parametrize(
    ("card", "match"),
    [
        (_with(["features", 0, "bins", 1, "lower"], 20), r"bin 1 \[20.0, 40.0\) overlaps bin 0"),
        (_with(["features", 0, "bins", 1, "lower"], 30), r"gap between bin 0"),
        (
            _with(
                ["features", 0, "bins"],
                [{"lower": 10, "upper": 25, "points": 1}, {"lower": 25, "points": 2}],
            ),
            "first bin starts at 10",
        ),
        (
            _with(
                ["features", 0, "bins"],
                [
                    {"upper": 25, "points": 1},
                    {"lower": 40, "points": 3},
                    {"lower": 25, "upper": 40, "points": 2},
                ],
            ),
            "unsorted",
        ),
        (_with(["features", 2, "splits"], [0.6, 0.3]), "strictly increasing"),
        (_with(["features", 2, "points"], [1, 2]), "make 3 bins but 'points' has 2"),
        (_with(["features", 0, "missing_points"], None, drop=True), "no points for missing"),
        (_with(["features", 0, "kind"], "ordinal"), "unknown kind 'ordinal'"),
        (_with(["features", 1, "bins", 1, "categories"], ["cash"]), "'cash' is in bin 0 and bin 1"),
        (_with(["features", 0, "missing_point"], 3), "unknown keys \\['missing_point'\\]"),
        (_with(["features", 0, "bins", 0, "points"], "ten"), "must be a number"),
        (_with(["features", 0, "bins", 0, "points"], float("inf")), "must be finite points"),
        (_with(["scaling"], None, drop=True), "has no 'scaling'"),
        (_with(["features", 2, "name"], "age"), "more than once"),
        (_with(["features", 0, "unseen_points"], 3), "numeric: unseen values"),
        (_with(["features", 1, "unseen_policy"], "worst"), "unseen_policy must be"),
    ],
)
def test_validation_errors_are_clear(card: dict[str, Any], match: str) -> None:
    with pytest.raises(DataError, match=match):
        Scorecard.from_expert(card)


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        Scorecard.from_expert(tmp_path / "nope.toml")
    bad = tmp_path / "card.yaml"
    bad.write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match=r"use a \.json or \.toml"):
        Scorecard.from_expert(bad)
    broken = tmp_path / "card.toml"
    broken.write_text("[scaling\n", encoding="utf-8")
    with pytest.raises(DataError, match="not valid TOML"):
        Scorecard.from_expert(broken)


def test_unseen_error_policy_and_scoring_errors() -> None:
    card = _with(["features", 1, "unseen_policy"], "error")
    del card["features"][1]["unseen_points"]
    sc = Scorecard.from_expert(card)
    with pytest.raises(DataError, match=r"'purpose' holds categories not seen.*'yacht'"):
        sc.predict_points(_frame())
    with pytest.raises(DataError, match=r"lacks columns \['dti'\]"):
        sc.predict_points(_frame().drop(columns="dti"))
    bad = _frame().assign(age=["x"] * 7)
    with pytest.raises(
        DataError, match=r"column 'age' must be numeric; got 7 non-numeric value\(s\)"
    ):
        sc.predict_points(bad)
    with pytest.raises(DataError, match="no fitted logistic model"):
        sc.statistical_summary()


def test_spec_bin_index_specials_before_splits() -> None:
    # a special code inside a regular bin's range still gets its own slot
    idx = spec_bin_index(
        [5.0, 999.0, 1000.0], name="x", kind="numeric", splits=[10.0, 500.0], special_codes=[999.0]
    )
    assert idx.tolist() == [0, 4, 2]


@pytest.mark.parametrize("policy", ["points", "missing"])
def test_runtime_scores_the_expert_spec_identically(policy: str) -> None:
    from overdue_risk.runtime import Spec

    card = copy.deepcopy(CARD)
    if policy == "missing":
        del card["features"][1]["unseen_points"]
    sc = Scorecard.from_expert(card)
    spec = Spec.from_dict(sc.to_spec())
    X = _frame()
    np.testing.assert_array_equal(spec.score(X), sc.predict_points(X))
    for k in (1, 3, 5):  # k above the number of features: padded with None on both sides
        np.testing.assert_array_equal(
            np.asarray(spec.reason_codes(X, k=k), dtype=object), sc.reason_codes(X, k=k).codes
        )
