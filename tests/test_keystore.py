"""The key store (reliability.md §6 C2-C4, C6, C8 and §7.5): where the key comes from and how it is kept.

Every test runs in the isolated XDG directories of the autouse `isolated_dirs` fixture (tests/conftest.py).
"""

from __future__ import annotations

import errno
import io
import os
import stat
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.traceback import Traceback

from anannas_tui.core import keystore, paths
from anannas_tui.core.keystore import KeyStoreError, key_problem, load_key, store_key
from anannas_tui.core.secret import Secret

KEY = "sk-an-Zq8Y2w3kT9vLmN4pR7sX"
OTHER = "sk-an-OtherKey0000111122223"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test that changes it."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


@pytest.mark.parametrize("mask", [0o022, 0o000, 0o077])
def test_key_file_is_0600_from_creation_in_a_0700_dir(
    mask: int, umask: None, isolated_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """C2: the temp file is already 0600 when created and when renamed; never briefly 0644 or 0666."""
    seen: list[tuple[str, int]] = []
    real_mkstemp, real_replace = tempfile.mkstemp, os.replace

    def spy_mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        seen.append(("created", stat.S_IMODE(os.fstat(fd).st_mode)))
        return fd, name

    def spy_replace(src: str, dst: str) -> None:
        seen.append(("renamed", stat.S_IMODE(os.stat(src).st_mode)))
        real_replace(src, dst)

    monkeypatch.setattr(tempfile, "mkstemp", spy_mkstemp)
    monkeypatch.setattr(os, "replace", spy_replace)
    os.umask(mask)
    path = store_key(Secret(KEY))

    assert seen == [("created", 0o600), ("renamed", 0o600)]
    assert mode_of(path) == 0o600
    assert path.parent == isolated_dirs["config"] / "anannas-tui"
    assert mode_of(path.parent) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["api_key"]  # no temp file left behind


def test_round_trip_and_documented_format() -> None:
    path = store_key(Secret(KEY))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert tomllib.loads(text) == {"key": KEY}
    lookup = load_key()
    assert lookup.secret is not None and lookup.secret.reveal() == KEY
    assert lookup.source == f"from {path}"
    assert lookup.warnings == ()


def test_storing_again_replaces_a_valid_key() -> None:
    store_key(Secret(KEY))
    store_key(Secret(OTHER))
    lookup = load_key()
    assert lookup.secret is not None and lookup.secret.reveal() == OTHER


def test_no_key_anywhere() -> None:
    lookup = load_key()
    assert lookup.secret is None and lookup.source == ""
    message = keystore.missing_key_message()
    for needle in ("ANANNAS_API_KEY", "anannas-tui login", "--demo"):
        assert needle in message


def test_env_wins_over_stored_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """C6: documented precedence; the source names the variable, never the value."""
    store_key(Secret(KEY))
    monkeypatch.setenv("ANANNAS_API_KEY", f"  {OTHER}\n")
    lookup = load_key()
    assert lookup.secret is not None and lookup.secret.reveal() == OTHER
    assert lookup.source == "from $ANANNAS_API_KEY"
    assert OTHER not in repr(lookup) and KEY not in repr(lookup)


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_blank_env_counts_as_unset(blank: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store_key(Secret(KEY))
    monkeypatch.setenv("ANANNAS_API_KEY", blank)
    lookup = load_key()
    assert lookup.secret is not None and lookup.secret.reveal() == KEY
    assert not keystore.env_key_is_set()


def test_unusable_env_key_is_explained_without_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANANNAS_API_KEY", "sk-an-half one")
    with pytest.raises(KeyStoreError, match="ANANNAS_API_KEY contains spaces") as caught:
        load_key()
    assert "half" not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "is empty"),
        ("a" * (keystore.MAX_KEY_LENGTH + 1), "is longer than"),
        ("sk-a\nb", "spaces or line breaks"),
        ("sk-é", "non-ASCII"),
        ("sk-\x1b[2J", "control characters"),
        ("sk-\x00", "control characters"),
    ],
)
def test_key_problem(value: str, problem: str) -> None:
    found = key_problem(Secret(value))
    assert found is not None and problem in found


