"""A sweep of hostile and legitimate inputs over every public entry point (issue 12).

Every case must end in one of two ways: a library error (``OverdueRiskError``) or a result
that the case's oracle checks (the right numbers, one output row per input row). A raw
traceback from NumPy, pandas, pyarrow or scikit-learn, a silently wrong result and a lost
or duplicated row all fail. Each case states what it expects: ``"ok"`` (must succeed and
pass its check), ``"refuse"`` (must raise a library error) or ``"either"`` (a library
error or a checked result).

Run ``python tests/test_hostile_inputs.py`` to print the outcome counts per entry point.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import gzip
import json
import math
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from overdue_risk import backtest, metrics, transitions
from overdue_risk._columns import as_columns
from overdue_risk._io import read_table
from overdue_risk.cli import main
from overdue_risk.exceptions import OverdueRiskError, OverdueRiskWarning
from overdue_risk.runtime import Spec, as_spec, example_spec_dict, load_spec, seal

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
try:
    import polars as pl
except ImportError:  # pragma: no cover - polars is in the test extra
    pl = None

SPEC = Spec.from_dict(seal(example_spec_dict()))


# ----------------------------------------------------------------------------- harness
@dataclass(frozen=True)
class Case:
    entry: str
    label: str
    call: Callable[[], Any]
    expect: str = "either"  # "ok", "refuse" or "either"
    check: Callable[[Any], str | None] | None = None  # None: no problem found


def run(case: Case) -> str:
    """``ok`` / ``refused`` or a failure: ``raw ...``, ``wrong ...``, ``unexpected ...``.

    Warnings are recorded: the library's own (``OverdueRiskWarning``) are part of a correct
    answer; any other (a NumPy ``RuntimeWarning``, a pandas ``FutureWarning``) is reported
    as a raw warning.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = _run(case)
    foreign = [w for w in caught if not issubclass(w.category, OverdueRiskWarning)]
    if foreign and outcome in ("ok", "refused"):
        w = foreign[0]
        return f"raw warning {w.category.__name__}: {w.message}"
    return outcome


def _run(case: Case) -> str:
    try:
        got = case.call()
    except OverdueRiskError as exc:
        if case.expect == "ok":
            return f"unexpected refusal: {exc}"
        return "refused"
    except SystemExit as exc:  # argparse usage errors exit 2 with a usage line
        return "refused" if exc.code == 2 and case.expect != "ok" else f"raw SystemExit {exc}"
    except Exception as exc:  # the point of the sweep: anything else is a raw traceback
        return f"raw {type(exc).__module__}.{type(exc).__name__}: {exc}"
    if case.expect == "refuse":
        return f"unexpected success: {got!r}"[:300]
    problem = case.check(got) if case.check is not None else None
    return "ok" if problem is None else f"wrong: {problem}"


def _record_oracle(frame_rows: list[dict[str, Any]]) -> Callable[[Any], str | None]:
    """Scores must equal the pure-Python record path row by row (no row lost)."""

    def check(got: Any) -> str | None:
        got = np.asarray(got, dtype=np.float64)
        want = np.array([SPEC.score(r)[0] for r in frame_rows])
        if got.shape != want.shape:
            return f"{got.shape[0]} scores for {want.shape[0]} rows"
        if not np.array_equal(got, want):
            return f"scores {got.tolist()} != record path {want.tolist()}"
        return None

    return check


# ----------------------------------------------------------------------------- runtime
# (value as given, value as the record path should read it)
AGE_VALUES: list[tuple[str, Any, Any]] = [
    ("int", 30, 30.0),
    ("float", 61.5, 61.5),
    ("nan", float("nan"), None),
    ("none", None, None),
    ("special", -1, -1.0),
    ("inf", float("inf"), math.inf),
    ("-inf", float("-inf"), -math.inf),
    ("huge", 1e308, 1e308),
    ("subnormal", 5e-324, 5e-324),
    ("text number", "42", 42.0),
    ("text 4.0", "4.0", 4.0),
    ("text padded", " 30 ", 30.0),
    ("bool", True, 1.0),
    ("decimal", decimal.Decimal("33.5"), 33.5),
    ("numpy int", np.int32(44), 44.0),
    ("big int", 2**70, float(2**70)),
]
PURPOSE_VALUES: list[tuple[str, Any, Any]] = [
    ("known", "cash", "cash"),
    ("unseen", "yacht", "yacht"),
    ("none", None, None),
    ("nan", float("nan"), None),
    ("empty", "", ""),
    ("unicode", "éducation", "éducation"),
    ("int code", 4, 4),
    ("bytes", b"rent", "rent"),
]
BAD_AGE: list[tuple[str, Any]] = [
    ("date", dt.date(2024, 1, 1)),
    ("datetime64", np.datetime64("2024-01-01")),
    ("timedelta", dt.timedelta(days=3)),
    ("complex", 1 + 2j),
    ("list", [1, 2]),
    ("dict", {"a": 1}),
    ("word", "thirty"),
]


