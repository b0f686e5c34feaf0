"""Four compare columns streaming the 60 KB reply at once vs one compare column alone (issue 7, P6: ≤ 1.5x).

Run: .venv/bin/python tests/benchmarks/bench_compare.py [RATE ...]
RATE is events per second per stream from the loopback gateway (tests/fake_server.py, scenario test/big: 15,005
deltas of 4 characters); 0 sends flat out. The default, 250/s, is a fast real model (the pace of
performance.md's "paced" tables): the question there is whether the UI keeps up with four streams at once.
Flat out measures headroom instead: four columns then have four times the text to draw, so expect about 4x.

For each rate: a headless 160x40 app in compare mode with one column, then with four (the same screen area),
each asked one prompt; the time from Enter until every column has recorded its whole reply, the event loop's
lag meanwhile (p95 / max: how long a key would wait), and the ratio four / one. Prints; asserts only that
every reply arrived whole. Uses a temporary data directory, never the user's.

The gateway runs in its own process, as a real one would: in this process its pacing threads would wait for
the GIL behind the app (up to 5 ms per event) and the streams would arrive late whatever the UI did.
(tests/benchmarks/bench_columns.py measures P6 too, one chat screen against four compare columns.)
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_TESTS))
_TEMP = tempfile.mkdtemp(prefix="bench-compare-")
for _name in ("CONFIG", "DATA", "CACHE", "STATE"):
    os.environ[f"XDG_{_name}_HOME"] = str(Path(_TEMP, _name.lower()))
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

from fake_payloads import BIG_REPLY  # noqa: E402

from anannas_tui.app import AppOptions, make_app  # noqa: E402
from anannas_tui.core.config import Config  # noqa: E402
from anannas_tui.core.secret import Secret  # noqa: E402
from anannas_tui.screens.compare import CompareScreen  # noqa: E402

SIZE = (160, 40)


async def lag_sampler(samples: list[float], stop: asyncio.Event) -> None:
    """How late a 5 ms sleep wakes up: the longest a keystroke or a frame would wait for the event loop."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.005)
        samples.append((time.perf_counter() - started - 0.005) * 1000)


async def stream(base_url: str, columns: int) -> tuple[float, list[float]]:
    """Seconds from Enter until `columns` columns of test/big have all ended, and the loop lags meanwhile."""
    config = Config()
    config.api.base_url = base_url
    config.api.retries = 0
    config.api.stall_timeout = 60.0
    app = make_app(AppOptions(config=config, api_key=Secret("bench"), compare=["test/big"] * columns))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        while app.model_catalog.cached() is None:
            await asyncio.sleep(0.01)
        await pilot.pause()
        screen.prompt.load_text("Write the long one")
        lags: list[float] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(lag_sampler(lags, stop))
        started = time.perf_counter()
        await pilot.press("enter")
        while not all(len(c.messages) == 2 for c in screen.session.columns) or any(c.streaming for c in screen.columns):
            await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - started
        stop.set()
        await sampler
        for column in screen.session.columns:
            assert column.messages[-1].content == BIG_REPLY, f"{column.label} did not get the whole reply"
    return elapsed, lags


def describe(label: str, elapsed: float, lags: list[float]) -> str:
    """One line: total time and the loop's lag p95 / max."""
    lags = sorted(lags) or [0.0]
    p95 = lags[int(0.95 * (len(lags) - 1))]
    return f"  {label:<11} {elapsed:7.2f} s   loop lag p95 {p95:6.1f} ms  max {max(lags):6.1f} ms"


def start_server(rate: float) -> tuple[subprocess.Popen[str], str]:
    """The loopback gateway in a child process, and its base URL."""
    command = [sys.executable, str(_TESTS / "fake_server.py"), "--port", "0"]
    if rate:
        command += ["--rate", str(rate)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    line = server.stdout.readline().strip()
    assert line.startswith("ANANNAS_BASE_URL="), line
    return server, line.partition("=")[2]


async def main(rates: list[float]) -> None:
    for rate in rates:
        server, base_url = start_server(rate)
        try:
            pace = f"{rate:g} events/s per stream" if rate else "flat out"
            print(f"test/big ({len(BIG_REPLY):,} chars), {pace}, headless {SIZE[0]}x{SIZE[1]}:", flush=True)
            one, one_lags = await stream(base_url, 1)
            print(describe("1 column", one, one_lags), flush=True)
            four, four_lags = await stream(base_url, 4)
            print(describe("4 columns", four, four_lags), flush=True)
            print(f"  ratio 4/1: {four / one:.2f}x (target ≤ 1.5x)", flush=True)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    asyncio.run(main([float(arg) for arg in sys.argv[1:]] or [250.0]))
