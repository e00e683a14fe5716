"""Score where the data lives: SQL, PMML, Spark and Dask, all from the one JSON spec.

Every export is generated from a scoring spec (docs/spec_format.md) and tested to give
the runtime kernel's scores:

- :func:`to_sql`: one ``CASE WHEN`` query for DuckDB, SQLite, Spark SQL, PostgreSQL or
  ANSI SQL (points, PD, grade and reason codes);
- :func:`to_pmml`: a PMML 4.4 ``Scorecard`` with reason codes for decision engines;
- :func:`score_spark` / :func:`score_dask`: the kernel itself on Spark (Arrow batches)
  and Dask (pandas partitions), plus count tables (pre-bins, score bands, transitions)
  computed as distributed aggregations for monitoring a book larger than one machine.

Names load lazily, so importing this package loads neither pyspark, dask nor duckdb.

Examples
--------
>>> from overdue_risk.export import to_sql
>>> from overdue_risk.export._examples import example_spec
>>> print(to_sql(example_spec(), table="loans", dialect="duckdb").splitlines()[0])
WITH points AS (
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY: dict[str, str] = {
    "DIALECTS": "overdue_risk.export.sql",
    "band_counts_dask": "overdue_risk.export.dask",
    "band_counts_spark": "overdue_risk.export.spark",
    "prebin_counts_dask": "overdue_risk.export.dask",
    "prebin_counts_spark": "overdue_risk.export.spark",
    "score_dask": "overdue_risk.export.dask",
    "score_spark": "overdue_risk.export.spark",
    "score_spark_sql": "overdue_risk.export.spark",
    "to_pmml": "overdue_risk.export.pmml",
    "to_sql": "overdue_risk.export.sql",
    "transition_counts_dask": "overdue_risk.export.dask",
    "transition_counts_spark": "overdue_risk.export.spark",
}

__all__ = [
    "DIALECTS",
    "band_counts_dask",
    "band_counts_spark",
    "prebin_counts_dask",
    "prebin_counts_spark",
    "score_dask",
    "score_spark",
    "score_spark_sql",
    "to_pmml",
    "to_sql",
    "transition_counts_dask",
    "transition_counts_spark",
]

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.export.dask import (
        band_counts_dask,
        prebin_counts_dask,
        score_dask,
        transition_counts_dask,
    )
    from overdue_risk.export.pmml import to_pmml
    from overdue_risk.export.spark import (
        band_counts_spark,
        prebin_counts_spark,
        score_spark,
        score_spark_sql,
        transition_counts_spark,
    )
    from overdue_risk.export.sql import DIALECTS, to_sql


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'overdue_risk.export' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
