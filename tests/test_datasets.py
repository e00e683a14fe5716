"""The synthetic micro-loan book and the portfolio loaders.

Invariants of the panel (buckets, balances, absorbing states, the target read off the
panel), realism of the dynamics (bad rate, roll rates, a U-shape in age), determinism, and
the errors the loaders raise for bad files.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overdue_risk.buckets import STATES, dpd_to_bucket
from overdue_risk.datasets import Portfolio, load_portfolio, make_microloan_portfolio
from overdue_risk.datasets._generator import annuity_balance, annuity_payment
from overdue_risk.exceptions import DataError

CONTRACT_APPS = [
    "loan_id",
    "origination_month",
    "age",
    "monthly_income",
    "employment_type",
    "months_employed",
    "debt_to_income",
    "n_existing_loans",
    "credit_history_months",
    "n_past_overdue",
    "worst_past_dpd",
    "n_inquiries_6m",
    "loan_amount",
    "term_months",
    "apr",
    "purpose",
    "channel",
    "region",
    "bad",
    "bad_observed",
]
CONTRACT_PERF = [
    "loan_id",
    "month",
    "mob",
    "dpd",
    "bucket",
    "status",
    "balance",
    "scheduled_payment",
    "paid_amount",
    "charge_off_amount",
]


@pytest.fixture(scope="module")
def small() -> Portfolio:
    return make_microloan_portfolio(n_loans=3_000, n_months=24, random_state=11)


@pytest.fixture(scope="module")
def large() -> Portfolio:
    """Large enough for rates to be stable (about 0.2 s to build)."""
    return make_microloan_portfolio(n_loans=30_000, n_months=24, random_state=5)


def _transitions(perf: pd.DataFrame) -> pd.DataFrame:
    """Share of loans moving from each bucket to each next-month bucket."""
    nxt = perf.groupby("loan_id")["bucket"].shift(-1)
    has_next = nxt.notna()
    return pd.crosstab(perf.loc[has_next, "bucket"], nxt[has_next], normalize="index")


def check_panel_invariants(pf: Portfolio) -> None:
    apps, perf = pf.applications, pf.performance
    # one row per loan, the contract's columns
    assert set(CONTRACT_APPS) <= set(apps.columns)
    assert list(perf.columns) == CONTRACT_PERF
    assert apps["loan_id"].is_unique
    if perf.empty:
        return
    assert set(perf["loan_id"]) <= set(apps["loan_id"])
    assert not perf.duplicated(["loan_id", "month"]).any()
    status = perf["status"].to_numpy(dtype=object)
    bucket = perf["bucket"].to_numpy(dtype=object)
    dpd = perf["dpd"].to_numpy()
    active = status == "active"
    # bucket and DPD agree; CO / PO carry the closing status
    assert (dpd >= 0).all()
    np.testing.assert_array_equal(bucket[active], dpd_to_bucket(dpd[active]))
    np.testing.assert_array_equal(bucket == "CO", status == "charged_off")
    np.testing.assert_array_equal(bucket == "PO", np.isin(status, ["paid_off", "prepaid"]))
    assert (dpd[status == "charged_off"] > 180).all()
    assert (dpd[active] <= 180).all()
    # balances: never negative, never rising, zero on the closing row
    for col in ("balance", "scheduled_payment", "paid_amount", "charge_off_amount"):
        assert (perf[col] >= 0).all(), col
    assert (perf.loc[~active, "balance"] == 0).all()
    rise = perf.groupby("loan_id")["balance"].diff()
    assert (rise.dropna() <= 1e-9).all()
    assert (perf.loc[status != "charged_off", "charge_off_amount"] == 0).all()
    assert (perf.loc[status == "charged_off", "charge_off_amount"] > 0).all()
    # absorbing: the closing row is the last row of its loan, and there is at most one
    last = ~perf["loan_id"].duplicated(keep="last").to_numpy()
    assert (last[~active]).all()
    # mob runs 1, 2, 3 ... and month = origination month + mob
    first = ~perf["loan_id"].duplicated(keep="first").to_numpy()
    assert (perf.loc[first, "mob"] == 1).all()
    assert (perf.groupby("loan_id")["mob"].diff().dropna() == 1).all()
    orig = perf["loan_id"].map(apps.set_index("loan_id")["origination_month"])
    months_after = (perf["month"].dt.year - orig.dt.year) * 12 + perf["month"].dt.month
    np.testing.assert_array_equal(months_after - orig.dt.month, perf["mob"])
    assert (perf["month"].dt.day == 1).all()


def recompute_target(pf: Portfolio) -> tuple[pd.Series, pd.Series]:
    """The target straight from the panel with pandas (independent of derive_target)."""
    apps, perf = pf.applications.set_index("loan_id"), pf.performance
    window = perf[perf["mob"] <= pf.target_window]
    bad = (
        window.assign(hit=window["dpd"] >= pf.target_dpd)
        .groupby("loan_id")["hit"]
        .any()
        .reindex(apps.index, fill_value=False)
    )
    closed = (
        window.assign(c=window["status"] != "active")
        .groupby("loan_id")["c"]
        .any()
        .reindex(apps.index, fill_value=False)
    )
    last = perf["month"].max()
    months_left = (last.year - apps["origination_month"].dt.year) * 12 + (
        last.month - apps["origination_month"].dt.month
    )
    observed = (months_left >= pf.target_window) | closed | bad
    return bad.astype(np.int64), observed


# --------------------------------------------------------------------------------------
# structure and invariants
# --------------------------------------------------------------------------------------
def test_frames_follow_the_contract(small: Portfolio) -> None:
    apps, perf = small.applications, small.performance
    assert apps.shape[0] == 3_000
    assert apps["loan_id"].dtype == np.int64
    assert perf["loan_id"].dtype == np.int64
    assert str(apps["origination_month"].dtype).startswith("datetime64")
    assert str(perf["month"].dtype).startswith("datetime64")
    assert (apps["origination_month"].dt.day == 1).all()
    assert perf["dpd"].dtype == np.int64
    assert apps["bad_observed"].dtype == bool
    assert set(apps["bad"].unique()) == {0, 1}
    assert small.target_name == "bad"
    assert set(small.feature_names) == set(CONTRACT_APPS) - {
        "loan_id",
        "origination_month",
        "bad",
        "bad_observed",
    }
    assert set(perf["status"].unique()) == {"active", "paid_off", "prepaid", "charged_off"}
    # loans originate staggered over the panel
    assert apps["origination_month"].nunique() == 23


def test_panel_invariants(small: Portfolio) -> None:
    check_panel_invariants(small)


def test_target_agrees_with_the_panel(small: Portfolio) -> None:
    bad, observed = recompute_target(small)
    apps = small.applications.set_index("loan_id")
    np.testing.assert_array_equal(apps["bad"], bad)
    np.testing.assert_array_equal(apps["bad_observed"], observed)
    # an unobserved loan is still open at the end of the panel and not yet bad
    unobserved = apps.index[~apps["bad_observed"]]
    last_rows = small.performance.drop_duplicates("loan_id", keep="last").set_index("loan_id")
    assert (last_rows.loc[last_rows.index.intersection(unobserved), "status"] == "active").all()
    assert (apps.loc[unobserved, "bad"] == 0).all()


def test_charge_off_writes_off_the_last_balance(small: Portfolio) -> None:
    perf = small.performance
    prev_balance = perf.groupby("loan_id")["balance"].shift(1)
    co = perf["status"] == "charged_off"
    assert co.sum() > 0
    np.testing.assert_allclose(perf.loc[co, "charge_off_amount"], prev_balance[co], atol=0.011)


def test_scheduled_payment_is_the_annuity(small: Portfolio) -> None:
    apps = small.applications.set_index("loan_id")
    first = small.performance.drop_duplicates("loan_id")
    a = apps.loc[first["loan_id"]]
    expected = annuity_payment(
        a["loan_amount"].to_numpy(), a["apr"].to_numpy() / 12, a["term_months"].to_numpy()
    )
    np.testing.assert_allclose(first["scheduled_payment"], expected, atol=0.006)


def test_annuity_golden_values() -> None:
    # Standard level-payment annuity, e.g. Brealey, Myers & Allen, Principles of Corporate
    # Finance, ch. 2: 1,000 at 3% a month over 12 months -> 100.46 a month; after 6
    # instalments the balance is the present value of the 6 left: 100.4621 * a(6, 3%) = 544.22.
    pay = annuity_payment(np.array([1000.0]), np.array([0.03]), np.array([12]))
    assert pay[0] == pytest.approx(100.4621, abs=1e-4)
    bal = annuity_balance(np.array([1000.0]), np.array([0.03]), np.array([12]), np.array([6]))
    assert bal[0] == pytest.approx(544.22, abs=0.01)
    end = annuity_balance(np.array([1000.0]), np.array([0.03]), np.array([12]), np.array([12]))
    assert end[0] == pytest.approx(0.0, abs=1e-9)


def test_missing_values_and_special_codes(large: Portfolio) -> None:
    apps = large.applications
    no_income = apps["monthly_income"].isna().mean()
    assert 0.05 < no_income < 0.11
    assert apps["debt_to_income"].isna().equals(apps["monthly_income"].isna())
    not_working = apps["employment_type"].isin(["student", "retired", "unemployed"])
    assert apps.loc[not_working, "months_employed"].isna().all()
    assert apps.loc[~not_working, "months_employed"].notna().all()
    no_history = apps["credit_history_months"] == -1
    assert 0.05 < no_history.mean() < 0.3
    np.testing.assert_array_equal(no_history, apps["worst_past_dpd"] == -1)
    assert set(apps["term_months"].unique()) == {3, 6, 9, 12, 18, 24}
    assert apps["age"].between(18, 75).all()


def test_data_dictionary_documents_every_column(small: Portfolio) -> None:
    dd = small.data_dictionary
    for table, frame in (("applications", small.applications), ("performance", small.performance)):
        documented = set(dd.loc[dd["table"] == table, "column"])
        assert documented == set(frame.columns), table
    assert dd["description"].str.len().gt(10).all()
    assert "-1" in dd.set_index("column").loc["credit_history_months", "description"]


# --------------------------------------------------------------------------------------
# realism
# --------------------------------------------------------------------------------------
def test_bad_rate_is_realistic(large: Portfolio) -> None:
    apps = large.applications
    rate = apps.loc[apps["bad_observed"], "bad"].mean()
    assert 0.05 < rate < 0.25


def test_roll_rates_are_realistic_and_ordered(large: Portfolio) -> None:
    tm = _transitions(large.performance)
    m0_m1 = tm.loc["M0", "M1"]
    assert 0.02 <= m0_m1 <= 0.07
    assert 0.3 <= tm.loc["M1", "M0"] <= 0.6  # M1 cure
    chain = ["M1", "M2", "M3", "M4", "M5", "M6+"]
    rolls = [tm.loc[a, b] for a, b in itertools.pairwise(chain)]
    assert rolls == sorted(rolls), rolls
    assert 0.7 <= tm.loc["M3", "M4"] <= 0.85
    assert tm.loc["M6+", "CO"] > 0.9


def test_seasoning_peaks_between_mob_4_and_8(large: Portfolio) -> None:
    perf = large.performance
    nxt = perf.groupby("loan_id")["bucket"].shift(-1)
    cur = (perf["bucket"] == "M0") & nxt.notna()
    miss = (nxt[cur] == "M1").groupby(perf.loc[cur, "mob"]).mean()
    assert 4 <= miss.loc[1:12].idxmax() <= 8
    assert miss.loc[1] < miss.loc[4:8].max()


def test_age_effect_is_u_shaped(large: Portfolio) -> None:
    obs = large.applications[large.applications["bad_observed"]]
    decile = pd.qcut(obs["age"].rank(method="first"), 10, labels=False)
    rate = obs.groupby(decile)["bad"].mean()
    middle = rate.loc[3:6].mean()
    assert rate.loc[0] > middle
    assert rate.loc[9] > middle


def test_dti_threshold_and_no_history_raise_risk(large: Portfolio) -> None:
    obs = large.applications[large.applications["bad_observed"]]
    high = obs.loc[obs["debt_to_income"] > 0.5, "bad"].mean()
    low = obs.loc[obs["debt_to_income"] < 0.3, "bad"].mean()
    assert high > 1.5 * low
    assert (
        obs.loc[obs["credit_history_months"] == -1, "bad"].mean()
        > obs.loc[obs["credit_history_months"] > 24, "bad"].mean()
    )


def test_downturn_raises_delinquency() -> None:
    calm = make_microloan_portfolio(n_loans=8_000, n_months=24, random_state=3)
    storm = make_microloan_portfolio(
        n_loans=8_000, n_months=24, random_state=3, downturn=("2023-07", "2024-01")
    )

    def rate(pf: Portfolio) -> float:
        apps = pf.applications
        return float(apps.loc[apps["bad_observed"], "bad"].mean())

    assert rate(storm) > rate(calm) + 0.01
    # identical applications: the downturn acts on performance only
    pd.testing.assert_frame_equal(
        calm.applications.drop(columns=["bad", "bad_observed"]),
        storm.applications.drop(columns=["bad", "bad_observed"]),
    )


# --------------------------------------------------------------------------------------
# determinism and parameters
# --------------------------------------------------------------------------------------
def test_same_seed_same_frames() -> None:
    a = make_microloan_portfolio(n_loans=400, n_months=12, random_state=9)
    b = make_microloan_portfolio(n_loans=400, n_months=12, random_state=9)
    pd.testing.assert_frame_equal(a.applications, b.applications)
    pd.testing.assert_frame_equal(a.performance, b.performance)
    c = make_microloan_portfolio(n_loans=400, n_months=12, random_state=10)
    assert not a.applications.equals(c.applications)
    assert not a.performance.equals(c.performance)


def test_generator_as_random_state() -> None:
    a = make_microloan_portfolio(n_loans=50, n_months=6, random_state=np.random.default_rng(1))
    b = make_microloan_portfolio(n_loans=50, n_months=6, random_state=1)
    pd.testing.assert_frame_equal(a.performance, b.performance)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_loans": 0}, "n_loans must be >= 1"),
        ({"n_loans": 2.5}, "n_loans must be an integer"),
        ({"n_months": 1}, "n_months must be >= 2"),
        ({"random_state": "seed"}, "random_state must be"),
        ({"downturn": (1, 2, 3)}, "downturn must be a"),
        ({"downturn": ("soon", 3)}, "downturn start must be"),
        ({"start": "yesterday"}, "start must be a month"),
        ({"target_window": 0}, "target_window must be >= 1"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], match: str) -> None:
    params: dict[str, object] = {"n_loans": 10, "n_months": 6, **kwargs}
    with pytest.raises(DataError, match=match):
        make_microloan_portfolio(**params)  # type: ignore[arg-type]


def test_target_is_configurable() -> None:
    base = make_microloan_portfolio(n_loans=2_000, n_months=18, random_state=4)
    loose = make_microloan_portfolio(
        n_loans=2_000, n_months=18, random_state=4, target_dpd=30, target_window=6
    )
    pd.testing.assert_frame_equal(base.performance, loose.performance)
    bad, observed = recompute_target(loose)
    np.testing.assert_array_equal(loose.applications["bad"], bad)
    np.testing.assert_array_equal(loose.applications["bad_observed"], observed)
    assert loose.applications["bad"].mean() > base.applications["bad"].mean()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_loans=st.integers(1, 80),
    n_months=st.integers(2, 30),
    seed=st.integers(0, 2**32 - 1),
    downturn=st.none() | st.tuples(st.integers(0, 10), st.integers(10, 30)),
)
def test_invariants_hold_for_any_seed_and_size(
    n_loans: int, n_months: int, seed: int, downturn: tuple[int, int] | None
) -> None:
    pf = make_microloan_portfolio(
        n_loans=n_loans, n_months=n_months, random_state=seed, downturn=downturn
    )
    check_panel_invariants(pf)
    bad, observed = recompute_target(pf)
    np.testing.assert_array_equal(pf.applications["bad"], bad)
    np.testing.assert_array_equal(pf.applications["bad_observed"], observed)
    # the loaders read the generator's frames back unchanged, target re-derived or kept
    again = load_portfolio(pf.applications.drop(columns=["bad", "bad_observed"]), pf.performance)
    pd.testing.assert_frame_equal(again.applications, pf.applications, check_dtype=False)
    pd.testing.assert_frame_equal(again.performance, pf.performance, check_dtype=False)


def test_summary_and_xy(small: Portfolio) -> None:
    text = small.summary()
    assert "bad rate (observed)" in text
    assert "3,000" in text
    assert "<table>" in small._repr_html_()
    X, y = small.xy()
    assert list(X.columns) == list(small.feature_names)
    assert len(y) == int(small.applications["bad_observed"].sum())
    X_all, y_all = small.xy(observed_only=False)
    assert len(X_all) == len(y_all) == 3_000
    assert "n_loans=3000" in repr(small)


# --------------------------------------------------------------------------------------
# loaders
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny() -> Portfolio:
    return make_microloan_portfolio(n_loans=300, n_months=14, random_state=2)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_load_round_trip(tiny: Portfolio, tmp_path: Path, fmt: str) -> None:
    apps_path, perf_path = tmp_path / f"apps.{fmt}", tmp_path / f"perf.{fmt}"
    if fmt == "csv":
        tiny.applications.to_csv(apps_path, index=False)
        tiny.performance.to_csv(perf_path, index=False)
    else:
        tiny.applications.to_parquet(apps_path)
        tiny.performance.to_parquet(perf_path)
    loaded = load_portfolio(applications=apps_path, performance=str(perf_path))
    pd.testing.assert_frame_equal(loaded.performance, tiny.performance, check_dtype=False)
    pd.testing.assert_frame_equal(loaded.applications, tiny.applications, check_dtype=False)
    assert loaded.feature_names == tiny.feature_names


def test_load_derives_target_mob_and_bucket(tiny: Portfolio) -> None:
    apps = tiny.applications.drop(columns=["bad", "bad_observed"])
    perf = tiny.performance.drop(columns=["mob", "bucket", "paid_amount"])
    loaded = load_portfolio(apps, perf)
    np.testing.assert_array_equal(loaded.applications["bad"], tiny.applications["bad"])
    np.testing.assert_array_equal(
        loaded.applications["bad_observed"], tiny.applications["bad_observed"]
    )
    np.testing.assert_array_equal(loaded.performance["mob"], tiny.performance["mob"])
    np.testing.assert_array_equal(loaded.performance["bucket"], tiny.performance["bucket"])
    assert loaded.performance["paid_amount"].isna().all()


def test_bucket_is_an_ordered_categorical_of_the_states(tiny: Portfolio) -> None:
    """Generated and loaded books hold buckets as the views read them fastest (their
    codes); the labels are those of the text column they replace."""
    expected = pd.CategoricalDtype(list(STATES), ordered=True)
    assert tiny.performance["bucket"].dtype == expected
    dd = tiny.data_dictionary.set_index(["table", "column"])
    assert dd.loc[("performance", "bucket"), "dtype"] == "category"
    loaded = load_portfolio(
        tiny.applications, tiny.performance.assign(bucket=tiny.performance["bucket"].astype(str))
    )
    assert loaded.performance["bucket"].dtype == expected
    text = tiny.performance["bucket"].astype(str).to_numpy()
    np.testing.assert_array_equal(np.asarray(STATES)[tiny.performance["bucket"].cat.codes], text)


def test_load_keeps_extra_feature_columns(tiny: Portfolio) -> None:
    apps = tiny.applications.assign(bureau_score=1.0)
    loaded = load_portfolio(apps, tiny.performance)
    assert "bureau_score" in loaded.feature_names


def _break(frame: pd.DataFrame, column: str, row: int, value: object) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.loc[row, column] = value
    return out


@pytest.mark.parametrize(
    ("table", "change", "match"),
    [
        (
            "perf",
            lambda p: p.drop(columns=["dpd"]),
            r"performance lacks required columns \['dpd",
        ),
        ("apps", lambda a: a.drop(columns=["loan_id"]), "applications lacks required columns"),
        ("perf", lambda p: _break(p, "dpd", 5, "ten"), r"'dpd', row 5 holds 'ten'.*numeric"),
        ("perf", lambda p: _break(p, "dpd", 3, -4), r"'dpd', row 3 is -4; dpd must be >= 0"),
        ("perf", lambda p: _break(p, "dpd", 3, 4.5), r"'dpd', row 3 is 4.5.*whole number"),
        ("perf", lambda p: _break(p, "dpd", 2, None), r"'dpd', row 2 is missing"),
        ("perf", lambda p: _break(p, "balance", 7, -10.0), r"'balance', row 7 .*>= 0"),
        ("perf", lambda p: _break(p, "status", 1, "closed"), r"'status', row 1 holds 'closed'"),
        ("perf", lambda p: _break(p, "month", 4, "someday"), r"'month', row 4 .*not a date"),
        ("perf", lambda p: _break(p, "bucket", 0, "M9"), r"'bucket', row 0 holds 'M9'"),
        ("perf", lambda p: _break(p, "loan_id", 0, 999_999), "loan 999999, which has no app"),
        ("perf", lambda p: pd.concat([p, p.iloc[[0]]]), "two rows for loan"),
        ("apps", lambda a: pd.concat([a, a.iloc[[3]]]), "repeats loan_id"),
        ("apps", lambda a: _break(a, "bad", 2, 3), r"'bad', row 2 is 3; the target must be 0"),
    ],
)
def test_loader_errors_name_column_row_and_fix(
    tiny: Portfolio, table: str, change: object, match: str
) -> None:
    apps, perf = tiny.applications, tiny.performance
    if table == "perf":
        perf = change(perf)  # type: ignore[operator]
    else:
        apps = change(apps)  # type: ignore[operator]
    with pytest.raises(DataError, match=match):
        load_portfolio(apps, perf)


def test_loader_rejects_bucket_inconsistent_with_dpd(tiny: Portfolio) -> None:
    perf = tiny.performance.copy()
    row = int(np.flatnonzero(perf["bucket"].to_numpy(dtype=object) == "M0")[0])
    perf.loc[row, "bucket"] = "M2"
    with pytest.raises(DataError, match=f"'bucket', row {row} is 'M2' but dpd 0"):
        load_portfolio(tiny.applications, perf)


def test_loader_rejects_rows_after_closing(tiny: Portfolio) -> None:
    perf = tiny.performance
    closing = perf[perf["status"] == "charged_off"].iloc[0]
    extra = closing.copy()
    extra["month"] = closing["month"] + pd.DateOffset(months=1)
    extra["mob"] = closing["mob"] + 1
    extra["status"], extra["bucket"], extra["dpd"] = "active", "M0", 0
    broken = pd.concat([perf, extra.to_frame().T], ignore_index=True)
    with pytest.raises(DataError, match=r"after its closing month.*absorbing"):
        load_portfolio(tiny.applications, broken)


def test_loader_csv_errors_give_the_line(tiny: Portfolio, tmp_path: Path) -> None:
    perf = _break(tiny.performance, "balance", 10, "12 USD")
    tiny.applications.to_csv(tmp_path / "a.csv", index=False)
    perf.to_csv(tmp_path / "p.csv", index=False)
    with pytest.raises(DataError, match=r"'balance', row 10 \(line 12 of the CSV\)"):
        load_portfolio(tmp_path / "a.csv", tmp_path / "p.csv")


def test_loader_bad_sources(tiny: Portfolio, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_portfolio(tmp_path / "nope.csv", tiny.performance)
    (tmp_path / "x.xlsx").write_text("x")
    with pytest.raises(DataError, match="cannot tell the format"):
        load_portfolio(tmp_path / "x.xlsx", tiny.performance)
    with pytest.raises(DataError, match="must be a pandas DataFrame or the path"):
        load_portfolio(42, tiny.performance)
