"""``overdue-risk score``: streaming CSV / Parquet scoring, row counts, clear errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from overdue_risk.cli import main
from overdue_risk.runtime import Spec, example_spec_dict, seal


@pytest.fixture
def spec() -> Spec:
    return Spec.from_dict(seal(example_spec_dict()))


@pytest.fixture
def spec_path(spec: Spec, tmp_path: Path) -> Path:
    path = tmp_path / "card.json"
    path.write_text(spec.to_json(), encoding="utf-8")
    return path


@pytest.fixture
def frame(rng: np.random.Generator) -> pd.DataFrame:
    n = 30_000
    age = rng.integers(18, 80, n).astype(float)
    age[::17] = np.nan
    age[::23] = -1.0  # special code
    purpose = rng.choice(["cash", "travel", "rent", "medical", "education", "yacht", ""], n)
    return pd.DataFrame({"loan_id": np.arange(n), "age": age, "purpose": purpose, "x": "k"})


def _features(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    purpose = frame["purpose"].where(frame["purpose"] != "", None)  # "" is missing in CSV
    return {"age": frame["age"].to_numpy(), "purpose": purpose.to_numpy()}


def _expected(spec: Spec, frame: pd.DataFrame) -> np.ndarray:
    return spec.score(_features(frame))


def _score(spec_path: Path, src: Path, out: Path | str, *options: str) -> int:
    """``overdue-risk score SPEC SRC --out OUT [options]``; the exit code."""
    return main(["score", str(spec_path), str(src), "--out", str(out), *options])


def test_csv_in_csv_out_small_blocks(
    spec: Spec,
    spec_path: Path,
    frame: pd.DataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    frame.to_csv(src, index=False)
    code = _score(
        spec_path,
        src,
        out,
        *("--reason-codes", "2", "--grade", "--id-column", "loan_id"),
        *("--block-mb", "1", "--no-progress"),
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "rows read 30,000, rows written 30,000: OK" in err
    got = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert list(got.columns) == ["loan_id", "score", "pd", "grade", "reason_1", "reason_2"]
    np.testing.assert_array_equal(got["loan_id"], frame["loan_id"])
    np.testing.assert_array_equal(got["score"], _expected(spec, frame))
    data = _features(frame)
    assert got["grade"].tolist() == spec.grade(data).tolist()
    codes = spec.reason_codes(data, k=2)
    assert got["reason_1"].fillna("").tolist() == [c or "" for c in codes[:, 0]]


def test_parquet_and_gzip_inputs(
    spec: Spec,
    spec_path: Path,
    frame: pd.DataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pq_in, pq_out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    frame.assign(purpose=frame["purpose"].where(frame["purpose"] != "", None)).to_parquet(pq_in)
    options = ("--pd", "--keep", "x", "loan_id", "--block-mb", "1", "--no-progress")
    assert _score(spec_path, pq_in, pq_out, *options) == 0
    assert "rows in file 30,000: OK" in capsys.readouterr().err
    got = pd.read_parquet(pq_out)
    assert list(got.columns) == ["x", "loan_id", "score", "pd"]
    np.testing.assert_array_equal(got["score"], _expected(spec, frame))
    gz, out = tmp_path / "in.csv.gz", tmp_path / "out.csv"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        frame.to_csv(fh, index=False)
    assert _score(spec_path, gz, out, "--no-progress") == 0
    np.testing.assert_array_equal(pd.read_csv(out)["score"], _expected(spec, frame))


def test_bad_value_is_named_with_its_row(
    spec_path: Path, frame: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = frame.astype({"age": object})
    bad.loc[25_000, "age"] = "thirty"
    src = tmp_path / "bad.csv"
    bad.to_csv(src, index=False)
    code = _score(spec_path, src, tmp_path / "o.csv", "--block-mb", "1", "--no-progress")
    assert code == 2
    err = capsys.readouterr().err
    assert "'age' must be numeric" in err
    assert "['thirty'] at row(s) [25001]" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--id-column", "nope"], "lacks column(s) ['nope']"),
        (["--grade"], "needs a master scale"),
    ],
)
def test_option_errors(
    spec_path: Path,
    frame: pd.DataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    if "--grade" in argv:
        raw = example_spec_dict()
        raw["master_scale"] = None
        spec_path.write_text(Spec.from_dict(seal(raw)).to_json(), encoding="utf-8")
    src = tmp_path / "in.csv"
    frame.to_csv(src, index=False)
    code = _score(spec_path, src, tmp_path / "o.csv", "--no-progress", *argv)
    assert code == 2
    assert message in capsys.readouterr().err


def test_missing_feature_column_and_unreadable_input(
    spec_path: Path, frame: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    frame.drop(columns=["purpose"]).to_csv(src, index=False)
    out = tmp_path / "o.csv"
    assert _score(spec_path, src, out, "--no-progress") == 2
    assert "lacks column(s) ['purpose']" in capsys.readouterr().err
    assert _score(spec_path, tmp_path / "no.csv", out) == 2
    assert "no.csv' does not exist" in capsys.readouterr().err
    tampered = spec_path.read_text(encoding="utf-8").replace(
        '"points": [\n        52', '"points": [\n        53'
    )
    spec_path.write_text(tampered, encoding="utf-8")
    assert _score(spec_path, src, out) == 2
    assert "checksum mismatch" in capsys.readouterr().err


@pytest.mark.parametrize("out_name", ["out.parquet", "out.csv"])
def test_one_large_row_group_read_in_blocks(
    spec: Spec, spec_path: Path, frame: pd.DataFrame, tmp_path: Path, out_name: str
) -> None:
    """A Parquet file of ONE row group is read block by block (--block-mb 1: 10,000 rows a
    batch, pages read as needed) and every output column equals the batch path on the
    whole frame: grades and reason codes written as text, None as an empty/null cell."""
    src, out = tmp_path / "in.parquet", tmp_path / out_name
    frame.to_parquet(src, index=False, row_group_size=len(frame))
    # 3 reason codes of a 2-feature card: reason_3 is always empty
    options = ["--id-column", "loan_id", "--grade", "--reason-codes", "3", "--block-mb", "1"]
    assert _score(spec_path, src, out, *options, "--no-progress") == 0
    got = pd.read_parquet(out) if out_name.endswith(".parquet") else pd.read_csv(out)
    want = spec.score_frame(_features(frame), grade=True, reason_codes=3)
    assert got["loan_id"].astype(str).tolist() == frame["loan_id"].astype(str).tolist()
    np.testing.assert_array_equal(got["score"].to_numpy(), want["score"])
    assert set(want["reason_3"].tolist()) == {None}
    for name in ("grade", "reason_1", "reason_2", "reason_3"):
        text = [None if v is None or v != v else str(v) for v in got[name].tolist()]
        assert text == want[name].tolist(), name
