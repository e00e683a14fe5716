"""Assemble the report: resolve inputs, render every section that has them, write one file."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from overdue_risk import __version__

# importing a sections module registers its sections, in page order
# isort: off
from overdue_risk.reporting import _sections  # noqa: F401  (data summary)
from overdue_risk.reporting import _sections_model  # noqa: F401  (binning .. gate verdict)
from overdue_risk.reporting import _sections_book  # noqa: F401  (roll rates, vintages, ECL)
from overdue_risk.reporting import _sections_collections  # noqa: F401  (collections plan)
from overdue_risk.reporting import _sections_monitoring  # noqa: F401  (monitoring series)
from overdue_risk.reporting import _sections_pricing  # rate caps, provisions (and has_loan_terms)
from overdue_risk.reporting import _sections_validation  # noqa: F401  (purpose .. limitations)

# isort: on
from overdue_risk.gate import validate
from overdue_risk.gate._inputs import _as_frame, _as_spec, _target
from overdue_risk.reporting._html import esc, page
from overdue_risk.reporting._registry import SECTIONS, Section, register_section

__all__ = ["SECTIONS", "Report", "Section", "build_report", "register_section"]


@dataclass(frozen=True)
class Report:
    """A rendered report.

    Attributes
    ----------
    html : str
        The complete self-contained HTML document.
    included : tuple of str
        Titles of the sections in the report, in order.
    skipped : dict
        Title of each section left out -> the inputs it lacked.
    path : Path or None
        Where the report was written, if anywhere.

    Examples
    --------
    >>> import pandas as pd
    >>> r = build_report(data=pd.DataFrame({"x": [1, 2, 3]}))
    >>> r.included
    ('Purpose and data', 'Data summary', 'Limitations')
    >>> r._repr_html_().startswith("<iframe srcdoc=")
    True
    """

    html: str
    included: tuple[str, ...]
    skipped: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    path: Path | None = None

    def _repr_html_(self) -> str:
        """The report inside an iframe, so that notebooks show it without mixing styles."""
        import html as _html

        return (
            f'<iframe srcdoc="{_html.escape(self.html, quote=True)}" '
            'style="width: 100%; height: 640px; border: 1px solid #d9e2ec"></iframe>'
        )

    def write(self, path: str | Path) -> Path:
        """Write the HTML document to ``path`` (UTF-8) and return the path."""
        p = Path(path)
        p.write_text(self.html, encoding="utf-8")
        return p


# --------------------------------------------------------------------------------------
# inputs: given by the caller, or derived from what was given
# --------------------------------------------------------------------------------------

_Deriver = Callable[["_Inputs"], Any]
_DERIVED: dict[str, _Deriver] = {}


def _derives(name: str) -> Callable[[_Deriver], _Deriver]:
    def decorate(func: _Deriver) -> _Deriver:
        _DERIVED[name] = func
        return func

    return decorate


class _Inputs:
    """Lazily resolved report inputs; a derived input is computed once."""

    def __init__(self, given: Mapping[str, Any]) -> None:
        self._values: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        self._resolved: set[str] = set(self._values)

    def get(self, name: str) -> Any:
        if name not in self._resolved:
            self._resolved.add(name)
            deriver = _DERIVED.get(name)
            value = deriver(self) if deriver is not None else None
            if value is not None:
                self._values[name] = value
        return self._values.get(name)


@_derives("y")
def _derive_y(inp: _Inputs) -> Any:

    data, target = inp.get("data"), inp.get("target")
    if data is None or target is None:
        return None
    return _target(data, target, "the report data")


@_derives("loan_terms")
def _derive_loan_terms(inp: _Inputs) -> Any:
    """The frame with the loans' terms for the pricing section: applications, else data."""
    for name in ("applications", "data"):
        frame = inp.get(name)
        if frame is not None and _sections_pricing.has_loan_terms(frame):
            return frame
    return None


@_derives("baseline_y")
def _derive_baseline_y(inp: _Inputs) -> Any:
    base, target = inp.get("baseline"), inp.get("target")
    if base is None or target is None or target not in base.columns:
        return None
    return _target(base, target, "the baseline data")


