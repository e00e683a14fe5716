"""Boundary-test harness: adversarial inputs generated from any spec, and a reference scorer.

Every scorer of a spec (the runtime kernels, SQL, PMML, Spark, Dask) must give the same
points as :func:`reference_points` on :func:`boundary_cases`. The reference is deliberately
simple (``searchsorted`` and dict lookups, value by value where it matters) so that it can
be read against docs/spec_format.md line by line.

Examples
--------
>>> from overdue_risk.runtime import Spec, example_spec_dict, seal
>>> from overdue_risk.runtime._harness import boundary_cases, reference_score
>>> spec = Spec.from_dict(seal(example_spec_dict()))
>>> cases = boundary_cases(spec)
>>> bool((spec.score(cases) == reference_score(spec, cases)).all())
True
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_category, is_missing_scalar
from overdue_risk.exceptions import DataError
from overdue_risk.runtime._format import CategoricalFeature, NumericFeature
from overdue_risk.runtime._spec import Spec

__all__ = ["boundary_cases", "boundary_values", "reference_points", "reference_score"]

EXTREMES = (
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    5e-324,
    -5e-324,
    0.0,
    -0.0,
)


def _around(x: float) -> list[float]:
    with np.errstate(over="ignore"):  # nextafter(max float, inf) is inf
        return [float(np.nextafter(x, -np.inf)), x, float(np.nextafter(x, np.inf))]


def boundary_values(
    feature: NumericFeature | CategoricalFeature,
    *,
    extremes: bool = True,
    unseen: bool = True,
) -> list[Any]:
    """Adversarial values of one feature.

    Numeric: every split, ``np.nextafter`` just below and above it, midpoints, points
    beyond the ends, special codes and their neighbours, NaN and None, and (``extremes``)
    +-inf, +-1e308, +-max float, +-smallest subnormal and +-0.0.
    Categorical: every category, integral categories also as int and float, special codes,
    None, NaN, and (``unseen``, skipped when ``unseen_policy == "error"``) unseen values.

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = Spec.from_dict(seal(example_spec_dict()))
    >>> boundary_values(spec.features[0], extremes=False)[:3]
    [24.999999999999996, 25.0, 25.000000000000004]
    """
    values: list[Any] = []
    if isinstance(feature, NumericFeature):
        s = list(feature.splits)
        for x in s:
            values += _around(x)
        values += [(a + b) / 2 for a, b in itertools.pairwise(s)]
        if s:
            values += [s[0] - 1.0, s[-1] + 1.0, s[0] - abs(s[0]) - 10.0, s[-1] + abs(s[-1]) + 10]
        for c in feature.special_codes:
            values += _around(c)
        values += [math.nan, None]
        if extremes:
            values += list(EXTREMES)
        return values
    for group in feature.categories:
        for cat in group:
            values.append(cat)
            try:
                f = float(cat)
            except ValueError:
                continue
            if math.isfinite(f) and f.is_integer() and canonical_category(f) == cat:
                values += [int(f), f]
    values += list(feature.special_codes)
    values += [None, math.nan]
    if unseen and feature.unseen_policy != "error":
        values += ["__never_seen__", "", " cash", "CASH", 12345, 0.5]
    return values


def boundary_cases(
    spec: Spec,
    *,
    n_rows: int | None = None,
    extremes: bool = True,
    unseen: bool = True,
    random_state: int = 0,
) -> dict[str, npt.NDArray[Any]]:
    """A dict of columns holding every boundary value of every feature of ``spec``.

    Each feature's values are repeated and shuffled to ``n_rows`` (default: enough rows for
    every value of the longest list, three times), so rows mix boundaries of different
    features. Numeric columns are float64 (NaN for missing); categorical columns are
    object arrays (strings, ints, floats, None, NaN).

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = Spec.from_dict(seal(example_spec_dict()))
    >>> cases = boundary_cases(spec)
    >>> sorted(cases), len(cases["age"]) == len(cases["purpose"])
    (['age', 'purpose'], True)
    """
    rng = np.random.default_rng(random_state)
    per_feature = {
        f.name: boundary_values(f, extremes=extremes, unseen=unseen) for f in spec.features
    }
    longest = max(len(v) for v in per_feature.values())
    n = n_rows if n_rows is not None else 3 * longest
    out: dict[str, npt.NDArray[Any]] = {}
    for feat in spec.features:
        vals = per_feature[feat.name]
        reps = -(-n // len(vals))
        order = np.concatenate([rng.permutation(len(vals)) for _ in range(reps)])[:n]
        if isinstance(feat, NumericFeature):
            col = np.array([math.nan if v is None else v for v in vals], dtype=np.float64)
            out[feat.name] = col[order]
        else:
            obj = np.empty(len(vals), dtype=object)
            obj[:] = vals
            out[feat.name] = obj[order]
    return out


def reference_points(spec: Spec, data: dict[str, Any]) -> npt.NDArray[np.float64]:
    """Points per feature, shape ``(n_rows, n_features)``, computed the obvious way.

    ``data`` is a dict of 1-D columns. Numeric: ``searchsorted(splits, x, "right")``, then
    NaN/None -> missing, then exact special codes; categorical: canonical string -> dict.

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = Spec.from_dict(seal(example_spec_dict()))
    >>> reference_points(spec, {"age": [25.0, None], "purpose": [2, "rent"]})
    array([[65., 35.],
           [45., 38.]])
    """
    cols = []
    specials: dict[str | None, float]
    for feat in spec.features:
        raw = list(data[feat.name])
        if isinstance(feat, NumericFeature):
            x = np.array([math.nan if is_missing_scalar(v) else float(v) for v in raw])
            pts = np.asarray(feat.points, dtype=np.float64)[
                np.searchsorted(np.asarray(feat.splits, dtype=np.float64), x, side="right")
            ]
            codes = dict(zip(feat.special_codes, feat.special_points, strict=True))
            col = [
                feat.missing_points if math.isnan(xi) else codes.get(xi, p)
                for xi, p in zip(x.tolist(), pts.tolist(), strict=True)
            ]
        else:
            by_value = {c: feat.points[i] for i, grp in enumerate(feat.categories) for c in grp}
            specials = {
                canonical_category(c): p
                for c, p in zip(feat.special_codes, feat.special_points, strict=True)
            }
            col = []
            for v in raw:
                key = canonical_category(v)
                if key is None:
                    col.append(feat.missing_points)
                elif key in specials:
                    col.append(specials[key])
                elif key in by_value:
                    col.append(by_value[key])
                elif feat.unseen_points is None:
                    raise DataError(f"column {feat.name!r}: unseen category {v!r}")
                else:
                    col.append(feat.unseen_points)
        cols.append(np.asarray(col, dtype=np.float64))
    return np.column_stack(cols) if cols else np.empty((0, 0))


def reference_score(spec: Spec, data: dict[str, Any]) -> npt.NDArray[np.float64]:
    """``intercept_points`` plus the reference points, added in spec order (float64).

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = Spec.from_dict(seal(example_spec_dict()))
    >>> reference_score(spec, {"age": [25.0], "purpose": ["rent"]})
    array([103.])
    """
    pts = reference_points(spec, data)
    total = np.full(pts.shape[0], spec.intercept_points)
    for j in range(pts.shape[1]):
        total += pts[:, j]
    return total
