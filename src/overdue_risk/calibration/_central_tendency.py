"""Moving PDs to a target default rate: the central-tendency shift (one log-odds shift
solved on the score distribution) and the closed-form prior correction.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray, check_probability, check_sample_weight
from overdue_risk.calibration._common import _check_rate, _expit, _logit, _solve_shift
from overdue_risk.exceptions import DataError

__all__ = ["calibrate_to_central_tendency", "central_tendency_shift", "prior_correction"]


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
