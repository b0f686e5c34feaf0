"""Markdown source split into top-level blocks, each with its syntax tree: what every render starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from anannas_tui.widgets.markdown_lines.tree import Node, build

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_parsers: list[MarkdownIt] = []


def parser() -> MarkdownIt:
    """The same preset Textual's Markdown widget uses (tables, strikethrough, autolinks).

    Made on first use: importing markdown-it costs ~20 ms, which the first frame need not wait for.
    """
    if not _parsers:
        from markdown_it import MarkdownIt

        _parsers.append(MarkdownIt("gfm-like"))
    return _parsers[0]


@dataclass
class SourceBlock:
    """One top-level block: its first source line (relative to the parsed text) and its syntax tree."""

    line: int
    node: Node


def parse_blocks(source: str, env: dict[str, Any] | None = None) -> list[SourceBlock]:
    """Split `source` into its top-level blocks (each a syntax tree with one root block)."""
    tokens = parser().parse(source, {} if env is None else env)
    blocks: list[SourceBlock] = []
    group: list[Token] = []
    for token in tokens:
        group.append(token)
        if token.level == 0 and token.nesting <= 0:
            line = group[0].map[0] if group[0].map else 0
            blocks.append(SourceBlock(line, build(group)[0]))
            group = []
    return blocks


def line_offset(text: str, line: int) -> int:
    """The character offset where line `line` of `text` starts (lines end at "\\n" only, as in markdown-it)."""
    offset = 0
    for _ in range(line):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset
