"""One action per account: maximise expected net recovery under capacity and conduct rules.

The problem is an assignment with a few knapsack rows::

    maximise    sum_i sum_a v[i, a] x[i, a]                v = expected recovery - cost
    subject to  sum_a x[i, a] = 1                 for every account i
                sum_i x[i, a] <= capacity[a]      for every limited channel a
                sum_i sum_a cost[i, a] x[i, a] <= budget        (optional)
                x[i, a] = 0 where the conduct rules forbid a for i
                x[i, a] in {0, 1}

It is solved as a linear program by HiGHS (``scipy.optimize.linprog``). Why that is exact
or nearly so: a basic optimal solution of the relaxation has at most ``n + m`` positive
variables (``m`` = capacity and budget rows), and every account needs one, so at most ``m``
accounts are split between actions. Those few are rounded to the best action that still
fits, and the plan reports the optimality gap: the LP bound minus the value of the plan
(0 when the LP optimum is integral, the usual case). With ``method="milp"`` (or when
the rounded gap exceeds ``mip_rel_gap``) HiGHS's branch and cut (``scipy.optimize.milp``)
closes it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, as_mapping_of_columns, format_values
from overdue_risk.collection._conduct import ACTIONS, ConductRules
from overdue_risk.collection._inputs import table_columns
from overdue_risk.exceptions import ConstraintError, DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["CONTACTS_PER_ACTION", "ActionPlan", "eligible_actions", "optimise_actions"]

BoolArray = npt.NDArray[np.bool_]

#: Contact attempts a week that each action makes (checked against the weekly limit).
CONTACTS_PER_ACTION: Mapping[str, int] = {
    "none": 0,
    "sms": 1,
    "call": 2,
    "letter": 0,
    "field_visit": 1,
    "repayment_plan": 1,
    "legal": 0,
}


def eligible_actions(
    accounts: Any,
    rules: ConductRules | None = None,
    *,
    actions: tuple[str, ...] = ACTIONS,
    net_value: FloatArray | None = None,
) -> tuple[BoolArray, npt.NDArray[np.object_]]:
    """Which actions the conduct rules permit for every account, and why the others not.

    Parameters
    ----------
    accounts : DataFrame or dict of arrays
        ``dpd`` (required); optional ``contacts_7d`` (contacts already made in the last
        7 days) and ``reachable_from`` / ``reachable_to`` (local hours at which the borrower
        can be reached). Without them, those two checks are skipped.
    rules : ConductRules, default=None
    actions : tuple of str, default=ACTIONS
    net_value : ndarray, default=None
        Expected net value of every action (rows x actions); legal action needs at least
        ``rules.legal_min_npv``.

    Returns
    -------
    allowed : ndarray of bool, shape (n_accounts, n_actions)
    reason : ndarray of object, same shape
        ``""`` where allowed, else the rule that forbids it.

    Examples
    --------
    >>> ok, why = eligible_actions({"dpd": [10, 95]}, actions=("none", "call", "legal"))
    >>> ok.tolist()
    [[True, True, False], [True, True, True]]
    >>> why[0, 2]
    'min_dpd: dpd 10 < 90'
    """
    rules = ConductRules() if rules is None else rules
    rules.validate()
    cols = table_columns(accounts, "accounts", ["dpd"])
    dpd = np.asarray(cols["dpd"], dtype=np.float64)
    n, k = dpd.size, len(actions)
    reason = np.full((n, k), "", dtype=object)

    def block(mask: BoolArray, j: int, text: Any) -> None:
        hit = mask & (reason[:, j] == "")
        if hit.any():
            reason[hit, j] = [text(i) for i in np.flatnonzero(hit)] if callable(text) else text

    for j, a in enumerate(actions):
        floor = rules.min_dpd_for(a)
        if floor > 0:
            block(dpd < floor, j, lambda i, f=floor: f"min_dpd: dpd {dpd[i]:g} < {f}")
    contact_cols = [j for j, a in enumerate(actions) if a in rules.contact_channels]
    if "reachable_from" in cols and "reachable_to" in cols:
        start, end = rules.permitted_hours
        lo = np.asarray(cols["reachable_from"], dtype=np.float64)
        hi = np.asarray(cols["reachable_to"], dtype=np.float64)
        outside = ~(np.maximum(lo, start) < np.minimum(hi, end))
        for j in contact_cols:
            block(outside, j, f"permitted_hours: reachable only outside {start:02d}-{end:02d}h")
    limit = rules.max_contacts_per_week
    if "contacts_7d" in cols and limit is not None:
        recent = np.asarray(cols["contacts_7d"], dtype=np.float64)
        for j in contact_cols:
            extra = CONTACTS_PER_ACTION.get(actions[j], 1)
            block(
                recent + extra > limit,
                j,
                f"max_contacts_per_week: {extra} more would exceed {limit}",
            )
    if net_value is not None and "legal" in actions:
        j = actions.index("legal")
        low = ~(net_value[:, j] >= rules.legal_min_npv)
        block(low, j, f"legal_min_npv: expected NPV below {rules.legal_min_npv:g}")
    return reason == "", reason


@dataclass(frozen=True, eq=False)
class ActionPlan(Result):
    """One action per account, with the value, the reason and the solver's certificate.

    Attributes
    ----------
    account_id : ndarray
    action : ndarray of object
    expected_net : ndarray of float
        Expected recovery minus cost of the chosen action.
    gain_vs_next : ndarray of float
        How much more the chosen action is worth than the best other permitted action.
    reason : ndarray of object
        Why this action (best value, or capacity forced a cheaper one, or a rule forbade
        the better one).
    actions : tuple of str
    capacity_used : dict of str to int
    capacity : dict of str to int
    shadow_price : dict of str to float
        Value of one more unit of each limited channel (LP dual).
    objective : float
        Total expected net recovery of the plan.
    bound : float
        LP upper bound on any plan's objective.
    gap : float
        ``bound - objective`` (>= 0): the plan is within ``gap`` of the optimum.
    solver : str
    seconds : float
    """

    account_id: npt.NDArray[Any]
    action: npt.NDArray[np.object_]
    expected_net: FloatArray
    gain_vs_next: FloatArray
    reason: npt.NDArray[np.object_]
    actions: tuple[str, ...]
    capacity_used: dict[str, int]
    capacity: dict[str, int]
    shadow_price: dict[str, float]
    objective: float
    bound: float
    gap: float
    solver: str
    seconds: float

    @property
    def relative_gap(self) -> float:
        """``gap / |bound|`` (0 for an exact optimum)."""
        return self.gap / max(abs(self.bound), 1e-12)

    def to_frame(self) -> pd.DataFrame:
        """The queue: one row per account, highest expected net first."""
        import pandas as pd

        df = pd.DataFrame(
            {
                "account_id": self.account_id,
                "action": self.action,
                "expected_net": self.expected_net,
                "gain_vs_next": self.gain_vs_next,
                "reason": self.reason,
            }
        )
        return df.sort_values("expected_net", ascending=False, kind="stable").reset_index(drop=True)

    def action_mix(self) -> dict[str, int]:
        """Accounts per action."""
        return {a: int((self.action == a).sum()) for a in self.actions}

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = []
        for a in self.actions:
            m = self.action == a
            cap = self.capacity.get(a)
            rows.append(
                [
                    a,
                    int(m.sum()),
                    "" if cap is None else cap,
                    float(self.expected_net[m].sum()),
                    self.shadow_price.get(a, 0.0),
                ]
            )
        return (
            "Collection action plan",
            ["action", "accounts", "capacity", "expected net", "shadow price"],
            rows,
            f"objective {self.objective:,.2f}; LP bound {self.bound:,.2f}; gap "
            f"{self.gap:.4g} ({self.relative_gap:.2e}); {self.solver}, {self.seconds:.2f} s",
        )


def _value_matrix(
    effects: Any, accounts: Any, actions: tuple[str, ...], n: int
) -> tuple[FloatArray, tuple[str, ...]]:
    if hasattr(effects, "predict_recovery"):
        effects = effects.predict_recovery(accounts)
    cols = as_mapping_of_columns(effects)
    if cols is not None:
        missing = [a for a in actions if a not in cols]
        if missing:
            raise DataError(
                f"effects lacks columns for actions {format_values(missing)}; give one column of "
                "expected recovery per action."
            )
        mat = np.column_stack([np.asarray(cols[a], dtype=np.float64) for a in actions])
    else:
        mat = np.asarray(effects, dtype=np.float64)
        if mat.ndim != 2 or mat.shape[1] != len(actions):
            raise DataError(
                f"effects must have one column per action ({len(actions)}: "
                f"{format_values(actions)}); got shape {mat.shape}."
            )
    if mat.shape[0] != n:
        raise DataError(f"effects has {mat.shape[0]} rows for {n} accounts; align them.")
    if not np.isfinite(mat).all():
        i = int(np.flatnonzero(~np.isfinite(mat).all(axis=1))[0])
        raise DataError(f"effects holds non-finite values (first in row {i}); fill them first.")
    return mat, actions


def _cost_matrix(costs: Any, accounts: Any, actions: tuple[str, ...], n: int) -> FloatArray:
    if costs is None:
        return np.zeros((n, len(actions)))
    if hasattr(costs, "matrix"):
        cols = table_columns(accounts, "accounts", ["balance"])  # balance-based costs
        return np.asarray(costs.matrix(np.asarray(cols["balance"]), actions), dtype=np.float64)
    if isinstance(costs, Mapping):
        out = np.zeros((n, len(actions)))
        for j, a in enumerate(actions):
            out[:, j] = np.broadcast_to(np.asarray(costs.get(a, 0.0), dtype=np.float64), n)
        return out
    mat = np.asarray(costs, dtype=np.float64)
    if mat.shape != (n, len(actions)):
        raise DataError(f"costs must be a mapping or an array of shape {(n, len(actions))}.")
    return mat


def optimise_actions(
    accounts: Any,
    effects: Any,
    costs: Any = None,
    capacity: Mapping[str, int] | None = None,
    constraints: ConductRules | None = None,
    *,
    actions: tuple[str, ...] = ACTIONS,
    id_col: str = "row_id",
    budget: float | None = None,
    must_contact: npt.ArrayLike | None = None,
    method: str = "auto",
    mip_rel_gap: float = 1e-6,
) -> ActionPlan:
    """Choose one action per account to maximise expected net recovery.

    Parameters
    ----------
    accounts : DataFrame or dict of arrays
        One row per account: ``dpd`` and, for the conduct checks, ``contacts_7d``,
        ``reachable_from`` and ``reachable_to``; ``balance`` when ``costs`` depend on it;
        ``id_col`` if present.
    effects : array (n_accounts, n_actions), DataFrame (a column per action) or EffectEstimates
        Expected (discounted) recovery of each action for each account, e.g.
        :meth:`EffectEstimates.predict_recovery`.
    costs : CollectionCosts, mapping of action to cost, or array, default=None
    capacity : mapping of str to int, default=None
        Maximum accounts per action (e.g. ``{"call": 300, "legal": 20}``); actions not
        named are unlimited.
    constraints : ConductRules, default=None
        ``ConductRules()`` when None: DPD floors, permitted hours, weekly contacts, and
        legal only when its expected net value is at least ``legal_min_npv``.
    actions : tuple of str, default=ACTIONS
    id_col : str, default="row_id"
    budget : float, default=None
        Upper limit on the total cost of the plan.
    must_contact : array of bool, default=None
        Accounts that must get some contact action (not ``none``, ``letter`` or ``legal``).
    method : {"auto", "lp", "milp"}, default="auto"
        ``"lp"``: relaxation + rounding with the gap reported; ``"milp"``: branch and cut;
        ``"auto"``: LP, then MILP only when the rounded gap exceeds ``mip_rel_gap``.
    mip_rel_gap : float, default=1e-6

    Returns
    -------
    ActionPlan

    Raises
    ------
    ConstraintError
        When no plan satisfies the constraints; the message names the constraint (an
        account that must be contacted but every contact action is forbidden by a
        conduct rule, a channel whose capacity is smaller than the accounts that can only
        use it, a budget below the cheapest feasible plan).

    Examples
    --------
    >>> import numpy as np
    >>> acc = {"row_id": [1, 2, 3], "dpd": [15, 40, 120]}
    >>> value = np.array([[0, 50, 60], [0, 80, 90], [0, 40, 300]], dtype=float)
    >>> plan = optimise_actions(acc, value, {"call": 5.0, "legal": 100.0},
    ...                         capacity={"call": 1}, actions=("none", "call", "legal"))
    >>> plan.action.tolist(), plan.gap
    (['none', 'call', 'legal'], 0.0)
    """
    t0 = time.perf_counter()
    rules = ConductRules() if constraints is None else constraints
    cols = table_columns(accounts, "accounts", ["dpd"])
    n = len(np.asarray(cols["dpd"]))
    actions = tuple(actions)
    if "none" not in actions:
        raise DataError("actions must include 'none' (doing nothing is always permitted).")
    method = str(method)
    if method not in {"auto", "lp", "milp"}:
        raise DataError(f"method must be 'auto', 'lp' or 'milp'; got {method!r}.")
    recovery, _ = _value_matrix(effects, accounts, actions, n)
    cost = _cost_matrix(costs, accounts, actions, n)
    value = recovery - cost
    ids = np.asarray(cols[id_col]) if id_col in cols else np.arange(n)
    allowed, why = eligible_actions(accounts, rules, actions=actions, net_value=value)
    cap = {str(a): int(c) for a, c in (capacity or {}).items()}
    for a, c in cap.items():
        if a not in actions:
            raise DataError(f"capacity names {a!r}, which is not one of {format_values(actions)}.")
        if c < 0:
            raise ConstraintError(f"capacity[{a!r}] must be >= 0; got {c}.")
    if must_contact is not None:
        must = np.asarray(must_contact, dtype=bool).reshape(-1)
        if must.size != n:
            raise DataError(f"must_contact has {must.size} values for {n} accounts.")
        non_contact = np.array([a not in rules.contact_channels for a in actions])
        allowed = allowed & ~(must[:, None] & non_contact[None, :])
        for j in np.flatnonzero(non_contact):
            why[must & (why[:, j] == ""), j] = "must_contact"
        empty = ~allowed.any(axis=1)
        if empty.any():
            i = int(np.flatnonzero(empty)[0])
            rules_hit = sorted({str(w).split(":")[0] for w in why[i] if w and w != "must_contact"})
            raise ConstraintError(
                f"account {ids[i]!r} must be contacted (must_contact), but conduct rules "
                f"{format_values(rules_hit)} forbid every contact action ({int(empty.sum())} "
                "such accounts). Lift must_contact for them or relax those rules."
            )
    _check_feasible(allowed, cost, actions, cap, budget, ids)
    x, bound, duals, solver = _solve(
        value, cost, allowed, actions, cap, budget, method, mip_rel_gap
    )
    choice = x
    chosen_value = value[np.arange(n), choice]
    objective = float(chosen_value.sum())
    gap = max(bound - objective, 0.0)
    masked = np.where(allowed, value, -np.inf)
    other = masked.copy()
    other[np.arange(n), choice] = -np.inf
    best_other = other.max(axis=1)
    gain = np.where(np.isfinite(best_other), chosen_value - best_other, 0.0)
    reason = _reasons(masked, value, choice, allowed, why, actions, cap, gain)
    used = {a: int((choice == actions.index(a)).sum()) for a in cap}
    return ActionPlan(
        account_id=ids,
        action=np.asarray(actions, dtype=object)[choice],
        expected_net=chosen_value,
        gain_vs_next=gain,
        reason=reason,
        actions=actions,
        capacity_used=used,
        capacity=cap,
        shadow_price=duals,
        objective=objective,
        bound=float(bound),
        gap=float(gap),
        solver=solver,
        seconds=time.perf_counter() - t0,
    )


def _check_feasible(
    allowed: BoolArray,
    cost: FloatArray,
    actions: tuple[str, ...],
    cap: dict[str, int],
    budget: float | None,
    ids: npt.NDArray[Any],
) -> None:
    """Name the constraint that makes the problem infeasible (cheap necessary conditions)."""
    limited = np.array([a in cap for a in actions])
    only_limited = ~(allowed & ~limited[None, :]).any(axis=1)
    for a, c in cap.items():
        j = actions.index(a)
        forced = only_limited & allowed[:, j] & (allowed.sum(axis=1) == 1)
        if forced.sum() > c:
            raise ConstraintError(
                f"capacity[{a!r}] = {c} is below the {int(forced.sum())} accounts for which "
                f"{a!r} is the only permitted action (e.g. account {ids[forced][0]!r}). Raise "
                "that capacity or relax the rules that exclude the other actions."
            )
    if budget is not None:
        cheapest = float(np.where(allowed, cost, np.inf).min(axis=1).sum())
        if cheapest > budget:
            raise ConstraintError(
                f"budget = {budget:,.2f} is below the cheapest permitted plan "
                f"({cheapest:,.2f}); raise the budget or drop must_contact."
            )


@dataclass(frozen=True)
class _Rows:
    """The coupling rows: one capacity row per limited action, optionally a budget row."""

    cap_cols: npt.NDArray[np.int64]  # action column of each capacity row
    cost: FloatArray | None  # budget row's coefficients (rows x actions), or None
    rhs: FloatArray

    @property
    def m(self) -> int:
        return int(self.rhs.size)

    def action_price(self, price: FloatArray, k: int) -> FloatArray:
        out = np.zeros(k)
        np.add.at(out, self.cap_cols, price[: self.cap_cols.size])
        return out

    def use(self, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]) -> FloatArray:
        """Resource use of the (account, action) pairs on every row (pairs x rows)."""
        out = (cols[:, None] == self.cap_cols[None, :]).astype(np.float64)
        if self.cost is not None:
            out = np.column_stack([out, self.cost[rows, cols]])
        return np.asarray(out, dtype=np.float64)


def _dual_value(
    val: FloatArray, price: FloatArray, rows_: _Rows
) -> tuple[float, FloatArray, npt.NDArray[np.int64]]:
    """Lagrangian dual ``g(p) = sum_i max_a (v[i,a] - p . use[i,a]) + p . rhs``, a subgradient."""
    n, k = val.shape
    reduced = val - rows_.action_price(price, k)[None, :]
    if rows_.cost is not None:
        reduced = reduced - price[-1] * rows_.cost
    best = reduced.argmax(axis=1)
    idx = np.arange(n)
    g = float(reduced[idx, best].sum() + price @ rows_.rhs)
    counts = np.bincount(best, minlength=k).astype(np.float64)
    used = counts[rows_.cap_cols]
    if rows_.cost is not None:
        used = np.r_[used, rows_.cost[idx, best].sum()]
    return g, rows_.rhs - used, best


def _kelley(
    val: FloatArray, rows_: _Rows, upper: FloatArray, rel_tol: float
) -> tuple[FloatArray, float]:
    """Minimise the convex piecewise-linear dual by Kelley's cutting planes (few rows)."""
    from scipy.optimize import linprog

    m = rows_.m
    price = np.zeros(m)
    best_g, best_p = np.inf, price
    cuts_a: list[FloatArray] = []
    cuts_b: list[float] = []
    for _ in range(500):
        g, sub, _ = _dual_value(val, price, rows_)
        if g < best_g:
            best_g, best_p = g, price.copy()
        # cut: t >= g + sub . (p - price)  <=>  sub . p - t <= sub . price - g
        cuts_a.append(np.r_[sub, -1.0])
        cuts_b.append(float(sub @ price - g))
        res = linprog(
            np.r_[np.zeros(m), 1.0],
            A_ub=np.asarray(cuts_a),
            b_ub=np.asarray(cuts_b),
            bounds=[*((0.0, float(u)) for u in upper), (None, None)],
            method="highs",
        )
        lower = float(res.fun) if res.fun is not None else -np.inf
        if res.x is None:
            break
        if best_g - lower <= rel_tol * max(abs(best_g), 1.0):
            break
        price = np.asarray(res.x[:m])
    return best_p, best_g


