"""SQL export: every dialect run in a real database and compared with the runtime kernel.

DuckDB runs the "duckdb", "ansi" and "postgres" queries (it reads CAST(.. AS DOUBLE
PRECISION), TEXT and ``'NaN'::float8``), SQLite (stdlib) runs "sqlite" and "ansi". Spark
SQL is tested in test_export_spark.py. Every score, PD, grade and reason code must equal
the kernel's on the boundary harness (tests/export_harness.py) plus a random sample.
"""

from __future__ import annotations

import math
import sqlite3
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from export_harness import (
    SPEC_FIXTURES,
    assert_same_as_kernel,
    cases,
    load,
    warehouse_columns,
)
from overdue_risk._missing import canonical_category
from overdue_risk.exceptions import DataError, SpecError
from overdue_risk.export import to_sql
from overdue_risk.export.sql import float_literal, quote_identifier, string_literal
from overdue_risk.runtime import Spec, seal

duckdb = pytest.importorskip("duckdb")

K = 3  # reason codes asked for


def _outputs(spec: Spec, reason_codes: int) -> list[str]:
    names = ["score"]
    if spec.calibration is not None:
        names.append("pd")
        if spec.master_scale is not None:
            names.append("grade")
    return names + [f"reason_{r}" for r in range(1, reason_codes + 1)]


def run_duckdb(spec: Spec, cols: dict[str, Any], dialect: str, k: int = K) -> dict[str, Any]:
    import pandas as pd

    con = duckdb.connect()
    frame = pd.DataFrame(cols)
    con.register("frame", frame)
    con.execute('CREATE TABLE "loan book" AS SELECT * FROM frame')
    query = to_sql(spec, table="loan book", dialect=dialect, keep=["row_id"], reason_codes=k)
    rows = con.execute(query + ' ORDER BY "row_id"').fetchall()
    con.close()
    return _columns(spec, rows, k)


def run_sqlite(spec: Spec, cols: dict[str, Any], dialect: str, k: int = K) -> dict[str, Any]:
    con = sqlite3.connect(":memory:")
    names = ["row_id", *spec.feature_names]
    types = ["INTEGER"] + ["REAL" if f.kind == "numeric" else "TEXT" for f in spec.features]
    decl = ", ".join(
        f"{quote_identifier(n, 'sqlite')} {t}" for n, t in zip(names, types, strict=True)
    )
    con.execute(f'CREATE TABLE "loan book" ({decl})')
    rows_in = zip(*[_python_values(cols[n]) for n in names], strict=True)
    con.executemany(f'INSERT INTO "loan book" VALUES ({", ".join("?" * len(names))})', rows_in)
    query = to_sql(spec, table="loan book", dialect=dialect, keep=["row_id"], reason_codes=k)
    rows = con.execute(query + ' ORDER BY "row_id"').fetchall()
    con.close()
    return _columns(spec, rows, k)


def _python_values(col: Any) -> list[Any]:
    out = []
    for v in col.tolist():
        out.append(None if isinstance(v, float) and math.isnan(v) else v)
    return out


def _columns(spec: Spec, rows: list[tuple[Any, ...]], k: int) -> dict[str, Any]:
    names = ["row_id", *_outputs(spec, k)]
    by_name = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    for key in ("score", "pd"):
        if key in by_name:
            by_name[key] = np.array([np.nan if v is None else v for v in by_name[key]], float)
    return by_name


ENGINES = [
    ("duckdb", "duckdb", run_duckdb),
    ("duckdb", "ansi", run_duckdb),
    ("duckdb", "postgres", run_duckdb),
    ("sqlite", "sqlite", run_sqlite),
    ("sqlite", "ansi", run_sqlite),
]


@pytest.mark.parametrize("spec_name", sorted(SPEC_FIXTURES))
@pytest.mark.parametrize(
    ("engine", "dialect", "runner"), ENGINES, ids=[f"{e}-{d}" for e, d, _ in ENGINES]
)
def test_sql_equals_kernel_on_boundaries_and_random_sample(spec_name, engine, dialect, runner):
    spec = load(spec_name)
    data = cases(spec, n_random=3000)
    got = runner(spec, warehouse_columns(spec, data), dialect)
    assert got["row_id"] == list(range(len(data["row_id"])))
    assert_same_as_kernel(spec, data, got, reason_codes=K, engine=f"{engine}/{dialect}")


