"""What every subcommand shares: common options, exit codes, config and client set-up, error reports."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from anannas_tui.core.config import Config, ConfigError, load_config
from anannas_tui.core.demo_models import DEFAULT_DEMO_MODEL
from anannas_tui.core.sanitize import for_display
from anannas_tui.core.state import load_state

if TYPE_CHECKING:
    from anannas_tui.core.client import AnannasClient
    from anannas_tui.core.errors import ApiError
    from anannas_tui.core.secret import Secret

EXIT_OK = 0
EXIT_API = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A problem with how the command was called or configured (exit code 2); the message says what to do."""


def add_common_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """Add --demo and --base-url, accepted both before and after the subcommand.

    Subcommand copies default to SUPPRESS so they never overwrite a value given before the subcommand.
    """
    default = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--demo",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="use the built-in offline demo provider (no key, no network)",
    )
    parser.add_argument("--base-url", metavar="URL", default=default, help="the OpenAI-compatible endpoint")


def report(message: str, stream: TextIO | None = None) -> None:
    """Print one already-sanitised line to stderr, prefixed with the program name."""
    print(f"anannas-tui: {message}", file=stream or sys.stderr)


def load_settings(args: argparse.Namespace) -> Config:
    """Read config.toml and apply --base-url; a bad config is a `UsageError`."""
    try:
        config = load_config()
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if getattr(args, "base_url", None):
        config.api.base_url = args.base_url
    return config


def open_client(config: Config, *, demo: bool) -> AnannasClient:
    """The client for the configured endpoint, or for the offline demo; a missing key is a `UsageError`.

    httpx is imported here, not at start-up: the TUI and `--help` never pay for it before they need it.
    """
    from anannas_tui.core.client import AnannasClient
    from anannas_tui.core.demo import demo_client

    if demo:
        return demo_client(config.api)
    api = config.api
    return AnannasClient(
        api.base_url,
        require_key(),
        connect_timeout=api.connect_timeout,
        read_timeout=api.read_timeout,
        stall_timeout=api.stall_timeout,
        retries=api.retries,
        max_retry_wait=api.max_retry_wait,
    )


def require_key() -> Secret:
    """The API key (env first, then the stored one), printing any warning about it; else a `UsageError`.

    The key store is imported here: `--demo` and `--help` never need it.
    """
    from anannas_tui.core.keystore import KeyStoreError, load_key, missing_key_message

    try:
        lookup = load_key()
    except KeyStoreError as error:
        raise UsageError(str(error)) from None
    for warning in lookup.warnings:
        report(for_display(warning))
    if lookup.secret is None:
        raise UsageError(missing_key_message())
    return lookup.secret


def default_model(config: Config, *, demo: bool) -> str:
    """The model to use when none was given: the last one picked in the TUI, else the config's."""
    model = load_state().last_model or config.chat.model
    if demo and not model.startswith("demo/"):
        return DEFAULT_DEMO_MODEL
    return model


def error_report(error: ApiError) -> list[str]:
    """The lines the CLI prints to stderr for an error: title, every detail field, then the hint."""
    lines = [error.title]
    lines.extend(f"  {label}: {value}" for label, value in error.details())
    if error.hint:
        lines.append(f"  hint: {error.hint}")
    return lines
