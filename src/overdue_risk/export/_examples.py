"""A small hand-written, sealed scoring spec used by the exports' docstring examples.

Two features (numeric ``age`` with a special code, categorical ``purpose``), a logistic
calibration and a three-grade master scale: enough to show every branch of a translation
in a few lines.

Examples
--------
>>> spec = example_spec()
>>> [f["name"] for f in spec["features"]]
['age', 'purpose']
>>> len(spec["checksum"]["value"])
64
"""

from __future__ import annotations

from typing import Any

from overdue_risk.runtime import example_spec_dict, seal

__all__ = ["example_spec"]


def example_spec() -> dict[str, Any]:
    """Return a small sealed spec dict (schema version 1) for examples."""
    doc = example_spec_dict()  # the runtime's example: its header, this card's scaling
    doc["scaling"].update(factor=28.85, offset=487.1)
    doc.update(
        {
            "features": [
                {
                    "name": "age",
                    "kind": "numeric",
                    "reason_code": "AGE",
                    "splits": [23.5, 30.0, 45.0],
                    "points": [12.0, 20.0, 31.0, 28.0],
                    "missing_points": 10.0,
                    "special_codes": [-1.0],
                    "special_points": [8.0],
                    "max_points": 31.0,
                    "bins": [
                        "(-inf, 23.5)",
                        "[23.5, 30.0)",
                        "[30.0, 45.0)",
                        "[45.0, inf)",
                        "Missing",
                        "Special -1",
                    ],
                    "woe": {"bins": [-0.6, -0.1, 0.3, 0.2], "missing": -0.4, "special": [-0.5]},
                },
                {
                    "name": "purpose",
                    "kind": "categorical",
                    "reason_code": "PURPOSE",
                    "categories": [["cash", "travel"], ["education"], ["medical", "rent"]],
                    "points": [14.0, 31.0, 22.0],
                    "missing_points": 10.0,
                    "unseen_points": 10.0,
                    "unseen_policy": "missing",
                    "special_codes": [],
                    "special_points": [],
                    "max_points": 31.0,
                    "bins": ["cash, travel", "education", "medical, rent", "Missing"],
                    "woe": {"bins": [-0.3, 0.5, 0.1], "missing": -0.2, "special": []},
                },
            ],
            "calibration": {"method": "logistic", "intercept": 2.0, "slope": -0.08},
            "master_scale": {
                "grades": ["A", "B", "C"],
                "upper_pd": [0.12, 0.3, 1.0],
                "pd": [0.08, 0.2, 0.45],
            },
        }
    )
    return seal(doc)
