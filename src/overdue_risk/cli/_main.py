"""The entry point: the parser of ``overdue-risk`` and the dispatch to one subcommand."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from overdue_risk import __version__
from overdue_risk.exceptions import OverdueRiskError

__all__ = ["main"]

# command -> one-line help. The implementation is overdue_risk.cli._<command>.
COMMANDS: dict[str, str] = {
    "demo": "run the main job end to end on the built-in synthetic micro-loan portfolio",
    "fit": "develop a scorecard on your own data from a config (exit 0 pass, 1 gate fail, 2 error)",
    "init": "write a commented fit config (TOML) from a data file's columns",
    "report": "write one self-contained HTML report of a scorecard and its portfolio",
    "score": "score a CSV or Parquet file (larger than memory) with a JSON scoring spec",
    "validate": "CI gate: check a scorecard against thresholds (exit 0 pass, 1 fail, 2 error)",
}


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (``PROG: error: ... (see --help)``), exit 2."""

    def error(self, message: str) -> NoReturn:
        one_line = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {one_line} (see {self.prog} --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="overdue-risk",
        description="Credit risk for consumer and micro-loan lending.",
    )
    parser.add_argument("--version", action="version", version=f"overdue_risk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        sub.add_parser(name, help=help_text, description=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``overdue-risk`` console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in COMMANDS:
        parser = _build_parser()
        parser.parse_args(args_list)  # handles --help, --version and unknown commands
        parser.print_help()
        return 2
    command = args_list[0]
    module = importlib.import_module(f"overdue_risk.cli._{command}")
    full = _Parser(prog=f"overdue-risk {command}", description=COMMANDS[command])
    module.add_arguments(full)
    try:
        args = full.parse_args(args_list[1:])
    except SystemExit as exc:  # --help (0) or a usage error (2, already printed)
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        code: int = module.run(args)
    except BrokenPipeError:
        # the reader went away (e.g. `overdue-risk demo | head`): stop quietly, as Unix tools do
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        print(f"overdue-risk {command}: error: interrupted", file=sys.stderr)
        return 130
    except OverdueRiskError as exc:
        _error(command, str(exc))
        return 2
    except (OSError, ValueError, TypeError, KeyError, LookupError, MemoryError) as exc:
        # a file that cannot be read or written, or input the library did not anticipate:
        # still one line, never a traceback (exit 1 is kept for "the gate found it worse")
        _error(command, f"{type(exc).__name__}: {exc}")
        return 2
    except Exception as exc:
        _error(command, f"unexpected {type(exc).__name__}: {exc} (please report this)")
        return 2
    return code


def _error(command: str, message: str) -> None:
    """Print ``overdue-risk COMMAND: error: MESSAGE`` on one line of stderr."""
    one_line = " ".join(message.split())
    print(f"overdue-risk {command}: error: {one_line}", file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout already closed or not a real file
        pass
