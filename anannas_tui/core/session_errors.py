"""A saved error: an `ApiError`'s fields as a message's `[messages.error]` table, and back.

The transcript entry of a failed reply must look the same after a restart, so every field the error toast
shows is kept: kind, status, code, type, message, request and generation ids, the retry delay, moderation and
provider details. The gateway's free-form `metadata` can hold JSON nulls, which TOML cannot, so it is stored
as a JSON string (exact, nulls included).
"""

from __future__ import annotations

import json
from typing import Any

from anannas_tui.core.errors import ApiError, ErrorKind, ModerationInfo, ProviderInfo
from anannas_tui.core.session_reader import FormatError, Table


def _kind_name(kind: ErrorKind) -> str:
    """The stable name written to the file ("rate_limit"), not the display text, which may be reworded."""
    return kind.name.lower()


def _optional(table: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in table.items() if value is not None and value != "" and value != []}


def error_to_dict(error: ApiError, *, metadata_as_text: bool = True) -> dict[str, Any]:
    """The error table; `metadata_as_text=False` keeps the metadata an object (for the JSON export)."""
    code = None if isinstance(error.code, bool) else error.code
    table: dict[str, Any] = {"kind": _kind_name(error.kind), "message": error.message}  # always written
    table |= _optional(
        {
            "status": error.status,
            "code": code,
            "type": error.type,
            "request_id": error.request_id,
            "generation_id": error.generation_id,
            "retry_after": error.retry_after,
        }
    )
    if error.metadata:
        table["metadata"] = (
            json.dumps(error.metadata, ensure_ascii=False, default=str) if metadata_as_text else error.metadata
        )
    if error.moderation is not None:
        mod = error.moderation
        table["moderation"] = _optional(
            {
                "reasons": list(mod.reasons),
                "flagged_input": mod.flagged_input,
                "provider_name": mod.provider_name,
                "model_slug": mod.model_slug,
            }
        )
    if error.provider is not None:
        table["provider"] = _optional({"provider_name": error.provider.provider_name, "raw": error.provider.raw})
    return table


def _kind(table: Table) -> ErrorKind:
    names = {_kind_name(kind): kind for kind in ErrorKind}
    name = table.text("kind", required=True) or ""
    if name in names:
        return names[name]
    if table.strict:
        raise FormatError(f"{table.where}.kind must be one of {', '.join(names)}, not {name!r}")
    return ErrorKind.PROVIDER  # a kind added by a newer version: still shown, under a generic title


def _metadata(table: Table) -> dict[str, Any]:
    text = table.text("metadata")
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise FormatError(f"{table.where}.metadata is not valid JSON") from None
    if not isinstance(value, dict):
        raise FormatError(f"{table.where}.metadata must be a JSON object")
    return value


def _moderation(table: Table | None) -> ModerationInfo | None:
    if table is None:
        return None
    info = ModerationInfo(
        reasons=tuple(table.texts("reasons")),
        flagged_input=table.text("flagged_input"),
        provider_name=table.text("provider_name"),
        model_slug=table.text("model_slug"),
    )
    table.finish()
    return info


def _provider(table: Table | None) -> ProviderInfo | None:
    if table is None:
        return None
    info = ProviderInfo(provider_name=table.text("provider_name"), raw=table.text("raw"))
    table.finish()
    return info


def error_from_dict(table: Table) -> ApiError:
    """Rebuild the `ApiError` a message failed with from its error table."""
    code = table.get("code", (int, str), "an integer or a string", False)
    error = ApiError(
        kind=_kind(table),
        message=table.text("message", required=True) or "",
        status=table.integer("status"),
        code=code,
        type=table.text("type"),
        metadata=_metadata(table),
        moderation=_moderation(table.table("moderation")),
        provider=_provider(table.table("provider")),
        request_id=table.text("request_id"),
        generation_id=table.text("generation_id"),
        retry_after=table.real("retry_after"),
    )
    table.finish()
    return error
