"""Shared fixtures: seeded randomness, Hypothesis profiles and the real data sets in
../shared/data.

Hypothesis profiles (``--hypothesis-profile NAME`` or ``HYPOTHESIS_PROFILE=NAME``):

* ``deterministic`` (the default, and CI's): derandomized, so every run draws the same
  examples and a failure reproduces; no example database is written (tests write only
  into ``tmp_path``).
* ``dev``: fresh random examples on every run, for exploring; a failure prints the
  ``@reproduce_failure`` blob to pin it.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "deterministic",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# dev: the same settings as deterministic, only with fresh random examples
settings.register_profile("dev", parent=settings.get_profile("deterministic"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("OVERDUE_RISK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: tests never depend on global random state."""
    return np.random.default_rng(20261128)


@pytest.fixture
def twin_applicants(rng: np.random.Generator) -> tuple[Any, Any]:
    """Applicants with risk drivers ``a`` and ``b``, a near copy ``a_copy`` and ``noise``.

    What a selection step is tested on: keep ``b`` and one of the twins, drop ``noise``.
    Returns the frame and the 0/1 target (a pandas Series).
    """
    import pandas as pd

    n = 4000
    a = rng.normal(size=n)
    X = pd.DataFrame(
        {
            "a": a,
            "a_copy": a + 0.05 * rng.normal(size=n),
            "b": rng.normal(size=n),
            "noise": rng.normal(size=n),
        }
    )
    y = (rng.random(n) < 1 / (1 + np.exp(1.2 - 1.2 * a - 0.6 * X["b"]))).astype(int)
    return X, y


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


def local_spark(app: str, *, cores: int = 2, **conf: str) -> Iterator[Any]:
    """A local SparkSession for one test module: yields it, stops it after the module.

    Skips when Java is missing. Workers run this interpreter (with overdue_risk and its
    dependencies), not the first ``python3`` on PATH: without this the Spark tests fail
    unless the venv is activated. ``conf`` adds or overrides Spark settings.
    """
    home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (home and os.path.exists(home)):
        pytest.skip("Spark needs Java: java is not on PATH and JAVA_HOME is unset")
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    settings = {
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "2",
        "spark.sql.adaptive.enabled": "false",  # tiny data: skip re-planning
        "spark.default.parallelism": str(cores),
        "spark.driver.memory": "1g",
        **conf,
    }
    builder = SparkSession.builder.master(f"local[{cores}]").appName(app)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
