"""``mypy --strict`` accepts the README's Python tour (the lazy top-level names are typed).

``overdue_risk/__init__.py`` loads its public names lazily (PEP 562); type checkers see
them through the ``TYPE_CHECKING`` imports, which must re-export every name of ``_LAZY``
explicitly (``name as name``) because ``--strict`` turns off implicit re-export.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import overdue_risk
from test_readme import README_TEXT, python_blocks

ROOT = Path(__file__).resolve().parents[1]
INIT = ROOT / "src" / "overdue_risk" / "__init__.py"


def _type_checking_exports() -> set[str]:
    """Names re-exported (``from m import x as x``) under ``if TYPE_CHECKING:``."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    names.update(a.name for a in stmt.names if a.asname == a.name)
    return names


def test_every_lazy_name_is_typed() -> None:
    exported = _type_checking_exports()
    missing = sorted(set(overdue_risk._LAZY) - exported)
    assert not missing, f"add to the TYPE_CHECKING block of __init__.py as 'x as x': {missing}"
    assert (ROOT / "src" / "overdue_risk" / "py.typed").is_file()


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}  # this checkout, not an installed copy
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-error-summary",
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


@pytest.mark.slow
def test_mypy_strict_accepts_the_readme(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    script = tmp_path / "readme_tour.py"
    script.write_text("\n".join(python_blocks(README_TEXT)), encoding="utf-8")
    done = _mypy(script)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_strict_catches_a_wrong_use(tmp_path: Path) -> None:
    # the check can fail: a wrong argument type through a lazy name is reported
    script = tmp_path / "wrong.py"
    script.write_text(
        "from overdue_risk import Scorecard\n\nScorecard().fit(1)\n", encoding="utf-8"
    )
    done = _mypy(script)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "wrong.py:3" in done.stdout
