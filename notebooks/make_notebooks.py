"""Write the end-to-end notebooks of ``notebooks/`` (without outputs).

    python notebooks/make_notebooks.py

The notebooks are generated from the cells below so that they stay small, reviewable
and consistent; ``tests/test_notebooks.py`` executes every ``.ipynb`` here in CI, so
they cannot rot. Edit the cells here, re-run this script, commit both.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def setup(*imports: str) -> str:
    """The first code cell: inline charts, then this notebook's imports (sorted)."""
    ours = sorted(i for i in imports if "overdue_risk" in i)
    theirs = sorted(i for i in imports if "overdue_risk" not in i)
    blocks = ["\n".join(b) for b in (theirs, ours) if b]
    return "%matplotlib inline\n" + "\n\n".join(blocks)


NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "01_scorecard.ipynb": [
        (
            "md",
            "# 1. A scorecard from application data\n\nBin, fit, scale to points, "
            "explain, export. Small sizes: the notebook runs in seconds.",
        ),
        (
            "code",
            setup(
                "import numpy as np", "from overdue_risk.datasets import make_microloan_portfolio"
            ),
        ),
        (
            "code",
            """\
book = make_microloan_portfolio(n_loans=4000, n_months=18, random_state=0)
X, y = book.xy()
X = X[list(book.applicant_features)]  # not apr, loan_amount, term_months: the lender's decisions
print(f"{len(y):,} loans with a known outcome; bad rate {y.mean():.2%}")
book.data_dictionary.head()""",
        ),
        (
            "md",
            "## Weight-of-evidence binning\n\nMonotonic bins per variable; "
            "WOE = ln(share of goods / share of bads), higher = lower risk.",
        ),
        (
            "code",
            """\
from overdue_risk.binning import WOEBinner

binner = WOEBinner().fit(X, y)
binner.binning_table("debt_to_income")""",
        ),
        (
            "code",
            """\
binner.binning_table("debt_to_income").plot();""",
        ),
        (
            "md",
            "## The scorecard\n\nLogistic regression on the WOE, scaled to points "
            "(600 points = odds 50:1, 20 points double the odds).",
        ),
        (
            "code",
            """\
from overdue_risk.scorecard import Scorecard

card = Scorecard(binner).fit(X, y)
points = card.predict_points(X)
card.table().head(12)""",
        ),
        (
            "code",
            """\
from overdue_risk.metrics import gini, ks_statistic

print(gini(y, -points).summary())
print(ks_statistic(y, -points).summary())""",
        ),
        ("md", "## Reason codes and the deployable spec"),
        (
            "code",
            """\
reasons = card.reason_codes(X.head(3), k=2)
reasons.codes""",
        ),
        (
            "code",
            """\
import json

from overdue_risk.runtime import Spec

doc = card.to_spec(name="microloan_v1")
spec = Spec.from_dict(doc)
assert np.allclose(spec.score(X), points)  # the runtime scores exactly as the estimator
print(json.dumps(doc["features"][0], indent=1)[:600])""",
        ),
    ],
    "02_calibration_and_validation.ipynb": [
        (
            "md",
            "# 2. Calibration and validation\n\nPD calibration, a master scale, "
            "backtests, the CI gate, and the HTML report.",
        ),
        ("code", setup("from overdue_risk.datasets import make_microloan_portfolio")),
        (
            "code",
            """\
from overdue_risk.scorecard import Scorecard

book = make_microloan_portfolio(n_loans=6000, n_months=24, random_state=1)
apps = book.applications[book.applications["bad_observed"]]
apps = apps.sample(frac=1.0, random_state=0).reset_index(drop=True)
half, three_q = len(apps) // 2, 3 * len(apps) // 4
dev, base, new = apps[:half], apps[half:three_q], apps[three_q:]
features = list(book.feature_names)
card = Scorecard().fit(dev[features], dev["bad"])""",
        ),
        ("md", "## PD calibration and a master scale"),
        (
            "code",
            """\
from overdue_risk.calibration import MasterScale, PDCalibrator

points = card.predict_points(dev[features]).reshape(-1, 1)
calibrator = PDCalibrator().fit(points, dev["bad"])
scale = MasterScale.geometric(5, floor=0.005, cap=0.4)
scale = scale.calibrate(calibrator.predict_pd(points), dev["bad"])
scale""",
        ),
        ("md", "## Backtests on new loans"),
        (
            "code",
            """\
from overdue_risk.backtest import jeffreys_test
from overdue_risk.runtime import Spec

spec_doc = card.to_spec(calibrator=calibrator, master_scale=scale, name="microloan_v1")
spec = Spec.from_dict(spec_doc)
pd_new = spec.predict_pd(new)
n, d = scale.grade_counts(pd_new, new["bad"])
jeffreys_test(n, d, scale.pd, labels=scale.grades)""",
        ),
        (
            "code",
            """\
from overdue_risk.plotting import plot_calibration

plot_calibration(new["bad"], pd_new);""",
        ),
        (
            "md",
            "## The CI gate\n\nThe same checks `overdue-risk validate` runs: "
            "exit code 0 when every check passes, 1 when one fails.",
        ),
        (
            "code",
            """\
from overdue_risk.gate import validate

result = validate(spec_doc, new, target="bad", baseline=base)
print(result.summary())
result.exit_code""",
        ),
        ("md", "## One HTML report"),
        (
            "code",
            """\
import tempfile
from pathlib import Path

from overdue_risk.reporting import build_report

out = Path(tempfile.mkdtemp()) / "review.html"
report = build_report(
    out,
    spec=spec_doc,
    data=new,
    target="bad",
    baseline=base,
    gate=result,
    title="Micro-loan scorecard review",
)
report.included""",
        ),
    ],
    "03_delinquency_and_ecl.ipynb": [
        (
            "md",
            "# 3. Delinquency dynamics and expected credit loss\n\nBuckets, "
            "transition matrices, roll rates, vintages, the five tiers, lifetime PD, ECL.",
        ),
        (
            "code",
            setup(
                "import numpy as np",
                "import pandas as pd",
                "from overdue_risk.datasets import make_microloan_portfolio",
            ),
        ),
        (
            "code",
            """\
book = make_microloan_portfolio(n_loans=3000, n_months=24, random_state=2)
panel = book.performance
panel.head()""",
        ),
        (
            "code",
            """\
from overdue_risk.transitions import cohort_matrix

matrix = cohort_matrix(panel)
matrix.plot();""",
        ),
        (
            "code",
            """\
from overdue_risk.transitions import roll_rates, vintage_curves

print(roll_rates(panel).summary())
vintage_curves(panel).plot();""",
        ),
        ("md", "## The five tiers (正常 / 关注 / 次级 / 可疑 / 损失)"),
        (
            "code",
            """\
from overdue_risk.transitions import five_tier

last = panel[panel["month"] == panel["month"].max()]
open_loans = last[~last["bucket"].isin(["CO", "PO"])]
pd.Series(five_tier(open_loans["dpd"].to_numpy(), language="zh")).value_counts()""",
        ),
        ("md", "## Lifetime PD and ECL from the Markov chain"),
        (
            "code",
            """\
from overdue_risk.transitions import lifetime_pd

lifetime = lifetime_pd(matrix, ["CO"], horizon=12)
lifetime.cumulative.round(3)[:, [0, 5, 11]]""",
        ),
        (
            "code",
            """\
from overdue_risk.ecl import ecl_from_matrix

book_now = open_loans.merge(book.applications[["loan_id", "apr", "term_months"]], on="loan_id")
ecl = ecl_from_matrix(
    matrix,
    state=book_now["bucket"].astype(str).to_numpy(),
    dpd=book_now["dpd"].to_numpy(),
    balance=book_now["balance"].to_numpy(),
    annual_rate=book_now["apr"].to_numpy(),
    remaining_term=np.maximum(book_now["term_months"] - book_now["mob"], 1).to_numpy(),
    lgd=0.8,
)
print(ecl.summary())""",
        ),
    ],
    "04_scoring_at_scale.ipynb": [
        (
            "md",
            "# 4. Scoring at scale\n\nOne JSON spec; the NumPy runtime, SQL in DuckDB, "
            "and the same scores everywhere.",
        ),
        (
            "code",
            setup(
                "import numpy as np",
                "import pandas as pd",
                "from overdue_risk.datasets import make_microloan_portfolio",
            ),
        ),
        (
            "code",
            """\
from overdue_risk.calibration import MasterScale, PDCalibrator
from overdue_risk.runtime import Spec
from overdue_risk.scorecard import Scorecard

book = make_microloan_portfolio(n_loans=3000, n_months=18, random_state=3)
X, y = book.xy()
X = X[list(book.applicant_features)]  # risk features only (no decision variables)
card = Scorecard().fit(X, y)
points = card.predict_points(X).reshape(-1, 1)
calibrator = PDCalibrator().fit(points, y)
scale = MasterScale.geometric(5, floor=0.005, cap=0.4)
scale = scale.calibrate(calibrator.predict_pd(points), y)
spec = Spec.from_dict(card.to_spec(calibrator=calibrator, master_scale=scale))""",
        ),
        ("md", "## The NumPy runtime on many rows"),
        (
            "code",
            """\
import time

big = pd.concat([X] * 20, ignore_index=True)
start = time.perf_counter()
scores = spec.score(big)
print(f"{len(big):,} rows in {time.perf_counter() - start:.3f} s")
spec.score_frame(big.head(5), pd=True, grade=True, reason_codes=2)""",
        ),
        ("md", "## The same spec as SQL, run in DuckDB"),
        (
            "code",
            """\
import duckdb

from overdue_risk.export import to_sql

query = to_sql(spec, table="applications", dialect="duckdb")
con = duckdb.connect()
con.register("applications", X)
from_sql = con.execute(query).fetchdf()
assert np.allclose(from_sql.iloc[:, 0].to_numpy(), spec.score(X))
from_sql.head()""",
        ),
    ],
    "05_reject_inference.ipynb": [
        (
            "md",
            "# 5. Reject inference, judged against the truth\n\nThe built-in book can "
            "simulate every applicant, an incumbent policy that rejected 40% of them, and "
            "what would have happened to the rejects had they been booked. A card fitted on "
            "the accepts (known good / bad) is then judged on the whole applicant "
            "population, and so is each reject inference method.",
        ),
        (
            "code",
            setup(
                "from overdue_risk.datasets import make_microloan_portfolio",
                "from overdue_risk.metrics import gini",
                "from overdue_risk.reject_inference import default_methods, "
                "reject_inference_report",
            ),
        ),
        (
            "code",
            """\
book = make_microloan_portfolio(8_000, 30, random_state=0, through_the_door=True)
apps, truth = book.applications, book.truth["through_the_door"]
seen = truth["bad_observed"]
print(apps["decision"].value_counts(normalize=True).round(3).to_dict())
truth[seen].groupby("decision")["bad"].mean().round(4)  # the rejects' bad rate: evaluation only""",
        ),
        ("md", "## A circular feature: the price is the old score"),
        (
            "code",
            """\
booked = apps[apps["bad_observed"]]
print("Gini of apr on the booked loans:", round(gini(booked["bad"], booked["apr"]).statistic, 3))
print(
    "Gini of the incumbent score:    ",
    round(gini(booked["bad"], -booked["incumbent_score"].astype(float)).statistic, 3),
)
print("apr of a rejected applicant:", apps.loc[apps["decision"] == "reject", "apr"].unique())
print("risk features:", book.applicant_features)
print("the lender's decisions:", book.decision_features)""",
        ),
        (
            "md",
            "## The known-good-bad card and reject inference on the through-the-door population",
        ),
        (
            "code",
            """\
methods = {
    name: method
    for name, method in default_methods(book.applicant_features).items()
    if name in {"parcelling", "fuzzy", "fuzzy_incumbent_score", "selection_model"}
}
report = reject_inference_report(book, methods=methods, random_state=0)
print(report.summary())
{m: round(report.ece_reduction(m), 3) for m in methods}""",
        ),
        (
            "md",
            "## What the new card really buys\n\nThe swap set against the incumbent policy at "
            "the same approval rate: the card's own PD for the applicants it swaps in, "
            "against their true bad rate.",
        ),
        (
            "code",
            """\
print(report.swap_sets["known_good_bad"].summary())
print(report.swap_sets["fuzzy_incumbent_score"].summary())""",
        ),
        (
            "md",
            "Ten seeds at 20,000 applicants (`benchmarks/bench_reject_inference.py`, "
            "`docs/guide/reject_inference.md`): fuzzy augmentation whose reference model "
            "also sees the incumbent score cuts the through-the-door ECE of the "
            "known-good-bad card by about half and raises its Gini; when the old decisions "
            "are explained by the observed features, no method helps materially.",
        ),
    ],
    "06_early_warning.ipynb": [
        (
            "md",
            "# 6. Early warning after lending (贷后预警)\n\nWhich current borrower is about to "
            "miss? Point-in-time behavioural features from the loan-month panel, a behavioural "
            "scorecard on monthly snapshots scored through the runtime, a watchlist from rules "
            "and score thresholds given as data, and its out-of-time backtest with lead times. "
            "The built-in book is simulated with `distress=True`: most loans that later reach "
            "M3+ go through a distress episode (business going badly, job lost, wilful evasion) "
            "with warning signs before the first missed payment.",
        ),
        (
            "code",
            setup(
                "import numpy as np",
                "import pandas as pd",
                "from overdue_risk import Scorecard, WOEBinner",
                "from overdue_risk.behaviour import (\n    EarlyWarning,\n    panel_features,\n"
                "    panel_features_sql,\n    snapshots,\n    warning_backtest,\n)",
                "from overdue_risk.datasets import make_microloan_portfolio",
                "from overdue_risk.runtime import Spec",
            ),
        ),
        (
            "code",
            """\
book = make_microloan_portfolio(10_000, 27, random_state=0, distress=True)
panel = book.performance.merge(book.bureau, on=["loan_id", "month"])  # + monthly bureau signals
truth = book.truth["distress"]  # evaluation only: never a feature
truth.groupby("cause")[["lead_months", "recovered"]].mean().round(2)""",
        ),
        ("md", "## Point-in-time features (only rows with month <= as_of are read)"),
        (
            "code",
            """\
counts = ("inquiries", "new_loans")
feats = panel_features(panel, "2024-03", windows=(1, 3, 6, 12), counts=counts)
print(feats.shape)
feats.head()""",
        ),
        ("md", "## A behavioural scorecard on monthly snapshots, scored through the runtime"),
        (
            "code",
            """\
months = [str(m)[:7] for m in pd.date_range("2023-01-01", periods=27, freq="MS")]
kw = {"horizon": 6, "windows": (1, 3, 6, 12), "counts": counts}
dev = snapshots(panel, months[8:15], **kw)  # development: 2023-09 ... 2024-03
oot = snapshots(panel, months[15:21], **kw)  # out of time: 2024-04 ... 2024-09
meta = {"as_of", "loan_id", "worst_bucket", "bad", "window_complete", "months_to_first_miss"}
features = [c for c in dev.columns if c not in meta]
fit = dev[dev["window_complete"] & (dev["dpd_now"] == 0)]  # incomplete windows: never 'good'
card = Scorecard(WOEBinner(), min_iv=0.02).fit(fit[features], fit["bad"].astype(int))
spec = Spec.from_dict(card.to_spec())
print(len(card.features_), "features on the card")
card.table().head(8)""",
        ),
        ("md", "## The watchlist: rules and a score threshold, as data"),
        (
            "code",
            """\
cut = float(np.quantile(spec.score(fit[features]), 0.03))
policy = EarlyWarning.from_dict(
    {
        "triggers": [
            {
                "reason": "behavioural score in the riskiest 3%",
                "when": [{"column": "score", "op": "<=", "value": cut}],
            },
            {
                "reason": "loan stacking: 2+ new loans elsewhere in 3 months",
                "when": [{"column": "new_loans_3m", "op": ">=", "value": 2}],
            },
            {
                "reason": "partial payment with rising inquiries",
                "when": [
                    {"column": "months_partial_payment_3m", "op": ">=", "value": 1},
                    {"column": "inquiries_3m", "op": ">=", "value": 3},
                ],
            },
        ]
    }
)
watch = policy.apply(feats, scores={"score": spec.score(feats[features])})
print(f"{len(watch)} of {int((feats['dpd_now'] == 0).sum())} current accounts on the watchlist")
watch["first_reason"].value_counts()""",
        ),
        ("md", "## Backtest out of time: lead time, watchlist size, precision"),
        (
            "code",
            """\
bt = warning_backtest(oot, policy, scores={"score": spec.score(oot[features])})
print(bt.summary())
bt.to_frame()""",
        ),
        (
            "md",
            "## The same features in the warehouse: one SQL query (DuckDB here, Spark SQL "
            "with `dialect='spark'`)",
        ),
        (
            "code",
            """\
import duckdb

cols = ["dpd", "bucket", "balance", "scheduled_payment", "paid_amount", "mob", "days_late"]
sql = panel_features_sql("2024-03", columns=cols, windows=(1, 3, 6, 12), counts=counts)
con = duckdb.connect()
con.register("panel", panel)
in_db = con.sql(sql).df()
same = np.allclose(
    in_db["paid_to_scheduled_3m"].astype(float),
    feats.sort_values("loan_id")["paid_to_scheduled_3m"],
    equal_nan=True,
)
print(len(in_db), "loans;", "equal to panel_features:", same)""",
        ),
        (
            "md",
            "Three seeds at 30,000 loans, the full UCI panel and the speed ratios are in "
            "`benchmarks/bench_behaviour.py` and `docs/guide/early_warning.md`.",
        ),
    ],
}


def build(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """One notebook from (kind, source) cells."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells
    ]
    return nb


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = build(name, cells)
        nbformat.validate(nb)
        nbformat.write(nb, HERE / name)
        print(f"wrote notebooks/{name}")


if __name__ == "__main__":
    main()
