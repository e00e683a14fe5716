"""Charts: one function per chart, ``ax=None`` in, the matplotlib Axes out.

matplotlib is imported inside each function (install the ``plots`` extra), so importing
this package stays light.

- Scorecard performance (:mod:`overdue_risk.plotting._model_plots`): ROC, KS, gains
  (CAP), calibration, score distributions, PSI bins, WOE per bin.
- Monitoring over time (:mod:`overdue_risk.plotting._monitoring_plots`): score PSI,
  feature CSI, Gini / KS with intervals, calibration and traffic lights per period.
- Delinquency dynamics (:mod:`overdue_risk.plotting._dynamics_plots`): transition
  heatmaps, vintage curves, lifetime PD curves, roll and flow rates.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from overdue_risk.plotting import plot_roc
>>> plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).get_title()
'ROC curve'
"""

from __future__ import annotations

from overdue_risk.plotting._dynamics_plots import (
    plot_flow_rates,
    plot_pd_curves,
    plot_roll_rates,
    plot_transition_matrix,
    plot_vintage_curves,
)
from overdue_risk.plotting._model_plots import (
    plot_calibration,
    plot_cap,
    plot_ks,
    plot_psi,
    plot_roc,
    plot_score_distribution,
    plot_woe,
    roc_points,
)
from overdue_risk.plotting._monitoring_plots import (
    plot_monitoring_calibration,
    plot_monitoring_csi,
    plot_monitoring_discrimination,
    plot_monitoring_psi,
    plot_monitoring_status,
)
from overdue_risk.plotting._validation_plots import plot_gains

__all__ = [
    "plot_calibration",
    "plot_cap",
    "plot_flow_rates",
    "plot_gains",
    "plot_ks",
    "plot_monitoring_calibration",
    "plot_monitoring_csi",
    "plot_monitoring_discrimination",
    "plot_monitoring_psi",
    "plot_monitoring_status",
    "plot_pd_curves",
    "plot_psi",
    "plot_roc",
    "plot_roll_rates",
    "plot_score_distribution",
    "plot_transition_matrix",
    "plot_vintage_curves",
    "plot_woe",
    "roc_points",
]
