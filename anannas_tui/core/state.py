"""State the app owns and rewrites: `state.toml` in the data dir (last model, theme, favourites, recent models).

It is kept apart from `config.toml`, which belongs to the user and is never written. The format:

    schema = 1
    last_model = "openai/gpt-5-mini"
    theme = "anannas-dark"
    favourites = ["anthropic/claude-sonnet-4"]
    recent_models = ["openai/gpt-5-mini", "anthropic/claude-sonnet-4"]   # most recent first

What happens when the file is not right:
- Missing: the defaults, no notice.
- Damaged (not UTF-8, not TOML, a `schema` that is not a number): the defaults with a notice; the next write
  first moves the file aside to `state.toml.damaged`. Losing favourites and recent models is acceptable for the
  app's own memory, but the old file is kept so nothing is destroyed silently.
- One field of the wrong type: that field is dropped with a notice, the rest is kept.
- Written by a newer version (`schema` above ours): read, but never rewritten, so its fields survive.
- Keys this version does not know: kept and written back unchanged.

Two instances writing at once: the last write wins (each write is atomic, so the file is never mixed).
"""

from __future__ import annotations

import contextlib
import copy
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anannas_tui.core import paths

SCHEMA = 1
RECENT_LIMIT = 20
FAVOURITES_LIMIT = 500
_MAX_TEXT = 300
_MAX_FILE_BYTES = 1024 * 1024
_TEXT_FIELDS = ("last_model", "theme")
_LIST_FIELDS = ("favourites", "recent_models")


@dataclass
class State:
    """What the app remembers between runs."""

    last_model: str | None = None
    """The model last chatted with; a new conversation starts with it unless --model says otherwise."""
    theme: str | None = None
    """The theme last picked in the app (wins over `[ui] theme` in config.toml)."""
    favourites: list[str] = field(default_factory=list)
    """Model ids starred in the model picker, in the order they were starred."""
    recent_models: list[str] = field(default_factory=list)
    """Model ids used lately, most recent first, at most `RECENT_LIMIT`."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys written by another version of the app; kept so that version does not lose them."""
    notice: str | None = field(default=None, compare=False)
    """Why (part of) the file on disk was not used, for one notification; never written."""

    def use_model(self, model_id: str) -> None:
        """Record that `model_id` was chosen: it becomes the last model and the head of the recent list."""
        if not _valid_text(model_id):
            return
        self.last_model = model_id
        self.recent_models = [model_id, *(m for m in self.recent_models if m != model_id)][:RECENT_LIMIT]

    def toggle_favourite(self, model_id: str) -> bool:
        """Star or unstar `model_id`; return whether it is now a favourite."""
        if model_id in self.favourites:
            self.favourites.remove(model_id)
            return False
        if not _valid_text(model_id) or len(self.favourites) >= FAVOURITES_LIMIT:
            return False
        self.favourites.append(model_id)
        return True


@dataclass
class _Loaded:
    """A state file as read, and what may be done to it."""

    state: State
    damaged: bool = False
    """The file exists but could not be parsed: move it aside before writing."""
    writable: bool = True
    """False for a newer schema or an unreadable file: never overwrite it."""


def load_state(path: Path | None = None) -> State:
    """Read the state file; never raises (a problem is the defaults plus `State.notice`)."""
    return _read(path or paths.state_file()).state


@contextlib.contextmanager
def update_state(path: Path | None = None) -> Iterator[State]:
    """Load the state, let the block change it, then write it back atomically.

    Nothing is written if the block raises, if nothing changed, or if the file belongs to a newer version (or
    cannot be read). A damaged file is moved aside to `state.toml.damaged` just before the first real write.

    Raises:
        OSError: the file could not be written (the old one is then untouched); callers in the UI should
            notify rather than crash: a theme that is not remembered is no reason to stop the app.

    Example:
        with update_state() as state:
            state.theme = "anannas-light"
    """
    path = path or paths.state_file()
    loaded = _read(path)
    before = copy.deepcopy(loaded.state)
    yield loaded.state
    if not loaded.writable or loaded.state == before:
        return
    if loaded.damaged:
        os.replace(path, path.with_name(path.name + ".damaged"))
    from anannas_tui.core.atomic import atomic_write  # the TUI reads the state before its first frame, writes later

    atomic_write(path, render_state(loaded.state))


def render_state(state: State) -> str:
    """The TOML text for `state`; values that could not be read back (or shown safely) are left out."""
    document: dict[str, Any] = {"schema": SCHEMA}
    for name in _TEXT_FIELDS:
        value = getattr(state, name)
        if _valid_text(value):
            document[name] = value
    document["favourites"] = _clean_list(state.favourites, FAVOURITES_LIMIT)
    document["recent_models"] = _clean_list(state.recent_models, RECENT_LIMIT)
    for key, value in state.extra.items():
        if key not in document:
            document[key] = value
    import tomli_w  # only writing needs it (see update_state)

    return tomli_w.dumps(document)


def parse_state(document: dict[str, Any]) -> State:
    """Build a `State` from a parsed state file, dropping fields of the wrong type (named in `notice`).

    `schema` is not a field: `_read` checks it before calling this.
    """
    document = {key: value for key, value in document.items() if key != "schema"}
    state = State()
    dropped: list[str] = []
    for name in _TEXT_FIELDS:
        value = document.pop(name, None)
        if value is None or _valid_text(value):
            setattr(state, name, value)
        else:
            dropped.append(name)
    for name, limit in zip(_LIST_FIELDS, (FAVOURITES_LIMIT, RECENT_LIMIT), strict=True):
        value = document.pop(name, [])
        if isinstance(value, list):
            setattr(state, name, _clean_list(value, limit))
        else:
            dropped.append(name)
    state.extra = document
    if dropped:
        state.notice = f"ignored {', '.join(dropped)} (wrong type)"
    return state


def _read(path: Path) -> _Loaded:
    """Read and parse `path`, classifying any problem (see the module docstring)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return _Loaded(State())
    except OSError as error:
        return _Loaded(State(notice=f"cannot read {path} ({error.strerror}); it is left alone"), writable=False)
    try:
        document = _parse_document(raw)
    except ValueError:  # also UnicodeDecodeError and TOMLDecodeError
        notice = f"{path} was damaged and is ignored; it will be kept as {path.name}.damaged"
        return _Loaded(State(notice=notice), damaged=True)
    state = parse_state(document)
    if state.notice:
        state.notice = f"{path}: {state.notice}"
    if document.get("schema", SCHEMA) > SCHEMA:
        state.notice = f"{path} was written by a newer anannas-tui; it is read but not changed"
        return _Loaded(state, writable=False)
    return _Loaded(state)


def _parse_document(raw: bytes) -> dict[str, Any]:
    """The file's TOML table; ValueError if it is too large, not UTF-8, not TOML or has a non-numeric schema."""
    if len(raw) > _MAX_FILE_BYTES:
        raise ValueError("too large")
    document = tomllib.loads(raw.decode("utf-8"))
    schema = document.get("schema", SCHEMA)
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise ValueError("schema is not a number")
    return document


def _valid_text(value: object) -> bool:
    """A model id or theme name worth keeping: a short string that survives a UTF-8 save and holds no controls."""
    if not isinstance(value, str) or not value or len(value) > _MAX_TEXT or not value.isprintable():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a JSON "\ud800" escape
        return False
    return True


def _clean_list(values: list[Any], limit: int) -> list[str]:
    """Valid, distinct strings in their original order, at most `limit` of them."""
    seen: dict[str, None] = {}
    for value in values:
        if _valid_text(value):
            seen.setdefault(value, None)
    return list(seen)[:limit]
