"""Scorecard against optbinning's Scorecard on the UCI credit-card data, same splits.

    python benchmarks/bench_scorecard.py           # 30,000 rows, 5 stratified 70/30 splits
    python benchmarks/bench_scorecard.py --quick   # 6,000 rows, 1 split (smoke test)
    python benchmarks/bench_scorecard.py --fit-rows 1000000 --skip-uci   # fit speed only

Fit speed (``--fit-rows``, default 1,000,000; 20,000 with ``--quick``; 0 skips it): both
cards (comparable settings, below) fit on the same synthetic rows of 30 features
(:func:`synthetic`: 10 log-normal amounts, 6 integer counts 0-11, 14 normal scores; a
logistic target with about 10% events), timed alternately ``--fit-repeat`` times (min
and median printed), and the peak memory of one more fit of each traced by ``tracemalloc``
(NumPy reports its buffers to it), on top of the input data.

Data: "Default of credit card clients" (Yeh & Lien 2009, UCI), target ``next_payment``,
the 23 features (ID dropped), read from ``../shared/data`` (or $OVERDUE_RISK_SHARED_DATA).

Comparable settings: both bin every feature from at most 20 decision-tree (CART / Gini)
pre-bins with a 5% minimum share and an automatic monotonic trend (optbinning
``BinningProcess`` defaults ``prebinning_method="cart", max_n_prebins=20,
min_prebin_size=0.05``; our ``WOEBinner`` defaults, which also cap the regular bins at 8
where optbinning sets no cap), fit a logistic
regression on the WOE columns and scale with pdo 20 / 600 points at 50:1 odds. optbinning
uses scikit-learn's ``LogisticRegression()`` as in its tutorial and checks no signs, so the
comparable setting of ours is the unpenalised fit with ``sign_check="report"`` ("ours");
our default card, which drops wrong-signed features and refits ("default"), is reported
beside it: the Gini it gives up is the price of logical points. Hold-out Gini
(2 AUC - 1) and KS of both, on the same split; fit and scoring times as ratios measured in
the same run, scoring also against a floor (one ``np.sum`` pass over the feature matrix).
Writes ``benchmarks/results/scorecard.json``.
"""

from __future__ import annotations

import os
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from _common import HERE, bench_parser, floor_sum, print_table, time_best, write_json

DATA = Path(os.environ.get("OVERDUE_RISK_SHARED_DATA", HERE.parent.parent / "shared" / "data"))
UCI = "uci_default_credit_card_clients.csv"


def load_uci(path: Path | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """UCI features (ID dropped) and the ``next_payment`` default flag."""
    df = pd.read_csv(path or DATA / UCI)
    y = df.pop("next_payment").to_numpy(dtype=np.int64)
    return df.drop(columns="ID"), y


def gini_ks(y: np.ndarray, risk: np.ndarray) -> tuple[float, float]:
    from overdue_risk.metrics import gini, ks_statistic

    return float(gini(y, risk).statistic), float(ks_statistic(y, risk).statistic)


def fit_ours(
    X: pd.DataFrame, y: np.ndarray, sign_check: str = "report", *, monotone_preference: bool = False
) -> Any:
    """Our card. The comparable setting (the defaults here) matches optbinning's: no sign
    check, and an automatic trend chosen by IV alone -- optbinning's "auto" admits peaks and
    valleys with no preference for a monotone shape, so ours runs with
    ``auto_min_iv_gain=0, auto_alpha=None``. Our library default (``sign_check="drop"``,
    ``monotone_preference=True``) is reported beside it."""
    from overdue_risk import Scorecard, WOEBinner

    binner = (
        WOEBinner() if monotone_preference else WOEBinner(auto_min_iv_gain=0.0, auto_alpha=None)
    )
    return Scorecard(
        pdo=20, base_score=600, base_odds=50, sign_check=sign_check, binner=binner
    ).fit(X, y)


def fit_peer(X: pd.DataFrame, y: np.ndarray) -> Any:
    from optbinning import BinningProcess
    from optbinning import Scorecard as OptScorecard
    from sklearn.linear_model import LogisticRegression

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bp = BinningProcess(list(X.columns), max_n_prebins=20, min_prebin_size=0.05)
        sc = OptScorecard(
            binning_process=bp,
            estimator=LogisticRegression(max_iter=1000),
            scaling_method="pdo_odds",
            scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600},
        )
        return sc.fit(X, y)


