"""Report sections about the scorecard: binning, the card, discrimination, calibration,
stability. Statistics come from :mod:`overdue_risk.metrics` and
:mod:`overdue_risk.backtest`, charts from :mod:`overdue_risk.plotting`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk import plotting
from overdue_risk._optional import require
from overdue_risk._results import format_cell
from overdue_risk.backtest import brier_score, hosmer_lemeshow_test, jeffreys_test, traffic_light
from overdue_risk.gate import card_slots, load_thresholds, slot_labels
from overdue_risk.gate._checks import _grade_counts, _pd_groups, csi_on_card_bins
from overdue_risk.metrics import gains_table, gini, ks_statistic, psi, roc_auc
from overdue_risk.reporting._html import chart_html, esc, figure, figure_html, table_html
from overdue_risk.reporting._registry import register_section
from overdue_risk.strategy import cutoff_analysis

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.gate import GateResult
    from overdue_risk.runtime import Spec

__all__: list[str] = []


def _grid(*figures: str) -> str:
    return '<div class="grid">' + "".join(figures) + "</div>"


# --------------------------------------------------------------------------------------
# binning
# --------------------------------------------------------------------------------------


@register_section("binning", "Binning and weight of evidence")
def binning_section(*, binner: Any) -> str:
    """Per feature: the binning table (counts, event rate, WOE, IV) and a WOE chart."""
    names = [str(n) for n in binner.feature_names_in_]
    tables = [binner.binning_table(n) for n in names]
    order = np.argsort([-float(t.total_iv) for t in tables], kind="stable")
    rows = [[names[i], float(tables[i].total_iv), len(tables[i].labels)] for i in order]
    parts = [
        "<p>Features by information value (IV). WOE = ln(share of goods / share of bads): "
        "higher WOE means lower risk.</p>",
        table_html(["feature", "IV", "bins"], rows),
    ]
    parts.append(_woe_grid([tables[i] for i in order]))
    parts.append(_overrides_html(getattr(binner, "overrides_", None) or []))
    for i in order:
        t = tables[i]
        parts.append(f"<h3>{esc(t.name)}</h3>{t._repr_html_()}")
    return "".join(parts)


def _overrides_html(overrides: list[dict[str, Any]]) -> str:
    """The binner's manual changes (audit trail), or a line saying there were none."""
    if not overrides:
        return "<h3>Manual changes</h3><p>None: every feature keeps its optimal binning.</p>"
    rows = [
        [
            str(o.get("feature", "")),
            str(o.get("action", "")),
            str(o.get("before", "")),
            str(o.get("after", "")),
            str(o.get("reason", "")),
            str(o.get("timestamp", "")),
        ]
        for o in overrides
    ]
    return "<h3>Manual changes (audit trail)</h3>" + table_html(
        ["feature", "change", "bins before", "bins after", "reason", "when (UTC)"],
        rows,
        text_columns=range(6),
    )


