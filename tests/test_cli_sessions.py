"""`anannas-tui sessions ...` and `--session`, through the real command line in a subprocess.

The XDG directories come from the autouse `isolated_dirs` fixture (inherited through os.environ), so the
subprocess and the `SessionStore` used here to set things up see the same sessions folder.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from session_samples import AWKWARD, sample_chat, sample_compare

from anannas_tui.cli.common import UsageError
from anannas_tui.cli.sessions import resolve_session
from anannas_tui.core.session import Session
from anannas_tui.core.session_store import SessionStore

ESC = b"\x1b"


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run `python -m anannas_tui` with bytes in and out (so CRLF and control characters are seen as they are)."""
    return subprocess.run(
        [sys.executable, "-m", "anannas_tui", *args],
        input=stdin,
        capture_output=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )


def run_in_terminal(*args: str, answer: bytes = b"") -> tuple[int, bytes]:
    """Run the CLI with a pseudo-terminal as stdin and stdout; type `answer`; return (exit code, output)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "anannas_tui", *args], stdin=follower, stdout=follower, stderr=follower
    )
    os.close(follower)
    if answer:
        os.write(leader, answer)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return process.wait(timeout=60), output


def save(session: Session) -> Path:
    result = SessionStore().save(session, touch=False)
    assert result.ok and result.path is not None
    return result.path


class TestList:
    def test_no_sessions(self) -> None:
        result = run_cli("sessions", "list")
        assert result.returncode == 0 and result.stdout == b""
        assert b"no saved sessions yet" in result.stderr

    def test_table_newest_first_with_damaged_files(self) -> None:
        older = sample_chat("aaaaaaaaaaaa", "Older chat")
        newer = sample_chat("bbbbbbbbbbbb", "Newer chat")
        newer.updated = older.updated.replace(year=2026)
        save(older)
        save(newer)
        save(sample_compare())
        damaged = save(sample_chat("dddddddddddd", "Soon damaged"))
        damaged.write_text(damaged.read_text().replace("And YAML?", "And JSON?"))
        result = run_cli("sessions")  # `list` is the default action
        assert result.returncode == 0, result.stderr
        lines = result.stdout.decode().splitlines()
        assert lines[0].split() == ["ID", "UPDATED", "MODEL", "MSGS", "COST", "TITLE"]
        damaged_row = next(line for line in lines if "DAMAGED" in line)
        assert damaged_row.startswith("dddddddddddd") and "integrity" in damaged_row
        readable = [line.split()[0] for line in lines[1:] if "DAMAGED" not in line]
        assert readable == ["bbbbbbbbbbbb", "aaaaaaaaaaaa", "c0ffee123456"]
        newest = next(line for line in lines if line.startswith("bbbbbbbbbbbb"))
        assert "2026-06-01 14:05" in newest and "Newer chat" in newest and "$0.00043 est." in newest

    def test_json(self) -> None:
        save(sample_chat())
        (SessionStore().folder / "20250101-000000-x-0123456789ab.toml").write_text("not toml [")
        result = run_cli("sessions", "list", "--json")
        assert result.returncode == 0, result.stderr
        rows = {row["id"]: row for row in json.loads(result.stdout)}
        row = rows["a1b2c3d4e5f6"]
        assert row["title"] == "Explain TOML" and row["messages"] == 5 and row["model"] == "openai/gpt-5-mini"
        assert row["cost"] == pytest.approx(0.000432) and row["cost_estimated"] is True
        assert row["updated"] == "2025-06-01T14:05:22+02:00" and row["damaged"] is None
        assert rows["0123456789ab"]["damaged"].startswith("not valid TOML")

    def test_titles_are_sanitised(self) -> None:
        save(sample_chat(title="evil \x1b]0;pwned\x07 title \u202e"))
        result = run_cli("sessions", "list")
        assert ESC not in result.stdout and b"\x07" not in result.stdout
        assert "␛]0;pwned␇ title <U+202E>" in result.stdout.decode()


class TestShowAndExport:
    def test_show_is_exact_when_piped(self) -> None:
        save(sample_chat())
        result = run_cli("sessions", "show", "a1b2")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(b"# Explain TOML\n")
        assert f"Explain TOML {AWKWARD}".encode() in result.stdout  # CRLF, ESC and all, byte for byte
        assert b"**Error: 403 \xc2\xb7 Flagged by moderation**" in result.stdout

    def test_show_is_sanitised_on_a_terminal(self) -> None:
        save(sample_chat())
        code, output = run_in_terminal("sessions", "show", "last")
        assert code == 0
        assert ESC not in output and "␛[2J" in output.decode()

    def test_export_json_to_a_file(self, tmp_path: Path) -> None:
        save(sample_chat())
        target = tmp_path / "out.json"
        result = run_cli("sessions", "export", "a1b2c3", "--format", "json", "-o", str(target))
        assert result.returncode == 0, result.stderr
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["format"] == 1 and data["id"] == "a1b2c3d4e5f6"
        assert data["messages"][0]["content"] == sample_chat().messages[0].content
        assert data["messages"][1]["usage"]["cost"] == pytest.approx(0.000412)
        assert data["messages"][4]["error"]["metadata"]["null_field"] is None

    def test_export_markdown_to_stdout(self) -> None:
        save(sample_compare())
        result = run_cli("sessions", "export", "c0ffee", "--format", "md")
        assert result.returncode == 0, result.stderr
        text = result.stdout.decode()
        assert "## Column A · (models hidden" not in text  # a favourite was picked: models are shown
        assert "## Column B · anthropic/claude-haiku" in text and "Autumn moon" in text

    def test_blind_comparison_hides_models_until_a_pick(self) -> None:
        session = sample_compare()
        session.favourite = None
        save(session)
        text = run_cli("sessions", "show", "c0ffee").stdout.decode()
        assert "claude" not in text and "gpt" not in text and "models hidden" in text

    def test_damaged_and_missing_sessions(self) -> None:
        path = save(sample_chat())
        path.write_text(path.read_text()[:-90])
        result = run_cli("sessions", "show", "a1b2")
        assert result.returncode == 2 and b"is damaged" in result.stderr
        result = run_cli("sessions", "export", "zzzz")
        assert result.returncode == 2 and b"no session id starts with 'zzzz'" in result.stderr


class TestDelete:
    def test_refuses_without_yes_when_not_a_terminal(self) -> None:
        path = save(sample_chat())
        result = run_cli("sessions", "delete", "a1b2")
        assert result.returncode == 2 and b"--yes" in result.stderr and path.exists()
        result = run_cli("sessions", "delete", "a1b2", "--yes")
        assert result.returncode == 0 and not path.exists()

    @pytest.mark.parametrize(("answer", "deleted"), [(b"n\n", False), (b"y\n", True), (b"\n", False)])
    def test_asks_on_a_terminal(self, answer: bytes, deleted: bool) -> None:
        path = save(sample_chat())
        code, output = run_in_terminal("sessions", "delete", "a1b2", answer=answer)
        assert code == 0 and b"Delete 'Explain TOML' (a1b2c3d4e5f6), 5 messages? [y/N]" in output
        assert path.exists() is not deleted

    def test_ambiguous_prefix(self) -> None:
        save(sample_chat("abc111111111"))
        save(sample_chat("abc222222222"))
        result = run_cli("sessions", "delete", "abc", "--yes")
        assert result.returncode == 2 and b"matches 2 sessions" in result.stderr
        assert len(SessionStore().entries()) == 2


class TestResume:
    def test_resolve_session(self) -> None:
        path = save(sample_chat())
        assert resolve_session("a1b") == path
        assert resolve_session("last") == path
        assert resolve_session(str(path)) == path
        path.write_text("broken")
        with pytest.raises(UsageError, match="is damaged"):
            resolve_session("a1b")

    def test_unknown_session_stops_before_the_app_starts(self) -> None:
        result = run_cli("--demo", "--session", "nope")
        assert result.returncode == 2 and b"no session id starts with 'nope'" in result.stderr


class TestRepair:
    def test_a_hand_edited_file_is_resealed_and_the_original_kept(self) -> None:
        path = save(sample_chat("dddddddddddd", "Edited by hand"))
        edited = path.read_text(encoding="utf-8").replace("And YAML?", "And JSON?")
        path.write_text(edited, encoding="utf-8")
        assert b"DAMAGED" in run_cli("sessions", "list").stdout
        result = run_cli("sessions", "repair", "dddddddddddd")
        assert result.returncode == 0, result.stderr
        assert b"the original is kept as" in result.stderr
        assert path.with_name(path.name + ".bak").read_text(encoding="utf-8") == edited
        listing = run_cli("sessions", "list").stdout.decode()
        assert "DAMAGED" not in listing and "Edited by hand" in listing, "the .bak copy is not listed"
        loaded = SessionStore().load(path).session
        assert "And JSON?" in [m.content for m in loaded.messages], "the edit is kept"

    def test_a_sound_file_is_left_alone(self) -> None:
        path = save(sample_chat())
        before = path.read_bytes()
        result = run_cli("sessions", "repair", "a1b2c3d4e5f6")
        assert result.returncode == 0 and b"nothing to repair" in result.stderr
        assert path.read_bytes() == before and not path.with_name(path.name + ".bak").exists()

    @pytest.mark.parametrize(
        ("edit", "reason"),
        [
            (lambda text: text.replace('role = "user"', 'role = "robot"', 1), b"cannot be repaired"),
            (lambda text: text + "\n[broken\n", b"not valid TOML"),
        ],
    )
    def test_an_edit_that_breaks_the_content_is_refused_and_nothing_written(self, edit, reason) -> None:  # type: ignore[no-untyped-def]
        path = save(sample_chat("eeeeeeeeeeee", "Broken by hand"))
        broken = edit(path.read_text(encoding="utf-8"))
        path.write_text(broken, encoding="utf-8")
        result = run_cli("sessions", "repair", str(path))
        assert result.returncode == 2 and reason in result.stderr
        assert path.read_text(encoding="utf-8") == broken
        assert not path.with_name(path.name + ".bak").exists()
