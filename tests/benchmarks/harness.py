"""What every benchmark shares: frame timing, the loopback server, percentiles, RSS and the result rows.

Frames are counted where Textual hands a rendered update to the driver (`App._display`); headless runs skip
the terminal write, so the hook also renders the update to escape codes (what a real terminal would be sent)
to keep that cost in the measurement. Each benchmark prints its figures as JSON lines (`Result`) that
`run_all.py` collects into one table.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
for _path in (str(ROOT), str(TESTS), str(HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from anannas_tui.frame_rate import choose_frame_rate  # noqa: E402 (needs the path above)

# The app's own start-up (`anannas-tui`) sets Textual's frame rate before importing Textual; benchmarks that run
# the app in-process import Textual after this module, so they run at the same rate (baselines included).
if "textual.screen" in sys.modules:
    print("# warning: Textual was imported before harness.py; the app's frame rate is not applied", flush=True)
choose_frame_rate(low_bandwidth=False)

SIZE = (120, 40)
"""Terminal size for every run (as in performance.md)."""


@dataclass
class Result:
    """One figure next to its baseline from the same run."""

    id: str
    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    ok: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def emit(self) -> None:
        """Print for `run_all.py` (one JSON line) and for a person (one readable line)."""
        print("RESULT " + json.dumps({**asdict(self), "ratio": self.ratio}), flush=True)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th quantile (0..1) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


class FrameClock:
    """Records when each frame is produced (and how many bytes a terminal would have been sent)."""

    def __init__(self, app: Any, *, render: bool = True) -> None:
        self.times: list[float] = []
        self.bytes = 0
        self.hooks: list[Any] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None and not app._batch_count:
                if render and hasattr(renderable, "render_segments"):
                    self.bytes += len(renderable.render_segments(app.console))
                now = time.perf_counter()
                self.times.append(now)
                for hook in self.hooks:
                    hook(now)
            original(screen, renderable)

        app._display = display

    def first_after(self, moment: float) -> float | None:
        """The first frame at or after `moment`."""
        return next((t for t in self.times if t >= moment), None)

    async def next_frame(self, after: float | None = None, timeout: float = 30.0) -> float:
        """Wait for a frame later than `after` (default: now) and return its time."""
        import asyncio

        moment = time.perf_counter() if after is None else after
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            found = self.first_after(moment)
            if found is not None:
                return found
            await asyncio.sleep(0.001)
        raise TimeoutError("no frame")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def fake_server(rate: float | None = None) -> Iterator[str]:
    """The loopback gateway (tests/fake_server.py) in its own process, as a real server would be.

    In-process it would share the GIL with the UI and slow both; `rate` paces test/big (events/s).
    Yields the base URL.
    """
    port = free_port()
    command = [sys.executable, str(TESTS / "fake_server.py"), "--port", str(port)]
    if rate:
        command += ["--rate", str(rate)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "ANANNAS_BASE_URL=" not in line:
            raise RuntimeError(f"fake server did not start: {line!r}")
        yield line.strip().split("=", 1)[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def big_reply() -> str:
    """The reply test/big streams (the same text both sides of every comparison)."""
    from fake_payloads import BIG_REPLY

    return BIG_REPLY


def isolate_dirs(root: Path) -> None:
    """Point platformdirs at a scratch folder, so a benchmark never touches the user's config or sessions."""
    for name in ("config", "data", "cache", "state"):
        path = root / name
        path.mkdir(parents=True, exist_ok=True)
        os.environ[f"XDG_{name.upper()}_HOME"] = str(path)
    os.environ.pop("ANANNAS_API_KEY", None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def make_real_app(base_url: str, model: str, **options: Any) -> Any:
    """The real anannas-tui app pointed at the loopback gateway (None if the app is not importable)."""
    try:
        from anannas_tui.app import AppOptions, make_app
        from anannas_tui.core.config import Config
        from anannas_tui.core.secret import Secret
    except ImportError:
        return None
    config = Config()
    config.api.base_url = base_url
    config.chat.model = model
    return make_app(AppOptions(config=config, api_key=Secret("sk-bench-0000"), model=model, **options))


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _markers(until: bytes | tuple[bytes, ...]) -> tuple[bytes, ...]:
    return (until,) if isinstance(until, bytes) else until


class PtyProcess:
    """A program running in a pseudo-terminal (the real Linux driver), with every byte it writes timed."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = SIZE) -> None:
        import fcntl
        import pty
        import struct
        import termios

        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.output = bytearray()
        self.chunks: list[tuple[float, int]] = []

    def read_for(self, seconds: float, until: bytes | tuple[bytes, ...] | None = None) -> float | None:
        """Collect output for up to `seconds`; return when `until` (every one of them, if several) has appeared
        (seconds since start)."""
        import select

        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            self.output += chunk
            self.chunks.append((time.perf_counter(), len(chunk)))
            if until is not None and all(marker in self.output for marker in _markers(until)):
                return time.perf_counter() - self.started
        return None

    def bytes_between(self, start: float, end: float) -> int:
        return sum(size for moment, size in self.chunks if start <= moment < end)

    def close(self) -> None:
        import signal

        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)


def scratch_env(root: Path) -> dict[str, str]:
    """An environment whose config, data and state live under `root` (for programs we spawn)."""
    env = dict(os.environ, HOME=str(root), TERM="xterm-256color", COLORTERM="truecolor")
    for name in ("config", "data", "cache", "state"):
        (root / name).mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name.upper()}_HOME"] = str(root / name)
    env.pop("ANANNAS_API_KEY", None)
    env.pop("TEXTUAL_FPS", None)  # set for this process by choose_frame_rate; a spawned app chooses its own
    # An installed app has its .pyc files; without them every run would compile our modules again (the warm-up
    # run writes them, unless the environment forbids it, as some sandboxes do).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def app_available() -> bool:
    """Whether the full app (`anannas_tui.app:make_app`) exists yet."""
    try:
        from anannas_tui.app import make_app  # noqa: F401
    except ImportError:
        return False
    return True


async def raw_stream_seconds(base_url: str, model: str, streams: int = 1) -> float:
    """Seconds to read `streams` concurrent replies with the app's client and no UI (the network floor)."""
    import asyncio

    from anannas_tui.core.client import AnannasClient
    from anannas_tui.core.events import ContentDelta
    from anannas_tui.core.secret import Secret

    async def one(client: AnannasClient) -> int:
        count = 0
        async for event in client.stream_chat(model, [{"role": "user", "content": "go"}]):
            count += isinstance(event, ContentDelta)
        return count

    async with AnannasClient(base_url, Secret("sk-bench-0000")) as client:
        started = time.perf_counter()
        await asyncio.gather(*(one(client) for _ in range(streams)))
        return time.perf_counter() - started
