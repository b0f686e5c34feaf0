"""Markdown tables drawn like Textual's: thin key lines around and between every cell, headers in $primary.

Column widths follow the grid Textual uses (`grid-columns: auto` that expands or shrinks to the width): each
column's natural width (its widest cell plus one column of padding either side) is scaled so the table fills
the width, any remainder going to the last column. Cells wrap inside their column.
"""

from __future__ import annotations

from fractions import Fraction

from rich.cells import cell_len
from rich.segment import Segment
from textual.content import Content
from textual.style import Style

from anannas_tui.widgets.markdown_lines.inline import block_content
from anannas_tui.widgets.markdown_lines.lines import Box, Line, blank, content_lines, fit
from anannas_tui.widgets.markdown_lines.palette import Palette
from anannas_tui.widgets.markdown_lines.tree import Node

_MIN_COLUMN = 3
"""Narrowest column drawn: one cell of text between its padding."""


def _cells(node: Node, palette: Palette) -> tuple[list[Content], list[list[Content]]]:
    """Header cells and body rows, each cell's inline content."""
    headers: list[Content] = []
    rows: list[list[Content]] = []
    for part in node.children:
        for row in part.children:
            cells = [block_content(cell, palette) for cell in row.children]
            if part.type == "thead":
                headers.extend(cells)
            else:
                rows.append(cells)
    return headers, rows


def column_widths(natural: list[int], minimums: list[int], total: int) -> list[int]:
    """Textual's grid sizing for `grid-columns: auto` with expand and shrink (textual/_resolve.py).

    Columns grow in proportion to fill `total` cells (gutters of one cell between them), or give up space
    column by column down to their longest word, then in proportion; edges fall on whole cells.
    """
    used = Fraction(sum(natural))
    space = Fraction(total - (len(natural) - 1))
    widths = [Fraction(width) for width in natural]
    if 0 < used < space:
        widths = [width + width / used * (space - used) for width in widths]
    excess = used - space
    if excess > 0:
        for index, (minimum, width) in enumerate(zip(minimums, widths, strict=True)):
            updated = max(Fraction(minimum), width - max(width / used, Fraction(1)) * excess)
            widths[index] = updated
            used = used - width + updated
            excess = used - space
            if excess <= 0:
                break
        used = sum(widths, Fraction(0))
        if (excess := used - space) > 0:
            widths = [width - width / used * excess for width in widths]
    edges = [0]
    position = Fraction(0)
    for width in widths:
        position += width
        edges.append(position.__floor__())
        position += 1
        edges.append(position.__floor__())
    return [end - start for start, end in zip(edges[::2], edges[1::2], strict=False)]


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _rule(widths: list[int], left: str, middle: str, right: str, style: Style) -> Line:
    text = left + middle.join("─" * width for width in widths) + right
    return [Segment(text, style.rich_style)]


def _row(
    cells: list[Content], widths: list[int], styles: tuple[Style, Style, Style], palette: Palette, *, header: bool
) -> list[Line]:
    """One table row: every cell wrapped in its column; headers sit at the bottom of the row, as in Textual."""
    base, cell_base, border = styles
    rendered = [
        content_lines(cell, width - 2, cell_base, palette.parse_style, overflow="ellipsis")
        for cell, width in zip(cells, widths, strict=False)
    ]
    rendered += [[] for _ in widths[len(rendered) :]]
    height = max(1, *(len(lines) for lines in rendered))
    for index, (lines, width) in enumerate(zip(rendered, widths, strict=True)):
        filler = [blank(width - 2, cell_base)] * (height - len(lines))
        rendered[index] = [*filler, *lines] if header else [*lines, *filler]
    bar = Segment("│", border.rich_style)
    pad = Segment(" ", base.background_style.rich_style)
    out: list[Line] = []
    for y in range(height):
        line: Line = [bar]
        for lines in rendered:
            line.extend([pad, *lines[y], pad, bar])
        out.append(line)
    return out


RowCache = dict[tuple[object, ...], list[Line]]
"""Rows already drawn for a table that is still streaming, by cell contents, widths and styles."""


def _cached_row(
    cells: list[Content],
    widths: list[int],
    styles: tuple[Style, Style, Style],
    palette: Palette,
    *,
    header: bool,
    cache: RowCache | None,
) -> list[Line]:
    """`_row`, reused from `cache` when the same cells are drawn at the same widths again."""
    if cache is None:
        return _row(cells, widths, styles, palette, header=header)
    key = (tuple((cell.plain, tuple(cell.spans)) for cell in cells), tuple(widths), styles, palette.key, header)
    rows = cache.get(key)
    if rows is None:
        if len(cache) > 5_000:  # a table the size of a book; start again rather than grow without end
            cache.clear()
        rows = cache[key] = _row(cells, widths, styles, palette, header=header)
    return rows


def render_table(node: Node, width: int, base: Style, palette: Palette, cache: RowCache | None = None) -> Box:
    """A table block (margin below it, as Textual's `MarkdownTable { margin-bottom: 1 }`).

    A table still streaming passes a `cache`, so a frame only draws the rows that are new or changed.
    """
    headers, rows = _cells(node, palette)
    columns = max([len(headers), *(len(row) for row in rows)])
    if columns == 0 or width < columns * (_MIN_COLUMN + 1) + 1:
        return Box([blank(width, base)], 0, 1) if width > 0 else Box()
    natural = [2] * columns
    minimums = [1] * columns
    for row in [headers, *rows]:
        for index, cell in enumerate(row):
            natural[index] = max(natural[index], cell.cell_length + 2)
            minimums[index] = max(minimums[index], _longest_word(cell.plain) + 2)
    widths = [max(size, 3) for size in column_widths(natural, minimums, width - 2)]
    border = base + palette["table-border"]
    header_base = base + palette["table-header"]
    lines = [_rule(widths, "┌", "┬", "┐", border)]
    lines += _cached_row(headers, widths, (base, header_base, border), palette, header=True, cache=cache)
    for row in rows:
        lines.append(_rule(widths, "├", "┼", "┤", border))
        lines += _cached_row(row, widths, (base, base, border), palette, header=False, cache=cache)
    lines.append(_rule(widths, "└", "┴", "┘", border))
    if sum(widths) + len(widths) + 1 != width:  # only when columns hit their minimum in a very narrow pane
        lines = [fit(line, width, base) for line in lines]
    return Box(lines, 0, 1)
