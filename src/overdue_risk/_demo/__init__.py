"""The end-to-end demo behind ``overdue-risk demo``: a sequence of separate steps.

Each step is a plain function ``step(ctx) -> list[str]`` that reads and extends the shared
:class:`DemoContext` and returns a few short notes for its progress line. :data:`STEPS`
lists them in order: generate the book, split it out of time, bin, select, fit the
scorecard, calibrate it to a master scale, export the spec (and check that the runtime
reproduces the card), validate on the hold-out, cut-offs and a decision table, the CI
gate, roll rates and vintages, ECL, the files, the HTML report. Every number comes from
the library's public API; the steps only orchestrate. The CLI
(``overdue_risk.cli._demo``) only parses arguments and calls :func:`run_demo`.

Examples
--------
>>> [step.name for step in STEPS[:3]]
['generate', 'summarise', 'split']
"""

from __future__ import annotations

from overdue_risk._demo._context import DemoContext, DemoStep
from overdue_risk._demo._run import STEPS, DemoResult, run_demo
from overdue_risk._demo._steps_book import decision_table_example
from overdue_risk._demo._steps_model import check_spec_matches, fit_config

__all__ = [
    "STEPS",
    "DemoContext",
    "DemoResult",
    "DemoStep",
    "check_spec_matches",
    "decision_table_example",
    "fit_config",
    "run_demo",
]
