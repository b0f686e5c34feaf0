"""What a key does in the prompt box: shared by `PromptInput` and the first frame's `PromptStandIn`.

Terminals cannot tell shift+enter from enter, so the newline keys are ctrl+j (what most terminals send for
ctrl+enter too) and alt+enter; Enter sends. This module imports nothing of Textual's TextArea, so the stand-in
reads keys exactly as the prompt will, before the prompt exists.
"""

from __future__ import annotations

from enum import Enum

from textual import events

#: Keys that insert a newline instead of sending.
NEWLINE_KEYS = frozenset({"ctrl+j", "alt+enter", "shift+enter", "ctrl+enter"})


class Edit(Enum):
    """A key that edits the prompt without typing text."""

    SEND = "send"
    DELETE_LEFT = "delete-left"


def typing(event: events.Key) -> str | Edit | None:
    """The text a key types into the prompt, or its `Edit`; None for a key that does something else.

    Tab, the arrows, Escape and the shortcuts are not typing: they move the focus or run a binding.
    """
    if event.key == "enter":
        return Edit.SEND
    if event.key in NEWLINE_KEYS:
        return "\n"
    if event.key == "backspace":
        return Edit.DELETE_LEFT
    if event.is_printable and event.character is not None:
        return event.character
    return None
