"""Reject inference judged against the truth of a through-the-door book.

:func:`reject_inference_report` fits the known-good-bad card (accepts only) and one card
per reject inference method on the development half of a book made with
``make_microloan_portfolio(through_the_door=True)``, and scores all of them on the other
half's *through-the-door* population, rejected applicants included, with the outcomes
the simulator kept in ``truth["through_the_door"]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import clone

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray
from overdue_risk.exceptions import DataError
from overdue_risk.reject_inference._methods import (
    AcceptanceReweighting,
    FuzzyAugmentation,
    HardCutoffAugmentation,
    Parcelling,
)
from overdue_risk.reject_inference._selection import SelectionModel

__all__ = ["CardEvaluation", "RejectInferenceReport", "default_methods", "reject_inference_report"]


KNOWN_GOOD_BAD = "known_good_bad"
#: Special codes of the simulated book (no credit history).
_SPECIAL_CODES: dict[str, list[float]] = {
    "credit_history_months": [-1.0],
    "worst_past_dpd": [-1.0],
}


@dataclass(frozen=True)
class CardEvaluation(Result):
    """One card on the through-the-door evaluation sample, against the truth.

    Attributes
    ----------
    method : str
    gini, ks : float
        Discrimination on the through-the-door population.
    ece : float
        Expected calibration error of the PD on the through-the-door population (10
        quantile bins).
    ece_accepted : float
        The same on the applicants the incumbent approved: what the lender can measure.
    mean_pd, bad_rate : float
        Mean PD and true bad rate of the through-the-door population.
    grades_rejected : int
        Grades (of ``n_grades``) whose PD the one-sided Jeffreys test rejects at 5%
        (under-estimated).
    grades_rejected_binomial : int
        The same with the one-sided binomial test.
    approval_rate : float
        Share approved at the incumbent's approval rate (the same cut-off rule).
    bad_rate_approved : float
        True bad rate of the card's approved applicants.
    swap_in_bad_rate, swap_out_bad_rate : float
        True bad rate of the applicants the card approves and the incumbent rejected
        (swap-in), and of those the incumbent approved and the card rejects (swap-out).
    swap_in_share : float
        Swap-in applicants as a share of the through-the-door population.
    swap_in_expected_bad_rate : float
        The swap-ins' bad rate as the card itself predicts it (mean PD): what the lender
        would believe without the truth.
    """

    method: str
    gini: float
    ks: float
    ece: float
    ece_accepted: float
    mean_pd: float
    bad_rate: float
    grades_rejected: int
    grades_rejected_binomial: int
    approval_rate: float
    bad_rate_approved: float
    swap_in_bad_rate: float
    swap_out_bad_rate: float
    swap_in_share: float
    swap_in_expected_bad_rate: float

    _COLUMNS = (
        "method",
        "gini",
        "ks",
        "ece",
        "ece_accepted",
        "mean_pd",
        "bad_rate",
        "grades_rejected",
        "grades_rejected_binomial",
        "approval_rate",
        "bad_rate_approved",
        "swap_in_bad_rate",
        "swap_out_bad_rate",
        "swap_in_share",
        "swap_in_expected_bad_rate",
    )

    def _row(self) -> list[Any]:
        return [getattr(self, c) for c in self._COLUMNS]

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        return "Card on the through-the-door population", list(self._COLUMNS), [self._row()], ""


@dataclass(frozen=True)
class RejectInferenceReport(Result):
    """Known-good-bad card and reject inference methods, judged on the through-the-door truth.

    Attributes
    ----------
    cards : tuple of CardEvaluation
        The known-good-bad card first, then one per method.
    incumbent_approval_rate : float
        Share of the evaluation applicants the incumbent approved.
    incumbent_bad_rate : float
        True bad rate of the incumbent's approved applicants.
    through_the_door_bad_rate : float
    n_development, n_evaluation : int
    swap_sets : dict of str to SwapSet
        ``overdue_risk.strategy.swap_set`` of each card against the incumbent policy, with
        the true outcomes.
    """

    cards: tuple[CardEvaluation, ...]
    incumbent_approval_rate: float
    incumbent_bad_rate: float
    through_the_door_bad_rate: float
    n_development: int
    n_evaluation: int
    swap_sets: Mapping[str, Any] = field(repr=False, default_factory=dict)

    def card(self, method: str) -> CardEvaluation:
        """The evaluation of one card by method name.

        Parameters
        ----------
        method : str

        Returns
        -------
        CardEvaluation
        """
        for c in self.cards:
            if c.method == method:
                return c
        raise KeyError(f"no card {method!r}; cards: {[c.method for c in self.cards]}")

    def ece_reduction(self, method: str) -> float:
        """Relative cut of the through-the-door ECE against the known-good-bad card.

        Parameters
        ----------
        method : str

        Returns
        -------
        float
            ``1 - ECE(method) / ECE(known_good_bad)``.
        """
        return 1.0 - self.card(method).ece / self.card(KNOWN_GOOD_BAD).ece

    def to_frame(self) -> Any:
        """One row per card (pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame([c._row() for c in self.cards], columns=list(CardEvaluation._COLUMNS))

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        cols = ["method", "gini", "ks", "ece", "ece_accepted", "grades_rejected"]
        cols += ["bad_rate_approved", "swap_in_expected_bad_rate", "swap_in_bad_rate"]
        cols += ["swap_out_bad_rate"]
        rows = [[getattr(c, k) for k in cols] for c in self.cards]
        footer = (
            f"Through-the-door evaluation: {self.n_evaluation:,} applicants, bad rate "
            f"{self.through_the_door_bad_rate:.2%}; the incumbent approves "
            f"{self.incumbent_approval_rate:.1%} with a bad rate of "
            f"{self.incumbent_bad_rate:.2%}. Each card approves the same share."
        )
        return "Reject inference against the truth", cols, rows, footer


def default_methods(features: Sequence[str], *, random_state: int | None = 0) -> dict[str, Any]:
    """The methods :func:`reject_inference_report` compares by default.

    Parameters
    ----------
    features : sequence of str
        The card's (applicant) features.
    random_state : int or None, default=0
        Seed of parcelling's random labels.

    Returns
    -------
    dict of str to estimator

    Examples
    --------
    >>> sorted(default_methods(["age"]))  # doctest: +NORMALIZE_WHITESPACE
    ['fuzzy', 'fuzzy_incumbent_score', 'hard_cutoff', 'parcelling', 'reweighting',
     'selection_model']
    """
    feats = list(features)
    policy = [*feats, "incumbent_score", "incumbent_cutoff"]
    return {
        "reweighting": AcceptanceReweighting(features=policy),
        "hard_cutoff": HardCutoffAugmentation(features=feats),
        "parcelling": Parcelling(features=feats, random_state=random_state),
        "fuzzy": FuzzyAugmentation(features=feats),
        "fuzzy_incumbent_score": FuzzyAugmentation(features=[*feats, "incumbent_score"]),
        "selection_model": SelectionModel(features=feats, selection_features=["incumbent_cutoff"]),
    }


def _default_card(features: Sequence[str]) -> Any:
    from overdue_risk.binning import WOEBinner
    from overdue_risk.scorecard import Scorecard

    codes = {k: v for k, v in _SPECIAL_CODES.items() if k in features}
    return Scorecard(binner=WOEBinner(special_codes=codes))


def _evaluate(
    name: str,
    pd_eval: FloatArray,
    y: npt.NDArray[np.int64],
    approved_incumbent: npt.NDArray[np.bool_],
    scale: Any,
) -> tuple[CardEvaluation, Any]:
    from overdue_risk.backtest import binomial_test, expected_calibration_error, jeffreys_test
    from overdue_risk.metrics import gini, ks_statistic
    from overdue_risk.strategy import swap_set

    p = np.clip(pd_eval, 1e-9, 1 - 1e-9)
    grade = scale.grade_index(p)
    k = scale.n_grades
    n = np.bincount(grade, minlength=k)
    d = np.bincount(grade, weights=y, minlength=k)
    s = np.bincount(grade, weights=p, minlength=k)
    used = n > 0
    grade_pd = s[used] / n[used]
    jeff = jeffreys_test(n[used], d[used].astype(np.int64), grade_pd)
    binom = binomial_test(n[used], d[used].astype(np.int64), grade_pd)
    swaps = swap_set(approved_incumbent.astype(float), -p, cutoff_current=1.0, y=y, pd=p)
    acc = approved_incumbent
    ev = CardEvaluation(
        method=name,
        gini=float(gini(y, p).statistic),
        ks=float(ks_statistic(y, p).statistic),
        ece=float(expected_calibration_error(y, p).statistic),
        ece_accepted=float(expected_calibration_error(y[acc], p[acc]).statistic),
        mean_pd=float(p.mean()),
        bad_rate=float(y.mean()),
        grades_rejected=int(np.sum(np.asarray(jeff.grade_pvalue) < 0.05)),
        grades_rejected_binomial=int(np.sum(np.asarray(binom.grade_pvalue) < 0.05)),
        approval_rate=float(swaps.approval_rate_new),
        bad_rate_approved=float(swaps.bad_rate_new),
        swap_in_bad_rate=float(swaps.observed_bad_rate["swap_in"]),
        swap_out_bad_rate=float(swaps.observed_bad_rate["swap_out"]),
        swap_in_share=float(swaps.n["swap_in"]) / p.size,
        swap_in_expected_bad_rate=float(swaps.expected_bad_rate["swap_in"]),
    )
    return ev, swaps


def reject_inference_report(
    book: Any,
    *,
    methods: Mapping[str, Any] | None = None,
    features: Sequence[str] | None = None,
    card: Any = None,
    test_size: float = 0.5,
    n_grades: int = 7,
    random_state: int | None = 0,
) -> RejectInferenceReport:
    """Compare the known-good-bad card with reject inference methods against the truth.

    The applicants of a through-the-door book are split at random into a development and
    an evaluation part. On the development part the known-good-bad card is fitted on the
    accepts with an observed outcome; each method turns the accepts and the rejects
    (outcome NaN) into a development sample on which a clone of ``card`` is fitted. Every
    card is then judged on the evaluation part's through-the-door population with the
    outcomes the simulator kept for the rejects: Gini, KS, ECE, Jeffreys and binomial
    backtests by grade of a geometric master scale, and the true bad rate bought at the
    incumbent's approval rate, with the swap set against the incumbent policy.

    Parameters
    ----------
    book : Portfolio
        From ``make_microloan_portfolio(through_the_door=True)``.
    methods : mapping of str to reject inference estimator or None, default=None
        None = :func:`default_methods`.
    features : sequence of str or None, default=None
        The card's features (None = ``book.applicant_features``).
    card : Scorecard or None, default=None
        Template of every card (cloned); None = a :class:`Scorecard` with the book's
        special codes.
    test_size : float, default=0.5
        Share of applicants held out for the evaluation.
    n_grades : int, default=7
        Grades of the master scale of the backtests (PD 0.3% to 30%).
    random_state : int or None, default=0
        Seed of the split (and of the default methods).

    Returns
    -------
    RejectInferenceReport

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio
    >>> from overdue_risk.reject_inference import FuzzyAugmentation, reject_inference_report
    >>> book = make_microloan_portfolio(4_000, 30, random_state=0, through_the_door=True)
    >>> feats = ["age", "worst_past_dpd", "n_inquiries_6m", "debt_to_income"]
    >>> rep = reject_inference_report(
    ...     book, features=feats, methods={"fuzzy": FuzzyAugmentation(features=feats)})
    >>> [c.method for c in rep.cards]
    ['known_good_bad', 'fuzzy']
    """
    from overdue_risk.calibration import MasterScale

    truth = getattr(book, "truth", {}).get("through_the_door")
    if truth is None:
        raise DataError(
            "the book has no truth['through_the_door']: build it with "
            "make_microloan_portfolio(..., through_the_door=True)."
        )
    if not 0.0 < float(test_size) < 1.0:
        raise DataError(f"test_size must be in (0, 1); got {test_size!r}.")
    apps = book.applications
    feats = list(book.applicant_features if features is None else features)
    template = _default_card(feats) if card is None else card
    methods = default_methods(feats, random_state=random_state) if methods is None else methods
    rng = np.random.default_rng(random_state)
    dev = rng.random(len(apps)) >= float(test_size)
    approved = (apps["decision"] == "approve").to_numpy()
    observed = apps["bad_observed"].to_numpy(dtype=bool)
    # development: accepts with an outcome, and the rejects (outcome unknown)
    keep = dev & (observed | ~approved)
    X_dev = apps.loc[keep].reset_index(drop=True)
    y_dev = np.where(approved[keep], apps["bad"].to_numpy(dtype=float)[keep], np.nan)
    # evaluation: the through-the-door applicants whose true outcome is known
    ev_mask = ~dev & truth["bad_observed"].to_numpy(dtype=bool)
    X_ev = apps.loc[ev_mask, feats].reset_index(drop=True)
    y_ev = truth["bad"].to_numpy()[ev_mask].astype(np.int64)
    acc_ev = approved[ev_mask]
    scale = MasterScale.geometric(int(n_grades), floor=0.003, cap=0.3)

    fitted: dict[str, Any] = {}
    acc_rows = ~np.isnan(y_dev)
    fitted[KNOWN_GOOD_BAD] = clone(template).fit(
        X_dev.loc[acc_rows, feats], y_dev[acc_rows].astype(np.int64)
    )
    for name, method in methods.items():
        Xm, ym, wm = clone(method).fit_resample(X_dev, y_dev)
        fitted[name] = clone(template).fit(Xm.loc[:, feats], ym, sample_weight=wm)

    cards, swaps = [], {}
    for name, model in fitted.items():
        ev, sw = _evaluate(name, model.predict_proba(X_ev)[:, 1], y_ev, acc_ev, scale)
        cards.append(ev)
        swaps[name] = sw
    return RejectInferenceReport(
        cards=tuple(cards),
        incumbent_approval_rate=float(acc_ev.mean()),
        incumbent_bad_rate=float(y_ev[acc_ev].mean()),
        through_the_door_bad_rate=float(y_ev.mean()),
        n_development=int(keep.sum()),
        n_evaluation=int(ev_mask.sum()),
        swap_sets=swaps,
    )
