"""
Roll rates, vintages and the five tiers
=======================================

Follow the book month by month: how loans move between the delinquency buckets M0..M6+
and into charge-off (CO) or pay-off (PO), how each monthly cohort goes bad as it seasons,
and how the open loans fall into the five-tier classification.
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd

from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.plotting import plot_transition_matrix, plot_vintage_curves
from overdue_risk.transitions import cohort_matrix, five_tier, roll_rates, vintage_curves

book = make_microloan_portfolio(n_loans=3000, n_months=24, random_state=2)
panel = book.performance

# %%
# The monthly transition matrix between buckets, pooled over the panel (cohort method).
matrix = cohort_matrix(panel)
fig, ax = plt.subplots(figsize=(6.5, 5.5))
plot_transition_matrix(matrix, ax)
plt.tight_layout()

# %%
# Roll rates: the share of loans in each bucket that roll one bucket worse next month.
print(roll_rates(panel).summary())

# %%
# Vintage curves: cumulative share of each monthly cohort ever 90+ DPD or charged off.
fig, ax = plt.subplots(figsize=(6, 4))
plot_vintage_curves(vintage_curves(panel), ax)
plt.tight_layout()

# %%
# The five tiers (正常 / 关注 / 次级 / 可疑 / 损失) of the open loans at the last month.
last = panel[panel["month"] == panel["month"].max()]
open_loans = last[~last["bucket"].isin(["CO", "PO"])]
print(pd.Series(five_tier(open_loans["dpd"].to_numpy(), language="zh")).value_counts())
