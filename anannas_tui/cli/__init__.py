"""The `anannas-tui` command: the TUI by default, plus pipe-friendly subcommands.

Each subcommand lives in its own module exposing `add_parser(subparsers)` (which sets `func=run`) and
`run(args) -> int`. Exit codes are shared: 0 ok, 1 API or network error, 2 usage or config error, 130 Ctrl-C.
The CLI imports Textual only when the TUI itself starts, so `ask` and `models` start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from anannas_tui import __version__
from anannas_tui.cli import ask, login, models, sessions
from anannas_tui.cli.common import EXIT_INTERRUPTED, EXIT_OK, add_common_options

_DESCRIPTION = """\
A terminal chat client for the Anannas LLM gateway (and any OpenAI-compatible endpoint).
Run with no command for the full-screen chat; `--demo` needs no key and no network."""

_EPILOG = """\
environment:
  ANANNAS_API_KEY     the API key (wins over a key stored by `login`)
  ANANNAS_BASE_URL    the endpoint (default https://api.anannas.ai/v1)

exit codes: 0 ok, 1 API or network error, 2 usage or config error, 130 interrupted"""


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, so `--help` and the README stay in step with one definition."""
    parser = argparse.ArgumentParser(
        prog="anannas-tui",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"anannas-tui {__version__}")
    add_common_options(parser, top_level=True)
    parser.add_argument("-m", "--model", help="the model to chat with (default: the last one picked)")
    parser.add_argument("--low-bandwidth", action="store_true", help="no animations, fewer redraws (SSH)")
    parser.add_argument("--session", metavar="ID|PATH|last", help="resume a saved conversation")
    parser.add_argument("--compare", metavar="MODEL,MODEL[,...]", help="open side-by-side comparison of 2-4 models")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in (ask, models, login, sessions):
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the TUI or a subcommand; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
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
