"""Where a streaming reply's events go on screen: its message widget, and a retry notice for its owner."""

from __future__ import annotations

from collections.abc import Callable

from anannas_tui.core.events import RetryScheduled
from anannas_tui.widgets.assistant_message import AssistantMessage


class ViewSink:
    """A `ReplySink` (core/reply.py) that feeds an `AssistantMessage`; the chat and each compare column use it."""

    def __init__(self, view: AssistantMessage, on_retry: Callable[[RetryScheduled], None]) -> None:
        self.view = view
        self.on_retry = on_retry

    def append(self, text: str) -> None:
        """More reply text."""
        self.view.append(text)

    def append_reasoning(self, text: str) -> None:
        """More reasoning text."""
        self.view.append_reasoning(text)

    def retry_scheduled(self, event: RetryScheduled) -> None:
        """The request failed and will be retried after `event.delay` seconds."""
        self.on_retry(event)
