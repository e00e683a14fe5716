"""The CI gate: thresholds, verdict objects, JSON / JUnit output, exit codes."""

from __future__ import annotations

import copy
import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.cli import main
from overdue_risk.exceptions import DataError
from overdue_risk.gate import (
    CheckResult,
    GateInputs,
    GateResult,
    default_thresholds_toml,
    load_thresholds,
    read_table,
    registered_checks,
    validate,
)
from overdue_risk.gate._checks import check_calibration, check_discrimination, check_stability

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


# --------------------------------------------------------------------------------------
# the checks, on scores with known properties
# --------------------------------------------------------------------------------------


def _scores(rng: np.random.Generator, n: int, separation: float) -> tuple[np.ndarray, np.ndarray]:
    y = (rng.random(n) < 0.2).astype(np.int64)
    return y, 600.0 - separation * y + rng.normal(0.0, 40.0, n)


def _by_status(results: list[CheckResult]) -> dict[str, str]:
    return {c.name: c.status for c in results}


def test_registered_checks_cover_the_three_groups() -> None:
    assert registered_checks() == ("discrimination", "calibration", "stability")


def test_discrimination_passes_a_good_score_and_fails_noise(rng: np.random.Generator) -> None:
    th = load_thresholds()
    y, good = _scores(rng, 4000, 60.0)
    res = _by_status(check_discrimination(GateInputs(y=y, score=good), th))
    assert res == {"gini": "pass", "ks": "pass", "auc_vs_initial": "skip"}
    noise = rng.normal(600.0, 40.0, y.size)
    res = _by_status(check_discrimination(GateInputs(y=y, score=noise), th))
    assert res["gini"] == "fail"
    assert res["ks"] == "fail"


def test_gini_check_reports_the_metrics_module_values(rng: np.random.Generator) -> None:
    from overdue_risk.metrics import gini

    y, s = _scores(rng, 3000, 50.0)
    (g, *_rest) = check_discrimination(GateInputs(y=y, score=s), load_thresholds())
    ref = gini(y, -s)
    assert g.value == pytest.approx(ref.statistic)
    assert (g.details["ci_low"], g.details["ci_high"]) == pytest.approx(
        ref.confidence_interval(0.95)
    )


def test_auc_vs_initial_fails_when_discrimination_dropped(rng: np.random.Generator) -> None:
    th = load_thresholds()
    yb, base = _scores(rng, 4000, 80.0)
    y, weak = _scores(rng, 4000, 25.0)
    dropped = GateInputs(y=y, score=weak, baseline_y=yb, baseline_score=base)
    (check,) = [c for c in check_discrimination(dropped, th) if c.name == "auc_vs_initial"]
    assert check.status == "fail"
    assert check.details["auc_current"] < check.details["auc_initial"]
    y2, same = _scores(rng, 4000, 80.0)
    kept = GateInputs(y=y2, score=same, baseline_y=yb, baseline_score=base)
    (check,) = [c for c in check_discrimination(kept, th) if c.name == "auc_vs_initial"]
    assert check.status == "pass"


def _graded(rng: np.random.Generator, dr_b: float) -> GateInputs:
    n = 2000
    grade = np.array(["A"] * n + ["B"] * n, dtype=object)
    y = np.concatenate([rng.random(n) < 0.02, rng.random(n) < dr_b]).astype(np.int64)
    pd_ = np.where(grade == "A", 0.02, 0.05)
    return GateInputs(y=y, score=-pd_, pd=pd_, grade=grade, grade_pd={"A": 0.02, "B": 0.05})


def test_calibration_fails_an_underestimated_grade(rng: np.random.Generator) -> None:
    th = load_thresholds()
    ok = _by_status(check_calibration(_graded(rng, 0.05), th))
    assert ok == {
        "jeffreys grade A": "pass",
        "jeffreys grade B": "pass",
        "jeffreys portfolio": "pass",
        "hosmer_lemeshow": "pass",
    }
    bad = _by_status(check_calibration(_graded(rng, 0.12), th))
    assert bad["jeffreys grade B"] == "fail"
    assert bad["hosmer_lemeshow"] == "fail"
    # one rejected grade is tolerated (shown as a warning) when the policy allows it
    lenient = load_thresholds(overrides={"calibration": {"max_failed_grades": 1}})
    assert _by_status(check_calibration(_graded(rng, 0.12), lenient))["jeffreys grade B"] == "warn"


