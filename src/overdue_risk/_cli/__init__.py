"""Subcommands of the ``overdue-risk`` CLI, one module each (see ``overdue_risk.cli``)."""
