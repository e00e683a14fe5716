"""Collections on the simulated book: logged treatments under a randomised policy, and the truth.

:func:`simulate_collections` takes the delinquent loan-months of a book (``M1 ... M6+``,
still active) and simulates what a collections team did with each and what happened next:

* every account-month has a **hidden borrower type**: ``recovering`` (a temporary
  setback; often pays again by itself), ``unable`` (willing but unable: a failed business,
  a lost job) or ``unwilling`` (able but unwilling, 恶意逃债). The type is drawn from a
  prior that depends on the bucket, the balance and the employment type; the lender sees
  only noisy signs of it: a behavioural score, whether the borrower answers the phone
  (``contactable``) and whether something was paid last month (``partial_payer``);
* the **logging policy** is the 0.1.0 ladder (bucket -> SMS, call, letter, field visit,
  legal action) with probability ``1 - epsilon`` and a uniform draw over the actions the
  conduct rules permit otherwise; the propensity of every action is stored;
* the **outcome** of action ``a`` on an account of type ``t``: cure (back to current next
  month), roll (worse bucket next month) and the discounted cash recovered over the next
  12 months. Contact actions raise the cure log-odds by a lift that depends on the type,
  fades with the bucket and mostly vanishes when the borrower cannot be reached; a
  repayment plan is accepted with a type-dependent probability and then pays ``E / 6`` a
  month until it ends or re-defaults (monthly hazard by type); legal action recovers a
  type-dependent share of the exposure after an 8-month delay at a court cost;
* channel **costs** and monthly **capacities** (calls, field visits, negotiated plans,
  legal cases) come with the simulation.

No single ladder is best: SMS and calls pay on ``recovering`` borrowers, repayment plans on
``unable`` ones, field visits and legal action on ``unwilling`` ones with large balances.

The logged table holds only what the lender sees. The hidden type and the true expected
outcome of every action for every row stay in :attr:`CollectionsSimulation.truth`, and
:meth:`CollectionsSimulation.true_net` values ANY assignment of actions exactly (the
expectation over the outcome noise given the hidden types). The base panel is not changed:
the outcomes are this module's own draws (from an independent random stream).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray
from overdue_risk.collection._conduct import ACTIONS, ConductRules
from overdue_risk.collection._optimise import eligible_actions
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.datasets._portfolio import Portfolio

__all__ = ["TYPES", "CollectionCosts", "CollectionsSimulation", "simulate_collections"]

IntArray = npt.NDArray[np.int64]

#: Hidden borrower types (index = code).
TYPES: tuple[str, ...] = ("recovering", "unable", "unwilling")
_R, _W, _U = 0, 1, 2
_BUCKETS = ("M1", "M2", "M3", "M4", "M5", "M6+")
_NONE, _SMS, _CALL, _LETTER, _FIELD, _PLAN, _LEGAL = range(7)

# --- hidden type prior: multinomial logit on bucket k (0..5), log balance, employment -----
_PRIOR_INTERCEPT = np.array([1.0, 0.0, -0.3])
_PRIOR_BUCKET = np.array([-0.45, 0.0, 0.08])
_PRIOR_LOG_BALANCE = np.array([0.0, -0.1, 0.3])
_UNSTABLE_EMPLOYMENT = ("gig_worker", "unemployed", "self_employed")
_PRIOR_UNSTABLE = np.array([0.0, 0.6, 0.0])
# --- observable signs of the type --------------------------------------------------------
_SCORE_MEAN = np.array([620.0, 560.0, 545.0])
_SCORE_BUCKET = -15.0
_SCORE_SD = 40.0
_P_CONTACTABLE = np.array([0.85, 0.80, 0.35])
_P_PARTIAL = np.array([0.35, 0.55, 0.08])
# --- outcome model ----------------------------------------------------------------------
_CURE_BASE = np.array([0.3, -2.2, -2.4])
_CURE_BUCKET = np.array([-0.35, -0.2, -0.15])
#: cure log-odds lift, rows = type, columns = sms, call, letter, field visit
_LIFT = np.array(
    [
        [0.60, 0.90, 0.30, 1.00],
        [0.10, 0.35, 0.10, 0.50],
        [0.05, 0.50, 0.30, 1.50],
    ]
)
_NEEDS_PHONE = np.array([True, True, False, False])  # sms and calls need a reachable phone
_UNREACHABLE_FACTOR = 0.1
_CURE_VALUE = 0.9  # share of the exposure a cured account is worth (future losses aside)
_PARTIAL_MEAN = np.array([0.25, 0.12, 0.05])  # recovery share when not cured, M1
_PARTIAL_BUCKET = 0.08
_PARTIAL_CONCENTRATION = 8.0
_ROLL = np.array([0.25, 0.55, 0.60])
_ROLL_BUCKET = 0.05
_PLAN_ACCEPT = np.array([0.40, 0.70, 0.15])
#: a plan waives part of the debt (interest and fees): its instalments repay this share
PLAN_REPAID_SHARE = 0.85
_PLAN_UNREACHABLE_FACTOR = 0.4
_PLAN_HAZARD = np.array([0.02, 0.06, 0.25])
PLAN_INSTALMENTS = 6
_LEGAL_RECOVERY = np.array([0.45, 0.12, 0.70])
_LEGAL_CONCENTRATION = 6.0
LEGAL_DELAY_MONTHS = 8
ANNUAL_DISCOUNT_RATE = 0.15
_D = 1.0 / (1.0 + ANNUAL_DISCOUNT_RATE / 12.0)
_LADDER_TO_ACTION = {
    "sms_reminder": "sms",
    "call": "call",
    "letter": "letter",
    "field_visit": "field_visit",
    "legal_action": "legal",
}


@dataclass(frozen=True)
class CollectionCosts:
    """Cost of each action: a fixed amount plus a share of the exposure.

    Parameters
    ----------
    fixed : mapping of str to float
        Cost per account treated, by action.
    share_of_balance : mapping of str to float
        Extra cost as a share of the exposure (court fees grow with the claim).

    Examples
    --------
    >>> c = CollectionCosts.default()
    >>> c.matrix([1000.0]).round(2).tolist()
    [[0.0, 0.3, 6.0, 2.5, 45.0, 20.0, 200.0]]
    """

    fixed: Mapping[str, float]
    share_of_balance: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def default(cls) -> CollectionCosts:
        """The simulator's costs (SMS 0.3, call 6, letter 2.5, visit 45, plan 20, legal 150+5%)."""
        return cls(
            fixed=MappingProxyType(
                {
                    "none": 0.0,
                    "sms": 0.3,
                    "call": 6.0,
                    "letter": 2.5,
                    "field_visit": 45.0,
                    "repayment_plan": 20.0,
                    "legal": 150.0,
                }
            ),
            share_of_balance=MappingProxyType({"legal": 0.05}),
        )

    def matrix(self, balance: npt.ArrayLike, actions: tuple[str, ...] = ACTIONS) -> FloatArray:
        """Cost of every action (columns, in ``actions`` order) for every account (rows)."""
        bal = np.asarray(balance, dtype=np.float64).reshape(-1, 1)
        fixed = np.array([self.fixed.get(a, 0.0) for a in actions])
        share = np.array([self.share_of_balance.get(a, 0.0) for a in actions])
        return np.asarray(fixed[None, :] + bal * share[None, :], dtype=np.float64)


