"""Repayment schedules and the annualised rate, checked against published worked examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from overdue_risk.exceptions import ConstraintError, DataError
from overdue_risk.pricing import (
    METHODS,
    annualised_rate,
    npv,
    period_rate,
    repayment_schedule,
)

# ---------------------------------------------------------------- published worked examples


def test_actuarial_apr_of_a_regular_monthly_loan() -> None:
    # The actuarial method of US Regulation Z, 12 CFR 1026 Appendix J (b): APR = unit-period
    # rate x unit-periods per year. $5,000 repaid by 36 monthly payments of $166.07 (the
    # annuity at 1% a month, rounded to the cent) has an APR of 12.00%. The figures were
    # not re-checked against the appendix's own worked examples (c)(5), which the sources
    # available here did not reproduce.
    apr = annualised_rate([-5000.0] + [166.07] * 36)
    assert round(100 * apr, 2) == 12.00


def test_hp12c_odd_first_period_payment_and_apr() -> None:
    # HP 12C Platinum User's Guide, section 3 "Odd-period calculations", Example 2: a
    # 42-month loan of $3,950 accruing from July 19, first period from August 1 (13 odd
    # days, counted over a 30-day month), payments of $120: APR 13.95%.
    times = np.r_[0.0, 13.0 / 30.0 + np.arange(1, 43)]
    apr = annualised_rate([-3950.0] + [120.0] * 42, times=times)
    assert round(100 * apr, 2) == 13.95
    # Example 1 of the same section: $4,500 at 5% a year, 36 payments, 16 odd days
    # (30-day basis), compounded odd period: payment $135.17; the rate comes back.
    times = np.r_[0.0, 16.0 / 30.0 + np.arange(1, 37)]
    assert annualised_rate([-4500.0] + [135.17] * 36, times=times) == pytest.approx(0.05, abs=5e-5)


def test_excel_xirr_documented_example() -> None:
    # Microsoft Excel help, XIRR function: -10,000 on 2008-01-01, 2,750 on 2008-03-01,
    # 4,250 on 2008-10-30, 3,250 on 2009-02-15, 2,750 on 2009-04-01: 0.373362535.
    dates = ["2008-01-01", "2008-03-01", "2008-10-30", "2009-02-15", "2009-04-01"]
    rate = annualised_rate([-10000, 2750, 4250, 3250, 2750], dates=dates, method="effective")
    assert rate == pytest.approx(0.373362535, abs=5e-9)


def test_lender_disclosure_examples() -> None:
    # LendKey "Rates & Terms" loan cost example (cugradu.lendkey.com): $10,000 at a 3.71%
    # APR, level repayment over 15 years: 180 monthly payments of $72.52; at 6.16%: $85.25.
    for apr, payment in ((0.0371, 72.52), (0.0616, 85.25)):
        s = repayment_schedule(10_000, apr, 180)
        assert round(float(s.instalment[0, 0]), 2) == payment
        assert round(100 * annualised_rate([-10_000.0] + [payment] * 180), 2) == 100 * apr
    # Seahold "How it works": 28.8% a year (2.4% a month) compounded monthly "results in an
    # effective rate of 32.923% per annum".
    eff = annualised_rate([-1000.0, 1024.0], method="effective")
    assert round(100 * eff, 3) == 32.923


def test_excel_irr_documented_example() -> None:
    # Microsoft Excel help, IRR function: initial cost -700,000 then net income 120,000,
    # 150,000, 180,000, 210,000, 260,000 a year: IRR after four years -2.1%, after five
    # 8.7%, after two -44.4%. Yearly flows: periods_per_year=1.
    flows = [-700_000, 120_000, 150_000, 180_000, 210_000, 260_000]
    assert round(annualised_rate(flows[:5], periods_per_year=1), 3) == -0.021
    assert round(annualised_rate(flows, periods_per_year=1), 3) == 0.087
    assert round(annualised_rate(flows[:3], periods_per_year=1), 3) == -0.444


def test_flat_rate_loan_is_twice_its_headline() -> None:
    # 10,000 over 12 months at a flat 1% a month (等本等息): 933.33 a month; the IRR
    # annualised rate is about 21.5%, not 12% (the example of issue 16; the conversion of
    # an add-on rate to an APR, HP 12C Solutions Handbook, "Add-On Interest Rate Converted
    # to APR", whose equation (1 + n r / 12) / n = i / (1 - (1 + i)^-n) we solve here
    # independently with scipy).
    s = repayment_schedule(10_000, 0.01, 12, method="flat", rate_unit="monthly")
    assert s.instalment[0] == pytest.approx(np.full(12, 10_000 / 12 + 100))
    apr = float(s.annualised_rate()[0])
    n, r = 12, 0.12
    i = brentq(lambda i: (1 + n * r / 12) / n - i / (1 - (1 + i) ** -n), 1e-9, 1.0)
    assert apr == pytest.approx(12 * i, rel=1e-10)
    assert apr == pytest.approx(0.2146, abs=5e-5)
    # the handbook's own case: a 10% add-on rate for 36 months on $3,000 pays 3,900 / 36
    s = repayment_schedule(3000, 0.10, 36, method="flat")
    assert s.instalment[0, 0] == pytest.approx(3900 / 36)
    i = brentq(lambda i: (1 + 36 * 0.10 / 12) / 36 - i / (1 - (1 + i) ** -36), 1e-9, 1.0)
    assert float(s.annualised_rate()[0]) == pytest.approx(12 * i, rel=1e-10)


def test_equal_instalment_textbook_payment() -> None:
    # Kellison, The Theory of Interest: the level payment of an annuity-immediate is
    # P / a_n at rate i; 1,200 over 3 months at 1% a month: 408.03.
    s = repayment_schedule(1200, 0.12, 3)
    assert s.instalment[0] == pytest.approx(np.full(3, 408.0265), abs=1e-4)
    assert s.balance[0, -1] == pytest.approx(0.0, abs=1e-9)
    assert float(s.annualised_rate()[0]) == pytest.approx(0.12, abs=1e-12)


def test_daily_rate_uses_360_day_year() -> None:
    # 日利率 0.05% = 年利率 18% (人民币利率管理规定, 1999: 日利率 = 年利率 / 360)
    assert period_rate(0.0005, "daily") == pytest.approx(0.015)
    a = repayment_schedule(6000, 0.0005, 6, rate_unit="daily")
    b = repayment_schedule(6000, 0.18, 6)
    assert a.cash_flows == pytest.approx(b.cash_flows)


# ---------------------------------------------------------------- schedule mechanics


@pytest.mark.parametrize("method", METHODS)
def test_principal_repaid_and_cash_flows_add_up(method: str) -> None:
    s = repayment_schedule([1000, 2500], [0.24, 0.36], [6, 12], method=method, fee_per_period=0.01)
    assert s.principal[:, 1:].sum(axis=1) == pytest.approx([1000, 2500])
    parts = s.principal + s.interest + s.fee
    parts[:, 0] = s.cash_flows[:, 0]
    assert s.cash_flows == pytest.approx(parts)
    assert np.all(s.cash_flows[0, 7:] == 0)  # nothing after the 6-month loan's term
    assert s.balance[:, -1] == pytest.approx([0, 0], abs=1e-9)


def test_methods_differ_as_expected() -> None:
    s = repayment_schedule(1200, 0.12, 12, method=list(METHODS))
    by = dict(zip(METHODS, s.cash_flows.sum(axis=1), strict=True))
    # interest paid: equal principal < equal instalment < interest only = bullet = flat
    assert by["equal_principal"] < by["equal_instalment"] < by["interest_only"]
    assert by["interest_only"] == pytest.approx(by["bullet"]) == pytest.approx(by["flat"])
    rates = s.annualised_rate()
    for m in ("equal_instalment", "equal_principal", "interest_only"):
        assert rates[METHODS.index(m)] == pytest.approx(0.12, abs=1e-10)
    assert rates[METHODS.index("bullet")] < 0.12 < rates[METHODS.index("flat")]


def test_fees_raise_the_annualised_rate() -> None:
    base = float(repayment_schedule(1000, 0.24, 12).annualised_rate()[0])
    up = float(repayment_schedule(1000, 0.24, 12, fee_upfront=0.05).annualised_rate()[0])
    per = float(repayment_schedule(1000, 0.24, 12, fee_per_period=0.005).annualised_rate()[0])
    end = float(repayment_schedule(1000, 0.24, 12, fee_at_end=0.05).annualised_rate()[0])
    assert base == pytest.approx(0.24)
    assert up > end > base
    assert per > base
    s = repayment_schedule(1000, 0.24, 12, fee_upfront=0.05)
    assert s.cash_flows[0, 0] == pytest.approx(-950.0)


def test_schedule_frame_and_summary() -> None:
    s = repayment_schedule([1000, 500], 0.3, [3, 2], method=["bullet", "flat"])
    frame = s.to_frame(1)
    assert list(frame["period"]) == [0, 1, 2]
    assert "bullet" in s.summary()
    assert "flat" in s.summary()
    with pytest.raises(DataError, match="loan must be"):
        s.to_frame(5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "balloon"}, "unknown repayment method"),
        ({"term": 0}, "term must be whole"),
        ({"term": 2.5}, "term must be whole"),
        ({"rate": -0.1}, "rate must be finite"),
        ({"fee_upfront": 1.0}, "fee_upfront must be below 1"),
        ({"rate_unit": "weekly"}, "rate unit"),
        ({"principal": [100, 200, 300], "term": [3, 6]}, "term must be finite"),
    ],
)
def test_schedule_errors(kwargs: dict, match: str) -> None:
    args = {"principal": 1000, "rate": 0.2, "term": 6, **kwargs}
    with pytest.raises(DataError, match=match):
        repayment_schedule(**args)


# ---------------------------------------------------------------- annualised rate


def test_rate_sign_convention_and_padding() -> None:
    flows = np.array([[-100.0, 60.0, 60.0, 0.0], [100.0, -60.0, -60.0, 0.0]])
    r = annualised_rate(flows)
    assert r[0] == pytest.approx(r[1])
    assert npv(r[0] / 12, flows[0]) == pytest.approx(0.0, abs=1e-9)


def test_rate_on_dates_equals_rate_on_times() -> None:
    dates = np.array(["2024-01-01", "2024-04-01", "2024-07-01"], dtype="datetime64[D]")
    days = (dates - dates[0]).astype(float)
    eff = annualised_rate([-1000, 520, 520], dates=dates, method="effective")
    same = annualised_rate([-1000, 520, 520], times=days / 365, periods_per_year=1)
    assert eff == pytest.approx(same, rel=1e-12)
    nominal = annualised_rate([-1000, 520, 520], dates=dates)
    assert nominal == pytest.approx(12 * ((1 + eff) ** (1 / 12) - 1))


@pytest.mark.parametrize(
    ("flows", "match"),
    [
        ([100.0, 50.0, 50.0], "no internal rate of return"),
        ([0.0, 0.0, 0.0], "no internal rate of return"),
        ([-100.0, np.nan], "NaN or inf"),
        ([-100.0], "at least two flows"),
    ],
)
def test_rate_errors(flows: list[float], match: str) -> None:
    with pytest.raises((ConstraintError, DataError), match=match):
        annualised_rate(flows)


def test_rate_error_lists_loans() -> None:
    flows = np.array([[-100.0, 110.0], [5.0, 5.0], [-100.0, 120.0]])
    with pytest.raises(ConstraintError, match=r"rows \[1\]"):
        annualised_rate(flows)
    with pytest.raises(DataError, match="method"):
        annualised_rate([-1, 2], method="apy")
    with pytest.raises(DataError, match="increasing"):
        annualised_rate([-1, 2], dates=["2024-02-01", "2024-01-01"])
    with pytest.raises(DataError, match="dates or times"):
        annualised_rate([-1, 2], dates=["2024-01-01", "2024-02-01"], times=[0, 1])


def test_rate_vectorised_matches_scalar(rng: np.random.Generator) -> None:
    n = 500
    s = repayment_schedule(
        rng.uniform(100, 5000, n),
        rng.uniform(0.0, 0.6, n),
        rng.choice([3, 6, 12, 24], n),
        method=rng.choice(METHODS, n),
        fee_upfront=rng.uniform(0, 0.1, n),
    )
    many = s.annualised_rate()
    one = [annualised_rate(s.cash_flows[i]) for i in range(0, n, 50)]
    assert many[::50] == pytest.approx(one, rel=1e-10)


# ---------------------------------------------------------------- the inversion property


@settings(max_examples=150, deadline=None)
@given(
    method=st.sampled_from(METHODS),
    principal=st.floats(100, 50_000),
    rate=st.floats(0.0, 1.5),
    term=st.integers(1, 36),
)
def test_annualised_rate_inverts_the_schedule(
    method: str, principal: float, rate: float, term: int
) -> None:
    s = repayment_schedule(principal, rate, term, method=method)
    got = float(s.annualised_rate()[0])
    r = rate / 12
    if method in ("equal_instalment", "equal_principal", "interest_only"):
        # interest on the outstanding balance: the IRR is the contract rate
        assert got == pytest.approx(rate, abs=1e-9)
    elif method == "bullet":
        # simple interest: (1 + i)^n = 1 + r n
        assert got == pytest.approx(12 * ((1 + r * term) ** (1 / term) - 1), abs=1e-9)
    else:
        # flat: the IRR solves P = (P / n + r P) a_n(i), i.e. the HP 12C add-on equation
        assert npv(got / 12, s.cash_flows[0]) == pytest.approx(0.0, abs=1e-7 * principal)
        assert got >= rate - 1e-12
    # and the schedule rebuilt at the recovered rate gives the same flows back
    if method in ("equal_instalment", "equal_principal", "interest_only"):
        again = repayment_schedule(principal, max(got, 0.0), term, method=method)
        assert again.cash_flows == pytest.approx(s.cash_flows, rel=1e-8, abs=1e-8)


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(0.0, 1.0),
    term=st.integers(1, 24),
    up=st.floats(0.0, 0.2),
    per=st.floats(0.0, 0.02),
)
def test_annualised_rate_with_fees_is_a_root(rate: float, term: int, up: float, per: float) -> None:
    s = repayment_schedule(1000.0, rate, term, fee_upfront=up, fee_per_period=per)
    got = float(s.annualised_rate()[0])
    assert npv(got / 12, s.cash_flows[0]) == pytest.approx(0.0, abs=1e-7)
    assert got >= rate - 1e-9
