"""The `anannas-tui` command: the TUI by default, plus pipe-friendly subcommands.

Each subcommand lives in its own module exposing `add_parser(subparsers)` (which sets `func=run`) and
`run(args) -> int`. Exit codes are shared: 0 ok, 1 API or network error, 2 usage or config error, 130 Ctrl-C.
The CLI imports Textual only when the TUI itself starts, so `ask` and `models` start fast; and a command line
that names no subcommand (most starts: the TUI) is parsed without importing the subcommands at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from anannas_tui import __version__
from anannas_tui.cli.common import EXIT_INTERRUPTED, EXIT_OK, add_common_options

_DESCRIPTION = """\
A terminal chat client for the Anannas LLM gateway (and any OpenAI-compatible endpoint).
Run with no command for the full-screen chat; `--demo` needs no key and no network."""

_EPILOG = """\
environment:
  ANANNAS_API_KEY     the API key (wins over a key stored by `login`)
  ANANNAS_BASE_URL    the endpoint (default https://api.anannas.ai/v1)

exit codes: 0 ok, 1 API or network error, 2 usage or config error, 130 interrupted"""


class _NotForTheTui(Exception):
    """The command line is not a plain TUI start: the full parser must read (and, if need be, report) it."""


class _TuiOnlyParser(argparse.ArgumentParser):
    """The top-level options alone; raises instead of printing an error (see `_parse_tui_start`)."""

    def error(self, message: str) -> NoReturn:
        raise _NotForTheTui(message)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line, so `--help` and the README stay in step with one definition.

    `commands=False` leaves out the subcommands (and `--help`): `_parse_tui_start` uses it.
    """
    parser = (argparse.ArgumentParser if commands else _TuiOnlyParser)(
        prog="anannas-tui",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=commands,
    )
    parser.add_argument("--version", action="version", version=f"anannas-tui {__version__}")
    add_common_options(parser, top_level=True)
    parser.add_argument("-m", "--model", help="the model to chat with (default: the last one picked)")
    parser.add_argument("--low-bandwidth", action="store_true", help="no animations, fewer redraws (SSH)")
    parser.add_argument("--session", metavar="ID|PATH|last", help="resume a saved conversation")
    parser.add_argument("--compare", metavar="MODEL,MODEL[,...]", help="open side-by-side comparison of 2-4 models")
    if commands:
        from anannas_tui.cli import ask, login, models, sessions

        subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
        for module in (ask, models, login, sessions):
            module.add_parser(subparsers)
    return parser


def _parse_tui_start(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The arguments of a plain TUI start, parsed without importing a subcommand module; else None.

    The subcommands' modules (and what they import) are not needed to start the TUI, and cost its first frame.
    Anything this parser cannot place (a subcommand or a typo), `--help`, or an error returns None, and the full
    parser reads the line again, so what is accepted, printed or reported is exactly what it always was.
    """
    try:
        args, rest = build_parser(commands=False).parse_known_args(argv)
    except _NotForTheTui:
        return None
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the TUI or a subcommand; return the exit code."""
    args = _parse_tui_start(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    try:
        if getattr(args, "func", None) is not None:
            return int(args.func(args))
        from anannas_tui.cli.tui import run_tui  # Textual is imported only here.

        return run_tui(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do, without a traceback at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
