"""The report as a validation document: sections in the validator's order, purpose and data,
development against hold-out, features kept and dropped, limitations, numbers for people."""

from __future__ import annotations

import html
import re
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

matplotlib.use("Agg")

from overdue_risk._results import format_cell, format_html_cell
from overdue_risk.reporting import SECTIONS, build_report

EXPONENT = re.compile(r"\d\.?\d*e[+-]\d+")


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_format_cell_never_writes_an_exponent(v: float) -> None:
    text = format_cell(v)
    assert not EXPONENT.search(text), text
    if abs(v) >= 1e4:
        assert "," in text  # thousands separators
    assert not EXPONENT.search(format_html_cell("default rate", v))


def test_format_html_cell_shares_as_percentages() -> None:
    assert format_html_cell("missing share", 0.125) == "12.50%"
    assert format_html_cell("bad rate", 0.0000123) == "0.0012%"
    assert format_html_cell("roll rate", 0.5) == "0.5000"  # a roll rate is a ratio here
    assert format_html_cell("balance", 1_492_000.0) == "1,492,000"
    assert format_html_cell("bad rate", 1.5) == "1.5000"  # not a share: left as a number


def test_sections_in_the_validators_order() -> None:
    keys = [s.key for s in SECTIONS]
    order = [
        "purpose",
        "data",
        "dev_holdout",
        "features",
        "binning",
        "scorecard",
        "discrimination",
        "calibration",
        "stability",
        "gate",
    ]
    assert [k for k in keys if k in order] == order
    assert keys[0] == "purpose"
    assert keys[-1] == "limitations"


@pytest.fixture(scope="module")
def card() -> dict[str, Any]:
    from overdue_risk.calibration import PDCalibrator
    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.scorecard import Scorecard

    pf = make_microloan_portfolio(n_loans=3000, n_months=15, random_state=5)
    apps = pf.applications[pf.applications["bad_observed"]].reset_index(drop=True)
    features = ["age", "debt_to_income", "n_past_overdue", "monthly_income", "purpose"]
    dev, val = apps.iloc[::2].reset_index(drop=True), apps.iloc[1::2].reset_index(drop=True)
    sc = Scorecard(min_iv=0.3).fit(dev[features], dev["bad"])
    points = sc.predict_points(dev[features]).reshape(-1, 1)
    cal = PDCalibrator().fit(points, dev["bad"])
    return {
        "pf": pf,
        "sc": sc,
        "spec": sc.to_spec(calibrator=cal, name="v"),
        "dev": dev,
        "val": val,
    }


def _section(html: str, key: str) -> str:
    part = html[html.index(f'<section id="{key}">') :]
    return part[: part.index("</section>")]


def test_dev_holdout_and_features(card: dict[str, Any]) -> None:
    from overdue_risk.metrics import gini
    from overdue_risk.runtime import Spec

    sc, dev, val = card["sc"], card["dev"], card["val"]
    report = build_report(
        data=val,
        target="bad",
        spec=card["spec"],
        baseline=dev,
        scorecard=sc,
        bad_definition="ever 90+ DPD within 12 months on book",
        exclusions=["fraud cases"],
        limitations="Built on one product only.",
    )
    spec = Spec.from_dict(card["spec"])
    side = _section(report.html, "dev_holdout")
    for frame in (dev, val):
        g = gini(frame["bad"].to_numpy(), -spec.score(frame)).statistic
        assert f"<td>{format_cell(g)}</td>" in side
    assert f"{dev['bad'].mean():.2%}" in side
    assert f"{val['bad'].mean():.2%}" in side
    assert "PSI of the score" in side
    assert "mean PD" in side
    feats = _section(report.html, "features")
    assert sc.dropped_features_  # the IV floor drops some: each is listed with its reason
    for name, reason in sc.dropped_features_.items():
        assert name in feats
        assert reason.split(" (")[0] in feats
    purpose = _section(report.html, "purpose")
    assert "ever 90+ DPD within 12 months on book" in purpose
    assert "fraud cases" in purpose
    assert "development (baseline)" in purpose
    limits = _section(report.html, "limitations")
    assert "Built on one product only." in limits
    assert report.included[-1] == "Limitations"
    assert not EXPONENT.search(re.sub(r"<[^>]*>", " ", report.html))


def test_portfolio_states_bad_definition_and_exclusions(card: dict[str, Any]) -> None:
    pf = card["pf"]
    report = build_report(portfolio=pf, sections=[s for s in SECTIONS if s.key == "purpose"])
    purpose = _section(report.html, "purpose")
    assert f"ever {pf.target_dpd}+ days past due within {pf.target_window} months" in purpose
    n_open = int((~pf.applications["bad_observed"].astype(bool)).sum())
    assert f"{n_open:,} of {len(pf.applications):,} loans" in purpose


def test_print_layout_keeps_tables_whole() -> None:
    html = build_report(data=pd.DataFrame({"x": np.arange(3.0)})).html
    css = html[html.index("@media print") :]
    assert "break-inside: avoid" in css
    assert "break-before: page" in css


def test_binning_section_shows_the_manual_changes() -> None:
    from overdue_risk.binning import CountTable, WOEBinner

    t = CountTable.from_counts("age", [40, 25, 15, 8, 3], [60, 75, 85, 92, 7], splits=[25, 35, 45])
    binner = WOEBinner(max_n_bins=4, min_bin_frac=0.1).fit_from_counts([t])
    before = build_report(binner=binner).html
    assert "None: every feature keeps its optimal binning." in _section(before, "binning")
    binner.merge_bins("age", 1, 2, reason="policy cut-off at 45")
    section = _section(build_report(binner=binner).html, "binning")
    assert "Manual changes (audit trail)" in section
    assert "policy cut-off at 45" in section
    assert '<td class="text">merge_bins</td>' in section


def test_features_section_lists_what_selection_dropped(card: dict[str, Any]) -> None:
    from overdue_risk.selection import select_by_iv

    step = select_by_iv({"age": 0.3, "noise": 0.001, "debt_to_income": 0.2})
    report = build_report(spec=card["spec"], selection=[step])
    section = _section(report.html, "features")
    assert "noise" in section
    assert html.escape(f"selection (iv): {step.reasons[1]}") in section