def run_split(X: pd.DataFrame, y: np.ndarray, seed: int) -> dict[str, Any]:
    from sklearn.model_selection import train_test_split

    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y)
    ours_fit_s, ours = time_best(lambda: fit_ours(Xtr, ytr), 1)
    default = fit_ours(Xtr, ytr, sign_check="drop", monotone_preference=True)
    peer_fit_s, peer = time_best(lambda: fit_peer(Xtr, ytr), 1)
    ours_score_s, _ = time_best(lambda: ours.predict_points(Xte), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer_score_s, _ = time_best(lambda: peer.score(Xte), 1)
        peer_pd = peer.predict_proba(Xte)[:, 1]
    arr = Xte.to_numpy(dtype=np.float64)
    floor_s = floor_sum(arr, 5)
    ours_pd = ours.predict_proba(Xte)[:, 1]
    g_o, k_o = gini_ks(yte, ours_pd)
    g_p, k_p = gini_ks(yte, peer_pd)
    g_d, k_d = gini_ks(yte, default.predict_proba(Xte)[:, 1])
    return {
        "name": f"UCI hold-out, split seed {seed}",
        "seed": seed,
        "n_train": len(ytr),
        "n_test": len(yte),
        "ours_gini": g_o,
        "peer_gini": g_p,
        "ours_ks": k_o,
        "peer_ks": k_p,
        "ours_n_features": len(ours.features_),
        "default_gini": g_d,
        "default_ks": k_d,
        "default_n_features": len(default.features_),
        "default_dropped_for_sign": list(default.wrong_sign_features_),
        "default_gini_ratio_over_optbinning": g_d / g_p,
        "gini_ratio_ours_over_optbinning": g_o / g_p,
        "ks_ratio_ours_over_optbinning": k_o / k_p,
        "ours_fit_seconds": ours_fit_s,
        "peer_fit_seconds": peer_fit_s,
        "fit_speedup_vs_optbinning": peer_fit_s / ours_fit_s,
        "ours_score_seconds": ours_score_s,
        "peer_score_seconds": peer_score_s,
        "floor_seconds": floor_s,
        "score_speedup_vs_optbinning": peer_score_s / ours_score_s,
        "score_ratio_to_sum_floor": ours_score_s / floor_s,
    }


def synthetic(n_rows: int, n_features: int = 30, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Synthetic development sample of the fit-speed case (see the module docstring)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, n_features))
    X[:, ::3] = np.round(np.exp(X[:, ::3]), 2)
    counts = list(range(1, n_features, 5))
    X[:, counts] = rng.integers(0, 12, size=(n_rows, len(counts)))
    beta = rng.normal(scale=0.3, size=n_features)
    eta = -2.5 + np.tanh((X - X.mean(axis=0)) / X.std(axis=0)) @ beta
    y = (rng.uniform(size=n_rows) < 1 / (1 + np.exp(-eta))).astype(np.int64)
    return pd.DataFrame(X, columns=[f"x{j}" for j in range(n_features)]), y


def _peak_mb(fn: Any) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run_fit_speed(n_rows: int, repeat: int) -> dict[str, Any]:
    """Fit time of both cards on the same ``n_rows`` x 30 rows, alternating, ``repeat`` times."""
    X, y = synthetic(n_rows)
    fit_ours(X.iloc[:5000], y[:5000])  # warm-up: imports and first-call costs not timed
    fit_peer(X.iloc[:5000], y[:5000])
    ours_s, peer_s = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        fit_ours(X, y)
        ours_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        fit_peer(X, y)
        peer_s.append(time.perf_counter() - t)
    ratios = [p / o for o, p in zip(ours_s, peer_s, strict=True)]
    return {
        "name": f"fit speed, synthetic {n_rows:,} x {X.shape[1]}",
        "n_rows": n_rows,
        "n_features": X.shape[1],
        "event_rate": float(y.mean()),
        "repeat": repeat,
        "ours_fit_seconds": ours_s,
        "peer_fit_seconds": peer_s,
        "ours_fit_seconds_min": min(ours_s),
        "peer_fit_seconds_min": min(peer_s),
        "fit_speedup_vs_optbinning_min": min(ratios),
        "fit_speedup_vs_optbinning_median": float(np.median(ratios)),
        "fit_speedup_of_best_times": min(peer_s) / min(ours_s),
        "input_mb": float(X.memory_usage(deep=True).sum() / 2**20),
        "ours_peak_traced_mb": _peak_mb(lambda: fit_ours(X, y)),
        "peer_peak_traced_mb": _peak_mb(lambda: fit_peer(X, y)),
    }


