"""Warning signs before default: a latent distress process and a monthly bureau table.

Switched on by ``make_microloan_portfolio(..., distress=True)``. The delinquency path of the
panel (DPD, buckets, status, balances, charge-offs) is the one the base simulator draws; this
module adds what a lender sees *before* the first missed payment of part of the later
defaulters, and what it sees from borrowers in trouble who recover:

* **cause** of the distress, drawn per loan with probabilities that depend on employment:
  ``business`` (a business going badly: a slow ramp over 3-9 months of payments late within
  the grace period, then partial payments, modestly rising inquiries), ``job_loss`` (a sudden
  onset 1-6 months before the miss: partial payments at once and many credit inquiries as the
  borrower looks for money) and ``evasion`` (wilful evasion, 恶意逃废债: payments stay full
  and on time, then a burst of new loans at other lenders, 多头借贷, in the last 1-3 months,
  and the borrower stops paying and goes quiet);
* **recoveries**: some borrowers who are never 60+ days late also go through a distress
  episode (mostly a lost job, then work again) with the same signs, which end at recovery;
  they are the false alarms any early-warning system must live with;
* **background** noise for everybody: occasional payments a few days late, rare partial
  payments (more frequent for riskier borrowers) and Poisson credit inquiries at the rate the
  application bureau data implies.

Only draws from its own random stream are used, so ``applications`` and every performance
column but ``paid_amount`` equal the book without distress for the same seed. The truth
(cause, onset, first missed payment, recovery) goes to ``Portfolio.truth["distress"]``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray
from overdue_risk.datasets import _generator as gen

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.datasets._portfolio import Portfolio

__all__ = ["CAUSES", "GRACE_DAYS", "Distress", "add_distress", "distress_rng", "simulate_distress"]

IntArray = npt.NDArray[np.int64]

#: Distress causes (index = code in the arrays below).
CAUSES: tuple[str, ...] = ("business", "job_loss", "evasion")
BUSINESS, JOB_LOSS, EVASION = 0, 1, 2
#: A payment up to this many days after the due date is late within the grace period
#: (not delinquent: the month-end DPD stays 0).
GRACE_DAYS = 15
#: Share of the loans that later reach M3+ (61+ DPD) whose default is preceded by distress.
SHARE_WITH_SIGNS = 0.85
#: Cause probabilities by employment type (rows in gen.EMPLOYMENT_TYPES order).
_CAUSE_P = np.array(
    [
        [0.10, 0.60, 0.30],  # salaried
        [0.60, 0.10, 0.30],  # self_employed
        [0.45, 0.30, 0.25],  # gig_worker
        [0.10, 0.30, 0.60],  # student
        [0.20, 0.10, 0.70],  # retired
        [0.20, 0.20, 0.60],  # unemployed
    ]
)
#: Lead time (months from onset to the first missed payment): 1st month + Poisson, capped.
_LEAD_BASE = np.array([3, 1, 1])
_LEAD_MEAN = np.array([2.0, 1.5, 0.5])
_LEAD_CAP = np.array([9, 6, 3])
#: Share of non-defaulting loans that go through a distress episode and recover, by cause.
_RECOVERY_RATE = np.array([0.02, 0.06, 0.0])

DATA_DICTIONARY: tuple[tuple[str, str, str, str], ...] = (
    (
        "performance",
        "days_late",
        "float64",
        f"Days after the due date this month's instalment arrived (0 = on time, at most "
        f"{GRACE_DAYS}: inside the grace period, so DPD stays 0); NaN when the loan was not "
        "current or paid nothing on time. Only with distress=True.",
    ),
    ("bureau", "loan_id", "int64", "Loan identifier (see applications)."),
    ("bureau", "month", "datetime64", "Calendar month of the bureau pull (one per panel row)."),
    ("bureau", "inquiries", "int64", "New credit inquiries at other lenders this month."),
    ("bureau", "new_loans", "int64", "Loans opened at other lenders this month."),
    (
        "bureau",
        "open_loans",
        "int64",
        "Open loans at other lenders at month end (starts at n_existing_loans).",
    ),
)


@dataclass(frozen=True)
class Distress:
    """Arrays the portfolio assembler turns into columns, a bureau table and the truth."""

    paid_amount: FloatArray  # replaces the panel's paid_amount
    days_late: FloatArray
    inquiries: IntArray
    new_loans: IntArray
    open_loans: IntArray
    truth: dict[str, npt.NDArray[Any]]  # one entry per distressed loan


def _segment_starts(loan: IntArray) -> npt.NDArray[np.bool_]:
    first = np.ones(loan.size, dtype=bool)
    first[1:] = loan[1:] != loan[:-1]
    return first


def _segment_cumsum(values: IntArray, first: npt.NDArray[np.bool_]) -> IntArray:
    """Cumulative sum restarting at every ``first`` row (rows sorted by segment)."""
    total = np.cumsum(values)
    start_idx = np.flatnonzero(first)
    offset = np.repeat(total[start_idx] - values[start_idx], np.diff(np.r_[start_idx, total.size]))
    out: IntArray = total - offset
    return out


def _default_episodes(
    panel: gen.Panel, n: int, first: npt.NDArray[np.bool_]
) -> tuple[IntArray, IntArray]:
    """First month at M3+ and the first missed payment of the episode that got there."""
    big = np.iinfo(np.int64).max
    bad_rows = (panel.bucket >= 3) & (panel.bucket <= 7)
    first_bad = np.full(n, big, dtype=np.int64)
    np.minimum.at(first_bad, panel.loan[bad_rows], panel.month[bad_rows])
    prev_bucket = np.r_[0, panel.bucket[:-1]]
    prev_bucket[first] = 0
    starts = (panel.bucket >= 1) & (panel.bucket <= 6) & (prev_bucket == 0)
    ok = starts & (panel.month <= first_bad[panel.loan])
    first_miss = np.full(n, -1, dtype=np.int64)
    np.maximum.at(first_miss, panel.loan[ok], panel.month[ok])
    first_bad[first_bad == big] = -1
    return first_bad, first_miss


def simulate_distress(
    rng: np.random.Generator, apps: gen.Applications, panel: gen.Panel
) -> Distress:
    """Draw distress episodes and the signals they leave in payments and the bureau."""
    n = apps.risk.size
    rows = panel.loan.size
    loan, month = panel.loan, panel.month
    first = _segment_starts(loan)
    first_month = np.full(n, -1, dtype=np.int64)
    first_month[loan[first]] = month[first]
    last_month = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_month, loan, month)
    first_bad, first_miss = _default_episodes(panel, n, first)
    emp_code = _codes(apps.columns["employment_type"])

    # -- who: later defaulters with at least one month before the miss, plus recoveries --
    cause_u = rng.random(n)
    cum = np.cumsum(_CAUSE_P[emp_code], axis=1)
    cause = np.minimum((cause_u[:, None] > cum).sum(axis=1), 2).astype(np.int64)
    eligible = (first_bad >= 0) & (first_miss >= 0) & (first_miss > first_month)
    defaulter = eligible & (rng.random(n) < SHARE_WITH_SIGNS)
    lead = np.minimum(_LEAD_BASE[cause] + rng.poisson(_LEAD_MEAN[cause]), _LEAD_CAP[cause])
    onset = np.maximum(first_miss - lead, first_month)
    end = first_miss.copy()  # exclusive: the first missed month

    span = last_month - first_month + 1
    recover_cause = np.where(rng.random(n) < 0.25, BUSINESS, JOB_LOSS)
    pool = (first_bad < 0) & (span >= 4)
    recovering = pool & (rng.random(n) < _RECOVERY_RATE[recover_cause]) & ~defaulter
    rec_onset = first_month + np.floor(rng.random(n) * np.maximum(span - 2, 1)).astype(np.int64)
    rec_len = 1 + np.minimum(rng.poisson(2.0, n), 5)
    cause = np.where(recovering, recover_cause, cause)
    onset = np.where(recovering, rec_onset, onset)
    end = np.where(recovering, rec_onset + rec_len, end)
    distressed = defaulter | recovering

    # -- per row: where in the episode is this month? --------------------------------------
    d_row = distressed[loan]
    c_row = cause[loan]
    o_row, e_row = onset[loan], end[loan]
    inside = d_row & (month >= o_row) & (month < e_row)
    after = defaulter[loan] & (month >= e_row)
    ramp = np.where(inside, (month - o_row + 1) / np.maximum(e_row - o_row, 1), 0.0)
    risk = apps.risk[loan]
    is_business = inside & (c_row == BUSINESS)
    is_job = inside & (c_row == JOB_LOSS)
    is_evasion = inside & (c_row == EVASION)
    stacking = is_evasion & (month >= e_row - 2)

    # -- payments: late within the grace period, partial ------------------------------------
    prev_bucket = np.r_[0, panel.bucket[:-1]]
    prev_bucket[first] = 0
    on_time_row = (
        (panel.bucket == 0)
        & (prev_bucket == 0)
        & (panel.status == gen.ACTIVE)
        & (panel.paid_amount > 0)
    )
    p_late = _sigmoid(-2.6 + 0.5 * risk)
    p_late = np.where(is_business, 0.25 + 0.6 * ramp, np.where(is_job, 0.6, p_late))
    late_mean = np.where(is_business, 3.0 + 4.0 * ramp, np.where(is_job, 4.0, 1.0))
    u_late = rng.random(rows)
    days = np.minimum(1 + rng.poisson(late_mean), GRACE_DAYS)
    days_late = np.where(u_late < p_late, days, 0).astype(np.float64)
    days_late[~on_time_row] = np.nan

    p_part = _sigmoid(-5.2 + 0.6 * risk)
    p_part = np.where(is_business, 0.15 + 0.7 * ramp, np.where(is_job, 0.7, p_part))
    low = np.where(is_job, 0.15, np.where(is_business, 0.35, 0.5))
    high = np.where(is_job, 0.7, np.where(is_business, 0.9, 0.95))
    share = low + (high - low) * rng.random(rows)
    partial = on_time_row & (rng.random(rows) < p_part)
    paid = np.where(partial, np.round(panel.paid_amount * share, 2), panel.paid_amount)

    # -- bureau: inquiries, new loans elsewhere, open loans elsewhere ----------------------
    inq6 = np.asarray(apps.columns["n_inquiries_6m"], dtype=np.float64)[loan]
    base = 0.05 + 0.5 * inq6 / 6.0
    mult = np.ones(rows)
    mult = np.where(is_business, 1.0 + 3.0 * ramp, mult)
    mult = np.where(is_job, 4.0, mult)
    mult = np.where(is_evasion, np.where(stacking, 12.0, 1.5), mult)
    mult = np.where(after, 1.5, mult)
    mult = np.where(after & (c_row == EVASION), 0.3, mult)
    inquiries = rng.poisson(base * mult).astype(np.int64)
    p_new = np.where(stacking, 0.8, np.where(inside, 0.35, 0.3))
    new_loans = rng.binomial(inquiries, p_new).astype(np.int64)
    existing = np.asarray(apps.columns["n_existing_loans"], dtype=np.int64)[loan]
    closed = rng.poisson(0.07 * (existing + 0.5)).astype(np.int64)
    open_loans = np.maximum(existing + _segment_cumsum(new_loans - closed, first), 0)

    who = np.flatnonzero(distressed)
    truth: dict[str, npt.NDArray[Any]] = {
        "loan": who,
        "cause": np.asarray(CAUSES, dtype=object)[cause[who]],
        "onset": onset[who],
        "first_miss": np.where(defaulter[who], first_miss[who], -1),
        "first_m3": np.where(defaulter[who], first_bad[who], -1),
        "recovered": recovering[who],
        "recovery": np.where(recovering[who], end[who], -1),
    }
    return Distress(
        paid_amount=paid,
        days_late=days_late,
        inquiries=inquiries,
        new_loans=new_loans,
        open_loans=open_loans.astype(np.int64),
        truth=truth,
    )


#: Spawn key of this mechanism's random stream (the issue number; other mechanisms use theirs).
_STREAM_KEY = 14


def distress_rng(random_state: Any, rng: np.random.Generator) -> np.random.Generator:
    """A random stream independent of the base simulator's draws for the same seed."""
    if isinstance(random_state, np.random.SeedSequence):
        return np.random.default_rng(
            np.random.SeedSequence(
                random_state.entropy, spawn_key=(*random_state.spawn_key, _STREAM_KEY)
            )
        )
    if isinstance(random_state, int | np.integer):
        return np.random.default_rng(
            np.random.SeedSequence(int(random_state), spawn_key=(_STREAM_KEY,))
        )
    return rng.spawn(1)[0]  # a Generator (or None): a child stream, the parent is untouched


