"""The scoring spec format: its schema version, the block builders and their parsers.

This module is the one writer and the one reader of the JSON spec of docs/spec_format.md.
Estimators never spell keys: they call the builders (:func:`feature_block`,
:func:`calibration_block`, :func:`master_scale_block`, :func:`spec_document`), and every
builder returns a block that its parser has just accepted. Parsing turns the JSON objects
into frozen dataclasses; every error names the field path (``features[2] ('age').splits``),
what was expected, and the fix.

Examples
--------
>>> block = master_scale_block(["A", "B"], upper_pd=[0.05, 1.0], pd=[0.02, 0.2])
>>> parse_master_scale(block)
GradeScale(grades=('A', 'B'), upper_pd=(0.05, 1.0), pd=(0.02, 0.2))
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from overdue_risk._missing import canonical_category
from overdue_risk.exceptions import SpecError

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "Calibration",
    "CategoricalFeature",
    "GradeScale",
    "NumericFeature",
    "calibration_block",
    "feature_block",
    "master_scale_block",
    "parse_calibration",
    "parse_feature",
    "parse_master_scale",
    "spec_document",
]

FORMAT = "overdue_risk.scorecard"
SCHEMA_VERSION = 1

UNSEEN_POLICIES = ("error", "missing", "worst", "best", "neutral", "most_frequent", "zero")


def _fail(where: str, message: str) -> SpecError:
    return SpecError(f"{where}: {message}")


def _number(value: Any, where: str) -> float:
    """A finite JSON number (bool refused) as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, f"expected a finite number; got {value!r} ({type(value).__name__}).")
    f = float(value)
    if not math.isfinite(f):
        raise _fail(where, f"expected a finite number; got {value!r}.")
    return f


def _numbers(value: Any, where: str) -> tuple[float, ...]:
    if not isinstance(value, list | tuple):
        raise _fail(where, f"expected a list of numbers; got {type(value).__name__}.")
    return tuple(_number(v, f"{where}[{i}]") for i, v in enumerate(value))


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(where, f"expected a non-empty string; got {value!r}.")
    return value


def _increasing(values: Sequence[float], where: str, *, strict: bool = True) -> None:
    for i in range(1, len(values)):
        bad = values[i] <= values[i - 1] if strict else values[i] < values[i - 1]
        if bad:
            kind = "strictly increasing" if strict else "non-decreasing"
            raise _fail(
                where,
                f"must be {kind}; got {values[i - 1]!r} then {values[i]!r} at positions "
                f"{i - 1} and {i}. Sort them and drop duplicates.",
            )


