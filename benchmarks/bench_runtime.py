"""The scoring runtime against optbinning's ``Scorecard.score`` and a read floor, same run.

    python benchmarks/bench_runtime.py           # 1,000,000 rows (a few minutes)
    python benchmarks/bench_runtime.py --quick   # 20,000 rows, 5 features (smoke test)

Cases (single-threaded NumPy kernels; ours best of 5 interleaved with the floors after
one warm-up call each, optbinning best of 2):

- ``numeric30``: 30 numeric features, 2% missing, 6-10 bins each. optbinning's
  ``BinningProcess`` + ``Scorecard`` are fitted on a subsample and OUR spec is built from
  the same splits and points, so both score the same card (agreement is checked). Timed:
  one ``np.nansum(X, axis=0)`` pass over the float64 matrix (the floor named by the issue;
  it copies the matrix to replace NaN) and one plain ``np.sum`` pass, ``spec.score`` on
  the DataFrame optbinning scores (the like-for-like speed-up),
  the 2-D matrix and on a dict of columns, ``spec.reason_codes(k=4)``, and
  ``optbinning.Scorecard.score`` on the DataFrame.
- ``numeric100``: a 100-feature card (same generator); ours against the floor.
- ``categorical10``: 10 string features (6-15 categories each); ours (on the DataFrame,
  and on a dict of NumPy object arrays) and optbinning's score, against a floor of one
  equality pass over every object column.
- ``single_row``: one applicant given as a dict (ours) or a one-row DataFrame (optbinning).
- ``reference30`` (honest floors, issue 19): a 30-feature card with a logistic calibration
  and a master scale, scored by the runtime and by a compiled one-pass C kernel with the
  runtime's exact semantics (``benchmarks/_reference.py``, built with gcc at benchmark
  time; its scores, grades and reason codes are checked identical to the runtime's, its
  PDs to a few ulp, before anything is timed). Timed in turns (one warm-up call each, then
  7 runs; min and median): one ``np.sum`` pass over every column (the read floor), score
  only from a dict of float64 columns, and score + PD + grade + 3 reason codes from a
  pandas DataFrame (input conversion inside the timed region for both kernels; ours as
  text, ``score_frame``, and as integer codes like the reference's, ``coded_frame``), and
  the same without reason codes, whose difference is the reason codes' share of the batch
  cost; and one record (a dict) with PD, grade and 3 reasons: p50 and min of 20,000
  single calls.

With ``--stream-gb G`` it also writes a CSV of about G GB (30 numeric features, one
categorical, an id) into a temporary directory, scores it with ``overdue-risk score``
under ``/usr/bin/time -v`` and reports the peak resident memory, then deletes the file.

Writes ``benchmarks/results/runtime.json``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from _common import bench_parser, best_of, write_json
from _reference import Reference, build
from overdue_risk.runtime import Spec, example_spec_dict, seal


def interleaved(fns: dict[str, Any], repeat: int) -> dict[str, float]:
    """Best time of each function, the functions taking turns (a shared machine's load
    then hits all of them alike, so their ratios stay meaningful); see :func:`turns`."""
    return {name: min(times) for name, times in turns(fns, repeat).items()}


def numeric_data(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Numeric features (2% missing), every one of them carrying some risk signal."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p))
    x[:, ::3] = np.exp(x[:, ::3])  # skewed amounts
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    logit = -2.0 + z @ (rng.choice([-1.0, 1.0], p) * rng.uniform(0.15, 0.35, p))
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    x[rng.random(x.shape) < 0.02] = np.nan
    return x, y


def categorical_data(n: int, p: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {}
    logit = np.full(n, -1.5)
    for j in range(p):
        k = int(rng.integers(6, 16))
        cats = np.array([f"c{j}_{i}" for i in range(k)], dtype=object)
        codes = rng.integers(0, k, n)
        logit += rng.normal(size=k)[codes] * 0.3
        cols[f"k{j:02d}"] = cats[codes]
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    return pd.DataFrame(cols), y


def fit_optbinning(frame: pd.DataFrame, y: np.ndarray, categorical: list[str]) -> Any:
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    bp = BinningProcess(
        list(frame.columns),
        categorical_variables=categorical or None,
        min_n_bins=6 if not categorical else None,
        max_n_bins=10,
    )
    card = Scorecard(
        bp,
        LogisticRegression(max_iter=1000),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        card.fit(frame, y)
    return card


def spec_from_optbinning(card: Any, names: list[str]) -> Spec:
    """Our spec with optbinning's splits and points (one card, two scorers)."""
    table = card.table("detailed")
    features = []
    for name in names:
        rows = table[table["Variable"] == name]
        pts = rows["Points"].to_numpy(dtype=float)
        labels = rows["Bin"].astype(str).tolist()
        regular = [i for i, lab in enumerate(labels) if lab not in ("Special", "Missing")]
        missing = float(pts[labels.index("Missing")])
        ob = card.binning_process_.get_binned_variable(name)
        feat: dict[str, Any] = {
            "name": name,
            "points": [float(pts[i]) for i in regular],
            "missing_points": missing,
        }
        if ob.dtype == "categorical":
            feat.update(
                kind="categorical",
                unseen_points=missing,
                unseen_policy="missing",
                categories=[[str(c) for c in group] for group in ob.splits],
            )
        else:
            feat.update(kind="numeric", splits=[float(s) for s in ob.splits])
        features.append(feat)
    raw = example_spec_dict()
    raw.update(features=features, intercept_points=0.0, calibration=None, master_scale=None)
    return Spec.from_dict(seal(raw))