def _runtime_cases() -> list[Case]:
    cases: list[Case] = []
    for (aname, aval, aread), (pname, pval, pread) in (
        (a, p) for a in AGE_VALUES for p in PURPOSE_VALUES
    ):
        rows = [{"age": aread, "purpose": pread}, {"age": 30.0, "purpose": "rent"}]
        data = {
            "age": np.array([aval, 30.0], dtype=object),
            "purpose": np.array([pval, "rent"], dtype=object),
        }
        cases.append(
            Case(
                "Spec.score",
                f"dict age={aname} purpose={pname}",
                lambda d=data: SPEC.score(d),
                "ok",
                _record_oracle(rows),
            )
        )
    for name, bad in BAD_AGE:
        data = {"age": np.array([bad, 30.0], dtype=object), "purpose": ["cash", "rent"]}
        cases.append(Case("Spec.score", f"age={name}", lambda d=data: SPEC.score(d), "refuse"))
        if isinstance(bad, list | dict):
            continue  # in a record, a list is a column: {"age": [1, 2], "purpose": "x"} is 2 rows
        cases.append(
            Case(
                "Spec.score",
                f"record age={name}",
                lambda b=bad: SPEC.score({"age": b, "purpose": "cash"}),
                "refuse",
            )
        )
    base_rows = [
        {"age": 22.0, "purpose": "cash"},
        {"age": None, "purpose": None},
        {"age": 41.0, "purpose": "medical"},
    ]
    base = {k: [r[k] for r in base_rows] for k in ("age", "purpose")}
    frames: dict[str, Callable[[], Any]] = {
        "pandas object": lambda: pd.DataFrame(base),
        "pandas nullable": lambda: pd.DataFrame(
            {
                "age": pd.array([22, None, 41], dtype="Int64"),
                "purpose": pd.array(base["purpose"], dtype="string"),
            }
        ),
        "pandas Float64": lambda: pd.DataFrame(
            {"age": pd.array([22.0, None, 41.0], dtype="Float64"), "purpose": base["purpose"]}
        ),
        "pandas str": lambda: pd.DataFrame(
            {"age": base["age"], "purpose": pd.Series(base["purpose"], dtype="str")}
        ),
        "pandas category": lambda: pd.DataFrame(
            {"age": base["age"], "purpose": pd.Categorical(base["purpose"])}
        ),
        "pandas arrow": lambda: pd.DataFrame(base).convert_dtypes(dtype_backend="pyarrow"),
        "pyarrow table": lambda: pa.table(base),
        "pyarrow batch": lambda: pa.record_batch(base),
        "pyarrow chunked": lambda: pa.concat_tables(
            [pa.table(base).slice(0, 1), pa.table(base).slice(1)]
        ),
        "2-D object array": lambda: np.array(
            [[r["age"], r["purpose"]] for r in base_rows], dtype=object
        ),
        "list of rows": lambda: [[r["age"], r["purpose"]] for r in base_rows],
        "extra columns": lambda: pd.DataFrame({**base, "other": [1, 2, 3]}),
        "reordered": lambda: pd.DataFrame({"purpose": base["purpose"], "age": base["age"]}),
    }
    if pl is not None:
        frames["polars"] = lambda: pl.DataFrame(base)
        frames["polars categorical"] = lambda: pl.DataFrame(base).with_columns(
            pl.col("purpose").cast(pl.Categorical)
        )
    for name, make in frames.items():
        cases.append(
            Case(
                "Spec.score", name, lambda m=make: SPEC.score(m()), "ok", _record_oracle(base_rows)
            )
        )
        cases.append(
            Case(
                "Spec.score_frame",
                name,
                lambda m=make: SPEC.score_frame(m(), grade=True, reason_codes=2)["score"],
                "ok",
                _record_oracle(base_rows),
            )
        )
    refusals: dict[str, Callable[[], Any]] = {
        "duplicated column": lambda: pd.DataFrame(
            [[22.0, 60.0, "cash"]], columns=["age", "age", "purpose"]
        ),
        "missing column": lambda: pd.DataFrame({"age": [1.0]}),
        "2-D block as a column": lambda: {"age": np.ones((3, 2)), "purpose": ["a", "b", "c"]},
        "different lengths": lambda: {"age": [1.0, 2.0], "purpose": ["cash"]},
        "wrong width array": lambda: np.zeros((2, 3)),
        "3-D array": lambda: np.zeros((2, 2, 2)),
        "scalar": lambda: 42,
        "string": lambda: "age,purpose",
        "None": lambda: None,
        "datetime column": lambda: pd.DataFrame(
            {"age": pd.to_datetime(["2024-01-01"]), "purpose": ["cash"]}
        ),
        "timedelta column": lambda: pd.DataFrame(
            {"age": pd.to_timedelta([1], unit="D"), "purpose": ["cash"]}
        ),
        "complex column": lambda: {"age": np.array([1 + 1j]), "purpose": ["cash"]},
        "list column (arrow)": lambda: pa.table({"age": [[1.0]], "purpose": ["cash"]}),
    }
    if pl is not None:
        refusals["polars LazyFrame"] = lambda: pl.LazyFrame(base)
    for name, make in refusals.items():
        cases.append(Case("Spec.score", name, lambda m=make: SPEC.score(m()), "refuse"))
    for name, make in {**frames, **refusals}.items():
        expect = "ok" if name in frames else "either"
        cases.append(
            Case(
                "as_columns",
                name,
                lambda m=make: as_columns(m(), names=["age", "purpose"]).numeric("age"),
                expect,
                lambda g: (
                    None if np.array_equal(g, [22.0, np.nan, 41.0], equal_nan=True) else str(g)
                ),
            )
        )
    empty = {"age": np.array([], dtype=float), "purpose": np.array([], dtype=object)}
    cases.append(
        Case(
            "Spec.score",
            "zero rows",
            lambda: SPEC.score(empty),
            "ok",
            lambda g: None if g.shape == (0,) else f"shape {g.shape}",
        )
    )
    cases.append(
        Case(
            "Spec.grade_from_pd",
            "nan and bounds",
            lambda: SPEC.grade_from_pd([np.nan, 0.0, 1.0]),
            "ok",
            lambda g: None if g.tolist() == [None, "A", "D"] else f"grades {g.tolist()}",
        )
    )
    for bad in (-0.1, 1.5, np.inf):
        cases.append(
            Case("Spec.grade_from_pd", f"pd={bad}", lambda b=bad: SPEC.grade_from_pd([b]), "refuse")
        )
    cases.append(Case("Spec.reason_codes", "k=0", lambda: SPEC.reason_codes(base, k=0), "refuse"))
    cases.append(
        Case(
            "Spec.slots",
            "unseen and special",
            lambda: SPEC.slots({"age": [-1.0, None], "purpose": ["yacht", None]}),
            "ok",
            lambda g: (
                None
                if {k: v.tolist() for k, v in g.items()} == {"age": [5, 4], "purpose": [4, 3]}
                else str(g)
            ),
        )
    )
    return cases


