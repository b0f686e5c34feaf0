"""How fast the sessions screen opens and searches over many saved conversations (prints timings; asserts nothing).

Run: .venv/bin/python tests/benchmarks/bench_sessions_screen.py [COUNT]
Saves COUNT sessions (20 messages each, as in bench_session_search.py) and, in a headless 100x30 app with a cold
store, times: the first frame ("loading…"), a keystroke typed while the folder is being read in the thread, the
wall time until the list is shown, then the CPU time per keystroke of typed queries (least of 4 rounds, so other
processes on a shared box count less) against a key the screen ignores (the floor: Pilot and Textual themselves).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_session_search import make_session
from textual import events
from textual.app import App
from textual.widgets import Input

from anannas_tui.core.session_store import SessionStore
from anannas_tui.screens.sessions import SessionsScreen

KEYS = [*"pineapple", *["backspace"] * 9, *"marker-250-7", *["backspace"] * 12, *"zzzz", *["backspace"] * 4]


def fill(folder: Path, count: int) -> None:
    """Save `count` generated sessions into `folder`."""
    rng = random.Random(4)
    store = SessionStore(folder)
    for index in range(count):
        store.save(make_session(rng, index), touch=False)


async def keystrokes(pilot, keys: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    """CPU ms for each key, pressed and settled."""
    times = []
    for key in keys:
        started = time.process_time()
        await pilot.press(key)
        await pilot.pause()
        times.append((time.process_time() - started) * 1000)
    return times


async def lag_sampler(samples: list[float], stop: asyncio.Event) -> None:
    """Record how late a 5 ms sleep wakes up: the longest a key or a redraw would wait for the event loop."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.005)
        samples.append((time.perf_counter() - started - 0.005) * 1000)


async def measure(folder: Path) -> None:
    """Open the screen on a cold store and print the timings."""
    app: App[None] = App()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = SessionsScreen(SessionStore(folder, clean=False))
        marks: dict[str, float] = {}
        original = screen.load_entries

        def load(keep: Path | None = None):  # type: ignore[no-untyped-def]
            marks.setdefault("first frame", time.perf_counter())
            return original(keep)

        screen.load_entries = load  # type: ignore[method-assign]
        lags: list[float] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(lag_sampler(lags, stop))
        started = time.perf_counter()
        await app.push_screen(screen)
        while "first frame" not in marks:
            await asyncio.sleep(0.001)
        typed = time.perf_counter()
        key = events.Key("x", "x")  # sent as a terminal would: Pilot.press waits for the CPU to go idle
        key.set_sender(app)
        app._driver.send_message(key)  # type: ignore[union-attr]
        while screen.query_one("#sessions-query", Input).value != "x":
            await asyncio.sleep(0.001)
        marks["keystroke"] = time.perf_counter() - typed
        still_loading = screen.entries is None
        while screen.entries is None:
            await asyncio.sleep(0.001)
        loaded = time.perf_counter()
        stop.set()
        await sampler
        print(f"{'first frame (loading…) after push':<44} {1000 * (marks['first frame'] - started):8.1f} ms wall")
        note = " (during the read)" if still_loading else ""
        print(f"{'a keystroke typed while loading' + note:<44} {1000 * marks['keystroke']:8.1f} ms wall")
        print(f"{'list shown (cold read in a thread)':<44} {1000 * (loaded - started):8.1f} ms wall")
        lag = f"median {statistics.median(lags):5.1f} ms, worst {max(lags):5.1f} ms"
        print(f"{'event loop lag during the read':<44} {lag}")
        await pilot.pause()
        await pilot.press("backspace")
        await pilot.pause()
        rounds = [await keystrokes(pilot, KEYS) for _ in range(4)]
        best = [min(column) for column in zip(*rounds, strict=True)]
        floor = min(await keystrokes(pilot, ["ctrl+y"] * 10))
        print(f"{'search, CPU per keystroke':<44} median {statistics.median(best):5.1f} ms, worst {max(best):5.1f} ms")
        print(f"{'no-op key (floor)':<44} {floor:8.1f} ms")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        fill(folder, count)
        size = sum(path.stat().st_size for path in folder.iterdir()) / count / 1024
        print(f"{count} sessions, {size:.0f} KB each on average")
        asyncio.run(measure(folder))


if __name__ == "__main__":
    main()
