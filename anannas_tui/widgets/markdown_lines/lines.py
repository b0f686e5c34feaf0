"""Lines of segments and the small box model the block renderers share.

A rendered line is a plain list of Rich segments exactly `width` cells wide; a `Strip` is only built for the
lines on screen (a Strip carries seven caches, ~1.2 KB, which a 20,000-line history cannot afford). A `Box`
is a block's lines plus its vertical margins, so stacking blocks can collapse margins the way Textual's
vertical layout does (the gap between two blocks is the larger of the two margins).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.css.types import TextOverflow
from textual.style import Style

Line = list[Segment]
"""One rendered row, exactly as wide as the width it was rendered for."""

StyleGetter = Callable[[str | Style], Style]
"""Resolves a span style given as a string (see `Palette.parse_style`)."""


@dataclass
class Box:
    """A rendered block: its lines and the margins Textual's Markdown CSS gives that kind of block."""

    lines: list[Line] = field(default_factory=list)
    margin_top: int = 0
    margin_bottom: int = 0


def blank(width: int, style: Style) -> Line:
    """A row of spaces on the background of `style`."""
    return [Segment(" " * width, style.background_style.rich_style)] if width > 0 else []


def fit(segments: Line, width: int, style: Style) -> Line:
    """Pad (or crop) a row to exactly `width` cells, padding in `style`."""
    length = sum(cell_len(segment.text) for segment in segments)
    if length < width:
        return [*segments, Segment(" " * (width - length), style.background_style.rich_style)]
    if length > width:
        return list(Segment.adjust_line_length(segments, width, style.background_style.rich_style))
    return segments


def render_row(content: Content, width: int, base: Style, get_style: StyleGetter) -> Line:
    """Render one row of content on `base`, padded or cropped to exactly `width` cells."""
    segments: Line = [
        Segment(text, style.rich_style) for text, style in content.render(base, end="", parse_style=get_style)
    ]
    return fit(segments, width, base)


def content_lines(
    content: Content,
    width: int,
    base: Style,
    get_style: StyleGetter,
    *,
    center: bool = False,
    overflow: TextOverflow = "fold",
) -> list[Line]:
    """Wrap `content` to `width` and render each row on `base`, as a Static with `expand=True` would.

    `get_style` resolves span styles given as strings (the code highlighter's "$text-accent" and the like).
    """
    if width <= 0:
        return []
    rows: list[Line] = []
    for row in content.wrap(width, overflow=overflow):
        if center and (slack := width - row.cell_length) > 1:
            row = row.pad_left(slack // 2)  # Textual's `content-align: center`
        rows.append(render_row(row, width, base, get_style))
    return rows


def prefix(lines: Iterable[Line], first: Line, rest: Line) -> list[Line]:
    """Put `first` before the first row and `rest` before every other (bullets, quote bars)."""
    out: list[Line] = []
    for index, line in enumerate(lines):
        out.append([*(first if index == 0 else rest), *line])
    return out


def surround(lines: Iterable[Line], left: Line, right: Line) -> list[Line]:
    """Put `left` and `right` around every row (quote borders and padding)."""
    return [[*left, *line, *right] for line in lines]


def stack(boxes: Sequence[Box], width: int, base: Style, *, outer: bool = True) -> Box:
    """Stack boxes top to bottom, separating neighbours by the larger of their facing margins.

    With `outer` the first box's top margin and the last box's bottom margin become blank rows, as a
    container's height includes them in Textual's vertical layout; without it they are handed on as the
    result's own margins.
    """
    if not boxes:
        return Box()
    lines: list[Line] = []
    gap = blank(width, base)
    if outer:
        lines.extend([gap] * boxes[0].margin_top)
    for index, box in enumerate(boxes):
        if index:
            lines.extend([gap] * max(boxes[index - 1].margin_bottom, box.margin_top))
        lines.extend(box.lines)
    if outer:
        lines.extend([gap] * boxes[-1].margin_bottom)
        return Box(lines)
    return Box(lines, boxes[0].margin_top, boxes[-1].margin_bottom)


def plain_text(line: Line) -> str:
    """The characters of a row (for selection, copying and tests)."""
    return "".join(segment.text for segment in line)


def estimate_rows(text: str, width: int, *, markdown: bool) -> int:
    """Guess how many rows `text` takes at `width` without parsing it (a deferred entry's height).

    Counts each source line's wrapped length; inside a Markdown fence, lines are narrower by the fence's
    padding and the fence adds a row above and below. Off by a few rows at most, which the chat pane
    corrects for when the entry is rendered.
    """
    width = max(width, 1)
    rows = 0
    in_fence = False
    for line in text.split("\n"):
        if markdown and line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            rows += 1
            continue
        inner = max(width - 4, 1) if in_fence else width
        rows += 1 + (len(line) - 1) // inner if line else 1
    return rows


PackedLine = tuple[tuple[str, int], ...]
"""A row stored compactly: (text, style number) pairs; holds no objects the garbage collector tracks."""


class StylePool:
    """Numbers the Rich styles used by stored rows, so each distinct style exists once.

    A long history holds tens of thousands of rows; stored as segments they would be hundreds of thousands of
    objects the cyclic garbage collector walks on every full collection (pauses of 60-150 ms measured). As
    tuples of strings and ints they are untracked, and a handful of shared styles replace one per segment.
    """

    def __init__(self) -> None:
        self._styles: list[RichStyle | None] = [None]
        self._numbers: dict[RichStyle | None, int] = {None: 0}

    def pack(self, line: Line) -> PackedLine:
        """Store a row."""
        numbers = self._numbers
        packed: list[tuple[str, int]] = []
        for text, style, _ in line:
            number = numbers.get(style)
            if number is None:
                number = numbers[style] = len(self._styles)
                self._styles.append(style)
            packed.append((text, number))
        return tuple(packed)

    def unpack(self, packed: PackedLine) -> Line:
        """A stored row as segments, for drawing."""
        styles = self._styles
        return [Segment(text, styles[number]) for text, number in packed]


POOL = StylePool()
"""The one pool every document stores its rows in."""
