"""The fitted Scorecard: points algebra, table, runtime parity, weights, sign checks."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overdue_risk import Scorecard
from overdue_risk.binning import WOEBinner
from overdue_risk.exceptions import DataError, NotFittedError, OverdueRiskWarning
from overdue_risk.runtime import Spec, load_spec

PURPOSES = ["cash", "car", "edu", "rent", None]


def _applicants(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Synthetic applicants: numeric with NaN and a special code (-1), a categorical."""
    age = rng.integers(18, 70, n).astype(float)
    income = np.where(rng.uniform(size=n) < 0.1, np.nan, rng.lognormal(8, 1, n))
    history = np.where(rng.uniform(size=n) < 0.15, -1.0, rng.integers(0, 120, n))
    purpose = rng.choice(np.array(PURPOSES, dtype=object), n)
    X = pd.DataFrame({"age": age, "income": income, "history": history, "purpose": purpose})
    eta = (
        -1.2
        - 0.03 * (age - 40)
        - 0.3 * np.log(np.nan_to_num(income, nan=3000.0) / 3000.0)
        + 0.8 * (history == -1)
        - 0.004 * np.clip(history, 0, None)
        + 0.5 * (purpose == "cash")
    )
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(np.int64)
    return X, y


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    return _applicants(np.random.default_rng(20261128), 4000)


def _binner() -> WOEBinner:
    return WOEBinner(special_codes={"history": [-1.0]})


@pytest.fixture(scope="module", params=[(False, "distributed"), (True, "separate")])
def fitted(request: Any, data: tuple[pd.DataFrame, np.ndarray]) -> Scorecard:
    rounding, mode = request.param
    X, y = data
    return Scorecard(_binner(), rounding=rounding, intercept_mode=mode).fit(X, y)


def _table_total(sc: Scorecard, X: pd.DataFrame) -> np.ndarray:
    """intercept + sum of the table's points, looked up row by row through bin_index."""
    table = sc.table()
    total = np.full(len(X), sc.intercept_points_)
    for name in sc.features_:
        fb = sc.binner_.bins_[name]
        slots = fb.bin_index(X[name].to_numpy())
        pts = table[table.feature == name].set_index("slot")["points"]
        total = total + pts.loc[slots].to_numpy()
    return total


rows = st.fixed_dictionaries(
    {
        "age": st.one_of(st.floats(-10, 120), st.just(math.nan), st.sampled_from([18.0, 40.0])),
        "income": st.one_of(st.floats(0, 1e6), st.just(math.nan), st.just(-1.0)),
        "history": st.one_of(st.integers(-1, 200).map(float), st.just(math.nan)),
        "purpose": st.sampled_from([*PURPOSES, "yacht", 3, 3.0]),
    }
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(rows, min_size=1, max_size=30))
def test_points_equal_intercept_plus_table_and_runtime(
    fitted: Scorecard, batch: list[dict[str, Any]]
) -> None:
    X = pd.DataFrame(batch, columns=["age", "income", "history", "purpose"])
    X["purpose"] = X["purpose"].astype(object)
    pts = fitted.predict_points(X)
    np.testing.assert_array_equal(pts, _table_total(fitted, X))
    spec = Spec.from_dict(fitted.to_spec(name="t"))
    np.testing.assert_array_equal(spec.score(X), pts)  # exactly, float for float
    ours = fitted.reason_codes(X, k=3).codes
    theirs = np.asarray(spec.reason_codes(X, k=3), dtype=object)
    np.testing.assert_array_equal(theirs, ours)


