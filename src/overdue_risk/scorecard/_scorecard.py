"""The Scorecard estimator: WOE binning, optional selection, logistic model, points."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import validate_data

from overdue_risk._estimator import (
    boolean,
    check_fitted,
    check_target,
    data_errors,
    instance_of,
    integer,
    one_of,
    real,
    validate_params,
)
from overdue_risk._validation import check_binary_target, check_sample_weight, format_values
from overdue_risk.exceptions import DataError, OverdueRiskWarning
from overdue_risk.scorecard._card import CardFeature
from overdue_risk.scorecard._columns import Columns
from overdue_risk.scorecard._expert import parse_expert_card
from overdue_risk.scorecard._logistic import LogisticFit, fit_logistic
from overdue_risk.scorecard._reasons import ReasonCodes
from overdue_risk.scorecard._scaling import PointsScaling
from overdue_risk.scorecard._spec import build_spec, write_spec
from overdue_risk.scorecard._summary import ScorecardSummary, fit_summary

__all__ = ["Scorecard"]

FloatArray = npt.NDArray[np.float64]


class Scorecard(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Credit scorecard: WOE binning, optional feature selection and a logistic model.

    The classifier predicts the probability of the *event* (the larger class label, e.g.
    ``1`` = bad) like any scikit-learn classifier; points come from
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
        Statistical summary of the logistic model (statsmodels, frequency weights).
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

    # fitted attributes that an expert card leaves empty (declared for type checkers only)
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

    _param_rules = {  # noqa: RUF012 - read-only class table of parameter rules
        "binner": instance_of("an unfitted WOEBinner", BaseEstimator, none=True),
        "selector": instance_of("an unfitted selector", BaseEstimator, none=True),
        "min_iv": real(low=0, none=True),
        "max_features": integer(low=1, none=True),
        "sign_check": one_of("drop", "warn", "report"),
        "C": real(low=0, closed="neither", allow_inf=True),
        "max_iter": integer(low=1),
        "pdo": real(low=0, closed="neither"),
        "base_score": real(),
        "base_odds": real(low=0, closed="neither"),
        "rounding": boolean(),
        "intercept_mode": one_of("distributed", "separate"),
        "reason_code_map": instance_of("a dict feature -> reason code", Mapping, none=True),
    }

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.classifier_tags.multi_class = False
        return tags

    # ------------------------------------------------------------------ fit
    def _check_params(self) -> PointsScaling:
        validate_params(self)
        return PointsScaling(pdo=self.pdo, base_score=self.base_score, base_odds=self.base_odds)

    def _make_binner(self) -> Any:
        if self.binner is None:
            from overdue_risk.binning import WOEBinner

            return WOEBinner()
        return clone(self.binner)

    def fit(self, X: Any, y: Any, sample_weight: npt.ArrayLike | None = None) -> Scorecard:
        """Bin, select, fit the logistic model and scale it to points.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Raw features (numeric or categorical; missing values allowed).
        y : array-like of shape (n_samples,)
            Two classes; the larger label is the event (bad).
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
        scaling = self._check_params()
        cols = Columns(X)
        self._check_input_features(X, cols, reset=True)
        if cols.n_rows < 2:
            raise DataError(
                f"X has {cols.n_rows} sample(s) (n_samples = {cols.n_rows}); a scorecard needs "
                "data to fit. Pass more rows."
            )
        y01, classes = check_target(self, y)
        if y01.shape[0] != cols.n_rows:
            raise DataError(f"X has {cols.n_rows} rows but y has {y01.shape[0]}. Align them first.")
        w = check_sample_weight(sample_weight, cols.n_rows)
        weighted_events = float(w[y01 == 1].sum())
        if weighted_events == 0 or weighted_events == float(w.sum()):
            raise DataError(
                "y has a single class among the rows with positive sample_weight; a scorecard "
                "needs both events and non-events. Check the target and the weights."
            )
        binner = self._make_binner()
        binner.fit(X, y01, sample_weight=None if sample_weight is None else w)
        names = [str(n) for n in binner.bins_]
        bins = [binner.bins_[n] for n in names]
        self._input_names = names
        Z = np.empty((cols.n_rows, len(names)))
        for j, (n, b) in enumerate(zip(names, bins, strict=True)):
            Z[:, j] = np.asarray(b.woe, dtype=np.float64)[b.bin_index(cols.get(n, j))]
        dropped, keep = self._select(names, bins, Z)
        keep = self._run_selector(names, Z, y01, sample_weight, keep, dropped)
        if not keep:
            raise DataError(
                "no feature is left on the card: "
                + "; ".join(f"{n!r} {why}" for n, why in dropped.items())
                + ". A card without features scores every applicant the same; lower min_iv, "
                "relax the selector, or check the target and the features."
            )
        keep, fit, wrong = self._fit_logistic(names, Z, y01, w, keep, dropped)
        if not keep:
            raise DataError(
                "no feature is left on the card: every coefficient had the wrong sign "
                f"({format_values(wrong)}). Check the binning trends and collinearity, or "
                "set sign_check='report'."
            )
        if not fit.converged:
            warnings.warn(
                f"the logistic model did not converge in max_iter={self.max_iter} Newton "
                "steps (quasi-separation?). Lower C, merge sparse bins or raise max_iter.",
                OverdueRiskWarning,
                stacklevel=2,
            )
        b0, coefs = fit.intercept, fit.coef
        card, mode, intercept_raw = self._scale(scaling, names, bins, keep, fit)
        self.classes_ = classes
        self.binner_ = binner
        self.n_iter_ = fit.n_iter
        self.scaling_ = scaling
        self.card_ = tuple(card)
        self.features_ = [f.name for f in card]
        self.dropped_features_ = dropped
        self.wrong_sign_features_ = tuple(wrong)
        self.intercept_mode_ = mode
        self.intercept_points_raw_ = intercept_raw
        self.intercept_points_ = float(np.round(intercept_raw)) if self.rounding else intercept_raw
        self.rounded_ = bool(self.rounding)
        self.coef_ = coefs.reshape(1, -1)
        self.intercept_ = np.array([b0])
        self.summary_ = fit_summary(
            Z[:, keep],
            y01,
            None if sample_weight is None else w,
            self.features_,
            start_params=np.r_[b0, coefs] if math.isinf(float(self.C)) else None,
        )
        self.target_ = {"name": str(getattr(y, "name", None) or "event"), "definition": None}
        self.overrides_ = list(getattr(binner, "overrides_", []) or [])
        self.is_expert_ = False
        return self

    def _check_input_features(self, X: Any, cols: Columns, *, reset: bool) -> None:
        """Record (``reset``) or check the number and names of the input columns."""
        if cols.kind == "dict":
            if reset:
                self.n_features_in_ = cols.n_columns
                self.feature_names_in_ = np.asarray(cols.names, dtype=object)
            return
        with data_errors(
            type(self).__name__,
            f"The card scores {format_values(getattr(self, 'features_', []))}; pass the "
            "columns it was fitted on.",
        ):
            validate_data(self, X, reset=reset, skip_check_array=True)

    def _scale(
        self,
        scaling: PointsScaling,
        names: list[str],
        bins: list[Any],
        keep: list[int],
        fit: LogisticFit,
    ) -> tuple[list[CardFeature], str, float]:
        """Points per bin from the logistic fit (Notes of the class docstring)."""
        p = len(keep)
        mode = self.intercept_mode if p > 0 else "separate"  # no feature: keep the constant
        shared = scaling.offset - scaling.factor * fit.intercept
        card = []
        for j, c in zip(keep, fit.coef, strict=True):
            raw = -scaling.factor * c * np.asarray(bins[j].woe, dtype=np.float64)
            if mode == "distributed":
                raw = raw + shared / p
            card.append(self._card_feature(names[j], bins[j], raw, float(c)))
        return card, mode, 0.0 if mode == "distributed" else shared

    def _card_feature(self, name: str, fb: Any, raw: FloatArray, coef: float) -> CardFeature:
        labels = tuple(getattr(fb, "labels", ()))
        points = np.round(raw) if self.rounding else raw.copy()
        codes = dict(self.reason_code_map or {})
        return CardFeature(
            name=name,
            kind=str(fb.kind),
            splits=tuple(float(s) for s in getattr(fb, "splits", ()) or ()),
            categories=tuple(tuple(str(c) for c in b) for b in getattr(fb, "categories", ()) or ()),
            special_codes=tuple(float(s) for s in getattr(fb, "special_codes", ()) or ()),
            unseen_policy=str(getattr(fb, "unseen_policy", "missing") or "missing"),
            labels=labels,
            points=points,
            points_raw=raw,
            reason_code=str(codes.get(name, name)),
            woe=np.asarray(fb.woe, dtype=np.float64),
            coefficient=coef,
            event_count=np.asarray(fb.event_count, dtype=np.float64),
            nonevent_count=np.asarray(fb.nonevent_count, dtype=np.float64),
            binning=fb,
        )

    def _select(
        self, names: list[str], bins: list[Any], Z: FloatArray
    ) -> tuple[dict[str, str], list[int]]:
        dropped: dict[str, str] = {}
        keep: list[int] = []
        for j, n in enumerate(names):
            col = Z[:, j]
            if col.size == 0 or np.all(col == col[0]):
                dropped[n] = "constant WOE on the training data (a single bin)"
                continue
            iv = float(getattr(bins[j], "iv", math.nan))
            if self.min_iv is not None and not iv >= float(self.min_iv):
                dropped[n] = f"IV {iv:.4f} below min_iv={float(self.min_iv):g}"
                continue
            keep.append(j)
        if self.max_features is not None and len(keep) > int(self.max_features):
            order = sorted(keep, key=lambda j: (-float(getattr(bins[j], "iv", 0.0)), j))
            kept = set(order[: int(self.max_features)])
            for j in keep:
                if j not in kept:
                    dropped[names[j]] = f"outside the top {int(self.max_features)} by IV"
            keep = [j for j in keep if j in kept]
        return dropped, keep

    def _run_selector(
        self,
        names: list[str],
        Z: FloatArray,
        y: npt.NDArray[np.int64],
        sample_weight: Any,
        keep: list[int],
        dropped: dict[str, str],
    ) -> list[int]:
        """Fit ``selector`` (if any) on the WOE of the kept features; drop what it drops."""
        self.selector_ = None
        if self.selector is None or not keep:
            return keep
        import pandas as pd
        from sklearn.utils.validation import has_fit_parameter

        sel = clone(self.selector)
        frame = pd.DataFrame(Z[:, keep], columns=[names[j] for j in keep])
        if sample_weight is not None and has_fit_parameter(sel, "sample_weight"):
            sel.fit(frame, y, sample_weight=sample_weight)
        else:
            if sample_weight is not None:
                warnings.warn(
                    f"{type(sel).__name__}.fit takes no sample_weight: the selection ran "
                    "unweighted (the binning and the logistic model are weighted).",
                    OverdueRiskWarning,
                    stacklevel=4,
                )
            sel.fit(frame, y)
        support = np.asarray(sel.get_support(), dtype=bool)
        for j, ok in zip(keep, support, strict=True):
            if not ok:
                dropped[names[j]] = f"dropped by {type(sel).__name__} (see selector_.results_)"
        self.selector_ = sel
        return [j for j, ok in zip(keep, support, strict=True) if ok]

    def _fit_logistic(
        self,
        names: list[str],
        Z: FloatArray,
        y: npt.NDArray[np.int64],
        w: FloatArray,
        keep: list[int],
        dropped: dict[str, str],
    ) -> tuple[list[int], LogisticFit, list[str]]:
        wrong: list[str] = []
        while True:
            fit = fit_logistic(Z[:, keep], y, w, C=float(self.C), max_iter=int(self.max_iter))
            bad = [(c, j) for c, j in zip(fit.coef, keep, strict=True) if c > 0]
            if not bad:
                return keep, fit, wrong
            if self.sign_check != "drop":
                wrong.extend(names[j] for _, j in bad)
                if self.sign_check == "warn":
                    listed = ", ".join(f"{names[j]} ({c:+.4g})" for c, j in bad)
                    warnings.warn(
                        f"coefficients with the wrong sign (positive under the WOE "
                        f"convention): {listed}. Check collinearity (summary_.vif) or set "
                        "sign_check='drop'.",
                        OverdueRiskWarning,
                        stacklevel=3,
                    )
                return keep, fit, wrong
            c, j = max(bad)
            wrong.append(names[j])
            dropped[names[j]] = f"wrong coefficient sign ({c:+.4g}; WOE convention needs < 0)"
            keep = [k for k in keep if k != j]

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
        parsed = parse_expert_card(card)
        sc = cls(
            pdo=parsed.scaling.pdo,
            base_score=parsed.scaling.base_score,
            base_odds=parsed.scaling.base_odds,
        )
        feats = parsed.features
        rounded = (
            all(float(v).is_integer() for f in feats for v in f.points)
            and float(parsed.intercept_points).is_integer()
        )
        sc.rounding = rounded
        sc.intercept_mode = "distributed" if parsed.intercept_points == 0 else "separate"
        sc.classes_ = np.array([0, 1])
        sc.binner_ = None
        sc.n_iter_ = 0
        sc.scaling_ = parsed.scaling
        sc.card_ = feats
        sc.features_ = [f.name for f in feats]
        sc.dropped_features_ = {}
        sc.selector_ = None
        sc.wrong_sign_features_ = ()
        sc.intercept_mode_ = sc.intercept_mode
        sc.intercept_points_ = float(parsed.intercept_points)
        sc.intercept_points_raw_ = float(parsed.intercept_points)
        sc.rounded_ = rounded
        sc.coef_ = None
        sc.intercept_ = None
        sc.summary_ = None
        sc.target_ = parsed.target
        sc.overrides_ = []
        sc.n_features_in_ = len(feats)
        sc.feature_names_in_ = np.array(sc.features_, dtype=object)
        sc._input_names = list(sc.features_)
        sc.is_expert_ = True
        sc.name_ = parsed.name
        sc.metadata_ = parsed.metadata
        return sc

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
        from overdue_risk.runtime import Spec, load_spec
        from overdue_risk.scorecard._expert import card_from_spec

        if isinstance(spec, Spec):
            doc = spec.to_dict()
        elif isinstance(spec, Mapping):
            doc = Spec.from_dict(spec).to_dict()
        else:
            doc = load_spec(spec).to_dict()
        return cls.from_expert(card_from_spec(doc))

    # ------------------------------------------------------------------ apply
    def _check_fitted(self) -> None:
        check_fitted(self, "card_")

    def _columns(self, X: Any) -> Columns:
        self._check_fitted()
        cols = Columns(X)
        if cols.kind == "dict" or getattr(self, "is_expert_", False):
            missing = [f for f in self.features_ if f not in cols.names]
            if missing and cols.kind == "array" and cols.n_columns == len(self._input_names):
                missing = []  # a 2-D array in card order
            if missing:
                raise DataError(
                    f"the data lacks columns {format_values(missing)} that the card scores; "
                    f"it has {format_values(cols.names)}. Rename or add those columns."
                )
        elif cols.kind == "frame" and hasattr(self, "feature_names_in_"):
            present = set(cols.names)
            missing = [f for f in self.features_ if f not in present]
            if not missing and present != set(self._input_names):
                # a frame holding every card feature (plus or minus other columns, e.g.
                # loan ids, or only the card's features): read by name
                return cols
            self._check_input_features(X, cols, reset=False)
            if missing:  # pragma: no cover - scikit-learn's check raises first
                raise DataError(f"the data lacks columns {format_values(missing)}.")
        else:
            self._check_input_features(X, cols, reset=False)
        return cols

    def _column(self, cols: Columns, name: str) -> Any:
        """Raw values of input column ``name`` (by name, else by its fitted position)."""
        return cols.get(name, self._input_names.index(name))

    def _slot_matrix(self, X: Any) -> npt.NDArray[np.int64]:
        cols = self._columns(X)
        out = np.empty((cols.n_rows, len(self.card_)), dtype=np.int64)
        for j, f in enumerate(self.card_):
            out[:, j] = f.bin_index(self._column(cols, f.name))
        return out

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
        slots = self._slot_matrix(X)
        out = np.empty(slots.shape, dtype=np.float64)
        for j, f in enumerate(self.card_):
            out[:, j] = (f.points_raw if raw else f.points)[slots[:, j]]
        return out

    def _total(self, X: Any, raw: bool) -> FloatArray:
        pm = self.points_matrix(X, raw=raw)
        total = np.full(pm.shape[0], self.intercept_points_raw_ if raw else self.intercept_points_)
        for j in range(pm.shape[1]):  # card order, left to right: the runtime's summation order
            total = total + pm[:, j]
        return total

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
        total = self._total(X, raw=True)
        return -(total - self.scaling_.offset) / self.scaling_.factor

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
        pm = self.points_matrix(X)
        total = np.full(pm.shape[0], self.intercept_points_)
        for j in range(pm.shape[1]):
            total = total + pm[:, j]
        return ReasonCodes.from_points(
            pm,
            [f.max_points for f in self.card_],
            self.features_,
            [f.reason_code for f in self.card_],
            k,
            total,
        )

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
        import pandas as pd

        self._check_fitted()
        rows: list[dict[str, Any]] = []
        for f in self.card_:
            kinds = f.slot_kinds()
            for i in range(f.n_slots):
                rows.append(
                    {
                        "feature": f.name,
                        "slot": i,
                        "bin": f.labels[i] if i < len(f.labels) else kinds[i],
                        "kind": kinds[i],
                        "woe": math.nan if f.woe is None else float(f.woe[i]),
                        "coefficient": math.nan if f.coefficient is None else f.coefficient,
                        "points": float(f.points[i]),
                        "points_raw": float(f.points_raw[i]),
                        "event_count": math.nan
                        if f.event_count is None
                        else float(f.event_count[i]),
                        "nonevent_count": math.nan
                        if f.nonevent_count is None
                        else float(f.nonevent_count[i]),
                    }
                )
        return pd.DataFrame(rows)

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

        def _obj(o: Any) -> Mapping[str, Any] | None:
            if o is None:
                return None
            if hasattr(o, "to_spec_dict"):
                d: Mapping[str, Any] = o.to_spec_dict()
                return d
            if isinstance(o, Mapping):
                return o
            raise DataError(
                f"expected an object with to_spec_dict() or a dict; got {type(o).__name__}."
            )

        meta: dict[str, Any] = dict(getattr(self, "metadata_", {}) or {})
        meta.update(metadata or {})
        if not getattr(self, "is_expert_", False):
            meta.setdefault("dropped_features", dict(self.dropped_features_))
            meta.setdefault("source", "fitted")
            meta.setdefault(
                "feature_info",
                {
                    f.name: {
                        "coefficient": f.coefficient,
                        "iv": float(getattr(self.binner_.bins_[f.name], "iv", math.nan)),
                        "trend": getattr(self.binner_.bins_[f.name], "trend", None),
                        "n_bins": f.n_bins,
                    }
                    for f in self.card_
                },
            )
            meta.setdefault("n_iter", int(self.n_iter_))
        else:
            meta.setdefault("source", "expert")
        return build_spec(
            self.card_,
            scaling=self.scaling_,
            intercept_points=self.intercept_points_,
            intercept_mode=self.intercept_mode_,
            rounded=self.rounded_,
            name=name or getattr(self, "name_", None) or "scorecard",
            target=target if target is not None else self.target_,
            calibration=_obj(calibrator),
            master_scale=_obj(master_scale),
            overrides=self.overrides_,
            metadata=meta,
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
        self,
        X: Any,
        y: Any,
        X_test: Any = None,
        y_test: Any = None,
        *,
        sample_weight: npt.ArrayLike | None = None,
        sample_weight_test: npt.ArrayLike | None = None,
        max_iter: int = 200,
        random_state: int | None = 0,
        n_threads: int | None = None,
    ) -> Any:
        """Fit a monotonic gradient-boosting challenger and report the Gini gap.

        Parameters and method: :func:`overdue_risk.scorecard.challenger_report`.

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
        from overdue_risk.scorecard._challenger import challenger_report

        return challenger_report(
            self,
            X,
            y,
            X_test,
            y_test,
            sample_weight=sample_weight,
            sample_weight_test=sample_weight_test,
            max_iter=max_iter,
            random_state=random_state,
            n_threads=n_threads,
        )

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
        if X is None:
            if self.summary_ is None:
                raise DataError(
                    "an expert card has no fitted logistic model, hence no statistical "
                    "summary. Fit a Scorecard on data to get coefficients and standard errors."
                )
            if cov_type != "nonrobust":
                raise DataError(
                    f"cov_type={cov_type!r} needs the data: pass X and y to refit the summary."
                )
            return self.summary_
        if y is None:
            raise DataError("X was given without y. Pass both to refit the summary.")
        if getattr(self, "is_expert_", False):
            raise DataError(
                "an expert card has no WOE columns to refit a logistic model on. Validate "
                "it with overdue_risk.metrics / backtest on predict_points instead."
            )
        cols = self._columns(X)
        y01 = check_binary_target(y, pos_label=self.classes_[1])
        Z = np.column_stack(
            [
                np.asarray(f.woe, dtype=np.float64)[f.bin_index(self._column(cols, f.name))]
                for f in self.card_
            ]
        )
        w = None if sample_weight is None else check_sample_weight(sample_weight, len(y01))
        return fit_summary(Z, y01, w, self.features_, cov_type=cov_type)
