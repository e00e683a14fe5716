"""``overdue-risk demo``: the main job end to end through ``overdue_risk.cli.main``.

One small run of the whole demo (module fixture) is inspected by several tests: the exit
code, the progress lines, the files written (the spec loads and scores the hold-out exactly
as the scorecard did, the scorecard CSV, the HTML report with inline images, the gate's JSON
and JUnit) and the printed summary.
"""

from __future__ import annotations

import contextlib
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from overdue_risk import _demo
from overdue_risk.cli import main
from overdue_risk.datasets import load_portfolio, make_microloan_portfolio
from overdue_risk.runtime import load_spec

ARGS = ["--n-loans", "4000", "--n-months", "17", "--seed", "3"]


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    folder: Path


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("demo") / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["demo", *ARGS, "--out", str(folder)])
    return Run(code, stdout.getvalue(), stderr.getvalue(), folder)


pytestmark = pytest.mark.slow  # one small end-to-end run, ~15-25 s on the shared machine


def test_exit_code_and_progress(demo_run: Run) -> None:
    assert demo_run.code == 0
    progress = demo_run.err.splitlines()
    n = len(_demo.STEPS)
    assert len(progress) == n  # one line per step, on stderr
    for i, (line, step) in enumerate(zip(progress, _demo.STEPS, strict=True), start=1):
        assert line.startswith(f"[{i:>2}/{n}] {step.title} ")
        assert "s (total " in line
    assert "[ 1/" not in demo_run.out  # the summary alone on stdout


def test_files_written(demo_run: Run) -> None:
    names = {p.name for p in demo_run.folder.iterdir()}
    assert {
        "scorecard_spec.json",
        "scorecard_table.csv",
        "report.html",
        "gate.json",
        "gate-junit.xml",
        "development.csv",
        "holdout.csv",
        "applications.csv",
        "performance.csv",
    } <= names
    # the book is the library's portfolio for the same seed, and loads back
    expected = make_microloan_portfolio(n_loans=4000, n_months=17, random_state=3, products=True)
    loaded = load_portfolio(
        demo_run.folder / "applications.csv", demo_run.folder / "performance.csv"
    )
    pd.testing.assert_frame_equal(loaded.applications, expected.applications, check_dtype=False)


def test_spec_scores_the_holdout_as_the_scorecard_did(demo_run: Run) -> None:
    spec = load_spec(demo_run.folder / "scorecard_spec.json")
    for name in ("development", "holdout"):
        # score / pd / grade columns were written from Scorecard.predict_points,
        # PDCalibrator and MasterScale in the run; pandas parses floats back bit for bit
        frame = pd.read_csv(demo_run.folder / f"{name}.csv")
        np.testing.assert_array_equal(spec.score(frame), frame["score"].to_numpy())
        np.testing.assert_allclose(spec.predict_pd(frame), frame["pd"].to_numpy(), rtol=1e-12)
        np.testing.assert_array_equal(spec.grade(frame), frame["grade"].to_numpy(dtype=str))
    # the scorecard table is the card: its features, in card order, and points per bin
    table = pd.read_csv(demo_run.folder / "scorecard_table.csv")
    assert list(dict.fromkeys(table["feature"])) == list(spec.feature_names)
    assert {"bin", "woe", "points", "event_count", "nonevent_count"} <= set(table.columns)
    first = spec.to_dict()["features"][0]
    rows = table[table["feature"] == first["name"]]
    assert rows.loc[rows["kind"] == "regular", "points"].tolist() == pytest.approx(first["points"])


def test_report_and_gate_files(demo_run: Run) -> None:
    html = (demo_run.folder / "report.html").read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') >= 5  # inline charts
    assert "<script" not in html
    assert "http://" not in html
    assert "https://" not in html
    for title in ("Validation gate verdict", "Expected credit loss", "Strategy: decision table"):
        assert title in html
    gate = json.loads((demo_run.folder / "gate.json").read_text())
    assert gate["spec_name"] == "microloan_application_demo"
    assert gate["n_baseline"] > 0
    assert gate["n_rows"] > 0
    junit = ET.parse(demo_run.folder / "gate-junit.xml").getroot()
    assert junit.tag == "testsuites"
    assert int(junit.get("tests", "0")) == len(gate["checks"])
    verdict = "PASS" if gate["passed"] else "FAIL"
    assert f"gate                      {verdict} (exit code {gate['exit_code']})" in demo_run.out


@pytest.mark.parametrize(
    "key",
    [
        "bad rate (observed)",
        "charge-off rate",
        "buckets at",
        "development",
        "hold-out",
        "IV (top features)",
        "scorecard",
        "spec == card",
        "Gini (hold-out)",
        "KS (hold-out)",
        "PSI (score)",
        "backtest Jeffreys",
        "backtest binomial",
        "backtest Hosmer-Lemeshow",
        "cut-off (max profit)",
        "decision table",
        "gate",
        "roll rates",
        "ECL (IFRS 9)",
    ],
)
def test_summary_lines(demo_run: Run, key: str) -> None:
    assert any(line.startswith(key + " ") for line in demo_run.out.splitlines())


def test_summary_mentions_the_roll_rates_and_months(demo_run: Run) -> None:
    out = demo_run.out
    assert "M0->M1 " in out
    assert "M6+->CO " in out
    assert "development               " in out
    assert "2023-01.." in out


def test_quiet_no_report_and_bad_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["demo", *ARGS, "--quiet", "--no-report", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""  # --quiet: no progress
    assert "overdue-risk demo" in captured.out
    assert not (tmp_path / "report.html").exists()
    assert (tmp_path / "scorecard_spec.json").exists()
    assert main(["demo", "--n-loans", "zero"]) == 2  # a usage error is exit 2, no SystemExit
    assert "expected a whole number" in capsys.readouterr().err
    # library errors become exit code 2 with the library's message
    assert main(["demo", "--n-loans", "10", "--n-months", "1", "--out", str(tmp_path)]) == 2
    assert "n_months must be >= 2" in capsys.readouterr().err
    assert main(["demo", "--n-loans", "500", "--n-months", "12", "--out", str(tmp_path)]) == 2
    assert "out-of-time split needs at least 2" in capsys.readouterr().err
    assert main(["demo", "--n-loans", "300", "--n-months", "14", "--out", str(tmp_path)]) == 2
    assert "holds 3 defaults; the demo needs at least 30" in capsys.readouterr().err
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    assert main(["demo", *ARGS, "--quiet", "--out", str(a_file)]) == 2
    assert "is a file; pass a folder" in capsys.readouterr().err
