"""The demo's collections step: log, effects, the optimised plan and what it realised."""

from __future__ import annotations

import numpy as np

from overdue_risk._demo._context import DemoContext
from overdue_risk.collection import (
    estimate_effects,
    evaluate_policy,
    ladder_actions,
    optimise_actions,
)
from overdue_risk.datasets import simulate_collections

__all__ = ["step_collections"]


def step_collections(ctx: DemoContext) -> list[str]:
    """Simulate a collections log on the book, estimate the effects of each action on the
    earlier months, plan the last month's queue under the channel capacities and conduct
    rules, and compare it with the 0.1.0 ladder by the simulator's truth."""
    pf = ctx.require_portfolio()
    sim = simulate_collections(pf, random_state=ctx.seed)
    lg = sim.logged
    last = lg["month"].max()
    train = lg.loc[lg["month"] < last]
    queue = lg.loc[lg["month"] == last].reset_index(drop=True)
    if train.empty or queue.empty:
        return ["skipped: too few delinquent months to learn from"]
    effects = estimate_effects(train, outcome="recovered", random_state=ctx.seed)
    plan = optimise_actions(
        queue, effects.predict_recovery(queue), sim.costs, sim.capacity, sim.rules
    )
    matrix = ctx.need("transition_matrix")  # the delinquency step's pooled cohort matrix
    ladder = ladder_actions(queue, matrix, sim.capacity, sim.rules)
    realised = sim.simulate(queue, plan.action, random_state=ctx.seed)
    ope = evaluate_policy(plan, queue, random_state=ctx.seed)
    none = sim.true_net(queue, np.full(len(queue), "none", dtype=object))
    true_plan, true_ladder = sim.true_net(queue, plan.action), sim.true_net(queue, ladder)
    ctx.artifacts.update(
        collections=sim,
        collection_plan=plan,
        collection_effects=effects,
        collection_realised=realised,
    )
    ctx.results["collections"] = {
        "accounts": len(queue),
        "action_mix": plan.action_mix(),
        "expected_net": plan.objective,
        "realised_net": float(realised["net"].sum()),
        "true_net_optimised": true_plan,
        "true_net_ladder": true_ladder,
        "true_uplift_optimised": true_plan - none,
        "true_uplift_ladder": true_ladder - none,
        "ope_per_account": [ope.value, ope.ci_low, ope.ci_high],
        "solver": plan.solver,
        "gap": plan.gap,
    }
    gain = (true_plan - none) / (true_ladder - none) - 1 if true_ladder != none else np.nan
    return [
        f"{len(queue):,} accounts planned; true net recovery {true_plan:,.0f} vs "
        f"{true_ladder:,.0f} for the 0.1.0 ladder (uplift over no action {gain:+.0%})"
    ]
