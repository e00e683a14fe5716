"""Translate a scoring spec into a PMML 4.4 ``Scorecard`` for decision engines.

Each spec feature becomes one ``Characteristic`` whose ``Attribute`` elements are tried
top to bottom (the first true predicate gives the partial score), in the spec's own order
of checks: ``isMissing`` first, then the special codes (``equal``), then the bins
(``lessThan`` each split, which is ``searchsorted(side="right")``; or the category
lists), then a ``True`` catch-all for unseen categories. Reason codes use
``reasonCodeAlgorithm="pointsBelow"`` with ``baselineScore`` = the feature's
``max_points``, so a reason's weight is the points the applicant lost on it, as in the
runtime.

When the spec carries a calibration and a master scale, the ``Output`` section adds the
PD (``transformedValue`` of the score: a logistic ``Apply``, a ``NormContinuous``
interpolation for isotonic, or a ``Discretize`` for binned) and the grade (a
``Discretize`` of the PD).

Examples
--------
>>> from overdue_risk.export.pmml import to_pmml
>>> from overdue_risk.export._examples import example_spec
>>> text = to_pmml(example_spec(), reason_codes=2)
>>> text.splitlines()[1]
'<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">'
>>> "reasonCodeAlgorithm=\\"pointsBelow\\"" in text
True
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from overdue_risk.exceptions import DataError
from overdue_risk.export._spec import as_spec, special_strings
from overdue_risk.runtime import Spec
from overdue_risk.runtime._spec import PD_EPS

__all__ = ["PMML_NAMESPACE", "to_pmml"]

#: XML namespace of PMML 4.4.
PMML_NAMESPACE = "http://www.dmg.org/PMML-4_4"


def _num(x: float) -> str:
    """A PMML number that reads back as exactly the float64 ``x`` (``repr`` precision)."""
    value = float(x)
    if not math.isfinite(value):
        raise DataError(f"a scoring spec number must be finite; got {value!r}. Re-export the spec.")
    return repr(value)


def _sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})


def _attribute(parent: ET.Element, points: float) -> ET.Element:
    return _sub(parent, "Attribute", partialScore=_num(points))


_INT_TEXT = re.compile(r"0|-?[1-9][0-9]*")  # canonical spelling of an integer


def _one_of(parent: ET.Element, field: str, values: tuple[str, ...]) -> None:
    """Predicate "field equals one of values" (plain ``equal`` avoids Array quoting rules)."""
    if len(values) == 1:
        _sub(parent, "SimplePredicate", field=field, operator="equal", value=values[0])
        return
    compound = _sub(parent, "CompoundPredicate", booleanOperator="or")
    for v in values:
        _sub(compound, "SimplePredicate", field=field, operator="equal", value=v)


def _characteristic(parent: ET.Element, f: Any) -> None:
    ch = _sub(
        parent,
        "Characteristic",
        name=f"{f.name}_points",
        reasonCode=f.reason_code,
        baselineScore=_num(f.max_points),
    )
    att = _attribute(ch, f.missing_points)
    _sub(att, "SimplePredicate", field=f.name, operator="isMissing")
    if f.kind == "numeric":
        for code, pts in zip(f.special_codes, f.special_points, strict=True):
            att = _attribute(ch, pts)
            _sub(att, "SimplePredicate", field=f.name, operator="equal", value=_num(code))
        for split, pts in zip(f.splits, f.points[:-1], strict=True):
            att = _attribute(ch, pts)
            _sub(att, "SimplePredicate", field=f.name, operator="lessThan", value=_num(split))
        _sub(_attribute(ch, f.points[-1]), "True")
        return
    for code, pts in zip(special_strings(f), f.special_points, strict=True):
        _one_of(_attribute(ch, pts), f.name, (code,))
    for group, pts in zip(f.categories, f.points, strict=True):
        if group:
            # an integer code also matches its float spelling "4.0", as the runtime does
            spelled = tuple(
                v for c in group for v in ((c, c + ".0") if _INT_TEXT.fullmatch(c) else (c,))
            )
            _one_of(_attribute(ch, pts), f.name, spelled)
    if f.unseen_points is not None:
        _sub(_attribute(ch, f.unseen_points), "True")
    # unseen_policy "error": no catch-all, so the evaluator refuses unseen categories


def _constant(parent: ET.Element, x: float) -> None:
    _sub(parent, "Constant", dataType="double").text = _num(x)


def _pd_expression(parent: ET.Element, calibration: Any, score: str) -> None:
    method = calibration.method
    if method == "logistic":
        # max(eps, min(1 - eps, 1 / (1 + exp(-(a + b * score))))): the runtime's clip
        high = _sub(parent, "Apply", function="max")
        _constant(high, PD_EPS)
        low = _sub(high, "Apply", function="min")
        _constant(low, 1.0 - PD_EPS)
        div = _sub(low, "Apply", function="/")
        _constant(div, 1.0)
        plus = _sub(div, "Apply", function="+")
        _constant(plus, 1.0)
        exp = _sub(plus, "Apply", function="exp")
        neg = _sub(exp, "Apply", function="*")
        _constant(neg, -1.0)
        lin = _sub(neg, "Apply", function="+")
        _constant(lin, calibration.intercept)
        mul = _sub(lin, "Apply", function="*")
        _constant(mul, calibration.slope)
        _sub(mul, "FieldRef", field=score)
        return
    if method == "isotonic":
        norm = _sub(parent, "NormContinuous", field=score, outliers="asExtremeValues")
        last = -math.inf
        for x, y in zip(calibration.x, calibration.y, strict=True):
            if float(x) <= last:
                continue  # NormContinuous needs strictly increasing knots
            last = float(x)
            _sub(norm, "LinearNorm", orig=_num(x), norm=_num(y))
        return
    if method == "binned":
        edges, pds = list(calibration.x), list(calibration.y)
        disc = _sub(parent, "Discretize", field=score, dataType="double")
        bounds = [-math.inf, *edges, math.inf]
        for i, p in enumerate(pds[: len(edges) + 1]):
            b = _sub(disc, "DiscretizeBin", binValue=_num(p))
            iv = {"closure": "closedOpen"}
            if math.isfinite(bounds[i]):
                iv["leftMargin"] = _num(bounds[i])
            if math.isfinite(bounds[i + 1]):
                iv["rightMargin"] = _num(bounds[i + 1])
            _sub(b, "Interval", **iv)
        return
    raise DataError(
        f"calibration method {method!r} has no PMML translation; expected 'logistic', "
        "'isotonic' or 'binned'. Re-export the spec with a supported PDCalibrator."
    )


def _grade_expression(parent: ET.Element, master_scale: Any, pd: str) -> None:
    grades, uppers = list(master_scale.grades), list(master_scale.upper_pd)
    # searchsorted(upper_pd, pd, "left"): grade i holds upper[i-1] < pd <= upper[i];
    # beyond the last bound, the worst grade (defaultValue)
    disc = _sub(parent, "Discretize", field=pd, dataType="string", defaultValue=grades[-1])
    lower = -math.inf
    for g, u in zip(grades, uppers, strict=True):
        b = _sub(disc, "DiscretizeBin", binValue=g)
        iv = {"closure": "openClosed", "rightMargin": _num(u)}
        if math.isfinite(lower):
            iv["leftMargin"] = _num(lower)
        _sub(b, "Interval", **iv)
        lower = u


def _output_field(out: ET.Element, name: str, feature: str, text: bool, **extra: str) -> ET.Element:
    """One ``OutputField``: text is a categorical string, anything else a continuous double."""
    kind = ("string", "categorical") if text else ("double", "continuous")
    return _sub(
        out, "OutputField", name=name, feature=feature, **extra, dataType=kind[0], optype=kind[1]
    )


def _output(model: ET.Element, view: Spec, reason_codes: int, pd: bool, grade: bool) -> None:
    out = _sub(model, "Output")
    _output_field(out, "score", "predictedValue", text=False)
    if view.calibration is not None and (pd or grade):
        field = _output_field(out, "pd", "transformedValue", text=False)
        _pd_expression(field, view.calibration, "score")
        if grade and view.master_scale is not None:
            field = _output_field(out, "grade", "transformedValue", text=True)
            _grade_expression(field, view.master_scale, "pd")
    for r in range(1, reason_codes + 1):
        _output_field(out, f"reason_{r}", "reasonCode", text=True, rank=str(r))


def to_pmml(
    spec: Any,
    path: str | Path | None = None,
    *,
    reason_codes: int = 4,
    pd: bool = True,
    grade: bool = True,
    model_name: str | None = None,
) -> str:
    """Write the card as a PMML 4.4 ``Scorecard`` document.

    Parameters
    ----------
    spec : Spec, dict or str
        The scoring spec (an :class:`overdue_risk.runtime.Spec`, its dict or JSON text).
    path : str or Path, optional
        Also write the document to this file (UTF-8).
    reason_codes : int, default=4
        Number of ``reason_i`` output fields (``feature="reasonCode"``, ranks 1..k).
    pd, grade : bool, default=True
        Add the ``pd`` and ``grade`` output fields when the spec carries a calibration
        (and a master scale).
    model_name : str, optional
        ``modelName`` of the Scorecard; default: the spec's name.

    Returns
    -------
    str
        The PMML document. Numeric features are ``double`` continuous fields, categorical
        features ``string`` categorical fields holding the spec's canonical category
        strings; missing values are passed as missing (``missingValueTreatment="asIs"``).

    Notes
    -----
    The ``pointsBelow`` algorithm of the PMML standard ranks the characteristics by
    ``baselineScore - partialScore``; features that lost no points can still appear at
    the end of the list, where the runtime leaves the reason empty.

    References
    ----------
    Data Mining Group, *PMML 4.4 -- Scorecard*, https://dmg.org/pmml/v4-4-1/Scorecard.html

    Examples
    --------
    >>> from overdue_risk.export._examples import example_spec
    >>> doc = to_pmml(example_spec())
    >>> doc.count("<Characteristic ")
    2
    """
    if not isinstance(reason_codes, int) or reason_codes < 0:
        raise DataError(f"reason_codes must be an integer >= 0; got {reason_codes!r}.")
    view = as_spec(spec)
    root = ET.Element("PMML", {"xmlns": PMML_NAMESPACE, "version": "4.4"})
    header = _sub(root, "Header", description=f"overdue_risk scorecard {view.name}")
    from overdue_risk import __version__

    _sub(header, "Application", name="overdue_risk", version=__version__)
    dd = _sub(root, "DataDictionary", numberOfFields=str(len(view.features)))
    for f in view.features:
        if f.kind == "numeric":
            _sub(dd, "DataField", name=f.name, optype="continuous", dataType="double")
        else:
            _sub(dd, "DataField", name=f.name, optype="categorical", dataType="string")
    model = _sub(
        root,
        "Scorecard",
        modelName=model_name or view.name or "scorecard",
        functionName="regression",
        useReasonCodes="true" if reason_codes else "false",
        reasonCodeAlgorithm="pointsBelow",
        initialScore=_num(view.intercept_points),
        baselineMethod="other",
    )
    schema = _sub(model, "MiningSchema")
    for f in view.features:
        _sub(
            schema,
            "MiningField",
            name=f.name,
            usageType="active",
            missingValueTreatment="asIs",
            invalidValueTreatment="asIs",
        )
    _output(model, view, reason_codes, pd, grade)
    chars = _sub(model, "Characteristics")
    for f in view.features:
        _characteristic(chars, f)
    ET.indent(root, space=" ")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
