"""The scoring runtime: load a JSON spec, verify it, and score with NumPy alone.

``overdue_risk.runtime`` imports NumPy and the standard library only (never pandas,
scikit-learn, SciPy or matplotlib), so a service can embed it cheaply. Data may be a dict
of arrays, a single record (dict of scalars), a 2-D array in spec column order, a pandas
or polars DataFrame or a pyarrow Table; those libraries are recognised, never imported.

Examples
--------
>>> from overdue_risk.runtime import Spec, example_spec_dict, seal
>>> spec = Spec.from_dict(seal(example_spec_dict()))
>>> spec.score({"age": 35, "purpose": "education"})
array([111.])
"""

from __future__ import annotations

from typing import Any

from overdue_risk.runtime._checksum import compute_checksum, seal
from overdue_risk.runtime._format import (
    FORMAT,
    SCHEMA_VERSION,
    Calibration,
    CategoricalFeature,
    GradeScale,
    NumericFeature,
    calibration_block,
    feature_block,
    master_scale_block,
    spec_document,
)
from overdue_risk.runtime._spec import Spec, as_spec, load_spec

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "Calibration",
    "CategoricalFeature",
    "GradeScale",
    "NumericFeature",
    "Spec",
    "as_spec",
    "calibration_block",
    "compute_checksum",
    "example_spec_dict",
    "feature_block",
    "load_spec",
    "master_scale_block",
    "seal",
    "spec_document",
]


def example_spec_dict() -> dict[str, Any]:
    """A small unsealed spec document (two features, calibration, master scale).

    Used by the examples in this package and as a template for hand-written expert cards.

    Examples
    --------
    >>> doc = example_spec_dict()
    >>> [f["name"] for f in doc["features"]]
    ['age', 'purpose']
    """
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "library_version": "0.1.0",
        "created_utc": "2026-11-28T16:00:00Z",
        "name": "example_card",
        "target": {"name": "bad", "definition": "ever 90+ DPD within 12 months on book"},
        "scaling": {
            "pdo": 20.0,
            "base_score": 600.0,
            "base_odds": 50.0,
            "odds": "good:bad",
            "intercept_mode": "distributed",
            "rounded": True,
        },
        "intercept_points": 0.0,
        "features": [
            {
                "name": "age",
                "kind": "numeric",
                "reason_code": "AGE",
                "splits": [25.0, 40.0, 55.0],
                "points": [52, 65, 70, 60],
                "missing_points": 45,
                "special_codes": [-1.0],
                "special_points": [40],
                "max_points": 70,
            },
            {
                "name": "purpose",
                "kind": "categorical",
                "reason_code": "PURPOSE",
                "categories": [["cash", "travel"], ["education"], ["medical", "rent"]],
                "points": [40, 46, 38],
                "missing_points": 35,
                "unseen_points": 35,
                "unseen_policy": "missing",
                "special_codes": [],
                "special_points": [],
                "max_points": 46,
            },
        ],
        "calibration": {"method": "logistic", "intercept": 4.3, "slope": -0.07},
        "master_scale": {
            "grades": ["A", "B", "C", "D"],
            "upper_pd": [0.02, 0.05, 0.15, 1.0],
            "pd": [0.01, 0.035, 0.1, 0.3],
        },
        "overrides": [],
        "metadata": {},
    }
