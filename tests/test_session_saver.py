"""Saving long conversations off the UI thread: in order, newest state last, and nothing lost at exit."""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path

import pytest
from fake_payloads import NORMAL_REPLY
from fake_server import FakeServer
from pilot_helpers import ready_chat, wait_for
from textual.pilot import Pilot

from anannas_tui import session_saver
from anannas_tui.app import AnannasApp, make_app
from anannas_tui.core import session_store
from anannas_tui.core.config import Config
from anannas_tui.core.secret import Secret
from anannas_tui.core.session import Message, Role, Session
from anannas_tui.core.session_store import SavePlan, SaveResult, SessionStore, Written
from anannas_tui.options import AppOptions
from anannas_tui.screens.chat import ChatScreen
from anannas_tui.screens.sessions import SessionsScreen
from anannas_tui.session_saver import SessionSaver, conversation_size
from anannas_tui.widgets.assistant_message import AssistantMessage


def chat(turns: int) -> Session:
    session = Session.new("test/model")
    for turn in range(turns):
        session.messages.append(Message(Role.USER, f"question {turn}"))
        session.messages.append(Message(Role.ASSISTANT, f"answer {turn} " + "x" * 200, model="test/model"))
    return session


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread each write ran on."""
    names: list[str] = []
    original = session_saver.write

    def recording(plan: SavePlan) -> Written:
        names.append(threading.current_thread().name)
        return original(plan)

    monkeypatch.setattr(session_saver, "write", recording)
    return names


def on_disk(store: SessionStore, session: Session) -> list[Message]:
    """The messages of `session` as its file holds them."""
    return store.load(store.resolve(session.id)).session.messages


def saver_for(store: SessionStore, reports: list[SaveResult], background_from: int) -> SessionSaver:
    saver = SessionSaver(lambda: store, reports.append)
    saver.background_from = background_from
    return saver


async def test_a_long_conversation_is_written_on_another_thread(tmp_path: Path, threads: list[str]) -> None:
    store, reports = SessionStore(tmp_path), []
    saver = saver_for(store, reports, background_from=1_000)
    session = chat(10)
    assert conversation_size(session) >= 1_000
    saver.save(session)
    assert saver.busy and reports == [], "save() returned before the file was written"
    await saver.flush()
    assert threads and threads[0] != threading.main_thread().name
    assert [r.ok for r in reports] == [True] and reports[0].message is None
    assert on_disk(store, session) == session.messages


async def test_a_short_conversation_is_still_saved_at_once(tmp_path: Path, threads: list[str]) -> None:
    store, reports = SessionStore(tmp_path), []
    saver = saver_for(store, reports, background_from=1_000_000)
    session = chat(2)
    saver.save(session)
    assert not saver.busy and [r.ok for r in reports] == [True]
    assert threads == [], "no thread was used"
    assert on_disk(store, session) == session.messages


async def test_saves_asked_for_meanwhile_write_the_newest_state_in_order(tmp_path: Path, threads: list[str]) -> None:
    """One write at a time, so the store never mistakes its own previous write for another window's."""
    store, reports = SessionStore(tmp_path), []
    saver = saver_for(store, reports, background_from=0)
    session = chat(5)
    saver.save(session)
    session.messages.append(Message(Role.USER, "one more"))
    saver.save(session)
    session.messages.append(Message(Role.ASSISTANT, "and its answer", model="test/model"))
    saver.save(session)
    await saver.flush()
    assert len(threads) == 2, "the two saves asked for while one was in flight became one"
    assert [(r.ok, r.message) for r in reports] == [(True, None), (True, None)]
    assert len(list(tmp_path.glob("*.toml"))) == 1
    saved = store.load(store.resolve(session.id)).session
    assert [m.content for m in saved.messages][-2:] == ["one more", "and its answer"]


