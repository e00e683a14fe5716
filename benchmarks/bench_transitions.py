"""Speed of the panel views: cohort matrix, roll rates, vintage curves (against one bincount).

    python benchmarks/bench_transitions.py          # 10 million loan-month rows
    python benchmarks/bench_transitions.py --quick  # 100 thousand rows (smoke test)

The library's own panel: ``make_microloan_portfolio(1_520_000).performance`` (about 10
million loan-month rows; ``--quick``: 20,000 loans) exactly as the generator returns it
(``bucket`` an ordered categorical of the bucket states, ``month`` datetime64, sorted by
loan and month). Timed, taking turns so that a shared machine's load hits all alike
(floors 9 times, views 7 times; min and median printed, each ratio min to min and median
to median; no warm-up run is dropped, the min is the warm figure): one ``np.sum`` pass
over the panel's int64 state codes (the read floor), one ``np.bincount`` of them (the
counting floor), ``code_panel(panel)`` (reading and coding the panel once), and each
view ``cohort_matrix``, ``roll_rates``, ``vintage_curves`` called on the frame as
returned ("frame": everything the view reads and checks is inside the timed call), on
the same frame with text buckets ("text": a lender's own extract) and on the coded
panel ("coded", reused). Ratios are to the bincount floor.

For each size: the best of a few runs of ``cohort_matrix`` on a loan-month panel
(sorted by loan and month, as the built-in portfolio is) and the RATIO to a floor
measured in the same run: one ``np.bincount`` over the same number of integer state
codes. Counting moves needs a sortedness check, the pairing of consecutive months and
one bincount of ``from * k + to``, so a small multiple of the floor is what a vectorised
design costs; a Python loop over rows is hundreds of times the floor.

The peer is open-risk's ``transitionMatrix`` ``CohortEstimator`` (it loops over rows
with ``DataFrame.iterrows``); it runs on a smaller panel (``--peer-rows``) and the ratio
is taken at that same size. Writes ``benchmarks/results/transitions.json``.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from _common import bench_parser, best_of, floor_bincount, print_table, save_result
from overdue_risk.buckets import STATES
from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.transitions import code_panel, cohort_matrix, roll_rates, vintage_curves

P_MONTH = np.array(
    [
        [0.90, 0.06, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.04],
        [0.45, 0.20, 0.33, 0.00, 0.00, 0.00, 0.00, 0.00, 0.02],
        [0.15, 0.10, 0.15, 0.60, 0.00, 0.00, 0.00, 0.00, 0.00],
        [0.05, 0.00, 0.05, 0.10, 0.80, 0.00, 0.00, 0.00, 0.00],
        [0.01, 0.00, 0.00, 0.03, 0.05, 0.91, 0.00, 0.00, 0.00],
        [0.01, 0.00, 0.00, 0.00, 0.02, 0.05, 0.92, 0.00, 0.00],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.01, 0.04, 0.95, 0.00],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.00, 0.00],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.00],
    ]
)


def make_panel(n_rows: int, n_months: int = 20, seed: int = 0) -> pd.DataFrame:
    """A sorted loan-month panel of about ``n_rows`` rows (rows stop after CO / PO)."""
    rng = np.random.default_rng(seed)
    n_loans = max(int(n_rows / 14.1), 2)  # loans last about 14 of 20 months (CO / PO)
    cum = np.cumsum(P_MONTH, axis=1)
    codes = np.zeros((n_loans, n_months), dtype=np.int8)
    for t in range(1, n_months):
        u = rng.random(n_loans)
        prev = codes[:, t - 1]
        codes[:, t] = (u[:, None] > cum[prev]).sum(axis=1)
    closed = np.isin(codes, (7, 8))
    first_closed = np.where(closed.any(axis=1), closed.argmax(axis=1), n_months - 1)
    keep = np.arange(n_months)[None, :] <= first_closed[:, None]
    loan = np.broadcast_to(np.arange(n_loans)[:, None], codes.shape)[keep]
    month = np.broadcast_to(np.arange(n_months)[None, :], codes.shape)[keep]
    bucket = pd.Categorical.from_codes(codes[keep].astype(np.int64), categories=list(STATES))
    return pd.DataFrame(
        {"loan_id": loan.astype(np.int64), "month": month.astype(np.int64), "bucket": bucket}
    )


def peer_fit(panel: pd.DataFrame) -> np.ndarray | None:
    """transitionMatrix's cohort estimator on the same panel; None when not installed."""
    try:
        import transitionMatrix as tm
        from transitionMatrix.estimators import cohort_estimator as es
    except ImportError:
        return None
    states = tm.StateSpace([(str(i), s) for i, s in enumerate(STATES)])
    data = pd.DataFrame(
        {
            "ID": panel["loan_id"].to_numpy(),
            "Time": panel["month"].to_numpy(),
            "State": panel["bucket"].cat.codes.to_numpy().astype(np.int64),
        }
    )
    bounds = list(range(int(data["Time"].max()) + 1))
    est = es.CohortEstimator(
        states=states, cohort_bounds=bounds, ci={"method": "goodman", "alpha": 0.05}
    )
    with warnings.catch_warnings():  # the peer divides by empty rows (statsmodels warns)
        warnings.simplefilter("ignore")
        est.fit(data)
    return np.asarray(est.average_matrix)


