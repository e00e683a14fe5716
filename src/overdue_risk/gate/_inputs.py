"""What the gate reads: a table file or frame, a scoring spec, and the card slots (feature,
bin) that the stability checks compare.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._io import read_table as _read
from overdue_risk._validation import check_binary_target, check_columns
from overdue_risk.exceptions import DataError
from overdue_risk.gate._types import GateInputs
from overdue_risk.runtime import as_spec

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from overdue_risk.runtime import Spec

__all__ = ["build_inputs", "card_slots", "read_table", "slot_labels"]


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file into a pandas DataFrame, with clear errors.

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.csv.gz``, ``.tsv`` or ``.parquet`` / ``.pq``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataError
        When the file is missing, of an unknown type, unreadable or empty (the rules of
        the one file layer, ``overdue_risk._io``: duplicated headers, malformed rows and
        non-UTF-8 text are refused naming the line or the encoding option).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("a,bad\\n1,0\\n2,1\\n")
    >>> read_table(p).shape
    (2, 2)
    """
    p = Path(path)
    frame = _read(p)
    if len(frame) == 0:
        raise DataError(f"data file {str(p)!r} has no rows. Pass a non-empty sample.")
    return frame


def _as_frame(data: Any, what: str) -> pd.DataFrame:
    if isinstance(data, str | Path):
        return read_table(data)
    if hasattr(data, "columns") and hasattr(data, "__getitem__"):
        import pandas as pd

        return data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    raise DataError(
        f"{what} must be a file path or a DataFrame; got {type(data).__name__}. "
        "Pass a CSV/Parquet path or a pandas DataFrame."
    )


def _as_spec(spec: Any) -> Spec:

    return as_spec(spec)


def _target(frame: pd.DataFrame, target: str, what: str) -> npt.NDArray[np.int64]:
    check_columns(map(str, frame.columns), [target], what=what)
    return check_binary_target(frame[target].to_numpy(), name=f"column {target!r} of {what}")


def build_inputs(
    spec: Any, data: Any, *, target: str, baseline: Any | None = None
) -> tuple[GateInputs, Spec, int, int | None]:
    """Score the validation (and baseline) sample with ``spec``: the inputs of the checks.

    Parameters
    ----------
    spec, data, target, baseline
        As in :func:`validate`.

    Returns
    -------
    (GateInputs, Spec, int, int or None)
        The inputs, the loaded spec, and the row counts of data and baseline.

    Examples
    --------
    >>> import pandas as pd
    >>> from overdue_risk.runtime import example_spec_dict, seal
    >>> data = pd.DataFrame({"age": [22, 45, 61], "purpose": ["cash", "rent", None],
    ...                      "bad": [1, 0, 0]})
    >>> inputs, spec, n, n_base = build_inputs(seal(example_spec_dict()), data, target="bad")
    >>> inputs.score.tolist(), inputs.grade.tolist(), n, n_base
    ([92.0, 108.0, 95.0], ['C', 'B', 'C'], 3, None)
    """
    sp = _as_spec(spec)
    frame = _as_frame(data, "the validation data")
    y = _target(frame, target, "the validation data")
    names = list(sp.feature_names)
    check_columns(map(str, frame.columns), names, what="the validation data")
    doc = sp.to_dict()
    pd_, grade, grade_pd = _calibration_outputs(sp, doc, frame)
    kwargs: dict[str, Any] = {}
    n_base: int | None = None
    if baseline is not None:
        bframe = _as_frame(baseline, "the baseline data")
        check_columns(map(str, bframe.columns), names, what="the baseline data")
        n_base = len(bframe)
        kwargs["baseline_score"] = np.asarray(sp.score(bframe), dtype=np.float64)
        kwargs["baseline_feature_slots"] = card_slots(sp, bframe)
        if target in bframe.columns:
            kwargs["baseline_y"] = _target(bframe, target, "the baseline data")
    inputs = GateInputs(
        y=y,
        score=np.asarray(sp.score(frame), dtype=np.float64),
        pd=pd_,
        grade=grade,
        grade_pd=grade_pd,
        feature_slots=card_slots(sp, frame),
        slot_labels=slot_labels(sp),
        **kwargs,
    )
    return inputs, sp, len(frame), n_base


def _calibration_outputs(
    sp: Spec, doc: Mapping[str, Any], frame: pd.DataFrame
) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[np.object_] | None, dict[str, float] | None]:
    if sp.calibration is None:
        return None, None, None
    pd_ = np.asarray(sp.predict_pd(frame), dtype=np.float64)
    ms = sp.master_scale  # the runtime's parsed block: no key spelled here
    if ms is None:
        return pd_, None, None
    grade = np.asarray(sp.grade_from_pd(pd_), dtype=object)
    grade_pd = {str(g): float(p) for g, p in zip(ms.grades, ms.pd, strict=True)}
    return pd_, grade, grade_pd


def card_slots(spec: Spec, frame: pd.DataFrame) -> dict[str, npt.NDArray[np.intp]]:
    """The card's bin of every row for every feature (``Spec.slots``, the one layout).

    Slots are ``[regular bins..., missing, special codes..., unseen]`` as in
    docs/spec_format.md: numeric ``searchsorted(splits, x, "right")`` after the special
    codes; categorical through the canonical category strings; missing values under the
    library's one missing-value policy.

    Examples
    --------
    >>> import pandas as pd
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = Spec.from_dict(seal(example_spec_dict()))
    >>> frame = pd.DataFrame({"age": [20, 30, None], "purpose": ["rent", "yacht", None]})
    >>> {k: v.tolist() for k, v in card_slots(spec, frame).items()}
    {'age': [0, 1, 4], 'purpose': [2, 4, 3]}
    """
    return spec.slots(frame)


def slot_labels(spec: Spec) -> dict[str, tuple[str, ...]]:
    """A label per slot of every feature (bins, Missing, Special codes, Unseen).

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> slot_labels(Spec.from_dict(seal(example_spec_dict())))["age"]
    ('(-inf, 25)', '[25, 40)', '[40, 55)', '[55, inf)', 'Missing', 'Special -1', 'Unseen')
    """
    out: dict[str, tuple[str, ...]] = {}
    for feat in spec.features:
        if feat.kind == "numeric":
            edges = ["-inf", *(f"{v:g}" for v in feat.splits), "inf"]
            bins = [
                f"{'(' if i == 0 else '['}{edges[i]}, {edges[i + 1]})"
                for i in range(len(edges) - 1)
            ]
        else:
            bins = [", ".join(c)[:40] for c in feat.categories]
        specials = [f"Special {c:g}" for c in feat.special_codes]
        out[feat.name] = (*bins, "Missing", *specials, "Unseen")
    return out
