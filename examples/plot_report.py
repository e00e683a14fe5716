"""
One HTML report
===============

Everything above, in one self-contained HTML file: data summary, gate verdict, binning
and WOE, the scorecard, ROC / KS / gains, calibration and backtests, PSI / CSI, roll
rates, vintages and ECL. Charts are inline PNGs; the file needs no network.
"""

# %%
import tempfile
from pathlib import Path

from overdue_risk.binning import WOEBinner
from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.reporting import build_report
from overdue_risk.scorecard import Scorecard

book = make_microloan_portfolio(n_loans=1500, n_months=15, random_state=3)
X, y = book.xy()
features = ["age", "debt_to_income", "n_past_overdue", "credit_history_months", "purpose"]
binner = WOEBinner().fit(X[features], y)
card = Scorecard(binner).fit(X[features], y)

out = Path(tempfile.mkdtemp()) / "report.html"
report = build_report(
    out,
    spec=card.to_spec(name="example_card"),
    data=book.applications[book.applications["bad_observed"]],
    target="bad",
    binner=binner,
    performance=book.performance,
    title="Micro-loan book review",
)
print(f"{out.name}: {out.stat().st_size / 1e6:.1f} MB")
print("sections:", *report.included, sep="\n  ")
print("left out:", report.skipped)
