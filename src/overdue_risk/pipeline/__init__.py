"""Develop a scorecard on your own data, end to end, from one configuration.

:func:`fit_scorecard` runs the whole development (read, split, bin, select, card,
calibration and master scale, spec, validation on the hold-out, the gate, the report) from
a :class:`FitConfig`, read from TOML by :func:`load_config`; :func:`guess_config` and
:func:`config_toml` write a commented starting config from a data file's columns. The
command line's ``overdue-risk init`` and ``overdue-risk fit`` are thin shells over them.
"""

from __future__ import annotations

from overdue_risk.pipeline._config import (
    BinningConfig,
    CalibrationConfig,
    DataConfig,
    FeatureOverride,
    FeaturesConfig,
    FitConfig,
    GateConfig,
    OutputConfig,
    PanelConfig,
    ScorecardConfig,
    SelectionConfig,
    SplitConfig,
    check_columns,
    config_from_dict,
    load_config,
)
from overdue_risk.pipeline._fit import FitResult, fit_scorecard
from overdue_risk.pipeline._guess import ColumnGuess, config_toml, guess_columns
from overdue_risk.pipeline._steps import make_binner, split_by_date

__all__ = [
    "BinningConfig",
    "CalibrationConfig",
    "ColumnGuess",
    "DataConfig",
    "FeatureOverride",
    "FeaturesConfig",
    "FitConfig",
    "FitResult",
    "GateConfig",
    "OutputConfig",
    "PanelConfig",
    "ScorecardConfig",
    "SelectionConfig",
    "SplitConfig",
    "check_columns",
    "config_from_dict",
    "config_toml",
    "fit_scorecard",
    "guess_columns",
    "load_config",
    "make_binner",
    "split_by_date",
]