# ----------------------------------------------------------------------------- spec loading
def _spec_texts() -> dict[str, tuple[bytes, str]]:
    good = SPEC.to_json().encode()
    doc = SPEC.to_dict()
    tampered = dict(doc, name="other")
    return {
        "good": (good, "ok"),
        "good with BOM": (b"\xef\xbb\xbf" + good, "ok"),
        "tampered": (json.dumps(tampered).encode(), "refuse"),
        "duplicate key": (good.replace(b'"name":', b'"name": "x", "name":', 1), "refuse"),
        "deep nesting": (b"[" * 50_000 + b"]" * 50_000, "refuse"),
        "latin-1": (good.replace(b"example_card", "carte_\xe9".encode("latin-1")), "refuse"),
        "huge integer": (b'{"a": ' + b"7" * 5000 + b"}", "refuse"),
        "1e999": (b'{"a": 1e999}', "refuse"),
        "NaN": (b'{"a": NaN}', "refuse"),
        "empty": (b"", "refuse"),
        "truncated": (good[: len(good) // 2], "refuse"),
        "array": (b"[1, 2]", "refuse"),
        "newer schema": (good.replace(b'"schema_version": 1', b'"schema_version": 99'), "refuse"),
    }


def _spec_cases(tmp: Path) -> list[Case]:
    cases: list[Case] = []
    for name, (text, expect) in _spec_texts().items():
        path = tmp / f"spec_{abs(hash(name))}.json"
        path.write_bytes(text)
        check = (
            (lambda s: None if s.checksum == SPEC.checksum else "checksum")
            if expect == "ok"
            else None
        )
        cases.append(Case("Spec.from_json", name, lambda t=text: Spec.from_json(t), expect, check))
        cases.append(Case("load_spec", name, lambda p=path: load_spec(p), expect, check))
        cases.append(Case("as_spec", name, lambda p=path: as_spec(p), expect, check))
    cases.append(Case("as_spec", "JSON text", lambda: as_spec(SPEC.to_json()), "refuse"))
    cases.append(Case("as_spec", "int", lambda: as_spec(3), "refuse"))
    cases.append(Case("load_spec", "directory", lambda: load_spec(tmp), "refuse"))
    cases.append(Case("load_spec", "missing file", lambda: load_spec(tmp / "no.json"), "refuse"))
    return cases


# ----------------------------------------------------------------------------- files
CSV_FILES: dict[str, tuple[bytes, str]] = {
    "plain": (b"age,purpose\n22,cash\n,\n41,medical\n", "ok"),
    "BOM": (b"\xef\xbb\xbfage,purpose\n22,cash\n,\n41,medical\n", "ok"),
    "CRLF": (b"age,purpose\r\n22,cash\r\n,\r\n41,medical\r\n", "ok"),
    "no final newline": (b"age,purpose\n22,cash\n,\n41,medical", "ok"),
    "quoted comma": (b'age,purpose\n22,"cash"\n,\n41,"medical"\n', "ok"),
    "latin-1": ("age,purpose\n22,caf\xe9\n".encode("latin-1"), "refuse"),
    "cut mid-row": (b"age,purpose\n22,cash\n,\n41", "refuse"),
    "cut in quotes": (b'age,purpose\n22,cash\n,\n41,"medi', "refuse"),
    "short row": (b"age,purpose\n22,cash\n41\n", "refuse"),
    "long row": (b"age,purpose\n22,cash,x\n", "refuse"),
    "duplicated header": (b"age,age,purpose\n1,2,cash\n", "refuse"),
    "empty file": (b"", "refuse"),
    "text in numeric": (b"age,purpose\n22,cash\nthirty,rent\n", "either"),
}
FILE_ROWS = [
    {"age": 22.0, "purpose": "cash"},
    {"age": None, "purpose": None},
    {"age": 41.0, "purpose": "medical"},
]


def _file_cases(tmp: Path) -> list[Case]:
    cases: list[Case] = []
    for name, (content, expect) in CSV_FILES.items():
        path = tmp / f"in_{abs(hash(name))}.csv"
        path.write_bytes(content)
        out = tmp / f"out_{abs(hash(name))}.csv"
        check = _record_oracle(FILE_ROWS) if expect == "ok" else None
        cases.append(
            Case(
                "read_table + Spec.score",
                name,
                lambda p=path: SPEC.score(read_table(p)),
                expect,
                check,
            )
        )

        def cli(p: Path = path, o: Path = out) -> Any:
            code = main(["score", str(SPEC_PATH), str(p), "--out", str(o), "--no-progress"])
            if code != 0:
                if o.exists():
                    raise AssertionError(f"exit {code} but {o.name} was left behind")
                raise OverdueRiskError(f"exit code {code}")
            return pd.read_csv(o)["score"].to_numpy()

        cases.append(Case("overdue-risk score", name, cli, expect, check))
    gz = tmp / "in.csv.gz"
    gz.write_bytes(gzip.compress(CSV_FILES["plain"][0]))
    cases.append(
        Case(
            "read_table + Spec.score",
            "gzip",
            lambda: SPEC.score(read_table(gz)),
            "ok",
            _record_oracle(FILE_ROWS),
        )
    )
    pq_path = tmp / "in.parquet"
    pd.DataFrame({"age": [22.0, None, 41.0], "purpose": ["cash", None, "medical"]}).to_parquet(
        pq_path
    )
    cases.append(
        Case(
            "overdue-risk score",
            "parquet",
            lambda: (
                main(
                    [
                        "score",
                        str(SPEC_PATH),
                        str(pq_path),
                        "--out",
                        str(tmp / "o.parquet"),
                        "--no-progress",
                    ]
                ),
                pd.read_parquet(tmp / "o.parquet")["score"].to_numpy(),
            )[1],
            "ok",
            _record_oracle(FILE_ROWS),
        )
    )
    for ext in ("xlsx", "json", "csv.bz2"):
        cases.append(
            Case(
                "overdue-risk score",
                f"--out .{ext}",
                lambda e=ext: _exit_code_as_error(
                    ["score", str(SPEC_PATH), str(tmp / "in.parquet"), "--out", str(tmp / f"o.{e}")]
                ),
                "refuse",
            )
        )
    return cases


def _exit_code_as_error(argv: list[str]) -> int:
    code = main(argv)
    if code != 0:
        raise OverdueRiskError(f"exit code {code}")
    return code


# ----------------------------------------------------------------------------- analytics
def _panel() -> dict[str, list[Any]]:
    return {
        "loan_id": [1, 1, 1, 2, 2, 2],
        "month": [0, 1, 2] * 2,
        "mob": [1, 2, 3] * 2,
        "bucket": ["M0", "M1", "M2", "M0", "M0", "CO"],
        "dpd": [0, 35, 65, 0, 0, 200],
        "balance": [100.0, 95.0, 90.0, 200.0, 190.0, 0.0],
        "charge_off_amount": [0.0] * 5 + [190.0],
    }


def _analytics_cases() -> list[Case]:
    cases: list[Case] = []
    panel_variants: dict[str, tuple[Callable[[], Any], str]] = {
        "dict": (_panel, "ok"),
        "pandas": (lambda: pd.DataFrame(_panel()), "ok"),
        "pyarrow": (lambda: pa.table(_panel()), "ok"),
        "duplicated loan-month": (
            lambda: pd.concat([pd.DataFrame(_panel())] * 2, ignore_index=True),
            "refuse",
        ),
        "unknown state": (
            lambda: {**_panel(), "bucket": ["M0", "M9", "M2", "M0", "M0", "CO"]},
            "refuse",
        ),
        "negative dpd": (lambda: {**_panel(), "dpd": [0, -35, 65, 0, 0, 200]}, "either"),
        "empty": (lambda: {k: [] for k in _panel()}, "either"),
        "one row": (lambda: {k: v[:1] for k, v in _panel().items()}, "either"),
    }
    if pl is not None:
        panel_variants["polars"] = (lambda: pl.DataFrame(_panel()), "ok")
    funcs: dict[str, Callable[[Any], Any]] = {
        "cohort_matrix": lambda p: transitions.cohort_matrix(p),
        "roll_rates": lambda p: transitions.roll_rates(p),
        "flow_rates": lambda p: transitions.flow_rates(p),
        "vintage_curves": lambda p: transitions.vintage_curves(p, bad_dpd=60, bad_states=["CO"]),
    }
    want = {name: f(_panel()) for name, f in funcs.items()}

    def same_as_dict(name: str) -> Callable[[Any], str | None]:
        def check(got: Any) -> str | None:
            a, b = str(got), str(want[name])
            return None if a == b else "differs from the dict panel"

        return check

    for fname, f in funcs.items():
        for vname, (make, expect) in panel_variants.items():
            if fname in ("cohort_matrix", "roll_rates", "flow_rates") and vname == "negative dpd":
                continue  # these do not read DPD
            exp = "refuse" if vname == "negative dpd" and fname == "vintage_curves" else expect
            cases.append(
                Case(
                    fname,
                    vname,
                    lambda f=f, m=make: f(m()),
                    exp,
                    same_as_dict(fname) if exp == "ok" else None,
                )
            )
    y = np.array([0, 1] * 50)
    s = np.linspace(0, 1, 100)
    metric_inputs: dict[str, tuple[Any, Any, str]] = {
        "clean": (y, s, "ok"),
        "string labels": (np.where(y == 1, "bad", "good"), s, "either"),
        "bool labels": (y.astype(bool), s, "ok"),
        "labels 1/2": (y + 1, s, "refuse"),
        "one class": (np.zeros(100, int), s, "refuse"),
        "nan score": (y, np.r_[np.nan, s[1:]], "refuse"),
        "inf score": (y, np.r_[np.inf, s[1:]], "refuse"),
        "empty": (np.array([], int), np.array([]), "refuse"),
        "length mismatch": (y, s[:-1], "refuse"),
        "text scores": (y, s.astype(str).astype(object), "either"),
        "2-D score": (y, np.c_[s, s], "refuse"),
        "nullable Int64 y": (pd.array(y, dtype="Int64"), s, "ok"),
    }
    auc = metrics.roc_auc(y, s).statistic
    for mname, fn in {
        "roc_auc": metrics.roc_auc,
        "gini": metrics.gini,
        "ks_statistic": metrics.ks_statistic,
    }.items():
        ref = fn(y, s).statistic
        for label, (yy, ss, expect) in metric_inputs.items():
            cases.append(
                Case(
                    mname,
                    label,
                    lambda f=fn, a=yy, b=ss: f(a, b).statistic,
                    expect,
                    lambda got, r=ref: None if got == pytest.approx(r) else f"{got} != {r}",
                )
            )
    cases.append(
        Case(
            "auc_change_test",
            "tied scores",
            lambda: metrics.auc_change_test(0.8, y, np.ones(100)),
            "refuse",
        )
    )
    cases.append(
        Case("auc_change_test", "auc 1.5", lambda: metrics.auc_change_test(1.5, y, s), "refuse")
    )
    cases.append(
        Case(
            "auc_change_test",
            "clean",
            lambda: metrics.auc_change_test(auc, y, s).pvalue,
            "ok",
            lambda p: None if 0.4 < p < 0.6 else f"p={p}",
        )
    )
    x = np.random.default_rng(1).normal(size=500)
    for label, (e, a, expect) in {
        "same sample": (x, x, "ok"),
        "with nan": (np.r_[x, np.nan], np.r_[x, np.nan], "ok"),
        "empty actual": (x, np.array([]), "refuse"),
        "all nan": (np.full(5, np.nan), np.full(5, np.nan), "either"),
        "text": (x.astype(str), x.astype(str), "either"),
        "inf": (np.r_[x, np.inf], x, "either"),
    }.items():
        cases.append(
            Case(
                "psi",
                label,
                lambda e=e, a=a: metrics.psi(e, a, bins=5).statistic,
                expect,
                lambda v: None if v == 0.0 else f"PSI(x, x) = {v}",
            )
        )
    bt = {
        "clean": (([1000, 500], [10, 9], [0.01, 0.02]), "ok"),
        "one-entry pd list": (([1000, 500], [10, 9], [0.01]), "refuse"),
        "scalar pd": (([1000, 500], [10, 9], 0.015), "ok"),
        "pd 0": (([1000], [0], [0.0]), "either"),
        "pd 1": (([1000], [1000], [1.0]), "either"),
        "pd -0.1": (([1000], [10], [-0.1]), "refuse"),
        "defaults > obligors": (([10], [11], [0.5]), "refuse"),
        "negative count": (([-10], [1], [0.5]), "refuse"),
        "fractional count": (([10.5], [1], [0.5]), "refuse"),
        "nan pd": (([10], [1], [np.nan]), "refuse"),
        "all zero obligors": (([0, 0], [0, 0], [0.1, 0.2]), "refuse"),
        "empty": (([], [], []), "refuse"),
    }
    for tname, test in {
        "binomial_test": backtest.binomial_test,
        "jeffreys_test": backtest.jeffreys_test,
        "hosmer_lemeshow_test": backtest.hosmer_lemeshow_test,
    }.items():
        for label, (args, expect) in bt.items():
            cases.append(
                Case(
                    tname,
                    label,
                    lambda t=test, a=args: t(*a).pvalue,
                    expect,
                    lambda p: None if 0.0 <= p <= 1.0 else f"p={p}",
                )
            )
    for v, expect in ((-1.0, "refuse"), (2.0, "refuse"), (0.5, "ok"), (np.nan, "ok")):
        cases.append(Case("traffic_light", repr(v), lambda v=v: backtest.traffic_light(v), expect))
    return cases


# ----------------------------------------------------------------------------- estimators
def _estimator_cases() -> list[Case]:
    from overdue_risk.binning import WOEBinner
    from overdue_risk.calibration import PDCalibrator
    from overdue_risk.scorecard import Scorecard

    rng = np.random.default_rng(7)
    n = 600
    age = rng.integers(18, 70, n).astype(float)
    purpose = rng.choice(["cash", "car", "rent"], n)
    y = (rng.random(n) < 1 / (1 + np.exp((age - 30) / 8))).astype(int)
    X = pd.DataFrame({"age": age, "purpose": purpose})
    ref_points = Scorecard().fit(X, y).predict_points(X)
    cases: list[Case] = []

    def same_points(got: Any) -> str | None:
        got = np.asarray(got, dtype=float)
        if got.shape != ref_points.shape:
            return f"{got.shape} points for {ref_points.shape}"
        return None if np.allclose(got, ref_points) else "points differ from the 0/1 fit"

    labels: dict[str, tuple[Any, dict[str, Any], str]] = {
        "0/1": (y, {}, "ok"),
        "bool": (y.astype(bool), {}, "ok"),
        "float 0.0/1.0": (y.astype(float), {}, "ok"),
        "strings without pos_label": (np.where(y == 1, "bad", "good"), {}, "refuse"),
        "strings with pos_label": (np.where(y == 1, "bad", "good"), {"pos_label": "bad"}, "ok"),
        "1/2 without pos_label": (y + 1, {}, "refuse"),
        "1/2 with pos_label": (y + 1, {"pos_label": 2}, "ok"),
        "one class": (np.zeros(n, int), {}, "refuse"),
        "nan in y": (np.r_[np.nan, y[1:]], {}, "refuse"),
        "three classes": (np.r_[2, y[1:]], {}, "refuse"),
    }
    for label, (yy, kw, expect) in labels.items():
        cases.append(
            Case(
                "Scorecard.fit",
                label,
                lambda a=yy, k=kw: Scorecard(**k).fit(X, a).predict_points(X),
                expect,
                same_points,
            )
        )
    Xs: dict[str, tuple[Callable[[], Any], str]] = {
        "pandas": (lambda: X, "ok"),
        "dict of columns": (lambda: {"age": age, "purpose": purpose}, "ok"),
        "pyarrow": (lambda: pa.table({"age": age, "purpose": purpose}), "either"),
        "nullable Int64": (
            lambda: X.assign(age=pd.array(age.astype(int), dtype="Int64")),
            "ok",
        ),
        "pandas str": (lambda: X.assign(purpose=X["purpose"].astype("str")), "ok"),
        "duplicated column": (
            lambda: pd.concat([X, X[["age"]]], axis=1),
            "refuse",
        ),
        "datetime column": (
            lambda: X.assign(age=pd.Timestamp("2024-01-01") + pd.to_timedelta(age, unit="D")),
            "refuse",
        ),
        "empty": (lambda: X.iloc[:0], "refuse"),
        "one row": (lambda: X.iloc[:1], "refuse"),
    }
    if pl is not None:
        Xs["polars"] = (lambda: pl.DataFrame({"age": age, "purpose": purpose}), "either")
    yy_for = {"empty": y[:0], "one row": y[:1]}
    for label, (make, expect) in Xs.items():
        cases.append(
            Case(
                "Scorecard.fit",
                f"X {label}",
                lambda m=make, lab=label: (
                    Scorecard().fit(m(), yy_for.get(lab, y)).predict_points(m())
                ),
                expect,
                same_points,
            )
        )
        cases.append(
            Case(
                "WOEBinner.fit",
                f"X {label}",
                lambda m=make, lab=label: WOEBinner().fit(m(), yy_for.get(lab, y)).transform(m()),
                expect,
                lambda got: None if np.asarray(got).shape[0] == n else "rows lost",
            )
        )
    pts = ref_points.reshape(-1, 1)
    for label, (yy, kw, expect) in labels.items():
        cases.append(
            Case(
                "PDCalibrator.fit",
                label,
                lambda a=yy, k=kw: PDCalibrator(**k).fit(pts, a).predict_pd(pts),
                expect,
                lambda p: None if p.shape == (n,) and np.all((p > 0) & (p < 1)) else "bad PDs",
            )
        )
    for method in ("logistic", "isotonic", "binned"):
        sep = (ref_points < np.median(ref_points)).astype(int)  # perfectly separated
        cases.append(
            Case(
                "PDCalibrator.fit",
                f"{method} on separated data",
                lambda m=method, s=sep: PDCalibrator(method=m).fit(pts, s).predict_pd(pts),
                "either",
                lambda p: None if np.all((p > 0) & (p < 1)) else "PD of exactly 0 or 1",
            )
        )
    return cases


# ----------------------------------------------------------------------------- more entries
def _more_cases(tmp: Path) -> list[Case]:
    from overdue_risk.buckets import dpd_to_bucket
    from overdue_risk.calibration import MasterScale
    from overdue_risk.export import to_pmml, to_sql
    from overdue_risk.gate import validate

    cases: list[Case] = []
    sql_want = to_sql(SPEC, table="t")
    for label, make, expect in (
        ("Spec", lambda: SPEC, "ok"),
        ("mapping", lambda: SPEC.to_dict(), "ok"),
        ("path", lambda: SPEC_PATH, "ok"),
        ("JSON text", lambda: SPEC.to_json(), "refuse"),
        ("tampered mapping", lambda: {**SPEC.to_dict(), "name": "x"}, "refuse"),
        ("int", lambda: 7, "refuse"),
        ("None", lambda: None, "refuse"),
    ):
        cases.append(
            Case(
                "export.to_sql",
                label,
                lambda m=make: to_sql(m(), table="t"),
                expect,
                lambda q: None if q == sql_want else "a different query",
            )
        )
        cases.append(Case("export.to_pmml", label, lambda m=make: to_pmml(m()), expect))
    rng = np.random.default_rng(5)
    n = 400
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n).astype(float),
            "purpose": rng.choice(["cash", "rent", "medical", "travel"], n),
        }
    )
    frame["bad"] = (rng.random(n) < SPEC.predict_pd(frame)).astype(int)
    gate_inputs: dict[str, tuple[Callable[[], Any], str]] = {
        "frame": (lambda: frame, "ok"),
        "csv path": (lambda: (frame.to_csv(tmp / "g.csv", index=False), tmp / "g.csv")[1], "ok"),
        "string target": (
            lambda: frame.assign(bad=np.where(frame["bad"] == 1, "y", "n")),
            "refuse",
        ),
        "one class": (lambda: frame.assign(bad=0), "either"),
        "nan target": (lambda: frame.assign(bad=np.r_[np.nan, frame["bad"][1:]]), "refuse"),
        "duplicated column": (lambda: pd.concat([frame, frame[["age"]]], axis=1), "refuse"),
        "missing target": (lambda: frame.drop(columns="bad"), "refuse"),
        "one row": (lambda: frame.iloc[:1], "either"),
    }
    for label, (make, expect) in gate_inputs.items():
        cases.append(
            Case(
                "gate.validate",
                label,
                lambda m=make: validate(SPEC, m(), target="bad").exit_code,
                expect,
                lambda code: None if code in (0, 1) else f"exit code {code}",
            )
        )
    for label, values, expect, want in (
        ("days", [0, 1, 30, 31, 200], "ok", ["M0", "M1", "M1", "M2", "M6+"]),
        ("negative", [0, -3], "refuse", None),
        ("nan", [0, np.nan], "either", None),
        ("fractional", [0.5], "either", None),
        ("text", ["12"], "either", None),
        ("empty", [], "either", None),
    ):
        cases.append(
            Case(
                "dpd_to_bucket",
                label,
                lambda v=values: dpd_to_bucket(v).tolist(),
                expect,
                (lambda got, w=want: None if got == w else f"buckets {got}") if want else None,
            )
        )
    p_true = rng.uniform(0.01, 0.4, 300)
    y = (rng.random(300) < p_true).astype(int)
    for label, pds, expect in (
        ("clean", p_true, "ok"),
        ("pd 0 and 1", np.r_[0.0, 1.0, rng.uniform(0.01, 0.4, 298)], "either"),
        ("nan pd", np.r_[np.nan, rng.uniform(0.01, 0.4, 299)], "refuse"),
        ("negative pd", np.r_[-0.1, rng.uniform(0.01, 0.4, 299)], "refuse"),
        ("length mismatch", rng.uniform(0.01, 0.4, 299), "refuse"),
    ):
        cases.append(
            Case(
                "MasterScale.calibrate",
                label,
                lambda p=pds: MasterScale.geometric(5).calibrate(p, y).pd,
                expect,
                lambda g: None if all(0.0 < v < 1.0 for v in g) else f"grade PDs {g}",
            )
        )
    return cases


