"""What a streamed document (Markdown or plain) shares: text that grows by appends, and its rows.

Rows come in two runs: `_frozen`, rows that can no longer change (packed once, never rendered again), then
`_live`, the rows of the part still being written, redrawn on each render. Subclasses decide where the line
between them falls; the text, the appending and the reading of rows are the same for both.
"""

from __future__ import annotations

from anannas_tui.widgets.markdown_lines.lines import POOL, Line, PackedLine


class GrowingRows:
    """Text that grows by `append`, and the rows a subclass renders it to (frozen, then live)."""

    def __init__(self, text: str = "") -> None:
        self._parts: list[str] = []
        self._text = text
        self._frozen: list[PackedLine] = []
        self._live: list[Line] = []
        self._key: tuple[object, ...] | None = None
        self._dirty = bool(text)

    @property
    def text(self) -> str:
        """All the text so far."""
        if self._parts:
            self._text += "".join(self._parts)
            self._parts.clear()
        return self._text

    def append(self, text: str) -> None:
        """Add text (already sanitised); rendering waits for the next `render`."""
        if text:
            self._parts.append(text)
            self._dirty = True

    @property
    def height(self) -> int:
        """Rendered rows (as of the last `render`)."""
        return len(self._frozen) + len(self._live)

    def row(self, y: int) -> Line:
        """Rendered row `y` (0 <= y < height)."""
        frozen = self._frozen
        return POOL.unpack(frozen[y]) if y < len(frozen) else self._live[y - len(frozen)]

    def rows(self) -> list[Line]:
        """All rendered rows."""
        return [self.row(y) for y in range(self.height)]
