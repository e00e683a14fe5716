"""What a Spark or Dask scorer runs: the plan both engines share.

:func:`score_plan` reads the spec once on the driver, checks the DataFrame's columns and
decides the outputs; the :class:`ScorePlan` travels to the workers (the spec as compact
JSON text, parsed once per worker process) and scores each chunk with the runtime kernel.

Examples
--------
>>> from overdue_risk.export._examples import example_spec
>>> plan = score_plan(example_spec(), ["age", "purpose"], "score_dask", "Dask")
>>> plan.names, plan.is_float("score"), plan.is_float("grade")
(('score', 'pd', 'grade'), True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from overdue_risk.distributed._counts import check_engine_columns
from overdue_risk.export._spec import (
    as_spec,
    is_float_output,
    output_plan,
    score_outputs,
    spec_json,
)

__all__ = ["ScorePlan", "score_plan"]


@dataclass(frozen=True)
class ScorePlan:
    """The spec's JSON text, its input features and the outputs to append, in order."""

    text: str
    features: tuple[str, ...]
    names: tuple[str, ...]
    pd: bool
    grade: bool
    reason_codes: int
    prefix: str

    def is_float(self, name: str) -> bool:
        """Whether output ``name`` is a float column (score, pd) rather than text."""
        return is_float_output(name, self.prefix)

    def outputs(self, data: Any) -> dict[str, Any]:
        """Score one chunk (the feature columns) with the runtime kernel: name -> array."""
        return score_outputs(
            self.text,
            data,
            pd=self.pd,
            grade=self.grade,
            reason_codes=self.reason_codes,
            prefix=self.prefix,
        )


def score_plan(
    spec: Any,
    columns: Sequence[str],
    what: str,
    engine: str,
    *,
    pd: bool = True,
    grade: bool = True,
    reason_codes: int = 0,
    prefix: str = "",
) -> ScorePlan:
    """The plan of ``what`` (e.g. ``"score_dask"``) on a DataFrame with ``columns``.

    The spec goes through the runtime's checks; missing feature columns and outputs that
    clash with existing columns are a DataError.
    """
    view = as_spec(spec)
    check_engine_columns(columns, view.feature_names, what, engine)
    has_pd, has_grade, names = output_plan(
        view, columns, pd=pd, grade=grade, reason_codes=reason_codes, prefix=prefix
    )
    return ScorePlan(
        text=spec_json(view),
        features=tuple(view.feature_names),
        names=tuple(names),
        pd=has_pd,
        grade=has_grade,
        reason_codes=int(reason_codes),
        prefix=prefix,
    )
