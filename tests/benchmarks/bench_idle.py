"""P5: bytes written to the terminal in 10 s of idle, `anannas-tui --demo --low-bandwidth`, in a real pty.

The app starts in a pseudo-terminal, is left to settle, then every byte it writes during the idle window is
counted. The same app without --low-bandwidth (blinking cursor) is the baseline.

    python tests/benchmarks/bench_idle.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from harness import PtyProcess, Result, app_available, scratch_env


def idle_bytes(extra: list[str], root: Path, seconds: float) -> int:
    process = PtyProcess([sys.executable, "-m", "anannas_tui", "--demo", *extra], scratch_env(root))
    try:
        process.read_for(20.0, until=b"palette")
        process.read_for(2.0)  # let the first screen settle (models list, focus)
        start = time.perf_counter()
        process.read_for(seconds)
        return process.bytes_between(start, time.perf_counter())
    finally:
        process.close()


def main(quick: bool) -> None:
    if not app_available():
        print("# P5 skipped: anannas_tui.app:make_app is not there yet", flush=True)
        Result("P5", "idle bytes, low bandwidth", None, "bytes", note="skipped: no app yet").emit()
        return
    seconds = 1.0 if quick else 10.0
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        quiet = idle_bytes(["--low-bandwidth"], root, seconds)
        normal = idle_bytes([], root, seconds)
    Result(
        "P5", f"bytes written in {seconds:.0f} s idle, --low-bandwidth", quiet, "bytes", normal,
        "same app, normal mode", "0", quiet == 0,
    ).emit()  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a 1 s window: smoke-test the script")
    main(parser.parse_args().quick)
