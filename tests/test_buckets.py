"""DPD buckets, the five-tier classification and the PRC migration ratios.

Golden values: the CBIRC/PBOC 2023 classification rules (逾期90天以上至少次级, 270天以上至少
可疑, 360天以上损失), the credit-card rules (信用卡业务监督管理办法 Art. 92), and the
migration-ratio worked examples of the CBRC banking qualification exam (正常类贷款迁徙率 =
900 / (10000 - 800) = 9.8%; 800 / (10000 - 600) = 8.5%).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from overdue_risk.buckets import (
    FIVE_TIER,
    dpd_to_bucket,
    five_tier,
    migration_ratio,
    migration_ratios,
)
from overdue_risk.exceptions import DataError


def test_default_buckets_and_the_1_29_variant() -> None:
    assert dpd_to_bucket([0, 1, 30, 31, 60, 61, 150, 151, 999]).tolist() == [
        "M0",
        "M1",
        "M1",
        "M2",
        "M2",
        "M3",
        "M5",
        "M6+",
        "M6+",
    ]
    assert dpd_to_bucket([29, 30, 59, 60], dpd_edges=(0, 29, 59, 89, 119, 149)).tolist() == [
        "M1",
        "M2",
        "M2",
        "M3",
    ]
    with pytest.raises(DataError, match="start at 0"):
        dpd_to_bucket([1], dpd_edges=(1, 30))
    with pytest.raises(DataError, match="NaN"):
        dpd_to_bucket([1.0, np.nan])


@pytest.mark.parametrize(
    ("preset", "dpd", "expected"),
    [
        # CBIRC & PBOC Order [2023] No. 1: >90 substandard, >270 doubtful, >360 loss
        (
            "cbirc2023",
            [0, 1, 90, 91, 270, 271, 360, 361],
            [
                "normal",
                "special_mention",
                "special_mention",
                "substandard",
                "substandard",
                "doubtful",
                "doubtful",
                "loss",
            ],
        ),
        # credit-card rules Art. 92: 1-90, 91-120, 121-180, >180
        (
            "credit_card",
            [0, 90, 91, 120, 121, 180, 181],
            [
                "normal",
                "special_mention",
                "substandard",
                "substandard",
                "doubtful",
                "doubtful",
                "loss",
            ],
        ),
        ("practice", [180, 181, 360, 361], ["substandard", "doubtful", "doubtful", "loss"]),
    ],
)
def test_five_tier_presets(preset: str, dpd: list[int], expected: list[str]) -> None:
    assert five_tier(dpd, preset).tolist() == expected


def test_five_tier_custom_and_chinese_labels() -> None:
    tiers = five_tier([0, 5, 15, 45, 61], (0, 10, 30, 60), language="zh")
    assert tiers.tolist() == ["正常", "关注", "次级", "可疑", "损失"]
    with pytest.raises(DataError, match="4 inclusive upper DPD bounds"):
        five_tier([1], (0, 90, 180))
    with pytest.raises(DataError, match="unknown five-tier preset"):
        five_tier([1], "basel")


@given(st.lists(st.integers(0, 2000), min_size=1, max_size=50))
def test_five_tier_is_monotone_in_dpd(days: list[int]) -> None:
    rank = {t: i for i, t in enumerate(FIVE_TIER)}
    d = np.sort(np.asarray(days))
    tiers = [rank[t] for t in five_tier(d)]
    assert tiers == sorted(tiers)


def test_migration_ratio_exam_examples() -> None:
    # 某银行年初正常类贷款余额10000亿元, 年末转为关注/次级/可疑/损失共900亿元,
    # 期间因回收减少800亿元: 900 / (10000 - 800) = 9.8%
    assert migration_ratio(900, 10_000, 800) == pytest.approx(0.0978, abs=5e-5)
    # 800 / (10000 - 600) = 8.5%
    assert migration_ratio(800, 10_000, 600) == pytest.approx(0.0851, abs=5e-5)
    with pytest.raises(DataError, match="must be positive"):
        migration_ratio(1, 100, 100)


def test_migration_ratios_loan_level() -> None:
    start = ["normal"] * 4 + ["special_mention"] * 2 + ["substandard", "doubtful"]
    end = [
        "normal",
        "special_mention",
        "substandard",
        "normal",
        "normal",
        "doubtful",
        "loss",
        "doubtful",
    ]
    sb = [100.0, 100.0, 100.0, 100.0, 50.0, 50.0, 40.0, 30.0]
    eb = [90.0, 100.0, 95.0, 0.0, 45.0, 50.0, 40.0, 30.0]
    r = migration_ratios(start, end, sb, eb)
    # normal: downward 100 + 95; reductions 10 + 0 + 5 + 100 -> 195 / 285
    assert r.normal == pytest.approx(195 / 285)
    # special mention: downward 50; reductions 5 -> 50 / 95
    assert r.special_mention == pytest.approx(50 / 95)
    assert r.substandard == 1.0
    assert r.doubtful == 0.0
    # 正常贷款迁徙率: (95 + 50) to NPL over (400 - 115) + (100 - 5)
    assert r.normal_loans == pytest.approx(145 / 380)
    assert r.matrix.sum() == pytest.approx(sum(eb))
    assert "迁徙率" in r.summary()
    with pytest.raises(DataError, match="unknown tiers"):
        migration_ratios(["good"], ["normal"], [1.0], [1.0])


def test_tier_migration_from_a_panel() -> None:
    from overdue_risk.transitions import tier_migration

    panel = {
        "loan_id": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
        "month": [0, 1] * 5,
        "bucket": ["M0", "M1", "M0", "M0", "M0", "PO", "M3", "CO", "M1", "M4"],
        "dpd": [0, 5, 0, 0, 0, 0, 70, 185, 10, 95],
        "balance": [100.0, 95.0, 100.0, 90.0, 100.0, 0.0, 40.0, 0.0, 50.0, 50.0],
        "charge_off_amount": [0.0] * 7 + [40.0, 0.0, 0.0],
    }
    r = tier_migration(panel, start=0, end=1)
    # normal at start: loans 1-3; loan 1 -> special mention (95); reductions 5 + 10 + 100
    assert r.normal == pytest.approx(95 / 185)
    # special mention at start: loan 4 (70 DPD, written off -> loss 40) and loan 5 (-> 95
    # DPD substandard, 50): both migrated down
    assert r.special_mention == pytest.approx(1.0)
    assert r.normal_loans == pytest.approx(90 / (185 + 90))
    as_reduction = tier_migration(panel, start=0, end=1, write_off="reduction")
    # the write-off leaves the book: 50 / (90 - 40)
    assert as_reduction.special_mention == pytest.approx(1.0)
    assert as_reduction.reduction[1] == pytest.approx(40.0)
    with pytest.raises(DataError, match="no row in the end month"):
        tier_migration({k: v[:-1] for k, v in panel.items()}, start=0, end=1)


def test_tier_migration_on_the_portfolio() -> None:
    datasets = pytest.importorskip("overdue_risk.datasets")
    from overdue_risk.transitions import tier_migration

    pf = datasets.make_microloan_portfolio(n_loans=3000, n_months=24, random_state=4)
    months = sorted(pf.performance["month"].unique())
    r = tier_migration(pf.performance, start=months[6], end=months[18])
    ratios = [r.normal, r.special_mention, r.substandard, r.doubtful]
    assert all(0.0 <= v <= 1.0 for v in ratios if not np.isnan(v))
    # special-mention loans migrate down far more often than normal loans
    assert r.special_mention > r.normal
