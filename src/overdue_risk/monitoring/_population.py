"""The population a monthly monitor scores: the performing book at the start of each month."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk._validation import check_columns
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["book_population"]


def book_population(
    portfolio: Any, *, horizon: int = 3, lookback: int = 6, default_dpd: int | None = None
) -> pd.DataFrame:
    """One row per account in the performing book at the start of each calendar month.

    This is what a monthly monitor of a PD model scores: every account the lender holds
    and has not yet written off as defaulted, at the start of the month, with what is
    known about it then -- its application features and its delinquency so far -- and the
    outcome that the model's PD is about: default within the next ``horizon`` months.
    (New applicants are the population of an *application* score's front-end stability
    report; their defaults are known only a full outcome window later, so a downturn
    shows in them late or not at all. The book shows it the month it starts.)

    Parameters
    ----------
    portfolio : Portfolio
        A book with ``applications`` (``loan_id``, ``origination_month``, features) and
        ``performance`` (``loan_id``, ``month``, ``dpd``, ``status``), e.g. from
        :func:`overdue_risk.datasets.make_microloan_portfolio`.
    horizon : int, default=3
        Outcome window in months, starting with the row's month.
    lookback : int, default=6
        Window of ``worst_dpd_{lookback}m``.
    default_dpd : int, default=None
        Days past due that count as default (default: the portfolio's ``target_dpd``,
        else 90). A charge-off is a default too.

    Returns
    -------
    pandas.DataFrame
        ``loan_id``, ``month`` (first day), ``mob`` (months on book at the start of the
        month), ``dpd_start`` (DPD at the end of the previous month), ``worst_dpd_{k}m``
        (worst DPD over the previous ``lookback`` months), the application features,
        ``bad_next`` (1 if the account defaults in months ``t ... t + horizon - 1``) and
        ``bad_next_observed`` (False when the window runs past the panel and the account
        neither defaulted nor closed inside it: never counted good). Accounts in default
        at the start of the month (``dpd_start >= default_dpd``) are not in the performing
        book and have no row. Only the panel up to the previous month enters the features.

    Notes
    -----
    The panel is laid out as a loans x months grid (about 10 bytes per cell: 20,000 loans
    x 24 months take 5 MB, a million loans x 36 months 360 MB); the loop runs over months
    only. For a warehouse-sized panel compute the same columns in SQL
    (:func:`overdue_risk.behaviour.panel_features_sql` gives the delinquency features).

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio
    >>> pf = make_microloan_portfolio(n_loans=400, n_months=8, random_state=0)
    >>> pop = book_population(pf, horizon=2)
    >>> pop.columns[:5].tolist()
    ['loan_id', 'month', 'mob', 'dpd_start', 'worst_dpd_6m']
    >>> bool((pop["dpd_start"] < 90).all()), bool(pop.loc[pop["mob"] == 0, "dpd_start"].eq(0).all())
    (True, True)
    >>> pop.groupby("month")["bad_next_observed"].all().tolist()[-2:]
    [True, False]
    """
    import pandas as pd

    for name, value in (("horizon", horizon), ("lookback", lookback)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise DataError(f"{name} must be a whole number >= 1; got {value!r}.")
    apps = getattr(portfolio, "applications", None)
    perf = getattr(portfolio, "performance", None)
    if apps is None or perf is None:
        raise DataError(
            f"portfolio must have .applications and .performance frames; got "
            f"{type(portfolio).__name__}. Build one with make_microloan_portfolio or "
            "load_portfolio."
        )
    check_columns(map(str, apps.columns), ["loan_id", "origination_month"], what="applications")
    check_columns(map(str, perf.columns), ["loan_id", "month", "dpd", "status"], what="performance")
    cut = int(default_dpd if default_dpd is not None else getattr(portfolio, "target_dpd", 90))

    origin = pd.to_datetime(apps["origination_month"]).dt.to_period("M").array.asi8
    month = pd.to_datetime(perf["month"]).dt.to_period("M").array.asi8
    t0 = int(min(origin.min(), month.min())) if len(month) else int(origin.min())
    n_t = int(max(origin.max() + 1, month.max() if len(month) else 0)) - t0 + 1
    ids = apps["loan_id"].to_numpy()
    pos = pd.Index(ids).get_indexer(perf["loan_id"].to_numpy())
    if (pos < 0).any():
        raise DataError(
            f"performance has loan_id values not in applications, e.g. "
            f"{perf['loan_id'].to_numpy()[pos < 0][:3].tolist()}. Keep the two tables in step."
        )
    n = len(ids)
    col = month - t0
    dpd = np.full((n, n_t), -1.0)  # -1: no row (not yet booked or already closed)
    dpd[pos, col] = perf["dpd"].to_numpy(dtype=np.float64)
    status = perf["status"].astype(str).to_numpy()
    closed = np.zeros((n, n_t), dtype=bool)
    closed[pos, col] = status != "active"
    bad = np.zeros((n, n_t), dtype=bool)
    bad[pos, col] = (perf["dpd"].to_numpy() >= cut) | (status == "charged_off")
    org = origin - t0

    last = n_t - 1
    pieces = []
    for t in range(1, n_t):
        prev = dpd[:, t - 1]
        booked = (prev >= 0) & ~closed[:, t - 1] & (prev < cut)
        new = org == t - 1
        rows = np.flatnonzero(booked | new)
        if rows.size == 0:
            continue
        window = dpd[rows, max(0, t - lookback) : t]
        hi = min(n_t, t + horizon)
        went_bad = bad[rows, t:hi].any(axis=1)
        ended = closed[rows, t:hi].any(axis=1)
        pieces.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "month": t + t0,
                    "mob": t - 1 - org[rows],
                    "dpd_start": np.where(new[rows], 0, prev[rows]).astype(np.int64),
                    f"worst_dpd_{lookback}m": np.maximum(window.max(axis=1), 0).astype(np.int64),
                    "bad_next": went_bad.astype(np.int64),
                    "bad_next_observed": (t + horizon - 1 <= last) | went_bad | ended,
                }
            )
        )
    if not pieces:
        raise DataError("the performance panel holds no open account-months to monitor.")
    out = pd.concat(pieces, ignore_index=True)
    ordinals, codes = np.unique(out["month"].to_numpy(), return_inverse=True)
    firsts = np.array(
        [pd.Period(ordinal=int(o), freq="M").start_time for o in ordinals], dtype="datetime64[ns]"
    )
    out["month"] = firsts[codes]
    row = out.pop("row").to_numpy()
    drop = {
        "loan_id",
        "origination_month",
        getattr(portfolio, "target_name", "bad"),
        "bad_observed",
    }
    features = apps[[c for c in apps.columns if c not in drop]].iloc[row].reset_index(drop=True)
    out.insert(0, "loan_id", ids[row])
    outcome = ["bad_next", "bad_next_observed"]
    result: pd.DataFrame = pd.concat([out.drop(columns=outcome), features, out[outcome]], axis=1)
    return result
