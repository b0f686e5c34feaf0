"""A yes/no question in a modal: "Delete this session?" and the like.

Returns True only for an explicit yes (the confirm button or `y`); Escape, `n`, the Cancel button and a click
outside all return False. For a destructive question the Cancel button has the focus, so an Enter pressed out of
habit never deletes anything. The message is a `Content` or plain text; plain text is never parsed as markup, so a
session title read from disk can be named in it safely (after `for_display`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Click
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    """Ask a question; dismiss with True (yes) or False (no).

    Args:
        title: The border title ("Delete session").
        message: The question; a `str` is shown as plain text, a `Content` as styled.
        confirm: The yes button's label ("Delete").
        cancel: The no button's label.
        destructive: Style the yes button as an error and focus Cancel first.
    """

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
        #confirm-box {
            width: auto;
            min-width: 40;
            max-width: 80%;
            height: auto;
            max-height: 90%;
            padding: 1 2 0 2;
            border: thick $primary;
            background: $surface;
            border-title-color: $text;
        }
        &.-destructive #confirm-box { border: thick $error; }
        #confirm-message { width: auto; max-width: 76; }
        #confirm-buttons { width: 100%; height: auto; align-horizontal: right; margin-top: 1; }
        #confirm-buttons Button { margin-left: 2; }
    }
    """

    BINDINGS = [
        Binding("escape", "answer(False)", "Cancel"),
        Binding("n", "answer(False)", "No", show=False),
        Binding("y", "answer(True)", "Yes", show=False),
    ]

    def __init__(
        self,
        title: str,
        message: str | Content,
        *,
        confirm: str = "Yes",
        cancel: str = "Cancel",
        destructive: bool = False,
    ) -> None:
        super().__init__(classes="-destructive" if destructive else None)
        self._title = title
        self.message = message if isinstance(message, Content) else Content(message)
        """The question shown (never markup)."""
        self._confirm = confirm
        self._cancel = cancel
        self.destructive = destructive

    def compose(self) -> ComposeResult:
        """The message, then the buttons at the bottom right (No first, Yes last)."""
        with Vertical(id="confirm-box") as box:
            box.border_title = self._title
            box.border_subtitle = "y yes · n/esc no"
            yield Static(self.message, id="confirm-message")
            with Horizontal(id="confirm-buttons"):
                yield Button(self._cancel, id="confirm-no")
                yield Button(self._confirm, id="confirm-yes", variant="error" if self.destructive else "primary")

    def on_mount(self) -> None:
        """Focus the safe answer for a destructive question, the yes button otherwise."""
        self.query_one("#confirm-no" if self.destructive else "#confirm-yes", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def say_yes(self) -> None:
        """The yes button."""
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def say_no(self) -> None:
        """The no button."""
        self.dismiss(False)

    def on_click(self, event: Click) -> None:
        """A click outside the box is a no."""
        if event.widget is self:
            self.dismiss(False)

    def action_answer(self, yes: bool) -> None:
        """Answer from the keyboard."""
        self.dismiss(yes)
