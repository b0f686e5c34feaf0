"""What the sessions list and search need from each file, kept in memory so typing a query stays instant.

Reading a file once yields a `SessionEntry`: the metadata for a list row, the reason when the file is damaged,
and the lower-cased title and message texts that `search` scans with plain substring tests. The store reuses
an entry until the file's size, mtime or inode changes, so only new or changed files are parsed again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from anannas_tui.core.session import SessionKind
from anannas_tui.core.session_format import Decoded, FormatError, decode_session

#: Characters of context kept on each side of a match in a search snippet.
SNIPPET_BEFORE = 30
SNIPPET_AFTER = 60

_ID_IN_NAME = re.compile(r"-([A-Za-z0-9_]{1,64})$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SessionEntry:
    """One file in the sessions folder, readable or not."""

    path: Path
    id: str
    """The session's id; for a damaged file, the id its name ends with (so it can still be deleted)."""
    title: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    model: str = ""
    kind: SessionKind = SessionKind.CHAT
    messages: int = 0
    cost: Decimal | None = None
    cost_estimated: bool = False
    damaged: str | None = None
    """Why the file cannot be opened; such a file is listed, never overwritten."""
    read_only: str | None = None
    """Why the file opens read-only (written by a newer version)."""
    modified: float = 0.0
    """The file's mtime, which orders damaged files (they have no `updated`)."""
    texts: tuple[str, ...] = field(default=(), repr=False, compare=False)
    """The message contents, for search snippets."""
    folded: tuple[str, ...] = field(default=(), repr=False, compare=False)
    """`texts` lower-cased, index for index."""

    @property
    def sort_time(self) -> float:
        """When the session last changed: its `updated` time, or the file's mtime for a damaged file."""
        return self.updated.timestamp() if self.updated is not None else self.modified


@dataclass(frozen=True)
class SearchHit:
    """A session that matches a query, and where."""

    entry: SessionEntry
    in_title: bool
    snippet: str
    """The matching title, or one line of message text around the first match."""
    message_index: int | None = None
    """Which message matched (in file order, columns after one another); None for a title match."""


def id_from_name(path: Path) -> str:
    """The id a session file's name ends with (`...-<id>.toml`), or the whole stem for a foreign name."""
    match = _ID_IN_NAME.search(path.stem)
    return match.group(1) if match else path.stem


def read_entry(path: Path, modified: float) -> tuple[SessionEntry, Decoded | None]:
    """Read and decode one file into its list entry (damaged files become entries with a reason)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return SessionEntry(path, id_from_name(path), damaged="not UTF-8 text", modified=modified), None
    except OSError as error:
        reason = f"cannot be read: {error.strerror or error}"
        return SessionEntry(path, id_from_name(path), damaged=reason, modified=modified), None
    try:
        decoded = decode_session(text)
    except FormatError as error:
        return SessionEntry(path, id_from_name(path), damaged=str(error), modified=modified), None
    session = decoded.session
    texts = tuple(message.content for message in session.all_messages())
    cost, estimated = session.total_cost()
    entry = SessionEntry(
        path=path,
        id=session.id,
        title=session.title,
        created=session.created,
        updated=session.updated,
        model=session.display_model,
        kind=session.kind,
        messages=len(texts),
        cost=cost,
        cost_estimated=estimated,
        read_only=decoded.read_only,
        modified=modified,
        texts=texts,
        folded=tuple(text.lower() for text in texts),
    )
    return entry, decoded


def _snippet(text: str, folded: str, start: int, length: int) -> str:
    """One line of `text` around a match, cut with ellipses (from the folded text if folding moved offsets)."""
    source = text if len(text) == len(folded) else folded
    left = max(start - SNIPPET_BEFORE, 0)
    right = min(start + length + SNIPPET_AFTER, len(source))
    piece = _SPACE.sub(" ", source[left:right]).strip()
    return ("…" if left > 0 else "") + piece + ("…" if right < len(source) else "")


def search_entries(entries: list[SessionEntry], query: str) -> list[SearchHit]:
    """Sessions whose title or any message contains `query`, ignoring case, in the order given.

    A title match wins over a content match; damaged files are skipped. An empty query matches every
    readable session.
    """
    needle = query.strip().lower()
    hits: list[SearchHit] = []
    for entry in entries:
        if entry.damaged is not None:
            continue
        if not needle or needle in entry.title.lower():
            hits.append(SearchHit(entry, True, entry.title))
            continue
        for index, folded in enumerate(entry.folded):
            start = folded.find(needle)
            if start >= 0:
                snippet = _snippet(entry.texts[index], folded, start, len(needle))
                hits.append(SearchHit(entry, False, snippet, index))
                break
    return hits
