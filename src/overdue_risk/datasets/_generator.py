"""The synthetic micro-loan book: applications, then a vectorised month-by-month panel.

Two stages, both vectorised over loans (the only Python loop runs over calendar months):

1. :func:`simulate_applications` draws one application per loan and a latent monthly risk
   index ``r`` built from non-linear effects of the observed features plus unobserved
   heterogeneity.
2. :func:`simulate_panel` walks the calendar: each month every open loan moves between
   delinquency states (number of missed instalments ``k``; DPD = ``30 (k - 1) + due-day
   offset``) with probabilities driven by ``r``, months on book (seasoning) and a
   calendar-time macro factor, and the amortising balance follows the number of instalments
   actually paid.

The frames and the target are assembled in :mod:`overdue_risk.datasets._portfolio`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray
from overdue_risk.buckets import ACTIVE_BUCKETS

__all__ = ["Applications", "Panel", "simulate_applications", "simulate_panel"]

IntArray = npt.NDArray[np.int64]

EMPLOYMENT_TYPES: tuple[str, ...] = (
    "salaried",
    "self_employed",
    "gig_worker",
    "student",
    "retired",
    "unemployed",
)
PURPOSES: tuple[str, ...] = (
    "working_capital",
    "consumer_goods",
    "education",
    "medical",
    "emergency",
    "debt_refinance",
    "other",
)
CHANNELS: tuple[str, ...] = ("branch", "agent", "online", "mobile_app", "partner")
REGIONS: tuple[str, ...] = ("capital", "north", "south", "east", "west", "central")
TERMS: tuple[int, ...] = (3, 6, 9, 12, 18, 24)

# Status codes of the panel (the frames carry the strings).
ACTIVE, PAID_OFF, PREPAID, CHARGED_OFF = 0, 1, 2, 3
STATUS_LABELS: tuple[str, ...] = ("active", "paid_off", "prepaid", "charged_off")
#: Missed instalments at which a loan is charged off: DPD = 30 * 6 + offset > 180.
K_CHARGE_OFF = 7

# --- effects on the latent risk index (log-odds scale) -------------------------------
_EMPLOYMENT_EFFECT = np.array([0.0, 0.2, 0.45, 0.35, -0.15, 0.7])
_PURPOSE_EFFECT = np.array([0.0, 0.1, -0.2, 0.3, 0.5, 0.55, 0.2])
_CHANNEL_EFFECT = np.array([-0.25, 0.0, 0.2, 0.35, -0.1])
_REGION_EFFECT = np.array([-0.25, 0.1, 0.3, 0.0, -0.1, 0.05])
# --- bucket dynamics ----------------------------------------------------------------
#: logit of the roll-forward probability from M1 ... M6+ for an average loan.
_ROLL_LOGIT = np.array([np.nan, -0.9, -0.05, 0.95, 1.6, 2.1, 2.6])
#: of the loans that do not roll: share that cures fully, share that cures one bucket.
_FULL_CURE = np.array([np.nan, 0.78, 0.45, 0.3, 0.22, 0.15, 0.1])
_PARTIAL_CURE = np.array([np.nan, 0.0, 0.3, 0.35, 0.35, 0.35, 0.35])


def _sigmoid(x: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out


@dataclass(frozen=True)
class Applications:
    """Columns of the application table as arrays, plus the latent risk index."""

    columns: dict[str, npt.NDArray[Any]]
    risk: FloatArray  # latent log-odds shift of each loan (observed + unobserved part)
    origination: IntArray  # month index in the panel calendar
    principal: FloatArray
    term: IntArray
    apr: FloatArray
    due_offset: IntArray  # days from due date to month end, 1..30
    #: centred observed-feature part of the risk index (``risk = 0.7 * observed + hidden``)
    observed: FloatArray | None = None
    #: unobserved heterogeneity (what no column shows)
    hidden: FloatArray | None = None


def _draw_categories(
    rng: np.random.Generator, probs: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """One categorical draw per row of a (n, k) probability matrix, vectorised."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random((probs.shape[0], 1))
    counts = np.asarray((u > cum).sum(axis=1), dtype=np.int64)
    out: npt.NDArray[np.int64] = np.minimum(counts, probs.shape[1] - 1)
    return out


