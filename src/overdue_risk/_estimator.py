"""What every estimator of the library shares: the fitted check, parameter rules, errors.

- :func:`check_fitted` raises the library's :class:`~overdue_risk.exceptions.NotFittedError`
  (as :class:`NotFittedError` here, a subclass that is also scikit-learn's, so that both
  ``except overdue_risk.NotFittedError`` and scikit-learn's estimator checks catch it).
- :func:`validate_params` checks an estimator's constructor parameters against the rules it
  declares in ``_param_rules`` (a mapping parameter name -> :class:`Rule`), at ``fit``.
- :func:`data_errors` turns an error that scikit-learn raises inside a ``fit`` (a plain
  ``ValueError``) into a :class:`~overdue_risk.exceptions.DataError` that keeps the
  original text and adds the fix.

Only public scikit-learn API is used. The scoring runtime never imports this module.

Examples
--------
>>> class Toy:
...     _param_rules = {"n": integer(low=1), "how": one_of("a", "b")}
...     def __init__(self, n=2, how="a"):
...         self.n, self.how = n, how
...     def get_params(self, deep=False):
...         return {"n": self.n, "how": self.how}
>>> validate_params(Toy(n=0))
Traceback (most recent call last):
...
overdue_risk.exceptions.DataError: Toy: n must be an integer >= 1; got 0.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn.exceptions

from overdue_risk import exceptions
from overdue_risk._validation import check_binary_target
from overdue_risk.exceptions import DataError, OverdueRiskError

__all__ = [
    "NotFittedError",
    "Rule",
    "boolean",
    "check_fitted",
    "check_target",
    "data_errors",
    "instance_of",
    "integer",
    "one_of",
    "real",
    "validate_params",
]


class NotFittedError(exceptions.NotFittedError, sklearn.exceptions.NotFittedError):  # type: ignore[misc]
    """The library's NotFittedError, as its estimators raise it.

    A subclass of :class:`overdue_risk.exceptions.NotFittedError` (catch that one) that is
    also scikit-learn's ``NotFittedError``, which scikit-learn's own checks expect.
    """


def check_fitted(estimator: Any, *attributes: str) -> None:
    """Raise :class:`NotFittedError` unless ``estimator`` has every fitted attribute.

    Examples
    --------
    >>> class Est: pass
    >>> check_fitted(Est(), "coef_")
    Traceback (most recent call last):
    ...
    overdue_risk._estimator.NotFittedError: This Est instance is not fitted yet. Call \
