"""A real terminal: the app in tmux (120x40) against the loopback server, Enter to the last line on screen.

The same reply (test/big, flat out) is asked for in anannas-tui and in the stock chat pane (Markdown.get_stream
in an anchored VerticalScroll, `stock_apps.py`), each in its own tmux session; the screen is read with
`tmux capture-pane` until the reply's last line shows. This includes what headless runs leave out: the
terminal emulator parsing every byte.

    python tests/benchmarks/bench_tmux.py [--quick] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import HERE, Result, app_available, big_reply, fake_server, scratch_env


def last_words() -> str:
    """A few words from the reply's last line: on screen only once the whole reply is."""
    line = [line for line in big_reply().splitlines() if line.strip()][-1]
    return " ".join(line.split()[-3:])


def screen(session: str) -> str:
    result = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True)
    return result.stdout


def transcript(text: str) -> str:
    """The screen's transcript as one line of words: wrapping, message bars and the sidebar removed."""
    rows = [row.split("▏")[0].strip(" ▌▎▊") for row in text.splitlines()]
    return " ".join(" ".join(rows).split())


def run(command: list[str], env: dict[str, str], ready: str, timeout: float) -> float | None:
    """Start `command` in tmux, wait for `ready` on screen, press Enter; seconds until the last line shows."""
    session = f"bench{time.monotonic_ns()}"
    # A running tmux server gives new sessions its own environment, so the variables go on the command line.
    variables = [f"{name}={value}" for name, value in env.items() if name.startswith(("XDG_", "ANANNAS_", "HOME"))]
    size = ["-x", "120", "-y", "40"]
    subprocess.run(["tmux", "new-session", "-d", "-s", session, *size, "env", *variables, *command], check=True)
    try:
        deadline = time.monotonic() + 30
        while ready not in screen(session) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        subprocess.run(["tmux", "send-keys", "-t", session, "Explain everything"], check=True)
        subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
        started = time.monotonic()
        target = last_words()
        while time.monotonic() - started < timeout:
            if target in transcript(screen(session)):
                return time.monotonic() - started
            time.sleep(0.05)
        return None
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def main(quick: bool, timeout: float) -> None:
    if shutil.which("tmux") is None or not app_available():
        Result("tmux", "Enter -> last line, real terminal", None, "s", note="skipped: no tmux or no app").emit()
        return
    with tempfile.TemporaryDirectory() as scratch, fake_server() as base_url:
        env = scratch_env(Path(scratch))
        env.update(ANANNAS_BASE_URL=base_url, ANANNAS_API_KEY="sk-bench-0000")
        ours = run([sys.executable, "-m", "anannas_tui", "--model", "test/big"], env, "palette", timeout)
        stock_command = [sys.executable, str(HERE / "stock_apps.py"), base_url, "test/big"]
        stock = run(stock_command, env, "", 20 if quick else timeout)
    note = "" if stock is not None else f"stock pane had not shown the last line after {20 if quick else timeout:.0f} s"
    Result("tmux", "Enter -> last line on screen, 60 KB reply, tmux 120x40", ours, "s", stock,
           "stock chat pane", "", None, note).emit()  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="give the stock pane 20 s: smoke-test the script")
    parser.add_argument("--timeout", type=float, default=400.0, help="give up on a run after this long")
    arguments = parser.parse_args()
    main(arguments.quick, arguments.timeout)