def test_sql_nan_is_missing_in_engines_that_have_nan():
    # DuckDB keeps a stored NaN distinct from NULL and orders it above every number: the
    # query must still give it the missing points (as the runtime does), not the last bin.
    spec = load("example")
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 'nan'::DOUBLE AS age, NULL::VARCHAR AS purpose")
    query = to_sql(spec, table="t", dialect="duckdb", pd=False, grade=False)
    (score,) = con.execute(query).fetchone()
    assert score == spec.score({"age": [math.nan], "purpose": [None]})[0] == 20.0


def test_float_literals_round_trip_in_every_engine(rng):
    # repr() precision: a literal must read back as the very same float64, including
    # values that a DECIMAL reading would round (0.1 + 0.2) and subnormals.
    values = np.concatenate(
        [
            rng.standard_normal(200) * 10.0 ** rng.integers(-300, 300, 200),
            [0.1 + 0.2, 1e-300, 5e-324, 1.7976931348623157e308, -0.0, 123456.789012345],
        ]
    )
    for dialect, run in (
        ("duckdb", lambda q: duckdb.connect().execute(q).fetchall()),
        ("postgres", lambda q: duckdb.connect().execute(q).fetchall()),
        ("sqlite", lambda q: sqlite3.connect(":memory:").execute(q).fetchall()),
    ):
        query = "SELECT " + ", ".join(float_literal(v, dialect) for v in values)
        (row,) = run(query)
        assert [float(v).hex() for v in row] == [float(v).hex() for v in values], dialect


def test_identifiers_and_categories_cannot_break_out_of_their_quotes():
    hostile = 'x"; DROP TABLE t; --'
    doc = load("example").to_dict()
    doc["features"][1]["name"] = hostile
    doc["features"][1]["categories"][0] = ["it's", "a\\'b", "'); DROP TABLE t; --"]
    from overdue_risk.runtime import seal

    spec = Spec.from_dict(seal(doc))
    data = {
        "row_id": np.arange(4),
        "age": np.array([22.0, 40.0, 30.0, np.nan]),
        hostile: np.array(["it's", "a\\'b", "'); DROP TABLE t; --", "x"], dtype=object),
    }
    got = run_duckdb(spec, data, "duckdb", k=1)
    assert_same_as_kernel(spec, data, got, reason_codes=1, engine="duckdb")
    got = run_sqlite(spec, data, "sqlite", k=1)
    assert_same_as_kernel(spec, data, got, reason_codes=1, engine="sqlite")
    assert quote_identifier('a"b', "duckdb") == '"a""b"'
    assert quote_identifier("a`b", "spark") == "`a``b`"
    assert string_literal("a\\'b", "spark") == "'a\\\\\\'b'"


def test_unseen_category_under_error_policy_scores_null():
    # The runtime raises for an unseen category when unseen_policy == "error"; SQL cannot
    # raise portably, so the query gives NULL for that row and the kernel's score elsewhere.
    spec = load("binned")
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES (1, 0.0, '1', 0.1), (2, 0.0, '9', 0.1))"
        " v(row_id, n_inquiries_6m, channel, apr)"
    )
    rows = con.execute(
        to_sql(spec, table="t", dialect="duckdb", keep=["row_id"]) + " ORDER BY row_id"
    ).fetchall()
    assert rows[0][1] == spec.score({"n_inquiries_6m": [0.0], "channel": ["1"], "apr": [0.1]})[0]
    assert rows[1][1:] == (None, None, None)  # score, pd and grade
    with pytest.raises(DataError, match="channel"):
        spec.score({"n_inquiries_6m": [0.0], "channel": ["9"], "apr": [0.1]})


