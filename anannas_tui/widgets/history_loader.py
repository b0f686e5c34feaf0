"""Opening a long conversation fast: render what is on screen now, the rest a slice at a time.

Parsing and wrapping 750 KB of Markdown takes seconds on a slow machine, so `load_history` renders only the
newest messages before the first frame (about two screens); every older message is *deferred*: it takes an
estimated height and no rendering. `HistoryLoader` renders a deferred message at once when it comes within a
screen of the viewport, and the others in slices of a few milliseconds between frames, nearest first. The
chat pane keeps the text being read still when a message above it changes from estimate to real height.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

from textual.geometry import Size
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from anannas_tui.widgets.transcript_entry import TranscriptEntry
from anannas_tui.widgets.transcript_window import Placement

SLICE_SECONDS = 0.008
"""Rendering done per background step; short enough that a keystroke never waits long behind it."""

STEP_SECONDS = 0.03
"""Pause between background steps, leaving the event loop free for input and frames."""

QUIET_SECONDS = 0.3
"""Background rendering pauses until the view has been still this long."""

EAGER_SCREENS = 2
"""Screenfuls of the newest messages rendered before the first frame."""


class HistoryMessage(Protocol):
    """What `load_history` needs of a saved message (the session's `Message` fits)."""

    @property
    def role(self) -> str:
        """ "user" or "assistant"."""
        ...

    @property
    def content(self) -> str:
        """The text as received (raw: it is sanitised for display here)."""
        ...

    @property
    def model(self) -> str | None:
        """The model that answered."""
        ...

    @property
    def status(self) -> str:
        """complete, stopped, incomplete or error."""
        ...

    @property
    def reasoning(self) -> str:
        """The model's reasoning, if any."""
        ...


def entry_for(message: HistoryMessage, footer: str = "") -> Widget:
    """The transcript entry that shows one saved message."""
    # The message widgets are imported with the first message: an empty chat's first frame draws none of them
    # (P3 in the README); the reply's Markdown renderer follows with the first reply.
    from anannas_tui.widgets.assistant_message import AssistantMessage
    from anannas_tui.widgets.user_message import UserMessage

    role = str(message.role)
    if role == "user":
        return UserMessage(message.content)
    if role == "assistant":
        return AssistantMessage(
            message.model or "assistant",
            content=message.content,
            reasoning=message.reasoning,
            status=str(message.status),
            footer=footer,
        )
    return Static(message.content, markup=False)


class HistoryHost(Protocol):
    """What the loader needs from the chat pane."""

    def placements(self) -> list[Placement]:
        """Every entry's position in the scroll space."""
        ...

    def view_span(self) -> tuple[float, float]:
        """The rows on screen."""
        ...

    def content_width(self, widget: Widget) -> int:
        """The width an entry renders at."""
        ...

    def keep_view(self, change: Callable[[], None]) -> None:
        """Run `change` without moving the text on screen."""
        ...

    def set_timer(self, delay: float, callback: Callable[[], None], *, name: str | None = None) -> Timer:
        """Textual's timer."""
        ...


def defer_older(entries: Sequence[Widget], screen: Size) -> None:
    """Mark all but the newest ~two screenfuls of entries as deferred (not rendered until needed)."""
    budget = EAGER_SCREENS * screen.height
    width = max(screen.width - 4, 1)
    for entry in reversed(entries):
        if not isinstance(entry, TranscriptEntry):
            continue
        if budget > 0:
            budget -= entry.estimate_rows(width) + 1
        else:
            entry.deferred = True


class HistoryLoader:
    """Renders a chat pane's deferred entries: at once near the viewport, otherwise in background slices."""

    def __init__(self, host: HistoryHost) -> None:
        self.host = host
        self._timer: Timer | None = None
        self._scrolled = 0.0

    def start(self) -> None:
        """Begin (or continue) rendering deferred entries in the background."""
        if self._timer is None:
            self._timer = self.host.set_timer(STEP_SECONDS, self._step, name="history-loader")

    def stop(self) -> None:
        """Stop background rendering (the pane is being cleared)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _step(self) -> None:
        self._timer = None
        if time.perf_counter() - self._scrolled < QUIET_SECONDS:
            self.start()  # the user is scrolling: leave the frames to them, the view renders what it needs
            return
        top, bottom = self.host.view_span()
        middle = (top + bottom) / 2
        deferred = [p for p in self.host.placements() if _deferred(p.widget)]
        if not deferred:
            return
        deferred.sort(key=lambda p: abs(p.top + p.height / 2 - middle))
        deadline = time.perf_counter() + SLICE_SECONDS

        def render_slice() -> None:
            for placement in deferred:
                self._hydrate(placement.widget)
                if time.perf_counter() > deadline:
                    break

        self.host.keep_view(render_slice)
        self.start()

    def near_view(self) -> None:
        """Render every deferred entry within a screen of the viewport (before the frame is drawn)."""
        self._scrolled = time.perf_counter()
        top, bottom = self.host.view_span()
        screen = bottom - top
        near = [
            p.widget
            for p in self.host.placements()
            if _deferred(p.widget) and p.top < bottom + screen and p.top + p.height > top - screen
        ]
        self.hydrate(near)

    def hydrate(self, entries: Sequence[Widget]) -> None:
        """Render these entries now if they are deferred, keeping the view still."""
        pending = [entry for entry in entries if _deferred(entry)]

        def render_all() -> None:
            for entry in pending:
                self._hydrate(entry)

        if pending:
            self.host.keep_view(render_all)

    def _hydrate(self, entry: Widget) -> None:
        if isinstance(entry, TranscriptEntry):
            entry.hydrate(self.host.content_width(entry))


def _deferred(widget: Widget) -> bool:
    return isinstance(widget, TranscriptEntry) and widget.deferred
