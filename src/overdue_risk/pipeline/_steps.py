"""The steps of :func:`~overdue_risk.pipeline.fit_scorecard`, one function each.

Each step reads what earlier steps left in a :class:`_State`, adds its own output, and
returns one line for the progress log. Modelling lives in the library's estimators and
functions (``WOEBinner``, ``select_by_iv``, ``Scorecard``, ``PDCalibrator``,
``MasterScale``, ``gate.validate``); this module only wires them to the config.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.model_selection import train_test_split

from overdue_risk._io import read_table
from overdue_risk._validation import check_binary_target
from overdue_risk.binning import WOEBinner
from overdue_risk.calibration import MasterScale, PDCalibrator
from overdue_risk.datasets import Portfolio, load_portfolio, out_of_time_split
from overdue_risk.exceptions import DataError
from overdue_risk.gate import validate
from overdue_risk.metrics import ks_statistic, psi, roc_auc
from overdue_risk.pipeline._checks import (
    check_spec_matches,
    development_scale,
    grade_backtests,
)
from overdue_risk.pipeline._config import FitConfig, check_columns
from overdue_risk.reporting import build_report
from overdue_risk.runtime import load_spec
from overdue_risk.scorecard import Scorecard
from overdue_risk.selection import select_by_correlation, select_by_iv

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["STEPS", "make_binner", "split_by_date"]

#: Fewest defaults worth fitting a card on, and validating it with.
MIN_DEV_DEFAULTS, MIN_HOLDOUT_DEFAULTS = 30, 10


@dataclass
class _State:
    """What the steps hand on (mutable while running; frozen into FitResult after)."""

    config: FitConfig
    out: Path
    source: Any = None  # in-memory data (DataFrame or Portfolio) in place of data.path
    frame: Any = None
    y: Any = None
    features: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)


def _default_features(
    cfg: FitConfig, frame: pd.DataFrame, panel: bool
) -> tuple[list[str], list[str]]:
    """Numeric and categorical features: the config's, or every column not named in [data]."""
    f = cfg.features
    if f.numeric or f.categorical:
        return list(f.numeric), list(f.categorical)
    d = cfg.data
    skip = {d.target, d.id, d.date, *d.exclude}
    if panel:  # the loader's own columns are not features
        skip |= {"loan_id", "origination_month", "bad", "bad_observed"}
    cols = [c for c in frame.columns if c not in skip]
    numeric = [c for c in cols if frame[c].dtype.kind in "iufb"]
    return numeric, [c for c in cols if c not in numeric]


def source_name(st: _State) -> str:
    """How the data is named in the log, the spec's metadata and the report."""
    if isinstance(st.source, Portfolio):
        return "the given portfolio"
    if st.source is not None:
        return "the given data frame"
    return Path(st.config.data.path).name


def _read_source(st: _State) -> pd.DataFrame:
    """The applications frame: from memory (``data=``) or from ``data.path``."""
    cfg, p, src = st.config, st.config.panel, st.source
    if src is not None:
        if p.path is not None:
            raise DataError(
                f"config key panel.path = {p.path!r} and data= were both given; with data= "
                "in memory the file is not read. Pass a Portfolio as data= for a panel, or "
                "drop panel.path."
            )
        if isinstance(src, Portfolio):
            st.values["portfolio"] = src
            return src.applications
        import pandas as pd

        if not isinstance(src, pd.DataFrame):
            raise DataError(
                f"data= is a {type(src).__name__}; give a pandas DataFrame (applications "
                "with the target column) or a Portfolio (applications plus panel), or None "
                "to read config key data.path."
            )
        return src
    path = cfg.resolve(cfg.data.path)
    if not path.exists():
        raise DataError(
            f"config key data.path names {str(path)!r}, which does not exist. Give the path "
            "of your CSV or Parquet file, relative to the config file's folder."
        )
    if p.path is None:
        return read_table(path)
    portfolio = load_portfolio(
        path, cfg.resolve(p.path), target_dpd=p.bad_dpd, target_window=p.window
    )
    st.values["portfolio"] = portfolio
    return portfolio.applications


