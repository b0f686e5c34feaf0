"""Render one Markdown block (a markdown-it syntax tree node) to rows, mirroring Textual's Markdown widget.

Sizes come from Textual's Markdown CSS: headings have margins 2/1 (h1, h2) or 1/1, a top-level paragraph
has one blank row after it (nested ones none), lists one row after them unless nested in a list, quotes
and fences one row either side, rules take two rows. Content width, bullets (•, ▪, ‣, ⭑, ◦ by depth) and
ordered-list numbering match the stock widget too, so the transcript looks like the Markdown users know.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rich.segment import Segment
from textual.content import Content
from textual.style import Style

from anannas_tui.widgets.markdown_lines.code import LiveFence, render_code
from anannas_tui.widgets.markdown_lines.inline import block_content
from anannas_tui.widgets.markdown_lines.lines import Box, Line, blank, content_lines, prefix, stack, surround
from anannas_tui.widgets.markdown_lines.palette import Palette
from anannas_tui.widgets.markdown_lines.table import RowCache, render_table
from anannas_tui.widgets.markdown_lines.tree import Node

BULLETS = ("• ", "▪ ", "‣ ", "⭑ ", "◦ ")
"""Unordered-list bullets by nesting depth (Textual's `Markdown.BULLETS`)."""

_HEADING_MARGINS = {"h1": (2, 1), "h2": (2, 1)}


@dataclass
class LiveBlocks:
    """What the blocks still streaming may reuse from one frame to the next."""

    fence: LiveFence = field(default_factory=LiveFence)
    table_rows: RowCache = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """Where a block sits: it changes margins and bullets, as Textual's CSS selectors do."""

    top_level: bool = True
    in_list: bool = False
    bullet_depth: int = 0


class BlockRenderer:
    """Renders blocks for one palette; `final=False` lets a still-streaming fence reuse its last rows."""

    def __init__(self, palette: Palette, *, final: bool = True, live: LiveBlocks | None = None) -> None:
        self.palette = palette
        self.final = final
        self.live = live

    def render(self, node: Node, width: int, base: Style, context: Context = Context()) -> Box:
        """Render `node` at `width` cells on the background of `base`."""
        if width <= 0:
            return Box()
        kind = node.type
        if kind == "paragraph":
            lines = self._text(block_content(node, self.palette), width, base)
            return Box(lines, 0, 1 if context.top_level else 0)
        if kind == "heading":
            return self._heading(node, width, base)
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node, width, base, context)
        if kind == "blockquote":
            return self._quote(node, width, base, context)
        if kind in ("fence", "code_block"):
            fence = None if self.live is None else self.live.fence
            return render_code(node, width, base, self.palette, final=self.final, live=fence)
        if kind == "table":
            return render_table(node, width, base, self.palette, None if self.live is None else self.live.table_rows)
        if kind == "hr":
            rule: Line = [Segment("─" * width, (base + self.palette["hr"]).rich_style)]
            return Box([blank(width, base), rule], 0, 1)
        # html_block and anything unknown: shown literally, so nothing the model wrote is lost.
        text = node.content.rstrip("\n") or "".join(child.content for child in node.children)
        return Box(self._text(Content(text), width, base), 0, 1 if context.top_level else 0)

    def _text(self, content: Content, width: int, base: Style, *, center: bool = False) -> list[Line]:
        return content_lines(content, width, base, self.palette.parse_style, center=center)

    def _heading(self, node: Node, width: int, base: Style) -> Box:
        tag = node.tag if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6") else "h6"
        style = base + self.palette[tag]
        lines = self._text(block_content(node, self.palette), width, style, center=tag == "h1")
        top, bottom = _HEADING_MARGINS.get(tag, (1, 1))
        return Box(lines or [blank(width, style)], top, bottom)

    def _children(self, node: Node, width: int, base: Style, context: Context) -> Box:
        """A container's blocks stacked, its first and last margins kept inside it as rows."""
        boxes = [self.render(child, width, base, context) for child in node.children]
        return stack(boxes, width, base)

    def _quote(self, node: Node, width: int, base: Style, context: Context) -> Box:
        quote = base + self.palette["quote"]
        inner = self._children(node, max(width - 3, 1), quote, replace(context, top_level=False))
        # Textual draws a border's colour over the background *outside* the widget, on the widget's own.
        edge = self.palette["quote-border"].foreground
        colour = edge if edge is None or base.background is None else base.background + edge
        bar_style = Style(background=quote.background, foreground=colour)
        bar = [Segment("▌", bar_style.rich_style), Segment(" ", quote.background_style.rich_style)]
        right = [Segment(" ", quote.background_style.rich_style)]
        lines = surround(inner.lines or [blank(max(width - 3, 1), quote)], bar, right)
        return Box(lines, 1, 1)

    def _list(self, node: Node, width: int, base: Style, context: Context) -> Box:
        ordered = node.type == "ordered_list"
        items = [child for child in node.children if child.type == "list_item"]
        symbols = _ordered_symbols(items) if ordered else [BULLETS[context.bullet_depth % len(BULLETS)]] * len(items)
        inner_context = Context(
            top_level=False,
            in_list=True,
            bullet_depth=context.bullet_depth + (0 if ordered else 1),
        )
        bullet_style = (base + self.palette["bullet"]).rich_style
        lines: list[Line] = []
        for item, symbol in zip(items, symbols, strict=True):
            size = len(symbol)
            inner = max(width - size, 1)  # a very narrow pane crops the row rather than losing the item
            body = self._children(item, inner, base, inner_context).lines
            first = [Segment(symbol, bullet_style)]
            rest = [Segment(" " * size, bullet_style)]
            lines.extend(prefix(body or [blank(inner, base)], first, rest))
        return Box(lines, 0, 0 if context.in_list else 1)


def _ordered_symbols(items: list[Node]) -> list[str]:
    """Textual's numbering: from the first item's number, right-aligned in one width plus a space."""
    try:
        start = int(items[0].info) if items else 1
    except ValueError:
        start = 1
    labels = [f"{number}. " for number in range(start, start + len(items))]
    size = max((len(label) for label in labels), default=0)
    return [label.rjust(size + 1) for label in labels]