def test_points_algebra(fitted: Scorecard, data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, _ = data
    s = fitted.scaling_
    b0 = float(fitted.intercept_[0])
    p = len(fitted.features_)
    for f, c in zip(fitted.card_, fitted.coef_[0], strict=True):
        woe = fitted.binner_.bins_[f.name].woe
        expected = -s.factor * c * woe
        if fitted.intercept_mode_ == "distributed":
            expected = expected + (s.offset - s.factor * b0) / p
        np.testing.assert_allclose(f.points_raw, expected, rtol=1e-12, atol=1e-9)
        if fitted.rounded_:
            np.testing.assert_array_equal(f.points, np.round(f.points_raw))
    # the unrounded points are the logistic model itself
    Z = np.column_stack(
        [
            fitted.binner_.bins_[n].woe[fitted.binner_.bins_[n].bin_index(X[n].to_numpy())]
            for n in fitted.features_
        ]
    )
    eta = b0 + Z @ fitted.coef_[0]
    np.testing.assert_allclose(fitted.decision_function(X), eta, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fitted.predict_proba(X)[:, 1], 1 / (1 + np.exp(-eta)), rtol=1e-9)
    assert np.all(fitted.coef_[0] < 0)  # WOE convention, after the sign check


def test_scores_are_sensible(fitted: Scorecard, data: tuple[pd.DataFrame, np.ndarray]) -> None:
    from sklearn.metrics import roc_auc_score

    X, y = data
    # higher points = lower risk: points rank the bads low
    assert roc_auc_score(y, -fitted.predict_points(X)) > 0.65
    assert fitted.score(X, y) == pytest.approx(np.mean(fitted.predict(X) == y))
    table = fitted.table()
    assert {"regular", "missing", "special", "unseen"} <= set(table["kind"])
    assert list(table.columns[:7]) == [
        "feature",
        "slot",
        "bin",
        "kind",
        "woe",
        "coefficient",
        "points",
    ]
    if fitted.rounded_:
        assert np.all(table["points"] == np.round(table["points"]))
        assert fitted.intercept_points_ == round(fitted.intercept_points_)
    else:
        assert fitted.intercept_points_ == 0.0


def test_spec_document(fitted: Scorecard, tmp_path: Path) -> None:
    from overdue_risk.calibration import MasterScale, PDCalibrator

    X, y = _applicants(np.random.default_rng(5), 3000)
    pts = fitted.predict_points(X).reshape(-1, 1)
    cal = PDCalibrator().fit(pts, y)
    scale = MasterScale.geometric(5)
    spec = fitted.to_spec(
        calibrator=cal,
        master_scale=scale,
        name="microloan_v1",
        target={"name": "bad", "definition": "90+ DPD in 12 months"},
    )
    assert spec["format"] == "overdue_risk.scorecard"
    assert spec["schema_version"] == 1
    assert spec["scaling"]["pdo"] == 20.0
    assert spec["scaling"]["rounded"] is fitted.rounded_
    assert [f["name"] for f in spec["features"]] == fitted.features_
    info = spec["metadata"]["feature_info"]
    assert list(info) == fitted.features_
    assert all(v["coefficient"] < 0 and v["iv"] > 0 for v in info.values())
    assert spec["library_version"] == "0.1.0"
    hist = next(f for f in spec["features"] if f["name"] == "history")
    assert hist["special_codes"] == [-1.0]
    assert len(hist["points"]) == len(hist["splits"]) + 1
    # save, load: identical document, checksum verified by the runtime
    path = fitted.save_spec(
        tmp_path / "card.json", calibrator=cal, master_scale=scale, name="microloan_v1"
    )
    loaded = load_spec(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(doc)) == doc
    np.testing.assert_array_equal(loaded.score(X), fitted.predict_points(X))
    np.testing.assert_allclose(loaded.predict_pd(X), cal.predict_pd(pts), rtol=1e-9)
    # tampering is caught
    doc["features"][0]["points"][0] += 1
    with pytest.raises(ValueError, match="checksum"):
        Spec.from_dict(doc)


def test_integer_weights_equal_repeated_rows(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    X, y = X.iloc[:2000].reset_index(drop=True), y[:2000]
    w = np.random.default_rng(3).integers(1, 4, size=len(y))
    a = Scorecard(_binner()).fit(X, y, sample_weight=w.astype(float))
    rep = np.repeat(np.arange(len(y)), w)
    b = Scorecard(_binner()).fit(X.iloc[rep].reset_index(drop=True), y[rep])
    assert a.features_ == b.features_
    np.testing.assert_allclose(a.predict_points(X), b.predict_points(X), rtol=1e-7)
    np.testing.assert_allclose(a.summary_.std_err, b.summary_.std_err, rtol=1e-5)
    assert a.summary_.weights == "freq_weights"


def _collinear(rng: np.random.Generator, n: int = 3000) -> tuple[pd.DataFrame, np.ndarray]:
    a = rng.normal(size=n)
    b = a + 0.5 * rng.normal(size=n)  # marginally risky through a, protective given a:
    c = rng.normal(size=n)  # its WOE coefficient in the joint model has the wrong sign
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(-1 + 2 * a - 0.7 * b + 0.8 * c)))).astype(int)
    return pd.DataFrame({"a": a, "b": b, "c": c}), y