# ----------------------------------------------------------------------------- collection
SPEC_PATH: Path = Path()


def all_cases(tmp: Path) -> list[Case]:
    global SPEC_PATH
    SPEC_PATH = tmp / "card.json"
    SPEC_PATH.write_text(SPEC.to_json(), encoding="utf-8")
    return [
        *_runtime_cases(),
        *_spec_cases(tmp),
        *_file_cases(tmp),
        *_analytics_cases(),
        *_estimator_cases(),
        *_more_cases(tmp),
    ]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def test_sweep(workdir: Path) -> None:
    """Every case ends in a library error or a checked result; the counts are printed."""
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    for case in all_cases(workdir):
        result = run(case)
        kind = result.split(":")[0].split(" ")[0]
        outcomes[kind] += 1
        if result not in ("ok", "refused"):
            failures.append(f"{case.entry} [{case.label}]: {result}"[:400])
    print(f"\nhostile sweep: {sum(outcomes.values())} cases: {dict(outcomes)}")
    assert not failures, f"{len(failures)} of {sum(outcomes.values())} cases failed:\n" + "\n".join(
        failures
    )


# ----------------------------------------------------------------------------- Hypothesis
_cell = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**80), 2**80),
    st.booleans(),
    st.text(max_size=6),
    st.sampled_from(["cash", "rent", "4.0", " 7 ", "nan", "", "-1"]),
    st.dates(),
    st.complex_numbers(allow_nan=False, max_magnitude=10),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=100)
