"""The frozen results of :func:`overdue_risk.monitoring.monitor`: one row per period."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from overdue_risk._results import Result
from overdue_risk.exceptions import DataError
from overdue_risk.monitoring._alerts import Alert, AlertRule, MonitoringThresholds

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.backtest import BacktestResult
    from overdue_risk.metrics import AUCResult, KSResult, PSIResult

__all__ = ["MonitoringResult", "PeriodStats"]

_NAN = math.nan


@dataclass(frozen=True, eq=False)
class PeriodStats:
    """Everything measured in one period.

    Attributes
    ----------
    period : str
        Period label (``"2024-03"`` for monthly dates).
    n : int
        Rows scored in the period.
    mean_score : float
        Mean scorecard points.
    psi : PSIResult
        PSI of the score against the baseline (its quantile bins), with its critical value.
    csi : mapping of str to PSIResult
        CSI of every card feature on the card's own bins (slots ``[bins..., missing,
        specials..., unseen]``).
    mature : bool
        True when the outcome window of the period has ended by ``as_of`` (see
        :func:`~overdue_risk.monitoring.monitor`); outcome statistics exist only then.
    known_at : str
        The period in which the outcome window ends.
    n_outcomes, n_defaults : int
        Rows with a known outcome, and defaults among them (0 when immature).
    mean_pd : float
        Mean calibrated PD of the rows with a known outcome (NaN without calibration or
        outcomes).
    gini : AUCResult or None
        Gini with its DeLong standard error, when the period holds both outcomes.
    ks : KSResult or None
        KS, likewise.
    ks_interval : (float, float) or None
        Dvoretzky-Kiefer-Wolfowitz-Massart confidence interval of the KS distance.
    auc_drop_pvalue : float
        One-sided p-value that the AUC fell below the baseline's (NaN without a baseline
        target).
    calibration : BacktestResult or None
        Jeffreys test of the mean PD against the default rate (one grade: the portfolio).
    grade_backtest : BacktestResult or None
        Jeffreys test per master-scale grade, when the spec carries a master scale.
    status : mapping of str to str
        Traffic light of every series in this period.
    """

    period: str
    n: int
    mean_score: float
    psi: PSIResult
    csi: Mapping[str, PSIResult]
    mature: bool
    known_at: str
    n_outcomes: int = 0
    n_defaults: int = 0
    mean_pd: float = _NAN
    gini: AUCResult | None = None
    ks: KSResult | None = None
    ks_interval: tuple[float, float] | None = None
    auc_drop_pvalue: float = _NAN
    calibration: BacktestResult | None = None
    grade_backtest: BacktestResult | None = None
    status: Mapping[str, str] | None = None

    @property
    def default_rate(self) -> float:
        """Defaults / rows with a known outcome (NaN without outcomes)."""
        return self.n_defaults / self.n_outcomes if self.n_outcomes else _NAN


def _alert_text(alerts: list[Alert]) -> str:
    """``series level`` of each series with an alert (its worst level), sorted."""
    worst: dict[str, str] = {}
    for a in alerts:
        if worst.get(a.series) != "red":
            worst[a.series] = a.level
    return ", ".join(f"{k} {v}" for k, v in sorted(worst.items()))


@dataclass(frozen=True, eq=False)
class MonitoringResult(Result):
    """A scorecard's monitoring series: stability, discrimination, calibration, alerts.

    Built by :func:`~overdue_risk.monitoring.monitor`.

    Attributes
    ----------
    periods : tuple of PeriodStats
        One entry per period, in time order.
    alerts : tuple of Alert
        Every alert the rules raised, by period.
    spec_name : str
        The card's name.
    n_baseline : int
        Rows of the baseline sample.
    baseline : str
        What the baseline was (a period range or "a separate sample").
    horizon : int
        Outcome window in periods.
    as_of : str
        The period up to which outcomes are known.
    confidence_level : float
        Level of the Gini and KS intervals.
    thresholds : MonitoringThresholds
    rules : tuple of AlertRule

    Examples
    --------
    See :func:`~overdue_risk.monitoring.monitor`.
    """

    periods: tuple[PeriodStats, ...]
    alerts: tuple[Alert, ...]
    spec_name: str
    n_baseline: int
    baseline: str
    horizon: int
    as_of: str
    confidence_level: float
    thresholds: MonitoringThresholds
    rules: tuple[AlertRule, ...]

    # ------------------------------------------------------------------ views
    @property
    def labels(self) -> tuple[str, ...]:
        """Period labels in time order."""
        return tuple(p.period for p in self.periods)

    @property
    def series_names(self) -> tuple[str, ...]:
        """Names of the series that carry a traffic light."""
        names: dict[str, None] = {}
        for p in self.periods:
            names.update(dict.fromkeys(p.status or {}))
        return tuple(names)

    def status(self, series: str) -> tuple[str, ...]:
        """The traffic light of ``series`` in every period ("n/a" where it has none).

        Raises
        ------
        KeyError
            When no period knows ``series``; the message lists the series there are.
        """
        if series not in self.series_names:
            raise KeyError(f"no series {series!r}; the series are {list(self.series_names)}.")
        return tuple((p.status or {}).get(series, "n/a") for p in self.periods)

    def alert_periods(self, series: str = "*", level: str = "yellow") -> tuple[str, ...]:
        """Periods (as raised) with an alert of ``level`` or worse on matching series.

        ``series`` is a shell-style pattern, as in :class:`AlertRule`.
        """
        rule = AlertRule(series, level)
        keep = {
            a.raised_at
            for a in self.alerts
            if rule.matches(a.series) and (level == "yellow" or a.level == "red")
        }
        order = list(self.labels)
        return tuple(sorted(keep, key=lambda p: order.index(p) if p in order else len(order)))

    def to_frame(self) -> Any:
        """One row per period: n, PSI and its critical value, worst CSI, Gini and KS with
        their intervals, default rate against mean PD, backtest p-values and the lights."""
        import pandas as pd

        level = self.confidence_level
        rows = []
        for p in self.periods:
            worst = max(p.csi.items(), key=lambda kv: kv[1].statistic, default=None)
            g_lo, g_hi = p.gini.confidence_interval(level) if p.gini else (_NAN, _NAN)
            ks_lo, ks_hi = p.ks_interval or (_NAN, _NAN)
            status = dict(p.status or {})
            rows.append(
                {
                    "period": p.period,
                    "n": p.n,
                    "mean_score": p.mean_score,
                    "psi": p.psi.statistic,
                    "psi_critical_value": p.psi.critical_value_at(self.thresholds.alpha_yellow),
                    "psi_status": status.get("psi", "n/a"),
                    "max_csi": worst[1].statistic if worst else _NAN,
                    "max_csi_feature": worst[0] if worst else None,
                    "mature": p.mature,
                    "known_at": p.known_at,
                    "n_outcomes": p.n_outcomes,
                    "default_rate": p.default_rate,
                    "mean_pd": p.mean_pd,
                    "gini": p.gini.statistic if p.gini else _NAN,
                    "gini_low": g_lo,
                    "gini_high": g_hi,
                    "ks": p.ks.statistic if p.ks else _NAN,
                    "ks_low": ks_lo,
                    "ks_high": ks_hi,
                    "auc_drop_pvalue": p.auc_drop_pvalue,
                    "calibration_pvalue": p.calibration.pvalue if p.calibration else _NAN,
                    "calibration_status": status.get("calibration", "n/a"),
                    "discrimination_status": status.get("discrimination", "n/a"),
                    "n_alerts": sum(a.raised_at == p.period for a in self.alerts),
                }
            )
        return pd.DataFrame(rows)

    def csi_frame(self, value: str = "statistic") -> Any:
        """CSI of every card feature (columns) in every period (rows).

        Parameters
        ----------
        value : {"statistic", "critical_value", "pvalue"}, default="statistic"
            The CSI, its Yurdakul-Naranjo critical value at ``thresholds.alpha_yellow``,
            or its p-value.
        """
        import pandas as pd

        alpha = self.thresholds.alpha_yellow
        getters: dict[str, Callable[[PSIResult], float]] = {
            "statistic": lambda r: r.statistic,
            "critical_value": lambda r: r.critical_value_at(alpha),
            "pvalue": lambda r: r.pvalue,
        }
        if value not in getters:
            raise DataError(f"value must be one of {sorted(getters)}; got {value!r}.")
        get = getters[value]
        return pd.DataFrame(
            [{k: get(v) for k, v in p.csi.items()} for p in self.periods],
            index=pd.Index(self.labels, name="period"),
        )

    def status_frame(self) -> Any:
        """Traffic light of every series (columns) in every period (rows)."""
        import pandas as pd

        names = self.series_names
        return pd.DataFrame(
            [[(p.status or {}).get(s, "n/a") for s in names] for p in self.periods],
            index=pd.Index(self.labels, name="period"),
            columns=list(names),
        )

    def alerts_frame(self) -> Any:
        """One row per alert (period, series, level, rule, first period, value, raised at)."""
        import pandas as pd

        cols = ["period", "series", "level", "rule", "first_period", "value", "raised_at"]
        return pd.DataFrame([[getattr(a, c) for c in cols] for a in self.alerts], columns=cols)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows: list[list[Any]] = []
        for p in self.periods:
            status = dict(p.status or {})
            worst = max(p.csi.values(), key=lambda r: r.statistic, default=None)
            raised = [a for a in self.alerts if a.raised_at == p.period]
            rows.append(
                [
                    p.period,
                    p.n,
                    p.psi.statistic,
                    status.get("psi", "n/a"),
                    f"{worst.name} {worst.statistic:.3f}" if worst else "",
                    p.gini.statistic if p.gini else None,
                    p.ks.statistic if p.ks else None,
                    p.default_rate if p.n_outcomes else None,
                    p.mean_pd if p.n_outcomes else None,
                    status.get("calibration", "n/a"),
                    _alert_text(raised),
                ]
            )
        n_red = sum(a.level == "red" for a in self.alerts)
        footer = (
            f"Baseline: {self.baseline} ({self.n_baseline:,} rows). Outcomes over {self.horizon} "
            f"period(s), known up to {self.as_of}. {len(self.alerts)} alert(s), {n_red} red; "
            f"rules: {'; '.join(r.describe() for r in self.rules)}."
        )
        return (
            f"Monitoring of {self.spec_name}",
            [
                "period",
                "n",
                "PSI",
                "PSI light",
                "worst CSI",
                "Gini",
                "KS",
                "DR",
                "PD",
                "calib.",
                "alerts",
            ],
            rows,
            footer,
        )
