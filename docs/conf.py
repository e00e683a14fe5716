"""Sphinx configuration of the overdue_risk documentation.

Build (warnings are errors, as CI runs it)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API reference is generated (autosummary + numpydoc) from the public modules that
exist in this checkout: ``api/index.rst`` is written here, at configuration time, from
``overdue_risk``'s public submodules, so it lists exactly what the package provides.
The gallery (``examples/plot_*.py``) runs at build time through sphinx-gallery.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

import overdue_risk  # noqa: E402

project = "overdue_risk"
author = "overdue_risk developers"
copyright = "2026, overdue_risk developers"
release = overdue_risk.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "**.ipynb_checkpoints",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "auto_examples/*.json",
    "benchmarks/latest.md",  # included by benchmarks.md
]
templates_path = ["_templates"]
# spec_format.md shows elided JSON ("...") on purpose; Pygments cannot lex it as strict JSON
# numpydoc renders the References of a module docstring as citations; a module summary
# need not cite them in its text
suppress_warnings = ["misc.highlighting_failure", "ref.citation"]
html_theme = "alabaster"
html_title = f"overdue_risk {release}"
html_theme_options = {
    "description": "Credit risk for consumer and micro-loan lending",
    "fixed_sidebar": True,
    "page_width": "1100px",
}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}

# MyST (user guide pages are Markdown)
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3

# autodoc / autosummary / numpydoc
autosummary_generate = True
autosummary_imported_members = True
autosummary_ignore_module_all = False
autodoc_default_options = {"inherited-members": False}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# sphinx-gallery: small, fast examples executed at build time
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "within_subsection_order": "FileNameSortKey",
    "reference_url": {},
    "capture_repr": ("_repr_html_", "__repr__"),
}

os.environ.setdefault("OVERDUE_RISK_DOCS", "1")


# --------------------------------------------------------------------------------------
# API reference: one autosummary entry per public module that exists in this checkout
# --------------------------------------------------------------------------------------

_API_EXTRA: tuple[str, ...] = ()  # public modules not reachable as overdue_risk.<attr>


def _public_modules() -> list[str]:
    names = sorted({*overdue_risk._SUBMODULES, *_API_EXTRA})
    found = []
    for name in names:
        try:
            importlib.import_module(f"overdue_risk.{name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"overdue_risk.{name}"):
                continue  # not part of this checkout
            raise
        found.append(f"overdue_risk.{name}")
    return found


def _write_api_index() -> None:
    lines = [
        "API reference",
        "=============",
        "",
        "Every public module of ``overdue_risk``, with its public names (``__all__``).",
        "The package root re-exports the most used names lazily: "
        "``overdue_risk.WOEBinner`` is ``overdue_risk.binning.WOEBinner``.",
        "",
        ".. autosummary::",
        "   :toctree: generated",
        "",
        *(f"   {m}" for m in _public_modules()),
        "",
    ]
    target = HERE / "api" / "index.rst"
    target.parent.mkdir(exist_ok=True)  # docs/api/ holds generated files only
    text = "\n".join(lines)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)


_write_api_index()


# --------------------------------------------------------------------------------------
# docstring hygiene shared by every module
# --------------------------------------------------------------------------------------

# |x| in a docstring is an absolute value (|o_k - f_k|), never an RST substitution:
# escape the bars so docutils prints them. (Grid-table cells are padded with spaces and
# therefore never match.)
_ABS = re.compile(r"(?<![\\`|])\|(\S(?:[^|`\n]*\S)?)\|(?![`|_])")


def _escape_absolute_values(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        if "|" in line and not line.lstrip().startswith(("+", "|")):
            lines[i] = _ABS.sub(r"\\|\1\\|", line)


def _skip_member(app, what, name, obj, skip, options):
    # scikit-learn's generated metadata-routing setters (set_fit_request ...) and other
    # members inherited from scikit-learn are documented by scikit-learn, not here
    module = getattr(obj, "__module__", "") or ""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    if module.startswith("sklearn."):
        return True
    return None


def setup(app):
    app.connect("autodoc-process-docstring", _escape_absolute_values, priority=400)
    app.connect("autodoc-skip-member", _skip_member)
