"""Score where the data lives: SQL and PMML, generated from the one JSON spec.

Every export is generated from a scoring spec (docs/spec_format.md) and tested to give
the runtime kernel's scores:

- :func:`to_sql`: one ``CASE WHEN`` query for DuckDB, SQLite, Spark SQL, PostgreSQL or
  ANSI SQL (points, PD, grade and reason codes);
- :func:`to_pmml`: a PMML 4.4 ``Scorecard`` with reason codes for decision engines.

Spark and Dask scoring and count tables live in :mod:`overdue_risk.distributed` (the
0.1.0 names ``overdue_risk.export.score_spark`` ... still resolve, with a
``DeprecationWarning``). Names load lazily, so importing this package loads no duckdb.

Examples
--------
>>> from overdue_risk.export import to_sql
>>> from overdue_risk.export._examples import example_spec
>>> print(to_sql(example_spec(), table="loans", dialect="duckdb").splitlines()[0])
WITH points AS (
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

from overdue_risk._lazy import load_lazily

_LAZY: dict[str, str] = {
    "DIALECTS": "overdue_risk.export.sql",
    "to_pmml": "overdue_risk.export.pmml",
    "to_sql": "overdue_risk.export.sql",
}

# 0.1.0 names that moved to overdue_risk.distributed (resolved with a DeprecationWarning)
_ENGINE_FUNCTIONS = ("band_counts", "prebin_counts", "score", "transition_counts")
_MOVED: frozenset[str] = frozenset(
    {"score_spark_sql"}
    | {f"{what}_{engine}" for what in _ENGINE_FUNCTIONS for engine in ("spark", "dask")}
)

__all__ = ["DIALECTS", "to_pmml", "to_sql"]

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.export.pmml import to_pmml
    from overdue_risk.export.sql import DIALECTS, to_sql


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        warnings.warn(
            f"overdue_risk.export.{name} moved to overdue_risk.distributed.{name}; "
            f"import it from there (the old name goes in 0.3.0).",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module("overdue_risk.distributed"), name)
    return load_lazily(globals(), _LAZY, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
