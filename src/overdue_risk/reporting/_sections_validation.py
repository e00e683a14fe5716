"""Report sections that make the report a validation document: purpose and data (sample
windows, bad definition, exclusions), development against hold-out for every statistic,
the features kept and dropped with the reason, and the limitations at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import format_cell
from overdue_risk.metrics import gini, ks_statistic, psi, roc_auc
from overdue_risk.reporting._html import esc, table_html
from overdue_risk.reporting._registry import register_section

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.gate import GateResult
    from overdue_risk.runtime import Spec

__all__: list[str] = []

_DATE_HINTS = ("application", "origination", "open", "booking", "issue", "date")


def _items(value: str | Sequence[str] | None) -> list[str]:
    """A text or a list of texts as a list (None: empty)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _window(frame: pd.DataFrame) -> str:
    """``first .. last (column)`` of the frame's origination-like date column, or ''."""
    import pandas as pd

    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    if not dates:
        return ""
    ranked = sorted(
        dates,
        key=lambda c: next((i for i, h in enumerate(_DATE_HINTS) if h in str(c).lower()), 99),
    )
    col = ranked[0]
    v = frame[col].dropna()
    if v.empty:
        return ""
    return f"{v.min():%Y-%m-%d} to {v.max():%Y-%m-%d} ({col})"


def _sample_row(name: str, frame: pd.DataFrame, y: Any) -> list[Any]:
    yy = np.asarray(y, dtype=np.float64) if y is not None else None
    return [
        name,
        len(frame),
        int(yy.sum()) if yy is not None else "",
        f"{float(yy.mean()):.2%}" if yy is not None and yy.size else "",
        _window(frame) or "no date column",
    ]


@register_section("purpose", "Purpose and data", before="data")
def purpose_section(
    *,
    data: pd.DataFrame,
    target: str | None = None,
    y: Any = None,
    baseline: pd.DataFrame | None = None,
    baseline_y: Any = None,
    spec: Spec | None = None,
    purpose: str | None = None,
    bad_definition: str | None = None,
    exclusions: str | Sequence[str] | None = None,
) -> str:
    """What the model is for, the samples and their windows, the bad definition, exclusions."""
    name = spec.to_dict().get("name") if spec is not None else None
    text = purpose or (
        f"Validation of the application scorecard <code>{esc(name)}</code>: does it rank "
        "and price the risk of default on the hold-out sample as it did in development?"
        if name
        else "Description of the sample given to the report."
    )
    parts = [f"<p><strong>Purpose.</strong> {text if not purpose else esc(text)}</p>"]
    if bad_definition:
        bad = esc(bad_definition)
    elif target is not None:
        bad = (
            f"the 0/1 column <code>{esc(target)}</code>; its definition was not given "
            "(pass <code>bad_definition=</code> to build_report)"
        )
    else:
        bad = "no target given"
    parts.append(f"<p><strong>Bad definition.</strong> {bad}.</p>")
    rows = []
    if baseline is not None:
        rows.append(_sample_row("development (baseline)", baseline, baseline_y))
    label = "hold-out (validation)" if baseline is not None else "sample"
    rows.append(_sample_row(label, data, y))
    parts.append(
        "<p><strong>Samples and windows.</strong></p>"
        + table_html(["sample", "loans", "bads", "bad rate", "window"], rows, text_columns=(0, 4))
    )
    excl = _items(exclusions)
    if excl:
        parts.append(
            "<p><strong>Exclusions.</strong></p><ul>"
            + "".join(f"<li>{esc(e)}</li>" for e in excl)
            + "</ul>"
        )
    else:
        parts.append(
            "<p><strong>Exclusions.</strong> None were stated (pass "
            "<code>exclusions=</code> to build_report).</p>"
        )
    return "".join(parts)


# --------------------------------------------------------------------------------------
# development against hold-out
# --------------------------------------------------------------------------------------


