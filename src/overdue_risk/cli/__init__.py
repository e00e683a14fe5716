"""The ``overdue-risk`` command line: parse, call the library, format. Nothing else.

Each subcommand lives in ``overdue_risk.cli._<name>`` and provides two functions:
``add_arguments(parser)`` and ``run(args) -> int`` (the exit code). Subcommand modules
are imported only when their command runs, so ``overdue-risk --help`` starts fast.
The console script ``overdue-risk`` and ``python -m overdue_risk.cli`` both call
:func:`main`.
"""

from __future__ import annotations

from overdue_risk.cli._main import main

__all__ = ["main"]
