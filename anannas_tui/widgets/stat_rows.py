"""A block of "label ....... value" rows, labels left and values right, redrawn in place.

The sidebar updates its figures after every reply (and may during streaming); one widget per block that only
repaints keeps that cheap, where a widget per row, or remounting rows, would relayout the screen each time.
The row count of a block is fixed by its owner, so an update never changes the layout either.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

#: A row: its label and its value (already `Content`, so values are never parsed as markup).
Row = tuple[str, Content]

LABEL_STYLE = "$foreground-muted"


class StatRows(Widget):
    """Label/value rows; set `rows` to redraw. Values that do not fit wrap under their label."""

    DEFAULT_CSS = """
    StatRows {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, rows: Sequence[Row] = (), *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[Row] = list(rows)

    @property
    def rows(self) -> list[Row]:
        """The rows as last set (a copy)."""
        return list(self._rows)

    @rows.setter
    def rows(self, rows: Sequence[Row]) -> None:
        new_rows = list(rows)
        if new_rows == self._rows:
            return
        width = self.content_size.width
        relayout = _line_count(new_rows, width) != _line_count(self._rows, width)
        self._rows = new_rows
        self.refresh(layout=relayout)

    @property
    def text(self) -> str:
        """The rows as plain "label: value" lines, independent of the width (for tests and copying)."""
        return "\n".join(f"{label}: {value.plain}" for label, value in self._rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The rows' height at the width being laid out (not the width of the last render)."""
        return _line_count(self._rows, width)

    def render(self) -> Content:
        """Right-align each value against the current width; a value too long for its row goes under it."""
        width = self.content_size.width
        lines: list[Content] = []
        for label, value in self._rows:
            gap = width - len(label) - value.cell_length
            if gap >= 1 or not width:
                lines.append(Content.assemble((label, LABEL_STYLE), " " * max(gap, 1), value))
            else:
                lines.append(Content.assemble((label, LABEL_STYLE), "\n", value.right(width)))
        return Content("\n").join(lines)


def _line_count(rows: Sequence[Row], width: int) -> int:
    """How many lines `rows` take at `width` (before wrapping of values longer than the whole width)."""
    return sum(1 if not width or len(label) + value.cell_length < width else 2 for label, value in rows)
