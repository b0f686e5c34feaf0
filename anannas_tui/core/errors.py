"""One error type for everything that can go wrong talking to the gateway.

The gateway sends errors in two body shapes (`{code, message, metadata}` and `{message, type}`), before the
stream (an HTTP status) or inside it (an SSE event with a top-level `error`), and the network adds its own
failures. `ApiError` carries all of it as fields, so the TUI's toast, the transcript entry, the CLI's stderr
report and the session file all read the same attributes instead of digging through dicts.

Every string on an `ApiError` built by `parse_error_body` has passed the sanitiser; `raw` detail is shortened.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from anannas_tui.core.sanitize import for_display, one_line, shorten


class ErrorKind(StrEnum):
    """What went wrong, in the words the user sees in a toast title."""

    BAD_REQUEST = "Bad request"
    AUTH = "Key rejected"
    CREDITS = "Out of credits"
    MODERATION = "Flagged by moderation"
    NOT_FOUND = "Not found"
    TIMEOUT = "Timed out"
    RATE_LIMIT = "Rate limited"
    SERVER = "Server error"
    PROVIDER = "Provider error"
    NO_PROVIDER = "No provider available"
    OVERLOADED = "Provider overloaded"
    CONNECTION = "Cannot connect"
    CONNECTION_LOST = "Connection lost"
    STALLED = "Stalled"
    EMPTY = "No content generated"
    INCOMPLETE = "Reply incomplete"
    BAD_RESPONSE = "Unexpected response"
    CONTENT_FILTER = "Stopped by content filter"


_KIND_BY_STATUS: dict[int, ErrorKind] = {
    400: ErrorKind.BAD_REQUEST,
    401: ErrorKind.AUTH,
    402: ErrorKind.CREDITS,
    403: ErrorKind.MODERATION,
    404: ErrorKind.NOT_FOUND,
    408: ErrorKind.TIMEOUT,
    429: ErrorKind.RATE_LIMIT,
    500: ErrorKind.SERVER,
    502: ErrorKind.PROVIDER,
    503: ErrorKind.NO_PROVIDER,
    504: ErrorKind.TIMEOUT,
    524: ErrorKind.TIMEOUT,
    529: ErrorKind.OVERLOADED,
}

_KIND_BY_TYPE: dict[str, ErrorKind] = {
    "invalid_request_error": ErrorKind.BAD_REQUEST,
    "authentication_error": ErrorKind.AUTH,
    "insufficient_quota_error": ErrorKind.CREDITS,
    "content_filter_error": ErrorKind.MODERATION,
    "timeout_error": ErrorKind.TIMEOUT,
    "rate_limit_error": ErrorKind.RATE_LIMIT,
    "rate_limit_exceeded": ErrorKind.RATE_LIMIT,
    "provider_error": ErrorKind.PROVIDER,
    "provider_unavailable": ErrorKind.PROVIDER,
    "provider_overloaded": ErrorKind.OVERLOADED,
    "server_error": ErrorKind.SERVER,
    "server": ErrorKind.SERVER,
    "timeout": ErrorKind.TIMEOUT,
    "context_length_exceeded": ErrorKind.BAD_REQUEST,
    "payment_required": ErrorKind.CREDITS,
    "authentication": ErrorKind.AUTH,
    "permission_denied": ErrorKind.MODERATION,
    "not_found": ErrorKind.NOT_FOUND,
}

#: How much of a flagged input or a provider's raw detail a summary keeps.
DETAIL_LIMIT = 200

_HINTS: dict[ErrorKind, str] = {
    ErrorKind.AUTH: "Check the key: `anannas-tui login` stores one, ANANNAS_API_KEY overrides it.",
    ErrorKind.CREDITS: "Add credits or raise the key's limit in the Anannas dashboard.",
    ErrorKind.MODERATION: "Rephrase the prompt, or pick a model without moderation.",
    ErrorKind.RATE_LIMIT: "Wait a moment and retry, or switch to another model.",
    ErrorKind.PROVIDER: "Retry, or switch to another model.",
    ErrorKind.NO_PROVIDER: "Retry later, or switch to another model.",
    ErrorKind.OVERLOADED: "Retry later, or switch to another model.",
    ErrorKind.CONNECTION: "Check the network and the base URL.",
    ErrorKind.CONNECTION_LOST: "The partial reply is kept: continue or regenerate it.",
    ErrorKind.STALLED: "The partial reply is kept: continue or regenerate it.",
    ErrorKind.EMPTY: "The model may be warming up: retry, or switch to another model.",
    ErrorKind.INCOMPLETE: "The partial reply is kept: continue or regenerate it.",
    ErrorKind.NOT_FOUND: "Check the model id (the model picker lists what the endpoint has).",
    ErrorKind.TIMEOUT: "Retry; a shorter prompt or another model may help.",
}


@dataclass(frozen=True)
class ModerationInfo:
    """Why the gateway's moderation refused a prompt (403)."""

    reasons: tuple[str, ...] = ()
    flagged_input: str | None = None
    provider_name: str | None = None
    model_slug: str | None = None