def _softmax(z: FloatArray) -> FloatArray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)


def _sigmoid(z: FloatArray) -> FloatArray:
    return 1.0 / (1.0 + np.exp(-z))


def _type_prior(k: IntArray, balance: FloatArray, unstable: npt.NDArray[np.bool_]) -> FloatArray:
    lb = np.log(np.maximum(balance, 10.0) / 600.0)
    z = (
        _PRIOR_INTERCEPT[None, :]
        + k[:, None] * _PRIOR_BUCKET[None, :]
        + lb[:, None] * _PRIOR_LOG_BALANCE[None, :]
        + unstable[:, None] * _PRIOR_UNSTABLE[None, :]
    )
    return _softmax(z)


def type_posterior(
    k: IntArray,
    balance: FloatArray,
    unstable: npt.NDArray[np.bool_],
    score: FloatArray,
    contactable: npt.NDArray[np.bool_],
    partial: npt.NDArray[np.bool_],
) -> FloatArray:
    """P(type | everything the lender sees), by Bayes' rule on the simulator's own model."""
    prior = _type_prior(k, balance, unstable)
    mean = _SCORE_MEAN[None, :] + _SCORE_BUCKET * k[:, None]
    like = np.exp(-0.5 * ((score[:, None] - mean) / _SCORE_SD) ** 2)
    like *= np.where(contactable[:, None], _P_CONTACTABLE, 1 - _P_CONTACTABLE)
    like *= np.where(partial[:, None], _P_PARTIAL, 1 - _P_PARTIAL)
    post = prior * like
    return np.asarray(post / post.sum(axis=1, keepdims=True), dtype=np.float64)