def test_wrong_sign_is_dropped_and_refit(rng: np.random.Generator) -> None:
    X, y = _collinear(rng)
    report = Scorecard(sign_check="report").fit(X, y)
    assert report.wrong_sign_features_ == ("b",)
    assert report.coef_[0][report.features_.index("b")] > 0
    drop = Scorecard().fit(X, y)
    assert "b" not in drop.features_
    assert drop.wrong_sign_features_ == ("b",)
    assert "wrong coefficient sign" in drop.dropped_features_["b"]
    assert np.all(drop.coef_[0] < 0)
    with pytest.warns(OverdueRiskWarning, match=r"wrong sign.*b \(\+"):
        Scorecard(sign_check="warn").fit(X, y)


def test_selection_by_iv(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    X = X.assign(noise=np.random.default_rng(9).normal(size=len(X)))
    ivs = WOEBinner(special_codes={"history": [-1.0]}).fit(X, y).iv_
    top2 = sorted(ivs, key=lambda n: -ivs[n])[:2]
    sc = Scorecard(_binner(), max_features=2).fit(X, y)
    assert sorted(sc.features_) == sorted(top2)
    sc = Scorecard(_binner(), min_iv=0.02).fit(X, y)
    assert all(ivs[n] >= 0.02 for n in sc.features_)
    assert all("min_iv" in r for n, r in sc.dropped_features_.items() if ivs[n] < 0.02)


def test_reason_code_map(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    sc = Scorecard(_binner(), reason_code_map={"age": "R01", "purpose": "R07"}).fit(X, y)
    codes = set(sc.reason_codes(X, k=4).codes.ravel()) - {None}
    assert codes <= {"R01", "R07", "income", "history"}
    assert "R01" in codes
    spec = sc.to_spec()
    assert {f["name"]: f["reason_code"] for f in spec["features"]}["age"] == "R01"


def test_challenger_reports_the_gap(rng: np.random.Generator) -> None:
    n = 3000
    X = pd.DataFrame(
        {"a": rng.normal(size=n), "b": rng.normal(size=n), "k": rng.choice(["u", "v", "w"], n)}
    )
    eta = -1 + 1.2 * X.a * X.b + 0.5 * (X.k == "u")  # an interaction no additive card sees
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    sc = Scorecard().fit(X.iloc[:2000], y[:2000])
    rep = sc.challenge(X.iloc[:2000], y[:2000], X.iloc[2000:], y[2000:], max_iter=60, n_threads=1)
    assert rep.gini_gap_test is not None
    assert rep.gini_gap_test > 0.1
    assert rep.monotonic_cst["k"] == "cat"
    frame = rep.to_frame()
    assert list(frame.index) == ["train", "test"]
    assert "challenger" in rep.summary()


def test_challenger_constraints_follow_the_woe_trend(rng: np.random.Generator) -> None:
    n = 3000
    X = pd.DataFrame({"up": rng.normal(size=n), "down": rng.normal(size=n)})
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(-1 + X.up - X.down)))).astype(int)
    sc = Scorecard(WOEBinner(monotonic_trend="auto")).fit(X, y)
    rep = sc.challenge(X, y, max_iter=20, n_threads=1)
    assert rep.monotonic_cst == {"up": 1, "down": -1}
    assert rep.gini_gap_test is None


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"sign_check": "maybe"}, "sign_check must be one of"),
        ({"intercept_mode": "split"}, "intercept_mode must be one of"),
        ({"pdo": -5}, r"pdo must be a number > 0"),
        ({"max_features": 0}, r"max_features must be an integer >= 1 or None"),
        ({"min_iv": -1}, r"min_iv must be a number >= 0 or None"),
    ],
)
def test_bad_parameters_raise_at_fit(
    params: dict[str, Any], match: str, data: tuple[pd.DataFrame, np.ndarray]
) -> None:
    X, y = data
    sc = Scorecard(**params)  # never raises in __init__
    with pytest.raises(DataError, match=match):
        sc.fit(X, y)


