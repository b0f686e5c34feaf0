"""The sessions folder: list, search, resolve, load, save, delete and fork conversations.

Rules that keep a conversation from ever being lost:

- Every write goes through `atomic_write`, so a crash leaves the old file or the new one; stray temp files
  from a killed writer are removed when a store starts.
- `save` never raises for a failed write (disk full, read-only folder): it returns a `SaveResult` whose
  message the UI shows, the session stays in memory and the old file stays intact.
- A file is overwritten only when it is exactly what this store last read or wrote. A damaged file, a file of
  a newer format, or one changed on disk by something else (another window) is kept as it is, and the
  conversation continues in a new file under a new id; the result's message says so. This is also what two
  app instances on one session get instead of a lock (no lock file can outlive a SIGKILL).
- Files are found by the id inside them; the name (`YYYYMMDD-HHMMSS-<title-slug>-<id>.toml`, from the
  creation time and the first title) only makes a folder listing readable, and renaming a session keeps it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from anannas_tui.core import paths
from anannas_tui.core.atomic import atomic_write, clean_stale_temps
from anannas_tui.core.session import Session, new_id
from anannas_tui.core.session_codec import session_to_document
from anannas_tui.core.session_format import FormatError, decode_session, encode_document, reseal
from anannas_tui.core.session_index import SearchHit, SessionEntry, id_from_name, read_entry, search_entries

SUFFIX = ".toml"
_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_OUR_NAME = re.compile(r"\d{8}-\d{6}-[a-z0-9-]*-[0-9a-f]{12}\.toml")
_StatKey = tuple[int, int, int]


class SessionNotFound(LookupError):
    """No session (or more than one) matches what the user typed; the message says which."""


class SessionUnreadable(Exception):
    """The session file is damaged; the message is the reason, and the file is left as it is."""


@dataclass(frozen=True)
class SaveResult:
    """What happened to a save: the UI shows `message` when there is one."""

    ok: bool
    path: Path | None = None
    message: str | None = None
    """Why the save failed, or a notice such as "continues in a new file"; None for a plain success."""


@dataclass(frozen=True)
class SavePlan:
    """A save decided on the UI thread (`SessionStore.plan`), to be written on any thread (`write`)."""

    path: Path
    session_id: str
    """The id the file will carry: the session's, or a new one when its file must not be overwritten."""
    refusal: str | None
    """Why the session's own file is kept unchanged (the save goes to a new file), or None."""
    document: dict[str, Any]
    """A snapshot of the session: later changes to it do not reach this save."""


@dataclass(frozen=True)
class Written:
    """What `write` did: the file's stat after writing, or why nothing was written."""

    path: Path | None
    stat: _StatKey | None = None
    error: str | None = None


def write(plan: SavePlan) -> Written:
    """Encode and write a planned save atomically; safe on any thread, never raises for I/O errors."""
    try:
        atomic_write(plan.path, encode_document(plan.document))
    except FormatError as error:
        return Written(None, error=f"Not saved ({error}); the conversation is kept in memory.")
    except OSError as error:
        reason = error.strerror or str(error)
        message = f"Could not save {plan.path.name}: {reason}. The conversation is kept in memory"
        return Written(plan.path, error=message + " and the previous file is unchanged.")
    return Written(plan.path, _stat_key(plan.path))


@dataclass(frozen=True)
class LoadedSession:
    """A session read from disk, where from, and whether it may be saved back."""

    session: Session
    path: Path
    read_only: str | None = None


