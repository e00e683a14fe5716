"""The :class:`Spec`: a validated, checksummed scoring spec that scores data."""

from __future__ import annotations

import bisect
import copy
import hmac
import json
import math
import operator
import os
from collections.abc import Mapping
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._columns import Columns, as_columns, numeric_column, plain_record
from overdue_risk._validation import FloatArray, repeated_values
from overdue_risk.exceptions import SpecError, SpecVersionError
from overdue_risk.runtime._checksum import CHECKSUM_ALGORITHM, compute_checksum
from overdue_risk.runtime._codes import grade_index, reason_labels, reason_positions
from overdue_risk.runtime._format import (
    FORMAT,
    SCHEMA_VERSION,
    Calibration,
    CategoricalFeature,
    Feature,
    GradeScale,
    parse_calibration,
    parse_feature,
    parse_master_scale,
)
from overdue_risk.runtime._kernels import CompiledCard, record_points

__all__ = ["FORMAT", "SCHEMA_VERSION", "Spec", "as_spec", "load_spec"]


PD_EPS = 1e-15
"""Logistic PDs are kept inside ``[PD_EPS, 1 - PD_EPS]``: never exactly 0 or 1."""


def logistic_pd(intercept: float, slope: float, points: npt.ArrayLike) -> FloatArray:
    """PD of the logistic calibration: ``1 / (1 + exp(-(intercept + slope * points)))``,
    kept inside ``[PD_EPS, 1 - PD_EPS]``.

    The one implementation of this formula: ``PDCalibrator`` (method "logistic") calls it
    too, so the runtime's PDs equal the estimator's to the last bit. In float64 the formula
    rounds to exactly 1 beyond a logit of about 37 (and to 0 below -745), PDs that the
    library's own backtests rightly refuse; the clip keeps them inside (0, 1).

    Examples
    --------
    >>> logistic_pd(0.0, 1.0, [0.0, 50.0, -800.0]).tolist()
    [0.5, 0.999999999999999, 1e-15]
    """
    z = intercept + slope * np.asarray(points, dtype=np.float64)
    with np.errstate(over="ignore"):
        pd_ = np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)
    return np.clip(pd_, PD_EPS, 1.0 - PD_EPS, out=pd_)


def _check_header(doc: Mapping[str, Any]) -> int:
    fmt = doc.get("format")
    if fmt != FORMAT:
        raise SpecError(
            f"format: expected {FORMAT!r}; got {fmt!r}. This file is not an overdue_risk "
            "scoring spec (export one with Scorecard.to_spec())."
        )
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SpecError(f"schema_version: expected an integer; got {version!r}.")
    if version > SCHEMA_VERSION:
        raise SpecVersionError(
            f"spec schema_version {version} is newer than this runtime reads "
            f"({SCHEMA_VERSION}). Upgrade overdue_risk where the spec is scored, or re-export "
            f"the card with a version that writes schema_version {SCHEMA_VERSION}."
        )
    if version < 1:
        raise SpecError(f"schema_version: expected 1..{SCHEMA_VERSION}; got {version}.")
    return version


def _verify_checksum(doc: Mapping[str, Any]) -> str:
    block = doc.get("checksum")
    if not isinstance(block, Mapping) or "value" not in block:
        raise SpecError(
            "the spec carries no checksum. Specs are sealed when exported "
            "(overdue_risk.runtime.seal(doc)); refusing an unsealed spec."
        )
    algorithm = block.get("algorithm", CHECKSUM_ALGORITHM)
    if algorithm != CHECKSUM_ALGORITHM:
        raise SpecError(f"checksum.algorithm: expected {CHECKSUM_ALGORITHM!r}; got {algorithm!r}.")
    expected = str(block["value"])
    actual = compute_checksum(doc)
    if not hmac.compare_digest(expected, actual):
        raise SpecError(
            f"checksum mismatch: the spec says {expected[:12]}... but its content hashes to "
            f"{actual[:12]}...; the file was modified after it was exported. Re-export it "
            "from the fitted card (or re-seal it deliberately with overdue_risk.runtime.seal)."
        )
    return actual


