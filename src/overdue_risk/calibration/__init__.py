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

from overdue_risk.calibration._calibrator import PDCalibrator
from overdue_risk.calibration._central_tendency import (
    calibrate_to_central_tendency,
    central_tendency_shift,
    prior_correction,
)
from overdue_risk.calibration._master_scale import MasterScale

__all__ = [
    "MasterScale",
    "PDCalibrator",
    "calibrate_to_central_tendency",
    "central_tendency_shift",
    "prior_correction",
]