def add_distress(
    book: Portfolio,
    apps: gen.Applications,
    panel: gen.Panel,
    random_state: Any,
    rng: np.random.Generator,
    start: np.datetime64,
) -> Portfolio:
    """The book with ``days_late``, partial payments, the bureau table and the truth."""
    import pandas as pd

    from overdue_risk.datasets._portfolio import DATA_DICTIONARY as BASE_DICTIONARY

    d = simulate_distress(distress_rng(random_state, rng), apps, panel)
    performance = book.performance.copy()
    performance["paid_amount"] = d.paid_amount
    performance["days_late"] = d.days_late
    months = performance["month"].to_numpy()
    bureau = pd.DataFrame(
        {
            "loan_id": performance["loan_id"].to_numpy(),
            "month": months,
            "inquiries": d.inquiries,
            "new_loans": d.new_loans,
            "open_loans": d.open_loans,
        }
    )
    t = d.truth

    def when(offsets: npt.NDArray[Any]) -> Any:
        out = (start + np.maximum(offsets, 0).astype("timedelta64[M]")).astype("datetime64[ns]")
        return np.where(offsets >= 0, out, np.datetime64("NaT"))

    truth = pd.DataFrame(
        {
            "loan_id": t["loan"] + 1,
            "cause": pd.array(t["cause"], dtype="str"),
            "onset_month": when(t["onset"]),
            "first_missed_month": when(t["first_miss"]),
            "first_m3_month": when(t["first_m3"]),
            "lead_months": np.where(t["first_miss"] >= 0, t["first_miss"] - t["onset"], -1),
            "recovered": t["recovered"],
            "recovery_month": when(t["recovery"]),
        }
    )
    return dataclasses.replace(
        book,
        performance=performance,
        bureau=bureau,
        truth=MappingProxyType({**book.truth, "distress": truth}),
        _dictionary=(*BASE_DICTIONARY, *DATA_DICTIONARY),
    )


def _codes(values: npt.NDArray[Any]) -> IntArray:
    lookup = {name: i for i, name in enumerate(gen.EMPLOYMENT_TYPES)}
    return np.fromiter((lookup[str(v)] for v in values), dtype=np.int64, count=len(values))


def _sigmoid(x: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out
