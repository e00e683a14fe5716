"""Reject inference: development samples that stand for every applicant, not only the booked.

A scorecard is fitted on the loans an earlier policy approved and then scores everyone who
applies. Each method here turns (accepted applicants with outcomes, rejected applicants
without) into a development sample ``(X_dev, y_dev, sample_weight)`` on which
:class:`~overdue_risk.binning.WOEBinner` and :class:`~overdue_risk.scorecard.Scorecard`
fit unchanged. Every method rests on an assumption about why the rejects were rejected;
each docstring says which, and when it fails. :func:`reject_inference_report` measures
them against the simulator's truth (``make_microloan_portfolio(through_the_door=True)``).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from overdue_risk.reject_inference import FuzzyAugmentation
>>> rng = np.random.default_rng(0)
>>> X = pd.DataFrame({"x": rng.normal(size=1000)})
>>> y = np.where(X.x < 0.5, (rng.random(1000) < 0.1).astype(float), np.nan)
>>> X_dev, y_dev, w = FuzzyAugmentation().fit_resample(X, y)
>>> len(X_dev) > len(X)
True
"""

from __future__ import annotations

from overdue_risk.reject_inference._methods import (
    AcceptanceReweighting,
    FuzzyAugmentation,
    HardCutoffAugmentation,
    Parcelling,
)
from overdue_risk.reject_inference._report import (
    CardEvaluation,
    RejectInferenceReport,
    default_methods,
    reject_inference_report,
)
from overdue_risk.reject_inference._selection import SelectionModel, bivariate_normal_cdf

__all__ = [
    "AcceptanceReweighting",
    "CardEvaluation",
    "FuzzyAugmentation",
    "HardCutoffAugmentation",
    "Parcelling",
    "RejectInferenceReport",
    "SelectionModel",
    "bivariate_normal_cdf",
    "default_methods",
    "reject_inference_report",
]
