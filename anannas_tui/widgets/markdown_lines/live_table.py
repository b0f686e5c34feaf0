"""A table still streaming, parsed a row at a time: a frame parses only the rows that arrived since the last one.

markdown-it parses a table block in one go, so re-parsing the unfinished tail on every frame cost time in
proportion to the table: about 100 ms a frame for a 700-row table, long enough to hold keystrokes back. A GFM
table grows by whole lines, and markdown-it parses each body line into one row on its own, against the header
and delimiter lines only. So while the text after the rows already parsed is nothing but more `|` lines, a
frame parses the header, the delimiter and those new lines, and adds the rows to the ones it kept.

Anything else (a blank line, a line that starts another block, a new width or theme) falls back to parsing the
tail in full, and `MarkdownDocument.finish` parses the whole table once more: the final rows always equal a
one-shot render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anannas_tui.widgets.markdown_lines.blocks import SourceBlock, line_offset, parse_blocks
from anannas_tui.widgets.markdown_lines.tree import Node

_ROW = re.compile(r" {0,3}\|")
"""A line that can only continue a table: it starts with a pipe (no block starts with one)."""


def _sections(table: Node) -> tuple[Node | None, Node | None]:
    """The table's thead and tbody nodes (a table without body rows yet has no tbody)."""
    thead = next((child for child in table.children if child.type == "thead"), None)
    tbody = next((child for child in table.children if child.type == "tbody"), None)
    return thead, tbody


def _rows_only(lines: list[str]) -> bool:
    return all(_ROW.match(line) for line in lines)


@dataclass
class LiveTable:
    """The rows of the live table parsed so far, and where in the text the next ones start."""

    offset: int
    """The document's live offset (where the tail starts) these blocks were parsed from."""
    before: list[SourceBlock]
    """The tail's blocks before the table, as parsed (they cannot change while only rows are added)."""
    table: SourceBlock
    """The table as last parsed in full: its line in the tail, and its node's own fields."""
    head: str
    """The header and delimiter lines, newlines included: what each new row is parsed against."""
    end: int
    """Offset in the text just after the last complete row kept in `rows`."""
    rows: list[Node]
    """Body rows of every complete line up to `end`."""

    @classmethod
    def start(cls, text: str, offset: int, blocks: list[SourceBlock], keep: int) -> LiveTable | None:
        """Remember a tail (`text[offset:]`, parsed as `blocks`) whose last block is a table of `|` rows, when
        all of the tail stays live (at most `keep` blocks); otherwise None."""
        if not blocks or len(blocks) > keep or blocks[-1].node.type != "table":
            return None
        table = blocks[-1]
        start = offset + line_offset(text[offset:], table.line)
        *complete, _partial = text[start:].split("\n")
        thead, tbody = _sections(table.node)
        rows = tbody.children if tbody is not None else []
        count = len(complete) - 2
        if thead is None or count < 0 or not _rows_only(complete[2:]) or len(rows) < count:
            return None
        head = "".join(line + "\n" for line in complete[:2])
        end = start + sum(len(line) + 1 for line in complete)
        return cls(offset, blocks[:-1], table, head, end, list(rows[:count]))

    def extend(self, text: str) -> list[SourceBlock] | None:
        """The tail's blocks, the table with every row up to the end of `text`; None when the text since `end`
        is not just more rows (the caller parses the tail in full)."""
        *complete, partial = text[self.end :].split("\n")
        if not _rows_only(complete) or (partial and not _ROW.match(partial)):
            return None
        fresh = parse_blocks(self.head + text[self.end :])
        if len(fresh) != 1 or fresh[0].node.type != "table":
            return None
        _, tbody = _sections(fresh[0].node)
        new = tbody.children if tbody is not None else []
        if len(new) < len(complete):
            return None
        self.rows.extend(new[: len(complete)])
        self.end += sum(len(line) + 1 for line in complete)
        return [*self.before, SourceBlock(self.table.line, self._node(new[len(complete) :]))]

    def _node(self, unfinished: list[Node]) -> Node:
        """The table node with the kept rows and the row still being written."""
        table = self.table.node
        thead, tbody = _sections(table)
        children = [thead] if thead is not None else []
        rows = [*self.rows, *unfinished]
        if rows:
            shell = tbody or Node("tbody", "tbody")
            children.append(Node(shell.type, shell.tag, shell.content, shell.info, shell.attrs, rows))
        return Node(table.type, table.tag, table.content, table.info, table.attrs, children)
