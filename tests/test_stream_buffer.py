"""FrameCoalescer: a streaming reply's draw waits for the screen's pending paint, and is never doubled or late.

A keystroke typed while a reply streams flat out must not queue behind 10-40 ms of Markdown: the stream's draw
is handed to `call_after_refresh`, so whatever is already waiting to be painted (the prompt's new character)
goes out first. These tests drive the coalescer's timer callback directly, so nothing depends on timing.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

from anannas_tui.widgets.stream_buffer import FrameCoalescer


class Host(App[None]):
    """A stand-in for the stream (`view`) and for the prompt (`prompt`); counts the frames it sends."""

    def compose(self) -> ComposeResult:
        yield Static("stream", id="view")
        yield Static("prompt", id="prompt")

    def on_mount(self) -> None:
        self.frames = 0
        original = self._display

        def display(screen: Any, renderable: Any) -> None:
            self.frames += renderable is not None
            original(screen, renderable)

        self._display = display  # type: ignore[method-assign]


async def test_the_draw_waits_for_a_pending_paint_then_runs_once() -> None:
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        draws: list[int] = []
        coalescer = FrameCoalescer(app.query_one("#view"), lambda: draws.append(app.frames))
        prompt = app.query_one("#prompt", Static)
        frames_before = app.frames
        prompt.update("prompt + a key")  # a keystroke's change, waiting for the next paint
        coalescer._fire()  # the coalescer's timer fires now
        assert draws == []  # not drawn ahead of the paint
        coalescer.request()  # more deltas arrive while the draw waits: no second draw is scheduled
        await pilot.pause(0.1)
        assert len(draws) == 1
        assert draws[0] > frames_before  # the key's frame went out before the stream was drawn


async def test_a_cancelled_draw_that_was_waiting_for_the_paint_never_runs() -> None:
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        draws: list[int] = []
        coalescer = FrameCoalescer(app.query_one("#view"), lambda: draws.append(app.frames))
        app.query_one("#prompt", Static).update("dirty")
        coalescer._fire()
        coalescer.cancel()  # the reply finished and drew everything itself
        await pilot.pause(0.1)
        assert draws == []
        coalescer.request()  # and the coalescer still works afterwards
        await pilot.pause(0.2)
        assert len(draws) == 1
