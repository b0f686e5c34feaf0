"""Plain text (a prompt, a model's reasoning) wrapped to rows, growing as text streams in.

Like `MarkdownDocument` it never rewraps what cannot change: a line that has ended (with "\\n") is wrapped
once, and only the line still being written is wrapped again on each update. Text is never parsed as Markdown
or markup: what the user typed, or the model reasoned, is shown as written.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from anannas_tui.widgets.markdown_lines.growing import GrowingRows
from anannas_tui.widgets.markdown_lines.lines import POOL, Line, blank, content_lines
from anannas_tui.widgets.markdown_lines.palette import resolve_style


class PlainDocument(GrowingRows):
    """Wrapped rows of plain text in one style."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self._done = 0
        """Characters of text whose rows are final (up to and including the last "\\n" rendered)."""

    def render(self, width: int, style: Style) -> bool:
        """Wrap new text to `width`; return whether the rows changed."""
        key = (width, style)
        if key != self._key:
            self._key = key
            self._done, self._frozen, self._live, self._dirty = 0, [], [], True
        if not self._dirty:
            return False
        self._dirty = False
        text = self.text
        end = text.rfind("\n") + 1
        if end > self._done:
            for line in text[self._done : end - 1].split("\n"):
                self._frozen.extend(POOL.pack(row) for row in _wrap(line, width, style))
            self._done = end
        tail = text[self._done :]
        self._live = _wrap(tail, width, style) if tail else []
        return True


def _wrap(line: str, width: int, style: Style) -> list[Line]:
    """One source line as rows; an empty line is one blank row."""
    if not line:
        return [blank(width, style)]
    return content_lines(Content(line), width, style, resolve_style) or [blank(width, style)]
