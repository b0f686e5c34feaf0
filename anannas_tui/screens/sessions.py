"""The sessions screen: every saved conversation, newest first, with search, open, rename, delete, fork and new.

The folder is read in a thread after the first frame (a cold read of 500 files takes over a second), with
"loading…" meanwhile. Search then runs over the entries already in memory (titles and message texts are kept
lower-cased in each `SessionEntry`), so a keystroke never touches the disk. Keys stay in the search box; the
arrows move the highlight. Damaged files are listed with their reason and can be deleted, never opened or
written; files of a newer format are opened (the chat keeps them read-only) but not renamed.

Renaming or deleting the conversation that is open in the chat posts `Renamed` / `Deleted`, so the app can
update the chat's copy; otherwise the chat's next save would write the old title back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.worker import Worker, WorkerState

from anannas_tui.core.sanitize import for_display, shorten
from anannas_tui.core.session import clean_text, now
from anannas_tui.core.session_index import SearchHit, SessionEntry, search_entries
from anannas_tui.core.session_store import SessionNotFound, SessionStore, SessionUnreadable
from anannas_tui.screens.confirm_dialog import ConfirmDialog
from anannas_tui.screens.rename_dialog import RenameDialog
from anannas_tui.widgets.session_list import SessionHeader, SessionList, SessionRow, one_line_text

_MOVE = Binding.Group("Move", compact=True)
_MOVES = {"up": "cursor_up", "down": "cursor_down", "page_up": "page_up", "page_down": "page_down"}
_STORE_ERRORS = (OSError, SessionNotFound, SessionUnreadable)


@dataclass(frozen=True)
class SessionChoice:
    """What the user chose: open the session file at `path`, or start a new chat (`path` None)."""

    action: Literal["open", "new"]
    path: Path | None = None


def _safe(text: str, limit: int = 80) -> str:
    """Text from disk for a toast or question: one line, controls made visible, cut at `limit` characters."""
    return shorten(one_line_text(text), limit)


def _name(entry: SessionEntry) -> str:
    """How a toast or question names a session: its title, or the file name of a damaged one."""
    return _safe(entry.title or entry.path.name)


class SessionsScreen(ModalScreen[SessionChoice | None]):
    """Browse and manage saved sessions; dismisses with a `SessionChoice`, or None on Escape.

    Args:
        store: The sessions folder (the app's `session_store`).
        current_id: The id of the conversation open in the chat: marked, and opening it just closes the screen.
        clock: Where "now" comes from for the "updated" ages (tests freeze it).
    """

    CSS_PATH = "sessions.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open", priority=True, tooltip="Open the highlighted session"),
        Binding("ctrl+n", "new", "New", priority=True, tooltip="Start a new chat"),
        Binding("f2", "rename", "Rename", priority=True, tooltip="Give the highlighted session a new title"),
        Binding("ctrl+d", "delete", "Delete", priority=True, tooltip="Delete the highlighted session's file"),
        Binding("ctrl+k", "fork", "Duplicate", priority=True, tooltip="Save a copy of the highlighted session"),
        Binding("escape", "close", "Close"),
        # Priority: the search box binds these keys (or consumes them) itself.
        Binding("up", "move('up')", "Up", group=_MOVE, priority=True),
        Binding("down", "move('down')", "Down", group=_MOVE, priority=True),
        Binding("pageup", "move('page_up')", "Page up", show=False, priority=True),
        Binding("pagedown", "move('page_down')", "Page down", show=False, priority=True),
    ]

    class Renamed(Message):
        """A session was given a new title (its file is saved)."""

        def __init__(self, session_id: str, path: Path, title: str) -> None:
            super().__init__()
            self.session_id = session_id
            self.path = path
            self.title = title

    class Deleted(Message):
        """A session file was deleted."""

        def __init__(self, session_id: str, path: Path) -> None:
            super().__init__()
            self.session_id = session_id
            self.path = path

    def __init__(
        self, store: SessionStore, current_id: str | None = None, *, clock: Callable[[], datetime] = now
    ) -> None:
        super().__init__()
        self.store = store
        self.current_id = current_id
        self.clock = clock
        self.entries: list[SessionEntry] | None = None
        """Every file in the folder, newest first; None until the first read finishes."""
        self._error: str | None = None
        self._narrowed: tuple[str, list[SessionEntry]] = ("", [])
        """The last query and the entries it matched: a longer query only needs to search those."""

    def compose(self) -> ComposeResult:
        with Vertical(id="sessions") as box:
            box.border_title = "Sessions"
            yield Input(placeholder="Search titles and messages", id="sessions-query")
            yield Static(SessionHeader(), id="sessions-header")
            yield SessionList(id="sessions-list")
            yield Static("", id="sessions-empty", markup=False)
            yield Static("", id="sessions-count", markup=False)
        yield Footer()

    @property
    def session_list(self) -> SessionList:
        """The table of sessions."""
        return self.query_one(SessionList)

    @property
    def query_text(self) -> str:
        """What is typed in the search box, trimmed."""
        return self.query_one("#sessions-query", Input).value.strip()

    def on_mount(self) -> None:
        """Show the frame with "loading…" at once; read the folder after it is drawn."""
        self._show_status(0)
        self.call_after_refresh(self.load_entries)

    # ----- loading ----------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="entries", exit_on_error=False)
    def load_entries(self, keep: Path | None = None) -> tuple[list[SessionEntry], Path | None]:
        """Read the folder in a thread (only new or changed files are parsed again); see `show_entries`."""
        return self.store.entries(), keep

    @on(Worker.StateChanged)
    def show_entries(self, event: Worker.StateChanged) -> None:
        """Show the folder once read, keeping the highlight on `keep`; a failed read is a toast."""
        worker = event.worker
        if worker.group != "entries":
            return
        if event.state is WorkerState.SUCCESS and isinstance(worker.result, tuple):
            self.entries, keep = worker.result
            self._narrowed = ("", [])
            self.rebuild(keep)
        elif event.state is WorkerState.ERROR:
            error = worker.error
            reason = (error.strerror or str(error)) if isinstance(error, OSError) else "unexpected error; see the log"
            self.log.error(error)
            self._error = f"could not read the sessions folder: {reason}"
            self.notify(for_display(reason), title="Sessions not listed", severity="error", markup=False)
            self._show_status(0)

    # ----- the list ---------------------------------------------------------------------------------------

    def rebuild(self, keep: Path | None = None) -> None:
        """List every entry (empty query) or the search hits, highlighting `keep` when listed, else the top."""
        if self.entries is None:
            return
        query, stamp = self.query_text, self.clock()
        if query:
            rows = [
                SessionRow(
                    hit.entry,
                    stamp,
                    current=hit.entry.id == self.current_id,
                    query=query,
                    snippet=None if hit.in_title else hit.snippet,
                )
                for hit in self._search(query)
            ]
        else:
            rows = [SessionRow(entry, stamp, current=entry.id == self.current_id) for entry in self.entries]
        paths = [row.entry.path for row in rows]
        self.session_list.show_rows(rows, paths.index(keep) if keep in paths else 0)
        self._show_status(len(rows))

    def _search(self, query: str) -> list[SearchHit]:
        """Search the entries, or only the last query's matches when this query contains it (typing on)."""
        folded = query.lower()
        last, matched = self._narrowed
        candidates = matched if last and last in folded else self.entries or []
        hits = search_entries(candidates, query)
        self._narrowed = (folded, [hit.entry for hit in hits])
        return hits

    def _show_status(self, shown: int) -> None:
        """The empty-list message, and the count under the list."""
        entries = self.entries
        if entries is None:
            empty = self._error or "loading…"
        elif not entries:
            empty = "No saved sessions yet: ctrl+n starts a chat."
        else:
            empty = "No session matches."
        self.query_one("#sessions-empty", Static).update(empty)
        self.set_class(shown == 0, "-empty")
        total = len(entries or [])
        damaged = sum(1 for entry in entries or [] if entry.damaged is not None)
        count = f"{shown} of {total} sessions match" if self.query_text else f"{total} sessions"
        if damaged:
            count += f" · {damaged} damaged"
        self.query_one("#sessions-count", Static).update(count if entries else "")

    def highlighted_entry(self) -> SessionEntry | None:
        """The entry under the highlight, or None (nothing listed yet, or no match)."""
        row = self.session_list.highlighted_row
        return None if row is None else row.entry

    @on(Input.Changed, "#sessions-query")
    def search(self) -> None:
        """Filter on every keystroke, best (newest) match highlighted."""
        self.rebuild()

    @on(OptionList.OptionSelected)
    def open_clicked(self) -> None:
        """A click opens the row under the mouse, which the list has highlighted."""
        self.action_open()

    def _selected(self) -> SessionEntry | None:
        entry = self.highlighted_entry()
        if entry is None:
            self.app.bell()
        return entry

    def _refuse_damaged(self, entry: SessionEntry, doing: str) -> bool:
        """Say why a damaged file cannot be opened, renamed or copied; True when it is damaged."""
        if entry.damaged is None:
            return False
        reason = _safe(entry.damaged, 300)
        message = (
            f"{_safe(entry.path.name)} cannot be {doing}: it is damaged ({reason}). The file is kept as it is;"
            f" if you edited it by hand, `anannas-tui sessions repair {_safe(entry.id)}` re-seals it."
        )
        self.notify(message, title="Damaged session", severity="error", timeout=10, markup=False)
        return True

    def _report(self, title: str, error: BaseException) -> None:
        """A store error as a toast (never a traceback)."""
        reason = (error.strerror or str(error)) if isinstance(error, OSError) else str(error)
        self.notify(_safe(reason, 300), title=title, severity="error", timeout=8, markup=False)

    # ----- actions ----------------------------------------------------------------------------------------

    def action_move(self, direction: str) -> None:
        """Move the highlight while the focus stays in the search box."""
        getattr(self.session_list, f"action_{_MOVES[direction]}")()

    def action_open(self) -> None:
        """Open the highlighted session (the current one just closes the screen); a damaged one is refused."""
        entry = self._selected()
        if entry is None or self._refuse_damaged(entry, "opened"):
            return
        if entry.id == self.current_id:
            self.dismiss(None)
        elif not entry.path.is_file():
            self.notify(f"{_name(entry)} is no longer on disk.", title="Session gone", severity="warning", markup=False)
            self.load_entries()
        else:
            self.dismiss(SessionChoice("open", entry.path))

    def action_new(self) -> None:
        """Start a new chat."""
        self.dismiss(SessionChoice("new"))

    def action_close(self) -> None:
        """Close without choosing."""
        self.dismiss(None)

    def action_rename(self) -> None:
        """Ask for a new title for the highlighted session."""
        entry = self._selected()
        if entry is None or self._refuse_damaged(entry, "renamed"):
            return
        if entry.read_only is not None:
            message = f"{_name(entry)} was written by a newer anannas-tui and is kept unchanged."
            self.notify(message, title="Read-only session", severity="warning", markup=False)
            return
        self.app.push_screen(RenameDialog(entry.title), partial(self.rename, entry))

    def rename(self, entry: SessionEntry, title: str | None) -> None:
        """Save `title` into the session's file (its `updated` time is kept, so the list order stays)."""
        if not title or title == entry.title:
            return
        try:
            loaded = self.store.load(entry.path)
        except _STORE_ERRORS as error:
            self._report("Not renamed", error)
            self.load_entries()
            return
        loaded.session.title = clean_text(title)
        result = self.store.save(loaded.session, touch=False)
        if not result.ok or result.path is None:
            self.notify(for_display(result.message or "not saved"), title="Not renamed", severity="error", markup=False)
            return
        if result.message:
            self.notify(for_display(result.message), severity="warning", timeout=8, markup=False)
        self.post_message(self.Renamed(loaded.session.id, result.path, loaded.session.title))
        self.load_entries(keep=result.path)

    def action_delete(self) -> None:
        """Ask before deleting the highlighted session's file (with a warning for the one open in the chat)."""
        entry = self._selected()
        if entry is None:
            return
        parts: list[str | tuple[str, str]] = ["Delete ", (_name(entry), "bold"), "?\nIts file is removed for good."]
        if entry.id == self.current_id:
            parts.append(("\n\nIt is open in the chat: if you keep chatting, it is saved again.", "bold $text-warning"))
        question = ConfirmDialog("Delete session", Content.assemble(*parts), confirm="Delete", destructive=True)
        self.app.push_screen(question, partial(self.delete, entry))

    def delete(self, entry: SessionEntry, confirmed: bool | None) -> None:
        """Delete the file once confirmed; the highlight moves to the next row."""
        if not confirmed or self.entries is None:
            return
        try:
            self.store.delete(entry.path)
        except FileNotFoundError:
            pass  # already gone: the list just catches up
        except _STORE_ERRORS as error:
            self._report("Not deleted", error)
            return
        index = self.session_list.highlighted or 0
        following = self.session_list.row_at(index + 1) or self.session_list.row_at(index - 1)
        self.entries = [e for e in self.entries if e.path != entry.path]
        self._narrowed = ("", [])
        keep = following.entry.path if following is not None else None
        self.rebuild(keep)
        self.load_entries(keep)  # a read still running from before the delete would list the file again
        self.notify(f"Deleted {_name(entry)}.", timeout=3, markup=False)
        self.post_message(self.Deleted(entry.id, entry.path))

    def action_fork(self) -> None:
        """Save a copy of the highlighted session under a new id, then list and highlight it."""
        entry = self._selected()
        if entry is None or self._refuse_damaged(entry, "copied"):
            return
        try:
            loaded = self.store.load(entry.path)
        except _STORE_ERRORS as error:
            self._report("Not duplicated", error)
            self.load_entries()
            return
        copy, result = self.store.fork(loaded.session)
        if not result.ok or result.path is None:
            self.notify(
                for_display(result.message or "not saved"), title="Not duplicated", severity="error", markup=False
            )
            return
        self.notify(f"Saved a copy: {_safe(copy.title or 'Untitled')}.", timeout=3, markup=False)
        self.load_entries(keep=result.path)
