"""Report section about a scorecard over time: the series of a monitoring run.

The section appears when ``build_report(..., monitoring=monitor(...))`` is given a
:class:`~overdue_risk.monitoring.MonitoringResult`; its charts come from
:mod:`overdue_risk.plotting` (``plot_monitoring_*``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from overdue_risk.reporting._html import chart_html, esc, table_html
from overdue_risk.reporting._registry import register_section

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.monitoring import MonitoringResult

__all__: list[str] = []


@register_section("monitoring", "Monitoring over time", before="cutoffs")
def monitoring_section(*, monitoring: MonitoringResult) -> str:
    """Per period: PSI, worst CSI, Gini / KS, default rate vs PD and the lights; the alerts;
    one chart per series."""
    from overdue_risk.plotting import (
        plot_monitoring_calibration,
        plot_monitoring_csi,
        plot_monitoring_discrimination,
        plot_monitoring_psi,
        plot_monitoring_status,
    )

    res = monitoring
    _, columns, rows, footer = res._summary_table()
    n_red = sum(a.level == "red" for a in res.alerts)
    intro = (
        f"<p>{esc(res.spec_name)} scored period by period against {esc(res.baseline)} "
        f"({res.n_baseline:,} rows). Outcome statistics use only periods whose "
        f"{res.horizon}-period outcome window has ended by {esc(res.as_of)}; their alerts "
        f"are raised when that window ends. <strong>{len(res.alerts)} alert(s), "
        f"{n_red} red.</strong></p>"
    )
    parts = [intro, table_html(columns, rows, text_columns=(0, 3, 4, 9, 10))]
    parts.append(f"<p><small>{esc(footer)}</small></p>")
    charts = []
    for plot, caption in (
        (plot_monitoring_status, "Traffic lights of every series by period"),
        (plot_monitoring_psi, "Score PSI with its yellow / red thresholds; shaded: alert"),
        (plot_monitoring_csi, "CSI of the features that moved most"),
        (plot_monitoring_discrimination, "Gini and KS of the mature periods, with intervals"),
        (plot_monitoring_calibration, "Default rate against mean PD, coloured by light"),
    ):
        height = 0.9 + 0.16 * len(res.series_names) if plot is plot_monitoring_status else 3.0
        charts.append(chart_html(caption, plot, res, size=(8.0, height)))
    parts.extend(charts)
    if res.alerts:
        alert_rows = [
            [a.raised_at, a.series, a.level, a.rule, a.first_period, a.period, a.value]
            for a in res.alerts
        ]
        parts.append("<h3>Alerts</h3>")
        parts.append(
            table_html(
                ["raised", "series", "level", "rule", "run from", "period", "value"],
                alert_rows,
                text_columns=(0, 1, 2, 3, 4, 5),
            )
        )
    return "".join(parts)