@dataclass(frozen=True)
class ProviderInfo:
    """Which upstream provider failed, and what it said (its `raw` detail, shortened)."""

    provider_name: str | None = None
    raw: str | None = None


@dataclass(eq=False)
class ApiError(Exception):
    """A failed request or stream, with everything the gateway said about it.

    Attributes are plain data so the same error can be shown in a toast, kept in the transcript, printed by
    the CLI and saved in a session file.
    """

    kind: ErrorKind
    message: str
    status: int | None = None
    code: int | str | None = None
    type: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    moderation: ModerationInfo | None = None
    provider: ProviderInfo | None = None
    request_id: str | None = None
    generation_id: str | None = None
    retry_after: float | None = None
    """Seconds the server asked us to wait (Retry-After, retry-after-ms or metadata), when it said."""

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.title}: {self.message}"

    @property
    def title(self) -> str:
        """A toast title such as "403 · Flagged by moderation" or "Connection lost"."""
        if self.status is not None and self.status != 200:
            return f"{self.status} · {self.kind.value}"
        return self.kind.value

    @property
    def hint(self) -> str | None:
        """What the user can do about it, when there is something to say."""
        if self.kind is ErrorKind.BAD_REQUEST and "context" in self.message.lower():
            return "The conversation is longer than the model's context: delete or trim earlier messages."
        return _HINTS.get(self.kind)

    def details(self) -> list[tuple[str, str]]:
        """Every field worth showing, as (label, value) pairs, in a stable order.

        The toast, the transcript entry and the CLI's stderr report all print exactly these rows.
        """
        rows: list[tuple[str, str]] = [("message", self.message)]
        if self.moderation is not None:
            mod = self.moderation
            if mod.reasons:
                rows.append(("reasons", ", ".join(mod.reasons)))
            if mod.flagged_input:
                rows.append(("flagged input", shorten(mod.flagged_input, 100)))
            if mod.provider_name:
                rows.append(("provider", mod.provider_name))
            if mod.model_slug:
                rows.append(("model", mod.model_slug))
        if self.provider is not None:
            if self.provider.provider_name:
                rows.append(("provider", self.provider.provider_name))
            if self.provider.raw:
                rows.append(("raw", self.provider.raw))
        extra = self.metadata.get("error_type")
        if isinstance(extra, str) and extra:
            rows.append(("error type", for_display(extra)))
        if self.code is not None and self.code != self.status:
            rows.append(("code", str(self.code)))
        if self.generation_id:
            rows.append(("generation", self.generation_id))
        if self.request_id and self.request_id != self.generation_id:
            rows.append(("request", self.request_id))
        return rows