def _woe_grid(tables: list[Any], ncols: int = 3) -> str:
    """One figure with a WOE chart per feature (one PNG: far cheaper than one each)."""
    FigureCanvasAgg = require(
        "matplotlib.backends.backend_agg", extra="plots", purpose="the HTML report"
    ).FigureCanvasAgg
    from matplotlib.figure import Figure

    nrows = -(-len(tables) // ncols)
    fig = Figure(figsize=(4.0 * ncols, 2.7 * nrows))
    FigureCanvasAgg(fig)
    for k, t in enumerate(tables):
        ax = fig.add_subplot(nrows, ncols, k + 1)
        plotting.plot_woe(t.labels, t.woe, ax, title=f"{t.name} (IV {t.total_iv:.3f})")
    # fixed spacing: a constrained layout of a large grid costs seconds
    fig.subplots_adjust(
        left=0.05,
        right=0.99,
        top=1 - 0.35 / nrows,
        bottom=0.9 / (2.7 * nrows),
        hspace=0.95,
        wspace=0.25,
    )
    return figure_html(fig, "WOE per bin of every feature, by information value")


# --------------------------------------------------------------------------------------
# the scorecard itself (from the spec)
# --------------------------------------------------------------------------------------


def _feature_rows(feat: dict[str, Any]) -> list[list[Any]]:
    labels = list(feat.get("bins") or [])
    woe = feat.get("woe") or {}
    points = list(feat["points"])
    extra_points = [feat["missing_points"], *feat.get("special_points", [])]
    woes = [*woe.get("bins", []), woe.get("missing"), *woe.get("special", [])]
    values = points + extra_points
    if feat.get("kind") == "categorical":
        values.append(feat.get("unseen_points"))
        labels = [*labels, "Unseen"] if len(labels) < len(values) else labels
    rows = []
    for i, pts in enumerate(values):
        label = labels[i] if i < len(labels) else f"bin {i}"
        w = woes[i] if i < len(woes) else None
        rows.append([feat["name"] if i == 0 else "", label, w, pts])
    return rows


@register_section("scorecard", "The scorecard")
def scorecard_section(*, spec: Spec) -> str:
    """Scaling, the points of every bin, and the calibration and master scale."""
    doc = spec.to_dict()
    sc = doc.get("scaling", {})
    head = (
        f"<p>Scorecard <code>{esc(doc.get('name'))}</code>: {len(doc['features'])} features. "
        f"Points double the good:bad odds every {esc(sc.get('pdo'))} points; "
        f"{esc(sc.get('base_score'))} points = odds {esc(sc.get('base_odds'))}:1. "
        f"Intercept points: {esc(doc.get('intercept_points'))}.</p>"
    )
    rows: list[list[Any]] = []
    for feat in doc["features"]:
        rows.extend(_feature_rows(feat))
    parts = [head, table_html(["feature", "bin", "WOE", "points"], rows, text_columns=(0, 1))]
    cal = doc.get("calibration")
    if cal:
        desc = ", ".join(f"{k} = {v}" for k, v in cal.items() if not isinstance(v, list))
        parts.append(f"<h3>Calibration</h3><p>Points to PD: {esc(desc)}.</p>")
    ms = doc.get("master_scale")
    if ms:
        ms_rows = [
            [g, u, p] for g, u, p in zip(ms["grades"], ms["upper_pd"], ms["pd"], strict=True)
        ]
        parts.append(
            "<h3>Master scale</h3>" + table_html(["grade", "upper PD", "grade PD"], ms_rows)
        )
    return "".join(parts)


# --------------------------------------------------------------------------------------
# discrimination
# --------------------------------------------------------------------------------------


@register_section("discrimination", "Discrimination: ROC, KS and gains")
def discrimination_section(*, y: npt.NDArray[np.int64], score: npt.NDArray[np.float64]) -> str:
    """AUC and Gini with DeLong intervals, KS, ROC / KS / CAP charts, gains table."""
    risk = -score
    auc, g, ks = roc_auc(y, risk), gini(y, risk), ks_statistic(y, risk)
    a_lo, a_hi = auc.confidence_interval(0.95)
    g_lo, g_hi = g.confidence_interval(0.95)
    rows = [
        ["AUC", auc.statistic, f"[{a_lo:.4f}, {a_hi:.4f}]"],
        ["Gini", g.statistic, f"[{g_lo:.4f}, {g_hi:.4f}]"],
        ["KS", ks.statistic, f"at score {format_cell(float(-ks.threshold))}"],
    ]
    summary = table_html(["measure", "value", "95% DeLong CI / note"], rows, text_columns=(0, 2))
    charts = [
        chart_html(caption, plot, *args, size=(4.6, 3.6))
        for plot, args, caption in (
            (plotting.plot_roc, (y, risk), "ROC curve"),
            (plotting.plot_ks, (y, score), "Cumulative score distributions of goods and bads"),
            (plotting.plot_cap, (y, risk), "Gains: share of bads among the riskiest applicants"),
            (plotting.plot_score_distribution, (score, y), "Score distribution of goods and bads"),
        )
    ]
    gains = gains_table(y, risk, n_bins=10)
    return (
        f"<p>{len(y):,} loans, {int(y.sum()):,} bads.</p>"
        + summary
        + _grid(*charts)
        + "<h3>Gains table (score deciles, riskiest first)</h3>"
        + _gains_html(gains)
    )


def _gains_html(gains: Any) -> str:
    """The gains table in points (the card's scale: higher = safer), riskiest band first.

    ``gains_table`` ranks a risk score (higher = riskier), so the report passes it the
    negated points; the band's points range is the negated risk range, turned back here.
    """
    c = gains._columns()
    rows = [
        [
            gains.band[i],
            -float(gains.score_max[i]),
            -float(gains.score_min[i]),
            int(gains.n[i]),
            int(gains.n_events[i]),
            float(c["event_rate"][i]),
            float(c["cum_population_pct"][i]),
            float(c["cum_events_pct"][i]),
            float(c["lift"][i]),
            float(c["cum_lift"][i]),
            float(c["ks"][i]),
        ]
        for i in range(len(gains.band))
    ]
    cols = [
        "band",
        "points from",
        "points to",
        "loans",
        "bads",
        "bad rate",
        "cum share of loans",
        "cum share of bads",
        "lift",
        "cum lift",
        "KS",
    ]
    return table_html(cols, rows, text_columns=())


# --------------------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------------------

_LIGHT = {"green": "status-pass", "yellow": "status-warn", "red": "status-fail"}


@register_section("calibration", "Calibration and backtests")
def calibration_section(
    *,
    y: npt.NDArray[np.int64],
    pd: npt.NDArray[np.float64],
    grade: npt.NDArray[np.object_] | None = None,
    spec: Spec | None = None,
    thresholds: Any = None,
) -> str:
    """Observed default rate against PD, one Hosmer-Lemeshow test (the gate's grouping),
    and per-grade Jeffreys backtests (traffic light)."""
    caption = "Observed default rate against mean PD, PD deciles"
    chart = chart_html(caption, plotting.plot_calibration, y, pd, size=(5.2, 4.0))
    brier = brier_score(y, pd)
    parts = [
        f"<p>Mean PD {float(pd.mean()):.2%} against an observed default rate of "
        f"{float(y.mean()):.2%}; Brier score {brier.statistic:.4f}.</p>",
        chart,
    ]
    n_groups = _hl_groups(thresholds)
    n_g, d_g, pd_g = _pd_groups(y, pd, n_groups)
    hl = hosmer_lemeshow_test(n_g, d_g, pd_g)
    parts.append(
        f"<p>Hosmer-Lemeshow: chi2 = {hl.statistic:.2f} on {hl.dof:g} df, "
        f"p = {format_cell(float(hl.pvalue))}. Grouping: {n_g.size} equal-count groups of "
        f"the PD (quantiles; the gate's <code>hl_groups</code> = {n_groups}); degrees of "
        "freedom = groups, as for a sample the PDs were not fitted on. This is the "
        "<code>hosmer_lemeshow</code> check of the gate.</p>"
    )
    ms = spec.master_scale if spec is not None else None
    if grade is not None and ms is not None:
        grade_pd = {str(g): float(p) for g, p in zip(ms.grades, ms.pd, strict=True)}
        labels, n, d, pds = _grade_counts(y, grade, grade_pd)
        jt = jeffreys_test(n, d, pds, labels=labels)
        lights = traffic_light(np.asarray(jt.grade_pvalue, dtype=np.float64))
        rows = [
            [labels[i], int(n[i]), int(d[i]), d[i] / n[i], pds[i], jt.grade_pvalue[i], lights[i]]
            for i in range(len(labels))
        ]
        parts.append(
            "<h3>Jeffreys backtest per grade</h3><p>One-sided: a small p-value says the "
            "grade's PD is too low. Traffic light: green p &ge; 0.05, yellow 0.001 &le; p "
            "&lt; 0.05, red p &lt; 0.001.</p>"
            + table_html(
                ["grade", "loans", "defaults", "default rate", "PD", "p-value", "light"],
                rows,
                text_columns=(0, 6),
                row_classes=[_LIGHT.get(str(v), "") for v in lights],
            )
            + f"<p>Portfolio: Jeffreys p = {format_cell(float(jt.pvalue))}.</p>"
        )
    return "".join(parts)


def _hl_groups(thresholds: Any) -> int:
    """The gate's number of Hosmer-Lemeshow PD groups under ``thresholds``."""
    if thresholds is None:
        th = load_thresholds()
    elif isinstance(thresholds, Mapping):
        th = load_thresholds(overrides=thresholds)
    else:
        th = load_thresholds(thresholds)
    return int(th["calibration"]["hl_groups"])


# --------------------------------------------------------------------------------------
# stability
# --------------------------------------------------------------------------------------


@register_section("stability", "Stability: PSI and CSI")
def stability_section(
    *,
    score: npt.NDArray[np.float64],
    baseline_score: npt.NDArray[np.float64],
    spec: Spec | None = None,
    data: pd.DataFrame | None = None,
    baseline: pd.DataFrame | None = None,
) -> str:
    """PSI of the score against the baseline, and CSI of each feature on the card's bins."""
    p = psi(baseline_score, score, bins=10, name="score")
    charts = [
        chart_html(
            "Score decile shares, baseline against current", plotting.plot_psi, p, size=(4.8, 3.6)
        ),
        chart_html(
            "Score distribution, baseline against current",
            plotting.plot_score_distribution,
            score,
            baseline=baseline_score,
            size=(4.8, 3.6),
        ),
    ]
    parts = [
        f"<p>PSI of the score: {p.statistic:.4f} ({esc(p.rule_of_thumb)}); critical value "
        f"at 5%: {p.critical_value:.4f} (Yurdakul and Naranjo, 2020).</p>",
        _grid(*charts),
    ]
    if spec is not None and data is not None and baseline is not None:
        now, then, labels = card_slots(spec, data), card_slots(spec, baseline), slot_labels(spec)
        rows = []
        for name in now:
            r = csi_on_card_bins(then[name], now[name], labels[name], name)
            rows.append([name, r.statistic, r.rule_of_thumb, len(r.labels)])
        rows.sort(key=lambda r: -float(r[1]))  # type: ignore[arg-type]
        parts.append(
            "<h3>Characteristic stability (CSI), on the card's bins</h3>"
            + table_html(["feature", "CSI", "reading", "bins"], rows, text_columns=(0, 2))
        )
    return "".join(parts)


# --------------------------------------------------------------------------------------
# gate verdict
# --------------------------------------------------------------------------------------


@register_section("gate", "Validation gate verdict")
def gate_verdict(*, gate: GateResult) -> str:
    """The CI gate's checks: verdict, and each check's value, threshold and status."""
    verdict = "PASS" if gate.passed else "FAIL"
    counts = gate.counts()
    head = (
        f'<p class="verdict status-{"pass" if gate.passed else "fail"}">{verdict}</p>'
        f"<p>{counts['pass']} passed, {counts['warn']} warnings, {counts['fail']} failed, "
        f"{counts['skip']} skipped; {gate.n_rows:,} validation rows"
        + (f", {gate.n_baseline:,} baseline rows" if gate.n_baseline is not None else "")
        + ".</p>"
    )
    rows = [[c.check_id, c.value, c.threshold, c.status.upper(), c.message] for c in gate.checks]
    classes = [f"status-{c.status}" for c in gate.checks]
    table = table_html(
        ["check", "value", "threshold", "status", "note"],
        rows,
        text_columns=(0, 2, 3, 4),
        row_classes=classes,
    )
    return head + table


# --------------------------------------------------------------------------------------
# strategy: what each cut-off would do
# --------------------------------------------------------------------------------------


@register_section("cutoffs", "Strategy: cut-off analysis")
def cutoff_section(
    *,
    score: npt.NDArray[np.float64],
    y: npt.NDArray[np.int64],
    pd: npt.NDArray[np.float64] | None = None,
    data: pd.DataFrame | None = None,
    lgd: float = 0.8,
) -> str:
    """Approval rate, bad rates and (with PD, APR and amounts) profit by score cut-off."""
    kwargs: dict[str, Any] = {"lgd": lgd}
    have = set(map(str, data.columns)) if data is not None else set()
    if data is not None and "apr" in have:
        kwargs["apr"] = data["apr"].to_numpy(dtype=float)
        if "term_months" in have:
            kwargs["term_months"] = data["term_months"].to_numpy(dtype=float)
        if "loan_amount" in have:
            kwargs["exposure"] = data["loan_amount"].to_numpy(dtype=float)
    result = cutoff_analysis(score, pd, y, cutoffs=11, **kwargs)
    approval = np.asarray(result.approval_rate, dtype=np.float64)
    observed = np.asarray(result.observed_bad_rate, dtype=np.float64)
    with figure(5.6, 3.8) as (fig, (ax,)):
        ax.plot(approval, observed, marker="o", color="#243b53", label="observed bad rate")
        if result.expected_bad_rate is not None:
            expected = np.asarray(result.expected_bad_rate, dtype=np.float64)
            ax.plot(approval, expected, marker=".", ls="--", color="#9a6700", label="expected")
        ax.set_xlabel("approval rate")
        ax.set_ylabel("bad rate of the approved")
        ax.set_title("Approval rate against bad rate, by cut-off")
        ax.legend(fontsize=8)
        chart = figure_html(fig, "The strategy curve: each point is a score cut-off")
    note = (
        f"LGD {lgd:.0%} (an assumption: pass <code>lgd=</code>); profit uses each loan's APR, "
        "term and amount from the data."
        if "apr" in kwargs
        else "No APR in the data: profit is not computed."
    )
    return f"<p>{note}</p>{chart}{result._repr_html_()}"
