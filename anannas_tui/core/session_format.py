"""The session file: TOML text written with tomli-w, read with tomllib, sealed with an integrity table.

Layout: top-level metadata keys, `[params]`, then one `[[messages]]` table per message (or, for a comparison,
`[[columns]]` each with its own `[[columns.messages]]`), and last an `[integrity]` table holding the message
count and a SHA-256 of the canonical content. A file cut short anywhere, even where the rest still parses
(a killed naive writer leaves exactly that), loses or mismatches the integrity table and reads as damaged.

tomli-w writes every value. Tables are laid out here, one key at a time, for two reasons: tomli-w turns an
array of short tables into one inline array (so a chat of short messages would not read as `[[messages]]`),
and its multi-line strings fold CRLF into LF, so a string containing CR is written on one line with escapes
instead (every other string with a newline is written as a readable `\"\"\"` block).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import tomli_w

from anannas_tui.core.session import Session
from anannas_tui.core.session_codec import session_from_document, session_to_document
from anannas_tui.core.session_reader import FormatError, Table

__all__ = ["FORMAT_VERSION", "Decoded", "FormatError", "decode_session", "encode_session"]

FORMAT_VERSION = 1
"""The format this version writes; a file with a higher `format` opens read-only."""

_HEADER = (
    "# anannas-tui conversation (format {version}). Plain TOML: read it, grep it, diff it.\n"
    "# Editing by hand breaks the [integrity] seal at the end, and the file then lists as damaged.\n\n"
)


@dataclass(frozen=True)
class Decoded:
    """A session read from a file, and why it must not be saved back when that is so."""

    session: Session
    read_only: str | None = None
    """Set (the message to show) when the file was written by a newer version."""


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _key_value(key: str, value: Any) -> str:
    """One `key = value` line (or block) written by tomli-w; strings with CR stay single-line and exact."""
    multiline = isinstance(value, str) and "\r" not in value
    return tomli_w.dumps({key: value}, multiline_strings=multiline)


def _emit(table: dict[str, Any], header: str = "", array: bool = False) -> list[str]:
    """TOML for `table`: its plain keys first, then each sub-table and array of tables under a header."""
    chunks = [f"[[{header}]]\n" if array else f"[{header}]\n"] if header else []
    nested: list[tuple[str, list[dict[str, Any]], bool]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            nested.append((key, [value], False))
        elif _is_table_array(value):
            nested.append((key, value, True))
        else:
            chunks.append(_key_value(key, value))
    for key, items, is_array in nested:
        name = f"{header}.{key}" if header else key
        for item in items:
            chunks.append("\n")
            chunks.extend(_emit(item, name, is_array))
    return chunks


def _canonical(value: Any) -> Any:
    """A JSON-able form of parsed TOML that keeps numbers and date-times exact, for hashing."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, Decimal | float):
        return {"$number": str(value)}
    if isinstance(value, datetime | date | time):
        return {"$datetime": value.isoformat()}
    return value


def content_digest(data: dict[str, Any]) -> str:
    """SHA-256 of the parsed document without its integrity table, independent of layout and comments."""
    text = json.dumps(_canonical(data), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _message_count(data: dict[str, Any]) -> int:
    messages = data.get("messages", [])
    columns = data.get("columns", [])
    count = len(messages) if isinstance(messages, list) else 0
    if isinstance(columns, list):
        count += sum(len(c.get("messages", [])) for c in columns if isinstance(c, dict))
    return count


def encode_session(session: Session) -> str:
    """The complete file text for `session` (see `encode_document`)."""
    return encode_document(session_to_document(session))


def encode_document(document: dict[str, Any]) -> str:
    """The complete file text for a session's document (`session_to_document`), on any thread.

    The body is parsed and decoded again before the seal is computed: the digest then comes from exactly
    what a reader will see, and a file this version could not read back is never written (`FormatError`).
    """
    body = "".join(_emit({"format": FORMAT_VERSION, **document}))
    data = tomllib.loads(body, parse_float=Decimal)
    data.pop("format")
    session_from_document(data, strict=True)
    seal = tomli_w.dumps({"messages": _message_count(data), "sha256": content_digest(data)})
    return f"{_HEADER.format(version=FORMAT_VERSION)}{body}\n[integrity]\n{seal}"


def _check_integrity(data: dict[str, Any]) -> None:
    table = data.pop("integrity", None)
    if table is None:
        raise FormatError("no [integrity] table: the file was cut short or not written by anannas-tui")
    seal = Table(table, "integrity", strict=True)
    count = seal.integer("messages")
    digest = seal.text("sha256")
    seal.finish()
    if count is None or digest is None:
        raise FormatError("the [integrity] table is incomplete: the file was cut short")
    if count != _message_count(data):
        raise FormatError(f"{_message_count(data)} messages where the file recorded {count}: it was cut short")
    if digest != content_digest(data):
        raise FormatError("the content does not match its integrity hash (cut short, corrupted or edited)")


def _version(data: dict[str, Any]) -> int:
    version = data.pop("format", None)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FormatError("no valid format version: not an anannas-tui session file")
    return version


def _parse(text: str) -> tuple[dict[str, Any], int]:
    """A session file's TOML and its format version (taken out of the data), or `FormatError`."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise FormatError(f"not valid TOML ({error})") from None
    return data, _version(data)


def reseal(text: str) -> str:
    """A session file's text with a fresh integrity seal: for a file edited by hand (`sessions repair`).

    The content must still be a whole, valid session of a format this version writes: it is decoded strictly
    and written out again, so only what the edit broke (the seal) changes. Raises `FormatError` saying why
    the file cannot be repaired.
    """
    data, version = _parse(text)
    if version > FORMAT_VERSION:
        raise FormatError(f"written by a newer anannas-tui (session format {version}), which this one reads only")
    data.pop("integrity", None)
    return encode_session(session_from_document(data, strict=True))


def decode_session(text: str) -> Decoded:
    """Read a session file's text, or raise `FormatError` saying why it is damaged.

    A file of a newer format is read leniently (unknown keys ignored, its integrity scheme not assumed) and
    comes back flagged read-only; if even that fails, the error names both versions.
    """
    data, version = _parse(text)
    if version > FORMAT_VERSION:
        versions = f"session format {version}; this version reads format {FORMAT_VERSION}"
        data.pop("integrity", None)
        try:
            session = session_from_document(data, strict=False)
        except FormatError as error:
            raise FormatError(f"written by a newer anannas-tui ({versions}): {error}") from None
        return Decoded(session, f"Written by a newer anannas-tui ({versions}): opened read-only.")
    _check_integrity(data)
    return Decoded(session_from_document(data, strict=True))
