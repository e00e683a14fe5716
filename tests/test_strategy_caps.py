"""Caps enforced on every pricing path of strategy/: no approved price above the cap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.exceptions import DataError
from overdue_risk.pricing import CHINA_CAPS, LPR_1Y
from overdue_risk.strategy import DecisionBand, DecisionTable, RiskBasedPricing, risk_based_apr

PDS = st.lists(st.floats(0.0, 0.95), min_size=1, max_size=40)


def test_fixed_apr_band_above_pricing_cap_is_declined() -> None:
    # issue 16: a band priced at 50% APR used to pass a 36% apr_cap
    table = DecisionTable(
        bands=[
            DecisionBand("risky", min_score=0, limit=500, apr=0.50),
            DecisionBand("prime", min_score=600, limit=2000, apr=0.24),
        ],
        pricing=RiskBasedPricing(lgd=0.7, funding_rate=0.08, apr_cap=0.36),
    )
    out = table.apply(pd.DataFrame({"score": [550, 650], "pd": [0.2, 0.02]}))
    assert out["decision"].tolist() == ["decline", "approve"]
    assert out["reason"].tolist() == ["band APR above cap", ""]
    assert np.isnan(out.loc[0, "apr"])
    assert table.bands_above_cap() == ["risky"]  # the grid check, before any applicant
    assert table.bands_above_cap(0.2) == ["risky", "prime"]
    assert DecisionTable(bands=table.bands).bands_above_cap() == []


def test_table_cap_without_pricing_and_the_lower_cap_wins() -> None:
    bands = [DecisionBand("A", min_score=0, apr=0.30)]
    apps = pd.DataFrame({"score": [10]})
    assert DecisionTable(bands=bands, apr_cap=0.36).apply(apps)["decision"][0] == "approve"
    assert DecisionTable(bands=bands, apr_cap=0.24).apply(apps)["decision"][0] == "decline"
    pricing = RiskBasedPricing(lgd=0.5, funding_rate=0.05, apr_cap=0.2)
    table = DecisionTable(bands=bands, pricing=pricing, apr_cap=0.36)
    assert table.active_cap == 0.2
    # a cap read off the rule set for a contract date and the LPR
    cap = CHINA_CAPS.limit("2024-06-30", lpr=LPR_1Y)
    assert DecisionTable(bands=bands, apr_cap=cap).apply(apps)["decision"][0] == "decline"


def test_floor_above_cap_is_an_error() -> None:
    pricing = RiskBasedPricing(lgd=0.5, funding_rate=0.05, apr_cap=0.2, apr_floor=0.3)
    with pytest.raises(DataError, match="apr_floor"):
        pricing.price([0.1])


@settings(max_examples=80, deadline=None)
@given(pds=PDS, cap=st.floats(0.05, 1.0), lgd=st.floats(0.1, 1.0), term=st.integers(1, 36))
def test_risk_based_apr_never_exceeds_the_cap(
    pds: list[float], cap: float, lgd: float, term: int
) -> None:
    kw = {"lgd": lgd, "funding_rate": 0.06, "operating_cost": 0.04, "term_months": term}
    free = np.atleast_1d(risk_based_apr(pds, **kw))
    capped = np.atleast_1d(risk_based_apr(pds, apr_cap=cap, **kw))
    served = ~np.isnan(capped)
    assert np.all(capped[served] <= cap)
    assert np.array_equal(served, free <= cap)  # NaN exactly for the unservable
    assert np.allclose(capped[served], free[served])


@settings(max_examples=80, deadline=None)
@given(pds=PDS, cap=st.floats(0.05, 1.0), floor=st.floats(0.0, 0.05))
def test_risk_based_pricing_never_exceeds_the_cap(
    pds: list[float], cap: float, floor: float
) -> None:
    pricing = RiskBasedPricing(
        lgd=0.6, funding_rate=0.08, target_margin=0.02, apr_cap=cap, apr_floor=floor
    )
    price = pricing.price(pds)
    served = ~np.isnan(price)
    assert np.all(price[served] <= cap)
    assert np.array_equal(~served, pricing.unservable(pds))


@settings(max_examples=60, deadline=None)
@given(
    band_aprs=st.lists(st.one_of(st.none(), st.floats(0.05, 1.0)), min_size=1, max_size=5),
    scores=st.lists(st.floats(300, 900), min_size=1, max_size=30),
    cap=st.floats(0.1, 0.8),
    table_cap=st.one_of(st.none(), st.floats(0.1, 0.8)),
)
def test_decision_table_never_approves_above_the_cap(
    band_aprs: list[float | None], scores: list[float], cap: float, table_cap: float | None
) -> None:
    bands = [
        DecisionBand(f"b{i}", min_score=300 + 100 * i, limit=1000, apr=a)
        for i, a in enumerate(band_aprs)
    ]
    pricing = RiskBasedPricing(lgd=0.7, funding_rate=0.08, operating_cost=0.05, apr_cap=cap)
    table = DecisionTable(bands=bands, pricing=pricing, apr_cap=table_cap)
    pds = np.clip((900 - np.asarray(scores)) / 1000, 0, 0.9)
    out = table.apply(pd.DataFrame({"score": scores, "pd": pds}))
    approved = (out["decision"] == "approve").to_numpy()
    active = min(cap, table_cap) if table_cap is not None else cap
    assert np.all(out["apr"].to_numpy()[approved] <= active)
    capped = out["reason"].isin(["band APR above cap", "price above APR cap"]).to_numpy()
    assert not np.any(capped & approved)
