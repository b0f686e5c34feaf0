"""A row of short figures ("TTFT 0.42 s · 85 tok/s · $0.0012") that wraps between figures, never inside one.

A compare column can be 25 cells wide, and a figure cut in half ("85 tok" / "/s") is worse than useless, so the
figures are packed greedily into as many lines as the width needs: nothing is ever cut off, and the line
count only changes when the width or the figures do. Figures are `Content` (or plain strings, which are
taken literally): they carry model output and gateway errors, so they are never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

SEPARATOR = Content.styled(" · ", "$foreground-muted")


def pack(items: Sequence[Content], width: int) -> list[Content]:
    """Lay `items` out left to right, joined by " · ", starting a new line when the next one would not fit."""
    lines: list[Content] = []
    line: Content | None = None
    for item in items:
        if line is None:
            line = item
        elif line.cell_length + SEPARATOR.cell_length + item.cell_length <= width:
            line = Content.assemble(line, SEPARATOR, item)
        else:
            lines.append(line)
            line = item
    if line is not None:
        lines.append(line)
    return lines


def rows_needed(lines: Sequence[Content], width: int) -> int:
    """Screen rows for `lines` at `width`, counting a figure wider than the width as folded (at least 1)."""
    if width <= 0:
        return max(len(lines), 1)
    return max(sum(max(-(-line.cell_length // width), 1) for line in lines), 1)


class MetricsLine(Widget):
    """Figures packed into lines; `show` replaces them (cheap when nothing changed)."""

    DEFAULT_CSS = """
    MetricsLine {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._items: tuple[Content, ...] = ()

    @property
    def items(self) -> tuple[Content, ...]:
        """The figures shown."""
        return self._items

    @property
    def text(self) -> str:
        """The figures as one plain line (tests, copying)."""
        return " · ".join(item.plain for item in self._items)

    def show(self, items: Sequence[Content | str]) -> None:
        """Show these figures; relayout only when the number of lines changes."""
        new = tuple(item if isinstance(item, Content) else Content(item) for item in items)
        if new == self._items:
            return
        width = self.content_size.width
        before = rows_needed(pack(self._items, width), width)
        self._items = new
        self.refresh(layout=rows_needed(pack(new, width), width) != before or not width)

    def render(self) -> Content:
        return Content("\n").join(pack(self._items, self.content_size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return rows_needed(pack(self._items, width), width)
