"""The typed configuration of :func:`~overdue_risk.pipeline.fit_scorecard`, read from TOML.

A config is a tree of frozen dataclasses, one per TOML table (``[data]``, ``[features]``,
``[split]``, ``[binning]``, ``[selection]``, ``[scorecard]``, ``[calibration]``,
``[gate]``, ``[output]``). Every key is checked when the file is read: an unknown key, a
value of the wrong type or out of range is a :class:`~overdue_risk.exceptions.DataError`
that names the key (``binning.max_n_bins``), the value found and the fix; an unknown key
suggests the nearest known one. Column names are checked against the data in
:func:`check_columns` (a typo suggests the nearest column).
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from overdue_risk.exceptions import DataError

__all__ = [
    "BinningConfig",
    "CalibrationConfig",
    "DataConfig",
    "FeatureOverride",
    "FeaturesConfig",
    "FitConfig",
    "GateConfig",
    "OutputConfig",
    "PanelConfig",
    "ScorecardConfig",
    "SelectionConfig",
    "SplitConfig",
    "check_columns",
    "config_from_dict",
    "load_config",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _nearest(word: str, choices: Sequence[str]) -> str:
    """`` Did you mean 'x'?`` for the closest of ``choices``, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return f" Did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True)
class DataConfig:
    """``[data]``: the file and its special columns.

    Attributes
    ----------
    path : str
        CSV, TSV or Parquet file (read by the library's one file reader); relative to the
        config file's folder.
    target : str
        The target column: 0/1 (1 = default) or two labels with ``pos_label``.
    pos_label : str, int or None
        The label of a default when the target is not 0/1.
    id : str or None
        A row identifier (never a feature).
    date : str or None
        The application date (never a feature); needed by ``split.method = "out_of_time"``.
    exclude : tuple of str
        Further columns that are not features (e.g. decisions, later information).
    """

    path: str
    target: str
    pos_label: str | int | None = None
    id: str | None = None
    date: str | None = None
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class PanelConfig:
    """``[panel]``: a monthly performance panel that defines the target.

    With a panel, ``data.path`` is the applications file (``loan_id``,
    ``origination_month`` and the features), ``panel.path`` the loan-month panel
    (``loan_id``, ``month``, ``dpd``, ``status``, ``balance``); the target ``bad`` is
    "ever ``bad_dpd``+ days past due within ``window`` months on book"
    (:func:`overdue_risk.datasets.load_portfolio`), and the split is always out of time
    over the vintages whose window is complete
    (:func:`overdue_risk.datasets.out_of_time_split`).

    Attributes
    ----------
    path : str or None
        The panel file; None: no panel (the target is a column of ``data.path``).
    bad_dpd : int
        Days past due that make a loan bad (90 = M3+).
    window : int
        Outcome window in months on book.
    """

    path: str | None = None
    bad_dpd: int = 90
    window: int = 12


@dataclass(frozen=True)
class FeaturesConfig:
    """``[features]``: which columns are features, and their special codes.

    Attributes
    ----------
    numeric, categorical : tuple of str
        The feature columns by kind. Both empty: every column not named in ``[data]``,
        numbers numeric and text categorical.
    special_codes : mapping of str to tuple of float
        Per numeric feature, values that mean something else than a number (``-1`` = no
        history): each gets its own bin.
    """

    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    special_codes: Mapping[str, tuple[float, ...]] = field(default_factory=lambda: _EMPTY)

    @property
    def names(self) -> tuple[str, ...]:
        """Every feature, numeric first."""
        return (*self.numeric, *self.categorical)


@dataclass(frozen=True)
class SplitConfig:
    """``[split]``: development sample and hold-out.

    Attributes
    ----------
    method : {"random", "out_of_time"}
        ``random``: a stratified random hold-out; ``out_of_time``: the latest
        ``holdout_share`` of the months of ``data.date`` are the hold-out.
    holdout_share : float
        Share of the rows (random) or of the months (out of time) held out, in (0, 1).
    random_state : int
        Seed of the random split.
    """

    method: str = "random"
    holdout_share: float = 0.3
    random_state: int = 0