def _apply_spec(inp: _Inputs, frame: str, method: str, needs: str | None = None) -> Any:
    """``spec.<method>(<frame>)`` as an array, or None if an input (or the spec block) is absent."""
    spec, rows = inp.get("spec"), inp.get(frame)
    if spec is None or rows is None or (needs is not None and not spec.to_dict().get(needs)):
        return None
    return np.asarray(
        getattr(spec, method)(rows), dtype=object if method == "grade" else np.float64
    )


@_derives("score")
def _derive_score(inp: _Inputs) -> Any:
    return _apply_spec(inp, "data", "score")


@_derives("baseline_score")
def _derive_baseline_score(inp: _Inputs) -> Any:
    return _apply_spec(inp, "baseline", "score")


@_derives("baseline_pd")
def _derive_baseline_pd(inp: _Inputs) -> Any:
    return _apply_spec(inp, "baseline", "predict_pd", needs="calibration")


@_derives("pd")
def _derive_pd(inp: _Inputs) -> Any:
    return _apply_spec(inp, "data", "predict_pd", needs="calibration")


@_derives("grade")
def _derive_grade(inp: _Inputs) -> Any:
    return _apply_spec(inp, "data", "grade", needs="master_scale")


@_derives("gate")
def _derive_gate(inp: _Inputs) -> Any:
    spec, data, target = inp.get("spec"), inp.get("data"), inp.get("target")
    if spec is None or data is None or target is None:
        return None
    return validate(
        spec, data, target=target, baseline=inp.get("baseline"), thresholds=inp.get("thresholds")
    )


def _normalise(given: dict[str, Any]) -> dict[str, Any]:

    portfolio = given.pop("portfolio", None)
    if portfolio is not None:
        given.setdefault("data", None)
        given["simulated"] = True
        if given.get("bad_definition") is None:
            given["bad_definition"] = (
                f"ever {portfolio.target_dpd}+ days past due within {portfolio.target_window} "
                f"months on book (column {portfolio.target_name})"
            )
        if given["data"] is None:
            apps = portfolio.applications
            if "bad_observed" in apps.columns:  # only loans whose outcome window is complete
                observed = apps["bad_observed"].astype(bool)
                if given.get("exclusions") is None:
                    given["exclusions"] = [
                        f"{int((~observed).sum()):,} of {len(apps):,} loans whose "
                        f"{portfolio.target_window}-month outcome window is not complete "
                        "at the end of the panel (bad_observed false)"
                    ]
                apps = apps[observed].reset_index(drop=True)
            given["data"] = apps
        if given.get("target") is None:
            given["target"] = portfolio.target_name
        if given.get("performance") is None:
            given["performance"] = portfolio.performance
        if given.get("applications") is None:
            given["applications"] = portfolio.applications
    for key, what in (("data", "the report data"), ("baseline", "the baseline data")):
        if given.get(key) is not None:
            given[key] = _as_frame(given[key], what)
    if given.get("performance") is not None:
        given["performance"] = _as_frame(given["performance"], "the performance panel")
    if given.get("spec") is not None:
        given["spec"] = _as_spec(given["spec"])
    return given