def step_read(st: _State) -> str:
    """Read the file (or take the in-memory data), check the config's columns and the target."""
    cfg = st.config
    frame = _read_source(st)
    panel = "portfolio" in st.values
    check_columns(cfg, list(frame.columns), source=source_name(st))
    numeric, categorical = _default_features(cfg, frame, panel)
    for name in numeric:
        if frame[name].dtype.kind not in "iufb":
            raise DataError(
                f"config key features.numeric lists {name!r}, but the file holds text in it "
                f"(e.g. {frame[name].dropna().iloc[0]!r}). Move it to features.categorical."
            )
    st.y = check_binary_target(
        frame[cfg.data.target].to_numpy(), cfg.data.target, pos_label=cfg.data.pos_label
    )
    frame = frame.assign(**{cfg.data.target: st.y})  # 0/1 from here on (the gate reads it)
    st.frame, st.features = frame, [*numeric, *categorical]
    st.values.update(numeric=tuple(numeric), categorical=tuple(categorical))
    if not st.features:
        raise DataError(
            "no feature columns left: every column is the target, id, date or excluded. "
            "List features under [features] numeric / categorical."
        )
    observed = frame["bad_observed"].to_numpy(bool) if panel else slice(None)
    return (
        f"{source_name(st)}: {len(frame):,} rows, {len(numeric)} numeric and "
        f"{len(categorical)} categorical features, bad rate {float(np.mean(st.y[observed])):.2%}"
        + (" (loans with a complete outcome window)" if panel else "")
    )


def split_by_date(
    dates: Any, holdout_share: float, name: str = "date"
) -> tuple[np.ndarray[Any, Any], tuple[str, ...], tuple[str, ...]]:
    """Hold-out mask of the latest ``holdout_share`` of the months of ``dates``.

    Returns ``(is_holdout, development_months, holdout_months)``; months as "YYYY-MM".
    At least one month goes to each side.

    Examples
    --------
    >>> mask, dev, hold = split_by_date(["2023-01-05", "2023-02-11", "2023-03-01"], 0.34)
    >>> mask.tolist(), dev, hold
    ([False, False, True], ('2023-01', '2023-02'), ('2023-03',))
    """
    import pandas as pd

    raw = pd.Series(dates)
    parsed = pd.to_datetime(raw, errors="coerce")
    bad = parsed.isna()
    if bool(bad.any()):
        first = raw[bad].iloc[0]
        raise DataError(
            f"the date column {name!r} holds {int(bad.sum()):,} value(s) that are not dates "
            f"(e.g. {first!r}); an out-of-time split needs every row's date. Fix or drop "
            'those rows, or use split.method = "random".'
        )
    months = parsed.dt.strftime("%Y-%m").to_numpy()
    distinct = np.unique(months)
    if distinct.size < 2:
        raise DataError(
            f"the date column {name!r} spans {distinct.size} month(s); an out-of-time split "
            'needs at least 2. Use split.method = "random".'
        )
    n_hold = min(max(1, round(holdout_share * distinct.size)), distinct.size - 1)
    hold = distinct[-n_hold:]
    return (
        np.isin(months, hold),
        tuple(str(m) for m in distinct[:-n_hold]),
        tuple(str(m) for m in hold),
    )


