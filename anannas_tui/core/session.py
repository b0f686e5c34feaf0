"""The conversation data model: a `Session` of `Message`s, or of side-by-side `Column`s for a comparison.

Plain dataclasses with no I/O, so the chat screen, the compare view, the CLI and the file format all share one
shape. Text is cleaned at ingest (`clean_text`): a lone surrogate from a JSON `\\ud800` escape becomes U+FFFD
here, so no later UTF-8 save can fail on it. Everything else (controls, CRLF, emoji) is kept exactly; display
code sanitises it with `for_display` at the widget boundary, not here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from anannas_tui.core.config import ChatParams
from anannas_tui.core.usage import Usage

if TYPE_CHECKING:
    from anannas_tui.core.errors import ApiError

_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACE = re.compile(r"\s+")

#: The longest title `title_from_prompt` makes (the sessions list and the file name use it).
TITLE_LIMIT = 60

#: Column labels of a comparison, in order (2-4 models).
COMPARE_LABELS = ("A", "B", "C", "D")


def clean_text(text: str) -> str:
    """Replace lone surrogates with U+FFFD, the one change ever made to stored text.

    A surrogate cannot be encoded as UTF-8, so keeping it would make every later save of the conversation fail.
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def now() -> datetime:
    """The current local time with its UTC offset, to the second (what the session file records)."""
    return datetime.now().astimezone().replace(microsecond=0)


def new_id() -> str:
    """A random 12-hex-digit session id: short enough to type a prefix of, unique enough for a lifetime.

    `os.urandom` is what `secrets.token_hex` reads; importing `secrets` would load OpenSSL (via hmac) before the
    first frame, for nothing else.
    """
    return os.urandom(6).hex()


def title_from_prompt(prompt: str) -> str:
    """Make a one-line title from the first prompt: its first non-blank line, spaces collapsed, shortened."""
    for line in prompt.splitlines():
        words = _SPACE.sub(" ", clean_text(line)).strip()
        if words:
            return words if len(words) <= TITLE_LIMIT else words[: TITLE_LIMIT - 1].rstrip() + "…"
    return "Untitled"


