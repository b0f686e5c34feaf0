"""Running one reply: consume a stream's events, feed a view, and end with a session `Message`.

The chat screen and every compare column run replies the same way, so the bookkeeping lives here, free of
Textual: what arrived, how it ended (complete, stopped, incomplete, error), and the metrics. A view only has
to implement `ReplySink`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from anannas_tui.core.config import ChatParams
from anannas_tui.core.errors import ApiError
from anannas_tui.core.events import (
    ContentDelta,
    Finished,
    ReasoningDelta,
    RetryScheduled,
    StreamEvent,
    StreamFailed,
    UsageReported,
)
from anannas_tui.core.metrics import ReplyMetrics, ReplyTimer, reply_metrics
from anannas_tui.core.models import ModelInfo
from anannas_tui.core.session import Message, Role, Status
from anannas_tui.core.usage import Usage

if TYPE_CHECKING:  # the client pulls in httpx, which the TUI imports only after its first frame
    from anannas_tui.core.client import AnannasClient

#: Seconds of stream processing after which the reply hands the event loop to input and frames.
YIELD_EVERY = 0.002

#: What is appended to the history to ask a model to carry on from a cut-off reply.
CONTINUE_PROMPT = "Continue exactly where your previous reply stopped. Do not repeat anything already written."


class ReplySink(Protocol):
    """Where a reply's text goes while it streams (a chat message widget, a compare column)."""

    def append(self, text: str) -> None:
        """Show more reply text."""

    def append_reasoning(self, text: str) -> None:
        """Show more reasoning text."""

    def retry_scheduled(self, event: RetryScheduled) -> None:
        """Say that the request failed and will be retried after `event.delay` seconds."""


@dataclass
class ReplyOutcome:
    """Everything one reply produced so far; complete once `run_reply` returns or is cancelled."""

    model: str
    content: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    usage: Usage | None = None
    finish_reason: str | None = None
    error: ApiError | None = None
    stopped: bool = False
    timer: ReplyTimer = field(default_factory=ReplyTimer)
    answered_by: str | None = None
    provider: str | None = None
    generation_id: str | None = None

    @property
    def text(self) -> str:
        """The reply text so far."""
        return "".join(self.content)

    @property
    def status(self) -> Status:
        """How the reply ended, in the session's terms."""
        if self.stopped:
            return Status.STOPPED
        if self.error is not None:
            return Status.INCOMPLETE if self.content else Status.ERROR
        return Status.COMPLETE

    def apply(self, event: StreamEvent, sink: ReplySink) -> None:
        """Record one event and pass its text on to `sink`."""
        match event:
            case ContentDelta(text=text):
                self.timer.token()
                self.content.append(text)
                sink.append(text)
            case ReasoningDelta(text=text):
                self.timer.token()
                self.reasoning.append(text)
                sink.append_reasoning(text)
            case UsageReported(usage=usage):
                self.usage = usage
            case Finished():
                self.finish_reason = event.reason
                self.answered_by, self.provider = event.model, event.provider
                self.generation_id = event.generation_id
            case RetryScheduled():
                sink.retry_scheduled(event)
            case StreamFailed(error=error):
                self.error = error

    def metrics(self, model: ModelInfo | None) -> ReplyMetrics:
        """Tokens, cost (billed, or estimated from `model`'s prices), timings and finish reason."""
        return reply_metrics(self.timer, self.usage, self.finish_reason, model)

    def to_message(self, model: ModelInfo | None) -> Message:
        """The session record of this reply."""
        metrics = self.metrics(model)
        usage = self.usage
        if usage is not None and metrics.cost_estimated:
            usage = replace(usage, cost=metrics.cost)
        return Message(
            role=Role.ASSISTANT,
            content=self.text,
            model=self.answered_by or self.model,
            status=self.status,
            finish_reason=self.finish_reason,
            reasoning="".join(self.reasoning),
            usage=usage,
            cost_estimated=metrics.cost_estimated,
            ttft=metrics.ttft,
            duration=metrics.duration,
            error=self.error,
            provider=self.provider,
            generation_id=self.generation_id,
        )


async def run_reply(
    client: AnannasClient,
    messages: list[dict[str, str]],
    params: ChatParams,
    sink: ReplySink,
    outcome: ReplyOutcome,
) -> None:
    """Stream `outcome.model`'s reply to `messages` into `sink`, recording it in `outcome`.

    The caller creates `outcome` so that it still has it when the task is cancelled: cancellation marks it
    stopped and propagates; the timer's end is recorded either way.
    """
    last_yield = time.monotonic()
    try:
        async for event in client.stream_chat(outcome.model, messages, params):
            outcome.apply(event, sink)
            # A fast stream never makes the loop wait (httpx returns buffered events at once), so keys and
            # frames would queue behind it; give them a turn every few milliseconds.
            if time.monotonic() - last_yield > YIELD_EVERY:
                await asyncio.sleep(0)
                last_yield = time.monotonic()
    except asyncio.CancelledError:
        outcome.stopped = True  # the user stopped it: what arrived stands, marked stopped
        raise
    finally:
        outcome.timer.end()
