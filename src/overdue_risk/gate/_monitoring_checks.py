"""Gate checks over monitoring series: does a monitoring run let the card stay in use?

:func:`check_monitoring` turns the alerts of a
:class:`~overdue_risk.monitoring.MonitoringResult` into one :class:`CheckResult` per
series: ``fail`` when a red alert was raised in the last ``window`` periods, ``warn`` for
a yellow one, ``pass`` otherwise, ``skip`` when the series never had a traffic light (no
outcomes yet, no calibration). :func:`monitoring_gate` wraps them in a
:class:`GateResult`, so a scheduled monitoring job exits non-zero exactly as
``overdue-risk validate`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from overdue_risk.exceptions import DataError
from overdue_risk.gate._types import CheckResult, GateResult, Status

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.monitoring import MonitoringResult

__all__ = ["check_monitoring", "monitoring_gate"]

_GROUPS = {
    "psi": "stability",
    "calibration": "calibration",
    "calibration_grades": "calibration",
    "discrimination": "discrimination",
}


def check_monitoring(result: MonitoringResult, *, window: int | None = 1) -> list[CheckResult]:
    """One gate check per monitoring series, from the alerts raised in recent periods.

    Parameters
    ----------
    result : MonitoringResult
        A run of :func:`overdue_risk.monitoring.monitor`.
    window : int or None, default=1
        Look at alerts raised in the last ``window`` periods of the run (1: the latest
        period only, as a monthly job would); None looks at the whole run.

    Returns
    -------
    list of CheckResult
        Group ``stability`` (``psi``, ``csi <feature>``), ``calibration`` or
        ``discrimination``; ``value`` is the series' statistic in its latest alert (PSI,
        CSI or p-value), None without one.

    Examples
    --------
    >>> from overdue_risk.monitoring._example import example_result
    >>> checks = check_monitoring(example_result())
    >>> [(c.name, c.status) for c in checks][:3]
    [('psi', 'fail'), ('csi age', 'fail'), ('csi purpose', 'pass')]
    """
    labels = result.labels
    if window is None:
        recent = set(labels)
    elif isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise DataError(f"window must be a whole number >= 1 or None; got {window!r}.")
    else:
        recent = set(labels[-window:])
    span = "the whole run" if window is None else f"the last {len(recent)} period(s)"
    out: list[CheckResult] = []
    for series in result.series_names:
        group = _GROUPS.get(series, "stability")
        name = series.replace("csi:", "csi ", 1)
        alerts = [a for a in result.alerts if a.series == series and a.raised_at in recent]
        lights = result.status(series)
        if all(s == "n/a" for s in lights) and not alerts:
            out.append(
                CheckResult(group, name, "skip", None, "no red alert", f"{series}: no light")
            )
            continue
        red = [a for a in alerts if a.level == "red"]
        status: Status = "fail" if red else "warn" if alerts else "pass"
        latest = (red or alerts)[-1] if alerts else None
        message = (
            f"{latest.rule} since {latest.first_period} (raised {latest.raised_at})"
            if latest is not None
            else f"no alert in {span}"
        )
        out.append(
            CheckResult(
                group,
                name,
                status,
                None if latest is None else latest.value,
                "no red alert",
                message,
                {"n_alerts": len(alerts), "n_red": len(red), "periods": sorted(recent)},
            )
        )
    return out


def monitoring_gate(result: MonitoringResult, *, window: int | None = 1) -> GateResult:
    """A gate verdict from a monitoring run (exit code 1 when a series has a red alert).

    Examples
    --------
    >>> from overdue_risk.monitoring._example import example_result
    >>> verdict = monitoring_gate(example_result())
    >>> verdict.passed, verdict.exit_code
    (False, 1)
    """
    checks = tuple(check_monitoring(result, window=window))
    n_rows = result.periods[-1].n if result.periods else 0
    return GateResult(
        checks=checks, n_rows=n_rows, n_baseline=result.n_baseline, spec_name=result.spec_name
    )
