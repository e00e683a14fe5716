"""Score and monitor a loan book on a Spark cluster.

Scoring ships the spec's JSON text to the executors and runs the NumPy runtime kernel
itself on Arrow record batches (``DataFrame.mapInArrow``), so every score equals the
kernel's. :func:`score_spark_sql` instead runs the query of
:func:`overdue_risk.export.sql.to_sql` in Spark SQL (no Python on the executors).

Monitoring needs only count tables, computed here as Spark aggregations and returned as
small NumPy arrays for the library's estimators:

- :func:`prebin_counts_spark`: events and non-events per pre-bin per feature
  (the input of WOE binning, ``overdue_risk.binning``);
- :func:`band_counts_spark`: accounts per score band (``overdue_risk.metrics.psi_from_counts``);
- :func:`transition_counts_spark`: loans per ``(from_state, to_state)``
  (``overdue_risk.transitions.TransitionMatrix.from_counts``).

pyspark (the ``spark`` extra) is imported inside the functions only.

Examples
--------
>>> from overdue_risk.distributed import spark as sx   # no pyspark import yet
>>> sx.DEFAULT_MAX_PREBINS
20
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk.distributed._counts import (
    DEFAULT_MAX_PREBINS,
    check_edges,
    check_engine_columns,
    check_step,
    prebin_request,
    quantile_splits,
    target_error,
    transition_table,
)
from overdue_risk.distributed._scoring import score_plan
from overdue_risk.exceptions import DataError
from overdue_risk.export.sql import float_literal, quote_identifier, to_sql

if TYPE_CHECKING:
    from overdue_risk.binning import CountTable

__all__ = [
    "DEFAULT_MAX_PREBINS",
    "band_counts_spark",
    "prebin_counts_spark",
    "score_spark",
    "score_spark_sql",
    "transition_counts_spark",
]


def _check_columns(df: Any, columns: Sequence[str], what: str) -> None:
    check_engine_columns(df.columns, columns, what, "Spark")


def _col(name: str) -> Any:
    """A column by its exact name (backtick-quoted: dots and spaces are not paths)."""
    from pyspark.sql import functions as F

    return F.col(quote_identifier(name, "spark"))


def score_spark(
    spec: Any,
    df: Any,
    *,
    pd: bool = True,
    grade: bool = True,
    reason_codes: int = 0,
    prefix: str = "",
) -> Any:
    """Score a Spark DataFrame with the runtime kernel, batch by batch through Arrow.

    Parameters
    ----------
    spec : Spec, dict or str
        The scoring spec.
    df : pyspark.sql.DataFrame
        Must hold the spec's feature columns (numeric features as numbers, categorical
        ones as strings or integers); other columns are passed through.
    pd, grade : bool, default=True
        Add ``pd`` (and ``grade``) when the spec carries a calibration (and master scale).
    reason_codes : int, default=0
        Number of ``reason_i`` string columns.
    prefix : str, default=""
        Prefix of the output column names.

    Returns
    -------
    pyspark.sql.DataFrame
        ``df`` with the columns ``score`` (double), ``pd`` (double), ``grade`` (string)
        and ``reason_1``... appended. Lazy, like every Spark transformation.

    Examples
    --------
    >>> from overdue_risk.export._examples import example_spec
    >>> scored = score_spark(example_spec(), spark_df)  # doctest: +SKIP
    """
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    plan = score_plan(
        spec,
        df.columns,
        "score_spark",
        "Spark",
        pd=pd,
        grade=grade,
        reason_codes=reason_codes,
        prefix=prefix,
    )
    fields = list(df.schema.fields)
    for n in plan.names:
        fields.append(StructField(n, DoubleType() if plan.is_float(n) else StringType(), True))
    schema = StructType(fields)

    def score_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        arrow_schema = None
        for batch in batches:
            # the runtime reads Arrow columns itself (dictionary-encodes strings once)
            out = plan.outputs(pa.Table.from_batches([batch]).select(list(plan.features)))
            arrays = list(batch.columns)
            for n in plan.names:
                if plan.is_float(n):
                    arrays.append(pa.array(np.asarray(out[n], dtype=np.float64)))
                else:
                    # grades (str) and reason codes (str or None), vectorised
                    arrays.append(pa.array(np.asarray(out[n], dtype=object), type=pa.string()))
            if arrow_schema is None:
                types = [pa.float64() if plan.is_float(n) else pa.string() for n in plan.names]
                extra = [pa.field(n, t) for n, t in zip(plan.names, types, strict=True)]
                arrow_schema = pa.schema([*batch.schema, *extra])
            yield pa.RecordBatch.from_arrays(arrays, schema=arrow_schema)

    return df.mapInArrow(score_batches, schema)


def score_spark_sql(
    spec: Any,
    df: Any,
    *,
    keep: Sequence[str] | None = None,
    pd: bool = True,
    grade: bool = True,
    reason_codes: int = 0,
    prefix: str = "",
) -> Any:
    """Score a Spark DataFrame with the spec's Spark SQL query (no Python on executors).

    Parameters
    ----------
    spec : Spec, dict or str
    df : pyspark.sql.DataFrame
    keep : sequence of str, optional
        Columns of ``df`` copied to the output; default: all of them.
    pd, grade, reason_codes, prefix
        As in :func:`overdue_risk.export.sql.to_sql`.

    Returns
    -------
    pyspark.sql.DataFrame

    Examples
    --------
    >>> scored = score_spark_sql(example_spec(), spark_df, keep=["loan_id"])  # doctest: +SKIP
    """
    view_name = f"overdue_risk_{uuid.uuid4().hex}"
    df.createOrReplaceTempView(view_name)
    query = to_sql(
        spec,
        table=view_name,
        dialect="spark",
        keep=list(df.columns) if keep is None else keep,
        pd=pd,
        grade=grade,
        reason_codes=reason_codes,
        prefix=prefix,
    )
    return df.sparkSession.sql(query)


def _is_numeric(dtype: Any) -> bool:
    from pyspark.sql.types import BooleanType, NumericType

    return isinstance(dtype, NumericType) and not isinstance(dtype, BooleanType)


def _slot_expression(col: str, splits: Sequence[float], specials: Sequence[float]) -> str:
    """Spark SQL integer pre-bin slot of a numeric column (layout of binning.CountTable)."""
    x = f"CAST({quote_identifier(col, 'spark')} AS DOUBLE)"
    n = len(splits)
    whens = [f"WHEN {x} IS NULL OR isnan({x}) THEN {n + 1}"]
    whens += [
        f"WHEN {x} = {float_literal(c, 'spark')} THEN {n + 2 + j}" for j, c in enumerate(specials)
    ]
    whens += [f"WHEN {x} < {float_literal(s, 'spark')} THEN {i}" for i, s in enumerate(splits)]
    return "CASE " + " ".join(whens) + f" ELSE {n} END"


def _numeric_splits(
    df: Any, columns: Sequence[str], specials: dict[str, tuple[float, ...]], probs: list[float]
) -> dict[str, tuple[float, ...]]:
    """Approximate quantile cut points (``percentile_approx``), one Spark job for all."""
    from pyspark.sql import functions as F

    if not columns:
        return {}
    aggs = []
    for c in columns:
        x = _col(c).cast("double")
        valid = x.isNotNull() & ~F.isnan(x)
        for code in specials.get(c, ()):
            valid = valid & (x != F.lit(code))
        aggs.append(F.percentile_approx(F.when(valid, x), probs, 10_000).alias(c))
    row = df.agg(*aggs).collect()[0]
    return {c: quantile_splits(row[c] or []) for c in columns}


def prebin_counts_spark(
    df: Any,
    target: str,
    features: Sequence[str] | None = None,
    *,
    splits: dict[str, Sequence[float]] | None = None,
    special_codes: dict[str, Sequence[float]] | None = None,
    max_n_prebins: int = DEFAULT_MAX_PREBINS,
    weight: str | None = None,
) -> dict[str, CountTable]:
    """Events and non-events per pre-bin of every feature, as one Spark aggregation.

    Parameters
    ----------
    df : pyspark.sql.DataFrame
    target : str
        The 0/1 event column (no nulls).
    features : sequence of str, optional
        Default: every column but the target and the weight.
    splits : dict, optional
        Pre-bin cut points per numeric feature; the others get ``max_n_prebins``
        approximate quantiles (``percentile_approx``, special codes and missing excluded).
    special_codes : dict, optional
        Special codes per numeric feature (each counted in its own slot).
    max_n_prebins : int, default=20
    weight : str, optional
        A row-weight column.

    Returns
    -------
    dict of str to overdue_risk.binning.CountTable
        Count tables in the layout ``[pre-bins..., missing, specials...]``; numeric
        pre-bins by splits, categorical pre-bins one per distinct category (as text).
        ``WOEBinner().fit_from_counts(tables)`` bins the book from them.

    Examples
    --------
    >>> tables = prebin_counts_spark(spark_df, "bad", ["age", "purpose"])  # doctest: +SKIP
    """
    from pyspark.sql import functions as F

    req = prebin_request(
        df.columns, target, features, splits, special_codes, max_n_prebins, weight, "Spark"
    )
    names, specials = req.names, req.specials
    dtypes = {f.name: f.dataType for f in df.schema.fields}
    numeric = [c for c in names if _is_numeric(dtypes[c])]
    y = _col(target).cast("double")
    bad = df.where(y.isNull() | F.isnan(y) | ~y.isin(0.0, 1.0)).limit(1).collect()
    if bad:
        raise target_error(target, bad[0][target])
    todo = [c for c in numeric if c not in req.splits]
    cuts = {**_numeric_splits(df, todo, specials, req.probs), **req.splits}
    keys = []
    for c in names:
        if c in numeric:
            keys.append(F.expr(_slot_expression(c, cuts[c], specials.get(c, ()))).cast("string"))
        else:
            keys.append(_col(c).cast("string"))
    w = _col(weight).cast("double") if weight else F.lit(1.0)
    stacked = df.select(
        F.array(*[F.struct(F.lit(i).alias("f"), k.alias("k")) for i, k in enumerate(keys)]).alias(
            "cells"
        ),
        (w * y).alias("ev"),
        (w * (1.0 - y)).alias("ne"),
    )
    rows = (
        stacked.select(F.explode("cells").alias("cell"), "ev", "ne")
        .groupBy(F.col("cell.f").alias("f"), F.col("cell.k").alias("k"))
        .agg(F.sum("ev").alias("ev"), F.sum("ne").alias("ne"))
        .collect()
    )
    by_feature: dict[int, list[tuple[str | None, float, float]]] = {
        i: [] for i in range(len(names))
    }
    for r in rows:
        by_feature[int(r["f"])].append((r["k"], float(r["ev"]), float(r["ne"])))
    # weighted counts carry the number of positive-weight rows, so the zero-count WOE
    # smoothing (0.5 x mean weight) is the one WOEBinner.fit applies to the same rows
    n_obs = float(df.where(w > 0).count()) if weight else None
    out = {}
    for i, c in enumerate(names):
        out[c] = _assemble(
            c, c in numeric, cuts.get(c, ()), specials.get(c, ()), by_feature[i], n_obs
        )
    return out


def _assemble(
    name: str,
    numeric: bool,
    cuts: tuple[float, ...],
    specials: tuple[float, ...],
    cells: list[tuple[str | None, float, float]],
    n_obs: float | None = None,
) -> CountTable:
    """Collected (key, events, non-events) cells of one feature -> a binning CountTable."""
    from overdue_risk.binning import CountTable

    if numeric:
        size = len(cuts) + 2 + len(specials)
        ev, ne = np.zeros(size), np.zeros(size)
        for k, e, n in cells:
            ev[int(str(k))] += e
            ne[int(str(k))] += n
        return CountTable.from_counts(
            name, ev, ne, splits=cuts, special_codes=specials, n_obs=n_obs
        )
    cats = sorted({k for k, _, _ in cells if k is not None})
    ev, ne = np.zeros(len(cats) + 1), np.zeros(len(cats) + 1)
    for k, e, n in cells:
        j = len(cats) if k is None else cats.index(k)
        ev[j] += e
        ne[j] += n
    return CountTable.from_counts(name, ev, ne, categories=cats, n_obs=n_obs)


def band_counts_spark(
    df: Any, edges: Sequence[float], *, score_col: str = "score"
) -> npt.NDArray[np.float64]:
    """Accounts per score band (``searchsorted(edges, score, side="right")``), one aggregation.

    Missing scores are not counted. Bands of a reference and a current book give PSI
    through :func:`overdue_risk.metrics.psi_from_counts`.

    Parameters
    ----------
    df : pyspark.sql.DataFrame
        Holds ``score_col`` (e.g. the output of :func:`score_spark`).
    edges : sequence of float
        Strictly increasing band edges.
    score_col : str, default="score"

    Returns
    -------
    ndarray of shape (len(edges) + 1,)

    Examples
    --------
    >>> band_counts_spark(score_spark(spec, df), [550.0, 600.0])  # doctest: +SKIP
    array([ 812., 1904.,  784.])
    """
    from pyspark.sql import functions as F

    _check_columns(df, [score_col], "band_counts_spark")
    cuts = check_edges(edges)
    x = f"CAST({quote_identifier(score_col, 'spark')} AS DOUBLE)"
    whens = [f"WHEN {x} IS NULL OR isnan({x}) THEN -1"]
    whens += [f"WHEN {x} < {float_literal(e, 'spark')} THEN {i}" for i, e in enumerate(cuts)]
    band = F.expr("CASE " + " ".join(whens) + f" ELSE {len(cuts)} END")
    counts = np.zeros(len(cuts) + 1)
    for r in df.groupBy(band.alias("band")).count().collect():
        if r["band"] >= 0:
            counts[int(r["band"])] = float(r["count"])
    return counts


def _period_column(df: Any, time_col: str) -> Any:
    """Whole period numbers: months since 1970-01 for dates/timestamps, integers as they are."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DateType, IntegralType, TimestampNTZType, TimestampType

    dtype = df.schema[time_col].dataType
    col = _col(time_col)
    if isinstance(dtype, DateType | TimestampType | TimestampNTZType):
        return (F.year(col) - 1970) * 12 + F.month(col) - 1
    if isinstance(dtype, IntegralType):
        return col.cast("long")
    raise DataError(
        f"column {time_col!r} must hold dates or integer period numbers; got Spark type "
        f"{dtype.simpleString()}. Cast it first."
    )


