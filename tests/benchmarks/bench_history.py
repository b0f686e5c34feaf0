"""P4, P4b: open a 500-message (~750 KB) saved session, then page from the bottom to the top.

Each variant runs in its own process (a clean heap, so RSS means something):

- `app`: the real anannas-tui resuming the session from its file (`--session`), as a user would;
- `markdown`: one Textual Markdown widget per message (the naive transcript), the baseline;
- `static`: one Static per message (plain text, the cheapest stock widget), for reference.

Times run from the app's start to the first frame showing the conversation; RSS is the whole process's right
after. Paging presses PageUp until the top (or a sample, for the slow baseline) and times key -> frame.

    python tests/benchmarks/bench_history.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from corpus import conversation
from harness import SIZE, FrameClock, Result, app_available, isolate_dirs, ms, percentile, rss_mb
from textual import events


def write_session(messages: list[tuple[str, str]], folder: Path) -> Path:
    """Save the conversation with the app's own session store (the file format it really reads)."""
    from anannas_tui.core.session import Message, Role, Session
    from anannas_tui.core.session_store import SessionStore

    session = Session.new("test/model")
    session.set_title_from(messages[0][1])
    session.messages = [Message(role=Role(role), content=text, model="test/model") for role, text in messages]
    result = SessionStore(folder).save(session)
    assert result.ok and result.path is not None, result.message
    return result.path


async def page_to_top(app: Any, pane: Any, clock: FrameClock, limit: int) -> list[float]:
    """Press PageUp until the top (or `limit` times); each key's time until a frame shows the move."""
    pane.focus()
    await asyncio.sleep(0.2)
    latencies: list[float] = []
    for _ in range(limit):
        before = pane.scroll_y
        if before <= 0:
            break
        sent = time.perf_counter()
        app.post_message(events.Key("pageup", None))
        deadline = sent + 5
        while pane.scroll_y == before and time.perf_counter() < deadline:
            await asyncio.sleep(0.0005)
        moved = time.perf_counter()
        latencies.append(await clock.next_frame(moved) - sent)
    return latencies


async def run_app(session: Path, limit: int) -> dict[str, Any]:
    from harness import make_real_app

    from anannas_tui.screens.chat import ChatScreen

    app = make_real_app("http://127.0.0.1:9/v1", "test/model", session_path=session)
    clock = FrameClock(app)
    shown: list[float] = []

    def showing(now: float) -> None:
        screen = app.screen
        if not shown and isinstance(screen, ChatScreen) and screen.chat_pane.entries:
            shown.append(now)

    clock.hooks.append(showing)
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        while not shown:
            await asyncio.sleep(0.001)
        memory = rss_mb()
        await pilot.pause(0.2)
        pane = app.screen.chat_pane
        pages = await page_to_top(app, pane, clock, limit)
        reached = pane.scroll_y <= 0
    return {"first_frame": shown[0] - started, "rss": memory, "pages": pages, "top": reached}


async def run_stock(messages: list[tuple[str, str]], kind: str, limit: int) -> dict[str, Any]:
    from stock_apps import PerMessageApp
    from textual.containers import VerticalScroll

    app = PerMessageApp(messages, kind)  # type: ignore[arg-type]
    clock = FrameClock(app)
    started = time.perf_counter()
    async with app.run_test(size=SIZE):
        first = await clock.next_frame(started, timeout=600)
        while len(app.query("VerticalScroll > *")) < len(messages):
            await asyncio.sleep(0.01)
        settled = await clock.next_frame(time.perf_counter(), timeout=600)
        memory = rss_mb()
        pages = await page_to_top(app, app.query_one(VerticalScroll), clock, limit)
    return {"first_frame": settled - started, "first_any": first - started, "rss": memory, "pages": pages}


def child(variant: str, count: int, limit: int) -> None:
    """Run one variant in this process and print its raw figures as JSON."""
    messages = conversation(count)
    with tempfile.TemporaryDirectory() as scratch:
        isolate_dirs(Path(scratch))
        if variant == "app":
            path = write_session(messages, Path(scratch) / "sessions")
            figures = asyncio.run(run_app(path, limit))
        else:
            figures = asyncio.run(run_stock(messages, variant, limit))
    print("FIGURES " + json.dumps(figures), flush=True)


def spawn(variant: str, count: int, limit: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", variant, "--messages", str(count), "--limit", str(limit)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    for line in output.stdout.splitlines():
        if line.startswith("FIGURES "):
            return dict(json.loads(line[len("FIGURES ") :]))
    raise RuntimeError(f"{variant} failed:\n{output.stdout[-2000:]}\n{output.stderr[-4000:]}")


def main(quick: bool) -> None:
    if not app_available():
        Result("P4", "open 500-message session", None, "ms", note="skipped: no app yet").emit()
        return
    count = 40 if quick else 500
    ours = spawn("app", count, 10 if quick else 2000)
    markdown = spawn("markdown", count, 5 if quick else 40)
    static = spawn("static", count, 5 if quick else 40)
    size = sum(len(text) for _, text in conversation(count)) / 1000
    Result("P4", f"open {count}-message ({size:.0f} KB) session -> first frame", ms(ours["first_frame"]), "ms",
           ms(markdown["first_frame"]), "Markdown per message", "<= 1 s",
           None if quick else ours["first_frame"] <= 1.0,
           f"Static per message: {ms(static['first_frame']):.0f} ms").emit()  # fmt: skip
    Result("P4", "process RSS after opening it", ours["rss"], "MB", markdown["rss"], "Markdown per message",
           "<= 120 MB", None if quick else ours["rss"] <= 120,
           f"Static per message: {static['rss']:.0f} MB").emit()  # fmt: skip
    p95 = percentile(ours["pages"], 0.95)
    Result("P4b", "PageUp from bottom to top, key -> frame p95", ms(p95), "ms",
           ms(percentile(markdown["pages"], 0.95)), "Markdown per message (sample)", "<= 50 ms",
           None if quick or p95 is None else p95 <= 0.05,
           f"{len(ours['pages'])} pages, reached top: {ours['top']}; Static per message p95 "
           f"{ms(percentile(static['pages'], 0.95)) or 0:.0f} ms").emit()  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="40 messages: smoke-test the script")
    parser.add_argument("--child", choices=["app", "markdown", "static"], help=argparse.SUPPRESS)
    parser.add_argument("--messages", type=int, default=500, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=2000, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.messages, arguments.limit)
    else:
        main(arguments.quick)
