"""Where the API key comes from: `$ANANNAS_API_KEY`, else the key file that `anannas-tui login` writes.

Precedence is the environment first (as gh does), so a CI job or a one-off `ANANNAS_API_KEY=... anannas-tui`
never depends on what is stored; an empty or all-blank variable counts as unset.

The key file is `paths.key_file()` (`<config dir>/api_key`), a TOML document with one key and a comment:

    # The Anannas API key, written by `anannas-tui login` (remove it with `anannas-tui logout`).
    key = "sk-..."

It is written through `atomic_write` (mkstemp creates it 0600, so it is never readable by others, whatever the
umask) in the 0700 config dir. Reading opens it with O_NOFOLLOW and checks the open file itself: a symlink, a
file owned by another user or anything but a regular file is refused; a file readable by others is tightened to
0600 with a warning. A file that is not exactly what `login` writes is "not ours" and is never overwritten or
deleted without `--force` (llm resets such a file and loses every key in it).

The key is held as `Secret` from the moment it is read, and no message here ever contains it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

from anannas_tui.core import paths
from anannas_tui.core.secret import Secret

ENV_VAR = "ANANNAS_API_KEY"
MAX_KEY_LENGTH = 1024
_MAX_FILE_BYTES = 16 * 1024
_O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_HEADER = "# The Anannas API key, written by `anannas-tui login` (remove it with `anannas-tui logout`).\n"


class KeyStoreError(Exception):
    """The key cannot be used, stored or deleted safely; the message says why and what to do (never the key)."""


@dataclass(frozen=True)
class KeyLookup:
    """The result of looking for a key."""

    secret: Secret | None
    """The key, or None when there is none (see `missing_key_message`)."""
    source: str
    """Where it came from, for display: "from $ANANNAS_API_KEY" or "from <path>"; empty when there is none."""
    warnings: tuple[str, ...] = ()
    """Things the user should know (a mode that was tightened); the CLI prints them, the TUI notifies."""


@dataclass(frozen=True)
class _Found:
    """An existing key file that passed the safety checks."""

    secret: Secret | None
    """The key, or None when the contents are not what `login` writes."""
    warnings: tuple[str, ...]


def missing_key_message() -> str:
    """The one message shown when there is no key anywhere."""
    return (
        f"No API key. Set {ENV_VAR} in your environment, or run `anannas-tui login` to store one "
        "(it is read without echo). To try anannas-tui without a key or network, run `anannas-tui --demo`."
    )


def key_problem(secret: Secret) -> str | None:
    """Say what is wrong with a key, or None if it looks usable.

    Only the characters are checked (the gateway has used both `sk-` and `an-sk-` keys, so the prefix is
    not): a key goes into an HTTP header, so it must be printable ASCII without spaces. The answer never
    quotes the key.
    """
    value = secret.reveal()
    if not value:
        return "is empty"
    if len(value) > MAX_KEY_LENGTH:
        return f"is longer than {MAX_KEY_LENGTH} characters"
    if any(ch in " \t\r\n" for ch in value):
        return "contains spaces or line breaks"
    if not value.isascii():
        return "contains non-ASCII characters"
    if not value.isprintable():
        return "contains control characters"
    return None


def load_key() -> KeyLookup:
    """Find the key: `$ANANNAS_API_KEY` if set, else the stored key file.

    Raises:
        KeyStoreError: the variable holds something that cannot be a key, or the key file is unsafe (a
            symlink, another user's, not a regular file) or not one `login` wrote.
    """
    env = _env_secret()
    if env is not None:
        problem = key_problem(env)
        if problem:
            raise KeyStoreError(f"${ENV_VAR} {problem}; set it to the key alone.")
        return KeyLookup(env, f"from ${ENV_VAR}")
    path = paths.key_file()
    found = _inspect(path, tighten=True)
    if found is None:
        return KeyLookup(None, "")
    if found.secret is None:
        raise KeyStoreError(_not_ours(path) + f" Fix or remove it, or set {ENV_VAR}.")
    folder = folder_warning(path.parent)
    return KeyLookup(found.secret, f"from {path}", found.warnings + ((folder,) if folder else ()))


def env_key_is_set() -> bool:
    """True when `$ANANNAS_API_KEY` is set (and not blank), so it wins over any stored key."""
    return _env_secret() is not None


def store_key(secret: Secret, *, force: bool = False) -> Path:
    """Write the key file (0600, atomically) and return its path.

    A valid key file is replaced (that is how a key is rotated). Anything else at that path is kept unless
    `force` is set, because it may be something the user wants.

    Raises:
        KeyStoreError: the key is unusable, or the existing file is not ours and `force` is not set.
        OSError: the file could not be written (the old one is then untouched).
    """
    problem = key_problem(secret)
    if problem:
        raise KeyStoreError(f"That key {problem}; nothing was stored.")
    path = paths.key_file()
    if force:
        _unlink_link(path)
    else:
        _check_replaceable(path, "`anannas-tui login --force` replaces it")
    import tomli_w  # only `login` writes: reading the key (every start) does not load the writer

    from anannas_tui.core.atomic import atomic_write

    try:
        atomic_write(path, _HEADER + tomli_w.dumps({"key": secret.reveal()}), mode=0o600)
    except OSError as error:
        # A fresh error, so a traceback drawn with locals does not include atomic_write's frame (the text).
        raise OSError(error.errno, error.strerror, str(path)) from None
    return path


def delete_key(*, force: bool = False) -> Path | None:
    """Delete the key file; return its path, or None if there was none.

    Raises:
        KeyStoreError: the file is not ours (kept unless `force` is set).
        OSError: it could not be deleted.
    """
    path = paths.key_file()
    if not os.path.lexists(path):
        return None
    if not force:
        _check_replaceable(path, "`anannas-tui logout --force` deletes it")
    path.unlink()
    return path


def folder_warning(folder: Path) -> str | None:
    """Warn when other users may write to the key's folder (they could swap in a key of their own)."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return None
    if mode & 0o022 and not mode & stat.S_ISVTX:
        return f"{folder} is writable by other users, who could replace the stored key; run: chmod 700 {folder}"
    return None


def _env_secret() -> Secret | None:
    """The key from the environment, trimmed (a pasted value often ends in a newline); None if unset or blank."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Secret(value) if value else None


def _not_ours(path: Path) -> str:
    """Why a file is kept: it is not what `store_key` writes, so it may be something the user wants."""
    return f'{path} is not a key file written by `anannas-tui login` (expected a comment and one line: key = "...").'


def _check_replaceable(path: Path, hint: str) -> None:
    """Raise unless `path` is missing or a valid key file of ours."""
    try:
        found = _inspect(path, tighten=False)
    except KeyStoreError as error:
        raise KeyStoreError(f"{error} Nothing was changed; {hint}.") from None
    if found is not None and found.secret is None:
        raise KeyStoreError(f"{_not_ours(path)} It was kept; {hint}.")


def _unlink_link(path: Path) -> None:
    """Remove a symlink at `path` itself (never its target), so `--force` writes a plain file in its place."""
    if path.is_symlink():
        path.unlink()


def _inspect(path: Path, *, tighten: bool) -> _Found | None:
    """Open and check an existing key file without following links; None if there is none.

    Raises:
        KeyStoreError: the file is unsafe or unreadable.
    """
    if path.is_symlink():
        raise KeyStoreError(_symlink_message(path))
    try:
        # O_NONBLOCK: a FIFO planted at this path must not hang the app on open.
        fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        if path.is_symlink():  # swapped in after the check above: O_NOFOLLOW refused it (ELOOP)
            raise KeyStoreError(_symlink_message(path)) from None
        raise KeyStoreError(f"cannot read {path}: {error.strerror}.") from None
    try:
        info = os.fstat(fd)
        _check_owner_and_type(path, info)
        warnings = _tighten(path, fd, info.st_mode) if tighten else ()
        secret = _read_key_file(fd)
    except OSError as error:
        raise KeyStoreError(f"cannot read {path}: {error.strerror}.") from None
    finally:
        os.close(fd)
    return _Found(secret, warnings)


def _symlink_message(path: Path) -> str:
    """A link could point the key at (or from) any file, so it is refused rather than followed."""
    return f"{path} is a symbolic link; the key is never read or written through a link."


def _current_uid() -> int | None:
    """This process's user id, or None where there is none (Windows); tests replace it."""
    getuid = getattr(os, "getuid", None)
    return getuid() if getuid is not None else None


def _check_owner_and_type(path: Path, info: os.stat_result) -> None:
    """Refuse a device, FIFO or folder, and a file another user could have planted or can rewrite."""
    if not stat.S_ISREG(info.st_mode):
        raise KeyStoreError(f"{path} is not a regular file.")
    uid = _current_uid()
    if uid is not None and info.st_uid != uid:
        raise KeyStoreError(f"{path} belongs to another user (uid {info.st_uid}); it is not used.")


def _tighten(path: Path, fd: int, mode: int) -> tuple[str, ...]:
    """Make a key file that others may read private again, and say so (the key may have been seen)."""
    loose = stat.S_IMODE(mode)
    if not loose & 0o077:
        return ()
    try:
        os.fchmod(fd, 0o600)
    except OSError as error:
        return (f"{path} has mode {loose:04o} (others may read it) and could not be fixed: {error.strerror}.",)
    return (
        f"{path} had mode {loose:04o}, so other users may have read the key; it is now 0600. "
        "If anyone else uses this machine, consider replacing the key.",
    )


def _read_key_file(fd: int) -> Secret | None:
    """Read the open key file; the key if it is exactly what `store_key` writes, else None.

    Nothing here raises with the contents in a local variable: a traceback printed with its locals (Textual's
    crash screen) must not show the key.
    """
    blob = _read_limited(fd)
    if blob is None:
        return None
    try:
        document = tomllib.loads(blob.reveal())
    except tomllib.TOMLDecodeError:
        return None
    value = document.get("key") if set(document) == {"key"} else None
    if not isinstance(value, str):
        return None
    secret = Secret(value)
    return None if key_problem(secret) else secret


def _read_limited(fd: int) -> Secret | None:
    """The file's text as a `Secret`, or None if it is too large to be a key file or not UTF-8."""
    chunks: list[bytes] = []
    size = 0
    while size <= _MAX_FILE_BYTES:
        chunk = os.read(fd, _MAX_FILE_BYTES + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > _MAX_FILE_BYTES:
        return None
    with contextlib.suppress(UnicodeDecodeError):
        return Secret(b"".join(chunks).decode("utf-8"))
    return None