def slug(title: str, limit: int = 40) -> str:
    """A file-name-safe ASCII version of a title ("Qu'est-ce que TOML ?" becomes "qu-est-ce-que-toml")."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = _SLUG_DROP.sub("-", ascii_title.lower()).strip("-")
    return words[:limit].rstrip("-") or "untitled"


def file_name(session: Session) -> str:
    """The name a new session file gets: it sorts by creation time and says what the session was about."""
    return f"{session.created.strftime('%Y%m%d-%H%M%S')}-{slug(session.title)}-{session.id}{SUFFIX}"


def _stat_key(path: Path) -> _StatKey | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _looks_like_path(ref: str) -> bool:
    return os.sep in ref or "/" in ref or ref.endswith(SUFFIX) or ref.startswith("~")


class SessionStore:
    """One sessions folder (the platform data dir's `sessions/` unless told otherwise)."""

    def __init__(self, folder: Path | None = None, *, clean: bool = True) -> None:
        """Open the folder (creating it, private to the user).

        Args:
            clean: remove temp files a killed writer left behind. The app does this at start; read-only
                commands pass False so they cannot remove the temp file of a save running in a window.
        """
        self.folder = folder if folder is not None else paths.sessions_dir()
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.removed_temps = clean_stale_temps(self.folder) if clean else []
        """Temp files a killed writer had left behind, removed at start."""
        self._cache: dict[Path, tuple[_StatKey, SessionEntry]] = {}
        self._known: dict[str, tuple[Path, _StatKey | None]] = {}
        self._read_only: dict[str, str] = {}

    def entries(self) -> list[SessionEntry]:
        """Every session file, newest change first; damaged files included with their reason."""
        found: dict[Path, tuple[_StatKey, SessionEntry]] = {}
        for path in self.folder.glob(f"*{SUFFIX}"):
            key = _stat_key(path)
            if key is None or path.name.startswith("."):
                continue
            cached = self._cache.get(path)
            if cached is not None and cached[0] == key:
                found[path] = cached
            else:
                found[path] = (key, read_entry(path, key[0] / 1e9)[0])
        self._cache = found
        return sorted((entry for _, entry in found.values()), key=lambda e: (e.sort_time, e.modified), reverse=True)

    def search(self, query: str) -> list[SearchHit]:
        """Sessions whose title or content contains `query` (any case), newest first."""
        return search_entries(self.entries(), query)

    def resolve(self, ref: str) -> Path:
        """The file for `ref`: a path, `last` (the most recently saved readable session) or an id prefix.

        Raises:
            SessionNotFound: nothing matches, or a prefix matches several sessions.
        """
        ref = ref.strip()
        if _looks_like_path(ref):
            return self._existing(ref)
        if ref == "last":
            return self._last()
        if not ref:
            raise SessionNotFound("no session id given")
        by_name = self._by_name(ref)
        if by_name is not None and len(by_name) == 1:
            return by_name[0]
        entries = self.entries()
        matches = [e for e in entries if e.id == ref] or [e for e in entries if e.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0].path
        if len(matches) > 1:
            ids = ", ".join(entry.id for entry in matches[:5])
            raise SessionNotFound(f"{ref!r} matches {len(matches)} sessions ({ids}): type more of the id")
        if Path(ref).is_file():
            return Path(ref)
        raise SessionNotFound(f"no session id starts with {ref!r} (`anannas-tui sessions list` shows them)")

    @staticmethod
    def _existing(ref: str) -> Path:
        path = Path(ref).expanduser()
        if not path.is_file():
            raise SessionNotFound(f"no session file at {ref}")
        return path

    def _by_name(self, ref: str) -> list[Path] | None:
        """Files whose name ends with an id starting with `ref`: a fast path that reads no file.

        None when some file has a name this store did not give it (renamed by the user): its id is then only
        known from its content, and the caller must read every file.
        """
        names = list(self.folder.glob(f"*{SUFFIX}"))
        if not all(_OUR_NAME.fullmatch(path.name) for path in names):
            return None
        return [path for path in names if id_from_name(path).startswith(ref)]

    def _last(self) -> Path:
        candidates = sorted(self.folder.glob(f"*{SUFFIX}"), key=lambda p: _stat_key(p) or (0, 0, 0))
        for path in reversed(candidates):
            key = _stat_key(path)
            if key is not None and read_entry(path, key[0] / 1e9)[0].damaged is None:
                return path
        raise SessionNotFound("there are no saved sessions yet")

    def load(self, ref: str | Path) -> LoadedSession:
        """Open a session by path, id prefix or `last`.

        Raises:
            SessionNotFound: `ref` matches no session.
            SessionUnreadable: the file is damaged (the reason is the message; the file is not touched).
        """
        path = ref if isinstance(ref, Path) else self.resolve(ref)
        key = _stat_key(path)
        if key is None:
            raise SessionNotFound(f"no session file at {path}")
        entry, decoded = read_entry(path, key[0] / 1e9)
        if decoded is None:
            raise SessionUnreadable(f"{path.name} is damaged: {entry.damaged}")
        session = decoded.session
        self._known[session.id] = (path, key)
        if decoded.read_only is not None:
            self._read_only[session.id] = decoded.read_only
        return LoadedSession(session, path, decoded.read_only)

    def _refusal(self, session_id: str, path: Path) -> str | None:
        """Why `path` must not be overwritten by this save, or None when it is safe to."""
        if session_id in self._read_only:
            return f"{path.name} was written by a newer anannas-tui and is kept unchanged"
        current = _stat_key(path)
        if current is None:
            return None
        known = self._known.get(session_id)
        if known is None or known[0] != path:
            return f"a file named {path.name} already exists and is kept unchanged"
        if known[1] != current:
            return f"{path.name} changed on disk (another window?) and is kept unchanged"
        return None

    def save(self, session: Session, *, touch: bool = True) -> SaveResult:
        """Write `session` to its file; never raises for I/O errors.

        Args:
            touch: record now as the session's `updated` time (the autosave after a change wants this).

        Returns:
            `ok` False with a message when nothing was written (the old file is intact, the session in memory
            unchanged); `ok` True with a message when the conversation moved to a new file and id instead of
            overwriting a file it must not (see the module docstring).
        """
        plan = self.plan(session, touch=touch)
        return self.commit(session, plan, write(plan))

    def plan(self, session: Session, *, touch: bool = True) -> SavePlan:
        """The first step of `save`, on the caller's thread: where `session` goes, and a snapshot of it.

        `write(plan)` may then run on another thread while the session changes, and `commit` (back on this
        thread, before the next `plan` of the same session) records what was written.
        """
        if touch:
            session.touch()
        known = self._known.get(session.id)
        path = known[0] if known is not None else self.folder / file_name(session)
        target = session
        refusal = self._refusal(session.id, path)
        if refusal is not None:
            target = replace(session, id=new_id())
            path = self.folder / file_name(target)
        return SavePlan(path, target.id, refusal, session_to_document(target))

    def commit(self, session: Session, plan: SavePlan, written: Written) -> SaveResult:
        """The last step of `save`: remember the file `write` produced (and move `session` to its new id)."""
        if written.error is not None:
            return SaveResult(False, written.path, written.error)
        notice = None
        if plan.refusal is not None:
            self._read_only.pop(session.id, None)
            session.id = plan.session_id
            notice = f"{plan.refusal}; this conversation continues in {plan.path.name}."
        self._known[session.id] = (plan.path, written.stat)
        return SaveResult(True, plan.path, notice)

    def fork(
        self, session: Session, *, upto: int | None = None, column: str | None = None
    ) -> tuple[Session, SaveResult]:
        """Save a copy of `session` (see `Session.fork`) as a new session file; return the copy and the result."""
        copy = session.fork(upto=upto, column=column)
        return copy, self.save(copy, touch=False)

    def repair(self, ref: str | Path) -> Path | None:
        """Re-seal a session file edited by hand; return where the original was kept, or None if it was fine.

        The original is copied beside it as `NAME.toml.bak` (not listed as a session) before the file is
        rewritten, atomically, with a fresh integrity seal.

        Raises:
            SessionNotFound: `ref` matches no session.
            SessionUnreadable: the content is not a valid session any more (the reason); nothing is written.
            OSError: the file could not be read or written.
        """
        path = ref if isinstance(ref, Path) else self.resolve(ref)
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise SessionUnreadable(f"{path.name} cannot be repaired: it is not UTF-8 text") from None
        try:
            decode_session(text)
            return None
        except FormatError:
            pass
        try:
            resealed = reseal(text)
        except FormatError as error:
            raise SessionUnreadable(f"{path.name} cannot be repaired: {error}") from None
        backup = path.with_name(path.name + ".bak")
        atomic_write(backup, text)
        atomic_write(path, resealed)
        self._cache.pop(path, None)
        return backup

    def delete(self, ref: str | Path) -> Path:
        """Delete a session file (damaged ones too, by the id in their name); returns the path removed.

        Raises:
            SessionNotFound: `ref` matches no session.
            OSError: the file could not be removed.
        """
        path = ref if isinstance(ref, Path) else self.resolve(ref)
        path.unlink()
        self._cache.pop(path, None)
        for session_id, (known_path, _) in list(self._known.items()):
            if known_path == path:
                del self._known[session_id]
        return path
