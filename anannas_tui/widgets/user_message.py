"""The user's prompt in the transcript, shown exactly as typed (plain text, never Markdown or markup)."""

from __future__ import annotations

from collections.abc import Sequence

from anannas_tui.core.sanitize import for_display
from anannas_tui.widgets.markdown_lines import Palette
from anannas_tui.widgets.markdown_lines.lines import estimate_rows
from anannas_tui.widgets.markdown_lines.plain import PlainDocument
from anannas_tui.widgets.transcript_entry import RowSource, TranscriptEntry


class UserMessage(TranscriptEntry):
    """One prompt; `text` is what was sent, the rows show its display-safe form."""

    DEFAULT_CSS = """
    UserMessage {
        background: $boost;
        border-left: outer $primary 60%;
    }
    UserMessage.-selected { border-left: outer $accent; }
    """

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text
        """The prompt as the user wrote it (what is saved, copied and edited)."""
        self.document = PlainDocument(for_display(text))

    def update_rows(self, width: int, palette: Palette) -> bool:
        """Wrap the prompt for `width`."""
        return self.document.render(width, palette.base)

    def row_sources(self) -> Sequence[RowSource]:
        """Just the prompt's rows."""
        return [self.document]

    def _estimate_rows(self, width: int) -> int:
        return estimate_rows(self.document.text, width, markdown=False)