def random_spec(x: np.ndarray, seed: int) -> Spec:
    rng = np.random.default_rng(seed)
    feats = []
    for j in range(x.shape[1]):
        k = int(rng.integers(5, 10))
        q = np.unique(np.nanquantile(x[:50_000, j], np.linspace(0, 1, k + 1)[1:-1]))
        feats.append(
            {
                "name": f"f{j:03d}",
                "kind": "numeric",
                "splits": q.tolist(),
                "points": rng.integers(0, 60, q.size + 1).tolist(),
                "missing_points": 5,
            }
        )
    raw = example_spec_dict()
    raw.update(features=feats, calibration=None, master_scale=None)
    return Spec.from_dict(seal(raw))


def case_numeric(n: int, p: int, n_fit: int, repeat: int, peer: bool) -> dict[str, Any]:
    x, y = numeric_data(n, p, seed=p)
    names = [f"f{j:03d}" for j in range(p)]
    frame = pd.DataFrame(x, columns=names)
    cols = {c: frame[c].to_numpy() for c in names}
    out: dict[str, Any] = {"name": f"numeric{p}", "n_rows": n, "n_features": p}
    if peer:
        card = fit_optbinning(frame.iloc[:n_fit], y[:n_fit], [])
        spec = spec_from_optbinning(card, names)
        check = min(n, 200_000)
        theirs = card.score(frame.iloc[:check])
        ours = spec.score(x[:check])
        out["max_abs_diff_vs_optbinning"] = float(np.max(np.abs(theirs - ours)))
        if not np.allclose(theirs, ours, rtol=0, atol=1e-8):
            raise SystemExit(f"optbinning and runtime disagree: {out}")
    else:
        spec = random_spec(x, seed=p)
    out["bins_per_feature"] = [len(f.splits) + 1 for f in spec.features]  # type: ignore[union-attr]
    spec.score(x[:100])
    times = interleaved(
        {
            "floor": lambda: np.nansum(x, axis=0),
            "sum": lambda: np.sum(x, axis=0),
            "matrix": lambda: spec.score(x),
            "cols": lambda: spec.score(cols),
            "frame": lambda: spec.score(frame),
        },
        repeat,
    )
    t_floor, t_matrix, t_cols = times["floor"], times["matrix"], times["cols"]
    t_frame = times["frame"]
    out.update(floor_sum_s=times["sum"], ratio_matrix_vs_sum=t_matrix / times["sum"])
    out.update(
        floor_nansum_s=t_floor,
        ours_matrix_s=t_matrix,
        ours_columns_s=t_cols,
        ours_frame_s=t_frame,
        ours_rows_per_s=n / t_matrix,
        ratio_matrix_vs_nansum=t_matrix / t_floor,
        ratio_columns_vs_nansum=t_cols / t_floor,
    )
    if peer:
        t_rc = best_of(lambda: spec.reason_codes(x, k=4), max(1, repeat - 1))
        t_peer = best_of(lambda: card.score(frame), 2)
        out.update(
            ours_reason_codes_s=t_rc,
            ratio_reason_codes_vs_nansum=t_rc / t_floor,
            optbinning_s=t_peer,
            optbinning_rows_per_s=n / t_peer,
            speedup_vs_optbinning=t_peer / t_frame,  # both score the same DataFrame
            speedup_matrix_vs_optbinning=t_peer / t_matrix,
            ratio_optbinning_vs_nansum=t_peer / t_floor,
        )
        out["single_row"] = single_row(spec, card, frame)
    return out


