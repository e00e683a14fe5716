"""WOEBinner.fit against optbinning's BinningProcess.fit, in the same run.

    python benchmarks/bench_binning.py           # 100,000 rows x 30 numeric features
    python benchmarks/bench_binning.py --quick   # 5,000 rows x 5 features (smoke test)

Data: 30 numeric features with 2% missing values each, a logistic default flag driven by
monotone, peaked and noise features (seeded). Both binners get the same constraints:
at most 20 pre-bins, 5% minimum pre-bin / bin share, no cap on the number of bins,
automatic monotonic trend. Reports the best wall time of each fit over the same number of
repeats (2; 1 in quick mode), the speed-up ratio, the ratio
against a floor (one ``np.sort`` of every column, which any quantile pre-binning needs),
and the total IV of both binners side by side. Writes ``benchmarks/results/binning.json``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from _common import bench_parser, print_table, time_best, write_json
from overdue_risk.binning import WOEBinner


def make_data(n_rows: int, n_features: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Numeric features (2% missing) and a 0/1 target from a logistic model."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_rows, n_features))
    x[:, ::3] = np.exp(x[:, ::3])  # skewed amounts
    x[:, 1::5] = np.round(x[:, 1::5] * 3)  # few distinct values
    logit = -2.0 * np.ones(n_rows)
    for j in range(n_features):
        kind = j % 4
        z = (x[:, j] - x[:, j].mean()) / x[:, j].std()
        if kind == 0:
            logit += 0.35 * z
        elif kind == 1:
            logit -= 0.25 * z
        elif kind == 2:
            logit += 0.3 * (1.0 - z**2) / 2  # peak
    y = (rng.random(n_rows) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    x[rng.random(x.shape) < 0.02] = np.nan
    return pd.DataFrame(x, columns=[f"f{j:02d}" for j in range(n_features)]), y


def run(n_rows: int, n_features: int, repeat: int) -> dict[str, Any]:
    from optbinning import BinningProcess

    X, y = make_data(n_rows, n_features)
    names = list(X.columns)
    arr = X.to_numpy()

    floor_s, _ = time_best(lambda: [np.sort(arr[:, j]) for j in range(n_features)], repeat)
    ours = {}
    for method in ("quantile", "tree"):
        binner = WOEBinner(
            max_n_bins=None,
            min_bin_frac=0.05,
            n_prebins=20,
            prebinning=method,
            min_event_count=0,
            min_nonevent_count=0,
        )
        secs, fitted = time_best(lambda b=binner: b.fit(X, y), repeat)
        ours[method] = (secs, float(sum(fitted.iv_.values())))

    def fit_peer() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return BinningProcess(names, max_n_prebins=20, min_prebin_size=0.05).fit(X, y)

    peer_s, peer = time_best(fit_peer, repeat)  # same number of repeats as ours: fair
    peer_iv = float(sum(peer.get_binned_variable(n).binning_table.iv for n in names))
    rows = []
    for method, (secs, iv) in ours.items():
        rows.append(
            {
                "name": f"WOEBinner.fit ({method} pre-bins) vs optbinning BinningProcess.fit",
                "n_rows": n_rows,
                "n_features": n_features,
                "ours_seconds": secs,
                "peer_seconds": peer_s,
                "floor_seconds": floor_s,
                "speedup_vs_optbinning": peer_s / secs,
                "ratio_to_sort_floor": secs / floor_s,
                "ours_total_iv": iv,
                "optbinning_total_iv": peer_iv,
                "iv_ratio_ours_over_optbinning": iv / peer_iv,
            }
        )
    return {"benchmark": "binning", "results": rows}


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__, "binning")
    args = parser.parse_args(argv)
    n_rows, n_features, repeat = (5_000, 5, 1) if args.quick else (100_000, 30, 2)
    report = run(n_rows, n_features, repeat)
    columns = [
        ("case", "<62"),
        ("ours s", "8.3f"),
        ("peer s", "8.3f"),
        ("speedup", "8.1f"),
        ("IV ours", "8.4f"),
        ("IV peer", "8.4f"),
    ]
    keys = (
        "name",
        "ours_seconds",
        "peer_seconds",
        "speedup_vs_optbinning",
        "ours_total_iv",
        "optbinning_total_iv",
    )
    print_table(columns, [[r[k] for k in keys] for r in report["results"]])
    print(
        f"({n_rows:,} rows x {n_features} features; floor = np.sort of every column: "
        f"{report['results'][0]['floor_seconds']:.4f} s)"
    )
    write_json(args.out, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
