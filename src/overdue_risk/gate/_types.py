"""The gate's result types: one CheckResult per check, the GateResult verdict with its JSON
and JUnit XML views, and the GateInputs every check reads.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


__all__ = ["CheckResult", "GateInputs", "GateResult"]

Status = Literal["pass", "warn", "fail", "skip"]
_STATUSES: tuple[str, ...] = ("pass", "warn", "fail", "skip")


# ----------------------------------------------------------------------------------------
# results
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one gate check.

    Parameters
    ----------
    group : str
        ``"discrimination"``, ``"calibration"`` or ``"stability"``.
    name : str
        The check within its group (``"gini"``, ``"grade B"``, ``"csi age"``, ...).
    status : {"pass", "warn", "fail", "skip"}
        ``"warn"`` passes the gate but is shown; ``"skip"`` means the check could not run
        on these inputs (e.g. no baseline) and says why in ``message``.
    value : float or None
        The statistic compared with the threshold.
    threshold : str
        The rule, e.g. ``">= 0.20"``.
    message : str
        One line for humans.
    details : dict, default={}
        Further numbers (confidence interval, p-value, counts) for the JSON output.

    Examples
    --------
    >>> CheckResult("stability", "psi", "pass", 0.04, "<= 0.25", "stable").failed
    False
    """

    group: str
    name: str
    status: Status
    value: float | None
    threshold: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in _STATUSES:
            msg = f"status must be one of {_STATUSES}; got {self.status!r}."
            raise DataError(msg)

    @property
    def failed(self) -> bool:
        """True when this check fails the gate."""
        return self.status == "fail"

    @property
    def check_id(self) -> str:
        """``"group.name"``: the identifier used in JSON and JUnit output."""
        return f"{self.group}.{self.name}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (non-finite numbers become ``None``)."""
        return {
            "id": self.check_id,
            "group": self.group,
            "name": self.name,
            "status": self.status,
            "value": _json_number(self.value),
            "threshold": self.threshold,
            "message": self.message,
            "details": _jsonable(dict(self.details)),
        }


@dataclass(frozen=True)
class GateResult(Result):
    """The verdict of :func:`validate`: every check, and whether the gate passed.

    Attributes
    ----------
    checks : tuple of CheckResult
        In the order the checks ran (discrimination, calibration, stability).
    n_rows : int
        Rows of the validation sample.
    n_baseline : int or None
        Rows of the baseline sample, when one was given.
    spec_name : str
        The ``name`` of the scoring spec.
    thresholds : dict
        The thresholds in force.

    Examples
    --------
    >>> r = GateResult(
    ...     checks=(CheckResult("stability", "psi", "warn", 0.12, "<= 0.25", "watch"),),
    ...     n_rows=10, n_baseline=10, spec_name="card")
    >>> r.passed, r.exit_code, r.counts()["warn"]
    (True, 0, 1)
    """

    checks: tuple[CheckResult, ...]
    n_rows: int
    n_baseline: int | None
    spec_name: str
    thresholds: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when no check failed."""
        return not any(c.failed for c in self.checks)

    @property
    def exit_code(self) -> int:
        """0 when the gate passed, 1 when a check failed."""
        return 0 if self.passed else 1

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        """The failed checks."""
        return tuple(c for c in self.checks if c.failed)

    def counts(self) -> dict[str, int]:
        """Number of checks per status."""
        return {s: sum(c.status == s for c in self.checks) for s in _STATUSES}

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        n_fail = len(self.failures)
        verdict = "PASS" if self.passed else "FAIL"
        ran = sum(c.status != "skip" for c in self.checks)
        title = f"Gate verdict for {self.spec_name}: {verdict} ({n_fail} of {ran} checks failed)"
        rows: list[list[Any]] = [
            [c.check_id, c.value, c.threshold, c.status.upper(), c.message] for c in self.checks
        ]
        base = f"{self.n_baseline:,}" if self.n_baseline is not None else "none"
        footer = f"validation rows: {self.n_rows:,}; baseline rows: {base}"
        return title, ["check", "value", "threshold", "status", "note"], rows, footer

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: verdict, counts, checks, thresholds."""
        return {
            "format": "overdue_risk.gate",
            "version": 1,
            "spec_name": self.spec_name,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "n_rows": self.n_rows,
            "n_baseline": self.n_baseline,
            "counts": self.counts(),
            "checks": [c.to_dict() for c in self.checks],
            "thresholds": _jsonable({k: dict(v) for k, v in self.thresholds.items()}),
        }

    def to_json(self, path: str | Path | None = None) -> str:
        """The verdict as JSON text; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False, ensure_ascii=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def to_junit_xml(self, path: str | Path | None = None) -> str:
        """The verdict as JUnit XML: one ``<testsuite>`` per group, a ``<testcase>`` per check.

        Failed checks carry a ``<failure>``, skipped ones a ``<skipped>``; warnings pass and
        say so in ``<system-out>``. CI systems (GitLab, Jenkins, GitHub test reporters)
        then list each check.
        """
        counts = self.counts()
        root = ET.Element(
            "testsuites",
            name=_xml(f"overdue-risk validate {self.spec_name}"),
            tests=str(len(self.checks)),
            failures=str(counts["fail"]),
            skipped=str(counts["skip"]),
            errors="0",
        )
        groups: dict[str, list[CheckResult]] = {}
        for c in self.checks:
            groups.setdefault(c.group, []).append(c)
        for group, checks in groups.items():
            suite = ET.SubElement(
                root,
                "testsuite",
                name=_xml(group),
                tests=str(len(checks)),
                failures=str(sum(c.status == "fail" for c in checks)),
                skipped=str(sum(c.status == "skip" for c in checks)),
                errors="0",
            )
            for c in checks:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    classname=_xml(f"overdue_risk.gate.{group}"),
                    name=_xml(c.name),
                )
                text = _xml(f"value={_fmt(c.value)} threshold {c.threshold}: {c.message}")
                if c.status == "fail":
                    ET.SubElement(
                        case, "failure", message=_xml(c.message), type="GateCheckFailed"
                    ).text = text
                elif c.status == "skip":
                    ET.SubElement(case, "skipped", message=_xml(c.message))
                out = ET.SubElement(case, "system-out")
                out.text = f"{c.status.upper()} {text}"
        ET.indent(root)
        xml = ET.tostring(root, encoding="unicode", xml_declaration=True)
        if path is not None:
            Path(path).write_text(xml + "\n", encoding="utf-8")
        return xml

    def to_frame(self) -> pd.DataFrame:
        """One row per check (pandas)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {k: v for k, v in c.to_dict().items() if k != "details"} | {"check": c.check_id}
                for c in self.checks
            ]
        ).drop(columns=["id"])


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _XML_INVALID.sub("\ufffd", text)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def _json_number(value: Any) -> Any:
    if value is None:
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [_jsonable(v) for v in (obj.tolist() if isinstance(obj, np.ndarray) else obj)]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _json_number(obj)
    return obj if obj is None or isinstance(obj, str) else str(obj)


