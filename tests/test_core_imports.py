"""The core and the pipe CLI stay free of Textual and Rich at import time.

That keeps `anannas-tui ask` and `models` fast to start and the core usable without a terminal. Modules are
discovered with pkgutil, so a new core module or subcommand is covered without editing this test. The one
exception is `anannas_tui.cli.tui`, whose whole job is to start the TUI (it is imported lazily by `main`).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import anannas_tui.cli
import anannas_tui.core

FORBIDDEN = ("textual", "rich")
#: CLI modules allowed to import the UI: only the one that launches it.
UI_LAUNCHERS = {"anannas_tui.cli.tui"}

_PROBE = f"""
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
from anannas_tui.cli import build_parser
build_parser().format_help()  # building every subcommand's parser must not pull the UI in either
loaded = sorted({{m.split(".")[0] for m in sys.modules if m.split(".")[0] in {FORBIDDEN!r}}})
print(json.dumps(loaded))
"""


def modules_under(package: object) -> list[str]:
    """Every module of a package, found on disk, so new files are included automatically."""
    prefix = f"{package.__name__}."  # type: ignore[attr-defined]
    return sorted(info.name for info in pkgutil.walk_packages(package.__path__, prefix))  # type: ignore[attr-defined]


def imported_ui_packages(modules: list[str]) -> list[str]:
    """Import `modules` in a fresh interpreter and return which forbidden packages ended up loaded."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *modules], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_discovery_finds_the_known_modules() -> None:
    """Guard against a discovery bug making the next test vacuous."""
    core = modules_under(anannas_tui.core)
    cli = modules_under(anannas_tui.cli)
    for name in ("config", "paths", "atomic", "secret", "keystore", "state", "sanitize"):
        assert f"anannas_tui.core.{name}" in core
    for name in ("common", "login", "ask", "models"):
        assert f"anannas_tui.cli.{name}" in cli


def test_core_and_cli_import_neither_textual_nor_rich() -> None:
    modules = ["anannas_tui", "anannas_tui.core", "anannas_tui.cli"]
    modules += modules_under(anannas_tui.core)
    modules += [name for name in modules_under(anannas_tui.cli) if name not in UI_LAUNCHERS]
    assert imported_ui_packages(modules) == []


def test_the_probe_would_notice_textual() -> None:
    """The check really detects a UI import (so the test above can fail)."""
    assert imported_ui_packages(["textual.widget"]) == sorted(FORBIDDEN)