def simulate_applications(
    rng: np.random.Generator, n_loans: int, n_origination_months: int
) -> Applications:
    """Draw ``n_loans`` applications and their latent risk (vectorised)."""
    n = n_loans
    # -- who applies --------------------------------------------------------------------
    age = np.clip(np.round(18.0 + rng.gamma(2.2, 8.0, n)), 18, 75).astype(np.int64)
    emp_p = np.tile(np.array([0.52, 0.18, 0.13, 0.0, 0.0, 0.07]), (n, 1))
    emp_p[:, 3] = np.where(age <= 24, 0.45, np.where(age <= 30, 0.05, 0.0))
    emp_p[:, 4] = np.where(age >= 62, 1.6, np.where(age >= 55, 0.12, 0.0))
    employment = _draw_categories(rng, emp_p)
    has_job = employment <= 2
    max_tenure = np.maximum((age - 16) * 12, 1)
    months_employed = np.where(
        has_job, np.minimum(np.round(rng.gamma(1.3, 30.0, n)), max_tenure), np.nan
    )
    # income: log-normal, inverted U in age, by employment type
    log_inc = (
        np.log(650.0)
        + np.array([0.25, 0.2, -0.05, -0.8, -0.35, -0.9])[employment]
        + 0.35 * np.exp(-(((age - 45.0) / 15.0) ** 2))
        + rng.normal(0.0, 0.45, n)
    )
    income = np.round(np.exp(log_inc), 0)
    p_undeclared = np.array([0.04, 0.12, 0.16, 0.1, 0.05, 0.15])[employment]
    income_missing = rng.random(n) < p_undeclared
    # -- credit profile --------------------------------------------------------------------
    thin = rng.random(n) < np.where(age < 23, 0.45, np.where(age < 30, 0.2, 0.08))
    history = np.where(
        thin, -1, np.minimum(np.round(rng.gamma(1.6, 30.0, n)) + 1, (age - 17) * 12)
    ).astype(np.int64)
    # a latent "credit behaviour" factor shared by bureau variables and by risk
    behaviour = rng.normal(0.0, 1.0, n)
    n_existing = rng.poisson(np.exp(0.1 + 0.25 * behaviour + 0.2 * (employment == 2)))
    n_existing = np.where(thin, np.minimum(n_existing, 1), n_existing).astype(np.int64)
    n_overdue = np.where(
        thin, 0, rng.poisson(np.exp(-1.0 + 0.8 * behaviour) * np.clip(history, 0, 60) / 30.0)
    ).astype(np.int64)
    worst_bucket = np.where(
        n_overdue > 0,
        np.minimum(1 + rng.poisson(0.25 * n_overdue + 0.3 * np.maximum(behaviour, 0)), 4),
        0,
    )
    worst_dpd = np.where(
        thin, -1, np.where(worst_bucket > 0, (worst_bucket - 1) * 30 + rng.integers(1, 31, n), 0)
    ).astype(np.int64)
    inquiries = rng.poisson(np.exp(0.2 + 0.45 * behaviour + 0.3 * (age < 25))).astype(np.int64)
    debt_service = n_existing * rng.gamma(2.0, 0.07, n) + rng.gamma(1.2, 0.04, n) * (n_existing > 0)
    dti = np.round(np.clip(debt_service + rng.normal(0.0, 0.02, n), 0.0, 1.5), 3)
    # -- the loan ----------------------------------------------------------------------------
    purpose = _draw_categories(
        rng,
        np.tile(np.array([0.26, 0.24, 0.07, 0.09, 0.14, 0.1, 0.1]), (n, 1))
        + np.outer(employment == 1, [0.3, 0, 0, 0, 0, 0, 0]),
    )
    channel_p = np.tile(np.array([0.2, 0.2, 0.22, 0.28, 0.1]), (n, 1))
    channel_p[:, 3] *= np.where(age < 35, 1.8, 0.6)
    channel_p[:, 0] *= np.where(age >= 50, 2.0, 1.0)
    channel = _draw_categories(rng, channel_p)
    region = _draw_categories(rng, np.tile(np.array([0.26, 0.15, 0.18, 0.15, 0.14, 0.12]), (n, 1)))
    base_income = np.where(np.isnan(income), 500.0, income)
    amount = np.clip(
        np.round(base_income * rng.lognormal(np.log(1.3), 0.5, n) / 50.0) * 50.0, 100.0, 5000.0
    )
    term_p = np.tile(np.array([0.16, 0.27, 0.14, 0.23, 0.11, 0.09]), (n, 1))
    big = amount > 1200.0
    term_p[:, :2] *= np.where(big, 0.3, 1.4)[:, None]
    term_p[:, 4:] *= np.where(big, 2.2, 0.5)[:, None]
    term = np.asarray(TERMS, dtype=np.int64)[_draw_categories(rng, term_p)]

    # -- risk: non-linear in the observed features, plus what the data does not show -------
    inc_eff = np.where(
        income_missing, 0.35, -0.35 * np.clip(np.log(base_income / 650.0), -1.5, 1.5)
    )
    age_dev = age - 44.0
    age_eff = np.where(age_dev < 0, 0.0014, 0.0013) * age_dev**2
    tenure_eff = np.where(has_job, -0.45 * np.minimum(np.nan_to_num(months_employed), 36) / 36, 0)
    dti_eff = 1.1 * _sigmoid((dti - 0.45) / 0.025)
    history_eff = np.where(thin, 0.4, -0.35 * np.minimum(history, 72) / 72.0)
    dpd_eff = np.array([0.0, 0.25, 0.55, 0.8, 1.05])[worst_bucket]
    inquiry_eff = 1.0 * (1.0 - np.exp(-inquiries / 1.5))
    observed = (
        age_eff
        + _EMPLOYMENT_EFFECT[employment]
        + inc_eff
        + tenure_eff
        + dti_eff
        + 0.1 * np.minimum(n_existing, 5)
        + history_eff
        + 0.25 * np.log1p(n_overdue)
        + dpd_eff
        + inquiry_eff
        + 0.2 * np.clip(np.log(amount / base_income), -1.0, 1.5)
        + _PURPOSE_EFFECT[purpose]
        + _CHANNEL_EFFECT[channel]
        + _REGION_EFFECT[region]
        + 0.15 * behaviour
    )
    hidden = rng.normal(0.0, 0.8, n)
    risk = 0.7 * (observed - observed.mean()) + hidden
    # the lender priced with an older, noisier view of the same risk
    old_view = 0.5 * (observed - observed.mean()) + 0.1 * hidden + rng.normal(0.0, 0.5, n)
    apr = np.round(np.clip(0.36 + 0.12 * old_view + 0.03 * (term <= 6), 0.18, 0.95) * 200) / 200

    # -- when: a growing book, staggered over the panel ------------------------------------
    weights = 1.0 + 0.6 * np.arange(n_origination_months) / max(n_origination_months - 1, 1)
    origination = rng.choice(n_origination_months, size=n, p=weights / weights.sum())

    columns: dict[str, npt.NDArray[Any]] = {
        "age": age,
        "employment_type": np.asarray(EMPLOYMENT_TYPES, dtype=object)[employment],
        "months_employed": months_employed,
        "monthly_income": np.where(income_missing, np.nan, income),
        "debt_to_income": np.where(income_missing, np.nan, dti),
        "n_existing_loans": n_existing,
        "credit_history_months": history,
        "n_past_overdue": n_overdue,
        "worst_past_dpd": worst_dpd,
        "n_inquiries_6m": inquiries,
        "loan_amount": amount,
        "term_months": term,
        "apr": apr,
        "purpose": np.asarray(PURPOSES, dtype=object)[purpose],
        "channel": np.asarray(CHANNELS, dtype=object)[channel],
        "region": np.asarray(REGIONS, dtype=object)[region],
    }
    return Applications(
        columns=columns,
        risk=risk,
        origination=origination.astype(np.int64),
        principal=amount,
        term=term,
        apr=apr,
        due_offset=rng.integers(1, 31, n).astype(np.int64),
        observed=observed - observed.mean(),
        hidden=hidden,
    )


