"""Validation metrics against their peers and a sort floor, measured in the same run.

    python benchmarks/bench_metrics.py           # 1,000,000 rows
    python benchmarks/bench_metrics.py --quick   # 20,000 rows (smoke test)

Cases (best of ``repeat`` runs, one process, same data for everyone):

- ``roc_auc``: our AUC WITH its DeLong standard error (Sun & Xu's O(n log n) mid-rank
  algorithm) against ``sklearn.metrics.roc_auc_score`` (the AUC alone) and against the
  floor of ONE ``np.argsort`` of the scores (any exact AUC needs at least one sort).
- ``roc_auc_compare``: DeLong's test of two correlated AUCs against two sorts.
- ``ks``: our KS (statistic, p-value, threshold) against ``scipy.stats.ks_2samp``
  (``method="asymp"``) and one sort.
- ``psi``: PSI of 10 bins from integer bin codes against ``toad.metrics.PSI`` on the same
  codes, and against one ``np.bincount`` pass (the floor of any PSI from codes); plus PSI
  from raw scores with reference-quantile bins against one sort.

Agreement with each peer is checked before timing. Writes
``benchmarks/results/metrics.json``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from _common import bench_parser, best_of, floor_argsort, floor_bincount, print_table, write_json
from overdue_risk.metrics import ks_statistic, psi, roc_auc, roc_auc_compare


def data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.05).astype(np.int64)
    a = rng.normal(size=n) + 1.2 * y
    b = 0.7 * a + 0.7 * rng.normal(size=n)
    return y, np.round(a, 3), np.round(b, 3)  # rounding gives ties, as points do


def row(
    name: str,
    n: int,
    t_ours: float,
    t_floor: float,
    *,
    floor: str = "sort",
    peer: str | None = None,
    t_peer: float | None = None,
) -> dict[str, Any]:
    """One result: our time against the floor's (``ratio_vs_<floor>``) and the peer's."""
    out: dict[str, Any] = {"name": name, "n": n}
    if peer is not None:
        out["peer"] = peer
    out["ours_s"] = t_ours
    if t_peer is not None:
        out["peer_s"] = t_peer
    out["floor_s"] = t_floor
    if t_peer is not None:
        out["speedup_vs_peer"] = t_peer / t_ours
    out[f"ratio_vs_{floor}"] = t_ours / t_floor
    return out


def case_auc(y: np.ndarray, s: np.ndarray, repeat: int) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score

    ours = roc_auc(y, s)
    ref = roc_auc_score(y, s)
    if abs(ours.statistic - ref) > 1e-12:
        raise AssertionError(f"AUC disagrees with sklearn: {ours.statistic} vs {ref}")
    t_ours = best_of(lambda: roc_auc(y, s), repeat)
    t_peer = best_of(lambda: roc_auc_score(y, s), repeat)
    t_floor = floor_argsort(s, repeat)
    peer = "sklearn.metrics.roc_auc_score (AUC only)"
    return row("roc_auc (AUC + DeLong SE)", y.size, t_ours, t_floor, peer=peer, t_peer=t_peer)


def case_compare(y: np.ndarray, a: np.ndarray, b: np.ndarray, repeat: int) -> dict[str, Any]:
    t_ours = best_of(lambda: roc_auc_compare(y, a, b), repeat)
    t_floor = best_of(lambda: (np.argsort(a), np.argsort(b)), repeat)
    return row("roc_auc_compare (DeLong 1988 paired test)", y.size, t_ours, t_floor)


def case_ks(y: np.ndarray, s: np.ndarray, repeat: int) -> dict[str, Any]:
    from scipy.stats import ks_2samp

    ours = ks_statistic(y, s)
    ref = ks_2samp(s[y == 1], s[y == 0], method="asymp")
    if abs(ours.statistic - ref.statistic) > 1e-12:
        raise AssertionError(f"KS disagrees with scipy: {ours.statistic} vs {ref.statistic}")
    t_ours = best_of(lambda: ks_statistic(y, s), repeat)
    t_peer = best_of(lambda: ks_2samp(s[y == 1], s[y == 0], method="asymp"), repeat)
    t_floor = floor_argsort(s, repeat)
    peer = "scipy.stats.ks_2samp(method='asymp')"
    return row("ks_statistic", y.size, t_ours, t_floor, peer=peer, t_peer=t_peer)


def case_psi(a: np.ndarray, b: np.ndarray, repeat: int) -> list[dict[str, Any]]:
    import pandas as pd
    from toad.metrics import PSI as toad_psi

    edges = np.quantile(a, np.linspace(0, 1, 11)[1:-1])
    ref_codes = np.searchsorted(edges, a, side="right").astype(np.int64)
    cur_codes = np.searchsorted(edges, b, side="right").astype(np.int64)
    code_edges = np.arange(0.5, 9.5)
    ours = psi(ref_codes, cur_codes, bins=code_edges)
    s_ref, s_cur = pd.Series(ref_codes), pd.Series(cur_codes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = float(toad_psi(s_cur, s_ref))
        if abs(ours.statistic - peer) > 1e-9:
            raise AssertionError(f"PSI disagrees with toad: {ours.statistic} vs {peer}")
        t_peer = best_of(lambda: toad_psi(s_cur, s_ref), repeat)
    t_ours = best_of(lambda: psi(ref_codes, cur_codes, bins=code_edges), repeat)
    t_floor = floor_bincount(cur_codes, 10, repeat)
    t_raw = best_of(lambda: psi(a, b, bins=10), repeat)
    t_sort = best_of(lambda: np.sort(a), repeat)
    name, peer = "psi from bin codes (10 bins)", "toad.metrics.PSI"
    codes = row(name, a.size, t_ours, t_floor, floor="bincount", peer=peer, t_peer=t_peer)
    return [codes, row("psi from raw scores (reference deciles)", a.size, t_raw, t_sort)]


def main() -> None:
    parser = bench_parser(__doc__, "metrics")
    args = parser.parse_args()
    n, repeat = (20_000, 2) if args.quick else (1_000_000, 3)
    y, a, b = data(n)
    results = [case_auc(y, a, repeat), case_compare(y, a, b, repeat), case_ks(y, a, repeat)]
    results.extend(case_psi(a, b, repeat))
    columns = [
        ("case", "<44"),
        ("ours (s)", ">10.4f"),
        ("x sort/floor", ">14.2f"),
        ("x faster than peer", ">20.2f"),
    ]
    table = [
        [
            r["name"],
            r["ours_s"],
            r.get("ratio_vs_sort", r.get("ratio_vs_bincount")),
            r.get("speedup_vs_peer"),
        ]
        for r in results
    ]
    print_table(columns, table, sep="", rule=False)
    payload = {"benchmark": "metrics", "quick": args.quick, "n": n, "results": results}
    write_json(args.out, payload)


if __name__ == "__main__":
    main()
