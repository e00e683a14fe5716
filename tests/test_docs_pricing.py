"""docs/guide/pricing.md runs top to bottom."""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide" / "pricing.md"


def test_pricing_guide_runs_top_to_bottom() -> None:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 10
    namespace: dict[str, object] = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"pricing.md block {i}", "exec"), namespace)
    assert namespace["caps"].n_breaches > 0  # type: ignore[attr-defined]
    assert not namespace["exp"].breaches.empty  # type: ignore[attr-defined]