@given(
    st.lists(st.tuples(_cell, _cell), min_size=0, max_size=12),
    st.sampled_from(["dict", "pandas", "arrow"]),
)
def test_runtime_on_arbitrary_cells(rows: list[tuple[Any, Any]], kind: str) -> None:
    """Any cells: a library error or scores equal to the record path, one per row."""
    ages = np.empty(len(rows), dtype=object)
    purposes = np.empty(len(rows), dtype=object)
    ages[:] = [r[0] for r in rows]
    purposes[:] = [r[1] for r in rows]
    data: Any = {"age": ages, "purpose": purposes}
    if kind == "pandas":
        data = pd.DataFrame(data)
    elif kind == "arrow":
        try:
            data = pa.table({"age": list(ages), "purpose": list(purposes)})
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            assume(False)  # pyarrow itself refuses to build such a table
    try:
        got = SPEC.score(data)
    except OverdueRiskError:
        return
    assert got.shape == (len(rows),)
    for i, (a, p) in enumerate(rows):
        try:
            one = SPEC.score({"age": a, "purpose": p})[0]
        except OverdueRiskError:
            continue  # the vectorised path parsed what the record path refuses: compare less
        assert got[i] == one, (a, p)


@settings(max_examples=60)
@given(st.binary(max_size=300))
def test_spec_loader_on_arbitrary_bytes(blob: bytes) -> None:
    with contextlib.suppress(OverdueRiskError):
        Spec.from_json(blob)