def _outcome_parameters(
    t: IntArray, k: IntArray, contactable: npt.NDArray[np.bool_]
) -> dict[str, FloatArray]:
    """Per row and action: cure probability, roll-if-not-cured, partial recovery share."""
    n = t.size
    decay = np.maximum(0.2, 1.0 - 0.15 * k)
    logit0 = np.asarray(_CURE_BASE[t] + _CURE_BUCKET[t] * k, dtype=np.float64)
    p_cure = np.empty((n, len(ACTIONS)))
    p_cure[:, _NONE] = _sigmoid(logit0)
    for j, a in enumerate((_SMS, _CALL, _LETTER, _FIELD)):
        fade = decay if a != _FIELD else np.ones(n)
        reach = np.where(contactable | ~_NEEDS_PHONE[j], 1.0, _UNREACHABLE_FACTOR)
        p_cure[:, a] = _sigmoid(logit0 + _LIFT[t, j] * fade * reach)
    accept = _PLAN_ACCEPT[t] * np.where(contactable, 1.0, _PLAN_UNREACHABLE_FACTOR)
    hazard = _PLAN_HAZARD[t]
    p_cure[:, _PLAN] = accept * (1 - hazard) + (1 - accept) * p_cure[:, _NONE]
    p_cure[:, _LEGAL] = 0.0
    roll = np.minimum(_ROLL[t] + _ROLL_BUCKET * k, 0.9)
    partial = _PARTIAL_MEAN[t] * (1 - _PARTIAL_BUCKET * k)
    return {
        "p_cure": p_cure,
        "roll": roll,
        "partial": partial,
        "accept": accept,
        "hazard": hazard,
        "legal": _LEGAL_RECOVERY[t],
    }


def _plan_share(hazard: FloatArray, partial: FloatArray) -> FloatArray:
    """Expected discounted share of the exposure an accepted plan recovers."""
    n = PLAN_INSTALMENTS
    j = np.arange(1, n + 1)
    surv = (1 - hazard[:, None]) ** j[None, :]  # paid instalment j
    paid = PLAN_REPAID_SHARE * (surv * _D ** j[None, :]).sum(axis=1) / n
    # re-default in month j (after j-1 instalments): the rest recovers at the partial share
    fail = (1 - hazard[:, None]) ** (j[None, :] - 1) * hazard[:, None]
    rest = PLAN_REPAID_SHARE * (n - j[None, :] + 1) / n
    out = paid + (fail * rest * partial[:, None] * _D ** (j[None, :] + 2)).sum(axis=1)
    return np.asarray(out, dtype=np.float64)


