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
    assert report.included[:2] == ("Purpose and data", "Data summary")
    assert report.included[-1] == "Limitations"
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


def exponent_numbers(html: str) -> list[str]:
    """Numbers in exponent form (``1.492e+06``) in the page's text (tags and images removed)."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    return re.findall(r"\d\.?\d*e[+-]\d+", text)


def test_exponent_numbers_finds_them() -> None:
    assert exponent_numbers('<p>1.492e+06 and 3e-07</p><img src="data:x;base64,1e+5">') == [
        "1.492e+06",
        "3e-07",
    ]


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
    // numbers shown in exponent form (1.492e+06) anywhere in the visible text
    exponents: document.body.innerText.match(/\\d\\.?\\d*e[+-]\\d+/g) || [],
    // sections whose only content is their heading
    empty: Array.from(document.querySelectorAll("section")).filter(
      (s) => s.innerText.trim() === (s.querySelector("h2") || {}).innerText
    ).map((s) => s.id),
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
    assert probe["exponents"] == []
    assert probe["empty"] == []


def print_pages(html: str, tmp_path: Path) -> int:
    """Pages of the PDF that headless Chromium's print-to-PDF makes of ``html``."""
    page, pdf = tmp_path / "print.html", tmp_path / "print.pdf"
    page.write_text(html, encoding="utf-8")
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        f"--user-data-dir={tmp_path / 'chromium-print-profile'}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@pytest.mark.browser
@needs_chromium
def test_report_prints_a_page_per_section(sample: pd.DataFrame, tmp_path: Path) -> None:
    report = build_report(data=sample, target="bad", gate=_gate())
    n_sections = len(report.included) + bool(report.skipped)
    assert print_pages(report.html, tmp_path) >= n_sections
    # without the print rules the same page fits on fewer sheets: the breaks are ours
    bare = re.sub(r"@media print \{.*?\n\}\n", "", report.html, flags=re.S)
    assert "@media print" not in bare
    assert print_pages(bare, tmp_path) < n_sections


@pytest.mark.browser
@needs_chromium
def test_chromium_probe_detects_a_broken_image(tmp_path: Path) -> None:
    """The probe can fail: a corrupt inline PNG is reported as not shown."""
    html = (
        "<!DOCTYPE html><html><head><title>x</title></head><body><section><h2>x</h2>"
        '<img src="data:image/png;base64,iVBORw0KGgoAAAA="><p>1.492e+06</p></section>'
        '<section id="bare"><h2>bare</h2></section></body></html>'
    )
    probe = render_in_chromium(html, tmp_path)
    assert probe["images"] == 1
    assert probe["shown"] == 0
    assert probe["exponents"] == ["1.492e+06"]  # the exponent probe can fail
    assert probe["empty"] == ["bare"]


# --------------------------------------------------------------------------------------
# the full report on the built-in portfolio
# --------------------------------------------------------------------------------------