@pytest.mark.parametrize(
    "call",
    [
        lambda sc, X: sc.points_matrix(X),
        lambda sc, X: sc.predict_points(X),
        lambda sc, X: sc.decision_function(X),
        lambda sc, X: sc.predict_proba(X),
        lambda sc, X: sc.predict(X),
        lambda sc, X: sc.reason_codes(X),
        lambda sc, X: sc.table(),
        lambda sc, X: sc.to_spec(),
        lambda sc, X: sc.statistical_summary(),
    ],
    ids=[
        "points_matrix",
        "predict_points",
        "decision_function",
        "predict_proba",
        "predict",
        "reason_codes",
        "table",
        "to_spec",
        "statistical_summary",
    ],
)
def test_unfitted_card_says_so(call: Any, data: tuple[pd.DataFrame, np.ndarray]) -> None:
    """Every method of an unfitted card raises the library's NotFittedError (no AttributeError)."""
    X, _ = data
    with pytest.raises(NotFittedError, match="not fitted yet"):
        call(Scorecard(), X.head(3))


def test_bad_data_raise(fitted: Scorecard, data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    with pytest.raises(DataError, match=r"got 3 labels \[0, 1, 2\]"):
        Scorecard().fit(X, np.arange(len(y)) % 3)
    with pytest.raises(ValueError, match="age"):
        fitted.predict_points(X.drop(columns="age"))
    with pytest.raises(DataError, match="Expected 2D array, got 1D array"):
        fitted.predict_points(np.zeros(4))
    with pytest.raises(DataError, match="expert card has no fitted logistic model"):
        Scorecard.from_expert(
            {
                "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50},
                "features": [
                    {
                        "name": "a",
                        "kind": "numeric",
                        "missing_points": 0,
                        "splits": [],
                        "points": [1],
                    }
                ],
            }
        ).statistical_summary()


def test_dict_and_array_inputs(fitted: Scorecard, data: tuple[pd.DataFrame, np.ndarray]) -> None:
    import polars as pl
    import pyarrow as pa

    X, _ = data
    head = X.head(5)
    expected = fitted.predict_points(head)
    np.testing.assert_array_equal(fitted.predict_points(pl.from_pandas(head)), expected)
    np.testing.assert_array_equal(fitted.predict_points(pa.Table.from_pandas(head)), expected)
    as_dict = {c: head[c].tolist() for c in head.columns}
    np.testing.assert_array_equal(fitted.predict_points(as_dict), fitted.predict_points(head))
    record = {c: head[c].iloc[0] for c in head.columns}
    assert fitted.predict_points(record)[0] == fitted.predict_points(head)[0]


def test_statistical_summary_refit(
    fitted: Scorecard, data: tuple[pd.DataFrame, np.ndarray]
) -> None:
    X, y = data
    assert fitted.statistical_summary() is fitted.summary_
    again = fitted.statistical_summary(X, y)
    np.testing.assert_allclose(again.coef, fitted.summary_.coef, rtol=1e-6)
    robust = fitted.statistical_summary(X, y, cov_type="HC0")
    assert robust.cov_type == "HC0"
    assert not np.allclose(robust.std_err, again.std_err)
    np.testing.assert_allclose(robust.coef, again.coef, rtol=1e-8)
    # the statsmodels coefficients are the card's
    np.testing.assert_allclose(again.coef[1:], fitted.coef_[0], rtol=1e-6, atol=1e-8)
    with pytest.raises(DataError, match="needs the data"):
        fitted.statistical_summary(cov_type="HC0")


def test_frames_are_read_by_name(
    fitted: Scorecard, data: tuple[pd.DataFrame, np.ndarray], rng: np.random.Generator
) -> None:
    X, _ = data
    head = X.head(20)
    expected = fitted.predict_points(head)
    # extra columns such as ids: read by name
    with_id = head.assign(loan_id=np.arange(20))
    np.testing.assert_array_equal(fitted.predict_points(with_id[["loan_id", *X.columns]]), expected)
    with pytest.raises(DataError, match=rf"lacks columns \['{fitted.features_[0]}'\]"):
        fitted.predict_points(head.drop(columns=fitted.features_[0]))
    with pytest.raises(DataError, match="same order as they were in fit"):
        fitted.predict_points(head[list(X.columns)[::-1]])
    # a card on a subset of the inputs scores a frame holding only its features
    Xc, yc = _collinear(rng)
    sc = Scorecard().fit(Xc, yc)
    assert sc.features_ == ["a", "c"]
    np.testing.assert_array_equal(sc.predict_points(Xc[["c", "a"]]), sc.predict_points(Xc))


@pytest.fixture(scope="module")
def small() -> tuple[pd.DataFrame, np.ndarray]:
    return _applicants(np.random.default_rng(11), 800)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pdo=st.floats(5, 100),
    base=st.floats(200, 1000),
    base_odds=st.floats(0.5, 200),
    mode=st.sampled_from(["distributed", "separate"]),
)
def test_card_points_follow_the_scaling(
    small: tuple[pd.DataFrame, np.ndarray], pdo: float, base: float, base_odds: float, mode: str
) -> None:
    X, y = small
    sc = Scorecard(
        _binner(), pdo=pdo, base_score=base, base_odds=base_odds, intercept_mode=mode
    ).fit(X, y)
    p = sc.predict_proba(X)[:, 1]
    pts = sc.predict_points(X)
    # points = base + pdo * log2(odds / base_odds), odds = good:bad = (1 - p) / p
    expected = base + pdo * np.log2((1 - p) / p / base_odds)
    np.testing.assert_allclose(pts, expected, rtol=1e-9, atol=1e-6)


