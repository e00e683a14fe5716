"""Shared fixtures: seeded randomness and the real data sets in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("OVERDUE_RISK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: tests never depend on global random state."""
    return np.random.default_rng(20261128)


def _shared_file(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        msg = (
            f"real data file {path} not found: tests read ../shared/data beside the repository "
            "(or set OVERDUE_RISK_SHARED_DATA)."
        )
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def uci_path() -> Path:
    """Path of the UCI 'default of credit card clients' CSV (Yeh & Lien 2009)."""
    return _shared_file("uci_default_credit_card_clients.csv")


@pytest.fixture(scope="session")
def rating_histories_path() -> Path:
    """Path of the open-risk rating histories CSV (irregular event dates)."""
    return _shared_file("rating_histories.csv")