def _solve(
    value: FloatArray,
    cost: FloatArray,
    allowed: BoolArray,
    actions: tuple[str, ...],
    cap: dict[str, int],
    budget: float | None,
    method: str,
    mip_rel_gap: float,
) -> tuple[npt.NDArray[np.int64], float, dict[str, float], str]:
    n, k = value.shape
    idx = np.arange(n)
    masked = np.where(allowed, value, -np.inf)
    greedy = masked.argmax(axis=1)
    names = [*cap, *(["budget"] if budget is not None else [])]
    counts = {a: int((greedy == actions.index(a)).sum()) for a in cap}
    spend = float(cost[idx, greedy].sum())
    if all(counts[a] <= c for a, c in cap.items()) and (budget is None or spend <= budget):
        # no coupling row binds: every account takes its best permitted action (exact)
        bound = float(masked[idx, greedy].sum())
        return greedy.astype(np.int64), bound, dict.fromkeys(names, 0.0), "unconstrained argmax"

    rows_ = _Rows(
        cap_cols=np.array([actions.index(a) for a in cap], dtype=np.int64),
        cost=cost if budget is not None else None,
        rhs=np.array(
            [*(float(c) for c in cap.values()), *([budget] if budget is not None else [])]
        ),
    )
    # forbidden actions get a very low value (and no resource use in the exact step)
    span = float(np.ptp(value[allowed])) if allowed.any() else 1.0
    floor = float(value[allowed].min()) - 10.0 * (span + 1.0)
    val = np.where(allowed, value, floor)
    upper = np.full(rows_.m, span + 1.0)
    if budget is not None:
        pos_cost = cost[allowed & (cost > 0)]
        upper[-1] = (span + 1.0) / (float(pos_cost.min()) if pos_cost.size else 1.0)
    if method == "milp":
        return _solve_subset(val, allowed, rows_, idx, greedy, names, mip_rel_gap)

    price, bound = _kelley(val, rows_, upper, rel_tol=1e-9)
    reduced = val - rows_.action_price(price, k)[None, :]
    if rows_.cost is not None:
        reduced = reduced - price[-1] * rows_.cost
    part = np.partition(reduced, k - 2, axis=1)
    margin = part[:, -1] - part[:, -2]
    base = reduced.argmax(axis=1)
    size = max(64, 8 * rows_.m)
    while True:
        amb = np.argsort(margin, kind="stable")[: min(size, n)]
        choice, sub_bound, _, _ = _solve_subset(val, allowed, rows_, amb, base, names, mip_rel_gap)
        obj = float(val[idx, choice].sum())
        if amb.size == n:  # the MILP saw every account: its own bound is the tighter one
            bound = min(bound, sub_bound)
        feasible = np.all(rows_.use(idx, choice).sum(axis=0) <= rows_.rhs + 1e-6)
        if feasible and bound - obj <= mip_rel_gap * max(abs(bound), 1.0):
            break
        if size >= n:
            break
        size *= 4
    duals = {nm: float(p) for nm, p in zip(names, price, strict=True)}
    solver = (
        f"Lagrangian dual (Kelley cutting planes) + HiGHS MILP on the {min(size, n)} "
        "least-decided accounts (scipy.optimize.milp)"
    )
    return choice, bound, duals, solver


