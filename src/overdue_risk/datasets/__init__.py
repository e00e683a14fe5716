"""Built-in data: a synthetic micro-loan portfolio and loaders for your own book.

:func:`make_microloan_portfolio` simulates applications and a monthly loan-level
performance panel (DPD, buckets, balances, payments, charge-offs, prepayments) from one
seeded model, so that binning, scorecards, roll rates, vintages and ECL all run on the same
loans. :func:`load_portfolio` reads your own CSV or Parquet files into the same
:class:`Portfolio` shape.

Examples
--------
>>> from overdue_risk.datasets import make_microloan_portfolio
>>> pf = make_microloan_portfolio(n_loans=1_000, n_months=18, random_state=7)
>>> pf.applications.shape
(1000, 20)
"""

from __future__ import annotations

from overdue_risk.datasets._collections import (
    CollectionCosts,
    CollectionsSimulation,
    simulate_collections,
)
from overdue_risk.datasets._loaders import load_portfolio
from overdue_risk.datasets._portfolio import Portfolio, make_microloan_portfolio
from overdue_risk.datasets._split import OutOfTimeSplit, out_of_time_split
from overdue_risk.datasets._through_the_door import IncumbentPolicy

__all__ = [
    "CollectionCosts",
    "CollectionsSimulation",
    "IncumbentPolicy",
    "OutOfTimeSplit",
    "Portfolio",
    "load_portfolio",
    "make_microloan_portfolio",
    "out_of_time_split",
    "simulate_collections",
]
