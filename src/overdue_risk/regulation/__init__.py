"""Regulation for micro-lending: provisions, exposure limits and collection conduct.

- :func:`loan_loss_provisions`: the rule-based loan-loss allowance by five-tier class
  (configurable :class:`ProvisionRatios`, default :data:`PBOC_2002`), the provision
  coverage ratio 拨备覆盖率 and loan provision ratio 贷款拨备率 against their minimums,
  beside the IFRS 9 ECL of :mod:`overdue_risk.ecl`.
- :func:`exposure_limits`: balance per borrower, per related group and of the ten largest
  borrowers against limits given as shares of net assets, breaching borrowers listed.
- Collection conduct as data: :class:`ConductRules` and :func:`conduct_breaches`
  (defined in :mod:`overdue_risk.collection`, re-exported here).
- Rate caps live in :mod:`overdue_risk.pricing` (:class:`~overdue_risk.pricing.CapRules`).

Examples
--------
>>> from overdue_risk.regulation import loan_loss_provisions
>>> res = loan_loss_provisions([900.0, 100.0], dpd=[0, 120])
>>> res.npl, round(res.allowance, 2)
(100.0, 35.0)
"""

from __future__ import annotations

from overdue_risk.collection import (
    ACTIONS,
    CONTACT_ACTIONS,
    conduct_breaches,
)
from overdue_risk.collection import (
    ConductBreaches as ConductBreaches,
)
from overdue_risk.collection import (
    ConductRules as ConductRules,
)
from overdue_risk.regulation._exposure import ExposureResult, exposure_limits
from overdue_risk.regulation._provisions import (
    PBOC_2002,
    ProvisionRatios,
    ProvisionResult,
    loan_loss_provisions,
)

# ConductRules and ConductBreaches are importable from here but documented once, in
# overdue_risk.collection (listing a re-exported class in two modules' __all__ makes the
# API reference describe the same class twice).
__all__ = [
    "ACTIONS",
    "CONTACT_ACTIONS",
    "PBOC_2002",
    "ExposureResult",
    "ProvisionRatios",
    "ProvisionResult",
    "conduct_breaches",
    "exposure_limits",
    "loan_loss_provisions",
]
