"""Low-bandwidth mode (--low-bandwidth, `[ui] low_bandwidth`): an idle screen sends nothing at all.

The byte counts come from the real `anannas-tui` in a pseudo-terminal (tests/pty_terminal.py): after the
screen has settled, a window with no input must receive zero bytes, on the chat and with each dialog open. The
same measurement on the normal mode sees the blinking cursor, which shows the measurement can fail. The
Pilot tests check the settings behind it: no blink on any focused text widget, animations off, no spinner,
and streaming redraws at most 10 a second. Bytes per second are measured by tests/benchmarks/bench_bandwidth.py.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pilot_helpers import ready_chat, wait_for
from pty_terminal import PtyApp, app_command, isolated_env
from textual.pilot import Pilot
from textual.widgets import Input, LoadingIndicator, TextArea

from anannas_tui.app import AnannasApp, AppOptions, make_app
from anannas_tui.core.config import Config
from anannas_tui.widgets.assistant_message import AssistantMessage
from anannas_tui.widgets.stream_buffer import LOW_BANDWIDTH_INTERVAL

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

SETTLE = 1.2
"""Seconds without output that count as "settled" (three cursor blinks would fit in it)."""
WINDOW = 2.0
"""Seconds of idleness observed after settling."""

F2 = "\x1bOQ"
CTRL_O, CTRL_S = "\x0f", "\x13"
ESCAPE = "\x1b"


def idle_bytes(app: PtyApp) -> bytes:
    """Wait for the screen to settle, then return what it writes during `WINDOW` seconds of no input."""
    app.wait_quiet(SETTLE)
    start = time.monotonic()
    time.sleep(WINDOW)
    return app.output(start)


@pytest.fixture
def low_bandwidth_app(tmp_path: Path) -> Iterator[PtyApp]:
    """`anannas-tui --demo --low-bandwidth` in a pty, showing its prompt; quit (or killed) afterwards."""
    with PtyApp(
        app_command("--demo", "--low-bandwidth"), isolated_env(tmp_path, {"ANANNAS_DEMO_DELAY_SCALE": "0"})
    ) as app:
        app.wait_for(b"Enter sends")  # (the cursor splits "Ask anything" once the prompt has focus)
        yield app


@posix_only
@pytest.mark.slow
def test_an_idle_low_bandwidth_screen_writes_nothing(low_bandwidth_app: PtyApp) -> None:
    app = low_bandwidth_app
    assert idle_bytes(app) == b"", "fresh chat"
    sent = time.monotonic()
    app.type("Show me some Python code\r")
    app.wait_for(b"tok/s", since=sent)
    assert idle_bytes(app) == b"", "after a reply"
    for name, key in (("model picker", CTRL_O), ("conversation settings", F2), ("sessions", CTRL_S)):
        opened = time.monotonic()
        app.type(key)
        app.wait_for(b"\x1b[", since=opened)  # it drew the dialog
        assert idle_bytes(app) == b"", name
        closed = time.monotonic()
        app.type(ESCAPE)
        app.wait_for(b"\x1b[", since=closed)  # closed before the next key (ESC + key reads as alt+key)


@posix_only
def test_control_the_normal_mode_blinks_so_the_measurement_sees_output(tmp_path: Path) -> None:
    env = isolated_env(tmp_path, {"ANANNAS_DEMO_DELAY_SCALE": "0"})
    with PtyApp(app_command("--demo"), env) as app:
        app.wait_for(b"Enter sends")  # (the cursor splits "Ask anything" once the prompt has focus)
        time.sleep(SETTLE)
        start = time.monotonic()
        time.sleep(WINDOW)
        assert len(app.output(start)) > 0


# ----- what the mode sets ----------------------------------------------------------------------------------


def demo_app(monkeypatch: pytest.MonkeyPatch, *, flag: bool = False, config: bool = False) -> AnannasApp:
    monkeypatch.setenv("ANANNAS_DEMO_DELAY_SCALE", "0")
    settings = Config()
    settings.ui.low_bandwidth = config
    return make_app(AppOptions(config=settings, demo=True, low_bandwidth=flag))


async def focused_blinks(pilot: Pilot[None], *keys: str) -> bool:
    """Open what `keys` open and report whether the focused text widget's cursor blinks."""
    app = pilot.app
    before = await ready_chat(pilot)
    if keys:
        await pilot.press(*keys)
        await wait_for(pilot, lambda: app.screen is not before)
    await pilot.pause(0.1)
    focused = app.focused
    assert isinstance(focused, Input | TextArea), focused
    return focused.cursor_blink


@pytest.mark.parametrize(
    "keys",
    [(), ("ctrl+o",), ("f2",), ("ctrl+s",), ("ctrl+p",)],
    ids=["prompt", "picker", "settings", "sessions", "palette"],
)
@pytest.mark.parametrize("mode", ["flag", "config", "off"])
async def test_no_text_cursor_blinks_in_low_bandwidth_mode(
    monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...], mode: str
) -> None:
    app = demo_app(monkeypatch, flag=mode == "flag", config=mode == "config")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.low_bandwidth is (mode != "off")
        assert (app.animation_level == "none") is app.low_bandwidth
        assert await focused_blinks(pilot, *keys) is not app.low_bandwidth


async def test_no_spinner_in_low_bandwidth_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for low in (False, True):
        app = demo_app(monkeypatch, flag=low)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+o")
            await wait_for(pilot, lambda: pilot.app.screen.query(LoadingIndicator).first(None) is not None)
            app.screen.add_class("-loading")  # what the picker does while it fetches the list
            await pilot.pause()
            assert app.screen.query_one(LoadingIndicator).display is not low


async def test_streaming_redraws_at_most_ten_times_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """A correctness bound, not a speed one: however fast deltas arrive, two frames are never closer than
    0.1 s (a slow machine only spaces them out more)."""
    frames: list[float] = []
    draw = AssistantMessage._draw

    def counted(self: AssistantMessage) -> None:
        frames.append(time.monotonic())
        draw(self)

    monkeypatch.setattr(AssistantMessage, "_draw", counted)
    monkeypatch.setenv("ANANNAS_DEMO_DELAY_SCALE", "0.5")  # ~6 ms between deltas: many deltas per frame
    app = make_app(AppOptions(demo=True, low_bandwidth=True))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready_chat(pilot)
        screen.prompt.load_text("Show me some Python code")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.session.messages) == 2 and not screen.streaming, timeout=30)
        reply = screen.chat_pane.query(AssistantMessage).last()
        assert reply.low_bandwidth
    assert len(frames) >= 3
    gaps = [later - earlier for earlier, later in zip(frames, frames[1:], strict=False)]
    assert min(gaps) >= LOW_BANDWIDTH_INTERVAL * 0.9
