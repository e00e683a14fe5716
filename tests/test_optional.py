"""Optional dependencies: a missing one gives an error that names the extra to install."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from overdue_risk._optional import require
from overdue_risk.exceptions import MissingDependencyError, OverdueRiskError


def test_require_names_the_extra() -> None:
    with pytest.raises(MissingDependencyError, match=r'pip install "overdue_risk\[io\]"') as info:
        require("surely_not_installed_pkg.sub", extra="io", purpose="streaming")
    assert isinstance(info.value, ImportError)
    assert isinstance(info.value, OverdueRiskError)
    assert "'surely_not_installed_pkg'" in str(info.value)


def test_plotting_without_matplotlib_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from overdue_risk.plotting import plot_roc

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # as if not installed
    y = np.array([0, 1, 0, 1])
    with pytest.raises(MissingDependencyError, match=r"overdue_risk\[plots\]"):
        plot_roc(y, np.array([0.1, 0.8, 0.3, 0.6]))


def test_report_without_matplotlib_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from overdue_risk.reporting._html import figure

    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    with pytest.raises(MissingDependencyError, match=r"the HTML report needs"), figure():
        pass
