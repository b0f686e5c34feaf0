"""P3: process start to first frame, `anannas-tui --demo` beside a minimal Textual app, in a real pty.

Both run under the real Linux driver in a pseudo-terminal (120x40); the clock runs from spawn to the end of the
first output that has drawn the whole first screen: the app's footer (its last line) and the prompt's
placeholder (Textual can draw the footer in a partial frame before the rest), or the minimal app's text.
Runs alternate between them so drift on a busy machine hits all alike. A busy machine still makes single
starts slower by up to half, so P3 is met only if both estimates are within the target: the ratio of the medians
and the median of each run's own ratio (the app over the minimal app started just before it). A third subject,
a chat-shaped app of stock Textual widgets, is printed as context (no target).

With valgrind installed, the full run also counts the instructions each start executes up to its first frame
(`exit_at_first_frame.py`; no target). Unlike time, the count hardly moves with the machine's load (run to
run ~0.1% on a quiet machine, ~1.5% beside a test run), so it shows what a change to start-up is worth where
timings cannot.

    python tests/benchmarks/bench_startup.py [--quick]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from harness import HERE, PtyProcess, Result, app_available, median, ms, scratch_env

APP = ([sys.executable, "-m", "anannas_tui", "--demo"], (b"palette", b"Enter sends"))
MINIMAL = ([sys.executable, str(HERE / "minimal_app.py")], (b"minimal-ready",))
CHAT_SHAPED = ([sys.executable, str(HERE / "chat_shaped_app.py")], (b"chat-shaped-ready", b"palette"))


SUBJECTS = {"app": APP, "minimal": MINIMAL, "chat-shaped": CHAT_SHAPED}
"""Each run starts all three, one after the other, so drift on a busy machine hits them alike."""


def time_to_frame(argv: list[str], marker: tuple[bytes, ...], root: Path) -> float | None:
    process = PtyProcess(argv, scratch_env(root))
    try:
        return process.read_for(20.0, until=marker)
    finally:
        process.close()


def main(quick: bool) -> None:
    if not app_available():
        print("# P3 skipped: anannas_tui.app:make_app is not there yet", flush=True)
        Result("P3", "start -> first frame, --demo", None, "ms", note="skipped: no app yet").emit()
        return
    runs = 1 if quick else 15
    times: dict[str, list[float]] = {"app": [], "minimal": [], "chat-shaped": []}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for run in range(runs + 1):
            measured = {name: time_to_frame(*spec, root) for name, spec in SUBJECTS.items()}
            if run == 0:
                continue  # the first run warms the disk cache and .pyc files for all of them
            for name, seconds in measured.items():
                if seconds is not None:
                    times[name].append(seconds)
    ours, baseline, stock = median(times["app"]), median(times["minimal"]), median(times["chat-shaped"])
    paired = median([app / minimal for app, minimal in zip(times["app"], times["minimal"], strict=False)])
    ok = None if ours is None or baseline is None or paired is None else max(ours / baseline, paired) <= 1.25
    per_run = "" if paired is None else f"; median of the runs' own ratios {paired:.2f}x"
    Result(
        "P3", "process start -> first frame, anannas-tui --demo", ms(ours), "ms", ms(baseline),
        "minimal Textual app", "<= 1.25x baseline", ok, f"medians of {runs} runs in a pty{per_run}",
    ).emit()  # fmt: skip
    Result(
        "P3 context", "a chat-shaped app of stock Textual widgets (chat_shaped_app.py), start -> first frame",
        ms(stock), "ms", ms(baseline), "minimal Textual app", "– (no target: issue 7 quotes ~1.7x)", None,
        f"medians of {runs} runs in a pty",
    ).emit()  # fmt: skip
    if not quick:
        count_instructions()


def count_instructions() -> None:
    """The instructions to the first frame, app and minimal app (valgrind's callgrind, in the same pty)."""
    if shutil.which("valgrind") is None:
        print("# P3 instructions skipped: valgrind is not installed", flush=True)
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        ours, baseline = (instructions(subject, root) for subject in ("app", str(HERE / "minimal_app.py")))
    Result(
        "P3 instructions", "instructions from process start to the first frame (valgrind), anannas-tui --demo",
        ours, "M", baseline, "minimal Textual app", "– (no target: load-free context)",
        None, "one run each: ~0.1% run to run on a quiet machine",
    ).emit()  # fmt: skip


def instructions(subject: str, root: Path) -> float | None:
    """Millions of instructions `subject` ("app" or a script) executes up to its first frame, or None."""
    log = root / "callgrind.log"
    argv = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={root / 'callgrind.out'}", f"--log-file={log}",
        sys.executable, str(HERE / "exit_at_first_frame.py"), subject,
    ]  # fmt: skip
    process = PtyProcess(argv, scratch_env(root))
    try:
        process.read_for(180.0)  # until the process ends at its first frame (a few seconds under valgrind)
    finally:
        process.close()
    found = re.search(r"Collected : (\d+)", log.read_text()) if log.exists() else None
    return int(found.group(1)) / 1e6 if found else None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one run each: smoke-test the script")
    main(parser.parse_args().quick)
