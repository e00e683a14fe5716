"""The HTML report: self-contained, sections by available inputs, renders in Chromium."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from overdue_risk.cli import main
from overdue_risk.gate import CheckResult, GateResult
from overdue_risk.reporting import SECTIONS, Section, build_report

CHROMIUM = "/usr/bin/chromium"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def sample(rng: np.random.Generator) -> pd.DataFrame:
    n = 600
    months = pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    return pd.DataFrame(
        {
            "origination_month": months.to_period("M").to_timestamp(),
            "age": rng.integers(18, 70, n),
            "monthly_income": np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(8, 0.5, n)),
            "channel": rng.choice(["app", "web", "agent"], n),
            "bad": (rng.random(n) < 0.15).astype(int),
        }
    )


def _gate() -> GateResult:
    return GateResult(
        checks=(
            CheckResult("discrimination", "gini", "pass", 0.45, ">= 0.20", "ok"),
            CheckResult("stability", "psi", "fail", 0.31, "<= 0.25", "score shifted"),
        ),
        n_rows=600,
        n_baseline=600,
        spec_name="toy",
    )


def _images(html: str) -> list[str]:
    return re.findall(r'<img [^>]*src="([^"]+)"', html)


def assert_self_contained(html: str) -> None:
    """No scripts, no external resources: every image an inline base64 PNG."""
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "@import" not in html
    assert "url(" not in html
    for src in _images(html):
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG_MAGIC)


def test_data_only_report(sample: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    report = build_report(out, data=sample, target="bad", title="Toy <book>")
    assert report.path == out
    assert out.read_text(encoding="utf-8") == report.html
    assert report.included[0] == "Data summary"
    assert_self_contained(report.html)
    assert "<title>Toy &lt;book&gt;</title>" in report.html  # escaped
    assert f"default rate {sample['bad'].mean():.2%}" in report.html
    assert len(_images(report.html)) == 1  # volume by origination month
    assert "Validation gate verdict" in report.skipped


def test_sections_need_their_inputs(sample: pd.DataFrame) -> None:
    report = build_report(data=sample, target="bad", gate=_gate())
    assert "Validation gate verdict" in report.included
    assert 'class="status-fail"' in report.html
    assert "stability.psi" in report.html
    bare = build_report(data=sample)
    assert "Validation gate verdict" not in bare.included
    assert bare.skipped["Validation gate verdict"] == ("gate",)
    assert "Not included" in bare.html


def test_custom_sections_and_extra_inputs(sample: pd.DataFrame) -> None:
    seen: dict[str, Any] = {}

    def mine(*, data: pd.DataFrame, note: str, y: Any = None) -> str:
        seen["y"] = y
        return f"<p>{len(data)} rows; {note}</p>"

    report = build_report(
        data=sample, target="bad", note="hello", sections=[Section("mine", "Mine", mine)]
    )
    assert report.included == ("Mine",)
    assert "600 rows; hello" in report.html
    assert seen["y"].tolist() == sample["bad"].tolist()  # derived from data + target


def test_registered_section_keys_are_unique() -> None:
    keys = [s.key for s in SECTIONS]
    assert len(keys) == len(set(keys))


def test_bad_target_is_a_data_error(sample: pd.DataFrame) -> None:
    from overdue_risk.exceptions import DataError

    with pytest.raises(DataError, match="lacks required columns \\['default'\\]"):
        build_report(data=sample, target="default")


def test_cli_report_needs_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 2
    assert "nothing to report on" in capsys.readouterr().err


def test_cli_report_from_files(sample: pd.DataFrame, tmp_path: Path) -> None:
    data = tmp_path / "sample.parquet"
    sample.to_parquet(data)
    out = tmp_path / "out" / "r.html"
    out.parent.mkdir()
    assert main(["report", "--performance", str(data), "-o", str(out)]) == 0
    assert_self_contained(out.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# headless Chromium: the page loads, with no errors and no network, and shows its images
# --------------------------------------------------------------------------------------

_PROBE = """<script>
window.__errors = [];
window.addEventListener("error", (e) => window.__errors.push(String(e.message || e.type)), true);
window.addEventListener("load", () => {
  const imgs = Array.from(document.images);
  const out = {
    images: imgs.length,
    shown: imgs.filter((i) => i.complete && i.naturalWidth > 0).length,
    widths: imgs.map((i) => i.naturalWidth),
    errors: window.__errors,
    resources: performance.getEntriesByType("resource").map((r) => r.name),
    sections: document.querySelectorAll("section h2").length,
  };
  const pre = document.createElement("pre");
  pre.id = "render-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def render_in_chromium(html: str, tmp_path: Path) -> dict[str, Any]:
    """Load ``html`` in headless Chromium and return what the probe saw after ``load``."""
    page = tmp_path / "probe.html"
    page.write_text(html.replace("</head>", _PROBE + "</head>", 1), encoding="utf-8")
    profile = tmp_path / "chromium-profile"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    match = re.search(r'<pre id="render-probe">(.*?)</pre>', proc.stdout, re.S)
    assert match, f"chromium did not run the probe (exit {proc.returncode}): {proc.stderr[-2000:]}"
    probe: dict[str, Any] = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    return probe


needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="headless Chromium not installed (.ci/run installs it)"
)


@pytest.mark.browser
@needs_chromium
def test_report_renders_in_headless_chromium(sample: pd.DataFrame, tmp_path: Path) -> None:
    report = build_report(data=sample, target="bad", gate=_gate())
    n_images = len(_images(report.html))
    assert n_images >= 1
    probe = render_in_chromium(report.html, tmp_path)
    assert probe["errors"] == []
    assert probe["resources"] == []  # nothing fetched: everything is inline
    assert probe["images"] == n_images
    assert probe["shown"] == n_images, probe["widths"]
    assert probe["sections"] == len(report.included) + bool(report.skipped)


@pytest.mark.browser
@needs_chromium
def test_chromium_probe_detects_a_broken_image(tmp_path: Path) -> None:
    """The probe can fail: a corrupt inline PNG is reported as not shown."""
    html = (
        "<!DOCTYPE html><html><head><title>x</title></head><body><section><h2>x</h2>"
        '<img src="data:image/png;base64,iVBORw0KGgoAAAA="></section></body></html>'
    )
    probe = render_in_chromium(html, tmp_path)
    assert probe["images"] == 1
    assert probe["shown"] == 0
