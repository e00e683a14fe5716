"""``overdue-risk demo``: runs end to end, prints progress and a summary, writes the frames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from overdue_risk import _demo
from overdue_risk.cli import main
from overdue_risk.datasets import load_portfolio, make_microloan_portfolio


def test_demo_writes_frames_and_prints_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    code = main(["demo", "--n-loans", "400", "--n-months", "14", "--seed", "3", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "[1/3] simulate the micro-loan portfolio" in printed
    assert "[3/3] write the frames as CSV" in printed
    assert "bad rate (ever 90+ DPD in 12 months)" in printed
    assert "delinquency at 2024-02" in printed
    assert "charge-off rate" in printed
    # the files are the library's portfolio for the same seed, and load back
    expected = make_microloan_portfolio(n_loans=400, n_months=14, random_state=3)
    loaded = load_portfolio(out / "applications.csv", out / "performance.csv")
    pd.testing.assert_frame_equal(loaded.performance, expected.performance, check_dtype=False)
    pd.testing.assert_frame_equal(loaded.applications, expected.applications, check_dtype=False)


def test_demo_numbers_match_the_portfolio(tmp_path: Path) -> None:
    res = _demo.run_demo(n_loans=500, n_months=12, seed=8, out=tmp_path, progress=None)
    pf = make_microloan_portfolio(n_loans=500, n_months=12, random_state=8)
    apps = pf.applications
    assert res.results["bad_rate"] == pytest.approx(apps.loc[apps["bad_observed"], "bad"].mean())
    last = pf.performance[pf.performance["month"] == pf.performance["month"].max()]
    dist = {s: n for s, n, _ in res.results["bucket_distribution"]}
    assert dist["M0"] == int((last["bucket"] == "M0").sum())
    assert sum(dist.values()) == len(last)
    assert set(res.seconds) == {"generate", "summarise", "write"}


def test_demo_quiet_and_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["demo", "--n-loans", "50", "--n-months", "6", "--quiet", "--out", str(tmp_path)]) == 0
    )
    printed = capsys.readouterr().out
    assert "[1/3]" not in printed
    assert "overdue-risk demo" in printed
    with pytest.raises(SystemExit):
        main(["demo", "--n-loans", "zero"])
    assert "expected a whole number" in capsys.readouterr().err
    # a library error becomes exit code 2 with the library's message
    assert main(["demo", "--n-loans", "10", "--n-months", "1", "--out", str(tmp_path)]) == 2
    assert "n_months must be >= 2" in capsys.readouterr().err


def test_steps_can_be_extended(tmp_path: Path) -> None:
    seen: list[int] = []

    def count_loans(ctx: _demo.DemoContext) -> list[str]:
        seen.append(len(ctx.require_portfolio().applications))
        return ["counted"]

    steps = [*_demo.STEPS[:2], _demo.DemoStep("count", "count loans", count_loans)]
    lines: list[str] = []
    res = _demo.run_demo(
        n_loans=60, n_months=6, seed=0, out=tmp_path, progress=lines.append, steps=steps
    )
    assert seen == [60]
    assert "[3/3] count loans ..." in lines
    assert res.files == ()
