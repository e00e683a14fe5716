"""Screenshot every section of the demo's HTML report for the docs (headless Chromium).

    overdue-risk demo --out /tmp/demo_out
    python docs/report_screenshots.py /tmp/demo_out/report.html

writes ``docs/_static/report/<section id>.png`` (one per section, cropped to its content)
and ``docs/guide/report_sections.md``, the page that shows them. Needs ``chromium`` on
PATH (Debian's package) and Pillow (installed with matplotlib).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

HERE = Path(__file__).resolve().parent
OUT = HERE / "_static" / "report"
PAGE = HERE / "guide" / "report_sections.md"
SECTION = re.compile(r'<section id="([^"]+)"><h2>([^<]*)</h2>')
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


def _crop(path: Path) -> None:
    """Trim the white page below (and beside) the section's content."""
    image = Image.open(path).convert("RGB")
    background = Image.new("RGB", image.size, (255, 255, 255))
    box = ImageChops.difference(image, background).getbbox()
    if box is not None:
        _, top, _, bottom = box
        image = image.crop((0, max(top - 12, 0), image.width, bottom + 12))
    # a 256-colour palette keeps text and charts legible at about a third of the size
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=256).save(path, optimize=True)


def main(report: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    html = report.read_text(encoding="utf-8")
    sections = SECTION.findall(html)
    OUT.mkdir(parents=True, exist_ok=True)
    lines = [
        "# The report, section by section",
        "",
        "Screenshots of the HTML report that `overdue-risk demo` writes (the built-in book,",
        "seed 0), one per section in page order. Regenerate them with",
        "`python docs/report_screenshots.py /tmp/demo_out/report.html` after",
        "`overdue-risk demo --out /tmp/demo_out`. See `reports.md` for how to build a report",
        "on your own data.",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for key, title in sections:
            only = (
                "<style>header, nav, section { display: none !important; } "
                f"section#{key} {{ display: block !important; margin-top: 0; }}</style></head>"
            )
            page = Path(tmp) / f"{key}.html"
            page.write_text(html.replace("</head>", only, 1), encoding="utf-8")
            png = OUT / f"{key}.png"
            subprocess.run(
                [
                    browser,
                    *FLAGS,
                    f"--user-data-dir={tmp}/profile",
                    f"--screenshot={png}",
                    "--window-size=1100,4000",
                    page.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            _crop(png)
            lines += [f"## {title}", "", f"![{title}](../_static/report/{key}.png)", ""]
    PAGE.write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(sections)} sections -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/demo_out/report.html"))
