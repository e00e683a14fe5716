"""Canonical JSON and the SHA-256 checksum of a scoring spec (standard library only)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from overdue_risk.exceptions import SpecError

__all__ = ["canonical_json", "compute_checksum", "seal"]

CHECKSUM_ALGORITHM = "sha256"


def canonical_json(doc: Mapping[str, Any]) -> str:
    """The canonical text a checksum is computed over: ``doc`` without ``"checksum"``.

    Keys sorted, no whitespace, UTF-8 text kept as is, NaN and infinity refused.
    """
    body = {key: value for key, value in doc.items() if key != "checksum"}
    try:
        return json.dumps(
            body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError as exc:  # NaN or infinity somewhere in the document
        raise SpecError(
            f"a spec must not contain NaN or infinity ({exc}). Replace them with finite "
            "numbers (missing values have their own points, e.g. 'missing_points')."
        ) from exc
    except TypeError as exc:  # e.g. numpy.int64, numpy arrays, sets
        raise SpecError(
            f"a spec must hold plain JSON values only ({exc}). Convert NumPy scalars and "
            "arrays with float(), int() or .tolist() before sealing."
        ) from exc


def compute_checksum(doc: Mapping[str, Any]) -> str:
    """SHA-256 (64 hex digits) of the canonical JSON of ``doc`` without its checksum.

    Parameters
    ----------
    doc : mapping
        A spec document (``"checksum"``, if present, is left out of the hash).

    Returns
    -------
    str
        The hexadecimal digest, as stored in ``doc["checksum"]["value"]``.

    Examples
    --------
    >>> compute_checksum({"a": 1}) == compute_checksum({"a": 1, "checksum": {"value": "x"}})
    True
    >>> len(compute_checksum({"a": 1}))
    64
    """
    if not isinstance(doc, Mapping):
        raise SpecError(f"a spec must be a JSON object (dict); got {type(doc).__name__}.")
    text = canonical_json(doc)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal(doc: Mapping[str, Any], *, validate: bool = True) -> dict[str, Any]:
    """Return a copy of ``doc`` carrying its checksum, ready to be written and scored.

    Parameters
    ----------
    doc : mapping
        A spec document without (or with a stale) ``"checksum"``.
    validate : bool, default=True
        Check the document against the schema first (raises
        :class:`~overdue_risk.exceptions.SpecError` naming the faulty field), so that a
        broken spec is caught when it is exported, not when it is deployed.

    Returns
    -------
    dict
        A shallow copy of ``doc`` with ``"checksum": {"algorithm": "sha256", "value": ...}``.

    Examples
    --------
    >>> from overdue_risk.runtime import example_spec_dict
    >>> doc = seal(example_spec_dict())
    >>> doc["checksum"]["algorithm"], len(doc["checksum"]["value"])
    ('sha256', 64)
    """
    out = {key: value for key, value in doc.items() if key != "checksum"}
    value = compute_checksum(out)  # first: names NumPy scalars and NaN in the document
    if validate:
        from overdue_risk.runtime._spec import Spec

        Spec.from_dict(doc, verify_checksum=False)
    out["checksum"] = {"algorithm": CHECKSUM_ALGORITHM, "value": value}
    return out