def test_key_problem_accepts_both_documented_prefixes() -> None:
    assert key_problem(Secret("sk-abc")) is None
    assert key_problem(Secret("an-sk-abc")) is None


def test_symlink_is_refused_everywhere(tmp_path: Path) -> None:
    """C3: a link is never read through, written through or deleted without --force; the target is untouched."""
    target = tmp_path / "elsewhere"
    target.write_text(f'key = "{KEY}"\n')
    target.chmod(0o600)
    link = paths.key_file()
    link.symlink_to(target)

    for attempt in (load_key, lambda: store_key(Secret(OTHER)), keystore.delete_key):
        with pytest.raises(KeyStoreError, match="symbolic link"):
            attempt()
    assert link.is_symlink()

    store_key(Secret(OTHER), force=True)
    assert not link.is_symlink() and mode_of(link) == 0o600
    assert target.read_text() == f'key = "{KEY}"\n'


def test_symlink_swapped_in_after_the_check_is_refused_by_o_nofollow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even when the `is_symlink` pre-check is raced, opening with O_NOFOLLOW refuses the link."""
    target = tmp_path / "elsewhere"
    target.write_text(f'key = "{KEY}"\n')
    link = paths.key_file()
    link.symlink_to(target)
    real_is_symlink = Path.is_symlink
    fooled: list[Path] = []

    def raced(self: Path) -> bool:
        if self == link and not fooled:
            fooled.append(self)
            return False
        return real_is_symlink(self)

    monkeypatch.setattr(Path, "is_symlink", raced)
    with pytest.raises(KeyStoreError, match="symbolic link"):
        load_key()
    assert fooled


def test_file_of_another_user_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """C3: simulated by making the process believe it runs as another uid."""
    path = store_key(Secret(KEY))
    before = path.read_bytes()
    monkeypatch.setattr(keystore, "_current_uid", lambda: path.stat().st_uid + 1)
    with pytest.raises(KeyStoreError, match="belongs to another user"):
        load_key()
    with pytest.raises(KeyStoreError, match="login --force"):
        store_key(Secret(OTHER))
    assert path.read_bytes() == before


@pytest.mark.parametrize("loose", [0o644, 0o640, 0o604, 0o666])
def test_loose_mode_is_tightened_with_a_warning(loose: int) -> None:
    """C3: the key still works, the file becomes 0600 and the user is told it may have been read."""
    path = store_key(Secret(KEY))
    path.chmod(loose)
    lookup = load_key()
    assert lookup.secret is not None and lookup.secret.reveal() == KEY
    assert mode_of(path) == 0o600
    assert len(lookup.warnings) == 1 and f"{loose:04o}" in lookup.warnings[0]
    assert load_key().warnings == ()


CORRUPT = {
    "binary": b"\x00\xff\xfe garbage \x9b",
    "empty": b"",
    "bare key line": KEY.encode() + b"\n",
    "two keys": f'key = "{KEY}"\nkey2 = "{OTHER}"\n'.encode(),
    "not a string": b"key = 5\n",
    "bad toml": f'key = "{KEY}\n'.encode(),
    "json": f'{{"key": "{KEY}"}}'.encode(),
    "key with a space": b'key = "sk an"\n',
    "huge": b"#" * (64 * 1024),
}


@pytest.mark.parametrize("contents", CORRUPT.values(), ids=CORRUPT.keys())
def test_corrupt_file_is_explained_and_never_overwritten(contents: bytes) -> None:
    """C4: not what login writes: refuse to load, keep it on login and logout, replace only with --force."""
    path = paths.key_file()
    path.write_bytes(contents)
    path.chmod(0o600)
    with pytest.raises(KeyStoreError, match="not a key file written by") as caught:
        load_key()
    assert KEY not in str(caught.value)
    with pytest.raises(KeyStoreError, match="It was kept; `anannas-tui login --force`"):
        store_key(Secret(OTHER))
    with pytest.raises(KeyStoreError, match="logout --force"):
        keystore.delete_key()
    assert path.read_bytes() == contents

    store_key(Secret(OTHER), force=True)
    lookup = load_key()
    assert lookup.secret is not None and lookup.secret.reveal() == OTHER


def test_fifo_or_directory_is_refused_without_hanging() -> None:
    path = paths.key_file()
    os.mkfifo(path)
    with pytest.raises(KeyStoreError, match="not a regular file"):
        load_key()
    path.unlink()
    path.mkdir()
    with pytest.raises(KeyStoreError, match="not a regular file"):
        load_key()


def test_delete_key() -> None:
    path = store_key(Secret(KEY))
    assert keystore.delete_key() == path
    assert not path.exists()
    assert keystore.delete_key() is None
    assert load_key().secret is None


def test_folder_writable_by_others_is_warned_about() -> None:
    path = store_key(Secret(KEY))
    assert keystore.folder_warning(path.parent) is None
    path.parent.chmod(0o777)
    lookup = load_key()
    assert any("writable by other users" in warning for warning in lookup.warnings)


def _rendered_traceback(error: BaseException, kind: str = "KeyStoreError") -> str:
    """The traceback as Textual's crash screen draws it (Rich, with every frame's locals)."""
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(Traceback.from_exception(type(error), error, error.__traceback__, show_locals=True))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert kind in output  # the rendering really happened
    return str(output)


def test_traceback_with_locals_never_shows_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """C1 for the key store's own frames: every failure after reading the key holds it only as a `Secret`."""
    path = paths.key_file()
    path.write_text(f'key = "{KEY}"\nextra = "{OTHER}"\n')
    with pytest.raises(KeyStoreError) as caught:
        load_key()
    output = _rendered_traceback(caught.value)
    assert KEY not in output and OTHER not in output

    monkeypatch.setenv("ANANNAS_API_KEY", f"{KEY} {OTHER}")
    with pytest.raises(KeyStoreError) as caught:
        load_key()
    output = _rendered_traceback(caught.value)
    assert KEY not in output and OTHER not in output