@settings(max_examples=60)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["1", "2.5", "", "x", '"', ",", "\n", "é", "4.0"]),
            min_size=0,
            max_size=4,
        ),
        min_size=0,
        max_size=6,
    )
)
def test_file_layer_on_arbitrary_csv(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    path.write_text("age,purpose\n" + "\n".join(",".join(r) for r in rows), encoding="utf-8")
    try:
        frame = read_table(path)
    except OverdueRiskError:
        return
    assert list(frame.columns) == ["age", "purpose"]


if __name__ == "__main__":  # pragma: no cover - a report for humans
    import tempfile

    counts: dict[str, Counter[str]] = {}
    with tempfile.TemporaryDirectory() as d:
        for case in all_cases(Path(d)):
            outcome = run(case)
            kind = outcome if outcome in ("ok", "refused") else outcome.split(":")[0]
            counts.setdefault(case.entry, Counter())[kind] += 1
            if outcome not in ("ok", "refused"):
                print(f"FAIL {case.entry} [{case.label}]: {outcome}"[:300])
    total: Counter[str] = Counter()
    for entry, c in sorted(counts.items()):
        total.update(c)
        print(f"{entry:28s} {dict(c)}")
    print(f"{'TOTAL':28s} {dict(total)} ({sum(total.values())} cases)")
    sys.exit(0 if set(total) <= {"ok", "refused"} else 1)