async def test_a_failed_background_write_is_reported_and_the_old_file_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, reports = SessionStore(tmp_path), []
    saver = saver_for(store, reports, background_from=0)
    session = chat(3)
    saver.save(session)
    await saver.flush()
    before = list(tmp_path.glob("*.toml"))[0].read_text(encoding="utf-8")

    def disk_full(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(session_store, "atomic_write", disk_full)
    session.messages.append(Message(Role.USER, "lost?"))
    saver.save(session)
    await saver.flush()
    assert not reports[-1].ok and "No space left" in (reports[-1].message or "")
    assert "kept in memory" in (reports[-1].message or "")
    assert list(tmp_path.glob("*.toml"))[0].read_text(encoding="utf-8") == before
    assert session.messages[-1].content == "lost?"


async def test_an_unexpected_error_on_the_thread_is_reported_and_saving_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, reports = SessionStore(tmp_path), []
    saver = saver_for(store, reports, background_from=0)

    def broken(plan: SavePlan) -> Written:
        raise RuntimeError("encoder bug")

    monkeypatch.setattr(session_saver, "write", broken)
    session = chat(3)
    saver.save(session)
    await saver.flush()
    assert not reports[-1].ok and "RuntimeError: encoder bug" in (reports[-1].message or "")
    assert "kept in memory" in (reports[-1].message or "") and not saver.busy
    monkeypatch.undo()
    saver.save(session)
    await saver.flush()
    assert reports[-1].ok and on_disk(store, session) == session.messages


@pytest.fixture
def slow_app(monkeypatch: pytest.MonkeyPatch, fake_server: FakeServer) -> AnannasApp:
    """The app against the fake gateway, every save on a thread and taking half a second to write."""
    original = session_saver.write

    def slow(plan: SavePlan) -> Written:
        time.sleep(0.5)
        return original(plan)

    monkeypatch.setattr(session_saver, "write", slow)
    monkeypatch.setattr(session_saver, "BACKGROUND_FROM", 0)
    config = Config()
    config.api.base_url = fake_server.base_url
    config.chat.model = "test/normal"
    return make_app(AppOptions(config=config, api_key=Secret("sk-saver-test")))


async def reply_with_its_save_in_flight(pilot: Pilot[None]) -> ChatScreen:
    app = pilot.app
    screen = await ready_chat(pilot)
    assert isinstance(app, AnannasApp)
    screen.prompt.load_text("Hello there")
    await pilot.press("enter")
    await wait_for(pilot, lambda: bool(screen.query(AssistantMessage)) and not screen.streaming)
    assert app._saver is not None and app._saver.busy, "the save is still being written"
    return screen


async def test_the_sessions_screen_opens_once_the_save_in_flight_is_written(slow_app: AnannasApp) -> None:
    """Renaming or copying it there reads and rewrites the file: it must not race the save."""
    async with slow_app.run_test(size=(120, 40)) as pilot:
        await reply_with_its_save_in_flight(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(slow_app.screen, SessionsScreen) and slow_app.screen.entries)
        assert slow_app._saver is not None and not slow_app._saver.busy
        assert [entry.messages for entry in slow_app.screen.entries or []] == [2]  # type: ignore[attr-defined]


async def test_the_app_finishes_a_slow_background_save_before_it_exits(
    slow_app: AnannasApp, isolated_dirs: dict[str, Path]
) -> None:
    """Quit straight after a reply whose save is still being written: the file has the reply."""
    async with slow_app.run_test(size=(120, 40)) as pilot:
        await reply_with_its_save_in_flight(pilot)
    [path] = list((isolated_dirs["data"]).rglob("*.toml"))
    saved = SessionStore(path.parent).load(path).session
    assert [m.content for m in saved.messages] == ["Hello there", NORMAL_REPLY]


async def test_a_save_error_quoting_hostile_text_is_shown_inert(
    monkeypatch: pytest.MonkeyPatch, slow_app: AnannasApp
) -> None:
    def hostile(plan: SavePlan) -> Written:
        raise RuntimeError("\x1b]0;pwned\x07 [bold]x[/bold]")

    monkeypatch.setattr(session_saver, "write", hostile)
    async with slow_app.run_test(size=(120, 40)) as pilot:
        screen = await ready_chat(pilot)
        screen.prompt.load_text("Hello there")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.title == "Not saved" for n in slow_app._notifications))
        [toast] = [n for n in slow_app._notifications if n.title == "Not saved"]
        assert "\x1b" not in toast.message and "␛]0;pwned␇ [bold]x[/bold]" in toast.message