def host_of(base_url: str | None) -> str | None:
    """The host (and port) of the endpoint, which is all a session records: never a path, user or key."""
    if not base_url:
        return None
    try:
        parts = urlsplit(base_url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host:
        return None
    return f"{host}:{port}" if port else host


class Role(StrEnum):
    """Who wrote a message; the system prompt is a field of the session, not a message."""

    USER = "user"
    ASSISTANT = "assistant"


class Status(StrEnum):
    """How a message ended."""

    COMPLETE = "complete"
    """The model finished (or the message is the user's)."""
    STOPPED = "stopped"
    """The user stopped the reply; its text so far is kept."""
    INCOMPLETE = "incomplete"
    """The stream broke off without a finish (connection lost, stalled); its text so far is kept."""
    ERROR = "error"
    """The request failed; `error` says why and the content is whatever arrived before."""


class SessionKind(StrEnum):
    """A plain chat, or several models answering the same prompts side by side."""

    CHAT = "chat"
    COMPARE = "compare"


@dataclass
class Message:
    """One user prompt or assistant reply, with everything the gateway said about it."""

    role: Role
    content: str = ""
    model: str | None = None
    """The model that answered (assistant messages); routing can differ from the one requested."""
    created: datetime = field(default_factory=now)
    status: Status = Status.COMPLETE
    finish_reason: str | None = None
    reasoning: str = ""
    usage: Usage | None = None
    cost_estimated: bool = False
    """True when `usage.cost` was estimated from catalogue prices rather than billed by the gateway."""
    ttft: float | None = None
    """Seconds from sending the request to the first token."""
    duration: float | None = None
    """Seconds from sending the request to the end of the reply."""
    error: ApiError | None = None
    provider: str | None = None
    """The upstream provider that served the reply, when the gateway said."""
    generation_id: str | None = None

    def __post_init__(self) -> None:
        self.role = Role(self.role)
        self.status = Status(self.status)
        self.content = clean_text(self.content)
        self.reasoning = clean_text(self.reasoning)

    @property
    def sendable(self) -> bool:
        """Whether this message belongs in the history sent to the model (failed and empty ones do not)."""
        return self.status is not Status.ERROR and bool(self.content.strip())


@dataclass
class Column:
    """One model's side of a comparison: its own copy of the shared prompts plus its replies."""

    label: str
    model: str
    messages: list[Message] = field(default_factory=list)


def api_messages(system_prompt: str, messages: Sequence[Message]) -> list[dict[str, str]]:
    """The `messages` list to send: the system prompt first (when set), then every sendable message."""
    result = [{"role": "system", "content": system_prompt}] if system_prompt.strip() else []
    result.extend({"role": str(m.role), "content": m.content} for m in messages if m.sendable)
    return result


def _add_optional(a: int | None, b: int | None) -> int | None:
    return a if b is None else (b if a is None else a + b)


def add_usage(total: Usage, usage: Usage) -> Usage:
    """Sum two usages; an optional count or cost stays None only while every part lacks it."""
    cost = total.cost if usage.cost is None else (usage.cost if total.cost is None else total.cost + usage.cost)
    return Usage(
        prompt_tokens=total.prompt_tokens + usage.prompt_tokens,
        completion_tokens=total.completion_tokens + usage.completion_tokens,
        total_tokens=total.total_tokens + usage.total_tokens,
        cached_tokens=_add_optional(total.cached_tokens, usage.cached_tokens),
        reasoning_tokens=_add_optional(total.reasoning_tokens, usage.reasoning_tokens),
        cost=cost,
    )


def _copy_column(column: Column, upto: int | None) -> Column:
    return replace(column, messages=[replace(message) for message in column.messages[:upto]])


@dataclass
class Session:
    """A conversation as saved in one file: metadata, parameters and messages (or comparison columns)."""

    id: str
    title: str
    created: datetime
    updated: datetime
    model: str = ""
    """The chat's model (for a comparison, each column has its own and this stays empty)."""
    system_prompt: str = ""
    params: ChatParams = field(default_factory=ChatParams)
    base_url_host: str | None = None
    """Host of the endpoint the conversation used, for the record; never the key."""
    messages: list[Message] = field(default_factory=list)
    kind: SessionKind = SessionKind.CHAT
    columns: list[Column] = field(default_factory=list)
    blind: bool = False
    """A comparison whose column models stay hidden until a favourite is picked."""
    favourite: str | None = None
    """The label of the column the user picked as best, once picked."""

    def __post_init__(self) -> None:
        self.kind = SessionKind(self.kind)
        self.title = clean_text(self.title)
        self.system_prompt = clean_text(self.system_prompt)

    @classmethod
    def new(
        cls, model: str, system_prompt: str = "", params: ChatParams | None = None, base_url: str | None = None
    ) -> Session:
        """Start an empty chat; the title comes from the first prompt (`set_title_from`)."""
        stamp = now()
        return cls(
            id=new_id(),
            title="",
            created=stamp,
            updated=stamp,
            model=model,
            system_prompt=system_prompt,
            params=replace(params) if params is not None else ChatParams(),
            base_url_host=host_of(base_url),
        )

    @classmethod
    def new_compare(
        cls,
        models: Sequence[str],
        system_prompt: str = "",
        params: ChatParams | None = None,
        base_url: str | None = None,
        *,
        blind: bool = False,
    ) -> Session:
        """Start an empty comparison with one column per model, labelled A, B, C, D."""
        if not 1 <= len(models) <= len(COMPARE_LABELS):
            raise ValueError(f"a comparison takes 1 to {len(COMPARE_LABELS)} models, not {len(models)}")
        session = cls.new("", system_prompt, params, base_url)
        session.kind = SessionKind.COMPARE
        session.blind = blind
        session.columns = [Column(label, model) for label, model in zip(COMPARE_LABELS, models, strict=False)]
        return session

    @property
    def display_model(self) -> str:
        """The model for a list row: the chat's model, or the columns' models joined.

        A blind comparison says only how many models it has until a favourite is picked: the sessions list
        (and its search) must not give away what the screen hides.
        """
        if self.kind is SessionKind.COMPARE:
            if self.blind and self.favourite is None:
                return f"blind · {len(self.columns)} models"
            return " vs ".join(column.model for column in self.columns)
        return self.model

    def column(self, label: str) -> Column:
        """The comparison column with this label (KeyError when there is none)."""
        for column in self.columns:
            if column.label == label:
                return column
        raise KeyError(label)

    def all_messages(self) -> Iterator[Message]:
        """Every message of the chat, or of every column in order."""
        yield from self.messages
        for column in self.columns:
            yield from column.messages

    def api_messages(self, column: str | None = None) -> list[dict[str, str]]:
        """The history to send next: the chat's, or the given comparison column's."""
        messages = self.column(column).messages if column is not None else self.messages
        return api_messages(self.system_prompt, messages)

    def set_title_from(self, prompt: str) -> None:
        """Give an untitled session the title of its first prompt (a later rename is kept)."""
        if not self.title:
            self.title = title_from_prompt(prompt)

    def touch(self) -> None:
        """Record that the conversation changed now."""
        self.updated = now()

    def total_usage(self) -> Usage:
        """Tokens and cost summed over every message that reported usage."""
        total = Usage()
        for message in self.all_messages():
            if message.usage is not None:
                total = add_usage(total, message.usage)
        return total

    def total_cost(self) -> tuple[Decimal | None, bool]:
        """The summed cost, and whether any part of it was an estimate (None when no message had a cost)."""
        costs = [
            (m.usage.cost, m.cost_estimated)
            for m in self.all_messages()
            if m.usage is not None and m.usage.cost is not None
        ]
        if not costs:
            return None, False
        return sum((cost for cost, _ in costs), Decimal(0)), any(estimated for _, estimated in costs)

    def fork(self, upto: int | None = None, column: str | None = None) -> Session:
        """Copy the conversation into a new chat with a new id (the original is untouched).

        Args:
            upto: keep only the first `upto` messages (None keeps all).
            column: fork this comparison column ("continue with this one"); the copy is a plain chat.
        """
        source = self.column(column) if column is not None else None
        messages = source.messages if source is not None else self.messages
        stamp = now()
        return Session(
            id=new_id(),
            title=f"{self.title} (fork)" if self.title else "",
            created=stamp,
            updated=stamp,
            model=source.model if source is not None else self.model,
            system_prompt=self.system_prompt,
            params=replace(self.params),
            base_url_host=self.base_url_host,
            messages=[replace(message) for message in messages[:upto]],
            kind=SessionKind.CHAT if source is not None else self.kind,
            columns=[] if source is not None else [_copy_column(c, upto) for c in self.columns],
            blind=False if source is not None else self.blind,
            favourite=None if source is not None else self.favourite,
        )
