"""PEP 562 lazy attributes: a package names its public objects, each loads on first use.

A package's ``__getattr__`` hands the name to :func:`load_lazily`, which imports the
module that defines it, caches the value in the package namespace (so the next access
is a plain lookup) and returns it. Nothing is computed: only imported.

Examples
--------
>>> namespace = {"__name__": "pkg"}
>>> load_lazily(namespace, {"sqrt": "math"}, "sqrt")(9.0)
3.0
>>> "sqrt" in namespace
True
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = ["load_lazily"]


def load_lazily(namespace: MutableMapping[str, Any], table: Mapping[str, str], name: str) -> Any:
    """Import ``name`` from the module ``table[name]`` and cache it in ``namespace``.

    Parameters
    ----------
    namespace : dict
        The package's ``globals()``.
    table : mapping of str to str
        Public name -> the module that defines it.
    name : str
        The attribute asked for.

    Returns
    -------
    object

    Raises
    ------
    AttributeError
        When ``name`` is not in ``table`` (the usual message of a missing attribute).
    """
    module_name = table.get(name)
    if module_name is None:
        raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    namespace[name] = value
    return value
