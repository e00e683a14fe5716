"""
A scorecard from application data
==================================

Bin the application variables of the built-in micro-loan book with monotonic weight of
evidence, fit a points-based scorecard on the binned variables, and check how well its
points separate the loans that went 90+ days past due from the others.
"""

# %%
# The book: one row per loan, with what the lender knew at application and the outcome
# ``bad`` (ever 90+ DPD within 12 months on book) where that outcome is already known.
import matplotlib.pyplot as plt

from overdue_risk.binning import WOEBinner
from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.plotting import plot_roc, plot_woe
from overdue_risk.scorecard import Scorecard

book = make_microloan_portfolio(n_loans=4000, n_months=18, random_state=0)
X, y = book.xy()
X = X[list(book.applicant_features)]  # not apr, loan_amount, term_months: decisions
print(f"{len(y):,} loans with a known outcome, bad rate {y.mean():.1%}")

# %%
# Weight-of-evidence binning: a few bins per variable, risk monotonic across them.
binner = WOEBinner().fit(X, y)
table = binner.binning_table("debt_to_income")
print(table.summary())
plot_woe(table.labels, table.woe, title="debt_to_income")
plt.tight_layout()

# %%
# The scorecard: a logistic regression on the WOE values, scaled to points (600 points =
# good:bad odds of 50:1, 20 points to double the odds).
card = Scorecard(binner).fit(X, y)
points = card.predict_points(X)
print(
    f"{len(card.features_)} features on the card; points from {points.min():.0f} "
    f"to {points.max():.0f}"
)

# %%
# Discrimination on the development sample (an out-of-time sample is the real test,
# see the validation gate example). The metrics take a risk score: minus the points.
fig, ax = plt.subplots(figsize=(4.5, 4.5))
plot_roc(y, -points, ax)
plt.tight_layout()