class Spec:
    """A validated scoring spec: scores, PDs, grades and reason codes with NumPy alone.

    Build one with :func:`load_spec`, :meth:`from_dict` or :meth:`from_json`; the
    constructor is private. The spec format is documented in ``docs/spec_format.md``.

    Attributes
    ----------
    name : str
        The card's name (``""`` if the spec has none).
    schema_version : int
    feature_names : tuple of str
        Input columns, in scoring order (the column order of a 2-D array input).
    features : tuple of NumericFeature or CategoricalFeature
    intercept_points : float
    calibration : Calibration or None
    master_scale : GradeScale or None
    checksum : str or None
        The verified SHA-256 of the document.

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
    >>> spec = Spec.from_dict(seal(example_spec_dict()))
    >>> spec.feature_names
    ('age', 'purpose')
    >>> spec.score({"age": [22, 35, None], "purpose": ["cash", "education", "yacht"]})
    array([ 92., 111.,  80.])
    >>> spec.score({"age": 35, "purpose": "medical"})  # one record
    array([103.])
    """

    def __init__(self, doc: dict[str, Any], *, _token: object = None) -> None:
        if _token is not _PRIVATE:
            raise TypeError("use load_spec(), Spec.from_dict() or Spec.from_json()")
        self._doc = doc
        self.schema_version = _check_header(doc)
        raw = doc.get("features")
        if not isinstance(raw, list) or not raw:
            raise SpecError("features: expected a non-empty list of feature objects.")
        feats = tuple(parse_feature(f, i) for i, f in enumerate(raw))
        names = [f.name for f in feats]
        dupes = repeated_values(names)
        if dupes:
            raise SpecError(f"features: names must be unique; {dupes} appear more than once.")
        self.features: tuple[Feature, ...] = feats
        self.feature_names: tuple[str, ...] = tuple(names)
        ip = doc.get("intercept_points", 0.0)
        if isinstance(ip, bool) or not isinstance(ip, int | float) or not math.isfinite(ip):
            raise SpecError(f"intercept_points: expected a finite number; got {ip!r}.")
        self.intercept_points = float(ip)
        self.calibration: Calibration | None = parse_calibration(doc.get("calibration"))
        self.master_scale: GradeScale | None = parse_master_scale(doc.get("master_scale"))
        name = doc.get("name", "")
        self.name = name if isinstance(name, str) else str(name)
        self.checksum: str | None = None
        self._compiled: CompiledCard | None = None
        self._max_points = tuple(f.max_points for f in feats)  # for one record's reasons

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, verify_checksum: bool = True) -> Spec:
        """Validate a spec document (a dict as parsed from JSON) and return a Spec.

        Parameters
        ----------
        doc : mapping
            The spec document.
        verify_checksum : bool, default=True
            Refuse a document whose checksum is absent or does not match its content.

        Raises
        ------
        SpecVersionError
            The document was written with a newer ``schema_version``.
        SpecError
            Anything else wrong: checksum, missing or ill-typed fields (named).

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict
        >>> Spec.from_dict(example_spec_dict())
        Traceback (most recent call last):
        ...
        overdue_risk.exceptions.SpecError: the spec carries no checksum...
        """
        if not isinstance(doc, Mapping):
            raise SpecError(f"a spec must be a JSON object; got {type(doc).__name__}.")
        try:
            _check_header(doc)  # a newer version is reported as such, before its checksum
            checksum = _verify_checksum(doc) if verify_checksum else None
            spec = cls(copy.deepcopy(dict(doc)), _token=_PRIVATE)
        except (RecursionError, OverflowError) as exc:
            raise SpecError(
                f"the spec is too deeply nested or holds a number out of range ({exc!r}). "
                "Re-export it from the fitted card."
            ) from exc
        spec.checksum = checksum
        return spec

    @classmethod
    def from_json(cls, text: str | bytes, *, verify_checksum: bool = True) -> Spec:
        """Parse JSON text and validate it as :meth:`from_dict` does.

        Text that is not UTF-8, not JSON, too deeply nested, holds a duplicated key in an
        object, a NaN/Infinity literal, or a number out of float range is a
        :class:`~overdue_risk.exceptions.SpecError`.

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> spec = Spec.from_dict(seal(example_spec_dict()))
        >>> Spec.from_json(spec.to_json()).checksum == spec.checksum
        True
        """
        doc = _parse_json(text)
        return cls.from_dict(doc, verify_checksum=verify_checksum)

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the spec document (checksum included).

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> Spec.from_dict(seal(example_spec_dict())).to_dict()["schema_version"]
        1
        """
        return copy.deepcopy(self._doc)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The spec document as JSON text (round-trips through :meth:`from_json`)."""
        return json.dumps(self._doc, indent=indent, ensure_ascii=False, allow_nan=False)

    def __repr__(self) -> str:
        extra = []
        if self.calibration is not None:
            extra.append(f"calibration={self.calibration.method!r}")
        if self.master_scale is not None:
            extra.append(f"grades={len(self.master_scale.grades)}")
        tail = "".join(f", {e}" for e in extra)
        return f"Spec(name={self.name!r}, n_features={len(self.features)}{tail})"

    # ------------------------------------------------------------------ scoring
    @property
    def _card(self) -> CompiledCard:
        if self._compiled is None:
            self._compiled = CompiledCard(self.features)
        return self._compiled

    def _columns(self, data: Any) -> Columns:
        record = plain_record(data, self.feature_names)  # one record: microseconds
        if record is not None:
            return Columns(self.feature_names, 1, _record_getter(record), record=record)
        return as_columns(data, self.feature_names)

    def score(self, data: Any) -> FloatArray:
        """Total points per row (``intercept_points`` plus each feature's points).

        Parameters
        ----------
        data : dict of arrays, dict of scalars, 2-D array, DataFrame or pyarrow Table
            Columns named as :attr:`feature_names` (a 2-D array: in that order). Missing
            values (None, NaN, pd.NA) score the feature's missing points.

        Returns
        -------
        ndarray of float64, shape (n_rows,)
            A single record gives an array of length 1.

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> spec = Spec.from_dict(seal(example_spec_dict()))
        >>> import numpy as np
        >>> spec.score(np.array([[22.0, "cash"], [60.0, "travel"]], dtype=object))
        array([ 92., 101.])
        """
        cols = self._columns(data)
        if cols.record is not None:
            total = self.intercept_points
            for p in record_points(self.features, cols.record):
                total += p
            return np.array([total])
        return self._card.score(cols, self.intercept_points)

    def feature_points(self, data: Any) -> FloatArray:
        """Points of every feature, shape ``(n_rows, n_features)`` in spec order.

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> spec = Spec.from_dict(seal(example_spec_dict()))
        >>> spec.feature_points({"age": [22, 35], "purpose": ["cash", "rent"]})
        array([[52., 40.],
               [65., 38.]])
        """
        cols = self._columns(data)
        if cols.record is not None:
            return np.array([record_points(self.features, cols.record)])
        return self._card.points_matrix(cols).T

    def predict_pd(self, data: Any) -> FloatArray:
        """Calibrated probability of default per row (needs a ``calibration``).

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> spec = Spec.from_dict(seal(example_spec_dict()))
        >>> spec.predict_pd({"age": [22, 45], "purpose": ["cash", "education"]}).round(4)
        array([0.1053, 0.0215])
        """
        return self.pd_from_points(self.score(data))

    def pd_from_points(self, points: npt.ArrayLike) -> FloatArray:
        """Apply the spec's calibration to total points (see docs/spec_format.md).

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> Spec.from_dict(seal(example_spec_dict())).pd_from_points([60.0, 120.0]).round(3)
        array([0.525, 0.016])
        """
        cal = self.calibration
        if cal is None:
            raise SpecError(
                "this spec carries no calibration, so it cannot give PDs. Export the card "
                "with a fitted PDCalibrator (Scorecard.to_spec(calibrator=...))."
            )
        pts = np.asarray(points, dtype=np.float64)
        if cal.method == "logistic":
            return logistic_pd(cal.intercept, cal.slope, pts)
        if cal.method == "isotonic":
            return np.asarray(np.interp(pts, np.asarray(cal.x), np.asarray(cal.y)))
        table = np.asarray(cal.y, dtype=np.float64)
        return table[np.searchsorted(np.asarray(cal.x), pts, side="right")]

    def grade(self, data: Any) -> npt.NDArray[np.object_]:
        """Master-scale grade per row (needs a ``calibration`` and a ``master_scale``).

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> spec = Spec.from_dict(seal(example_spec_dict()))
        >>> spec.grade({"age": [22, 45], "purpose": ["cash", "education"]})
        array(['C', 'B'], dtype=object)
        """
        return self.grade_from_pd(self.predict_pd(data))

    def grade_from_pd(self, pd: npt.ArrayLike) -> npt.NDArray[np.object_]:
        """Grades of PDs: ``grades[searchsorted(upper_pd, pd, side="left")]``.

        A NaN PD has no grade (None); a PD outside [0, 1] is a
        :class:`~overdue_risk.exceptions.DataError`.

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> Spec.from_dict(seal(example_spec_dict())).grade_from_pd([0.02, 0.021, 0.9, None])
        array(['A', 'B', 'D', None], dtype=object)
        """
        ms = self.master_scale
        if ms is None:
            raise SpecError(
                "this spec carries no master_scale, so it cannot grade. Export the card "
                "with a MasterScale (Scorecard.to_spec(master_scale=...))."
            )
        idx = grade_index(ms, pd)
        out = np.asarray(ms.grades, dtype=object)[idx]
        out[idx < 0] = None  # no PD, no grade (never the worst grade)
        return out

    def reason_codes(self, data: Any, k: int = 4) -> npt.NDArray[np.object_]:
        """The ``k`` features that cost each row the most points, as reason codes.

        A feature's loss is ``max_points - points``; the ``k`` largest positive losses are
        reported in decreasing order, ties broken by spec order. Slots beyond the number of
        features that lost points hold None.

        Returns
        -------
        ndarray of object, shape (n_rows, k)

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> spec = Spec.from_dict(seal(example_spec_dict()))
        >>> spec.reason_codes({"age": [22, 45], "purpose": ["cash", "education"]}, k=2)
        array([['AGE', 'PURPOSE'],
               [None, None]], dtype=object)
        """
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise SpecError(f"k must be a positive integer; got {k!r}.")
        _, picked = self._score_reasons(self._columns(data), int(k))
        out = np.empty((picked.shape[1], int(k)), dtype=object)
        for i, column in enumerate(reason_labels(self.features, picked, int(k))):
            out[:, i] = column
        return out

    def _score_reasons(self, cols: Columns, k: int) -> tuple[FloatArray, npt.NDArray[np.intp]]:
        """Total points and the reasons as feature positions, ``(min(k, n_features), n_rows)``
        (``n_features``: no reason), from one pass over the data."""
        if cols.record is None:
            return self._card.score_reasons(cols, self.intercept_points, k)
        pts = record_points(self.features, cols.record)
        total = self.intercept_points
        for p in pts:  # spec order, as score() adds
            total += p
        return np.array([total]), reason_positions(self.features, np.array([pts]).T, k)

    def score_frame(
        self,
        data: Any,
        *,
        pd: bool = False,
        grade: bool = False,
        reason_codes: int = 0,
        row_offset: int = 0,
    ) -> dict[str, npt.NDArray[Any]]:
        """Score, and optionally PD, grade and reason codes, in one pass over the data.

        Parameters
        ----------
        data : dict of arrays, 2-D array, DataFrame or pyarrow Table
        pd, grade : bool, default=False
            Add the ``"pd"`` / ``"grade"`` columns (``grade`` implies the PD).
        reason_codes : int, default=0
            Add ``"reason_1"`` .. ``"reason_<k>"`` columns.
        row_offset : int, default=0
            Added to row numbers quoted in error messages (when ``data`` is one chunk of a
            larger file).

        Returns
        -------
        dict of str to ndarray
            ``"score"`` first, then the requested columns, each of length ``n_rows``.

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> spec = Spec.from_dict(seal(example_spec_dict()))
        >>> out = spec.score_frame({"age": [22.0], "purpose": ["cash"]}, grade=True,
        ...                        reason_codes=1)
        >>> sorted(out), out["grade"].tolist(), out["reason_1"].tolist()
        (['grade', 'pd', 'reason_1', 'score'], ['C'], ['AGE'])
        """
        if type(reason_codes) is int and reason_codes >= 0:
            record = plain_record(data, self.feature_names)  # one record: microseconds
            if record is not None:
                one = self._record_frame(record, pd or grade, grade, reason_codes)
                if one is not None:
                    return one
        cols = self._columns(data)
        cols.row_offset = int(row_offset)
        if cols.record is not None and type(reason_codes) is int and reason_codes >= 0:
            one = self._record_frame(cols.record, pd or grade, grade, reason_codes)
            if one is not None:
                return one
        return self._batch_frame(data, cols, pd, grade, reason_codes, positions=False)

    def coded_frame(
        self,
        data: Any,
        *,
        pd: bool = False,
        grade: bool = False,
        reason_codes: int = 0,
        row_offset: int = 0,
    ) -> dict[str, npt.NDArray[Any]]:
        """:meth:`score_frame` with grades and reason codes as integer positions.

        ``"grade"`` holds positions in ``master_scale.grades`` (-1: no grade, NaN PD) and
        ``"reason_<i>"`` positions in :attr:`features` (``len(features)``: no reason), so
        a writer can build dictionary-encoded columns without Python objects per row.
        ``"score"`` and ``"pd"`` are :meth:`score_frame`'s, bit for bit.

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> spec = Spec.from_dict(seal(example_spec_dict()))
        >>> out = spec.coded_frame({"age": [22.0, 45.0], "purpose": ["cash", "education"]},
        ...                        grade=True, reason_codes=1)
        >>> out["grade"].tolist(), out["reason_1"].tolist()
        ([2, 1], [0, 2])
        """
        cols = self._columns(data)
        cols.row_offset = int(row_offset)
        return self._batch_frame(data, cols, pd, grade, reason_codes, positions=True)

    def _batch_frame(
        self, data: Any, cols: Columns, pd: bool, grade: bool, reason_codes: int, positions: bool
    ) -> dict[str, npt.NDArray[Any]]:
        kind = type(reason_codes)
        if kind is bool or not issubclass(kind, int | np.integer) or reason_codes < 0:
            raise SpecError(f"reason_codes must be an integer >= 0; got {reason_codes!r}.")
        out: dict[str, npt.NDArray[Any]] = {}
        k = int(reason_codes)
        if k:
            out["score"], picked = self._score_reasons(cols, k)
        else:
            out["score"] = (
                self.score(data)
                if cols.record is not None
                else self._card.score(cols, self.intercept_points)
            )
        if pd or grade:
            out["pd"] = self.pd_from_points(out["score"])
        if grade:
            if positions and self.master_scale is not None:
                out["grade"] = grade_index(self.master_scale, out["pd"])
            else:  # (no master scale: grade_from_pd raises the documented error)
                out["grade"] = self.grade_from_pd(out["pd"])
        if k and positions:
            none = np.full(picked.shape[1], len(self.features), dtype=np.intp)
            for i in range(k):
                out[f"reason_{i + 1}"] = picked[i] if i < picked.shape[0] else none
        elif k:
            for i, column in enumerate(reason_labels(self.features, picked, k)):
                out[f"reason_{i + 1}"] = column
        return out

    def _record_frame(
        self, record: Mapping[str, Any], want_pd: bool, grade: bool, k: int
    ) -> dict[str, npt.NDArray[Any]] | None:
        """:meth:`score_frame` of one record in plain Python (a few microseconds).

        The same numbers as the batch path: points added to the intercept in spec order,
        the PD from :meth:`pd_from_points`, the grade by ``bisect_left`` on ``upper_pd``
        (``searchsorted(..., "left")``), reasons by largest loss then spec order. None
        (take the batch path) for a PD outside [0, 1] or a loss that is not a number.
        """
        pts = record_points(self.features, record)
        total = self.intercept_points
        for p in pts:
            total += p
        out: dict[str, npt.NDArray[Any]] = {"score": np.array([total])}
        if want_pd:
            p_one = self._record_pd(total)
            out["pd"] = (
                np.array([p_one]) if p_one is not None else self.pd_from_points(out["score"])
            )
        if grade:
            ms = self.master_scale
            p_one = float(out["pd"][0])
            if ms is None or not 0.0 <= p_one <= 1.0:
                return None  # the batch path raises the documented error
            idx = min(bisect.bisect_left(ms.upper_pd, p_one), len(ms.grades) - 1)
            out["grade"] = np.array([ms.grades[idx]], dtype=object)
        if k:
            feats = self.features
            # (-loss, position) pairs sort as "largest loss first, ties in spec order";
            # p - max is exactly -(max - p) in IEEE arithmetic
            negative_losses = list(map(operator.sub, pts, self._max_points))
            if any(map(math.isnan, negative_losses)):
                return None  # a loss that is not a number: the batch path's rules apply
            ranked = sorted(zip(negative_losses, range(len(pts)), strict=True))
            for i in range(k):
                code = None
                if i < len(ranked) and ranked[i][0] < 0:
                    code = feats[ranked[i][1]].reason_code
                out[f"reason_{i + 1}"] = np.array([code], dtype=object)
        return out

    def _record_pd(self, total: float) -> float | None:
        """:func:`logistic_pd` of one total in Python floats, bit for bit (None: use NumPy).

        ``intercept + slope * total``, ``1 + e`` and ``1 / (1 + e)`` are the same IEEE
        operations in Python as in NumPy; ``exp`` is NumPy's (``math.exp`` differs from it
        in the last bit for a few percent of arguments). Other methods, a NaN logit and
        logits whose ``exp`` could overflow go through :meth:`pd_from_points`.
        """
        cal = self.calibration
        if cal is None or cal.method != "logistic":
            return None
        z = cal.intercept + cal.slope * total
        if not -700.0 < z < 700.0:  # also False for NaN
            return None
        pd_ = 1.0 / (1.0 + float(np.exp(np.float64(-z))))
        if pd_ < PD_EPS:
            return PD_EPS
        return min(pd_, 1.0 - PD_EPS)

    # ------------------------------------------------------------------ slots
    def slots(self, data: Any) -> dict[str, npt.NDArray[np.intp]]:
        """The slot of every row for every feature, in the spec's slot layout.

        Slot ``i < n_bins`` is bin ``i``; then ``n_bins`` is missing, ``n_bins + 1 + j``
        special code ``j``, and ``n_bins + 1 + n_special`` unseen (categorical features).
        ``feature.slot_points[slot]`` is the row's points for that feature.

        Returns
        -------
        dict of str to ndarray of intp

        Examples
        --------
        >>> from overdue_risk.runtime import Spec, example_spec_dict, seal
        >>> spec = Spec.from_dict(seal(example_spec_dict()))
        >>> got = spec.slots({"age": [22, None, -1], "purpose": ["cash", "rent", "yacht"]})
        >>> {k: v.tolist() for k, v in got.items()}
        {'age': [0, 4, 5], 'purpose': [0, 2, 4]}
        """
        cols = self._columns(data)
        out: dict[str, npt.NDArray[np.intp]] = {}
        for j, feat in enumerate(self.features):
            if isinstance(feat, CategoricalFeature):
                out[feat.name] = self._card.categorical_slots(
                    j, cols.get(j, feat.name), cols.row_offset
                )
                continue
            x = numeric_column(cols.get(j, feat.name), feat.name, cols.row_offset)
            n_bins = len(feat.points)
            with np.errstate(invalid="ignore"):
                slots = np.searchsorted(np.asarray(feat.splits), x, side="right").astype(np.intp)
                for k, code in enumerate(feat.special_codes):
                    slots[x == code] = n_bins + 1 + k
            slots[np.isnan(x)] = n_bins
            out[feat.name] = slots
        return out