def single_row(spec: Spec, card: Any, frame: pd.DataFrame) -> dict[str, Any]:
    record = frame.iloc[7].to_dict()
    one = frame.iloc[[7]]
    assert abs(spec.score(record)[0] - card.score(one)[0]) < 1e-8
    reps = 20_000
    t0 = time.perf_counter()
    for _ in range(reps):
        spec.score(record)
    ours = (time.perf_counter() - t0) / reps
    t0 = time.perf_counter()
    for _ in range(20):
        card.score(one)
    theirs = (time.perf_counter() - t0) / 20
    return {
        "name": "single_row",
        "ours_us": ours * 1e6,
        "optbinning_us": theirs * 1e6,
        "speedup_vs_optbinning": theirs / ours,
    }


def case_categorical(n: int, p: int, n_fit: int, repeat: int) -> dict[str, Any]:
    frame, y = categorical_data(n, p, seed=3)
    names = list(frame.columns)
    card = fit_optbinning(frame.iloc[:n_fit], y[:n_fit], names)
    spec = spec_from_optbinning(card, names)
    cols = {c: frame[c].to_numpy(dtype=object) for c in names}
    check = min(n, 100_000)
    diff = float(np.max(np.abs(card.score(frame.iloc[:check]) - spec.score(frame.iloc[:check]))))
    if diff > 1e-8:
        raise SystemExit(f"categorical: optbinning and runtime disagree by {diff}")
    first = {c: v[0] for c, v in cols.items()}
    times = interleaved(
        {
            "floor": lambda: [np.equal(v, first[c]) for c, v in cols.items()],
            "frame": lambda: spec.score(frame),
            "objects": lambda: spec.score(cols),
        },
        repeat,
    )
    t_floor, t_ours, t_obj = times["floor"], times["frame"], times["objects"]
    t_peer = best_of(lambda: card.score(frame), 2)
    return {
        "name": f"categorical{p}",
        "n_rows": n,
        "n_features": p,
        "max_abs_diff_vs_optbinning": diff,
        "floor_equality_pass_s": t_floor,
        "ours_s": t_ours,
        "ours_object_arrays_s": t_obj,
        "ours_rows_per_s": n / t_ours,
        "optbinning_s": t_peer,
        "ratio_vs_equality_pass": t_ours / t_floor,
        "ratio_object_arrays_vs_equality_pass": t_obj / t_floor,
        "speedup_vs_optbinning": t_peer / t_ours,
        "speedup_object_arrays_vs_optbinning": t_peer / t_obj,
    }