def run(n_rows: int | None, seeds: list[int], path: Path | None = None) -> dict[str, Any]:
    X, y = load_uci(path)
    if n_rows is not None and n_rows < len(y):
        keep = np.random.default_rng(0).choice(len(y), size=n_rows, replace=False)
        X, y = X.iloc[np.sort(keep)].reset_index(drop=True), y[np.sort(keep)]
    rows = [run_split(X, y, s) for s in seeds]
    mean = {
        k: float(np.mean([r[k] for r in rows]))
        for k in ("ours_gini", "peer_gini", "ours_ks", "peer_ks", "default_gini", "default_ks")
    }
    return {
        "benchmark": "scorecard",
        "dataset": "UCI default of credit card clients (Yeh & Lien 2009)",
        "n_rows": len(y),
        "results": rows,
        "mean": {
            **mean,
            "gini_ratio_ours_over_optbinning": mean["ours_gini"] / mean["peer_gini"],
            "ks_ratio_ours_over_optbinning": mean["ours_ks"] / mean["peer_ks"],
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__, "scorecard")
    parser.add_argument("--data", type=Path, default=None, help="path of the UCI CSV")
    parser.add_argument(
        "--fit-rows", type=int, default=None, help="rows of the fit-speed case (0 skips it)"
    )
    parser.add_argument("--fit-repeat", type=int, default=None, help="timed fits of each")
    parser.add_argument("--skip-uci", action="store_true", help="only the fit-speed case")
    args = parser.parse_args(argv)
    n_rows, seeds = (6_000, [0]) if args.quick else (None, [0, 1, 2, 3, 4])
    fit_rows = args.fit_rows if args.fit_rows is not None else (20_000 if args.quick else 10**6)
    fit_repeat = args.fit_repeat or (1 if args.quick else 3)
    report: dict[str, Any] = (
        {"benchmark": "scorecard", "results": []}
        if args.skip_uci
        else run(n_rows, seeds, args.data)
    )
    if fit_rows > 0:
        speed = run_fit_speed(fit_rows, fit_repeat)
        report["fit_speed"] = speed
        print(
            f"{speed['name']}: ours {speed['ours_fit_seconds_min']:.2f} s, optbinning "
            f"{speed['peer_fit_seconds_min']:.2f} s (min of {fit_repeat}); optbinning / ours "
            f"min {speed['fit_speedup_vs_optbinning_min']:.2f}x, median "
            f"{speed['fit_speedup_vs_optbinning_median']:.2f}x; peak traced memory ours "
            f"{speed['ours_peak_traced_mb']:.0f} MB, optbinning "
            f"{speed['peer_peak_traced_mb']:.0f} MB (input {speed['input_mb']:.0f} MB)"
        )
    if args.skip_uci:
        write_json(args.out, report)
        return 0
    columns = [
        ("split", "<30"),
        ("Gini ours", "9.4f"),
        ("Gini peer", "9.4f"),
        ("Gini dflt", "9.4f"),
        ("KS ours", "8.4f"),
        ("KS peer", "8.4f"),
        ("KS dflt", "8.4f"),
        ("fit x", "6.1f"),
        ("score x", "7.1f"),
    ]
    keys = ("ours_gini", "peer_gini", "default_gini", "ours_ks", "peer_ks", "default_ks")
    speedups = ("fit_speedup_vs_optbinning", "score_speedup_vs_optbinning")
    table = [[r["name"], *(r[k] for k in keys + speedups)] for r in report["results"]]
    table.append(["mean", *(report["mean"][k] for k in keys), None, None])
    print_table(columns, table)
    print(
        f"({report['n_rows']:,} rows; ours = sign_check='report' (comparable: optbinning checks "
        "no signs); dflt = our default sign_check='drop'; 'fit x' / 'score x' = optbinning "
        "time / our time in the same run; floor for scoring = one np.sum pass over the "
        "hold-out matrix)"
    )
    write_json(args.out, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