def annuity_payment(principal: FloatArray, monthly_rate: FloatArray, term: IntArray) -> FloatArray:
    """Level instalment of an annuity loan: ``P m / (1 - (1 + m)^-N)``."""
    growth = np.exp(term * np.log1p(monthly_rate))
    out: FloatArray = principal * monthly_rate * growth / (growth - 1.0)
    return out


def annuity_balance(
    principal: FloatArray, monthly_rate: FloatArray, term: IntArray, n_paid: IntArray
) -> FloatArray:
    """Outstanding principal after ``n_paid`` level instalments.

    ``B_n = P ((1 + m)^N - (1 + m)^n) / ((1 + m)^N - 1)``; zero once ``n_paid >= N``.
    """
    log_g = np.log1p(monthly_rate)
    grow_n = np.exp(term * log_g)
    grow_k = np.exp(np.minimum(n_paid, term) * log_g)
    out: FloatArray = np.maximum(principal * (grow_n - grow_k) / (grow_n - 1.0), 0.0)
    return out


def _seasoning(mob: IntArray) -> FloatArray:
    """Seasoning curve on the log-odds scale: low at MOB 1, peak at MOB 4-8, then fading."""
    x = np.log(mob.astype(np.float64) / 6.0)
    out: FloatArray = 0.85 * np.exp(-(x**2) / (2 * 0.55**2)) - 0.35
    return out


