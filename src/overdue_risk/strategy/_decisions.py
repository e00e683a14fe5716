"""Decision tables: knock-out policy rules, score / grade bands, risk-based pricing.

Public through :mod:`overdue_risk.strategy`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_categories, is_missing
from overdue_risk._validation import (
    FloatArray,
    as_mapping_of_columns,
    check_in,
    check_positive,
    check_record,
    format_values,
)
from overdue_risk.exceptions import DataError
from overdue_risk.strategy._pricing import risk_based_apr

__all__ = ["DecisionBand", "DecisionTable", "PolicyRule", "RiskBasedPricing"]


_NUMERIC_OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
_OPS = (*_NUMERIC_OPS, "==", "!=", "in", "not in", "missing")
DECISIONS = ("approve", "decline", "refer")


def _missing_mask(values: Any) -> npt.NDArray[np.bool_]:
    """Missing entries (None, NaN, pd.NA, pd.NaT), in C for object columns (via pandas)."""
    arr = np.asarray(values) if not hasattr(values, "isna") else None
    if arr is not None and arr.dtype.kind in "biufcmMUS":
        return is_missing(arr)
    import pandas as pd

    return np.asarray(pd.isna(values if arr is None else arr), dtype=bool).reshape(-1)


def _numeric(values: Any) -> tuple[FloatArray | None, npt.NDArray[np.bool_]]:
    """Float values and the missing mask; None when a non-missing entry is not a number."""
    arr = np.asarray(values)
    if arr.dtype.kind in "biuf":
        num = arr.astype(np.float64)
        return num, np.isnan(num)
    import pandas as pd

    missing = _missing_mask(values)
    num = pd.to_numeric(pd.Series(arr, dtype=object), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    if (np.isnan(num) & ~missing).any():
        return None, missing
    return num, missing


def _factorize(values: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """Codes (-1 = missing) and the canonical form of each distinct value.

    Only the distinct values go through :func:`canonical_categories`, so a million rows
    with a handful of categories cost one hash pass.
    """
    import pandas as pd

    raw = values if hasattr(values, "dtype") and hasattr(values, "isna") else np.asarray(values)
    if isinstance(raw, np.ndarray) and raw.dtype.kind not in "biufUSO":
        raw = raw.astype(object)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    canon = canonical_categories(np.asarray(uniques, dtype=object))
    return np.asarray(codes, dtype=np.int64), canon


def _categorical(codes: npt.NDArray[np.int64], texts: Sequence[str]) -> Any:
    """A pandas Categorical from codes into ``texts`` (duplicates merged; -1 = missing)."""
    import pandas as pd

    used = np.bincount(codes[codes >= 0], minlength=len(texts)) > 0
    uniq, remap = np.unique(np.asarray(list(texts), dtype=str)[used], return_inverse=True)
    full = np.full(len(texts), -1, dtype=np.int64)
    full[used] = remap
    new = np.where(codes >= 0, full[np.maximum(codes, 0)], -1)
    return pd.Categorical.from_codes(new, categories=uniq.tolist())


@dataclass(frozen=True)
class PolicyRule:
    """A knock-out rule: decline the applicant when ``column op value`` holds.

    Parameters
    ----------
    column : str
        Column of the applicant data.
    op : str
        ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``, ``in``, ``not in`` or ``missing``.
    value : Any, default=None
        Threshold, category, or list of categories for ``in`` / ``not in``.
    reason : str, default=""
        Decline reason recorded when the rule fires (default: the rule as text).
    if_missing : {"pass", "decline"}, default="pass"
        What a missing value does (for every op but ``missing``).

    Examples
    --------
    >>> import numpy as np
    >>> PolicyRule("age", "<", 18, reason="under age").fires({"age": np.array([17, 30])})
    array([ True, False])
    """

    column: str
    op: str
    value: Any = None
    reason: str = ""
    if_missing: str = "pass"

    @property
    def label(self) -> str:
        """The decline reason (the rule as text when no reason was given)."""
        if self.reason:
            return self.reason
        return f"{self.column} {self.op}" + ("" if self.op == "missing" else f" {self.value!r}")

    def fires(self, data: Mapping[str, Any]) -> npt.NDArray[np.bool_]:
        """Boolean mask of the applicants this rule declines (vectorised)."""
        check_in(self.op, f"op of the rule on {self.column!r}", _OPS)
        check_in(self.if_missing, f"if_missing of the rule on {self.column!r}", ["pass", "decline"])
        if self.column not in data:
            raise DataError(
                f"policy rule {self.label!r} needs column {self.column!r}, which the data "
                f"lacks (it has {format_values(sorted(map(str, data)))}). Add the column or "
                "drop the rule."
            )
        values = data[self.column]
        if self.op == "missing":
            return _missing_mask(values)
        if self.op in _NUMERIC_OPS:
            try:
                threshold = float(self.value)
            except (TypeError, ValueError):
                threshold = math.nan
            num, missing = _numeric(values)
            if num is None or math.isnan(threshold):
                raise DataError(
                    f"policy rule {self.label!r} compares {self.column!r} with {self.value!r} "
                    f"using {self.op!r}, but the column or the value is not numeric. Use '==' / "
                    "'in' for categories."
                )
            with np.errstate(invalid="ignore"):
                hit = _NUMERIC_OPS[self.op](np.where(missing, 0.0, num), threshold)
        else:
            codes, canon = _factorize(values)
            missing = codes < 0
            wanted = self.value if self.op in ("in", "not in") else [self.value]
            if isinstance(wanted, str) or not isinstance(wanted, Sequence | set | frozenset):
                wanted = [wanted]
            allowed = canonical_categories(np.asarray(list(wanted), dtype=object))
            member = np.isin(canon.astype(str), allowed.astype(str))[np.maximum(codes, 0)]
            hit = member if self.op in ("==", "in") else ~member
        hit = np.asarray(hit, dtype=bool)
        return np.where(missing, self.if_missing == "decline", hit)


@dataclass(frozen=True)
class DecisionBand:
    """One row of the decision table: a score range (or a grade) and its terms.

    Parameters
    ----------
    name : str
        Band label, recorded in the output.
    min_score : float, default=None
        Inclusive lower score bound (score-keyed tables); the band runs up to the next
        band's bound.
    grade : str, default=None
        The grade this band applies to (grade-keyed tables).
    decision : {"approve", "decline", "refer"}, default="approve"
    limit : float, default=None
        Maximum credit limit (amount).
    apr : float, default=None
        Fixed APR of the band; None prices each applicant with the table's
        :class:`RiskBasedPricing`.
    max_term : int, default=None
        Longest term offered (months).

    Examples
    --------
    >>> DecisionBand("A", min_score=620, limit=3000, apr=0.28, max_term=24).decision
    'approve'
    """

    name: str
    min_score: float | None = None
    grade: str | None = None
    decision: str = "approve"
    limit: float | None = None
    apr: float | None = None
    max_term: int | None = None


@dataclass(frozen=True)
class RiskBasedPricing:
    """Risk-based APR: cover ``PD x LGD``, funding and operating cost, and a margin.

    See :func:`risk_based_apr` for the formula. ``apr_cap`` is a legal or policy ceiling
    (e.g. ``CHINA_CAPS.limit(date, lpr=...)`` of :mod:`overdue_risk.pricing`): no price
    above it is ever returned; applicants whose required price exceeds it cannot be served
    profitably under the cap, get NaN from :meth:`price`, are flagged by
    :meth:`unservable` and are declined by :class:`DecisionTable` ("price above APR
    cap"). ``apr_floor`` is a minimum rate (it must not exceed the cap).

    Examples
    --------
    >>> pricing = RiskBasedPricing(lgd=0.6, funding_rate=0.08, operating_cost=0.05,
    ...                            target_margin=0.02, apr_cap=0.36)
    >>> pricing.price([0.05, 0.3]).round(4).tolist()
    [0.1895, nan]
    >>> pricing.required_price([0.05, 0.3]).round(4).tolist()
    [0.1895, 0.4714]
    >>> pricing.unservable([0.05, 0.3]).tolist()
    [False, True]
    """

    lgd: float
    funding_rate: float
    operating_cost: float = 0.0
    target_margin: float = 0.0
    apr_cap: float | None = None
    apr_floor: float | None = None

    def price(self, pd: npt.ArrayLike, term_months: npt.ArrayLike = 12) -> FloatArray:
        """The APR of each applicant, never above ``apr_cap`` (NaN where the required
        price exceeds it; see :meth:`unservable`)."""
        apr = self.required_price(pd, term_months)
        if self.apr_cap is not None:
            apr = np.where(apr > float(self.apr_cap), np.nan, apr)
        return apr

    def unservable(self, pd: npt.ArrayLike, term_months: npt.ArrayLike = 12) -> Any:
        """Applicants who cannot be served profitably under ``apr_cap`` (bool array)."""
        apr = self.required_price(pd, term_months)
        if self.apr_cap is None:
            return np.zeros(apr.shape, dtype=bool)
        return apr > float(self.apr_cap)

    def required_price(self, pd: npt.ArrayLike, term_months: npt.ArrayLike = 12) -> FloatArray:
        """The APR that covers each applicant's costs (after the floor, before the cap)."""
        if (
            self.apr_cap is not None
            and self.apr_floor is not None
            and float(self.apr_floor) > float(self.apr_cap)
        ):
            raise DataError(
                f"apr_floor ({self.apr_floor}) is above apr_cap ({self.apr_cap}): no price "
                "can satisfy both. Lower the floor or raise the cap."
            )
        apr = np.asarray(
            risk_based_apr(
                pd,
                lgd=self.lgd,
                funding_rate=self.funding_rate,
                operating_cost=self.operating_cost,
                target_margin=self.target_margin,
                term_months=term_months,
            ),
            dtype=np.float64,
        )
        if self.apr_floor is not None:
            apr = np.maximum(apr, float(self.apr_floor))
        return apr


@dataclass(frozen=True)
class DecisionTable:
    """Knock-out rules, then score or grade bands with limit, APR and term.

    Parameters
    ----------
    bands : sequence of DecisionBand or dict
        Either all with ``min_score`` (score-keyed) or all with ``grade`` (grade-keyed).
    rules : sequence of PolicyRule or dict, default=()
        Knock-out rules, in priority order: the first that fires is the decline reason;
        all that fire are listed in ``policy_reasons``.
    pricing : RiskBasedPricing, default=None
        Prices applicants in bands without a fixed ``apr`` (needs a PD per applicant).
    key : str, default="score"
        Column holding the score (or the grade, for grade-keyed bands).
    pd_column : str, default="pd"
        Column holding the PD (used by ``pricing``).
    amount_column : str, default=None
        Requested amount; adds ``approved_amount = min(requested, limit)``.
    term_column : str, default=None
        Requested term; the output term is ``min(requested, max_term)``.
    apr_cap : float, default=None
        Legal or policy ceiling on the APR of *every* band, fixed or risk-based (the
        lower of this and ``pricing.apr_cap`` applies; see :attr:`active_cap`).
        Applicants of a band whose fixed APR exceeds it are declined ("band APR above
        cap"), those whose risk-based price exceeds it too ("price above APR cap"). The
        APR is the contract rate: for products with fees, pass the cap on the contract
        rate that the fees leave (:func:`overdue_risk.pricing.max_contract_rate`).

    Examples
    --------
    >>> import pandas as pd
    >>> table = DecisionTable(
    ...     bands=[DecisionBand("C", min_score=500, limit=500, apr=0.45, max_term=6),
    ...            DecisionBand("A", min_score=600, limit=2000, apr=0.30, max_term=12)],
    ...     rules=[PolicyRule("age", "<", 18, reason="under 18")])
    >>> apps = pd.DataFrame({"age": [17, 30, 40, 50], "score": [650, 650, 550, 450]})
    >>> table.apply(apps)[["decision", "reason", "band", "limit", "apr", "term"]]
      decision               reason band   limit   apr  term
    0  decline             under 18    A     NaN   NaN  <NA>
    1  approve                         A  2000.0  0.30    12
    2  approve                          C   500.0  0.45     6
    3  decline  score below cut-off  NaN     NaN   NaN  <NA>

    A cap binds every band: the 45% band is declined under a 36% cap.

    >>> capped = DecisionTable(bands=table.bands, apr_cap=0.36)
    >>> capped.apply(apps)[["decision", "reason", "apr"]]
      decision                reason   apr
    0  approve                        0.30
    1  approve                        0.30
    2  decline    band APR above cap   NaN
    3  decline   score below cut-off   NaN
    """

    bands: Sequence[DecisionBand | Mapping[str, Any]]
    rules: Sequence[PolicyRule | Mapping[str, Any]] = ()
    pricing: RiskBasedPricing | None = None
    key: str = "score"
    pd_column: str = "pd"
    amount_column: str | None = None
    term_column: str | None = None
    apr_cap: float | None = None

    @property
    def active_cap(self) -> float | None:
        """The ceiling on every approved APR: the lower of ``apr_cap`` and the pricing's."""
        given = (self.apr_cap, getattr(self.pricing, "apr_cap", None))
        caps = [check_positive(c, "apr_cap") for c in given if c is not None]
        return min(caps) if caps else None

    def bands_above_cap(self, cap: float | None = None) -> list[str]:
        """Names of the approving bands whose fixed APR is above the cap (the grid check).

        ``cap`` defaults to :attr:`active_cap`; applicants of these bands are declined by
        :meth:`apply` ("band APR above cap").

        Examples
        --------
        >>> t = DecisionTable(bands=[DecisionBand("A", min_score=600, apr=0.30),
        ...                          DecisionBand("B", min_score=500, apr=0.50)])
        >>> t.bands_above_cap(0.36)
        ['B']
        """
        limit = self.active_cap if cap is None else check_positive(cap, "cap")
        if limit is None:
            return []
        bands, _ = self._parse()
        return [
            b.name
            for b in bands
            if b.decision == "approve" and b.apr is not None and float(b.apr) > limit
        ]

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> DecisionTable:
        """Build a table from plain data (e.g. parsed JSON or TOML).

        Examples
        --------
        >>> t = DecisionTable.from_dict({
        ...     "rules": [{"column": "debt_to_income", "op": ">", "value": 0.6}],
        ...     "bands": [{"name": "A", "min_score": 600, "limit": 1000, "apr": 0.3}],
        ...     "pricing": {"lgd": 0.7, "funding_rate": 0.08}})
        >>> t.pricing.lgd, len(t.rules)
        (0.7, 1)
        """
        data = dict(spec)
        pricing = data.pop("pricing", None)
        if pricing is not None:
            data["pricing"] = check_record(pricing, RiskBasedPricing, "pricing")
        return cls(**data)

    def _parse(self) -> tuple[tuple[DecisionBand, ...], tuple[PolicyRule, ...]]:
        bands = tuple(check_record(b, DecisionBand, f"band {i}") for i, b in enumerate(self.bands))
        rules = tuple(check_record(r, PolicyRule, f"rule {i}") for i, r in enumerate(self.rules))
        if not bands:
            raise DataError("DecisionTable needs at least one band.")
        by_score = [b.min_score is not None for b in bands]
        by_grade = [b.grade is not None for b in bands]
        if not (all(by_score) and not any(by_grade)) and not (all(by_grade) and not any(by_score)):
            raise DataError(
                "bands must all set min_score (a score table) or all set grade (a grade "
                f"table); got {format_values([b.name for b in bands])} mixed."
            )
        for b in bands:
            check_in(b.decision, f"decision of band {b.name!r}", DECISIONS)
            if b.decision == "approve" and b.apr is None and self.pricing is None:
                raise DataError(
                    f"band {b.name!r} approves without an apr and the table has no pricing. "
                    "Give the band an apr or the table a RiskBasedPricing."
                )
        keys = [b.min_score if b.grade is None else b.grade for b in bands]
        if len(set(keys)) != len(keys):
            raise DataError(f"bands repeat a min_score or grade: {format_values(keys)}.")
        if all(by_score):
            bands = tuple(sorted(bands, key=lambda b: float(b.min_score or 0.0)))
        return bands, rules

    def apply(
        self,
        data: Any,
        *,
        score: npt.ArrayLike | None = None,
        pd: npt.ArrayLike | None = None,
    ) -> Any:
        """Decide every applicant: DataFrame in, DataFrame out (vectorised).

        Parameters
        ----------
        data : pandas.DataFrame or dict of arrays
            The applicants, with the rule columns and (unless passed) the key and PD.
        score : array-like, default=None
            Scores or grades overriding the ``key`` column.
        pd : array-like, default=None
            PDs overriding the ``pd_column`` column.

        Returns
        -------
        pandas.DataFrame
            Same index as ``data`` (for DataFrames) with the categorical columns
            ``decision``, ``reason`` (the
            first reason for a decline or referral, "" when approved), ``policy_reasons``
            (every knock-out rule that fired, "; "-separated), ``band`` (the applicant's
            band even when a rule declined them; missing below the lowest band), ``limit``,
            ``approved_amount`` (with ``amount_column``), ``apr`` and ``term``. Terms are
            missing (NaN / <NA>) for declined applicants.
        """
        import pandas as pd_

        bands, rules = self._parse()
        columns = as_mapping_of_columns(data)
        if columns is None:
            raise DataError(
                f"data must be a pandas DataFrame or a dict of columns; got {type(data).__name__}."
            )
        n = len(next(iter(columns.values()))) if columns else 0
        if score is not None:
            n = len(np.asarray(score).reshape(-1)) if not columns else n
        index = data.index if hasattr(data, "index") else pd_.RangeIndex(n)

        # 1. knock-out rules: a (n, rules) matrix; the first that fires is the reason
        fired = np.zeros((n, len(rules)), dtype=bool)
        for j, rule in enumerate(rules):
            fired[:, j] = rule.fires(columns)
        knocked = fired.any(axis=1)
        vocab = ["", *(r.label for r in rules)]  # reason texts; codes index this list
        reason = np.where(knocked, 1 + np.argmax(fired, axis=1) if rules else 0, 0)
        policy = _policy_reasons(fired, [r.label for r in rules])

        # 2. band of every applicant
        key_values = self._column(columns, score, self.key, n)
        band_idx, why_codes, why_texts = self._band_index(bands, key_values)
        no_band = band_idx < 0
        reason = np.where(~knocked & no_band, len(vocab) + why_codes, reason)
        vocab += why_texts
        safe = np.maximum(band_idx, 0)
        decision_of_band = np.asarray([DECISIONS.index(b.decision) for b in bands])
        decision = np.where(knocked | no_band, 1, decision_of_band[safe])  # 1 = decline
        band_text = np.asarray([len(vocab) + i for i in range(len(bands))])[safe]
        vocab += [f"band {b.name}: {b.decision}" for b in bands]
        reason = np.where(~knocked & ~no_band & (decision != 0), band_text, reason)

        # 3. terms: limit, term, APR (fixed or risk-based, capped)
        limit = np.asarray([np.nan if b.limit is None else b.limit for b in bands])[safe]
        max_term = np.asarray([np.nan if b.max_term is None else b.max_term for b in bands])[safe]
        term = max_term
        if self.term_column is not None:
            requested = np.asarray(self._column(columns, None, self.term_column, n), dtype=float)
            term = np.where(np.isnan(max_term), requested, np.fmin(requested, max_term))
        apr = np.asarray([np.nan if b.apr is None else b.apr for b in bands])[safe]
        needs_price = (decision == 0) & np.isnan(apr)
        if needs_price.any() and self.pricing is not None:
            pds = np.asarray(self._column(columns, pd, self.pd_column, n), dtype=np.float64)
            months = np.where(np.isnan(term), 12.0, term)
            priced = np.full(n, np.nan)
            priced[needs_price] = self.pricing.required_price(pds[needs_price], months[needs_price])
            apr = np.where(needs_price, priced, apr)
        cap = self.active_cap
        if cap is not None:  # no approved price above the cap, fixed or risk-based
            with np.errstate(invalid="ignore"):
                over = (decision == 0) & (apr > cap)
            decision = np.where(over, 1, decision)
            reason = np.where(over & needs_price, len(vocab), reason)
            reason = np.where(over & ~needs_price, len(vocab) + 1, reason)
            vocab += ["price above APR cap", "band APR above cap"]

        approved = decision == 0
        out = pd_.DataFrame(
            {
                "decision": _categorical(decision, DECISIONS),
                "reason": _categorical(reason, vocab),
                "policy_reasons": policy,
                "band": _categorical(band_idx, [b.name for b in bands]),
                "limit": np.where(approved, limit, np.nan),
            },
            index=index,
        )
        if self.amount_column is not None:
            amount = np.asarray(self._column(columns, None, self.amount_column, n), dtype=float)
            out["approved_amount"] = np.where(approved, np.fmin(amount, limit), np.nan)
        out["apr"] = np.where(approved, apr, np.nan)
        out["term"] = pd_.array(np.where(approved, term, np.nan), dtype="Int64")
        return out

    @staticmethod
    def _column(
        columns: Mapping[str, Any], override: npt.ArrayLike | None, name: str, n: int
    ) -> npt.NDArray[Any]:
        if override is not None:
            arr = np.asarray(override).reshape(-1)
            if arr.size != n:
                raise DataError(f"{name} has {arr.size} entries for {n} applicants.")
            return arr
        if name not in columns:
            raise DataError(
                f"the decision table needs column {name!r}, which the data lacks (it has "
                f"{format_values(sorted(map(str, columns)))}). Add it or pass it as an argument."
            )
        return np.asarray(columns[name])

    @staticmethod
    def _band_index(
        bands: tuple[DecisionBand, ...], key: Any
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
        """Band of every applicant (-1: none) and, for those, a code into the reason texts."""
        if bands[0].grade is None:
            lowers = np.asarray([b.min_score for b in bands], dtype=np.float64)
            num, missing = _numeric(key)
            if num is None:
                raise DataError(
                    "the score column must be numeric for a score-keyed table; use grade bands "
                    "for grades."
                )
            idx = np.searchsorted(lowers, np.where(missing, -np.inf, num), side="right") - 1
            why = np.zeros(idx.size, dtype=np.int64)
            texts = ["score below cut-off", "no score"]
        else:
            grades = canonical_categories(np.asarray([b.grade for b in bands], dtype=object))
            lookup = {g: i for i, g in enumerate(grades.tolist())}
            codes, canon = _factorize(key)  # loop over distinct grades only
            # one entry per distinct grade, plus a trailing -1 that code -1 (missing) picks
            band_of = np.asarray([*(lookup.get(g, -1) for g in canon.tolist()), -1])
            missing = codes < 0
            idx = band_of[codes].astype(np.int64)
            # reason texts: 0 = "no score", 1 + k = the k-th distinct grade has no band
            texts = ["no score", *(f"grade {g!r} has no band" for g in canon.tolist())]
            return idx, np.where(missing, 0, codes + 1).astype(np.int64), texts
        idx = np.where(missing, -1, idx).astype(np.int64)
        why = np.where(missing, 1, why)
        return idx, why.astype(np.int64), texts


def _policy_reasons(fired: npt.NDArray[np.bool_], labels: list[str]) -> Any:
    """Categorical of "; "-joined labels of the rules that fired, one text per combination."""
    n, k = fired.shape
    if k == 0:
        return _categorical(np.zeros(n, dtype=np.int64), [""])
    if k <= 62:  # one integer key per applicant: bit j set when rule j fired
        keys = fired.astype(np.int64) @ (np.int64(1) << np.arange(k, dtype=np.int64))
        if k <= 20:
            present = np.flatnonzero(np.bincount(keys, minlength=1 << k))
            lookup = np.zeros(1 << k, dtype=np.int64)
            lookup[present] = np.arange(present.size)
            inverse = lookup[keys]
        else:
            present, inverse = np.unique(keys, return_inverse=True)
        combos = (present[:, None] >> np.arange(k)) & 1 == 1
    else:
        combos, inverse = np.unique(fired, axis=0, return_inverse=True)
    texts = ["; ".join(lab for lab, on in zip(labels, row, strict=True) if on) for row in combos]
    return _categorical(np.asarray(inverse, dtype=np.int64).reshape(-1), texts)
