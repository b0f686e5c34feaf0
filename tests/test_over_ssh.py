"""The app over SSH and in tmux: copying goes by OSC 52 (wrapped for tmux, capped, sanitised, honestly worded)
and links are offered for copying instead of opening a browser on the remote host.

These drive the real app (`make_app`, offline demo) and read what it writes to its terminal driver; the
end-to-end check through a real tmux is in tests/test_terminal_e2e.py.
"""

from __future__ import annotations

import base64
import re
import stat
from pathlib import Path

import pytest
from pilot_helpers import ready_chat, wait_for
from textual.pilot import Pilot
from textual.widgets import Button

from anannas_tui.app import AnannasApp, AppOptions, make_app
from anannas_tui.core.clipboard import OSC52_MAX_SEQUENCE_BYTES
from anannas_tui.core.paths import SSH_VARIABLES, is_over_ssh
from anannas_tui.screens.chat import ChatScreen
from anannas_tui.screens.link_dialog import LinkDialog
from anannas_tui.widgets.chat_pane import ChatPane

OSC52 = re.compile(r"(?<!\x1b)\x1b\]52;c;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)")
"""A plain OSC 52 "set clipboard" sequence (not the copy inside a tmux passthrough, whose ESC is doubled)."""


class Terminal:
    """Records what the app writes to its driver (frames included; OSC 52 is picked out of it)."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, data: str) -> None:
        self.written.append(data)

    @property
    def text(self) -> str:
        return "".join(self.written)

    def clipboard(self) -> list[str]:
        """The text of every plain OSC 52 copy written, in order."""
        return [base64.b64decode(payload).decode("utf-8") for payload in OSC52.findall(self.text)]


@pytest.fixture
def pyperclip_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text handed to pyperclip (which never touches a real clipboard here)."""
    import pyperclip

    calls: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", calls.append)
    return calls


@pytest.fixture
def over_ssh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An SSH session on a host that *does* have a clipboard tool and a display (it must still not be used)."""
    fake_xclip(tmp_path, monkeypatch)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("SSH_TTY", "/dev/pts/7")
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("STY", raising=False)


def fake_xclip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put an `xclip` on PATH so the app believes a local clipboard exists."""
    tools = tmp_path / "bin"
    tools.mkdir(exist_ok=True)
    xclip = tools / "xclip"
    xclip.write_text("#!/bin/sh\nexit 0\n")
    xclip.chmod(xclip.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tools}:/usr/bin:/bin")


def toasts(app: AnannasApp) -> list[tuple[str, str]]:
    return [(n.message, n.severity) for n in app._notifications]


async def started(pilot: Pilot[None], monkeypatch: pytest.MonkeyPatch) -> Terminal:
    terminal = Terminal()
    app = pilot.app
    assert app._driver is not None
    monkeypatch.setattr(app._driver, "write", terminal.write)
    await pilot.pause()
    return terminal


def demo_app(monkeypatch: pytest.MonkeyPatch) -> AnannasApp:
    monkeypatch.setenv("ANANNAS_DEMO_DELAY_SCALE", "0")
    return make_app(AppOptions(demo=True))


# ----- copying ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("over_ssh")
async def test_over_ssh_a_reply_is_copied_by_osc52_only(
    monkeypatch: pytest.MonkeyPatch, pyperclip_calls: list[str]
) -> None:
    app = demo_app(monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        terminal = await started(pilot, monkeypatch)
        screen = app.screen
        assert isinstance(screen, ChatScreen)
        screen.prompt.load_text("hello over ssh")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.session.messages) == 2 and not screen.streaming)
        await pilot.press("tab", "y")  # to the transcript, copy the last reply
        await wait_for(pilot, lambda: bool(terminal.clipboard()))
        assert terminal.clipboard() == [screen.session.messages[-1].content]
        assert pyperclip_calls == []
        message, severity = toasts(app)[-1]
        assert "OSC 52" in message and "cannot confirm" in message and severity == "information"
        assert not any("Could not copy" in m for m, _ in toasts(app))