def _text(value: Any, limit: int = 500) -> str | None:
    """Sanitise a metadata value for display; non-strings are JSON-encoded first."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return shorten(for_display(value), limit)


def _moderation(metadata: dict[str, Any]) -> ModerationInfo | None:
    if not any(key in metadata for key in ("reasons", "flagged_input", "model_slug")):
        return None
    reasons = metadata.get("reasons")
    reason_list = reasons if isinstance(reasons, list) else ([reasons] if reasons else [])
    return ModerationInfo(
        reasons=tuple(_text(reason, 80) or "" for reason in reason_list),
        flagged_input=_text(metadata.get("flagged_input"), DETAIL_LIMIT),
        provider_name=_text(metadata.get("provider_name"), 80),
        model_slug=_text(metadata.get("model_slug"), 120),
    )


def _provider(metadata: dict[str, Any]) -> ProviderInfo | None:
    if "raw" not in metadata and "provider_name" not in metadata:
        return None
    return ProviderInfo(
        provider_name=_text(metadata.get("provider_name"), 80),
        raw=_text(metadata.get("raw"), DETAIL_LIMIT),
    )


def _seconds(value: Any) -> float | None:
    """A positive, finite number of seconds, or None (bools, strings, NaN, inf and 10**400 are not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None


def kind_for(status: int | None, code: Any = None, type_: str | None = None) -> ErrorKind:
    """Choose the error kind: HTTP status first, then a numeric `code`, then `error_type`/`type`."""
    for candidate in (status, code):
        if isinstance(candidate, int) and candidate in _KIND_BY_STATUS:
            return _KIND_BY_STATUS[candidate]
    if isinstance(code, str) and code in _KIND_BY_TYPE:
        return _KIND_BY_TYPE[code]
    if type_ and type_ in _KIND_BY_TYPE:
        return _KIND_BY_TYPE[type_]
    if isinstance(status, int) and status >= 500:
        return ErrorKind.SERVER
    if isinstance(status, int) and status >= 400:
        return ErrorKind.BAD_REQUEST
    return ErrorKind.PROVIDER


def error_from_object(error: dict[str, Any], status: int | None, *, generation_id: str | None = None) -> ApiError:
    """Build an `ApiError` from the gateway's `error` object (either documented shape)."""
    raw_metadata = error.get("metadata")
    metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
    code = error.get("code")
    if not isinstance(code, int | str) or isinstance(code, bool):
        code = None
    type_ = error.get("type") if isinstance(error.get("type"), str) else None
    error_type = metadata.get("error_type")
    kind = kind_for(status, code, error_type if isinstance(error_type, str) else type_)
    message = _text(error.get("message"), 500) or kind.value
    if kind is ErrorKind.MODERATION or "reasons" in metadata:
        moderation, provider = _moderation(metadata), None
    else:
        moderation, provider = None, _provider(metadata)
    retry_after = _seconds(metadata.get("retry_after_seconds"))
    return ApiError(
        kind=kind,
        message=message,
        status=status,
        code=code if not isinstance(code, str) else for_display(code),
        type=for_display(type_) if type_ else None,
        metadata=metadata,
        moderation=moderation,
        provider=provider,
        generation_id=for_display(generation_id) if generation_id else None,
        retry_after=retry_after,
    )


def parse_error_body(status: int, body: bytes | str, content_type: str = "") -> ApiError:
    """Turn a non-2xx response body into an `ApiError`.

    JSON bodies in either shape become fields; anything else (a proxy's HTML 502 page, plain text, nothing)
    becomes the status plus a sanitised one-line summary, never the page itself.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        return error_from_object(parsed["error"], status)
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), str):
        return error_from_object({"message": parsed["error"]}, status)
    kind = kind_for(status)
    summary = one_line(text) if text.strip() else kind.value
    if "html" in content_type.lower() or text.lstrip().startswith("<"):
        summary = f"HTTP {status} from a proxy or gateway: {summary}"
    return ApiError(kind=kind, message=summary, status=status)