def test_binomial_grade_test_and_bad_test_name(rng: np.random.Generator) -> None:
    th = load_thresholds(overrides={"calibration": {"grade_test": "binomial"}})
    names = [c.name for c in check_calibration(_graded(rng, 0.05), th)]
    assert names[:2] == ["binomial grade A", "binomial grade B"]
    th = load_thresholds(overrides={"calibration": {"grade_test": "chi2"}})
    with pytest.raises(DataError, match="grade_test must be 'jeffreys' or 'binomial'"):
        check_calibration(_graded(rng, 0.05), th)


def test_calibration_without_master_scale_is_skipped(rng: np.random.Generator) -> None:
    y, s = _scores(rng, 500, 40.0)
    res = check_calibration(GateInputs(y=y, score=s), load_thresholds())
    assert [c.status for c in res] == ["skip", "skip"]


def test_stability_psi_and_csi(rng: np.random.Generator) -> None:
    from overdue_risk.metrics import psi_from_counts

    th = load_thresholds()
    n = 5000
    labels = ("young", "middle", "older", "Missing", "Unseen")
    base_slots = rng.choice(3, n, p=[0.3, 0.4, 0.3]).astype(np.intp)
    base = GateInputs(
        y=np.zeros(n, dtype=np.int64),
        score=rng.normal(600, 40, n),
        baseline_score=rng.normal(600, 40, n),
        feature_slots={"age": rng.choice(3, n, p=[0.3, 0.4, 0.3]).astype(np.intp)},
        baseline_feature_slots={"age": base_slots},
        slot_labels={"age": labels},
    )
    res = check_stability(base, th)
    assert _by_status(res) == {"psi score": "pass", "csi age": "pass"}
    assert res[1].message.endswith("over 3 card bins")  # empty Missing / Unseen slots dropped
    older_slots = rng.choice(4, n, p=[0.1, 0.3, 0.5, 0.1]).astype(np.intp)  # and missing ages
    older = GateInputs(
        y=base.y,
        score=rng.normal(640, 40, n),
        baseline_score=base.baseline_score,
        feature_slots={"age": older_slots},
        baseline_feature_slots={"age": base_slots},
        slot_labels={"age": labels},
    )
    res = check_stability(older, th)
    assert _by_status(res) == {"psi score": "fail", "csi age": "fail"}
    ref = psi_from_counts(
        np.bincount(base_slots, minlength=4), np.bincount(older_slots, minlength=4)
    )
    assert res[1].value == pytest.approx(ref.statistic)
    assert _by_status(check_stability(GateInputs(y=base.y, score=base.score), th)) == {
        "psi score": "skip"
    }


def test_card_slots_follow_the_spec_layout() -> None:
    """Slots [bins, missing, specials, unseen] as in docs/spec_format.md."""
    from overdue_risk.gate import card_slots, slot_labels
    from overdue_risk.runtime import Spec, example_spec_dict, seal

    spec = Spec.from_dict(seal(example_spec_dict()))
    frame = pd.DataFrame(
        {
            "age": [18.0, 25.0, 39.9, 55.0, -1.0, np.nan, float("inf")],
            "purpose": ["cash", "travel", "education", "medical", None, "yacht", "rent"],
        }
    )
    slots = card_slots(spec, frame)
    assert slots["age"].tolist() == [0, 1, 1, 3, 5, 4, 3]
    assert slots["purpose"].tolist() == [0, 0, 1, 2, 3, 4, 2]
    labels = slot_labels(spec)
    assert labels["purpose"] == ("cash, travel", "education", "medical, rent", "Missing", "Unseen")
    # the slots reproduce the runtime's points, feature by feature
    points = spec.feature_points(frame.iloc[:6])
    for j, feat in enumerate(spec.features):
        np.testing.assert_allclose(np.asarray(feat.slot_points)[slots[feat.name][:6]], points[:, j])


