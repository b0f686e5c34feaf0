"""P1, P1b, P2: one long reply streamed into the real app, beside stock Markdown.get_stream() in the same run.

The real anannas-tui app runs headless (120x40) against the loopback server's test/big (the ~60 KB Markdown
reply in 4-character deltas) sent flat out, then paced at a fast provider's 2,000 deltas/s. While it streams,
a typist presses a key every 50 ms in the prompt. The baseline is Textual's documented streaming pattern fed by
the same client from the same server, with the same typist.

    python tests/benchmarks/bench_stream.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import SIZE, FrameClock, Result, big_reply, fake_server, isolate_dirs, make_real_app, ms, percentile
from stock_apps import StockChatApp
from textual import events
from typist import Typist

from anannas_tui.core.sanitize import for_display
from anannas_tui.screens.chat import ChatScreen


class ReplyProbe:
    """Notes when deltas reach the reply widget and when all of them have been drawn into its rows."""

    def __init__(self, expected: str) -> None:
        from anannas_tui.widgets.assistant_message import AssistantMessage

        self.expected = len(for_display(expected))
        self.count = 0
        self.first: float | None = None
        self.last: float | None = None
        self.complete: float | None = None
        probe = self
        append, redraw = AssistantMessage.append, AssistantMessage._redraw

        def counting_append(view: Any, text: str) -> None:
            now = time.perf_counter()
            probe.first = probe.first or now
            probe.last = now
            probe.count += 1
            append(view, text)

        def watching_redraw(view: Any) -> None:
            redraw(view)
            if probe.complete is None and len(view.document.text) >= probe.expected:
                probe.complete = time.perf_counter()

        AssistantMessage.append = counting_append  # type: ignore[method-assign]
        AssistantMessage._redraw = watching_redraw  # type: ignore[method-assign]


async def run_app(base_url: str, *, typing: bool = True) -> dict[str, Any]:
    """Send one prompt to test/big in the real app; time the reply and the keys typed meanwhile."""
    probe = ReplyProbe(big_reply())
    app = make_real_app(base_url, "test/big")
    clock = FrameClock(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, ChatScreen)
        while not screen.widgets_ready:  # the first frame has stand-ins for the prompt and transcript
            await pilot.pause(0.01)
        typist = Typist(app, screen.prompt, clock)
        idle = await typist.idle_sample() if typing else []
        screen.prompt.load_text("Explain everything")
        app.post_message(events.Key("enter", None))  # not pilot.press: it would wait out the whole reply
        if typing:
            typist.start()
        while probe.complete is None or screen.streaming:
            await asyncio.sleep(0.002)
        shown = await clock.next_frame(probe.complete)
        keys = await typist.stop()
    assert probe.first is not None and probe.last is not None
    return {
        "deltas": probe.count,
        "seconds": shown - probe.first,
        "rate": probe.count / (shown - probe.first),
        "lag": shown - probe.last,
        "keys": keys,
        "idle": idle,
    }


async def run_stock(base_url: str, limit: int | None) -> dict[str, Any]:
    """The same reply through Markdown.get_stream(), with the same typist."""
    app = StockChatApp()
    clock = FrameClock(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        prompt = app.query_one("#prompt")
        typist = Typist(app, prompt, clock)
        typist.start()
        started = time.perf_counter()
        await app.stream_reply(base_url, "test/big", limit=limit)
        done = time.perf_counter()
        shown = await clock.next_frame(done)
        keys = await typist.stop()
    return {"deltas": app.deltas, "seconds": shown - started, "rate": app.deltas / (shown - started), "keys": keys}


def report(ours: dict[str, Any], paced: dict[str, Any], stock: dict[str, Any], quick: bool) -> None:
    note = "quick: baseline timed on a prefix only" if quick else ""
    ratio_ok = ours["rate"] >= 2000 and ours["rate"] >= 10 * stock["rate"]
    target = ">= 2,000 and >= 10x baseline"
    Result("P1", "sustained deltas/s, 60 KB reply, flat out", ours["rate"], "deltas/s", stock["rate"],
           "Markdown.get_stream()", target, None if quick else ratio_ok, note).emit()  # fmt: skip
    Result("P1b", "last delta -> frame showing all of it", ms(ours["lag"]), "ms", None, "", "<= 100 ms",
           ours["lag"] <= 0.1).emit()  # fmt: skip
    p95 = percentile(ours["keys"], 0.95)
    Result("P2", "keystroke -> frame p95 while P1 streams (flat out)", ms(p95), "ms",
           ms(percentile(stock["keys"], 0.95)), "stock pane, same typist", "<= 50 ms",
           None if p95 is None else p95 <= 0.05, f"{len(ours['keys'])} keys; idle p95 "
           f"{ms(percentile(ours['idle'], 0.95)) or 0:.0f} ms").emit()  # fmt: skip
    if quick:
        return
    Result("P1b", "last delta -> frame showing all of it, paced at 2,000 deltas/s", ms(paced["lag"]), "ms",
           None, "", "<= 100 ms", paced["lag"] <= 0.1).emit()  # fmt: skip
    p95 = percentile(paced["keys"], 0.95)
    Result("P2", "keystroke -> frame p95, reply paced at 2,000 deltas/s", ms(p95), "ms",
           ms(percentile(stock["keys"], 0.95)), "stock pane, same typist", "<= 50 ms",
           None if p95 is None else p95 <= 0.05,
           f"{len(paced['keys'])} keys; reply kept up: {paced['seconds']:.1f} s").emit()  # fmt: skip


async def main(quick: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        isolate_dirs(Path(scratch))
        with fake_server() as base_url:
            runs = [await run_app(base_url) for _ in range(1 if quick else 3)]
            stock = await run_stock(base_url, limit=500 if quick else None)
        ours = sorted(runs, key=lambda run: run["rate"])[len(runs) // 2]  # the median run
        ours["keys"] = [key for run in runs for key in run["keys"]]  # keys typed during every run
        if quick:
            paced = ours
        else:
            with fake_server(rate=2_000) as base_url:
                paced = await run_app(base_url)
    report(ours, paced, stock, quick)
    print(
        f"# ours: {ours['deltas']} deltas in {ours['seconds']:.2f} s; stock: {stock['deltas']} in "
        f"{stock['seconds']:.1f} s; paced: {paced['deltas']} in {paced['seconds']:.2f} s",
        flush=True,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a few seconds: smoke-test the script")
    asyncio.run(main(parser.parse_args().quick))
