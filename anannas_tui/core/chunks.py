"""Turning decoded stream chunks (and non-stream completions) into typed events.

Pure and synchronous, so every quirk in the protocol reference's edge-case list can be tested without a
server: empty `choices`, role-only and usage-only chunks, reasoning in three spellings, a top-level `error`
(with or without `choices`), `finish_reason: "error"`, `native_finish_reason` errors behind a benign
finish reason, and usage that arrives before, with or after the finish chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from anannas_tui.core.errors import ApiError, ErrorKind, error_from_object
from anannas_tui.core.events import (
    ContentDelta,
    ReasoningDelta,
    StreamEvent,
    UsageReported,
)
from anannas_tui.core.sanitize import for_display
from anannas_tui.core.usage import Usage

_ERROR_FINISHES = frozenset({"error", "network_error"})


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def parse_usage(raw: Any) -> Usage | None:
    """Normalise a `usage` object; None when there is none."""
    if not isinstance(raw, dict):
        return None
    prompt_details = raw.get("prompt_tokens_details")
    completion_details = raw.get("completion_tokens_details")
    cost: Decimal | None = None
    if isinstance(raw.get("cost"), int | float | str) and not isinstance(raw.get("cost"), bool):
        try:
            cost = Decimal(str(raw["cost"]))
        except InvalidOperation:
            cost = None
    prompt = _count(raw.get("prompt_tokens")) or 0
    completion = _count(raw.get("completion_tokens")) or 0
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=_count(raw.get("total_tokens")) or prompt + completion,
        cached_tokens=_count(prompt_details.get("cached_tokens")) if isinstance(prompt_details, dict) else None,
        reasoning_tokens=_count(completion_details.get("reasoning_tokens"))
        if isinstance(completion_details, dict)
        else None,
        cost=cost if cost is not None and cost.is_finite() else None,
    )


def _reasoning_text(delta: dict[str, Any]) -> str:
    """Reasoning from `reasoning`, else `reasoning_content`, else `reasoning_details` (never two of them)."""
    for key in ("reasoning", "reasoning_content"):
        value = delta.get(key)
        if isinstance(value, str) and value:
            return value
    details = delta.get("reasoning_details")
    if not isinstance(details, list):
        return ""
    parts: list[str] = []
    for item in details:
        if not isinstance(item, dict):
            continue
        for key in ("text", "summary"):
            if isinstance(item.get(key), str):
                parts.append(item[key])
                break
    return "".join(parts)


@dataclass
class ChunkReader:
    """Reads one reply's chunks in order and remembers what the end of the stream needs to know."""

    content_seen: bool = False
    reasoning_seen: bool = False
    text_events: int = 0
    """How many content or reasoning deltas arrived (the stall watchdog's measure of progress)."""
    finish_reason: str | None = None
    model: str | None = None
    provider: str | None = None
    generation_id: str | None = None
    error: ApiError | None = None
    """Set when a chunk carried an error; the stream ends there."""

    def _remember_ids(self, chunk: dict[str, Any]) -> None:
        for attribute, key in (("generation_id", "id"), ("model", "model"), ("provider", "provider")):
            value = chunk.get(key)
            if isinstance(value, str) and value and getattr(self, attribute) is None:
                setattr(self, attribute, for_display(value))

    def read(self, chunk: Any) -> list[StreamEvent]:
        """Return the events in one chunk; sets `error` when the chunk ends the stream with one."""
        if not isinstance(chunk, dict):
            self.error = ApiError(ErrorKind.BAD_RESPONSE, "The server sent an event that is not an object.")
            return []
        self._remember_ids(chunk)
        events: list[StreamEvent] = []
        choices = chunk.get("choices")
        for choice in choices if isinstance(choices, list) else []:
            if isinstance(choice, dict):
                events.extend(self._read_choice(choice))
        usage = parse_usage(chunk.get("usage"))
        if usage is not None:
            events.append(UsageReported(usage))
        raw_error = chunk.get("error")
        if raw_error:
            self.error = self._error(raw_error)
        elif self.finish_reason in _ERROR_FINISHES and self.error is None:
            self.error = ApiError(
                ErrorKind.PROVIDER, "The provider reported an error.", generation_id=self.generation_id
            )
        return events

    def _read_choice(self, choice: dict[str, Any]) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        delta: dict[str, Any] = {}
        for key in ("delta", "message"):  # "message" in a non-stream completion
            if isinstance(choice.get(key), dict):
                delta = choice[key]
                break
        reasoning = _reasoning_text(delta)
        if reasoning:
            self.reasoning_seen = True
            self.text_events += 1
            events.append(ReasoningDelta(reasoning))
        for key in ("content", "refusal"):
            text = delta.get(key)
            if isinstance(text, str) and text:
                self.content_seen = True
                self.text_events += 1
                events.append(ContentDelta(text))
        finish = choice.get("finish_reason")
        native = choice.get("native_finish_reason")
        if isinstance(native, str) and native in _ERROR_FINISHES:
            finish = "error"
        if isinstance(finish, str) and finish:
            self.finish_reason = for_display(finish)
        if isinstance(choice.get("error"), dict):  # a non-stream completion that failed after partial output
            self.error = self._error(choice["error"])
        return events

    def _error(self, raw: Any) -> ApiError:
        body = raw if isinstance(raw, dict) else {"message": str(raw)}
        code = body.get("code")
        status = code if isinstance(code, int) and not isinstance(code, bool) else None
        return error_from_object(body, status, generation_id=self.generation_id)
