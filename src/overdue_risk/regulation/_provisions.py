"""Loan-loss provisions by five-tier class, coverage and provision ratios, next to IFRS 9.

China's rule-based allowance: a general provision on all loans plus a specific provision
per five-tier class (People's Bank of China, 银行贷款损失准备计提指引, 银发〔2002〕98号:
general provision at least 1% of loans; specific provisions 2% of special-mention, 25% of
substandard, 50% of doubtful and 100% of loss loans, the substandard and doubtful ratios
may float by 20%). The allowance is then held against two minimums (CBRC, 商业银行贷款损失
准备管理办法, 银监会令2011年第4号, Articles 4-5): the provision coverage ratio 拨备覆盖率 =
allowance / non-performing loans (substandard + doubtful + loss) of 150%, and the loan
provision ratio 贷款拨备率 = allowance / loans of 2.5%; the higher of the two requirements
applies (银监发〔2018〕7号 let regulators lower them to 120-150% and 1.5-2.5%). Separately,
financial enterprises keep a general reserve in equity of at least 1.5% of risk assets
(Ministry of Finance, 金融企业准备金计提管理办法, 财金〔2012〕20号, Article 7), reported here
beside the allowance, not inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, format_values
from overdue_risk.buckets import FIVE_TIER, FIVE_TIER_ZH, five_tier
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PBOC_2002", "ProvisionRatios", "ProvisionResult", "loan_loss_provisions"]

NPL_TIERS: tuple[str, ...] = ("substandard", "doubtful", "loss")


@dataclass(frozen=True)
class ProvisionRatios:
    """Provision ratios per five-tier class, the general provision and their source.

    Parameters
    ----------
    normal, special_mention, substandard, doubtful, loss : float
        Specific provision as a share of the class's balance.
    general : float, default=0.01
        General provision on all loans, part of the loan-loss allowance.
    risk_asset_reserve : float, default=0.015
        General reserve in equity as a share of risk assets (财金〔2012〕20号), reported
        beside the allowance.
    source : str

    Examples
    --------
    >>> PBOC_2002.substandard, PBOC_2002.general
    (0.25, 0.01)
    >>> ProvisionRatios(substandard=0.30).ratio("次级")
    0.3
    """

    normal: float = 0.0
    special_mention: float = 0.02
    substandard: float = 0.25
    doubtful: float = 0.50
    loss: float = 1.00
    general: float = 0.01
    risk_asset_reserve: float = 0.015
    source: str = (
        "PBoC 银行贷款损失准备计提指引 (银发〔2002〕98号), Articles 4-5; general reserve: "
        "MoF 金融企业准备金计提管理办法 (财金〔2012〕20号), Article 7"
    )

    def ratio(self, tier: str) -> float:
        """Specific ratio of a class (English or Chinese name)."""
        name = dict(zip(FIVE_TIER_ZH, FIVE_TIER, strict=True)).get(tier, tier)
        if name not in FIVE_TIER:
            raise DataError(f"unknown five-tier class {tier!r}; use one of {list(FIVE_TIER)}.")
        return float(getattr(self, name))

    def validate(self) -> None:
        """Raise a DataError unless every ratio lies in [0, 1]."""
        for name in (*FIVE_TIER, "general", "risk_asset_reserve"):
            v = float(getattr(self, name))
            if not 0.0 <= v <= 1.0:
                raise DataError(f"provision ratio {name} must lie in [0, 1]; got {v!r}.")


#: The ratios of the PBoC 2002 guidance (银发〔2002〕98号) and the 1.5% reserve of 2012.
PBOC_2002 = ProvisionRatios()


@dataclass(frozen=True, eq=False)
class ProvisionResult(Result):
    """Rule-based provisions per five-tier class, the regulatory ratios, and IFRS 9 ECL.

    Attributes
    ----------
    by_tier : dict
        ``{tier: {"loans", "balance", "ratio", "provision", "ecl"}}`` in five-tier order
        (``ecl`` is NaN without an ECL input).
    general_provision, specific_provision, allowance : float
        ``allowance = general + specific`` (the loan-loss allowance by the ratios).
    loans, npl : float
        Total balance and the non-performing balance (substandard + doubtful + loss).
    coverage_ratio, provision_ratio : float
        拨备覆盖率 ``allowance / npl`` and 贷款拨备率 ``allowance / loans``.
    min_coverage_ratio, min_provision_ratio : float
    required_allowance : float
        ``max(min_coverage x npl, min_provision_ratio x loans)``: the allowance the two
        minimums ask for (the higher applies).
    ecl : float
        Total IFRS 9 ECL given (NaN if none).
    risk_asset_reserve : float
        General reserve in equity the ratios ask for (on ``risk_assets``).
    ratios : ProvisionRatios
    """

    by_tier: dict[str, dict[str, float]]
    general_provision: float
    specific_provision: float
    allowance: float
    loans: float
    npl: float
    coverage_ratio: float
    provision_ratio: float
    min_coverage_ratio: float
    min_provision_ratio: float
    required_allowance: float
    ecl: float
    risk_asset_reserve: float
    ratios: ProvisionRatios = field(repr=False)

    @property
    def npl_ratio(self) -> float:
        """Non-performing loan ratio (不良贷款率) = npl / loans."""
        return self.npl / self.loans if self.loans > 0 else float("nan")

    @property
    def meets_minimums(self) -> bool:
        """Whether the allowance by the ratios meets both regulatory minimums."""
        return self.allowance >= self.required_allowance - 1e-9

    @property
    def shortfall(self) -> float:
        """Allowance missing to meet the minimums (0 when met)."""
        return max(self.required_allowance - self.allowance, 0.0)

    def to_frame(self) -> pd.DataFrame:
        """One row per five-tier class plus a total: balance, ratio, provision, ECL."""
        import pandas as pd

        rows = [{"tier": t, **v} for t, v in self.by_tier.items()]
        rows.append(
            {
                "tier": "general",
                "loans": float("nan"),
                "balance": self.loans,
                "ratio": self.ratios.general,
                "provision": self.general_provision,
                "ecl": float("nan"),
            }
        )
        rows.append(
            {
                "tier": "total",
                "loans": sum(v["loans"] for v in self.by_tier.values()),
                "balance": self.loans,
                "ratio": self.allowance / self.loans if self.loans > 0 else float("nan"),
                "provision": self.allowance,
                "ecl": self.ecl,
            }
        )
        return pd.DataFrame(rows)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows: list[list[Any]] = [
            [t, int(v["loans"]), v["balance"], v["ratio"], v["provision"], v["ecl"]]
            for t, v in self.by_tier.items()
        ]
        rows.append(["general", "", self.loans, self.ratios.general, self.general_provision, ""])
        rows.append(["total", "", self.loans, "", self.allowance, self.ecl])
        ok = "meets" if self.meets_minimums else f"SHORT by {self.shortfall:,.2f} of"
        footer = (
            f"coverage ratio 拨备覆盖率 {self.coverage_ratio:.1%} (min "
            f"{self.min_coverage_ratio:.0%}); loan provision ratio 贷款拨备率 "
            f"{self.provision_ratio:.2%} (min {self.min_provision_ratio:.1%}); the allowance "
            f"{ok} the required {self.required_allowance:,.2f}. General reserve in equity "
            f"{self.risk_asset_reserve:,.2f}."
        )
        return (
            "Loan-loss provisions by five-tier class (with IFRS 9 ECL)",
            ["tier", "loans", "balance", "ratio", "provision", "IFRS 9 ECL"],
            rows,
            footer,
        )


def _tiers(tier: Any, dpd: Any, thresholds: Any, n: int | None) -> npt.NDArray[np.object_]:
    if (tier is None) == (dpd is None):
        raise DataError(
            "pass tier (five-tier classes) or dpd (days past due), not both or neither."
        )
    if tier is None:
        return five_tier(dpd, thresholds)
    arr = np.asarray(tier, dtype=object).reshape(-1)
    zh = dict(zip(FIVE_TIER_ZH, FIVE_TIER, strict=True))
    out = np.asarray([zh.get(t, t) for t in arr.tolist()], dtype=object)
    unknown = sorted({str(t) for t in out.tolist()} - set(FIVE_TIER))
    if unknown:
        raise DataError(
            f"tier holds unknown classes {format_values(unknown)}; use {list(FIVE_TIER)} or "
            f"{list(FIVE_TIER_ZH)} (or pass dpd to classify)."
        )
    return out


def loan_loss_provisions(
    balance: npt.ArrayLike,
    tier: npt.ArrayLike | None = None,
    *,
    dpd: npt.ArrayLike | None = None,
    thresholds: Any = "cbirc2023",
    ratios: ProvisionRatios = PBOC_2002,
    ecl: Any = None,
    min_coverage_ratio: float = 1.5,
    min_provision_ratio: float = 0.025,
    risk_assets: float | None = None,
) -> ProvisionResult:
    """Loan-loss provisions by five-tier class, against the minimums, with IFRS 9 ECL.

    Parameters
    ----------
    balance : array-like of float
        Outstanding balance of every loan.
    tier : array-like of str, default=None
        Five-tier class of every loan (English or Chinese names); or pass ``dpd``.
    dpd : array-like of int, default=None
        Days past due, classified by :func:`overdue_risk.buckets.five_tier`.
    thresholds : str or sequence, default="cbirc2023"
        Five-tier thresholds when classifying ``dpd``.
    ratios : ProvisionRatios, default=PBOC_2002
    ecl : array-like or ECLResult, default=None
        IFRS 9 expected credit loss per loan (e.g. ``expected_credit_loss(...).ecl``),
        summed per class beside the rule-based provision.
    min_coverage_ratio : float, default=1.5
        Minimum provision coverage ratio 拨备覆盖率 (银监会令2011年第4号, Art. 4).
    min_provision_ratio : float, default=0.025
        Minimum loan provision ratio 贷款拨备率 (same order, Art. 4).
    risk_assets : float, default=None
        Risk assets for the equity general reserve (default: the loan balance).

    Returns
    -------
    ProvisionResult

    References
    ----------
    .. [1] People's Bank of China (2002). 银行贷款损失准备计提指引 (银发〔2002〕98号).
    .. [2] China Banking Regulatory Commission (2011). 商业银行贷款损失准备管理办法
       (银监会令2011年第4号); 关于调整商业银行贷款损失准备监管要求的通知 (银监发〔2018〕7号).
    .. [3] Ministry of Finance (2012). 金融企业准备金计提管理办法 (财金〔2012〕20号).
    .. [4] IASB (2014). IFRS 9 Financial Instruments, section 5.5.

    Examples
    --------
    >>> res = loan_loss_provisions([1000, 1000, 500, 200, 100],
    ...                            ["normal", "关注", "次级", "doubtful", "loss"])
    >>> round(res.specific_provision, 2), round(res.general_provision, 2)
    (345.0, 28.0)
    >>> round(res.coverage_ratio, 4), round(res.provision_ratio, 4), res.meets_minimums
    (0.4663, 0.1332, False)
    """
    bal = np.asarray(balance, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(bal)) or (bal < 0).any():
        raise DataError("balance must be finite and >= 0 for every loan.")
    ratios.validate()
    tiers = _tiers(tier, dpd, thresholds, bal.size)
    if tiers.size != bal.size:
        raise DataError(f"tier (or dpd) has {tiers.size} entries for {bal.size} balances.")
    ecl_arr: FloatArray | None = None
    if ecl is not None:
        ecl_arr = np.asarray(getattr(ecl, "ecl", ecl), dtype=np.float64).reshape(-1)
        if ecl_arr.size != bal.size:
            raise DataError(f"ecl has {ecl_arr.size} entries for {bal.size} loans.")
        if not np.all(np.isfinite(ecl_arr)) or (ecl_arr < 0).any():
            raise DataError("ecl must be finite and >= 0 for every loan.")
    for name, v in (
        ("min_coverage_ratio", min_coverage_ratio),
        ("min_provision_ratio", min_provision_ratio),
    ):
        if not (np.isfinite(v) and v >= 0):
            raise DataError(f"{name} must be a finite share >= 0; got {v!r}.")
    idx = range(len(FIVE_TIER))
    lookup = {t: i for i, t in enumerate(FIVE_TIER)}
    code = np.fromiter((lookup[t] for t in tiers.tolist()), dtype=np.int64, count=tiers.size)
    count = np.bincount(code, minlength=5)
    sums = np.bincount(code, weights=bal, minlength=5)
    ecl_sums = (
        np.bincount(code, weights=ecl_arr, minlength=5)
        if ecl_arr is not None
        else np.full(5, np.nan)
    )
    by_tier: dict[str, dict[str, float]] = {}
    specific = 0.0
    for i in idx:
        t = FIVE_TIER[i]
        r = ratios.ratio(t)
        prov = r * float(sums[i])
        specific += prov
        by_tier[t] = {
            "loans": float(count[i]),
            "balance": float(sums[i]),
            "ratio": r,
            "provision": prov,
            "ecl": float(ecl_sums[i]),
        }
    loans = float(bal.sum())
    general = ratios.general * loans
    allowance = general + specific
    npl = float(sum(by_tier[t]["balance"] for t in NPL_TIERS))
    return ProvisionResult(
        by_tier=by_tier,
        general_provision=general,
        specific_provision=specific,
        allowance=allowance,
        loans=loans,
        npl=npl,
        coverage_ratio=allowance / npl if npl > 0 else float("inf"),
        provision_ratio=allowance / loans if loans > 0 else float("nan"),
        min_coverage_ratio=float(min_coverage_ratio),
        min_provision_ratio=float(min_provision_ratio),
        required_allowance=max(min_coverage_ratio * npl, min_provision_ratio * loans),
        ecl=float(ecl_arr.sum()) if ecl_arr is not None else float("nan"),
        risk_asset_reserve=ratios.risk_asset_reserve
        * (loans if risk_assets is None else float(risk_assets)),
        ratios=ratios,
    )
