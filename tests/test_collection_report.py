"""The report's collections section: action mix, expected vs realised, effects, queue."""

from __future__ import annotations

import pytest

from overdue_risk.collection import estimate_effects, optimise_actions
from overdue_risk.datasets import make_microloan_portfolio, simulate_collections
from overdue_risk.reporting import build_report


@pytest.mark.slow
def test_collections_section_shows_mix_effects_and_queue() -> None:
    sim = simulate_collections(make_microloan_portfolio(3_000, 12, random_state=2), random_state=2)
    lg = sim.logged
    queue = lg[lg["month"] == lg["month"].max()].reset_index(drop=True)
    effects = estimate_effects(lg, outcome="recovered", segments=("bucket",))
    plan = optimise_actions(
        queue, effects.predict_recovery(queue), sim.costs, sim.capacity, sim.rules
    )
    realised = sim.simulate(queue, plan.action, random_state=0)
    report = build_report(
        collection_plan=plan, collection_effects=effects, collection_realised=realised
    )
    title = "Collections: optimised actions, effects and the queue"
    assert title in report.included
    html = report.html
    assert "realised net" in html
    assert f"{realised['net'].sum():,.0f}" in html
    assert "Effects on recovered against none" in html
    assert "The queue: first" in html
    assert plan.reason[int(plan.expected_net.argmax())].split(" ")[0] in html
    # without a plan the section is listed as missing its input
    assert title not in build_report().included
