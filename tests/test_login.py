"""`anannas-tui login` / `logout` through the real command line (reliability.md §6 C8).

The key must never be echoed: not by the prompt, not in a message, not in argparse's error for an argument.
"""

from __future__ import annotations

import getpass
import io
import os
import select
import subprocess
import sys
import time
import warnings

import pytest

from anannas_tui import cli
from anannas_tui.core import keystore, paths
from anannas_tui.core.secret import Secret

KEY = "sk-an-Zq8Y2w3kT9vLmN4pR7sX"


def run_cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m anannas_tui` with the test's isolated XDG dirs (inherited from os.environ)."""
    return subprocess.run(
        [sys.executable, "-m", "anannas_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def stored_key() -> str | None:
    lookup = keystore.load_key()
    return lookup.secret.reveal() if lookup.secret else None


@pytest.mark.parametrize("pasted", [KEY, f"{KEY}\n", f"  {KEY}\r\n", f"\t{KEY} \n\n"])
def test_login_from_a_pipe_trims_and_stores(pasted: str) -> None:
    result = run_cli("login", stdin=pasted)
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    assert str(paths.key_file()) in result.stdout
    assert stored_key() == KEY
    assert paths.key_file().stat().st_mode & 0o777 == 0o600


def test_login_warns_that_the_environment_wins() -> None:
    result = run_cli("login", stdin=KEY, env={"ANANNAS_API_KEY": "sk-an-from-env"})
    assert result.returncode == 0
    assert "ANANNAS_API_KEY is set" in result.stderr
    assert "sk-an-from-env" not in result.stdout + result.stderr
    assert KEY not in result.stdout + result.stderr


@pytest.mark.parametrize("stdin", ["", "\n", "sk-an-one\nsk-an-two\n", "sk an\n"])
def test_login_refuses_input_that_is_not_one_key(stdin: str) -> None:
    result = run_cli("login", stdin=stdin)
    assert result.returncode == 2
    assert "nothing was stored" in result.stderr
    assert "sk-an" not in result.stdout + result.stderr
    assert not paths.key_file().exists()


@pytest.mark.parametrize("argv", [["login", KEY], ["login", "--key", KEY], ["login", f"--api-key={KEY}"]])
def test_key_on_the_command_line_is_refused_without_echo(argv: list[str]) -> None:
    """C8: no option takes the key, and argparse's "unrecognized arguments" echo is avoided too."""
    result = run_cli(*argv, stdin=KEY)
    assert result.returncode == 2
    assert KEY not in result.stdout + result.stderr
    assert "never taken from the command line" in result.stderr
    assert not paths.key_file().exists()


def test_help_says_how_the_key_is_read_and_where_it_goes() -> None:
    result = run_cli("login", "--help")
    assert result.returncode == 0
    assert "never accepted as a command-line argument" in result.stdout
    assert "--key" not in result.stdout  # the trap options stay hidden
    assert str(paths.key_file()) in result.stdout  # the help's own path logic matches paths.key_file()


def test_login_keeps_a_corrupt_key_file_unless_forced() -> None:
    path = paths.key_file()
    path.write_text("my notes, not a key file\n")
    result = run_cli("login", stdin=KEY)
    assert result.returncode == 2
    assert "--force" in result.stderr
    assert path.read_text() == "my notes, not a key file\n"
    assert run_cli("login", "--force", stdin=KEY).returncode == 0
    assert stored_key() == KEY


def test_logout_deletes_the_key_and_mentions_the_environment() -> None:
    keystore.store_key(Secret(KEY))
    result = run_cli("logout", env={"ANANNAS_API_KEY": "sk-an-env"})
    assert result.returncode == 0
    assert "Deleted" in result.stdout and "still set" in result.stderr
    assert not paths.key_file().exists()
    again = run_cli("logout")
    assert again.returncode == 0 and "No key was stored" in again.stdout


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_prompt_is_trimmed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", FakeTty())
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": f"  {KEY}\r\n")
    assert cli.main(["login"]) == 0
    assert stored_key() == KEY
    captured = capsys.readouterr()
    assert KEY not in captured.out + captured.err


def test_terminal_that_cannot_hide_input_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """getpass falls back to an echoing prompt with only a warning; login refuses instead."""

    def echoing_getpass(prompt: str = "") -> str:
        warnings.warn("Can not control echo on the terminal.", getpass.GetPassWarning, stacklevel=2)
        return KEY

    monkeypatch.setattr(sys, "stdin", FakeTty())
    monkeypatch.setattr(getpass, "getpass", echoing_getpass)
    assert cli.main(["login"]) == 2
    assert "cannot turn off echo" in capsys.readouterr().err
    assert not paths.key_file().exists()


def _read_until(fd: int, needle: bytes, limit: float = 60.0) -> bytes:
    """Read from a pty master until `needle` shows up or the child closes it (the limit only stops a hang)."""
    seen = b""
    end = time.monotonic() + limit
    while needle not in seen and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child exited and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs a Linux pty")
def test_real_terminal_prompt_does_not_echo() -> None:
    """C8 end to end: on a real pseudo-terminal, the typed key never comes back on the screen."""
    import pty

    pid, master = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty, so getpass uses /dev/tty
        try:
            os.execv(sys.executable, [sys.executable, "-m", "anannas_tui", "login"])
        finally:
            os._exit(127)  # never return into pytest in the forked child
    try:
        before = _read_until(master, b"input is hidden")
        assert b"input is hidden" in before
        os.write(master, KEY.encode() + b"\r")
        after = _read_until(master, b"Stored the key")
        after += _read_until(master, b"\0", limit=5.0)  # drain to exit
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(master)
    assert os.waitstatus_to_exitcode(status) == 0, after
    assert KEY.encode() not in before + after
    assert stored_key() == KEY
