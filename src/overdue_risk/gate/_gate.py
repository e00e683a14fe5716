"""validate: score a sample with a spec, run every registered check, return the verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from overdue_risk.gate._checks import CHECKS
from overdue_risk.gate._inputs import build_inputs
from overdue_risk.gate._thresholds import load_thresholds
from overdue_risk.gate._types import CheckFunction, CheckResult, GateResult

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = ["registered_checks", "validate"]


def registered_checks() -> tuple[str, ...]:
    """Names of the check functions :func:`validate` runs, in order.

    Examples
    --------
    >>> registered_checks()[:1]
    ('discrimination',)
    """
    return tuple(f.__name__.removeprefix("check_") for f in CHECKS)


def validate(
    spec: Any,
    data: Any,
    *,
    target: str,
    baseline: Any | None = None,
    thresholds: str | Path | Mapping[str, Mapping[str, Any]] | None = None,
    checks: Sequence[CheckFunction] | None = None,
) -> GateResult:
    """Run the CI gate on a validation sample.

    Parameters
    ----------
    spec : str, Path, dict or Spec
        The scoring spec (JSON file written by ``Scorecard.to_spec``).
    data : str, Path or DataFrame
        The validation sample: the spec's feature columns and the target.
    target : str
        Name of the 0/1 default-flag column.
    baseline : str, Path or DataFrame, default=None
        The development (or last accepted) sample. Stability checks and the AUC-vs-initial
        test need it; without it they are reported as skipped.
    thresholds : str, Path or mapping, default=None
        A TOML thresholds file, or ``{section: {key: value}}`` overrides of the defaults
        (see :func:`default_thresholds_toml`).
    checks : sequence of callables, default=None
        The check functions to run; the registered checks when None.

    Returns
    -------
    GateResult

    Raises
    ------
    DataError
        Missing files or columns, a non-binary target, bad thresholds.
    SpecError
        A malformed or tampered spec.

    Examples
    --------
    The example card of the spec format, on a sample whose defaults follow its PDs:

    >>> import numpy as np, pandas as pd
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = seal(example_spec_dict())
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"age": rng.integers(20, 60, 4000),
    ...                      "purpose": rng.choice(["cash", "rent", "education"], 4000)})
    >>> data["bad"] = (rng.random(4000) < Spec.from_dict(spec).predict_pd(data)).astype(int)
    >>> result = validate(spec, data, target="bad", baseline=data)
    >>> result.passed, result.exit_code
    (True, 0)
    >>> result.checks[0].check_id, result.checks[0].status
    ('discrimination.gini', 'warn')
    """
    if thresholds is None or isinstance(thresholds, str | Path):
        th = load_thresholds(thresholds)
    else:
        th = load_thresholds(overrides=thresholds)
    inputs, sp, n_rows, n_base = build_inputs(spec, data, target=target, baseline=baseline)
    if checks is None:
        checks = CHECKS
    results: list[CheckResult] = []
    for func in checks:
        results.extend(func(inputs, th))
    name = str(sp.to_dict().get("name") or "scorecard")
    return GateResult(
        checks=tuple(results), n_rows=n_rows, n_baseline=n_base, spec_name=name, thresholds=th
    )
