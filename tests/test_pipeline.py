"""overdue_risk.pipeline and ``overdue-risk init`` / ``overdue-risk fit``.

The peer comparison (marked slow and peer) fits optbinning's ``Scorecard`` (a
``BinningProcess`` and a ``LogisticRegression``) on the very split our pipeline made of the
UCI credit-card file (Yeh & Lien 2009) and asks that the hold-out AUCs agree within 0.01.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from overdue_risk.cli import main
from overdue_risk.exceptions import DataError
from overdue_risk.pipeline import (
    FitResult,
    config_from_dict,
    config_toml,
    fit_scorecard,
    guess_columns,
    load_config,
    split_by_date,
)

ROOT = Path(__file__).resolve().parents[1]
UCI = ROOT.parent / "shared" / "data" / "uci_default_credit_card_clients.csv"


@pytest.fixture(scope="module")
def loans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small loan file: an id, a date, a special code, a text and a coded column."""
    rng = np.random.default_rng(7)
    n = 4000
    history = rng.integers(0, 120, n).astype(float)
    history[rng.random(n) < 0.1] = -1  # no credit history
    frame = pd.DataFrame(
        {
            "loan_id": np.arange(1, n + 1),
            "applied": pd.date_range("2023-01-01", periods=n, freq="3h").strftime("%Y-%m-%d"),
            "age": rng.integers(20, 70, n),
            "history_months": history,
            "home": rng.choice(["rent", "own", "family"], n),
            "region": rng.integers(1, 5, n),
        }
    )
    logit = (
        -1.6
        - 0.03 * (frame["age"] - 40)
        - 0.01 * np.where(history < 0, 0, history)
        + 0.8 * (history < 0)
        + 0.5 * (frame["home"] == "rent")
    )
    frame["status"] = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "bad", "good")
    path = tmp_path_factory.mktemp("loans") / "loans.csv"
    frame.to_csv(path, index=False)
    return path


# ------------------------------------------------------------------------------ config
def test_config_errors_name_key_value_and_fix() -> None:
    base = {"data": {"path": "x.csv", "target": "bad"}}
    with pytest.raises(DataError, match=r"binning\.max_n_bins must be a whole number; got 'eight'"):
        config_from_dict({**base, "binning": {"max_n_bins": "eight"}})
    with pytest.raises(DataError, match=r"unknown config key selection\.min_ivv.*'min_iv'"):
        config_from_dict({**base, "selection": {"min_ivv": 0.1}})
    with pytest.raises(DataError, match=r"unknown config key scorcard.*'scorecard'"):
        config_from_dict({**base, "scorcard": {}})
    with pytest.raises(DataError, match=r"split\.holdout_share must lie in \(0.0, 1.0\); got 1.5"):
        config_from_dict({**base, "split": {"holdout_share": 1.5}})
    with pytest.raises(DataError, match=r"data\.target is missing"):
        config_from_dict({"data": {"path": "x.csv"}})
    with pytest.raises(DataError, match=r"without a reason"):
        config_from_dict({**base, "binning": {"features": {"age": {"splits": [30]}}}})