def step_split(st: _State) -> str:
    """Development sample and hold-out: random (stratified) or out of time."""
    cfg, frame, y = st.config, st.frame, st.y
    s = cfg.split
    if "portfolio" in st.values:  # a panel: out of time over the complete outcome windows
        split = out_of_time_split(st.values["portfolio"], s.holdout_share)
        dev, hold = split.development, split.holdout
        dev_m, hold_m = split.development_months, split.holdout_months
        pf = st.values["portfolio"]
        how = (
            f"out of time (ever {pf.target_dpd}+ DPD within {pf.target_window} months): "
            "development "
            f"{dev_m[0]}..{dev_m[-1]}, hold-out {hold_m[0]}..{hold_m[-1]}"
        )
        st.values.update(development_months=dev_m, holdout_months=hold_m)
        return _finish_split(st, dev, hold, how)
    if s.method == "out_of_time":
        if cfg.data.date is None:
            raise DataError(
                'config key split.method = "out_of_time" needs data.date, the application '
                'date column. Set data.date, or use split.method = "random".'
            )
        hold_mask, dev_m, hold_m = split_by_date(frame[cfg.data.date], s.holdout_share)
        how = (
            f"out of time: development {dev_m[0]}..{dev_m[-1]}, hold-out {hold_m[0]}..{hold_m[-1]}"
        )
        st.values.update(development_months=dev_m, holdout_months=hold_m)
    else:
        index = np.arange(len(frame))
        _, hold_idx = train_test_split(
            index, test_size=s.holdout_share, random_state=s.random_state, stratify=y
        )
        hold_mask = np.isin(index, hold_idx)
        how = f"random (stratified, seed {s.random_state})"
    dev, hold = frame[~hold_mask].reset_index(drop=True), frame[hold_mask].reset_index(drop=True)
    return _finish_split(st, dev, hold, how)


def _finish_split(st: _State, dev: pd.DataFrame, hold: pd.DataFrame, how: str) -> str:
    """Check both samples hold enough defaults; store them."""
    target = st.config.data.target
    for label, part, least in (("development", dev, MIN_DEV_DEFAULTS),
                               ("hold-out", hold, MIN_HOLDOUT_DEFAULTS)):  # fmt: skip
        n_bad = int(part[target].sum())
        if n_bad < least:
            raise DataError(
                f"the {label} sample ({len(part):,} rows) holds {n_bad} defaults; at least "
                f"{least} are needed. Change split.holdout_share or use more data."
            )
    st.values.update(development=dev, holdout=hold, split=how)
    return (
        f"{how}; development {len(dev):,} rows (bad {dev[target].mean():.2%}), hold-out "
        f"{len(hold):,} (bad {hold[target].mean():.2%})"
    )


def make_binner(cfg: FitConfig, columns: list[str], categorical: list[str]) -> WOEBinner:
    """The configured WOE binner for ``columns`` (their special codes and overrides).

    Examples
    --------
    >>> from overdue_risk.pipeline import FitConfig, DataConfig
    >>> make_binner(FitConfig(DataConfig("x.csv", "bad")), ["age"], []).max_n_bins
    8
    """
    b, f = cfg.binning, cfg.features
    chosen = set(columns)
    manual: dict[str, dict[str, Any]] = {}
    user: dict[str, list[Any]] = {}
    for name, o in b.features.items():
        if name not in chosen:
            continue
        if o.splits:
            manual[name] = {"splits": list(o.splits), "reason": o.reason}
        elif o.groups:
            manual[name] = {"groups": [list(g) for g in o.groups], "reason": o.reason}
        if o.candidate_splits:
            user[name] = list(o.candidate_splits)
    return WOEBinner(
        max_n_bins=b.max_n_bins,
        monotonic_trend=None if b.monotonic_trend == "none" else b.monotonic_trend,
        min_bin_frac=b.min_bin_frac,
        special_codes={k: list(v) for k, v in f.special_codes.items() if k in chosen},
        categorical_features=[c for c in categorical if c in chosen],
        user_splits=user or None,
        manual_bins=manual or None,
    )


def step_bin(st: _State) -> str:
    """Optimal WOE binning of every feature on the development sample."""
    dev = st.values["development"]
    cats = list(st.values["categorical"])
    binner = make_binner(st.config, st.features, cats)
    binner.fit(dev[st.features], dev[st.config.data.target])
    st.values["binner"] = binner
    name, iv = max(binner.iv_.items(), key=lambda kv: kv[1])
    return f"{len(st.features)} features binned; highest IV {name} {iv:.3f}"