def transition_counts_spark(
    df: Any,
    states: Sequence[str] | None = None,
    *,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
    step: int = 1,
    absorbing: Sequence[str] = ("CO", "PO"),
) -> tuple[npt.NDArray[np.float64], tuple[str, ...]]:
    """Loans per ``(from_state, to_state)`` over ``step`` periods, as a Spark join + count.

    Each loan-period row is paired with the same loan's row ``step`` periods later, as
    :func:`overdue_risk.transitions.cohort_matrix` pairs them: a loan that closed
    (its last row in an ``absorbing`` state) before ``t + step`` is paired with that last
    row while ``t + step`` is still inside the panel; other loans without a row ``step``
    periods later are censored.

    Parameters
    ----------
    df : pyspark.sql.DataFrame
        A loan-period panel (CONTRACTS.md section A): one row per loan and period.
    states : sequence of str, optional
        State order; default the DPD buckets M0..M6+, CO, PO when every label is one,
        else the sorted labels.
    id_col, time_col, state_col : str
    step : int, default=1
    absorbing : sequence of str, default=("CO", "PO")
        Closed states (no rows follow them).

    Returns
    -------
    counts : ndarray of shape (k, k)
        For :meth:`overdue_risk.transitions.TransitionMatrix.from_counts`.
    states : tuple of str

    Examples
    --------
    >>> counts, states = transition_counts_spark(panel_df)  # doctest: +SKIP
    """
    from pyspark.sql import functions as F

    _check_columns(df, [id_col, time_col, state_col], "transition_counts_spark")
    check_step(step)
    base = df.select(
        _col(id_col).alias("id"),
        _period_column(df, time_col).alias("t"),
        _col(state_col).cast("string").alias("s"),
    )
    later = base.select("id", (F.col("t") - int(step)).alias("t"), F.col("s").alias("s2"))
    exact = base.join(later, ["id", "t"]).select("s", "s2")
    closed = [str(a) for a in absorbing]
    last = base.groupBy("id").agg(F.max("t").alias("t_last"), F.max_by("s", "t").alias("s_last"))
    t_max = base.agg(F.max("t")).collect()[0][0]
    carried = (
        base.join(last, "id")
        .where(
            ~F.col("s").isin(closed)
            & F.col("s_last").isin(closed)
            & (F.col("t_last") < F.col("t") + int(step))
            & (F.col("t") + int(step) <= F.lit(t_max))
        )
        .select("s", F.col("s_last").alias("s2"))
    )
    rows = exact.unionByName(carried).groupBy("s", "s2").count().collect()
    return transition_table(((r["s"], r["s2"], r["count"]) for r in rows), states, state_col)
