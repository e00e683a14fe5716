"""Expert scorecards (专家评分法): a card written by hand, validated into card features.

A card is a dict, or a JSON or TOML file holding one::

    name = "microloan_expert_v1"
    intercept_points = 0            # optional, default 0

    [scaling]                       # required: ties points to odds
    pdo = 20
    base_score = 600
    base_odds = 50

    [[features]]
    name = "age"
    kind = "numeric"
    reason_code = "AGE"             # optional, default: the name
    missing_points = 5              # required
    special = [{code = -1, points = 0}]   # optional
    bins = [{upper = 25, points = 10},
            {lower = 25, upper = 40, points = 20},
            {lower = 40, points = 30}]
    # or, as in the exported spec: splits = [25, 40], points = [10, 20, 30]

    [[features]]
    name = "purpose"
    kind = "categorical"
    missing_points = 10
    unseen_points = 10              # or unseen_policy = "error"; default: scored as missing
    bins = [{categories = ["cash", "travel"], points = 14},
            {categories = ["education"], points = 30}]

Numeric bins are half-open ``[lower, upper)``; an omitted ``lower`` (``upper``) of the
first (last) bin means minus (plus) infinity and, in between, the neighbour's bound.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from overdue_risk._missing import canonical_category
from overdue_risk._validation import format_values, repeated_values
from overdue_risk.exceptions import DataError
from overdue_risk.runtime import NumericFeature, Spec
from overdue_risk.scorecard._card import CardFeature, numeric_labels
from overdue_risk.scorecard._record import FittedCard
from overdue_risk.scorecard._scaling import PointsScaling

__all__ = ["ExpertCard", "card_from_spec", "expert_record", "expert_scorecard", "parse_expert_card"]

_Card = TypeVar("_Card")

_TOP_KEYS = {"name", "scaling", "intercept_points", "features", "target", "metadata"}
_FEATURE_KEYS = {
    "name",
    "kind",
    "reason_code",
    "missing_points",
    "unseen_points",
    "unseen_policy",
    "special",
    "bins",
    "splits",
    "points",
    "description",
}
_KINDS = ("numeric", "categorical")


@dataclass(frozen=True)
class ExpertCard:
    """A validated expert card (internal: :meth:`Scorecard.from_expert` wraps it)."""

    name: str
    scaling: PointsScaling
    intercept_points: float
    features: tuple[CardFeature, ...]
    target: dict[str, Any] | None
    metadata: dict[str, Any]


def _load(card: Mapping[str, Any] | str | Path) -> Mapping[str, Any]:
    if isinstance(card, Mapping):
        return card
    path = Path(card)
    if not path.exists():
        raise DataError(f"expert card file {str(path)!r} does not exist. Check the path.")
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"expert card {str(path)!r} is not valid JSON: {exc}.") from None
    elif suffix == ".toml":
        import tomllib

        try:
            loaded = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise DataError(f"expert card {str(path)!r} is not valid TOML: {exc}.") from None
    else:
        raise DataError(
            f"expert card {str(path)!r} has suffix {suffix!r}; use a .json or .toml file "
            "or pass a dict."
        )
    if not isinstance(loaded, Mapping):
        raise DataError(f"expert card {str(path)!r} must hold an object at the top level.")
    return loaded


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise DataError(f"{where} must be a number; got {value!r}.")
    v = float(value)
    if math.isnan(v):
        raise DataError(f"{where} must be a number; got NaN.")
    return v


def _points(value: Any, where: str) -> float:
    v = _number(value, where)
    if not math.isfinite(v):
        raise DataError(f"{where} must be finite points; got {value!r}.")
    return v


def _numeric_bins(feat: str, bins: Any) -> tuple[list[float], list[float]]:
    if not isinstance(bins, Sequence) or isinstance(bins, str) or len(bins) == 0:
        raise DataError(f"feature {feat!r}: 'bins' must be a non-empty list of bins.")
    n = len(bins)
    lows: list[float | None] = []
    ups: list[float | None] = []
    pts: list[float] = []
    for i, b in enumerate(bins):
        if not isinstance(b, Mapping):
            raise DataError(f"feature {feat!r}: bin {i} must be a table/object; got {b!r}.")
        unknown = set(b) - {"lower", "upper", "points", "label"}
        if unknown:
            raise DataError(
                f"feature {feat!r}: bin {i} has unknown keys {sorted(unknown)}; "
                "numeric bins take 'lower', 'upper' and 'points'."
            )
        if "points" not in b:
            raise DataError(f"feature {feat!r}: bin {i} has no 'points'. Give every bin points.")
        pts.append(_points(b["points"], f"feature {feat!r} bin {i} points"))
        where = f"feature {feat!r} bin {i}"
        lows.append(_number(b["lower"], f"{where} lower") if "lower" in b else None)
        ups.append(_number(b["upper"], f"{where} upper") if "upper" in b else None)
    given_lows = [(i, v) for i, v in enumerate(lows) if v is not None]
    for (i0, a), (i1, b) in itertools.pairwise(given_lows):
        if b < a:
            raise DataError(
                f"feature {feat!r}: bins are unsorted: bin {i1} starts at {b}, before bin {i0} "
                f"(which starts at {a}). List bins from the lowest values to the highest."
            )
    # fill omitted bounds from the neighbours
    lo = [
        lows[i] if lows[i] is not None else (-math.inf if i == 0 else ups[i - 1]) for i in range(n)
    ]
    up = [
        ups[i] if ups[i] is not None else (math.inf if i == n - 1 else lows[i + 1])
        for i in range(n)
    ]
    for i in range(n):
        if lo[i] is None or up[i] is None:
            raise DataError(
                f"feature {feat!r}: bin {i} and its neighbour both omit their shared bound. "
                "Give 'lower' or 'upper' explicitly."
            )
    los = [float(v) for v in lo if v is not None]
    ups_f = [float(v) for v in up if v is not None]
    for i in range(n):
        if not los[i] < ups_f[i]:
            raise DataError(
                f"feature {feat!r}: bin {i} is [{los[i]}, {ups_f[i]}), which is empty or "
                "reversed. Each bin needs lower < upper."
            )
    if los[0] != -math.inf:
        raise DataError(
            f"feature {feat!r}: the first bin starts at {los[0]}, so values below it have no "
            "points. Omit its 'lower' (minus infinity)."
        )
    if ups_f[-1] != math.inf:
        raise DataError(
            f"feature {feat!r}: the last bin ends at {ups_f[-1]}, so values above it have no "
            "points. Omit its 'upper' (plus infinity)."
        )
    for i in range(1, n):
        prev = f"bin {i - 1} [{los[i - 1]}, {ups_f[i - 1]})"
        cur = f"bin {i} [{los[i]}, {ups_f[i]})"
        if los[i] < los[i - 1]:
            raise DataError(
                f"feature {feat!r}: bins are unsorted: {cur} starts before {prev}. "
                "List bins from the lowest values to the highest."
            )
        if los[i] < ups_f[i - 1]:
            raise DataError(
                f"feature {feat!r}: {cur} overlaps {prev}. Make each bin start where the "
                "previous one ends."
            )
        if los[i] > ups_f[i - 1]:
            raise DataError(
                f"feature {feat!r}: gap between {prev} and {cur}: values in "
                f"[{ups_f[i - 1]}, {los[i]}) have no points. Make the bins contiguous."
            )
    return los[1:], pts


def _splits_form(feat: str, splits: Any, points: Any) -> tuple[list[float], list[float]]:
    if not isinstance(splits, Sequence) or isinstance(splits, str):
        raise DataError(f"feature {feat!r}: 'splits' must be a list of numbers.")
    if not isinstance(points, Sequence) or isinstance(points, str):
        raise DataError(f"feature {feat!r}: 'points' must be a list of numbers.")
    s = [_number(v, f"feature {feat!r} split {i}") for i, v in enumerate(splits)]
    if not all(math.isfinite(v) for v in s):
        raise DataError(f"feature {feat!r}: splits must be finite; got {format_values(s)}.")
    bad = [i for i in range(1, len(s)) if not s[i] > s[i - 1]]
    if bad:
        raise DataError(
            f"feature {feat!r}: splits must be strictly increasing (sorted, no repeats); "
            f"got {format_values(s)} (split {bad[0]} is {s[bad[0]]} after {s[bad[0] - 1]})."
        )
    p = [_points(v, f"feature {feat!r} points[{i}]") for i, v in enumerate(points)]
    if len(p) != len(s) + 1:
        raise DataError(
            f"feature {feat!r}: {len(s)} splits make {len(s) + 1} bins but 'points' has "
            f"{len(p)} entries. Give one points value per bin."
        )
    return s, p


def _categorical_bins(feat: str, bins: Any) -> tuple[list[tuple[str, ...]], list[float]]:
    if not isinstance(bins, Sequence) or isinstance(bins, str) or len(bins) == 0:
        raise DataError(f"feature {feat!r}: 'bins' must be a non-empty list of bins.")
    seen: dict[str, int] = {}
    cats: list[tuple[str, ...]] = []
    pts: list[float] = []
    for i, b in enumerate(bins):
        if not isinstance(b, Mapping):
            raise DataError(f"feature {feat!r}: bin {i} must be a table/object; got {b!r}.")
        unknown = set(b) - {"categories", "points", "label"}
        if unknown:
            raise DataError(
                f"feature {feat!r}: bin {i} has unknown keys {sorted(unknown)}; "
                "categorical bins take 'categories' and 'points'."
            )
        members = b.get("categories")
        if not isinstance(members, Sequence) or isinstance(members, str) or not members:
            raise DataError(
                f"feature {feat!r}: bin {i} needs a non-empty list 'categories'; got {members!r}."
            )
        if "points" not in b:
            raise DataError(f"feature {feat!r}: bin {i} has no 'points'. Give every bin points.")
        canon: list[str] = []
        for m in members:
            c = canonical_category(m)
            if c is None:
                raise DataError(
                    f"feature {feat!r}: bin {i} lists a missing value as a category; missing "
                    "values score 'missing_points' instead."
                )
            if c in seen:
                raise DataError(
                    f"feature {feat!r}: category {c!r} is in bin {seen[c]} and bin {i} "
                    "(overlapping bins). Put each category in one bin."
                )
            seen[c] = i
            canon.append(c)
        cats.append(tuple(canon))
        pts.append(_points(b["points"], f"feature {feat!r} bin {i} points"))
    return cats, pts


def _specials(feat: str, special: Any) -> tuple[list[float], list[float]]:
    if special is None:
        return [], []
    items: list[tuple[Any, Any]]
    if isinstance(special, Mapping):
        items = list(special.items())
    elif isinstance(special, Sequence) and not isinstance(special, str):
        items = []
        for i, s in enumerate(special):
            if not isinstance(s, Mapping) or set(s) != {"code", "points"}:
                raise DataError(
                    f"feature {feat!r}: special entry {i} must be {{code = <number>, "
                    f"points = <number>}}; got {s!r}."
                )
            items.append((s["code"], s["points"]))
    else:
        raise DataError(f"feature {feat!r}: 'special' must be a list of {{code, points}}.")
    codes: list[float] = []
    pts: list[float] = []
    for code, p in items:
        try:
            c = float(code)
        except (TypeError, ValueError):
            raise DataError(
                f"feature {feat!r}: special code {code!r} is not a number. Special codes are "
                "plain numbers such as -1 or 999."
            ) from None
        if not math.isfinite(c):
            raise DataError(f"feature {feat!r}: special code {code!r} must be finite.")
        if c in codes:
            raise DataError(f"feature {feat!r}: special code {code!r} is listed twice.")
        codes.append(c)
        pts.append(_points(p, f"feature {feat!r} special {code!r} points"))
    return codes, pts


def _feature(i: int, f: Any) -> CardFeature:
    if not isinstance(f, Mapping):
        raise DataError(f"features[{i}] must be a table/object; got {f!r}.")
    name = f.get("name")
    if not isinstance(name, str) or not name:
        raise DataError(f"features[{i}] needs a non-empty string 'name'; got {name!r}.")
    unknown = set(f) - _FEATURE_KEYS
    if unknown:
        raise DataError(
            f"feature {name!r} has unknown keys {sorted(unknown)}; known keys are "
            f"{sorted(_FEATURE_KEYS)}."
        )
    kind = f.get("kind")
    if kind not in _KINDS:
        raise DataError(
            f"feature {name!r} has unknown kind {kind!r}; use 'numeric' or 'categorical'."
        )
    if "missing_points" not in f:
        raise DataError(
            f"feature {name!r} has no points for missing values. Add 'missing_points' "
            "(the points of an applicant whose value is missing)."
        )
    missing = _points(f["missing_points"], f"feature {name!r} missing_points")
    codes, special_pts = _specials(name, f.get("special"))
    splits: list[float] = []
    categories: list[tuple[str, ...]] = []
    if kind == "numeric":
        if "bins" in f and ("splits" in f or "points" in f):
            raise DataError(f"feature {name!r}: give either 'bins' or 'splits'+'points'.")
        if "bins" in f:
            splits, regular = _numeric_bins(name, f["bins"])
        elif "splits" in f and "points" in f:
            splits, regular = _splits_form(name, f["splits"], f["points"])
        else:
            raise DataError(f"feature {name!r} has no bins: give 'bins' or 'splits'+'points'.")
        if "unseen_points" in f or "unseen_policy" in f:
            raise DataError(
                f"feature {name!r} is numeric: unseen values do not exist for numeric "
                "features (non-numbers are errors). Remove 'unseen_points'/'unseen_policy'."
            )
        unseen, policy = missing, "missing"
        labels = numeric_labels(splits, codes)
    else:
        if "bins" not in f:
            raise DataError(f"feature {name!r} has no 'bins' (lists of categories with points).")
        categories, regular = _categorical_bins(name, f["bins"])
        policy = f.get("unseen_policy", "points" if "unseen_points" in f else "missing")
        if policy not in ("missing", "error", "points"):
            raise DataError(
                f"feature {name!r}: unseen_policy must be 'missing', 'error' or given via "
                f"'unseen_points'; got {policy!r}."
            )
        if policy == "points":
            if "unseen_points" not in f:
                raise DataError(f"feature {name!r}: unseen_policy 'points' needs 'unseen_points'.")
            unseen = _points(f["unseen_points"], f"feature {name!r} unseen_points")
        elif "unseen_points" in f:
            raise DataError(
                f"feature {name!r}: 'unseen_points' conflicts with unseen_policy {policy!r}."
            )
        else:
            unseen = missing
        labels = (
            *(", ".join(c) for c in categories),
            "Missing",
            *(f"Special {canonical_category(c)}" for c in codes),
            "Unseen",
        )
    points = np.array([*regular, missing, *special_pts, unseen], dtype=np.float64)
    reason = f.get("reason_code", name)
    if not isinstance(reason, str) or not reason:
        raise DataError(f"feature {name!r}: reason_code must be a non-empty string.")
    return CardFeature(
        name=name,
        kind=kind,
        splits=tuple(float(s) for s in splits),
        categories=tuple(categories),
        special_codes=tuple(codes),
        unseen_policy=policy,
        labels=tuple(labels),
        points=points,
        points_raw=points.copy(),
        reason_code=reason,
    )


def parse_expert_card(card: Mapping[str, Any] | str | Path) -> ExpertCard:
    """Validate a hand-written card (dict, or path to .json/.toml) into an :class:`ExpertCard`.

    Examples
    --------
    >>> card = parse_expert_card({
    ...     "name": "toy", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50},
    ...     "features": [{"name": "age", "kind": "numeric", "missing_points": 5,
    ...                   "splits": [25, 40], "points": [10, 20, 30]}]})
    >>> card.features[0].points.tolist()
    [10.0, 20.0, 30.0, 5.0, 5.0]
    """
    doc = _load(card)
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise DataError(
            f"expert card has unknown top-level keys {sorted(unknown)}; known keys are "
            f"{sorted(_TOP_KEYS)}."
        )
    if "scaling" not in doc or not isinstance(doc["scaling"], Mapping):
        raise DataError(
            "expert card has no 'scaling' table. Add pdo, base_score and base_odds "
            "(e.g. 20, 600, 50): they tie points to odds and go into every exported spec."
        )
    scaling = PointsScaling.from_spec_dict(dict(doc["scaling"]))
    feats = doc.get("features")
    if not isinstance(feats, Sequence) or isinstance(feats, str) or not feats:
        raise DataError("expert card needs a non-empty list 'features'.")
    features = tuple(_feature(i, f) for i, f in enumerate(feats))
    names = [f.name for f in features]
    dup = repeated_values(names)
    if dup:
        raise DataError(f"expert card lists features {dup} more than once. Merge them.")
    name = doc.get("name", "expert_scorecard")
    if not isinstance(name, str) or not name:
        raise DataError(f"expert card 'name' must be a non-empty string; got {name!r}.")
    intercept = _points(doc.get("intercept_points", 0.0), "intercept_points")
    target = doc.get("target")
    if target is not None and not isinstance(target, Mapping):
        raise DataError("expert card 'target' must be a table with 'name' and 'definition'.")
    metadata = doc.get("metadata", {})
    if not isinstance(metadata, Mapping):
        raise DataError("expert card 'metadata' must be a table/object.")
    return ExpertCard(
        name=name,
        scaling=scaling,
        intercept_points=intercept,
        features=features,
        target=dict(target) if target is not None else None,
        metadata=dict(metadata),
    )


def expert_record(card: ExpertCard) -> FittedCard:
    """The fitted record of an expert card: what ``Scorecard.from_expert`` applies.

    The same :class:`~overdue_risk.scorecard._record.FittedCard` that ``fit`` fills, so an
    expert card has every fitted attribute (those of the logistic model are None).

    Examples
    --------
    >>> rec = expert_record(parse_expert_card({"scaling": {"pdo": 20, "base_score": 600,
    ...     "base_odds": 50}, "intercept_points": 400, "features": [{"name": "a",
    ...     "kind": "numeric", "missing_points": 0, "splits": [1.0], "points": [10, 20]}]}))
    >>> rec.intercept_mode, rec.rounded, rec.coef is None
    ('separate', True, True)
    """
    feats = card.features
    rounded = (
        all(float(v).is_integer() for f in feats for v in f.points)
        and float(card.intercept_points).is_integer()
    )
    names = tuple(f.name for f in feats)
    return FittedCard(
        classes=np.array([0, 1]),
        scaling=card.scaling,
        card=feats,
        input_names=names,
        feature_names_in=np.array(names, dtype=object),
        intercept_mode="distributed" if card.intercept_points == 0 else "separate",
        intercept_points_raw=float(card.intercept_points),
        intercept_points=float(card.intercept_points),
        rounded=rounded,
        target=card.target,
        is_expert=True,
        name=card.name,
        metadata=card.metadata,
    )


def expert_scorecard(cls: type[_Card], card: Mapping[str, Any] | str | Path) -> _Card:
    """``Scorecard.from_expert``: a ``cls`` in fitted state, its attributes set by the record.

    The constructor gets the card's scaling, rounding and intercept mode, so that
    ``get_params`` describes the card; :meth:`FittedCard.apply` sets the fitted attributes.
    """
    parsed = parse_expert_card(card)
    record = expert_record(parsed)
    sc = cls(
        pdo=parsed.scaling.pdo,  # type: ignore[call-arg]
        base_score=parsed.scaling.base_score,
        base_odds=parsed.scaling.base_odds,
        rounding=record.rounded,
        intercept_mode=record.intercept_mode,
    )
    record.apply(sc)
    return sc


def card_from_spec(spec: Spec) -> dict[str, Any]:
    """Expert-card form of a parsed scoring spec (points, bins, scaling; not calibration).

    The features come from the runtime's parsed objects (the one reader of the format);
    scaling, target and metadata from the document.

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> card = card_from_spec(Spec.from_dict(seal(example_spec_dict())))
    >>> card["features"][0]["splits"], card["features"][0]["points"]
    ([25.0, 40.0, 55.0], [52.0, 65.0, 70.0, 60.0])
    """
    features = []
    for f in spec.features:
        out: dict[str, Any] = {
            "name": f.name,
            "kind": f.kind,
            "reason_code": f.reason_code,
            "missing_points": f.missing_points,
        }
        if f.special_codes:
            out["special"] = [
                {"code": c, "points": p}
                for c, p in zip(f.special_codes, f.special_points, strict=True)
            ]
        if isinstance(f, NumericFeature):
            out["splits"], out["points"] = list(f.splits), list(f.points)
        else:
            out["bins"] = [
                {"categories": list(c), "points": p}
                for c, p in zip(f.categories, f.points, strict=True)
            ]
            if f.unseen_policy == "error":
                out["unseen_policy"] = "error"
            else:
                out["unseen_points"] = f.unseen_points
        features.append(out)
    doc = spec.to_dict()
    scaling = PointsScaling.from_spec_dict(dict(doc["scaling"]))
    return {
        "name": spec.name,
        "scaling": {
            "pdo": scaling.pdo,
            "base_score": scaling.base_score,
            "base_odds": scaling.base_odds,
        },
        "intercept_points": spec.intercept_points,
        "target": doc.get("target"),
        "metadata": dict(doc.get("metadata") or {}),
        "features": features,
    }
