"""End to end in a real terminal: the installed `anannas-tui` inside tmux at 80x24, read back with capture-pane.

Each test starts its own tmux server on a unique socket (`-L`), so parallel workers never share one, with
`set-clipboard on`: an OSC 52 sequence that reached tmux would land in its paste buffers, and an OSC 0/2 would
change the pane title. The injection test streams `test/injection` from the loopback gateway
(tests/fake_server.py) and checks that neither happens; a control test prints the same payload raw and checks
that both do, so the detectors are known to work. Skipped when tmux is not installed (.ci/run installs it).
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_payloads import INJECTION_REPLY
from fake_server import FakeServer
from pty_terminal import app_command, isolated_env

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")

TESTS = Path(__file__).resolve().parent

TMUX_CONF = """\
set -g status off
set -g set-clipboard on
set -g allow-passthrough off
set -g remain-on-exit on
set -g default-size 80x24
set -g history-limit 2000
"""


class Tmux:
    """One private tmux server with one 80x24 session; `kill()` ends the server and everything in it."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.socket = f"anannas-e2e-{uuid.uuid4().hex[:12]}"
        self.conf = home / "tmux.conf"
        self.conf.write_text(TMUX_CONF, encoding="utf-8")
        self.env = env
        self.socket_path: Path | None = None

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.conf), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: list[str]) -> None:
        """Run `command` as the only pane of a detached 80x24 session."""
        self.run("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", shlex.join(command))
        self.socket_path = Path(self.run("display-message", "-p", "#{socket_path}").strip())

    def screen(self) -> str:
        """What the pane shows now, as text."""
        return self.run("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"the pane never showed {what}; it shows:\n{self.screen()}")

    def wait_for_text(self, needle: str, timeout: float = 30.0) -> str:
        return self.wait_for(lambda screen: needle in screen, repr(needle), timeout)

    def type(self, text: str) -> None:
        """Type literal text into the pane."""
        self.run("send-keys", "-t", "e2e", "-l", text)

    def press(self, *keys: str) -> None:
        """Press named keys (Enter, Tab, C-q ...)."""
        self.run("send-keys", "-t", "e2e", *keys)

    @property
    def pane_title(self) -> str:
        return self.run("display-message", "-p", "-t", "e2e", "#{pane_title}").strip()

    def buffers(self) -> list[str]:
        """The contents of every paste buffer, newest first (set-clipboard puts each OSC 52 copy here)."""
        names = self.run("list-buffers", "-F", "#{buffer_name}", check=False).split()
        return [self.run("show-buffer", "-b", name) for name in names]

    def kill(self) -> None:
        """End the server and everything in it, and remove its socket file."""
        self.run("kill-server", check=False)
        if self.socket_path is not None:
            self.socket_path.unlink(missing_ok=True)


@pytest.fixture
def tmux_factory(tmp_path: Path) -> Iterator[Callable[..., Tmux]]:
    """Make tmux servers with an isolated environment (config, data, key, endpoint); all are killed after."""
    servers: list[Tmux] = []

    def make(**extra_env: str) -> Tmux:
        env = isolated_env(tmp_path / f"home{len(servers)}", {"ANANNAS_DEMO_DELAY_SCALE": "0.2", **extra_env})
        for name in ("DISPLAY", "WAYLAND_DISPLAY"):  # no local clipboard: OSC 52 is the only path
            env.pop(name, None)
        server = Tmux(tmp_path, env)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.kill()


def _reply_done(screen: str) -> bool:
    return "tok/s" in screen


@pytest.mark.parametrize(
    "env",
    [
        {"TERM": "xterm-256color"},
        {"TERM": "linux"},
        {"TERM": "xterm-256color", "NO_COLOR": "1"},
    ],
    ids=["xterm-256color", "linux-16-colours", "no-color"],
)
def test_demo_chat_in_tmux_at_80x24(tmux_factory: Callable[..., Tmux], env: dict[str, str]) -> None:
    tmux = tmux_factory(**env)
    tmux.start(app_command("--demo"))
    tmux.wait_for_text("Ask anything")
    tmux.type("Hello from tmux")
    tmux.press("Enter")
    screen = tmux.wait_for(_reply_done, "a finished reply")
    lines = screen.splitlines()
    assert any("You asked: Hello from tmux" in line for line in lines), screen
    assert "anannas · demo/fast · Hello from tmux" in lines[0]
    assert "^o Model" in lines[-1]
    assert "Model" not in lines[1]  # the sidebar folded away at 80 columns
    assert all(len(line) <= 80 for line in lines)
    tmux.press("C-q")
    tmux.wait_for(lambda s: "Ask anything" not in s, "the app quitting", timeout=10)


def _shows_within(tmux: Tmux, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if needle in tmux.screen():
            return True
        time.sleep(0.1)
    return False


def _start_injection(tmux: Tmux) -> tuple[str, list[str]]:
    tmux.start(app_command("--model", "test/injection"))
    tmux.wait_for_text("Ask anything")
    return tmux.pane_title, tmux.buffers()


def test_injection_changes_neither_the_title_nor_the_clipboard(
    tmux_factory: Callable[..., Tmux], fake_server: FakeServer
) -> None:
    tmux = tmux_factory(
        ANANNAS_BASE_URL=fake_server.base_url, ANANNAS_API_KEY="sk-e2e-test", SSH_TTY="/dev/pts/9", TERM="xterm"
    )
    title, buffers = _start_injection(tmux)
    tmux.type("inject")
    tmux.press("Enter")
    screen = tmux.wait_for(lambda s: "unbalanced" in s and "stop" in s, "the injection reply")
    time.sleep(0.5)  # anything late would have arrived by now
    assert "␛]52" in screen and "␛]0;pwned" in screen  # shown, inert
    assert "[bold]bold?[/bold]" in screen  # markup is text
    assert tmux.pane_title == title
    assert tmux.buffers() == buffers == []

    # Copying the reply over SSH inside tmux: OSC 52 reaches tmux's clipboard, sanitised.
    tmux.press("Tab")
    tmux.press("y")
    if not _shows_within(tmux, "clipboard", 5.0) and "▊ y " in tmux.screen():
        # Under heavy load (the full suite on 2 cores) the Tab was seen to leave the focus in the prompt now and
        # then (cause not found; noted for the team): clear the stray "y" and tab to the transcript once more.
        tmux.press("BSpace", "Tab")
        tmux.press("y")
    tmux.wait_for_text("clipboard")
    deadline = time.monotonic() + 5
    while not tmux.buffers() and time.monotonic() < deadline:
        time.sleep(0.1)
    [copied] = tmux.buffers()
    assert copied.startswith("Clipboard ]52;c;aGVsbG8= title ]0;pwned")
    assert "\x1b" not in copied and "\x9b" not in copied
    assert tmux.pane_title == title


def test_control_the_raw_payload_would_change_both(tmux_factory: Callable[..., Tmux]) -> None:
    """Proves the checks above can fail: the same bytes written raw to the pane retitle it and fill a buffer."""
    tmux = tmux_factory()
    script = (
        f"import sys, time; sys.path.insert(0, {str(TESTS)!r}); from fake_payloads import INJECTION_REPLY as r; "
        "print('ready', flush=True); time.sleep(0.5); sys.stdout.write(r); sys.stdout.flush(); time.sleep(60)"
    )
    tmux.start([sys.executable, "-c", script])
    tmux.wait_for_text("ready")
    title = tmux.pane_title
    deadline = time.monotonic() + 5
    while tmux.pane_title == title and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tmux.pane_title == "pwned"
    assert "hello" in tmux.buffers()
    assert "\x1b]0;pwned" in INJECTION_REPLY


def test_resume_the_last_session_from_the_command_line(tmux_factory: Callable[..., Tmux]) -> None:
    """`anannas-tui --session last` reopens the conversation saved by the previous run, reply and all."""
    tmux = tmux_factory()
    tmux.start(app_command("--demo"))
    tmux.wait_for_text("Ask anything")
    tmux.type("Remember this conversation")
    tmux.press("Enter")
    tmux.wait_for(_reply_done, "a finished reply")
    tmux.press("C-q")
    tmux.wait_for(lambda s: "Ask anything" not in s, "the app quitting", timeout=10)
    tmux.run("respawn-pane", "-k", "-t", "e2e", shlex.join(app_command("--demo", "--session", "last")))
    title = "demo/fast · Remember this conversation"  # the title line names the resumed session
    tmux.wait_for(lambda s: _reply_done(s) and title in s, "the resumed reply, its metrics line and its title")
