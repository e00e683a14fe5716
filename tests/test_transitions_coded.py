"""The fast paths of the panel views give the results of the general path, bit for bit.

A panel sorted by (loan, month) takes the sort-free paths (move cells counted at once,
loans as runs of rows); a shuffled copy of the same panel takes the general path
(pairing by search, loans by factorizing, a lexsort). A :class:`CodedPanel` reuses its
codes. Every view must give identical numbers on all of them, on several seeds, with text
and with categorical buckets, with dates at any resolution and with integer periods.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overdue_risk.buckets import STATES
from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.exceptions import DataError
from overdue_risk.transitions import (
    CodedPanel,
    code_panel,
    cohort_matrix,
    roll_rates,
    vintage_curves,
)
from overdue_risk.transitions._panel import period_groups, period_index


def _views(panel: Any) -> dict[str, Any]:
    cm = cohort_matrix(panel)
    cp = cohort_matrix(panel, by="period")
    rr = roll_rates(panel)
    rw = roll_rates(panel, weight="balance")
    vc = vintage_curves(panel)
    vd = vintage_curves(panel, bad_dpd=90, bad_states=("CO",))
    return {
        "cohort": (cm.counts, cm.probabilities, cm.lower, cm.upper),
        "by_period": (cp.labels, cp.counts),
        "roll": (rr.periods, rr.forward, rr.worse, rr.cure, rr.stay, rr.n),
        "roll_balance": (rw.periods, rw.forward, rw.n),
        "vintage": (vc.cohorts, vc.count_rate, vc.balance_rate, vc.n_loans, vc.amount),
        "vintage_dpd": (vd.cohorts, vd.count_rate, vd.balance_rate),
    }


def _assert_same(a: dict[str, Any], b: dict[str, Any], *, exact: bool = True) -> None:
    """Equal results; ``exact=False`` allows the last bits of sums of balances, which
    are added in another order when the rows are in another order."""
    assert a.keys() == b.keys()
    for key in a:
        for x, y in zip(a[key], b[key], strict=True):
            if isinstance(x, tuple):
                assert x == y, key
            elif exact:
                np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=key)
            else:
                np.testing.assert_allclose(x, y, rtol=1e-12, atol=0, err_msg=key)


@pytest.fixture(scope="module", params=[0, 1, 2])
def panel(request: pytest.FixtureRequest) -> pd.DataFrame:
    return make_microloan_portfolio(1500, 15, random_state=request.param).performance


def test_sorted_shuffled_and_coded_panels_agree(panel: pd.DataFrame) -> None:
    shuffled = panel.sample(frac=1.0, random_state=3)
    ref = _views(panel)
    _assert_same(_views(shuffled), ref, exact=False)  # the general (unsorted) path
    coded = code_panel(panel)
    _assert_same(_views(coded), ref)
    _assert_same(_views(coded), ref)  # second use: from what the coded panel kept
    _assert_same(_views(code_panel(shuffled)), _views(shuffled))


def test_column_types_agree(panel: pd.DataFrame) -> None:
    ref = _views(panel)
    as_objects = panel.assign(bucket=panel["bucket"].astype(object))
    as_categories = panel.assign(bucket=pd.Categorical(panel["bucket"], categories=STATES))
    in_seconds = panel.assign(month=panel["month"].to_numpy().astype("datetime64[s]"))
    for variant in (as_objects, as_categories, in_seconds):
        _assert_same(_views(variant), ref)


def test_months_on_book_out_of_order_takes_the_sorting_path() -> None:
    panel = {
        "loan_id": [1, 1, 1, 2, 2],
        "month": [0, 1, 2, 1, 2],
        "mob": [2, 1, 3, 1, 2],  # loan 1: months on book fall once
        "bucket": ["M0", "M4", "CO", "M0", "M0"],
        "balance": [90.0, 100.0, 0.0, 50.0, 40.0],
        "charge_off_amount": [0.0, 0.0, 95.0, 0.0, 0.0],
    }
    shuffled = {k: [v[i] for i in (4, 2, 0, 3, 1)] for k, v in panel.items()}
    a = vintage_curves(panel, states=["M0", "M4", "CO"])
    b = vintage_curves(shuffled, states=["M0", "M4", "CO"])
    np.testing.assert_array_equal(a.count_rate, b.count_rate)
    np.testing.assert_array_equal(a.balance_rate, b.balance_rate)
    np.testing.assert_array_equal(a.amount, [100.0, 50.0])  # the balance at mob 1


def test_coded_panel_keeps_its_states_and_recodes_on_request() -> None:
    panel = {"loan_id": [1, 1, 2, 2], "month": [0, 1, 0, 1], "bucket": ["M0", "M1", "M0", "M0"]}
    coded = code_panel(panel, states=["M0", "M1"])
    assert isinstance(coded, CodedPanel)
    assert len(coded) == 4
    assert cohort_matrix(coded).states == ("M0", "M1")
    wider = cohort_matrix(coded, states=["M0", "M1", "M2"])  # other states: coded afresh
    assert wider.states == ("M0", "M1", "M2")
    assert wider.counts[0].tolist() == [1.0, 1.0, 0.0]
    with pytest.raises(DataError, match="not in states"):
        code_panel(panel, states=["M0"])
    with pytest.raises(DataError, match="duplicate"):
        code_panel({"loan_id": [1, 1], "month": [0, 0], "bucket": ["M0", "M0"]})


@pytest.mark.parametrize("unit", ["ns", "us", "ms", "s", "D"])
def test_month_numbers_equal_numpy_calendar(unit: str) -> None:
    rng = np.random.default_rng(5)
    dates = rng.integers(-3_000_000_000, 4_000_000_000, 5000).astype("datetime64[s]")
    dates = dates.astype(f"datetime64[{unit}]")
    expected = dates.astype("datetime64[M]").astype(np.int64)
    np.testing.assert_array_equal(period_index(dates, "month"), expected)
    with pytest.raises(DataError, match="NaT"):
        period_index(np.r_[dates, np.datetime64("NaT", unit)], "month")


def test_period_groups_equal_unique() -> None:
    rng = np.random.default_rng(0)
    for values in (rng.integers(600, 640, 3000), rng.integers(-5, 10**9, 300), np.array([7])):
        uniq, inverse = np.unique(values, return_inverse=True)
        got_u, got_i = period_groups(values)
        np.testing.assert_array_equal(got_u, uniq)
        np.testing.assert_array_equal(got_i, inverse)


# --------------------------------------------------------------------------------------
# the one-pass kernels on panels read as stored (transitions/_sorted.py)
# --------------------------------------------------------------------------------------
def test_generator_buckets_are_ordered_categories(panel: pd.DataFrame) -> None:
    dtype = panel["bucket"].dtype
    assert isinstance(dtype, pd.CategoricalDtype)
    assert dtype.ordered
    assert tuple(dtype.categories) == STATES


def _bucket_forms(panel: pd.DataFrame) -> dict[str, Any]:
    import pyarrow as pa

    text = panel["bucket"].astype(str)
    dictionary = pd.Series(
        pa.array(text.to_numpy(dtype=object)).dictionary_encode(),
        dtype=pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string())),
        index=panel.index,
    )
    return {
        "categorical": panel,  # as the generator returns it
        "text": panel.assign(bucket=text.astype("str")),
        "objects": panel.assign(bucket=text.astype(object)),
        "arrow dictionary": panel.assign(bucket=dictionary),
        "categories in another order": panel.assign(
            bucket=pd.Categorical(text, categories=sorted(STATES))
        ),
        "coded": code_panel(panel),
    }


def test_raw_categorical_text_and_coded_panels_agree(panel: pd.DataFrame) -> None:
    ref = _views(code_panel(panel.assign(bucket=panel["bucket"].astype(object))))
    for name, form in _bucket_forms(panel).items():
        got = _views(form)
        for key in ref:
            for x, y in zip(got[key], ref[key], strict=True):
                if isinstance(x, tuple):
                    assert x == y, (name, key)
                else:
                    np.testing.assert_array_equal(x, y, err_msg=f"{name}: {key}")


@pytest.mark.parametrize("block", [1, 2, 7, 64])
def test_block_boundaries_change_nothing(
    panel: pd.DataFrame, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from overdue_risk.transitions import _sorted

    early = panel.assign(month=panel["month"] - pd.DateOffset(years=60))  # before 1970
    periods = panel.assign(
        month=(panel["month"].dt.year * 12 + panel["month"].dt.month).astype(np.int32),
        loan_id=panel["loan_id"].astype(np.uint32),
    )
    small = panel.iloc[:300]
    refs = [_views(code_panel(p)) for p in (small, early.iloc[:300], periods.iloc[:300])]
    monkeypatch.setattr(_sorted, "_BLOCK", block)
    for p, ref in zip((small, early.iloc[:300], periods.iloc[:300]), refs, strict=True):
        _assert_same(_views(p), ref)


_GAPPY_STATES = ["M0", "M1", "M4", "M5", "CO", "PO"]


def _gappy() -> pd.DataFrame:
    """Sorted rows whose origination moves along a loan (a skipped month, a late mob)."""
    rows = [
        (1, 0, 1, "M0", 100.0),
        (1, 1, 2, "M1", 90.0),
        (1, 3, 3, "M4", 80.0),  # month 2 missing: period - mob rises
        (1, 4, 4, "CO", 0.0),
        (2, 1, 2, "M0", 50.0),  # first row at mob 2
        (2, 2, 3, "M0", 40.0),
        (2, 3, 3, "M5", 40.0),  # mob stays: period - mob rises
        (3, 0, 1, "M0", 70.0),
        (3, 1, 2, "PO", 0.0),
    ]
    df = pd.DataFrame(rows, columns=["loan_id", "month", "mob", "bucket", "balance"])
    df["charge_off_amount"] = np.where(df["bucket"] == "CO", 85.0, 0.0)
    df["dpd"] = np.where(df["bucket"].isin(["M4", "M5", "CO"]), 120, 0)
    return df


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 14])
def test_origination_moving_along_a_loan(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from overdue_risk.transitions import _sorted

    df = _gappy()
    shuffled = df.iloc[[8, 3, 0, 6, 2, 5, 1, 7, 4]]
    states = _GAPPY_STATES
    ref = vintage_curves(shuffled, states=states)  # the general (sorting) path
    monkeypatch.setattr(_sorted, "_BLOCK", block)
    got = vintage_curves(df, states=states)
    assert got.cohorts == ref.cohorts
    for name in ("count_rate", "balance_rate", "n_loans", "amount"):
        np.testing.assert_array_equal(getattr(got, name), getattr(ref, name), err_msg=name)
    ref_m, got_m = cohort_matrix(shuffled, states=states), cohort_matrix(df, states=states)
    np.testing.assert_array_equal(got_m.counts, ref_m.counts)


@pytest.mark.parametrize("block", [2, 1 << 14])
def test_order_problems_found_by_the_kernels(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from overdue_risk.transitions import _sorted

    monkeypatch.setattr(_sorted, "_BLOCK", block)
    df = _gappy()
    swapped = df.iloc[[0, 1, 2, 3, 4, 5, 6, 8, 7]].reset_index(drop=True)  # last loan reversed
    ref = vintage_curves(df, states=_GAPPY_STATES)
    got = vintage_curves(swapped, states=_GAPPY_STATES)
    np.testing.assert_array_equal(got.count_rate, ref.count_rate)
    np.testing.assert_array_equal(
        cohort_matrix(swapped, states=_GAPPY_STATES).counts,
        cohort_matrix(df, states=_GAPPY_STATES).counts,
    )
    twice = pd.concat([df.iloc[:2], df.iloc[1:]], ignore_index=True)  # (1, month 1) twice
    for view in (cohort_matrix, roll_rates, vintage_curves):
        with pytest.raises(DataError, match="duplicate"):
            view(twice, states=_GAPPY_STATES)
    falling = df.assign(mob=df["mob"].where(df.index != 5, 1))  # loan 2: mob 2, 1, 3
    np.testing.assert_array_equal(
        vintage_curves(falling, states=_GAPPY_STATES).count_rate,
        vintage_curves(falling.iloc[::-1], states=_GAPPY_STATES).count_rate,
    )


def test_missing_and_unknown_categories_are_named(panel: pd.DataFrame) -> None:
    holes = panel.iloc[:50].assign(bucket=panel["bucket"].iloc[:50].where(panel.index[:50] != 3))
    for view in (cohort_matrix, roll_rates, vintage_curves):
        with pytest.raises(DataError, match="missing states"):
            view(holes)
    odd = panel.iloc[:50].assign(
        bucket=pd.Categorical(panel["bucket"].iloc[:50].astype(str), categories=[*STATES, "X"])
    )
    with pytest.raises(DataError, match="'X'"):
        cohort_matrix(odd)
    assert cohort_matrix(odd, states=[*STATES, "X"]).states == (*STATES, "X")


def test_the_generator_panel_takes_the_one_pass_kernels(
    panel: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No view codes the generator's panel first (a silent fall back to the general path
    would cost several times the counting; see benchmarks/bench_transitions.py)."""
    from overdue_risk.transitions import _sorted, _vintage

    def no_coding(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the panel was coded")

    ref = _views(code_panel(panel))
    monkeypatch.setattr(_sorted, "coded_keys", no_coding)
    monkeypatch.setattr(_vintage, "coded_keys", no_coding)
    assert np.array_equal(cohort_matrix(panel).counts, ref["cohort"][0])
    np.testing.assert_array_equal(roll_rates(panel).forward, ref["roll"][1])
    vc = vintage_curves(panel)
    np.testing.assert_array_equal(vc.count_rate, ref["vintage"][1])
    np.testing.assert_array_equal(vc.balance_rate, ref["vintage"][2])


@st.composite
def _small_panels(draw: st.DrawFn) -> pd.DataFrame:
    """Loans with gaps, months on book that stay or jump, closing states, any order."""
    rows = []
    for loan in range(draw(st.integers(1, 5))):
        month = draw(st.integers(-30, 30))
        mob = draw(st.integers(0, 3))
        for _ in range(draw(st.integers(1, 6))):
            rows.append((loan * 7 - 9, month, mob, draw(st.sampled_from(_GAPPY_STATES))))
            month += draw(st.sampled_from([1, 1, 1, 2]))
            mob += draw(st.sampled_from([1, 1, 1, 0, 2]))
    df = pd.DataFrame(rows, columns=["loan_id", "month", "mob", "bucket"])
    if draw(st.booleans()):  # dates, around 2000 or either side of 1970-01-01
        base = np.datetime64(draw(st.sampled_from(["2000-01", "1969-06"])), "M")
        df["month"] = (base + df["month"].to_numpy()).astype("datetime64[ns]")
    if draw(st.booleans()):
        df = df.iloc[draw(st.permutations(range(len(df))))]
    df["bucket"] = pd.Categorical(df["bucket"], categories=_GAPPY_STATES)
    df["balance"] = np.arange(len(df), dtype=np.float64) * 10.0 + 5.0
    df["charge_off_amount"] = np.where(df["bucket"] == "CO", 7.0, 0.0)
    return df.reset_index(drop=True)


def _outcome(view: Any, panel: Any) -> Any:
    try:
        got = view(panel, states=_GAPPY_STATES)
    except DataError as exc:
        return ("error", str(exc))
    fields = {
        "cohort_matrix": ("counts", "probabilities"),
        "roll_rates": ("periods", "forward", "worse", "cure", "n"),
        "vintage_curves": ("cohorts", "count_rate", "balance_rate", "n_loans", "amount"),
    }[view.__name__]
    return [getattr(got, f) for f in fields]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panel=_small_panels(), block=st.sampled_from([1, 2, 3, 1 << 15]))
def test_one_pass_kernels_equal_the_general_path(panel: pd.DataFrame, block: int) -> None:
    from overdue_risk.transitions import _sorted

    general = code_panel(panel.assign(bucket=panel["bucket"].astype(object)), states=_GAPPY_STATES)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_sorted, "_BLOCK", block)
        for view in (cohort_matrix, roll_rates, vintage_curves):
            got, ref = _outcome(view, panel), _outcome(view, general)
            if isinstance(ref, tuple):
                assert got == ref, view.__name__
                continue
            for x, y in zip(got, ref, strict=True):
                if isinstance(x, tuple):
                    assert x == y, view.__name__
                else:
                    np.testing.assert_array_equal(x, y, err_msg=view.__name__)
