"""The through-the-door book: every applicant, an incumbent policy, and the rejects' truth.

``make_microloan_portfolio(..., through_the_door=True)`` draws the whole applicant
population with :func:`overdue_risk.datasets._generator.simulate_applications`, lets an
*incumbent policy* decide who is approved and at which price, limit and term, and then
simulates the repayment of **every** applicant as if booked on the policy's terms. The
lender sees the outcomes of the approved loans only; the rejected applicants appear in
``applications`` with their features and ``decision == "reject"`` and no outcome, and their
simulated outcomes go to ``Portfolio.truth["through_the_door"]`` for evaluation only.

The incumbent policy (:class:`IncumbentPolicy`) is documented in full because reject
inference is a question about it:

1. **An older scorecard.** ``old = 0.5 * observed + private_information * hidden + e``
   with ``e ~ N(0, score_noise)``: half of the log-odds that the applicant features carry
   (the older card missed part of the non-linearities), a share of the risk that no column
   shows (what the branch interview or a bureau score the lender no longer keeps told the
   old process) and noise. The recorded ``incumbent_score`` is ``600 - (20 / ln 2) old``
   (higher = safer, 20 points to double the odds), rounded.
2. **Knock-out rules** (documented, deterministic): age under 21, a past delinquency of 90+
   days (``worst_past_dpd >= 90``), debt-to-income above 0.8, or 8+ credit inquiries in
   six months. Nobody knocked out is approved, so the book holds no loan in those regions.
3. **A cut-off that moves with the month.** Approve when ``incumbent_score >= cutoff[m]``
   where ``cutoff[m] = c + cutoff_drift * z_m`` (``z_m ~ N(0, 1)``, one per origination
   month: appetite and funding changed the cut-off over time); ``c`` is solved so that the
   policy rejects ``reject_rate`` of all applicants. The month's cut-off is recorded
   (``incumbent_cutoff``): it moves acceptance without moving risk, which is what a
   selection model needs (an exclusion restriction).
4. **Low-side overrides.** ``override_rate`` of the applicants below the cut-off (and not
   knocked out) are approved anyway, at random.
5. **Decisions** (the lender's, not the applicant's): a risk-based price
   ``apr = clip(0.36 + 0.12 old_hat + 0.03 [term <= 6], 0.18, 0.95)`` rounded to 0.5% with
   ``old_hat = (600 - incumbent_score) ln 2 / 20``; a limit of
   ``clip(1.6 - 0.6 old_hat, 0.5, 3) x income`` (income 500 when none was declared) so
   ``loan_amount = min(requested_amount, limit)`` in steps of 50 (at least 100); and a
   term of at most 12 months when ``old_hat > 0.5`` (``term_months`` = the longest
   allowed term not above ``requested_term``). The granted amount changes the risk
   (a larger loan relative to income is riskier, as in the default book), so a decision
   variable is both a signal of the old score and a cause.

The stated terms of a rejected applicant (what the truth table simulates) are the same
formulas: the price, limit and term the policy would have offered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray
from overdue_risk.datasets import _generator as gen
from overdue_risk.exceptions import DataError

__all__ = [
    "APPLICANT_FEATURES",
    "DECISION_FEATURES",
    "IncumbentPolicy",
    "apply_policy",
    "finish_portfolio",
    "resolve_policy",
]


#: The lender's decisions stored in the application table: never risk features.
DECISION_FEATURES: tuple[str, ...] = ("loan_amount", "term_months", "apr")
#: What the applicant brings (default book).
APPLICANT_FEATURES: tuple[str, ...] = (
    "age",
    "employment_type",
    "months_employed",
    "monthly_income",
    "debt_to_income",
    "n_existing_loans",
    "credit_history_months",
    "n_past_overdue",
    "worst_past_dpd",
    "n_inquiries_6m",
    "purpose",
    "channel",
    "region",
)
#: The through-the-door book adds what the applicant asked for.
TTD_APPLICANT_FEATURES: tuple[str, ...] = (
    *APPLICANT_FEATURES,
    "requested_amount",
    "requested_term",
)

_PDO_FACTOR = 20.0 / math.log(2.0)
_BASE_SCORE = 600.0

#: Data dictionary rows of the through-the-door book (replacing or adding to the default).
TTD_DICTIONARY_ROWS: dict[str, tuple[str, str, str, str]] = {
    "loan_amount": (
        "applications",
        "loan_amount",
        "float64",
        "Decision: principal granted (min of requested amount and the policy's limit); NaN "
        "for a rejected applicant.",
    ),
    "term_months": (
        "applications",
        "term_months",
        "float64",
        "Decision: term granted (3 ... 24 months); NaN for a rejected applicant.",
    ),
    "apr": (
        "applications",
        "apr",
        "float64",
        "Decision: the incumbent policy's price (a function of incumbent_score and the "
        "term); NaN for a rejected applicant.",
    ),
    "bad": (
        "applications",
        "bad",
        "int64",
        "Target of an approved loan (see the default book); 0 and bad_observed False for a "
        "rejected applicant, whose outcome the lender never sees.",
    ),
    "requested_amount": (
        "applications",
        "requested_amount",
        "float64",
        "Applicant: amount asked for, 100-5,000 in steps of 50.",
    ),
    "requested_term": (
        "applications",
        "requested_term",
        "int64",
        "Applicant: term asked for: 3, 6, 9, 12, 18 or 24.",
    ),
    "decision": ("applications", "decision", "str", "Incumbent policy: approve or reject."),
    "incumbent_score": (
        "applications",
        "incumbent_score",
        "int64",
        "Score of the incumbent (older) scorecard, higher = safer; recorded for every applicant.",
    ),
    "incumbent_cutoff": (
        "applications",
        "incumbent_cutoff",
        "int64",
        "The incumbent policy's cut-off in the application month.",
    ),
}
_ADDED = ("requested_amount", "requested_term", "decision", "incumbent_score", "incumbent_cutoff")


@dataclass(frozen=True)
class IncumbentPolicy:
    """The policy that decided who was booked in a through-the-door book.

    Parameters
    ----------
    reject_rate : float, default=0.4
        Share of all applicants the policy rejects (knock-outs included), in (0, 1).
    private_information : float, default=0.5
        Weight of the unobserved risk in the older scorecard (0 = the old decisions are
        explained by the observed features and the recorded score alone; larger = the old
        process saw risk the data do not show, so the approved loans are better than
        their features say).
    score_noise : float, default=0.5
        Standard deviation of the older card's noise (log-odds units).
    cutoff_drift : float, default=12.0
        Standard deviation, in points, of the month-to-month moves of the cut-off.
    override_rate : float, default=0.03
        Share of below-cut-off applicants (not knocked out) approved anyway.
    knock_outs : bool, default=True
        Apply the knock-out rules (see the module notes).

    Examples
    --------
    >>> from overdue_risk.datasets import IncumbentPolicy
    >>> IncumbentPolicy(reject_rate=0.25).reject_rate
    0.25
    """

    reject_rate: float = 0.4
    private_information: float = 0.5
    score_noise: float = 0.5
    cutoff_drift: float = 12.0
    override_rate: float = 0.03
    knock_outs: bool = True

    def __post_init__(self) -> None:
        checks = (
            ("reject_rate", 0.0 < self.reject_rate < 1.0, "in (0, 1)"),
            ("private_information", self.private_information >= 0.0, ">= 0"),
            ("score_noise", self.score_noise >= 0.0, ">= 0"),
            ("cutoff_drift", self.cutoff_drift >= 0.0, ">= 0"),
            ("override_rate", 0.0 <= self.override_rate < 1.0, "in [0, 1)"),
        )
        for name, ok, expected in checks:
            value = getattr(self, name)
            if not (ok and np.isfinite(value)):
                raise DataError(
                    f"IncumbentPolicy.{name} must be {expected}; got {value!r}. "
                    "Example: IncumbentPolicy(reject_rate=0.4)."
                )


def resolve_policy(value: Any) -> IncumbentPolicy | None:
    """``False``/``None`` -> no policy, ``True`` -> the default policy, or the policy given."""
    if value is None or value is False:
        return None
    if value is True:
        return IncumbentPolicy()
    if isinstance(value, IncumbentPolicy):
        return value
    raise DataError(
        f"through_the_door must be True, False or an IncumbentPolicy; got {value!r}. "
        "Example: through_the_door=IncumbentPolicy(reject_rate=0.4)."
    )


@dataclass(frozen=True)
class Decisions:
    """What the incumbent policy decided for every applicant (stated terms for rejects)."""

    approved: npt.NDArray[np.bool_]
    knocked_out: npt.NDArray[np.bool_]
    score: npt.NDArray[np.int64]
    cutoff: npt.NDArray[np.int64]
    requested_amount: FloatArray
    requested_term: npt.NDArray[np.int64]


def _knock_outs(columns: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.bool_]:
    dti = np.nan_to_num(np.asarray(columns["debt_to_income"], dtype=float), nan=0.0)
    out: npt.NDArray[np.bool_] = (
        (columns["age"] < 21)
        | (columns["worst_past_dpd"] >= 90)
        | (dti > 0.8)
        | (columns["n_inquiries_6m"] >= 8)
    )
    return out


def _granted_terms(requested: npt.NDArray[np.int64], max_term: npt.NDArray[np.int64]) -> Any:
    terms = np.asarray(gen.TERMS, dtype=np.int64)
    allowed = np.minimum(requested, max_term)
    # longest listed term not above the allowed one (3 is always allowed)
    return terms[np.maximum(np.searchsorted(terms, allowed, side="right") - 1, 0)]


def apply_policy(
    rng: np.random.Generator, apps: gen.Applications, policy: IncumbentPolicy
) -> tuple[gen.Applications, Decisions]:
    """Decide every application and set its (granted or stated) amount, term and price.

    Returns the applications on the policy's terms (risk adjusted for the granted amount)
    and the decisions. Draws from ``rng`` after the applications were drawn.
    """
    if apps.observed is None or apps.hidden is None:  # pragma: no cover - generator contract
        raise DataError("the applications carry no risk decomposition; regenerate them.")
    n = apps.risk.size
    cols = apps.columns
    old = (
        0.5 * apps.observed
        + policy.private_information * apps.hidden
        + rng.normal(0.0, policy.score_noise, n)
    )
    score = np.round(_BASE_SCORE - _PDO_FACTOR * old)
    n_months = int(apps.origination.max()) + 1
    drift = policy.cutoff_drift * rng.standard_normal(n_months)
    knocked = _knock_outs(cols) if policy.knock_outs else np.zeros(n, dtype=bool)
    override = rng.random(n) < policy.override_rate
    month_drift = drift[apps.origination]

    def rejected_at(c: float) -> npt.NDArray[np.bool_]:
        below = score < np.round(c + month_drift)
        out: npt.NDArray[np.bool_] = knocked | (below & ~override)
        return out

    # bisection on the base cut-off: the rejected share rises with it
    lo = float(score.min() - np.abs(drift).max()) - 1.0
    hi = float(score.max() + np.abs(drift).max()) + 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if float(rejected_at(mid).mean()) < policy.reject_rate else (lo, mid)
    base = 0.5 * (lo + hi)
    cutoff = np.round(base + month_drift)
    approved = ~(knocked | ((score < cutoff) & ~override))

    # the lender's decisions, from the recorded score (stated terms for the rejected)
    old_hat = (_BASE_SCORE - score) / _PDO_FACTOR
    requested_amount = apps.principal
    requested_term = apps.term
    income = np.asarray(cols["monthly_income"], dtype=float)
    base_income = np.where(np.isnan(income), 500.0, income)
    limit = np.clip(1.6 - 0.6 * old_hat, 0.5, 3.0) * base_income
    amount = np.clip(np.floor(np.minimum(requested_amount, limit) / 50.0) * 50.0, 100.0, 5000.0)
    amount = np.minimum(amount, requested_amount)
    term = _granted_terms(requested_term, np.where(old_hat > 0.5, 12, 24)).astype(np.int64)
    apr = np.round(np.clip(0.36 + 0.12 * old_hat + 0.03 * (term <= 6), 0.18, 0.95) * 200) / 200

    # a smaller loan relative to income is less risky (same effect as in the generator)
    def size_effect(a: FloatArray) -> FloatArray:
        out: FloatArray = 0.7 * 0.2 * np.clip(np.log(a / base_income), -1.0, 1.5)
        return out

    risk = apps.risk + size_effect(amount) - size_effect(requested_amount)
    columns = dict(cols)
    columns.update(loan_amount=amount, term_months=term, apr=apr)
    booked = replace(apps, columns=columns, risk=risk, principal=amount, term=term, apr=apr)
    decisions = Decisions(
        approved=approved,
        knocked_out=knocked,
        score=score.astype(np.int64),
        cutoff=cutoff.astype(np.int64),
        requested_amount=requested_amount,
        requested_term=requested_term,
    )
    return booked, decisions


def finish_portfolio(portfolio: Any, decisions: Decisions) -> Any:
    """Hide the rejected applicants' outcomes and decisions; keep them in the truth.

    ``portfolio`` is the book assembled as if every applicant had been booked.
    """
    import pandas as pd

    apps = portfolio.applications.copy()
    approved = decisions.approved
    truth = pd.DataFrame(
        {
            "loan_id": apps["loan_id"].to_numpy(),
            "decision": pd.array(np.where(approved, "approve", "reject"), dtype="str"),
            "knocked_out": decisions.knocked_out,
            "incumbent_score": decisions.score,
            "apr": apps["apr"].to_numpy(dtype=float),
            "loan_amount": apps["loan_amount"].to_numpy(dtype=float),
            "term_months": apps["term_months"].to_numpy(dtype=np.int64),
            "bad": apps["bad"].to_numpy(),
            "bad_observed": apps["bad_observed"].to_numpy(dtype=bool),
        }
    )
    hidden = ~approved
    for name in ("loan_amount", "apr"):
        apps[name] = np.where(hidden, np.nan, apps[name].to_numpy(dtype=float))
    apps["term_months"] = np.where(hidden, np.nan, apps["term_months"].to_numpy(dtype=float))
    apps["bad"] = np.where(hidden, 0, apps["bad"].to_numpy()).astype(np.int64)
    apps["bad_observed"] = np.where(hidden, False, apps["bad_observed"].to_numpy(dtype=bool))
    apps["requested_amount"] = decisions.requested_amount
    apps["requested_term"] = decisions.requested_term
    apps["decision"] = truth["decision"].to_numpy()
    apps["incumbent_score"] = decisions.score
    apps["incumbent_cutoff"] = decisions.cutoff
    booked_ids = apps["loan_id"].to_numpy()[approved]
    perf = portfolio.performance
    perf = perf.loc[perf["loan_id"].isin(booked_ids).to_numpy()].reset_index(drop=True)
    extra: dict[str, Any] = {}
    bureau = getattr(portfolio, "bureau", None)  # other mechanisms' loan-level tables
    if bureau is not None and "loan_id" in bureau.columns:
        keep = bureau["loan_id"].isin(booked_ids).to_numpy()
        extra["bureau"] = bureau.loc[keep].reset_index(drop=True)

    dictionary = []
    for row in portfolio._dictionary:
        if row[0] == "applications" and row[1] in TTD_DICTIONARY_ROWS:
            row = TTD_DICTIONARY_ROWS[row[1]]
        dictionary.append(row)
        if row[:2] == ("applications", "region"):
            dictionary.extend(TTD_DICTIONARY_ROWS[c] for c in _ADDED)
    order = [r[1] for r in dictionary if r[0] == "applications"]
    return replace(
        portfolio,
        applications=apps.loc[:, order],
        performance=perf,
        feature_names=(*TTD_APPLICANT_FEATURES, *DECISION_FEATURES),
        applicant_features=TTD_APPLICANT_FEATURES,
        decision_features=DECISION_FEATURES,
        truth=MappingProxyType({**portfolio.truth, "through_the_door": truth}),
        _dictionary=tuple(dictionary),
        **extra,
    )
