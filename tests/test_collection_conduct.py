"""Collection conduct rules as data and the breach check on a contact log."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue_risk.collection import ConductRules, conduct_breaches
from overdue_risk.exceptions import DataError


def _log(times: list[str], channel: str = "call", account: int = 1) -> dict[str, list]:
    return {
        "account_id": [account] * len(times),
        "timestamp": times,
        "channel": [channel] * len(times),
    }


def test_permitted_hours_boundaries() -> None:
    log = _log(["2024-03-01 07:59", "2024-03-01 08:00", "2024-03-01 20:59", "2024-03-01 21:00"])
    b = conduct_breaches(log, ConductRules(max_contacts_per_day=None))
    assert b.row.tolist() == [0, 3]
    assert set(b.rule.tolist()) == {"permitted_hours"}
    assert b.detail.tolist() == ["07:59", "21:00"]


def test_letters_do_not_count_as_contacts() -> None:
    log = _log(["2024-03-01 23:00"] * 5, channel="letter")
    assert conduct_breaches(log).n_breaches == 0


def test_daily_limit_flags_the_contacts_beyond_it() -> None:
    log = _log([f"2024-03-01 {h:02d}:00" for h in (9, 10, 11, 12, 13)])
    b = conduct_breaches(log, ConductRules(max_contacts_per_day=3, max_contacts_per_week=None))
    assert b.row.tolist() == [3, 4]
    # the next day starts a new count
    log2 = _log(["2024-03-01 09:00"] * 3 + ["2024-03-02 09:00"])
    assert conduct_breaches(log2, ConductRules(max_contacts_per_week=None)).n_breaches == 0


def test_weekly_limit_is_a_rolling_seven_days() -> None:
    days = [f"2024-03-{d:02d} 10:00" for d in range(1, 10)]  # one call a day for 9 days
    b = conduct_breaches(_log(days), ConductRules(max_contacts_per_week=7))
    assert b.row.tolist() == []  # at most 7 in any 7 consecutive days
    two_a_day = [f"2024-03-{d:02d} {h}:00" for d in range(1, 5) for h in (10, 11)]
    b = conduct_breaches(_log(two_a_day), ConductRules(max_contacts_per_week=7))
    assert b.row.tolist() == [7]
    # another account is counted separately
    other = _log(two_a_day[:4], account=2)
    mixed = {k: _log(two_a_day)[k] + other[k] for k in other}
    assert conduct_breaches(mixed, ConductRules(max_contacts_per_week=7)).row.tolist() == [7]


def test_parties_dpd_and_npv_thresholds() -> None:
    log = {
        "account_id": [1, 2, 3, 4],
        "timestamp": ["2024-03-01 10:00"] * 4,
        "channel": ["call", "legal", "legal", "field_visit"],
        "party": ["employer", "debtor", "debtor", "debtor"],
        "dpd": [15, 60, 120, 20],
        "npv": [np.nan, 500.0, -10.0, np.nan],
    }
    b = conduct_breaches(log)
    got = sorted(zip(b.row.tolist(), b.rule.tolist(), strict=True))
    assert got == [
        (0, "allowed_parties"),
        (1, "min_dpd"),
        (2, "legal_min_npv"),
        (3, "min_dpd"),
    ]
    frame = b.to_frame()
    assert list(frame.columns) == ["row", "account_id", "timestamp", "channel", "rule", "detail"]
    assert "breaches" in b.summary()


def test_rules_as_data_round_trip_and_errors() -> None:
    rules = ConductRules.from_mapping(
        {"permitted_hours": (9, 20), "max_contacts_per_week": 5, "min_dpd": {"legal": 120}}
    )
    assert rules.permitted_hours == (9, 20)
    assert rules.min_dpd_for("legal") == 120
    assert rules.allows_action("legal", dpd=130, npv=1.0)
    assert not rules.allows_action("legal", dpd=130, npv=-1.0)
    assert set(rules.to_frame()["rule"]) >= {"permitted_hours", "max_contacts_per_week"}
    with pytest.raises(DataError, match="unknown keys"):
        ConductRules.from_mapping({"max_calls": 3})
    with pytest.raises(DataError, match="permitted_hours"):
        conduct_breaches(_log(["2024-03-01 10:00"]), ConductRules(permitted_hours=(21, 8)))
    with pytest.raises(DataError, match="lacks required columns"):
        conduct_breaches({"account_id": [1]})
    with pytest.raises(DataError, match="timestamp"):
        conduct_breaches(_log(["not a time"]))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 14 * 24 * 60 - 1)), min_size=1, max_size=40
    ),
    st.integers(1, 4),
    st.integers(1, 8),
)
def test_breaches_match_a_brute_force_count(
    contacts: list[tuple[int, int]], per_day: int, per_week: int
) -> None:
    """Property: the vectorised rolling counts equal a loop over every pair of contacts."""
    acc = np.array([a for a, _ in contacts])
    minutes = np.array([m for _, m in contacts])
    ts = pd.Timestamp("2024-03-04") + pd.to_timedelta(minutes, unit="min")
    rules = ConductRules(
        permitted_hours=(0, 24), max_contacts_per_day=per_day, max_contacts_per_week=per_week
    )
    b = conduct_breaches({"account_id": acc, "timestamp": ts, "channel": ["sms"] * acc.size}, rules)
    # brute force: order contacts by (time, position); count earlier-or-equal ones
    order = sorted(range(acc.size), key=lambda i: (minutes[i], i))
    rank = {i: r for r, i in enumerate(order)}
    expected = set()
    for i in range(acc.size):
        same = [j for j in range(acc.size) if acc[j] == acc[i] and rank[j] <= rank[i]]
        day = [j for j in same if minutes[j] // 1440 == minutes[i] // 1440]
        week = [j for j in same if minutes[i] - minutes[j] < 7 * 1440]
        if len(day) > per_day:
            expected.add((i, "max_contacts_per_day"))
        if len(week) > per_week:
            expected.add((i, "max_contacts_per_week"))
    assert set(zip(b.row.tolist(), b.rule.tolist(), strict=True)) == expected
