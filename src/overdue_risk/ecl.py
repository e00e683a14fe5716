"""Expected credit loss (IFRS 9): staging by days past due, PD x LGD x EAD with an
amortising exposure, discounted at the effective interest rate.

``ECL = sum_t marginal_PD_t x LGD x EAD_t x DF_t`` over the next 12 months (stage 1) or the
remaining life (stage 2); stage 3 (credit-impaired, PD = 1) is ``LGD x EAD`` now.
``EAD_t`` is the contractual balance at the start of period ``t`` of an annuity loan and
``DF_t = (1 + EIR) ** (-t / periods_per_year)`` (IFRS 9 B5.5.44: discount at the effective
interest rate). Marginal PDs come from any PD model, or from a delinquency transition
matrix with :func:`ecl_from_matrix` (first passage into the default states).

Examples
--------
>>> from overdue_risk.ecl import assign_stage
>>> assign_stage([0, 30, 31, 89, 90]).tolist()
[1, 1, 2, 2, 3]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, check_consistent_length, check_probability
from overdue_risk.exceptions import DataError
from overdue_risk.transitions import TransitionMatrix, lifetime_pd
from overdue_risk.transitions._buckets import check_dpd

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.transitions import TransitionMatrix

__all__ = [
    "ECLResult",
    "amortising_exposure",
    "assign_stage",
    "ecl_from_matrix",
    "expected_credit_loss",
]


def assign_stage(
    dpd: npt.ArrayLike,
    *,
    stage2_from_dpd: int = 31,
    stage3_from_dpd: int = 90,
    default_flag: npt.ArrayLike | None = None,
    sicr: npt.ArrayLike | None = None,
) -> npt.NDArray[np.int64]:
    """IFRS 9 stage (1, 2 or 3) from days past due, with optional default / SICR flags.

    Parameters
    ----------
    dpd : array-like of int
        Days past due, ``>= 0``.
    stage2_from_dpd : int, default=31
        First DPD in stage 2: the rebuttable presumption that credit risk has increased
        significantly when payments are *more than* 30 days past due (IFRS 9 5.5.11).
    stage3_from_dpd : int, default=90
        First DPD in stage 3: default does not occur later than 90 days past due
        (IFRS 9 B5.5.37).
    default_flag : array-like of bool, default=None
        Loans in default for other reasons (stage 3).
    sicr : array-like of bool, default=None
        Significant increase in credit risk on other evidence (at least stage 2).

    Returns
    -------
    ndarray of int64

    References
    ----------
    .. [1] IASB (2014). IFRS 9 Financial Instruments, paragraphs 5.5.3, 5.5.5, 5.5.11 and
       B5.5.37.

    Examples
    --------
    >>> assign_stage([0, 45, 120], sicr=[True, False, False]).tolist()
    [2, 2, 3]
    """
    days = check_dpd(dpd)
    if not 0 < stage2_from_dpd < stage3_from_dpd:
        raise DataError(
            f"need 0 < stage2_from_dpd < stage3_from_dpd; got {stage2_from_dpd} and "
            f"{stage3_from_dpd}."
        )
    stage = np.where(days >= stage3_from_dpd, 3, np.where(days >= stage2_from_dpd, 2, 1))
    if sicr is not None:
        stage = np.where(np.asarray(sicr, dtype=bool) & (stage < 2), 2, stage)
    if default_flag is not None:
        stage = np.where(np.asarray(default_flag, dtype=bool), 3, stage)
    return stage.astype(np.int64)


def amortising_exposure(
    balance: npt.ArrayLike,
    annual_rate: npt.ArrayLike,
    remaining_term: npt.ArrayLike,
    horizon: int | None = None,
    *,
    periods_per_year: int = 12,
) -> FloatArray:
    """Contractual balance at the start of each future period of an annuity loan.

    Parameters
    ----------
    balance : array-like of float
        Outstanding principal now.
    annual_rate : array-like of float
        Nominal annual interest rate (APR, 0.36 for 36%); the period rate is
        ``annual_rate / periods_per_year``.
    remaining_term : array-like of int
        Remaining instalments.
    horizon : int, default=None
        Columns of the result; the largest remaining term when None.
    periods_per_year : int, default=12

    Returns
    -------
    ndarray of shape (n_loans, horizon)
        Column ``t - 1`` is the balance at the start of period ``t`` (0 after maturity).

    Examples
    --------
    A 1,000 loan at 12% APR with 3 instalments of 340.02:

    >>> amortising_exposure([1000.0], [0.12], [3]).round(2)
    array([[1000.  ,  669.98,  336.66]])
    """
    b = np.atleast_1d(np.asarray(balance, dtype=np.float64))
    r = np.broadcast_to(np.asarray(annual_rate, dtype=np.float64), b.shape) / periods_per_year
    n = np.broadcast_to(np.asarray(remaining_term), b.shape)
    if not np.all(np.isfinite(b)) or (b < 0).any():
        raise DataError("balance must be finite and >= 0.")
    if not np.all(np.isfinite(r)) or (r < 0).any():
        raise DataError("annual_rate must be finite and >= 0 (0.36 for 36%, not 36).")
    if (np.asarray(n) < 0).any() or np.any(np.asarray(n) != np.round(np.asarray(n, dtype=float))):
        raise DataError("remaining_term must hold whole numbers of instalments >= 0.")
    n = n.astype(np.int64)
    h = int(n.max()) if horizon is None else int(horizon)
    t = np.arange(h, dtype=np.float64)[None, :]  # payments made before period t+1
    growth = (1.0 + r[:, None]) ** t
    nn = np.maximum(n, 1)[:, None].astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        annuity = (1.0 + r[:, None]) ** nn
        out = np.where(
            r[:, None] > 0,
            b[:, None] * (annuity - growth) / (annuity - 1.0),
            b[:, None] * (1.0 - t / nn),
        )
    out = np.where(t < n[:, None], np.maximum(out, 0.0), 0.0)
    return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class ECLResult(Result):
    """Expected credit loss per loan and per stage.

    Attributes
    ----------
    stage : ndarray of int
    ecl_12m, ecl_lifetime : ndarray of float
        12-month and lifetime ECL of every loan (stage 3 loans: ``LGD x EAD`` for both).
    ecl : ndarray of float
        The allowance: 12-month ECL in stage 1, lifetime in stages 2 and 3.
    exposure : ndarray of float
        Exposure now (``EAD`` at period 1).
    by_stage : dict
        ``{stage: {"loans", "exposure", "ecl", "coverage"}}`` for stages 1, 2, 3.
    """

    stage: npt.NDArray[np.int64]
    ecl_12m: FloatArray
    ecl_lifetime: FloatArray
    ecl: FloatArray
    exposure: FloatArray
    by_stage: dict[int, dict[str, float]]

    @property
    def total(self) -> float:
        """Total allowance."""
        return float(self.ecl.sum())

    def to_frame(self) -> pd.DataFrame:
        """One row per loan: stage, exposure, 12-month, lifetime and applied ECL."""
        import pandas as pd

        return pd.DataFrame(
            {
                "stage": self.stage,
                "exposure": self.exposure,
                "ecl_12m": self.ecl_12m,
                "ecl_lifetime": self.ecl_lifetime,
                "ecl": self.ecl,
            }
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows: list[list[Any]] = [
            [s, int(v["loans"]), v["exposure"], v["ecl"], v["coverage"]]
            for s, v in self.by_stage.items()
        ]
        rows.append(
            [
                "total",
                int(self.stage.size),
                float(self.exposure.sum()),
                self.total,
                self.total / float(self.exposure.sum()) if self.exposure.sum() > 0 else np.nan,
            ]
        )
        return (
            "Expected credit loss (IFRS 9)",
            ["stage", "loans", "exposure", "ECL", "coverage"],
            rows,
            "stage 1: 12-month ECL; stages 2-3: lifetime ECL",
        )


def expected_credit_loss(
    *,
    stage: npt.ArrayLike,
    marginal_pd: npt.ArrayLike,
    lgd: npt.ArrayLike,
    ead: npt.ArrayLike,
    eir: npt.ArrayLike,
    periods_per_year: int = 12,
) -> ECLResult:
    """12-month and lifetime ECL = sum_t marginal PD_t x LGD x EAD_t x DF_t.

    Parameters
    ----------
    stage : array-like of int, shape (n,)
        1, 2 or 3 (see :func:`assign_stage`).
    marginal_pd : array-like of shape (n, H)
        Probability of defaulting in period ``t`` (unconditional, from now); rows sum to
        the lifetime PD (<= 1).
    lgd : array-like of float, shape (n,) or scalar
        Loss given default.
    ead : array-like of shape (n, H)
        Exposure at the start of each period (see :func:`amortising_exposure`); zero
        after maturity ends the sum.
    eir : array-like of float, shape (n,) or scalar
        Effective annual interest rate for discounting.
    periods_per_year : int, default=12
        12-month ECL uses the first ``periods_per_year`` periods.

    Returns
    -------
    ECLResult

    References
    ----------
    .. [1] IASB (2014). IFRS 9 Financial Instruments, 5.5.3, 5.5.5, 5.5.17 and B5.5.28-
       B5.5.44.

    Examples
    --------
    One stage-1 loan, 1% default probability a month, 3 months left, LGD 50%, no
    discounting: 12-month ECL = 0.5 x 0.01 x (1000 + 669.98 + 336.66).

    >>> ead = amortising_exposure([1000.0], [0.12], [3])
    >>> r = expected_credit_loss(stage=[1], marginal_pd=[[0.01, 0.01, 0.01]], lgd=0.5,
    ...                          ead=ead, eir=0.0)
    >>> round(float(r.ecl[0]), 4)
    10.0332
    """
    st = np.atleast_1d(np.asarray(stage, dtype=np.int64))
    mpd = np.atleast_2d(np.asarray(marginal_pd, dtype=np.float64))
    e = np.atleast_2d(np.asarray(ead, dtype=np.float64))
    n = check_consistent_length(stage=st, marginal_pd=mpd, ead=e)
    if mpd.shape != e.shape:
        raise DataError(
            f"marginal_pd {mpd.shape} and ead {e.shape} must have the same shape (loans x periods)."
        )
    if not np.isin(st, (1, 2, 3)).all():
        raise DataError(f"stage must be 1, 2 or 3; got {sorted(set(st.tolist()) - {1, 2, 3})}.")
    check_probability(mpd, "marginal_pd")
    if (mpd.sum(axis=1) > 1.0 + 1e-9).any():
        raise DataError("marginal_pd rows sum to more than 1; pass marginal (not cumulative) PDs.")
    if not np.all(np.isfinite(e)) or (e < 0).any():
        raise DataError("ead must be finite and >= 0.")
    lg = check_probability(np.broadcast_to(np.asarray(lgd, dtype=np.float64), (n,)), "lgd")
    rate = np.broadcast_to(np.asarray(eir, dtype=np.float64), (n,))
    if not np.all(np.isfinite(rate)) or (rate <= -1).any():
        raise DataError("eir must be a finite annual rate above -100% (0.3 for 30%).")
    h = mpd.shape[1]
    t = np.arange(1, h + 1, dtype=np.float64)
    df = (1.0 + rate[:, None]) ** (-t[None, :] / periods_per_year)
    loss = mpd * lg[:, None] * e * df
    ecl_life = loss.sum(axis=1)
    ecl_12 = loss[:, :periods_per_year].sum(axis=1)
    exposure = e[:, 0] if h else np.zeros(n)
    impaired = lg * exposure
    ecl_12 = np.where(st == 3, impaired, ecl_12)
    ecl_life = np.where(st == 3, impaired, ecl_life)
    applied = np.where(st == 1, ecl_12, ecl_life)
    by_stage: dict[int, dict[str, float]] = {}
    for s in (1, 2, 3):
        m = st == s
        ex = float(exposure[m].sum())
        ec = float(applied[m].sum())
        by_stage[s] = {
            "loans": float(m.sum()),
            "exposure": ex,
            "ecl": ec,
            "coverage": ec / ex if ex > 0 else float("nan"),
        }
    return ECLResult(st, ecl_12, ecl_life, applied, exposure, by_stage)


def ecl_from_matrix(
    matrix: TransitionMatrix | Sequence[TransitionMatrix],
    *,
    state: npt.ArrayLike,
    dpd: npt.ArrayLike,
    balance: npt.ArrayLike,
    annual_rate: npt.ArrayLike,
    remaining_term: npt.ArrayLike,
    lgd: npt.ArrayLike,
    eir: npt.ArrayLike | None = None,
    default_states: Sequence[str] = ("M4", "M5", "M6+", "CO"),
    stage2_from_dpd: int = 31,
    stage3_from_dpd: int = 90,
    periods_per_year: int = 12,
) -> ECLResult:
    """ECL of a loan book from a monthly delinquency transition matrix.

    Marginal PDs are first-passage probabilities into ``default_states`` from each loan's
    current state (:func:`~overdue_risk.transitions.lifetime_pd`); paid-off is absorbing,
    so prepayment lowers the PD. Exposure amortises contractually
    (:func:`amortising_exposure`), and losses are discounted at ``eir`` (the APR
    compounded when None).

    Parameters
    ----------
    matrix : TransitionMatrix or sequence of TransitionMatrix
        One monthly matrix (homogeneous) or one per future month (at least the longest
        remaining term).
    state : array-like of str
        Current bucket of every loan.
    dpd : array-like of int
        Days past due (staging).
    balance, annual_rate, remaining_term : array-like
        See :func:`amortising_exposure`.
    lgd : array-like of float or scalar
    eir : array-like of float, default=None
        Effective annual rate; ``(1 + annual_rate / 12) ** 12 - 1`` when None.
    default_states : sequence of str, default=("M4", "M5", "M6+", "CO")
        More than 90 DPD, or charged off (those present in the matrix are used).
    stage2_from_dpd, stage3_from_dpd : int, default=31, 90
    periods_per_year : int, default=12

    Returns
    -------
    ECLResult

    Examples
    --------
    >>> from overdue_risk.transitions import TransitionMatrix
    >>> tm = TransitionMatrix.from_probabilities(
    ...     [[0.95, 0.04, 0.0, 0.01], [0.5, 0.3, 0.2, 0.0], [0, 0, 1, 0], [0, 0, 0, 1]],
    ...     ["M0", "M1", "CO", "PO"],
    ... )
    >>> r = ecl_from_matrix(tm, state=["M0", "M1"], dpd=[0, 40], balance=[1000.0, 1000.0],
    ...                     annual_rate=0.24, remaining_term=[12, 12], lgd=0.8,
    ...                     default_states=["CO"])
    >>> r.stage.tolist(), bool(r.ecl[1] > r.ecl[0])
    ([1, 2], True)
    """
    first = matrix if isinstance(matrix, TransitionMatrix) else next(iter(matrix))
    states_now = np.asarray(state, dtype=object).astype(str)
    b = np.atleast_1d(np.asarray(balance, dtype=np.float64))
    n = check_consistent_length(state=states_now, balance=b)
    term = np.broadcast_to(np.asarray(remaining_term), (n,))
    h = max(int(np.max(term)) if n else 1, 1)
    defaults = tuple(s for s in default_states if s in first.states)
    if not defaults:
        raise DataError(
            f"none of default_states {list(default_states)} are states of the matrix "
            f"{list(first.states)}."
        )
    unknown = sorted(set(states_now.tolist()) - set(first.states))
    if unknown:
        raise DataError(f"state holds {unknown[:8]} which are not states of the matrix.")
    if isinstance(matrix, TransitionMatrix):
        curves = lifetime_pd(matrix, defaults, horizon=h, start_states=first.states)
    else:
        seq = list(matrix)
        if len(seq) < h:
            raise DataError(f"pass at least {h} period matrices (the longest remaining term).")
        curves = lifetime_pd(seq[:h], defaults, start_states=first.states)
    row = np.searchsorted(
        np.asarray(first.states, dtype=str), states_now, sorter=np.argsort(first.states)
    )
    row = np.argsort(first.states)[row]
    mpd = np.asarray(curves.marginal)[row]
    in_default = np.isin(states_now, defaults)
    mpd = np.where(in_default[:, None], 0.0, mpd)
    ead = amortising_exposure(b, annual_rate, term, h, periods_per_year=periods_per_year)
    mpd = np.where(ead > 0, mpd, 0.0)
    rate = np.broadcast_to(np.asarray(annual_rate, dtype=np.float64), (n,))
    eff = (1.0 + rate / periods_per_year) ** periods_per_year - 1.0 if eir is None else eir
    stage = assign_stage(
        dpd,
        stage2_from_dpd=stage2_from_dpd,
        stage3_from_dpd=stage3_from_dpd,
        default_flag=in_default,
    )
    return expected_credit_loss(
        stage=stage, marginal_pd=mpd, lgd=lgd, ead=ead, eir=eff, periods_per_year=periods_per_year
    )
