"""Risk-based decisions: cut-off analysis, swap sets, decision tables and pricing.

Hand-computed examples (the arithmetic is in the comments) and invariants: approval rate
falls as the cut-off rises, the risk-based price covers the expected loss, the decision
table matches a row-by-row reading of its rules.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from overdue_risk.exceptions import DataError
from overdue_risk.strategy import (
    CutoffAnalysis,
    DecisionBand,
    DecisionTable,
    PolicyRule,
    RiskBasedPricing,
    cutoff_analysis,
    expected_profit,
    risk_based_apr,
    swap_set,
)

# --------------------------------------------------------------------------------------
# pricing
# --------------------------------------------------------------------------------------


def test_break_even_rate_thomas_one_period_model() -> None:
    # Thomas (2009), Consumer Credit Models, ch. 5: a one-period loan breaks even at
    # r = (r_F + p l) / (1 - p). p = 5%, l = 60%, r_F = 8%: (0.08 + 0.03) / 0.95.
    assert risk_based_apr(0.05, lgd=0.6, funding_rate=0.08) == pytest.approx(0.11 / 0.95)
    # with operating cost 5% and margin 2%: (0.08 + 0.05 + 0.02 + 0.03) / 0.95
    full = risk_based_apr(0.05, lgd=0.6, funding_rate=0.08, operating_cost=0.05, target_margin=0.02)
    assert full == pytest.approx(0.18 / 0.95)
    # a 6-month loan spreads the loss over half a year: (0.08 + 0.03 / 0.5) / 0.95
    six = risk_based_apr(0.05, lgd=0.6, funding_rate=0.08, term_months=6)
    assert six == pytest.approx(0.14 / 0.95)
    # no risk: the price is the cost of funds
    assert risk_based_apr(0.0, lgd=1.0, funding_rate=0.07) == pytest.approx(0.07)


def test_expected_profit_hand_computed() -> None:
    # 1,000 for 12 months at 30%, p = 10%, LGD 50%, funding 8%, operating 4%:
    # 1000 * (0.9 * 0.30 - 0.1 * 0.5 - 0.12) = 1000 * 0.10 = 100
    got = expected_profit(0.1, 0.30, lgd=0.5, funding_rate=0.08, operating_cost=0.04, exposure=1000)
    assert got == pytest.approx(100.0)
    # realised: a default loses 1000 * (0.5 + 0.12) = 620; a good loan earns 180
    np.testing.assert_allclose(
        expected_profit(
            [1, 0], 0.30, lgd=0.5, funding_rate=0.08, operating_cost=0.04, exposure=1000
        ),
        [-620.0, 180.0],
    )


@settings(max_examples=200, deadline=None)
@given(
    p=st.floats(0.0, 0.9),
    lgd=st.floats(0.0, 1.0),
    funding=st.floats(0.0, 0.3),
    cost=st.floats(0.0, 0.3),
    margin=st.floats(0.0, 0.3),
    term=st.sampled_from([3, 6, 9, 12, 18, 24]),
)
def test_price_covers_expected_loss_and_earns_the_margin(
    p: float, lgd: float, funding: float, cost: float, margin: float, term: int
) -> None:
    kw = {"lgd": lgd, "funding_rate": funding, "operating_cost": cost, "term_months": term}
    apr = risk_based_apr(p, target_margin=margin, **kw)
    h = term / 12
    # interest expected from good loans covers the expected loss plus the costs ...
    assert (1 - p) * apr * h >= p * lgd + (funding + cost) * h - 1e-12
    # ... and the expected profit is exactly the target margin
    assert expected_profit(p, apr, **kw) == pytest.approx(margin * h, abs=1e-9)


def test_price_rises_with_pd() -> None:
    pds = np.linspace(0.0, 0.5, 11)
    apr = risk_based_apr(pds, lgd=0.7, funding_rate=0.08, operating_cost=0.06)
    assert np.all(np.diff(apr) > 0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"pd": 1.0}, "pd must be below 1"),
        ({"pd": 1.5}, r"pd must lie in \[0, 1\]"),
        ({"pd": 0.1, "lgd": 2.0}, r"lgd must lie in \[0, 1\]"),
        ({"pd": 0.1, "funding_rate": -0.1}, "funding_rate must be a finite non-negative"),
        ({"pd": 0.1, "term_months": 0}, "term_months must be positive"),
    ],
)
def test_pricing_errors(kwargs: dict[str, float], match: str) -> None:
    params = {"lgd": 0.5, "funding_rate": 0.08, **kwargs}
    with pytest.raises(DataError, match=match):
        risk_based_apr(**params)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# cut-off analysis
# --------------------------------------------------------------------------------------
SCORE = [1, 2, 3, 4, 5]
PD = [0.5, 0.3, 0.2, 0.1, 0.05]
Y = [1, 1, 0, 0, 0]


def test_cutoff_analysis_hand_computed() -> None:
    res = cutoff_analysis(
        SCORE, PD, Y, cutoffs=[3], lgd=0.5, apr=0.3, exposure=100, funding_rate=0.1
    )
    # approve scores 3, 4, 5
    assert res.n_approved.tolist() == [3.0]
    assert res.approval_rate.tolist() == [0.6]
    assert res.expected_bad_rate[0] == pytest.approx((0.2 + 0.1 + 0.05) / 3)
    assert res.observed_bad_rate[0] == 0.0
    # expected loss: (0.2 + 0.1 + 0.05) * 0.5 * 100 = 17.5
    assert res.expected_loss[0] == pytest.approx(17.5)
    # expected profit per loan 100 * ((1 - p) 0.3 - 0.5 p - 0.1): 4 + 12 + 16 = 32
    assert res.expected_profit[0] == pytest.approx(32.0)
    # all three approved loans were good: 3 * 100 * (0.3 - 0.1) = 60
    assert res.observed_profit[0] == pytest.approx(60.0)


def test_cutoff_ties_are_approved_and_weights_duplicate() -> None:
    res = cutoff_analysis([1, 2, 2, 3], y=[1, 0, 1, 0], cutoffs=[2])
    assert res.n_approved.tolist() == [3.0]
    weighted = cutoff_analysis([1, 2, 3], y=[1, 1, 0], cutoffs=[2], sample_weight=[1, 2, 1])
    dup = cutoff_analysis([1, 2, 2, 3], y=[1, 1, 1, 0], cutoffs=[2])
    np.testing.assert_allclose(weighted.approval_rate, dup.approval_rate)
    np.testing.assert_allclose(weighted.observed_bad_rate, dup.observed_bad_rate)


def test_cutoff_above_every_score_approves_nobody() -> None:
    res = cutoff_analysis([1, 2], y=[0, 1], cutoffs=[10])
    assert res.approval_rate.tolist() == [0.0]
    assert math.isnan(res.observed_bad_rate[0])


@settings(max_examples=60, deadline=None)
@given(
    score=arrays(np.float64, st.integers(2, 60), elements=st.floats(300, 800)),
    data=st.data(),
)
def test_cutoff_analysis_matches_brute_force_and_is_monotone(
    score: np.ndarray, data: st.DataObject
) -> None:
    n = score.size
    y = np.asarray(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    if y.min() == y.max():
        y[0] = 1 - y[0]
    pd_ = np.asarray(data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)))
    res = cutoff_analysis(score, pd_, y, cutoffs=10)
    assert np.all(np.diff(res.approval_rate) <= 0)  # stricter cut-off, fewer approvals
    assert np.all(np.diff(res.n_approved) <= 0)
    for j, c in enumerate(res.cutoffs):
        approved = score >= c
        assert res.n_approved[j] == approved.sum()
        if approved.any():
            assert res.observed_bad_rate[j] == pytest.approx(y[approved].mean())
            assert res.expected_bad_rate[j] == pytest.approx(pd_[approved].mean())


def test_cutoff_helpers() -> None:
    res = cutoff_analysis(
        SCORE, PD, Y, cutoffs=[1, 2, 3, 4, 5], lgd=1.0, apr=0.3, funding_rate=0.05
    )
    # per-loan expected profit (1 - p) 0.3 - p - 0.05: p=0.5 -> -0.4, 0.3 -> -0.14,
    # 0.2 -> -0.01, 0.1 -> 0.12, 0.05 -> 0.185: the best cut-off keeps scores 4 and 5
    assert res.best_cutoff() == 4.0
    # realised: goods earn 0.25, bads lose 1.05; the goods are scores 3, 4, 5
    assert res.best_cutoff("observed_profit") == 3.0
    assert res.cutoff_for_approval_rate(0.6) == 3.0
    assert res.cutoff_for_approval_rate(0.61) == 2.0
    assert res.cutoff_for_bad_rate(0.0, observed=True) == 3.0
    assert res.cutoff_for_bad_rate(0.2) == 2.0  # mean pd of scores >= 2 is 0.1625
    with pytest.raises(DataError, match="no cut-off keeps the bad rate"):
        res.cutoff_for_bad_rate(0.01)
    with pytest.raises(DataError, match="expected_profit was not computed"):
        cutoff_analysis(SCORE, PD).best_cutoff()


def test_cutoff_analysis_result_object() -> None:
    res = cutoff_analysis(SCORE, PD, Y, lgd=0.5, apr=0.3)
    assert isinstance(res, CutoffAnalysis)
    frame = res.to_frame()
    assert list(frame.columns)[:3] == ["cutoff", "n_approved", "approval_rate"]
    assert len(frame) == 5
    text = res.summary()
    assert "Cut-off analysis" in text
    assert "expected_profit" in text
    assert "<table>" in res._repr_html_()
    assert "n_cutoffs=5" in repr(res)
    # columns that could not be computed are left out of the summary
    assert "profit" not in cutoff_analysis(SCORE, y=Y).summary()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cutoff_analysis(SCORE), "needs pd .* or y"),
        (lambda: cutoff_analysis(SCORE, y=[0, 1]), "same number of rows"),
        (lambda: cutoff_analysis([1, np.nan, 2], y=[0, 1, 0]), "score must be finite"),
        (lambda: cutoff_analysis(SCORE, pd=[0.1, 2, 0.1, 0.1, 0.1]), r"pd must lie in"),
        (lambda: cutoff_analysis(SCORE, y=[0, 1, 2, 0, 0]), "only 0 and 1"),
        (lambda: cutoff_analysis(SCORE, y=Y, exposure=[1, 2]), "exposure has 2 entries"),
    ],
)
def test_cutoff_errors(call: object, match: str) -> None:
    with pytest.raises(DataError, match=match):
        call()  # type: ignore[operator]


# --------------------------------------------------------------------------------------
# swap set
# --------------------------------------------------------------------------------------
def test_swap_set_hand_computed() -> None:
    current = [1, 2, 3, 4, 5, 6]
    new = [6, 1, 2, 5, 4, 3]
    y = [0, 1, 1, 0, 0, 0]
    res = swap_set(current, new, cutoff_current=4, cutoff_new=4, y=y)
    # current approves positions 3, 4, 5; new approves 0, 3, 4
    assert res.n == {"both": 2.0, "swap_in": 1.0, "swap_out": 1.0, "neither": 2.0}
    assert res.observed_bad_rate["swap_in"] == 0.0  # position 0 is good
    assert res.observed_bad_rate["swap_out"] == 0.0  # position 5 is good
    assert res.observed_bad_rate["neither"] == 1.0  # positions 1, 2 are bad
    assert res.approval_rate_current == res.approval_rate_new == 0.5
    assert math.isnan(res.expected_bad_rate["both"])
    frame = res.to_frame()
    assert frame["n"].sum() == 6
    assert frame.loc[frame["cell"] == "swap_in", "current"].item() == "decline"
    assert "Swap set" in res.summary()


def test_swap_set_matches_approval_rate_by_default(rng: np.random.Generator) -> None:
    cur, new = rng.normal(size=200), rng.normal(size=200)
    res = swap_set(cur, new, cutoff_current=0.3, pd=rng.uniform(0, 0.3, 200))
    assert res.n["swap_in"] == res.n["swap_out"]
    assert res.approval_rate_new == pytest.approx(res.approval_rate_current)
    assert not math.isnan(res.bad_rate_new)


def test_swap_set_better_model_swaps_in_goods(rng: np.random.Generator) -> None:
    # the new score sees the outcome better: its swap-ins are better than its swap-outs
    risk = rng.normal(size=5_000)
    y = (rng.uniform(size=5_000) < 1 / (1 + np.exp(2.5 - 1.5 * risk))).astype(int)
    current = -risk + rng.normal(0, 1.5, 5_000)
    new = -risk + rng.normal(0, 0.5, 5_000)
    res = swap_set(current, new, cutoff_current=float(np.quantile(current, 0.3)), y=y)
    assert res.observed_bad_rate["swap_in"] < res.observed_bad_rate["swap_out"]
    assert res.bad_rate_new < res.bad_rate_current


# --------------------------------------------------------------------------------------
# decision table
# --------------------------------------------------------------------------------------
@pytest.fixture
def applicants() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": [17, 25, 40, 33, 52, 61],
            "debt_to_income": [0.2, 0.7, 0.1, np.nan, 0.3, 0.65],
            "employment_type": [
                "student",
                "salaried",
                "salaried",
                "unemployed",
                "gig_worker",
                "retired",
            ],
            "score": [700, 640, 610, 560, 520, 590],
            "pd": [0.02, 0.04, 0.06, 0.12, 0.2, 0.08],
            "loan_amount": [500, 1500, 4000, 300, 800, 2000],
            "term_months": [6, 12, 24, 12, 6, 18],
        },
        index=[101, 102, 103, 104, 105, 106],
    )


RULES = [
    {"column": "age", "op": "<", "value": 18, "reason": "under 18"},
    {"column": "debt_to_income", "op": ">", "value": 0.6, "reason": "DTI above 60%"},
    {"column": "employment_type", "op": "in", "value": ["unemployed"], "reason": "no income"},
    {"column": "age", "op": ">", "value": 60, "reason": "over 60"},
]
BANDS = [
    {"name": "A", "min_score": 620, "limit": 3000, "apr": 0.28, "max_term": 24},
    {"name": "B", "min_score": 580, "limit": 2000, "max_term": 12},
    {"name": "C", "min_score": 540, "limit": 600, "max_term": 6, "decision": "refer"},
]
PRICING = RiskBasedPricing(
    lgd=0.7, funding_rate=0.08, operating_cost=0.06, target_margin=0.03, apr_cap=0.6
)
#: Rules, bands and pricing, with the loan amount and term read from the applicants.
FULL_TABLE = DecisionTable(
    bands=BANDS,
    rules=RULES,
    pricing=PRICING,
    amount_column="loan_amount",
    term_column="term_months",
)


def test_decision_table_hand_worked(applicants: pd.DataFrame) -> None:
    table = FULL_TABLE
    out = table.apply(applicants)
    assert list(out.index) == list(applicants.index)
    for col in ("decision", "reason", "policy_reasons", "band"):
        assert isinstance(out[col].dtype, pd.CategoricalDtype), col
    assert out["decision"].tolist() == [
        "decline",  # 101: under 18 (score 700 would be band A)
        "decline",  # 102: DTI 0.7
        "approve",  # 103: band B (610), priced
        "decline",  # 104: unemployed (DTI missing passes)
        "decline",  # 105: score 520 below the lowest band
        "decline",  # 106: DTI 0.65 and over 60
    ]
    assert out["reason"].tolist() == [
        "under 18",
        "DTI above 60%",
        "",
        "no income",
        "score below cut-off",
        "DTI above 60%",
    ]
    assert out.loc[106, "policy_reasons"] == "DTI above 60%; over 60"
    assert out.loc[101, "band"] == "A"
    assert pd.isna(out.loc[105, "band"])
    # 103: band B, limit 2000 caps the 4000 asked; term min(24, 12) = 12;
    # APR (0.08 + 0.06 + 0.03 + 0.06 * 0.7) / 0.94 (12-month term)
    assert out.loc[103, "limit"] == 2000
    assert out.loc[103, "approved_amount"] == 2000
    assert out.loc[103, "term"] == 12
    assert out.loc[103, "apr"] == pytest.approx((0.17 + 0.042) / 0.94)
    assert out.loc[~(out["decision"] == "approve"), ["limit", "apr"]].isna().all().all()


def test_refer_band_and_fixed_apr(applicants: pd.DataFrame) -> None:
    table = DecisionTable(bands=BANDS, pricing=PRICING)
    out = table.apply(applicants)
    assert out.loc[104, "decision"] == "refer"  # score 560 -> band C, no rules
    assert out.loc[104, "reason"] == "band C: refer"
    assert out.loc[101, "apr"] == 0.28  # band A's fixed price
    assert out.loc[101, "term"] == 24


def test_price_above_cap_is_declined() -> None:
    table = DecisionTable(
        bands=[DecisionBand("B", min_score=0, limit=1000)],
        pricing=RiskBasedPricing(lgd=0.8, funding_rate=0.08, apr_cap=0.5),
    )
    out = table.apply(pd.DataFrame({"score": [10, 10], "pd": [0.05, 0.4]}))
    # p = 0.4: (0.08 + 0.32) / 0.6 = 0.667 > 0.5
    assert out["decision"].tolist() == ["approve", "decline"]
    assert out.loc[1, "reason"] == "price above APR cap"
    assert out.loc[0, "apr"] == pytest.approx((0.08 + 0.04) / 0.95)


def test_grade_keyed_table_and_overrides() -> None:
    table = DecisionTable(
        bands=[
            DecisionBand("A", grade="A", limit=2000, apr=0.25, max_term=12),
            DecisionBand("B", grade="B", limit=800, apr=0.4, max_term=6),
            DecisionBand("E", grade="E", decision="decline"),
        ],
        key="grade",
    )
    data = {"age": np.array([30, 40, 50, 60])}
    out = table.apply(data, score=["A", "B", "E", "Z"])
    assert out["decision"].tolist() == ["approve", "approve", "decline", "decline"]
    assert out["reason"].tolist() == ["", "", "band E: decline", "grade 'Z' has no band"]
    assert out["limit"].tolist()[:2] == [2000, 800]
    # every grade missing: all declined with "no score"
    none = table.apply({"age": np.array([1, 2])}, score=[None, np.nan])
    assert none["reason"].tolist() == ["no score", "no score"]
    assert none["band"].isna().all()


def test_rule_missing_policy_and_ops() -> None:
    data = {"x": np.array([1.0, np.nan, 3.0]), "c": np.array(["a", None, "b"], dtype=object)}
    assert PolicyRule("x", ">=", 2).fires(data).tolist() == [False, False, True]
    assert PolicyRule("x", ">=", 2, if_missing="decline").fires(data).tolist() == [
        False,
        True,
        True,
    ]
    assert PolicyRule("x", "missing").fires(data).tolist() == [False, True, False]
    assert PolicyRule("c", "==", "a").fires(data).tolist() == [True, False, False]
    assert PolicyRule("c", "not in", ["a"]).fires(data).tolist() == [False, False, True]
    assert PolicyRule("c", "!=", "a", if_missing="decline").fires(data).tolist() == [
        False,
        True,
        True,
    ]
    # integer codes and their text form are the same category
    codes = {"k": np.array([1, 2, 3])}
    assert PolicyRule("k", "in", ["2", 3.0]).fires(codes).tolist() == [False, True, True]
    assert PolicyRule("x", "<", 2).label == "x < 2"


@pytest.mark.parametrize("n_rules", [3, 25, 70])
def test_policy_reasons_list_every_rule_that_fired(n_rules: int) -> None:
    rules = [PolicyRule("x", ">", i, reason=f"x>{i}") for i in range(n_rules)]
    table = DecisionTable(bands=[DecisionBand("A", min_score=0, apr=0.3)], rules=rules)
    out = table.apply(pd.DataFrame({"x": [0, 2, 100], "score": [1, 1, 1]}))
    assert out["policy_reasons"].tolist() == [
        "",
        "x>0; x>1",
        "; ".join(f"x>{i}" for i in range(n_rules)),
    ]
    assert out["reason"].tolist() == ["", "x>0", "x>0"]
    assert out["decision"].tolist() == ["approve", "decline", "decline"]


@settings(max_examples=40, deadline=None)
@given(
    dti=arrays(np.float64, 30, elements=st.floats(0, 1.2)),
    age=arrays(np.int64, 30, elements=st.integers(16, 80)),
    score=arrays(np.float64, 30, elements=st.floats(400, 800)),
)
def test_table_agrees_with_row_by_row_reading(
    dti: np.ndarray, age: np.ndarray, score: np.ndarray
) -> None:
    table = DecisionTable(
        bands=[
            DecisionBand("B", min_score=550, limit=500, apr=0.4, max_term=6),
            DecisionBand("A", min_score=650, limit=2000, apr=0.3, max_term=12),
        ],
        rules=[PolicyRule("age", "<", 18), PolicyRule("dti", ">", 0.6)],
    )
    out = table.apply(pd.DataFrame({"age": age, "dti": dti, "score": score}))
    for i in range(30):
        knocked = age[i] < 18 or dti[i] > 0.6
        approve = not knocked and score[i] >= 550
        assert (out["decision"].iloc[i] == "approve") == approve
        if approve:
            assert out["limit"].iloc[i] == (2000 if score[i] >= 650 else 500)


def test_decision_table_errors(applicants: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="needs column 'income'"):
        DecisionTable(bands=BANDS, rules=[PolicyRule("income", "<", 100)], pricing=PRICING).apply(
            applicants
        )
    with pytest.raises(DataError, match="op of the rule on 'age' must be one of"):
        DecisionTable(bands=BANDS, rules=[PolicyRule("age", "=<", 1)], pricing=PRICING).apply(
            applicants
        )
    with pytest.raises(DataError, match="not numeric"):
        DecisionTable(
            bands=BANDS, rules=[PolicyRule("employment_type", ">", 1)], pricing=PRICING
        ).apply(applicants)
    with pytest.raises(DataError, match="approves without an apr"):
        DecisionTable(bands=BANDS).apply(applicants)
    with pytest.raises(DataError, match=r"all set min_score .* or all set grade"):
        DecisionTable(
            bands=[DecisionBand("A", min_score=1, apr=0.1), DecisionBand("B", grade="B", apr=0.1)]
        ).apply(applicants)
    with pytest.raises(DataError, match=r"band 0 has unknown keys \['cap'\]"):
        DecisionTable(bands=[{"name": "A", "min_score": 1, "cap": 3}]).apply(applicants)
    with pytest.raises(DataError, match="needs column 'pd'"):
        DecisionTable(bands=BANDS, pricing=PRICING).apply(applicants.drop(columns=["pd"]))


def test_table_accepts_polars_dicts_and_empty_frames(applicants: pd.DataFrame) -> None:
    pl = pytest.importorskip("polars")

    table = DecisionTable(bands=BANDS, rules=RULES, pricing=PRICING)
    expected = table.apply(applicants).reset_index(drop=True)
    got = table.apply(pl.from_pandas(applicants.reset_index(drop=True)))
    pd.testing.assert_frame_equal(got, expected)
    as_dict = table.apply({c: applicants[c].to_numpy() for c in applicants.columns})
    pd.testing.assert_frame_equal(as_dict, expected)
    empty = table.apply(applicants.iloc[:0])
    assert len(empty) == 0
    assert "decision" in empty.columns


def test_from_dict_round_trip(applicants: pd.DataFrame) -> None:
    spec = {
        "rules": RULES,
        "bands": BANDS,
        "pricing": {
            "lgd": 0.7,
            "funding_rate": 0.08,
            "operating_cost": 0.06,
            "target_margin": 0.03,
            "apr_cap": 0.6,
        },
        "amount_column": "loan_amount",
        "term_column": "term_months",
    }
    from_data = DecisionTable.from_dict(spec).apply(applicants)
    direct = FULL_TABLE.apply(applicants)
    pd.testing.assert_frame_equal(from_data, direct)


def test_strategy_on_the_builtin_portfolio() -> None:
    """End to end on the synthetic book: a crude score, its cut-offs and a decision table."""
    from overdue_risk.datasets import make_microloan_portfolio

    pf = make_microloan_portfolio(n_loans=4_000, n_months=24, random_state=0)
    apps = pf.applications[pf.applications["bad_observed"]].reset_index(drop=True)
    # a crude expert score: fewer inquiries, lower DTI, longer history = safer
    score = (
        600
        - 15 * apps["n_inquiries_6m"].clip(upper=5)
        - 80 * apps["debt_to_income"].fillna(0.5).clip(upper=1)
        + 0.5 * apps["credit_history_months"].clip(lower=0, upper=60)
    ).to_numpy()
    res = cutoff_analysis(
        score,
        y=apps["bad"],
        apr=apps["apr"],
        lgd=0.8,
        exposure=apps["loan_amount"],
        term_months=apps["term_months"],
        funding_rate=0.1,
        cutoffs=10,
    )
    assert np.all(np.diff(res.approval_rate) <= 0)
    # the stricter the cut-off, the lower the observed bad rate (at the extremes)
    assert res.observed_bad_rate[-1] < res.observed_bad_rate[0]
    table = DecisionTable(
        bands=[
            DecisionBand("A", min_score=float(np.median(score)), limit=3000, apr=0.3, max_term=12)
        ],
        rules=[PolicyRule("debt_to_income", ">", 0.6, reason="DTI above 60%")],
        amount_column="loan_amount",
    )
    out = table.apply(apps.assign(score=score))
    approved = out["decision"] == "approve"
    assert (out.loc[approved, "approved_amount"] <= 3000).all()
    assert (out.loc[apps["debt_to_income"] > 0.6, "decision"] == "decline").all()
    assert apps.loc[approved, "bad"].mean() < apps.loc[~approved, "bad"].mean()