def build_report(
    path: str | Path | None = None,
    *,
    data: Any = None,
    target: str | None = None,
    spec: Any = None,
    baseline: Any = None,
    performance: Any = None,
    binner: Any = None,
    scorecard: Any = None,
    gate: Any = None,
    thresholds: Any = None,
    portfolio: Any = None,
    purpose: str | None = None,
    bad_definition: str | None = None,
    exclusions: str | Sequence[str] | None = None,
    limitations: str | Sequence[str] | None = None,
    title: str = "Credit risk report",
    sections: list[Section] | None = None,
    **extra: Any,
) -> Report:
    """Build the self-contained HTML report and optionally write it to ``path``.

    Every argument is optional: the report holds each section whose inputs were given
    (directly or derivable, e.g. ``score`` from ``spec`` and ``data``) and lists the others
    with the inputs they would need.

    Parameters
    ----------
    path : str or Path, default=None
        Where to write the HTML file.
    data : DataFrame or path, default=None
        The applications / validation sample (features and target).
    target : str, default=None
        Name of the 0/1 default-flag column of ``data``.
    spec : Spec, dict or path, default=None
        The scoring spec (scores, PD and grades come from it).
    baseline : DataFrame or path, default=None
        The development (or last accepted) sample, for PSI / CSI and the gate.
    performance : DataFrame or path, default=None
        The loan-month panel (``loan_id``, ``month``, ``mob``, ``dpd``, ``bucket``,
        ``balance`` ...), for roll rates, vintages and ECL.
    binner : WOEBinner, default=None
        A fitted binner, for binning tables and WOE charts.
    scorecard : Scorecard, default=None
        A fitted scorecard, for the points table.
    gate : GateResult, default=None
        A gate verdict; computed from ``spec``, ``data`` and ``target`` when not given.
    thresholds : str, Path or mapping, default=None
        Gate thresholds used when the gate is computed here.
    portfolio : Portfolio, default=None
        A built-in portfolio: fills ``data`` (the applications whose outcome is observed,
        ``bad_observed``), ``target``, ``performance``, the bad definition and the
        exclusion of loans whose outcome window is not complete.
    purpose : str, default=None
        What the model is for (the first section's first line).
    bad_definition : str, default=None
        How the target was built, e.g. ``"ever 90+ DPD within 12 months on book"``.
    exclusions : str or list of str, default=None
        Loans left out of the samples and why.
    limitations : str or list of str, default=None
        Known limitations, listed first in the last section (the report adds those it
        finds: few bads, no baseline, gate checks not passed, assumed LGD ...).
    title : str, default="Credit risk report"
        Page title.
    sections : list of Section, default=None
        The sections to try, in order; :data:`SECTIONS` when None.
    **extra
        Further named inputs for custom sections.

    Returns
    -------
    Report

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> out = os.path.join(tempfile.mkdtemp(), "report.html")
    >>> r = build_report(out, data=pd.DataFrame({"x": [1.0, 2.0], "bad": [0, 1]}), target="bad")
    >>> r.path.name, "Data summary" in r.included
    ('report.html', True)
    """
    given = _normalise(
        {
            "data": data,
            "target": target,
            "spec": spec,
            "baseline": baseline,
            "performance": performance,
            "binner": binner,
            "scorecard": scorecard,
            "gate": gate,
            "thresholds": thresholds,
            "portfolio": portfolio,
            "purpose": purpose,
            "bad_definition": bad_definition,
            "exclusions": exclusions,
            "limitations": limitations,
            **extra,
        }
    )
    inputs = _Inputs(given)
    body: list[str] = []
    nav: list[tuple[str, str]] = []
    included: list[str] = []
    skipped: dict[str, tuple[str, ...]] = {}
    for section in SECTIONS if sections is None else sections:
        missing = tuple(n for n in section.required if inputs.get(n) is None)
        if missing:
            skipped[section.title] = missing
            continue
        kwargs = {n: inputs.get(n) for n in section.required}
        kwargs.update({n: v for n in section.optional if (v := inputs.get(n)) is not None})
        inner = section.render(**kwargs)
        body.append(
            f'<section id="{esc(section.key)}"><h2>{esc(section.title)}</h2>{inner}</section>'
        )
        nav.append((section.key, section.title))
        included.append(section.title)
    if skipped:
        items = "".join(f"<li>{esc(t)}: needs {esc(', '.join(m))}</li>" for t, m in skipped.items())
        body.append(
            '<section id="not-included"><h2>Not included</h2><p class="note">These sections '
            f"need inputs that were not given to build_report:</p><ul>{items}</ul></section>"
        )
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sp = inputs.get("spec")
    spec_note = f"; scorecard {sp.to_dict().get('name')}" if sp is not None else ""
    subtitle = f"Generated {now} by overdue_risk {__version__}{spec_note}"
    document = page(title, subtitle, nav, "\n".join(body))
    report = Report(html=document, included=tuple(included), skipped=skipped)
    if path is not None:
        written = report.write(path)
        report = Report(html=document, included=report.included, skipped=skipped, path=written)
    return report
