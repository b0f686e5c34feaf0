"""The sessions folder: save/load, listing, damaged and newer files, failed saves, conflicts, search, lookup."""

from __future__ import annotations

import errno
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from session_samples import document, sample_chat, sample_compare

from anannas_tui.core import atomic, paths
from anannas_tui.core.session import Message, Role, Session
from anannas_tui.core.session_format import FORMAT_VERSION, encode_session
from anannas_tui.core.session_store import SessionNotFound, SessionStore, SessionUnreadable, slug


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions")


def saved(store: SessionStore, session: Session) -> Path:
    result = store.save(session, touch=False)
    assert result.ok and result.message is None and result.path is not None
    return result.path


class TestSaveAndLoad:
    def test_round_trip_through_the_folder(self, store: SessionStore) -> None:
        path = saved(store, sample_chat())
        assert re.fullmatch(r"20250601-140322-explain-toml-a1b2c3d4e5f6\.toml", path.name)
        assert path.stat().st_mode & 0o777 == 0o600
        loaded = SessionStore(store.folder).load("a1b2")
        assert loaded.path == path and loaded.read_only is None
        assert document(loaded.session) == document(sample_chat())

    def test_default_folder_is_the_platform_data_dir(self) -> None:
        assert SessionStore().folder == paths.data_dir() / "sessions"

    def test_save_touches_updated_and_keeps_the_file_name_after_a_rename(self, store: SessionStore) -> None:
        session = sample_chat()
        path = saved(store, session)
        before = session.updated
        session.title = "Renamed"
        result = store.save(session)
        assert result.ok and result.path == path and session.updated > before
        assert SessionStore(store.folder).load(session.id).session.title == "Renamed"

    def test_stale_temp_files_are_removed_at_start(self, store: SessionStore) -> None:
        stray = store.folder / ".20250601-x.toml.abc123.tmp"
        stray.write_text("half a file")
        an_hour_ago = stray.stat().st_mtime - 3600
        os.utime(stray, (an_hour_ago, an_hour_ago))
        assert SessionStore(store.folder).removed_temps == [stray] and not stray.exists()

    def test_a_temp_file_being_written_right_now_is_left_alone(self, store: SessionStore) -> None:
        """Another instance may be saving at this moment: only temp files untouched for a minute are stale."""
        fresh = store.folder / ".20250601-x.toml.def456.tmp"
        fresh.write_text("a save in progress in another window")
        assert SessionStore(store.folder).removed_temps == [] and fresh.exists()
        removed = atomic.clean_stale_temps(store.folder, now=fresh.stat().st_mtime + atomic.STALE_AFTER + 1)
        assert removed == [fresh] and not fresh.exists()

    def test_read_only_commands_leave_temp_files_alone(self, store: SessionStore) -> None:
        stray = store.folder / ".x.toml.abc.tmp"
        stray.write_text("a save in progress elsewhere")
        SessionStore(store.folder, clean=False)
        assert stray.exists()


