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

__all__ = [
    "ACTIONS",
    "CONTACT_ACTIONS",
    "TREATMENTS",
    "CollectionPlan",
    "ConductBreaches",
    "ConductRules",
    "TreatmentPolicy",
    "conduct_breaches",
    "prioritise",
]
