"""Translate a scoring spec into one SQL ``SELECT`` that scores a table in the warehouse.

The query is a chain of common table expressions:

1. ``points``: one ``CASE WHEN`` per feature, in the spec's own order of checks:
   missing (``NULL``, and ``NaN`` where the engine has one) first, then special codes,
   then the splits (``x < split`` top to bottom, which is ``searchsorted(side="right")``),
   or the category lists, then unseen categories;
2. ``scored``: the total points (``intercept + p_1 + ... + p_k``, added in the spec's
   feature order, as the runtime adds them) and, when the spec carries them, the PD of
   its calibration and the grade of its master scale;
3. ``ranked`` / final ``SELECT``: reason codes, the features that lost the most points
   against their ``max_points``, ranked with plain ``CASE`` arithmetic (no window
   functions, so every dialect supports them).

Every number is written with ``repr()`` precision and typed as a double, so a float64
engine reproduces the kernel's points exactly, and PDs to rounding.

Examples
--------
>>> import sqlite3
>>> from overdue_risk.export.sql import to_sql
>>> from overdue_risk.export._examples import example_spec
>>> query = to_sql(example_spec(), table="loans", dialect="sqlite", keep=["id"])
>>> con = sqlite3.connect(":memory:")
>>> _ = con.execute("CREATE TABLE loans (id INTEGER, age REAL, purpose TEXT)")
>>> _ = con.executemany(
...     "INSERT INTO loans VALUES (?, ?, ?)",
...     [(1, 22.0, "cash"), (2, 45.0, "education"), (3, None, "yacht")],
... )
>>> for row in con.execute(query + " ORDER BY id"):
...     print(row[:3])
(1, 26.0, 0.4800...)
(2, 59.0, 0.0618...)
(3, 20.0, 0.5986...)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from overdue_risk._validation import check_in
from overdue_risk.exceptions import DataError
from overdue_risk.export._spec import as_spec, special_strings
from overdue_risk.runtime import Spec
from overdue_risk.runtime._spec import PD_EPS

__all__ = ["DIALECTS", "to_sql"]

_INT_TEXT = re.compile(r"0|-?[1-9][0-9]*")  # canonical spelling of an integer


@dataclass(frozen=True)
class _Dialect:
    name: str
    quote: str  # identifier quote character
    double: str  # the SQL type of a 64-bit float
    text: str  # the SQL type categories are compared as
    isnan: str | None  # template testing NaN, or None when the engine has no NaN
    backslash_escapes: bool  # string literals treat "\" as an escape (Spark SQL)
    cast_literals: bool  # wrap float literals in CAST(... AS double)


_DIALECTS: dict[str, _Dialect] = {
    "duckdb": _Dialect("duckdb", '"', "DOUBLE", "VARCHAR", "isnan({})", False, False),
    "sqlite": _Dialect("sqlite", '"', "REAL", "TEXT", None, False, False),
    "spark": _Dialect("spark", "`", "DOUBLE", "STRING", "isnan({})", True, False),
    "postgres": _Dialect(
        "postgres", '"', "DOUBLE PRECISION", "TEXT", "({} = 'NaN'::float8)", False, True
    ),
    "ansi": _Dialect("ansi", '"', "DOUBLE PRECISION", "VARCHAR(4000)", None, False, True),
}

#: SQL dialects :func:`to_sql` writes.
DIALECTS: tuple[str, ...] = tuple(_DIALECTS)

_RESERVED_OUTPUTS = ("score", "pd", "grade")


def quote_identifier(name: str, dialect: str = "ansi") -> str:
    """Quote one SQL identifier, doubling any quote character inside it.

    Examples
    --------
    >>> print(quote_identifier('we"ird', "duckdb"))
    "we""ird"
    >>> quote_identifier("a`b", "spark")
    '`a``b`'
    """
    d = _DIALECTS[dialect]
    if not isinstance(name, str) or not name or "\x00" in name:
        raise DataError(
            f"SQL identifier must be a non-empty string without NUL characters; got {name!r}. "
            "Rename the column."
        )
    return d.quote + name.replace(d.quote, d.quote * 2) + d.quote


def string_literal(value: str, dialect: str = "ansi") -> str:
    r"""Quote one SQL string literal for ``dialect``.

    Spark SQL reads backslash escapes inside string literals; the other dialects double
    the quote.

    Examples
    --------
    >>> print(string_literal("it's", "sqlite"))
    'it''s'
    >>> print(string_literal("a\\b'c", "spark"))
    'a\\b\'c'
    """
    if "\x00" in value:
        raise DataError(f"category {value!r} contains a NUL character, which SQL cannot hold.")
    if _DIALECTS[dialect].backslash_escapes:
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + value.replace("'", "''") + "'"


def float_literal(value: float, dialect: str = "ansi") -> str:
    """A SQL literal that every engine reads back as exactly the float64 ``value``.

    ``repr()`` gives the shortest string that round-trips; an exponent is added so that
    engines that read ``23.5`` as a DECIMAL read a double instead.

    Examples
    --------
    >>> float_literal(23.5, "duckdb")
    '23.5e0'
    >>> float_literal(0.1 + 0.2, "postgres")
    'CAST(0.30000000000000004e0 AS DOUBLE PRECISION)'
    """
    x = float(value)
    if not math.isfinite(x):
        raise DataError(f"a scoring spec number must be finite; got {x!r}. Re-export the spec.")
    text = repr(x)
    if "e" not in text:
        text += "e0"
    d = _DIALECTS[dialect]
    return f"CAST({text} AS {d.double})" if d.cast_literals else text


def _table_ref(table: str | Sequence[str], dialect: str) -> str:
    if isinstance(table, str):
        return quote_identifier(table, dialect)
    parts = list(table)
    if not parts:
        raise DataError("table must be a name or a sequence of name parts; got an empty one.")
    return ".".join(quote_identifier(p, dialect) for p in parts)


def _missing_test(column: str, f: Any, d: _Dialect) -> str:
    if f.kind == "numeric" and d.isnan is not None:
        return f"({column} IS NULL OR {d.isnan.format(column)})"
    return f"{column} IS NULL"


def _points_case(f: Any, d: _Dialect) -> str:
    """The ``CASE`` expression giving the points of feature ``f``."""

    def lit(x: float) -> str:
        return float_literal(x, d.name)

    col = quote_identifier(f.name, d.name)
    x = f"CAST({col} AS {d.double if f.kind == 'numeric' else d.text})"
    whens = [f"WHEN {_missing_test(x, f, d)} THEN {lit(f.missing_points)}"]
    if f.kind == "numeric":
        for code, pts in zip(f.special_codes, f.special_points, strict=True):
            whens.append(f"WHEN {x} = {lit(code)} THEN {lit(pts)}")
        for split, pts in zip(f.splits, f.points[:-1], strict=True):
            whens.append(f"WHEN {x} < {lit(split)} THEN {lit(pts)}")
        otherwise = lit(f.points[-1])
    else:
        for code, pts in zip(special_strings(f), f.special_points, strict=True):
            whens.append(f"WHEN {x} = {string_literal(code, d.name)} THEN {lit(pts)}")
        for group, pts in zip(f.categories, f.points, strict=True):
            if group:
                # an integer code also matches its float spelling ("4" and "4.0"), as the
                # runtime's canonical categories do: a DOUBLE column cast to text reads 4.0
                spelled = [
                    v for c in group for v in ((c, c + ".0") if _INT_TEXT.fullmatch(c) else (c,))
                ]
                values = ", ".join(string_literal(c, d.name) for c in spelled)
                whens.append(f"WHEN {x} IN ({values}) THEN {lit(pts)}")
        # unseen category: the spec's unseen points, or NULL when its policy is "error"
        otherwise = "NULL" if f.unseen_points is None else lit(f.unseen_points)
    body = "\n      ".join(whens)
    return f"CASE\n      {body}\n      ELSE {otherwise}\n    END"


def _pd_expression(calibration: Any, score: str, d: _Dialect) -> str:
    def lit(x: float) -> str:
        return float_literal(x, d.name)

    method = calibration.method
    if method == "logistic":
        a, b = calibration.intercept, calibration.slope
        one = lit(1.0)
        p = f"{one} / ({one} + EXP(-({lit(a)} + {lit(b)} * {score})))"
        lo, hi = lit(PD_EPS), lit(1.0 - PD_EPS)  # the runtime's clip: never exactly 0 or 1
        return f"CASE WHEN {p} < {lo} THEN {lo} WHEN {p} > {hi} THEN {hi} ELSE {p} END"
    if method == "isotonic":
        xs, ys = list(calibration.x), list(calibration.y)
        # numpy.interp: flat beyond the ends, slope * (x - xp[j]) + fp[j] inside
        whens = [
            f"WHEN {score} IS NULL THEN NULL",
            f"WHEN {score} <= {lit(xs[0])} THEN {lit(ys[0])}",
        ]
        for j in range(len(xs) - 1):
            if xs[j + 1] <= xs[j]:
                continue  # a zero-width segment is never the one numpy.interp picks
            slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])
            whens.append(
                f"WHEN {score} < {lit(xs[j + 1])} THEN "
                f"{lit(slope)} * ({score} - {lit(xs[j])}) + {lit(ys[j])}"
            )
        return "CASE " + " ".join(whens) + f" ELSE {lit(ys[-1])} END"
    if method == "binned":
        edges, pds = list(calibration.x), list(calibration.y)
        whens = [f"WHEN {score} IS NULL THEN NULL"]
        whens += [
            f"WHEN {score} < {lit(e)} THEN {lit(p)}" for e, p in zip(edges, pds, strict=False)
        ]
        return "CASE " + " ".join(whens) + f" ELSE {lit(pds[len(edges)])} END"
    raise DataError(
        f"calibration method {method!r} has no SQL translation; expected 'logistic', "
        "'isotonic' or 'binned'. Re-export the spec with a supported PDCalibrator."
    )


def _grade_expression(master_scale: Any, pd_col: str, d: _Dialect) -> str:
    grades, uppers = list(master_scale.grades), list(master_scale.upper_pd)
    whens = [f"WHEN {pd_col} IS NULL THEN NULL"]  # no score (unseen under policy "error")
    whens += [
        f"WHEN {pd_col} <= {float_literal(u, d.name)} THEN {string_literal(g, d.name)}"
        for g, u in zip(grades, uppers, strict=True)
    ]
    # searchsorted(upper_pd, pd, "left") beyond the last upper bound: the worst grade
    return "CASE " + " ".join(whens) + f" ELSE {string_literal(grades[-1], d.name)} END"


def _reason_selects(view: Spec, k: int, d: _Dialect, names: dict[str, str]) -> list[str]:
    """Expressions for reason_1..reason_k: codes of the features losing most points.

    Feature j's rank is the number of features that lost more points, or as many and
    come earlier in the spec (a stable sort). Only features that lost points give a code.
    """

    def q(s: str) -> str:
        return quote_identifier(s, d.name)

    n = len(view.features)
    loss = [
        f"({float_literal(f.max_points, d.name)} - {q(f'__p{j}')})"
        for j, f in enumerate(view.features)
    ]
    out = []
    for r in range(min(k, n)):
        whens = []
        for j, f in enumerate(view.features):
            beats = [
                f"CASE WHEN {loss[m]} > {loss[j]} THEN 1 ELSE 0 END"
                if m > j
                else f"CASE WHEN {loss[m]} >= {loss[j]} THEN 1 ELSE 0 END"
                for m in range(n)
                if m != j
            ]
            rank = " + ".join(beats) if beats else "0"
            whens.append(
                f"WHEN {loss[j]} > {float_literal(0.0, d.name)} AND ({rank}) = {r} "
                f"THEN {string_literal(f.reason_code, d.name)}"
            )
        out.append("CASE " + " ".join(whens) + f" END AS {q(names['reason'] + str(r + 1))}")
    for r in range(n, k):  # more codes asked than features: NULL, as in the runtime
        out.append(f"CAST(NULL AS {d.text}) AS {q(names['reason'] + str(r + 1))}")
    return out


def to_sql(
    spec: Any,
    *,
    table: str | Sequence[str],
    dialect: str = "ansi",
    keep: Sequence[str] | None = None,
    pd: bool = True,
    grade: bool = True,
    reason_codes: int = 0,
    prefix: str = "",
) -> str:
    """Write a SQL query that scores every row of ``table`` with ``spec``.

    Parameters
    ----------
    spec : Spec, dict or str
        The scoring spec (an :class:`overdue_risk.runtime.Spec`, its dict or JSON text).
    table : str or sequence of str
        The table (or view) to score; a sequence is a qualified name
        (``("warehouse", "loans")``). Every part is quoted.
    dialect : {"ansi", "duckdb", "sqlite", "spark", "postgres"}, default="ansi"
        The SQL dialect. Engines with a float ``NaN`` (DuckDB, Spark, PostgreSQL) treat
        it as missing, as the runtime does.
    keep : sequence of str, optional
        Input columns copied to the output (e.g. a loan id). Default: none.
    pd : bool, default=True
        Add the ``pd`` column when the spec has a calibration.
    grade : bool, default=True
        Add the ``grade`` column when the spec has a calibration and a master scale.
    reason_codes : int, default=0
        Number of reason-code columns ``reason_1``... to add (codes of the features that
        lost the most points against their ``max_points``; NULL when fewer lost points).
    prefix : str, default=""
        Prefix of the output column names (``score``, ``pd``, ``grade``, ``reason_i``).

    Returns
    -------
    str
        One ``SELECT`` statement (without a trailing semicolon). Numeric features are
        compared as doubles, categorical features as text (so integer category codes
        match the spec's canonical strings). A categorical feature whose spec refuses
        unseen categories (``unseen_policy="error"``) yields a NULL score for them.

    Raises
    ------
    DataError
        Unknown dialect, bad identifier, or a calibration with no SQL translation.

    See Also
    --------
    overdue_risk.export.pmml.to_pmml : the same card for decision engines.

    Examples
    --------
    >>> import duckdb
    >>> from overdue_risk.export._examples import example_spec
    >>> q = to_sql(example_spec(), table="t", dialect="duckdb", reason_codes=1)
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE t AS SELECT 40.0 AS age, 'cash' AS purpose")
    >>> con.execute(q).fetchall()
    [(45.0, 0.1679..., 'B', 'PURPOSE')]
    """
    check_in(dialect, "dialect", DIALECTS)
    d = _DIALECTS[dialect]
    if not isinstance(reason_codes, int) or reason_codes < 0:
        raise DataError(f"reason_codes must be an integer >= 0; got {reason_codes!r}.")
    view = as_spec(spec)

    def q(s: str) -> str:
        return quote_identifier(s, dialect)

    names = {
        "score": prefix + "score",
        "pd": prefix + "pd",
        "grade": prefix + "grade",
        "reason": prefix + "reason_",
    }
    kept = [q(c) for c in (keep or ())]
    for c in keep or ():
        if c in names.values() or c.startswith("__p"):
            raise DataError(
                f"keep column {c!r} collides with an output column; pass prefix='...' to "
                "rename the outputs."
            )

    point_cols = [f"{_points_case(f, d)} AS {q(f'__p{j}')}" for j, f in enumerate(view.features)]
    ctes = [
        "points AS (\n  SELECT\n    "
        + ",\n    ".join([*kept, *point_cols])
        + f"\n  FROM {_table_ref(table, dialect)}\n)"
    ]

    total = " + ".join(
        [float_literal(view.intercept_points, dialect)]
        + [q(f"__p{j}") for j in range(len(view.features))]
    )
    scored = [
        *kept,
        *(q(f"__p{j}") for j in range(len(view.features))),
        f"CAST({total} AS {d.double}) AS {q(names['score'])}",
    ]
    outputs = [*kept, q(names["score"])]
    has_pd = pd and view.calibration is not None
    has_grade = grade and view.calibration is not None and view.master_scale is not None
    score_sql = f"CAST({total} AS {d.double})"
    if has_pd or has_grade:
        scored.append(f"{_pd_expression(view.calibration, score_sql, d)} AS {q(names['pd'])}")
    ctes.append("scored AS (\n  SELECT\n    " + ",\n    ".join(scored) + "\n  FROM points\n)")
    if has_pd:
        outputs.append(q(names["pd"]))
    if has_grade:
        outputs.append(
            f"{_grade_expression(view.master_scale, q(names['pd']), d)} AS {q(names['grade'])}"
        )
    if reason_codes:
        outputs.extend(_reason_selects(view, reason_codes, d, names))
    return "WITH " + ",\n".join(ctes) + "\nSELECT\n  " + ",\n  ".join(outputs) + "\nFROM scored"
