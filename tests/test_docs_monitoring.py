"""docs/guide/monitoring.md runs top to bottom, and its numbers are the ones it prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide" / "monitoring.md"


@pytest.mark.slow
def test_monitoring_guide_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 7
    namespace: dict[str, object] = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"monitoring.md block {i}", "exec"), namespace)
    result = namespace["result"]
    # the numbers quoted for seed 0 in the guide
    psi = result.alert_periods("psi")  # type: ignore[attr-defined]
    cal = result.alert_periods("calibration")  # type: ignore[attr-defined]
    assert (psi[0], psi[-1]) == ("2024-05", "2024-12")
    assert (cal[0], cal[-1]) == ("2024-04", "2024-11")
    assert min(a.raised_at for a in result.alerts) >= "2024-03"  # type: ignore[attr-defined]
    assert "Monitoring over time" in namespace["report"].included  # type: ignore[attr-defined]
    verdict = namespace["verdict"]
    assert verdict.exit_code == 0  # type: ignore[attr-defined]
    statuses = {c.check_id: c.status for c in verdict.checks}  # type: ignore[attr-defined]
    assert statuses["stability.psi"] == "warn"
    whole = namespace["whole"]
    assert whole.exit_code == 1  # type: ignore[attr-defined]
    assert "calibration.calibration" in [c.check_id for c in whole.failures]  # type: ignore[attr-defined]