def bench(n_rows: int, repeat: int) -> dict[str, Any]:
    panel = make_panel(n_rows)
    codes = panel["bucket"].cat.codes.to_numpy().astype(np.int64)
    k = len(STATES)
    floor = floor_bincount(codes, k, max(repeat, 5))
    ours = best_of(lambda: cohort_matrix(panel, states=STATES), repeat)
    as_text = panel.assign(bucket=panel["bucket"].astype(str).astype(object))
    ours_text = best_of(lambda: cohort_matrix(as_text, states=STATES), repeat)
    shuffled = panel.sample(frac=1.0, random_state=0)
    ours_unsorted = best_of(lambda: cohort_matrix(shuffled, states=STATES), max(repeat - 1, 1))
    return {
        "name": "cohort_matrix (pooled, Goodman intervals)",
        "n_rows": len(panel),
        "floor_seconds (one np.bincount)": floor,
        "seconds_categorical": ours,
        "ratio_vs_floor": ours / floor,
        "seconds_object_strings": ours_text,
        "ratio_vs_floor_object_strings": ours_text / floor,
        "seconds_unsorted": ours_unsorted,
        "ratio_vs_floor_unsorted": ours_unsorted / floor,
        "rows_per_second": len(panel) / ours,
    }


def bench_peer(n_rows: int) -> dict[str, Any]:
    panel = make_panel(n_rows, seed=1)
    t0 = time.perf_counter()
    ref = peer_fit(panel)
    peer = time.perf_counter() - t0
    if ref is None:
        return {"name": "transitionMatrix CohortEstimator", "status": "not installed"}
    ours = best_of(lambda: cohort_matrix(panel, states=STATES), 3)
    mine = cohort_matrix(panel, states=STATES)
    return {
        "name": "transitionMatrix CohortEstimator",
        "n_rows": len(panel),
        "peer_seconds": peer,
        "ours_seconds": ours,
        "speedup_vs_peer": peer / ours,
        # the peer averages per-period matrices weighted by counts: the pooled matrix
        "max_abs_difference": float(np.nanmax(np.abs(ref[:7] - mine.probabilities[:7]))),
    }


