"""Score and monitor a book larger than one machine: Spark and Dask.

- :func:`score_spark` / :func:`score_dask`: the runtime kernel itself on Spark (Arrow
  batches) and Dask (pandas partitions), so every score equals the kernel's;
  :func:`score_spark_sql` runs the query of :func:`overdue_risk.export.to_sql` instead.
- :func:`fit_scorecard_spark` / :func:`fit_scorecard_dask`: the whole development run
  (binning from count tables, the WOE transform where the rows are, Newton steps whose
  gradient and Hessian are engine aggregations) without collecting the rows;
  :func:`score_counts_spark` / :func:`score_counts_dask` give the calibration's input.
- Count tables computed as distributed aggregations (pre-bins, score bands, transitions):
  mergeable sufficient statistics for WOE binning, PSI and transition matrices. The
  table of a union of partitions is the sum of the partitions' tables.

Names load lazily, so importing this package loads neither pyspark nor dask (they are
the ``spark`` and ``dask`` extras).

Examples
--------
>>> from overdue_risk import distributed
>>> distributed.__all__[:3]
['band_counts_dask', 'band_counts_spark', 'fit_scorecard_dask']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from overdue_risk._lazy import load_lazily

# public name -> module that defines it (imported on first use)
_LAZY: dict[str, str] = {
    "band_counts_dask": "overdue_risk.distributed.dask",
    "band_counts_spark": "overdue_risk.distributed.spark",
    "fit_scorecard_dask": "overdue_risk.distributed._dask_fit",
    "fit_scorecard_spark": "overdue_risk.distributed._spark_fit",
    "prebin_counts_dask": "overdue_risk.distributed.dask",
    "prebin_counts_spark": "overdue_risk.distributed.spark",
    "score_counts_dask": "overdue_risk.distributed._dask_fit",
    "score_counts_spark": "overdue_risk.distributed._spark_fit",
    "score_dask": "overdue_risk.distributed.dask",
    "score_spark": "overdue_risk.distributed.spark",
    "score_spark_sql": "overdue_risk.distributed.spark",
    "transition_counts_dask": "overdue_risk.distributed.dask",
    "transition_counts_spark": "overdue_risk.distributed.spark",
}

__all__ = [
    "band_counts_dask",
    "band_counts_spark",
    "fit_scorecard_dask",
    "fit_scorecard_spark",
    "prebin_counts_dask",
    "prebin_counts_spark",
    "score_counts_dask",
    "score_counts_spark",
    "score_dask",
    "score_spark",
    "score_spark_sql",
    "transition_counts_dask",
    "transition_counts_spark",
]

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.distributed._dask_fit import fit_scorecard_dask, score_counts_dask
    from overdue_risk.distributed._spark_fit import fit_scorecard_spark, score_counts_spark
    from overdue_risk.distributed.dask import (
        band_counts_dask,
        prebin_counts_dask,
        score_dask,
        transition_counts_dask,
    )
    from overdue_risk.distributed.spark import (
        band_counts_spark,
        prebin_counts_spark,
        score_spark,
        score_spark_sql,
        transition_counts_spark,
    )


def __getattr__(name: str) -> Any:
    return load_lazily(globals(), _LAZY, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
