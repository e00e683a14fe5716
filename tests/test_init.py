"""The package surface: lazy imports, a complete and sorted __all__, light imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import overdue_risk

HEAVY = ("sklearn", "scipy", "pandas", "matplotlib", "statsmodels", "optbinning")


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return {m.split(".")[0] for m in json.loads(out.strip().splitlines()[-1])}


def test_import_overdue_risk_is_light() -> None:
    loaded = _modules_loaded_by("import overdue_risk")
    assert not loaded & set(HEAVY), f"import overdue_risk loaded {sorted(loaded & set(HEAVY))}"


def test_every_exported_name_resolves_and_is_public_where_it_lives() -> None:
    # (``__all__`` is built with sorted(): checking its order could not fail.) What can go
    # wrong is a lazy entry that points at a missing name, or at a name its module does not
    # list as public.
    import importlib

    assert set(overdue_risk.__all__) == {*overdue_risk._LAZY, "__version__"}
    for name, module in overdue_risk._LAZY.items():
        assert getattr(overdue_risk, name) is not None, name
        public = getattr(importlib.import_module(module), "__all__", ())
        assert name in public, f"overdue_risk.{name} is not in {module}.__all__"


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        overdue_risk.nope


def test_lazy_entries_point_at_their_modules() -> None:
    for name, module in overdue_risk._LAZY.items():
        assert getattr(overdue_risk, name).__module__.startswith(module.rsplit(".", 1)[0]), name
