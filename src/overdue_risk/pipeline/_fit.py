"""``fit_scorecard``: the whole development on the user's data, and its frozen result."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from overdue_risk._results import Result
from overdue_risk.pipeline._config import FitConfig, load_config
from overdue_risk.pipeline._steps import STEPS, _State

__all__ = ["FitResult", "fit_scorecard"]


@dataclass(frozen=True)
class FitResult(Result):
    """Every step's output of :func:`fit_scorecard`.

    Attributes
    ----------
    config : FitConfig
        The configuration that was run.
    features : tuple of str
        The candidate features (numeric first).
    development, holdout : pandas.DataFrame
        The two samples (target as 0/1).
    split : str
        How they were split.
    binner : WOEBinner
        The binning of every candidate feature on the development sample.
    selection : tuple of SelectionResult
        The IV step and the correlation step.
    dropped : mapping of str to str
        Each feature left out, with the reason.
    scorecard : Scorecard
    calibrator : PDCalibrator
    master_scale : MasterScale
    spec : Spec
        The sealed scoring spec as written (all hold-out numbers are scored from it).
    metrics : mapping
        ``{"development": {...}, "holdout": {...}}`` with ``n``, ``bad_rate``, ``auc``,
        ``gini``, ``ks``; ``{"stability": {"psi": ...}}`` of the scores.
    backtests : mapping of str to BacktestResult
        ``Jeffreys``, ``binomial`` and ``Hosmer-Lemeshow`` tests of the master scale's
        grade PDs on the hold-out.
    gate : GateResult
        The gate's verdict on the hold-out.
    files : mapping of str to Path
        ``spec``, ``card_table``, ``gate_json``, ``gate_junit`` and ``report`` (when written).
    log : tuple of str
        One progress line per step.
    """

    config: FitConfig
    features: tuple[str, ...]
    development: Any
    holdout: Any
    split: str
    binner: Any
    selection: tuple[Any, ...]
    dropped: Mapping[str, str]
    scorecard: Any
    calibrator: Any
    master_scale: Any
    spec: Any
    metrics: Mapping[str, Mapping[str, float]]
    backtests: Mapping[str, Any]
    gate: Any
    files: Mapping[str, Path]
    log: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when the gate passed."""
        return bool(self.gate.passed)

    @property
    def exit_code(self) -> int:
        """0 when the gate passed, 1 when a check failed (as ``overdue-risk validate``)."""
        return int(self.gate.exit_code)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        d, h = self.metrics["development"], self.metrics["holdout"]
        rows: list[list[Any]] = [
            [name, d[key], h[key]]
            for name, key in (
                ("rows", "n"),
                ("bad rate", "bad_rate"),
                ("AUC", "auc"),
                ("Gini", "gini"),
                ("KS", "ks"),
            )
        ]
        rows[0] = ["rows", int(d["n"]), int(h["n"])]
        footer = (
            f"split: {self.split}\n"
            f"{len(self.scorecard.features_)} of {len(self.features)} features on the card; "
            f"score PSI {self.metrics['stability']['psi']:.4f}; gate "
            f"{'PASS' if self.passed else 'FAIL'}"
        )
        return (f"Scorecard {self.config.scorecard.name!r}",
                ["statistic", "development", "hold-out"], rows, footer)  # fmt: skip


