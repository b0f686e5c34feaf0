"""A screen row as a terminal shows it, for tests that compare two widgets' drawings cell by cell.

Used where one of our widgets stands in for a stock one (the key bar for Textual's Footer, the prompt's stand-in
for the prompt): what matters is what a user sees, so per-widget metadata and a blank's text colour are dropped.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual.app import App

Cells = list[tuple[str, Style | None]]


def cells(app: App[Any], y: int) -> Cells:
    """Row `y` of the screen as drawn: one (character, style) per cell, as a terminal shows it."""
    strip = app.screen._compositor.render_strips()[y]
    return [(char, shown(char, segment.style)) for segment in strip for char in segment.text]


def shown(char: str, style: Style | None) -> Style | None:
    """What of `style` can be seen: not the per-widget mouse offsets and links, nor a blank's text colour (the
    stock footer fills its gaps with background only, the key bar with blanks in its own colours)."""
    if style is None:
        return None
    style = style.clear_meta_and_links()
    return Style(bgcolor=style.bgcolor, reverse=style.reverse, underline=style.underline) if char == " " else style
