"""Rate caps as data: named ceilings with their sources and the dates they apply.

A :class:`RateCap` is a ceiling on the annualised rate of a loan, fees included (the
comprehensive financing cost, 综合融资成本), either a fixed rate (36%) or a multiple of the
one-year Loan Prime Rate (4 x LPR); it applies to contracts signed between its
``effective_from`` and ``effective_to`` dates. A :class:`CapRules` set checks single
loans, pricing grids and whole books against every cap in force on each contract date;
the binding limit of a loan is the lowest of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, check_record, format_values
from overdue_risk.exceptions import DataError
from overdue_risk.pricing._rate import annualised_rate
from overdue_risk.pricing._schedule import repayment_schedule

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "CHINA_CAPS",
    "LPR_1Y",
    "US_MLA_CAPS",
    "CapCheck",
    "CapRules",
    "RateCap",
    "check_book",
    "check_loans",
    "lpr_on",
    "max_contract_rate",
]


#: One-year Loan Prime Rate (贷款市场报价利率), by announcement date: an *input* of the
#: LPR-based caps, published monthly by the National Interbank Funding Center
#: (全国银行间同业拆借中心). Pass your own mapping for dates after the last entry.
LPR_1Y: Mapping[str, float] = {
    "2019-08-20": 0.0425,
    "2019-09-20": 0.0420,
    "2019-11-20": 0.0415,
    "2020-02-20": 0.0405,
    "2020-04-20": 0.0385,
    "2021-12-20": 0.0380,
    "2022-01-20": 0.0370,
    "2022-08-22": 0.0365,
    "2023-06-20": 0.0355,
    "2023-08-21": 0.0345,
    "2024-07-22": 0.0335,
    "2024-10-21": 0.0310,
    "2025-05-20": 0.0300,
}

_KINDS = ("judicial", "regulatory", "guidance", "policy")
_BASES = ("irr", "effective")


def _day(value: Any, name: str) -> np.datetime64:
    try:
        return np.datetime64(value, "D")
    except (TypeError, ValueError):
        raise DataError(f"{name} must be a date such as '2020-08-20'; got {value!r}.") from None


def _days(on: Any, n: int) -> npt.NDArray[np.datetime64]:
    """Contract dates as datetime64[D], one per loan."""
    if on is None:
        raise DataError(
            "caps depend on the contract date: pass on='2024-06-30' (one date) or one date "
            "per loan."
        )
    try:
        arr = np.asarray(on, dtype="datetime64[D]").reshape(-1)
    except (TypeError, ValueError):
        raise DataError(f"on must be dates such as '2024-06-30'; got {on!r}.") from None
    if arr.size not in (1, n):
        raise DataError(f"on has {arr.size} dates for {n} loans; pass one or one per loan.")
    if np.isnat(arr).any():
        raise DataError("on holds missing dates; every contract needs a date.")
    return np.broadcast_to(arr, (n,))


def lpr_on(days: npt.NDArray[np.datetime64], lpr: float | Mapping[Any, float]) -> FloatArray:
    """The one-year LPR in force on each date (the last announcement on or before it)."""
    if isinstance(lpr, Mapping):
        if not lpr:
            raise DataError("lpr mapping is empty; pass {announcement date: rate}.")
        items = sorted((_day(k, "LPR date"), float(v)) for k, v in lpr.items())
        when = np.asarray([d for d, _ in items], dtype="datetime64[D]")
        rates = np.asarray([r for _, r in items])
        idx = np.searchsorted(when, days, side="right") - 1
        if (idx < 0).any():
            first = days[idx < 0].min()
            raise DataError(
                f"no LPR announced on or before {first}; the mapping starts on {when[0]}. "
                "Add earlier announcements or drop the LPR-based cap for older loans."
            )
        return np.asarray(rates[idx], dtype=np.float64)
    value = float(lpr)
    if not 0 < value < 1:
        raise DataError(f"lpr must be an annual rate in (0, 1), e.g. 0.0345; got {lpr!r}.")
    return np.full(days.shape, value)


@dataclass(frozen=True)
class RateCap:
    """One ceiling on the annualised rate of a loan, with its source and dates.

    Parameters
    ----------
    name : str
        Short label.
    limit : float, default=None
        Fixed ceiling (0.36 for 36% a year).
    lpr_multiple : float, default=None
        Ceiling as a multiple of the one-year LPR in force on the contract date (the LPR
        is an input of :meth:`CapRules.check`). Give ``limit`` or ``lpr_multiple``.
    basis : {"irr", "effective"}, default="irr"
        The rate compared: periodic IRR x periods per year, or the effective annual rate.
    source : str, default=""
        The law, rule or policy the cap comes from.
    effective_from : str, default="1900-01-01"
        First contract date the cap applies to.
    effective_to : str, default=None
        Last contract date it applies to (None: still in force).
    kind : {"judicial", "regulatory", "guidance", "policy"}, default="regulatory"

    Examples
    --------
    >>> cap = RateCap("4 x LPR", lpr_multiple=4, effective_from="2020-08-20")
    >>> round(cap.value(0.0385), 4)
    0.154
    """

    name: str
    limit: float | None = None
    lpr_multiple: float | None = None
    basis: str = "irr"
    source: str = ""
    effective_from: str = "1900-01-01"
    effective_to: str | None = None
    kind: str = "regulatory"

    def _validate(self) -> None:
        if (self.limit is None) == (self.lpr_multiple is None):
            raise DataError(
                f"cap {self.name!r} needs exactly one of limit (a rate) and lpr_multiple; "
                f"got limit={self.limit!r}, lpr_multiple={self.lpr_multiple!r}."
            )
        bound = self.limit if self.limit is not None else self.lpr_multiple
        if not (bound is not None and np.isfinite(bound) and bound > 0):
            raise DataError(f"cap {self.name!r} must be positive; got {bound!r}.")
        if self.basis not in _BASES:
            raise DataError(
                f"basis of cap {self.name!r} must be one of {_BASES}; got {self.basis!r}."
            )
        if self.kind not in _KINDS:
            raise DataError(
                f"kind of cap {self.name!r} must be one of {_KINDS}; got {self.kind!r}."
            )
        start = _day(self.effective_from, f"effective_from of cap {self.name!r}")
        if self.effective_to is not None:
            end = _day(self.effective_to, f"effective_to of cap {self.name!r}")
            if end < start:
                raise DataError(f"cap {self.name!r} ends ({end}) before it starts ({start}).")

    def value(self, lpr: float | None = None) -> float:
        """The ceiling as an annual rate (needs ``lpr`` for an LPR-based cap)."""
        self._validate()
        if self.limit is not None:
            return float(self.limit)
        if lpr is None:
            raise DataError(f"cap {self.name!r} is {self.lpr_multiple} x LPR: pass lpr=0.0345.")
        return float(self.lpr_multiple or 0.0) * float(lpr)

    def in_force(self, on: Any) -> npt.NDArray[np.bool_]:
        """Whether the cap applies to contracts signed on each date."""
        self._validate()
        days = np.asarray(on, dtype="datetime64[D]")
        ok = days >= _day(self.effective_from, "effective_from")
        if self.effective_to is not None:
            ok &= days <= _day(self.effective_to, "effective_to")
        return np.asarray(ok, dtype=bool)


@dataclass(frozen=True)
class CapRules:
    """A named set of rate caps; every cap in force on a contract date applies.

    Parameters
    ----------
    caps : sequence of RateCap or dict
    name : str, default=""

    Examples
    --------
    >>> rules = CapRules([RateCap("36% line", limit=0.36), RateCap("policy", limit=0.30,
    ...                   kind="policy", effective_from="2024-01-01")])
    >>> rules.limit("2023-06-30"), rules.limit("2024-06-30")
    (0.36, 0.3)
    >>> rules.check([0.2, 0.33, 0.4], on="2024-06-30").breach.tolist()
    [False, True, True]
    """

    caps: tuple[RateCap, ...] | list[RateCap] | list[Mapping[str, Any]] = ()
    name: str = ""

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], name: str = "") -> CapRules:
        """Build from plain records (parsed JSON / TOML), one mapping per cap."""
        caps = tuple(check_record(r, RateCap, f"cap {i}") for i, r in enumerate(records))
        return cls(caps, name=name)

    def select(
        self, *, kinds: Iterable[str] | None = None, names: Iterable[str] | None = None
    ) -> CapRules:
        """The caps of some kinds (e.g. ``("regulatory", "guidance")``) or names only.

        Examples
        --------
        >>> [c.name for c in CHINA_CAPS.select(kinds=["regulatory"]).caps]
        ['cash-loan rectification: 36% all-in']
        """
        caps = self._caps()
        if kinds is not None:
            wanted = set(kinds)
            bad = sorted(wanted - set(_KINDS))
            if bad:
                raise DataError(f"unknown cap kinds {format_values(bad)}; use {list(_KINDS)}.")
            caps = tuple(c for c in caps if c.kind in wanted)
        if names is not None:
            wanted = set(names)
            missing = sorted(wanted - {c.name for c in caps})
            if missing:
                raise DataError(f"no caps named {format_values(missing)} in {self.name!r}.")
            caps = tuple(c for c in caps if c.name in wanted)
        return CapRules(caps, name=self.name)

    def _caps(self) -> tuple[RateCap, ...]:
        caps = tuple(check_record(c, RateCap, f"cap {i}") for i, c in enumerate(self.caps))
        if not caps:
            raise DataError("CapRules has no caps; add at least one RateCap.")
        for c in caps:
            c._validate()
        return caps

    def in_force(self, on: Any) -> tuple[RateCap, ...]:
        """The caps that apply to a contract signed on the date ``on``."""
        return tuple(c for c in self._caps() if bool(c.in_force(_day(on, "on"))))

    def limits(
        self, on: Any, *, lpr: float | Mapping[Any, float] | None = None, n: int = 1
    ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
        """Per loan: the binding limit, and per cap (n_caps, n_loans): limits and in-force mask.

        Loans without a cap in force get ``inf``.
        """
        caps = self._caps()
        days = _days(on, n)
        per_cap = np.full((len(caps), days.size), np.inf)
        force = np.zeros((len(caps), days.size), dtype=bool)
        for j, c in enumerate(caps):
            force[j] = c.in_force(days)
            if not force[j].any():
                continue
            if c.limit is not None:
                per_cap[j] = float(c.limit)
            else:
                if lpr is None:
                    raise DataError(
                        f"cap {c.name!r} is {c.lpr_multiple} x the one-year LPR: pass lpr (a "
                        "rate, or a mapping {date: rate} such as overdue_risk.pricing.LPR_1Y)."
                    )
                rates = np.full(days.size, np.nan)
                rates[force[j]] = lpr_on(days[force[j]], lpr)
                per_cap[j] = float(c.lpr_multiple or 0.0) * rates
            per_cap[j] = np.where(force[j], per_cap[j], np.inf)
        binding = per_cap.min(axis=0) if caps else np.full(days.size, np.inf)
        return binding, per_cap, force

    def limit(self, on: Any, *, lpr: float | Mapping[Any, float] | None = None) -> float:
        """The binding (lowest) ceiling for a contract signed on ``on``; inf if none."""
        return float(self.limits(on, lpr=lpr, n=1)[0][0])

    def check(
        self,
        rates: npt.ArrayLike,
        *,
        on: Any,
        lpr: float | Mapping[Any, float] | None = None,
        effective_rates: npt.ArrayLike | None = None,
    ) -> CapCheck:
        """Check annualised rates (one per loan) against every cap in force.

        Parameters
        ----------
        rates : array-like
            Annualised IRR rates (see :func:`annualised_rate`), one per loan.
        on : date or array-like of dates
            Contract dates.
        lpr : float or mapping, default=None
            One-year LPR (needed by LPR-based caps).
        effective_rates : array-like, default=None
            Effective annual rates, for caps with ``basis="effective"`` (derived from
            ``rates`` with monthly compounding when omitted).

        Returns
        -------
        CapCheck
        """
        r = np.asarray(rates, dtype=np.float64).reshape(-1)
        if not np.all(np.isfinite(r)):
            raise DataError("rates must be finite; compute them with annualised_rate first.")
        eff = (
            np.expm1(12.0 * np.log1p(r / 12.0))
            if effective_rates is None
            else np.asarray(effective_rates, dtype=np.float64).reshape(-1)
        )
        caps = self._caps()
        _, per_cap, force = self.limits(on, lpr=lpr, n=r.size)
        compared = np.stack([eff if c.basis == "effective" else r for c in caps])
        over = force & (compared > per_cap + 1e-12)
        # binding limit on the IRR basis (an effective-basis cap converted to nominal)
        nominal = per_cap.copy()
        for j, c in enumerate(caps):
            if c.basis == "effective":
                nominal[j] = 12.0 * np.expm1(np.log1p(per_cap[j]) / 12.0)
        return CapCheck(
            rate=r,
            limit=nominal.min(axis=0),
            breach=np.asarray(over.any(axis=0), dtype=bool),
            breached_caps=over,
            in_force=force,
            caps=caps,
        )


@dataclass(frozen=True, eq=False)
class CapCheck(Result):
    """Loans checked against a set of rate caps.

    Attributes
    ----------
    rate : ndarray
        Annualised rate of every loan.
    limit : ndarray
        Binding (lowest) ceiling in force for each loan, on the IRR basis (inf: none).
    breach : ndarray of bool
        Loans above at least one cap in force.
    breached_caps, in_force : ndarray of bool, shape (n_caps, n_loans)
    caps : tuple of RateCap
    """

    rate: FloatArray
    limit: FloatArray
    breach: npt.NDArray[np.bool_]
    breached_caps: npt.NDArray[np.bool_] = field(repr=False)
    in_force: npt.NDArray[np.bool_] = field(repr=False)
    caps: tuple[RateCap, ...] = field(repr=False)

    @property
    def n_breaches(self) -> int:
        """Number of loans above at least one cap."""
        return int(self.breach.sum())

    @property
    def headroom(self) -> FloatArray:
        """Binding limit minus the loan's rate (negative: a breach)."""
        out: FloatArray = self.limit - self.rate
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per cap: source, dates, loans in force, breaches and share."""
        import pandas as pd

        rows = []
        for j, c in enumerate(self.caps):
            n_force = int(self.in_force[j].sum())
            n_over = int(self.breached_caps[j].sum())
            rows.append(
                {
                    "cap": c.name,
                    "kind": c.kind,
                    "limit": c.limit if c.limit is not None else f"{c.lpr_multiple:g} x LPR",
                    "basis": c.basis,
                    "effective_from": c.effective_from,
                    "effective_to": c.effective_to or "",
                    "loans_in_force": n_force,
                    "breaches": n_over,
                    "breach_share": n_over / n_force if n_force else float("nan"),
                    "source": c.source,
                }
            )
        return pd.DataFrame(rows)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows: list[list[Any]] = []
        for j, c in enumerate(self.caps):
            n_force = int(self.in_force[j].sum())
            n_over = int(self.breached_caps[j].sum())
            lim = c.limit if c.limit is not None else f"{c.lpr_multiple:g} x LPR"
            rows.append([c.name, lim, n_force, n_over, n_over / n_force if n_force else np.nan])
        n = max(self.rate.size, 1)
        footer = (
            f"{self.n_breaches} of {self.rate.size} loans ({self.n_breaches / n:.1%}) above a "
            "cap in force on their contract date; rates are annualised IRR, fees included."
        )
        return "Rate caps", ["cap", "limit", "loans in force", "breaches", "share"], rows, footer


def check_loans(
    principal: npt.ArrayLike,
    rate: npt.ArrayLike,
    term: npt.ArrayLike,
    rules: CapRules,
    *,
    on: Any,
    lpr: float | Mapping[Any, float] | None = None,
    method: Any = "equal_instalment",
    rate_unit: str = "annual",
    fee_upfront: npt.ArrayLike = 0.0,
    fee_per_period: npt.ArrayLike = 0.0,
    fee_at_end: npt.ArrayLike = 0.0,
) -> CapCheck:
    """Build the schedules of loans, annualise their all-in cost and check it against caps.

    Parameters are those of :func:`repayment_schedule` and :meth:`CapRules.check`.

    Returns
    -------
    CapCheck

    Examples
    --------
    A 1% a month flat-rate loan looks like 12% but costs 21.5%: above 4 x LPR in 2024.

    >>> res = check_loans(10_000, 0.12, 12, CHINA_CAPS, on="2024-06-30", lpr=LPR_1Y,
    ...                   method="flat")
    >>> bool(res.breach[0]), round(float(res.rate[0]), 3), round(float(res.limit[0]), 3)
    (True, 0.215, 0.138)
    """
    s = repayment_schedule(
        principal,
        rate,
        term,
        method=method,
        rate_unit=rate_unit,
        fee_upfront=fee_upfront,
        fee_per_period=fee_per_period,
        fee_at_end=fee_at_end,
    )
    irr = annualised_rate(s.cash_flows)
    return rules.check(irr, on=on, lpr=lpr)


def check_book(
    book: Any,
    rules: CapRules,
    *,
    lpr: float | Mapping[Any, float] | None = None,
    rate_column: str = "annualised_rate",
    date_column: str = "origination_month",
) -> CapCheck:
    """Check every booked loan of a book against the caps in force on its contract date.

    Parameters
    ----------
    book : Portfolio or pandas.DataFrame
        A portfolio (its ``applications``) or a frame with the rate and date columns, e.g.
        ``make_microloan_portfolio(products=True)``. Rows with a missing rate (rejected
        applicants) are left out.
    rules : CapRules
    lpr : float or mapping, default=None
    rate_column, date_column : str
        The all-in annualised rate and the contract date.

    Returns
    -------
    CapCheck

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"annualised_rate": [0.30, 0.42, None],
    ...                       "origination_month": pd.to_datetime(["2024-01-01"] * 3)})
    >>> check_book(frame, CHINA_CAPS.select(kinds=["regulatory"])).breach.tolist()
    [False, True]
    """
    frame = getattr(book, "applications", book)
    for col in (rate_column, date_column):
        if col not in getattr(frame, "columns", ()):
            raise DataError(
                f"the book needs column {col!r} (the all-in annualised rate and the contract "
                "date); build it with make_microloan_portfolio(products=True) or compute it "
                "with annualised_rate."
            )
    rate = np.asarray(frame[rate_column], dtype=np.float64)
    keep = np.isfinite(rate)
    days = np.asarray(frame[date_column]).astype("datetime64[D]")
    return rules.check(rate[keep], on=days[keep], lpr=lpr)


def max_contract_rate(
    cap: npt.ArrayLike,
    term: npt.ArrayLike,
    *,
    method: Any = "equal_instalment",
    fee_upfront: npt.ArrayLike = 0.0,
    fee_per_period: npt.ArrayLike = 0.0,
    fee_at_end: npt.ArrayLike = 0.0,
    tol: float = 1e-10,
) -> Any:
    """Highest contract (annual) rate whose all-in annualised rate stays within ``cap``.

    The all-in IRR rate rises with the contract rate, so a vectorised bisection finds the
    largest contract rate it allows; NaN where the fees alone already exceed the cap
    (the product cannot be offered at any rate).

    Parameters
    ----------
    cap : float or array-like
        Ceiling on the annualised IRR rate, per loan or one for all.
    term, method, fee_upfront, fee_per_period, fee_at_end
        As in :func:`repayment_schedule`.
    tol : float, default=1e-10

    Returns
    -------
    float or ndarray

    Examples
    --------
    Under a 24% cap a 12-month flat-rate loan may quote at most about 13.5% a year; with a
    3% upfront fee an equal-instalment loan may charge about 18.1%; a 24-month bullet
    loan (simple interest) may quote more than the cap itself.

    >>> round(max_contract_rate(0.24, 12, method="flat"), 4)
    0.1347
    >>> round(max_contract_rate(0.24, 12, fee_upfront=0.03), 4)
    0.1809
    >>> round(max_contract_rate(0.24, 24, method="bullet"), 4)
    0.3042
    """
    c = np.asarray(cap, dtype=np.float64)
    scalar = c.ndim == 0 and np.ndim(term) == 0
    n = max(c.size, np.asarray(term).size)
    c = np.broadcast_to(c.reshape(-1), (n,)).astype(np.float64)
    if not np.all(np.isfinite(c)) or (c <= 0).any():
        raise DataError(f"cap must be finite and positive; got {format_values(np.unique(c))}.")
    kw = {
        "method": method,
        "fee_upfront": fee_upfront,
        "fee_per_period": fee_per_period,
        "fee_at_end": fee_at_end,
    }

    def all_in(r: FloatArray) -> FloatArray:
        out: FloatArray = annualised_rate(repayment_schedule(1.0, r, term, **kw).cash_flows)
        return out

    lo = np.zeros(n)
    floor = all_in(lo)
    feasible = floor <= c + 1e-12
    hi = np.maximum(c, 1e-6)  # a bullet loan's simple interest may exceed the cap: grow hi
    for _ in range(20):
        grow = feasible & (all_in(hi) <= c)
        if not grow.any():
            break
        hi = np.where(grow, 2.0 * hi, hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        ok = all_in(mid) <= c
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
        if np.max(hi - lo) < tol:
            break
    out = np.where(feasible, lo, np.nan)
    return float(out[0]) if scalar else out


_SPC_2015 = (
    "Supreme People's Court, 关于审理民间借贷案件适用法律若干问题的规定 (法释〔2015〕18号), "
    "Article 26: rates up to 24% a year are protected, above 36% void"
)

#: Caps on the annualised cost of micro-loans in China. The LPR-based ceiling needs the
#: one-year LPR as an input (:data:`LPR_1Y`). Scope: the judicial ceilings govern private
#: lending (民间借贷); by the Supreme People's Court's reply 法释〔2020〕27号 licensed
#: lenders (micro-lending companies, consumer finance companies) are outside them, but
#: courts, regulators and lenders use them as the reference lines.
CHINA_CAPS = CapRules(
    (
        RateCap(
            "SPC 2015: 24% protected",
            limit=0.24,
            source=_SPC_2015,
            effective_from="2015-09-01",
            effective_to="2020-08-19",
            kind="judicial",
        ),
        RateCap(
            "SPC 2015: 36% void",
            limit=0.36,
            source=_SPC_2015,
            effective_from="2015-09-01",
            effective_to="2020-08-19",
            kind="judicial",
        ),
        RateCap(
            "SPC 2020: 4 x one-year LPR",
            lpr_multiple=4.0,
            source=(
                "Supreme People's Court, 关于修改《关于审理民间借贷案件适用法律若干问题的规定》"
                "的决定 (法释〔2020〕6号, 2020-08-20); Article 25 of the version in "
                "法释〔2020〕17号"
            ),
            effective_from="2020-08-20",
            kind="judicial",
        ),
        RateCap(
            "cash-loan rectification: 36% all-in",
            limit=0.36,
            source=(
                "P2P and internet-finance rectification offices, 关于规范整顿“现金贷”业务的通知 "
                "(整治办函〔2017〕141号, 2017-12-01): comprehensive financing cost within the "
                "judicial 36% line"
            ),
            effective_from="2017-12-01",
            kind="regulatory",
        ),
        RateCap(
            "24% comprehensive financing cost",
            limit=0.24,
            source=(
                "regulators' window guidance on the comprehensive financing cost of consumer "
                "and internet loans (24% line), reinforced with 金办发〔2025〕8号 (internet "
                "assisted lending, 2025-10-01); guidance, not statute"
            ),
            effective_from="2025-10-01",
            kind="guidance",
        ),
    ),
    name="China: micro-lending rate lines",
)

#: The US Military Lending Act ceiling: 36% Military Annual Percentage Rate, fees included.
US_MLA_CAPS = CapRules(
    (
        RateCap(
            "MLA 36% MAPR",
            limit=0.36,
            source="10 U.S.C. 987(b); 32 CFR 232.4(b) (Military Lending Act)",
            effective_from="2007-10-01",
            kind="regulatory",
        ),
    ),
    name="US: Military Lending Act",
)