def test_load_config_names_the_toml_error(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text("[data]\npath = \n")
    with pytest.raises(DataError, match=r"c\.toml is not valid TOML.*line 2"):
        load_config(p)
    with pytest.raises(DataError, match="overdue-risk init"):
        load_config(tmp_path / "missing.toml")


def test_feature_typo_suggests_the_nearest_column(loans: Path) -> None:
    cfg = config_from_dict(
        {
            "data": {"path": str(loans), "target": "status", "pos_label": "bad"},
            "features": {"numeric": ["age", "histroy_months"]},
        }
    )
    with pytest.raises(DataError, match=r"'histroy_months'.*Did you mean 'history_months'"):
        fit_scorecard(cfg, out=loans.parent / "typo")


def test_labels_need_pos_label(loans: Path, tmp_path: Path) -> None:
    cfg = config_from_dict({"data": {"path": str(loans), "target": "status"}})
    with pytest.raises(DataError, match="pos_label"):
        fit_scorecard(cfg, out=tmp_path)


def test_split_by_date_holds_out_the_latest_months() -> None:
    dates = ["2023-03-02", "2023-01-09", "2023-02-01", "2023-03-30", "2023-04-01"]
    mask, dev, hold = split_by_date(dates, 0.5)
    assert dev == ("2023-01", "2023-02")
    assert hold == ("2023-03", "2023-04")
    assert mask.tolist() == [True, False, False, True, True]
    with pytest.raises(DataError, match=r"not dates.*'soon'"):
        split_by_date(["2023-01-01", "soon"], 0.5)


# ------------------------------------------------------------------------------- guess
def test_guess_marks_each_guess(loans: Path) -> None:
    g = guess_columns(pd.read_csv(loans), target="status")
    assert (g.target, g.id, g.date) == ("status", "loan_id", "applied")
    assert g.categorical == ("home", "region")
    assert g.numeric == ("age", "history_months")
    assert g.special_codes == {"history_months": (-1.0,)}
    text = config_toml(loans, config_dir=loans.parent, target="status")
    raw = tomllib.loads(text)
    assert raw["split"]["method"] == "out_of_time"
    assert raw["features"]["special_codes"] == {"history_months": [-1]}
    guessed = [line for line in text.splitlines() if "# guessed" in line]
    assert any(line.startswith('id = "loan_id"') for line in guessed)
    assert any(line.startswith('"history_months" = [-1]') for line in guessed)


def test_guess_without_a_binary_column_asks_for_target() -> None:
    with pytest.raises(DataError, match="--target"):
        guess_columns(pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]}))


# ---------------------------------------------------------------------------- pipeline
def test_init_then_fit_end_to_end(loans: Path, tmp_path: Path) -> None:
    cfg_path = tmp_path / "fit.toml"
    assert main(["init", str(loans), "--out", str(cfg_path), "--target", "status"]) == 0
    assert main(["init", str(loans), "--out", str(cfg_path)]) == 2  # no silent overwrite
    text = cfg_path.read_text().replace('# pos_label = "bad"', 'pos_label = "bad"')
    cfg_path.write_text(text.replace("report = true", "report = false"))
    result = fit_scorecard(cfg_path)
    assert isinstance(result, FitResult)
    assert result.split.startswith("out of time")
    # the latest months are the hold-out
    dev_last = pd.to_datetime(result.development["applied"]).max()
    assert dev_last < pd.to_datetime(result.holdout["applied"]).min()
    assert set(result.scorecard.features_) >= {"age", "history_months", "home"}
    assert result.binner.bins_["history_months"].special_codes == (-1.0,)
    assert 0.6 < result.metrics["holdout"]["auc"] < 0.85
    assert [Path(p).name for p in result.files.values()] == [
        "scorecard_spec.json", "scorecard_table.csv", "gate.json", "gate-junit.xml",
    ]  # fmt: skip
    out = cfg_path.parent / "scorecard_out"
    gate = json.loads((out / "gate.json").read_text())
    assert gate["passed"] == result.passed
    # the spec scores the hold-out as the card does
    hold = result.holdout
    np.testing.assert_array_equal(
        result.spec.score(hold), result.scorecard.predict_points(hold[result.scorecard.features_])
    )
    assert len(result.log) == 10
    assert result.log[0].startswith("[1/10] read: loans.csv")


