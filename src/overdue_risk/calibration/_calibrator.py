"""PDCalibrator: the scikit-learn estimator that maps a score to a PD (logistic, isotonic
or binned), and its spec export.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import validate_data

from overdue_risk._estimator import (
    Rule,
    check_fitted,
    check_target,
    data_errors,
    integer,
    one_of,
    real,
    validate_params,
)
from overdue_risk._validation import FloatArray, check_sample_weight
from overdue_risk.calibration._common import _check_rate, _expit, _logit, _solve_shift
from overdue_risk.exceptions import DataError, SpecError
from overdue_risk.runtime import calibration_block

__all__ = ["PDCalibrator"]


def _fit_logistic(x: FloatArray, y: FloatArray, w: FloatArray) -> tuple[float, float]:
    """Weighted two-parameter logistic regression by Newton-Raphson (IRLS).

    A vanishing ridge (1e-8 per unit weight on the standardised slope) keeps the estimate
    finite when the classes are perfectly separated; it changes nothing measurable
    otherwise.
    """
    mu = float(np.average(x, weights=w))
    sd = float(np.sqrt(np.average((x - mu) ** 2, weights=w)))
    sd = sd if sd > 0 else 1.0
    xs = (x - mu) / sd
    ybar = float(np.clip(np.average(y, weights=w), 1e-12, 1 - 1e-12))
    beta = np.array([math.log(ybar / (1 - ybar)), 0.0])
    lam = 1e-8 * float(w.sum())
    design = np.column_stack([np.ones_like(xs), xs])

    def loss(b: FloatArray) -> float:
        eta = design @ b
        return float(np.sum(w * (np.logaddexp(0.0, eta) - y * eta)) + 0.5 * lam * b[1] ** 2)

    current = loss(beta)
    for _ in range(100):
        p = _expit(design @ beta)
        grad = design.T @ (w * (p - y)) + np.array([0.0, lam * beta[1]])
        hw = w * p * (1 - p)
        hess = design.T @ (design * hw[:, None]) + np.diag([1e-12, lam])
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:
            cand = beta - t * step
            new = loss(cand)
            if new <= current + 1e-15 or t < 1e-10:
                break
            t *= 0.5
        beta, done = cand, abs(current - new) <= 1e-12 * (1 + abs(new))
        current = new
        if done or float(np.max(np.abs(t * step))) < 1e-10:
            break
    slope = float(beta[1] / sd)
    return float(beta[0] - slope * mu), slope


def _weighted_band_edges(x: FloatArray, w: FloatArray, n_bins: int) -> FloatArray:
    """Inner edges of ``n_bins`` equal-weight score bands.

    Weighted quantiles (inverted cdf, so a weight of 2 equals a repeated row), each moved
    half-way to the next distinct score so that the quantile value itself falls in the
    lower band (a split between 49 and 50, not at 49).
    """
    pos = w > 0
    xv, wv = x[pos], w[pos]
    qs = np.quantile(xv, np.linspace(0.0, 1.0, n_bins + 1)[1:-1], weights=wv, method="inverted_cdf")
    distinct = np.unique(xv)
    nxt_idx = np.searchsorted(distinct, qs, side="right")
    has_next = nxt_idx < distinct.size
    edges = (qs[has_next] + distinct[nxt_idx[has_next]]) / 2.0
    out: FloatArray = np.unique(edges)
    return out


# ----------------------------------------------------------------------------- estimator
_RATE = Rule(
    "a rate in (0, 1) (0.05 for 5%, not a percentage)",
    real(0, 1, closed="neither").accepts,
    none=True,
)


class PDCalibrator(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Map scores (total points) or raw probabilities to calibrated PDs.

    Parameters
    ----------
    method : {"logistic", "isotonic", "binned"}, default="logistic"
        ``"logistic"``: PD = 1 / (1 + exp(-(intercept + slope * x))) fitted by maximum
        likelihood (Platt scaling; with ``input_type="probability"``, x = logit(p) and this is
        Cox's intercept-and-slope recalibration). ``"isotonic"``: the monotone
        (pool-adjacent-violators) step function, interpolated linearly between its
        thresholds and flat beyond the ends. ``"binned"``: the default rate of each of
        ``n_bins`` score bands (equal-weight bands of the training scores, split half-way
        between neighbouring scores).
    input_type : {"score", "probability"}, default="score"
        What ``X`` holds. Only ``"score"`` calibrators can be exported to a scoring spec
        (whose calibration takes the total points).
    n_bins : int, default=10
        Number of bands for ``method="binned"``.
    pd_floor : float, default=1e-4
        Isotonic and binned PDs are clipped to ``[pd_floor, 1 - pd_floor]``, so no grade or
        band gets a PD of exactly 0 or 1. Logistic PDs are kept inside
        ``[PD_EPS, 1 - PD_EPS]`` (``PD_EPS = 1e-15``, the runtime's clip): the formula rounds
        to exactly 0 or 1 for extreme scores, which the PD backtests rightly refuse.
    central_tendency : float or None, default=None
        If set, after fitting the mapping is shifted in log-odds so that the mean PD over
        the TRAINING scores equals this target (e.g. the long-run default rate); the
        shift is solved with Brent's method on the fitted mapping itself.
    population_default_rate : float or None, default=None
        If set, the Bayes prior correction from the training sample's (weighted) default
        rate to this population rate is applied (a closed-form log-odds shift). Exclusive
        with ``central_tendency``.
    pos_label : scalar or None, default=None
        The label of ``y`` that marks a default, e.g. ``"bad"``. Needed unless ``y`` holds
        0/1 or bools: which of two other labels is the default is never guessed.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        Class labels as ``[non-default, default]``; ``classes_[1]`` is the default.
    n_features_in_ : int
        Columns of ``X``. With several columns their row sum is the score (e.g. the
        points of each feature).
    intercept_, slope_ : float
        Logistic mapping (``method="logistic"``), shift included.
    x_thresholds_, y_thresholds_ : ndarray
        Isotonic mapping (``method="isotonic"``), shift included.
    bin_edges_, bin_pd_ : ndarray
        Binned mapping: inner edges and PD per band (``method="binned"``), shift included.
    shift_ : float
        Log-odds shift applied by ``central_tendency`` / ``population_default_rate`` (0.0
        when neither is set).
    sample_default_rate_ : float
        Weighted default rate of the training sample.

    See Also
    --------
    MasterScale : grades on top of the calibrated PDs.
    overdue_risk.backtest.jeffreys_test : backtest the PDs afterwards.

    References
    ----------
    .. [1] Platt, J. (1999). Probabilistic outputs for support vector machines and
       comparisons to regularized likelihood methods. In Advances in Large Margin
       Classifiers, MIT Press, 61-74.
    .. [2] Zadrozny, B., Elkan, C. (2002). Transforming classifier scores into accurate
       multiclass probability estimates. KDD 2002, 694-699.
    .. [3] Cox, D. R. (1958). Two further applications of a model for binary regression.
       Biometrika 45(3/4), 562-565.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> points = rng.normal(600, 50, size=(2000, 1))
    >>> y = rng.random(2000) < 1 / (1 + np.exp(-(6.0 - 0.015 * points[:, 0])))
    >>> cal = PDCalibrator(central_tendency=0.05).fit(points, y.astype(int))
    >>> round(float(cal.predict_pd(points).mean()), 6)
    0.05
    >>> cal.to_spec_dict()["method"]
    'logistic'
    """

    def __init__(
        self,
        method: str = "logistic",
        *,
        input_type: str = "score",
        n_bins: int = 10,
        pd_floor: float = 1e-4,
        central_tendency: float | None = None,
        population_default_rate: float | None = None,
        pos_label: Any = None,
    ) -> None:
        self.method = method
        self.input_type = input_type
        self.n_bins = n_bins
        self.pd_floor = pd_floor
        self.central_tendency = central_tendency
        self.population_default_rate = population_default_rate
        self.pos_label = pos_label

    _param_rules = {  # noqa: RUF012 - read-only class table of parameter rules
        "method": one_of("logistic", "isotonic", "binned"),
        "input_type": one_of("score", "probability"),
        "n_bins": integer(low=1),
        "pd_floor": real(0, 0.5, closed="neither"),
        "central_tendency": _RATE,
        "population_default_rate": _RATE,
    }

    # -- scikit-learn plumbing
    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.poor_score = True
        return tags

    def _validate_params_(self) -> None:
        validate_params(self)
        if self.central_tendency is not None and self.population_default_rate is not None:
            raise DataError(
                "set either central_tendency (target mean PD on the current scores) or "
                "population_default_rate (Bayes prior correction), not both."
            )
        if self.central_tendency is not None:
            _check_rate(self.central_tendency, "central_tendency")
        if self.population_default_rate is not None:
            _check_rate(self.population_default_rate, "population_default_rate")

    def _score(self, X: Any, *, reset: bool) -> FloatArray:
        with data_errors(
            "PDCalibrator",
            "X must hold finite numeric scores (total points or probabilities), one row per "
            "application: score the applications with the scorecard first.",
        ):
            Xv = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=True)
        s: FloatArray = np.asarray(Xv, dtype=np.float64).sum(axis=1)
        if self.input_type == "probability":
            bad = (s < 0) | (s > 1)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise DataError(
                    f"input_type='probability' needs X in [0, 1]; row {i} is {s[i]!r}. Pass raw "
                    "model probabilities, or use input_type='score' for points."
                )
            if self.method == "logistic":
                eps = 1e-12
                s = _logit(np.clip(s, eps, 1 - eps))
        return s

    # -- fitting
    def fit(self, X: Any, y: Any, sample_weight: npt.ArrayLike | None = None) -> PDCalibrator:
        """Fit the score-to-PD mapping.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Scores in one column (``points.reshape(-1, 1)`` or a one-column frame); with
            several columns their row sum is the score.
        y : array-like of shape (n_samples,)
            Default flag: 0/1 or bool, or two labels with ``pos_label``.
        sample_weight : array-like of shape (n_samples,), optional
            Observation weights.

        Returns
        -------
        PDCalibrator
            The fitted calibrator.

        Examples
        --------
        >>> cal = PDCalibrator().fit([[500.0], [550.0], [600.0], [650.0]], [1, 1, 0, 1])
        >>> cal.classes_.tolist(), round(cal.sample_default_rate_, 2)
        ([0, 1], 0.75)
        """
        self._validate_params_()
        if y is None:
            check_target(self, y)  # raises, naming the estimator
        x = self._score(X, reset=True)
        y01, classes = check_target(self, y)
        if y01.shape[0] != x.shape[0]:
            raise DataError(
                f"X has {x.shape[0]} rows but y has {y01.shape[0]}. Pass one target per row."
            )
        self.classes_ = classes
        yb = y01.astype(np.float64)
        w = check_sample_weight(sample_weight, x.size)
        self.sample_default_rate_ = float(np.average(yb, weights=w))
        floor = float(self.pd_floor)
        if self.method == "logistic":
            self.intercept_, self.slope_ = _fit_logistic(x, yb, w)
        elif self.method == "isotonic":
            from sklearn.isotonic import IsotonicRegression

            # fit both directions and keep the better one (instead of scikit-learn's
            # Spearman-based "auto", which warns on weak scores)
            best: Any = None
            best_sse = math.inf
            for increasing in (True, False):
                cand = IsotonicRegression(
                    increasing=increasing, out_of_bounds="clip", y_min=floor, y_max=1.0 - floor
                ).fit(x, yb, sample_weight=w)
                sse = float(np.sum(w * (cand.predict(x) - yb) ** 2))
                if sse < best_sse - 1e-12:
                    best, best_sse = cand, sse
            iso = best
            self.x_thresholds_ = np.asarray(iso.X_thresholds_, dtype=np.float64)
            self.y_thresholds_ = np.clip(np.asarray(iso.y_thresholds_), floor, 1.0 - floor)
        else:
            edges = _weighted_band_edges(x, w, int(self.n_bins))
            idx = np.searchsorted(edges, x, side="right")
            k = edges.size + 1
            tot = np.bincount(idx, weights=w, minlength=k)
            bad = np.bincount(idx, weights=w * yb, minlength=k)
            rate = np.where(tot > 0, bad / np.where(tot > 0, tot, 1.0), self.sample_default_rate_)
            self.bin_edges_ = edges
            self.bin_pd_ = np.clip(rate, floor, 1.0 - floor)
        self.shift_ = 0.0
        if self.central_tendency is not None:
            target = float(self.central_tendency)
            self.shift_ = _solve_shift(
                lambda d: float(np.average(self._predict_from(x, d), weights=w)), target
            )
        elif self.population_default_rate is not None:
            pi = float(self.population_default_rate)
            s = min(max(self.sample_default_rate_, 1e-12), 1 - 1e-12)
            self.shift_ = math.log(pi / (1 - pi)) - math.log(s / (1 - s))
        self._apply_shift(self.shift_)
        return self

    def _predict_from(self, x: FloatArray, shift: float) -> FloatArray:
        """PDs of the UNshifted fitted mapping, shifted by ``shift`` in log-odds."""
        if self.method == "logistic":
            # the runtime's formula, so spec PDs equal these bit for bit
            from overdue_risk.runtime._spec import logistic_pd

            return logistic_pd(self.intercept_ + shift, self.slope_, x)  # clipped there
        if self.method == "isotonic":
            ys = _expit(_logit(self.y_thresholds_) + shift) if shift else self.y_thresholds_
            return np.interp(x, self.x_thresholds_, ys)
        table = _expit(_logit(self.bin_pd_) + shift) if shift else self.bin_pd_
        out: FloatArray = table[np.searchsorted(self.bin_edges_, x, side="right")]
        return out

    def _apply_shift(self, shift: float) -> None:
        if not shift:
            return
        if self.method == "logistic":
            self.intercept_ = float(self.intercept_ + shift)
        elif self.method == "isotonic":
            self.y_thresholds_ = _expit(_logit(self.y_thresholds_) + shift)
        else:
            self.bin_pd_ = _expit(_logit(self.bin_pd_) + shift)

    def shifted_to_central_tendency(
        self, X: Any, target: float, *, sample_weight: npt.ArrayLike | None = None
    ) -> PDCalibrator:
        """A copy whose PDs average ``target`` over the scores ``X`` (e.g. today's book).

        ``central_tendency`` solves the log-odds shift on the TRAINING scores; this method
        solves it on any score distribution -- typically the current portfolio, when the
        calibration sample is older or differently composed. The shift is applied to the
        fitted mapping (intercept, isotonic or band PDs), so the copy exports to the spec
        as usual; its parameters still describe the original fit.

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_features)
            Scores of the portfolio the target applies to.
        target : float
            Target average PD, in (0, 1).
        sample_weight : array-like of shape (n_samples,), optional
            Weights of the average (e.g. exposure).

        Returns
        -------
        PDCalibrator
            A fitted copy; ``shift_`` accumulates the shifts.

        Examples
        --------
        >>> cal = PDCalibrator().fit([[500.0], [550.0], [600.0], [650.0]], [1, 1, 0, 1])
        >>> today = [520.0, 610.0, 640.0]
        >>> new = cal.shifted_to_central_tendency(today, 0.2)
        >>> round(float(new.predict_pd(today).mean()), 6)
        0.2
        """
        check_fitted(self, "shift_")
        t = _check_rate(target, "target")
        x = self._score(self._as_2d(X), reset=False)
        w = check_sample_weight(sample_weight, x.size)
        delta = _solve_shift(lambda d: float(np.average(self._predict_from(x, d), weights=w)), t)
        new = copy.deepcopy(self)
        new._apply_shift(delta)
        new.shift_ = float(self.shift_ + delta)
        return new

    @staticmethod
    def _as_2d(X: Any) -> Any:
        arr = np.asarray(X) if not hasattr(X, "columns") else X
        if isinstance(arr, np.ndarray) and arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        return arr

    # -- prediction
    def predict_pd(self, X: Any) -> FloatArray:
        """Calibrated PDs.

        Parameters
        ----------
        X : array-like of shape (n_samples,) or (n_samples, n_features)
            Scores; a 1-D array is one score per row (this method, unlike
            ``predict_proba``, accepts it).

        Returns
        -------
        ndarray of shape (n_samples,)
            PDs in (0, 1).

        Examples
        --------
        >>> cal = PDCalibrator(method="binned", n_bins=2).fit([[1], [2], [3], [4]], [0, 0, 1, 1])
        >>> cal.predict_pd([1.5, 3.5]).tolist()
        [0.0001, 0.9999]
        """
        check_fitted(self, "shift_")
        x = self._score(self._as_2d(X), reset=False)
        return self._predict_from(x, 0.0)

    def predict_proba(self, X: Any) -> FloatArray:
        """Class probabilities ``[1 - PD, PD]`` (scikit-learn convention).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Scores.

        Returns
        -------
        ndarray of shape (n_samples, 2)

        Examples
        --------
        >>> cal = PDCalibrator(method="binned", n_bins=2).fit([[1], [2], [3], [4]], [0, 1, 1, 1])
        >>> cal.predict_proba([[1.0], [4.0]]).round(4).tolist()
        [[0.5, 0.5], [0.0001, 0.9999]]
        """
        check_fitted(self, "shift_")
        p = self._predict_from(self._score(X, reset=False), 0.0)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> npt.NDArray[Any]:
        """Class label with the larger probability (default when PD > 0.5).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Scores.

        Returns
        -------
        ndarray of shape (n_samples,)

        Examples
        --------
        >>> cal = PDCalibrator(method="binned", n_bins=2).fit([[1], [2], [3], [4]], [0, 0, 1, 1])
        >>> cal.predict([[1.0], [4.0]]).tolist()
        [0, 1]
        """
        proba = self.predict_proba(X)
        out: npt.NDArray[Any] = self.classes_[np.argmax(proba, axis=1)]
        return out

    # -- export
    def to_spec_dict(self) -> dict[str, Any]:
        """The ``calibration`` object of the scoring spec (input: total points).

        Returns
        -------
        dict
            ``{"method": "logistic", "intercept", "slope"}``, ``{"method": "isotonic",
            "x", "y"}`` or ``{"method": "binned", "edges", "pd"}`` with plain floats.

        Raises
        ------
        SpecError
            For ``input_type="probability"`` (a spec calibrates points) or several input
            columns (the spec's input is one total score).

        Examples
        --------
        >>> cal = PDCalibrator().fit([[500.0], [550.0], [600.0], [650.0]], [1, 0, 1, 0])
        >>> sorted(cal.to_spec_dict())
        ['intercept', 'method', 'slope']
        """
        check_fitted(self, "shift_")
        if self.input_type != "score":
            raise SpecError(
                "a scoring spec's calibration takes the total points; this calibrator was "
                "fitted with input_type='probability'. Refit it on points to export it."
            )
        if self.n_features_in_ != 1:
            raise SpecError(
                f"a scoring spec's calibration takes one total score; this calibrator was "
                f"fitted on {self.n_features_in_} columns. Fit it on the total points."
            )
        if self.method == "logistic":
            return calibration_block(
                "logistic", intercept=float(self.intercept_), slope=float(self.slope_)
            )
        if self.method == "isotonic":
            return calibration_block(
                "isotonic", x=self.x_thresholds_.tolist(), y=self.y_thresholds_.tolist()
            )
        return calibration_block("binned", x=self.bin_edges_.tolist(), y=self.bin_pd_.tolist())
