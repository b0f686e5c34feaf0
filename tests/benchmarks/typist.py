"""Keystroke-to-frame latency: type into a prompt at a steady pace and time each key until it is on screen.

A key counts as shown at the first frame after which the prompt's text contains it (not merely the next frame,
which may have been started before the key was handled).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from harness import FrameClock
from textual import events


class Typist:
    """Presses `x` every `interval` seconds into `prompt` (a TextArea) and records key-to-frame latencies."""

    def __init__(self, app: Any, prompt: Any, clock: FrameClock, interval: float = 0.05) -> None:
        self.app = app
        self.prompt = prompt
        self.clock = clock
        self.interval = interval
        self.latencies: list[float] = []
        self._pending: list[tuple[int, float]] = []
        self._task: asyncio.Task[None] | None = None
        self._typed = 0
        clock.hooks.append(self._frame)

    def _frame(self, now: float) -> None:
        length = len(self.prompt.text)
        while self._pending and self._pending[0][0] <= length:
            self.latencies.append(now - self._pending.pop(0)[1])

    async def _type(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            if self._typed >= 200:  # keep the prompt a few lines tall, like a real question
                self.prompt.clear()
                self._typed = 0
                self._pending.clear()
                await asyncio.sleep(self.interval)
            self._typed += 1
            self._pending.append((len(self.prompt.text) + 1, time.perf_counter()))
            self.app.post_message(events.Key("x", "x"))

    def start(self) -> None:
        self.prompt.focus()
        self._task = asyncio.create_task(self._type())

    async def stop(self) -> list[float]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.clock.hooks.remove(self._frame)
        return self.latencies

    async def idle_sample(self, keys: int = 30) -> list[float]:
        """Latencies with nothing else happening (the reference for the streaming figures)."""
        self.start()
        while len(self.latencies) < keys:
            await asyncio.sleep(self.interval)
        latencies = await self.stop()
        self.prompt.clear()
        self.latencies = []
        self.clock.hooks.append(self._frame)
        return latencies
