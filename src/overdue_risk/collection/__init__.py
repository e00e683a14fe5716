"""Collections: decide what to do with every delinquent account.

The 0.1.0 static ladder (:class:`TreatmentPolicy`, :func:`prioritise`) lives in
:mod:`overdue_risk.collection._ladder` and is re-exported here.
"""

from __future__ import annotations

from overdue_risk.collection._conduct import (
    ACTIONS,
    CONTACT_ACTIONS,
    ConductBreaches,
    ConductRules,
    conduct_breaches,
)
from overdue_risk.collection._ladder import (
    TREATMENTS,
    CollectionPlan,
    TreatmentPolicy,
    prioritise,
)
from overdue_risk.collection._optimise import (
    CONTACTS_PER_ACTION,
    ActionPlan,
    eligible_actions,
    optimise_actions,
)

__all__ = [
    "ACTIONS",
    "CONTACTS_PER_ACTION",
    "CONTACT_ACTIONS",
    "TREATMENTS",
    "ActionPlan",
    "CollectionPlan",
    "ConductBreaches",
    "ConductRules",
    "TreatmentPolicy",
    "conduct_breaches",
    "eligible_actions",
    "optimise_actions",
    "prioritise",
]
