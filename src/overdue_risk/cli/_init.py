"""``overdue-risk init DATA [--out config.toml]``: a commented fit config from a data file.

Exit codes: 0 written, 2 usage or data error (an existing config is never overwritten
without ``--force``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from overdue_risk.pipeline import config_toml

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("data", metavar="DATA", help="your data (.csv, .tsv or .parquet)")
    parser.add_argument(
        "--out", default="config.toml", metavar="PATH", help="config to write (config.toml)"
    )
    parser.add_argument("--target", help="the target column (guessed when not given)")
    parser.add_argument(
        "--panel",
        metavar="PANEL",
        help="monthly performance panel that defines the target (DATA = applications)",
    )
    parser.add_argument(
        "--drop",
        nargs="+",
        default=[],
        metavar="PATTERN",
        help="columns that are not features, shell patterns (e.g. 'PAY_*' 'BILL_*')",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing config")


def run(args: argparse.Namespace) -> int:
    """Write the config; print where, and the next command."""
    out = Path(args.out)
    if out.exists() and not args.force:
        print(
            f"overdue-risk init: error: {out} exists; pass --force to overwrite it or --out "
            "another path",
            file=sys.stderr,
        )
        return 2
    text = config_toml(
        args.data,
        config_dir=out.parent,
        target=args.target,
        drop=tuple(args.drop),
        panel=args.panel,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    n = sum("# guessed" in line for line in text.splitlines())
    print(f"wrote {out} ({n} guessed lines marked '# guessed'; check them)")
    print(f"next: overdue-risk fit {out}")
    return 0