def test_spec_methods_and_options():
    spec = load("example")
    assert to_sql(spec.to_dict(), table="t", dialect="sqlite") == to_sql(
        spec, table="t", dialect="sqlite"
    )
    q = to_sql(spec, table=("main", "t"), dialect="duckdb", pd=False, grade=False, prefix="sc_")
    assert 'FROM "main"."t"' in q
    assert '"sc_score"' in q
    assert '"sc_pd"' not in q
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 40.0 AS age, 'cash' AS purpose")
    assert con.execute(q).fetchall() == [(45.0,)]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dialect": "oracle"}, DataError, "dialect"),
        ({"reason_codes": -1}, DataError, "reason_codes"),
        ({"keep": ["score"]}, DataError, "prefix"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        to_sql(load("example"), table="t", **kwargs)


def test_tampered_or_unknown_spec_is_refused():
    doc = load("example").to_dict()
    doc["features"][0]["points"][0] = 99.0  # checksum no longer matches
    with pytest.raises(SpecError, match="checksum"):
        to_sql(doc, table="t")
    with pytest.raises(SpecError, match="Spec"):
        to_sql(42, table="t")


# --------------------------------------------------------------------------- property

# What the SQL contract covers: finite doubles whose literals every engine reads back
# exactly. SQLite reads some literals below ~1e-250 one ulp off (a limit of its parser, not
# of the export), so the property draws magnitudes from 1e-200 up; the literal round trip
# of extreme values has its own test above.
_finite = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-200, max_value=1e12),
    st.floats(min_value=-1e12, max_value=-1e-200),
)
_points = st.floats(min_value=-200, max_value=200, allow_nan=False)
# SQL cannot hold NUL characters (to_sql refuses them: test_nul_category_is_refused)
_text = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))


@st.composite
def card_and_rows(draw):
    splits = sorted(set(draw(st.lists(_finite, min_size=1, max_size=6))))
    points = draw(st.lists(_points, min_size=len(splits) + 1, max_size=len(splits) + 1))
    specials = draw(st.lists(_finite, max_size=2, unique=True))
    cats = draw(
        st.lists(
            st.text(_text, min_size=1, max_size=4),
            min_size=1,
            max_size=4,
            unique_by=canonical_category,  # "1" and "1.0" are one category
        )
    )
    cat_points = draw(st.lists(_points, min_size=len(cats), max_size=len(cats)))
    doc = load("plain").to_dict()
    doc["features"] = [
        {
            "name": "x",
            "kind": "numeric",
            "splits": splits,
            "points": points,
            "missing_points": draw(_points),
            "special_codes": specials,
            "special_points": [draw(_points) for _ in specials],
        },
        {
            "name": "c",
            "kind": "categorical",
            "categories": [[c] for c in cats],
            "points": cat_points,
            "missing_points": draw(_points),
            "unseen_points": draw(_points),
            "unseen_policy": "neutral",
            "special_codes": [],
            "special_points": [],
        },
    ]
    doc["intercept_points"] = draw(_points)
    doc.pop("checksum")
    spec = Spec.from_dict(seal(doc))
    edges = [np.nextafter(s, d) for s in splits + specials for d in (-np.inf, np.inf)]
    pool = [*splits, *specials, *edges, np.nan]
    n = draw(st.integers(1, 30))
    xs = [draw(st.one_of(st.sampled_from(pool), _finite)) for _ in range(n)]
    cs = [
        draw(st.one_of(st.sampled_from([*cats, None]), st.text(_text, max_size=3)))
        for _ in range(n)
    ]
    data = {"row_id": np.arange(n), "x": np.array(xs, dtype=float), "c": np.array(cs, dtype=object)}
    return spec, data


def test_nul_category_is_refused():
    doc = load("example").to_dict()
    cat = next(f for f in doc["features"] if f["kind"] == "categorical")
    cat["categories"][0] = ["a\x00b"]
    doc.pop("checksum")
    with pytest.raises(DataError, match="NUL"):
        to_sql(Spec.from_dict(seal(doc)), table="t", dialect="sqlite")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(card_and_rows())
