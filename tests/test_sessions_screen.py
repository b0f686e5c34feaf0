"""The sessions screen against a real `SessionStore` in a temp folder: order, search, open, rename, delete, fork."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from anannas_tui.core.session import Message, Role, Session
from anannas_tui.core.session_format import FORMAT_VERSION, encode_session
from anannas_tui.core.session_store import SessionStore
from anannas_tui.core.usage import Usage
from anannas_tui.screens.confirm_dialog import ConfirmDialog
from anannas_tui.screens.rename_dialog import RenameDialog, tidy_title
from anannas_tui.screens.sessions import SessionChoice, SessionsScreen
from anannas_tui.widgets.session_list import format_when

NOW = datetime(2025, 6, 10, 12, 0, 0, tzinfo=timezone(timedelta(hours=2)))
DAMAGED_NAME = "20250601-140322-broken-deadbeef0000.toml"


def make_session(session_id: str, title: str, age: timedelta, texts: list[str], cost: str | None = None) -> Session:
    """A chat last updated `age` before NOW, alternating user prompts and replies (the last reply billed)."""
    messages = [
        Message(Role.USER if index % 2 == 0 else Role.ASSISTANT, text, created=NOW - age)
        for index, text in enumerate(texts)
    ]
    if cost is not None:
        messages[-1].usage = Usage(10, 20, 30, cost=Decimal(cost))
    return Session(
        id=session_id,
        title=title,
        created=NOW - age - timedelta(minutes=5),
        updated=NOW - age,
        model="openai/gpt-5-mini",
        messages=messages,
    )


SESSIONS = [
    make_session("aaaaaaaaaaa1", "Gamma notes", timedelta(days=3), ["Notes please", "Sure."], "0.5"),
    make_session("aaaaaaaaaaa2", "Alpha planning", timedelta(minutes=5), ["Plan the week", "Monday: rest"], "0.0123"),
    make_session(
        "aaaaaaaaaaa3",
        "Beta recipes",
        timedelta(hours=3),
        ["A soup?", "Try a zanzibar pilau with cloves and cardamom.", "Thanks", "Enjoy"],
    ),
    make_session("aaaaaaaaaaa4", "Delta [bold]markup[/bold] title", timedelta(days=40), ["hello"], "0.00007"),
]


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    """A folder with four sessions, a newer-format one and a damaged one."""
    return fill_folder(tmp_path / "sessions")


def fill_folder(folder: Path) -> SessionStore:
    """Save the sample sessions into `folder`, add a newer-format and a damaged file, return a fresh store."""
    store = SessionStore(folder)
    for session in SESSIONS:
        assert store.save(session, touch=False).ok
    future = make_session("fffffffffff1", "From the future", timedelta(days=1), ["hi", "hello"])
    text = encode_session(future).replace(f"format = {FORMAT_VERSION}", "format = 99")
    (store.folder / "20250609-115500-from-the-future-fffffffffff1.toml").write_text(text, encoding="utf-8")
    damaged = store.folder / DAMAGED_NAME
    damaged.write_text(encode_session(SESSIONS[0]).rsplit("\n[integrity]", 1)[0], encoding="utf-8")
    stamp = (NOW - timedelta(days=2)).timestamp()
    os.utime(damaged, (stamp, stamp))
    return SessionStore(store.folder)  # a fresh store: nothing read or written by this one yet


class SessionsApp(App[None]):
    """Opens the sessions screen over an empty screen and records what it returns and posts."""

    def __init__(self, store: SessionStore, current_id: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.current_id = current_id
        self.results: list[SessionChoice | None] = []
        self.renamed: list[SessionsScreen.Renamed] = []
        self.deleted: list[SessionsScreen.Deleted] = []

    def compose(self) -> ComposeResult:
        yield Static("chat")

    def on_mount(self) -> None:
        self.push_screen(SessionsScreen(self.store, self.current_id, clock=lambda: NOW), self.results.append)

    def on_sessions_screen_renamed(self, message: SessionsScreen.Renamed) -> None:
        self.renamed.append(message)

    def on_sessions_screen_deleted(self, message: SessionsScreen.Deleted) -> None:
        self.deleted.append(message)


async def loaded(pilot: Pilot[None]) -> SessionsScreen:
    """Wait until the screen has read the folder (it does so in a thread after its first frame)."""
    for _ in range(200):
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, SessionsScreen) and screen.entries is not None and not screen.workers:
            await pilot.pause()
            return screen
        await pilot.app.workers.wait_for_complete()
    raise AssertionError("the sessions list never loaded")


def path_of(store: SessionStore, session_id: str) -> Path:
    """The file of a session, found by its id."""
    return next(entry.path for entry in store.entries() if entry.id == session_id)


def toasts(pilot: Pilot[None]) -> list[str]:
    """The messages of the notifications shown so far."""
    return [notification.message for notification in pilot.app._notifications]


def titles(screen: SessionsScreen) -> list[str]:
    """The titles (or file names of damaged files) in list order."""
    rows = [screen.session_list.row_at(index) for index in range(screen.session_list.option_count)]
    return [row.entry.title or row.entry.path.name for row in rows if row is not None]


def rendered(screen: SessionsScreen) -> str:
    """The list's visible text."""
    return "\n".join(strip.text for strip in screen.session_list.render_lines(screen.session_list.region.reset_offset))


