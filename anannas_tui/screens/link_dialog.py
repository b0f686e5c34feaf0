"""Confirm before opening a link from model output.

Only http(s) URLs open, never one starting with `-` or whitespace (a browser launcher may read it as an
option: CVE-2026-4519), always after the user has seen the whole URL. Over SSH a browser would open on the
remote host, so the dialog offers to copy the URL instead.
"""

from __future__ import annotations

import webbrowser
from urllib.parse import urlsplit

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from anannas_tui.core.paths import is_over_ssh
from anannas_tui.core.sanitize import for_display


def openable(url: str) -> bool:
    """True for an http(s) URL with a host that cannot be mistaken for a command-line option."""
    if not url or url != url.strip() or url.startswith("-"):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class LinkDialog(ModalScreen[None]):
    """Show a link in full and let the user open it, copy it, or do nothing."""

    DEFAULT_CSS = """
    LinkDialog { align: center middle; }
    LinkDialog > Vertical {
        width: 80%; max-width: 100; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    LinkDialog #url { margin: 1 0; color: $text-accent; }
    LinkDialog Horizontal { height: auto; align-horizontal: right; }
    LinkDialog Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        can_open = openable(self.url) and not is_over_ssh()
        if not openable(self.url):
            note = "This link is not an http(s) URL, so it will not be opened."
        elif is_over_ssh():
            note = "You are on a remote host (SSH): a browser would open there, not on your machine."
        else:
            note = "Open this link in your browser?"
        with Vertical():
            yield Label(note)
            yield Static(for_display(self.url), id="url", markup=False)
            with Horizontal():
                if can_open:
                    yield Button("Open", id="open", variant="primary")
                yield Button("Copy URL", id="copy")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#open")
    def open_link(self) -> None:
        """Open the (checked) URL in the local browser."""
        if openable(self.url):
            webbrowser.open(self.url)
        self.dismiss()

    @on(Button.Pressed, "#copy")
    def copy_link(self) -> None:
        """Copy the URL instead of opening it."""
        self.app.copy_to_clipboard(self.url)
        self.dismiss()

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        """Do nothing."""
        self.dismiss()
