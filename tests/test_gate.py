"""The CI gate: thresholds, verdict objects, JSON / JUnit output, exit codes."""

from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from overdue_risk.cli import main
from overdue_risk.exceptions import DataError
from overdue_risk.gate import (
    CheckResult,
    GateResult,
    default_thresholds_toml,
    load_thresholds,
    read_table,
)

# --------------------------------------------------------------------------------------
# thresholds
# --------------------------------------------------------------------------------------


def test_defaults_are_the_documented_toml() -> None:
    documented = tomllib.loads(default_thresholds_toml())
    assert load_thresholds() == documented
    assert set(documented) == {"discrimination", "calibration", "stability"}


def test_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    cfg = tmp_path / "th.toml"
    cfg.write_text("[stability]\nmax_psi = 0.2\n[calibration]\nmax_failed_grades = 1\n")
    th = load_thresholds(cfg)
    assert th["stability"]["max_psi"] == 0.2
    assert th["calibration"]["max_failed_grades"] == 1
    assert th["discrimination"] == load_thresholds()["discrimination"]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[stabilty]\nmax_psi = 0.2\n", r"unknown thresholds section \[stabilty\]"),
        ("[stability]\nmax_pis = 0.2\n", r"unknown key 'max_pis' in \[stability\]"),
        ("[stability]\nmax_psi = 'high'\n", r"max_psi must be a number; got 'high'"),
        ("[stability]\nmax_psi = -1.0\n", r"finite non-negative"),
        ("[calibration]\nmax_failed_grades = 1.5\n", r"whole number"),
        ("[calibration]\ngrade_test = 3\n", r"must be a string"),
        ("[stability\nmax_psi = 1\n", r"not valid TOML"),
    ],
)
def test_bad_thresholds_file_names_the_problem(tmp_path: Path, text: str, match: str) -> None:
    cfg = tmp_path / "th.toml"
    cfg.write_text(text)
    with pytest.raises(DataError, match=match):
        load_thresholds(cfg)


def test_missing_thresholds_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read thresholds file"):
        load_thresholds(tmp_path / "nope.toml")


# --------------------------------------------------------------------------------------
# verdict objects and their outputs
# --------------------------------------------------------------------------------------


def _result() -> GateResult:
    return GateResult(
        checks=(
            CheckResult(
                "discrimination", "gini", "pass", 0.41, ">= 0.20", "ok", {"ci": (0.38, 0.44)}
            ),
            CheckResult("discrimination", "ks", "warn", 0.18, ">= 0.15", "close to threshold"),
            CheckResult("calibration", "grade C", "fail", 0.001, "p >= 0.05", "DR above PD"),
            CheckResult("stability", "psi", "skip", None, "<= 0.25", "needs --baseline"),
            CheckResult("stability", "csi age", "pass", float("nan"), "<= 0.25", "nan value"),
        ),
        n_rows=5000,
        n_baseline=None,
        spec_name="card_v1",
        thresholds=load_thresholds(),
    )


def test_verdict_fails_when_any_check_fails() -> None:
    r = _result()
    assert not r.passed
    assert r.exit_code == 1
    assert [c.check_id for c in r.failures] == ["calibration.grade C"]
    assert r.counts() == {"pass": 2, "warn": 1, "fail": 1, "skip": 1}
    passing = GateResult(checks=r.checks[:2], n_rows=1, n_baseline=1, spec_name="x")
    assert passing.passed
    assert passing.exit_code == 0


def test_summary_is_a_verdict_table() -> None:
    text = _result().summary()
    assert text.splitlines()[0] == "Gate verdict for card_v1: FAIL (1 of 4 checks failed)"
    assert "calibration.grade C" in text
    assert "FAIL" in text
    assert "SKIP" in text


def test_json_output_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "gate.json"
    text = _result().to_json(path)
    doc = json.loads(path.read_text())
    assert doc == json.loads(text)
    assert doc["passed"] is False
    assert doc["exit_code"] == 1
    assert doc["checks"][0]["details"] == {"ci": [0.38, 0.44]}
    assert doc["checks"][3]["value"] is None
    assert doc["checks"][4]["value"] is None  # NaN is not valid JSON: written as null
    assert doc["thresholds"]["stability"]["max_psi"] == 0.25


def test_junit_xml_lists_each_check(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    _result().to_junit_xml(path)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("5", "1", "1")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"discrimination", "calibration", "stability"}
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["grade C"].find("failure") is not None
    assert cases["psi"].find("skipped") is not None
    assert cases["ks"].find("failure") is None
    assert "WARN" in (cases["ks"].findtext("system-out") or "")
    assert suites["calibration"].get("failures") == "1"


def test_to_frame_has_one_row_per_check() -> None:
    frame = _result().to_frame()
    assert list(frame["check"]) == [c.check_id for c in _result().checks]
    assert list(frame["status"]) == ["pass", "warn", "fail", "skip", "pass"]


def test_unknown_status_is_refused() -> None:
    with pytest.raises(DataError, match="status must be one of"):
        CheckResult("x", "y", "ok", 1.0, "", "")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# data files and the command line
# --------------------------------------------------------------------------------------


def test_read_table_reads_csv_and_parquet(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"x": [1.0, 2.0], "bad": [0, 1]})
    frame.to_csv(tmp_path / "a.csv", index=False)
    frame.to_parquet(tmp_path / "a.parquet")
    pd.testing.assert_frame_equal(read_table(tmp_path / "a.csv"), frame)
    pd.testing.assert_frame_equal(read_table(tmp_path / "a.parquet"), frame)


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("missing.csv", None, "does not exist"),
        ("a.xlsx", "x", "cannot tell the format"),
        ("empty.csv", "x,bad\n", "has no rows"),
    ],
)
def test_read_table_errors(tmp_path: Path, name: str, content: str | None, match: str) -> None:
    if content is not None:
        (tmp_path / name).write_text(content)
    with pytest.raises(DataError, match=match):
        read_table(tmp_path / name)


def test_cli_print_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--print-config"]) == 0
    assert tomllib.loads(capsys.readouterr().out) == load_thresholds()


def test_cli_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2
    assert "missing SPEC, DATA, --target" in capsys.readouterr().err


def test_cli_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "th.toml"
    cfg.write_text("[stability]\nmax_pis = 1\n")
    code = main(["validate", "spec.json", "data.csv", "--target", "bad", "--config", str(cfg)])
    assert code == 2
    assert "unknown key 'max_pis'" in capsys.readouterr().err
