"""The one-line header: app name, current model, session title and a short status on the right.

Textual's `Header` shows the app title and a clock; a chat needs the model and the conversation instead, and a
place for "streaming…" or "retry 1/2 in 3 s" that stays visible when toasts have faded. The screen sets the
reactives; model ids and titles come from the network or disk, so they are drawn as `Content`, never markup,
and cut with an ellipsis so the status always fits.
"""

from __future__ import annotations

from textual.content import Content
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.widget import Widget

from anannas_tui.core.sanitize import for_display, shorten

APP_NAME = "anannas"

_STATUS_STYLES: dict[SeverityLevel, str] = {
    "information": "$text-accent",
    "warning": "$text-warning",
    "error": "$text-error",
}
_SEPARATOR = (" · ", "$foreground-muted")


class TitleBar(Widget):
    """Docked at the top, one line high; draws from its reactives."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    """

    model_id: reactive[str] = reactive("")
    """The conversation's model ("openai/gpt-5-mini"); empty before one is chosen."""
    session_title: reactive[str] = reactive("")
    """The conversation's title; empty for a new, untitled one."""
    status: reactive[str] = reactive("")
    """A few words on the right ("streaming…", "retry 1/2 in 3 s"); empty when idle."""
    status_severity: reactive[SeverityLevel] = reactive[SeverityLevel]("information")
    """Colours the status: "information" (accent), "warning" or "error"."""

    def render(self) -> Content:
        """Name, model and title on the left (the title is cut first), status on the right."""
        width = self.content_size.width
        status = self._status()
        left = Content.assemble((APP_NAME, "bold $text-primary"))
        if self.model_id:
            left = Content.assemble(left, _SEPARATOR, _clean(self.model_id))
        if self.session_title:
            left = Content.assemble(left, _SEPARATOR, (_clean(self.session_title), "italic"))
        if not width:
            return Content.assemble(left, " ", status)
        room = width - status.cell_length - (1 if status else 0)
        left = left.truncate(max(room, 0), ellipsis=True)
        return Content.assemble(left, " " * max(width - left.cell_length - status.cell_length, 0), status)

    def _status(self) -> Content:
        if not self.status:
            return Content()
        return Content.styled(_clean(self.status), _STATUS_STYLES.get(self.status_severity, "$text-accent"))


def _clean(text: str) -> str:
    """One safe line: ids and titles must not break the header onto two lines or carry escapes."""
    return shorten(" ".join(for_display(text).split()), 200)
