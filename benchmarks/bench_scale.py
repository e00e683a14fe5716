"""Scoring at scale: Spark, Dask and DuckDB SQL against the in-process kernel, same run.

    python benchmarks/bench_scale.py                 # 1,000,000 rows
    python benchmarks/bench_scale.py --quick         # 20,000 rows (smoke test)
    python benchmarks/bench_scale.py --engines kernel,duckdb,dask   # skip Spark

The card: 12 numeric features (7-9 bins, a special code, 2% missing) and 3 categorical
features (8 categories, unseen values), a logistic calibration and a 5-grade master scale
(seeded). Every engine scores the SAME rows with the SAME number of cores (``--cores``,
default 2) and its output is checked against the kernel before timing. Best of
``repeat`` runs, the data already in the engine's memory (Spark: a cached DataFrame
written to the ``noop`` sink; Dask: a pandas-backed DataFrame with the threads
scheduler; DuckDB: a table, ``SET threads``):

- ``kernel``: ``Spec.score`` + ``pd`` + ``grade`` in this process on one thread, and on
  ``cores`` threads over ``cores`` chunks (the fair baseline for the engines);
- ``spark_arrow``: :func:`score_spark` (the kernel on Arrow batches via ``mapInArrow``);
- ``spark_sql``: :func:`score_spark_sql` (the generated Spark SQL, no Python workers);
- ``dask``: :func:`score_dask` (``map_partitions``);
- ``duckdb_sql``: the generated DuckDB query into a new table.

Ratios: ``throughput_ratio_vs_kernel`` = engine rows/s / kernel rows/s on ``cores``
threads (1 = as fast as the in-process kernel). The kernel row reads a dict of NumPy
arrays (object arrays for the categorical features), not the engines' input form. Dask
is therefore also timed against the kernel on the SAME partitions it holds (pandas
frames, text as Dask converts it): ``dask_per_core_vs_kernel_1_thread`` = (Dask rows/s
/ cores) / (kernel rows/s on one thread), with the ``threads`` scheduler and ``cores``
workers (1.0 = the kernel's speed on every core), plus Dask on one worker and the
kernel on ``cores`` threads (min and median of ``repeat`` runs). ``np.sort`` of one column
per partition on 1 and on ``cores`` threads, in the same interleaved runs, shows how many
cores the machine actually gave (a GIL-free pass: its speed-up is the ceiling).
Overhead per partition: the same rows scored with few and with many partitions,
``(t_many - t_few) / (p_many - p_few)``, and
``overhead_ratio_vs_kernel_row`` = that overhead / the kernel's time per row (how many
rows of scoring one partition costs). Writes ``benchmarks/results/scale.json``.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from _common import bench_parser, best_of, write_json
from overdue_risk.runtime import Spec, seal

ENGINES = ("kernel", "duckdb", "dask", "spark")


def make_spec(seed: int = 0) -> Spec:
    """A 15-feature card with specials, missing and unseen handling, PD and grades."""
    rng = np.random.default_rng(seed)
    features: list[dict[str, Any]] = []
    for j in range(12):
        splits = np.sort(rng.choice(np.arange(1, 100), size=int(rng.integers(6, 9)), replace=False))
        pts = np.round(rng.uniform(0, 40, splits.size + 1), 2).tolist()
        features.append(
            {
                "name": f"x{j:02d}",
                "kind": "numeric",
                "reason_code": f"X{j:02d}",
                "splits": [float(s) + 0.5 for s in splits],
                "points": pts,
                "missing_points": 5.0,
                "special_codes": [-1.0],
                "special_points": [3.0],
                "max_points": max(pts),
            }
        )
    for j in range(3):
        cats = [[f"c{j}_{i}"] for i in range(8)]
        pts = np.round(rng.uniform(0, 30, 8), 2).tolist()
        features.append(
            {
                "name": f"cat{j}",
                "kind": "categorical",
                "reason_code": f"C{j}",
                "categories": cats,
                "points": pts,
                "missing_points": 4.0,
                "unseen_points": 0.0,
                "unseen_policy": "worst",
                "special_codes": [],
                "special_points": [],
                "max_points": max(pts),
            }
        )
    doc = {
        "format": "overdue_risk.scorecard",
        "schema_version": 1,
        "library_version": "0.1.0",
        "created_utc": "2026-11-28T16:00:00Z",
        "name": "bench_card",
        "target": {"name": "bad", "definition": "synthetic"},
        "scaling": {"pdo": 20.0, "base_score": 600.0, "base_odds": 50.0},
        "intercept_points": 0.0,
        "features": features,
        "calibration": {"method": "logistic", "intercept": 6.0, "slope": -0.02},
        "master_scale": {
            "grades": ["A", "B", "C", "D", "E"],
            "upper_pd": [0.02, 0.05, 0.1, 0.2, 1.0],
            "pd": [0.01, 0.035, 0.075, 0.15, 0.4],
        },
        "overrides": [],
        "metadata": {},
    }
    return Spec.from_dict(seal(doc))


def make_data(spec: Spec, n: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {"row_id": np.arange(n, dtype=np.int64)}
    for f in spec.features:
        if f.kind == "numeric":
            x = rng.uniform(0, 101, n)
            x[rng.random(n) < 0.02] = np.nan
            x[rng.random(n) < 0.01] = -1.0
            cols[f.name] = x
        else:
            values = [c for g in f.categories for c in g]
            pool = np.array([*values, "unseen", None], dtype=object)
            cols[f.name] = pool[rng.integers(0, pool.size, n)]
    return cols


def arrow_table(data: dict[str, np.ndarray]) -> Any:
    """``data`` as a pyarrow Table: NaN -> null, object columns -> strings."""
    import pyarrow as pa

    return pa.table(
        {
            k: (
                pa.array(v, mask=np.isnan(v))
                if v.dtype.kind == "f"
                else pa.array(list(v), type=pa.string())
                if v.dtype == object
                else v
            )
            for k, v in data.items()
        }
    )


def kernel_all(spec: Spec, data: dict[str, np.ndarray]) -> Any:
    score = spec.score(data)
    pd_ = spec.pd_from_points(score)
    return score, pd_, spec.grade_from_pd(pd_)


def bench_kernel(
    spec: Spec, data: dict[str, np.ndarray], cores: int, repeat: int
) -> dict[str, Any]:
    feats = {f: data[f] for f in spec.feature_names}
    n = len(data["row_id"])
    t1 = best_of(lambda: kernel_all(spec, feats), repeat)
    bounds = np.linspace(0, n, cores + 1).astype(int)
    chunks = [{k: v[a:b] for k, v in feats.items()} for a, b in itertools.pairwise(bounds)]
    with ThreadPoolExecutor(cores) as pool:
        tc = best_of(lambda: list(pool.map(lambda c: kernel_all(spec, c), chunks)), repeat)
    floor = best_of(lambda: [np.sum(v) for v in feats.values() if v.dtype.kind == "f"], repeat)
    return {
        "name": "kernel",
        "rows": n,
        "seconds_1_thread": t1,
        "seconds": tc,
        "rows_per_s": n / tc,
        "rows_per_s_1_thread": n / t1,
        "threads_speedup": t1 / tc,
        "floor_ratio_1_thread": t1 / floor,
    }


def _check(name: str, got: np.ndarray, want: np.ndarray) -> None:
    diff = float(np.max(np.abs(np.asarray(got, dtype=float) - want))) if want.size else 0.0
    if not diff <= 1e-9:
        raise SystemExit(f"{name}: scores differ from the kernel by {diff}")


def bench_duckdb(
    spec: Spec, data: dict[str, np.ndarray], cores: int, repeat: int, want: np.ndarray
) -> dict[str, Any]:
    import duckdb

    from overdue_risk.export import to_sql

    con = duckdb.connect()
    con.execute(f"SET threads = {cores}")
    arrow = arrow_table(data)
    con.register("arrow_book", arrow)
    con.execute("CREATE TABLE book AS SELECT * FROM arrow_book")
    query = to_sql(spec, table="book", dialect="duckdb", keep=["row_id"])
    got = con.execute(f"SELECT score FROM ({query}) ORDER BY row_id").fetchnumpy()["score"]
    _check("duckdb", got, want)
    n = len(want)
    t = best_of(lambda: con.execute(f"CREATE OR REPLACE TABLE scored AS {query}"), repeat)
    floor = best_of(
        lambda: con.execute("CREATE OR REPLACE TABLE copied AS SELECT * FROM book"), repeat
    )
    return {
        "name": "duckdb_sql",
        "rows": n,
        "seconds": t,
        "rows_per_s": n / t,
        "copy_floor_ratio": t / floor,
    }


def _interleaved(variants: dict[str, Any], repeat: int) -> dict[str, tuple[float, float]]:
    """Min and median seconds of each variant, run in turn ``repeat`` times.

    Interleaving puts every variant under the same (shared, drifting) machine load.
    """
    times: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(max(repeat, 1)):
        for k, fn in variants.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return {k: (min(v), float(np.median(v))) for k, v in times.items()}


def bench_dask(
    spec: Spec,
    data: dict[str, np.ndarray],
    cores: int,
    repeat: int,
    want: np.ndarray,
    parts: tuple[int, int],
) -> dict[str, Any]:
    """``score_dask`` against the kernel on the SAME partitions Dask holds.

    Dask's partitions (pandas frames; text columns as dask's ``from_pandas`` converts
    them) are materialised once; the kernel scores them in this process on one thread
    (``kernel_1_thread``) and on ``cores`` threads, and Dask scores them with the
    ``threads`` scheduler and ``cores`` workers, and with one worker. Everything computes
    score, PD and grade; Dask also assembles its output frame (the price of its API).
    ``dask_per_core_vs_kernel_1_thread`` = (Dask rows/s / cores) / (kernel rows/s on one
    thread): 1.0 is the kernel's speed on every core.
    """
    import dask
    import dask.dataframe as dd
    import pandas as pd

    from overdue_risk.distributed import score_dask

    frame = pd.DataFrame(data)
    n = len(frame)
    out: dict[str, Any] = {"name": "dask", "rows": n}
    feats = list(spec.feature_names)
    times = {}
    with dask.config.set(scheduler="threads", num_workers=cores):
        for p in parts:
            ddf = dd.from_pandas(frame, npartitions=p).persist()
            scored = score_dask(spec, ddf)
            if p == parts[0]:
                got = scored.compute().sort_values("row_id")["score"].to_numpy()
                _check("dask", got, want)
                held = [ddf.partitions[i].compute() for i in range(p)]
                few = scored
            times[p] = best_of(lambda s=scored: s["score"].sum().compute(), repeat)

    def dask_run(scheduler: str, workers: int) -> None:
        with dask.config.set(scheduler=scheduler, num_workers=workers):
            few["score"].sum().compute()

    sorts = [h[feats[0]].to_numpy(dtype=np.float64) for h in held]
    with ThreadPoolExecutor(cores) as pool:
        t = _interleaved(
            {
                "kernel_1_thread": lambda: [kernel_all(spec, h[feats]) for h in held],
                "kernel_threads": lambda: list(
                    pool.map(lambda h: kernel_all(spec, h[feats]), held)
                ),
                "dask_1_worker": lambda: dask_run("sync", 1),
                "dask_threads": lambda: dask_run("threads", cores),
                # a GIL-free NumPy pass: does this machine give us `cores` cores right now?
                "sort_1_thread": lambda: [np.sort(a) for a in sorts],
                "sort_threads": lambda: list(pool.map(np.sort, sorts)),
            },
            max(repeat, 5),
        )
    k1, kc, d1, dc = (
        t[k][0] for k in ("kernel_1_thread", "kernel_threads", "dask_1_worker", "dask_threads")
    )
    out.update(_partition_fields(times, parts, n))
    out.update(
        {
            "same_partitions_seconds_min_median": t,
            "dask_rows_per_s": n / dc,
            "kernel_same_partitions_1_thread_rows_per_s": n / k1,
            "kernel_same_partitions_rows_per_s": n / kc,
            "dask_per_core_vs_kernel_1_thread": k1 / (dc * cores),
            "dask_1_worker_vs_kernel_1_thread": k1 / d1,
            "dask_threads_speedup": d1 / dc,
            "throughput_ratio_vs_kernel_same_partitions": kc / dc,
            "kernel_threads_speedup": k1 / kc,
            "numpy_sort_threads_speedup": t["sort_1_thread"][0] / t["sort_threads"][0],
        }
    )
    return out


def _partition_fields(times: dict[int, float], parts: tuple[int, int], n: int) -> dict[str, Any]:
    few, many = parts
    return {
        "partitions": few,
        "seconds": times[few],
        "rows_per_s": n / times[few],
        "partitions_many": many,
        "seconds_many": times[many],
        "overhead_per_partition_ms": 1e3 * max(times[many] - times[few], 0.0) / (many - few),
    }


def bench_spark(
    spec: Spec,
    data: dict[str, np.ndarray],
    cores: int,
    repeat: int,
    want: np.ndarray,
    parts: tuple[int, int],
) -> list[dict[str, Any]]:
    import warnings

    from pyspark.sql import SparkSession

    from overdue_risk.distributed import score_spark, score_spark_sql

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("bench_scale")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    arrow = arrow_table(data)
    base = spark.createDataFrame(arrow)
    n = len(want)
    rows = []
    try:
        for name, scorer in (
            ("spark_arrow", lambda df: score_spark(spec, df)),
            ("spark_sql", lambda df: score_spark_sql(spec, df)),
        ):
            times = {}
            for p in parts:
                df = base.repartition(p).cache()
                df.count()
                scored = scorer(df)
                if p == parts[0]:
                    got = scored.select("row_id", "score").toArrow().sort_by("row_id")
                    _check(name, got.column("score").to_numpy(), want)
                times[p] = best_of(
                    lambda s=scored: s.write.format("noop").mode("overwrite").save(), repeat
                )
                df.unpersist()
            rows.append({"name": name, "rows": n, **_partition_fields(times, parts, n)})
    finally:
        spark.stop()
    return rows


def _print_same_partitions(r: dict[str, Any], cores: int) -> None:
    t = r["same_partitions_seconds_min_median"]
    print(f"Dask and the kernel on the same {r['partitions']} partitions (seconds, min / median):")
    for key, label in (
        ("kernel_1_thread", "kernel, 1 thread"),
        ("kernel_threads", f"kernel, {cores} threads"),
        ("dask_1_worker", "score_dask, 1 worker"),
        ("dask_threads", f"score_dask, threads x {cores}"),
    ):
        print(f"  {label:<26}{t[key][0]:>8.3f} / {t[key][1]:.3f}")
    print(
        f"  Dask per core vs the kernel on one thread: {r['dask_per_core_vs_kernel_1_thread']:.2f}"
        f"  (Dask 1 worker vs kernel 1 thread {r['dask_1_worker_vs_kernel_1_thread']:.2f}; "
        f"threads speed-up {r['dask_threads_speedup']:.2f}; vs the kernel on {cores} threads "
        f"{r['throughput_ratio_vs_kernel_same_partitions']:.2f})"
    )
    print(
        f"  speed-up of {cores} threads over 1: kernel {r['kernel_threads_speedup']:.2f}, "
        f"Dask {r['dask_threads_speedup']:.2f}, np.sort (GIL-free, the machine's own limit) "
        f"{r['numpy_sort_threads_speedup']:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = bench_parser(__doc__, "scale", quick_help="20,000 rows (smoke test)")
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--engines", default=",".join(ENGINES))
    args = ap.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        ap.error(f"unknown engines {unknown}; choose from {list(ENGINES)}")
    n = args.rows or (20_000 if args.quick else 1_000_000)
    repeat = 2 if args.quick else 3
    parts = (args.cores, 8 * args.cores) if args.quick else (args.cores, 32 * args.cores)

    spec = make_spec()
    data = make_data(spec, n)
    want = spec.score({f: data[f] for f in spec.feature_names})
    results = [bench_kernel(spec, data, args.cores, repeat)]
    kernel = results[0]
    if "duckdb" in engines:
        results.append(bench_duckdb(spec, data, args.cores, repeat, want))
    if "dask" in engines:
        results.append(bench_dask(spec, data, args.cores, repeat, want, parts))
    if "spark" in engines:
        results.extend(bench_spark(spec, data, args.cores, repeat, want, parts))
    per_row = kernel["seconds"] / n
    for r in results[1:]:
        r["throughput_ratio_vs_kernel"] = r["rows_per_s"] / kernel["rows_per_s"]
        if "overhead_per_partition_ms" in r:
            r["overhead_ratio_vs_kernel_row"] = r["overhead_per_partition_ms"] / 1e3 / per_row

    print(
        f"Scoring {n:,} rows, 15 features, score+PD+grade, {args.cores} cores "
        f"(Python {sys.version.split()[0]}, {os.cpu_count()} CPUs visible)"
    )
    head = f"{'engine':<13}{'rows/s':>14}{'vs kernel':>11}{'ms/partition':>14}{'= rows':>10}"
    print(head)
    print("-" * len(head))
    print(
        f"{'kernel 1 thr':<13}{kernel['rows_per_s_1_thread']:>14,.0f}"
        f"{kernel['rows_per_s_1_thread'] / kernel['rows_per_s']:>10.2f}x"
    )
    print(f"{'kernel':<13}{kernel['rows_per_s']:>14,.0f}{1.0:>10.2f}x")
    for r in results[1:]:
        over = r.get("overhead_per_partition_ms")
        extra = (
            f"{over:>14.2f}{r['overhead_ratio_vs_kernel_row']:>10,.0f}" if over is not None else ""
        )
        print(
            f"{r['name']:<13}{r['rows_per_s']:>14,.0f}"
            f"{r['throughput_ratio_vs_kernel']:>10.2f}x{extra}"
        )
    for r in results[1:]:
        if "dask_per_core_vs_kernel_1_thread" in r:
            _print_same_partitions(r, args.cores)
    payload = {
        "benchmark": "scale",
        "rows": n,
        "cores": args.cores,
        "quick": args.quick,
        "results": results,
    }
    write_json(args.out, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
