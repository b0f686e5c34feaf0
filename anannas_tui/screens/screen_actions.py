"""A screen's actions declared once: the key bindings and the command palette entries both come from here.

Each screen lists its actions as `ScreenAction`s; `bindings()` turns them into Textual bindings and
`palette_commands()` into `SystemCommand`s, so a new action can never be missing from the palette.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any, NamedTuple

from textual.app import SystemCommand
from textual.binding import Binding, BindingType


class ScreenAction(NamedTuple):
    """One action: its key(s), the `action_*` name (optionally with one integer argument), its label."""

    key: str
    action: str
    description: str
    footer: bool = False
    """Shown in the footer (only the few that fit in 80 columns); the palette lists every action."""


def bindings(actions: Iterable[ScreenAction]) -> list[BindingType]:
    """Textual bindings for `actions`; Escape is a priority binding so focused widgets cannot swallow it."""
    return [
        Binding(item.key, item.action, item.description, show=item.footer, priority=item.key == "escape")
        for item in actions
    ]


def palette_commands(screen: Any, actions: Iterable[ScreenAction]) -> Iterator[SystemCommand]:
    """Command palette entries that run `actions` on `screen`."""
    for item in actions:
        name, _, argument = item.action.partition("(")
        method = getattr(screen, f"action_{name}")
        callback = partial(method, int(argument.rstrip(")"))) if argument else method
        yield SystemCommand(item.description, f"{item.description} ({item.key})", callback)
