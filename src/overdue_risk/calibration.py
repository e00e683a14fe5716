"""From scores to PDs: calibration, central-tendency and prior corrections, master scales.

- :class:`PDCalibrator` (a scikit-learn estimator) maps a score -- the scorecard's total
  points, or a model's raw probability -- to a PD with a logistic (intercept and slope),
  isotonic or binned mapping. Its ``to_spec_dict()`` is the ``calibration`` object of the
  scoring spec (docs/spec_format.md).
- :func:`central_tendency_shift` / :func:`calibrate_to_central_tendency` move PDs so that
  the portfolio average equals a target long-run default rate (one log-odds shift, solved
  on the current score distribution); :func:`prior_correction` is the closed-form Bayes
  correction for a development sample whose bad rate differs from the population's.
- :class:`MasterScale` holds rating grades with PD boundaries, assigns grades, calibrates
  each grade's PD to its long-run default rate, and exports the spec's ``master_scale``.

Which correction when?
    Use :func:`prior_correction` when the DEVELOPMENT SAMPLE was drawn with a different
    bad rate than the population it represents (bads over-sampled, goods down-sampled,
    a reject-inference augmentation): the score's ranking is right, only the base rate is
    off by a known ratio, and Bayes' rule fixes it exactly (Elkan 2001; Saerens et al.
    2002). Use central-tendency calibration when the SAMPLE IS REPRESENTATIVE but its
    default rate is not the one the PDs must average to -- a through-the-cycle long-run
    average for capital, or a forward-looking rate for provisioning: the shift is then
    solved on the current score distribution, because the mean of the PDs depends on how
    the obligors are spread over the scores, not on the sample bad rate alone.

Examples
--------
>>> import numpy as np
>>> from overdue_risk.calibration import PDCalibrator
>>> points = np.array([[520.0], [560.0], [600.0], [640.0], [680.0], [700.0]])
>>> y = np.array([1, 1, 0, 1, 0, 0])
>>> cal = PDCalibrator().fit(points, y)
>>> bool(cal.slope_ < 0)
True
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from overdue_risk._results import Result
from overdue_risk._validation import check_probability, check_sample_weight, format_values
from overdue_risk.exceptions import DataError, OverdueRiskWarning, SpecError

__all__ = [
    "MasterScale",
    "PDCalibrator",
    "calibrate_to_central_tendency",
    "central_tendency_shift",
    "prior_correction",
]

FloatArray = npt.NDArray[np.float64]


# ----------------------------------------------------------------------------- helpers
def _logit(p: FloatArray) -> FloatArray:
    from scipy.special import logit

    out: FloatArray = np.asarray(logit(p), dtype=np.float64)
    return out


def _expit(z: FloatArray) -> FloatArray:
    from scipy.special import expit

    out: FloatArray = np.asarray(expit(z), dtype=np.float64)
    return out


def _check_rate(value: Any, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be a number in (0, 1); got {value!r}.") from None
    if not 0.0 < v < 1.0:
        raise DataError(
            f"{name} must lie in (0, 1); got {value!r}. Pass a rate such as 0.035, not a "
            "percentage."
        )
    return v


def _solve_shift(mean_of: Callable[[float], float], target: float) -> float:
    """Root of mean_of(delta) = target; mean_of is increasing in the log-odds shift."""
    from scipy.optimize import brentq

    lo, hi = -1.0, 1.0
    for _ in range(60):
        if mean_of(lo) <= target:
            break
        lo *= 2.0
    for _ in range(60):
        if mean_of(hi) >= target:
            break
        hi *= 2.0
    f_lo, f_hi = mean_of(lo) - target, mean_of(hi) - target
    if f_lo > 0 or f_hi < 0:
        raise DataError(
            f"no log-odds shift moves the mean PD to {target!r}: the PDs are stuck at 0 or 1. "
            "Check the calibrated PDs."
        )
    return float(brentq(lambda d: mean_of(d) - target, lo, hi, xtol=1e-12, rtol=1e-12))


def central_tendency_shift(
    pd: npt.ArrayLike, target: float, *, sample_weight: npt.ArrayLike | None = None
) -> float:
    """Log-odds shift that makes the (weighted) mean PD equal ``target``.

    Solves mean(expit(logit(pd) + delta)) = target with Brent's method. The mean of the
    shifted PDs is strictly increasing in delta, so the root is unique.

    Parameters
    ----------
    pd : array-like of shape (n,)
        Current PDs, in (0, 1), of the portfolio the target applies to.
    target : float
        Target average PD (e.g. the long-run average default rate), in (0, 1).
    sample_weight : array-like of shape (n,), optional
        Weights (e.g. exposure for an exposure-weighted central tendency).

    Returns
    -------
    float
        The shift delta to add to every log-odds.

    References
    ----------
    .. [1] Brent, R. P. (1973). Algorithms for Minimization without Derivatives.
       Prentice-Hall, chapter 4.
    .. [2] European Banking Authority (2017). Guidelines on PD estimation, LGD estimation
       and the treatment of defaulted exposures, EBA/GL/2017/16, section 5.3.5
       (calibration to the long-run average default rate).

    Examples
    --------
    >>> round(central_tendency_shift([0.01, 0.02, 0.05], 0.04), 4)
    0.4251
    """
    p = check_probability(np.asarray(pd, dtype=np.float64).reshape(-1), "pd", open_interval=True)
    if p.size == 0:
        raise DataError("pd is empty; pass the PDs of the portfolio the target applies to.")
    t = _check_rate(target, "target")
    w = check_sample_weight(sample_weight, p.size)
    z = _logit(p)
    return _solve_shift(lambda d: float(np.average(_expit(z + d), weights=w)), t)


def calibrate_to_central_tendency(
    pd: npt.ArrayLike, target: float, *, sample_weight: npt.ArrayLike | None = None
) -> FloatArray:
    """Shift PDs in log-odds so that their (weighted) mean equals ``target``.

    Ranking is preserved (the shift is monotone) and PDs stay in (0, 1).

    Parameters
    ----------
    pd : array-like of shape (n,)
        PDs in (0, 1).
    target : float
        Target average PD in (0, 1).
    sample_weight : array-like of shape (n,), optional
        Weights of the average.

    Returns
    -------
    ndarray of shape (n,)
        The shifted PDs.

    See Also
    --------
    central_tendency_shift : the shift itself.
    prior_correction : the closed form for a development sample drawn at another bad rate.

    Examples
    --------
    >>> out = calibrate_to_central_tendency([0.01, 0.02, 0.05], 0.04)
    >>> round(float(out.mean()), 10)
    0.04
    """
    p = check_probability(np.asarray(pd, dtype=np.float64).reshape(-1), "pd", open_interval=True)
    delta = central_tendency_shift(p, target, sample_weight=sample_weight)
    return _expit(_logit(p) + delta)


def prior_correction(
    pd: npt.ArrayLike, *, sample_default_rate: float, population_default_rate: float
) -> FloatArray:
    """Bayes correction of PDs estimated on a sample with another default rate.

    p' = expit(logit(p) + logit(pi_population) - logit(pi_sample)), i.e. the posterior odds
    are rescaled by the ratio of prior odds (Elkan 2001, Theorem 2; Saerens, Latinne &
    Decaestecker 2002, eq. 2.4). Exact when only the class priors differ between the
    sample and the population (the score distributions within goods and within bads are
    the same), e.g. when bads were over-sampled for development.

    Parameters
    ----------
    pd : array-like of shape (n,)
        PDs estimated on the development sample, in (0, 1).
    sample_default_rate : float
        Default rate of the development sample.
    population_default_rate : float
        Default rate of the population the PDs must describe.

    Returns
    -------
    ndarray of shape (n,)

    References
    ----------
    .. [1] Elkan, C. (2001). The foundations of cost-sensitive learning. IJCAI 2001,
       973-978.
    .. [2] Saerens, M., Latinne, P., Decaestecker, C. (2002). Adjusting the outputs of a
       classifier to new a priori probabilities: a simple procedure. Neural Computation
       14(1), 21-41.

    Examples
    --------
    >>> out = prior_correction([0.5], sample_default_rate=0.5, population_default_rate=0.1)
    >>> round(float(out[0]), 4)
    0.1
    """
    p = check_probability(np.asarray(pd, dtype=np.float64).reshape(-1), "pd", open_interval=True)
    s = _check_rate(sample_default_rate, "sample_default_rate")
    pi = _check_rate(population_default_rate, "population_default_rate")
    return _expit(_logit(p) + math.log(pi / (1 - pi)) - math.log(s / (1 - s)))


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
        band gets a PD of exactly 0 or 1.
    central_tendency : float or None, default=None
        If set, after fitting the mapping is shifted in log-odds so that the mean PD over
        the TRAINING scores equals this target (e.g. the long-run default rate); the
        shift is solved with Brent's method on the fitted mapping itself.
    population_default_rate : float or None, default=None
        If set, the Bayes prior correction from the training sample's (weighted) default
        rate to this population rate is applied (a closed-form log-odds shift). Exclusive
        with ``central_tendency``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        Class labels; ``classes_[1]`` is the default (event) class, as in scikit-learn.
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
    ) -> None:
        self.method = method
        self.input_type = input_type
        self.n_bins = n_bins
        self.pd_floor = pd_floor
        self.central_tendency = central_tendency
        self.population_default_rate = population_default_rate

    # -- scikit-learn plumbing
    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.poor_score = True
        return tags

    def _validate_params_(self) -> None:
        if self.method not in ("logistic", "isotonic", "binned"):
            raise DataError(
                f"method must be one of ['logistic', 'isotonic', 'binned']; got {self.method!r}."
            )
        if self.input_type not in ("score", "probability"):
            raise DataError(
                f"input_type must be 'score' or 'probability'; got {self.input_type!r}."
            )
        if (
            isinstance(self.n_bins, bool)
            or not isinstance(self.n_bins, int | np.integer)
            or self.n_bins < 1
        ):
            raise DataError(f"n_bins must be a positive integer; got {self.n_bins!r}.")
        if not 0.0 < float(self.pd_floor) < 0.5:
            raise DataError(f"pd_floor must lie in (0, 0.5); got {self.pd_floor!r}.")
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
        try:
            Xv = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=True)
        except ValueError as exc:
            if "could not convert" not in str(exc):
                raise
            raise DataError(
                f"X must hold numeric scores (total points or probabilities); {exc}. Score "
                "the applications with the scorecard first."
            ) from None
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
            Binary target; the larger label (1 for a 0/1 flag) is the default.
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
        from sklearn.utils.multiclass import check_classification_targets, type_of_target
        from sklearn.utils.validation import column_or_1d

        self._validate_params_()
        if y is None:
            raise DataError(
                "PDCalibrator requires y to be passed, but the target y is None. Pass the "
                "default flags (0/1) of the rows of X."
            )
        x = self._score(X, reset=True)
        y_raw = np.asarray(y)
        if y_raw.dtype.kind in "fc" and not np.all(np.isfinite(y_raw)):
            raise DataError(
                "Input y contains NaN or infinity; a default flag must be 0 or 1 on every "
                "row. Drop the rows without an observed outcome."
            )
        y_arr = column_or_1d(y, warn=True)
        if y_arr.shape[0] != x.shape[0]:
            raise DataError(
                f"X has {x.shape[0]} rows but y has {y_arr.shape[0]}. Pass one target per row."
            )
        check_classification_targets(y_arr)
        classes = np.unique(y_arr)
        if classes.size > 2:
            raise DataError(
                "Only binary classification is supported. The type of the target is "
                f"{type_of_target(y_arr)}: got classes {format_values(classes.tolist())}. "
                "Map the target to a 0/1 default flag."
            )
        if classes.size < 2:
            raise DataError(
                f"y has one class only ({classes.tolist()}); a PD calibration needs both "
                "defaults and non-defaults."
            )
        self.classes_ = classes
        yb = (y_arr == classes[1]).astype(np.float64)
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

            return logistic_pd(self.intercept_ + shift, self.slope_, x)
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
        check_is_fitted(self, "shift_")
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
        check_is_fitted(self, "shift_")
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
        check_is_fitted(self, "shift_")
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
        check_is_fitted(self, "shift_")
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
            return {
                "method": "logistic",
                "intercept": float(self.intercept_),
                "slope": float(self.slope_),
            }
        if self.method == "isotonic":
            return {
                "method": "isotonic",
                "x": [float(v) for v in self.x_thresholds_],
                "y": [float(v) for v in self.y_thresholds_],
            }
        return {
            "method": "binned",
            "edges": [float(v) for v in self.bin_edges_],
            "pd": [float(v) for v in self.bin_pd_],
        }


# ----------------------------------------------------------------------------- master scale
def _default_grade_names(k: int) -> tuple[str, ...]:
    if k <= 26:
        return tuple(chr(ord("A") + i) for i in range(k))
    return tuple(str(i + 1) for i in range(k))


@dataclass(frozen=True)
class MasterScale(Result):
    """Rating grades with PD boundaries and a calibrated PD per grade.

    Grade ``i`` holds PDs with ``upper_pd[i-1] < pd <= upper_pd[i]`` (the spec's rule,
    ``numpy.searchsorted(upper_pd, pd, side="left")``); the last boundary is 1.0. Build
    one with :meth:`from_boundaries` or :meth:`geometric`.

    Parameters
    ----------
    grades : tuple of str
        Grade names, best grade first.
    upper_pd : tuple of float
        Upper PD boundary of each grade, strictly increasing, ending at 1.0.
    pd : tuple of float
        Calibrated PD of each grade, in (0, 1].

    See Also
    --------
    PDCalibrator : the PDs to grade.

    References
    ----------
    .. [1] Basel Committee on Banking Supervision (2006). International Convergence of
       Capital Measurement and Capital Standards, paragraphs 403-404 (rating grades) and
       447 (long-run averages of one-year default rates).

    Examples
    --------
    >>> ms = MasterScale.from_boundaries([0.01, 0.05, 0.2])
    >>> ms.grades
    ('A', 'B', 'C', 'D')
    >>> ms.assign([0.005, 0.01, 0.03, 0.5]).tolist()
    ['A', 'A', 'B', 'D']
    """

    grades: tuple[str, ...]
    upper_pd: tuple[float, ...]
    pd: tuple[float, ...]

    def __post_init__(self) -> None:
        k = len(self.grades)
        if k == 0 or len(self.upper_pd) != k or len(self.pd) != k:
            raise DataError(
                f"grades, upper_pd and pd need one entry per grade; got {len(self.grades)}, "
                f"{len(self.upper_pd)}, {len(self.pd)}."
            )
        if len(set(self.grades)) != k:
            raise DataError(f"grade names must be unique; got {format_values(self.grades)}.")
        up = np.asarray(self.upper_pd, dtype=float)
        if not np.all(np.isfinite(up)) or up[0] <= 0 or np.any(np.diff(up) <= 0):
            raise DataError(
                f"upper_pd must be positive and strictly increasing; got {format_values(up)}."
            )
        if up[-1] != 1.0:
            raise DataError(
                f"the last grade must close the scale at 1.0; got upper_pd[-1] = {up[-1]!r}. "
                "Append 1.0 (from_boundaries does it for you)."
            )
        p = np.asarray(self.pd, dtype=float)
        if not np.all(np.isfinite(p)) or (p <= 0).any() or (p > 1).any():
            raise DataError(f"grade PDs must lie in (0, 1]; got {format_values(p)}.")

    # -- constructors
    @classmethod
    def from_boundaries(
        cls,
        upper_pd: Sequence[float],
        *,
        grades: Sequence[str] | None = None,
        pd: Sequence[float] | None = None,
    ) -> MasterScale:
        """Build a scale from upper PD boundaries.

        Parameters
        ----------
        upper_pd : sequence of float
            Strictly increasing upper boundaries. If the last is below 1.0, a final grade
            up to 1.0 is appended.
        grades : sequence of str, optional
            Names (default "A", "B", ...).
        pd : sequence of float, optional
            Grade PDs (default: the geometric mean of each grade's bounds; the first
            grade's lower bound is taken as its upper bound over the ratio of the next
            grade's bounds, the last grade's PD is the geometric mean of its lower bound
            and 1).

        Returns
        -------
        MasterScale

        Examples
        --------
        >>> MasterScale.from_boundaries([0.01, 0.04, 1.0]).pd
        (0.005, 0.02, 0.2)
        """
        up = [float(v) for v in upper_pd]
        if not up:
            raise DataError("upper_pd is empty; pass at least one boundary.")
        if up[-1] < 1.0:
            up.append(1.0)
        k = len(up)
        names = tuple(str(g) for g in grades) if grades is not None else _default_grade_names(k)
        if pd is None:
            lows = [0.0, *up[:-1]]
            pds = []
            for i in range(k):
                lo = lows[i]
                if lo <= 0.0:
                    ratio = up[i + 1] / up[i] if k > 1 and up[i] > 0 else 4.0
                    lo = up[i] / ratio
                pds.append(math.sqrt(lo * up[i]))
            pd_t = tuple(pds)
        else:
            pd_t = tuple(float(v) for v in pd)
        return cls(names, tuple(up), pd_t)

    @classmethod
    def geometric(
        cls,
        n_grades: int,
        *,
        floor: float = 0.0003,
        cap: float = 0.3,
        grades: Sequence[str] | None = None,
    ) -> MasterScale:
        """A scale whose grade PDs grow geometrically from ``floor`` to ``cap``.

        Grade PDs are floor * r^i (i = 0..n-1, r = (cap / floor)^(1 / (n - 1))); the
        boundary between two grades is the geometric mean of their PDs; the last grade
        runs up to 1.0.

        Parameters
        ----------
        n_grades : int
            Number of grades (at least 2).
        floor : float, default=0.0003
            PD of the best grade (the Basel PD floor of 3 basis points by default).
        cap : float, default=0.3
            PD of the worst grade.
        grades : sequence of str, optional
            Names (default "A", "B", ...).

        Returns
        -------
        MasterScale

        Examples
        --------
        >>> ms = MasterScale.geometric(3, floor=0.01, cap=0.16)
        >>> ms.pd
        (0.01, 0.04, 0.16)
        >>> ms.upper_pd
        (0.02, 0.08, 1.0)
        """
        if isinstance(n_grades, bool) or int(n_grades) != n_grades or n_grades < 2:
            raise DataError(f"n_grades must be an integer >= 2; got {n_grades!r}.")
        lo, hi = _check_rate(floor, "floor"), _check_rate(cap, "cap")
        if lo >= hi:
            raise DataError(f"floor must be below cap; got floor={floor!r}, cap={cap!r}.")
        k = int(n_grades)
        r = (hi / lo) ** (1.0 / (k - 1))
        pds = [lo * r**i for i in range(k)]
        pds[-1] = hi
        ups = [math.sqrt(pds[i] * pds[i + 1]) for i in range(k - 1)] + [1.0]
        pds_r = tuple(float(f"{v:.12g}") for v in pds)
        ups_r = tuple(float(f"{v:.12g}") for v in ups)
        names = tuple(str(g) for g in grades) if grades is not None else _default_grade_names(k)
        return cls(names, ups_r, pds_r)

    @classmethod
    def from_spec_dict(cls, d: Mapping[str, Any]) -> MasterScale:
        """Inverse of :meth:`to_spec_dict`.

        Examples
        --------
        >>> ms = MasterScale.geometric(4)
        >>> MasterScale.from_spec_dict(ms.to_spec_dict()) == ms
        True
        """
        try:
            return cls(
                tuple(str(g) for g in d["grades"]),
                tuple(float(v) for v in d["upper_pd"]),
                tuple(float(v) for v in d.get("pd", d["upper_pd"])),
            )
        except (KeyError, TypeError) as exc:
            raise SpecError(
                f"master_scale needs 'grades', 'upper_pd' and 'pd' lists; got keys "
                f"{sorted(d) if isinstance(d, Mapping) else type(d).__name__} ({exc})."
            ) from None

    # -- use
    @property
    def n_grades(self) -> int:
        """Number of grades.

        Examples
        --------
        >>> MasterScale.geometric(5).n_grades
        5
        """
        return len(self.grades)

    def grade_index(self, pd: npt.ArrayLike) -> npt.NDArray[np.intp]:
        """Index of each PD's grade (0 = best).

        Examples
        --------
        >>> MasterScale.from_boundaries([0.01, 0.05]).grade_index([0.01, 0.011]).tolist()
        [0, 1]
        """
        p = check_probability(np.asarray(pd, dtype=np.float64), "pd")
        return np.searchsorted(np.asarray(self.upper_pd), p, side="left")

    def assign(self, pd: npt.ArrayLike) -> npt.NDArray[np.str_]:
        """Grade name of each PD.

        Examples
        --------
        >>> MasterScale.from_boundaries([0.02]).assign([0.01, 0.5]).tolist()
        ['A', 'B']
        """
        names: npt.NDArray[np.str_] = np.asarray(self.grades, dtype=str)[self.grade_index(pd)]
        return names

    def grade_counts(
        self, pd: npt.ArrayLike, y: npt.ArrayLike, *, sample_weight: npt.ArrayLike | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Obligors and defaults per grade: the inputs of the backtests.

        Parameters
        ----------
        pd : array-like of shape (n,)
            Obligors' PDs (they decide the grade).
        y : array-like of shape (n,)
            Default flags.
        sample_weight : array-like of shape (n,), optional
            Weights.

        Returns
        -------
        (n_obligors, n_defaults) : two ndarrays of shape (n_grades,)
            Float arrays; whole numbers unless weights are given (the binomial-type
            backtests need whole counts, so weight by repeating rows or use counts).

        Examples
        --------
        >>> ms = MasterScale.from_boundaries([0.02])
        >>> [a.tolist() for a in ms.grade_counts([0.01, 0.01, 0.3], [0, 1, 1])]
        [[2.0, 1.0], [1.0, 1.0]]
        """
        from overdue_risk._validation import check_binary_target

        idx = self.grade_index(np.asarray(pd, dtype=np.float64).reshape(-1))
        yy = np.asarray(y).reshape(-1)
        if yy.size != idx.size:
            raise DataError(f"pd has {idx.size} rows but y has {yy.size}; pass one flag per PD.")
        if not np.isin(yy, (0, 1)).all() or yy.size == 0:
            yy = check_binary_target(yy, name="y")
        w = check_sample_weight(sample_weight, idx.size)
        k = self.n_grades
        n: FloatArray = np.bincount(idx, weights=w, minlength=k).astype(np.float64)
        d: FloatArray = np.bincount(idx, weights=w * yy.astype(float), minlength=k).astype(
            np.float64
        )
        return n, d

    def calibrate(
        self,
        pd: npt.ArrayLike,
        y: npt.ArrayLike,
        *,
        periods: npt.ArrayLike | None = None,
        sample_weight: npt.ArrayLike | None = None,
        pd_floor: float = 0.0003,
        pd_cap: float | None = None,
        estimator: str = "rate",
    ) -> MasterScale:
        """Grade-level calibration: each grade's PD becomes its long-run default rate.

        Parameters
        ----------
        pd : array-like of shape (n,)
            Obligors' PDs (they decide the grade; the boundaries do not change).
        y : array-like of shape (n,)
            Default flags observed over each obligor's one-year window.
        periods : array-like of shape (n,), optional
            Observation period (e.g. cohort year) of each row. Given, the long-run
            default rate of a grade is the arithmetic mean of its one-year default
            rates over the periods in which it had obligors (Basel II para. 447; EBA
            GL/2017/16 section 5.3.5). Omitted, it is the pooled default rate.
        sample_weight : array-like of shape (n,), optional
            Weights.
        pd_floor : float, default=0.0003
            Floor on a grade PD: a grade without defaults would otherwise get 0. The
            default is the 0.03 % floor of the Capital Requirements Regulation (CRR,
            Regulation (EU) No 575/2013, Art. 160(1) for corporates and Art. 163(1) for
            retail); the Basel III final reform (BCBS 2017, CRE32.3 and CRE36.3) raises it
            to 0.05 % -- pass ``pd_floor=0.0005`` to follow it.
        pd_cap : float, optional
            Cap on a grade PD, below 1: a small grade in which every obligor defaulted
            would otherwise get 1. A PD of 100 % is reserved for defaulted exposures (CRR
            Art. 160(3)); a grade of performing obligors never carries it. Default None
            means ``1 - pd_floor``, which keeps the scale symmetric in log-odds.
        estimator : {"rate", "jeffreys"}, default="rate"
            How a grade's one-period default rate is estimated from its D defaults among
            N obligors. ``"rate"`` is the observed rate D / N. ``"jeffreys"`` is the
            posterior mean (D + 1/2) / (N + 1) under the Jeffreys prior Beta(1/2, 1/2) --
            the prior behind the ECB (2019) Jeffreys backtest -- which is never 0 or 1 and
            shrinks small grades towards 1/2 by half an obligor; on large grades it equals
            the observed rate. The floor and cap apply after either estimator.

        Returns
        -------
        MasterScale
            Same grades and boundaries, new ``pd``, every grade PD inside
            ``[pd_floor, pd_cap]`` (so the scale passes straight into
            :func:`~overdue_risk.backtest.hosmer_lemeshow_test`, ``jeffreys_test`` and
            ``binomial_test``). A grade without obligors keeps its PD (clipped to the same
            range). An OverdueRiskWarning is issued when the calibrated PDs are not
            non-decreasing over the grades.

        References
        ----------
        .. [1] Regulation (EU) No 575/2013 (CRR), Articles 160(1), 160(3) and 163(1).
        .. [2] European Central Bank (2019). Instructions for reporting the validation
           results of internal models, section 2.5.3.1 (Jeffreys test).
        .. [3] Brown, L. D., Cai, T. T., DasGupta, A. (2001). Interval estimation for a
           binomial proportion. Statistical Science 16(2), 101-133 (the Jeffreys prior).

        Examples
        --------
        >>> ms = MasterScale.from_boundaries([0.02])
        >>> ms.calibrate([0.01, 0.01, 0.01, 0.01, 0.3, 0.3], [0, 0, 0, 1, 1, 0]).pd
        (0.25, 0.5)
        >>> ms.calibrate([0.01, 0.01, 0.3, 0.3], [0, 0, 1, 1]).pd  # floor and cap
        (0.0003, 0.9997)
        >>> ms.calibrate([0.01, 0.01, 0.3, 0.3], [0, 0, 1, 1], estimator="jeffreys").pd
        (0.16666666666666666, 0.8333333333333334)
        """
        floor = _check_rate(pd_floor, "pd_floor")
        cap = 1.0 - floor if pd_cap is None else _check_rate(pd_cap, "pd_cap")
        if cap <= floor:
            raise DataError(
                f"pd_cap must be above pd_floor; got pd_floor={pd_floor!r}, pd_cap={pd_cap!r}."
            )
        if estimator not in ("rate", "jeffreys"):
            raise DataError(
                f"estimator must be 'rate' or 'jeffreys'; got {estimator!r}. Use 'jeffreys' "
                "to shrink small grades away from 0 and 1."
            )
        prior = 0.5 if estimator == "jeffreys" else 0.0
        p = np.asarray(pd, dtype=np.float64).reshape(-1)
        if periods is None:
            n, d = self.grade_counts(p, y, sample_weight=sample_weight)
            with np.errstate(invalid="ignore", divide="ignore"):
                rate = np.where(n > 0, (d + prior) / np.where(n > 0, n + 2 * prior, 1.0), np.nan)
        else:
            per = np.asarray(periods).reshape(-1)
            if per.size != p.size:
                raise DataError(
                    f"periods has {per.size} rows but pd has {p.size}; pass one per obligor."
                )
            w_all = check_sample_weight(sample_weight, p.size)
            rates = []
            for value in np.unique(per):
                m = per == value
                n, d = self.grade_counts(p[m], np.asarray(y).reshape(-1)[m], sample_weight=w_all[m])
                with np.errstate(invalid="ignore", divide="ignore"):
                    rates.append(
                        np.where(n > 0, (d + prior) / np.where(n > 0, n + 2 * prior, 1.0), np.nan)
                    )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                rate = np.nanmean(np.vstack(rates), axis=0)
        new = np.clip(np.where(np.isnan(rate), np.asarray(self.pd), rate), floor, cap)
        if np.any(np.diff(new) < 0):
            warnings.warn(
                f"calibrated grade PDs are not non-decreasing over the grades: "
                f"{format_values(np.round(new, 6).tolist())}. Merge grades or smooth the PDs "
                "before using the scale.",
                OverdueRiskWarning,
                stacklevel=2,
            )
        return MasterScale(self.grades, self.upper_pd, tuple(float(v) for v in new))

    def to_spec_dict(self) -> dict[str, Any]:
        """The ``master_scale`` object of the scoring spec.

        Examples
        --------
        >>> MasterScale.from_boundaries([0.05], pd=[0.02, 0.2]).to_spec_dict()
        {'grades': ['A', 'B'], 'upper_pd': [0.05, 1.0], 'pd': [0.02, 0.2]}
        """
        return {
            "grades": list(self.grades),
            "upper_pd": [float(v) for v in self.upper_pd],
            "pd": [float(v) for v in self.pd],
        }

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        lows = (0.0, *self.upper_pd[:-1])
        rows = [
            [g, lo, hi, p]
            for g, lo, hi, p in zip(self.grades, lows, self.upper_pd, self.pd, strict=True)
        ]
        return (
            "Master scale",
            ["grade", "PD above", "PD up to", "grade PD"],
            rows,
            "grade i holds upper_pd[i-1] < PD <= upper_pd[i].",
        )

    def to_frame(self) -> Any:
        """DataFrame with one row per grade.

        Examples
        --------
        >>> MasterScale.from_boundaries([0.1], pd=[0.05, 0.3]).to_frame().values.tolist()
        [['A', 0.0, 0.1, 0.05], ['B', 0.1, 1.0, 0.3]]
        """
        import pandas as pd

        _, _, rows, _ = self._summary_table()
        return pd.DataFrame(rows, columns=["grade", "lower_pd", "upper_pd", "pd"])
