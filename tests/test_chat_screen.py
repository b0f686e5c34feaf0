"""The chat screen end to end, through Pilot, against the loopback gateway (tests/fake_server.py).

Each test drives the real app (`make_app`) the way a user does: type, press Enter, press Escape, and checks
what the user would see (transcript text, toasts, sidebar figures) and what was saved.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fake_payloads import INJECTION_REPLY, NORMAL_REPLY, USAGE
from fake_server import FakeServer
from pilot_helpers import ready_chat, wait_for
from rich.console import Console
from textual.pilot import Pilot

from anannas_tui.app import AnannasApp, AppOptions, make_app
from anannas_tui.core.config import Config
from anannas_tui.core.sanitize import for_clipboard
from anannas_tui.core.secret import Secret
from anannas_tui.core.session import Role, Status
from anannas_tui.screens.chat import ChatScreen
from anannas_tui.widgets.assistant_message import AssistantMessage
from anannas_tui.widgets.error_entry import ErrorEntry

KEY = "sk-test-secret-key-0123456789"


@pytest.fixture
def options(fake_server: FakeServer) -> AppOptions:
    """The app pointed at the loopback gateway, with short stall and retry waits."""
    config = Config()
    config.api.base_url = fake_server.base_url
    config.api.stall_timeout = 1.0
    config.api.max_retry_wait = 5.0
    config.chat.model = "test/normal"
    return AppOptions(config=config, api_key=Secret(KEY))


def chat(app: AnannasApp) -> ChatScreen:
    screen = app.screen
    assert isinstance(screen, ChatScreen)
    return screen


async def send(pilot: Pilot[None], text: str, model: str | None = None) -> ChatScreen:
    """Type `text` into the prompt (after switching model) and press Enter; wait for the reply to end."""
    screen = await ready_chat(pilot)
    if model is not None:
        screen.model_id = screen.session.model = model
    screen.prompt.focus()
    screen.prompt.load_text(text)
    before = len(screen.session.messages)
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(screen.session.messages) >= before + 2 and not screen.streaming)
    await pilot.pause()
    return screen


def replies(screen: ChatScreen) -> list[AssistantMessage]:
    return list(screen.chat_pane.query(AssistantMessage))


def toasts(app: AnannasApp) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


async def test_send_streams_the_reply_and_saves_it(options: AppOptions, fake_server: FakeServer) -> None:
    app = make_app(options)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await send(pilot, "Hello there")
        assert replies(screen)[-1].text == NORMAL_REPLY
        assert [m.role for m in screen.session.messages] == [Role.USER, Role.ASSISTANT]
        assert screen.session.messages[-1].status is Status.COMPLETE
        assert screen.session.title == "Hello there"
        assert screen.prompt.text == ""
        sent = fake_server.chat_requests[-1]
        assert sent.body["messages"][-1] == {"role": "user", "content": "Hello there"}
        assert sent.headers["authorization"] == f"Bearer {KEY}"
    saved = list(app.session_store.folder.glob("*.toml"))
    assert len(saved) == 1 and NORMAL_REPLY.splitlines()[0] in saved[0].read_text(encoding="utf-8")


async def test_sidebar_figures_equal_the_usage_the_server_sent(options: AppOptions) -> None:
    async with make_app(options).run_test(size=(120, 40)) as pilot:
        screen = await send(pilot, "numbers please")
        metrics = screen.sidebar.last
        assert metrics is not None and metrics.usage is not None
        assert metrics.usage.prompt_tokens == USAGE["prompt_tokens"]
        assert metrics.usage.completion_tokens == USAGE["completion_tokens"]
        assert metrics.cost == Decimal(str(USAGE["cost"])) and not metrics.cost_estimated
        assert screen.sidebar.totals.cost == Decimal(str(USAGE["cost"]))
        assert f"{USAGE['completion_tokens']:,}" in replies(screen)[-1].footer


async def test_escape_stops_the_reply_and_keeps_the_partial_text(options: AppOptions) -> None:
    async with make_app(options).run_test(size=(120, 40)) as pilot:
        screen = await ready_chat(pilot)
        screen.model_id = "test/slow"
        screen.prompt.load_text("go slowly")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(replies(screen)) and len(replies(screen)[-1].text) > 5)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.streaming)
        message = screen.session.messages[-1]
        assert message.status is Status.STOPPED
        assert message.content and message.content == replies(screen)[-1].text
        assert "stopped" in replies(screen)[-1].footer


@pytest.mark.parametrize(
    ("model", "title", "fragments"),
    [
        ("test/status-403", "403 · Flagged by moderation", ["reasons", "flagged input", "provider", "model"]),
        ("test/status-402", "402 · Out of credits", ["message"]),
        ("test/status-502", "502 · Provider error", ["provider", "raw"]),
        ("test/html-502", "502 · Provider error", ["HTTP 502"]),
        ("test/stall", "Stalled", ["No new content"]),
        ("test/drop", "Connection lost", ["connection was lost"]),
    ],
)
async def test_each_error_shows_a_toast_and_stays_in_the_transcript(
    options: AppOptions, model: str, title: str, fragments: list[str]
) -> None:
    options.config.api.retries = 0
    app = make_app(options)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await send(pilot, "trigger", model)
        shown = [message for toast_title, message in toasts(app) if toast_title == title]
        assert shown, toasts(app)
        for fragment in fragments:
            assert fragment in shown[0]
        entries = list(screen.chat_pane.query(ErrorEntry))
        assert len(entries) == 1 and entries[0].error.title == title
        assert screen.prompt.prompt_history[-1] == "trigger"


async def test_midstream_error_keeps_the_partial_reply_marked_incomplete(options: AppOptions) -> None:
    async with make_app(options).run_test(size=(120, 40)) as pilot:
        screen = await send(pilot, "fail halfway", "test/midstream-error")
        message = screen.session.messages[-1]
        assert message.status is Status.INCOMPLETE and message.content
        assert replies(screen)[-1].text == message.content
        assert message.error is not None


async def test_retry_countdown_then_success(options: AppOptions) -> None:
    app = make_app(options)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready_chat(pilot)
        screen.model_id = "test/retry-after"
        screen.prompt.load_text("retry me")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "retry" in screen.title_bar.status)
        assert any(title.startswith("Retrying") and "429" in message for title, message in toasts(app))
        await wait_for(pilot, lambda: not screen.streaming)
        assert screen.session.messages[-1].status is Status.COMPLETE


async def test_copy_puts_the_raw_reply_on_the_clipboard(options: AppOptions) -> None:
    app = make_app(options)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await send(pilot, "copy this")
        screen.action_copy_message()
        await pilot.pause()
        assert app.clipboard == for_clipboard(NORMAL_REPLY)
        assert any("OSC 52" in message or "Copied" in message for _, message in toasts(app))


def _terminal_output(app: AnannasApp) -> str:
    """What the app would write to a real terminal for a full repaint of the current screen."""
    update = app.screen._compositor.render_update(full=True)
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=120)
    return update.render_segments(console)


async def test_injection_payload_renders_literally_and_never_reaches_the_terminal(options: AppOptions) -> None:
    app = make_app(options)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await send(pilot, "inject", "test/injection")
        assert replies(screen)[-1].text == INJECTION_REPLY
        output = _terminal_output(app)
        for sequence in ("\x1b]52", "\x1b]0;", "\x1b[2J", "\x9b", "\x9d", "\u202e"):
            assert sequence not in output
        assert "␛]52" in output  # shown, inert, as a visible placeholder
        assert "[bold]" in output  # markup in model text is text


async def test_the_prompt_history_recalls_with_up(options: AppOptions) -> None:
    async with make_app(options).run_test(size=(120, 40)) as pilot:
        screen = await send(pilot, "first prompt")
        await pilot.press("up")
        assert screen.prompt.text == "first prompt"


async def test_regenerate_replaces_the_last_reply(options: AppOptions, fake_server: FakeServer) -> None:
    async with make_app(options).run_test(size=(120, 40)) as pilot:
        screen = await send(pilot, "once")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not screen.streaming and len(fake_server.requests) >= 2)
        await wait_for(pilot, lambda: not screen.streaming)
        assert [m.role for m in screen.session.messages] == [Role.USER, Role.ASSISTANT]
        assert len(replies(screen)) == 1


def _crash_text(app: AnannasApp, fatal_error: Callable[[], None]) -> str:
    """Render what `fatal_error` shows for an exception raised in a frame that holds the key."""

    def explode() -> None:
        secret = KEY  # a local holding the key, as a request path might
        raise RuntimeError(f"boom near {len(secret)} chars")

    try:
        explode()
    except RuntimeError:
        fatal_error()
    rendered = io.StringIO()
    console = Console(file=rendered, width=200)
    for renderable in app._exit_renderables:
        console.print(renderable)
    app._exit_renderables.clear()
    return rendered.getvalue()


async def test_a_crash_never_shows_the_key(options: AppOptions) -> None:
    app = make_app(options)
    async with app.run_test(size=(120, 40)):
        ours = _crash_text(app, app._fatal_error)
    assert "RuntimeError" in ours and KEY not in ours


async def test_textuals_default_crash_screen_would_show_the_key(options: AppOptions) -> None:
    """Proves the test above can fail: Textual's own handler renders locals, key included."""
    from textual.app import App

    app = make_app(options)
    async with app.run_test(size=(120, 40)):
        stock = _crash_text(app, lambda: App._fatal_error(app))
    assert KEY in stock


async def test_the_sidebar_follows_the_config_and_ctrl_b(options: AppOptions) -> None:
    options.config.ui.show_sidebar = False
    async with make_app(options).run_test(size=(120, 40)) as pilot:
        screen = chat(pilot.app)  # type: ignore[arg-type]
        await pilot.pause()
        assert not screen.sidebar.display
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.sidebar.display


async def test_the_sidebar_folds_away_below_100_columns(options: AppOptions) -> None:
    async with make_app(options).run_test(size=(99, 30)) as pilot:
        await pilot.pause()
        assert not chat(pilot.app).sidebar.display  # type: ignore[arg-type]


async def test_stale_temp_files_are_cleaned_at_start(options: AppOptions, isolated_dirs: dict[str, Any]) -> None:
    folder = isolated_dirs["data"] / "anannas-tui" / "sessions"
    folder.mkdir(parents=True)
    stale = folder / ".20260101-000000-x-abc.toml.k2j3h4.tmp"
    stale.write_text("half a file", encoding="utf-8")
    os.utime(stale, (1_700_000_000, 1_700_000_000))  # left by a save that was killed long ago
    async with make_app(options).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
    assert not stale.exists()
