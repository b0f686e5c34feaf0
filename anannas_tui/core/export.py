"""A session as Markdown (to read or share) or JSON (for scripts).

Both are built from the session, not the file, and return the text unsanitised: an export written to a file
keeps every character. The CLI passes them through `for_display` only when they go to a terminal.
The JSON has the same structure and key names as the TOML file (README: "Session files"), with date-times as
ISO 8601 strings, costs as numbers and an error's gateway metadata as an object.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from anannas_tui.core.metrics import format_cost
from anannas_tui.core.session import Message, Role, Session, SessionKind, Status

FORMATS = ("md", "json")

#: What a blind comparison shows instead of its models until a favourite is picked.
HIDDEN = "(models hidden until a favourite is picked)"


def _is_hidden(session: Session) -> bool:
    """A blind comparison keeps its models secret in the transcript until the user has voted."""
    return session.kind is SessionKind.COMPARE and session.blind and session.favourite is None


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def to_json(session: Session) -> str:
    """The session as pretty-printed JSON (non-ASCII characters kept as they are)."""
    # Imported here: the CLI imports this module (for FORMATS) on every start, the TUI included.
    from anannas_tui.core.session_codec import session_to_document
    from anannas_tui.core.session_format import FORMAT_VERSION

    document = {"format": FORMAT_VERSION, **session_to_document(session, metadata_as_text=False)}
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _when(stamp: datetime) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M")


def _message_facts(message: Message) -> str:
    """The italic line under a reply: tokens, cost, timing, and how it ended when not normally."""
    parts: list[str] = []
    if message.usage is not None:
        parts.append(f"{message.usage.prompt_tokens} in / {message.usage.completion_tokens} out tokens")
        if message.usage.cost is not None:
            parts.append(format_cost(message.usage.cost, message.cost_estimated))
    if message.ttft is not None:
        parts.append(f"first token {message.ttft:.2f} s")
    if message.duration is not None:
        parts.append(f"{message.duration:.1f} s")
    if message.finish_reason and message.finish_reason != "stop":
        parts.append(f"finish: {message.finish_reason}")
    if message.status is not Status.COMPLETE:
        parts.append(str(message.status))
    return " · ".join(parts)


def _message_markdown(message: Message, heading: str, hide_model: bool = False) -> list[str]:
    if message.role is Role.USER:
        title = "User"
    else:
        title = " · ".join(part for part in ("Assistant", None if hide_model else message.model) if part)
    lines = [f"{heading} {title} · {_when(message.created)}", ""]
    if message.reasoning:
        lines += ["<details><summary>Reasoning</summary>", "", message.reasoning, "", "</details>", ""]
    if message.content:
        lines += [message.content, ""]
    if message.error is not None:
        lines += [f"> **Error: {message.error.title}**", ">"]
        lines += [f"> {label}: {value}" for label, value in message.error.details()]
        lines.append("")
    facts = _message_facts(message) if message.role is Role.ASSISTANT else ""
    if facts:
        lines += [f"*{facts}*", ""]
    return lines


def _header(session: Session) -> list[str]:
    usage = session.total_usage()
    cost, estimated = session.total_cost()
    count = sum(1 for _ in session.all_messages())
    lines = [f"# {session.title or 'Untitled'}", ""]
    model = session.model
    if session.kind is SessionKind.COMPARE:
        shown = HIDDEN if _is_hidden(session) else session.display_model
        model = f"comparison of {shown}"
    lines.append(f"- Model: {model}")
    lines.append(f"- Created {_when(session.created)}, updated {_when(session.updated)}")
    tokens = f"{usage.prompt_tokens} in / {usage.completion_tokens} out tokens"
    lines.append(f"- {count} messages · {tokens} · cost {format_cost(cost, estimated)}")
    if session.favourite is not None:
        lines.append(f"- Favourite: column {session.favourite}")
    lines.append(f"- Session id: {session.id}")
    lines.append("")
    if session.system_prompt:
        lines += ["## System prompt", "", session.system_prompt, ""]
    return lines


def to_markdown(session: Session) -> str:
    """The conversation as a Markdown transcript (also what `anannas-tui sessions show` prints)."""
    lines = _header(session)
    for message in session.messages:
        lines += _message_markdown(message, "##")
    hidden = _is_hidden(session)
    for column in session.columns:
        lines += [f"## Column {column.label} · {HIDDEN if hidden else column.model}", ""]
        for message in column.messages:
            lines += _message_markdown(message, "###", hidden)
    return "\n".join(lines).rstrip("\n") + "\n"


def export(session: Session, fmt: str) -> str:
    """The session in `fmt` ("md" or "json")."""
    if fmt == "md":
        return to_markdown(session)
    if fmt == "json":
        return to_json(session)
    raise ValueError(f"unknown export format {fmt!r} (use {' or '.join(FORMATS)})")