async def search(pilot: Pilot[None], query: str) -> SessionsScreen:
    screen = await loaded(pilot)
    screen.query_one("#sessions-query", Input).value = query
    await pilot.pause()
    return screen


async def highlight(pilot: Pilot[None], title: str) -> SessionsScreen:
    """Move the highlight to the row with this title (or damaged file name)."""
    screen = await loaded(pilot)
    screen.session_list.highlighted = titles(screen).index(title)
    await pilot.pause()
    return screen


class TestList:
    async def test_sorted_by_last_update_with_damaged_and_read_only(self, store: SessionStore) -> None:
        async with SessionsApp(store).run_test(size=(110, 30)) as pilot:
            screen = await loaded(pilot)
            assert titles(screen) == [
                "Alpha planning",
                "Beta recipes",
                "From the future",
                DAMAGED_NAME,
                "Gamma notes",
                "Delta [bold]markup[/bold] title",
            ]
            text = rendered(screen)
            assert "Delta [bold]markup[/bold] title" in text  # shown as text, never parsed as markup
            assert "From the future (read-only)" in text
            assert "damaged: no [integrity] table" in text
            alpha = next(line for line in text.splitlines() if "Alpha planning" in line)
            assert re.search(r"Alpha planning +openai/gpt-5-mini +2 +\$0\.0123 +5 min ago", alpha)
            assert "6 sessions · 1 damaged" in str(screen.query_one("#sessions-count", Static).render())

    async def test_current_session_is_marked(self, store: SessionStore) -> None:
        async with SessionsApp(store, current_id="aaaaaaaaaaa3").run_test(size=(110, 30)) as pilot:
            screen = await loaded(pilot)
            lines = rendered(screen).splitlines()
            assert next(line for line in lines if "Beta recipes" in line).lstrip().startswith("● Beta")
            assert not any("●" in line for line in lines if "Beta recipes" not in line)

    async def test_shows_loading_before_the_folder_is_read(self, store: SessionStore) -> None:
        screen = SessionsScreen(store)
        app = App[None]()
        async with app.run_test() as pilot:
            screen.load_entries = lambda keep=None: None  # type: ignore[method-assign,assignment,misc]
            await app.push_screen(screen)
            await pilot.pause()
            assert "loading…" in str(screen.query_one("#sessions-empty", Static).render())
            assert screen.entries is None and screen.has_class("-empty")


