"""P6: four compare columns streaming the 60 KB reply at once, against one column alone, in the real app.

"One column alone" is the chat screen streaming test/big; "four columns" is the compare screen with test/big
in all four. Both are timed from the first delta to the frame after the last reply finished, flat out and
paced at a fast provider's 2,000 deltas/s per stream (the realistic case: four fast models at once).

    python tests/benchmarks/bench_columns.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import (
    SIZE,
    FrameClock,
    Result,
    app_available,
    fake_server,
    isolate_dirs,
    make_real_app,
    raw_stream_seconds,
)
from textual import events


async def stream_once(base_url: str, columns: int) -> float:
    """Seconds from the first delta to the frame showing every reply complete."""
    from anannas_tui.widgets.assistant_message import AssistantMessage

    first: list[float] = []
    append = AssistantMessage.append

    def timed_append(view: Any, text: str) -> None:
        if not first:
            first.append(time.perf_counter())
        append(view, text)

    AssistantMessage.append = timed_append  # type: ignore[method-assign]
    options: dict[str, Any] = {"compare": ["test/big"] * columns} if columns > 1 else {}
    app = make_real_app(base_url, "test/big", **options)
    clock = FrameClock(app)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            prompt = app.screen.query_one("PromptInput")
            prompt.focus()
            prompt.load_text("Explain everything")
            app.post_message(events.Key("enter", None))
            while True:
                replies = list(app.screen.query(AssistantMessage))
                if len(replies) == columns and all(not reply.streaming for reply in replies):
                    break
                await asyncio.sleep(0.005)
            done = await clock.next_frame(time.perf_counter())
    finally:
        AssistantMessage.append = append  # type: ignore[method-assign]
    return done - first[0]


async def measure(rate: float | None) -> tuple[float, float, float]:
    """One column, four columns, and the client alone reading four streams (no UI) from the same server."""
    with fake_server(rate=rate) as base_url:
        one = await stream_once(base_url, 1)
        four = await stream_once(base_url, 4)
        raw = await raw_stream_seconds(base_url, "test/big", streams=4)
    return one, four, raw


def main(quick: bool) -> None:
    if not app_available():
        Result("P6", "four compare columns", None, "s", note="skipped: no app yet").emit()
        return
    with tempfile.TemporaryDirectory() as scratch:
        isolate_dirs(Path(scratch))
        flat_one, flat_four, flat_raw = asyncio.run(measure(None))
        paced_one, paced_four, paced_raw = asyncio.run(measure(None if quick else 2_000))
    Result("P6", "4 columns streaming the 60 KB reply, flat out: all done", flat_four, "s", flat_one,
           "one column alone", "<= 1.5x baseline", None if quick else flat_four <= 1.5 * flat_one,
           f"the client alone reading the 4 streams, no UI: {flat_raw:.2f} s").emit()  # fmt: skip
    if not quick:
        Result("P6", "4 columns, each paced at 2,000 deltas/s: all done", paced_four, "s", paced_one,
               "one column alone", "<= 1.5x baseline", paced_four <= 1.5 * paced_one,
               f"the client alone, no UI: {paced_raw:.2f} s").emit()  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="flat out only: smoke-test the script")
    main(parser.parse_args().quick)
