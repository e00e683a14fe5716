"""``monitor``: a scorecard's stability, discrimination and calibration, period by period."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray, check_binary_target, check_columns
from overdue_risk.exceptions import DataError
from overdue_risk.monitoring._alerts import (
    DEFAULT_RULES,
    AlertRule,
    MonitoringThresholds,
    evaluate_rules,
    stability_status,
)
from overdue_risk.monitoring._result import MonitoringResult, PeriodStats

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.runtime import Spec

__all__ = ["ks_interval", "monitor"]

IntArray = npt.NDArray[np.intp]


def ks_interval(
    ks: float, n_events: int, n_nonevents: int, level: float = 0.95
) -> tuple[float, float]:
    """Confidence interval of the KS distance from the DKW inequality (Massart's constant).

    Each empirical distribution function lies within ``e_i = sqrt(ln(4 / (1 - level)) /
    (2 n_i))`` of its population counterpart with probability at least ``1 - (1 - level)
    / 2`` (Dvoretzky-Kiefer-Wolfowitz with Massart's tight constant); by the triangle
    inequality the population KS lies within ``e_1 + e_0`` of the sample KS with
    probability at least ``level``. The interval is conservative (never too narrow) and
    holds for any sample size.

    Parameters
    ----------
    ks : float
        Sample KS distance.
    n_events, n_nonevents : int
        Defaults and non-defaults.
    level : float, default=0.95
        Confidence level.

    Returns
    -------
    (float, float)
        Clipped to [0, 1].

    References
    ----------
    .. [1] Dvoretzky, A., Kiefer, J., Wolfowitz, J. (1956). Asymptotic minimax character
       of the sample distribution function. Annals of Mathematical Statistics 27(3).
    .. [2] Massart, P. (1990). The tight constant in the Dvoretzky-Kiefer-Wolfowitz
       inequality. Annals of Probability 18(3), 1269-1283.

    Examples
    --------
    >>> lo, hi = ks_interval(0.40, 400, 9600)
    >>> round(lo, 3), round(hi, 3)
    (0.311, 0.489)
    """
    if not 0.0 < level < 1.0:
        raise DataError(f"confidence_level must lie in (0, 1); got {level!r}. Pass e.g. 0.95.")
    if n_events <= 0 or n_nonevents <= 0:
        return (math.nan, math.nan)
    c = math.log(4.0 / (1.0 - level)) / 2.0
    half = math.sqrt(c / n_events) + math.sqrt(c / n_nonevents)
    return (max(0.0, ks - half), min(1.0, ks + half))


# ----------------------------------------------------------------------------- periods
@dataclass(frozen=True)
class _Periods:
    codes: IntArray  # per row: index into labels
    labels: tuple[str, ...]  # in time order
    ordinals: npt.NDArray[np.int64]  # per label: position on the time axis
    freq: Any  # pandas frequency of Period labels, or None for integers

    def label_of(self, ordinal: int) -> str:
        if self.freq is None:
            return str(ordinal)
        import pandas as pd

        return str(pd.Period(ordinal=ordinal, freq=self.freq))


def _to_period_values(values: Any, name: str) -> tuple[npt.NDArray[np.int64], Any]:
    """Ordinals of period values (months for dates), and the frequency (None: integers)."""
    import pandas as pd

    s = pd.Series(values)
    if s.isna().any():
        bad = int(s.isna().sum())
        raise DataError(
            f"column {name!r} has {bad} missing period value(s). Every row needs a period; "
            "drop or fill those rows."
        )
    if isinstance(s.dtype, pd.PeriodDtype):
        idx = pd.PeriodIndex(s)
        return np.asarray(idx.asi8, dtype=np.int64), idx.freq
    if s.dtype.kind in "iu":
        return s.to_numpy(dtype=np.int64), None
    try:
        if s.dtype.kind == "M":
            idx = pd.PeriodIndex(s.dt.to_period("M"))
        else:
            idx = pd.PeriodIndex(s.astype(str), freq="M")
    except (ValueError, TypeError):
        raise DataError(
            f"column {name!r} must hold dates, pandas Periods, integers or month strings "
            f"such as '2024-03'; got {s.dtype} values like {s.iloc[0]!r}. Convert it with "
            "pandas.to_datetime."
        ) from None
    return np.asarray(idx.asi8, dtype=np.int64), idx.freq


def _periods(values: Any, name: str) -> _Periods:
    ordinal, freq = _to_period_values(values, name)
    uniq, codes = np.unique(ordinal, return_inverse=True)
    p = _Periods(codes.astype(np.intp), (), uniq, freq)
    labels = tuple(p.label_of(int(o)) for o in uniq)
    return _Periods(codes.astype(np.intp), labels, uniq, freq)


def _ordinal_of(value: Any, periods: _Periods, what: str) -> int:
    ordinal, freq = _to_period_values([value], what)
    if (freq is None) != (periods.freq is None):
        raise DataError(
            f"{what} {value!r} is not of the same kind as the period column (dates or "
            "integers). Pass a value like the period column's."
        )
    return int(ordinal[0])


# ----------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class _Scored:
    points: FloatArray
    pd: FloatArray | None
    grade: IntArray | None  # index into the master scale's grades
    slots: Mapping[str, IntArray]


def _score(sp: Spec, frame: pd.DataFrame) -> _Scored:
    points = np.asarray(sp.score(frame), dtype=np.float64)
    pd_ = None
    grade = None
    if sp.calibration is not None:
        pd_ = np.asarray(sp.pd_from_points(points), dtype=np.float64)
        if sp.master_scale is not None:
            index = {g: i for i, g in enumerate(sp.master_scale.grades)}
            # a grade the scale does not know (None for a NaN PD) is left out: -1
            grade = np.fromiter(
                (index.get(g, -1) for g in sp.grade_from_pd(pd_)), dtype=np.intp, count=pd_.size
            )
    return _Scored(points, pd_, grade, sp.slots(frame))


def _take(s: _Scored, mask: npt.NDArray[np.bool_]) -> _Scored:
    return _Scored(
        s.points[mask],
        None if s.pd is None else s.pd[mask],
        None if s.grade is None else s.grade[mask],
        {k: v[mask] for k, v in s.slots.items()},
    )


def _target_values(
    frame: pd.DataFrame, target: str, rows: npt.NDArray[np.bool_], what: str
) -> npt.NDArray[np.int64]:
    """The 0/1 target of the selected rows; missing values there are an error."""
    col = frame[target].to_numpy()[rows]
    missing = np.asarray(frame[target].isna().to_numpy()[rows], dtype=bool)
    if missing.any():
        raise DataError(
            f"column {target!r} of {what} has {int(missing.sum())} missing value(s) in periods "
            "whose outcome window has ended. Mark rows whose outcome is unknown with a boolean "
            "column and pass it as observed=..., or drop them."
        )
    return check_binary_target(col, name=f"column {target!r} of {what}", allow_single_class=True)


# ----------------------------------------------------------------------------- monitor
def monitor(
    spec: Any,
    data: Any,
    *,
    period: str = "month",
    target: str | None = None,
    baseline: Any = None,
    horizon: int = 1,
    as_of: Any = None,
    observed: str | None = None,
    score_bins: int = 10,
    confidence_level: float = 0.95,
    thresholds: MonitoringThresholds | Mapping[str, float] | None = None,
    rules: Sequence[AlertRule] | None = None,
) -> MonitoringResult:
    """Monitor a scorecard over time: stability, discrimination, calibration and alerts.

    ``data`` holds the accounts scored in each period (one row per account and period,
    the card's feature columns, the period column and, once known, the outcome). The card
    scores every row once; each period is then compared with the baseline.

    Parameters
    ----------
    spec : Spec, dict, str or Path
        The scoring spec (what :func:`overdue_risk.runtime.load_spec` reads).
    data : DataFrame, str or Path
        Rows to monitor: the spec's feature columns and ``period``.
    period : str, default="month"
        Column of the period: dates (read as calendar months), pandas Periods, integers
        (consecutive integers = consecutive periods) or month strings like ``"2024-03"``.
    target : str, default=None
        0/1 default flag observed over the ``horizon`` periods that start with the row's
        period. Without it only stability is monitored.
    baseline : DataFrame, path, (first, last) or None, default=None
        The reference population: a separate sample (e.g. the development sample), or a
        ``(first, last)`` pair of periods of ``data`` (both included). None takes the
        first period of ``data``.
    horizon : int, default=1
        Outcome window in periods. **Maturity rule**: the outcome of a row of period ``t``
        is known once period ``t + horizon - 1`` has ended, so a period is *mature* when
        ``t + horizon - 1 <= as_of``. Gini, KS and the backtests use mature periods only;
        their alerts are raised in period ``t + horizon - 1`` (``Alert.raised_at``), when
        the defaults have been seen.
    as_of : period value, default=None
        The last period whose outcomes are known (default: the last period of ``data``).
    observed : str, default=None
        Boolean column marking rows of mature periods whose outcome is known (e.g.
        ``bad_observed``); other rows are left out of the outcome statistics. Without it a
        missing target in a mature period is an error, never counted as good.
    score_bins : int, default=10
        Quantile bins of the baseline score for the score PSI.
    confidence_level : float, default=0.95
        Level of the Gini (DeLong) and KS (DKW) intervals.
    thresholds : MonitoringThresholds or mapping, default=None
        Where statistics turn yellow or red (defaults: :class:`MonitoringThresholds`).
    rules : sequence of AlertRule, default=None
        Alert rules (default :data:`DEFAULT_RULES`: red once, or yellow twice in a row,
        on every series).

    Returns
    -------
    MonitoringResult
        Per period (:class:`PeriodStats`): score PSI and per-feature CSI against the
        baseline with their critical values; once mature, Gini (DeLong CI), KS (DKW
        CI), the AUC-drop test against the baseline, the Jeffreys backtest of the mean PD
        and per master-scale grade; the traffic light of every series; and the alerts.

    Raises
    ------
    DataError
        Missing columns, a non-binary target, missing targets in mature periods, an empty
        baseline, bad thresholds or rules.
    SpecError
        A malformed or tampered spec.

    Notes
    -----
    Series and their lights (see :class:`MonitoringThresholds`):

    - ``psi`` and ``csi:<feature>``: material AND significant shift of the score / of the
      feature's card bins (Yurdakul & Naranjo 2020 critical value, 0.10 / 0.25 floors).
    - ``calibration``: one-sided Jeffreys test of the obligor-weighted mean PD against the
      default rate (ECB 2019); ``calibration_grades``: the worst grade's test.
    - ``discrimination``: one-sided test that the AUC fell below the baseline's
      (independent samples, DeLong standard errors; Hanley & McNeil 1983), when the
      baseline has the target.

    The CSI uses the card's bins (:meth:`overdue_risk.runtime.Spec.slots`), the same
    slots as the gate's stability check.

    References
    ----------
    .. [1] Yurdakul, B., Naranjo, J. (2020). Statistical properties of the population
       stability index. Journal of Risk Model Validation 14(4), 89-100.
    .. [2] European Central Bank (2019). Instructions for reporting the validation results
       of internal models (Jeffreys test; AUC test).
    .. [3] Tasche, D. (2003). A traffic lights approach to PD validation. arXiv:cond-mat/0305038.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = Spec.from_dict(seal(example_spec_dict()))
    >>> rng = np.random.default_rng(0)
    >>> rows = []
    >>> for m in range(6):  # the applicants get younger from month 3 on
    ...     age = rng.integers(20, 60, 3000) - (12 if m >= 3 else 0)
    ...     frame = pd.DataFrame({"month": m, "age": age,
    ...                           "purpose": rng.choice(["cash", "rent"], 3000)})
    ...     rows.append(frame)
    >>> data = pd.concat(rows, ignore_index=True)
    >>> data["bad"] = (rng.random(len(data)) < spec.predict_pd(data)).astype(int)
    >>> res = monitor(spec, data, target="bad", baseline=(0, 1))
    >>> res.status("psi")
    ('green', 'green', 'green', 'red', 'red', 'red')
    >>> res.alert_periods("psi")
    ('3', '4', '5')
    >>> res.alert_periods("calibration")
    ()
    """
    from overdue_risk.gate._inputs import _as_frame, slot_labels
    from overdue_risk.runtime import as_spec

    sp = as_spec(spec)
    th = _thresholds(thresholds)
    rule_set = tuple(DEFAULT_RULES if rules is None else rules)
    horizon = _positive_int(horizon, "horizon")
    score_bins = _positive_int(score_bins, "score_bins")
    level = float(confidence_level)
    if not 0.0 < level < 1.0:
        raise DataError(f"confidence_level must lie in (0, 1); got {confidence_level!r}.")

    frame = _as_frame(data, "the monitoring data")
    names = list(sp.feature_names)
    extra = [c for c in (period, target, observed) if c is not None]
    check_columns(map(str, frame.columns), [*names, *extra], what="the monitoring data")
    if len(frame) == 0:
        raise DataError("the monitoring data has no rows. Pass the scored accounts per period.")
    per = _periods(frame[period], period)
    last = int(per.ordinals[-1]) if as_of is None else _ordinal_of(as_of, per, "as_of")
    scored = _score(sp, frame)

    mature_period = per.ordinals + horizon - 1 <= last
    known, y_all = _outcomes(frame, per, mature_period, target, observed)
    base, ref, base_text, n_base = _baseline(
        sp, baseline, frame, per, scored, known, y_all, target, observed
    )
    reference = _Reference(base, _auc(ref), slot_labels(sp), sp, th, score_bins, level)
    stats: list[PeriodStats] = []
    for i, label in enumerate(per.labels):
        rows = per.codes == i
        cur = _take(scored, rows)
        stats.append(
            _period_stats(
                label,
                per.label_of(int(per.ordinals[i]) + horizon - 1),
                bool(mature_period[i]) and target is not None,
                cur,
                (_take(cur, known[rows]), y_all[rows][known[rows]]),
                reference,
            )
        )
    alerts = _alerts(stats, rule_set)
    return MonitoringResult(
        periods=tuple(stats),
        alerts=alerts,
        spec_name=str(sp.name or "scorecard"),
        n_baseline=n_base,
        baseline=base_text,
        horizon=horizon,
        as_of=per.label_of(last),
        confidence_level=level,
        thresholds=th,
        rules=rule_set,
    )


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise DataError(f"{name} must be a whole number >= 1; got {value!r}.")
    return int(value)


@dataclass(frozen=True)
class _Reference:
    """What every period is compared with, and how."""

    base: _Scored
    base_auc: Any  # AUCResult of the baseline's known outcomes, or None
    labels: Mapping[str, tuple[str, ...]]
    spec: Spec
    thresholds: MonitoringThresholds
    score_bins: int
    level: float


def _outcomes(
    frame: pd.DataFrame,
    per: _Periods,
    mature_period: npt.NDArray[np.bool_],
    target: str | None,
    observed: str | None,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Rows whose outcome is known (mature and observed), and the target (0 elsewhere)."""
    known = np.zeros(len(frame), dtype=bool)
    y_all = np.zeros(len(frame), dtype=np.int64)
    if target is not None:
        known = mature_period[per.codes]
        if observed is not None:
            known &= _flag(frame, observed)
        y_all[known] = _target_values(frame, target, known, "the monitoring data")
    return known, y_all


def _auc(ref: tuple[FloatArray, npt.NDArray[np.int64]] | None) -> Any:
    """The baseline AUC (risk = minus points), when its outcomes hold both classes."""
    if ref is None or ref[1].min() == ref[1].max():
        return None
    from overdue_risk.metrics import roc_auc

    return roc_auc(ref[1], -ref[0])


def _thresholds(value: MonitoringThresholds | Mapping[str, float] | None) -> MonitoringThresholds:
    if value is None:
        return MonitoringThresholds()
    if isinstance(value, MonitoringThresholds):
        return value
    if isinstance(value, Mapping):
        allowed = set(MonitoringThresholds.__dataclass_fields__)
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise DataError(
                f"unknown threshold(s) {unknown}; the thresholds are {sorted(allowed)}."
            )
        return MonitoringThresholds(**{k: float(v) for k, v in value.items()})
    raise DataError(
        f"thresholds must be a MonitoringThresholds or a mapping; got {type(value).__name__}."
    )


def _flag(frame: pd.DataFrame, column: str) -> npt.NDArray[np.bool_]:
    col = frame[column]
    values = col.to_numpy()
    if col.isna().any() or not all(v in (True, False, 0, 1) for v in np.unique(values)):
        raise DataError(
            f"column {column!r} must be boolean (True = outcome known); got values "
            f"{sorted(map(str, np.unique(values.astype(str))))[:8]}. Convert it to bool."
        )
    return np.asarray(values, dtype=bool)


def _baseline(
    sp: Spec,
    baseline: Any,
    frame: pd.DataFrame,
    per: _Periods,
    scored: _Scored,
    known: npt.NDArray[np.bool_],
    y_all: npt.NDArray[np.int64],
    target: str | None,
    observed: str | None = None,
) -> tuple[_Scored, tuple[FloatArray, npt.NDArray[np.int64]] | None, str, int]:
    """The baseline's scores and slots, (points, target) of its rows with a known
    outcome (the AUC reference), a description, and its size."""
    from overdue_risk.gate._inputs import _as_frame

    if baseline is None or (isinstance(baseline, tuple | list) and len(baseline) == 2):
        if baseline is None:
            lo = hi = int(per.ordinals[0])
        else:
            lo, hi = (_ordinal_of(b, per, "baseline period") for b in baseline)
        row_ordinal = per.ordinals[per.codes]
        rows = (row_ordinal >= lo) & (row_ordinal <= hi)
        text = f"periods {per.label_of(lo)} to {per.label_of(hi)}"
        if not rows.any():
            raise DataError(
                f"the baseline {text} holds no rows of the data (periods "
                f"{per.labels[0]} to {per.labels[-1]}). Pass periods inside the data."
            )
        ok = rows & known
        ref = (scored.points[ok], y_all[ok]) if ok.any() else None
        return _take(scored, rows), ref, text, int(rows.sum())
    bframe = _as_frame(baseline, "the baseline data")
    check_columns(map(str, bframe.columns), list(sp.feature_names), what="the baseline data")
    if len(bframe) == 0:
        raise DataError("the baseline data has no rows. Pass the development sample.")
    base = _score(sp, bframe)
    ref = None
    if target is not None and target in bframe.columns:
        ok = ~np.asarray(bframe[target].isna().to_numpy(), dtype=bool)
        if observed is not None and observed in bframe.columns:
            ok &= _flag(bframe, observed)
        if ok.any():
            ref = (base.points[ok], _target_values(bframe, target, ok, "the baseline data"))
    return base, ref, "a separate sample", len(bframe)


def _period_stats(
    label: str,
    known_at: str,
    mature: bool,
    cur: _Scored,
    outcomes: tuple[_Scored, npt.NDArray[np.int64]],
    ref: _Reference,
) -> PeriodStats:
    from overdue_risk.gate._checks import csi_on_card_bins
    from overdue_risk.metrics import psi

    th = ref.thresholds
    a_y, a_r = th.alpha_yellow, th.alpha_red
    p = psi(ref.base.points, cur.points, bins=ref.score_bins, alpha=a_y, name="score")
    status = {
        "psi": stability_status(
            p.statistic, p.critical_value, p.critical_value_at(a_r), th.psi_yellow, th.psi_red
        )
    }
    csi = {}
    for name, slots in cur.slots.items():
        r = csi_on_card_bins(ref.base.slots[name], slots, ref.labels.get(name), name)
        csi[name] = r
        status[f"csi:{name}"] = stability_status(
            r.statistic,
            r.critical_value if r.alpha == a_y else r.critical_value_at(a_y),
            r.critical_value_at(a_r),
            th.csi_yellow,
            th.csi_red,
        )
    extra: dict[str, Any] = {}
    for key in ("calibration", "calibration_grades", "discrimination"):
        status[key] = "n/a"
    out, y = outcomes
    if mature and y.size:
        extra = _outcome_stats(out, y, ref, status)
    return PeriodStats(
        period=label,
        n=int(cur.points.size),
        mean_score=float(cur.points.mean()),
        psi=p,
        csi=MappingProxyType(csi),
        mature=mature,
        known_at=known_at,
        status=MappingProxyType(status),
        **extra,
    )


def _outcome_stats(
    out: _Scored,
    y: npt.NDArray[np.int64],
    ref: _Reference,
    status: dict[str, str],
) -> dict[str, Any]:
    from overdue_risk.backtest import jeffreys_test, traffic_light
    from overdue_risk.metrics import gini, ks_statistic

    th, sp, base_auc, level = ref.thresholds, ref.spec, ref.base_auc, ref.level
    n, d = int(y.size), int(y.sum())
    extra: dict[str, Any] = {"n_outcomes": n, "n_defaults": d}
    if 0 < d < n:
        g = gini(y, -out.points)
        ks = ks_statistic(y, -out.points)
        extra.update(gini=g, ks=ks, ks_interval=ks_interval(ks.statistic, d, n - d, level))
        if base_auc is not None:
            from scipy.stats import norm

            # AUC = (Gini + 1) / 2 and SE_AUC = SE_Gini / 2 (the same DeLong placements)
            auc_now, se_now = (g.statistic + 1.0) / 2.0, g.standard_error / 2.0
            se = math.hypot(base_auc.standard_error, se_now)
            drop = base_auc.statistic - th.auc_tolerance - auc_now
            z = drop / se if se > 0 else 0.0
            pval = float(norm.sf(z))
            extra["auc_drop_pvalue"] = pval
            status["discrimination"] = str(traffic_light(pval, levels=th.levels)[0])
    if out.pd is not None:
        mean_pd = float(out.pd.mean())
        lift = 1.0 + th.pd_tolerance
        test = jeffreys_test(n, d, min(mean_pd * lift, 1.0), labels=["portfolio"])
        extra.update(mean_pd=mean_pd, calibration=test)
        status["calibration"] = str(traffic_light(test.pvalue, levels=th.levels)[0])
        if out.grade is not None and sp.master_scale is not None:
            k = len(sp.master_scale.grades)
            known = out.grade >= 0
            ng = np.bincount(out.grade[known], minlength=k)
            dg = np.bincount(out.grade[known], weights=y[known], minlength=k)
            used = ng > 0
            grades = [g for g, u in zip(sp.master_scale.grades, used, strict=True) if u]
            gt = jeffreys_test(
                ng[used],
                np.rint(dg[used]).astype(np.int64),
                np.minimum(np.asarray(sp.master_scale.pd, dtype=np.float64)[used] * lift, 1.0),
                labels=grades,
            )
            extra["grade_backtest"] = gt
            lights = traffic_light(np.asarray(gt.grade_pvalue, dtype=float), levels=th.levels)
            status["calibration_grades"] = max(
                (str(v) for v in lights),
                key=lambda v: ("n/a", "green", "yellow", "red").index(v),
                default="n/a",
            )
    return extra


def _alerts(stats: list[PeriodStats], rules: tuple[AlertRule, ...]) -> tuple[Any, ...]:
    periods = [s.period for s in stats]
    names: dict[str, None] = {}
    for s in stats:
        names.update(dict.fromkeys(s.status or {}))
    statuses: dict[str, list[str]] = {}
    values: dict[str, list[float]] = {}
    raised: dict[str, list[str]] = {}
    for name in names:
        statuses[name] = [(s.status or {}).get(name, "n/a") for s in stats]
        values[name] = [_value(s, name) for s in stats]
        outcome = name in ("calibration", "calibration_grades", "discrimination")
        raised[name] = [s.known_at if outcome else s.period for s in stats]
    return evaluate_rules(rules, periods, statuses, values, raised)


def _value(s: PeriodStats, name: str) -> float:
    if name == "psi":
        return s.psi.statistic
    if name.startswith("csi:"):
        return s.csi[name[4:]].statistic
    if name == "calibration":
        return s.calibration.pvalue if s.calibration else math.nan
    if name == "calibration_grades":
        if s.grade_backtest is None:
            return math.nan
        return float(np.nanmin(np.asarray(s.grade_backtest.grade_pvalue, dtype=float)))
    return s.auc_drop_pvalue
