"""Fenced and indented code blocks: highlighted with Textual's highlighter, drawn like Textual's fence.

Highlighting is the one expensive step in rendering Markdown (pygments takes ~0.5 ms a line on a slow box),
and a fence that is still streaming would be highlighted again on every frame. `HighlightCache` keeps the
last highlight of a growing fence and reuses it for the lines that have not changed, re-highlighting in
full only when the code has grown by half since; the final render always highlights the whole fence once,
so what stays on screen is exactly what a one-shot render shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content
from textual.style import Style

from anannas_tui.widgets.markdown_lines.lines import Box, Line, blank, render_row
from anannas_tui.widgets.markdown_lines.palette import Palette

if TYPE_CHECKING:
    from textual.highlight import HighlightTheme
from anannas_tui.widgets.markdown_lines.tree import Node

PAD_X = 2
"""Columns of padding either side of the code (Textual's fence label has `padding: 1 2`)."""


@dataclass
class HighlightCache:
    """The last full highlight of the fence that is still streaming."""

    code: str = ""
    language: str = ""
    content: Content | None = None


def _theme(palette: Palette) -> type[HighlightTheme]:
    from textual.highlight import ANSIDarkHighlightTheme, ANSILightHighlightTheme, HighlightTheme

    if palette.ansi:
        return ANSIDarkHighlightTheme if palette.dark else ANSILightHighlightTheme
    return HighlightTheme


def _language(node: Node, code: str, final: bool) -> str:
    """The fence's language; guessing is slow, so a fence without one is guessed only when complete."""
    words = node.info.split()
    if words:
        return words[0]
    if not (final and code.strip()):
        return "text"
    from textual.highlight import guess_language

    return guess_language(code, None)


def highlighted(code: str, language: str, palette: Palette, cache: HighlightCache | None) -> Content:
    """Highlight `code`, reusing `cache` for an unchanged prefix while the fence is still growing.

    Pygments is imported with the first fence, not with the app (it costs the first frame ~10 ms).
    """
    from textual.highlight import highlight

    theme = _theme(palette)
    if cache is None:
        return highlight(code, language=language, theme=theme)
    reusable = (
        cache.content is not None
        and cache.language == language
        and code.startswith(cache.code)
        and len(code) < 1.5 * len(cache.code) + 200
    )
    if not reusable:
        cache.code, cache.language = code, language
        cache.content = highlight(code, language=language, theme=theme)
        return cache.content
    assert cache.content is not None
    done = cache.code.rfind("\n") + 1  # the last cached line may have been incomplete
    if done == 0:
        return Content(code).stylize_before("$text")
    return cache.content[:done] + Content(code[done:]).stylize_before("$text")


def render_code(
    node: Node,
    width: int,
    base: Style,
    palette: Palette,
    *,
    final: bool,
    cache: HighlightCache | None,
) -> Box:
    """A fence: one blank row, the highlighted code, one blank row, on the fence background.

    Long lines fold at the width instead of being cropped (Textual crops and scrolls the fence sideways,
    which a line-drawn transcript cannot do), so no code is ever hidden.
    """
    base = base + palette["fence"]
    code = node.content.rstrip()
    content = highlighted(code, _language(node, code, final), palette, None if final else cache)
    inner = max(width - 2 * PAD_X, 1)
    pad = blank(PAD_X, base)
    rows: list[Line] = []
    for line in content.split("\n", allow_blank=True):
        for piece in line.fold(inner) if line.cell_length > inner else [line]:
            rows.append([*pad, *render_row(piece, inner, base, palette.parse_style), *pad])
    edge = blank(width, base)
    margin = 0 if palette.ansi else 1
    return Box([edge, *rows, edge], margin, margin)


def fence_source(node: Node) -> str:
    """The raw code of a fence or indented block, as the copy-code picker should copy it."""
    return node.content
