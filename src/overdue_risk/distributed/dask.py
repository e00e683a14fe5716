"""Score and monitor a loan book held in a Dask DataFrame.

Scoring runs the NumPy runtime kernel on every pandas partition
(``DataFrame.map_partitions``), so every score equals the kernel's. Monitoring computes
the mergeable count tables of :mod:`overdue_risk.distributed._counts` per partition and adds
them up (one tree reduction), returning small NumPy arrays:

- :func:`prebin_counts_dask`: events and non-events per pre-bin per feature;
- :func:`band_counts_dask`: accounts per score band (for PSI);
- :func:`transition_counts_dask`: loans per ``(from_state, to_state)``.

dask (the ``dask`` extra) is imported inside the functions only.

Examples
--------
>>> from overdue_risk.distributed import dask as dx   # no dask import yet
>>> dx.DEFAULT_MAX_PREBINS
20
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk.distributed._counts import (
    DEFAULT_MAX_PREBINS,
    band_counts_numpy,
    check_edges,
    check_engine_columns,
    check_step,
    prebin_request,
    quantile_splits,
    target_error,
    transition_table,
)
from overdue_risk.distributed._scoring import ScorePlan, score_plan
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:
    from overdue_risk.binning import CountTable

__all__ = [
    "DEFAULT_MAX_PREBINS",
    "band_counts_dask",
    "prebin_counts_dask",
    "score_dask",
    "transition_counts_dask",
]


def _check_columns(ddf: Any, columns: Sequence[str], what: str) -> None:
    check_engine_columns(ddf.columns, columns, what, "Dask")


def _score_partition(part: Any, plan: ScorePlan) -> Any:
    """Score one pandas partition with the runtime kernel (runs on the workers).

    The partition's own columns are not copied, and the text outputs become object
    columns directly, as the meta declares (pandas would otherwise scan every value to
    infer a string dtype).
    """
    import pandas as pd_lib

    # the runtime reads pandas columns itself (fastest path)
    scored = plan.outputs(part[list(plan.features)]) if len(part) else {}
    out = part.copy(deep=False)  # the partition's columns are shared, not copied
    for n in plan.names:
        dtype = "float64" if plan.is_float(n) else object
        out[n] = pd_lib.Series(scored.get(n, ()), index=part.index, dtype=dtype)
    return out


def score_dask(
    spec: Any,
    ddf: Any,
    *,
    pd: bool = True,
    grade: bool = True,
    reason_codes: int = 0,
    prefix: str = "",
) -> Any:
    """Score a Dask DataFrame with the runtime kernel, partition by partition.

    Parameters
    ----------
    spec : Spec, dict or str
        The scoring spec.
    ddf : dask.dataframe.DataFrame
        Must hold the spec's feature columns; other columns are passed through.
    pd, grade : bool, default=True
        Add ``pd`` (and ``grade``) when the spec carries a calibration (and master scale).
    reason_codes : int, default=0
        Number of ``reason_i`` columns.
    prefix : str, default=""
        Prefix of the output column names.

    Returns
    -------
    dask.dataframe.DataFrame
        ``ddf`` with ``score`` (float64), ``pd``, ``grade`` and ``reason_1``... appended
        (lazy until ``compute()``).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> from overdue_risk.export._examples import example_spec
    >>> frame = pd.DataFrame({"age": [22.0, 40.0, None], "purpose": ["cash", "rent", "x"]})
    >>> ddf = dd.from_pandas(frame, npartitions=2)
    >>> score_dask(example_spec(), ddf).compute(scheduler="sync")["score"].tolist()
    [26.0, 53.0, 20.0]
    """
    import pandas as pd_lib

    plan = score_plan(
        spec,
        ddf.columns,
        "score_dask",
        "Dask",
        pd=pd,
        grade=grade,
        reason_codes=reason_codes,
        prefix=prefix,
    )
    meta = ddf._meta.copy()
    for n in plan.names:
        meta[n] = pd_lib.Series([], dtype="float64" if plan.is_float(n) else object)
    return ddf.map_partitions(_score_partition, plan, meta=meta)


def _partition_tables(
    part: Any,
    target: str,
    kinds: dict[str, str],
    cuts: dict[str, tuple[float, ...]],
    specials: dict[str, tuple[float, ...]],
    weight: str | None,
) -> dict[str, CountTable]:
    y = part[target].to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(y).any() or not np.isin(y, (0.0, 1.0)).all():
        raise target_error(target, y[np.isnan(y) | ~np.isin(y, (0.0, 1.0))][0])
    from overdue_risk.binning import CountTable

    w = None if weight is None else part[weight].to_numpy(dtype=np.float64)
    return {
        c: CountTable.from_data(
            c,
            part[c].to_numpy(dtype=np.float64, na_value=np.nan)
            if kind == "numeric"
            else part[c].to_numpy(dtype=object),
            y,
            w,
            splits=cuts.get(c, ()),
            special_codes=specials.get(c, ()) if kind == "numeric" else (),
            kind=kind,
        )
        for c, kind in kinds.items()
    }


def _add_tables(tables: list[dict[str, CountTable]]) -> dict[str, CountTable]:
    total = dict(tables[0])
    for t in tables[1:]:
        for c, table in t.items():
            total[c] = total[c] + table
    return total


def prebin_counts_dask(
    ddf: Any,
    target: str,
    features: Sequence[str] | None = None,
    *,
    splits: dict[str, Sequence[float]] | None = None,
    special_codes: dict[str, Sequence[float]] | None = None,
    max_n_prebins: int = DEFAULT_MAX_PREBINS,
    weight: str | None = None,
) -> dict[str, CountTable]:
    """Events and non-events per pre-bin of every feature, per partition then summed.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    target : str
        The 0/1 event column (no missing values).
    features : sequence of str, optional
        Default: every column but the target and the weight.
    splits : dict, optional
        Pre-bin cut points per numeric feature; the others get ``max_n_prebins``
        approximate quantiles (Dask's ``quantile``, special codes and missing excluded).
    special_codes : dict, optional
        Special codes per numeric feature.
    max_n_prebins : int, default=20
    weight : str, optional
        A row-weight column.

    Returns
    -------
    dict of str to overdue_risk.binning.CountTable
        Same tables as :func:`overdue_risk.distributed.spark.prebin_counts_spark`;
        ``WOEBinner().fit_from_counts(tables)`` bins the book from them.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, None], "bad": [0, 1, 1, 0]})
    >>> t = prebin_counts_dask(dd.from_pandas(frame, npartitions=2), "bad",
    ...                        splits={"x": [2.0]})
    >>> t["x"].event, t["x"].nonevent
    (array([0., 2., 0.]), array([1., 0., 1.]))
    """
    dask: Any = importlib.import_module("dask")

    req = prebin_request(
        ddf.columns, target, features, splits, special_codes, max_n_prebins, weight, "Dask"
    )
    names, specials, cuts = req.names, req.specials, dict(req.splits)
    dtypes = ddf._meta.dtypes
    kinds = {c: "numeric" if dtypes[c].kind in "iuf" else "categorical" for c in names}
    todo = [c for c in names if kinds[c] == "numeric" and c not in cuts]
    if todo:
        quantiles = []
        for c in todo:
            col = ddf[c].astype("float64")
            for code in specials.get(c, ()):
                col = col.mask(col == code)
            quantiles.append(col.quantile(req.probs))
        for c, q in zip(todo, dask.compute(*quantiles), strict=True):
            cuts[c] = quantile_splits(np.asarray(q))
    parts = [
        dask.delayed(_partition_tables)(p, target, kinds, cuts, specials, weight)
        for p in ddf.to_delayed()
    ]
    result: dict[str, CountTable] = dask.delayed(_add_tables)(parts).compute()
    return result


def band_counts_dask(
    ddf: Any, edges: Sequence[float], *, score_col: str = "score"
) -> npt.NDArray[np.float64]:
    """Accounts per score band (``searchsorted(edges, score, side="right")``), summed.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Holds ``score_col`` (e.g. the output of :func:`score_dask`).
    edges : sequence of float
        Strictly increasing band edges.
    score_col : str, default="score"

    Returns
    -------
    ndarray of shape (len(edges) + 1,)

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> ddf = dd.from_pandas(pd.DataFrame({"score": [500.0, 560.0, 610.0]}), npartitions=2)
    >>> band_counts_dask(ddf, [550.0, 600.0])
    array([1., 1., 1.])
    """
    dask: Any = importlib.import_module("dask")

    _check_columns(ddf, [score_col], "band_counts_dask")
    cuts = check_edges(edges)
    parts = [
        dask.delayed(band_counts_numpy)(
            p[score_col].to_numpy(dtype=np.float64, na_value=np.nan), cuts
        )
        for p in ddf.to_delayed()
    ]
    counts: npt.NDArray[np.float64] = dask.delayed(sum)(parts).compute()
    return np.asarray(counts, dtype=np.float64)


def _periods(part: Any, time_col: str) -> Any:
    col = part[time_col]
    if col.dtype.kind == "M":
        return (col.dt.year - 1970) * 12 + col.dt.month - 1
    if col.dtype.kind in "iu":
        return col.astype("int64")
    raise DataError(
        f"column {time_col!r} must hold dates or integer period numbers; got dtype "
        f"{col.dtype}. Convert it first."
    )


def _moves(part: Any, id_col: str, time_col: str, state_col: str) -> Any:
    import pandas as pd

    return pd.DataFrame(
        {
            "id": part[id_col].to_numpy(),
            "t": _periods(part, time_col).to_numpy(),
            "s": part[state_col].astype(str).where(part[state_col].notna()).to_numpy(),
        }
    )


def transition_counts_dask(
    ddf: Any,
    states: Sequence[str] | None = None,
    *,
    id_col: str = "loan_id",
    time_col: str = "month",
    state_col: str = "bucket",
    step: int = 1,
    absorbing: Sequence[str] = ("CO", "PO"),
) -> tuple[npt.NDArray[np.float64], tuple[str, ...]]:
    """Loans per ``(from_state, to_state)`` over ``step`` periods (a Dask merge + count).

    Pairs rows as :func:`overdue_risk.distributed.spark.transition_counts_spark` does (a loan
    closed before ``t + step`` is paired with its absorbing last row).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        A loan-period panel: one row per loan and period.
    states : sequence of str, optional
        State order; default the DPD buckets when every label is one, else sorted labels.
    id_col, time_col, state_col : str
    step : int, default=1
    absorbing : sequence of str, default=("CO", "PO")
        Closed states (no rows follow them).

    Returns
    -------
    counts : ndarray of shape (k, k)
    states : tuple of str

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> panel = pd.DataFrame({"loan_id": [1, 1, 1, 2, 2], "month": [0, 1, 2, 0, 1],
    ...                       "bucket": ["M0", "M1", "M0", "M0", "PO"]})
    >>> counts, labels = transition_counts_dask(dd.from_pandas(panel, npartitions=2))
    >>> int(counts[labels.index("M0"), labels.index("M1")])
    1
    """
    import pandas as pd

    dd: Any = importlib.import_module("dask.dataframe")
    _check_columns(ddf, [id_col, time_col, state_col], "transition_counts_dask")
    check_step(step)
    meta = pd.DataFrame(
        {
            "id": ddf._meta[id_col].to_numpy(),
            "t": np.zeros(0, dtype=np.int64),
            "s": np.zeros(0, dtype=object),
        }
    )
    base = ddf.map_partitions(_moves, id_col, time_col, state_col, meta=meta)
    later = base.assign(t=base["t"] - int(step)).rename(columns={"s": "s2"})
    exact = base.merge(later, on=["id", "t"])[["s", "s2"]]
    closed = [str(a) for a in absorbing]
    t_last = base.groupby("id")["t"].max().reset_index().rename(columns={"t": "t_last"})
    last = base.merge(t_last.rename(columns={"t_last": "t"}), on=["id", "t"])
    last = last.rename(columns={"t": "t_last", "s": "s_last"})
    t_max = base["t"].max()
    joined = base.merge(last, on="id")
    keep = (
        ~joined["s"].isin(closed)
        & joined["s_last"].isin(closed)
        & (joined["t_last"] < joined["t"] + int(step))
        & (joined["t"] + int(step) <= t_max)
    )
    carried = joined[keep][["s", "s_last"]].rename(columns={"s_last": "s2"})
    table = dd.concat([exact, carried]).groupby(["s", "s2"]).size().compute()
    return transition_table(((a, b, n) for (a, b), n in table.items()), states, state_col)