def case_streaming(gigabytes: float, block_mb: int) -> dict[str, Any]:
    """Peak RSS of ``overdue-risk score`` on a generated CSV of ``gigabytes`` GB."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, spec_path = os.path.join(tmp, "book.csv"), os.path.join(tmp, "card.json")
        x, _ = numeric_data(20_000, 30, seed=1)
        spec = random_spec(x, seed=1)
        doc = spec.to_dict()
        example = example_spec_dict()  # its calibration and master scale, for --grade
        doc.update(calibration=example["calibration"], master_scale=example["master_scale"])
        doc["features"].append(
            {
                "name": "purpose",
                "kind": "categorical",
                "missing_points": 10,
                "categories": [["cash", "travel"], ["education"], ["medical", "rent"]],
                "points": [14, 30, 22],
                "unseen_points": 10,
            }
        )
        with open(spec_path, "w", encoding="utf-8") as fh:
            fh.write(Spec.from_dict(seal(doc)).to_json())
        cats = np.array(["cash", "travel", "education", "medical", "rent", "yacht"], dtype=object)
        rows, chunk = 0, 200_000
        with open(csv_path, "wb") as fh:
            while rows == 0 or fh.tell() < gigabytes * 1e9:
                block, _ = numeric_data(chunk, 30, seed=rows + 7)
                cols: dict[str, Any] = {"loan_id": np.arange(rows, rows + chunk)}
                cols.update({f"f{j:03d}": np.round(block[:, j], 4) for j in range(30)})
                cols["purpose"] = cats[rng.integers(0, 6, chunk)]
                options = pcsv.WriteOptions(include_header=rows == 0)
                pcsv.write_csv(pa.RecordBatch.from_pydict(cols), fh, write_options=options)
                rows += chunk
        size = os.path.getsize(csv_path)
        cmd = [
            "/usr/bin/time",
            "-v",
            sys.executable,
            "-m",
            "overdue_risk.cli",
            "score",
            spec_path,
            csv_path,
            "--out",
            os.path.join(tmp, "scored.parquet"),
            "--id-column",
            "loan_id",
            "--grade",
            "--reason-codes",
            "4",
            "--no-progress",
            "--block-mb",
            str(block_mb),
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"streaming run failed: {proc.stderr[-2000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    ok = f"rows read {rows:,}, rows written {rows:,}: OK" in proc.stderr
    return {
        "name": "streaming",
        "csv_bytes": size,
        "n_rows": rows,
        "block_mb": block_mb,
        "peak_rss_mb": int(rss.group(1)) / 1024 if rss else None,
        "row_count_ok": ok,
        "seconds": elapsed,
        "rows_per_s": rows / elapsed,
        "ratio_peak_rss_vs_file_size": (int(rss.group(1)) * 1024 / size) if rss else None,
    }


def turns(fns: dict[str, Any], repeat: int) -> dict[str, list[float]]:
    """Every wall time of each function (one warm-up call each first), taking turns."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def calibrated_spec(x: np.ndarray, seed: int) -> Spec:
    """A random numeric card with the example's calibration slope and master scale; its
    intercept puts the median applicant at a PD of about 8% (every grade is used)."""
    spec = random_spec(x, seed)
    doc = spec.to_dict()
    example = example_spec_dict()
    median = float(np.median(spec.score(x[:50_000])))
    slope = example["calibration"]["slope"]
    doc.update(
        calibration=dict(example["calibration"], intercept=-slope * median - 2.5),
        master_scale=example["master_scale"],
    )
    return Spec.from_dict(seal(doc))