def expected_outcomes(
    t: IntArray, k: IntArray, contactable: npt.NDArray[np.bool_], balance: FloatArray
) -> dict[str, FloatArray]:
    """True expected cure, roll and recovered amount of every action (rows x ACTIONS)."""
    p = _outcome_parameters(t, k, contactable)
    pc = p["p_cure"]
    roll = (1 - pc) * p["roll"][:, None]
    base_share = pc[:, _NONE] * _CURE_VALUE * _D + (1 - pc[:, _NONE]) * p["partial"] * _D**3
    share = pc * _CURE_VALUE * _D + (1 - pc) * p["partial"][:, None] * _D**3
    share[:, _PLAN] = (
        p["accept"] * _plan_share(p["hazard"], p["partial"]) + (1 - p["accept"]) * base_share
    )
    roll[:, _PLAN] = p["accept"] * p["hazard"] + (1 - p["accept"]) * roll[:, _NONE]
    share[:, _LEGAL] = p["legal"] * _D**LEGAL_DELAY_MONTHS
    roll[:, _LEGAL] = p["roll"]
    return {"cured": pc, "rolled": roll, "recovered": share * balance[:, None]}


def _draw_outcomes(
    rng: np.random.Generator,
    t: IntArray,
    k: IntArray,
    contactable: npt.NDArray[np.bool_],
    balance: FloatArray,
    action: IntArray,
) -> dict[str, npt.NDArray[Any]]:
    n = t.size
    p = _outcome_parameters(t, k, contactable)
    rows = np.arange(n)
    u = rng.random((n, 6))
    cured_plain = u[:, 0] < p["p_cure"][rows, np.where(action == _PLAN, _NONE, action)]
    rolled_plain = ~cured_plain & (u[:, 1] < p["roll"])
    mean_part = p["partial"]
    part = rng.beta(mean_part * _PARTIAL_CONCENTRATION, (1 - mean_part) * _PARTIAL_CONCENTRATION)
    share = np.where(cured_plain, _CURE_VALUE * _D, part * _D**3)
    cured, rolled = cured_plain.copy(), rolled_plain.copy()
    # repayment plan: accept, then months survived until re-default (geometric)
    plan = action == _PLAN
    accepted = plan & (u[:, 2] < p["accept"])
    months = np.minimum(rng.geometric(np.maximum(p["hazard"], 1e-12)) - 1, PLAN_INSTALMENTS)
    j = np.arange(1, PLAN_INSTALMENTS + 1)
    paid = ((j[None, :] <= months[:, None]) * _D ** j[None, :]).sum(axis=1) / PLAN_INSTALMENTS
    paid = PLAN_REPAID_SHARE * paid
    left = PLAN_REPAID_SHARE * (PLAN_INSTALMENTS - months) / PLAN_INSTALMENTS
    plan_share = paid + left * part * _D ** (months + 3)
    share = np.where(accepted, plan_share, share)
    cured = np.where(plan, np.where(accepted, months >= 1, cured_plain), cured)
    rolled = np.where(plan, np.where(accepted, months == 0, rolled_plain), rolled)
    # legal action: delayed recovery of a type-dependent share
    legal = action == _LEGAL
    rr = p["legal"]
    legal_share = rng.beta(rr * _LEGAL_CONCENTRATION, (1 - rr) * _LEGAL_CONCENTRATION)
    share = np.where(legal, legal_share * _D**LEGAL_DELAY_MONTHS, share)
    cured = np.where(legal, False, cured)
    rolled = np.where(legal, u[:, 3] < p["roll"], rolled)
    return {"cured": cured, "rolled": rolled, "recovered": share * balance}