def _solve_subset(
    val: FloatArray,
    allowed: BoolArray,
    rows_: _Rows,
    subset: npt.NDArray[np.int64],
    base: npt.NDArray[np.int64],
    names: list[str],
    mip_rel_gap: float,
) -> tuple[npt.NDArray[np.int64], float, dict[str, float], str]:
    """Fix every account outside ``subset`` at ``base``; solve the rest exactly (HiGHS MILP)."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    n, k = val.shape
    keep = np.ones(n, dtype=bool)
    keep[subset] = False
    fixed = np.flatnonzero(keep)
    left = rows_.rhs - rows_.use(fixed, base[fixed]).sum(axis=0)
    s = subset.size
    ri = np.repeat(np.arange(s), k)
    cj = np.tile(np.arange(k), s)
    c = -val[subset[ri], cj]
    a_eq = sparse.csr_matrix((np.ones(s * k), (ri, np.arange(s * k))), shape=(s, s * k))
    a_ub = sparse.csr_matrix(rows_.use(subset[ri], cj).T)
    res = milp(
        c,
        constraints=[
            LinearConstraint(a_eq, np.ones(s), np.ones(s)),
            LinearConstraint(a_ub, -np.inf, left),
        ],
        integrality=np.ones(s * k, dtype=np.int64),
        bounds=Bounds(0, allowed[subset[ri], cj].astype(np.float64)),
        options={"mip_rel_gap": mip_rel_gap},
    )
    if res.x is None:
        raise ConstraintError(
            f"no plan satisfies the rows {format_values(names)} with one action per account; "
            "relax them."
        )
    x = np.asarray(res.x, dtype=np.float64).reshape(s, k)
    choice = base.copy()
    choice[subset] = x.argmax(axis=1)
    dual = getattr(res, "mip_dual_bound", None)
    sub = -float(dual) if dual is not None and np.isfinite(dual) else -float(res.fun)
    bound = sub + float(val[fixed, base[fixed]].sum())
    return choice, bound, dict.fromkeys(names, float("nan")), "HiGHS MILP (scipy.optimize.milp)"


def _reasons(
    masked: FloatArray,
    value: FloatArray,
    choice: npt.NDArray[np.int64],
    allowed: BoolArray,
    why: npt.NDArray[np.object_],
    actions: tuple[str, ...],
    cap: dict[str, int],
    gain: FloatArray,
) -> npt.NDArray[np.object_]:
    n = choice.size
    best_free = masked.argmax(axis=1)
    best_any = value.argmax(axis=1)
    out = np.empty(n, dtype=object)
    names = np.asarray(actions, dtype=object)
    for i in range(n):
        c, f, b = choice[i], best_free[i], best_any[i]
        if c != f:
            text = f"{names[f]} would add {value[i, f] - value[i, c]:.0f} but its capacity is used"
        else:
            text = f"best permitted action (+{gain[i]:.0f} over the next)"
        if b != f and not allowed[i, b]:
            text += f"; {names[b]} barred by {str(why[i, b]).split(':')[0]}"
        out[i] = text
    return out
