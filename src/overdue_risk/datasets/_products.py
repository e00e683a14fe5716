"""Product terms of the simulated book: repayment method, fees and the all-in annualised rate.

Switched on by ``make_microloan_portfolio(products=True)``. Every loan keeps the annuity
schedule of the base simulator (its ``apr`` drives ``scheduled_payment`` and ``balance``);
what changes is how the contract *presents* and *adds to* that price, the way micro-lenders
do:

- ``repayment_method``: ``equal_instalment`` (等额本息) or ``flat`` (等本等息). A flat-rate
  contract quotes the rate ``f`` charged on the original principal every month, chosen so
  that ``P / n + f P`` is exactly the annuity instalment of the book: the panel is
  unchanged, but the quoted ``contract_rate`` (``12 f``) is far below the true rate.
  Branch and agent channels use flat rates more often (35% against 15%).
- ``fee_upfront``: a service fee deducted from the amount paid out (1-6% of the principal;
  on 45% of partner and online loans, 20% of the others).
- ``fee_monthly``: a platform or guarantee fee on the original principal with every
  instalment (0.3-1.0% a month; on 40% of partner and mobile-app loans, 10% of the
  others). Fees are collected on top of ``scheduled_payment``, which stays principal and
  interest.
- ``annualised_rate``: the all-in IRR rate of the contract (monthly IRR x 12, fees
  included; :func:`overdue_risk.pricing.annualised_rate`), the number caps apply to.

The draws come from a separate random stream (spawn key 16), so every other column equals
the book without products.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk.datasets._streams import side_stream

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.datasets._portfolio import Portfolio

__all__ = ["PRODUCT_DICTIONARY", "add_products", "products_rng"]

#: Spawn key of this mechanism's random stream (the issue number).
_STREAM_KEY = 16

#: (table, column, dtype, description) of the columns ``products=True`` adds.
PRODUCT_DICTIONARY: tuple[tuple[str, str, str, str], ...] = (
    (
        "applications",
        "repayment_method",
        "str",
        "equal_instalment (等额本息) or flat (等本等息); both repay the annuity instalment.",
    ),
    (
        "applications",
        "contract_rate",
        "float64",
        "Annual rate quoted in the contract: apr for equal instalments, 12 x the monthly "
        "flat rate on the original principal for flat-rate loans.",
    ),
    (
        "applications",
        "fee_upfront",
        "float64",
        "Fee deducted from the amount paid out, share of loan_amount (0 = none).",
    ),
    (
        "applications",
        "fee_monthly",
        "float64",
        "Fee paid with every instalment, share of loan_amount (0 = none); on top of "
        "scheduled_payment.",
    ),
    (
        "applications",
        "annualised_rate",
        "float64",
        "All-in annualised rate: monthly IRR of the contract's cash flows (fees included) x 12.",
    ),
)


PRODUCT_DICTIONARY_COLUMNS: tuple[str, ...] = tuple(c for _, c, _, _ in PRODUCT_DICTIONARY)


def products_rng(random_state: Any, rng: np.random.Generator) -> np.random.Generator:
    """A random stream independent of the base simulator's draws for the same seed."""
    return side_stream(random_state, rng, _STREAM_KEY)


def add_products(book: Portfolio, rng: np.random.Generator) -> Portfolio:
    """The book with the product columns of :data:`PRODUCT_DICTIONARY` added."""
    import pandas as pd

    from overdue_risk.pricing import annualised_rate, repayment_schedule

    apps = book.applications
    n = len(apps)
    channel = apps["channel"].to_numpy(dtype=object)
    amount = apps["loan_amount"].to_numpy(dtype=np.float64)
    term = apps["term_months"].to_numpy(dtype=np.float64)
    apr = apps["apr"].to_numpy(dtype=np.float64)
    booked = np.isfinite(amount) & np.isfinite(term) & np.isfinite(apr)

    traditional = np.isin(channel, ["branch", "agent"])
    flat = rng.random(n) < np.where(traditional, 0.35, 0.15)
    platform = np.isin(channel, ["partner", "online"])
    has_up = rng.random(n) < np.where(platform, 0.45, 0.20)
    up = np.where(has_up, np.round(rng.uniform(0.01, 0.06, n), 3), 0.0)
    app_like = np.isin(channel, ["partner", "mobile_app"])
    has_monthly = rng.random(n) < np.where(app_like, 0.40, 0.10)
    monthly = np.where(has_monthly, np.round(rng.uniform(0.003, 0.010, n), 4), 0.0)

    r = apr / 12.0
    with np.errstate(divide="ignore", invalid="ignore"):
        instalment_share = np.where(r > 0, r / -np.expm1(-term * np.log1p(r)), 1.0 / term)
        flat_annual = 12.0 * (instalment_share - 1.0 / term)
    contract_rate = np.where(flat, flat_annual, apr)
    method = np.where(flat, "flat", "equal_instalment").astype(object)

    rate = np.full(n, np.nan)
    if booked.any():
        idx = np.flatnonzero(booked)
        s = repayment_schedule(
            amount[idx],
            contract_rate[idx],
            term[idx].astype(np.int64),
            method=method[idx],
            fee_upfront=up[idx],
            fee_per_period=monthly[idx],
        )
        rate[idx] = annualised_rate(s.cash_flows)
    nan = np.nan
    out = apps.copy()
    shown = method.copy()
    shown[~booked] = None
    out["repayment_method"] = pd.array(shown, dtype="str")
    out["contract_rate"] = np.where(booked, contract_rate, nan)
    out["fee_upfront"] = np.where(booked, up, nan)
    out["fee_monthly"] = np.where(booked, monthly, nan)
    out["annualised_rate"] = rate
    # product terms sit with the other loan terms, before the target columns
    names = list(PRODUCT_DICTIONARY_COLUMNS)
    rest = [c for c in out.columns if c not in names]
    at = rest.index("bad") if "bad" in rest else len(rest)
    out = out[[*rest[:at], *names, *rest[at:]]]
    dictionary = (*book._dictionary, *PRODUCT_DICTIONARY)
    return dataclasses.replace(book, applications=out, _dictionary=dictionary)
