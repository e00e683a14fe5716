"""Gate checks over monitoring series (overdue_risk.gate.check_monitoring)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from overdue_risk.exceptions import DataError
from overdue_risk.gate import check_monitoring, monitoring_gate
from overdue_risk.monitoring import monitor
from overdue_risk.runtime import Spec, example_spec_dict, seal

SPEC = Spec.from_dict(seal(example_spec_dict()))


def _data(rng, shift_months=(), n=2000, n_months=6):
    frames = []
    for m in range(n_months):
        age = rng.integers(20, 60, n) - (12 if m in shift_months else 0)
        purpose = rng.choice(["cash", "rent"], n)
        frames.append(pd.DataFrame({"month": m, "age": age, "purpose": purpose}))
    data = pd.concat(frames, ignore_index=True)
    data["bad"] = (rng.random(len(data)) < SPEC.predict_pd(data)).astype(int)
    return data


def _by_name(checks):
    return {c.name: c for c in checks}


def test_a_stable_card_passes(rng):
    res = monitor(SPEC, _data(rng), target="bad", baseline=(0, 1))
    verdict = monitoring_gate(res)
    assert verdict.passed
    checks = _by_name(verdict.checks)
    assert checks["psi"].status == "pass"
    assert checks["calibration"].status == "pass"
    assert checks["calibration_grades"].status == "pass"  # the example card has a master scale
    assert {c.group for c in verdict.checks} == {"stability", "calibration", "discrimination"}


def test_window_decides_what_counts(rng):
    res = monitor(SPEC, _data(rng, shift_months=(2,)), target="bad", baseline=(0, 1))
    assert _by_name(check_monitoring(res))["psi"].status == "pass"  # latest month is fine
    whole = _by_name(check_monitoring(res, window=None))
    assert whole["psi"].status == "fail"
    assert whole["psi"].value == pytest.approx(res.periods[2].psi.statistic)
    assert "raised 2" in whole["psi"].message
    assert monitoring_gate(res, window=None).exit_code == 1


def test_a_yellow_run_warns(rng):
    from overdue_risk.monitoring import AlertRule

    res = monitor(
        SPEC,
        _data(rng, shift_months=(4, 5)),
        baseline=(0, 1),
        rules=[AlertRule("psi", "yellow", 2)],
    )
    assert _by_name(check_monitoring(res))["psi"].status == "warn"


def test_outputs_and_errors(rng):
    res = monitor(SPEC, _data(rng, shift_months=(5,)), target="bad", baseline=(0, 1))
    verdict = monitoring_gate(res)
    doc = json.loads(verdict.to_json())
    assert any(c["id"] == "stability.psi" and c["status"] == "fail" for c in doc["checks"])
    junit = verdict.to_junit_xml()
    assert 'classname="overdue_risk.gate.stability" name="psi"' in junit
    with pytest.raises(DataError, match="window"):
        check_monitoring(res, window=0)


def test_no_outcomes_skips_the_outcome_series(rng):
    res = monitor(SPEC, _data(rng), baseline=(0, 1))
    checks = _by_name(check_monitoring(res))
    assert checks["calibration"].status == "skip"
    assert checks["discrimination"].status == "skip"
    assert np.isnan(res.to_frame()["gini"]).all()
