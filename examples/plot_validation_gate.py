"""
Validate a scorecard before it goes live
========================================

Fit a card on early loans, calibrate its points to PDs and a master scale, export the
JSON spec, and run the validation gate on later loans: discrimination, calibration
backtests and stability, each against a threshold. Then break the card on purpose and
watch the gate fail.
"""

# %%
import copy

import matplotlib.pyplot as plt
import numpy as np

from overdue_risk.calibration import MasterScale, PDCalibrator
from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.gate import validate
from overdue_risk.plotting import plot_calibration
from overdue_risk.runtime import Spec, seal
from overdue_risk.scorecard import Scorecard

book = make_microloan_portfolio(n_loans=6000, n_months=24, random_state=1)
apps = book.applications[book.applications["bad_observed"]]
apps = apps.sample(frac=1.0, random_state=0).reset_index(drop=True)
features = list(book.feature_names)
half, three_quarters = len(apps) // 2, 3 * len(apps) // 4
dev, base, new = apps[:half], apps[half:three_quarters], apps[three_quarters:]

# %%
# Development: the card, a logistic calibration of its points, a five-grade master scale.
card = Scorecard().fit(dev[features], dev["bad"])
points = card.predict_points(dev[features]).reshape(-1, 1)
calibrator = PDCalibrator().fit(points, dev["bad"])
scale = MasterScale.geometric(5, floor=0.005, cap=0.4).calibrate(
    calibrator.predict_pd(points), dev["bad"]
)
spec = card.to_spec(calibrator=calibrator, master_scale=scale, name="microloan_v1")

# %%
# The gate on new loans, against the initial validation sample as the baseline.
result = validate(spec, new, target="bad", baseline=base)
print(result.summary())

# %%
# The calibration behind the backtests: observed default rate against the PD.
fig, ax = plt.subplots(figsize=(5, 4))
plot_calibration(new["bad"], Spec.from_dict(spec).predict_pd(new), ax)
plt.tight_layout()

# %%
# A degraded card: the same bins with each feature's points shuffled. Its Gini and KS
# fall below their thresholds and the gate fails (exit code 1 on the command line).
rng = np.random.default_rng(0)
broken = copy.deepcopy(spec)
broken.pop("checksum")
for feature in broken["features"]:
    feature["points"] = rng.permutation(feature["points"]).tolist()
    feature["max_points"] = max([*feature["points"], feature["missing_points"]])
degraded = validate(seal(broken), new, target="bad", baseline=base)
print("passed:", degraded.passed, "| failed:", [c.check_id for c in degraded.failures])
