"""Risk-based decisions: cut-offs, swap sets, knock-out rules, decision bands and pricing.

A score (higher = safer) and a PD per applicant become lending decisions in three steps
(Siddiqi 2017, ch. 12 [2]_):

1. :func:`cutoff_analysis` -- for each candidate cut-off, the approval rate, the expected
   (from PDs) and observed (from outcomes) bad rate of the approved, the expected loss and
   the profit; :func:`swap_set` compares two models at their cut-offs.
2. :class:`DecisionTable` -- knock-out :class:`PolicyRule` s (given as data, applied
   vectorised, every decline reason recorded), then :class:`DecisionBand` s of score or
   grade that set approve / decline / refer, the credit limit, the APR and the maximum term.
3. :func:`risk_based_apr` / :class:`RiskBasedPricing` -- the APR that covers the expected
   loss, the funding and operating cost and a target margin.

Profit and pricing use the one-period loan model (Thomas 2009, ch. 5 [1]_): the lender lends an
exposure ``E`` for ``h = term / 12`` years at annual rate ``r``; with probability ``1 - p``
it earns interest ``r h E``, with probability ``p`` it loses ``LGD E``; funding costs
``r_F h E`` and operating cost ``c h E``. The expected profit is

    E [ (1 - p) r h - p LGD - (r_F + c) h ]

and the rate that earns a margin ``m h E`` solves to

    r = (r_F + c + m + p LGD / h) / (1 - p).

For ``h = 1`` and ``c = m = 0`` this is the break-even rate ``(r_F + p LGD) / (1 - p)``.
It treats the loan as a bullet loan on its full exposure; for amortising loans pass the
average outstanding balance as the exposure. ``p`` is the probability of default over the
loan's term.

References
----------
.. [1] Thomas, L. C. (2009). *Consumer Credit Models: Pricing, Profit and Portfolios*.
   Oxford University Press, ch. 5 (risk-based pricing, one-period loan model).
.. [2] Siddiqi, N. (2017). *Intelligent Credit Scoring*, 2nd ed., Wiley, ch. 12 (strategy
   development: cut-offs, swap sets, policy rules).

Examples
--------
>>> import numpy as np
>>> res = cutoff_analysis([1, 2, 3, 4], pd=[0.4, 0.3, 0.2, 0.1], y=[1, 0, 1, 0],
...                       cutoffs=[1, 3])
>>> res.approval_rate.tolist(), res.observed_bad_rate.tolist()
([1.0, 0.5], [0.5, 0.5])
>>> round(risk_based_apr(0.05, lgd=0.6, funding_rate=0.08), 6)
0.115789
"""

from __future__ import annotations

from overdue_risk.strategy._cutoffs import CutoffAnalysis, SwapSet, cutoff_analysis, swap_set
from overdue_risk.strategy._decisions import (
    DecisionBand,
    DecisionTable,
    PolicyRule,
    RiskBasedPricing,
)
from overdue_risk.strategy._pricing import expected_profit, risk_based_apr

__all__ = [
    "CutoffAnalysis",
    "DecisionBand",
    "DecisionTable",
    "PolicyRule",
    "RiskBasedPricing",
    "SwapSet",
    "cutoff_analysis",
    "expected_profit",
    "risk_based_apr",
    "swap_set",
]
