"""The gate's thresholds: the documented defaults (gate_thresholds.toml) and a TOML reader
that checks every value.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from overdue_risk._validation import format_values
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = ["default_thresholds_toml", "load_thresholds"]
_THRESHOLDS_FILE = "gate_thresholds.toml"


# ----------------------------------------------------------------------------------------
# thresholds
# ----------------------------------------------------------------------------------------


def default_thresholds_toml() -> str:
    """Return the documented default thresholds as TOML text.

    Returns
    -------
    str
        The contents of the ``gate_thresholds.toml`` file shipped with the package: every
        key, its default and what it means.

    Examples
    --------
    >>> "[discrimination]" in default_thresholds_toml()
    True
    """
    return resources.files("overdue_risk").joinpath(_THRESHOLDS_FILE).read_text("utf-8")


def load_thresholds(
    path: str | Path | None = None, *, overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """Read gate thresholds: the defaults, updated by a TOML file and by ``overrides``.

    Parameters
    ----------
    path : str or Path, default=None
        A TOML file with any of the ``[discrimination]``, ``[calibration]`` and
        ``[stability]`` tables of :func:`default_thresholds_toml`. Missing keys keep their
        defaults.
    overrides : mapping, default=None
        ``{section: {key: value}}`` applied last (handy from Python).

    Returns
    -------
    dict
        ``{section: {key: value}}`` with every key present.

    Raises
    ------
    DataError
        When the file cannot be read or parsed, names an unknown section or key (a typo
        must not silently disable a check), or gives a value of the wrong type.

    Examples
    --------
    >>> load_thresholds(overrides={"discrimination": {"min_gini": 0.4}})["discrimination"][
    ...     "min_gini"
    ... ]
    0.4
    """
    defaults = tomllib.loads(default_thresholds_toml())
    out: dict[str, dict[str, Any]] = {k: dict(v) for k, v in defaults.items()}
    layers: list[tuple[str, Mapping[str, Any]]] = []
    if path is not None:
        p = Path(path)
        try:
            text = p.read_text("utf-8")
        except OSError as exc:
            raise DataError(
                f"cannot read thresholds file {str(p)!r}: {exc.strerror or exc}. "
                "Pass an existing TOML file (see `overdue-risk validate --print-config`)."
            ) from None
        try:
            layers.append((str(p), tomllib.loads(text)))
        except tomllib.TOMLDecodeError as exc:
            raise DataError(
                f"thresholds file {str(p)!r} is not valid TOML: {exc}. Fix the syntax."
            ) from None
    if overrides is not None:
        layers.append(("overrides", overrides))
    for origin, layer in layers:
        for section, values in layer.items():
            if section not in out:
                raise DataError(
                    f"{origin}: unknown thresholds section [{section}]; expected one of "
                    f"{format_values(sorted(out))}. Fix the section name."
                )
            if not isinstance(values, Mapping):
                raise DataError(f"{origin}: [{section}] must be a table of key = value lines.")
            for key, value in values.items():
                if key not in out[section]:
                    raise DataError(
                        f"{origin}: unknown key {key!r} in [{section}]; expected one of "
                        f"{format_values(sorted(out[section]))}. Fix the key name."
                    )
                out[section][key] = _coerce(origin, section, key, value, out[section][key])
    return out


def _coerce(origin: str, section: str, key: str, value: Any, default: Any) -> Any:
    where = f"{origin}: [{section}] {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise DataError(f"{where} must be true or false; got {value!r}.")
        return value
    if isinstance(default, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DataError(f"{where} must be a number; got {value!r}.")
        if not math.isfinite(value) or value < 0:
            raise DataError(f"{where} must be a finite non-negative number; got {value!r}.")
        if isinstance(default, int):
            if int(value) != value:
                raise DataError(f"{where} must be a whole number; got {value!r}.")
            return int(value)
        return float(value)
    if not isinstance(value, str):
        raise DataError(f"{where} must be a string; got {value!r}.")
    return value
