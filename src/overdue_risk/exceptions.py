"""Exceptions raised by overdue_risk.

Every exception the library raises on purpose derives from :class:`OverdueRiskError`.
Errors about the caller's data or arguments also derive from :class:`ValueError`, so
code that already catches ``ValueError`` keeps working.

Messages follow one pattern: what was expected, what was got, and the fix.

Examples
--------
>>> from overdue_risk.exceptions import DataError, OverdueRiskError
>>> try:
...     raise DataError("y must contain only 0 and 1; got [0, 1, 2]. Map your target first.")
... except ValueError as exc:
...     isinstance(exc, OverdueRiskError)
True
"""

from __future__ import annotations

__all__ = [
    "ConstraintError",
    "DataError",
    "MissingDependencyError",
    "NotFittedError",
    "OverdueRiskError",
    "OverdueRiskWarning",
    "SpecError",
    "SpecVersionError",
]


class OverdueRiskError(Exception):
    """Root of every exception raised by overdue_risk on purpose."""


class DataError(OverdueRiskError, ValueError):
    """The input data is not usable as given (wrong values, columns, shapes or types)."""


class ConstraintError(OverdueRiskError, ValueError):
    """No solution satisfies the requested constraints (e.g. binning constraints)."""


class SpecError(OverdueRiskError, ValueError):
    """A scoring spec is malformed, tampered with (checksum) or inconsistent."""


class SpecVersionError(SpecError):
    """A scoring spec was written by a newer schema version than this runtime reads."""


class MissingDependencyError(OverdueRiskError, ImportError):
    """An optional dependency needed for this feature is not installed.

    The message names the extra that installs it, e.g. ``pip install "overdue_risk[plots]"``.
    """


class NotFittedError(OverdueRiskError, ValueError, AttributeError):
    """An estimator was used before ``fit``.

    Like scikit-learn's own, it is both a ``ValueError`` and an ``AttributeError``, so
    ``hasattr``-style checks and scikit-learn's estimator checks keep working.
    """


class OverdueRiskWarning(UserWarning):
    """Warnings issued by overdue_risk (e.g. a coefficient with the wrong sign)."""