# --------------------------------------------------------------------------------------
# end to end on the built-in portfolio: a good card passes, a degraded card fails
# --------------------------------------------------------------------------------------


def _fit_spec(X: pd.DataFrame, y: np.ndarray, name: str) -> dict[str, Any]:
    from overdue_risk.calibration import MasterScale, PDCalibrator
    from overdue_risk.scorecard import Scorecard

    card = Scorecard().fit(X, y)
    points = card.predict_points(X).reshape(-1, 1)
    cal = PDCalibrator().fit(points, y)
    ms = MasterScale.geometric(5, floor=0.005, cap=0.4).calibrate(cal.predict_pd(points), y)
    return card.to_spec(calibrator=cal, master_scale=ms, name=name)


def _shuffle_points(doc: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """The same card with each feature's points shuffled across its bins, re-sealed."""
    from overdue_risk.runtime import seal

    out = copy.deepcopy(doc)
    for feat in out["features"]:
        feat["points"] = rng.permutation(feat["points"]).tolist()
        feat["max_points"] = max([*feat["points"], feat["missing_points"]])
    out["name"] = "shuffled"
    out.pop("checksum")
    return seal(out)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Development, initial-validation (baseline) and validation samples; two cards.

    The loans with an observed outcome are split at random: half to fit the card, a
    quarter as the initial validation (baseline) sample, a quarter as the new sample.
    """
    from overdue_risk.datasets import make_microloan_portfolio

    pf = make_microloan_portfolio(n_loans=12_000, n_months=24, random_state=11)
    apps = pf.applications[pf.applications["bad_observed"]]
    apps = apps.sample(frac=1.0, random_state=3).reset_index(drop=True)
    half, three_q = len(apps) // 2, 3 * len(apps) // 4
    fit, base, val = apps[:half], apps[half:three_q], apps[three_q:]
    features = list(pf.feature_names)
    good = _fit_spec(fit[features], fit["bad"].to_numpy(), "good")
    bad = _shuffle_points(good, np.random.default_rng(5))
    d = tmp_path_factory.mktemp("book")
    base.to_parquet(d / "base.parquet")
    val.to_csv(d / "val.csv", index=False)
    (d / "good.json").write_text(json.dumps(good))
    (d / "bad.json").write_text(json.dumps(bad))
    return {"dir": d, "base": base, "val": val, "good": good, "bad": bad}


@pytest.mark.slow
def test_good_card_passes_the_gate(book: dict[str, Any]) -> None:
    result = validate(book["good"], book["val"], target="bad", baseline=book["base"])
    assert result.passed, result.summary()
    ids = {c.check_id for c in result.checks}
    assert {"discrimination.gini", "discrimination.auc_vs_initial", "stability.psi score"} <= ids
    assert "calibration.hosmer_lemeshow" in ids
    assert any(i.startswith("calibration.jeffreys grade") for i in ids)
    assert all(c.status != "skip" for c in result.checks)
    gini = next(c for c in result.checks if c.check_id == "discrimination.gini")
    assert gini.value is not None
    assert gini.value > 0.4  # the datasets helper documents a WOE-card Gini of about 0.55


@pytest.mark.slow
def test_degraded_card_fails_the_gate(book: dict[str, Any]) -> None:
    result = validate(book["bad"], book["val"], target="bad", baseline=book["base"])
    assert not result.passed
    assert result.exit_code == 1
    failed = {c.check_id for c in result.failures}
    assert "discrimination.gini" in failed
    good = validate(book["good"], book["val"], target="bad", baseline=book["base"])
    gini = {r.spec_name: r.checks[0].value for r in (result, good)}
    assert gini["shuffled"] < gini["good"] - 0.25  # the shuffle destroyed most of the ranking


@pytest.mark.slow
def test_cli_exit_codes_on_the_portfolio(
    book: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = book["dir"]
    common = ["--baseline", str(d / "base.parquet"), "--target", "bad"]
    good_json, bad_junit = tmp_path / "good.json", tmp_path / "bad.xml"
    args = ["validate", str(d / "good.json"), str(d / "val.csv"), *common]
    assert main([*args, "--json", str(good_json), "--junit", "-"]) == 0
    assert json.loads(good_json.read_text())["passed"] is True
    args = ["validate", str(d / "bad.json"), str(d / "val.csv"), *common]
    html = tmp_path / "gate.html"
    assert main([*args, "--json", "-", "--junit", str(bad_junit), "--report", str(html)]) == 1
    page = html.read_text(encoding="utf-8")
    assert '<p class="verdict status-fail">FAIL</p>' in page
    assert "Discrimination: ROC, KS and gains" in page
    root = ET.parse(bad_junit).getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["gini"].find("failure") is not None
    out = capsys.readouterr().out
    assert "Gate verdict for shuffled: FAIL" in out
    # data errors exit 2 with a message naming the problem
    args = ["validate", str(d / "good.json"), str(d / "val.csv"), "--target", "default"]
    assert main(args) == 2
    assert "lacks required columns ['default']" in capsys.readouterr().err
    tampered = json.loads((d / "good.json").read_text())
    tampered["features"][0]["points"][0] += 1.0
    (tmp_path / "tampered.json").write_text(json.dumps(tampered))
    assert main(["validate", str(tmp_path / "tampered.json"), str(d / "val.csv"), *common]) == 2
    assert "checksum" in capsys.readouterr().err.lower()


def test_recorded_initial_auc_gives_the_ecb_test(rng: np.random.Generator) -> None:
    from overdue_risk.metrics import auc_change_test

    y, s = _scores(rng, 3000, 40.0)
    th = load_thresholds(overrides={"discrimination": {"initial_auc": 0.85}})
    (check,) = [
        c for c in check_discrimination(GateInputs(y=y, score=s), th) if c.name == "auc_vs_initial"
    ]
    ref = auc_change_test(0.85, y, -s)
    assert check.value == pytest.approx(ref.pvalue)
    assert check.status == ("fail" if ref.pvalue < 0.05 else "pass")
    assert check.status == "fail"  # separation 40 on sd 40: AUC about 0.76, well below 0.85


_statuses = st.sampled_from(["pass", "warn", "fail", "skip"])
_checks = st.lists(
    st.builds(
        CheckResult,
        group=st.sampled_from(["discrimination", "calibration", "stability"]),
        name=st.text("abc <&>\"'", min_size=1, max_size=8),
        status=_statuses,
        value=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
        threshold=st.just(">= 0.2"),
        message=st.text(max_size=20),
    ),
    max_size=12,
)


@given(checks=_checks)
@settings(max_examples=60, deadline=None)
def test_json_junit_and_exit_code_agree(checks: list[CheckResult]) -> None:
    """Property: the JSON, the JUnit XML and the exit code tell the same verdict."""
    result = GateResult(checks=tuple(checks), n_rows=1, n_baseline=None, spec_name="p")
    doc = json.loads(result.to_json())
    root = ET.fromstring(result.to_junit_xml().split("?>", 1)[1])
    n_fail = sum(c.status == "fail" for c in checks)
    assert doc["counts"]["fail"] == n_fail == int(root.get("failures", "-1"))
    assert doc["counts"]["skip"] == int(root.get("skipped", "-1"))
    assert len(list(root.iter("testcase"))) == len(checks)
    assert result.exit_code == doc["exit_code"] == (1 if n_fail else 0)


@given(
    gini_floor=st.floats(0.0, 0.9),
    separation=st.floats(0.0, 120.0),
)
@settings(max_examples=25, deadline=None)
def test_gini_check_fails_exactly_below_its_threshold(gini_floor: float, separation: float) -> None:
    rng = np.random.default_rng(1)
    y, s = _scores(rng, 600, separation)
    th = load_thresholds(
        overrides={"discrimination": {"min_gini": gini_floor, "warn_gini": gini_floor}}
    )
    (g, *_rest) = check_discrimination(GateInputs(y=y, score=s), th)
    assert g.value is not None
    assert (g.status == "fail") == (g.value < gini_floor)
