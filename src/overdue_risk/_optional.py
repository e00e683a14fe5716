"""Optional dependencies: import them on use, or say which extra installs them.

Examples
--------
>>> require("json", extra="plots", purpose="this example").__name__
'json'
>>> require("no_such_module_xyz", extra="plots", purpose="plotting")
Traceback (most recent call last):
...
overdue_risk.exceptions.MissingDependencyError: plotting needs ... pip install "overdue_risk[plots]"
"""

from __future__ import annotations

import importlib
from types import ModuleType

from overdue_risk.exceptions import MissingDependencyError

__all__ = ["require"]


def require(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise a MissingDependencyError naming the extra to install.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"matplotlib.pyplot"``.
    extra : str
        The overdue_risk extra that installs it (``plots``, ``io``, ``sql``, ``spark`` ...).
    purpose : str
        What needs it, for the message (e.g. ``"the HTML report"``).
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        raise MissingDependencyError(
            f"{purpose} needs the optional package {top!r}, which is not installed. "
            f'Install it with: pip install "overdue_risk[{extra}]"'
        ) from exc