def case_reference(n: int, p: int, repeat: int, k: int = 3) -> dict[str, Any]:
    """The runtime against the compiled reference kernel (see the module docstring)."""
    out: dict[str, Any] = {"name": f"reference{p}", "n_rows": n, "n_features": p}
    dll = build()
    if dll is None:
        return {**out, "status": "no C compiler (gcc) found: reference not built"}
    x, _ = numeric_data(n, p, seed=p)
    spec = calibrated_spec(x, seed=p)
    cols = {f"f{j:03d}": np.ascontiguousarray(x[:, j]) for j in range(p)}
    frame = pd.DataFrame(cols)
    ref = Reference(dll, spec)
    check = ref.check({c: v[:200_000] for c, v in cols.items()}, k)
    if not (check["score_bit_identical"] and check["grade_identical"]):
        raise SystemExit(f"reference kernel and runtime disagree: {check}")
    if not check["reasons_identical"] or check["pd_max_ulp_difference"] > 4:
        raise SystemExit(f"reference kernel and runtime disagree: {check}")
    times = turns(
        {
            "np.sum (read floor)": lambda: [np.sum(v) for v in cols.values()],
            "reference score (dict)": lambda: ref.score(cols),
            "runtime score (dict)": lambda: spec.score(cols),
            "reference full (pandas)": lambda: ref.full(frame, k),
            "runtime full (pandas)": lambda: spec.score_frame(
                frame, pd=True, grade=True, reason_codes=k
            ),
            "runtime full, int codes": lambda: spec.coded_frame(
                frame, pd=True, grade=True, reason_codes=k
            ),
            "runtime no reasons": lambda: spec.score_frame(frame, pd=True, grade=True),
        },
        repeat,
    )
    stats = {name: (min(ts), float(np.median(ts))) for name, ts in times.items()}
    out.update(check=check, repeat=repeat, warm_up=1)
    out["seconds"] = {name: {"min": a, "median": b} for name, (a, b) in stats.items()}
    for what, ours, theirs in (
        ("score", "runtime score (dict)", "reference score (dict)"),
        ("full", "runtime full (pandas)", "reference full (pandas)"),
    ):
        out[f"ratio_{what}_vs_reference_min"] = stats[ours][0] / stats[theirs][0]
        out[f"ratio_{what}_vs_reference_median"] = stats[ours][1] / stats[theirs][1]
    # the reason codes' share of the batch cost: (full - full without reasons) / full
    for what, full in (("text", "runtime full (pandas)"), ("codes", "runtime full, int codes")):
        for i, stat in enumerate(("min", "median")):
            share = 1.0 - stats["runtime no reasons"][i] / stats[full][i]
            out[f"reason_share_{what}_{stat}"] = share
    out["ratio_full_codes_vs_reference_min"] = (
        stats["runtime full, int codes"][0] / stats["reference full (pandas)"][0]
    )
    floor = stats["np.sum (read floor)"]
    out["ratio_score_vs_sum_min"] = stats["runtime score (dict)"][0] / floor[0]
    out["ratio_reference_score_vs_sum_min"] = stats["reference score (dict)"][0] / floor[0]
    record = {c: float(v[7]) for c, v in cols.items()}
    one = spec.score_frame(record, pd=True, grade=True, reason_codes=k)
    if one["score"][0] != spec.score(x[7:8])[0]:
        raise SystemExit("one record scores differently from its row")
    laps = np.empty(20_000)
    for i in range(laps.size):
        t0 = time.perf_counter()
        spec.score_frame(record, pd=True, grade=True, reason_codes=k)
        laps[i] = time.perf_counter() - t0
    out["one_record_full_us"] = {
        "p50": float(np.median(laps)) * 1e6,
        "min": float(laps.min()) * 1e6,
        "p99": float(np.quantile(laps, 0.99)) * 1e6,
    }
    return out


def print_reference(r: dict[str, Any]) -> None:
    """The reference case as a small table."""
    if "status" in r:
        print(f"{r['name']}: {r['status']}")
        return
    print(
        f"{r['name']}: {r['n_rows']:,} rows x {r['n_features']} features, {r['warm_up']} "
        f"warm-up + {r['repeat']} runs each in turns; check {r['check']}"
    )
    print(f"{'':<26}{'min s':>9}{'median s':>10}")
    for name, t in r["seconds"].items():
        print(f"{name:<26}{t['min']:>9.4f}{t['median']:>10.4f}")
    for what in ("score", "full"):
        print(
            f"runtime / reference, {what}: {r[f'ratio_{what}_vs_reference_min']:.2f}x (min), "
            f"{r[f'ratio_{what}_vs_reference_median']:.2f}x (median)"
        )
    print(
        f"reason codes' share of the full batch cost: {r['reason_share_text_min']:.0%} (text, "
        f"min) {r['reason_share_text_median']:.0%} (median); integer codes "
        f"{r['reason_share_codes_min']:.0%} / {r['reason_share_codes_median']:.0%}"
    )
    rec = r["one_record_full_us"]
    print(
        f"one record, score + PD + grade + 3 reasons: p50 {rec['p50']:.1f} us, "
        f"min {rec['min']:.1f} us, p99 {rec['p99']:.1f} us"
    )


