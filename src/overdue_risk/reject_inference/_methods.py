"""Reject inference methods that return a development sample for an unchanged scorecard.

Every method takes the through-the-door applicants ``X`` (a DataFrame) and their outcome
``y`` with ``NaN`` for the rejected applicants (no outcome), and returns a development
sample ``(X_dev, y_dev, sample_weight)``: the accepted rows with their own labels, plus
(for the augmentation methods) the rejected rows with inferred labels and weights, so that
``Scorecard().fit(X_dev[features], y_dev, sample_weight=sample_weight)`` fits on it as on
any other sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, clone

from overdue_risk._estimator import check_fitted, integer, real, validate_params
from overdue_risk._validation import FloatArray
from overdue_risk.exceptions import DataError

__all__ = [
    "AcceptanceReweighting",
    "FuzzyAugmentation",
    "HardCutoffAugmentation",
    "Parcelling",
]

BoolArray = npt.NDArray[np.bool_]

#: ``bad_rate_factor`` of the augmentation methods: a finite positive multiplier.
_FACTOR = real(low=0, closed="right")


def split_outcomes(y: Any, n_rows: int) -> tuple[BoolArray, npt.NDArray[np.int64]]:
    """Accepted mask and the accepted rows' 0/1 outcomes from ``y`` (NaN = rejected).

    Examples
    --------
    >>> acc, y_acc = split_outcomes([0, 1, float("nan")], 3)
    >>> acc.tolist(), y_acc.tolist()
    ([True, True, False], [0, 1])
    """
    try:
        yy = np.asarray(y, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(
            "y must be numeric: 0 / 1 for an accepted applicant, NaN for a rejected one; "
            f"got values of dtype {np.asarray(y).dtype}. Map rejected rows to NaN."
        ) from None
    if yy.size != n_rows:
        raise DataError(f"y has {yy.size} values but X has {n_rows} rows; pass one per row.")
    accepted = ~np.isnan(yy)
    bad_values = sorted({float(v) for v in yy[accepted] if v not in (0.0, 1.0)})[:5]
    if bad_values:
        raise DataError(
            f"y must contain only 0, 1 (accepted) and NaN (rejected); got values "
            f"{bad_values}. Map your target to a binary default flag first."
        )
    y_acc = yy[accepted].astype(np.int64)
    if accepted.sum() == 0 or np.unique(y_acc).size < 2:
        raise DataError(
            "the accepted applicants (non-NaN y) must hold both goods (0) and bads (1); got "
            f"{int(accepted.sum())} accepted rows with classes {sorted(set(y_acc.tolist()))}."
        )
    if accepted.all():
        raise DataError(
            "y has no rejected applicant (no NaN): reject inference needs the rejected "
            "applicants with NaN as their outcome."
        )
    return accepted, y_acc


def _frame(X: Any) -> Any:
    import pandas as pd

    if not isinstance(X, pd.DataFrame):
        raise DataError(
            f"X must be a pandas DataFrame of the applicants' features; got {type(X).__name__}. "
            "Wrap it with pandas.DataFrame(X, columns=...)."
        )
    return X


def _columns(X: Any, features: Sequence[str] | None) -> list[str]:
    names = list(X.columns) if features is None else list(features)
    missing = [c for c in names if c not in X.columns]
    if missing:
        raise DataError(
            f"features {missing} are not columns of X (columns: {list(X.columns)[:10]}...). "
            "Pass the names of columns X holds."
        )
    return names


class _RejectInference(BaseEstimator):  # type: ignore[misc]
    """Shared fit / fit_resample of the reject inference methods."""

    features: Sequence[str] | None
    estimator: Any

    def _reference(self) -> Any:
        if self.estimator is None:
            from overdue_risk.scorecard import Scorecard

            return Scorecard()
        return clone(self.estimator)

    def fit(self, X: Any, y: Any) -> Any:
        """Fit the method's model(s) on the applicants.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_applicants, n_columns)
            Accepted and rejected applicants.
        y : array-like of shape (n_applicants,)
            0 / 1 for an accepted applicant with a known outcome, NaN for a rejected one.

        Returns
        -------
        self
        """
        validate_params(self)
        X = _frame(X)
        accepted, y_acc = split_outcomes(y, len(X))
        self.features_ = _columns(X, self.features)
        self.n_accepted_ = int(accepted.sum())
        self.n_rejected_ = int((~accepted).sum())
        self._fit(X, accepted, y_acc)
        return self

    def _fit(self, X: Any, accepted: BoolArray, y_acc: npt.NDArray[np.int64]) -> None:
        self.estimator_ = self._reference().fit(X.loc[accepted, self.features_], y_acc)

    def _check_fitted(self) -> None:
        check_fitted(self, "features_")

    def predict_pd(self, X: Any) -> FloatArray:
        """PD of each applicant under the method's reference model (fitted on the accepts).

        Parameters
        ----------
        X : pandas.DataFrame

        Returns
        -------
        ndarray of shape (n_applicants,)
        """
        self._check_fitted()
        out: FloatArray = np.asarray(
            self.estimator_.predict_proba(_frame(X).loc[:, self.features_])[:, 1], dtype=float
        )
        return out

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, npt.NDArray[np.int64], FloatArray]:
        """Fit, then return the development sample.

        Parameters
        ----------
        X : pandas.DataFrame of shape (n_applicants, n_columns)
            Accepted and rejected applicants.
        y : array-like of shape (n_applicants,)
            0 / 1 for accepted applicants, NaN for rejected ones.

        Returns
        -------
        X_dev : pandas.DataFrame
            Rows of ``X`` (all columns; rejected rows may appear twice), index reset.
        y_dev : ndarray of int64
            Observed or inferred outcome of each row.
        sample_weight : ndarray of float64
            Weight of each row.
        """
        self.fit(X, y)
        accepted, y_acc = split_outcomes(y, len(X))
        return self._resample(X, accepted, y_acc)

    def _resample(
        self, X: Any, accepted: BoolArray, y_acc: npt.NDArray[np.int64]
    ) -> tuple[Any, npt.NDArray[np.int64], FloatArray]:
        raise NotImplementedError  # pragma: no cover

    @classmethod
    def _split_rejects(
        cls, X: Any, accepted: BoolArray, y_acc: npt.NDArray[np.int64], p: FloatArray
    ) -> tuple[Any, npt.NDArray[np.int64], FloatArray]:
        """Accepted rows, then every reject twice: bad with weight ``p``, good with ``1 - p``."""
        ones, zeros = np.ones(p.size, np.int64), np.zeros(p.size, np.int64)
        return cls._stack(X, accepted, y_acc, [(ones, p), (zeros, 1 - p)])

    @staticmethod
    def _stack(
        X: Any,
        accepted: BoolArray,
        y_acc: npt.NDArray[np.int64],
        parts: Sequence[tuple[npt.NDArray[np.int64], FloatArray]],
    ) -> tuple[Any, npt.NDArray[np.int64], FloatArray]:
        """Accepted rows (weight 1), then every reject once per part ``(labels, weights)``."""
        import pandas as pd

        rejects = X.loc[~accepted]
        frames = [X.loc[accepted]]
        ys = [y_acc]
        ws = [np.ones(y_acc.size)]
        for labels, weights in parts:
            frames.append(rejects)
            ys.append(labels.astype(np.int64))
            ws.append(weights.astype(np.float64))
        keep = [np.asarray(w) > 0 for w in ws]
        frames = [f.loc[k] if k.size else f for f, k in zip(frames, keep, strict=True)]
        X_dev = pd.concat(frames, ignore_index=True)
        y_dev = np.concatenate([a[k] for a, k in zip(ys, keep, strict=True)])
        w_dev = np.concatenate([a[k] for a, k in zip(ws, keep, strict=True)])
        return X_dev, y_dev, w_dev


class AcceptanceReweighting(_RejectInference):
    """Re-weight the accepted applicants by the inverse probability of acceptance.

    A model of ``P(accepted | x)`` is fitted on all applicants; each accepted applicant then
    stands for ``1 / P(accepted | x)`` applicants, so the weighted accepts resemble the
    through-the-door population. No label is invented.

    Parameters
    ----------
    features : sequence of str or None, default=None
        Columns of the acceptance model (None = every column of ``X``). Include what the
        old policy decided on (e.g. the incumbent score and the month's cut-off) when you
        have it.
    estimator : classifier or None, default=None
        Model of acceptance (``predict_proba``); None = a default :class:`Scorecard`.
    max_weight : float, default=20.0
        Weights are capped here (``P(accepted)`` floored at ``1 / max_weight``): near the
        edge of positivity a few accepts would otherwise carry the sample.

    Attributes
    ----------
    estimator_ : fitted acceptance model
    features_ : list of str
    n_accepted_, n_rejected_ : int

    Notes
    -----
    **Assumption**: outcomes are missing at random given the acceptance model's features
    (``P(bad | x, accepted) = P(bad | x)``) and every applicant had a non-zero chance of
    acceptance (positivity). **Fails** when the old policy used information the model does
    not have (the accepts are then better than their features say, and re-weighting them
    cannot change that), and where a knock-out rule rejected everyone (``P(accepted) = 0``:
    no accepted applicant stands for that region, the cap only hides it). Re-weighting
    corrects a misspecified model fitted on a shifted sample; a correctly specified
    logistic model fitted on the accepts is already consistent under the same assumption,
    so do not expect miracles from it.

    References
    ----------
    .. [1] Crook, J., Banasik, J. (2004). Does reject inference really improve the
       performance of application scoring models? *Journal of Banking & Finance* 28(4),
       857-874.
    .. [2] Horvitz, D. G., Thompson, D. J. (1952). A generalization of sampling without
       replacement from a finite universe. *JASA* 47(260), 663-685.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=2000)})
    >>> bad = (rng.random(2000) < 1 / (1 + np.exp(2 - X.x))).astype(float)
    >>> y = np.where(X.x + rng.normal(size=2000) < 0.5, bad, np.nan)  # rejects: NaN
    >>> X_dev, y_dev, w = AcceptanceReweighting().fit_resample(X, y)
    >>> len(X_dev) == int((~np.isnan(y)).sum()), round(float(w.sum())) == len(X)
    (True, True)
    """

    def __init__(
        self,
        features: Sequence[str] | None = None,
        *,
        estimator: Any = None,
        max_weight: float = 20.0,
    ) -> None:
        self.features = features
        self.estimator = estimator
        self.max_weight = max_weight

    _param_rules = {"max_weight": real(low=1)}  # noqa: RUF012 - read-only class table

    def _fit(self, X: Any, accepted: BoolArray, y_acc: npt.NDArray[np.int64]) -> None:
        self.estimator_ = self._reference().fit(X.loc[:, self.features_], accepted.astype(np.int64))

    def predict_pd(self, X: Any) -> FloatArray:
        """Probability of acceptance of each applicant (the re-weighting model).

        Parameters
        ----------
        X : pandas.DataFrame

        Returns
        -------
        ndarray of shape (n_applicants,)
        """
        return super().predict_pd(X)

    def _resample(
        self, X: Any, accepted: BoolArray, y_acc: npt.NDArray[np.int64]
    ) -> tuple[Any, npt.NDArray[np.int64], FloatArray]:
        p_acc = self.predict_pd(X.loc[accepted])
        w = 1.0 / np.clip(p_acc, 1.0 / float(self.max_weight), 1.0)
        w *= accepted.size / w.sum()  # the weights add up to the through-the-door count
        return X.loc[accepted].reset_index(drop=True), y_acc, w


class FuzzyAugmentation(_RejectInference):
    """Add every rejected applicant twice: as a bad with weight ``p``, as a good with ``1 - p``.

    ``p = min(1, bad_rate_factor * PD)``, the PD of a reference model fitted on the accepts
    (the known-good-bad model).

    Parameters
    ----------
    features : sequence of str or None, default=None
        Columns of the reference model (None = every column of ``X``). The reference model
        may use columns the final card must not use, e.g. the incumbent score: it is only
        used to infer the rejects' PD.
    estimator : classifier or None, default=None
        Reference model; None = a default :class:`Scorecard`.
    bad_rate_factor : float, default=1.0
        Multiplies the rejects' inferred PD (the practitioners' "the rejects are k times
        worse than the accepts of the same score"); an assumption, not an estimate.

    Attributes
    ----------
    estimator_ : fitted reference model
    features_ : list of str
    n_accepted_, n_rejected_ : int

    Notes
    -----
    **Assumption**: missing at random given the reference model's features, so that the
    accepts' ``P(bad | x)`` holds for the rejects (times ``bad_rate_factor``). With
    ``bad_rate_factor=1`` and the same features as the final card it adds no information:
    the card fitted on the augmented sample is (up to binning) the known-good-bad card
    [1]_. It helps when the reference model knows something the final card must not use
    (the incumbent score, which carries what the old policy saw), and fails when the old
    policy selected on information that no column, not even the recorded score, carries.

    References
    ----------
    .. [1] Hand, D. J., Henley, W. E. (1993). Can reject inference ever work? *IMA Journal
       of Mathematics Applied in Business and Industry* 5, 45-55.
    .. [2] Siddiqi, N. (2017). *Intelligent Credit Scoring*, 2nd ed., Wiley, ch. 10.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=2000)})
    >>> bad = (rng.random(2000) < 1 / (1 + np.exp(2 - X.x))).astype(float)
    >>> y = np.where(X.x + rng.normal(size=2000) < 0.5, bad, np.nan)
    >>> X_dev, y_dev, w = FuzzyAugmentation().fit_resample(X, y)
    >>> len(X_dev) == int((~np.isnan(y)).sum()) + 2 * int(np.isnan(y).sum())
    True
    """

    def __init__(
        self,
        features: Sequence[str] | None = None,
        *,
        estimator: Any = None,
        bad_rate_factor: float = 1.0,
    ) -> None:
        self.features = features
        self.estimator = estimator
        self.bad_rate_factor = bad_rate_factor

    _param_rules = {"bad_rate_factor": _FACTOR}  # noqa: RUF012 - read-only class table

    def _resample(
        self, X: Any, accepted: BoolArray, y_acc: npt.NDArray[np.int64]
    ) -> tuple[Any, npt.NDArray[np.int64], FloatArray]:
        factor = float(self.bad_rate_factor)
        p = np.clip(factor * self.predict_pd(X.loc[~accepted]), 0.0, 1.0)
        return self._split_rejects(X, accepted, y_acc, p)


class HardCutoffAugmentation(_RejectInference):
    """Label the riskiest rejected applicants bad and the others good (weight 1 each).

    Parameters
    ----------
    features : sequence of str or None, default=None
        Columns of the reference model (None = every column of ``X``).
    estimator : classifier or None, default=None
        Reference model; None = a default :class:`Scorecard`.
    cutoff : float or None, default=None
        Rejects with a reference PD at or above it are labelled bad. None: the cut-off
        that makes the rejects' inferred bad rate ``bad_rate_factor`` times their mean PD.
    bad_rate_factor : float, default=1.0
        Only used when ``cutoff`` is None.

    Attributes
    ----------
    estimator_ : fitted reference model
    cutoff_ : float
        The PD cut-off used on the last ``fit_resample``.
    features_ : list of str
    n_accepted_, n_rejected_ : int

    Notes
    -----
    **Assumption**: missing at random given the reference model's features, plus the
    premise that the reference model separates the rejects into goods and bads. It turns
    probabilities into certainties: every reject above the cut-off becomes a sure bad, so
    the card fitted on the augmented sample is over-confident (PDs pushed towards 0 and 1
    among the rejects) and the reference model's ranking is learnt back (a self-fulfilling
    label). It rarely calibrates well; it is here because it is widely used.

    References
    ----------
    .. [1] Siddiqi, N. (2017). *Intelligent Credit Scoring*, 2nd ed., Wiley, ch. 10.
    .. [2] Banasik, J., Crook, J. (2007). Reject inference, augmentation, and sample
       selection. *European Journal of Operational Research* 183(3), 1582-1594.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=2000)})
    >>> bad = (rng.random(2000) < 1 / (1 + np.exp(2 - X.x))).astype(float)
    >>> y = np.where(X.x + rng.normal(size=2000) < 0.5, bad, np.nan)
    >>> X_dev, y_dev, w = HardCutoffAugmentation(cutoff=0.3).fit_resample(X, y)
    >>> sorted(set(w.tolist()))
    [1.0]
    """

    def __init__(
        self,
        features: Sequence[str] | None = None,
        *,
        estimator: Any = None,
        cutoff: float | None = None,
        bad_rate_factor: float = 1.0,
    ) -> None:
        self.features = features
        self.estimator = estimator
        self.cutoff = cutoff
        self.bad_rate_factor = bad_rate_factor

    _param_rules = {  # noqa: RUF012 - read-only class table of parameter rules
        "cutoff": real(0, 1, none=True),
        "bad_rate_factor": _FACTOR,
    }

    def _resample(
        self, X: Any, accepted: BoolArray, y_acc: npt.NDArray[np.int64]
    ) -> tuple[Any, npt.NDArray[np.int64], FloatArray]:
        p = self.predict_pd(X.loc[~accepted])
        if self.cutoff is None:
            share = min(1.0, float(self.bad_rate_factor) * p.mean())
            cut = float(np.quantile(p, 1.0 - share)) if share > 0 else float("inf")
        else:
            cut = float(self.cutoff)
        self.cutoff_ = cut
        return self._stack(X, accepted, y_acc, [((p >= cut).astype(np.int64), np.ones(p.size))])


class Parcelling(_RejectInference):
    """Share out bad labels among the rejects of each score band at the accepts' bad rate.

    The reference model's PD splits the accepts into ``n_bands`` bands of equal size; the
    rejects of a band are labelled bad at random with probability
    ``min(1, bad_rate_factor * accepted bad rate of the band)``.

    Parameters
    ----------
    features : sequence of str or None, default=None
        Columns of the reference model (None = every column of ``X``).
    estimator : classifier or None, default=None
        Reference model; None = a default :class:`Scorecard`.
    n_bands : int, default=10
        Score bands (quantiles of the accepts' PD).
    bad_rate_factor : float, default=1.0
        Rejects' bad rate relative to the accepts of the same band (an assumption, often
        set to 2-4 by judgement).
    random_state : int, numpy Generator or None, default=None
        Seed of the random labels.

    Attributes
    ----------
    estimator_ : fitted reference model
    band_edges_ : ndarray
        Inner PD edges of the bands.
    band_bad_rate_ : ndarray
        Accepted bad rate of each band.
    features_ : list of str
    n_accepted_, n_rejected_ : int

    Notes
    -----
    **Assumption**: within a band of the reference score, the rejects go bad at
    ``bad_rate_factor`` times the accepts' rate (with factor 1: missing at random given
    the score band). Coarser than fuzzy augmentation (a band rate instead of each
    applicant's PD) and noisier (random labels). Fails, like the others, when the old
    policy saw risk the reference score does not carry, unless ``bad_rate_factor``
    happens to guess the gap; the rejects beyond the accepts' worst band get the worst
    band's rate (no extrapolation).

    References
    ----------
    .. [1] Siddiqi, N. (2017). *Intelligent Credit Scoring*, 2nd ed., Wiley, ch. 10.
    .. [2] Anderson, R. (2007). *The Credit Scoring Toolkit*, Oxford University Press,
       ch. 10 (reject inference).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=2000)})
    >>> bad = (rng.random(2000) < 1 / (1 + np.exp(2 - X.x))).astype(float)
    >>> y = np.where(X.x + rng.normal(size=2000) < 0.5, bad, np.nan)
    >>> p = Parcelling(n_bands=5, random_state=0)
    >>> X_dev, y_dev, w = p.fit_resample(X, y)
    >>> p.band_bad_rate_.size
    5
    """

    def __init__(
        self,
        features: Sequence[str] | None = None,
        *,
        estimator: Any = None,
        n_bands: int = 10,
        bad_rate_factor: float = 1.0,
        random_state: Any = None,
    ) -> None:
        self.features = features
        self.estimator = estimator
        self.n_bands = n_bands
        self.bad_rate_factor = bad_rate_factor
        self.random_state = random_state

    _param_rules = {  # noqa: RUF012 - read-only class table of parameter rules
        "n_bands": integer(low=2),
        "bad_rate_factor": _FACTOR,
    }

    def _resample(
        self, X: Any, accepted: BoolArray, y_acc: npt.NDArray[np.int64]
    ) -> tuple[Any, npt.NDArray[np.int64], FloatArray]:
        factor = float(self.bad_rate_factor)
        p_acc = self.predict_pd(X.loc[accepted])
        p_rej = self.predict_pd(X.loc[~accepted])
        edges = np.unique(np.quantile(p_acc, np.linspace(0, 1, int(self.n_bands) + 1)[1:-1]))
        band_acc = np.searchsorted(edges, p_acc, side="right")
        k = edges.size + 1
        bads = np.bincount(band_acc, weights=y_acc, minlength=k)
        counts = np.bincount(band_acc, minlength=k).astype(float)
        rate = np.divide(bads, counts, out=np.zeros(k), where=counts > 0)
        self.band_edges_, self.band_bad_rate_ = edges, rate
        band_rej = np.searchsorted(edges, p_rej, side="right")
        rng = np.random.default_rng(self.random_state)
        labels = (rng.random(p_rej.size) < np.minimum(1.0, factor * rate[band_rej])).astype(
            np.int64
        )
        return self._stack(X, accepted, y_acc, [(labels, np.ones(p_rej.size))])
