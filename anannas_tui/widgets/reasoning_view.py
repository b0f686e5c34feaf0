"""The model's reasoning, shown above its reply: open while it streams, folded once the answer starts.

Reasoning can run to many kilobytes and is rarely read in full, so it folds to one clickable line
("▸ Reasoning · 1,234 chars") as soon as the first reply text arrives; clicking the line (or the entry's
`toggle_reasoning` action) opens it again. It is drawn as plain text, never as Markdown or markup.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.style import Style

from anannas_tui.widgets.markdown_lines import Line
from anannas_tui.widgets.markdown_lines.lines import content_lines
from anannas_tui.widgets.markdown_lines.palette import resolve_style
from anannas_tui.widgets.markdown_lines.plain import PlainDocument

GUTTER = "│ "
"""Drawn before each row of open reasoning, so it reads as set apart from the answer."""


class ReasoningSection:
    """Rows for a reasoning section: a title row, then (when open) the reasoning text."""

    def __init__(self, text: str = "", *, expanded: bool = True) -> None:
        self.document = PlainDocument(text)
        self.expanded = expanded
        """Whether the reasoning text is shown (otherwise just the title row)."""
        self._title: list[Line] = []
        self._gutter: Line = []
        self._key: tuple[object, ...] | None = None

    @property
    def text(self) -> str:
        """The reasoning so far (display-safe)."""
        return self.document.text

    def append(self, text: str) -> None:
        """Add reasoning text (already sanitised)."""
        self.document.append(text)

    def update(self, width: int, title_style: Style, body_style: Style) -> bool:
        """Render for `width`; return whether the rows changed."""
        if not self.text:
            changed = bool(self._title)
            self._title = []
            return changed
        body_changed = self.expanded and self.document.render(max(width - len(GUTTER), 1), body_style)
        key = (width, title_style, body_style, self.expanded, len(self.text))
        if key == self._key and not body_changed:
            return False
        self._key = key
        marker = "▾" if self.expanded else "▸"
        label = f"{marker} Reasoning · {len(self.text):,} chars"
        title = title_style + Style.from_meta({"@click": "toggle_reasoning"})
        self._title = content_lines(Content(label), width, title, resolve_style)[:1]
        self._gutter = [Segment(GUTTER, body_style.rich_style)]
        return True

    @property
    def height(self) -> int:
        """Rows: the title, plus the text when open."""
        if not self._title:
            return 0
        return 1 + (self.document.height if self.expanded else 0)

    def row(self, y: int) -> Line:
        """Rendered row `y`."""
        if y == 0:
            return self._title[0]
        return [*self._gutter, *self.document.row(y - 1)]
