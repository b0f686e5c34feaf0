"""The typed events `AnannasClient.stream_chat` yields.

A consumer matches on these and never sees HTTP or SSE: the TUI, the CLI and the compare view all read the
same stream. Errors are events too (the last one of a failed stream), so a consumer needs no try/except to
keep the partial reply it has already shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from anannas_tui.core.errors import ApiError
from anannas_tui.core.usage import Usage


@dataclass(frozen=True)
class ContentDelta:
    """A piece of the reply's text, raw as the model sent it (sanitise before display)."""

    text: str


@dataclass(frozen=True)
class ReasoningDelta:
    """A piece of the model's reasoning (`delta.reasoning`, `reasoning_content` or `reasoning_details`)."""

    text: str


@dataclass(frozen=True)
class UsageReported:
    """The usage chunk (usually the last before `[DONE]`)."""

    usage: Usage


@dataclass(frozen=True)
class Finished:
    """The model finished normally; `reason` is the finish reason (`stop`, `length`, `content_filter`, ...)."""

    reason: str
    model: str | None = None
    """The model that actually answered (routing can differ from the request)."""
    provider: str | None = None
    generation_id: str | None = None


@dataclass(frozen=True)
class RetryScheduled:
    """A retryable failure before any content; the client waits `delay` seconds, then tries again."""

    attempt: int
    """1 for the first retry."""
    attempts: int
    """How many retries are allowed in all."""
    delay: float
    error: ApiError


@dataclass(frozen=True)
class StreamFailed:
    """The stream ended with an error; whatever content came before it stands."""

    error: ApiError


StreamEvent = ContentDelta | ReasoningDelta | UsageReported | Finished | RetryScheduled | StreamFailed
"""Everything `stream_chat` can yield."""
