"""Export a card as the scoring spec of docs/spec_format.md (plain, versioned, sealed JSON)."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from overdue_risk.exceptions import DataError
from overdue_risk.runtime import feature_block
from overdue_risk.scorecard._card import CardFeature
from overdue_risk.scorecard._fit import fitted_metadata
from overdue_risk.scorecard._scaling import PointsScaling

__all__ = ["build_spec", "feature_spec", "scorecard_spec", "spec_block", "write_spec"]


def feature_spec(f: CardFeature, *, rounded: bool) -> dict[str, Any]:
    """The spec entry of one card feature, built by the runtime's ``feature_block``."""
    nb, s = f.n_bins, len(f.special_codes)
    pts = f.points
    categorical = f.kind == "categorical"
    return feature_block(
        f.name,
        "categorical" if categorical else "numeric",
        reason_code=f.reason_code,
        splits=None if categorical else f.splits,
        categories=f.categories if categorical else None,
        points=pts[:nb].tolist(),
        missing_points=pts[nb],
        unseen_points=pts[nb + 1 + s] if categorical else None,
        # expert cards giving explicit unseen points carry no policy
        unseen_policy=f.unseen_policy if categorical and f.unseen_policy != "points" else None,
        special_codes=f.special_codes,
        special_points=pts[nb + 1 : nb + 1 + s].tolist(),
        max_points=f.max_points,
        labels=f.labels[: nb + 1 + s],
        woe=None
        if f.woe is None
        else {"bins": f.woe[:nb], "missing": f.woe[nb], "special": f.woe[nb + 1 : nb + 1 + s]},
        rounded=rounded,
    )


def _seal(doc: dict[str, Any]) -> dict[str, Any]:
    """Checksum via the runtime's ``seal`` (the one implementation; it validates too)."""
    from overdue_risk.runtime import seal

    sealed: dict[str, Any] = seal(doc)
    return sealed


def spec_block(obj: Any) -> Mapping[str, Any] | None:
    """A ``calibration`` / ``master_scale`` block: from ``obj.to_spec_dict()``, a dict or None."""
    if obj is None:
        return None
    if hasattr(obj, "to_spec_dict"):
        block: Mapping[str, Any] = obj.to_spec_dict()
        return block
    if isinstance(obj, Mapping):
        return obj
    raise DataError(f"expected an object with to_spec_dict() or a dict; got {type(obj).__name__}.")


def build_spec(
    features: Sequence[CardFeature],
    *,
    scaling: PointsScaling,
    intercept_points: float,
    intercept_mode: str,
    rounded: bool,
    name: str,
    target: Mapping[str, Any] | None,
    calibration: Mapping[str, Any] | None = None,
    master_scale: Mapping[str, Any] | None = None,
    overrides: Sequence[Mapping[str, Any]] = (),
    metadata: Mapping[str, Any] | None = None,
    created_utc: str | None = None,
) -> dict[str, Any]:
    """Assemble (with the runtime's ``spec_document``) and seal (checksum) a spec document.

    No timestamp is written unless ``created_utc`` is given, so two fits of the same data
    give byte-identical specs.
    """
    from overdue_risk.runtime import spec_document

    if not isinstance(name, str) or not name:
        raise DataError(f"name must be a non-empty string naming the card; got {name!r}.")
    doc = spec_document(
        name=name,
        target=target,
        scaling=scaling.to_spec_dict(intercept_mode=intercept_mode, rounded=rounded),
        intercept_points=round(float(intercept_points)) if rounded else float(intercept_points),
        features=[feature_spec(f, rounded=rounded) for f in features],
        calibration=calibration,
        master_scale=master_scale,
        overrides=[_plain(dict(o)) for o in overrides],
        metadata=_plain(dict(metadata or {})),
        created_utc=created_utc,
    )
    return _seal(doc)


def scorecard_spec(
    sc: Any,
    *,
    calibrator: Any,
    master_scale: Any,
    name: str | None,
    target: Mapping[str, Any] | None,
    metadata: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The sealed spec of a fitted or expert scorecard ``sc`` (``Scorecard.to_spec``).

    The arguments are those of ``to_spec``, which holds their defaults; ``None`` falls
    back to what the card holds (its name, target and metadata).
    """
    meta = {"source": "expert"} if sc.is_expert_ else fitted_metadata(sc)
    meta.update(sc.metadata_)
    meta.update(metadata or {})
    return build_spec(
        sc.card_,
        scaling=sc.scaling_,
        intercept_points=sc.intercept_points_,
        intercept_mode=sc.intercept_mode_,
        rounded=sc.rounded_,
        name=name or sc.name_ or "scorecard",
        target=target if target is not None else sc.target_,
        calibration=spec_block(calibrator),
        master_scale=spec_block(master_scale),
        overrides=sc.overrides_,
        metadata=meta,
    )


def _plain(obj: Any) -> Any:
    """Convert NumPy scalars/arrays and tuples into plain JSON values."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, _dt.datetime | _dt.date):
        return obj.isoformat()
    return obj


def write_spec(doc: Mapping[str, Any], path: str | Path) -> Path:
    """Write a sealed spec as UTF-8 JSON (indented for review; the checksum is key-order free)."""
    p = Path(path)
    p.write_text(
        json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
    )
    return p