def test_failed_write_traceback_never_shows_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Disk full while storing: the old file is kept, and the error's traceback has no frame holding the text."""
    store_key(Secret(OTHER))

    def disk_full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(OSError) as caught:
        patch.setattr(os, "replace", disk_full)
        store_key(Secret(KEY))
    assert caught.value.errno == errno.ENOSPC
    output = _rendered_traceback(caught.value, "OSError")
    assert KEY not in output
    assert "Secret('…')" in output  # locals really were drawn, the key among them as a Secret
    lookup = load_key()
    assert lookup.secret is not None and lookup.secret.reveal() == OTHER


def test_lookup_repr_is_redacted() -> None:
    store_key(Secret(KEY))
    lookup = load_key()
    assert KEY not in repr(lookup) and KEY not in str(lookup) and KEY not in f"{lookup.secret}"


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(value=st.text(max_size=80))
def test_store_then_load_round_trips_any_acceptable_key(value: str) -> None:
    """Property: a key is either refused up front (and nothing written) or read back exactly."""
    paths.key_file().unlink(missing_ok=True)
    if key_problem(Secret(value)) is not None:
        with pytest.raises(KeyStoreError):
            store_key(Secret(value))
        assert not paths.key_file().exists()
        return
    store_key(Secret(value))
    lookup = load_key()
    assert lookup.secret is not None and lookup.secret.reveal() == value


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(contents=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_file_contents_load_or_raise_key_store_error(contents: bytes) -> None:
    """Property: whatever is in the file, loading gives a usable key or a KeyStoreError, nothing else."""
    path = paths.key_file()
    path.write_bytes(contents)
    path.chmod(0o600)
    try:
        lookup = load_key()
    except KeyStoreError:
        return
    assert lookup.secret is not None and key_problem(lookup.secret) is None
