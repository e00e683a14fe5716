"""Provisions by five-tier class, the regulatory ratios, IFRS 9 side by side, exposure limits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import overdue_risk.collection as collection
from overdue_risk.buckets import FIVE_TIER
from overdue_risk.ecl import amortising_exposure, assign_stage, expected_credit_loss
from overdue_risk.exceptions import DataError
from overdue_risk.regulation import (
    PBOC_2002,
    ConductRules,
    ProvisionRatios,
    conduct_breaches,
    exposure_limits,
    loan_loss_provisions,
)


def test_pboc_2002_ratios() -> None:
    # 银发〔2002〕98号 Art. 4-5: general >= 1% of loans; specific 2% / 25% / 50% / 100%
    assert [PBOC_2002.ratio(t) for t in FIVE_TIER] == [0.0, 0.02, 0.25, 0.50, 1.00]
    assert PBOC_2002.general == 0.01
    # 财金〔2012〕20号 Art. 7: general reserve >= 1.5% of risk assets
    assert PBOC_2002.risk_asset_reserve == 0.015


def test_provisions_worked_example() -> None:
    # A book of 10,000: 9,000 normal, 500 special mention, 300 substandard, 150 doubtful,
    # 50 loss. Specific = 0.02*500 + 0.25*300 + 0.5*150 + 1.0*50 = 210; general = 1% of
    # 10,000 = 100; allowance 310; NPL 500: coverage 62% (< 150%), provision ratio 3.1%.
    bal = [9000, 500, 300, 150, 50]
    res = loan_loss_provisions(bal, ["正常", "关注", "次级", "可疑", "损失"])
    assert res.specific_provision == pytest.approx(210.0)
    assert res.general_provision == pytest.approx(100.0)
    assert res.allowance == pytest.approx(310.0)
    assert res.npl == pytest.approx(500.0)
    assert res.npl_ratio == pytest.approx(0.05)
    assert res.coverage_ratio == pytest.approx(0.62)
    assert res.provision_ratio == pytest.approx(0.031)
    # 银监会令2011年第4号: the higher of 150% x NPL (750) and 2.5% x loans (250) applies
    assert res.required_allowance == pytest.approx(750.0)
    assert not res.meets_minimums
    assert res.shortfall == pytest.approx(440.0)
    assert res.risk_asset_reserve == pytest.approx(150.0)
    # the 2018 relaxation (银监发〔2018〕7号) as parameters: 120% and 1.5%
    relaxed = loan_loss_provisions(bal, dpd=[0, 30, 100, 300, 400], min_coverage_ratio=1.2)
    assert relaxed.required_allowance == pytest.approx(600.0)
    frame = res.to_frame()
    assert frame["tier"].tolist() == [*FIVE_TIER, "general", "total"]
    assert frame["provision"].iloc[-1] == pytest.approx(310.0)
    assert "拨备覆盖率" in res.summary()


def test_custom_ratios_and_errors() -> None:
    res = loan_loss_provisions(
        [100, 100],
        ["substandard", "doubtful"],
        ratios=ProvisionRatios(substandard=0.30, doubtful=0.60, general=0.0),
    )
    assert res.allowance == pytest.approx(90.0)
    with pytest.raises(DataError, match="unknown classes"):
        loan_loss_provisions([1], ["bad"])
    with pytest.raises(DataError, match="not both or neither"):
        loan_loss_provisions([1])
    with pytest.raises(DataError, match="must lie in"):
        loan_loss_provisions([1], ["normal"], ratios=ProvisionRatios(loss=1.5))
    with pytest.raises(DataError, match="balance must be finite"):
        loan_loss_provisions([np.nan], ["normal"])
    with pytest.raises(DataError, match="ecl has"):
        loan_loss_provisions([1, 2], ["normal", "loss"], ecl=[1.0])


def test_side_by_side_with_ifrs9_ecl() -> None:
    dpd = np.array([0, 0, 45, 100, 200, 300, 400])
    bal = np.array([1000, 800, 600, 500, 400, 300, 200], dtype=float)
    ead = amortising_exposure(bal, np.full(7, 0.24), np.full(7, 12))
    mpd = np.full((7, 12), 0.004)
    ecl = expected_credit_loss(stage=assign_stage(dpd), marginal_pd=mpd, lgd=0.6, ead=ead, eir=0.24)
    res = loan_loss_provisions(bal, dpd=dpd, ecl=ecl)
    assert res.ecl == pytest.approx(ecl.total)
    tiers = [t for t in FIVE_TIER if res.by_tier[t]["loans"] > 0]
    assert sum(res.by_tier[t]["ecl"] for t in tiers) == pytest.approx(ecl.total)
    # the loss class: 100% by the ratios, LGD x EAD under IFRS 9 (stage 3)
    assert res.by_tier["loss"]["provision"] == pytest.approx(200.0)
    assert res.by_tier["loss"]["ecl"] == pytest.approx(0.6 * 200.0)


@settings(max_examples=60, deadline=None)
@given(
    balances=st.lists(st.floats(0, 1e6), min_size=1, max_size=30),
    data=st.data(),
)
def test_a_worse_class_never_lowers_the_allowance(
    balances: list[float], data: st.DataObject
) -> None:
    tiers = data.draw(
        st.lists(st.sampled_from(FIVE_TIER), min_size=len(balances), max_size=len(balances))
    )
    i = data.draw(st.integers(0, len(balances) - 1))
    worse = list(tiers)
    worse[i] = FIVE_TIER[min(FIVE_TIER.index(tiers[i]) + 1, 4)]
    a = loan_loss_provisions(balances, tiers).allowance
    b = loan_loss_provisions(balances, worse).allowance
    assert b >= a - 1e-9 * max(1.0, a)


def test_exposure_limits_lists_breaching_borrowers() -> None:
    bal = [600, 500, 300, 200, 100, 100, 50]
    who = ["a", "a", "b", "c", "d", "d", "e"]
    grp = ["g1", "g1", "g1", "g1", "g3", "g3", "g4"]
    res = exposure_limits(bal, who, net_assets=10_000, group=grp, max_top10=0.15)
    assert res.borrower.tolist() == ["a", "b", "c", "d", "e"]
    assert res.share.tolist() == pytest.approx([0.11, 0.03, 0.02, 0.02, 0.005])
    b = res.breaches
    assert b.loc[b["level"] == "borrower", "id"].tolist() == ["a"]
    assert b.loc[b["level"] == "group", "id"].tolist() == ["g1"]  # 1,600 = 16% > 15%
    assert res.top10_breach  # 1,850 = 18.5% > 15%
    assert res.top10_book_share == pytest.approx(1.0)
    assert "top-10" in res.summary()
    assert res.to_frame()["over_single_limit"].tolist() == [True, False, False, False, False]


def test_exposure_errors() -> None:
    with pytest.raises(DataError, match="net_assets"):
        exposure_limits([1], ["a"], net_assets=0)
    with pytest.raises(DataError, match="borrower has"):
        exposure_limits([1, 2], ["a"], net_assets=10)
    with pytest.raises(DataError, match="max_single"):
        exposure_limits([1], ["a"], net_assets=10, max_single=-1)


def test_conduct_rules_are_reexported() -> None:
    assert ConductRules is collection.ConductRules
    assert conduct_breaches is collection.conduct_breaches
    log = {"account_id": [1], "timestamp": ["2024-03-01 23:30"], "channel": ["call"]}
    assert conduct_breaches(log, ConductRules()).n_breaches == 1