# ----------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateInputs:
    """What the checks see: scores and outcomes of the validation (and baseline) sample.

    :func:`validate` builds it from a spec and data; each check is a plain function of it
    and of the thresholds, so checks can also be run on scores from anywhere.

    Attributes
    ----------
    y : ndarray of int64
        The 0/1 default flag of the validation sample.
    score : ndarray of float64
        Scorecard points (higher = lower risk).
    pd : ndarray of float64 or None
        Calibrated PD, when the spec carries a calibration.
    grade : ndarray of object or None
        Master-scale grade, when the spec carries a master scale.
    grade_pd : dict or None
        Grade -> the master scale's PD of that grade, in master-scale order.
    feature_slots : dict
        Feature name -> the card's bin of each row, in the spec's slot layout
        ``[bins..., missing, specials..., unseen]``, for CSI.
    slot_labels : dict
        Feature name -> a label per slot.
    baseline_y, baseline_score, baseline_feature_slots
        The same for the baseline sample (``None`` / empty without one; ``baseline_y`` is
        ``None`` also when the baseline lacks the target column).

    Examples
    --------
    >>> import numpy as np
    >>> inputs = GateInputs(y=np.array([0, 1, 0, 1]), score=np.array([620.0, 540, 600, 580]))
    >>> inputs.has_baseline
    False
    """

    y: npt.NDArray[np.int64]
    score: npt.NDArray[np.float64]
    pd: npt.NDArray[np.float64] | None = None
    grade: npt.NDArray[np.object_] | None = None
    grade_pd: Mapping[str, float] | None = None
    feature_slots: Mapping[str, npt.NDArray[np.intp]] = field(default_factory=dict)
    slot_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    baseline_y: npt.NDArray[np.int64] | None = None
    baseline_score: npt.NDArray[np.float64] | None = None
    baseline_feature_slots: Mapping[str, npt.NDArray[np.intp]] = field(default_factory=dict)

    @property
    def has_baseline(self) -> bool:
        """True when a baseline sample was scored."""
        return self.baseline_score is not None


CheckFunction = Callable[[GateInputs, Mapping[str, Mapping[str, Any]]], list[CheckResult]]
