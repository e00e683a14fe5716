"""The test that matters: monitoring a book PD card through the built-in book's downturn.

The card is fitted on the performing book of May-October 2023 and monitored month by
month (``benchmarks/bench_monitoring.py`` holds the set-up and prints the alert months per
seed). The downturn runs March-August 2024: PSI and calibration alerts must be raised in
it, and no alert of any series before it. Without a downturn the same card raises no PSI
alert at all.
"""

from __future__ import annotations

import pytest

from bench_smoke import load_bench

bench = load_bench("monitoring")
FIRST, LAST = bench.downturn_months()


def _check_seed(seed: int) -> None:
    built = bench.build(seed)
    res = bench.run_monitor(built["spec"], built["population"])
    before = [(a.series, a.period, a.raised_at) for a in res.alerts if a.raised_at < FIRST]
    assert before == [], f"seed {seed}: alerts before the downturn {before}"
    for series in ("psi", "calibration"):
        months = res.alert_periods(series)
        assert months, f"seed {seed}: no {series} alert"
        assert FIRST <= months[0] <= LAST, f"seed {seed}: first {series} alert {months[0]}"
        inside = [m for m in months if FIRST <= m <= LAST]
        assert len(inside) >= 3, f"seed {seed}: {series} alerts {months}"


def test_downturn_alerts_seed_0() -> None:
    _check_seed(0)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_downturn_alerts_more_seeds(seed: int) -> None:
    _check_seed(seed)


@pytest.mark.slow
def test_no_downturn_no_psi_alert() -> None:
    built = bench.build(0, downturn=None)
    res = bench.run_monitor(built["spec"], built["population"])
    assert res.alert_periods("psi") == ()
    assert res.alert_periods("csi:*") == ()
