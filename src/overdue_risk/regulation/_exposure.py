"""Concentration limits: balance per borrower (and per related group) and the top-10 share.

Limits are shares of the lender's net assets (资本净额 / 净资产), given as parameters. The
defaults are those of micro-lending companies (CBIRC General Office, 关于加强小额贷款公司
监督管理的通知, 银保监办发〔2020〕86号: one borrower at most 10% of net assets, a borrower
and its related parties at most 15%) and the classic top-10 ratio of banks (the ten largest
borrowers at most 50% of net capital: PBoC, 关于对商业银行实行资产负债比例管理的通知,
银发〔1996〕450号).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ExposureResult", "exposure_limits"]


@dataclass(frozen=True, eq=False)
class ExposureResult(Result):
    """Balances per borrower against the single-name, group and top-10 limits.

    Attributes
    ----------
    borrower : ndarray
        Borrower ids, largest balance first.
    balance : ndarray of float
        Total balance of each borrower (same order).
    share : ndarray of float
        ``balance / net_assets``.
    net_assets : float
    max_single, max_group, max_top10 : float or None
        The limits, as shares of net assets (None: not checked).
    top10_share : float
        Balance of the ten largest borrowers / net assets.
    top10_book_share : float
        Balance of the ten largest borrowers / total balance.
    largest_group_share : float
        Balance of the largest related group / net assets (NaN without groups).
    breaches : pandas.DataFrame
        One row per breach: ``level`` (borrower / group / top10), ``id``, ``balance``,
        ``share`` and ``limit``.
    """

    borrower: npt.NDArray[Any]
    balance: FloatArray
    share: FloatArray
    net_assets: float
    max_single: float | None
    max_group: float | None
    max_top10: float | None
    top10_share: float
    top10_book_share: float
    breaches: pd.DataFrame = field(repr=False)
    largest_group_share: float = float("nan")

    @property
    def n_breaches(self) -> int:
        """Number of breaches (borrowers, groups, and the top-10 limit)."""
        return len(self.breaches)

    def to_frame(self) -> pd.DataFrame:
        """Every borrower, largest first: balance, share of net assets, over the limit."""
        import pandas as pd

        over = (
            self.share > self.max_single
            if self.max_single is not None
            else np.zeros(self.share.size, dtype=bool)
        )
        return pd.DataFrame(
            {
                "borrower": self.borrower,
                "balance": self.balance,
                "share_of_net_assets": self.share,
                "over_single_limit": over,
            }
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows: list[list[Any]] = []
        largest = float(self.share[0]) if self.share.size else float("nan")
        n_single = int((self.breaches["level"] == "borrower").sum())
        n_group = int((self.breaches["level"] == "group").sum())
        rows.append(["largest borrower", largest, self.max_single, n_single])
        if self.max_group is not None:
            rows.append(
                ["largest related group", self.largest_group_share, self.max_group, n_group]
            )
        rows.append(["top-10 borrowers", self.top10_share, self.max_top10, int(self.top10_breach)])
        footer = (
            f"Shares of net assets {self.net_assets:,.2f}; the ten largest borrowers hold "
            f"{self.top10_book_share:.1%} of the book."
        )
        return "Exposure limits", ["limit", "share", "max", "breaches"], rows, footer

    @property
    def top10_breach(self) -> bool:
        """Whether the ten largest borrowers exceed the top-10 limit."""
        return self.max_top10 is not None and self.top10_share > self.max_top10


def _sum_by(ids: Any, values: FloatArray) -> tuple[npt.NDArray[Any], FloatArray]:
    uniq, inverse = np.unique(np.asarray(ids), return_inverse=True)
    sums = np.bincount(inverse.reshape(-1), weights=values, minlength=uniq.size).astype(np.float64)
    order = np.argsort(-sums, kind="stable")
    return uniq[order], sums[order]


def exposure_limits(
    balance: npt.ArrayLike,
    borrower: npt.ArrayLike,
    *,
    net_assets: float,
    group: npt.ArrayLike | None = None,
    max_single: float | None = 0.10,
    max_group: float | None = 0.15,
    max_top10: float | None = 0.50,
) -> ExposureResult:
    """Check balances per borrower, per related group and of the top ten against limits.

    Parameters
    ----------
    balance : array-like of float
        Outstanding balance of every loan.
    borrower : array-like
        Borrower id of every loan (a borrower may hold several loans).
    net_assets : float
        The lender's net assets (or net capital) the limits are shares of.
    group : array-like, default=None
        Related-party group of every loan (关联方); checked against ``max_group``.
    max_single : float or None, default=0.10
        One borrower's balance at most this share of net assets (银保监办发〔2020〕86号).
    max_group : float or None, default=0.15
        A borrower with its related parties at most this share (same notice).
    max_top10 : float or None, default=0.50
        The ten largest borrowers together at most this share (银发〔1996〕450号).

    Returns
    -------
    ExposureResult

    References
    ----------
    .. [1] CBIRC General Office (2020). 关于加强小额贷款公司监督管理的通知
       (银保监办发〔2020〕86号).
    .. [2] People's Bank of China (1996). 关于对商业银行实行资产负债比例管理的通知
       (银发〔1996〕450号).

    Examples
    --------
    >>> res = exposure_limits([60, 50, 10, 5], ["a", "a", "b", "c"], net_assets=1000)
    >>> res.borrower.tolist(), res.share.round(3).tolist()
    (['a', 'b', 'c'], [0.11, 0.01, 0.005])
    >>> res.breaches[["level", "id", "share", "limit"]].values.tolist()
    [['borrower', 'a', 0.11, 0.1]]
    """
    import pandas as pd

    bal = np.asarray(balance, dtype=np.float64).reshape(-1)
    ids = np.asarray(borrower).reshape(-1)
    if ids.size != bal.size:
        raise DataError(f"borrower has {ids.size} entries for {bal.size} balances.")
    if not np.all(np.isfinite(bal)) or (bal < 0).any():
        raise DataError("balance must be finite and >= 0 for every loan.")
    if not (np.isfinite(net_assets) and net_assets > 0):
        raise DataError(f"net_assets must be a positive amount; got {net_assets!r}.")
    for name, v in (("max_single", max_single), ("max_group", max_group), ("max_top10", max_top10)):
        if v is not None and not (np.isfinite(v) and v > 0):
            raise DataError(f"{name} must be a positive share of net assets or None; got {v!r}.")
    if ids.dtype == object and pd.isna(ids).any():
        raise DataError("borrower holds missing ids; every loan needs a borrower.")
    who, sums = _sum_by(ids, bal)
    share = sums / float(net_assets)
    rows: list[dict[str, Any]] = []
    if max_single is not None:
        for i in np.flatnonzero(share > max_single):
            rows.append(
                {
                    "level": "borrower",
                    "id": who[i],
                    "balance": float(sums[i]),
                    "share": float(share[i]),
                    "limit": float(max_single),
                }
            )
    if group is not None and max_group is not None:
        g = np.asarray(group).reshape(-1)
        if g.size != bal.size:
            raise DataError(f"group has {g.size} entries for {bal.size} balances.")
        gid, gsum = _sum_by(g, bal)
        for i in np.flatnonzero(gsum / net_assets > max_group):
            rows.append(
                {
                    "level": "group",
                    "id": gid[i],
                    "balance": float(gsum[i]),
                    "share": float(gsum[i] / net_assets),
                    "limit": float(max_group),
                }
            )
    largest_group = float("nan")
    if group is not None and max_group is not None:
        largest_group = float(gsum[0] / net_assets) if gsum.size else 0.0
    top10 = float(sums[:10].sum())
    top10_share = top10 / float(net_assets)
    if max_top10 is not None and top10_share > max_top10:
        rows.append(
            {
                "level": "top10",
                "id": "top-10 borrowers",
                "balance": top10,
                "share": top10_share,
                "limit": float(max_top10),
            }
        )
    breaches = pd.DataFrame(rows, columns=["level", "id", "balance", "share", "limit"])
    total = float(bal.sum())
    return ExposureResult(
        borrower=who,
        balance=sums,
        share=share,
        net_assets=float(net_assets),
        max_single=max_single,
        max_group=max_group if group is not None else None,
        max_top10=max_top10,
        top10_share=top10_share,
        top10_book_share=top10 / total if total > 0 else float("nan"),
        breaches=breaches,
        largest_group_share=largest_group,
    )