def test_fit_cli_exit_codes(
    loans: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        f'[data]\npath = "{loans}"\ntarget = "status"\npos_label = "bad"\nid = "loan_id"\n'
        'exclude = ["applied"]\n[output]\nreport = false\n'
    )
    code = main(["fit", str(cfg), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    gate = json.loads((tmp_path / "out" / "gate.json").read_text())
    assert code == (0 if gate["passed"] else 1)
    assert captured.err.count("\n[") + 1 >= 10
    assert "[10/10] report" in captured.err
    assert "hold-out" in captured.out
    cfg.write_text(cfg.read_text().replace('target = "status"', 'target = "stauts"'))
    assert main(["fit", str(cfg), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Did you mean 'status'" in err
    assert "Traceback" not in err


def test_panel_defines_the_target_and_the_split(tmp_path: Path) -> None:
    """Applications + a monthly panel: bad = ever 90+ DPD in 6 months, out of time."""
    from overdue_risk.datasets import load_portfolio, make_microloan_portfolio, out_of_time_split

    pf = make_microloan_portfolio(n_loans=6000, n_months=20, random_state=1)
    pf.applications.drop(columns=["bad", "bad_observed"]).to_csv(tmp_path / "apps.csv", index=False)
    pf.performance.to_csv(tmp_path / "perf.csv", index=False)
    cfg = tmp_path / "panel.toml"
    apps, perf = str(tmp_path / "apps.csv"), str(tmp_path / "perf.csv")
    decisions = ["loan_amount", "term_months", "apr"]
    assert main(["init", apps, "--panel", perf, "--out", str(cfg), "--drop", *decisions]) == 0
    raw = tomllib.loads(cfg.read_text())
    assert raw["panel"] == {"path": "perf.csv", "bad_dpd": 90, "window": 12}
    assert "target" not in raw["data"]
    assert raw["features"]["special_codes"]["credit_history_months"] == [-1]
    text = cfg.read_text().replace("window = 12", "window = 6")
    cfg.write_text(text.replace("report = true", "report = false"))
    result = fit_scorecard(cfg)
    expected = out_of_time_split(
        load_portfolio(tmp_path / "apps.csv", tmp_path / "perf.csv", target_window=6), 0.3
    )
    assert result.split.startswith("out of time (ever 90+ DPD within 6 months)")
    assert result.holdout["loan_id"].tolist() == expected.holdout["loan_id"].tolist()
    assert result.holdout["bad"].tolist() == expected.holdout["bad"].tolist()
    assert not {"loan_amount", "term_months", "apr", "loan_id"} & set(result.features)
    assert result.metrics["holdout"]["gini"] > 0.3


def test_in_memory_frame_fits_as_the_file_does(loans: Path, tmp_path: Path) -> None:
    """data=DataFrame: the same development as reading data.path, the frame left as given."""
    data = {"target": "status", "pos_label": "bad", "id": "loan_id", "exclude": ["applied"]}
    cfg = config_from_dict({"data": {"path": str(loans), **data}, "output": {"report": False}})
    from_file = fit_scorecard(cfg, out=tmp_path / "file")
    frame = pd.read_csv(loans)
    before = frame.copy()
    label = config_from_dict({"data": {"path": "<memory>", **data}, "output": {"report": False}})
    in_memory = fit_scorecard(label, data=frame, out=tmp_path / "memory")
    pd.testing.assert_frame_equal(frame, before)  # not modified (target still text)
    assert in_memory.scorecard.features_ == from_file.scorecard.features_
    assert in_memory.metrics["holdout"] == from_file.metrics["holdout"]
    assert in_memory.log[0].startswith("[1/10] read: the given data frame: 4,000 rows")
    spec = json.loads(in_memory.files["spec"].read_text())
    assert spec["metadata"]["data"] == "the given data frame"
    with pytest.raises(DataError, match=r"'histroy_months'.*the given data frame.*'history_mon"):
        fit_scorecard(
            config_from_dict({"data": {"path": "-", **data},
                              "features": {"numeric": ["histroy_months"]}}),
            data=frame, out=tmp_path / "typo",
        )  # fmt: skip


def test_in_memory_portfolio_is_a_panel(tmp_path: Path) -> None:
    """data=Portfolio: its target and its out-of-time split over complete windows."""
    from overdue_risk.datasets import make_microloan_portfolio, out_of_time_split

    pf = make_microloan_portfolio(n_loans=6000, n_months=20, random_state=1, target_window=6)
    cfg = config_from_dict(
        {
            "data": {"path": "-", "target": "bad", "exclude": list(pf.decision_features)},
            "output": {"report": False},
        }
    )
    result = fit_scorecard(cfg, data=pf, out=tmp_path)
    expected = out_of_time_split(pf, cfg.split.holdout_share)
    assert result.split.startswith("out of time (ever 90+ DPD within 6 months)")
    assert result.holdout["loan_id"].tolist() == expected.holdout["loan_id"].tolist()
    assert result.development["bad"].tolist() == expected.development["bad"].tolist()
    assert not {"loan_id", "origination_month", "bad_observed", *pf.decision_features} & set(
        result.features
    )
    assert result.log[0].startswith("[1/10] read: the given portfolio")
    # the grade PDs are backtested on the hold-out
    from overdue_risk.backtest import jeffreys_test

    scale, hold = result.master_scale, result.holdout
    n, d = scale.grade_counts(result.spec.predict_pd(hold), hold["bad"].to_numpy())
    assert sorted(result.backtests) == ["Hosmer-Lemeshow", "Jeffreys", "binomial"]
    assert result.backtests["Jeffreys"].pvalue == jeffreys_test(n, d, scale.pd).pvalue
    assert result.metrics["holdout"]["gini"] > 0.3


def test_in_memory_data_errors(loans: Path, tmp_path: Path) -> None:
    cfg = config_from_dict({"data": {"path": str(loans), "target": "status"}})
    with pytest.raises(DataError, match=r"data= is a list; give a pandas DataFrame"):
        fit_scorecard(cfg, data=[1, 2], out=tmp_path)
    panel = config_from_dict({"data": {"path": "a.csv"}, "panel": {"path": "p.csv"}})
    with pytest.raises(DataError, match=r"panel\.path = 'p\.csv' and data= were both given"):
        fit_scorecard(panel, data=pd.DataFrame({"bad": [0, 1]}), out=tmp_path)


# ------------------------------------------------------------------------------ peer
@pytest.mark.slow
@pytest.mark.peer
@pytest.mark.parametrize("drop", [("PAY_*", "BILL_*"), ()], ids=["no_panel", "panel"])
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_uci_holdout_auc_matches_optbinning(tmp_path: Path, drop: tuple[str, ...]) -> None:
    """init + fit on the UCI file: hold-out AUC within 0.01 of optbinning's Scorecard."""
    pytest.importorskip("optbinning")
    from optbinning import BinningProcess
    from optbinning import Scorecard as PeerScorecard
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    if not UCI.exists():
        pytest.skip(f"{UCI} not available")
    cfg = tmp_path / "uci.toml"
    assert main(["init", str(UCI), "--out", str(cfg), *(["--drop", *drop] if drop else [])]) == 0
    cfg.write_text(cfg.read_text().replace("report = true", "report = false"))
    result = fit_scorecard(cfg)
    ours = result.metrics["holdout"]["auc"]
    features = list(result.features)
    categorical = list(result.config.features.categorical)
    peer = PeerScorecard(
        binning_process=BinningProcess(features, categorical_variables=categorical),
        estimator=LogisticRegression(max_iter=1000),
    )
    dev, hold = result.development, result.holdout
    peer.fit(dev[features], dev["next_payment"])
    theirs = roc_auc_score(hold["next_payment"], peer.predict_proba(hold[features])[:, 1])
    print(f"UCI {'without' if drop else 'with'} panel columns: AUC ours {ours:.4f}, "
          f"optbinning {theirs:.4f}")  # fmt: skip
    assert ours == pytest.approx(theirs, abs=0.01)
    # the README and the guide quote these numbers
    quoted = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"{ours:.3f}" in quoted
    assert f"{theirs:.3f}" in quoted
    guide = " ".join((ROOT / "docs" / "guide" / "your_data.md").read_text().split())
    assert f"{ours:.3f}" in guide
    assert f"{theirs:.3f}" in guide


@pytest.mark.slow
def test_your_data_guide_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/guide/your_data.md: its Python blocks in order, one namespace; quoted outputs hold."""
    if not UCI.exists():
        pytest.skip(f"{UCI} not available")
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)  # the guide reads ../shared/data; it writes into a temp folder
    text = (ROOT / "docs" / "guide" / "your_data.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"your_data.md block {i}", "exec"), namespace)  # the docs' own code
    m = namespace["result"].metrics  # type: ignore[attr-defined]
    assert (
        f"# hold-out AUC {m['holdout']['auc']:.3f} (development {m['development']['auc']:.3f})"
        in text
    )
    assert f"A hold-out AUC of {m['holdout']['auc']:.3f}" in text
    cfg = namespace["config"]
    assert f"# {cfg.data.target} {cfg.features.categorical} {cfg.split.method}" in text  # type: ignore[attr-defined]
    reviewed = namespace["reviewed"].binner.bins_["AGE"].splits  # type: ignore[attr-defined]
    assert f"# {reviewed} policy age bands" in text