def main() -> None:
    parser = bench_parser(__doc__, "runtime")
    parser.add_argument(
        "--stream-gb",
        type=float,
        default=0.0,
        help="also measure overdue-risk score's peak memory on a CSV this big",
    )
    parser.add_argument("--block-mb", type=int, default=4, help="--block-mb of that run")
    args = parser.parse_args()
    if args.quick:
        n, p_main, p_big, p_cat, n_fit, repeat = 20_000, 5, 10, 3, 20_000, 2
    else:
        n, p_main, p_big, p_cat, n_fit, repeat = 1_000_000, 30, 100, 10, 50_000, 5
    results = [
        case_numeric(n, p_main, n_fit, repeat, peer=True),
        case_numeric(n, p_big, n_fit, repeat, peer=False),
        case_categorical(n, p_cat, n_fit, repeat),
    ]
    results.append(results[0].pop("single_row"))
    results.append(case_reference(n, p_main, 7))
    if args.stream_gb > 0:
        results.append(case_streaming(args.stream_gb, args.block_mb))
    print("x floor: our time / one np.nansum pass (numeric) or one equality pass (categorical)")
    print(f"{'case':<16}{'rows/s':>14}{'x floor':>10}{'x faster than optbinning':>27}")
    for r in results:
        if r["name"].startswith("reference"):
            continue
        if r["name"] == "streaming":
            print(
                f"streaming: {r['csv_bytes'] / 1e9:.2f} GB CSV, {r['n_rows']:,} rows, "
                f"--block-mb {r['block_mb']}: peak RSS {r['peak_rss_mb']:.0f} MB, "
                f"row count {'OK' if r['row_count_ok'] else 'MISMATCH'}, "
                f"{r['rows_per_s']:,.0f} rows/s"
            )
            continue
        if r["name"] == "single_row":
            print(
                f"{'single_row':<16}{r['ours_us']:>11.1f} us{'':>10}"
                f"{r['speedup_vs_optbinning']:>27.0f}  (optbinning {r['optbinning_us']:.0f} us)"
            )
            continue
        floor = r.get("ratio_matrix_vs_nansum", r.get("ratio_vs_equality_pass"))
        speed = r.get("speedup_matrix_vs_optbinning", r.get("speedup_vs_optbinning"))
        print(
            f"{r['name']:<16}{r['ours_rows_per_s']:>14,.0f}{floor:>10.2f}"
            f"{'' if speed is None else f'{speed:.1f}':>27}"
        )
        if "ratio_columns_vs_nansum" in r:
            print(f"{'  (columns)':<16}{'':>14}{r['ratio_columns_vs_nansum']:>10.2f}")
            print(f"{'  (vs np.sum)':<16}{'':>14}{r['ratio_matrix_vs_sum']:>10.2f}")
        if "speedup_matrix_vs_optbinning" in r:
            print(
                f"{'  (DataFrame)':<16}{'':>14}{r['ours_frame_s'] / r['floor_nansum_s']:>10.2f}"
                f"{r['speedup_vs_optbinning']:>27.1f}"
            )
        if "ratio_object_arrays_vs_equality_pass" in r:
            print(
                f"{'  (object arrays)':<16}{'':>14}"
                f"{r['ratio_object_arrays_vs_equality_pass']:>10.2f}"
                f"{r['speedup_object_arrays_vs_optbinning']:>27.1f}"
            )
        if "ratio_reason_codes_vs_nansum" in r:
            print(f"{'  (+reasons k=4)':<16}{'':>14}{r['ratio_reason_codes_vs_nansum']:>10.2f}")
    for r in results:
        if r["name"].startswith("reference"):
            print_reference(r)
    payload = {"benchmark": "runtime", "quick": args.quick, "results": results}
    write_json(args.out, payload)


if __name__ == "__main__":
    main()
