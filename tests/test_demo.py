"""The demo's steps (``overdue_risk._demo``): split, parity of the spec, numbers from the API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from overdue_risk import _demo
from overdue_risk.backtest import jeffreys_test
from overdue_risk.datasets import make_microloan_portfolio, out_of_time_split
from overdue_risk.exceptions import DataError
from overdue_risk.metrics import gini, ks_statistic, psi

#: the demo up to the validation, without the files and the report
MODEL_STEPS = [s for s in _demo.STEPS if s.name not in ("write", "report")]


@pytest.fixture(scope="module")
def model_run(tmp_path_factory: pytest.TempPathFactory) -> _demo.DemoResult:
    out = tmp_path_factory.mktemp("demo")
    return _demo.run_demo(
        n_loans=5000, n_months=18, seed=11, out=out, progress=None, steps=MODEL_STEPS
    )


@pytest.mark.parametrize(("n_months", "n_dev", "n_hold"), [(14, 1, 1), (18, 4, 2), (24, 8, 4)])
def test_out_of_time_split(n_months: int, n_dev: int, n_hold: int) -> None:
    pf = make_microloan_portfolio(n_loans=1500, n_months=n_months, random_state=4)
    split = out_of_time_split(pf)
    assert (len(split.development_months), len(split.holdout_months)) == (n_dev, n_hold)
    assert split.development_months[-1] < split.holdout_months[0]
    last = pf.performance["month"].max()
    for frame, months in (
        (split.development, split.development_months),
        (split.holdout, split.holdout_months),
    ):
        # every loan has its whole outcome window inside the panel, so its outcome is known
        assert frame["bad_observed"].all()
        window_end = frame["origination_month"] + pd.DateOffset(months=pf.target_window)
        assert (window_end <= last).all()
        assert sorted(frame["origination_month"].dt.strftime("%Y-%m").unique()) == list(months)
    # the vintages kept are exactly those with a complete window: nothing complete is lost
    apps = pf.applications
    complete = apps["origination_month"] + pd.DateOffset(months=pf.target_window) <= last
    assert len(split.development) + len(split.holdout) == int(complete.sum())


def test_out_of_time_split_needs_two_complete_vintages() -> None:
    pf = make_microloan_portfolio(n_loans=300, n_months=13, random_state=0)
    with pytest.raises(DataError, match=r"--n-months 14 or more"):
        out_of_time_split(pf)


def test_spec_equals_scorecard_points_pd_and_grade(model_run: _demo.DemoResult) -> None:
    a = model_run.artifacts
    card, cal, scale, spec = a["scorecard"], a["calibrator"], a["master_scale"], a["spec"]
    for frame in (a["split"].development, a["split"].holdout):
        points = card.predict_points(frame[card.features_])
        np.testing.assert_array_equal(spec.score(frame), points)  # bit for bit
        np.testing.assert_array_equal(spec.predict_pd(frame), cal.predict_pd(points))
        np.testing.assert_array_equal(spec.grade(frame), scale.assign(cal.predict_pd(points)))
    assert model_run.results["spec_check"] == len(a["split"].development) + len(a["split"].holdout)


def test_spec_check_catches_a_different_card(model_run: _demo.DemoResult) -> None:
    a = model_run.artifacts

    class Shifted:  # a card whose points are one point off the spec's
        features_ = a["scorecard"].features_

        def predict_points(self, X: object) -> np.ndarray:
            return np.asarray(a["scorecard"].predict_points(X)) + 1.0

    X = a["split"].holdout[a["scorecard"].features_]
    with pytest.raises(Exception, match=r"scores .* rows differently"):
        _demo.check_spec_matches(a["spec"], Shifted(), a["calibrator"], a["master_scale"], X)


def test_printed_numbers_are_the_public_api(model_run: _demo.DemoResult) -> None:
    a, r = model_run.artifacts, model_run.results
    dev, hold = a["split"].development, a["split"].holdout
    spec, scale = a["spec"], a["master_scale"]
    y, score = hold["bad"].to_numpy(), spec.score(hold)
    assert r["gini"] == gini(y, -score).statistic
    assert r["ks"] == ks_statistic(y, -score).statistic
    assert r["psi"] == psi(spec.score(dev), score).statistic
    n, d = scale.grade_counts(spec.predict_pd(hold), y)
    jeffreys = jeffreys_test(n, d, scale.pd)
    assert r["backtests"]["Jeffreys"]["pvalue"] == jeffreys.pvalue
    assert tuple(r["backtests"]["Jeffreys"]["grades"].values()) == jeffreys.traffic_light()
    assert r["top_iv"][0][1] == max(a["binner"].iv_.values())
    assert r["roll_rates"][0] == ("M0->M1", float(a["roll_rates"].pooled_forward[0]))
    assert r["ecl"]["ecl"] == a["ecl"].total
    assert r["gate"]["passed"] == a["gate"].passed
    best = a["cutoffs"].best_cutoff("expected_profit")
    assert r["best_cutoff"][0] == best
    shares = a["decisions"]["decision"].value_counts(normalize=True)
    assert r["decisions"]["approve"] == pytest.approx(float(shares.get("approve", 0.0)))
    text = model_run.summary()
    assert f"Gini (hold-out)           {r['gini']:.3f}" in text


def test_selected_features_are_on_the_card(model_run: _demo.DemoResult) -> None:
    r = model_run.results
    assert set(r["card_features"]) <= set(r["selected"])
    assert not set(r["dropped"]) & set(r["selected"])
    assert len(r["selected"]) + len(r["dropped"]) == r["n_features"]


def test_decision_table_example_bands() -> None:
    table = _demo.decision_table_example(["A", "B", "C", "D", "E", "F", "G"])
    decisions = [b["decision"] for b in table.bands]
    assert decisions == ["approve", "approve", "approve", "approve", "refer", "decline", "decline"]
    apps = pd.DataFrame(
        {
            "age": [30, 17, 40, 50],
            "debt_to_income": [0.2, 0.2, 0.9, 0.3],
            "worst_past_dpd": [0, 0, 0, 0],
            "loan_amount": [9000.0, 500.0, 500.0, 500.0],
            "term_months": [36, 6, 6, 6],
            "grade": ["A", "A", "A", "G"],
            "pd": [0.01, 0.01, 0.01, 0.4],
        }
    )
    out = table.apply(apps)
    assert out["decision"].tolist() == ["approve", "decline", "decline", "decline"]
    assert out["reason"].tolist()[1:3] == ["under 18", "DTI above 80%"]
    assert out.loc[0, "approved_amount"] == 5000.0
    assert out.loc[0, "term"] == 24


def test_steps_can_be_extended(tmp_path: Path) -> None:
    seen: list[int] = []

    def count_loans(ctx: _demo.DemoContext) -> list[str]:
        seen.append(len(ctx.require_portfolio().applications))
        return ["counted"]

    steps = [*_demo.STEPS[:2], _demo.DemoStep("count", "count loans", count_loans)]
    lines: list[str] = []
    res = _demo.run_demo(
        n_loans=60, n_months=6, seed=0, out=tmp_path, progress=lines.append, steps=steps
    )
    assert seen == [60]
    assert lines[2].startswith("[3/3] count loans ")
    assert lines[2].endswith(": counted")
    assert res.files == ()
    assert set(res.seconds) == {"generate", "summarise", "count"}


def test_summarise_matches_the_portfolio(tmp_path: Path) -> None:
    res = _demo.run_demo(
        n_loans=500, n_months=12, seed=8, out=tmp_path, progress=None, steps=_demo.STEPS[:2]
    )
    pf = make_microloan_portfolio(n_loans=500, n_months=12, random_state=8)
    _, y = pf.xy()
    assert res.results["bad_rate"] == pytest.approx(float(y.mean()))
    last = pf.performance[pf.performance["month"] == pf.performance["month"].max()]
    dist = {s: n for s, n, _ in res.results["bucket_distribution"]}
    assert dist["M0"] == int((last["bucket"] == "M0").sum())
    assert sum(dist.values()) == len(last)


def test_calibration_chart_with_a_group_without_defaults() -> None:
    """Regression: the report's calibration chart crashed (negative error bar) when a PD
    group of a small hold-out had no defaults; the Jeffreys bound is then 0."""
    import matplotlib

    matplotlib.use("Agg")
    from overdue_risk.plotting import plot_calibration

    y = np.r_[np.zeros(60), np.ones(3)]
    p = np.r_[np.full(40, 0.01), np.full(23, 0.3)]
    ax = plot_calibration(y, p, n_bins=4)
    assert ax.get_xlabel() == "mean PD"


def test_demo_model_is_fit_scorecard(model_run: _demo.DemoResult, tmp_path: Path) -> None:
    """The demo's card is fit_scorecard's on the same book with the demo's FitConfig."""
    from overdue_risk.pipeline import fit_scorecard

    pf = make_microloan_portfolio(n_loans=5000, n_months=18, random_state=11, products=True)
    cfg = _demo.fit_config(pf)
    assert not set(pf.decision_features) & {*cfg.features.numeric, *cfg.features.categorical}
    fitted = fit_scorecard(cfg, data=pf, out=tmp_path)
    a = model_run.artifacts
    assert fitted.scorecard.features_ == a["scorecard"].features_
    hold = fitted.holdout
    np.testing.assert_array_equal(a["spec"].score(hold), fitted.spec.score(hold))
    assert fitted.master_scale.pd == a["master_scale"].pd
    assert fitted.metrics["holdout"]["gini"] == pytest.approx(model_run.results["gini"])