def _record_getter(record: Mapping[str, Any]) -> Any:
    def getter(j: int, name: str) -> list[Any]:
        return [record[name]]

    return getter


_PRIVATE = object()


def _refuse_constant(name: str) -> None:
    raise SpecError(f"the spec contains {name}; NaN and infinity never appear in a spec.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise SpecError(
            f"the spec holds the number {text[:40]!r}, out of float range; a spec holds "
            "finite numbers only."
        )
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise SpecError(
                f"the spec repeats the key {key!r} in one JSON object; a reader would keep "
                "only one of the values, which the checksum cannot vouch for. Re-export it."
            )
        out[key] = value
    return out


def _parse_json(text: str | bytes | bytearray) -> Any:
    """JSON text -> document; every way of failing is a SpecError."""
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpecError(
                f"the spec is not UTF-8 text ({exc.reason} at byte {exc.start}). A spec is "
                "written as UTF-8 JSON; re-export it or re-encode the file."
            ) from exc
    elif not isinstance(text, str):
        raise SpecError(f"expected the spec's JSON text; got {type(text).__name__}.")
    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise SpecError(f"the spec is not valid JSON: {exc}.") from exc
    except RecursionError as exc:
        raise SpecError("the spec is nested too deeply to be a scoring spec.") from exc
    except ValueError as exc:  # e.g. an integer literal over Python's digit limit
        if isinstance(exc, SpecError):
            raise
        raise SpecError(f"the spec holds a number that cannot be read: {exc}.") from exc


