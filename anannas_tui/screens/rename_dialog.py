"""Give a session a new title: one input, Enter to save, Escape to keep the old one.

The title is a single line (it is a list row and the title bar), so runs of whitespace, pasted newlines
included, become one space; an empty title is refused in place rather than saved as "Untitled". The old title
is pre-filled and selected, so typing replaces it and the arrow keys edit it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from anannas_tui.core.sanitize import for_display

#: The longest title the dialog accepts (longer ones are cut by the list and title bar anyway).
MAX_TITLE = 120


def tidy_title(text: str) -> str:
    """One line: surrounding whitespace dropped, every inner run of whitespace made a single space."""
    return " ".join(text.split())


class RenameDialog(ModalScreen[str | None]):
    """Ask for a new title; dismiss with it (tidied, non-empty) or None on Escape.

    Args:
        title: The current title, pre-filled (untrusted: it comes from disk).
        heading: The dialog's border title.
    """

    DEFAULT_CSS = """
    RenameDialog {
        align: center middle;
        #rename-box {
            width: 70;
            max-width: 90%;
            height: auto;
            padding: 1 2 0 2;
            border: thick $primary;
            background: $surface;
            border-title-color: $text;
            border-subtitle-color: $foreground-muted;
        }
        #rename-error { height: 1; color: $text-error; }
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, *, heading: str = "Rename session") -> None:
        super().__init__()
        self.old_title = title
        """The title the dialog opened with."""
        self._heading = heading

    def compose(self) -> ComposeResult:
        """The input with the old title, and a line for the reason a title is refused."""
        with Vertical(id="rename-box") as box:
            box.border_title = self._heading
            box.border_subtitle = "enter save · esc cancel"
            yield Input(
                tidy_title(for_display(self.old_title)),
                placeholder="New title",
                max_length=MAX_TITLE,
                select_on_focus=True,
                id="rename-input",
            )
            yield Static("", id="rename-error", markup=False)

    @on(Input.Submitted, "#rename-input")
    def save(self, event: Input.Submitted) -> None:
        """Close with the tidied title, or say why it cannot be used."""
        title = tidy_title(event.value)
        if not title:
            self.query_one("#rename-error", Static).update("The title cannot be empty.")
            return
        self.dismiss(title)

    def action_cancel(self) -> None:
        """Keep the old title."""
        self.dismiss(None)