@dataclass(frozen=True)
class Panel:
    """The loan-month panel as parallel arrays (one entry per row), sorted by loan, month."""

    loan: IntArray  # position of the loan in the application table
    month: IntArray  # calendar month index
    mob: IntArray
    dpd: IntArray
    bucket: IntArray  # 0..6 = M0..M6+, 7 = CO, 8 = PO
    status: IntArray
    balance: FloatArray
    scheduled_payment: FloatArray
    paid_amount: FloatArray
    charge_off_amount: FloatArray


def macro_factor(
    n_months: int, start_month: int, downturn: tuple[int, int] | None, severity: float
) -> FloatArray:
    """Calendar-time shift of the log-odds: mild seasonality plus an optional downturn."""
    t = np.arange(n_months)
    calendar_month = (start_month + t) % 12  # 0 = January
    out: FloatArray = 0.12 * np.cos(2.0 * np.pi * calendar_month / 12.0)  # post-holiday strain
    if downturn is not None:
        lo, hi = downturn
        inside = (t >= lo) & (t < hi)
        out = out + severity * inside
    return out


def simulate_panel(
    rng: np.random.Generator, apps: Applications, n_months: int, macro: FloatArray
) -> Panel:
    """Walk the calendar month by month, moving every open loan at once."""
    n = apps.risk.size
    rate = apps.apr / 12.0
    instalment = annuity_payment(apps.principal, rate, apps.term)
    risk = apps.risk
    k = np.zeros(n, dtype=np.int64)  # missed instalments (0 = current)
    n_paid = np.zeros(n, dtype=np.int64)
    is_open = np.ones(n, dtype=bool)
    pieces: list[tuple[npt.NDArray[Any], ...]] = []

    for t in range(1, n_months):
        idx = np.flatnonzero(is_open & (apps.origination < t))
        if idx.size == 0:
            continue
        mob = t - apps.origination[idx]
        kk = k[idx]
        r = risk[idx]
        term = apps.term[idx]
        paid_before = n_paid[idx]
        u_move = rng.random(idx.size)
        u_prepay = rng.random(idx.size)

        # probabilities of this month's move
        p_miss = _sigmoid(-3.4 + r + _seasoning(mob) + macro[t])
        k_safe = np.clip(kk, 1, 6)
        p_roll = _sigmoid(_ROLL_LOGIT[k_safe] + 0.35 * r + 0.6 * macro[t])
        p_full = (1.0 - p_roll) * _FULL_CURE[k_safe]
        p_part = (1.0 - p_roll) * _PARTIAL_CURE[k_safe]
        remaining = term - paid_before
        p_prepay = _sigmoid(-3.7 - 0.35 * r + 0.25 * (mob >= 3)) * (remaining > 1)

        current = kk == 0
        miss = np.where(current, u_move < p_miss, u_move < p_roll)
        full = ~current & ~miss & (u_move < p_roll + p_full)
        part = ~current & ~miss & ~full & (u_move < p_roll + p_full + p_part)
        prepay = current & ~miss & (u_prepay < p_prepay)

        # instalments paid this month and the new delinquency state
        n_inst = np.where(miss, 0, np.where(full, kk + 1, np.where(part, 2, 1)))
        n_inst = np.minimum(n_inst, remaining)
        new_k = np.where(miss, kk + 1, np.where(full, 0, np.where(part, kk - 1, kk)))
        new_paid = paid_before + n_inst
        paid_amount = n_inst * instalment[idx]

        balance_before = annuity_balance(apps.principal[idx], rate[idx], term, paid_before)
        status = np.full(idx.size, ACTIVE, dtype=np.int64)
        matured = new_paid >= term
        status[matured] = PAID_OFF
        status[prepay] = PREPAID
        charged = new_k >= K_CHARGE_OFF
        status[charged] = CHARGED_OFF
        new_k[matured | prepay] = 0

        balance = annuity_balance(apps.principal[idx], rate[idx], term, new_paid)
        # prepayment: this month's instalment plus the whole remaining principal
        paid_amount = np.where(
            prepay,
            instalment[idx] + annuity_balance(apps.principal[idx], rate[idx], term, new_paid),
            paid_amount,
        )
        charge_off_amount = np.where(charged, balance_before, 0.0)
        balance[prepay | matured | charged] = 0.0
        dpd = np.where(new_k > 0, 30 * (new_k - 1) + apps.due_offset[idx], 0)
        bucket = np.minimum(new_k, len(ACTIVE_BUCKETS) - 1)
        bucket = np.where(charged, 7, np.where(prepay | matured, 8, bucket))
        scheduled = np.where(mob <= term, instalment[idx], 0.0)

        pieces.append(
            (
                idx,
                np.full(idx.size, t),
                mob,
                dpd,
                bucket,
                status,
                balance,
                scheduled,
                paid_amount,
                charge_off_amount,
            )
        )
        k[idx] = new_k
        n_paid[idx] = new_paid
        is_open[idx] = status == ACTIVE

    if pieces:
        cols = [np.concatenate(parts) for parts in zip(*pieces, strict=True)]
    else:
        cols = [np.zeros(0, dtype=np.int64)] * 6 + [np.zeros(0)] * 4
    order = np.argsort(cols[0], kind="stable")  # by loan; months already ascending
    cols = [c[order] for c in cols]
    money: list[FloatArray] = [np.asarray(c, dtype=np.float64).round(2) for c in cols[6:]]
    return Panel(
        loan=cols[0].astype(np.int64),
        month=cols[1].astype(np.int64),
        mob=cols[2].astype(np.int64),
        dpd=cols[3].astype(np.int64),
        bucket=cols[4].astype(np.int64),
        status=cols[5].astype(np.int64),
        balance=money[0],
        scheduled_payment=money[1],
        paid_amount=money[2],
        charge_off_amount=money[3],
    )
