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

import json
import math
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import check_binary_target, check_columns, format_values
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.runtime import Spec

__all__ = [
    "CheckResult",
    "GateInputs",
    "GateResult",
    "build_inputs",
    "card_slots",
    "default_thresholds_toml",
    "load_thresholds",
    "read_table",
    "registered_checks",
    "slot_labels",
    "validate",
]

Status = Literal["pass", "warn", "fail", "skip"]
_STATUSES: tuple[str, ...] = ("pass", "warn", "fail", "skip")
_THRESHOLDS_FILE = "gate_thresholds.toml"


# ----------------------------------------------------------------------------------------
# thresholds
# ----------------------------------------------------------------------------------------


def default_thresholds_toml() -> str:
    """Return the documented default thresholds as TOML text.

    Returns
    -------
    str
        The contents of the ``gate_thresholds.toml`` file shipped with the package: every
        key, its default and what it means.

    Examples
    --------
    >>> "[discrimination]" in default_thresholds_toml()
    True
    """
    return resources.files("overdue_risk").joinpath(_THRESHOLDS_FILE).read_text("utf-8")


def load_thresholds(
    path: str | Path | None = None, *, overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """Read gate thresholds: the defaults, updated by a TOML file and by ``overrides``.

    Parameters
    ----------
    path : str or Path, default=None
        A TOML file with any of the ``[discrimination]``, ``[calibration]`` and
        ``[stability]`` tables of :func:`default_thresholds_toml`. Missing keys keep their
        defaults.
    overrides : mapping, default=None
        ``{section: {key: value}}`` applied last (handy from Python).

    Returns
    -------
    dict
        ``{section: {key: value}}`` with every key present.

    Raises
    ------
    DataError
        When the file cannot be read or parsed, names an unknown section or key (a typo
        must not silently disable a check), or gives a value of the wrong type.

    Examples
    --------
    >>> load_thresholds(overrides={"discrimination": {"min_gini": 0.4}})["discrimination"][
    ...     "min_gini"
    ... ]
    0.4
    """
    defaults = tomllib.loads(default_thresholds_toml())
    out: dict[str, dict[str, Any]] = {k: dict(v) for k, v in defaults.items()}
    layers: list[tuple[str, Mapping[str, Any]]] = []
    if path is not None:
        p = Path(path)
        try:
            text = p.read_text("utf-8")
        except OSError as exc:
            raise DataError(
                f"cannot read thresholds file {str(p)!r}: {exc.strerror or exc}. "
                "Pass an existing TOML file (see `overdue-risk validate --print-config`)."
            ) from None
        try:
            layers.append((str(p), tomllib.loads(text)))
        except tomllib.TOMLDecodeError as exc:
            raise DataError(
                f"thresholds file {str(p)!r} is not valid TOML: {exc}. Fix the syntax."
            ) from None
    if overrides is not None:
        layers.append(("overrides", overrides))
    for origin, layer in layers:
        for section, values in layer.items():
            if section not in out:
                raise DataError(
                    f"{origin}: unknown thresholds section [{section}]; expected one of "
                    f"{format_values(sorted(out))}. Fix the section name."
                )
            if not isinstance(values, Mapping):
                raise DataError(f"{origin}: [{section}] must be a table of key = value lines.")
            for key, value in values.items():
                if key not in out[section]:
                    raise DataError(
                        f"{origin}: unknown key {key!r} in [{section}]; expected one of "
                        f"{format_values(sorted(out[section]))}. Fix the key name."
                    )
                out[section][key] = _coerce(origin, section, key, value, out[section][key])
    return out


def _coerce(origin: str, section: str, key: str, value: Any, default: Any) -> Any:
    where = f"{origin}: [{section}] {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise DataError(f"{where} must be true or false; got {value!r}.")
        return value
    if isinstance(default, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DataError(f"{where} must be a number; got {value!r}.")
        if not math.isfinite(value) or value < 0:
            raise DataError(f"{where} must be a finite non-negative number; got {value!r}.")
        if isinstance(default, int):
            if int(value) != value:
                raise DataError(f"{where} must be a whole number; got {value!r}.")
            return int(value)
        return float(value)
    if not isinstance(value, str):
        raise DataError(f"{where} must be a string; got {value!r}.")
    return value


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


def registered_checks() -> tuple[str, ...]:
    """Names of the check functions :func:`validate` runs, in order.

    Examples
    --------
    >>> registered_checks()[:1]
    ('discrimination',)
    """
    from overdue_risk._gate_checks import CHECKS

    return tuple(f.__name__.removeprefix("check_") for f in CHECKS)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file into a pandas DataFrame, with clear errors.

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.csv.gz``, ``.tsv`` or ``.parquet`` / ``.pq``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataError
        When the file is missing, of an unknown type, unreadable or empty.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("a,bad\\n1,0\\n2,1\\n")
    >>> read_table(p).shape
    (2, 2)
    """
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise DataError(f"data file {str(p)!r} does not exist. Check the path.")
    name = p.name.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            frame = pd.read_parquet(p)
        elif name.endswith((".tsv", ".tsv.gz", ".tab")):
            frame = pd.read_csv(p, sep="\t")
        elif name.endswith((".csv", ".csv.gz", ".txt")):
            frame = pd.read_csv(p)
        else:
            raise DataError(
                f"cannot tell the format of {str(p)!r}; expected a .csv, .tsv or .parquet "
                "file. Rename it or convert it."
            )
    except DataError:
        raise
    except (OSError, ValueError, ImportError) as exc:
        raise DataError(f"cannot read {str(p)!r}: {exc}. Check the file format.") from None
    if len(frame) == 0:
        raise DataError(f"data file {str(p)!r} has no rows. Pass a non-empty sample.")
    return frame


def _as_frame(data: Any, what: str) -> pd.DataFrame:
    if isinstance(data, str | Path):
        return read_table(data)
    if hasattr(data, "columns") and hasattr(data, "__getitem__"):
        import pandas as pd

        return data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    raise DataError(
        f"{what} must be a file path or a DataFrame; got {type(data).__name__}. "
        "Pass a CSV/Parquet path or a pandas DataFrame."
    )


def _as_spec(spec: Any) -> Spec:
    from overdue_risk.runtime import Spec, load_spec

    if isinstance(spec, Spec):
        return spec
    if isinstance(spec, Mapping):
        return Spec.from_dict(dict(spec))
    if isinstance(spec, str | Path):
        return load_spec(spec)
    raise DataError(
        f"spec must be a path to a JSON scoring spec, a dict or a Spec; got "
        f"{type(spec).__name__}. Export one with Scorecard.to_spec()."
    )


def _target(frame: pd.DataFrame, target: str, what: str) -> npt.NDArray[np.int64]:
    check_columns(map(str, frame.columns), [target], what=what)
    return check_binary_target(frame[target].to_numpy(), name=f"column {target!r} of {what}")


def build_inputs(
    spec: Any, data: Any, *, target: str, baseline: Any | None = None
) -> tuple[GateInputs, Spec, int, int | None]:
    """Score the validation (and baseline) sample with ``spec``: the inputs of the checks.

    Parameters
    ----------
    spec, data, target, baseline
        As in :func:`validate`.

    Returns
    -------
    (GateInputs, Spec, int, int or None)
        The inputs, the loaded spec, and the row counts of data and baseline.

    Examples
    --------
    >>> import pandas as pd
    >>> from overdue_risk.runtime import example_spec_dict, seal
    >>> data = pd.DataFrame({"age": [22, 45, 61], "purpose": ["cash", "rent", None],
    ...                      "bad": [1, 0, 0]})
    >>> inputs, spec, n, n_base = build_inputs(seal(example_spec_dict()), data, target="bad")
    >>> inputs.score.tolist(), inputs.grade.tolist(), n, n_base
    ([92.0, 108.0, 95.0], ['C', 'B', 'C'], 3, None)
    """
    sp = _as_spec(spec)
    frame = _as_frame(data, "the validation data")
    y = _target(frame, target, "the validation data")
    names = list(sp.feature_names)
    check_columns(map(str, frame.columns), names, what="the validation data")
    doc = sp.to_dict()
    pd_, grade, grade_pd = _calibration_outputs(sp, doc, frame)
    kwargs: dict[str, Any] = {}
    n_base: int | None = None
    if baseline is not None:
        bframe = _as_frame(baseline, "the baseline data")
        check_columns(map(str, bframe.columns), names, what="the baseline data")
        n_base = len(bframe)
        kwargs["baseline_score"] = np.asarray(sp.score(bframe), dtype=np.float64)
        kwargs["baseline_feature_slots"] = card_slots(sp, bframe)
        if target in bframe.columns:
            kwargs["baseline_y"] = _target(bframe, target, "the baseline data")
    inputs = GateInputs(
        y=y,
        score=np.asarray(sp.score(frame), dtype=np.float64),
        pd=pd_,
        grade=grade,
        grade_pd=grade_pd,
        feature_slots=card_slots(sp, frame),
        slot_labels=slot_labels(sp),
        **kwargs,
    )
    return inputs, sp, len(frame), n_base


def _calibration_outputs(
    sp: Spec, doc: Mapping[str, Any], frame: pd.DataFrame
) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[np.object_] | None, dict[str, float] | None]:
    if not doc.get("calibration"):
        return None, None, None
    pd_ = np.asarray(sp.predict_pd(frame), dtype=np.float64)
    ms = doc.get("master_scale")
    if not ms:
        return pd_, None, None
    grade = np.asarray(sp.grade(frame), dtype=object)
    grade_pd = {str(g): float(p) for g, p in zip(ms["grades"], ms["pd"], strict=True)}
    return pd_, grade, grade_pd


def card_slots(spec: Spec, frame: pd.DataFrame) -> dict[str, npt.NDArray[np.intp]]:
    """The card's bin of every row for every feature, in the spec's slot layout.

    Slots are ``[regular bins..., missing, special codes..., unseen]`` as in
    docs/spec_format.md: numeric ``searchsorted(splits, x, "right")`` after the special
    codes; categorical through the canonical category strings; missing values under the
    library's one missing-value policy.

    Examples
    --------
    >>> import pandas as pd
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = Spec.from_dict(seal(example_spec_dict()))
    >>> frame = pd.DataFrame({"age": [20, 30, None], "purpose": ["rent", "yacht", None]})
    >>> {k: v.tolist() for k, v in card_slots(spec, frame).items()}
    {'age': [0, 1, 4], 'purpose': [2, 4, 3]}
    """
    import pandas as pd

    from overdue_risk._missing import canonical_category

    out: dict[str, npt.NDArray[np.intp]] = {}
    for feat in spec.features:
        col = frame[feat.name]
        n_bins = len(feat.points)
        if feat.kind == "numeric":
            x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
            slots = np.searchsorted(np.asarray(feat.splits), x, side="right").astype(np.intp)
            for j, code in enumerate(feat.special_codes):
                slots[x == code] = n_bins + 1 + j
            slots[np.isnan(x)] = n_bins
        else:
            codes, uniques = pd.factorize(col, use_na_sentinel=True)
            unseen = n_bins + 1 + len(feat.special_codes)
            table = np.array(
                [feat.lookup.get(str(canonical_category(u)), unseen) for u in uniques] + [n_bins],
                dtype=np.intp,
            )
            slots = table[codes]  # code -1 (missing) takes the last entry: the missing slot
        out[feat.name] = slots
    return out


def slot_labels(spec: Spec) -> dict[str, tuple[str, ...]]:
    """A label per slot of every feature (bins, Missing, Special codes, Unseen).

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> slot_labels(Spec.from_dict(seal(example_spec_dict())))["age"]
    ('(-inf, 25)', '[25, 40)', '[40, 55)', '[55, inf)', 'Missing', 'Special -1', 'Unseen')
    """
    out: dict[str, tuple[str, ...]] = {}
    for feat in spec.features:
        if feat.kind == "numeric":
            edges = ["-inf", *(f"{v:g}" for v in feat.splits), "inf"]
            bins = [
                f"{'(' if i == 0 else '['}{edges[i]}, {edges[i + 1]})"
                for i in range(len(edges) - 1)
            ]
        else:
            bins = [", ".join(c)[:40] for c in feat.categories]
        specials = [f"Special {c:g}" for c in feat.special_codes]
        out[feat.name] = (*bins, "Missing", *specials, "Unseen")
    return out


def validate(
    spec: Any,
    data: Any,
    *,
    target: str,
    baseline: Any | None = None,
    thresholds: str | Path | Mapping[str, Mapping[str, Any]] | None = None,
    checks: Sequence[CheckFunction] | None = None,
) -> GateResult:
    """Run the CI gate on a validation sample.

    Parameters
    ----------
    spec : str, Path, dict or Spec
        The scoring spec (JSON file written by ``Scorecard.to_spec``).
    data : str, Path or DataFrame
        The validation sample: the spec's feature columns and the target.
    target : str
        Name of the 0/1 default-flag column.
    baseline : str, Path or DataFrame, default=None
        The development (or last accepted) sample. Stability checks and the AUC-vs-initial
        test need it; without it they are reported as skipped.
    thresholds : str, Path or mapping, default=None
        A TOML thresholds file, or ``{section: {key: value}}`` overrides of the defaults
        (see :func:`default_thresholds_toml`).
    checks : sequence of callables, default=None
        The check functions to run; the registered checks when None.

    Returns
    -------
    GateResult

    Raises
    ------
    DataError
        Missing files or columns, a non-binary target, bad thresholds.
    SpecError
        A malformed or tampered spec.

    Examples
    --------
    The example card of the spec format, on a sample whose defaults follow its PDs:

    >>> import numpy as np, pandas as pd
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = seal(example_spec_dict())
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"age": rng.integers(20, 60, 4000),
    ...                      "purpose": rng.choice(["cash", "rent", "education"], 4000)})
    >>> data["bad"] = (rng.random(4000) < Spec.from_dict(spec).predict_pd(data)).astype(int)
    >>> result = validate(spec, data, target="bad", baseline=data)
    >>> result.passed, result.exit_code
    (True, 0)
    >>> result.checks[0].check_id, result.checks[0].status
    ('discrimination.gini', 'warn')
    """
    if thresholds is None or isinstance(thresholds, str | Path):
        th = load_thresholds(thresholds)
    else:
        th = load_thresholds(overrides=thresholds)
    inputs, sp, n_rows, n_base = build_inputs(spec, data, target=target, baseline=baseline)
    if checks is None:
        from overdue_risk._gate_checks import CHECKS

        checks = CHECKS
    results: list[CheckResult] = []
    for func in checks:
        results.extend(func(inputs, th))
    name = str(sp.to_dict().get("name") or "scorecard")
    return GateResult(
        checks=tuple(results), n_rows=n_rows, n_baseline=n_base, spec_name=name, thresholds=th
    )
