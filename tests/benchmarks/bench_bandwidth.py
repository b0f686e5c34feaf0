"""Bytes per second the app sends to the terminal: idle and while streaming, normal and --low-bandwidth.

The real `anannas-tui` runs in a pseudo-terminal (120x40, the real Linux driver) and every byte it writes is
counted, which is what an SSH link has to carry. Idle is the chat after it settled, with the prompt focused.
Streaming is a long Markdown reply (test/big from the loopback gateway, in its own process) arriving at
`--rate` deltas per second of 4 characters, measured after the first second. Prints figures; asserts nothing
(tests/test_low_bandwidth.py asserts that an idle low-bandwidth screen sends zero bytes).

    python tests/benchmarks/bench_bandwidth.py [--seconds 10] [--rate 100] [--size 80x24] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from harness import SIZE, PtyProcess, Result, app_available, fake_server, scratch_env

MODES = {"normal": [], "low-bandwidth": ["--low-bandwidth"]}


def idle_rate(extra: list[str], root: Path, seconds: float, size: tuple[int, int]) -> float:
    """Bytes per second over `seconds` of an idle chat (after 2 s to settle)."""
    process = PtyProcess([sys.executable, "-m", "anannas_tui", "--demo", *extra], scratch_env(root), size)
    try:
        process.read_for(30.0, until=b"Enter sends")
        process.read_for(2.0)
        start = time.perf_counter()
        process.read_for(seconds)
        return process.bytes_between(start, time.perf_counter()) / seconds
    finally:
        process.close()


def streaming_rate(extra: list[str], root: Path, seconds: float, base_url: str, size: tuple[int, int]) -> float:
    """Bytes per second over `seconds` of a reply streaming (from 1 s after Enter)."""
    env = scratch_env(root) | {"ANANNAS_BASE_URL": base_url, "ANANNAS_API_KEY": "sk-bench-0000"}
    process = PtyProcess([sys.executable, "-m", "anannas_tui", "--model", "test/big", *extra], env, size)
    try:
        process.read_for(30.0, until=b"Enter sends")
        process.read_for(2.0)
        os.write(process.fd, b"Stream a long answer\r")
        process.read_for(1.0)
        start = time.perf_counter()
        process.read_for(seconds)
        return process.bytes_between(start, time.perf_counter()) / seconds
    finally:
        process.close()


def main(seconds: float, rate: float, size: tuple[int, int]) -> None:
    if not app_available():
        Result("BW", "terminal bytes/s", None, "B/s", note="skipped: no app yet").emit()
        return
    figures: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as scratch, fake_server(rate) as base_url:
        for mode, extra in MODES.items():
            root = Path(scratch) / mode
            figures["idle", mode] = idle_rate(extra, root / "idle", seconds, size)
            figures["streaming", mode] = streaming_rate(extra, root / "stream", seconds, base_url, size)
    where = f"{size[0]}x{size[1]}"
    print(f"# terminal output, {where}, {seconds:.0f} s windows, streaming at {rate:.0f} deltas/s")
    print(f"# {'':10} {'normal':>14} {'low-bandwidth':>14}")
    for case in ("idle", "streaming"):
        normal, low = figures[case, "normal"], figures[case, "low-bandwidth"]
        print(f"# {case:10} {normal:>10,.0f} B/s {low:>10,.0f} B/s")
    Result(
        "BW1", f"idle bytes/s at {where}, --low-bandwidth", figures["idle", "low-bandwidth"], "B/s",
        figures["idle", "normal"], "idle bytes/s, normal (cursor blink)", "0", figures["idle", "low-bandwidth"] == 0,
    ).emit()  # fmt: skip
    streaming = f"streaming bytes/s at {where}, {rate:.0f} deltas/s"
    Result(
        "BW2", f"{streaming}, --low-bandwidth", figures["streaming", "low-bandwidth"], "B/s",
        figures["streaming", "normal"], "same stream, normal (30 redraws/s)",
    ).emit()  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measured window")
    parser.add_argument("--rate", type=float, default=100.0, help="deltas per second of the streamed reply")
    parser.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", help="terminal COLUMNSxROWS (default 120x40)")
    parser.add_argument("--quick", action="store_true", help="2 s windows: smoke-test the script")
    arguments = parser.parse_args()
    columns, rows = (int(part) for part in arguments.size.lower().split("x"))
    main(2.0 if arguments.quick else arguments.seconds, arguments.rate, (columns, rows))
