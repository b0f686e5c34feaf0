"""Only the messages near the viewport take part in layout; spacers stand in for the rest.

Textual reflows every displayed widget on each layout-changing frame (a streaming reply makes one every
frame), so a 500-message chat would pay for 500 widgets per frame. `TranscriptWindow` keeps displayed only
the entries within a few screens of the viewport and hides the others (`display: none`), with one `Spacer`
above and one below whose heights equal what they replace. Heights are known without laying anything out
(rendered rows, or an estimate for a message not rendered yet), and the positions computed here follow the
stream layout's rules exactly, so hiding and showing entries never moves the text on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.containers import ScrollableContainer
from textual.geometry import Size, Spacing
from textual.strip import Strip
from textual.widget import Widget

from anannas_tui.widgets.transcript_entry import TranscriptEntry

MARGIN_SCREENS = 3
"""Screens of content displayed above and below the viewport when the window moves."""

KEEP_SCREENS = 1
"""The window stays put while it still has this many screens either side of the viewport: scrolling a page
is then a plain scroll, and the layout changes only every couple of screens."""


class Spacer(Widget):
    """Blank space of a given height, standing in for hidden entries."""

    DEFAULT_CSS = "Spacer { height: auto; }"

    def __init__(self) -> None:
        super().__init__()
        self.rows = 0
        self.display = False

    def set_rows(self, rows: int) -> None:
        """Resize (hidden when zero, so it adds no gap)."""
        rows = max(rows, 0)
        if rows != self.rows or self.display != bool(rows):
            self.rows = rows
            self.display = bool(rows)
            self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The height it stands in for."""
        return self.rows

    def render_line(self, y: int) -> Strip:
        """Blank (it is never on screen long: entries are shown before they scroll into view)."""
        return Strip.blank(self.size.width, self.visual_style.rich_style)


@dataclass
class Placement:
    """Where an entry sits in the transcript's scroll space (as if nothing were hidden)."""

    widget: Widget
    top: int
    height: int


