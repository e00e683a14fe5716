"""Argument helpers shared by the ``overdue-risk`` subcommands."""

from __future__ import annotations

import argparse

__all__ = ["add_sample_arguments", "positive_int"]


def positive_int(text: str) -> int:
    """``argparse`` type: a whole number >= 1, else a usage error saying what was got.

    Examples
    --------
    >>> positive_int("4")
    4
    >>> positive_int("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a number >= 1; got 0
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1; got {value}")
    return value


def add_sample_arguments(
    parser: argparse.ArgumentParser, *, spec: str, data: str, baseline: str, config: str
) -> None:
    """Declare ``SPEC DATA --target --baseline --config``, shared by the commands that
    read a scorecard and a sample (``validate``, ``report``); the texts are their helps.
    """
    parser.add_argument("spec", nargs="?", metavar="SPEC", help=spec)
    parser.add_argument("data", nargs="?", metavar="DATA", help=data)
    parser.add_argument("--target", help="name of the 0/1 default-flag column")
    parser.add_argument("--baseline", help=baseline)
    parser.add_argument("--config", help=config)
