"""``python -m overdue_risk.cli``: the same as the ``overdue-risk`` console script."""

from __future__ import annotations

from overdue_risk.cli._main import main

__all__: list[str] = []

raise SystemExit(main())
