"""The checks of the CI gate (:mod:`overdue_risk.gate`), one function per group.

Each check is a plain function ``(GateInputs, thresholds) -> list[CheckResult]``; the
statistics come from :mod:`overdue_risk.metrics` and :mod:`overdue_risk.backtest`.
Scores are scorecard points (higher = lower risk), so the risk score handed to the
metrics is ``-score``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk.backtest import binomial_test, hosmer_lemeshow_test, jeffreys_test
from overdue_risk.exceptions import DataError
from overdue_risk.gate._types import CheckFunction, CheckResult, GateInputs, Status
from overdue_risk.metrics import auc_change_test, gini, ks_statistic, psi, psi_from_counts, roc_auc

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.metrics import PSIResult

__all__ = [
    "CHECKS",
    "check_calibration",
    "check_discrimination",
    "check_stability",
    "csi_on_card_bins",
]

Thresholds = Mapping[str, Mapping[str, Any]]


def _at_least(value: float, fail: float, warn: float) -> Status:
    return "fail" if value < fail else "warn" if value < warn else "pass"


def _traffic_light(pvalue: float, red: float, yellow: float) -> Status:
    return "fail" if pvalue < red else "warn" if pvalue < yellow else "pass"


def _at_most(value: float, fail: float, warn: float) -> Status:
    return "fail" if value > fail else "warn" if value > warn else "pass"


def check_discrimination(inputs: GateInputs, thresholds: Thresholds) -> list[CheckResult]:
    """Gini with its DeLong interval, KS, and the ECB AUC-vs-initial test.

    Examples
    --------
    >>> import numpy as np
    >>> from overdue_risk.gate import load_thresholds
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> score = 600 - 40 * y + rng.normal(0, 30, 2000)  # bads score lower
    >>> [c.status for c in check_discrimination(GateInputs(y=y, score=score), load_thresholds())]
    ['pass', 'pass', 'skip']
    """
    th = thresholds["discrimination"]
    risk = -inputs.score
    g = gini(inputs.y, risk)
    level = float(th["confidence_level"])
    lo, hi = g.confidence_interval(level)
    out = [
        CheckResult(
            "discrimination",
            "gini",
            _at_least(g.statistic, th["min_gini"], th["warn_gini"]),
            g.statistic,
            f">= {th['min_gini']:.2f}",
            f"Gini {g.statistic:.3f}, {level:.0%} DeLong CI [{lo:.3f}, {hi:.3f}]",
            {
                "auc": (g.statistic + 1) / 2,
                "standard_error": g.standard_error,
                "ci_low": lo,
                "ci_high": hi,
                "n_events": g.n_events,
                "n_nonevents": g.n_nonevents,
            },
        )
    ]
    ks = ks_statistic(inputs.y, risk)
    out.append(
        CheckResult(
            "discrimination",
            "ks",
            _at_least(ks.statistic, th["min_ks"], th["warn_ks"]),
            ks.statistic,
            f">= {th['min_ks']:.2f}",
            f"KS {ks.statistic:.3f} at score {-ks.threshold:.6g}",
            {"pvalue": ks.pvalue, "score_at_max": -ks.threshold},
        )
    )
    alpha = float(th["auc_test_alpha"])
    out.append(_auc_vs_initial(inputs, float(th["initial_auc"]), alpha))
    return out


def _auc_vs_initial(inputs: GateInputs, initial_auc: float, alpha: float) -> CheckResult:
    """One-sided test that the AUC dropped from its initial value.

    A fixed ``initial_auc`` gives the ECB test (only the current AUC's DeLong error);
    otherwise the baseline sample's AUC and both DeLong errors (independent samples).
    """
    from scipy.stats import norm

    rule = f"p >= {alpha:g}"
    name = "auc_vs_initial"
    if initial_auc > 0:
        test = auc_change_test(initial_auc, inputs.y, -inputs.score)
        initial, current, pvalue, stat = initial_auc, test.auc_b, test.pvalue, test.statistic
        source = "recorded initial AUC (ECB test)"
    elif inputs.baseline_y is None or inputs.baseline_score is None:
        return CheckResult(
            "discrimination",
            name,
            "skip",
            None,
            rule,
            "needs a baseline sample with the target (--baseline) or initial_auc",
        )
    else:
        base = roc_auc(inputs.baseline_y, -inputs.baseline_score)
        now = roc_auc(inputs.y, -inputs.score)
        se = float(np.hypot(base.standard_error, now.standard_error))
        initial, current = base.statistic, now.statistic
        stat = (initial - current) / se if se > 0 else 0.0
        pvalue = float(norm.sf(stat))
        source = "baseline sample"
    return CheckResult(
        "discrimination",
        name,
        "fail" if pvalue < alpha else "pass",
        pvalue,
        rule,
        f"AUC {current:.3f} now vs {initial:.3f} from the {source} (one-sided p = {pvalue:.3g})",
        {"auc_initial": initial, "auc_current": current, "statistic": stat},
    )


def _grade_counts(
    y: npt.NDArray[np.int64], grade: npt.NDArray[np.object_], grade_pd: Mapping[str, float]
) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """N, D and PD per master-scale grade (in master-scale order; empty grades dropped)."""
    labels = list(grade_pd)
    index = {g: i for i, g in enumerate(labels)}
    codes = np.fromiter((index.get(str(g), -1) for g in grade), np.int64, grade.size)
    keep = codes >= 0
    n = np.bincount(codes[keep], minlength=len(labels))
    d = np.bincount(codes[keep], weights=y[keep], minlength=len(labels))
    pds = np.array([grade_pd[g] for g in labels], dtype=np.float64)
    used = n > 0
    return (
        [g for g, u in zip(labels, used, strict=True) if u],
        n[used].astype(np.int64),
        np.rint(d[used]).astype(np.int64),
        pds[used],
    )


def check_calibration(inputs: GateInputs, thresholds: Thresholds) -> list[CheckResult]:
    """Per-grade Jeffreys (or binomial) backtests of the master scale and Hosmer-Lemeshow.

    Each p-value is read as a traffic light: below ``red_pvalue`` red (fail), below
    ``yellow_pvalue`` yellow (warning). A grade is red when its default rate is far above
    its PD; the gate fails when more than ``max_failed_grades`` grades are red (fewer
    are shown as warnings).

    Examples
    --------
    >>> import numpy as np
    >>> from overdue_risk.gate import load_thresholds
    >>> y = np.array([0] * 95 + [1] * 5 + [0] * 80 + [1] * 20)
    >>> grade = np.array(["A"] * 100 + ["B"] * 100, dtype=object)
    >>> pd = np.where(grade == "A", 0.05, 0.20)
    >>> inputs = GateInputs(y=y, score=-pd, pd=pd, grade=grade, grade_pd={"A": 0.05, "B": 0.2})
    >>> [c.name for c in check_calibration(inputs, load_thresholds())]
    ['jeffreys grade A', 'jeffreys grade B', 'jeffreys portfolio', 'hosmer_lemeshow']
    """
    th = thresholds["calibration"]
    red, yellow = float(th["red_pvalue"]), float(th["yellow_pvalue"])
    rule = f"p >= {red:g}"
    test_name = str(th["grade_test"])
    out: list[CheckResult] = []
    if inputs.grade is None or inputs.grade_pd is None:
        out.append(
            CheckResult(
                "calibration",
                f"{test_name} per grade",
                "skip",
                None,
                rule,
                "the spec has no master scale (Scorecard.to_spec(master_scale=...))",
            )
        )
    else:
        if test_name not in ("jeffreys", "binomial"):
            msg = f"[calibration] grade_test must be 'jeffreys' or 'binomial'; got {test_name!r}."
            raise DataError(msg)
        labels, n, d, pds = _grade_counts(inputs.y, inputs.grade, inputs.grade_pd)
        test = (jeffreys_test if test_name == "jeffreys" else binomial_test)(
            n, d, pds, labels=labels
        )
        pvals = np.asarray(test.grade_pvalue, dtype=np.float64)
        n_failed = int((pvals < red).sum())
        too_many = n_failed > int(th["max_failed_grades"])
        for i, g in enumerate(labels):
            rejected = bool(pvals[i] < yellow)
            status: Status = _traffic_light(float(pvals[i]), red, yellow)
            if status == "fail" and not too_many:
                status = "warn"
            out.append(
                CheckResult(
                    "calibration",
                    f"{test_name} grade {g}",
                    status,
                    float(pvals[i]),
                    rule,
                    f"{int(d[i]):,} defaults of {int(n[i]):,} (DR {d[i] / n[i]:.2%}) vs PD "
                    f"{pds[i]:.2%}" + (": default rate above PD" if rejected else ""),
                    {"n": int(n[i]), "defaults": int(d[i]), "pd": float(pds[i])},
                )
            )
        out.append(
            CheckResult(
                "calibration",
                f"{test_name} portfolio",
                _traffic_light(test.pvalue, red, yellow),
                test.pvalue,
                rule,
                f"{int(d.sum()):,} defaults of {int(n.sum()):,} (DR {d.sum() / n.sum():.2%}) vs "
                f"mean PD {float(np.average(pds, weights=n)):.2%}; {n_failed} grade(s) red",
                {"failed_grades": n_failed, "max_failed_grades": int(th["max_failed_grades"])},
            )
        )
    if inputs.pd is None:
        out.append(
            CheckResult(
                "calibration",
                "hosmer_lemeshow",
                "skip",
                None,
                rule,
                "the spec has no calibration (no PD)",
            )
        )
        return out
    n_g, d_g, pd_g = _pd_groups(inputs.y, inputs.pd, int(th["hl_groups"]))
    hl = hosmer_lemeshow_test(n_g, d_g, pd_g)
    out.append(
        CheckResult(
            "calibration",
            "hosmer_lemeshow",
            _traffic_light(hl.pvalue, red, yellow),
            hl.pvalue,
            rule,
            f"HL chi2 = {hl.statistic:.2f} on {hl.dof:g} df over {n_g.size} PD groups",
            {"statistic": hl.statistic, "dof": hl.dof},
        )
    )
    return out


def _pd_groups(
    y: npt.NDArray[np.int64], pd: npt.NDArray[np.float64], n_groups: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """N, D and mean PD over (at most) ``n_groups`` quantile groups of the PD; ties kept."""
    edges = np.unique(np.quantile(pd, np.linspace(0, 1, max(n_groups, 1) + 1)[1:-1]))
    codes = np.searchsorted(edges, pd, side="right")
    k = edges.size + 1
    n = np.bincount(codes, minlength=k)
    d = np.bincount(codes, weights=y, minlength=k)
    s = np.bincount(codes, weights=pd, minlength=k)
    used = n > 0
    mean_pd = np.clip(s[used] / n[used], 1e-12, 1 - 1e-12)
    return n[used].astype(np.int64), np.rint(d[used]).astype(np.int64), mean_pd


def check_stability(inputs: GateInputs, thresholds: Thresholds) -> list[CheckResult]:
    """PSI of the score and CSI of each feature (on the card's bins) against the baseline.

    Examples
    --------
    >>> import numpy as np
    >>> from overdue_risk.gate import load_thresholds
    >>> rng = np.random.default_rng(0)
    >>> base = rng.normal(600, 50, 5000)
    >>> inputs = GateInputs(y=np.zeros(5000, dtype=np.int64), score=base + 40,
    ...                     baseline_score=base)
    >>> [(c.name, c.status) for c in check_stability(inputs, load_thresholds())]
    [('psi score', 'fail')]
    """
    th = thresholds["stability"]
    if inputs.baseline_score is None:
        return [
            CheckResult(
                "stability",
                "psi score",
                "skip",
                None,
                f"<= {th['max_psi']:.2f}",
                "needs a baseline sample (--baseline)",
            )
        ]
    p = psi(inputs.baseline_score, inputs.score, bins=int(th["n_score_bins"]), name="score")
    out = [
        CheckResult(
            "stability",
            "psi score",
            _at_most(p.statistic, th["max_psi"], th["warn_psi"]),
            p.statistic,
            f"<= {th['max_psi']:.2f}",
            f"PSI {p.statistic:.4f} ({p.rule_of_thumb}); mean score {inputs.score.mean():.1f} "
            f"vs {inputs.baseline_score.mean():.1f} at baseline",
            {"pvalue": p.pvalue, "critical_value": p.critical_value},
        )
    ]
    for name, slots in inputs.feature_slots.items():
        base = inputs.baseline_feature_slots.get(name)
        if base is None:
            continue
        r = csi_on_card_bins(base, slots, inputs.slot_labels.get(name), name)
        out.append(
            CheckResult(
                "stability",
                f"csi {name}",
                _at_most(r.statistic, th["max_csi"], th["warn_csi"]),
                r.statistic,
                f"<= {th['max_csi']:.2f}",
                f"CSI {r.statistic:.4f} ({r.rule_of_thumb}) over {len(r.labels)} card bins",
                {"pvalue": r.pvalue},
            )
        )
    return out


def csi_on_card_bins(
    baseline_slots: npt.NDArray[np.intp],
    slots: npt.NDArray[np.intp],
    labels: tuple[str, ...] | None,
    name: str,
) -> PSIResult:
    """CSI of one feature from the card-bin slots of the baseline and current samples.

    Slots empty in both samples (e.g. an unused special code) are dropped.

    Examples
    --------
    >>> import numpy as np
    >>> r = csi_on_card_bins(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]), None, "x")
    >>> round(r.statistic, 4)
    0.3466
    """
    k = max(int(slots.max(initial=0)), int(baseline_slots.max(initial=0))) + 1
    k = max(k, len(labels) if labels else 0)
    expected = np.bincount(baseline_slots, minlength=k).astype(np.float64)
    actual = np.bincount(slots, minlength=k).astype(np.float64)
    used = (expected + actual) > 0
    kept = [labels[i] for i in np.flatnonzero(used)] if labels else None
    return psi_from_counts(expected[used], actual[used], labels=kept, name=name)


#: The checks :func:`overdue_risk.gate.validate` runs, in order.
CHECKS: tuple[CheckFunction, ...] = (check_discrimination, check_calibration, check_stability)
