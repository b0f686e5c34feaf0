"""A conversation's own system prompt and sampling parameters, and the parsers for typing them in.

A new conversation starts from `[chat]` in the config; the parameters dialog edits a copy that belongs to the
conversation (and is saved with it), so changing one chat never changes another or the config file. The
parsers live here, not in the dialog, so the rules are the same ones `ChatParams.validate` enforces and can
be tested without a terminal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from anannas_tui.core.config import REASONING_EFFORTS, ChatConfig, ChatParams


@dataclass(frozen=True)
class ConversationSettings:
    """What the parameters dialog edits: the system prompt and the sampling parameters."""

    system_prompt: str = ""
    """Sent as the first message when not empty."""
    params: ChatParams = field(default_factory=ChatParams)
    """Sampling parameters; None fields are not sent (the model's default applies)."""

    @classmethod
    def from_config(cls, chat: ChatConfig) -> ConversationSettings:
        """The settings a new conversation starts with (a copy, so the config is never changed)."""
        return cls(system_prompt=chat.system_prompt, params=replace(chat.params))


class FieldError(ValueError):
    """A typed value is not acceptable; the message is short enough to show under the field."""


def _number(text: str) -> float:
    try:
        value = float(text.strip().replace("_", ""))
    except ValueError:
        raise FieldError("not a number") from None
    if not math.isfinite(value):
        raise FieldError("not a number")
    return value


def parse_temperature(text: str) -> float | None:
    """Parse a temperature: empty is None (the model's default), otherwise 0 to 2."""
    if not text.strip():
        return None
    value = _number(text)
    if not 0 <= value <= 2:
        raise FieldError("must be 0 to 2")
    return value


def parse_top_p(text: str) -> float | None:
    """Parse top_p: empty is None, otherwise above 0 and at most 1."""
    if not text.strip():
        return None
    value = _number(text)
    if not 0 < value <= 1:
        raise FieldError("must be >0 and ≤1")
    return value


def parse_max_tokens(text: str) -> int | None:
    """Parse max tokens: empty is None (send no limit), otherwise a whole number of at least 1."""
    if not text.strip():
        return None
    value = _number(text)
    if value != int(value):
        raise FieldError("whole number")
    if value < 1:
        raise FieldError("at least 1")
    return int(value)


def parse_reasoning_effort(text: str) -> str | None:
    """Parse a reasoning effort: empty or "default" is None, otherwise one of `REASONING_EFFORTS`."""
    value = text.strip().lower()
    if value in ("", "default"):
        return None
    if value not in REASONING_EFFORTS:
        raise FieldError(f"one of {', '.join(REASONING_EFFORTS)}")
    return value


def format_number(value: float | int | None) -> str:
    """A parameter as the dialog shows it: "" for unset, "0.7" not "0.7000000001", "1" not "1.0"."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:g}" if float(f"{value:g}") == value else repr(value)
