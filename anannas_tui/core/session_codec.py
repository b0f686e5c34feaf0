"""A `Session` as a plain document (nested dicts of TOML-able values) and back, validating everything read.

`session_format` turns the document into TOML text and checks its integrity; this module owns the field
names and types. "Absent means absent": TOML has no null, so a None or empty optional field is simply not
written, and a missing optional key reads back as None (or empty). Reading is strict for the current format
(an unknown key or a wrong type is a `FormatError` naming it, so a damaged file is never half-loaded) and
lenient for a newer one (unknown keys are ignored so the file can still be shown read-only).
"""

from __future__ import annotations

import math
import re
from dataclasses import fields
from datetime import datetime
from typing import Any

from anannas_tui.core.config import ChatParams
from anannas_tui.core.session import Column, Message, Role, Session, SessionKind, Status, clean_text
from anannas_tui.core.session_errors import error_from_dict, error_to_dict
from anannas_tui.core.session_reader import FormatError, Table
from anannas_tui.core.usage import Usage

__all__ = ["FormatError", "session_from_document", "session_to_document"]

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
COST_BASES = ("billed", "estimated")


def _compact(table: dict[str, Any]) -> dict[str, Any]:
    """Drop absent values (None, empty strings/lists/tables): TOML has no null, and absent means absent."""
    return {key: value for key, value in table.items() if value is not None and value not in ("", {}, [])}


def _finite(value: float | None) -> float | None:
    """A duration or parameter, or None for NaN/infinity (which would make the file unreadable elsewhere)."""
    return value if value is not None and math.isfinite(value) else None


def _usage_document(message: Message) -> dict[str, Any] | None:
    usage = message.usage
    if usage is None:
        return None
    cost = usage.cost if usage.cost is not None and usage.cost.is_finite() else None
    return _compact(
        {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens,
            "cached_tokens": usage.cached_tokens,
            "reasoning_tokens": usage.reasoning_tokens,
            "cost": cost,
            "cost_basis": None if cost is None else COST_BASES[message.cost_estimated],
        }
    )


def message_to_document(message: Message, *, metadata_as_text: bool = True) -> dict[str, Any]:
    """One `[[messages]]` table."""
    timing = _compact({"ttft": _finite(message.ttft), "duration": _finite(message.duration)})
    error = error_to_dict(message.error, metadata_as_text=metadata_as_text) if message.error else None
    table = _compact(
        {
            "role": str(message.role),
            "model": message.model,
            "created": message.created,
            "status": str(message.status),
            "finish_reason": message.finish_reason,
            "provider": message.provider,
            "generation_id": message.generation_id,
            "reasoning": message.reasoning,
            "usage": _usage_document(message),
            "timing": timing,
            "error": error,
        }
    )
    table["content"] = message.content  # always written, even empty, so every message says what it said
    return table


def _params_document(params: ChatParams) -> dict[str, Any]:
    return _compact(
        {
            "temperature": _finite(params.temperature),
            "max_tokens": params.max_tokens,
            "top_p": _finite(params.top_p),
            "reasoning_effort": params.reasoning_effort,
        }
    )


def session_to_document(session: Session, *, metadata_as_text: bool = True) -> dict[str, Any]:
    """The whole session as a document (without the format version and integrity, which the file adds).

    Args:
        metadata_as_text: store an error's free-form gateway metadata as a JSON string (TOML cannot hold its
            nulls); the JSON export passes False to keep it an object.
    """

    def messages(items: list[Message]) -> list[dict[str, Any]]:
        return [message_to_document(m, metadata_as_text=metadata_as_text) for m in items]

    compare = session.kind is SessionKind.COMPARE
    document = _compact(
        {
            "kind": str(session.kind),
            "id": session.id,
            "created": session.created,
            "updated": session.updated,
            "model": session.model,
            "base_url_host": session.base_url_host,
            "blind": True if compare and session.blind else None,
            "favourite": session.favourite if compare else None,
            "system_prompt": session.system_prompt,
            "params": _params_document(session.params),
            "messages": messages(session.messages) or None,
            "columns": [
                {"label": c.label, "model": c.model, **_compact({"messages": messages(c.messages)})}
                for c in session.columns
            ]
            or None,
        }
    )
    document = {"kind": document.pop("kind"), "id": document.pop("id"), "title": session.title, **document}
    cleaned: dict[str, Any] = _clean(document)
    return cleaned


