"""Validated feature, calibration and master-scale objects of a scoring spec.

Parsing turns the JSON objects of docs/spec_format.md into frozen dataclasses; every
error names the field path (``features[2] ('age').splits``), what was expected, and the fix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from overdue_risk._missing import canonical_category
from overdue_risk.exceptions import SpecError

__all__ = [
    "Calibration",
    "CategoricalFeature",
    "MasterScale",
    "NumericFeature",
    "parse_calibration",
    "parse_feature",
    "parse_master_scale",
]

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


def parse_calibration(d: Any) -> Calibration | None:
    """Validate the ``calibration`` object (None allowed)."""
    if d is None:
        return None
    where = "calibration"
    if not isinstance(d, Mapping):
        raise _fail(where, f"expected a JSON object or null; got {type(d).__name__}.")
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
class MasterScale:
    """Grades of a master scale: grade ``i`` holds ``upper_pd[i-1] < pd <= upper_pd[i]``.

    Examples
    --------
    >>> parse_master_scale({"grades": ["A", "B"], "upper_pd": [0.05, 1.0], "pd": [0.02, 0.2]})
    MasterScale(grades=('A', 'B'), upper_pd=(0.05, 1.0), pd=(0.02, 0.2))
    """

    grades: tuple[str, ...]
    upper_pd: tuple[float, ...]
    pd: tuple[float, ...]


def parse_master_scale(d: Any) -> MasterScale | None:
    """Validate the ``master_scale`` object (None allowed)."""
    if d is None:
        return None
    where = "master_scale"
    if not isinstance(d, Mapping):
        raise _fail(where, f"expected a JSON object or null; got {type(d).__name__}.")
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
    return MasterScale(grades, upper, pds)
