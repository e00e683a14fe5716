"""Points scaling: PDO, base score and base odds (Siddiqi 2006, ch. 6; Refaat 2011, ch. 11).

A scorecard reports ``score = offset + factor * ln(odds)`` where ``odds`` are the
good:bad odds, ``factor = pdo / ln 2`` and ``offset = base_score - factor * ln(base_odds)``.
The odds double every ``pdo`` points and the base odds map to the base score.

Examples
--------
>>> s = PointsScaling(pdo=20, base_score=600, base_odds=50)
>>> round(s.factor, 4), round(s.offset, 4)
(28.8539, 487.1229)
>>> round(s.score_from_log_odds(np.log(50.0)), 6)
600.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import check_positive
from overdue_risk.exceptions import DataError

__all__ = ["PointsScaling"]


@dataclass(frozen=True)
class PointsScaling:
    """Linear map between good:bad log-odds and score points.

    Parameters
    ----------
    pdo : float, default=20.0
        Points to double the odds.
    base_score : float, default=600.0
        Score at which the good:bad odds equal ``base_odds``.
    base_odds : float, default=50.0
        Good:bad odds at ``base_score`` (50 means 50 goods per bad, a PD of 1/51).

    Attributes
    ----------
    factor : float
        ``pdo / ln 2``: points per unit of log-odds.
    offset : float
        ``base_score - factor * ln(base_odds)``: the score at even odds (1:1).

    Notes
    -----
    Higher points mean lower risk: the scale is defined on good:bad odds, so a logistic
    model of ``P(bad)`` with linear predictor ``eta`` (log of bad:good odds) scores
    ``offset - factor * eta``.

    References
    ----------
    .. [1] Siddiqi, N. (2006). *Credit Risk Scorecards: Developing and Implementing
       Intelligent Credit Scoring*. Wiley, chapter 6 ("Scorecard scaling").
    .. [2] Refaat, M. (2011). *Credit Risk Scorecards: Development and Implementation
       Using SAS*. Lulu, chapter 11.

    Examples
    --------
    >>> s = PointsScaling(pdo=20, base_score=600, base_odds=50)
    >>> round(s.score_from_pd(1 / 51), 6)  # PD 1/51 is odds 50:1
    600.0
    >>> round(s.score_from_log_odds(np.log(100.0)) - 600.0, 6)  # doubled odds: +pdo
    20.0
    """

    pdo: float = 20.0
    base_score: float = 600.0
    base_odds: float = 50.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "pdo", check_positive(self.pdo, "pdo"))
        object.__setattr__(self, "base_odds", check_positive(self.base_odds, "base_odds"))
        try:
            base = float(self.base_score)
        except (TypeError, ValueError):
            raise DataError(f"base_score must be a number; got {self.base_score!r}.") from None
        if not math.isfinite(base):
            raise DataError(f"base_score must be finite; got {self.base_score!r}.")
        object.__setattr__(self, "base_score", base)

    @property
    def factor(self) -> float:
        """Points per unit of good:bad log-odds, ``pdo / ln 2``."""
        return self.pdo / math.log(2.0)

    @property
    def offset(self) -> float:
        """Score at odds 1:1, ``base_score - factor * ln(base_odds)``."""
        return self.base_score - self.factor * math.log(self.base_odds)

    def score_from_log_odds(self, log_odds: npt.ArrayLike) -> Any:
        """Points for good:bad log-odds (scalar in, float out; array in, array out)."""
        out = self.offset + self.factor * np.asarray(log_odds, dtype=np.float64)
        return float(out) if out.ndim == 0 else out

    def log_odds_from_score(self, score: npt.ArrayLike) -> Any:
        """Good:bad log-odds implied by points (inverse of :meth:`score_from_log_odds`)."""
        out = (np.asarray(score, dtype=np.float64) - self.offset) / self.factor
        return float(out) if out.ndim == 0 else out

    def score_from_pd(self, pd: npt.ArrayLike) -> Any:
        """Points for a probability of default (bad), ``pd`` in (0, 1)."""
        p = np.asarray(pd, dtype=np.float64)
        return self.score_from_log_odds(np.log1p(-p) - np.log(p))

    def pd_from_score(self, score: npt.ArrayLike) -> Any:
        """Probability of default (bad) implied by points: ``1 / (1 + good:bad odds)``."""
        log_odds = np.asarray(self.log_odds_from_score(score), dtype=np.float64)
        out = 0.5 * (1.0 - np.tanh(0.5 * log_odds))  # stable logistic(-log_odds)
        return float(out) if out.ndim == 0 else out

    def to_spec_dict(self, *, intercept_mode: str, rounded: bool) -> dict[str, Any]:
        """The ``scaling`` object of the scoring spec (docs/spec_format.md)."""
        return {
            "pdo": self.pdo,
            "base_score": self.base_score,
            "base_odds": self.base_odds,
            "odds": "good:bad",
            "factor": self.factor,
            "offset": self.offset,
            "intercept_mode": intercept_mode,
            "rounded": bool(rounded),
        }

    @classmethod
    def from_spec_dict(cls, d: dict[str, Any]) -> PointsScaling:
        """Rebuild from a spec ``scaling`` object (``pdo``, ``base_score``, ``base_odds``).

        Examples
        --------
        >>> PointsScaling.from_spec_dict({"pdo": 40, "base_score": 500, "base_odds": 20})
        PointsScaling(pdo=40.0, base_score=500.0, base_odds=20.0)
        """
        missing = [k for k in ("pdo", "base_score", "base_odds") if k not in d]
        if missing:
            raise DataError(
                f"scaling lacks keys {missing}; it has {sorted(d)}. "
                "Give pdo, base_score and base_odds (e.g. 20, 600, 50)."
            )
        odds = d.get("odds", "good:bad")
        if odds != "good:bad":
            raise DataError(f"scaling odds must be 'good:bad'; got {odds!r}.")
        return cls(pdo=d["pdo"], base_score=d["base_score"], base_odds=d["base_odds"])
