"""The one record of a fitted Scorecard: what ``fit`` and an expert card both produce.

``Scorecard.fit`` (:func:`overdue_risk.scorecard._fit.fit_card`) and
``Scorecard.from_expert`` (:func:`overdue_risk.scorecard._expert.expert_record`) each
build a :class:`FittedCard`; :meth:`FittedCard.apply` is the only place that sets a
scorecard's fitted attributes, so both paths set the same ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk.scorecard._card import CardFeature
from overdue_risk.scorecard._scaling import PointsScaling

__all__ = ["FittedCard"]


@dataclass(frozen=True, eq=False)
class FittedCard:
    """Everything a fitted scorecard holds (see the ``Attributes`` of ``Scorecard``).

    Examples
    --------
    >>> from overdue_risk.scorecard._expert import expert_record, parse_expert_card
    >>> rec = expert_record(parse_expert_card({"scaling": {"pdo": 20, "base_score": 600,
    ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
    ...     "missing_points": 0, "splits": [1.0], "points": [10, 20]}]}))
    >>> rec.is_expert, [f.name for f in rec.card]
    (True, ['a'])
    """

    classes: npt.NDArray[Any]
    scaling: PointsScaling
    card: tuple[CardFeature, ...]
    input_names: tuple[str, ...]
    feature_names_in: npt.NDArray[Any] | None
    intercept_mode: str
    intercept_points_raw: float
    intercept_points: float
    rounded: bool
    target: Mapping[str, Any] | None
    is_expert: bool
    binner: Any = None
    selector: Any = None
    n_iter: int = 0
    dropped_features: Mapping[str, str] = field(default_factory=dict)
    wrong_sign_features: tuple[str, ...] = ()
    coef: npt.NDArray[np.float64] | None = None
    intercept: npt.NDArray[np.float64] | None = None
    summary: Any = None
    overrides: tuple[Mapping[str, Any], ...] = ()
    name: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def apply(self, est: Any) -> None:
        """Set the fitted attributes of the scorecard ``est`` (all of them, every time)."""
        est.classes_ = self.classes
        est.binner_ = self.binner
        est.selector_ = self.selector
        est.n_iter_ = int(self.n_iter)
        est.scaling_ = self.scaling
        est.card_ = self.card
        est.features_ = [f.name for f in self.card]
        est.dropped_features_ = dict(self.dropped_features)
        est.wrong_sign_features_ = tuple(self.wrong_sign_features)
        est.intercept_mode_ = self.intercept_mode
        est.intercept_points_raw_ = float(self.intercept_points_raw)
        est.intercept_points_ = float(self.intercept_points)
        est.rounded_ = bool(self.rounded)
        est.coef_ = self.coef
        est.intercept_ = self.intercept
        est.summary_ = self.summary
        est.target_ = None if self.target is None else dict(self.target)
        est.overrides_ = [dict(o) for o in self.overrides]
        est.is_expert_ = bool(self.is_expert)
        est.name_ = self.name
        est.metadata_ = dict(self.metadata)
        est.n_features_in_ = len(self.input_names)
        est._input_names = list(self.input_names)
        if self.feature_names_in is not None:
            est.feature_names_in_ = self.feature_names_in
        elif hasattr(est, "feature_names_in_"):
            del est.feature_names_in_