def as_spec(obj: Any) -> Spec:
    """The one coercer to a :class:`Spec`: a Spec, a spec mapping, or a path to a file.

    JSON text is not guessed from a string: parse it with :meth:`Spec.from_json`.

    Parameters
    ----------
    obj : Spec, mapping, str or os.PathLike
        A Spec is returned as is; a mapping is validated by :meth:`Spec.from_dict`; a
        path is read by :func:`load_spec`.

    Raises
    ------
    SpecError
        Anything else, or what the validation finds.

    Examples
    --------
    >>> from overdue_risk.runtime import Spec, as_spec, example_spec_dict, seal
    >>> as_spec(seal(example_spec_dict())).feature_names
    ('age', 'purpose')
    >>> as_spec('{"format": "overdue_risk.scorecard"}')
    Traceback (most recent call last):
    ...
    overdue_risk.exceptions.SpecError: got JSON text where a spec path was expected...
    """
    if isinstance(obj, Spec):
        return obj
    if isinstance(obj, Mapping):
        return Spec.from_dict(obj)
    if isinstance(obj, str) and obj.lstrip().startswith(("{", "[")):
        raise SpecError(
            "got JSON text where a spec path was expected; parse text with Spec.from_json(text)."
        )
    if isinstance(obj, str | os.PathLike):
        return load_spec(obj)
    raise SpecError(
        f"expected an overdue_risk.runtime.Spec, a spec mapping or a path to a spec file; "
        f"got {type(obj).__name__}. JSON text goes through Spec.from_json(text)."
    )


