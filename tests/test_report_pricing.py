"""Report sections: the all-in annualised cost against the caps, and the provision table."""

from __future__ import annotations

import pytest

from overdue_risk.datasets import make_microloan_portfolio
from overdue_risk.pricing import CapRules, RateCap
from overdue_risk.reporting import build_report

pytest.importorskip("matplotlib")

PRICING = "Pricing: annualised cost against the rate caps"
PROVISIONS = "Loan-loss provisions (五级分类) beside IFRS 9"


def test_pricing_and_provision_sections_on_a_products_book() -> None:
    book = make_microloan_portfolio(1500, 15, random_state=5, products=True)
    report = build_report(portfolio=book)
    assert PRICING in report.included
    assert PROVISIONS in report.included
    assert "fees included" in report.html
    assert "share above a cap" in report.html
    assert "拨备覆盖率" in report.html
    assert "IFRS 9 ECL" in report.html


def test_pricing_section_without_fees_and_with_custom_rules() -> None:
    book = make_microloan_portfolio(800, 12, random_state=2)
    rules = CapRules([RateCap("house policy 30%", limit=0.30, kind="policy")], name="house")
    report = build_report(portfolio=book, cap_rules=rules)
    assert PRICING in report.included
    assert "<em>without fees</em>" in report.html
    assert "house policy 30%" in report.html
