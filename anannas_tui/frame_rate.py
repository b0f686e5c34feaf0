"""How often Textual may paint: `TEXTUAL_FPS`, which Textual reads once, when it is first imported.

Textual paints at most that many times a second, and only when something changed, so an idle screen writes
nothing whatever the rate. The rate sets how long a change waits for its frame: Textual's paint timer keeps a
fixed grid of ticks and, when the event loop is busy (a reply streaming flat out), skips to the tick after the
next one, so at its default of 60 a keystroke could wait two periods (33 ms) before it was drawn. At 120 that
wait is at most ~17 ms: keystroke-to-frame p95 during a flat-out stream fell from ~55-65 ms to ~35-40 ms
(tests/benchmarks/bench_stream.py). Low-bandwidth mode caps painting at 10 frames a second instead, so a slow
link gets fewer, larger updates.
"""

from __future__ import annotations

import os

NORMAL_FPS = 120
"""Frames per second at most, normally."""

LOW_BANDWIDTH_FPS = 10
"""Frames per second at most in low-bandwidth mode (slow SSH links)."""


def choose_frame_rate(low_bandwidth: bool) -> None:
    """Set `TEXTUAL_FPS` for this process unless the user already did; call it before Textual is imported."""
    os.environ.setdefault("TEXTUAL_FPS", str(LOW_BANDWIDTH_FPS if low_bandwidth else NORMAL_FPS))
