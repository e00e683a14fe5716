"""One self-contained HTML report of a scorecard and its portfolio.

:func:`build_report` writes ONE HTML file -- figures inline as base64 PNG, CSS inline,
no scripts, nothing fetched from the network -- that a credit committee can open offline
or attach to an e-mail. The report is a list of sections (:data:`SECTIONS`); each section
is a function that takes the inputs it needs (``data``, ``target``, ``spec``, ``baseline``,
``performance``, ``binner``, ``gate`` ... or values derived from them such as ``y`` and
``score``) and returns HTML. A section whose inputs were not given is left out, and the
report says which inputs would add it.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> data = pd.DataFrame({"age": rng.integers(20, 60, 200), "bad": rng.integers(0, 2, 200)})
>>> report = build_report(data=data, target="bad", title="Toy book")
>>> report.included[:2]
('Purpose and data', 'Data summary')
>>> report.html.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

from overdue_risk.reporting._build import (
    SECTIONS,
    Report,
    Section,
    build_report,
    register_section,
)

__all__ = ["SECTIONS", "Report", "Section", "build_report", "register_section"]