def _specials(d: Mapping[str, Any], where: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    codes = _numbers(d.get("special_codes", []) or [], f"{where}.special_codes")
    pts = _numbers(d.get("special_points", []) or [], f"{where}.special_points")
    if len(codes) != len(pts):
        raise _fail(
            where,
            f"special_codes and special_points must have the same length; got {len(codes)} "
            f"codes and {len(pts)} points.",
        )
    if len(set(codes)) != len(codes):
        raise _fail(f"{where}.special_codes", f"codes must be distinct; got {list(codes)}.")
    return codes, pts


@dataclass(frozen=True)
class NumericFeature:
    """A numeric feature of a spec: bin ``i`` holds the values with ``i`` splits <= x.

    Attributes
    ----------
    name, reason_code : str
    splits : tuple of float
        Strictly increasing finite cut points.
    points : tuple of float
        ``len(splits) + 1`` points, one per regular bin.
    missing_points : float
    special_codes, special_points : tuple of float
        Exact values checked before the splits, and their points.
    max_points : float
        Best points attainable; reason codes measure points lost against it.

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> age = Spec.from_dict(seal(example_spec_dict())).features[0]
    >>> age.kind, age.splits, age.slot_points
    ('numeric', (25.0, 40.0, 55.0), (52.0, 65.0, 70.0, 60.0, 45.0, 40.0, 45.0))
    """

    name: str
    reason_code: str
    splits: tuple[float, ...]
    points: tuple[float, ...]
    missing_points: float
    special_codes: tuple[float, ...]
    special_points: tuple[float, ...]
    max_points: float
    kind: Literal["numeric"] = "numeric"

    @property
    def slot_points(self) -> tuple[float, ...]:
        """Points in the index layout ``[bins..., missing, specials..., unseen]``."""
        return (*self.points, self.missing_points, *self.special_points, self.missing_points)


@dataclass(frozen=True)
class CategoricalFeature:
    """A categorical feature of a spec: bin ``i`` holds the canonical strings ``categories[i]``.

    Attributes
    ----------
    name, reason_code : str
    categories : tuple of tuple of str
    points : tuple of float
        One per bin.
    missing_points : float
    unseen_points : float or None
        None only when ``unseen_policy == "error"``.
    unseen_policy : str or None
    special_codes, special_points : tuple of float
    max_points : float
    lookup : dict
        Canonical string -> slot (bin index, or ``n_bins + 1 + j`` for special code ``j``).

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> purpose = Spec.from_dict(seal(example_spec_dict())).features[1]
    >>> purpose.lookup["rent"], purpose.unseen_points
    (2, 35.0)
    """

    name: str
    reason_code: str
    categories: tuple[tuple[str, ...], ...]
    points: tuple[float, ...]
    missing_points: float
    unseen_points: float | None
    unseen_policy: str | None
    special_codes: tuple[float, ...]
    special_points: tuple[float, ...]
    max_points: float
    lookup: dict[str, int] = field(repr=False, compare=False)
    kind: Literal["categorical"] = "categorical"

    @property
    def slot_points(self) -> tuple[float, ...]:
        """Points in the index layout ``[bins..., missing, specials..., unseen]``.

        The unseen slot holds NaN when ``unseen_policy == "error"`` (never scored: an
        unseen value raises first).
        """
        unseen = math.nan if self.unseen_points is None else self.unseen_points
        return (*self.points, self.missing_points, *self.special_points, unseen)


Feature = NumericFeature | CategoricalFeature


def parse_feature(d: Any, index: int) -> Feature:
    """Validate one feature object of a spec and return its dataclass."""
    where = f"features[{index}]"
    if not isinstance(d, Mapping):
        raise _fail(where, f"expected a JSON object; got {type(d).__name__}.")
    name = _text(d.get("name"), f"{where}.name")
    where = f"{where} ({name!r})"
    kind = d.get("kind")
    reason_code = d.get("reason_code") or name
    reason_code = _text(reason_code, f"{where}.reason_code")
    for key in ("points", "missing_points"):
        if key not in d:
            raise _fail(where, f"'{key}' is required. Export the card with points (to_spec()).")
    points = _numbers(d["points"], f"{where}.points")
    missing = _number(d["missing_points"], f"{where}.missing_points")
    codes, special_pts = _specials(d, where)
    if kind == "numeric":
        splits = _numbers(d.get("splits", []), f"{where}.splits")
        _increasing(splits, f"{where}.splits")
        if len(points) != len(splits) + 1:
            raise _fail(
                where,
                f"len(points) must be len(splits) + 1 = {len(splits) + 1}; got {len(points)}.",
            )
        best = max((*points, missing, *special_pts))
        max_pts = _number(d.get("max_points", best), f"{where}.max_points")
        return NumericFeature(
            name, reason_code, splits, points, missing, codes, special_pts, max_pts
        )
    if kind == "categorical":
        return _parse_categorical(d, where, name, reason_code, points, missing, codes, special_pts)
    raise _fail(f"{where}.kind", f"expected 'numeric' or 'categorical'; got {kind!r}.")


def _parse_categorical(
    d: Mapping[str, Any],
    where: str,
    name: str,
    reason_code: str,
    points: tuple[float, ...],
    missing: float,
    codes: tuple[float, ...],
    special_pts: tuple[float, ...],
) -> CategoricalFeature:
    raw = d.get("categories")
    if not isinstance(raw, list | tuple):
        raise _fail(f"{where}.categories", "expected a list of lists of strings.")
    if len(raw) != len(points):
        raise _fail(
            where, f"len(points) must equal len(categories) = {len(raw)}; got {len(points)}."
        )
    lookup: dict[str, int] = {}
    for j, code in enumerate(codes):
        key = canonical_category(code)
        if key is not None:
            lookup[key] = len(points) + 1 + j
    cats: list[tuple[str, ...]] = []
    for i, group in enumerate(raw):
        if not isinstance(group, list | tuple):
            raise _fail(f"{where}.categories[{i}]", "expected a list of strings.")
        for value in group:
            if not isinstance(value, str):
                raise _fail(
                    f"{where}.categories[{i}]",
                    f"categories must be canonical strings; got {value!r}. Use "
                    "overdue_risk._missing.canonical_category to write them.",
                )
            if value in lookup and lookup[value] < len(points):
                raise _fail(
                    f"{where}.categories", f"category {value!r} appears in more than one bin."
                )
            lookup.setdefault(value, i)
        cats.append(tuple(group))
    policy = d.get("unseen_policy")
    if policy is not None and policy not in UNSEEN_POLICIES:
        raise _fail(
            f"{where}.unseen_policy", f"expected one of {list(UNSEEN_POLICIES)}; got {policy!r}."
        )
    unseen_raw = d.get("unseen_points")
    unseen: float | None
    if unseen_raw is None:
        if policy != "error":
            raise _fail(
                where,
                "'unseen_points' is required (or set unseen_policy to 'error' to refuse "
                "unseen categories).",
            )
        unseen = None
    else:
        unseen = _number(unseen_raw, f"{where}.unseen_points")
    candidates = [*points, missing, *special_pts] + ([] if unseen is None else [unseen])
    max_pts = _number(d.get("max_points", max(candidates)), f"{where}.max_points")
    return CategoricalFeature(
        name,
        reason_code,
        tuple(cats),
        points,
        missing,
        unseen,
        policy,
        codes,
        special_pts,
        max_pts,
        lookup,
    )


@dataclass(frozen=True)
class Calibration:
    """Points -> PD mapping of a spec (``logistic``, ``isotonic`` or ``binned``).

    ``x``/``y`` hold the isotonic knots, or the binned edges and PDs.

    Examples
    --------
    >>> parse_calibration({"method": "logistic", "intercept": 4.3, "slope": -0.07})
    Calibration(method='logistic', intercept=4.3, slope=-0.07, x=(), y=())
    """

    method: Literal["logistic", "isotonic", "binned"]
    intercept: float = 0.0
    slope: float = 0.0
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()


def _probabilities(values: tuple[float, ...], where: str) -> None:
    bad = [v for v in values if not 0.0 <= v <= 1.0]
    if bad:
        raise _fail(where, f"probabilities must lie in [0, 1]; got {bad[:5]}.")


def _block_or_none(d: Any, where: str) -> Mapping[str, Any] | None:
    """An optional block of the spec: None (JSON null), or a mapping (else refused)."""
    if d is not None and not isinstance(d, Mapping):
        raise _fail(where, f"expected a JSON object or null; got {type(d).__name__}.")
    return d


def parse_calibration(raw: Any) -> Calibration | None:
    """Validate the ``calibration`` object (None allowed)."""
    where = "calibration"
    d = _block_or_none(raw, where)
    if d is None:
        return None
    method = d.get("method")
    if method == "logistic":
        return Calibration(
            "logistic",
            intercept=_number(d.get("intercept"), f"{where}.intercept"),
            slope=_number(d.get("slope"), f"{where}.slope"),
        )
    if method == "isotonic":
        x = _numbers(d.get("x"), f"{where}.x")
        y = _numbers(d.get("y"), f"{where}.y")
        if len(x) != len(y) or not x:
            raise _fail(
                where, f"x and y must be non-empty and equally long; got {len(x)}, {len(y)}."
            )
        _increasing(x, f"{where}.x", strict=False)
        _probabilities(y, f"{where}.y")
        return Calibration("isotonic", x=x, y=y)
    if method == "binned":
        edges = _numbers(d.get("edges"), f"{where}.edges")
        pd_ = _numbers(d.get("pd"), f"{where}.pd")
        if len(pd_) != len(edges) + 1:
            raise _fail(
                where, f"len(pd) must be len(edges) + 1 = {len(edges) + 1}; got {len(pd_)}."
            )
        _increasing(edges, f"{where}.edges")
        _probabilities(pd_, f"{where}.pd")
        return Calibration("binned", x=edges, y=pd_)
    raise _fail(f"{where}.method", f"expected 'logistic', 'isotonic' or 'binned'; got {method!r}.")


@dataclass(frozen=True)
class GradeScale:
    """The parsed ``master_scale`` block: grade ``i`` holds ``upper_pd[i-1] < pd <= upper_pd[i]``.

    Named apart from the estimator :class:`overdue_risk.calibration.MasterScale`, which
    builds this block (``MasterScale.to_spec_dict()``).

    Examples
    --------
    >>> parse_master_scale({"grades": ["A", "B"], "upper_pd": [0.05, 1.0], "pd": [0.02, 0.2]})
    GradeScale(grades=('A', 'B'), upper_pd=(0.05, 1.0), pd=(0.02, 0.2))
    """

    grades: tuple[str, ...]
    upper_pd: tuple[float, ...]
    pd: tuple[float, ...]


def parse_master_scale(raw: Any) -> GradeScale | None:
    """Validate the ``master_scale`` object (None allowed)."""
    where = "master_scale"
    d = _block_or_none(raw, where)
    if d is None:
        return None
    grades_raw = d.get("grades")
    if not isinstance(grades_raw, list | tuple) or not grades_raw:
        raise _fail(f"{where}.grades", "expected a non-empty list of grade names.")
    grades = tuple(_text(g, f"{where}.grades[{i}]") for i, g in enumerate(grades_raw))
    upper = _numbers(d.get("upper_pd"), f"{where}.upper_pd")
    pds = _numbers(d.get("pd", upper), f"{where}.pd")
    if not len(grades) == len(upper) == len(pds):
        raise _fail(
            where,
            f"grades, upper_pd and pd must be equally long; got {len(grades)}, {len(upper)}, "
            f"{len(pds)}.",
        )
    _increasing(upper, f"{where}.upper_pd")
    _probabilities(upper, f"{where}.upper_pd")
    _probabilities(pds, f"{where}.pd")
    if upper[-1] != 1.0:
        raise _fail(
            f"{where}.upper_pd",
            f"the last grade must close the scale at 1.0; got {upper[-1]!r}.",
        )
    return GradeScale(grades, upper, pds)


# ----------------------------------------------------------------------------- builders
def _plain_number(value: Any, as_int: bool = False) -> int | float:
    f = float(value)
    return round(f) if as_int and math.isfinite(f) else f


def feature_block(
    name: str,
    kind: Literal["numeric", "categorical"],
    *,
    points: Sequence[float],
    missing_points: float,
    max_points: float,
    reason_code: str | None = None,
    splits: Sequence[float] | None = None,
    categories: Sequence[Sequence[Any]] | None = None,
    unseen_points: float | None = None,
    unseen_policy: str | None = None,
    special_codes: Sequence[float] = (),
    special_points: Sequence[float] = (),
    labels: Sequence[str] | None = None,
    woe: Mapping[str, Any] | None = None,
    rounded: bool = False,
) -> dict[str, Any]:
    """One entry of the spec's ``features`` list, checked by :func:`parse_feature`.

    Parameters
    ----------
    name : str
        The input column.
    kind : {"numeric", "categorical"}
    points : sequence of float
        One per regular bin.
    missing_points, max_points : float
    reason_code : str, optional
        Defaults to ``name``.
    splits : sequence of float
        Numeric features: the strictly increasing cut points (``len(points) - 1``).
    categories : sequence of sequence
        Categorical features: the values of each bin (stored in canonical string form).
    unseen_points : float, optional
        Categorical features: points of a value not seen at fit time.
    unseen_policy : str, optional
        Categorical features: how unseen values were priced (see ``docs/spec_format.md``).
    special_codes, special_points : sequence of float
        Exact values checked before the bins, and their points.
    labels : sequence of str, optional
        A label per bin, missing and special slot (written as ``"bins"``).
    woe : mapping, optional
        ``{"bins": [...], "missing": w, "special": [...]}``, for review only.
    rounded : bool, default=False
        Write points as integers.

    Returns
    -------
    dict

    Examples
    --------
    >>> feature_block("age", "numeric", splits=[30.0], points=[10, 20],
    ...               missing_points=5, max_points=20)["splits"]
    [30.0]
    """
    d: dict[str, Any] = {"name": name, "kind": kind, "reason_code": reason_code or name}
    if kind == "numeric":
        d["splits"] = [float(v) for v in (splits or ())]
    else:
        d["categories"] = [
            [canonical_category(v) if not isinstance(v, str) else v for v in group]
            for group in (categories or ())
        ]
    d["points"] = [_plain_number(v, rounded) for v in points]
    d["missing_points"] = _plain_number(missing_points, rounded)
    if kind == "categorical":
        if unseen_points is not None:
            d["unseen_points"] = _plain_number(unseen_points, rounded)
        if unseen_policy is not None:
            d["unseen_policy"] = unseen_policy
    d["special_codes"] = [float(c) for c in special_codes]
    d["special_points"] = [_plain_number(v, rounded) for v in special_points]
    d["max_points"] = _plain_number(max_points, rounded)
    if labels is not None:
        d["bins"] = [str(v) for v in labels]
    if woe is not None:
        d["woe"] = {
            "bins": [float(v) for v in woe.get("bins", ())],
            "missing": float(woe.get("missing", 0.0)),
            "special": [float(v) for v in woe.get("special", ())],
        }
    parse_feature(d, 0)
    return d


def calibration_block(
    method: Literal["logistic", "isotonic", "binned"],
    *,
    intercept: float | None = None,
    slope: float | None = None,
    x: Sequence[float] | None = None,
    y: Sequence[float] | None = None,
) -> dict[str, Any]:
    """The spec's ``calibration`` block, checked by :func:`parse_calibration`.

    ``logistic`` takes ``intercept`` and ``slope``; ``isotonic`` the knots ``x`` (points)
    and ``y`` (PDs); ``binned`` the edges ``x`` and ``len(x) + 1`` PDs ``y``.

    Examples
    --------
    >>> calibration_block("logistic", intercept=4.3, slope=-0.07)
    {'method': 'logistic', 'intercept': 4.3, 'slope': -0.07}
    >>> calibration_block("binned", x=[500.0], y=[0.2, 0.05])
    {'method': 'binned', 'edges': [500.0], 'pd': [0.2, 0.05]}
    """
    if method == "logistic":
        d: dict[str, Any] = {
            "method": method,
            "intercept": float(intercept if intercept is not None else math.nan),
            "slope": float(slope if slope is not None else math.nan),
        }
    elif method == "isotonic":
        d = {"method": method, "x": [float(v) for v in x or ()], "y": [float(v) for v in y or ()]}
    else:
        d = {
            "method": method,
            "edges": [float(v) for v in x or ()],
            "pd": [float(v) for v in y or ()],
        }
    parse_calibration(d)
    return d


def master_scale_block(
    grades: Sequence[str], *, upper_pd: Sequence[float], pd: Sequence[float]
) -> dict[str, Any]:
    """The spec's ``master_scale`` block, checked by :func:`parse_master_scale`.

    Examples
    --------
    >>> master_scale_block(["A", "B"], upper_pd=[0.05, 1.0], pd=[0.02, 0.2])["upper_pd"]
    [0.05, 1.0]
    """
    d = {
        "grades": [str(g) for g in grades],
        "upper_pd": [float(v) for v in upper_pd],
        "pd": [float(v) for v in pd],
    }
    parse_master_scale(d)
    return d


def spec_document(
    *,
    name: str,
    features: Sequence[Mapping[str, Any]],
    intercept_points: float = 0.0,
    scaling: Mapping[str, Any] | None = None,
    target: Mapping[str, Any] | None = None,
    calibration: Mapping[str, Any] | None = None,
    master_scale: Mapping[str, Any] | None = None,
    overrides: Sequence[Mapping[str, Any]] = (),
    metadata: Mapping[str, Any] | None = None,
    library_version: str | None = None,
    created_utc: str | None = None,
) -> dict[str, Any]:
    """An unsealed spec document with the format header (seal it with ``runtime.seal``).

    The document is a pure function of its arguments: two fits of the same data give
    byte-identical specs. ``created_utc`` (an ISO 8601 text) is written only when given,
    so a timestamp, and a checksum that changes with it, is a choice.

    Examples
    --------
    >>> age = feature_block("age", "numeric", splits=[30.0], points=[10, 20],
    ...                     missing_points=5, max_points=20)
    >>> doc = spec_document(name="card", features=[age])
    >>> doc["format"], doc["schema_version"], "created_utc" in doc
    ('overdue_risk.scorecard', 1, False)
    """
    if library_version is None:
        from overdue_risk import __version__ as library_version
    doc: dict[str, Any] = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "library_version": library_version,
    }
    if created_utc is not None:
        doc["created_utc"] = str(created_utc)
    doc.update(
        {
            "name": name,
            "target": dict(target) if target is not None else None,
            "scaling": dict(scaling) if scaling is not None else None,
            "intercept_points": intercept_points,
            "features": [dict(f) for f in features],
            "calibration": dict(calibration) if calibration is not None else None,
            "master_scale": dict(master_scale) if master_scale is not None else None,
            "overrides": [dict(o) for o in overrides],
            "metadata": dict(metadata or {}),
        }
    )
    return doc
