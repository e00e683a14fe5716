"""Off-policy evaluation: the value of a policy that was not run, from the logged data.

For a policy ``pi`` (one action per logged row, or probabilities over the actions) and
logged rows with propensities ``e`` and outcomes ``Y``:

* IPW: ``mean_i  pi(A_i | x_i) / e(A_i | x_i) * Y_i``;
* self-normalised IPW (SNIPW): the same divided by ``mean_i pi(A_i | x_i) / e(A_i | x_i)``;
* doubly robust (DR): ``mean_i [ sum_a pi(a | x_i) m_a(x_i)
  + pi(A_i | x_i) / e(A_i | x_i) * (Y_i - m_{A_i}(x_i)) ]`` with cross-fitted outcome
  models ``m`` (:func:`estimate_effects`).

Each comes with a normal-approximation confidence interval (the delta method for SNIPW).
The value is per logged row; multiply by the number of accounts for a total.

References
----------
.. [1] Dudik, M., Langford, J. and Li, L. (2011). Doubly robust policy evaluation and
   learning. ICML 2011, 1097-1104.
.. [2] Swaminathan, A. and Joachims, T. (2015). The self-normalized estimator for
   counterfactual learning. NeurIPS 2015.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, check_columns, format_values
from overdue_risk.collection._conduct import ACTIONS
from overdue_risk.collection._effects import EffectEstimates, _normal_quantile, estimate_effects
from overdue_risk.collection._inputs import logged_actions, table_columns
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PolicyValue", "evaluate_policy"]


@dataclass(frozen=True, eq=False)
class PolicyValue(Result):
    """Off-policy value of a policy per logged row, by three estimators.

    Attributes
    ----------
    method : str
        The headline estimator (``"dr"``, ``"ipw"`` or ``"snipw"``).
    value, std_error, ci_low, ci_high : float
        Headline estimate of the mean outcome per row under the policy, and its interval.
    estimates : dict of str to (float, float, float, float)
        ``(value, std_error, ci_low, ci_high)`` of every estimator.
    logged_value : float
        Mean outcome of the logging policy (what actually happened).
    effective_sample_size : float
        ``(sum w)^2 / sum w^2`` of the importance weights ``w = pi / e``.
    n : int
    outcome : str
    confidence_level : float
    """

    method: str
    value: float
    std_error: float
    ci_low: float
    ci_high: float
    estimates: dict[str, tuple[float, float, float, float]]
    logged_value: float
    effective_sample_size: float
    n: int
    outcome: str
    confidence_level: float

    def confidence_interval(self) -> tuple[float, float]:
        """The headline interval ``(ci_low, ci_high)``."""
        return (self.ci_low, self.ci_high)

    def to_frame(self) -> pd.DataFrame:
        """One row per estimator."""
        import pandas as pd

        return pd.DataFrame(
            [(m, *v) for m, v in self.estimates.items()],
            columns=["method", "value", "std_error", "ci_low", "ci_high"],
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [[m, *v] for m, v in self.estimates.items()]
        return (
            f"Off-policy value of {self.outcome} per account",
            ["method", "value", "std error", "ci low", "ci high"],
            rows,
            f"logged policy {self.logged_value:,.4g}; n={self.n}; effective sample size "
            f"{self.effective_sample_size:,.0f}; {int(self.confidence_level * 100)}% intervals",
        )


def _policy_matrix(policy: Any, logged: Any, actions: tuple[str, ...], n: int) -> FloatArray:
    if callable(policy):
        policy = policy(logged)
    if hasattr(policy, "action") and hasattr(policy, "account_id"):  # an ActionPlan
        policy = policy.action
    arr = np.asarray(policy)
    if arr.ndim == 2:
        mat = arr.astype(np.float64)
        if mat.shape != (n, len(actions)):
            raise DataError(f"policy probabilities must have shape {(n, len(actions))}.")
        if not (np.isfinite(mat).all() and (mat >= 0).all()) or not np.allclose(mat.sum(1), 1):
            raise DataError("policy probabilities must be >= 0 and sum to 1 in every row.")
        return mat
    names = arr.astype(object).astype(str)
    if names.size != n:
        raise DataError(f"policy gives {names.size} actions for {n} logged rows; give one per row.")
    bad = sorted(set(names.tolist()) - set(actions))
    if bad:
        raise DataError(f"policy actions {format_values(bad)} are not in {format_values(actions)}.")
    lookup = {a: j for j, a in enumerate(actions)}
    mat = np.zeros((n, len(actions)))
    mat[np.arange(n), [lookup[x] for x in names]] = 1.0
    return mat


def evaluate_policy(
    policy: Any,
    logged: Any,
    *,
    outcome: str = "net",
    method: str = "dr",
    effects: EffectEstimates | None = None,
    actions: tuple[str, ...] = ACTIONS,
    confidence_level: float = 0.95,
    random_state: int = 0,
) -> PolicyValue:
    """Estimate what a policy would have yielded on the logged accounts, with a CI.

    Parameters
    ----------
    policy : array of action names, (n_rows, n_actions) probabilities, ActionPlan or callable
        The policy's choice for every logged row (a callable gets ``logged``).
    logged : DataFrame
        ``action``, ``propensity_<action>`` for every action, and the ``outcome`` column
        (plus the feature columns of :func:`estimate_effects` for DR).
    outcome : str, default="net"
    method : {"dr", "ipw", "snipw"}, default="dr"
        The headline estimator; all three are in :attr:`PolicyValue.estimates`.
    effects : EffectEstimates, default=None
        Cross-fitted outcome models of the same ``logged`` rows and ``outcome``; fitted
        here (``estimate_effects(logged, outcome=outcome)``) when None.
    actions : tuple of str, default=ACTIONS
    confidence_level : float, default=0.95
    random_state : int, default=0

    Returns
    -------
    PolicyValue

    Notes
    -----
    Rows where the policy picks an action the logging policy could not take (propensity
    0) carry no evidence: IPW then under-counts, and DR relies on the outcome model there.
    A policy chosen with the same data's outcome model is evaluated more honestly on
    rows held out from its fitting.

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio, simulate_collections
    >>> sim = simulate_collections(make_microloan_portfolio(3_000, 12, random_state=0),
    ...                            random_state=0)
    >>> lg = sim.logged
    >>> pv = evaluate_policy(["sms"] * len(lg), lg)
    >>> truth = sim.true_net(lg, ["sms"] * len(lg)) / len(lg)
    >>> bool(pv.ci_low <= truth <= pv.ci_high)
    True
    """
    cols = table_columns(logged, "logged")
    if method not in {"dr", "ipw", "snipw"}:
        raise DataError(f"method must be 'dr', 'ipw' or 'snipw'; got {method!r}.")
    actions = tuple(actions)
    prop_cols = [f"propensity_{a}" for a in actions]
    check_columns(cols.keys(), ["action", outcome, *prop_cols], what="logged")
    taken, prop = logged_actions(cols, actions)
    n, k = prop.shape
    y = np.asarray(cols[outcome], dtype=np.float64)
    pi = _policy_matrix(policy, logged, actions, n)
    rows = np.arange(n)
    w = pi[rows, taken] / prop[rows, taken]
    z = _normal_quantile(confidence_level)

    def interval(values: FloatArray) -> tuple[float, float, float, float]:
        v = float(values.mean())
        se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        return (v, se, v - z * se, v + z * se)

    estimates: dict[str, tuple[float, float, float, float]] = {}
    estimates["ipw"] = interval(w * y)
    w_mean = float(w.mean())
    if w_mean > 0:
        sn = float((w * y).mean() / w_mean)
        infl = w * (y - sn) / w_mean  # delta-method influence function of the ratio
        se = float(infl.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        estimates["snipw"] = (sn, se, sn - z * se, sn + z * se)
    else:
        estimates["snipw"] = (float("nan"),) * 4
    if effects is None:
        effects = estimate_effects(
            logged, outcome=outcome, actions=actions, segments=(), random_state=random_state
        )
    if effects.predicted.shape != (n, k) or effects.outcome != outcome:
        raise DataError(
            "effects must be estimated on the same logged rows, actions and outcome "
            f"({outcome!r}) as the policy evaluation."
        )
    m = effects.predicted
    dr = (pi * m).sum(axis=1) + w * (y - m[rows, taken])
    estimates["dr"] = interval(dr)
    head = estimates[method]
    ess = float(w.sum() ** 2 / max((w**2).sum(), 1e-300))
    return PolicyValue(
        method=method,
        value=head[0],
        std_error=head[1],
        ci_low=head[2],
        ci_high=head[3],
        estimates=estimates,
        logged_value=float(y.mean()),
        effective_sample_size=ess,
        n=n,
        outcome=outcome,
        confidence_level=float(confidence_level),
    )
