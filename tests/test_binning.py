"""WOEBinner: fitting, transform outputs, bad inputs, manual overrides, count tables."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk import WOEBinner
from overdue_risk.binning import BinningTable, CountTable, FeatureBinning
from overdue_risk.exceptions import ConstraintError, DataError, NotFittedError


@pytest.fixture
def frame(rng) -> tuple[pd.DataFrame, np.ndarray]:
    n = 3000
    income = rng.lognormal(8, 0.6, n)
    age = rng.integers(18, 70, n).astype(float)
    purpose = rng.choice(["cash", "car", "education", "medical", "travel"], n)
    risk = -1.5 - 0.8 * (np.log(income) - 8) + np.where(purpose == "travel", 0.9, 0.0)
    risk += 0.02 * (age - 40) ** 2 / 10
    y = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int)
    income[rng.random(n) < 0.05] = np.nan
    age[rng.random(n) < 0.03] = -1.0  # special code: age not declared
    df = pd.DataFrame({"income": income, "age": age, "purpose": purpose})
    df.loc[rng.random(n) < 0.02, "purpose"] = None
    return df, y


def test_fit_mixed_frame_layout_and_woe_convention(frame) -> None:
    df, y = frame
    b = WOEBinner(special_codes={"age": [-1]}).fit(df, y)
    assert list(b.feature_names_in_) == ["income", "age", "purpose"]
    inc, age, pur = b.bins_["income"], b.bins_["age"], b.bins_["purpose"]
    assert isinstance(inc, FeatureBinning)
    assert (inc.kind, age.kind, pur.kind) == ("numeric", "numeric", "categorical")
    assert age.special_codes == (-1.0,)
    for fb in (inc, age, pur):
        assert fb.woe.shape == (fb.n_bins + 2 + len(fb.special_codes),)
        assert len(fb.labels) == fb.woe.shape[0]
        assert np.isfinite(fb.woe).all()
    # income lowers risk: event rate descending, WOE ascending with income
    assert inc.trend == "descending"
    assert (np.diff(inc.woe[: inc.n_bins]) > 0).all()
    # special bin holds exactly the -1 rows; missing bin the NaN rows
    assert age.event_count[age.n_bins + 1] + age.nonevent_count[age.n_bins + 1] == (
        (df["age"] == -1).sum()
    )
    assert inc.event_count[inc.n_bins] + inc.nonevent_count[inc.n_bins] == df["income"].isna().sum()
    # WOE convention: logistic regression of y on WOE has negative coefficients
    from sklearn.linear_model import LogisticRegression

    coef = LogisticRegression().fit(b.transform(df), y).coef_.ravel()
    assert (coef < 0).all()


@pytest.mark.parametrize("trend", ["ascending", "descending", "peak", "valley"])
def test_monotonic_constraints_hold(rng, trend) -> None:
    x = rng.normal(size=(4000, 2))
    y = (rng.random(4000) < 1 / (1 + np.exp(-(x[:, 0] + 0.5 * x[:, 1] ** 2 - 1.5)))).astype(int)
    b = WOEBinner(max_n_bins=6, monotonic_trend=trend).fit(x, y)
    for fb in b.bins_.values():
        rate = fb.event_count[: fb.n_bins] / (fb.event_count + fb.nonevent_count)[: fb.n_bins]
        d = np.diff(rate)
        if trend == "ascending":
            assert (d >= 0).all()
        elif trend == "descending":
            assert (d <= 0).all()
        else:
            sign = 1 if trend == "peak" else -1
            turn = int(np.argmax(sign * rate))
            assert (sign * d[:turn] >= 0).all()
            assert (sign * d[turn:] <= 0).all()
        assert fb.n_bins <= 6


def test_transform_outputs_and_set_output(frame) -> None:
    df, y = frame
    woe = WOEBinner().fit(df, y)
    idx = WOEBinner(output="index").fit(df, y).transform(df)
    rate = WOEBinner(output="event_rate").fit(df, y).transform(df)
    assert idx.dtype == np.int64
    fb = woe.bins_["income"]
    np.testing.assert_allclose(woe.transform(df)[:, 0], fb.woe[idx[:, 0]])
    # event rate of a regular bin = events / count
    i = int(idx[0, 0])
    assert rate[0, 0] == pytest.approx(
        fb.event_count[i] / (fb.event_count[i] + fb.nonevent_count[i])
    )
    out = woe.set_output(transform="pandas").transform(df)
    assert list(out.columns) == ["income", "age", "purpose"]
    assert list(woe.get_feature_names_out()) == ["income", "age", "purpose"]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("worst", "min"), ("missing", "missing"), ("neutral", 0.0)],
)
def test_unseen_category_policies(frame, policy, expected) -> None:
    df, y = frame
    b = WOEBinner(unseen_policy=policy).fit(df, y)
    fb = b.bins_["purpose"]
    new = df.head(2).copy()
    new["purpose"] = ["spaceship", None]
    out = b.transform(new)[:, 2]
    want = {"min": fb.woe[:-1].min(), "missing": fb.woe[fb.n_bins]}.get(expected, expected)
    assert out[0] == pytest.approx(want)
    assert out[1] == pytest.approx(fb.woe[fb.n_bins])
    assert fb.woe[-1] == pytest.approx(want)


def test_unseen_category_error_policy(frame) -> None:
    df, y = frame
    b = WOEBinner(unseen_policy="error").fit(df, y)
    new = df.head(1).copy()
    new["purpose"] = ["spaceship"]
    with pytest.raises(DataError, match=r"'purpose'.*'spaceship'"):
        b.transform(new)


def test_missing_values_are_one(rng) -> None:
    x = np.array([1.0, 2.0, None, np.nan, pd.NA, 3.0, 4.0, 5.0] * 50, dtype=object)
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1] * 50)
    b = WOEBinner(min_bin_frac=0.1, special_codes=[]).fit(x.reshape(-1, 1), y)
    fb = b.bins_["x0"]
    assert fb.event_count[fb.n_bins] + fb.nonevent_count[fb.n_bins] == 150
    idx = fb.bin_index(np.array([None, np.nan, pd.NA], dtype=object))
    assert (idx == fb.n_bins).all()


@pytest.mark.parametrize(
    ("x", "y", "match"),
    [
        (np.arange(10.0), np.zeros(10), "single class"),
        (np.r_[np.arange(9.0), np.inf], np.arange(10) % 2, r"'x0'.*non-finite"),
        (
            np.array([1, 2, "abc", 4] * 5, dtype=object),
            np.arange(20) % 2,
            r"'x0'.*numbers and strings",
        ),
        (np.arange(10.0), np.arange(9) % 2, "same number of rows"),
        (np.full(10, np.nan), np.arange(10) % 2, r"'x0' is entirely missing"),
    ],
)
def test_bad_inputs_raise_clear_errors(x, y, match) -> None:
    with pytest.raises(DataError, match=match):
        WOEBinner().fit(np.asarray(x).reshape(-1, 1), y)


def test_strings_in_declared_numeric_column() -> None:
    df = pd.DataFrame({"amount": pd.Series([1.0, "n/a", 3.0, 4.0] * 5, dtype=object)})
    with pytest.raises(DataError, match="'amount'"):
        WOEBinner(categorical_features=[]).fit(df, np.arange(20) % 2)


def test_constant_column_and_unused_special_code(rng) -> None:
    y = (rng.random(200) < 0.3).astype(int)
    b = WOEBinner(special_codes=[-99]).fit(np.ones((200, 1)), y)
    fb = b.bins_["x0"]
    assert fb.n_bins == 1
    assert fb.splits == ()
    assert fb.woe[0] == pytest.approx(0.0)  # the one bin holds everything
    assert fb.woe[fb.n_bins + 1] == 0.0  # never-seen special code: empty bin, WOE 0
    assert b.iv_["x0"] == pytest.approx(0.0)


def test_unsatisfiable_constraints_raise_constraint_error(rng) -> None:
    x = rng.normal(size=(100, 1))
    y = np.zeros(100, dtype=int)
    y[:3] = 1
    with pytest.raises(ConstraintError, match=r"'x0'.*min_event_count=5"):
        WOEBinner(min_event_count=5).fit(x, y)


def test_not_fitted_and_unknown_feature(frame) -> None:
    with pytest.raises(NotFittedError):
        WOEBinner().transform(np.zeros((2, 1)))
    df, y = frame
    with pytest.raises(DataError, match="Unknown feature 'nope'"):
        WOEBinner().fit(df, y).binning_table("nope")


def test_sample_weight_equals_repetition(rng) -> None:
    x = rng.normal(size=(300, 1))
    y = (rng.random(300) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    w = rng.integers(0, 4, 300)
    a = WOEBinner(max_n_bins=4).fit(x, y, sample_weight=w)
    b = WOEBinner(max_n_bins=4).fit(np.repeat(x, w, axis=0), np.repeat(y, w))
    assert a.bins_["x0"].splits == b.bins_["x0"].splits
    np.testing.assert_allclose(a.bins_["x0"].woe, b.bins_["x0"].woe)
    with pytest.raises(DataError, match="sample_weight has 2 entries"):
        WOEBinner().fit(x, y, sample_weight=[1.0, 2.0])


def test_binning_table_summary_plot_and_spec(frame) -> None:
    import matplotlib

    matplotlib.use("Agg")
    df, y = frame
    b = WOEBinner(special_codes={"age": [-1]}).fit(df, y)
    table = b.binning_table("income")
    assert isinstance(table, BinningTable)
    assert table.total_iv == pytest.approx(b.iv_["income"])
    frame_ = table.to_frame()
    assert frame_.iloc[-1]["bin"] == "Totals"
    assert frame_["count"].iloc[-1] == pytest.approx(len(df))
    assert "<table>" in table._repr_html_()
    assert "Binning table: income" in table.summary()
    assert table.plot() is not None
    s = b.summary().to_frame()
    assert list(s["feature"]) == ["income", "age", "purpose"]
    assert (s["iv"] > 0).all()
    assert (s["gini"].between(0, 1)).all()
    spec = b.bins_["age"].to_spec_dict()
    assert spec["special_codes"] == [-1.0]
    assert len(spec["bins"]) == len(spec["splits"]) + 3  # regular, missing, one special
    assert len(spec["woe"]["bins"]) == len(spec["splits"]) + 1
    json.dumps(spec, allow_nan=False)
    cat = b.bins_["purpose"].to_spec_dict()
    assert sorted(c for g in cat["categories"] for c in g) == sorted(
        ["car", "cash", "education", "medical", "travel"]
    )


def test_manual_merge_and_set_splits_are_recorded(frame) -> None:
    df, y = frame
    b = WOEBinner().fit(df, y)
    before = b.bins_["income"]
    merged = b.merge_bins("income", 0, 1, reason="reviewer: too granular at the bottom")
    assert merged.n_bins == before.n_bins - 1
    assert merged.splits == before.splits[1:]
    # counts of the merged bin are the sum of the two
    assert merged.event_count[0] == pytest.approx(before.event_count[:2].sum())
    assert b.bins_["income"] is merged
    assert b.iv_["income"] == pytest.approx(merged.iv)
    edges = b.count_tables_["income"].splits
    b.set_splits("income", [edges[2], edges[5]], reason="policy bands")
    assert b.bins_["income"].splits == (edges[2], edges[5])
    with pytest.raises(DataError, match="not pre-bin edges"):
        b.set_splits("income", [123.456], reason="x")
    with pytest.raises(DataError, match="reason"):
        b.merge_bins("income", 0, 1, reason="")
    # any cut point, given the training data again: recounted exactly
    fb = b.set_splits("income", [3000.0], reason="policy: 3,000 income floor", X=df, y=y)
    assert fb.splits == (3000.0,)
    low = (df["income"] < 3000).to_numpy()
    assert fb.event_count[0] == y[low].sum()
    assert fb.nonevent_count[1] == (1 - y[~low & df["income"].notna().to_numpy()]).sum()
    groups = [["car", "cash", "education"], ["medical", "travel"]]
    b.set_splits("purpose", groups, reason="two groups")
    assert b.bins_["purpose"].categories == (("car", "cash", "education"), ("medical", "travel"))
    actions = [o["action"] for o in b.overrides_]
    assert actions == ["merge_bins", "set_splits", "set_splits", "set_splits"]
    assert b.overrides_[3]["after"] == groups
    assert b.overrides_[2]["reason"] == "policy: 3,000 income floor"
    json.dumps(b.overrides_)


def test_count_tables_are_mergeable_and_fit_from_counts_matches_fit(rng) -> None:
    n = 4000
    x = rng.normal(size=n)
    x[rng.random(n) < 0.05] = np.nan
    x[rng.random(n) < 0.03] = -9.0
    y = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int)
    b = WOEBinner(max_n_bins=5, special_codes=[-9]).fit(x.reshape(-1, 1), y)
    splits = b.count_tables_["x0"].splits
    chunks = [
        CountTable.from_data(
            "x0", x[i : i + 1000], y[i : i + 1000], splits=splits, special_codes=[-9.0]
        )
        for i in range(0, n, 1000)
    ]
    total = sum(chunks)
    assert isinstance(total, CountTable)
    np.testing.assert_allclose(total.event, b.count_tables_["x0"].event)
    np.testing.assert_allclose(total.nonevent, b.count_tables_["x0"].nonevent)
    c = WOEBinner(max_n_bins=5).fit_from_counts({"x0": total})
    assert c.bins_["x0"].splits == b.bins_["x0"].splits
    np.testing.assert_allclose(c.bins_["x0"].woe, b.bins_["x0"].woe)
    with pytest.raises(DataError, match="different pre-bin splits"):
        chunks[0] + CountTable.from_data("x0", x, y, splits=[0.0], special_codes=[-9.0])


def test_categorical_count_tables_union_categories() -> None:
    a = CountTable.from_data("p", ["a", "b", "a"], [1, 0, 0], kind="categorical")
    b = CountTable.from_data("p", ["c", "a", None], [1, 1, 0], kind="categorical")
    s = a + b
    assert s.categories == ("a", "b", "c")
    assert s.event.tolist() == [2.0, 0.0, 1.0, 0.0]
    assert s.nonevent.tolist() == [1.0, 1.0, 0.0, 1.0]


def test_rare_categories_pooled_and_numeric_codes_canonical(rng) -> None:
    n = 2000
    cat = rng.choice([1, 2, 3], n).astype(object)
    cat[:5] = 7  # rare
    y = (rng.random(n) < np.where(cat == 3, 0.5, 0.1)).astype(int)
    b = WOEBinner(categorical_features=[0]).fit(cat.reshape(-1, 1), y)
    fb = b.bins_["x0"]
    assert any("7" in g for g in fb.categories)
    # 3.0 and "3" are the same category as 3
    idx = fb.bin_index(np.array([3, 3.0, "3"], dtype=object))
    assert len(set(idx.tolist())) == 1


def test_fit_from_counts_accepts_duck_typed_tables(rng) -> None:
    # counts computed elsewhere (e.g. a Spark job) with events/nonevents field names
    from types import SimpleNamespace

    x = rng.normal(size=5000)
    y = (rng.random(5000) < 1 / (1 + np.exp(-x))).astype(int)
    b = WOEBinner(max_n_bins=4).fit(x.reshape(-1, 1), y)
    ref = b.count_tables_["x0"]
    t = SimpleNamespace(
        name="x0",
        kind="numeric",
        splits=ref.splits,
        categories=(),
        special_codes=(),
        events=ref.event.copy(),
        nonevents=ref.nonevent.copy(),
    )
    c = WOEBinner(max_n_bins=4).fit_from_counts([t])
    assert c.bins_["x0"].splits == b.bins_["x0"].splits
    np.testing.assert_allclose(c.bins_["x0"].woe, b.bins_["x0"].woe)
    with pytest.raises(DataError, match="lacking 'events'"):
        WOEBinner().fit_from_counts(
            [SimpleNamespace(name="x0", kind="numeric", splits=(), categories=(), special_codes=())]
        )


def test_other_labels_need_pos_label(rng) -> None:
    """The one target rule: 0/1 or bool pass, any other two labels need pos_label."""
    x = rng.normal(size=(500, 1))
    y = (rng.random(500) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    a = WOEBinner(max_n_bins=4).fit(x, y)
    with pytest.raises(DataError, match=r"y has labels \[1, 2\]; pass pos_label=2"):
        WOEBinner(max_n_bins=4).fit(x, y + 1)
    b = WOEBinner(max_n_bins=4, pos_label=2).fit(x, y + 1)
    np.testing.assert_allclose(a.bins_["x0"].woe, b.bins_["x0"].woe)
    text = np.where(y == 1, "bad", "good")
    with pytest.raises(DataError, match=r"y has labels \['bad', 'good'\]; pass pos_label='bad'"):
        WOEBinner().fit(x, text)
    c = WOEBinner(max_n_bins=4, pos_label="bad").fit(x, text)
    np.testing.assert_allclose(a.bins_["x0"].woe, c.bins_["x0"].woe)


def test_manual_bins_parameter_survives_clone_and_refit(frame) -> None:
    from sklearn.base import clone

    df, y = frame
    b = WOEBinner().fit(df, y)
    b.merge_bins("income", 0, 1, reason="too granular")
    b.set_splits("purpose", [["car", "cash"], ["education", "medical", "travel"]], reason="2")
    params = b.manual_bins_from_overrides()
    assert params["income"] == {"splits": list(b.bins_["income"].splits), "reason": "too granular"}
    refit = clone(WOEBinner(manual_bins=params)).fit(df, y)
    assert refit.bins_["income"].splits == b.bins_["income"].splits
    assert refit.bins_["purpose"].categories == b.bins_["purpose"].categories
    np.testing.assert_allclose(refit.bins_["income"].woe, b.bins_["income"].woe)
    assert [o["action"] for o in refit.overrides_] == ["manual_bins", "manual_bins"]
    with pytest.raises(DataError, match="reason"):
        WOEBinner(manual_bins={"income": {"splits": [1000.0]}}).fit(df, y)
    with pytest.raises(DataError, match="'splits'"):
        WOEBinner(manual_bins={"income": [1000.0]}).fit(df, y)


def test_golden_uci_limit_bal_woe_matches_optbinning(uci_path) -> None:
    # Golden values: optbinning 1.0 OptimalBinning(user_splits=[50k, 100k, 200k, 350k],
    # user_splits_fixed, monotonic_trend=None).binning_table on the UCI "default of credit
    # card clients" data (Yeh & Lien 2009): WoE per bin and total IV 0.166133.
    df = pd.read_csv(uci_path)
    splits = [50000.0, 100000.0, 200000.0, 350000.0]
    b = WOEBinner(
        max_n_bins=None,
        monotonic_trend=None,
        min_bin_frac=0.0,
        min_event_count=0,
        min_nonevent_count=0,
        user_splits={"LIMIT_BAL": splits},
    ).fit(df[["LIMIT_BAL"]], df["next_payment"])
    fb = b.bins_["LIMIT_BAL"]
    assert fb.splits == tuple(splits)
    assert fb.woe[:5] == pytest.approx(
        [-0.686382, -0.213344, 0.080142, 0.402417, 0.609262], abs=1e-6
    )
    assert b.iv_["LIMIT_BAL"] == pytest.approx(0.166133, abs=1e-6)
    assert fb.event_count[:5].tolist() == [1555, 1857, 1537, 1207, 480]


def test_polars_input_and_output() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"a": [1.0, None, 3.0, 4.0] * 50, "c": ["x", "y", None, "x"] * 50})
    y = np.array([0, 1, 1, 0] * 50)
    b = WOEBinner(min_bin_frac=0.1).fit(frame, y)
    assert list(b.feature_names_in_) == ["a", "c"]
    assert b.bins_["a"].kind == "numeric"
    assert b.bins_["c"].kind == "categorical"
    out = b.set_output(transform="polars").transform(frame)
    assert isinstance(out, pl.DataFrame)
    assert out.columns == ["a", "c"]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    trend=st.sampled_from(["ascending", "descending", "peak", "valley", "auto"]),
    max_n_bins=st.integers(2, 8),
    min_bin_frac=st.sampled_from([0.0, 0.05, 0.1]),
)
def test_fitted_bins_obey_constraints_property(seed, trend, max_n_bins, min_bin_frac) -> None:
    rng = np.random.default_rng(seed)
    n = 600
    x = rng.normal(size=n)
    x[rng.random(n) < 0.05] = np.nan
    y = (rng.random(n) < 1 / (1 + np.exp(-np.sin(2 * np.nan_to_num(x))))).astype(int)
    y[:2] = [0, 1]
    b = WOEBinner(max_n_bins=max_n_bins, monotonic_trend=trend, min_bin_frac=min_bin_frac)
    fb = b.fit(x.reshape(-1, 1), y).bins_["x0"]
    ev, ne = fb.event_count[: fb.n_bins], fb.nonevent_count[: fb.n_bins]
    assert fb.n_bins <= max_n_bins
    assert ((ev + ne) >= min_bin_frac * (ev + ne).sum() - 1e-9).all()
    assert (ev >= 1).all()
    assert (ne >= 1).all()
    assert b.iv_["x0"] >= 0
    d = np.diff(ev / (ev + ne))
    shape = fb.trend
    if shape == "ascending":
        assert (d >= 0).all()
    elif shape == "descending":
        assert (d <= 0).all()
    else:
        rates = ev / (ev + ne)
        turn = int(np.argmax(rates if shape == "peak" else -rates))
        sign = 1 if shape == "peak" else -1
        assert (sign * d[:turn] >= 0).all()
        assert (sign * d[turn:] <= 0).all()
    if trend != "auto":
        assert shape == trend
    # transform is woe[bin_index] everywhere
    np.testing.assert_allclose(b.transform(x.reshape(-1, 1))[:, 0], fb.woe[fb.bin_index(x)])


def test_pandas_categorical_of_numbers_is_categorical(rng) -> None:
    df = pd.DataFrame({"education": pd.Categorical(rng.integers(1, 4, 600))})
    y = (rng.random(600) < 0.3).astype(int)
    fb = WOEBinner().fit(df, y).bins_["education"]
    assert fb.kind == "categorical"
    assert sorted(c for g in fb.categories for c in g) == ["1", "2", "3"]


def test_global_special_codes_apply_to_numeric_columns_only(frame) -> None:
    df, y = frame
    b = WOEBinner(special_codes=[-1]).fit(df, y)
    assert b.bins_["age"].special_codes == (-1.0,)
    assert b.bins_["purpose"].special_codes == ()
    with pytest.raises(DataError, match="categorical column 'purpose'"):
        WOEBinner(special_codes={"purpose": [-1]}).fit(df, y)


@pytest.mark.parametrize("param", ["user_splits", "special_codes", "manual_bins"])
def test_per_column_parameters_must_name_existing_columns(frame, param) -> None:
    df, y = frame
    value = {"incme": {"splits": [1.0], "reason": "typo"} if param == "manual_bins" else [1.0]}
    with pytest.raises(DataError, match=rf"{param} names columns \['incme'\]"):
        WOEBinner(**{param: value}).fit(df, y)


def test_constraint_error_names_nonevent_minimum_even_when_mostly_missing(rng) -> None:
    x = np.full(400, np.nan)
    x[:10] = rng.normal(size=10)  # 2.5% of the rows are regular
    y = np.zeros(400, dtype=int)
    y[:10] = 1  # ... and all of them are defaults
    y[10:20] = 1
    with pytest.raises(ConstraintError, match=r"'x0'.*min_nonevent_count=1.*0 non-events"):
        WOEBinner().fit(x.reshape(-1, 1), y)
    # categorical columns name the binding constraint the same way
    cats = np.array(["a", "b"] * 200, dtype=object)
    yc = np.zeros(400, dtype=int)
    yc[:2] = 1
    with pytest.raises(ConstraintError, match=r"min_event_count=3"):
        WOEBinner(min_event_count=3).fit(cats.reshape(-1, 1), yc)


def test_high_cardinality_all_rare_categories_are_not_pooled_into_one(rng) -> None:
    n = 20_000
    codes = rng.integers(0, 300, n)  # 300 categories, each ~0.33% < rare_category_frac
    y = (rng.random(n) < np.where(codes < 100, 0.4, 0.1)).astype(int)
    fb = WOEBinner(max_n_bins=4).fit(codes.astype(str).astype(object).reshape(-1, 1), y).bins_["x0"]
    assert fb.n_bins >= 2
    riskiest = fb.categories[int(np.argmin(fb.woe[: fb.n_bins]))]
    assert all(int(c) < 100 for c in riskiest)


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.sampled_from(["a", "b", "c", 1, 2.0])), min_size=2, max_size=60
    ),
    cut=st.integers(0, 60),
)
def test_count_tables_of_a_partition_sum_to_the_table_of_the_union(values, cut) -> None:
    x = np.array(values, dtype=object)
    y = np.arange(len(values)) % 2
    cut = min(cut, len(values))
    whole = CountTable.from_data("f", x, y, kind="categorical")
    parts = CountTable.from_data("f", x[:cut], y[:cut], kind="categorical") + CountTable.from_data(
        "f", x[cut:], y[cut:], kind="categorical"
    )
    assert parts.categories == whole.categories
    np.testing.assert_array_equal(parts.event, whole.event)
    np.testing.assert_array_equal(parts.nonevent, whole.nonevent)
    xs = np.array([np.nan if v is None or isinstance(v, str) else float(v) for v in values])
    num = CountTable.from_data("g", xs, y, splits=[1.5])
    split = CountTable.from_data("g", xs[:cut], y[:cut], splits=[1.5]) + CountTable.from_data(
        "g", xs[cut:], y[cut:], splits=[1.5]
    )
    np.testing.assert_array_equal(split.event, num.event)