def _clean(value: Any) -> Any:
    """Apply `clean_text` to every string, so a surrogate set on a message after ingest cannot fail a save."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _usage_from(table: Table) -> tuple[Usage, bool]:
    usage = Usage(
        prompt_tokens=table.integer("prompt_tokens") or 0,
        completion_tokens=table.integer("completion_tokens") or 0,
        total_tokens=table.integer("total_tokens") or 0,
        cached_tokens=table.integer("cached_tokens"),
        reasoning_tokens=table.integer("reasoning_tokens"),
        cost=table.number("cost"),
    )
    basis = table.choice("cost_basis", COST_BASES)
    table.finish()
    return usage, basis == "estimated"


def message_from_table(table: Table) -> Message:
    """Read one `[[messages]]` table."""
    usage_table, timing, error = table.table("usage"), table.table("timing"), table.table("error")
    usage, estimated = _usage_from(usage_table) if usage_table else (None, False)
    message = Message(
        role=Role(table.choice("role", tuple(Role), required=True) or ""),
        content=table.text("content", required=True) or "",
        model=table.text("model"),
        created=table.stamp("created", required=True) or datetime.now().astimezone(),
        status=Status(table.choice("status", tuple(Status), required=True) or ""),
        finish_reason=table.text("finish_reason"),
        reasoning=table.text("reasoning") or "",
        usage=usage,
        cost_estimated=estimated,
        ttft=timing.real("ttft") if timing else None,
        duration=timing.real("duration") if timing else None,
        error=error_from_dict(error) if error else None,
        provider=table.text("provider"),
        generation_id=table.text("generation_id"),
    )
    if timing:
        timing.finish()
    table.finish()
    return message


def params_from_table(table: Table | None) -> ChatParams:
    """Read `[params]`: a missing key means "not sent", never the config's default."""
    params = ChatParams(**{item.name: None for item in fields(ChatParams)})
    if table is None:
        return params
    params.temperature = table.real("temperature")
    params.max_tokens = table.integer("max_tokens")
    params.top_p = table.real("top_p")
    params.reasoning_effort = table.text("reasoning_effort")
    table.finish()
    return params


def _column_from(table: Table) -> Column:
    column = Column(
        label=table.text("label", required=True) or "",
        model=table.text("model", required=True) or "",
        messages=[message_from_table(item) for item in table.tables("messages")],
    )
    table.finish()
    return column


def session_from_document(data: dict[str, Any], *, strict: bool = True) -> Session:
    """Build a `Session` from a parsed document (minus `format` and `integrity`), or raise `FormatError`."""
    table = Table(data, "", strict)
    session_id = table.text("id", required=True) or ""
    if not _ID.fullmatch(session_id):
        raise FormatError("id must be 1-64 letters, digits, '-' or '_'")
    session = Session(
        id=session_id,
        title=table.text("title", required=True) or "",
        created=table.stamp("created", required=True) or datetime.now().astimezone(),
        updated=table.stamp("updated", required=True) or datetime.now().astimezone(),
        model=table.text("model") or "",
        system_prompt=table.text("system_prompt") or "",
        params=params_from_table(table.table("params")),
        base_url_host=table.text("base_url_host"),
        messages=[message_from_table(item) for item in table.tables("messages")],
        kind=SessionKind(table.choice("kind", tuple(SessionKind), required=True) or ""),
        columns=[_column_from(item) for item in table.tables("columns")],
        blind=table.flag("blind") or False,
        favourite=table.text("favourite"),
    )
    table.finish()
    _check_shape(session)
    return session


def _check_shape(session: Session) -> None:
    """Rules that span fields: a chat has no columns; a comparison's labels are unique and its pick exists."""
    labels = [column.label for column in session.columns]
    if session.kind is SessionKind.CHAT:
        if session.columns or session.blind or session.favourite is not None:
            raise FormatError("a chat session cannot have columns, blind or favourite")
        return
    if session.messages:
        raise FormatError("a compare session keeps its messages in [[columns]], not [[messages]]")
    if len(set(labels)) != len(labels):
        raise FormatError("column labels must be unique")
    if session.favourite is not None and session.favourite not in labels:
        raise FormatError(f"favourite {session.favourite!r} is not a column label")