class TestSearch:
    async def test_finds_a_word_only_in_message_content(self, store: SessionStore) -> None:
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            screen = await search(pilot, "ZANZIBAR")
            assert titles(screen) == ["Beta recipes"]
            assert "Try a zanzibar pilau" in rendered(screen)  # the snippet line under the title
            await pilot.press("enter")
            assert app.results == [SessionChoice("open", path_of(store, "aaaaaaaaaaa3"))]

    async def test_typing_narrows_and_erasing_widens(self, store: SessionStore) -> None:
        async with SessionsApp(store).run_test(size=(110, 30)) as pilot:
            screen = await loaded(pilot)
            await pilot.press(*"gamm")
            assert titles(screen) == ["Gamma notes"]
            await pilot.press("backspace", "backspace", "backspace", "e")  # "ge": no longer contains "gamm"
            assert titles(screen) == []
            await pilot.press("backspace")  # "g": the search widens again
            assert titles(screen) == ["Alpha planning", "Gamma notes"]
            await pilot.press("backspace", *"su")  # "su": only in message content
            assert titles(screen) == ["Gamma notes"]
            await pilot.press("backspace", "backspace")
            assert len(titles(screen)) == 6

    async def test_title_matches_and_no_match(self, store: SessionStore) -> None:
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            screen = await search(pilot, "alpha")
            assert titles(screen) == ["Alpha planning"]
            screen = await search(pilot, "no such words anywhere")
            assert titles(screen) == [] and screen.has_class("-empty")
            assert "No session matches." in str(screen.query_one("#sessions-empty", Static).render())
            await pilot.press("enter")  # nothing to open: the screen stays
            assert app.results == [] and pilot.app.screen is screen

    async def test_text_from_disk_is_made_safe(self, store: SessionStore) -> None:
        hostile = make_session("bbbbbbbbbbb1", "Evil \x1b]0;pwned\x07 \u202etitle", timedelta(seconds=1), ["x"])
        hostile.model = "evil/\x1b[2Jmodel"
        assert store.save(hostile, touch=False).ok
        async with SessionsApp(store).run_test(size=(110, 30)) as pilot:
            text = rendered(await loaded(pilot))
            assert "Evil ␛]0;pwned␇ <U+202E>title" in text and "evil/␛[2Jmodel" in text
            assert "\x1b" not in text and "\u202e" not in text

    async def test_a_failed_read_is_a_toast(self, store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
        def unreadable() -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(store, "entries", unreadable)
        async with SessionsApp(store).run_test(size=(110, 30)) as pilot:
            for _ in range(50):
                await pilot.pause()
                if toasts(pilot):
                    break
            screen = pilot.app.screen
            assert isinstance(screen, SessionsScreen) and toasts(pilot) == ["Permission denied"]
            assert "could not read the sessions folder" in str(screen.query_one("#sessions-empty", Static).render())


class TestOpenAndNew:
    async def test_enter_opens_the_highlighted_session(self, store: SessionStore) -> None:
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("down", "enter")
            assert app.results == [SessionChoice("open", path_of(store, "aaaaaaaaaaa3"))]

    async def test_newer_format_session_opens(self, store: SessionStore) -> None:
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            await highlight(pilot, "From the future")
            await pilot.press("enter")
            assert app.results == [SessionChoice("open", path_of(store, "fffffffffff1"))]
            assert store.load(path_of(store, "fffffffffff1")).read_only  # the chat gets it read-only

    async def test_opening_the_current_session_just_closes(self, store: SessionStore) -> None:
        async with (app := SessionsApp(store, current_id="aaaaaaaaaaa2")).run_test(size=(110, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("enter")
            assert app.results == [None]

    async def test_new_and_escape(self, store: SessionStore) -> None:
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("ctrl+n")
            assert app.results == [SessionChoice("new")]
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("escape")
            assert app.results == [None]

    async def test_damaged_session_is_refused_with_its_reason(self, store: SessionStore) -> None:
        before = (store.folder / DAMAGED_NAME).read_bytes()
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            screen = await highlight(pilot, DAMAGED_NAME)
            for key in ("enter", "f2", "ctrl+k"):
                await pilot.press(key)
            await pilot.pause()
            assert app.results == [] and pilot.app.screen is screen
            shown = toasts(pilot)
            assert len(shown) == 3 and all("damaged" in t and "integrity" in t for t in shown)
            assert all(DAMAGED_NAME in t and "anannas-tui sessions repair" in t for t in shown)
        assert (store.folder / DAMAGED_NAME).read_bytes() == before
        assert len(list(store.folder.glob("*.toml"))) == 6


class TestRename:
    async def test_rename_persists_and_is_announced(self, store: SessionStore) -> None:
        path = path_of(store, "aaaaaaaaaaa3")
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            await highlight(pilot, "Beta recipes")
            await pilot.press("f2")
            assert isinstance(pilot.app.screen, RenameDialog)
            await pilot.press(*"Soup  ideas", "enter")  # typing replaces the selected old title
            screen = await loaded(pilot)
            assert titles(screen)[1] == "Soup ideas"  # order kept: a rename is not an update
            assert [(m.session_id, m.title) for m in app.renamed] == [("aaaaaaaaaaa3", "Soup ideas")]
        reloaded = SessionStore(store.folder).load(path)
        assert reloaded.session.title == "Soup ideas"
        assert reloaded.session.updated == SESSIONS[2].updated
        assert reloaded.session.messages[1].content == SESSIONS[2].messages[1].content

    async def test_escape_keeps_the_title(self, store: SessionStore) -> None:
        path = path_of(store, "aaaaaaaaaaa3")
        before = path.read_bytes()
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            await highlight(pilot, "Beta recipes")
            await pilot.press("f2", "x", "escape")
            assert isinstance(pilot.app.screen, SessionsScreen) and app.renamed == []
        assert path.read_bytes() == before

    async def test_newer_format_session_is_not_renamed(self, store: SessionStore) -> None:
        path = path_of(store, "fffffffffff1")
        before = path.read_bytes()
        async with SessionsApp(store).run_test(size=(110, 30)) as pilot:
            screen = await highlight(pilot, "From the future")
            await pilot.press("f2")
            assert pilot.app.screen is screen
            assert "newer anannas-tui" in toasts(pilot)[-1]
        assert path.read_bytes() == before and len(list(store.folder.glob("*.toml"))) == 6

    def test_titles_are_one_tidy_line(self) -> None:
        assert tidy_title("  two\n lines\t here ") == "two lines here"
        assert tidy_title(" \n ") == ""


class TestDelete:
    async def test_delete_asks_then_removes_the_file(self, store: SessionStore) -> None:
        path = path_of(store, "aaaaaaaaaaa3")
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            await highlight(pilot, "Beta recipes")
            await pilot.press("ctrl+d")
            dialog = pilot.app.screen
            assert isinstance(dialog, ConfirmDialog) and "Delete Beta recipes?" in dialog.message.plain
            assert path.exists()
            await pilot.press("y")
            screen = await loaded(pilot)
            assert "Beta recipes" not in titles(screen)
            following = screen.highlighted_entry()
            assert following is not None and following.title == "From the future"
            assert [m.session_id for m in app.deleted] == ["aaaaaaaaaaa3"]
        assert not path.exists()

    async def test_cancel_keeps_the_file(self, store: SessionStore) -> None:
        path = path_of(store, "aaaaaaaaaaa3")
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            await highlight(pilot, "Beta recipes")
            await pilot.press("ctrl+d", "enter")  # the focus starts on Cancel
            screen = await loaded(pilot)
            await pilot.press("ctrl+d", "escape")
            await pilot.press("ctrl+d")
            await pilot.click(offset=(1, 1))  # outside the dialog: a no
            assert "Beta recipes" in titles(await loaded(pilot)) and app.deleted == []
            assert pilot.app.screen is screen
        assert path.exists()

    async def test_current_session_gets_a_warning(self, store: SessionStore) -> None:
        async with SessionsApp(store, current_id="aaaaaaaaaaa2").run_test(size=(110, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("ctrl+d")
            dialog = pilot.app.screen
            assert isinstance(dialog, ConfirmDialog) and "open in the chat" in dialog.message.plain

    async def test_a_failed_delete_is_a_toast(self, store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
        def refuse(ref: str | Path) -> Path:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(store, "delete", refuse)
        async with (app := SessionsApp(store)).run_test(size=(110, 30)) as pilot:
            await highlight(pilot, "Beta recipes")
            await pilot.press("ctrl+d", "y")
            screen = await loaded(pilot)
            assert "Beta recipes" in titles(screen) and app.deleted == []
            assert toasts(pilot) == ["Permission denied"]
        assert path_of(store, "aaaaaaaaaaa3").exists()

    async def test_a_damaged_file_can_be_deleted(self, store: SessionStore) -> None:
        async with SessionsApp(store).run_test(size=(110, 30)) as pilot:
            await highlight(pilot, DAMAGED_NAME)
            await pilot.press("ctrl+d", "y")
            await loaded(pilot)
        assert not (store.folder / DAMAGED_NAME).exists()


class TestFork:
    async def test_fork_saves_a_copy_and_highlights_it(self, store: SessionStore) -> None:
        async with SessionsApp(store).run_test(size=(110, 30)) as pilot:
            await highlight(pilot, "Gamma notes")
            await pilot.press("ctrl+k")
            screen = await loaded(pilot)
            copy = screen.highlighted_entry()
            assert copy is not None and copy.title == "Gamma notes (fork)" and copy.id != "aaaaaaaaaaa1"
            assert titles(screen)[0] == "Gamma notes (fork)" and "Gamma notes" in titles(screen)
        files = list(store.folder.glob("*.toml"))
        assert len(files) == 7
        fresh = SessionStore(store.folder)
        forked = fresh.load(copy.path).session
        assert [m.content for m in forked.messages] == ["Notes please", "Sure."]


class TestFormatWhen:
    @pytest.mark.parametrize(
        ("age", "expected"),
        [
            (timedelta(seconds=5), "just now"),
            (timedelta(seconds=-30), "just now"),
            (timedelta(minutes=59), "59 min ago"),
            (timedelta(hours=23), "23 h ago"),
            (timedelta(days=6), "6 d ago"),
            (timedelta(days=40), "1 May"),
            (timedelta(days=400), "6 May 2024"),
        ],
    )
    def test_ages_then_dates(self, age: timedelta, expected: str) -> None:
        assert format_when(NOW - age, NOW) == expected


class TestSnapshot:
    def test_sessions_screen_100x30(self, snap_compare, store: SessionStore) -> None:  # type: ignore[no-untyped-def]
        """At 100x30, a centred box titled "Sessions" over a blank screen: an empty search box, muted column
        titles (title, model, msgs, cost, updated), then six rows newest first: "Alpha planning" highlighted
        (openai/gpt-5-mini, 2, $0.0123, 5 min ago); "● Beta recipes" with an accent dot as the current session
        (4 messages, no cost, 3 h ago); "From the future" with "(read-only)" in the warning colour (1 d ago); the
        damaged file's name, dimmed and italic, with "damaged: no [integrity] table: the file …" (2 d ago);
        "Gamma notes" ($0.5, 3 d ago); "Delta [bold]markup[/bold] t…" shown literally, not bold ($0.000070,
        1 May). Under the list "6 sessions · 1 damaged"; the footer lists Move, Delete, Open, Duplicate, New,
        Rename and Close. (Ages are measured from a frozen clock.)"""

        async def settle(pilot: Pilot[None]) -> None:
            screen = await loaded(pilot)
            screen.query_one(Input).cursor_blink = False
            await pilot.pause()

        assert snap_compare(SessionsApp(store, "aaaaaaaaaaa3"), terminal_size=(100, 30), run_before=settle)
