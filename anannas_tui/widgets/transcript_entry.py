"""The base of every message in the transcript: one widget that draws pre-rendered rows.

Textual lays out every widget in the chat on each layout-changing frame, on screen or not, so the cost of a
frame grows with the number of widgets (a stock Markdown reply is one per block, ~800 for 60 KB). A
`TranscriptEntry` is a single childless widget however long its message: its rows are rendered once per
width and theme (see `markdown_lines`), its height is the number of rows, and drawing a frame only builds
Strips for the rows on screen. Text selection, link clicks and the selected-entry highlight work on the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.geometry import Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from anannas_tui.widgets.entry_styles import EntryStyles, find_styles
from anannas_tui.widgets.markdown_lines import Line, Palette, plain_palette, plain_text


class RowSource(Protocol):
    """Anything with rendered rows: a Markdown document, wrapped plain text, a fixed list."""

    @property
    def height(self) -> int:
        """Rows rendered."""
        ...

    def row(self, y: int) -> Line:
        """Rendered row `y`."""
        ...


class Rows:
    """A fixed list of rows (a header or footer line)."""

    def __init__(self, rows: Sequence[Line] = ()) -> None:
        self.rows = list(rows)

    @property
    def height(self) -> int:
        """Number of rows."""
        return len(self.rows)

    def row(self, y: int) -> Line:
        """Row `y`."""
        return self.rows[y]


class TranscriptEntry(Widget):
    """One message drawn from rows; subclasses say which rows (`row_sources`) and keep them current."""

    ALLOW_SELECT = True

    DEFAULT_CSS = """
    TranscriptEntry {
        height: auto;
        padding: 0 1;
        margin: 0 0 1 0;
        border-left: outer $panel;
    }
    """

    @dataclass
    class LinkClicked(Message):
        """A link in the entry was clicked (it is never opened here)."""

        entry: TranscriptEntry
        href: str

    @dataclass
    class Clicked(Message):
        """The entry was clicked (the chat pane selects it)."""

        entry: TranscriptEntry

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._palette: Palette | None = None
        self._estimate: tuple[int, int] | None = None
        self._width = 0
        self.deferred = False
        """Not rendered yet: laid out with an estimated height until the chat pane renders it (long histories)."""

    # ----- what subclasses provide ------------------------------------------------------------------------

    def update_rows(self, width: int, palette: Palette) -> bool:
        """Render whatever changed for `width` and `palette`; return whether the rows changed."""
        raise NotImplementedError

    def row_sources(self) -> Sequence[RowSource]:
        """The row sources, top to bottom."""
        raise NotImplementedError

    def _estimate_rows(self, width: int) -> int:
        """A cheap guess at the rendered height (no parsing), used while the entry is deferred."""
        raise NotImplementedError

    def estimate_rows(self, width: int) -> int:
        """`_estimate_rows`, remembered per width (the chat pane asks on every scroll)."""
        if self._estimate is None or self._estimate[0] != width:
            self._estimate = (width, self._estimate_rows(width))
        return self._estimate[1]

    def hydrate(self, width: int) -> int:
        """Render a deferred entry now at content `width`; return its height change in rows."""
        if not self.deferred:
            return 0
        before = self.estimate_rows(width)
        self.deferred = False
        change = self.rows_for(width) - before
        self.refresh(layout=True)
        return change

    # ----- rows -------------------------------------------------------------------------------------------

    @property
    def palette(self) -> Palette:
        """Styles for this entry under the current theme (re-read when styles change)."""
        if self._palette is None:
            styles = find_styles(self)
            if styles is None:  # outside a chat pane: give the screen a style holder, redraw when it is up
                self.screen.mount(EntryStyles())
                self.call_after_refresh(self._theme_changed)
                return plain_palette(self.visual_style)
            self._palette = styles.palette(self)
        return self._palette

    def notify_style_update(self) -> None:
        """Styles changed: re-read the palette (rows are redrawn only if it differs, as on a theme change)."""
        super().notify_style_update()
        self._palette = None
        if self.is_attached:
            self.refresh(layout=True)

    def on_mount(self) -> None:
        """Redraw with the new colours when the theme changes."""
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self._palette = None
        self.refresh(layout=True)

    def text_rows(self) -> list[str]:
        """The rendered rows as text, trailing spaces removed (selection, copy, tests)."""
        return [plain_text(self._row(y)).rstrip() for y in range(self.row_count)]

    @property
    def row_count(self) -> int:
        """Rendered rows, as of the last update."""
        return sum(source.height for source in self.row_sources())

    def _row(self, y: int) -> Line:
        for source in self.row_sources():
            if y < source.height:
                return source.row(y)
            y -= source.height
        return []

    def rows_for(self, width: int) -> int:
        """Rows when rendered at content `width` (rendering now if needed)."""
        self._width = width
        self.update_rows(width, self.palette)
        return self.row_count

    @property
    def rendered_width(self) -> int:
        """The content width the rows were last rendered for (0: never)."""
        return self._width

    @property
    def render_width(self) -> int:
        """The content width to render at: the laid-out one, or the last known while hidden."""
        return self.content_size.width or self._width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The rows at `width` (rendering them now), or an estimate while deferred."""
        if self.deferred:
            return self.estimate_rows(width)
        return self.rows_for(width)

    def rows_changed(self) -> None:
        """Tell the layout (and a windowing parent) that the number of rows may have changed."""
        self.refresh(layout=True)
        resized = getattr(self.parent, "entry_resized", None)
        if callable(resized):
            resized(self)

    def render_line(self, y: int) -> Strip:
        """Row `y` as a Strip, with selection offsets and any selection highlight (only rows on screen)."""
        width = self.content_size.width
        if self.deferred or y >= self.row_count:
            return Strip.blank(width, self.visual_style.rich_style)
        strip = Strip(self._row(y)).apply_offsets(0, y)
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(y)) is not None:
            strip = _highlight(strip, span, self.screen.get_component_rich_style("screen--selection"))
        return strip

    # ----- selection and clicks ---------------------------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, as the rows show it."""
        return selection.extract("\n".join(self.text_rows())), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        """Repaint to show the new selection."""
        self.refresh()

    def action_link(self, href: str) -> None:
        """A link was clicked: report it upward; only the screen may open it, after asking."""
        self.post_message(self.LinkClicked(self, href))

    def on_click(self) -> None:
        """Tell the chat pane (which selects the entry)."""
        self.post_message(self.Clicked(self))


def _highlight(strip: Strip, span: tuple[int, int], style: RichStyle) -> Strip:
    """Draw the selection `style` over cells start..end of a row (end -1: to the end of the row)."""
    start, end = span
    length = strip.cell_length
    end = length if end == -1 else min(end, length)
    if start >= end:
        return strip
    middle = [
        Segment(text, (seg_style + style) if seg_style else style) for text, seg_style, _ in strip.crop(start, end)
    ]
    return Strip.join([strip.crop(0, start), Strip(middle), strip.crop(end, length)])
