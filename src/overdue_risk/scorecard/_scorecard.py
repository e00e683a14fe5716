"""The Scorecard estimator: WOE binning, optional selection, logistic model, points."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, ClassifierMixin

from overdue_risk._columns import Columns, as_columns
from overdue_risk._estimator import check_fitted, validate_params
from overdue_risk._validation import FloatArray
from overdue_risk.binning import WOEBinner
from overdue_risk.runtime import as_spec
from overdue_risk.scorecard._card import CardFeature, card_table
from overdue_risk.scorecard._challenger import ChallengerReport, challenger_report
from overdue_risk.scorecard._expert import card_from_spec, expert_scorecard
from overdue_risk.scorecard._fit import PARAM_RULES, fit_card
from overdue_risk.scorecard._reasons import ReasonCodes
from overdue_risk.scorecard._scaling import PointsScaling
from overdue_risk.scorecard._scoring import (
    card_columns,
    card_points,
    card_reasons,
    check_input_features,
    slot_matrix,
    total_points,
)
from overdue_risk.scorecard._spec import scorecard_spec, write_spec
from overdue_risk.scorecard._summary import ScorecardSummary, card_summary

__all__ = ["Scorecard"]


class Scorecard(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Credit scorecard: WOE binning, optional feature selection and a logistic model.

    The classifier predicts the probability of the *event* (``classes_[1]``: ``1`` = bad
    for a 0/1 flag, or ``pos_label``) like any scikit-learn classifier; points come from
    :meth:`predict_points` (higher points = lower risk, good:bad odds doubling every
    ``pdo`` points). ``score()`` keeps scikit-learn's meaning (accuracy).

    Parameters
    ----------
    binner : WOEBinner or None, default=None
        Unfitted binner, cloned at fit; ``None`` uses ``WOEBinner()``.
    selector : WOESelector or None, default=None
        Optional feature selection on the WOE columns (cloned, fitted on the features
        that pass ``min_iv`` / ``max_features``), e.g.
        ``overdue_risk.selection.WOESelector(max_corr=0.7, stepwise="both")``; every
        step's decision and reason is in ``selector_.results_``.
    min_iv : float or None, default=None
        Drop features whose information value is below this (e.g. 0.02).
    max_features : int or None, default=None
        Keep at most this many features, by decreasing information value.
    sign_check : {"drop", "warn", "report"}, default="drop"
        Under the WOE convention (higher WOE = lower risk) every coefficient of the
        model of ``P(event)`` must be negative. ``"drop"`` removes the feature with the
        largest wrong-signed coefficient and refits until all signs are right;
        ``"warn"`` keeps the features and warns; ``"report"`` keeps them and only records
        them in ``wrong_sign_features_`` (as peers such as optbinning do, silently).
    C : float, default=inf
        Inverse L2 regularisation of the logistic model; ``inf`` is the unpenalised
        maximum-likelihood fit (so the statsmodels summary matches the card exactly).
    max_iter : int, default=100
        Newton steps of the logistic fit (it usually converges in under ten).
    pdo, base_score, base_odds : float, default=20, 600, 50
        Points scaling (see :class:`PointsScaling`).
    rounding : bool, default=False
        Round every bin's points (and a separate intercept) to integers.
    intercept_mode : {"distributed", "separate"}, default="distributed"
        ``"distributed"`` spreads ``offset - factor * intercept`` evenly over the
        features (the card needs no constant: the total is a plain sum of bin points);
        ``"separate"`` keeps it as ``intercept_points_``, so each bin's points read as
        the feature's own contribution (points 0 = WOE 0 = the average applicant).
    reason_code_map : dict or None, default=None
        Feature name -> reason code; unmapped features use their name.
    pos_label : scalar or None, default=None
        The label of ``y`` that marks the event (default), e.g. ``"bad"``. Needed unless
        ``y`` holds 0/1 or bools: which of two other labels is the event is never guessed.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        Class labels as ``[non-event, event]``; ``classes_[1]`` is the event (bad).
    binner_ : WOEBinner
        The fitted binner (all input features).
    coef_ : ndarray of shape (1, n_card_features)
        Logistic coefficients of the card features' WOE (negative under the convention).
    intercept_ : ndarray of shape (1,)
        Logistic intercept.
    n_iter_ : int
        Newton steps of the logistic fit.
    card_ : tuple of CardFeature
        The card: per feature, bins, WOE, coefficient and points in index layout.
    features_ : list of str
        Features on the card, in card order.
    dropped_features_ : dict
        Feature -> reason it is not on the card (IV, selection, wrong sign, constant WOE).
    selector_ : fitted selector or None
        The fitted ``selector`` (its ``results_`` explain each step).
    wrong_sign_features_ : tuple of str
        Features whose coefficient had the wrong sign (dropped or kept per ``sign_check``).
    scaling_ : PointsScaling
    intercept_points_ : float
        Points added to every applicant (0 when ``intercept_mode="distributed"``).
    summary_ : ScorecardSummary
        Statistical summary of the logistic model (frequency weights): the numbers of
        statsmodels' GLM Binomial, computed from the Newton fit's Hessian (no refit).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.

    See Also
    --------
    PointsScaling : the PDO / base score / base odds map.
    Scorecard.from_expert : build the same kind of object from a hand-written card.

    Notes
    -----
    Points of bin ``i`` of feature ``j`` (coefficient ``b_j``, intercept ``b_0``, ``p``
    features, ``factor = pdo / ln 2``, ``offset = base_score - factor ln(base_odds)``):
    ``-factor * b_j * WOE_ij`` plus ``(offset - factor * b_0) / p`` when distributed.
    ``predict_points`` is exactly ``intercept_points_`` plus the sum of the table's points;
    ``predict_proba`` uses the unrounded points, i.e. the logistic model itself.

    References
    ----------
    .. [1] Siddiqi, N. (2006). *Credit Risk Scorecards*. Wiley, ch. 6.
    .. [2] Refaat, M. (2011). *Credit Risk Scorecards: Development and Implementation
       Using SAS*, ch. 11.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from overdue_risk import Scorecard
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"age": rng.integers(18, 70, 2000),
    ...                   "dti": rng.uniform(0, 1, 2000)})
    >>> y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-(-1 - 0.03 * (X.age - 40)
    ...      + 2 * X.dti)))).astype(int)
    >>> sc = Scorecard(rounding=True).fit(X, y)
    >>> pts = sc.predict_points(X.head(3))
    >>> bool(np.all(pts == np.round(pts)))
    True
    >>> sc.reason_codes(X.head(2), k=1).codes.shape
    (2, 1)
    """

    # fitted attributes, all set by FittedCard.apply (declared for type checkers only)
    classes_: npt.NDArray[Any]
    scaling_: PointsScaling
    card_: tuple[CardFeature, ...]
    features_: list[str]
    intercept_points_: float
    intercept_points_raw_: float
    is_expert_: bool
    name_: str | None
    metadata_: dict[str, Any]
    coef_: FloatArray | None
    intercept_: FloatArray | None
    summary_: ScorecardSummary | None
    target_: dict[str, Any] | None
    _input_names: list[str]

    def __init__(
        self,
        binner: Any = None,
        *,
        selector: Any = None,
        min_iv: float | None = None,
        max_features: int | None = None,
        sign_check: str = "drop",
        C: float = math.inf,
        max_iter: int = 100,
        pdo: float = 20.0,
        base_score: float = 600.0,
        base_odds: float = 50.0,
        rounding: bool = False,
        intercept_mode: str = "distributed",
        reason_code_map: Mapping[str, str] | None = None,
        pos_label: Any = None,
    ) -> None:
        self.binner = binner
        self.selector = selector
        self.min_iv = min_iv
        self.max_features = max_features
        self.sign_check = sign_check
        self.C = C
        self.max_iter = max_iter
        self.pdo = pdo
        self.base_score = base_score
        self.base_odds = base_odds
        self.rounding = rounding
        self.intercept_mode = intercept_mode
        self.reason_code_map = reason_code_map
        self.pos_label = pos_label

    _param_rules = PARAM_RULES

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.classifier_tags.multi_class = False
        return tags

    def set_params(self, **params: Any) -> Scorecard:
        """Set parameters, as scikit-learn does; ``binner__<name>`` also on the default binner.

        ``binner=None`` stands for ``WOEBinner()``; a nested ``binner__max_n_bins`` (as
        ``GridSearchCV`` sets it) would otherwise reach ``None.set_params``. When the binner
        is None and such a key is given, it first becomes an explicit ``WOEBinner()``.

        Examples
        --------
        >>> Scorecard().set_params(binner__max_n_bins=4).binner.max_n_bins
        4
        """
        nested = any(key.startswith("binner__") for key in params)
        if nested and self.binner is None and params.get("binner") is None:
            params.pop("binner", None)
            self.binner = WOEBinner()
        return super().set_params(**params)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ fit
    def _check_params(self) -> None:
        validate_params(self)
        PointsScaling(pdo=self.pdo, base_score=self.base_score, base_odds=self.base_odds)

    def fit(self, X: Any, y: Any, sample_weight: npt.ArrayLike | None = None) -> Scorecard:
        """Bin, select, fit the logistic model and scale it to points.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Raw features (numeric or categorical; missing values allowed).
        y : array-like of shape (n_samples,)
            The default flag: 0/1 or bool (1 = bad), or two labels with ``pos_label``.
        sample_weight : array-like of shape (n_samples,), default=None
            Frequency weights (an integer weight equals repeating the row).

        Returns
        -------
        self : Scorecard

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> X = pd.DataFrame({"dti": rng.uniform(0, 1, 1000)})
        >>> y = (rng.uniform(size=1000) < 0.1 + 0.3 * X.dti).astype(int)
        >>> sc = Scorecard().fit(X, y)
        >>> sc.features_, bool(sc.coef_[0, 0] < 0)
        (['dti'], True)
        """
        self._check_params()
        cols = as_columns(X)
        check_input_features(self, X, cols, reset=True)
        fit_card(self, X, cols, y, sample_weight).apply(self)
        return self

    # ------------------------------------------------------------------ expert
    @classmethod
    def from_expert(cls, card: Mapping[str, Any] | str | Path) -> Scorecard:
        """Build a scorecard from a hand-written card (dict, JSON or TOML file).

        The result scores, explains (reason codes, table), exports (``to_spec``) and is
        validated exactly like a fitted scorecard. Probabilities follow the card's
        scaling: ``PD = 1 / (1 + exp((points - offset) / factor))``.

        Parameters
        ----------
        card : dict, str or Path
            The card (format in :mod:`overdue_risk.scorecard._expert` and the user guide).

        Returns
        -------
        Scorecard
            A fitted-state scorecard with ``is_expert_ = True``.

        Examples
        --------
        >>> import numpy as np
        >>> sc = Scorecard.from_expert({
        ...     "name": "toy", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50},
        ...     "intercept_points": 500,
        ...     "features": [
        ...         {"name": "age", "kind": "numeric", "missing_points": 5,
        ...          "bins": [{"upper": 25, "points": 10}, {"lower": 25, "points": 30}]},
        ...         {"name": "purpose", "kind": "categorical", "missing_points": 0,
        ...          "bins": [{"categories": ["cash"], "points": 5},
        ...                   {"categories": ["rent", "edu"], "points": 40}]}]})
        >>> sc.predict_points({"age": [20, 30, np.nan], "purpose": ["cash", "rent", None]})
        array([515., 570., 505.])
        """
        return expert_scorecard(cls, card)

    @classmethod
    def from_spec(cls, spec: Any) -> Scorecard:
        """Rebuild a scorecard from an exported spec (dict, path, or runtime ``Spec``).

        The checksum is verified by the runtime first. The result scores, explains and
        re-exports like an expert card built from the same points (WOE and coefficients
        are descriptive in a spec and are not restored; calibration and master scale stay
        in the spec).

        Parameters
        ----------
        spec : dict, str, Path or overdue_risk.runtime.Spec

        Returns
        -------
        Scorecard
            With ``is_expert_ = True``.

        Examples
        --------
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
        ...     "missing_points": 0, "splits": [1.0], "points": [10, 20]}]})
        >>> again = Scorecard.from_spec(sc.to_spec(name="toy"))
        >>> again.predict_points({"a": [0.0, 2.0, None]})
        array([10., 20.,  0.])
        """
        return cls.from_expert(card_from_spec(as_spec(spec)))

    # ------------------------------------------------------------------ apply
    def _check_fitted(self) -> None:
        check_fitted(self, "card_")

    def _columns(self, X: Any) -> Columns:
        self._check_fitted()
        return card_columns(self, X)

    def _slot_matrix(self, X: Any) -> npt.NDArray[np.int64]:
        cols = self._columns(X)  # checks that the card is fitted first
        return slot_matrix(self.card_, cols)

    def points_matrix(self, X: Any, *, raw: bool = False) -> FloatArray:
        """Points of each row on each card feature, shape (n_rows, n_card_features).

        Parameters
        ----------
        X : DataFrame, dict of columns or array-like
        raw : bool, default=False
            Unrounded points instead of the published ones.

        Returns
        -------
        ndarray of float64

        Examples
        --------
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
        ...     "missing_points": 0, "splits": [1.0], "points": [10, 20]}]})
        >>> sc.points_matrix({"a": [0.0, 2.0]})
        array([[10.],
               [20.]])
        """
        slots = self._slot_matrix(X)  # checks the fit before card_ is read
        return card_points(self.card_, slots, raw=raw)

    def _total(self, X: Any, raw: bool) -> FloatArray:
        points = self.points_matrix(X, raw=raw)  # checks the fit first
        return total_points(points, self.intercept_points_raw_ if raw else self.intercept_points_)

    def predict_points(self, X: Any) -> FloatArray:
        """Total points per row: ``intercept_points_`` plus each feature's bin points.

        Higher points mean lower risk. Equal, row for row, to
        ``overdue_risk.runtime.Spec.from_dict(self.to_spec()).score(X)``.

        Parameters
        ----------
        X : DataFrame, dict of columns or array-like

        Returns
        -------
        ndarray of float64, shape (n_rows,)

        Examples
        --------
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "intercept_points": 400, "features": [{"name": "a",
        ...     "kind": "numeric", "missing_points": 0, "splits": [1.0], "points": [10, 20]}]})
        >>> sc.predict_points({"a": [0.0, 2.0, None]})
        array([410., 420., 400.])
        """
        return self._total(X, raw=False)

    def decision_function(self, X: Any) -> FloatArray:
        """Log-odds of the event (``classes_[1]``), from the unrounded points.

        ``-(points - offset) / factor``: for a fitted card, the logistic model's linear
        predictor ``intercept_ + WOE @ coef_``.

        Examples
        --------
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
        ...     "missing_points": 0, "splits": [1.0], "points": [580, 620]}]})
        >>> np.round(sc.decision_function({"a": [0.0, 2.0]}), 4)  # 600 points = odds 50:1
        array([-3.2189, -4.6052])
        """
        total = self._total(X, raw=True)  # checks the fit before scaling_ is read
        log_odds: FloatArray = self.scaling_.log_odds_from_score(total)
        return -log_odds

    def predict_proba(self, X: Any) -> FloatArray:
        """Probability of each class, columns in ``classes_`` order.

        Examples
        --------
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
        ...     "missing_points": 0, "splits": [1.0], "points": [580, 620]}]})
        >>> np.round(sc.predict_proba({"a": [0.0]}), 4)
        array([[0.9615, 0.0385]])
        """
        eta = self.decision_function(X)
        p1 = 0.5 * (1.0 + np.tanh(0.5 * eta))
        return np.column_stack([1.0 - p1, p1])

    def predict(self, X: Any) -> npt.NDArray[Any]:
        """Class with the larger probability (event when its probability exceeds 0.5).

        Examples
        --------
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
        ...     "missing_points": 0, "splits": [1.0], "points": [580, 620]}]})
        >>> sc.predict({"a": [0.0, 2.0]})
        array([0, 0])
        """
        self._check_fitted()
        return self.classes_[(self.decision_function(X) > 0).astype(np.int64)]

    # ------------------------------------------------------------------ explain
    def reason_codes(self, X: Any, k: int = 4) -> ReasonCodes:
        """The ``k`` features that cost each applicant the most points.

        Points lost on feature ``j`` are ``max_points_j - points_j`` (best attainable
        bin: the maximum over regular, missing and special bins). Ties are broken by the
        feature's position in the card (earlier first); features losing 0 points are
        never listed (``None`` codes pad the row). Vectorised over an n x p matrix.

        Parameters
        ----------
        X : DataFrame, dict of columns or array-like
        k : int, default=4

        Returns
        -------
        ReasonCodes

        Examples
        --------
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "features": [
        ...     {"name": "a", "kind": "numeric", "missing_points": 0, "reason_code": "R1",
        ...      "splits": [1.0], "points": [10, 20]},
        ...     {"name": "b", "kind": "numeric", "missing_points": 0, "reason_code": "R2",
        ...      "splits": [1.0], "points": [5, 40]}]})
        >>> sc.reason_codes({"a": [0.0, 2.0], "b": [0.0, 2.0]}, k=2).codes.tolist()
        [['R2', 'R1'], [None, None]]
        """
        points = self.points_matrix(X)  # checks the fit first
        return card_reasons(self.card_, points, self.intercept_points_, k)

    def table(self) -> Any:
        """Every bin of every card feature: WOE, coefficient and points.

        Returns
        -------
        pandas.DataFrame
            Columns ``feature, slot, bin, kind, woe, coefficient, points, points_raw,
            event_count, nonevent_count``; one row per regular, missing, special and
            unseen bin. ``slot`` is the index layout position (CONTRACTS.md B).

        Examples
        --------
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
        ...     "missing_points": 0, "splits": [1.0], "points": [10, 20]}]})
        >>> sc.table()[["bin", "kind", "points"]].to_dict("list")["kind"]
        ['regular', 'regular', 'missing', 'unseen']
        """
        self._check_fitted()
        return card_table(self.card_)

    # ------------------------------------------------------------------ export
    def to_spec(
        self,
        calibrator: Any = None,
        master_scale: Any = None,
        *,
        name: str | None = None,
        target: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Export the card as a sealed scoring spec (docs/spec_format.md); no pickle.

        Parameters
        ----------
        calibrator : PDCalibrator, dict or None
            Embedded as ``calibration`` (an object with ``to_spec_dict()`` or the dict).
        master_scale : MasterScale, dict or None
            Embedded as ``master_scale`` likewise.
        name : str or None
            Card name (default: the expert card's name, else ``"scorecard"``).
        target : dict or None
            ``{"name": ..., "definition": ...}`` (default: from the fit).
        metadata : dict or None
            Free-form plain-JSON metadata. A fitted card adds ``source``,
            ``dropped_features`` (with reasons) and ``feature_info`` (coefficient, IV,
            trend, number of bins per feature); an expert card adds ``source``.

        Returns
        -------
        dict
            The spec document with its SHA-256 checksum.

        Examples
        --------
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
        ...     "missing_points": 0, "splits": [1.0], "points": [10, 20]}]})
        >>> spec = sc.to_spec(name="toy")
        >>> spec["features"][0]["points"], spec["checksum"]["algorithm"]
        ([10, 20], 'sha256')
        """
        self._check_fitted()
        return scorecard_spec(
            self,
            calibrator=calibrator,
            master_scale=master_scale,
            name=name,
            target=target,
            metadata=metadata,
        )

    def save_spec(self, path: str | Path, **kwargs: Any) -> Path:
        """Write :meth:`to_spec` (same keyword arguments) as UTF-8 JSON to ``path``.

        Examples
        --------
        >>> import tempfile, pathlib, json
        >>> sc = Scorecard.from_expert({"scaling": {"pdo": 20, "base_score": 600,
        ...     "base_odds": 50}, "features": [{"name": "a", "kind": "numeric",
        ...     "missing_points": 0, "splits": [1.0], "points": [10, 20]}]})
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = sc.save_spec(pathlib.Path(d) / "card.json", name="toy")
        ...     json.loads(p.read_text())["name"]
        'toy'
        """
        return write_spec(self.to_spec(**kwargs), path)

    # ------------------------------------------------------------------ challenger
    def challenge(
        self, X: Any, y: Any, X_test: Any = None, y_test: Any = None, **options: Any
    ) -> ChallengerReport:
        """Fit a monotonic gradient-boosting challenger and report the Gini gap.

        ``challenger_report(self, X, y, X_test, y_test, **options)``: parameters
        (``sample_weight``, ``sample_weight_test``, ``max_iter``, ``random_state``,
        ``n_threads``) and method in :func:`overdue_risk.scorecard.challenger_report`.

        Returns
        -------
        ChallengerReport

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> X = pd.DataFrame({"dti": rng.uniform(0, 1, 2000)})
        >>> y = (rng.uniform(size=2000) < 0.05 + 0.5 * X.dti).astype(int)
        >>> rep = Scorecard().fit(X, y).challenge(X, y, max_iter=10, n_threads=1)
        >>> rep.monotonic_cst
        {'dti': 1}
        """
        return challenger_report(self, X, y, X_test, y_test, **options)

    def statistical_summary(
        self,
        X: Any = None,
        y: Any = None,
        *,
        sample_weight: npt.ArrayLike | None = None,
        cov_type: str = "nonrobust",
    ) -> ScorecardSummary:
        """Statistical summary of the card's logistic model (statsmodels GLM Binomial).

        Without data, the summary computed at fit (``summary_``). With ``X, y`` (and
        ``sample_weight``), the GLM is refit on the card's WOE columns of that data,
        e.g. with ``cov_type="HC0"`` (sandwich) when the weights are sampling weights.

        Parameters
        ----------
        X, y : data, optional
            Rows to fit on (the card's bins and features are kept).
        sample_weight : array-like, optional
            Frequency weights (``freq_weights``; see :class:`ScorecardSummary`).
        cov_type : {"nonrobust", "HC0"}, default="nonrobust"

        Returns
        -------
        ScorecardSummary

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> X = pd.DataFrame({"a": rng.normal(size=1000)})
        >>> y = (rng.uniform(size=1000) < 1 / (1 + np.exp(-X.a))).astype(int)
        >>> sc = Scorecard().fit(X, y)
        >>> sc.statistical_summary().terms
        ('intercept', 'a')
        >>> sc.statistical_summary(X, y, cov_type="HC0").cov_type
        'HC0'
        """
        self._check_fitted()
        return card_summary(self, X, y, sample_weight=sample_weight, cov_type=cov_type)
