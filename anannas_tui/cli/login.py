"""`anannas-tui login` stores the API key; `anannas-tui logout` deletes it.

The key is read from the terminal without echo, or as one line from stdin when stdin is not a terminal
(`printf %s "$KEY" | anannas-tui login`). It is never taken from the command line: arguments are visible to
every user in `ps` and are saved in shell history. A key typed there anyway is refused without being repeated.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import warnings
from typing import Any

from anannas_tui.cli.common import EXIT_OK, EXIT_USAGE, UsageError, report
from anannas_tui.core import keystore, paths
from anannas_tui.core.keystore import KeyStoreError
from anannas_tui.core.sanitize import for_display
from anannas_tui.core.secret import Secret

#: More than any key; a bounded read keeps `anannas-tui login < /dev/zero` from eating memory.
_MAX_INPUT = 64 * 1024
_PROMPT = "Anannas API key (input is hidden): "
_PIPE_HINT = 'printf %s "$KEY" | anannas-tui login'

_LOGIN_DESCRIPTION = f"""\
Store your API key in {{key_file}} (mode 0600, in a private folder).

The key is read from the terminal without echo, or as one line from stdin:
  {_PIPE_HINT}
It is never accepted as a command-line argument (other users can see arguments
in `ps`, and shells save them in history). ${keystore.ENV_VAR}, when set, wins
over the stored key."""

_LOGOUT_DESCRIPTION = "Delete the key stored by `anannas-tui login` (the environment variable is not touched)."


def add_parser(subparsers: Any) -> None:
    """Register `login` and `logout`."""
    login: argparse.ArgumentParser = subparsers.add_parser(
        "login",
        help="store your API key (read without echo; never an argument)",
        description=_LOGIN_DESCRIPTION.format(key_file=_key_file_for_help()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    login.add_argument(
        "--force", action="store_true", help="replace a key file that login did not write (it is kept otherwise)"
    )
    # Traps, hidden from --help: argparse would echo an unexpected argument in its error message.
    login.add_argument("refused_key", nargs="*", help=argparse.SUPPRESS)
    login.add_argument(
        "--key", "--api-key", "--token", dest="refused_option", nargs="?", const="", help=argparse.SUPPRESS
    )
    login.set_defaults(func=run)
    logout: argparse.ArgumentParser = subparsers.add_parser(
        "logout", help="delete the stored API key", description=_LOGOUT_DESCRIPTION
    )
    logout.add_argument("--force", action="store_true", help="delete the key file even if login did not write it")
    logout.set_defaults(func=run_logout)


def _key_file_for_help() -> str:
    """Where `paths.key_file()` points, computed without creating the folder (`--help` must not write)."""
    return for_display(str(paths.key_file(create=False)))


def run(args: argparse.Namespace) -> int:
    """Read the key, store it and say where; 2 if it was refused."""
    if args.refused_key or args.refused_option is not None:
        report(
            "the key is never taken from the command line: other users can see arguments, and your shell "
            "saved it in history. Treat that key as exposed and consider replacing it. Run `anannas-tui login` "
            f"and paste it at the prompt, or pipe it: {_PIPE_HINT}"
        )
        return EXIT_USAGE
    try:
        path = keystore.store_key(_read_key(), force=args.force)
    except (UsageError, KeyStoreError) as error:
        report(for_display(str(error)))
        return EXIT_USAGE
    except OSError as error:
        report(for_display(f"cannot write the key file: {error.strerror}; the previous one is unchanged"))
        return EXIT_USAGE
    print(f"Stored the key in {for_display(str(path))} (readable only by you).")
    folder = keystore.folder_warning(path.parent)
    if folder:
        report(for_display(folder))
    if keystore.env_key_is_set():
        report(
            f"${keystore.ENV_VAR} is set in this environment and wins over the stored key; unset it to use this one."
        )
    return EXIT_OK


def run_logout(args: argparse.Namespace) -> int:
    """Delete the stored key; 0 also when there was none (the goal, no stored key, is met)."""
    try:
        path = keystore.delete_key(force=args.force)
    except KeyStoreError as error:
        report(for_display(str(error)))
        return EXIT_USAGE
    except OSError as error:
        report(for_display(f"cannot delete the key file: {error.strerror}"))
        return EXIT_USAGE
    if path is None:
        print(f"No key was stored in {for_display(str(paths.key_file()))}.")
    else:
        print(f"Deleted the key stored in {for_display(str(path))}.")
    if keystore.env_key_is_set():
        report(f"${keystore.ENV_VAR} is still set in this environment; anannas-tui keeps using it.")
    return EXIT_OK


def _read_key() -> Secret:
    """The key from the terminal (no echo) or from piped stdin, with surrounding whitespace trimmed.

    Raises:
        UsageError: no key could be read, or the input cannot be a key.
    """
    stdin = sys.stdin
    if stdin is None:
        raise UsageError(f"no stdin to read the key from; pipe it: {_PIPE_HINT}")
    secret = Secret((_prompt_hidden() if stdin.isatty() else _read_piped(stdin)).strip())
    problem = keystore.key_problem(secret)
    if problem:
        raise UsageError(f"that key {problem}; nothing was stored")
    return secret


def _prompt_hidden() -> str:
    """Prompt on the terminal with echo off; refuse rather than fall back to an echoing prompt."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            return getpass.getpass(_PROMPT)
        except getpass.GetPassWarning:
            raise UsageError(f"cannot turn off echo on this terminal; pipe the key instead: {_PIPE_HINT}") from None
        except EOFError:
            raise UsageError("no key entered; nothing was stored") from None


def _read_piped(stdin: Any) -> str:
    """One key from a pipe or file; everything up to a bounded size, so a second line is caught as an error."""
    try:
        text: str = stdin.read(_MAX_INPUT)
    except UnicodeDecodeError:
        raise UsageError("the input is not text; nothing was stored") from None
    return text
