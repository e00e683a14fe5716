"""``overdue-risk init``: guess a config from a data file's columns and write it as TOML.

Each guess is written with ``# guessed: <why>`` beside it, so the user checks exactly
those lines. The guesses:

* target: the given one, else a column named like a target (``bad``, ``default``,
  ``target``, ...) holding two values, else the last column holding only 0 and 1;
* id: every value distinct and a name like ``id`` / ``..._id``;
* date: a datetime column, or text whose values all read as dates;
* categorical: text, or whole numbers with at most :data:`MAX_CODES` distinct values
  (each seen on 10 rows or more on average);
* special codes: in a whole-number column that is otherwise not negative, each negative
  value that alone covers at least 1% of the rows (``-1`` = no history).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk._io import read_table
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["MAX_CODES", "ColumnGuess", "config_toml", "guess_columns"]

#: Whole-number columns with at most this many distinct values are guessed categorical.
MAX_CODES = 8
_TARGET_NAMES = ("bad", "default", "target", "label", "y", "flag", "defaulted", "is_bad")
_ID = re.compile(r"(^|[_\W])(id|key|uuid)$|^id[_\W]", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnGuess:
    """What :func:`guess_columns` made of a table: names, plus ``why`` per guess."""

    target: str
    id: str | None
    date: str | None
    exclude: tuple[str, ...]
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    special_codes: dict[str, tuple[float, ...]]
    why: dict[str, str]


def _is_01(s: pd.Series) -> bool:
    v = s.dropna()
    if len(v) != len(s) or s.dtype.kind not in "iufb":
        return False
    return set(np.unique(v.to_numpy()).tolist()) == {0, 1}


def _guess_target(frame: pd.DataFrame, target: str | None) -> tuple[str, str]:
    if target is not None:
        if target not in frame.columns:
            import difflib

            near = difflib.get_close_matches(target, list(frame.columns), n=1)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            raise DataError(f"--target {target!r} is not a column of the file.{hint}")
        return target, ""
    for c in frame.columns:
        if str(c).lower() in _TARGET_NAMES and frame[c].nunique(dropna=True) == 2:
            return str(c), "named like a target, two values"
    flags = [str(c) for c in frame.columns if _is_01(frame[c])]
    if not flags:
        raise DataError(
            "no column holds only 0 and 1, so the target cannot be guessed. Pass --target "
            "COL (and set data.pos_label in the config when it holds two labels)."
        )
    return flags[-1], "the last column holding only 0 and 1 (1 = default)"


def _looks_like_dates(s: pd.Series) -> bool:
    import pandas as pd

    if s.dtype.kind == "M":
        return True
    if s.dtype.kind != "O":
        return False
    sample = s.dropna().astype(str).head(200)
    if sample.empty or not sample.str.match(r"^\d{4}-\d{2}(-\d{2})?").all():
        return False
    return bool(pd.to_datetime(sample, errors="coerce").notna().all())


def _special_codes(s: pd.Series) -> tuple[float, ...]:
    v = s.dropna().to_numpy()
    if v.size == 0 or (
        s.dtype.kind not in "iu" and not (s.dtype.kind == "f" and np.all(v == np.round(v)))
    ):
        return ()
    neg, counts = np.unique(v[v < 0], return_counts=True)
    if neg.size == 0 or neg.size > 3 or (v < 0).mean() > 0.5:
        return ()
    frequent = neg[counts >= 0.01 * v.size]
    return tuple(float(x) for x in frequent) if frequent.size == neg.size else ()


def guess_columns(
    frame: pd.DataFrame,
    *,
    target: str | None = None,
    drop: tuple[str, ...] = (),
    panel: bool = False,
) -> ColumnGuess:
    """Guess the target, id, date, feature kinds and special codes of ``frame``.

    ``drop`` holds shell-style patterns (``PAY_*``) of columns to exclude from the features.
    ``panel=True``: ``frame`` is an applications file whose target comes from a panel
    (``target`` is then ``""``).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"loan_id": [1, 2, 3, 4], "months_on_file": [-1, 12, -1, 30],
    ...                       "region": ["n", "s", "s", "n"], "bad": [0, 1, 0, 0]})
    >>> g = guess_columns(frame)
    >>> g.target, g.id, g.numeric, g.categorical, g.special_codes
    ('bad', 'loan_id', ('months_on_file',), ('region',), {'months_on_file': (-1.0,)})
    """
    why: dict[str, str] = {}
    tgt, reason = ("", "") if panel else _guess_target(frame, target)
    if reason:
        why[tgt] = reason
    names = [str(c) for c in frame.columns if c != tgt]
    id_col = next(
        (c for c in names if _ID.search(c) and frame[c].is_unique and frame[c].notna().all()),
        None,
    )
    if id_col is not None:
        why[id_col] = "every value distinct, named like an id"
    date_col = next((c for c in names if c != id_col and _looks_like_dates(frame[c])), None)
    if date_col is not None:
        why[date_col] = "its values read as dates"
    exclude = tuple(c for c in names if any(fnmatch.fnmatchcase(c, p) for p in drop))
    numeric: list[str] = []
    categorical: list[str] = []
    codes: dict[str, tuple[float, ...]] = {}
    for c in names:
        if c in (id_col, date_col) or c in exclude:
            continue
        s = frame[c]
        whole = s.dtype.kind in "iu" or (
            s.dtype.kind == "f" and bool(np.all(s.dropna() == np.round(s.dropna())))
        )
        if s.dtype.kind not in "iufb":
            categorical.append(c)
        elif whole and 10 * s.nunique() <= len(s) and s.nunique() <= MAX_CODES and not _is_01(s):
            categorical.append(c)
            why[c] = f"whole numbers with {s.nunique(dropna=True)} distinct values (codes)"
        else:
            numeric.append(c)
            found = _special_codes(s)
            if found:
                codes[c] = found
                shares = ", ".join(f"{float((s == x).mean()):.1%}" for x in found)
                why[f"{c}:codes"] = (
                    f"negative values of an otherwise non-negative column, in {shares} of rows"
                )
    return ColumnGuess(
        target=tgt,
        id=id_col,
        date=date_col,
        exclude=exclude,
        numeric=tuple(numeric),
        categorical=tuple(categorical),
        special_codes=codes,
        why=why,
    )


def _q(value: Any) -> str:
    """A TOML value (strings as basic strings, numbers plain)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