def test_bad_c_raises(small: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = small
    for bad in (0, -1.0, "big", True):
        with pytest.raises(DataError, match="C must be a number > 0"):
            Scorecard(C=bad).fit(X, y)  # type: ignore[arg-type]


def test_manual_binning_overrides_reach_the_spec(small: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = small
    binner = _binner().fit(X, y)
    n_bins = binner.bins_["age"].n_bins
    binner.merge_bins("age", 0, 1, reason="credit committee: young applicants as one group")
    manual = binner.manual_bins_from_overrides()
    sc = Scorecard(WOEBinner(special_codes={"history": [-1.0]}, manual_bins=manual)).fit(X, y)
    assert sc.binner_.bins_["age"].n_bins == n_bins - 1
    overrides = sc.to_spec()["overrides"]
    assert [o["feature"] for o in overrides] == ["age"]
    assert "credit committee" in overrides[0]["reason"]


def test_from_spec_round_trip(
    fitted: Scorecard, data: tuple[pd.DataFrame, np.ndarray], tmp_path: Path
) -> None:
    X, _ = data
    path = fitted.save_spec(tmp_path / "card.json", name="rt")
    again = Scorecard.from_spec(path)
    np.testing.assert_array_equal(again.predict_points(X), fitted.predict_points(X))
    np.testing.assert_array_equal(
        again.reason_codes(X, k=3).codes, fitted.reason_codes(X, k=3).codes
    )
    assert again.is_expert_
    assert again.to_spec()["features"][0]["points"] == fitted.to_spec()["features"][0]["points"]
    doc = fitted.to_spec()
    doc["intercept_points"] = 1  # tampered: refused by the runtime's checksum
    with pytest.raises(ValueError, match="checksum"):
        Scorecard.from_spec(doc)


def test_object_arrays_with_containers_are_refused(fitted: Scorecard) -> None:
    X = np.array([[30.0, 1000.0, 5.0, "cash"], [40.0, {"a": 1}, 5.0, "car"]], dtype=object)
    with (
        pytest.warns(UserWarning, match="X does not have valid feature names"),
        pytest.raises(DataError, match=r"column 'income' holds a container .* at row\(s\) \[1\]"),
    ):
        fitted.predict_points(X)


def test_selector_runs_on_the_woe_columns(twin_applicants: tuple[pd.DataFrame, Any]) -> None:
    from overdue_risk.selection import WOESelector

    X, y = twin_applicants
    sc = Scorecard(selector=WOESelector(min_iv=0.02, max_corr=0.7)).fit(X, y)
    assert "noise" not in sc.features_
    assert ("a" in sc.features_) != ("a_copy" in sc.features_)  # one of the near copies
    assert all("WOESelector" in sc.dropped_features_[f] for f in ("noise",))
    assert sc.selector_ is not None
    assert sc.selector_.results_
    with pytest.warns(OverdueRiskWarning, match="no sample_weight"):
        Scorecard(selector=WOESelector()).fit(X, y, sample_weight=np.ones(len(X)))
