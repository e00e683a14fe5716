"""Development run on Spark: fit_scorecard_spark against Scorecard.fit on the same rows.

    python benchmarks/bench_spark_fit.py              # 2,000,000 rows
    python benchmarks/bench_spark_fit.py --quick      # 20,000 rows (smoke test)
    python benchmarks/bench_spark_fit.py --rows 20000000 --skip-memory-fit
    python benchmarks/bench_spark_fit.py --dask       # also fit_scorecard_dask on the files

The rows (8 numeric features with 3% missing, 2 categorical, a 0/1 target, seeded) are
written to Parquet in 250,000-row chunks, so the driver never holds them. Spark
(``local[cores]``, ``spark.driver.memory`` = ``--driver-memory``) reads the folder and
fits with :func:`overdue_risk.distributed.fit_scorecard_spark`; both fits get the SAME
explicit pre-bin edges (``splits=`` for Spark, ``user_splits=`` for the in-memory
binner), so the card must be the same: ``max_abs_points_diff`` over every bin of every
feature (criterion: <= 1e-6). Then ``Scorecard.fit`` runs in this process on the same
rows read back with pandas. Reported: both wall times, Newton iterations, the driver
Python process's peak RSS after the Spark fit (before any rows are read into it) and at
the end, the JVM heap cap and the driver JVM's peak RSS (sampled each second from
``/proc``). With ``--dask``, :func:`overdue_risk.distributed.fit_scorecard_dask` also
fits on the same Parquet files (threads scheduler, ``--cores`` workers; time, largest
points difference to the Spark card). Writes ``benchmarks/results/spark_fit.json``.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from _common import bench_parser, write_json

NUMERIC = [f"x{j}" for j in range(8)]
CATEGORICAL = ["region", "channel"]
CHUNK = 250_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _descendants(pid: int) -> list[int]:
    """Child processes of ``pid``, recursively (Linux ``/proc``; empty elsewhere)."""
    out: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids = [int(k) for k in children.read_text().split()]
        except OSError:
            continue
        for k in kids:
            out += [k, *_descendants(k)]
    return out


class JvmPeakRss:
    """Samples the resident memory of this process's ``java`` children once a second.

    The driver JVM of a local Spark session is a child process; ``ru_maxrss`` of this
    process does not include it. ``peak_mb`` is the largest sampled sum (0 off Linux).
    """

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> JvmPeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            kb = 0
            for pid in _descendants(os.getpid()):
                try:
                    if Path(f"/proc/{pid}/comm").read_text().strip() != "java":
                        continue
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                kb += next(
                    (int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS")), 0
                )
            self.peak_mb = max(self.peak_mb, kb / 1024.0)


def write_rows(folder: Path, n: int, seed: int = 0) -> None:
    """Write ``n`` seeded rows as Parquet chunks into ``folder``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    beta = np.linspace(0.15, 0.6, len(NUMERIC))
    regions = np.array(["north", "south", "east", "west", "centre"])
    channels = np.array(["app", "web", "agent"])
    seqs = np.random.SeedSequence(seed).spawn((n + CHUNK - 1) // CHUNK)
    for i, ss in enumerate(seqs):
        m = min(CHUNK, n - i * CHUNK)
        rng = np.random.default_rng(ss)
        X = rng.normal(size=(m, len(NUMERIC)))
        reg = rng.integers(0, regions.size, m)
        ch = rng.integers(0, channels.size, m)
        eta = -2.0 + X @ beta + 0.3 * (reg == 1) - 0.4 * (ch == 2)
        y = (rng.uniform(size=m) < 1.0 / (1.0 + np.exp(-eta))).astype(np.int64)
        X[rng.uniform(size=X.shape) < 0.03] = np.nan
        cols: dict[str, Any] = {c: X[:, j] for j, c in enumerate(NUMERIC)}
        cols["region"] = regions[reg]
        cols["channel"] = channels[ch]
        cols["bad"] = y
        pq.write_table(pa.table(cols), folder / f"part-{i:05d}.parquet")


def edges() -> dict[str, list[float]]:
    """The explicit pre-bin edges both fits use: 19 standard-normal quantiles."""
    from scipy.stats import norm

    q = [float(v) for v in norm.ppf(np.linspace(0.05, 0.95, 19))]
    return dict.fromkeys(NUMERIC, q)


def template(splits: dict[str, list[float]]) -> Any:
    from overdue_risk.binning import WOEBinner
    from overdue_risk.scorecard import Scorecard

    return Scorecard(binner=WOEBinner(user_splits=splits), rounding=False)


def _dask_fit(
    folder: Path, features: list[str], splits: dict[str, list[float]], cores: int, spark_card: Any
) -> dict[str, Any]:
    """fit_scorecard_dask on the same Parquet folder (threads scheduler, ``cores`` workers).

    The threads scheduler runs in this process, so the peak RSS after it includes the WOE
    design the fit keeps in memory (the rows themselves are read partition by partition).
    """
    import dask
    import dask.dataframe as dd

    from overdue_risk.distributed import fit_scorecard_dask

    ddf = dd.read_parquet(str(folder))
    with dask.config.set(scheduler="threads", num_workers=cores):
        t0 = time.perf_counter()
        card = fit_scorecard_dask(ddf, "bad", features, scorecard=template(splits), splits=splits)
        t_dask = time.perf_counter() - t0
    diff = max(
        float(np.max(np.abs(a.points - b.points)))
        for a, b in zip(card.card_, spark_card.card_, strict=True)
    )
    return {
        "dask_fit_s": round(t_dask, 2),
        "dask_partitions": int(ddf.npartitions),
        "dask_newton_iterations": int(card.n_iter_),
        "dask_vs_spark_max_abs_points_diff": diff,
        "driver_python_peak_rss_mb_after_dask_fit": round(_peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = bench_parser(__doc__, "spark_fit", "20,000 rows (smoke test)")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--driver-memory", default="1g")
    parser.add_argument("--skip-memory-fit", action="store_true")
    parser.add_argument(
        "--dask", action="store_true", help="also fit with fit_scorecard_dask (threads x cores)"
    )
    args = parser.parse_args(argv)
    n = args.rows or (20_000 if args.quick else 2_000_000)
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from overdue_risk.distributed import fit_scorecard_spark

    splits = edges()
    features = [*NUMERIC, *CATEGORICAL]
    with tempfile.TemporaryDirectory(prefix="bench_spark_fit_") as tmp:
        folder = Path(tmp) / "rows"
        t0 = time.perf_counter()
        write_rows(folder, n)
        t_write = time.perf_counter() - t0
        spark = (
            SparkSession.builder.master(f"local[{args.cores}]")
            .appName("bench_spark_fit")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(args.cores))
            .config("spark.driver.memory", args.driver_memory)
            .config("spark.pyspark.python", sys.executable)
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        try:
            sdf = spark.read.parquet(str(folder))
            with JvmPeakRss() as jvm:
                t0 = time.perf_counter()
                card = fit_scorecard_spark(
                    sdf, "bad", features, scorecard=template(splits), splits=splits
                )
                t_spark = time.perf_counter() - t0
        finally:
            spark.stop()
        rss_after_spark = _peak_rss_mb()
        result: dict[str, Any] = {
            "rows": n,
            "features": len(features),
            "cores": args.cores,
            "spark_driver_memory": args.driver_memory,
            "write_parquet_s": round(t_write, 2),
            "spark_fit_s": round(t_spark, 2),
            "spark_newton_iterations": int(card.n_iter_),
            "driver_python_peak_rss_mb_after_spark_fit": round(rss_after_spark, 1),
            "driver_jvm_peak_rss_mb_during_spark_fit": round(jvm.peak_mb, 1),
            "card_features": list(card.features_),
        }
        if args.dask:
            result.update(_dask_fit(folder, features, splits, args.cores, card))
        if not args.skip_memory_fit:
            import pandas as pd

            frame = pd.read_parquet(folder)
            t0 = time.perf_counter()
            mem = template(splits).fit(frame[features], frame["bad"])
            t_mem = time.perf_counter() - t0
            diff = max(
                float(np.max(np.abs(a.points - b.points)))
                for a, b in zip(card.card_, mem.card_, strict=True)
            )
            same = card.features_ == mem.features_
            result.update(
                {
                    "memory_fit_s": round(t_mem, 2),
                    "memory_newton_iterations": int(mem.n_iter_),
                    "same_features": bool(same),
                    "max_abs_points_diff": diff,
                    "max_abs_coef_diff": float(np.max(np.abs(card.coef_ - mem.coef_))),
                    "points_equal_1e-6": bool(same and diff <= 1e-6),
                    "spark_over_memory_time": round(t_spark / t_mem, 2),
                    "driver_python_peak_rss_mb_end": round(_peak_rss_mb(), 1),
                }
            )
    for k, v in result.items():
        print(f"{k:45s} {v}")
    write_json(args.out, result)
    return result


if __name__ == "__main__":
    main()