def step_select(st: _State) -> str:
    """Keep informative features (IV floor), then one of each correlated pair."""
    cfg, dev, binner = st.config, st.values["development"], st.values["binner"]
    by_iv = select_by_iv(binner, min_iv=cfg.selection.min_iv)
    kept = list(by_iv.selected)
    if not kept:
        raise DataError(
            f"no feature reaches the IV floor selection.min_iv = {cfg.selection.min_iv}; "
            f"the highest IV is {max(binner.iv_.values()):.4f}. Lower selection.min_iv."
        )
    woe = np.asarray(binner.transform(dev[st.features]))
    by_corr = select_by_correlation(
        woe[:, [st.features.index(k) for k in kept]],
        binner.iv_,
        max_corr=cfg.selection.max_corr,
        feature_names=kept,
    )
    dropped = {
        feat: reason
        for step in (by_iv, by_corr)
        for feat, keep, reason in zip(step.features, step.kept, step.reasons, strict=True)
        if not keep
    }
    st.values.update(selected=tuple(by_corr.selected), selection=(by_iv, by_corr),
                     dropped=dropped)  # fmt: skip
    return f"{len(by_corr.selected)} of {len(st.features)} kept; dropped {len(dropped)}"


def step_scorecard(st: _State) -> str:
    """Fit the logistic WOE scorecard on the selected features."""
    cfg, dev = st.config, st.values["development"]
    selected = list(st.values["selected"])
    binner = make_binner(cfg, selected, list(st.values["categorical"]))
    c = cfg.scorecard
    card = Scorecard(
        binner=binner, pdo=c.pdo, base_score=c.base_score, base_odds=c.base_odds,
        rounding=c.rounding,
    ).fit(dev[selected], dev[cfg.data.target])  # fmt: skip
    st.values["scorecard"] = card
    points = card.predict_points(dev[selected])
    return (
        f"{len(card.features_)} features on the card; development points "
        f"{points.min():.0f}..{points.max():.0f}"
    )


def step_calibrate(st: _State) -> str:
    """PD calibration of the points and the master scale.

    Grade PDs are the development default rates (long-run average, Basel II para. 447)
    unless those are not increasing over the grades or a grade has no default; then the
    scale keeps its nominal geometric PDs (and says so).
    """
    cfg, dev, card = st.config, st.values["development"], st.values["scorecard"]
    c = cfg.calibration
    points = card.predict_points(dev[list(card.features_)])
    y = dev[cfg.data.target].to_numpy()
    calibrator = PDCalibrator(method=c.method).fit(points.reshape(-1, 1), y)
    pd_dev = calibrator.predict_pd(points)
    low, high = np.quantile(pd_dev, [0.01, 0.99])
    floor = c.floor if c.floor is not None else float(f"{low:.2g}")
    cap = c.cap if c.cap is not None else float(f"{max(high, 1.5 * floor):.2g}")
    nominal = MasterScale.geometric(c.n_grades, floor=floor, cap=cap)
    scale, note = development_scale(nominal, pd_dev, y)
    st.values.update(calibrator=calibrator, master_scale=scale, grade_note=note)
    return f"{c.method} PDs; {scale.n_grades} grades {scale.grades[0]}..{scale.grades[-1]}; {note}"


def step_spec(st: _State) -> str:
    """Write the sealed scoring spec and the card table."""
    cfg, v = st.config, st.values
    card = v["scorecard"]
    target: dict[str, Any] = {"name": cfg.data.target}
    if cfg.data.pos_label is not None:
        target["definition"] = f"{cfg.data.target} == {cfg.data.pos_label!r}"
    if "portfolio" in v:
        pf = v["portfolio"]
        target["definition"] = f"ever {pf.target_dpd}+ DPD within {pf.target_window} months on book"
    metadata: dict[str, Any] = {"data": source_name(st), "split": v["split"]}
    for key in ("development_months", "holdout_months"):
        if key in v:
            metadata[key] = list(v[key])
    path = card.save_spec(
        st.out / "scorecard_spec.json",
        calibrator=v["calibrator"],
        master_scale=v["master_scale"],
        name=cfg.scorecard.name,
        target=target,
        metadata=metadata,
    )
    table = st.out / "scorecard_table.csv"
    card.table().to_csv(table, index=False)
    v["spec"] = spec = load_spec(path)
    st.files.update(spec=path, card_table=table)
    features = list(card.features_)
    n = sum(
        check_spec_matches(spec, card, v["calibrator"], v["master_scale"], v[part][features])
        for part in ("development", "holdout")
    )
    v["spec_check"] = n
    return (
        f"wrote {path.name} and {table.name}; runtime == Scorecard on {n:,} rows "
        "(points, PD, grade)"
    )


