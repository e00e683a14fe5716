"""The behavioural outcome after ``as_of`` and stacked development snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import format_values
from overdue_risk.behaviour._features import check_windows, compute_features, feature_plan
from overdue_risk.behaviour._panel import (
    CO_CODE,
    PO_CODE,
    PanelArrays,
    as_of_number,
    read_panel,
)
from overdue_risk.buckets import ACTIVE_BUCKETS, CHARGED_OFF, DEFAULT_DPD_EDGES
from overdue_risk.exceptions import DataError

__all__ = ["behaviour_target", "parse_bad", "snapshots"]

IntArray = npt.NDArray[np.int64]


def parse_bad(bad: str) -> int:
    """Bucket code from which a loan counts as bad: ``"M3+"`` -> 3, ``"CO"`` -> 7.

    Examples
    --------
    >>> parse_bad("M3+"), parse_bad("M1+"), parse_bad("CO")
    (3, 1, 7)
    """
    text = str(bad).strip().upper()
    if text == CHARGED_OFF:
        return CO_CODE
    body = text[1:].rstrip("+")
    if text.startswith("M") and text.endswith("+") and body.isdigit():
        k = int(body)
        if 1 <= k < len(ACTIVE_BUCKETS):
            return k
    raise DataError(f"bad must be a bucket such as 'M3+' (M1+ ... M6+) or 'CO'; got {bad!r}.")


def _check_horizon(horizon: Any) -> int:
    if not isinstance(horizon, int | np.integer) or horizon < 1:
        raise DataError(f"horizon must be a positive integer (months); got {horizon!r}.")
    return int(horizon)


def _target_arrays(
    arrs: PanelArrays, t: int, loans: IntArray, horizon: int, bad_code: int
) -> dict[str, Any]:
    """Outcome of the loans ``loans`` (codes) over the months ``(t, t + horizon]``."""
    n = arrs.loan_ids.size
    inside = (arrs.period > t) & (arrs.period <= t + horizon)
    after = arrs.period > t
    loan, period, bucket = arrs.loan[inside], arrs.period[inside], arrs.bucket[inside]
    severity = np.where(bucket == PO_CODE, 0, bucket)  # CO (7) is the worst, PO is none
    worst = np.zeros(n, dtype=np.int64)
    np.maximum.at(worst, loan, severity)
    closed = np.zeros(n, dtype=bool)
    closed[loan[bucket >= CO_CODE]] = True
    last_seen = np.full(n, t, dtype=np.int64)
    np.maximum.at(last_seen, arrs.loan[after], arrs.period[after])
    missed = arrs.dpd[inside] > 0
    first_miss = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_miss, loan[missed], period[missed])
    w = worst[loans]
    is_bad = w >= bad_code
    complete = is_bad | closed[loans] | (last_seen[loans] >= t + horizon)
    labels = np.asarray((*ACTIVE_BUCKETS, CHARGED_OFF), dtype=object)
    fm = first_miss[loans]
    return {
        "worst_bucket": labels[w],
        "bad": np.where(complete, is_bad.astype(np.float64), np.nan),
        "window_complete": complete,
        "months_to_first_miss": np.where(
            fm == np.iinfo(np.int64).max, np.nan, (fm - t).astype(np.float64)
        ),
    }


def _frame(arrs: PanelArrays, t: int, horizon: int, bad_code: int, id: str) -> Any:
    import pandas as pd

    from overdue_risk.behaviour._features import open_rows

    r = open_rows(arrs, t)
    loans = r.loan[r.starts]
    data = {id: arrs.loan_ids[loans], **_target_arrays(arrs, t, loans, horizon, bad_code)}
    out = pd.DataFrame(data)
    out["bad"] = out["bad"].astype("Int64")
    return out


def behaviour_target(
    panel: Any,
    as_of: Any,
    *,
    horizon: int = 6,
    bad: str = "M3+",
    id: str = "loan_id",
    period: str = "month",
    dpd_edges: Sequence[int] = DEFAULT_DPD_EDGES,
) -> Any:
    """The worst state in the ``horizon`` months after ``as_of``, for the loans open then.

    The same loans as :func:`panel_features` (open at ``as_of``). A loan's window is
    *complete* when the panel shows it at ``as_of + horizon`` or later, or it closed (paid
    off or charged off) or went bad inside the window. An incomplete window gives
    ``bad = <NA>``, never 0: a loan that has not been watched long enough is not good yet.

    Parameters
    ----------
    panel : DataFrame or dict of arrays
        As for :func:`panel_features`.
    as_of : month or int
        The observation month.
    horizon : int, default=6
        Months of outcome window after ``as_of``.
    bad : str, default="M3+"
        The loan is bad when it reaches this bucket or worse (charge-off included):
        ``"M1+"`` ... ``"M6+"``, or ``"CO"`` for charge-off only.
    id, period : str, default="loan_id", "month"
    dpd_edges : sequence of int, default=(0, 30, 60, 90, 120, 150)
        Bucket edges used when the panel has no ``bucket`` column.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``worst_bucket`` (M0 ... M6+ or CO), ``bad`` (nullable Int64: 1, 0 or
        <NA> for an incomplete window), ``window_complete`` and ``months_to_first_miss``
        (months from ``as_of`` to the first month with DPD > 0 in the window; NaN if none).

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"loan_id": [1, 1, 1, 2, 2], "month": [1, 2, 3, 1, 2],
    ...                       "dpd": [0, 40, 70, 0, 0]})
    >>> behaviour_target(panel, 1, horizon=2)
       loan_id worst_bucket   bad  window_complete  months_to_first_miss
    0        1           M3     1             True                   1.0
    1        2           M0  <NA>            False                   NaN
    """
    arrs = read_panel(panel, id=id, period=period, dpd_edges=dpd_edges)
    return _frame(
        arrs, as_of_number(as_of, arrs.dated), _check_horizon(horizon), parse_bad(bad), id
    )


def snapshots(
    panel: Any,
    as_of: Sequence[Any],
    horizon: int = 6,
    *,
    bad: str = "M3+",
    windows: Sequence[int] = (3, 6, 12),
    id: str = "loan_id",
    period: str = "month",
    counts: Sequence[str] = (),
    dpd_edges: Sequence[int] = DEFAULT_DPD_EDGES,
) -> Any:
    """Features and outcome stacked over several observation months (development data).

    For every month in ``as_of``: :func:`panel_features` of the loans open then, joined with
    their :func:`behaviour_target`, and an ``as_of`` column so that splits can be out of
    time. The panel is read once.

    Parameters
    ----------
    panel : DataFrame or dict of arrays
        As for :func:`panel_features`.
    as_of : sequence of months or ints
        The observation months.
    horizon : int, default=6
    bad : str, default="M3+"
    windows : sequence of int, default=(3, 6, 12)
    id, period : str, default="loan_id", "month"
    counts : sequence of str, default=()
    dpd_edges : sequence of int, default=(0, 30, 60, 90, 120, 150)

    Returns
    -------
    pandas.DataFrame
        ``as_of``, ``id``, the features, then ``worst_bucket``, ``bad``,
        ``window_complete`` and ``months_to_first_miss``.

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio
    >>> book = make_microloan_portfolio(n_loans=400, n_months=18, random_state=0)
    >>> dev = snapshots(book.performance, ["2023-06", "2023-09"], horizon=6)
    >>> dev["as_of"].dt.strftime("%Y-%m").unique().tolist()
    ['2023-06', '2023-09']
    >>> bool(dev.loc[~dev["window_complete"], "bad"].isna().all())
    True
    """
    import pandas as pd

    if isinstance(as_of, str) or not isinstance(as_of, Sequence | np.ndarray | pd.Index):
        raise DataError(
            f"as_of must be a list of observation months; got {as_of!r}. "
            "Example: as_of=['2023-06', '2023-09']."
        )
    if len(as_of) == 0:
        raise DataError("as_of is empty: give at least one observation month.")
    arrs = read_panel(panel, id=id, period=period, counts=counts, dpd_edges=dpd_edges)
    plan = feature_plan([*arrs.optional, "dpd"], check_windows(windows), counts)
    h, bad_code = _check_horizon(horizon), parse_bad(bad)
    months = [as_of_number(a, arrs.dated) for a in as_of]
    if len(set(months)) != len(months):
        raise DataError(f"as_of repeats a month: {format_values(list(as_of))}.")
    parts = []
    for t in months:  # a handful of observation months; each is vectorised over loans
        feats = compute_features(arrs, t, plan, id)
        target = _frame(arrs, t, h, bad_code, id)
        part = pd.concat([feats, target.drop(columns=[id])], axis=1)
        stamp = np.datetime64(int(t), "M").astype("datetime64[ns]") if arrs.dated else t
        part.insert(0, "as_of", stamp)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