@pytest.mark.usefixtures("over_ssh")
async def test_inside_tmux_the_copy_is_also_wrapped_for_passthrough(
    monkeypatch: pytest.MonkeyPatch, pyperclip_calls: list[str]
) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
    app = demo_app(monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        terminal = await started(pilot, monkeypatch)
        app.copy_to_clipboard("print('hi')")
        await pilot.pause()
        assert terminal.clipboard() == ["print('hi')"]  # the plain form, for `set -g set-clipboard on`
        wrapped = re.findall(r"\x1bPtmux;\x1b\x1b\]52;c;([A-Za-z0-9+/=]*)\x07\x1b\\", terminal.text)
        assert [base64.b64decode(p).decode() for p in wrapped] == ["print('hi')"]  # for allow-passthrough
        assert pyperclip_calls == []


@pytest.mark.usefixtures("over_ssh")
async def test_a_huge_copy_is_cut_below_the_osc52_budget_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "0123456789abcdef\n" * 12_000  # 204 KB
    app = demo_app(monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        terminal = await started(pilot, monkeypatch)
        app.copy_to_clipboard(text)
        await pilot.pause()
        sequences = re.findall(r"\x1b\]52;c;[A-Za-z0-9+/=]*\x07", terminal.text)
        assert len(sequences) == 1 and len(sequences[0]) <= OSC52_MAX_SEQUENCE_BYTES
        [copied] = terminal.clipboard()
        assert text.startswith(copied) and 70_000 < len(copied) < 75_000
        message, severity = toasts(app)[-1]
        assert message.startswith("Sent the first 73 KB of 199 KB") and severity == "warning"


@pytest.mark.usefixtures("over_ssh")
async def test_escapes_and_paste_terminators_never_reach_the_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = "ls\x1b[201~; rm -rf ~\x03 \x1b]52;c;aGk=\x07 done\x9b"
    app = demo_app(monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        terminal = await started(pilot, monkeypatch)
        app.copy_to_clipboard(hostile)
        await pilot.pause()
        [copied] = terminal.clipboard()
        assert copied.startswith("ls; rm -rf ~ ]52;c;aGk= done")
        assert not any(char in copied for char in "\x1b\x03\x07\x9b") and "[201~" not in copied
        assert app.clipboard == copied


async def test_a_failing_local_clipboard_falls_back_to_osc52_without_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import pyperclip

    def broken(text: str) -> None:
        raise pyperclip.PyperclipException("Error: Can't open display: :0")

    for name in ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT", "TMUX", "STY"):
        monkeypatch.delenv(name, raising=False)
    fake_xclip(tmp_path, monkeypatch)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(pyperclip, "copy", broken)
    app = demo_app(monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        terminal = await started(pilot, monkeypatch)
        app.copy_to_clipboard("some text")
        await pilot.pause()
        assert terminal.clipboard() == ["some text"]
        message, severity = toasts(app)[-1]
        assert "OSC 52" in message and severity == "information"
        assert "Could not copy" not in message and "error" not in message.lower()


async def test_a_working_local_clipboard_gets_the_whole_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pyperclip_calls: list[str]
) -> None:
    for name in ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT", "TMUX", "STY"):
        monkeypatch.delenv(name, raising=False)
    fake_xclip(tmp_path, monkeypatch)
    monkeypatch.setenv("DISPLAY", ":0")
    text = "x" * 100_000
    app = demo_app(monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        terminal = await started(pilot, monkeypatch)
        app.copy_to_clipboard(text)
        await pilot.pause()
        assert pyperclip_calls == [text]
        assert terminal.clipboard() == []  # a cut OSC 52 copy would replace the whole local one
        assert toasts(app)[-1] == ("Copied (local clipboard)", "information")


# ----- links -----------------------------------------------------------------------------------------------


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """URLs the app asked the browser to open (none is ever opened for real)."""
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: opened.append(url) or True)
    return opened


async def click_link(pilot: Pilot[None], url: str) -> LinkDialog:
    """What a click on a link in a reply does: the chat screen opens the link dialog."""
    screen = await ready_chat(pilot)
    screen.post_message(ChatPane.LinkClicked(screen.chat_pane, url))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LinkDialog))
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, LinkDialog)
    return dialog


@pytest.mark.usefixtures("over_ssh")
async def test_over_ssh_a_link_is_offered_for_copying_not_opened(
    monkeypatch: pytest.MonkeyPatch, browser: list[str]
) -> None:
    url = "https://example.com/docs?page=2"
    app = demo_app(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        terminal = await started(pilot, monkeypatch)
        dialog = await click_link(pilot, url)
        assert not dialog.query("#open")
        assert "remote host" in str(dialog.query_one("Label").render())
        assert dialog.focused is None or dialog.focused.id != "open"
        await pilot.click("#copy")
        await wait_for(pilot, lambda: not isinstance(app.screen, LinkDialog))
        assert terminal.clipboard() == [url]
        assert browser == []


async def test_locally_a_link_opens_after_confirmation(monkeypatch: pytest.MonkeyPatch, browser: list[str]) -> None:
    for name in ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    url = "https://example.com/"
    app = demo_app(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await click_link(pilot, url)
        assert browser == []  # nothing opens on the click alone
        assert dialog.query_one("#open", Button)
        await pilot.click("#open")
        await wait_for(pilot, lambda: bool(browser))
        assert browser == [url]


@pytest.mark.parametrize("url", ["-oProxyCommand=evil", "javascript:alert(1)", "file:///etc/passwd", " https://x.y"])
async def test_links_that_are_not_plain_http_never_get_an_open_button(
    monkeypatch: pytest.MonkeyPatch, browser: list[str], url: str
) -> None:
    for name in ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    app = demo_app(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await click_link(pilot, url)
        assert not dialog.query("#open")
        await pilot.press("escape")
        assert browser == []


@pytest.mark.parametrize("name", SSH_VARIABLES)
def test_any_variable_sshd_sets_means_over_ssh(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """SSH_CLIENT alone counts too (a forced command without a tty sets no SSH_TTY), as for the clipboard."""
    for other in SSH_VARIABLES:
        monkeypatch.delenv(other, raising=False)
    assert not is_over_ssh()
    monkeypatch.setenv(name, "10.0.0.1 50000 22")
    assert is_over_ssh()
