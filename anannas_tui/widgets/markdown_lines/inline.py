"""Inline Markdown (emphasis, code spans, links, images) to Textual `Content`.

This mirrors what Textual's `MarkdownBlock` builds for a paragraph, so a rendered message reads the same as
the stock widget: runs of whitespace collapse to one space, a soft break is a space, a hard break a new line,
and a link is text carrying a `link(href)` click action. Two deliberate differences, both so that nothing
the model wrote disappears: inline HTML is shown literally (Textual drops it), and an image shows its alt
text once.
"""

from __future__ import annotations

import re

from textual.content import Content, Span
from textual.style import Style

from anannas_tui.widgets.markdown_lines.palette import Palette
from anannas_tui.widgets.markdown_lines.tree import Node

_SPACE = re.compile(r"\s+")

_ROLE_BY_TYPE = {"em": "em", "strong": "strong", "s": "strike"}


class _Builder:
    """Accumulates text and spans while walking the inline tree."""

    def __init__(self, palette: Palette) -> None:
        self.palette = palette
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.position = 0

    def add(self, text: str) -> None:
        """Append plain text."""
        self.parts.append(text)
        self.position += len(text)

    def styled(self, node: Node, style: Style) -> None:
        """Append `node`'s children with `style` over them."""
        start = self.position
        self.walk(node)
        if self.position > start:
            self.spans.append(Span(start, self.position, style))

    def walk(self, parent: Node) -> None:
        """Append every child of `parent`."""
        for node in parent.children:
            self.visit(node)

    def visit(self, node: Node) -> None:
        """Append one inline element."""
        kind = node.type
        if kind == "text":
            self.add(_SPACE.sub(" ", node.content))
        elif kind == "softbreak":
            self.add(" ")
        elif kind == "hardbreak":
            self.add("\n")
        elif kind == "code_inline":
            start = self.position
            self.add(node.content)
            self.spans.append(Span(start, self.position, self.palette["code-inline"]))
        elif kind in _ROLE_BY_TYPE:
            self.styled(node, self.palette[_ROLE_BY_TYPE[kind]])
        elif kind == "link":
            self.styled(node, link_style(str(node.attrs.get("href", "")), self.palette))
        elif kind == "image":
            start = self.position
            alt = "".join(child.content for child in node.children)
            self.add(f"🖼  ({alt})" if alt else "🖼 ")
            self.spans.append(Span(start, self.position, link_style(str(node.attrs.get("src", "")), self.palette)))
        elif kind in ("html_inline", "html_block"):
            self.add(node.content)
        else:
            self.walk(node)


def link_style(href: str, palette: Palette) -> Style:
    """The look of a link plus the click action that reports it (never opens it: the screen decides)."""
    return palette["link"] + Style.from_meta({"@click": f"link({href!r})"})


def inline_content(node: Node, palette: Palette) -> Content:
    """Build the Content of an `inline` node (the text of a paragraph, heading or table cell)."""
    builder = _Builder(palette)
    builder.walk(node)
    return Content("".join(builder.parts), spans=builder.spans)


def block_content(node: Node, palette: Palette) -> Content:
    """The inline Content of a block that holds one `inline` child, or empty Content if it has none."""
    for child in node.children:
        if child.type == "inline":
            return inline_content(child, palette)
    return Content("")