def _list(names: tuple[str, ...], why: dict[str, str], indent: str = "    ") -> str:
    if not names:
        return "[]"
    lines = [f"{indent}{_q(n)},{'  # guessed: ' + why[n] if n in why else ''}" for n in names]
    return "[\n" + "\n".join(lines) + "\n]"


def _relative(path: Path, config_dir: str | os.PathLike[str]) -> str:
    """``path`` relative to the config's folder (absolute when that is far away)."""
    rel = os.path.relpath(path.resolve(), Path(config_dir).resolve())
    return str(path.resolve()) if rel.startswith(os.pardir + os.sep + os.pardir) else rel


def config_toml(
    data: str | os.PathLike[str],
    *,
    config_dir: str | os.PathLike[str] = ".",
    target: str | None = None,
    drop: tuple[str, ...] = (),
    panel: str | os.PathLike[str] | None = None,
) -> str:
    """A commented TOML config for ``data`` (see :func:`load_config`), guesses marked.

    Parameters
    ----------
    data : str or Path
        The CSV, TSV or Parquet file.
    config_dir : str or Path, default="."
        Folder the config will be written to (``data.path`` is written relative to it).
    target : str, default=None
        The target column; guessed when None.
    drop : tuple of str, default=()
        Shell-style patterns of columns that are not features (``"PAY_*"``).
    panel : str or Path, default=None
        A monthly performance panel: ``data`` is then the applications file and the
        target is derived (``[panel]``, see :class:`PanelConfig`).

    Returns
    -------
    str

    Examples
    --------
    >>> import pathlib, tempfile, tomllib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "loans.csv").write_text("id,age,bad\\n1,30,0\\n2,41,1\\n3,25,0\\n")
    >>> text = config_toml(folder / "loans.csv", config_dir=folder)
    >>> print(text.splitlines()[5])
    target = "bad"  # guessed: named like a target, two values
    >>> tomllib.loads(text)["features"]["numeric"]
    ['age']
    """
    path = Path(data)
    frame = read_table(path)
    g = guess_columns(frame, target=target, drop=drop, panel=panel is not None)
    rel = _relative(path, config_dir)
    why = g.why

    def note(col: str | None) -> str:
        return f"  # guessed: {why[col]}" if col is not None and col in why else ""

    out = [
        f"# overdue-risk fit config, written by `overdue-risk init` from {path.name}",
        f"# ({len(frame):,} rows, {frame.shape[1]} columns). A 'guessed:' comment marks",
        "# each of the init's guesses: check them. Then run: overdue-risk fit THIS_FILE",
        "[data]",
        f"path = {_q(rel)}  # relative to this file",
        *(
            [f"target = {_q(g.target)}{note(g.target)}",
             '# pos_label = "bad"  # the label of a default when the target is not 0/1']
            if panel is None else ["# target: bad, derived from the panel (see [panel])"]
        ),
        f"id = {_q(g.id)}{note(g.id)}" if g.id else "# id = \"loan_id\"  # a row identifier",
        f"date = {_q(g.date)}{note(g.date)}" if g.date else
        '# date = "application_date"  # needed by split.method = "out_of_time"',
        "# not features (decisions, information from after the application):",
        f"exclude = {_list(g.exclude, {})}" + ("  # from --drop" if g.exclude else ""),
        *(
            ["", "[panel]", f"path = {_q(_relative(Path(panel), config_dir))}",
             "bad_dpd = 90  # bad = ever this many days past due (90 = M3+) ...",
             "window = 12  # ... within this many months on book"]
            if panel is not None else []
        ),
        "",
        "[features]",
        "# guessed: numbers",
        f"numeric = {_list(g.numeric, {})}",
        f"categorical = {_list(g.categorical, why)}",
        "",
        "# values that mean something else than a number (own bin each)",
        "[features.special_codes]",
    ]  # fmt: skip
    for col, codes in g.special_codes.items():
        out.append(f"{_q(col)} = [{', '.join(_q(c) for c in codes)}]{note(col + ':codes')}")
    method = "out_of_time" if g.date or panel is not None else "random"
    out += [
        "",
        "[split]",
        f'method = "{method}"  # guessed: "random" (stratified) or "out_of_time" (data.date)',
        "holdout_share = 0.3  # of the rows (random) or of the latest months (out of time)",
        "random_state = 0",
        "",
        "[binning]",
        "max_n_bins = 8",
        'monotonic_trend = "auto"  # "ascending", "descending", "peak", "valley", "none"',
        "min_bin_frac = 0.05",
        "# a reviewed binning of one feature (kept in the audit trail):",
        f"# [binning.features.{(g.numeric or ('AGE',))[0]}]",
        "# splits = [25, 35, 50]",
        '# reason = "policy age bands"',
        "",
        "[selection]",
        "min_iv = 0.02  # information value floor (Siddiqi)",
        "max_corr = 0.7  # of each pair of WOE columns above this, keep the higher IV",
        "",
        "[scorecard]",
        'name = "scorecard"  # the spec\'s name',
        "pdo = 20  # points to double the odds",
        "base_score = 600",
        "base_odds = 50",
        "rounding = false",
        "",
        "[calibration]",
        'method = "logistic"  # or "isotonic"',
        "n_grades = 7",
        "# floor = 0.01  # PD of the best grade (default: 1st percentile of development PDs)",
        "# cap = 0.4  # PD of the worst grade (default: 99th percentile of development PDs)",
        "",
        "[gate]",
        '# thresholds_file = "thresholds.toml"  # overdue-risk validate --print-config',
        "",
        "[output]",
        'dir = "scorecard_out"  # relative to this file',
        "report = true  # the HTML report (needs matplotlib)",
        "",
    ]
    return "\n".join(out)
