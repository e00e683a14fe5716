"""The report's monitoring section: present with a monitoring result, absent without."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from overdue_risk.monitoring._example import example_result
from overdue_risk.reporting import build_report


def test_monitoring_section_renders_series_and_alerts(tmp_path):
    res = example_result()
    report = build_report(tmp_path / "r.html", monitoring=res, title="Monitoring")
    assert "Monitoring over time" in report.included
    html = report.path.read_text(encoding="utf-8")
    section = html[html.index('<section id="monitoring">') :]
    section = section[: section.index("</section>")]
    assert section.count("<img ") == 5
    for period in res.labels:
        assert f'<td class="text">{period}</td>' in section
    assert "<h3>Alerts</h3>" in section
    assert f"{len(res.alerts)} alert(s)" in section


def test_monitoring_section_skipped_without_a_result():
    report = build_report(title="Nothing")
    assert "Monitoring over time" not in report.included