def fit_scorecard(
    config: FitConfig | str | Path,
    *,
    data: Any = None,
    out: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> FitResult:
    """Develop a scorecard on your own data, end to end, from one configuration.

    Steps (one progress line each): read the file (CSV, TSV or Parquet) and the target
    (0/1, or two labels with ``data.pos_label``); split into development and hold-out
    (stratified random, or out of time by ``data.date``); WOE-bin every feature (special
    codes, per-feature overrides); select (IV floor, then correlation); fit the
    :class:`~overdue_risk.scorecard.Scorecard`; calibrate PDs and a master scale; write
    the sealed spec and the card table; measure AUC / Gini / KS on both samples and the
    score PSI; run the gate on the hold-out (``gate.json``, ``gate-junit.xml``); write the
    HTML report when matplotlib is installed.

    Parameters
    ----------
    config : FitConfig, str or Path
        The configuration, or the path of its TOML file (``overdue-risk init`` writes one).
    data : pandas.DataFrame or Portfolio, default=None
        The data in memory, in place of the file ``config.data.path`` (which is then not
        read: any label will do). A DataFrame holds the applications with the target
        column ``config.data.target``; a :class:`~overdue_risk.datasets.Portfolio` (e.g.
        :func:`~overdue_risk.datasets.make_microloan_portfolio` or
        :func:`~overdue_risk.datasets.load_portfolio`) works as ``[panel]`` does: target
        ``bad`` by its own bad definition, out-of-time split over the complete outcome
        windows (``config.panel.path`` must then be unset).
    out : str or Path, default=None
        Output folder; ``config.output.dir`` (relative to the config file) when None.
    progress : callable, default=None
        Called with one line per step (the CLI prints them on stderr).

    Returns
    -------
    FitResult

    Raises
    ------
    DataError
        A bad config value (naming the key, the value and the fix), a missing column
        (suggesting the nearest), a target that is not binary, too few defaults.

    See Also
    --------
    load_config : the TOML format.

    Examples
    --------
    >>> import pathlib, tempfile, numpy as np, pandas as pd
    >>> from overdue_risk.pipeline import DataConfig, FitConfig, OutputConfig
    >>> rng = np.random.default_rng(0)
    >>> n = 3000
    >>> data = pd.DataFrame({"age": rng.integers(20, 70, n),
    ...                      "home": rng.choice(["rent", "own"], n)})
    >>> risk = -1.5 - 0.04 * (data["age"] - 40) + 0.5 * (data["home"] == "rent")
    >>> data["bad"] = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> data.to_csv(folder / "loans.csv", index=False)
    >>> cfg = FitConfig(DataConfig("loans.csv", "bad"), base_dir=str(folder),
    ...                 output=OutputConfig(report=False))
    >>> result = fit_scorecard(cfg)
    >>> result.scorecard.features_
    ['age', 'home']
    >>> round(result.metrics["holdout"]["auc"], 2)
    0.65
    >>> sorted(result.files)
    ['card_table', 'gate_json', 'gate_junit', 'spec']

    The same from a frame in memory (``data.path`` is then only a label):

    >>> again = fit_scorecard(cfg, data=data, out=folder / "again")
    >>> again.metrics["holdout"]["auc"] == result.metrics["holdout"]["auc"]
    True
    """
    cfg = config if isinstance(config, FitConfig) else load_config(config)
    folder = Path(out) if out is not None else cfg.resolve(cfg.output.dir)
    folder.mkdir(parents=True, exist_ok=True)
    st = _State(config=cfg, out=folder, source=data)
    log: list[str] = []
    for i, (name, step) in enumerate(STEPS, 1):
        line = f"[{i}/{len(STEPS)}] {name}: {step(st)}"
        log.append(line)
        if progress is not None:
            progress(line)
    v = st.values
    return FitResult(
        config=cfg,
        features=tuple(st.features),
        development=v["development"],
        holdout=v["holdout"],
        split=v["split"],
        binner=v["binner"],
        selection=v["selection"],
        dropped=MappingProxyType(dict(v["dropped"])),
        scorecard=v["scorecard"],
        calibrator=v["calibrator"],
        master_scale=v["master_scale"],
        spec=v["spec"],
        metrics=MappingProxyType({k: MappingProxyType(m) for k, m in v["metrics"].items()}),
        backtests=MappingProxyType(dict(v["backtests"])),
        gate=v["gate"],
        files=MappingProxyType(dict(st.files)),
        log=tuple(log),
    )
