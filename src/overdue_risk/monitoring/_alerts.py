"""Traffic lights per period and alert rules over the series, both given as data.

A *status* is the traffic light of one series in one period: ``"green"``, ``"yellow"``,
``"red"`` or ``"n/a"`` (nothing to judge: an immature period, no outcomes, no calibration).
An :class:`AlertRule` turns a run of statuses into :class:`Alert` rows, e.g. "red once"
or "yellow or worse in 2 consecutive periods". NumPy and the standard library only.

Examples
--------
>>> rule = AlertRule("psi", level="yellow", consecutive=2)
>>> [a.period for a in rule.evaluate("psi", ["p1", "p2", "p3", "p4"],
...                                  ["yellow", "green", "yellow", "red"], [0.1] * 4)]
['p4']
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Sequence
from dataclasses import dataclass

from overdue_risk.exceptions import DataError

__all__ = [
    "DEFAULT_RULES",
    "LEVELS",
    "Alert",
    "AlertRule",
    "MonitoringThresholds",
    "evaluate_rules",
    "stability_status",
]

#: Traffic-light statuses, from "nothing to judge" to the most severe.
LEVELS: tuple[str, ...] = ("n/a", "green", "yellow", "red")
_RANK = {name: i for i, name in enumerate(LEVELS)}


@dataclass(frozen=True)
class MonitoringThresholds:
    """Where a period's statistic turns yellow or red.

    Stability (score PSI, feature CSI) needs BOTH a material and a significant shift:
    yellow when the index exceeds ``max(psi_yellow, critical value at alpha_yellow)``, red
    when it exceeds ``max(psi_red, critical value at alpha_red)``. The rule-of-thumb floors
    (0.10 / 0.25, Siddiqi 2006) keep a large book, where every small drift is significant,
    from flagging immaterial moves; the Yurdakul-Naranjo critical value keeps a small
    period, where PSI is noisy, from flagging sampling noise.

    Backtests (calibration, discrimination) are one-sided p-values read as a traffic light
    at confidence levels ``1 - alpha_yellow`` and ``1 - alpha_red`` (Tasche 2003; the
    defaults are the Basel 95% / 99.9% levels of :func:`overdue_risk.backtest.traffic_light`).

    Parameters
    ----------
    psi_yellow, psi_red : float, default=0.10, 0.25
        Materiality floors of the score PSI.
    csi_yellow, csi_red : float, default=0.10, 0.25
        Materiality floors of each feature's CSI.
    alpha_yellow, alpha_red : float, default=0.05, 0.001
        Significance levels: of the PSI / CSI critical values, and of the backtest lights.
    pd_tolerance : float, default=0.0
        Materiality of the calibration backtests: the default rate is tested against
        ``PD * (1 + pd_tolerance)``, so PDs that are at most that much too low pass (0:
        the plain Jeffreys test of ECB 2019).
    auc_tolerance : float, default=0.0
        Materiality of the discrimination test: the AUC-drop test asks whether the AUC
        fell more than this below the baseline's.

    Examples
    --------
    >>> MonitoringThresholds().levels
    (0.95, 0.999)
    >>> MonitoringThresholds(psi_yellow=0.3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: psi_yellow (0.3) must not exceed psi_red (0.25)...
    """

    psi_yellow: float = 0.10
    psi_red: float = 0.25
    csi_yellow: float = 0.10
    csi_red: float = 0.25
    alpha_yellow: float = 0.05
    alpha_red: float = 0.001
    pd_tolerance: float = 0.0
    auc_tolerance: float = 0.0

    def __post_init__(self) -> None:
        for low, high in (("psi_yellow", "psi_red"), ("csi_yellow", "csi_red")):
            lo, hi = float(getattr(self, low)), float(getattr(self, high))
            if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 <= lo <= hi):
                raise DataError(
                    f"{low} ({lo:g}) must not exceed {high} ({hi:g}) and both must be finite "
                    f"and non-negative. Pass e.g. {low}=0.10, {high}=0.25."
                )
        for name in ("pd_tolerance", "auc_tolerance"):
            v = float(getattr(self, name))
            if not (math.isfinite(v) and v >= 0.0):
                raise DataError(f"{name} must be finite and >= 0; got {v!r}. Pass e.g. 0.1.")
        ay, ar = float(self.alpha_yellow), float(self.alpha_red)
        if not 0.0 < ar < ay < 1.0:
            raise DataError(
                f"alpha_red ({ar:g}) must be below alpha_yellow ({ay:g}), both in (0, 1). "
                "Pass e.g. alpha_yellow=0.05, alpha_red=0.001."
            )

    @property
    def levels(self) -> tuple[float, float]:
        """Confidence levels of the backtest traffic light (yellow, red)."""
        return (1.0 - float(self.alpha_yellow), 1.0 - float(self.alpha_red))


def stability_status(
    value: float, cv_yellow: float, cv_red: float, floor_yellow: float, floor_red: float
) -> str:
    """Traffic light of one PSI / CSI value: material AND significant (see thresholds).

    Examples
    --------
    >>> stability_status(0.12, 0.01, 0.02, 0.10, 0.25)
    'yellow'
    >>> stability_status(0.12, 0.20, 0.30, 0.10, 0.25)  # a small sample: only noise
    'green'
    """
    if not math.isfinite(value):
        return "n/a"
    if value > max(floor_red, cv_red):
        return "red"
    if value > max(floor_yellow, cv_yellow):
        return "yellow"
    return "green"


@dataclass(frozen=True)
class Alert:
    """One alert: a rule that holds for a series in a period.

    Attributes
    ----------
    period : str
        The period in which the rule holds (the last period of the run).
    series : str
        ``"psi"``, ``"csi:<feature>"``, ``"calibration"``, ``"calibration_grades"`` or
        ``"discrimination"``.
    level : str
        ``"yellow"`` or ``"red"``: the rule's level.
    rule : str
        The rule in words.
    first_period : str
        First period of the run of statuses at or above ``level``.
    value : float
        The series' statistic in ``period`` (PSI, CSI or backtest p-value).
    raised_at : str
        The period in which the evidence is complete: ``period`` for score and feature
        stability; for the outcome series the period in which the outcome window of
        ``period`` ends (an alert cannot be raised before its defaults are seen).
    """

    period: str
    series: str
    level: str
    rule: str
    first_period: str
    value: float
    raised_at: str


@dataclass(frozen=True)
class AlertRule:
    """Raise an alert when a series stays at ``level`` or worse for ``consecutive`` periods.

    Parameters
    ----------
    series : str, default="*"
        Series name or a shell-style pattern (``"csi:*"``, ``"*"``).
    level : {"yellow", "red"}, default="red"
        Statuses at or above this level count (``"yellow"`` counts red too).
    consecutive : int, default=1
        Length of the run. An alert is emitted for every period whose trailing run is at
        least this long, so a lasting problem shows in each period it lasts. A period
        without a status (``"n/a"``) breaks the run.

    Examples
    --------
    >>> AlertRule("calibration", "yellow", 2).describe()
    'calibration yellow or worse in 2 consecutive periods'
    >>> AlertRule(level="amber")
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: AlertRule level must be 'yellow' or 'red'; got 'amber'. \
Amber is called 'yellow' here, as in overdue_risk.backtest.traffic_light.
    """

    series: str = "*"
    level: str = "red"
    consecutive: int = 1

    def __post_init__(self) -> None:
        if self.level not in ("yellow", "red"):
            hint = (
                " Amber is called 'yellow' here, as in overdue_risk.backtest.traffic_light."
                if str(self.level).lower() == "amber"
                else ""
            )
            raise DataError(f"AlertRule level must be 'yellow' or 'red'; got {self.level!r}.{hint}")
        if isinstance(self.consecutive, bool) or not isinstance(self.consecutive, int):
            raise DataError(
                f"AlertRule consecutive must be a whole number >= 1; got {self.consecutive!r}."
            )
        if self.consecutive < 1:
            raise DataError(
                f"AlertRule consecutive must be >= 1; got {self.consecutive}. Use 1 for 'once'."
            )

    def describe(self) -> str:
        """The rule in words."""
        what = "red" if self.level == "red" else "yellow or worse"
        if self.consecutive == 1:
            return f"{self.series} {what} once"
        return f"{self.series} {what} in {self.consecutive} consecutive periods"

    def matches(self, series: str) -> bool:
        """True when ``series`` is covered by this rule's pattern."""
        return fnmatch.fnmatchcase(series, self.series)

    def evaluate(
        self,
        series: str,
        periods: Sequence[str],
        statuses: Sequence[str],
        values: Sequence[float],
        raised_at: Sequence[str] | None = None,
    ) -> list[Alert]:
        """The alerts of one series (periods in time order)."""
        need = _RANK[self.level]
        out: list[Alert] = []
        run = 0
        for i, status in enumerate(statuses):
            run = run + 1 if _RANK.get(status, 0) >= need else 0
            if run >= self.consecutive:
                out.append(
                    Alert(
                        period=periods[i],
                        series=series,
                        level=self.level,
                        rule=self.describe(),
                        first_period=periods[i - run + 1],
                        value=float(values[i]),
                        raised_at=(raised_at or periods)[i],
                    )
                )
        return out


#: Red once, or yellow (or worse) in two consecutive periods, for every series.
DEFAULT_RULES: tuple[AlertRule, ...] = (
    AlertRule("*", "red", 1),
    AlertRule("*", "yellow", 2),
)


def evaluate_rules(
    rules: Sequence[AlertRule],
    periods: Sequence[str],
    statuses: dict[str, list[str]],
    values: dict[str, list[float]],
    raised_at: dict[str, list[str]],
) -> tuple[Alert, ...]:
    """Every rule over every series it matches, sorted by period, series and rule.

    Examples
    --------
    >>> alerts = evaluate_rules(DEFAULT_RULES, ["a", "b"], {"psi": ["red", "green"]},
    ...                         {"psi": [0.3, 0.0]}, {"psi": ["a", "b"]})
    >>> [(a.period, a.series, a.level) for a in alerts]
    [('a', 'psi', 'red')]
    """
    order = {p: i for i, p in enumerate(periods)}
    out: list[Alert] = []
    for rule in rules:
        if not isinstance(rule, AlertRule):
            raise DataError(
                f"rules must be AlertRule objects; got {type(rule).__name__}. "
                "Build them as AlertRule('psi', 'yellow', 2)."
            )
        for series, stat in statuses.items():
            if rule.matches(series):
                out.extend(rule.evaluate(series, periods, stat, values[series], raised_at[series]))
    out.sort(key=lambda a: (order[a.period], a.series, a.level != "red", a.rule))
    return tuple(out)