def turns(fns: dict[str, Any], repeat: dict[str, int]) -> dict[str, list[float]]:
    """Wall times of each function, the functions taking turns (``repeat[name]`` runs)."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for i in range(max(repeat.values())):
        for name, fn in fns.items():
            if i < repeat[name]:
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
    return times


def bench_generator(n_loans: int) -> dict[str, Any]:
    """The three views on the generator's own panel, against one bincount of its rows."""
    t0 = time.perf_counter()
    panel = make_microloan_portfolio(n_loans, 24, random_state=0).performance
    made = time.perf_counter() - t0
    coded = code_panel(panel)
    codes = coded.codes
    k = len(coded.states)
    views = {
        "cohort_matrix": cohort_matrix,
        "roll_rates": roll_rates,
        "vintage_curves": vintage_curves,
    }
    fns: dict[str, Any] = {
        "np.sum": lambda: np.sum(codes),
        "np.bincount": lambda: np.bincount(codes, minlength=k),
        "code_panel": lambda: code_panel(panel),
    }
    text = panel.assign(bucket=panel["bucket"].astype("str"))
    for name, fn in views.items():
        fns[f"{name} (frame)"] = lambda fn=fn: fn(panel)
    for name, fn in views.items():
        fns[f"{name} (text)"] = lambda fn=fn: fn(text)
        fns[f"{name} (coded)"] = lambda fn=fn: fn(coded)
    repeat = {name: 9 if name.startswith("np.") else 7 for name in fns}
    repeat.update({f"{name} (text)": 3 for name in views} | {"code_panel": 3})
    times = turns(fns, repeat)
    floor = min(times["np.bincount"])
    floor_median = float(np.median(times["np.bincount"]))
    rows = []
    for name, ts in times.items():
        rows.append(
            {
                "name": name,
                "runs": len(ts),
                "min_s": min(ts),
                "median_s": float(np.median(ts)),
                "ratio_min_vs_bincount": min(ts) / floor,
                # medians to the floor's median: both taken over the same turns
                "ratio_median_vs_bincount": float(np.median(ts)) / floor_median,
            }
        )
    return {
        "name": "generator panel",
        "n_rows": len(panel),
        "n_loans": n_loans,
        "generate_seconds": made,
        "floor": "one np.bincount of the panel's int64 state codes (min and median of 9)",
        "bucket_dtype": str(panel["bucket"].dtype),
        "views": rows,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = bench_parser(__doc__, "transitions", quick_help="100k rows only (smoke test)")
    parser.add_argument("--peer-rows", type=int, default=None, help="rows for the peer run")
    args = parser.parse_args(argv)
    sizes = [100_000] if args.quick else [1_000_000, 10_000_000]
    repeat = 3
    generated = bench_generator(20_000 if args.quick else 1_520_000)
    print(
        f"generator panel: {generated['n_rows']:,} rows (make_microloan_portfolio("
        f"{generated['n_loans']:,}), categorical buckets, datetime64 months); ratio = time "
        "/ one np.bincount of its state codes"
    )
    print_table(
        [
            ("", "<34"),
            ("runs", ">5"),
            ("min s", ">9.4f"),
            ("median s", ">9.4f"),
            ("x min", ">7.1f"),
            ("x median", ">9.1f"),
        ],
        [
            [
                r["name"],
                r["runs"],
                r["min_s"],
                r["median_s"],
                r["ratio_min_vs_bincount"],
                r["ratio_median_vs_bincount"],
            ]
            for r in generated["views"]
        ],
        rule=False,
    )
    rows = [bench(n, repeat) for n in sizes]
    peer_rows = args.peer_rows or (20_000 if args.quick else 200_000)
    peer = bench_peer(peer_rows)
    columns = [
        ("rows", ">12,"),
        ("bincount s", ">11.4f"),
        ("ours s", ">9.4f"),
        ("ratio", ">7.1f"),
        ("str ratio", ">10.1f"),
        ("unsorted", ">9.1f"),
    ]
    keys = (
        "n_rows",
        "floor_seconds (one np.bincount)",
        "seconds_categorical",
        "ratio_vs_floor",
        "ratio_vs_floor_object_strings",
        "ratio_vs_floor_unsorted",
    )
    print_table(columns, [[r[k] for k in keys] for r in rows], rule=False)
    if "peer_seconds" in peer:
        print(
            f"peer transitionMatrix on {peer['n_rows']:,} rows: {peer['peer_seconds']:.2f} s vs "
            f"ours {peer['ours_seconds']:.4f} s -> {peer['speedup_vs_peer']:.0f}x; "
            f"max |diff| {peer['max_abs_difference']:.2e}"
        )
    else:
        print("peer transitionMatrix: not installed (pip install transitionmatrix)")
    return save_result(args, "transitions", rows=rows, generator_panel=generated, peer=peer)


if __name__ == "__main__":
    main()
