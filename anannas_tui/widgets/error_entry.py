"""An error kept in the transcript, with "Retry" and "Switch model" actions.

A toast fades after a few seconds; the same title, detail rows and hint stay here, in the place where the
reply would have been, so nothing the gateway said is lost and the way forward is one key away. The entry only
asks (it posts `RetryRequested` or `SwitchModelRequested`); the screen decides what retrying means.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import Button, Static

from anannas_tui.core.errors import ApiError
from anannas_tui.core.sanitize import for_display
from anannas_tui.error_view import LABEL_STYLE, detail_rows, error_severity, hint_line


def entry_title(error: ApiError, model_id: str) -> Content:
    """ "✖ 403 · Flagged by moderation · openai/gpt-5-mini": what failed, and with which model."""
    title = Content.assemble(("✖ ", "bold"), (error.title, "bold"))
    if model_id:
        title = Content.assemble(title, (" · ", LABEL_STYLE), (for_display(model_id), LABEL_STYLE))
    return title


class ErrorEntry(Vertical):
    """One failed request in the transcript; focus it and press r (retry) or m (switch model)."""

    DEFAULT_CSS = """
    ErrorEntry {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 1;
        border: round $error 60%;
        background: $error 10%;
        &.-warning { border: round $warning 60%; background: $warning 8%; }
        &:focus, &:focus-within { border: round $error; }
        &.-warning:focus, &.-warning:focus-within { border: round $warning; }
        .error-title { color: $text-error; }
        &.-warning .error-title { color: $text-warning; }
        .error-hint { margin-top: 1; }
        .error-actions { height: auto; margin-top: 1; }
        .error-actions Button { margin-right: 2; }
        &.-resolved .error-actions { display: none; }
    }
    """

    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("m", "switch_model", "Switch model"),
    ]

    can_focus = True

    actions_enabled: var[bool] = var(True, bindings=True)
    """Show the actions (False once the screen has acted on them, or for errors loaded from a saved session)."""

    class _Request(Message):
        """Something the user asked of the screen about this entry."""

        def __init__(self, entry: ErrorEntry) -> None:
            super().__init__()
            self.entry = entry
            """The entry the request is about (its `error` and `model_id`)."""

        @property
        def control(self) -> ErrorEntry:
            """The entry (for `@on(..., selector)`)."""
            return self.entry

    class RetryRequested(_Request):
        """The user asked to send the failed request again."""

    class SwitchModelRequested(_Request):
        """The user asked to pick another model (and retry with it)."""

    def __init__(self, error: ApiError, model_id: str, *, id: str | None = None, classes: str | None = None) -> None:
        """Show `error`, which happened while talking to `model_id`."""
        super().__init__(id=id, classes=classes)
        self.error = error
        """The error shown."""
        self.model_id = model_id
        """The model the failed request was sent to."""
        self.set_class(error_severity(error) == "warning", "-warning")

    def compose(self) -> ComposeResult:
        """Title, detail rows, hint and the two actions."""
        yield Static(entry_title(self.error, self.model_id), classes="error-title")
        yield Static(detail_rows(self.error), classes="error-details")
        hint = hint_line(self.error)
        if hint:
            yield Static(hint, classes="error-hint")
        with Horizontal(classes="error-actions"):
            yield Button("Retry", id="error-retry", compact=True, tooltip="Send the request again (r)")
            yield Button("Switch model", id="error-switch-model", compact=True, tooltip="Pick another model (m)")

    @property
    def text(self) -> str:
        """Everything the entry says, as plain text (for copying the transcript and for tests)."""
        parts = [
            entry_title(self.error, self.model_id).plain,
            detail_rows(self.error).plain,
            hint_line(self.error).plain,
        ]
        return "\n".join(part for part in parts if part)

    def watch_actions_enabled(self, enabled: bool) -> None:
        """Hide the buttons when there is nothing left to act on."""
        self.set_class(not enabled, "-resolved")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys work only while the actions are shown."""
        if action in ("retry", "switch_model"):
            return self.actions_enabled
        return True

    def action_retry(self) -> None:
        """Ask the screen to send the failed request again."""
        self.post_message(self.RetryRequested(self))

    def action_switch_model(self) -> None:
        """Ask the screen to offer another model."""
        self.post_message(self.SwitchModelRequested(self))

    @on(Button.Pressed, "#error-retry")
    def _retry_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_retry()

    @on(Button.Pressed, "#error-switch-model")
    def _switch_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_switch_model()