@dataclass(frozen=True, eq=False)
class CollectionsSimulation(Result):
    """Logged collections data of a simulated book, with its truth kept apart.

    Attributes
    ----------
    logged : pandas.DataFrame
        One row per delinquent loan-month (what the lender sees): ``row_id``, ``loan_id``,
        ``month``, ``bucket``, ``dpd``, ``balance``, ``employment_type``,
        ``behaviour_score``, ``contactable``, ``partial_payer``, ``contacts_7d``,
        ``reachable_from`` / ``reachable_to`` (hours), the ``action`` taken, its
        ``propensity``, ``propensity_<action>`` for every action, ``cost``, and the outcome:
        ``cured``, ``rolled``, ``recovered`` and ``net`` (recovered - cost).
    truth : pandas.DataFrame
        Evaluation only, aligned with ``logged`` on ``row_id``: ``hidden_type`` and, for every
        action, the true expected ``cured_<a>``, ``rolled_<a>``, ``recovered_<a>``.
    costs : CollectionCosts
    capacity : mapping of str to int
        Monthly capacity of the limited channels (calls, field visits, plans, legal cases),
        sized on the average monthly queue.
    rules : ConductRules
        The conduct rules the logging policy kept (and that plans must keep).
    epsilon : float
        Share of randomised decisions in the logging policy.
    """

    logged: pd.DataFrame
    truth: pd.DataFrame = field(repr=False)
    costs: CollectionCosts
    capacity: Mapping[str, int]
    rules: ConductRules
    epsilon: float

    @property
    def actions(self) -> tuple[str, ...]:
        """The actions, in column order of every matrix."""
        return ACTIONS

    def _rows(self, frame: Any) -> IntArray:
        ids = np.asarray(frame["row_id"], dtype=np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self.truth)):
            raise DataError("row_id values must come from this simulation's logged table.")
        return ids

    def true_outcomes(self, frame: Any, outcome: str = "net") -> FloatArray:
        """True expected outcome of every action (columns) for the rows of ``frame``.

        ``outcome`` is ``"cured"``, ``"rolled"``, ``"recovered"`` or ``"net"`` (recovered
        minus cost). ``frame`` needs the ``row_id`` column of :attr:`logged`.
        """
        ids = self._rows(frame)
        tr = self.truth
        if outcome == "net":
            rec = tr[[f"recovered_{a}" for a in ACTIONS]].to_numpy()[ids]
            bal = self.logged["balance"].to_numpy()[ids]
            return rec - self.costs.matrix(bal)
        if outcome not in {"cured", "rolled", "recovered"}:
            raise DataError(
                f"outcome must be 'cured', 'rolled', 'recovered' or 'net'; got {outcome!r}."
            )
        return tr[[f"{outcome}_{a}" for a in ACTIONS]].to_numpy()[ids]

    def observable_oracle(self, frame: Any) -> FloatArray:
        """Best possible expected net per action from what the lender sees (rows x actions).

        Averages the true outcomes over the posterior of the hidden type given the row's
        observable columns: no policy that sees only the logged columns can do better in
        expectation.
        """
        ids = self._rows(frame)
        lg = self.logged
        k = np.searchsorted(_BUCKETS, lg["bucket"].to_numpy(dtype=str)[ids])
        k = np.asarray(k, dtype=np.int64)
        bal = lg["balance"].to_numpy(dtype=np.float64)[ids]
        unstable = np.isin(lg["employment_type"].to_numpy(dtype=str)[ids], _UNSTABLE_EMPLOYMENT)
        contact = lg["contactable"].to_numpy(dtype=bool)[ids]
        post = type_posterior(
            k,
            bal,
            unstable,
            lg["behaviour_score"].to_numpy(dtype=np.float64)[ids],
            contact,
            lg["partial_payer"].to_numpy(dtype=bool)[ids],
        )
        out = np.zeros((ids.size, len(ACTIONS)))
        for t in range(len(TYPES)):
            rec = expected_outcomes(np.full(ids.size, t), k, contact, bal)["recovered"]
            out += post[:, [t]] * rec
        return out - self.costs.matrix(bal)

    def true_net(self, frame: Any, actions: npt.ArrayLike) -> float:
        """Total true expected net recovery of assigning ``actions`` to the rows of ``frame``.

        Examples
        --------
        >>> from overdue_risk.datasets import make_microloan_portfolio, simulate_collections
        >>> sim = simulate_collections(make_microloan_portfolio(2_000, 12, random_state=0),
        ...                            random_state=0)
        >>> queue = sim.logged.head(5)
        >>> sim.true_net(queue, ["none"] * 5) > 0
        True
        """
        idx = _action_index(actions)
        vals = self.true_outcomes(frame, "net")
        if idx.size != vals.shape[0]:
            raise DataError(f"got {idx.size} actions for {vals.shape[0]} rows; give one per row.")
        return float(vals[np.arange(idx.size), idx].sum())

    def simulate(
        self, frame: Any, actions: npt.ArrayLike, random_state: Any = None
    ) -> pd.DataFrame:
        """Draw outcomes (cured, rolled, recovered, cost, net) of ``actions`` on the rows."""
        import pandas as pd

        ids = self._rows(frame)
        idx = _action_index(actions)
        lg = self.logged
        t = _type_codes(self.truth["hidden_type"].to_numpy(dtype=str)[ids])
        k = np.asarray(np.searchsorted(_BUCKETS, lg["bucket"].to_numpy(dtype=str)[ids]))
        bal = lg["balance"].to_numpy(dtype=np.float64)[ids]
        out = _draw_outcomes(
            np.random.default_rng(random_state),
            t,
            k.astype(np.int64),
            lg["contactable"].to_numpy(dtype=bool)[ids],
            bal,
            idx,
        )
        cost = self.costs.matrix(bal)[np.arange(ids.size), idx]
        return pd.DataFrame(
            {
                "row_id": ids,
                "action": np.asarray(ACTIONS, dtype=object)[idx],
                "cured": out["cured"],
                "rolled": out["rolled"],
                "recovered": out["recovered"],
                "cost": cost,
                "net": out["recovered"] - cost,
            }
        )

    def queue(self, month: Any = None) -> pd.DataFrame:
        """The observable columns of one month's delinquent accounts (default: the last)."""
        lg = self.logged
        m = lg["month"].max() if month is None else np.datetime64(month, "ns")
        cols = [c for c in lg.columns if c in _OBSERVABLE_COLUMNS]
        return lg.loc[lg["month"] == m, cols].reset_index(drop=True)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        lg = self.logged
        rows = []
        for a in ACTIONS:
            m = lg["action"].to_numpy(dtype=str) == a
            rows.append(
                [
                    a,
                    int(m.sum()),
                    float(lg["cured"].to_numpy()[m].mean()) if m.any() else float("nan"),
                    float(lg["net"].to_numpy()[m].mean()) if m.any() else float("nan"),
                ]
            )
        return (
            "Simulated collections log",
            ["action", "rows", "cure rate", "mean net"],
            rows,
            f"{len(lg)} delinquent loan-months; logging policy: ladder with "
            f"epsilon={self.epsilon:g} randomisation",
        )