def step_validate(st: _State) -> str:
    """AUC, Gini and KS on development and hold-out (from the spec), the score PSI, and
    the grade PDs' backtests on the hold-out (Jeffreys, binomial, Hosmer-Lemeshow)."""
    v, target = st.values, st.config.data.target
    spec = v["spec"]
    metrics: dict[str, dict[str, float]] = {}
    scores = {}
    for name in ("development", "holdout"):
        part = v[name]
        y, pd_ = part[target].to_numpy(), spec.predict_pd(part)
        a = float(roc_auc(y, pd_).statistic)
        metrics[name] = {
            "n": float(len(part)),
            "bad_rate": float(np.mean(y)),
            "auc": a,
            "gini": 2 * a - 1,
            "ks": float(ks_statistic(y, pd_).statistic),
        }
        scores[name] = spec.score(part)
    metrics["stability"] = {"psi": float(psi(scores["development"], scores["holdout"]).statistic)}
    v["metrics"] = metrics
    hold = v["holdout"]
    v["backtests"] = grade_backtests(
        v["master_scale"], spec.predict_pd(hold), hold[target].to_numpy()
    )
    d, h = metrics["development"], metrics["holdout"]
    return (
        f"Gini {h['gini']:.3f} hold-out vs {d['gini']:.3f} development; KS {h['ks']:.3f} vs "
        f"{d['ks']:.3f}; PSI {metrics['stability']['psi']:.4f}"
    )


def step_gate(st: _State) -> str:
    """The CI gate on the hold-out (baseline: development); JSON and JUnit files."""
    cfg, v = st.config, st.values
    g = cfg.gate
    thresholds: Any = None
    if g.thresholds_file is not None:
        thresholds = cfg.resolve(g.thresholds_file)
    elif g.thresholds:
        thresholds = {k: dict(t) for k, t in g.thresholds.items()}
    result = validate(
        st.files["spec"],
        v["holdout"],
        target=cfg.data.target,
        baseline=v["development"],
        thresholds=thresholds,
    )
    v["gate"] = result
    st.files["gate_json"], st.files["gate_junit"] = st.out / "gate.json", st.out / "gate-junit.xml"
    result.to_json(st.files["gate_json"])
    result.to_junit_xml(st.files["gate_junit"])
    c = result.counts()
    verdict = "PASS" if result.passed else "FAIL"
    return f"{verdict}: " + ", ".join(f"{n} {k}" for k, n in c.items() if n)


def step_report(st: _State) -> str:
    """The self-contained HTML report (needs matplotlib: the ``plots`` extra)."""
    cfg, v = st.config, st.values
    if not cfg.output.report:
        return "skipped (output.report = false)"
    if importlib.util.find_spec("matplotlib") is None:
        return 'skipped: matplotlib is not installed (pip install "overdue_risk[plots]")'
    path = st.out / "report.html"
    build_report(
        path,
        data=v["holdout"],
        target=cfg.data.target,
        spec=st.files["spec"],
        baseline=v["development"],
        binner=v["binner"],
        scorecard=v["scorecard"],
        gate=v["gate"],
        title=f"Scorecard {cfg.scorecard.name}: development on {source_name(st)}",
    )
    st.files["report"] = path
    return f"wrote {path.name}"


#: The steps in order: (name, function).
STEPS = (
    ("read", step_read),
    ("split", step_split),
    ("bin", step_bin),
    ("select", step_select),
    ("scorecard", step_scorecard),
    ("calibrate", step_calibrate),
    ("spec", step_spec),
    ("validate", step_validate),
    ("gate", step_gate),
    ("report", step_report),
)
