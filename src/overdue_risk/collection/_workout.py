"""Repayment plans, settlements and litigation valued per account by expected present value.

For an account with exposure ``E`` (per unit: every amount below is times ``E``) and
monthly discount factor ``d = 1 / (1 + r / 12)``:

* **continue** (no new arrangement): cure with probability ``p`` (the account is then
  worth ``cure_value``) else recover the share ``q``; ``PV = d (p cure_value + (1 - p) q)``;
* **restructure** into ``n`` equal instalments at annual rate ``i`` (an annuity:
  ``A = E j / (1 - (1 + j)^-n)``, ``j = i / 12``): accepted with probability ``a``; each
  month the plan survives with probability ``1 - h`` (re-default hazard); after a
  re-default the unpaid principal recovers the share ``q``; refused plans continue;
* **settle** at a discount ``delta``: accepted with probability ``s``, paying
  ``(1 - delta) E`` next month; refused settlements continue;
* **litigate**: recover the share ``rho`` after ``m`` months, minus the court costs
  ``c_0 + c_1 E`` paid now.

The uncertain inputs (``p, q, a, h, s, rho``) are Beta distributions given by their mean
and a concentration ``kappa`` (``Beta(mean kappa, (1 - mean) kappa)``); the valuation
draws them jointly per account and reports each option's expected PV, its standard
deviation and 5%-95% range, and the probability that litigation is the best option.
Litigation is recommended only when its expected NPV beats every other option and the
conduct rules allow it (DPD floor and NPV threshold).

References
----------
.. [1] Thomas, L. C., Matuszyk, A., So, M. C., Mues, C. and Moore, A. (2016). Modelling
   repayment patterns in the collections process for unsecured consumer debt: a case
   study. European Journal of Operational Research 249(2), 476-486.
.. [2] Brealey, R., Myers, S. and Allen, F. Principles of Corporate Finance, ch. 2
   (present value of an annuity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray
from overdue_risk.collection._conduct import ConductRules
from overdue_risk.collection._inputs import table_columns
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["WORKOUT_OPTIONS", "WorkoutAssumptions", "WorkoutValuation", "value_workout_options"]


#: The alternatives valued for every account.
WORKOUT_OPTIONS: tuple[str, ...] = ("continue", "restructure", "settle", "litigate")


@dataclass(frozen=True)
class WorkoutAssumptions:
    """Inputs of the workout valuation (scalars or one value per account).

    Parameters
    ----------
    cure_probability, partial_recovery : float or array
        ``p`` and ``q`` of the continue option.
    plan_acceptance, redefault_hazard : float or array
        ``a`` and the monthly ``h`` of a repayment plan.
    settlement_acceptance : float or array
        ``s``, probability the borrower pays the discounted lump sum.
    legal_recovery : float or array
        ``rho``, share of the exposure a court case recovers.
    concentration : float, default=50.0
        ``kappa`` of the Beta distributions (larger = more certain); ``inf`` = no
        uncertainty.
    cure_value : float, default=0.9
        Worth of a cured account per unit of exposure.
    instalments : int, default=6
    plan_rate : float, default=0.0
        Annual rate of the plan's annuity.
    settlement_discount : float, default=0.3
    legal_cost_fixed : float, default=150.0
    legal_cost_share : float, default=0.05
    legal_delay_months : int, default=8
    discount_rate : float, default=0.15
        Annual rate at which cash flows are discounted (the lender's cost of funds).

    Examples
    --------
    >>> WorkoutAssumptions(0.2, 0.1, 0.7, 0.05, 0.3, 0.5).instalments
    6
    """

    cure_probability: Any
    partial_recovery: Any
    plan_acceptance: Any
    redefault_hazard: Any
    settlement_acceptance: Any
    legal_recovery: Any
    concentration: float = 50.0
    cure_value: float = 0.9
    instalments: int = 6
    plan_rate: float = 0.0
    settlement_discount: float = 0.3
    legal_cost_fixed: float = 150.0
    legal_cost_share: float = 0.05
    legal_delay_months: int = 8
    discount_rate: float = 0.15


@dataclass(frozen=True, eq=False)
class WorkoutValuation(Result):
    """Expected present value of every workout option for every account.

    Attributes
    ----------
    account_id : ndarray
    options : tuple of str
    expected_pv, std_pv, pv_low, pv_high : ndarray, shape (n_accounts, n_options)
        Mean, standard deviation and 5% / 95% quantiles of the PV (net of costs).
    recommended : ndarray of object
        The option with the highest expected PV among those permitted.
    p_litigation_best : ndarray of float
        Probability (over the input uncertainty) that litigating beats every other option.
    litigation_allowed : ndarray of bool
        DPD floor and NPV threshold of the conduct rules.
    """

    account_id: npt.NDArray[Any]
    options: tuple[str, ...]
    expected_pv: FloatArray
    std_pv: FloatArray
    pv_low: FloatArray
    pv_high: FloatArray
    recommended: npt.NDArray[np.object_]
    p_litigation_best: FloatArray
    litigation_allowed: npt.NDArray[np.bool_]

    def to_frame(self) -> pd.DataFrame:
        """One row per account: expected PV of each option, the recommendation."""
        import pandas as pd

        df = pd.DataFrame({"account_id": self.account_id})
        for j, o in enumerate(self.options):
            df[f"pv_{o}"] = self.expected_pv[:, j]
            df[f"pv_{o}_low"] = self.pv_low[:, j]
            df[f"pv_{o}_high"] = self.pv_high[:, j]
        df["recommended"] = self.recommended
        df["p_litigation_best"] = self.p_litigation_best
        return df

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = []
        for j, o in enumerate(self.options):
            m = self.recommended == o
            rows.append([o, int(m.sum()), float(self.expected_pv[m, j].sum())])
        return (
            "Workout options",
            ["recommended", "accounts", "expected PV"],
            rows,
            f"{int(self.litigation_allowed.sum())} of {self.recommended.size} accounts may be "
            "litigated under the conduct rules",
        )


def _beta_draws(
    rng: np.random.Generator, mean: Any, kappa: float, n: int, n_draws: int, name: str
) -> FloatArray:
    m = np.broadcast_to(np.asarray(mean, dtype=np.float64), (n,)).astype(np.float64)
    if not (np.isfinite(m).all() and (m >= 0).all() and (m <= 1).all()):
        raise DataError(f"{name} must be probabilities in [0, 1]; got values outside.")
    if not np.isfinite(kappa):
        return np.broadcast_to(m[None, :], (n_draws, n)).copy()
    mm = np.clip(m, 1e-6, 1 - 1e-6)
    out = rng.beta(mm * kappa, (1 - mm) * kappa, size=(n_draws, n))
    return np.where((m == 0) | (m == 1), m[None, :], out)


def _plan_pv(
    a: FloatArray, h: FloatArray, q: FloatArray, cont: FloatArray, s: WorkoutAssumptions
) -> FloatArray:
    """Per unit of exposure: accepted plan's PV (annuity with re-default) or continue."""
    n = int(s.instalments)
    d = 1.0 / (1.0 + s.discount_rate / 12.0)
    j = s.plan_rate / 12.0
    inst = 1.0 / n if j == 0 else j / (1.0 - (1.0 + j) ** -n)
    t = np.arange(1, n + 1)
    # principal still owed after t-1 instalments (annuity amortisation)
    owed = (
        1.0 - (t - 1) / n
        if j == 0
        else ((1 + j) ** (t - 1)) - inst * (((1 + j) ** (t - 1) - 1) / j)
    )
    surv = (1.0 - h[..., None]) ** t  # paid instalment t
    fail = (1.0 - h[..., None]) ** (t - 1) * h[..., None]  # re-default at month t
    paid = (surv * inst * d**t).sum(axis=-1)
    lost = (fail * owed * q[..., None] * d ** (t + 2)).sum(axis=-1)
    return np.asarray(a * (paid + lost) + (1 - a) * cont, dtype=np.float64)


def value_workout_options(
    accounts: Any,
    assumptions: WorkoutAssumptions,
    *,
    rules: ConductRules | None = None,
    id_col: str = "row_id",
    n_draws: int = 1_000,
    random_state: int | None = 0,
) -> WorkoutValuation:
    """Value continue / restructure / settle / litigate for every account, with uncertainty.

    Parameters
    ----------
    accounts : DataFrame or dict of arrays
        ``balance`` (the exposure) and ``dpd``; ``id_col`` if present.
    assumptions : WorkoutAssumptions
        Probabilities (scalars or per account, e.g. from
        :func:`estimate_effects` or a simulator's truth) and the plan, settlement and court
        terms.
    rules : ConductRules, default=None
        Litigation needs ``dpd >= rules.min_dpd_for("legal")`` and an expected NPV of at
        least ``rules.legal_min_npv``.
    id_col : str, default="row_id"
    n_draws : int, default=1_000
        Monte Carlo draws of the uncertain inputs.
    random_state : int or None, default=0

    Returns
    -------
    WorkoutValuation

    Examples
    --------
    >>> acc = {"row_id": [1, 2], "balance": [2000.0, 2000.0], "dpd": [120, 120]}
    >>> unable = WorkoutAssumptions([0.05, 0.05], 0.1, [0.8, 0.1], [0.04, 0.3], 0.2,
    ...                             [0.1, 0.8], concentration=float("inf"))
    >>> value_workout_options(acc, unable).recommended.tolist()
    ['restructure', 'litigate']
    """
    rules = ConductRules() if rules is None else rules
    rules.validate()
    cols = table_columns(accounts, "accounts", ["balance", "dpd"])
    bal = np.asarray(cols["balance"], dtype=np.float64)
    if not (np.isfinite(bal).all() and (bal >= 0).all()):
        raise DataError("column 'balance' must be finite and >= 0.")
    dpd = np.asarray(cols["dpd"], dtype=np.float64)
    n = bal.size
    ids = np.asarray(cols[id_col]) if id_col in cols else np.arange(n)
    s = assumptions
    if int(s.instalments) < 1:
        raise DataError(f"instalments must be >= 1; got {s.instalments!r}.")
    if not 0 <= s.settlement_discount <= 1:
        raise DataError(f"settlement_discount must lie in [0, 1]; got {s.settlement_discount!r}.")
    rng = np.random.default_rng(random_state)
    draws = max(int(n_draws), 2)
    kappa = float(s.concentration)
    p = _beta_draws(rng, s.cure_probability, kappa, n, draws, "cure_probability")
    q = _beta_draws(rng, s.partial_recovery, kappa, n, draws, "partial_recovery")
    a = _beta_draws(rng, s.plan_acceptance, kappa, n, draws, "plan_acceptance")
    h = _beta_draws(rng, s.redefault_hazard, kappa, n, draws, "redefault_hazard")
    st = _beta_draws(rng, s.settlement_acceptance, kappa, n, draws, "settlement_acceptance")
    rho = _beta_draws(rng, s.legal_recovery, kappa, n, draws, "legal_recovery")
    d = 1.0 / (1.0 + s.discount_rate / 12.0)
    cont = d * (p * s.cure_value + (1 - p) * q)
    plan = _plan_pv(a, h, q, cont, s)
    settle = st * d * (1 - s.settlement_discount) + (1 - st) * cont
    legal_cost = s.legal_cost_fixed + s.legal_cost_share * bal
    pv = np.stack(
        [
            cont * bal,
            plan * bal,
            settle * bal,
            rho * d ** int(s.legal_delay_months) * bal - legal_cost,
        ],
        axis=-1,
    )  # draws x accounts x options
    mean = pv.mean(axis=0)
    lit = WORKOUT_OPTIONS.index("litigate")
    allowed = (dpd >= rules.min_dpd_for("legal")) & (mean[:, lit] >= rules.legal_min_npv)
    others = np.delete(mean, lit, axis=1)
    pick = np.asarray(others.argmax(axis=1), dtype=np.int64)  # among continue/plan/settle
    best_other = others.max(axis=1)
    litigate = allowed & (mean[:, lit] > best_other)
    recommended = np.asarray(WORKOUT_OPTIONS, dtype=object)[pick]
    recommended[litigate] = "litigate"
    p_lit = (pv[:, :, lit] > np.delete(pv, lit, axis=2).max(axis=2)).mean(axis=0)
    return WorkoutValuation(
        account_id=ids,
        options=WORKOUT_OPTIONS,
        expected_pv=mean,
        std_pv=pv.std(axis=0, ddof=1),
        pv_low=np.quantile(pv, 0.05, axis=0),
        pv_high=np.quantile(pv, 0.95, axis=0),
        recommended=recommended,
        p_litigation_best=p_lit,
        litigation_allowed=allowed,
    )
