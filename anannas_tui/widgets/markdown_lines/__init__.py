"""Markdown drawn as lines of text instead of a tree of widgets.

Textual's `Markdown` mounts a widget per block (a 60 KB reply is ~1,200 widgets), and every layout pass walks
all of them; this package renders the same look straight to rows of segments that one widget per message
can draw. See `document.MarkdownDocument` for the streaming model.

The renderer (`document` and the block, code, table and inline modules under it) is imported when first used:
an empty chat's first frame draws no Markdown and does not wait for it.
"""

from typing import TYPE_CHECKING, Any

from anannas_tui.widgets.markdown_lines.lines import Line, plain_text
from anannas_tui.widgets.markdown_lines.palette import (
    COMPONENT_CLASSES,
    MARKDOWN_CSS,
    Palette,
    palette_for,
    plain_palette,
)

if TYPE_CHECKING:
    from anannas_tui.widgets.markdown_lines.document import MarkdownDocument, code_blocks, parse_blocks

_RENDERER = {"MarkdownDocument", "code_blocks", "parse_blocks"}


def __getattr__(name: str) -> Any:
    """The renderer's names, imported on first use (PEP 562)."""
    if name in _RENDERER:
        from anannas_tui.widgets.markdown_lines import document

        return getattr(document, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