FEATURES = ["age", "debt_to_income", "n_past_overdue", "credit_history_months", "purpose"]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small book, a binner, a calibrated card with a master scale, and its report."""
    from overdue_risk.binning import WOEBinner
    from overdue_risk.calibration import MasterScale, PDCalibrator
    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.scorecard import Scorecard

    pf = make_microloan_portfolio(n_loans=4000, n_months=18, random_state=2)
    apps = pf.applications[pf.applications["bad_observed"]]
    apps = apps.sample(frac=1.0, random_state=0).reset_index(drop=True)
    dev, val = apps[: len(apps) // 2], apps[len(apps) // 2 :]
    binner = WOEBinner().fit(dev[FEATURES], dev["bad"])
    card = Scorecard(binner).fit(dev[FEATURES], dev["bad"])
    points = card.predict_points(dev[FEATURES]).reshape(-1, 1)
    cal = PDCalibrator().fit(points, dev["bad"])
    ms = MasterScale.geometric(4, floor=0.01, cap=0.3).calibrate(cal.predict_pd(points), dev["bad"])
    spec = card.to_spec(calibrator=cal, master_scale=ms, name="report_card")
    report = build_report(
        data=val,
        target="bad",
        spec=spec,
        baseline=dev,
        binner=binner,
        performance=pf.performance,
        title="Full report",
    )
    d = tmp_path_factory.mktemp("full")
    return {"report": report, "spec": spec, "dev": dev, "val": val, "pf": pf, "dir": d}


@pytest.mark.slow
def test_full_report_has_every_section(full: dict[str, Any]) -> None:
    report = full["report"]
    # every section whose inputs the fixture gives; the two that need a result the fixture
    # does not build (a monitoring series, a collections plan) are listed with that input
    not_given = {"monitoring": ("monitoring",), "collection_plan": ("collection_plan",)}
    titles = {s.key: s.title for s in SECTIONS}
    assert report.included == tuple(s.title for s in SECTIONS if s.key not in not_given)
    assert report.skipped == {titles[k]: need for k, need in not_given.items()}
    assert_self_contained(report.html)
    assert len(_images(report.html)) >= 12
    assert exponent_numbers(report.html) == []
    html = report.html
    for word in (
        "Jeffreys",
        "Gains table",
        "PSI of the score",
        "Five-tier",
        "ECL",
        "IV",
        "cut-off",
    ):
        assert word in html, word


@pytest.mark.slow
def test_full_report_numbers_are_the_library_numbers(full: dict[str, Any]) -> None:
    from overdue_risk._results import format_cell
    from overdue_risk.metrics import gini, psi
    from overdue_risk.runtime import Spec

    spec = Spec.from_dict(full["spec"])
    val, dev = full["val"], full["dev"]
    score = spec.score(val)
    g = gini(val["bad"].to_numpy(), -score)
    assert f"<td>{format_cell(g.statistic)}</td>" in full["report"].html
    p = psi(spec.score(dev), score, bins=10)
    assert f"PSI of the score: {p.statistic:.4f}" in full["report"].html


@pytest.mark.slow
def test_cli_report_from_files(full: dict[str, Any], tmp_path: Path) -> None:
    d = tmp_path
    (d / "card.json").write_text(json.dumps(full["spec"]))
    full["val"].to_csv(d / "val.csv", index=False)
    full["dev"].to_parquet(d / "dev.parquet")
    full["pf"].performance.to_parquet(d / "perf.parquet")
    out = d / "report.html"
    args = [str(d / "card.json"), str(d / "val.csv"), "--target", "bad"]
    more = ["--baseline", str(d / "dev.parquet"), "--performance", str(d / "perf.parquet")]
    assert main(["report", *args, *more, "-o", str(out), "--lgd", "0.5"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "LGD 50%" in html
    assert main(["report", *args, "--lgd", "1.5"]) == 2
    assert_self_contained(html)
    for title in ("Discrimination: ROC, KS and gains", "Vintage curves", "Validation gate"):
        assert title in html


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_full_report_renders_in_headless_chromium(full: dict[str, Any], tmp_path: Path) -> None:
    report = full["report"]
    n_images = len(_images(report.html))
    probe = render_in_chromium(report.html, tmp_path)
    assert probe["errors"] == []
    assert probe["resources"] == []
    assert probe["images"] == n_images
    assert probe["shown"] == n_images, probe["widths"]
    assert min(probe["widths"]) > 100
    assert probe["sections"] == len(report.included) + bool(report.skipped)  # + "Not included"
    assert probe["exponents"] == []
    assert probe["empty"] == []


@pytest.mark.slow
def test_portfolio_report_uses_every_open_loan_for_ecl() -> None:
    from overdue_risk.datasets import make_microloan_portfolio

    pf = make_microloan_portfolio(n_loans=1500, n_months=15, random_state=4)
    report = build_report(portfolio=pf)
    perf = pf.performance
    last = perf[perf["month"] == perf["month"].max()]
    n_open = int((~last["bucket"].isin(["CO", "PO"])).sum())
    assert f"{n_open:,} open loans at" in report.html
    observed = int(pf.applications["bad_observed"].sum())
    assert f"<p>{observed:,} rows," in report.html  # the data summary: observed loans only
    from overdue_risk.collection import prioritise
    from overdue_risk.transitions import cohort_matrix

    plan = prioritise(last[~last["bucket"].isin(["CO", "PO"])], cohort_matrix(perf), lgd=0.8)
    assert f"{plan.account_id.size:,} delinquent loans at" in report.html
    assert plan._repr_html_() in report.html


@pytest.mark.slow
def test_cli_report_from_a_panel_csv_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Months read back from CSV are strings: the book sections still work."""
    from overdue_risk.datasets import make_microloan_portfolio

    pf = make_microloan_portfolio(n_loans=800, n_months=12, random_state=5)
    pf.performance.to_csv(tmp_path / "panel.csv", index=False)
    out = tmp_path / "book.html"
    assert main(["report", "--performance", str(tmp_path / "panel.csv"), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert_self_contained(html)
    printed = capsys.readouterr().out
    assert "sections: Delinquency: roll rates and the five-tier classification, Vintage" in printed
    assert "not included: The scorecard (needs spec)" in printed
