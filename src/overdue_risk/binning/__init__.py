"""Exact optimal WOE binning.

:class:`WOEBinner` bins numeric and categorical columns with an exact dynamic programme
over pre-bin boundaries (maximum information value under size, event-count, bin-count and
monotonic-trend constraints). :class:`CountTable` holds the mergeable pre-bin counts that
let the same solver run on data larger than memory or on counts aggregated by Spark/Dask.

Examples
--------
>>> from overdue_risk.binning import WOEBinner, CountTable, FeatureBinning, BinningTable
"""

from __future__ import annotations

from overdue_risk.binning._binner import WOEBinner
from overdue_risk.binning._counts import CountTable
from overdue_risk.binning._feature import UNSEEN_POLICIES, FeatureBinning
from overdue_risk.binning._prebin import prebin_splits
from overdue_risk.binning._solver import SolverResult, solve_binning, woe_iv
from overdue_risk.binning._table import BinningSummary, BinningTable, gini_ks_from_counts

__all__ = [
    "UNSEEN_POLICIES",
    "BinningSummary",
    "BinningTable",
    "CountTable",
    "FeatureBinning",
    "SolverResult",
    "WOEBinner",
    "gini_ks_from_counts",
    "prebin_splits",
    "solve_binning",
    "woe_iv",
]