'fit' with appropriate arguments before using this estimator.
    """
    if not all(hasattr(estimator, a) for a in attributes):
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator."
        )


def check_target(
    estimator: Any, y: Any, *, allow_single_class: bool = False
) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
    """The library's target rule for an estimator's ``fit``: ``(0/1 flag, classes)``.

    :func:`~overdue_risk._validation.check_binary_target` with the estimator's
    ``pos_label``, after scikit-learn's conventions: ``None`` names the estimator, and a
    column vector warns (``DataConversionWarning``) before it is read as one column.
    """
    owner = type(estimator).__name__
    if y is None:
        raise DataError(
            f"{owner} requires y to be passed, but the target y is None. Pass the 0/1 "
            "default flag of every row."
        )
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change the "
            "shape of y to (n_samples, ), for example using ravel().",
            sklearn.exceptions.DataConversionWarning,
            stacklevel=3,
        )
    return check_binary_target(
        y,
        pos_label=getattr(estimator, "pos_label", None),
        allow_single_class=allow_single_class,
        return_classes=True,
    )


# ----------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Rule:
    """One declarative constraint on a constructor parameter.

    Parameters
    ----------
    description : str
        What the parameter must be, completing "``name`` must be ...".
    accepts : callable
        Predicate on the value.
    none : bool, default=False
        Whether ``None`` is also accepted.
    """

    description: str
    accepts: Callable[[Any], bool]
    none: bool = False

    def check(self, owner: str, name: str, value: Any) -> None:
        """Raise a DataError naming the estimator, the parameter and the value."""
        if value is None and self.none:
            return
        ok = False
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            ok = bool(self.accepts(value))
        if not ok:
            desc = self.description + (" or None" if self.none else "")
            raise DataError(f"{owner}: {name} must be {desc}; got {value!r}.")


def _is_int(v: Any) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)


def _is_real(v: Any) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(
        v, bool | np.bool_
    )


def _bounds_text(low: float | None, high: float | None, closed: str) -> str:
    lo = "[" if closed in ("both", "left") else "("
    hi = "]" if closed in ("both", "right") else ")"
    if low is not None and high is not None:
        return f"in {lo}{low:g}, {high:g}{hi}"
    if low is not None:
        return (">= " if lo == "[" else "> ") + f"{low:g}"
    if high is not None:
        return ("<= " if hi == "]" else "< ") + f"{high:g}"
    return ""


def _within(v: float, low: float | None, high: float | None, closed: str) -> bool:
    if low is not None and (v < low if closed in ("both", "left") else v <= low):
        return False
    return not (high is not None and (v > high if closed in ("both", "right") else v >= high))


def integer(low: int | None = None, high: int | None = None, *, none: bool = False) -> Rule:
    """An integer (not a bool) in ``[low, high]``.

    Examples
    --------
    >>> integer(low=1).description
    'an integer >= 1'
    """
    text = _bounds_text(low, high, "both")
    return Rule(
        "an integer" + (f" {text}" if text else ""),
        lambda v: _is_int(v) and _within(float(v), low, high, "both"),
        none,
    )


def real(
    low: float | None = None,
    high: float | None = None,
    *,
    closed: str = "both",
    none: bool = False,
    allow_inf: bool = False,
) -> Rule:
    """A real number (not a bool) in the interval; NaN never, infinity when ``allow_inf``.

    Examples
    --------
    >>> real(0, 1, closed="left").description
    'a number in [0, 1)'
    """
    text = _bounds_text(low, high, closed)
    return Rule(
        "a number" + (f" {text}" if text else ""),
        lambda v: (
            _is_real(v)
            and not math.isnan(float(v))
            and (allow_inf or math.isfinite(float(v)))
            and _within(float(v), low, high, closed)
        ),
        none,
    )


def one_of(*options: Any) -> Rule:
    """One of the listed values (``None`` among them means None is accepted).

    Examples
    --------
    >>> one_of("drop", "warn").description
    "one of ['drop', 'warn']"
    """
    shown = [o for o in options if o is not None]
    return Rule(
        f"one of {shown!r}",
        lambda v: isinstance(v, str | bool | int | float) and v in shown,
        None in options,
    )


def boolean() -> Rule:
    """A bool (``True`` or ``False``).

    Examples
    --------
    >>> boolean().description
    'True or False'
    """
    return Rule("True or False", lambda v: isinstance(v, bool | np.bool_))


def instance_of(description: str, *types: type, none: bool = False) -> Rule:
    """An instance of one of ``types`` (strings and bytes are never sequences here).

    Examples
    --------
    >>> from collections.abc import Mapping
    >>> instance_of("a dict", Mapping, none=True).check("Est", "codes", {"a": 1})
    """

    def accepts(v: Any) -> bool:
        if isinstance(v, str | bytes) and not any(t in (str, bytes) for t in types):
            return False
        return isinstance(v, types)

    return Rule(description, accepts, none)


def validate_params(estimator: Any) -> None:
    """Check every constructor parameter against ``type(estimator)._param_rules``.

    A parameter without a rule is accepted as is; a rule for an unknown parameter is a
    programming error (a test checks that rules and parameters match).
    """
    rules: Mapping[str, Rule] = getattr(type(estimator), "_param_rules", {})
    params = estimator.get_params(deep=False)
    owner = type(estimator).__name__
    for name, rule in rules.items():
        rule.check(owner, name, params[name])


# ----------------------------------------------------------------------------- errors
@contextlib.contextmanager
def data_errors(owner: str, fix: str) -> Iterator[None]:
    """Re-raise a plain ``ValueError`` from a dependency as a :class:`DataError`.

    The original text is kept (and chained), the estimator is named, and ``fix`` is
    appended. The library's own errors pass through unchanged.

    Examples
    --------
    >>> with data_errors("Est", "Pass numbers."):
    ...     float("x")
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.DataError: Est: could not convert string to float: 'x'. Pass numbers.
    """
    try:
        yield
    except OverdueRiskError:
        raise
    except ValueError as exc:
        text = str(exc).rstrip(". ")
        raise DataError(f"{owner}: {text}. {fix}") from exc