def _ranking(y: npt.NDArray[np.int64], score: npt.NDArray[np.float64]) -> dict[str, Any]:
    risk = -np.asarray(score, dtype=np.float64)
    auc, g = roc_auc(y, risk), gini(y, risk)
    g_lo, g_hi = g.confidence_interval(0.95)
    return {
        "auc": float(auc.statistic),
        "gini": float(g.statistic),
        "gini_ci": f"[{g_lo:.4f}, {g_hi:.4f}]",
        "ks": float(ks_statistic(y, risk).statistic),
    }


@register_section("dev_holdout", "Development against hold-out", before="binning")
def dev_holdout_section(
    *,
    y: npt.NDArray[np.int64],
    score: npt.NDArray[np.float64],
    baseline_y: npt.NDArray[np.int64],
    baseline_score: npt.NDArray[np.float64],
    pd: npt.NDArray[np.float64] | None = None,
    baseline_pd: npt.NDArray[np.float64] | None = None,
) -> str:
    """Every headline statistic on the development and the hold-out sample, side by side."""
    dev, hold = _ranking(baseline_y, baseline_score), _ranking(y, score)
    dy, hy = np.asarray(baseline_y, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def pct(v: float) -> str:
        return f"{v:.2%}"

    rows: list[list[Any]] = [
        ["loans", dy.size, hy.size, ""],
        ["bads", int(dy.sum()), int(hy.sum()), ""],
        ["bad rate", pct(dy.mean()), pct(hy.mean()), f"{(hy.mean() - dy.mean()) * 100:+.2f} pp"],
    ]
    if pd is not None and baseline_pd is not None:
        dpd, hpd = float(np.mean(baseline_pd)), float(np.mean(pd))
        rows.append(["mean PD", pct(dpd), pct(hpd), f"{(hpd - dpd) * 100:+.2f} pp"])
    for key, label in (("auc", "AUC"), ("gini", "Gini"), ("ks", "KS")):
        rows.append([label, dev[key], hold[key], f"{hold[key] - dev[key]:+.4f}"])
    rows.append(["Gini 95% CI (DeLong)", dev["gini_ci"], hold["gini_ci"], ""])
    p = psi(baseline_score, score, bins=10, name="score")
    rows.append(
        [
            "PSI of the score",
            "reference",
            float(p.statistic),
            str(p.rule_of_thumb),
        ]
    )
    drop = (dev["gini"] - hold["gini"]) / dev["gini"] if dev["gini"] else float("nan")
    note = (
        f"<p>The hold-out Gini is {format_cell(hold['gini'])} against "
        f"{format_cell(dev['gini'])} in development"
        + (f", a relative drop of {drop:.1%}" if np.isfinite(drop) else "")
        + ". Development = the <code>baseline</code> sample (the card was fitted on it); "
        "hold-out = <code>data</code>.</p>"
    )
    return note + table_html(
        ["statistic", "development", "hold-out", "change"], rows, text_columns=(0, 3)
    )


# --------------------------------------------------------------------------------------
# features kept and dropped
# --------------------------------------------------------------------------------------


@register_section("features", "Features kept and dropped", before="binning")
def features_section(*, spec: Spec, scorecard: Any = None, selection: Any = None) -> str:
    """The card's features (IV, coefficient, bins) and every dropped feature with its reason.

    Dropped features come from the spec's fit metadata (or the fitted ``scorecard``'s
    ``dropped_features_``) and from ``selection``: the selection steps run before the fit
    (a :class:`~overdue_risk.selection.SelectionResult` or a sequence of them).
    """
    doc = spec.to_dict()
    meta = doc.get("metadata") or {}
    info: dict[str, Any] = dict(meta.get("feature_info") or {})
    known = meta.get("source") == "fitted" or "dropped_features" in meta
    dropped = {str(k): str(v) for k, v in (meta.get("dropped_features") or {}).items()}
    if scorecard is not None and hasattr(scorecard, "dropped_features_"):
        dropped = {str(k): str(v) for k, v in scorecard.dropped_features_.items()}
        known = True
    steps = [selection] if hasattr(selection, "reasons") else list(selection or ())
    for step in steps:
        known = True  # a selection ran: nothing in it dropped means nothing was dropped
        for name, kept, reason in zip(step.features, step.kept, step.reasons, strict=True):
            if not kept:
                dropped.setdefault(str(name), f"selection ({step.method}): {reason}")
    kept_rows = []
    for feat in doc["features"]:
        fi = info.get(feat["name"], {})
        kept_rows.append(
            [
                feat["name"],
                fi.get("iv", ""),
                fi.get("coefficient", ""),
                len(feat.get("points") or []),
                fi.get("trend", ""),
            ]
        )
    parts = [
        f"<p>{len(kept_rows)} features on the card, {len(dropped)} dropped.</p>"
        "<h3>Kept</h3>"
        + table_html(
            ["feature", "IV", "coefficient", "bins", "WOE trend"], kept_rows, text_columns=(0, 4)
        )
    ]
    if dropped:
        parts.append(
            "<h3>Dropped, with the reason</h3>"
            + table_html(
                ["feature", "reason"],
                [[k, v] for k, v in sorted(dropped.items())],
                text_columns=(0, 1),
            )
        )
    elif not known:
        parts.append(
            '<p class="note">The spec does not record which candidate features were dropped '
            "(an expert card, or a spec written without the fit's metadata).</p>"
        )
    else:
        parts.append("<p>No candidate feature was dropped.</p>")
    return "".join(parts)


# --------------------------------------------------------------------------------------
# limitations
# --------------------------------------------------------------------------------------


@register_section("limitations", "Limitations")
def limitations_section(
    *,
    data: pd.DataFrame,
    y: npt.NDArray[np.int64] | None = None,
    baseline: pd.DataFrame | None = None,
    performance: pd.DataFrame | None = None,
    bad_definition: str | None = None,
    exclusions: str | Sequence[str] | None = None,
    gate: GateResult | None = None,
    limitations: str | Sequence[str] | None = None,
    simulated: bool = False,
    lgd: float = 0.8,
) -> str:
    """What the reader should not conclude from this report: stated, then found in the data."""
    items = [esc(t) for t in _items(limitations)]
    if simulated:
        items.append(
            "The data are simulated (<code>make_microloan_portfolio</code>): the report shows "
            "the method, not the performance of a real book."
        )
    if y is not None:
        n_bad = int(np.asarray(y).sum())
        if n_bad < 300:
            items.append(
                f"The hold-out has {n_bad:,} bads: Gini, KS and the per-grade backtests carry "
                "wide intervals (see the DeLong interval in the discrimination section)."
            )
    if baseline is None:
        items.append(
            "No development (baseline) sample was given: there is no development against "
            "hold-out comparison and no stability (PSI / CSI) analysis."
        )
    if not bad_definition:
        items.append("The bad definition was not stated to the report.")
    if not _items(exclusions):
        items.append(
            "No exclusions were stated; the samples may include loans that should not be scored."
        )
    if gate is not None:
        weak = [c for c in gate.checks if c.status in ("fail", "warn")]
        if weak:
            listed = ", ".join(f"{c.check_id} ({c.status})" for c in weak)
            items.append(f"Gate checks not passed cleanly: {esc(listed)}.")
    items.append(
        "The model is developed on booked loans only: the outcome of rejected applicants is "
        "not observed (see <code>overdue_risk.reject_inference</code>)."
    )
    items.append(
        "Discrimination and calibration are measured on one hold-out sample; drift after "
        "it is the monitoring's job (<code>overdue_risk.monitoring</code>)."
    )
    if performance is not None or "apr" in set(map(str, data.columns)):
        items.append(
            f"Loss figures (cut-off profit, ECL, collections) use an assumed LGD of {lgd:.0%}, "
            "not an estimated one (pass <code>lgd=</code> to build_report)."
        )
    return "<ul>" + "".join(f"<li>{t}</li>" for t in items) + "</ul>"
