"""SIGKILL a process that is saving a session, 100 times: the file is always the old or the new document.

The child is forked from the test process (an interpreter start per kill would take most of a minute), opens
its own `SessionStore` like an app starting up (which also cleans the previous child's temp files), loads the
session and then saves two different documents alternately through the real store until it is killed at a
random moment. After every kill the file must parse, pass the integrity check and be byte-for-byte one of the
two documents. Naive in-place writes fail this most of the time (reliability notes: 37 of 40 files damaged).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from session_samples import document, sample_chat

from anannas_tui.core import atomic
from anannas_tui.core.session import Session
from anannas_tui.core.session_format import decode_session, encode_session
from anannas_tui.core.session_store import SessionStore

KILLS = 100

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")


def documents() -> tuple[Session, Session]:
    """Two versions of one session, of different sizes so a torn write could not pass for either."""
    old = sample_chat()
    old.messages[1].content = "The old answer. 🍍\r\n" * 200
    new = sample_chat()
    new.messages[1].content = "The new, longer answer.\n" * 3000
    return old, new


def saver(folder: Path) -> None:
    """The child: open the store, then save the two documents alternately until killed."""
    try:
        store = SessionStore(folder)
        store.load(sample_chat().id)  # as the app does on resume; this also records the file it may overwrite
        old, new = documents()
        while True:
            for session in (old, new):
                result = store.save(session, touch=False)
                if not result.ok or result.message:
                    os._exit(3)
    finally:
        os._exit(2)


def kill_savers(folder: Path, path: Path, kills: int) -> Iterator[tuple[bytes, int]]:
    """Fork a saver, kill it at a random moment, and yield the file's bytes and the temp files left; repeat."""
    rng = random.Random(20250601)
    for attempt in range(kills):
        pid = os.fork()
        if pid == 0:
            saver(folder)
        time.sleep(rng.uniform(0.0, 0.04))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), f"the saver exited on its own (status {status}) at kill {attempt}"
        yield path.read_bytes(), len(list(folder.glob(".*.tmp")))


def start(folder: Path) -> tuple[Path, set[bytes]]:
    old, new = documents()
    path = SessionStore(folder).save(old, touch=False).path
    assert path is not None
    return path, {encode_session(old).encode(), encode_session(new).encode()}


@pytest.mark.slow
def test_sigkill_during_saves_never_damages_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    path, expected = start(folder)
    old, new = (document(session) for session in documents())
    torn_temps = 0
    for attempt, (content, temps) in enumerate(kill_savers(folder, path, KILLS)):
        assert content in expected, f"kill {attempt} left a file that is neither document"
        assert document(decode_session(content.decode("utf-8")).session) in (old, new)
        torn_temps += temps
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == [path.name]
    # A start a minute later removes what the kills left (younger temp files may be another window's save).
    atomic.clean_stale_temps(folder, now=time.time() + atomic.STALE_AFTER + 1)
    assert list(folder.glob(".*.tmp")) == []
    print(f"\n{KILLS} kills, {torn_temps} of them in the middle of writing a temp file", file=sys.stderr)


def naive_write(path: Path, data: str, mode: int = 0o600) -> None:
    """What the store must not do: truncate the file and write it in place."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(data)


@pytest.mark.slow
def test_the_same_kills_damage_a_naive_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: the harness does catch torn files, so the test above passing means something."""
    folder = tmp_path / "sessions"
    path, expected = start(folder)
    monkeypatch.setattr("anannas_tui.core.session_store.atomic_write", naive_write)
    damaged = next(
        (n for n, (content, _) in enumerate(kill_savers(folder, path, KILLS)) if content not in expected), None
    )
    assert damaged is not None, "100 kills never caught a naive in-place write half done"
