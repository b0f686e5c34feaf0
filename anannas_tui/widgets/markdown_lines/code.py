"""Fenced and indented code blocks: highlighted with Textual's highlighter, drawn like Textual's fence.

A fence that is still streaming would be highlighted and drawn again in full on every frame: ~150 ms a frame
for a 700-line fence on a slow box. `LiveFence` keeps the last full highlight of the growing fence and the rows
drawn for each of its lines; a frame reuses both for every line that was complete last time and draws only
the lines written since (plain until the next full highlight, which happens when the code has grown by half,
so the total work stays linear). The final render always highlights the whole fence once, so what stays on
screen is exactly what a one-shot render shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.content import Content
from textual.style import Style

from anannas_tui.widgets.markdown_lines.lines import Box, Line, blank, render_row
from anannas_tui.widgets.markdown_lines.palette import Palette
from anannas_tui.widgets.markdown_lines.tree import Node

if TYPE_CHECKING:
    from textual.highlight import HighlightTheme

PAD_X = 2
"""Columns of padding either side of the code (Textual's fence label has `padding: 1 2`)."""


@dataclass
class LiveFence:
    """The fence that is still streaming: its last full highlight and the rows drawn for its lines."""

    code: str = ""
    language: str = ""
    lines: list[Content] = field(default_factory=list)
    """The highlighted lines of `code`."""
    rows: list[list[Line]] = field(default_factory=list)
    """Rows drawn for the leading lines, valid while `rows_key` matches."""
    rows_key: tuple[object, ...] = ()

    def current_lines(self, code: str, language: str, palette: Palette) -> tuple[list[Content], int]:
        """The highlighted lines of `code`, and how many leading ones are unchanged since the last call."""
        reusable = (
            self.lines
            and self.language == language
            and code.startswith(self.code)
            and len(code) < 1.5 * len(self.code) + 200
        )
        if not reusable:
            self.code, self.language = code, language
            self.lines = _highlight(code, language, palette).split("\n", allow_blank=True)
            self.rows = []
            return self.lines, 0
        complete = self.code.count("\n")  # the last highlighted line may have been unfinished
        fresh = [Content(line).stylize_before("$text") for line in code.split("\n")[complete:]]
        return [*self.lines[:complete], *fresh], complete


def _theme(palette: Palette) -> type[HighlightTheme]:
    from textual.highlight import ANSIDarkHighlightTheme, ANSILightHighlightTheme, HighlightTheme

    if palette.ansi:
        return ANSIDarkHighlightTheme if palette.dark else ANSILightHighlightTheme
    return HighlightTheme


def _highlight(code: str, language: str, palette: Palette) -> Content:
    """Textual's highlighter (pygments is imported with the first fence, not with the app)."""
    from textual.highlight import highlight

    return highlight(code, language=language, theme=_theme(palette))


def _language(node: Node, code: str, final: bool) -> str:
    """The fence's language; guessing is slow, so a fence without one is guessed only when complete."""
    words = node.info.split()
    if words:
        return words[0]
    if not (final and code.strip()):
        return "text"
    from textual.highlight import guess_language

    return guess_language(code, None)


def _line_rows(line: Content, width: int, base: Style, palette: Palette) -> list[Line]:
    """One line of code as rows: tabs expanded (as Textual draws a fence), folded at the width, padded."""
    inner = max(width - 2 * PAD_X, 1)
    pad = blank(PAD_X, base)
    line = line.expand_tabs(8)  # a raw tab would move the terminal's cursor
    pieces = line.fold(inner) if line.cell_length > inner else [line]
    return [[*pad, *render_row(piece, inner, base, palette.parse_style), *pad] for piece in pieces]


def render_code(node: Node, width: int, base: Style, palette: Palette, *, final: bool, live: LiveFence | None) -> Box:
    """A fence: one blank row, the highlighted code, one blank row, on the fence background.

    Long lines fold at the width instead of being cropped (Textual crops and scrolls the fence sideways,
    which a line-drawn transcript cannot do), so no code is ever hidden.
    """
    base = base + palette["fence"]
    code = node.content.rstrip()
    language = _language(node, code, final)
    if final or live is None:
        lines, stable = _highlight(code, language, palette).split("\n", allow_blank=True), 0
    else:
        lines, stable = live.current_lines(code, language, palette)
        key = (width, base, palette.key)
        if live.rows_key != key:
            live.rows, live.rows_key = [], key
    rows: list[Line] = []
    for index, line in enumerate(lines):
        if live is not None and index < min(stable, len(live.rows)):
            rows.extend(live.rows[index])
            continue
        line_rows = _line_rows(line, width, base, palette)
        if live is not None and index < stable and index == len(live.rows):
            live.rows.append(line_rows)
        rows.extend(line_rows)
    edge = blank(width, base)
    margin = 0 if palette.ansi else 1
    return Box([edge, *rows, edge], margin, margin)
