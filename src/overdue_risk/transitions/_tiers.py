"""The PRC five-tier loan classification (五级分类) by days past due and the regulator's loan
migration ratios (贷款迁徙率) between tiers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._buckets import dpd_to_bucket

__all__ = [
    "FIVE_TIER",
    "FIVE_TIER_PRESETS",
    "FIVE_TIER_ZH",
    "MigrationRatios",
    "five_tier",
    "migration_ratio",
    "migration_ratios",
]


# --------------------------------------------------------------------------- five tiers
#: The five-tier loan classification (五级分类), best to worst.
FIVE_TIER: tuple[str, ...] = ("normal", "special_mention", "substandard", "doubtful", "loss")
#: The same tiers in Chinese: 正常、关注、次级、可疑、损失.
FIVE_TIER_ZH: tuple[str, ...] = ("正常", "关注", "次级", "可疑", "损失")
#: Inclusive upper DPD bounds of normal, special mention, substandard and doubtful.
FIVE_TIER_PRESETS: dict[str, tuple[int, int, int, int]] = {
    # CBIRC & PBOC Order [2023] No. 1, 商业银行金融资产风险分类办法 (in force 2023-07-01):
    # overdue -> at least special mention; more than 90 days -> at least substandard;
    # more than 270 days -> at least doubtful; more than 360 days -> loss.
    "cbirc2023": (0, 90, 270, 360),
    # common practice under the 2007 CBRC guidance (贷款风险分类指引) for retail loans.
    "practice": (0, 90, 180, 360),
    # 商业银行信用卡业务监督管理办法 (CBRC 2011) Art. 92: 1-90 special mention,
    # 91-120 substandard, 121-180 doubtful, more than 180 loss.
    "credit_card": (0, 90, 120, 180),
}


def five_tier(
    dpd: npt.ArrayLike,
    thresholds: str | Sequence[int] = "cbirc2023",
    *,
    language: str = "en",
) -> npt.NDArray[np.object_]:
    """Five-tier loan classification (normal / special mention / substandard / doubtful /
    loss; 正常 / 关注 / 次级 / 可疑 / 损失) from days past due.

    Classification by DPD alone gives the *minimum* tier the rules require; a lender may
    classify worse on other evidence (restructuring, borrower distress), never better.

    Parameters
    ----------
    dpd : array-like of int
        Days past due, ``>= 0``.
    thresholds : str or sequence of 4 int, default="cbirc2023"
        Inclusive upper DPD bounds of normal, special mention, substandard and doubtful,
        or a preset of :data:`FIVE_TIER_PRESETS`: ``"cbirc2023"`` (0 / 1-90 / 91-270 /
        271-360 / 361+, the 2023 rules), ``"practice"`` (0 / 1-90 / 91-180 / 181-360 /
        361+), ``"credit_card"`` (0 / 1-90 / 91-120 / 121-180 / 181+).
    language : {"en", "zh"}, default="en"
        Labels of :data:`FIVE_TIER` or :data:`FIVE_TIER_ZH`.

    Returns
    -------
    ndarray of object

    References
    ----------
    .. [1] China Banking and Insurance Regulatory Commission and People's Bank of China
       (2023). 商业银行金融资产风险分类办法 (Measures for the Risk Classification of
       Financial Assets of Commercial Banks), Order [2023] No. 1, Articles 5-11.
    .. [2] CBRC (2011). 商业银行信用卡业务监督管理办法, Article 92.

    Examples
    --------
    >>> five_tier([0, 1, 90, 91, 270, 271, 360, 361])
    array(['normal', 'special_mention', 'special_mention', 'substandard',
           'substandard', 'doubtful', 'doubtful', 'loss'], dtype=object)
    >>> five_tier([0, 100, 200], "practice", language="zh")
    array(['正常', '次级', '可疑'], dtype=object)
    """
    if isinstance(thresholds, str):
        if thresholds not in FIVE_TIER_PRESETS:
            raise DataError(
                f"unknown five-tier preset {thresholds!r}; use one of "
                f"{sorted(FIVE_TIER_PRESETS)} or 4 increasing DPD bounds like (0, 90, 270, 360)."
            )
        edges: Sequence[int] = FIVE_TIER_PRESETS[thresholds]
    else:
        edges = tuple(int(v) for v in thresholds)
    if len(edges) != 4:
        raise DataError(
            f"thresholds needs 4 inclusive upper DPD bounds (normal, special mention, "
            f"substandard, doubtful); got {list(edges)}."
        )
    if language not in ("en", "zh"):
        raise DataError(f"language must be 'en' or 'zh'; got {language!r}.")
    labels = FIVE_TIER if language == "en" else FIVE_TIER_ZH
    return dpd_to_bucket(dpd, dpd_edges=edges, labels=labels)


def migration_ratio(downward_amount: float, start_balance: float, period_reduction: float) -> float:
    """One PRC regulatory migration ratio (贷款迁徙率), as a fraction.

    ``ratio = downward_amount / (start_balance - period_reduction)``, e.g. 正常类贷款迁徙率
    = 期初正常类贷款向下迁徙金额 / (期初正常类贷款余额 - 期初正常类贷款期间减少金额) x 100%.

    Parameters
    ----------
    downward_amount : float
        Balance at period end of the start-of-period loans of the class that are now in a
        worse class (向下迁徙金额).
    start_balance : float
        Balance of the class at the start of the period (期初余额).
    period_reduction : float
        Part of the start balance that left during the period through repayment,
        disposal or write-off (期间减少金额).

    References
    ----------
    .. [1] CBRC (2005). 商业银行风险监管核心指标(试行), migration indicators; definitions
       in the CBRC off-site surveillance reporting rules.

    Examples
    --------
    Start: 10,000 of normal loans; 900 of them are special mention or worse at the end;
    800 were repaid during the period: 900 / (10,000 - 800) = 9.78%.

    >>> round(migration_ratio(900, 10_000, 800), 4)
    0.0978
    """
    denominator = float(start_balance) - float(period_reduction)
    if denominator <= 0:
        raise DataError(
            "start_balance - period_reduction must be positive; got "
            f"{start_balance!r} - {period_reduction!r}. Nothing of the class stayed on book."
        )
    return float(downward_amount) / denominator


@dataclass(frozen=True, eq=False)
class MigrationRatios(Result):
    """The PRC regulator's loan migration ratios (贷款迁徙率) for one period.

    Attributes
    ----------
    normal, special_mention, substandard, doubtful : float
        正常类 / 关注类 / 次级类 / 可疑类贷款迁徙率: share of each class's start balance
        (net of period reductions) that moved to any worse class.
    normal_loans : float
        正常贷款迁徙率: normal plus special-mention loans that became non-performing
        (substandard, doubtful or loss), over both classes' start balances net of
        reductions.
    start_balance, reduction, downward : ndarray of shape (5,)
        Per tier (FIVE_TIER order): 期初余额, 期间减少金额, 向下迁徙金额.
    matrix : ndarray of shape (5, 5)
        End-of-period balance by (start tier, end tier).
    """

    normal: float
    special_mention: float
    substandard: float
    doubtful: float
    normal_loans: float
    start_balance: npt.NDArray[np.float64]
    reduction: npt.NDArray[np.float64]
    downward: npt.NDArray[np.float64]
    matrix: npt.NDArray[np.float64]

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [
            ["正常类 normal", self.normal],
            ["关注类 special mention", self.special_mention],
            ["次级类 substandard", self.substandard],
            ["可疑类 doubtful", self.doubtful],
            ["正常贷款 normal loans (to NPL)", self.normal_loans],
        ]
        return "Loan migration ratios (贷款迁徙率)", ["class", "ratio"], rows, ""


def migration_ratios(
    start_tier: npt.ArrayLike,
    end_tier: npt.ArrayLike,
    start_balance: npt.ArrayLike,
    end_balance: npt.ArrayLike,
    *,
    reduction: npt.ArrayLike | None = None,
) -> MigrationRatios:
    """PRC loan migration ratios from loan-level start and end tiers and balances.

    Parameters
    ----------
    start_tier, end_tier : array-like of str
        Tier of each loan at the start and end of the period (labels of
        :data:`FIVE_TIER` or :data:`FIVE_TIER_ZH`).
    start_balance, end_balance : array-like of float
        Balances at the start and end. A loan written off in the period: pass the
        written-off amount as ``end_balance`` with end tier "loss" to count it as
        migrated (the usual micro-lending reading), or 0 to count the write-off as a
        period reduction (the literal reporting rule).
    reduction : array-like of float, default=None
        期间减少金额 per loan; ``max(start_balance - end_balance, 0)`` when None.

    Returns
    -------
    MigrationRatios

    Examples
    --------
    >>> r = migration_ratios(
    ...     ["normal", "normal", "normal", "special_mention"],
    ...     ["normal", "special_mention", "normal", "substandard"],
    ...     [100.0, 100.0, 100.0, 50.0],
    ...     [90.0, 95.0, 0.0, 50.0],
    ... )
    >>> round(r.normal, 4)  # 95 / (300 - (10 + 5 + 100))
    0.5135
    >>> r.special_mention, round(r.normal_loans, 4)
    (1.0, 0.2128)
    """
    st = np.asarray(start_tier, dtype=object)
    en = np.asarray(end_tier, dtype=object)
    sb = np.asarray(start_balance, dtype=np.float64)
    eb = np.asarray(end_balance, dtype=np.float64)
    n = st.shape[0]
    if not (en.shape[0] == sb.shape[0] == eb.shape[0] == n):
        raise DataError("start_tier, end_tier, start_balance and end_balance need equal lengths.")
    if (
        not (np.all(np.isfinite(sb)) and np.all(np.isfinite(eb)))
        or (sb < 0).any()
        or (eb < 0).any()
    ):
        raise DataError("balances must be finite and >= 0.")
    red = np.maximum(sb - eb, 0.0) if reduction is None else np.asarray(reduction, dtype=np.float64)
    rank = {s: i for i, s in enumerate(FIVE_TIER)} | {s: i for i, s in enumerate(FIVE_TIER_ZH)}
    # map the few distinct labels, then every loan at once (no loop over loans)
    uniq, inverse = np.unique(np.concatenate([st, en]).astype(str), return_inverse=True)
    bad = [str(u) for u in uniq if u not in rank]
    if bad:
        raise DataError(
            f"unknown tiers {bad[:8]}; use {list(FIVE_TIER)} or {list(FIVE_TIER_ZH)} "
            "(five_tier() maps DPD to them)."
        )
    codes = np.array([rank[str(u)] for u in uniq], dtype=np.int64)[inverse.reshape(-1)]
    s_idx, e_idx = codes[:n], codes[n:]
    matrix = np.bincount(s_idx * 5 + e_idx, weights=eb, minlength=25).astype(np.float64)
    matrix = matrix.reshape(5, 5)
    start = np.bincount(s_idx, weights=sb, minlength=5).astype(np.float64)
    reduc = np.bincount(s_idx, weights=red, minlength=5).astype(np.float64)
    downward = np.array([matrix[i, i + 1 :].sum() for i in range(5)])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.where(start - reduc > 0, downward / (start - reduc), np.nan)
        npl = matrix[:2, 2:].sum()
        base = (start[:2] - reduc[:2]).sum()
        normal_loans = float(npl / base) if base > 0 else float("nan")
    return MigrationRatios(
        normal=float(ratios[0]),
        special_mention=float(ratios[1]),
        substandard=float(ratios[2]),
        doubtful=float(ratios[3]),
        normal_loans=normal_loans,
        start_balance=start,
        reduction=reduc,
        downward=downward,
        matrix=matrix,
    )