def test_property_sqlite_equals_kernel_on_random_cards(case):
    spec, data = case
    got = run_sqlite(spec, warehouse_columns(spec, data), "sqlite", k=2)
    assert_same_as_kernel(spec, data, got, reason_codes=2, engine="sqlite (hypothesis)")


@pytest.mark.slow
def test_a_fitted_scorecard_scores_the_same_in_duckdb_and_sqlite():
    # A card fitted on the built-in book (pandas string and integer columns, NaN income),
    # exported with a logistic calibration and a master scale, end to end.
    from overdue_risk.calibration import MasterScale, PDCalibrator
    from overdue_risk.datasets import make_microloan_portfolio
    from overdue_risk.scorecard import Scorecard

    book = make_microloan_portfolio(n_loans=1000, n_months=12, random_state=11)
    X, y = book.xy()
    card = Scorecard().fit(X, y)
    points = card.predict_points(X).reshape(-1, 1)
    calibrator = PDCalibrator().fit(points, y)
    scale = MasterScale.geometric(5, floor=0.005, cap=0.4)
    scale = scale.calibrate(calibrator.predict_pd(points), y)
    spec = Spec.from_dict(card.to_spec(calibrator=calibrator, master_scale=scale))
    data = {f: X[f].to_numpy() for f in spec.feature_names}
    data["row_id"] = np.arange(len(X))
    cols = warehouse_columns(spec, data)
    for engine, run, dialect in (
        ("duckdb", run_duckdb, "duckdb"),
        ("sqlite", run_sqlite, "sqlite"),
    ):
        got = run(spec, cols, dialect)
        assert_same_as_kernel(spec, data, got, reason_codes=K, engine=f"{engine} (fitted card)")


def test_moved_distributed_names_still_resolve_with_a_deprecation_warning():
    import overdue_risk.distributed
    import overdue_risk.export

    with pytest.warns(DeprecationWarning, match="moved to overdue_risk.distributed.score_dask"):
        old = overdue_risk.export.score_dask
    assert old is overdue_risk.distributed.score_dask
    assert "score_dask" not in overdue_risk.export.__all__
    # every moved name is in distributed (which also has new names, never in export)
    assert set(overdue_risk.distributed.__all__) >= overdue_risk.export._MOVED


def test_exports_import_heavy_engines_lazily():
    import subprocess
    import sys

    code = (
        "import sys, overdue_risk.runtime\n"
        "assert 'overdue_risk.export' not in sys.modules\n"
        "import overdue_risk.export.sql, overdue_risk.export.pmml, overdue_risk.distributed\n"
        "import overdue_risk.distributed.spark, overdue_risk.distributed.dask\n"
        "heavy = [m for m in ('pyspark', 'dask', 'duckdb', 'jpmml_evaluator', 'pandas')\n"
        "         if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _integer_coded_card() -> Spec:
    from overdue_risk.runtime import feature_block, spec_document

    region = feature_block(
        "region",
        "categorical",
        categories=[[1, 2], [3, 4], [0, -5]],
        points=[10, 20, 30],
        missing_points=0,
        unseen_points=-100,
        unseen_policy="worst",
        max_points=30,
    )
    return Spec.from_dict(seal(spec_document(name="codes", features=[region])))


@pytest.mark.parametrize(("engine", "run"), [("duckdb", run_duckdb), ("sqlite", run_sqlite)])
def test_integer_categories_match_their_float_spelling_as_the_kernel_does(engine, run):
    # a DOUBLE column cast to text reads "4.0": the kernel reads it as the category 4
    spec = _integer_coded_card()
    codes = ["4", "4.0", "-5.0", "0.0", "4.00", "+4", "7", None]
    data = {"row_id": np.arange(len(codes)), "region": np.array(codes, dtype=object)}
    got = run(spec, warehouse_columns(spec, data), engine, k=0)
    want = spec.score(data).tolist()
    assert want == [20.0, 20.0, 30.0, 30.0, -100.0, -100.0, -100.0, 0.0]
    assert got["score"].tolist() == want
