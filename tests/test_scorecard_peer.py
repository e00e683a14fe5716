"""Hold-out Gini and KS on the UCI data against optbinning's Scorecard, same splits.

Peer: optbinning ``BinningProcess`` + ``Scorecard`` with ``LogisticRegression()`` (its
tutorial's settings), no sign check. Comparable setting of ours: ``sign_check="report"``
and the trend chosen by IV alone (``auto_min_iv_gain=0, auto_alpha=None``), since
optbinning's "auto" admits peaks and valleys with no preference for a monotone shape.
Both bin from at most 20 CART / Gini-tree pre-bins, 5% minimum share, automatic trend.
(Our default binner prefers monotone bins; over five splits that costs about 0.002 Gini and
0.003 KS, for a card a reviewer can read: benchmarks/bench_scorecard.py reports it as
"default".)
Mean over two stratified 70/30 splits (seeds 0 and 1); benchmarks/bench_scorecard.py runs
five and also reports our default, sign-checked card.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_scorecard import fit_ours, fit_peer, gini_ks, load_uci


@pytest.mark.peer
@pytest.mark.slow
def test_holdout_gini_and_ks_at_least_optbinning(uci_path: Path) -> None:
    from sklearn.model_selection import train_test_split

    X, y = load_uci(uci_path)
    ours, peer = [], []
    for seed in (0, 1):
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y)
        sc = fit_ours(Xtr, ytr)
        ours.append(gini_ks(yte, sc.predict_proba(Xte)[:, 1]))
        peer.append(gini_ks(yte, fit_peer(Xtr, ytr).predict_proba(Xte)[:, 1]))
    o, p = np.mean(ours, axis=0), np.mean(peer, axis=0)
    assert o[0] >= p[0], f"hold-out Gini ours {o[0]:.4f} < optbinning {p[0]:.4f}"
    assert o[1] >= p[1], f"hold-out KS ours {o[1]:.4f} < optbinning {p[1]:.4f}"
