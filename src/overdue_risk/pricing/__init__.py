"""Pricing of micro-loans: repayment schedules, the true annualised rate, and rate caps.

- :func:`repayment_schedule`: cash flows of many loans at once for equal instalments
  (等额本息), equal principal (等额本金), interest-only (先息后本), bullet (一次性还本付息)
  and flat-rate (等本等息) loans, with fees upfront, per instalment or at the end, and
  annual, monthly or daily (日利率) rates.
- :func:`annualised_rate`: the IRR-based annualised rate (monthly IRR x 12, or the
  effective annual rate), exact on irregular dates, vectorised over loans.
- Caps as data: :class:`RateCap` / :class:`CapRules` (named sources, effective dates, the
  LPR as an input; :data:`CHINA_CAPS`, :data:`US_MLA_CAPS`), :func:`check_loans` for the
  all-in cost of loans and :func:`max_contract_rate` for the headroom a product's fees
  leave under a cap.

Examples
--------
>>> from overdue_risk.pricing import annualised_rate, repayment_schedule
>>> s = repayment_schedule(10_000, 0.01, 12, method="等本等息", rate_unit="monthly")
>>> round(float(annualised_rate(s.cash_flows)[0]), 3)
0.215
"""

from __future__ import annotations

from overdue_risk.pricing._caps import (
    CHINA_CAPS,
    LPR_1Y,
    US_MLA_CAPS,
    CapCheck,
    CapRules,
    RateCap,
    check_book,
    check_loans,
    lpr_on,
    max_contract_rate,
)
from overdue_risk.pricing._rate import RATE_METHODS, annualised_rate, npv
from overdue_risk.pricing._schedule import (
    METHODS,
    METHODS_ZH,
    RATE_UNITS,
    Schedule,
    period_rate,
    repayment_schedule,
)

__all__ = [
    "CHINA_CAPS",
    "LPR_1Y",
    "METHODS",
    "METHODS_ZH",
    "RATE_METHODS",
    "RATE_UNITS",
    "US_MLA_CAPS",
    "CapCheck",
    "CapRules",
    "RateCap",
    "Schedule",
    "annualised_rate",
    "check_book",
    "check_loans",
    "lpr_on",
    "max_contract_rate",
    "npv",
    "period_rate",
    "repayment_schedule",
]
