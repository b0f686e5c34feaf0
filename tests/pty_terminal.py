"""Run the real `anannas-tui` in a pseudo-terminal and count every byte it writes to the "screen".

Used by tests/test_low_bandwidth.py (an idle low-bandwidth app writes nothing) and by
tests/benchmarks/bench_bandwidth.py (bytes per second, idle and streaming, normal and --low-bandwidth). A reader
thread drains the pty as fast as the app writes, stamping each chunk with `time.monotonic()`, so a window of
time can be measured after the fact and the app is never slowed by a full pty buffer.

Stdlib only (benchmarks import this file by path). POSIX only: callers skip on Windows.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

CTRL_Q = "\x11"
"""Textual's quit key."""


def app_command(*args: str) -> list[str]:
    """The command line that starts the TUI with this interpreter (no reliance on PATH or an entry point)."""
    return [sys.executable, "-m", "anannas_tui", *args]


def isolated_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment whose config, data, cache and state live under `home`, with no key and no proxy.

    The child must never see the developer's key, endpoint, SSH or tmux variables unless a caller adds them.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANANNAS_", "SSH_", "TMUX", "XDG_", "TEXTUAL", "PYTEST")) and key != "NO_COLOR"
    }
    for name in ("config", "data", "cache", "state"):
        folder = home / name
        folder.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name.upper()}_HOME"] = str(folder)
    env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_PROXY": "127.0.0.1,localhost"})
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


class PtyApp:
    """A process attached to a pty of a fixed size, with a log of what it wrote and when."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str], size: tuple[int, int] = (80, 24)) -> None:
        self.columns, self.rows = size
        self.chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.columns, 0, 0))
        self._master = master
        self.process = subprocess.Popen(
            list(command),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the child closed the pty
                return
            if not data:
                return
            with self._lock:
                self.chunks.append((time.monotonic(), data))

    # ----- reading --------------------------------------------------------------------------------------

    def output(self, since: float = 0.0, until: float | None = None) -> bytes:
        """Everything written in [since, until)."""
        with self._lock:
            return b"".join(data for stamp, data in self.chunks if stamp >= since and (until is None or stamp < until))

    def last_write(self) -> float:
        """When the app last wrote anything (0.0 if never)."""
        with self._lock:
            return self.chunks[-1][0] if self.chunks else 0.0

    def wait_for(self, needle: bytes, timeout: float = 20.0, since: float = 0.0) -> None:
        """Wait until `needle` appears in the output written since `since`.

        Raises:
            AssertionError: it did not appear in time (with the tail of the output, for the failure report).
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.output(since):
                return
            self._check_alive()
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never appeared; last output: {self.output(since)[-600:]!r}")

    def wait_quiet(self, quiet: float, timeout: float = 30.0) -> float:
        """Wait until the app has written nothing for `quiet` seconds; return when that quiet spell began.

        Raises:
            AssertionError: the app kept writing for `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            last = self.last_write()
            if time.monotonic() - last >= quiet:
                return last
            self._check_alive()
            time.sleep(0.05)
        raise AssertionError(f"the app never went quiet for {quiet} s")

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"the app exited with {self.process.returncode}: {self.output()[-1500:]!r}")

    # ----- writing and stopping ---------------------------------------------------------------------------

    def type(self, text: str) -> None:
        """Send keys as a terminal would (Enter is "\\r")."""
        os.write(self._master, text.encode("utf-8"))

    def close(self, timeout: float = 5.0) -> None:
        """Quit with ctrl+q; kill the process group if it does not exit in time. Safe to call twice."""
        if self.process.poll() is None:
            try:
                self.type(CTRL_Q)
                self.process.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        self._reader.join(timeout)
        with contextlib.suppress(OSError):
            os.close(self._master)

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
