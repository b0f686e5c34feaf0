"""A Markdown message rendered to rows, growing as the reply streams in.

Only the last top-level blocks of a Markdown document can still change when text is appended, so each
render parses just the tail from the start of those (`LIVE_BLOCKS`): every block before them is finished, is
rendered once into `frozen` rows and is never touched again. Per update the work is bounded by the size of
the last blocks, not of the reply. (Textual's `Markdown.append` keeps only one block live, and gets lists
wrong: "1. a" then "1" then "." renders two lists where a one-shot parse gives one.)

The one construct that breaks the assumption is a link reference definition (`[x]: http://...`), which can
change links in earlier blocks; when one is seen, `finish()` renders the whole text again, so the final rows
always equal a one-shot render of the complete reply.
"""

from __future__ import annotations

from typing import Any

from anannas_tui.widgets.markdown_lines.blocks import SourceBlock, line_offset, parse_blocks, parser
from anannas_tui.widgets.markdown_lines.growing import GrowingRows
from anannas_tui.widgets.markdown_lines.lines import POOL, Box, blank, fit
from anannas_tui.widgets.markdown_lines.live_table import LiveTable
from anannas_tui.widgets.markdown_lines.palette import Palette
from anannas_tui.widgets.markdown_lines.render import BlockRenderer, LiveBlocks

__all__ = ["LIVE_BLOCKS", "MarkdownDocument", "SourceBlock", "code_blocks", "line_offset", "parse_blocks", "parser"]

LIVE_BLOCKS = 2
"""Top-level blocks kept live (re-parsed on every update). One is not enough: a block that has just begun
can still turn into the continuation of the one before it ("1" is a paragraph until "1." makes it the next
item of the list above), so the block before the last is only final once a later one exists."""


class MarkdownDocument(GrowingRows):
    """Markdown text and its rendered rows: finished blocks frozen, the last block re-rendered per update."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self._live_offset = 0
        self._frozen_margin: int | None = None
        self._final = False
        self._references = False
        self._parses = 0
        self._live_blocks = LiveBlocks()
        self._live_table: LiveTable | None = None

    @property
    def final(self) -> bool:
        """Whether `finish()` was called: the source is complete."""
        return self._final

    def finish(self) -> None:
        """Mark the source complete: the next render freezes the last block as well."""
        self._final = True
        self._dirty = True

    def render(self, width: int, palette: Palette) -> bool:
        """Bring the rows up to date for `width` and `palette`; return whether anything changed."""
        key = (width, palette.key)
        if key != self._key:
            self._key = key
            self._reset()
        if not self._dirty:
            return False
        self._dirty = False
        self._render_tail(width, palette)
        if self._final and self._references and self._parses > 1:
            # A reference definition can change links in blocks frozen before it was seen.
            self._reset()
            self._render_tail(width, palette)
        return True

    def _render_tail(self, width: int, palette: Palette) -> None:
        """Parse from the start of the unfinished blocks; freeze what is finished, redraw the rest."""
        self._parses += 1
        tail = self.text[self._live_offset :]
        blocks = self._parse_tail(tail)
        finished = len(blocks) if self._final else max(len(blocks) - LIVE_BLOCKS, 0)
        renderer = BlockRenderer(palette, final=True)
        for block in blocks[:finished]:
            self._freeze(renderer.render(block.node, width, palette.base), width, palette)
        self._live = []
        if not blocks:
            return  # only blank lines so far: they may yet become part of a block (indented code)
        if finished == len(blocks):
            self._live_offset = len(self.text)
            return
        self._live_offset += line_offset(tail, blocks[finished].line)
        live = BlockRenderer(palette, final=False, live=self._live_blocks)
        margin = self._frozen_margin
        for block in blocks[finished:]:
            box = live.render(block.node, width, palette.base)
            if margin is not None:
                self._live.extend([blank(width, palette.base)] * max(margin, box.margin_top))
            self._live.extend(box.lines)  # (Textual crops a row that is too wide; frozen rows are fitted once)
            margin = box.margin_bottom

    def _parse_tail(self, tail: str) -> list[SourceBlock]:
        """The tail's blocks: only the new rows when a long table is all that grows (`LiveTable`), else a parse
        of the whole tail."""
        table = self._live_table
        if table is not None and not self._final and table.offset == self._live_offset:
            blocks = table.extend(self.text)
            if blocks is not None:
                return blocks
        env: dict[str, Any] = {}
        blocks = parse_blocks(tail, env)
        self._references = self._references or bool(env.get("references"))
        live = not self._final and not self._references  # a reference may be used by a cell: parse in full
        self._live_table = LiveTable.start(self.text, self._live_offset, blocks, LIVE_BLOCKS) if live else None
        return blocks

    def _freeze(self, box: Box, width: int, palette: Palette) -> None:
        """Append a finished block's rows, separated from the previous block by the collapsed margin."""
        if self._frozen_margin is not None:
            gap = POOL.pack(blank(width, palette.base))
            self._frozen.extend([gap] * max(self._frozen_margin, box.margin_top))
        self._frozen.extend(POOL.pack(fit(line, width, palette.base)) for line in box.lines)
        self._frozen_margin = box.margin_bottom

    def _reset(self) -> None:
        """Forget every rendered row (new width or theme, or a reference definition at the end)."""
        self._live_offset = 0
        self._frozen = []
        self._frozen_margin = None
        self._live = []
        self._dirty = True
        self._parses = 0
        self._live_blocks = LiveBlocks()
        self._live_table = None


def code_blocks(text: str) -> list[str]:
    """The source of every fenced code block in `text`, nested ones included, in document order."""
    return [token.content for token in parser().parse(text) if token.type == "fence"]