@dataclass(frozen=True)
class FeatureOverride:
    """``[binning.features.NAME]``: a reviewed binning of one feature.

    Attributes
    ----------
    splits : tuple of float
        Manual split points of a numeric feature (they replace the optimal bins).
    groups : tuple of tuple
        Manual category groups of a categorical feature.
    candidate_splits : tuple of float
        Candidate split points the optimiser chooses among (replace the pre-binning).
    reason : str
        Why (kept in the binner's audit trail, ``overrides_``).
    """

    splits: tuple[float, ...] = ()
    groups: tuple[tuple[Any, ...], ...] = ()
    candidate_splits: tuple[float, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class BinningConfig:
    """``[binning]``: the WOE binner's parameters and per-feature overrides."""

    max_n_bins: int = 8
    monotonic_trend: str = "auto"
    min_bin_frac: float = 0.05
    features: Mapping[str, FeatureOverride] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True)
class SelectionConfig:
    """``[selection]``: IV floor, then one of each pair of WOE columns above ``max_corr``."""

    min_iv: float = 0.02
    max_corr: float = 0.7


@dataclass(frozen=True)
class ScorecardConfig:
    """``[scorecard]``: the points scale (``pdo`` points double the odds)."""

    pdo: float = 20.0
    base_score: float = 600.0
    base_odds: float = 50.0
    rounding: bool = False
    name: str = "scorecard"


@dataclass(frozen=True)
class CalibrationConfig:
    """``[calibration]``: PD calibration and the master scale of grades.

    ``floor`` and ``cap`` are the PDs of the best and the worst grade (geometric in
    between); None: the 1st and 99th percentiles of the development PDs, so that the
    grades span the population whatever its bad rate.
    """

    method: str = "logistic"
    n_grades: int = 7
    floor: float | None = None
    cap: float | None = None


@dataclass(frozen=True)
class GateConfig:
    """``[gate]``: a thresholds TOML file, or ``[gate.thresholds.SECTION]`` overrides."""

    thresholds_file: str | None = None
    thresholds: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True)
class OutputConfig:
    """``[output]``: where the files go and whether to write the HTML report."""

    dir: str = "scorecard_out"
    report: bool = True