class TranscriptWindow:
    """Decides which of a pane's entries are displayed, and sizes the two spacers."""

    def __init__(
        self,
        pane: ScrollableContainer,
        entries: Callable[[], list[Widget]],
        width: Callable[[Widget], int],
        height: Callable[[], int],
    ) -> None:
        self.pane = pane
        self.entries = entries
        self.content_width = width
        self.viewport_height = height
        self.top = Spacer()
        self.bottom = Spacer()
        self._heights: dict[Widget, int] = {}
        self._placements: list[Placement] | None = None
        self._shown: tuple[Widget, Widget] | None = None

    def height_of(self, widget: Widget, width: int | None = None) -> int | None:
        """An entry's height in rows: rendered, estimated, or last laid out (None: never laid out)."""
        if isinstance(widget, TranscriptEntry):
            width = self.content_width(widget) if width is None else width
            if widget.deferred:
                rows = widget.estimate_rows(width)
            else:
                rows = widget.row_count if widget.rendered_width == width else widget.rows_for(width)
            return rows + widget.styles.gutter.height
        if widget.display and widget.outer_size.height:
            self._heights[widget] = widget.outer_size.height
        return self._heights.get(widget)

    def invalidate(self) -> None:
        """Entries were added, removed or changed height: compute positions again next time."""
        self._placements = None

    def placements(self) -> list[Placement]:
        """Every entry's top and height (cached until `invalidate`; scrolling asks on every step)."""
        if self._placements is None or self._other_heights_changed():
            self._placements = self._compute()
        return self._placements

    def _other_heights_changed(self) -> bool:
        """Whether a shown widget that is not a transcript entry (an error entry) changed height."""
        assert self._placements is not None
        return any(
            p.widget.display and p.widget.outer_size.height and p.widget.outer_size.height != p.height
            for p in self._placements
            if not isinstance(p.widget, TranscriptEntry)
        )

    def _compute(self) -> list[Placement]:
        """Every entry's top and height, collapsing margins as the stream layout does."""
        out: list[Placement] = []
        y = 0
        previous = 0
        # Entries of one class share their CSS box (margins, padding, border): read it once per class,
        # as style lookups are the cost here and this runs on every scroll step.
        boxes: dict[type, tuple[Spacing, int, int]] = {}
        for index, widget in enumerate(self.entries()):
            kind = type(widget)
            if kind not in boxes:
                boxes[kind] = (widget.styles.margin, self.content_width(widget), widget.styles.gutter.height)
            margin, width, gutter = boxes[kind]
            y += margin.top if index == 0 else max(previous, margin.top)
            height = self._height(widget, width, gutter)
            out.append(Placement(widget, y, height))
            y += height
            previous = margin.bottom
        return out

    def _height(self, widget: Widget, width: int, gutter: int) -> int:
        if isinstance(widget, TranscriptEntry):
            if widget.deferred:
                return widget.estimate_rows(width) + gutter
            rows = widget.row_count if widget.rendered_width == width else widget.rows_for(width)
            return rows + gutter
        height = self.height_of(widget, width)
        return 0 if height is None else height

    def following(self) -> bool:
        """Whether the pane is pinned to the bottom (new content scrolls into view by itself)."""
        pane = self.pane
        return pane.is_anchored and not getattr(pane, "_anchor_released", False)

    def view_top(self, placements: list[Placement]) -> float:
        """The scroll position the next frame will show."""
        if self.following() and placements:
            last = placements[-1]
            return max(last.top + last.height - self.viewport_height(), 0)
        return self.pane.scroll_y

    def _span(self, placements: list[Placement]) -> tuple[int, int]:
        """Indices of the first and last entry to display: the current ones while they still cover the
        viewport with `KEEP_SCREENS` to spare, else those within `MARGIN_SCREENS` of it."""
        screen = max(self.viewport_height(), 1)
        view = self.view_top(placements)
        index = {id(p.widget): position for position, p in enumerate(placements)}
        if self._shown is not None:
            first, last = index.get(id(self._shown[0])), index.get(id(self._shown[1]))
            if first is not None and last is not None:
                bottom = placements[last].top + placements[last].height
                end = placements[-1].top + placements[-1].height
                top = placements[first].top
                covers = (first == 0 or top <= view - KEEP_SCREENS * screen) and (
                    last == len(placements) - 1 or bottom >= min(end, view + (1 + KEEP_SCREENS) * screen)
                )
                reach = 2 + MARGIN_SCREENS  # past this, the window has drifted (following a growing reply)
                if covers and top >= view - reach * screen and bottom <= view + (1 + reach) * screen:
                    return first, last
        low, high = view - MARGIN_SCREENS * screen, view + (1 + MARGIN_SCREENS) * screen
        inside = [p.top < high and p.top + p.height > low for p in placements]
        for position, placement in enumerate(placements):
            widget = placement.widget
            if not isinstance(widget, TranscriptEntry) and self.height_of(widget) is None:
                inside[position] = True  # never laid out: its height is unknown until it is displayed
        if not any(inside):
            return len(placements) - 1, len(placements) - 1
        return inside.index(True), len(inside) - 1 - inside[::-1].index(True)

    def update(self) -> list[Widget]:
        """Display the entries near the viewport, hide the rest; return the newly displayed ones."""
        placements = self.placements()
        if not placements:
            self.top.set_rows(0)
            self.bottom.set_rows(0)
            return []
        first, last = self._span(placements)
        shown: list[Widget] = []
        for index, placement in enumerate(placements):
            display = first <= index <= last
            if placement.widget.display != display:
                placement.widget.display = display
                if display:
                    shown.append(placement.widget)
        self._shown = (placements[first].widget, placements[last].widget)
        head = placements[first]
        self.top.set_rows(head.top - head.widget.styles.margin.top)
        tail = placements[last]
        end = placements[-1].top + placements[-1].height
        self.bottom.set_rows(end - (tail.top + tail.height + tail.widget.styles.margin.bottom))
        return shown
