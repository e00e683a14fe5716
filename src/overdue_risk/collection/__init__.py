"""Collections: decide what to do with every delinquent account, and check the decision.

- :func:`estimate_effects`: the effect of each action (SMS, call, letter, field visit,
  repayment plan, legal action) on cure, roll and recovery against doing less, per
  data-driven segment, by inverse-propensity or doubly robust estimation from a log of
  randomised treatments;
- :func:`optimise_actions`: one action per account maximising expected net recovery under
  channel capacities, a budget and the conduct rules, with an optimality certificate;
- :func:`value_workout_options`: continue, restructure, settle or litigate by expected
  present value with its uncertainty;
- :func:`evaluate_policy`: off-policy value of any policy (IPW, self-normalised IPW, DR);
- :class:`ConductRules` and :func:`conduct_breaches`: conduct rules as data and the check
  of a contact log;
- the 0.1.0 static ladder (:class:`TreatmentPolicy`, :func:`prioritise`,
  :func:`ladder_actions`), kept as the baseline.

:func:`overdue_risk.datasets.simulate_collections` logs collections on the built-in book
and keeps the truth to judge all of the above.

Examples
--------
>>> from overdue_risk.collection import optimise_actions
>>> plan = optimise_actions({"dpd": [10, 100]}, [[0.0, 30.0], [0.0, 80.0]],
...                         capacity={"call": 1}, actions=("none", "call"))
>>> plan.action.tolist()
['none', 'call']
"""

from __future__ import annotations

from overdue_risk.collection._conduct import (
    ACTIONS,
    CONTACT_ACTIONS,
    ConductBreaches,
    ConductRules,
    conduct_breaches,
)
from overdue_risk.collection._effects import OUTCOMES, EffectEstimates, estimate_effects
from overdue_risk.collection._evaluate import PolicyValue, evaluate_policy
from overdue_risk.collection._ladder import (
    LADDER_TO_ACTION,
    TREATMENTS,
    CollectionPlan,
    TreatmentPolicy,
    ladder_actions,
    prioritise,
)
from overdue_risk.collection._optimise import (
    CONTACTS_PER_ACTION,
    ActionPlan,
    eligible_actions,
    optimise_actions,
)
from overdue_risk.collection._workout import (
    WORKOUT_OPTIONS,
    WorkoutAssumptions,
    WorkoutValuation,
    value_workout_options,
)

__all__ = [
    "ACTIONS",
    "CONTACTS_PER_ACTION",
    "CONTACT_ACTIONS",
    "LADDER_TO_ACTION",
    "OUTCOMES",
    "TREATMENTS",
    "WORKOUT_OPTIONS",
    "ActionPlan",
    "CollectionPlan",
    "ConductBreaches",
    "ConductRules",
    "EffectEstimates",
    "PolicyValue",
    "TreatmentPolicy",
    "WorkoutAssumptions",
    "WorkoutValuation",
    "conduct_breaches",
    "eligible_actions",
    "estimate_effects",
    "evaluate_policy",
    "ladder_actions",
    "optimise_actions",
    "prioritise",
    "value_workout_options",
]