@dataclass(frozen=True)
class FitConfig:
    """The whole development, one table per step (see :func:`load_config`).

    Examples
    --------
    >>> cfg = FitConfig(data=DataConfig(path="loans.csv", target="bad"))
    >>> cfg.split.method, cfg.binning.max_n_bins
    ('random', 8)
    """

    data: DataConfig
    panel: PanelConfig = field(default_factory=PanelConfig)
    features: FeaturesConfig = field(default_factory=FeaturesConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    binning: BinningConfig = field(default_factory=BinningConfig)
    selection: SelectionConfig = field(default_factory=SelectionConfig)
    scorecard: ScorecardConfig = field(default_factory=ScorecardConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    gate: GateConfig = field(default_factory=GateConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    base_dir: str = "."

    def resolve(self, name: str) -> Path:
        """A path of the config (data, thresholds, output) relative to ``base_dir``."""
        p = Path(name).expanduser()
        return p if p.is_absolute() else Path(self.base_dir) / p


# ------------------------------------------------------------------------------ parsing
_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
}


_KIND_NAMES = {"str": "text", "int": "a whole number", "float": "a number", "bool": "true or false"}


def _expect(key: str, value: Any, kind: str, fix: str = "") -> Any:
    """Check one scalar; return it (floats as float)."""
    ok = isinstance(value, _SCALAR_TYPES[kind]) and not (
        kind in ("int", "float") and isinstance(value, bool)
    )
    if not ok:
        raise DataError(
            f"config key {key} must be {_KIND_NAMES[kind]}; got {value!r} "
            f"({type(value).__name__}). "
            + (fix or f"Write e.g. {key.rsplit('.', 1)[-1]} = {_example(kind)}.")
        )
    if kind == "float":
        value = float(value)
        if not math.isfinite(value):
            raise DataError(f"config key {key} must be a finite number; got {value!r}.")
    return value


def _example(kind: str) -> str:
    return {"str": '"text"', "int": "8", "float": "0.05", "bool": "true"}[kind]


def _names(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataError(
            f"config key {key} must be a list of column names; got {value!r}. "
            f'Write e.g. {key.rsplit(".", 1)[-1]} = ["age", "income"].'
        )
    return tuple(value)


def _numbers(key: str, value: Any) -> tuple[float, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        raise DataError(
            f"config key {key} must be a list of numbers; got {value!r}. "
            f"Write e.g. {key.rsplit('.', 1)[-1]} = [-1, -2]."
        )
    return tuple(float(v) for v in value)


def _table(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DataError(
            f"config key {key} must be a table ([{key}]); got {value!r}. "
            f"Write it as a [{key}] section."
        )
    return value


def _unknown(key: str, table: Mapping[str, Any], known: Sequence[str]) -> None:
    for name in table:
        if name not in known:
            where = f"{key}.{name}" if key else name
            raise DataError(
                f"unknown config key {where} (value {table[name]!r}).{_nearest(name, known)} "
                f"Known keys{' of [' + key + ']' if key else ''}: {', '.join(known)}."
            )


def _choice(key: str, value: Any, allowed: Sequence[str]) -> str:
    value = _expect(key, value, "str")
    if value not in allowed:
        raise DataError(
            f"config key {key} must be one of {', '.join(map(repr, allowed))}; got "
            f"{value!r}.{_nearest(value, allowed)}"
        )
    return str(value)


def _between(key: str, value: float, low: float, high: float, closed: bool = False) -> float:
    inside = low <= value <= high if closed else low < value < high
    if not inside:
        brackets = "[]" if closed else "()"
        raise DataError(
            f"config key {key} must lie in {brackets[0]}{low}, {high}{brackets[1]}; got {value!r}."
        )
    return value


def _section(cls: type[Any], key: str, table: Mapping[str, Any], kinds: Mapping[str, str]) -> Any:
    """Build a flat section dataclass from ``table`` (scalar keys of ``kinds``)."""
    _unknown(key, table, [f.name for f in fields(cls)])
    return cls(**{k: _expect(f"{key}.{k}", v, kinds[k]) for k, v in table.items()})


def _data(raw: Mapping[str, Any], panel: bool = False) -> DataConfig:
    table = dict(_table("data", raw))
    if panel:  # the target is derived from the panel
        table.setdefault("target", "bad")
    known = ["path", "target", "pos_label", "id", "date", "exclude"]
    _unknown("data", table, known)
    for required in ("path", "target"):
        if required not in table:
            raise DataError(
                f"config key data.{required} is missing. Add it under [data], e.g. "
                + ('path = "loans.csv"' if required == "path" else 'target = "bad"')
                + " (overdue-risk init DATA writes a config from your file)."
            )
    pos = table.get("pos_label")
    if pos is not None and (isinstance(pos, bool) or not isinstance(pos, str | int)):
        raise DataError(
            f"config key data.pos_label must be the label of a default (text or a whole "
            f'number); got {pos!r}. Write e.g. pos_label = "bad".'
        )
    return DataConfig(
        path=_expect("data.path", table["path"], "str"),
        target=_expect("data.target", table["target"], "str"),
        pos_label=pos,
        id=_expect("data.id", table["id"], "str") if "id" in table else None,
        date=_expect("data.date", table["date"], "str") if "date" in table else None,
        exclude=_names("data.exclude", table.get("exclude", [])),
    )


def _features(raw: Mapping[str, Any]) -> FeaturesConfig:
    table = _table("features", raw)
    _unknown("features", table, ["numeric", "categorical", "special_codes"])
    codes = _table("features.special_codes", table.get("special_codes", {}))
    return FeaturesConfig(
        numeric=_names("features.numeric", table.get("numeric", [])),
        categorical=_names("features.categorical", table.get("categorical", [])),
        special_codes=MappingProxyType(
            {k: _numbers(f"features.special_codes.{k}", v) for k, v in codes.items()}
        ),
    )


def _split(raw: Mapping[str, Any]) -> SplitConfig:
    table = _table("split", raw)
    cfg: SplitConfig = _section(
        SplitConfig,
        "split",
        {k: v for k, v in table.items() if k != "method"},
        {"holdout_share": "float", "random_state": "int"},
    )
    if "method" in table:
        cfg = replace(
            cfg, method=_choice("split.method", table["method"], ["random", "out_of_time"])
        )
    _between("split.holdout_share", cfg.holdout_share, 0.0, 1.0)
    return cfg


def _override(key: str, raw: Any) -> FeatureOverride:
    table = _table(key, raw)
    _unknown(key, table, ["splits", "groups", "candidate_splits", "reason"])
    groups = table.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise DataError(
            f"config key {key}.groups must be a list of lists of categories; got {groups!r}."
            ' Write e.g. groups = [["rent"], ["own", "mortgage"]].'
        )
    out = FeatureOverride(
        splits=_numbers(f"{key}.splits", table.get("splits", [])),
        groups=tuple(tuple(g) for g in groups),
        candidate_splits=_numbers(f"{key}.candidate_splits", table.get("candidate_splits", [])),
        reason=_expect(f"{key}.reason", table.get("reason", ""), "str"),
    )
    if (out.splits or out.groups) and not out.reason:
        raise DataError(
            f"config key {key} sets manual bins without a reason; a reviewed bin needs one "
            f'for the audit trail. Add reason = "..." under [{key}].'
        )
    return out


def _binning(raw: Mapping[str, Any]) -> BinningConfig:
    table = dict(_table("binning", raw))
    per = _table("binning.features", table.pop("features", {}))
    cfg: BinningConfig = _section(
        BinningConfig,
        "binning",
        {k: v for k, v in table.items() if k != "monotonic_trend"},
        {"max_n_bins": "int", "min_bin_frac": "float"},
    )
    trends = ["auto", "ascending", "descending", "peak", "valley", "none"]
    if "monotonic_trend" in table:
        cfg = replace(
            cfg,
            monotonic_trend=_choice("binning.monotonic_trend", table["monotonic_trend"], trends),
        )
    if cfg.max_n_bins < 2:
        raise DataError(f"config key binning.max_n_bins must be >= 2; got {cfg.max_n_bins}.")
    _between("binning.min_bin_frac", cfg.min_bin_frac, 0.0, 0.5)
    overrides = {k: _override(f"binning.features.{k}", v) for k, v in per.items()}
    return replace(cfg, features=MappingProxyType(overrides))


def _gate(raw: Mapping[str, Any]) -> GateConfig:
    table = _table("gate", raw)
    _unknown("gate", table, ["thresholds_file", "thresholds"])
    thresholds = _table("gate.thresholds", table.get("thresholds", {}))
    for k, v in thresholds.items():
        _table(f"gate.thresholds.{k}", v)
    file = table.get("thresholds_file")
    return GateConfig(
        thresholds_file=None if file is None else _expect("gate.thresholds_file", file, "str"),
        thresholds=MappingProxyType(thresholds),
    )


_SECTIONS = (
    "data", "panel", "features", "split", "binning", "selection", "scorecard", "calibration",
    "gate", "output",
)  # fmt: skip


def config_from_dict(raw: Mapping[str, Any], base_dir: str | Path = ".") -> FitConfig:
    """Build and check a :class:`FitConfig` from parsed TOML (``{section: {key: value}}``).

    Examples
    --------
    >>> cfg = config_from_dict({"data": {"path": "x.csv", "target": "bad"},
    ...                         "binning": {"max_n_bins": 5}})
    >>> cfg.binning.max_n_bins
    5
    >>> config_from_dict({"data": {"path": "x.csv", "target": "bad"},
    ...                   "binning": {"max_nbins": 5}})
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: unknown config key binning.max_nbins ... 'max_n_bins'?...
    """
    _unknown("", raw, _SECTIONS)
    if "data" not in raw:
        raise DataError(
            "the config has no [data] section; it needs at least path and target. Run "
            "overdue-risk init DATA to write one from your file."
        )
    cal = _section(
        CalibrationConfig,
        "calibration",
        {k: v for k, v in _table("calibration", raw.get("calibration", {})).items()
         if k != "method"},
        {"n_grades": "int", "floor": "float", "cap": "float"},
    )  # fmt: skip
    if "method" in raw.get("calibration", {}):
        cal = replace(
            cal,
            method=_choice(
                "calibration.method", raw["calibration"]["method"], ["logistic", "isotonic"]
            ),
        )
    if cal.n_grades < 2:
        raise DataError(f"config key calibration.n_grades must be >= 2; got {cal.n_grades}.")
    if cal.floor is not None:
        _between("calibration.floor", cal.floor, 0.0, 1.0)
    if cal.cap is not None:
        _between("calibration.cap", cal.cap, cal.floor or 0.0, 1.0)
    sel: SelectionConfig = _section(
        SelectionConfig,
        "selection",
        _table("selection", raw.get("selection", {})),
        {"min_iv": "float", "max_corr": "float"},
    )
    _between("selection.min_iv", sel.min_iv, 0.0, math.inf, closed=True)
    _between("selection.max_corr", sel.max_corr, 0.0, 1.0, closed=True)
    card: ScorecardConfig = _section(
        ScorecardConfig,
        "scorecard",
        _table("scorecard", raw.get("scorecard", {})),
        {"pdo": "float", "base_score": "float", "base_odds": "float", "rounding": "bool",
         "name": "str"},
    )  # fmt: skip
    for key in ("pdo", "base_odds"):
        _between(f"scorecard.{key}", getattr(card, key), 0.0, math.inf)
    panel: PanelConfig = _section(
        PanelConfig,
        "panel",
        _table("panel", raw.get("panel", {})),
        {"path": "str", "bad_dpd": "int", "window": "int"},
    )
    for key in ("bad_dpd", "window"):
        if getattr(panel, key) < 1:
            raise DataError(f"config key panel.{key} must be >= 1; got {getattr(panel, key)}.")
    return FitConfig(
        data=_data(raw["data"], panel=panel.path is not None),
        panel=panel,
        features=_features(raw.get("features", {})),
        split=_split(raw.get("split", {})),
        binning=_binning(raw.get("binning", {})),
        selection=sel,
        scorecard=card,
        calibration=cal,
        gate=_gate(raw.get("gate", {})),
        output=_section(
            OutputConfig,
            "output",
            _table("output", raw.get("output", {})),
            {"dir": "str", "report": "bool"},
        ),
        base_dir=str(base_dir),
    )


def load_config(path: str | Path) -> FitConfig:
    """Read a TOML config file (``overdue-risk init`` writes one) into a :class:`FitConfig`.

    Relative paths in it (``data.path``, ``gate.thresholds_file``, ``output.dir``) are
    relative to the config file's folder.

    Raises
    ------
    DataError
        A file that is not TOML (naming the line), an unknown key (suggesting the nearest),
        a value of the wrong type or range (naming key, value and fix).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "fit.toml"
    >>> _ = p.write_text('[data]\\npath = "loans.csv"\\ntarget = "bad"\\n'
    ...                  '[split]\\nmethod = "randm"\\n')
    >>> load_config(p)
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: config key split.method ... Did you mean 'random'?
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            f"config file {str(p)!r} not found. Write one with: overdue-risk init DATA --out "
            f"{p.name}"
        ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{p.name} is not valid TOML: {exc}. Fix the line named.") from None
    return config_from_dict(raw, base_dir=p.resolve().parent)


def check_columns(config: FitConfig, columns: Sequence[str], source: str | None = None) -> None:
    """Raise a DataError for every config column the data lacks, suggesting the nearest.

    Examples
    --------
    >>> cfg = config_from_dict({"data": {"path": "x.csv", "target": "bad"},
    ...                         "features": {"numeric": ["income"]}})
    >>> check_columns(cfg, ["incme", "bad"])
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: config key features.numeric ... Did you mean 'incme'?...
    """
    have = list(columns)
    d, f = config.data, config.features
    where = Path(d.path).name if source is None else source
    named: list[tuple[str, str]] = [("data.target", d.target)]
    named += [(f"data.{k}", v) for k in ("id", "date") if (v := getattr(d, k)) is not None]
    named += [("data.exclude", c) for c in d.exclude]
    named += [("features.numeric", c) for c in f.numeric]
    named += [("features.categorical", c) for c in f.categorical]
    named += [("features.special_codes", c) for c in f.special_codes]
    named += [("binning.features", c) for c in config.binning.features]
    for key, name in named:
        if name not in have:
            raise DataError(
                f"config key {key} names column {name!r}, which is not in "
                f"{where}.{_nearest(name, have)} The data's columns: "
                f"{', '.join(have[:30])}{' ...' if len(have) > 30 else ''}."
            )
    both = set(f.numeric) & set(f.categorical)
    if both:
        raise DataError(
            f"config keys features.numeric and features.categorical both list "
            f"{sorted(both)!r}; a feature has one kind. Remove it from one list."
        )
    special = set(f.special_codes) - set(f.numeric) if f.numeric or f.categorical else set()
    if special:
        raise DataError(
            f"config key features.special_codes names {sorted(special)!r}, which are not "
            "numeric features; special codes apply to numbers only. Add them to "
            "features.numeric or remove the codes."
        )