def load_spec(path_or_file: str | os.PathLike[str] | IO[str] | IO[bytes]) -> Spec:
    """Read a spec JSON file, verify its schema version and checksum, and return a Spec.

    Parameters
    ----------
    path_or_file : str, path or file object
        A path to a ``.json`` spec or an open file.

    Returns
    -------
    Spec

    Raises
    ------
    SpecVersionError
        Written with a newer ``schema_version`` than this runtime reads.
    SpecError
        Checksum mismatch, unsealed, malformed, or unreadable file.

    Examples
    --------
    >>> import tempfile, os
    >>> from overdue_risk.runtime import Spec, example_spec_dict, load_spec, seal
    >>> text = Spec.from_dict(seal(example_spec_dict())).to_json()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "card.json")
    ...     with open(path, "w", encoding="utf-8") as fh:
    ...         _ = fh.write(text)
    ...     load_spec(path).feature_names
    ('age', 'purpose')
    """
    if hasattr(path_or_file, "read"):
        try:
            content = path_or_file.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"cannot read the spec: {exc}.") from exc
        return Spec.from_json(content)
    try:
        with open(os.fspath(path_or_file), "rb") as fh:
            text = fh.read()
    except (OSError, ValueError) as exc:
        raise SpecError(f"cannot read spec file {os.fspath(path_or_file)!r}: {exc}.") from exc
    return Spec.from_json(text)