_OBSERVABLE_COLUMNS = (
    "row_id",
    "loan_id",
    "month",
    "bucket",
    "dpd",
    "balance",
    "employment_type",
    "behaviour_score",
    "contactable",
    "partial_payer",
    "contacts_7d",
    "reachable_from",
    "reachable_to",
)


def _type_codes(names: npt.NDArray[Any]) -> IntArray:
    lookup = {name: i for i, name in enumerate(TYPES)}
    return np.fromiter((lookup[str(x)] for x in names), dtype=np.int64, count=len(names))


def _action_index(actions: npt.ArrayLike) -> IntArray:
    a = np.asarray(actions, dtype=object).astype(str)
    lookup = {name: i for i, name in enumerate(ACTIONS)}
    bad = sorted(set(a.tolist()) - set(lookup))
    if bad:
        raise DataError(f"unknown actions {bad}; use names from {list(ACTIONS)}.")
    return np.fromiter((lookup[x] for x in a), dtype=np.int64, count=a.size)


def simulate_collections(
    book: Portfolio,
    *,
    random_state: Any = None,
    epsilon: float = 0.6,
    rules: ConductRules | None = None,
    costs: CollectionCosts | None = None,
) -> CollectionsSimulation:
    """Simulate a collections log (treatment, propensity, cost, outcome) over a book's arrears.

    Parameters
    ----------
    book : Portfolio
        From :func:`make_microloan_portfolio`; its active ``M1 ... M6+`` loan-months are
        the accounts worked.
    random_state : int, numpy.random.SeedSequence or None, default=None
        Seed of this module's own random stream (independent of the book's).
    epsilon : float, default=0.6
        Probability that the logging policy draws the action uniformly from the permitted
        ones instead of following the 0.1.0 ladder (so every permitted action has a
        propensity of at least ``epsilon / 7``).
    rules : ConductRules, default=None
        ``ConductRules()`` when None: legal action from 90 DPD, field visits from 31 DPD,
        no contact of borrowers reachable only outside permitted hours or already at the
        weekly contact limit.
    costs : CollectionCosts, default=None
        :meth:`CollectionCosts.default` when None.

    Returns
    -------
    CollectionsSimulation

    Notes
    -----
    The outcome is recorded for the month after the action: ``cured`` (current again),
    ``rolled`` (a bucket worse), and ``recovered``, the cash the account yields over the
    following 12 months discounted at 15% a year (a cured account counts at 90% of its
    exposure, an accepted plan at its instalments until it ends or re-defaults, legal action
    at its recovery after 8 months). The design follows the one-period contextual-bandit
    view of collections of Abe et al. (2010): one decision per account and month, with the
    value of later months folded into the recovered amount.

    References
    ----------
    .. [1] Abe, N. et al. (2010). Optimizing debt collections using constrained
       reinforcement learning. KDD '10, 75-84.

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio, simulate_collections
    >>> book = make_microloan_portfolio(n_loans=2_000, n_months=12, random_state=0)
    >>> sim = simulate_collections(book, random_state=1)
    >>> sorted(sim.capacity)
    ['call', 'field_visit', 'legal', 'repayment_plan']
    >>> "hidden_type" in sim.logged.columns, "hidden_type" in sim.truth.columns
    (False, True)
    """
    import pandas as pd

    from overdue_risk.collection._ladder import TreatmentPolicy, prioritise
    from overdue_risk.transitions import TransitionMatrix, cohort_matrix

    eps = float(epsilon)
    if not 0.0 < eps <= 1.0:
        raise DataError(f"epsilon must lie in (0, 1]; got {epsilon!r}.")
    rules = ConductRules() if rules is None else rules
    rules.validate()
    costs = CollectionCosts.default() if costs is None else costs
    rng = np.random.default_rng(random_state)

    perf = book.performance
    mask = perf["bucket"].isin(_BUCKETS).to_numpy() & (perf["status"] == "active").to_numpy()
    rows = perf.loc[mask, ["loan_id", "month", "bucket", "dpd", "balance"]].reset_index(drop=True)
    if rows.empty:
        raise DataError("the book has no active delinquent loan-months (M1 ... M6+) to work.")
    n = len(rows)
    emp = (
        book.applications.set_index("loan_id")["employment_type"]
        .reindex(rows["loan_id"])
        .to_numpy(dtype=str)
    )
    k = np.searchsorted(_BUCKETS, rows["bucket"].to_numpy(dtype=str)).astype(np.int64)
    bal = rows["balance"].to_numpy(dtype=np.float64)
    unstable = np.isin(emp, _UNSTABLE_EMPLOYMENT)

    prior = _type_prior(k, bal, unstable)
    t = (rng.random(n)[:, None] > np.cumsum(prior, axis=1)).sum(axis=1)
    t = np.minimum(t, len(TYPES) - 1).astype(np.int64)
    score = np.round(_SCORE_MEAN[t] + _SCORE_BUCKET * k + _SCORE_SD * rng.standard_normal(n))
    contactable = rng.random(n) < _P_CONTACTABLE[t]
    partial = rng.random(n) < _P_PARTIAL[t]
    contacts_7d = np.minimum(rng.poisson(2.5, n), 9)
    night = rng.random(n) < 0.05  # reachable only at night (shift workers)
    reach_from = np.where(night, 22, 8 + rng.integers(0, 4, n))
    reach_to = np.where(night, 24, 18 + rng.integers(0, 4, n))
    frame = pd.DataFrame(
        {
            "row_id": np.arange(n, dtype=np.int64),
            "loan_id": rows["loan_id"].to_numpy(),
            "month": rows["month"].to_numpy(),
            "bucket": pd.array(rows["bucket"].to_numpy(dtype=str), dtype="str"),
            "dpd": rows["dpd"].to_numpy(),
            "balance": bal,
            "employment_type": pd.array(emp, dtype="str"),
            "behaviour_score": score,
            "contactable": contactable,
            "partial_payer": partial,
            "contacts_7d": contacts_7d.astype(np.int64),
            "reachable_from": reach_from.astype(np.int64),
            "reachable_to": reach_to.astype(np.int64),
        }
    )

    # logging policy: the 0.1.0 ladder (segment from the book's own roll rates) + epsilon
    ok, _ = eligible_actions(frame, rules)
    tm = cohort_matrix(perf)
    if not isinstance(tm, TransitionMatrix):  # pragma: no cover - one matrix without by=
        raise DataError("expected one pooled transition matrix from cohort_matrix(perf).")
    plan = prioritise(frame, tm, id_col="row_id", policy=TreatmentPolicy.default())
    ladder = np.full(n, "letter", dtype=object)
    ladder[np.asarray(plan.account_id, dtype=np.int64)] = [
        _LADDER_TO_ACTION[str(x)] for x in plan.treatment
    ]
    li = _action_index(ladder)
    li = np.where(ok[np.arange(n), li], li, _LETTER)
    n_ok = ok.sum(axis=1)
    prop = eps * ok / n_ok[:, None]
    prop[np.arange(n), li] += 1 - eps
    action = (rng.random(n)[:, None] > np.cumsum(prop, axis=1)).sum(axis=1)
    action = np.minimum(action, len(ACTIONS) - 1).astype(np.int64)

    drawn = _draw_outcomes(rng, t, k, contactable, bal, action)
    cost = costs.matrix(bal)[np.arange(n), action]
    frame["action"] = pd.array(np.asarray(ACTIONS, dtype=object)[action], dtype="str")
    frame["propensity"] = prop[np.arange(n), action]
    for j, a in enumerate(ACTIONS):
        frame[f"propensity_{a}"] = prop[:, j]
    frame["cost"] = cost
    frame["cured"] = drawn["cured"].astype(bool)
    frame["rolled"] = drawn["rolled"].astype(bool)
    frame["recovered"] = drawn["recovered"]
    frame["net"] = drawn["recovered"] - cost

    exp = expected_outcomes(t, k, contactable, bal)
    truth: dict[str, Any] = {
        "row_id": np.arange(n, dtype=np.int64),
        "hidden_type": np.asarray(TYPES, dtype=object)[t],
    }
    for name in ("cured", "rolled", "recovered"):
        for j, a in enumerate(ACTIONS):
            truth[f"{name}_{a}"] = exp[name][:, j]
    per_month = n / max(rows["month"].nunique(), 1)
    capacity = MappingProxyType(
        {
            "call": round(0.30 * per_month),
            "field_visit": round(0.05 * per_month),
            "repayment_plan": round(0.08 * per_month),
            "legal": round(0.03 * per_month),
        }
    )
    return CollectionsSimulation(
        logged=frame,
        truth=pd.DataFrame(truth),
        costs=costs,
        capacity=capacity,
        rules=rules,
        epsilon=eps,
    )