class TestFailedSaves:
    def test_disk_full_keeps_old_file_and_memory(self, store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
        session = sample_chat()
        path = saved(store, session)
        old = path.read_bytes()
        session.messages.append(Message(Role.USER, "one more"))

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(atomic.os, "fsync", full)
        result = store.save(session)
        assert not result.ok and result.message is not None
        assert "No space left on device" in result.message and "kept in memory" in result.message
        assert path.read_bytes() == old
        assert [p.name for p in store.folder.iterdir()] == [path.name]  # no temp file left behind
        assert session.messages[-1].content == "one more"
        monkeypatch.undo()
        assert store.save(session).ok  # the next autosave succeeds and writes everything
        assert SessionStore(store.folder).load(session.id).session.messages[-1].content == "one more"

    @pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
    def test_read_only_folder(self, store: SessionStore) -> None:
        path = saved(store, sample_chat())
        old = path.read_bytes()
        store.folder.chmod(0o500)
        try:
            result = store.save(sample_chat())
        finally:
            store.folder.chmod(0o700)
        assert not result.ok and result.message and "Permission denied" in result.message
        assert path.read_bytes() == old

    def test_permission_denied(self, store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
        def denied(*args: object, **kwargs: object) -> None:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

        monkeypatch.setattr("anannas_tui.core.session_store.atomic_write", denied)
        result = store.save(sample_chat())
        assert not result.ok and result.message and "Permission denied" in result.message


class TestNeverOverwritten:
    def test_damaged_file_is_listed_with_reason_and_kept(self, store: SessionStore) -> None:
        session = sample_chat()
        path = saved(store, session)
        full = path.read_bytes()
        cut = full[: full.rindex(b"\n[[messages]]")]  # still parses: only the integrity check can tell
        path.write_bytes(cut)
        [entry] = store.entries()
        assert entry.id == "a1b2c3d4e5f6" and entry.damaged is not None and "cut short" in entry.damaged
        with pytest.raises(SessionUnreadable, match="damaged"):
            store.load("a1b2")
        result = store.save(session)  # the window still has the conversation: it goes to a new file
        assert result.ok and result.message and "changed on disk" in result.message
        assert path.read_bytes() == cut
        assert result.path != path and session.id != "a1b2c3d4e5f6"
        assert document(SessionStore(store.folder).load(session.id).session) == document(session)

    @pytest.mark.parametrize("content", [b"", b"\xff\xfe not utf-8", b"not toml [", b"format = 1\n"])
    def test_unreadable_files_are_listed(self, store: SessionStore, content: bytes) -> None:
        (store.folder / "20250101-000000-x-deadbeef0000.toml").write_bytes(content)
        [entry] = store.entries()
        assert entry.damaged and entry.id == "deadbeef0000"

    def test_newer_format_opens_read_only_and_saves_elsewhere(self, store: SessionStore) -> None:
        text = encode_session(sample_chat()).replace(f"format = {FORMAT_VERSION}", "format = 99")
        path = store.folder / "20250601-140322-explain-toml-a1b2c3d4e5f6.toml"
        path.write_text(text)
        loaded = store.load("last")
        assert loaded.read_only and "format 99" in loaded.read_only
        assert store.entries()[0].read_only
        result = store.save(loaded.session)
        assert result.ok and result.message and "newer anannas-tui" in result.message
        assert path.read_text() == text and result.path != path

    def test_file_changed_by_another_window(self, store: SessionStore) -> None:
        session = sample_chat()
        path = saved(store, session)
        other_window = SessionStore(store.folder, clean=False)
        other = other_window.load(session.id).session
        other.messages.append(Message(Role.USER, "from the other window"))
        assert other_window.save(other) == other_window.save(other)  # same file, no notice, twice
        theirs = path.read_bytes()
        session.messages.append(Message(Role.USER, "from this window"))
        result = store.save(session)
        assert result.ok and result.message and "changed on disk" in result.message
        assert path.read_bytes() == theirs  # neither window's messages are lost
        assert store.save(session).message is None  # later saves go to the new file quietly

    def test_symlinked_file_keeps_its_link(self, store: SessionStore, tmp_path: Path) -> None:
        """Stow-style dotfiles: the session file is a link into a repository; saving updates the target."""
        session = sample_chat()
        path = saved(store, session)
        target = tmp_path / "repo" / path.name
        target.parent.mkdir()
        path.rename(target)
        path.symlink_to(target)
        store = SessionStore(store.folder)
        session = store.load(session.id).session
        session.messages.append(Message(Role.USER, "saved through the link"))
        result = store.save(session)
        assert result.ok and result.message is None and path.is_symlink()
        assert "saved through the link" in target.read_text()

    def test_deleted_file_is_written_again(self, store: SessionStore) -> None:
        session = sample_chat()
        path = saved(store, session)
        path.unlink()
        assert store.save(session).path == path and path.exists()


class TestListingAndSearch:
    def test_entries_newest_first_with_totals(self, store: SessionStore) -> None:
        old = sample_chat("aaaaaaaaaaaa", "Old")
        new = sample_chat("bbbbbbbbbbbb", "New")
        new.updated = old.updated.replace(year=2026)
        saved(store, old)
        saved(store, new)
        entries = store.entries()
        assert [e.title for e in entries] == ["New", "Old"]
        assert entries[0].messages == 5 and entries[0].model == "openai/gpt-5-mini"
        assert entries[0].cost == sum(m.usage.cost for m in new.messages if m.usage and m.usage.cost)
        assert entries[0].cost_estimated

    def test_compare_entry(self, store: SessionStore) -> None:
        saved(store, sample_compare())
        [entry] = store.entries()
        assert entry.model == "openai/gpt-5-mini vs anthropic/claude-haiku" and entry.messages == 4

    def test_search_titles_and_content_ignoring_case(self, store: SessionStore) -> None:
        saved(store, sample_chat("aaaaaaaaaaaa", "Explain TOML"))
        other = sample_chat("bbbbbbbbbbbb", "Poetry")
        other.messages[1].content = "Here is a long answer. " * 5 + "The PINEAPPLE sits on the table. " * 3
        saved(store, other)
        # "Explain TOML" is one session's title and both sessions' first prompt
        assert {h.entry.id: h.in_title for h in store.search("toml")} == {"aaaaaaaaaaaa": True, "bbbbbbbbbbbb": False}
        [hit] = store.search("pineapple")
        assert not hit.in_title and hit.message_index == 1
        assert "PINEAPPLE sits" in hit.snippet and hit.snippet.startswith("…") and "\n" not in hit.snippet
        assert store.search("no such words") == []
        assert len(store.search("")) == 2

    def test_search_sees_changes_and_skips_damaged_files(self, store: SessionStore) -> None:
        session = sample_chat()
        path = saved(store, session)
        assert store.search("kumquat") == []
        session.messages.append(Message(Role.USER, "What about a Kumquat?"))
        store.save(session)
        assert [h.entry.id for h in store.search("KUMQUAT")] == [session.id]
        path.write_text(path.read_text().replace("Kumquat", "Kumquat!"))
        assert store.search("kumquat") == []

    def test_search_unicode(self, store: SessionStore) -> None:
        session = sample_chat()
        session.messages[0].content = "Wie heißt die ÄPFEL-Sorte? İstanbul 🍍"
        saved(store, session)
        assert store.search("äpfel") and store.search("🍍") and store.search("heiß")


class TestLookup:
    def test_prefix_path_and_last(self, store: SessionStore) -> None:
        first = saved(store, sample_chat("abc111111111"))
        second = saved(store, sample_chat("abc222222222"))
        assert store.resolve("abc1") == first
        assert store.resolve(str(second)) == second
        assert store.resolve("last") == second
        with pytest.raises(SessionNotFound, match="matches 2 sessions"):
            store.resolve("abc")
        with pytest.raises(SessionNotFound, match="no session id starts with 'zzz'"):
            store.resolve("zzz")
        with pytest.raises(SessionNotFound, match="no session file"):
            store.resolve(str(store.folder / "missing.toml"))

    def test_renamed_file_is_found_by_the_id_inside(self, store: SessionStore) -> None:
        path = saved(store, sample_chat())
        path.rename(store.folder / "my-notes.toml")
        assert store.resolve("a1b2c3") == store.folder / "my-notes.toml"
        saved(store, sample_chat("a1b2ffffffff"))
        with pytest.raises(SessionNotFound, match="matches 2 sessions"):
            store.resolve("a1b2")  # the file names alone would have said one

    def test_last_skips_damaged_files(self, store: SessionStore) -> None:
        good = saved(store, sample_chat("aaaaaaaaaaaa"))
        bad = saved(store, sample_chat("bbbbbbbbbbbb"))
        bad.write_text("broken")
        os.utime(good, (1, 1))
        assert store.resolve("last") == good

    def test_no_sessions_yet(self, store: SessionStore) -> None:
        with pytest.raises(SessionNotFound, match="no saved sessions"):
            store.resolve("last")


class TestDeleteAndFork:
    def test_delete_by_prefix_and_damaged_by_name(self, store: SessionStore) -> None:
        path = saved(store, sample_chat())
        assert store.delete("a1b2") == path and not path.exists()
        broken = store.folder / "20250101-000000-x-0123456789ab.toml"
        broken.write_text("oops")
        assert store.delete("0123") == broken and store.entries() == []

    def test_fork_writes_a_copy_and_keeps_the_original(self, store: SessionStore) -> None:
        session = sample_chat()
        path = saved(store, session)
        original = path.read_bytes()
        copy, result = store.fork(session, upto=2)
        assert result.ok and result.path != path and path.read_bytes() == original
        assert copy.id != session.id and copy.title == "Explain TOML (fork)" and len(copy.messages) == 2
        assert len(store.entries()) == 2

    def test_fork_a_comparison_column(self, store: SessionStore) -> None:
        copy, result = store.fork(sample_compare(), column="B")
        assert result.ok
        loaded = store.load(copy.id).session
        assert loaded.kind == "chat" and loaded.model == "anthropic/claude-haiku"
        assert [m.content for m in loaded.messages] == ["Write a haiku", "Autumn moon"]


def test_slug() -> None:
    assert slug("Qu'est-ce que TOML ?") == "qu-est-ce-que-toml"
    assert slug("🍍🍍") == "untitled"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert len(slug("word " * 40)) <= 40


def test_unsaveable_session_reports_instead_of_raising(store: SessionStore) -> None:
    bad = replace(sample_chat(), id="not/a/valid/id")
    result = store.save(bad)
    assert not result.ok and result.message and "kept in memory" in result.message
