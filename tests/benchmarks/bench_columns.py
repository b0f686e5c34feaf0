"""P6: four compare columns streaming the 60 KB reply at once, against one column alone, in the real app.

"One column alone" is the chat screen streaming test/big; "four columns" is the compare screen with test/big
in all four. Both are timed from the first delta to the frame after the last reply finished, paced at a fast
provider's 2,000 deltas/s per stream (P1's rate: four fast models at once; the row held to the target) and
flat out. Flat out, every column is bound by the CPU of the one event loop, so four columns cost four times
one: the client alone, with no UI at all, reading four flat-out streams takes ~4.5x one stream, which the
note beside that row measures in the same run. That row shows headroom, not the target.

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


async def measure(rate: float | None) -> tuple[float, float, float, float]:
    """One column, four columns, and the client alone reading one and four streams (no UI), same server."""
    with fake_server(rate=rate) as base_url:
        one = await stream_once(base_url, 1)
        four = await stream_once(base_url, 4)
        raw_one = await raw_stream_seconds(base_url, "test/big", streams=1)
        raw_four = await raw_stream_seconds(base_url, "test/big", streams=4)
    return one, four, raw_one, raw_four


def main(quick: bool) -> None:
    if not app_available():
        Result("P6", "four compare columns", None, "s", note="skipped: no app yet").emit()
        return
    with tempfile.TemporaryDirectory() as scratch:
        isolate_dirs(Path(scratch))
        flat = asyncio.run(measure(None))
        paced = None if quick else asyncio.run(measure(2_000))
    if paced is not None:
        one, four, _, raw_four = paced
        Result("P6", "4 columns, each streaming the 60 KB reply at 2,000 deltas/s: all done", four, "s", one,
               "one column alone", "<= 1.5x baseline", four <= 1.5 * one,
               f"the client alone, no UI: {raw_four:.2f} s").emit()  # fmt: skip
    one, four, raw_one, raw_four = flat
    Result("P6+", "headroom: 4 columns, each flat out (CPU-bound): all done", four, "s", one, "one column alone",
           "– (4x the work on one core)", None, f"the client alone, no UI: 4 streams {raw_four:.2f} s = "
           f"{raw_four / raw_one:.1f}x one stream").emit()  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="flat out only: smoke-test the script")
    main(parser.parse_args().quick)
