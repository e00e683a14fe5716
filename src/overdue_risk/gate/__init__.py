"""The CI gate: is this scorecard still fit to lend with?

:func:`validate` scores a validation sample with a scoring spec, runs every registered
check -- discrimination (Gini, KS, AUC against its initial value), calibration backtests
(per-grade Jeffreys or binomial tests, Hosmer-Lemeshow) and stability (PSI of the score,
CSI of each feature, against a baseline sample) -- compares each statistic with a
threshold, and returns a :class:`GateResult`: a verdict table, JSON, JUnit XML (so a CI
system shows each check), and an exit code (0 pass, 1 a check failed).

Thresholds come from a TOML file; :func:`default_thresholds_toml` returns the documented
defaults (``overdue-risk validate --print-config`` prints them).

Examples
--------
>>> th = load_thresholds()
>>> th["stability"]["max_psi"]
0.25
>>> ok = CheckResult("stability", "psi", "pass", 0.04, "<= 0.25", "score distribution stable")
>>> bad = CheckResult("discrimination", "gini", "fail", 0.12, ">= 0.20", "Gini too low")
>>> result = GateResult(checks=(ok, bad), n_rows=1000, n_baseline=1000, spec_name="demo")
>>> result.passed, result.exit_code
(False, 1)
>>> print(result.summary())  # doctest: +NORMALIZE_WHITESPACE
Gate verdict for demo: FAIL (1 of 2 checks failed)
...
"""

from __future__ import annotations

from overdue_risk.gate._gate import registered_checks, validate
from overdue_risk.gate._inputs import build_inputs, card_slots, read_table, slot_labels
from overdue_risk.gate._monitoring_checks import check_monitoring, monitoring_gate
from overdue_risk.gate._thresholds import default_thresholds_toml, load_thresholds
from overdue_risk.gate._types import CheckResult, GateInputs, GateResult

__all__ = [
    "CheckResult",
    "GateInputs",
    "GateResult",
    "build_inputs",
    "card_slots",
    "check_monitoring",
    "default_thresholds_toml",
    "load_thresholds",
    "monitoring_gate",
    "read_table",
    "registered_checks",
    "slot_labels",
    "validate",
]
