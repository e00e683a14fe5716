"""Report section of collections decisioning: action mix, expected vs realised, effects, queue.

The section appears when ``build_report(..., collection_plan=optimise_actions(...))`` is
given an :class:`~overdue_risk.collection.ActionPlan`; the effect estimates
(``collection_effects=``, an :class:`~overdue_risk.collection.EffectEstimates`) and the
realised outcomes of the plan (``collection_realised=``, a frame with ``action`` and
``net`` per account, e.g. next month's log) add their tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk._results import format_cell
from overdue_risk.reporting._html import esc, table_html
from overdue_risk.reporting._registry import register_section

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.collection import ActionPlan, EffectEstimates

__all__: list[str] = []

_QUEUE_ROWS = 20


@register_section("collection_plan", "Collections: optimised actions, effects and the queue")
def collection_plan_section(
    *,
    collection_plan: ActionPlan,
    collection_effects: EffectEstimates | None = None,
    collection_realised: Any = None,
) -> str:
    """Action mix with capacities and shadow prices, expected vs realised net recovery,
    effects by segment with their intervals, and the head of the queue with reasons."""
    plan = collection_plan
    parts = [
        f"<p>{plan.action.size:,} delinquent accounts, one action each, chosen to maximise "
        f"expected net recovery (recovered amount minus cost, discounted) under channel "
        f"capacities and the conduct rules. Expected net recovery "
        f"{plan.objective:,.0f}; optimality gap {format_cell(float(plan.gap))} "
        f"(relative {format_cell(float(plan.relative_gap))}); solver: {esc(plan.solver)}.</p>"
    ]
    realised: dict[str, float] = {}
    if collection_realised is not None:
        acts = np.asarray(collection_realised["action"], dtype=object).astype(str)
        net = np.asarray(collection_realised["net"], dtype=np.float64)
        realised = {a: float(net[acts == a].sum()) for a in plan.actions}
    rows = []
    for a in plan.actions:
        m = plan.action == a
        cap = plan.capacity.get(a)
        row: list[Any] = [
            a,
            int(m.sum()),
            "unlimited" if cap is None else f"{cap:,}",
            plan.shadow_price.get(a, 0.0),
            float(plan.expected_net[m].sum()),
        ]
        if realised:
            row.append(realised.get(a, 0.0))
        rows.append(row)
    columns = ["action", "accounts", "capacity", "shadow price", "expected net"]
    if realised:
        columns.append("realised net")
    parts.append("<h3>Action mix</h3>" + table_html(columns, rows, text_columns=(0, 2)))
    if realised:
        parts.append(
            f"<p>Realised net recovery {sum(realised.values()):,.0f} against "
            f"{plan.objective:,.0f} expected.</p>"
        )
    if collection_effects is not None:
        eff = collection_effects
        erows = eff._table_rows(("all", "bucket"))
        parts.append(
            f"<h3>Effects on {esc(eff.outcome)} against {esc(eff.baseline)} "
            f"({esc(eff.method.upper())}, {eff.confidence_level:.0%} intervals)</h3>"
            + table_html(
                ["variable", "segment", "action", "rows", "effect", "ci low", "ci high"],
                erows,
                text_columns=(0, 1, 2),
            )
            + "<p><small>Other segments (balance, behavioural score, contactability): "
            "EffectEstimates.to_frame().</small></p>"
        )
    queue = plan.to_frame().head(_QUEUE_ROWS)  # highest expected net first
    qrows = [
        [str(i), str(a), float(v), float(g), str(why)]
        for i, a, v, g, why in queue.itertuples(index=False)
    ]
    parts.append(
        f"<h3>The queue: first {len(qrows)} accounts by expected net recovery</h3>"
        + table_html(
            ["account", "action", "expected net", "gain vs next", "reason"],
            qrows,
            text_columns=(0, 1, 4),
        )
    )
    return "".join(parts)
