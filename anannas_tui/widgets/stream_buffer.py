"""Delta coalescing: a streaming reply is drawn at most once per frame, never once per token.

A fast provider sends 1,000-2,000 deltas a second; drawing each one costs a layout pass, so the stock
per-delta approach falls behind by minutes on a long answer. Here appending a delta only sanitises it and
adds it to a list (microseconds); `FrameCoalescer` then draws everything that arrived since the last frame
in one go, at most every `interval` seconds, and stops its timer when nothing is pending so an idle chat
writes nothing to the terminal.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.timer import Timer
from textual.widget import Widget

from anannas_tui.core.sanitize import StreamSanitizer

FRAME_INTERVAL = 1 / 30
"""Seconds between redraws of a streaming message (about 30 a second)."""

LOW_BANDWIDTH_INTERVAL = 0.1
"""Seconds between redraws in low-bandwidth mode (at most 10 a second, for slow SSH links)."""

MAX_INTERVAL = 0.25
"""The longest the coalescer backs off when drawing is slow, so text never lags by more than this."""


class StreamChannel:
    """One stream of text (the reply, or its reasoning): raw as received, and the safe part not yet drawn."""

    def __init__(self) -> None:
        self._raw: list[str] = []
        self._pending: list[str] = []
        self._sanitizer = StreamSanitizer()

    def add(self, text: str) -> None:
        """Keep `text` as received and queue its display-safe form."""
        self._raw.append(text)
        safe = self._sanitizer.feed(text)
        if safe:
            self._pending.append(safe)

    def take(self, limit: int | None = None) -> str:
        """The display-safe text queued since the last take (at most `limit` characters; the rest stays)."""
        if not self._pending:
            return ""
        text = "".join(self._pending)
        self._pending.clear()
        if limit is not None and len(text) > limit:
            self._pending.append(text[limit:])
            text = text[:limit]
        return text

    def close(self) -> str:
        """The end of the stream: whatever is queued, plus anything the sanitiser held back."""
        tail = self._sanitizer.flush()
        if tail:
            self._pending.append(tail)
        return self.take()

    @property
    def pending(self) -> bool:
        """Whether text is waiting to be drawn."""
        return bool(self._pending)

    @property
    def raw(self) -> str:
        """Everything received, unaltered (what is saved and copied)."""
        if len(self._raw) > 1:
            self._raw[:] = ["".join(self._raw)]
        return self._raw[0] if self._raw else ""


class DrawBudget:
    """How much new text one frame may draw, learned from how long drawing took.

    A flat-out stream can deliver tens of kilobytes between two frames; drawing it all at once would make
    that frame (and any keystroke waiting behind it) take hundreds of milliseconds. Each frame instead draws
    about `FRAME_BUDGET` seconds' worth, at the rate the last frames achieved; the rest waits for the next
    frame, which follows at once. Throughput stays far above any model's speed.
    """

    FRAME_BUDGET = 0.02
    """Seconds of drawing per frame to aim for (a keystroke never waits much longer than this)."""

    def __init__(self, chars: int = 4_000) -> None:
        self.chars = chars
        """Characters the next frame may take."""
        self._rate = 0.0

    def record(self, chars: int, seconds: float) -> None:
        """A frame drew `chars` characters in `seconds`: adjust the next frame's share.

        The drawing rate is smoothed over frames, so one slow frame (the first code block loads its
        highlighter, a collection runs) does not starve the next ones and let a backlog build up.
        """
        if chars < 200 or seconds <= 0:
            return
        rate = chars / seconds
        self._rate = rate if not self._rate else 0.7 * self._rate + 0.3 * rate
        self.chars = int(min(max(self._rate * self.FRAME_BUDGET, 2_000), 50_000))


class FrameCoalescer:
    """Calls `draw` at most once per `interval` while there is something to draw; no timer when idle.

    If drawing takes long (a huge table arriving at once, a slow machine), the next frame waits twice the
    time the last one took, up to `MAX_INTERVAL`, so rendering never takes more than about half the CPU
    and keystrokes are still handled between frames.
    """

    def __init__(self, owner: Widget, draw: Callable[[], None], interval: float = FRAME_INTERVAL) -> None:
        self._owner = owner
        self._draw = draw
        self.interval = interval
        self._delay = interval
        self._timer: Timer | None = None
        self._queued = False
        """A draw is waiting for the screen's next paint."""

    def request(self) -> None:
        """Ask for a frame; cheap to call on every delta."""
        if self._timer is None and not self._queued and self._owner.is_attached:
            self._timer = self._owner.set_timer(self._delay, self._fire, name="stream-frame")

    def _fire(self) -> None:
        self._timer = None
        # Draw after the screen's next paint, not before it: a keystroke that is waiting to be shown goes out
        # first, instead of queuing behind 10-40 ms of Markdown. With nothing waiting, this runs at once.
        self._queued = self._owner.call_after_refresh(self._draw_now)

    def _draw_now(self) -> None:
        if not self._queued or not self._owner.is_attached:
            return  # cancelled, or the message was removed, while it waited
        self._queued = False
        started = time.perf_counter()
        self._draw()
        spent = time.perf_counter() - started
        self._delay = min(max(self.interval, 2 * spent), MAX_INTERVAL)

    def cancel(self) -> None:
        """Drop a pending frame (the owner is drawing everything now, or going away)."""
        self._queued = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
