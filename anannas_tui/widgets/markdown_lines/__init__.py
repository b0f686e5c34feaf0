"""Markdown drawn as lines of text instead of a tree of widgets.

Textual's `Markdown` mounts a widget per block (a 60 KB reply is ~1,200 widgets), and every layout pass walks
all of them; this package renders the same look straight to rows of segments that one widget per message
can draw. See `document.MarkdownDocument` for the streaming model.
"""

from anannas_tui.widgets.markdown_lines.document import MarkdownDocument, code_blocks, parse_blocks
from anannas_tui.widgets.markdown_lines.lines import Line, plain_text
from anannas_tui.widgets.markdown_lines.palette import (
    COMPONENT_CLASSES,
    MARKDOWN_CSS,
    Palette,
    palette_for,
    plain_palette,
)

__all__ = [
    "COMPONENT_CLASSES",
    "MARKDOWN_CSS",
    "Line",
    "MarkdownDocument",
    "Palette",
    "code_blocks",
    "palette_for",
    "parse_blocks",
    "plain_palette",
    "plain_text",
]
