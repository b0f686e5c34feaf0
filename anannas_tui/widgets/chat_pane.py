"""The transcript: a scrolling column of messages that follows the newest one unless the user scrolls away.

Every message is one `TranscriptEntry` widget however long it is, and only the entries within a few screens
of the viewport are displayed (`TranscriptWindow`), so a frame costs about the same in an empty chat and
after hundreds of turns. A long history opens fast: only the newest messages are rendered before the first
frame, the rest when they come near the viewport or in background slices (`HistoryLoader`).

Links are never opened here: a click posts `ChatPane.LinkClicked` and the screen asks the user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.widget import Widget

from anannas_tui.widgets.entry_styles import EntryStyles
from anannas_tui.widgets.history_loader import HistoryLoader, HistoryMessage, defer_older, entry_for
from anannas_tui.widgets.transcript_entry import TranscriptEntry
from anannas_tui.widgets.transcript_window import Placement, Spacer, TranscriptWindow

if TYPE_CHECKING:
    from anannas_tui.widgets.assistant_message import AssistantMessage
    from anannas_tui.widgets.user_message import UserMessage

__all__ = ["ChatPane", "HistoryMessage", "TranscriptEntry"]


class ChatPane(VerticalScroll):
    """The conversation's messages, newest at the bottom."""

    DEFAULT_CSS = """
    ChatPane {
        layout: stream;
        scrollbar-gutter: stable;
    }
    """

    BINDINGS = [
        Binding("up,k", "select_previous", "Previous message", show=False),
        Binding("down,j", "select_next", "Next message", show=False),
        Binding("escape", "select_none", "Clear selection", show=False),
    ]

    @dataclass
    class LinkClicked(Message):
        """A link in a message was clicked; the screen decides whether to open it (after asking)."""

        pane: ChatPane
        href: str

        @property
        def control(self) -> ChatPane:
            """The chat pane (for `@on(ChatPane.LinkClicked, "#id")`)."""
            return self.pane

    @dataclass
    class SelectionChanged(Message):
        """The selected entry changed (None: no selection)."""

        pane: ChatPane
        entry: Widget | None

        @property
        def control(self) -> ChatPane:
            """The chat pane."""
            return self.pane

    def __init__(self, *, low_bandwidth: bool = False, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.low_bandwidth = low_bandwidth
        """Redraw streaming replies at most 10 times a second (set before replies start)."""
        self.entry_styles = EntryStyles()
        """Holds the transcript's component classes once for all entries; mounted with the first entry."""
        self._selected: Widget | None = None
        self._window = TranscriptWindow(self, lambda: self.entries, self.content_width, self._viewport_height)
        self._loader = HistoryLoader(self)
        self._width = 0

    def compose(self) -> ComposeResult:
        """The two spacers; entries (and, before the first one, the style holder) are mounted between them."""
        yield self._window.top
        yield self._window.bottom

    def _mount_entry_styles(self) -> None:
        """Mount the style holder ahead of the first entry.

        Not composed with the pane: its stylesheet (every Markdown role) is the largest in the app, and parsing
        and applying it is work an empty chat's first frame does not need.
        """
        if self.entry_styles.parent is None:
            self.mount(self.entry_styles, before=self._window.top)

    def on_mount(self) -> None:
        """Follow the bottom from the start."""
        self.anchor()

    # ----- adding and removing ----------------------------------------------------------------------------

    async def add_user(self, text: str) -> UserMessage:
        """Show a prompt the user sent, and follow the bottom again."""
        from anannas_tui.widgets.user_message import UserMessage  # with the first message, as `entry_for` says

        entry = UserMessage(text)
        await self.mount_entry(entry)
        self.anchor()
        return entry

    async def add_assistant(self, model: str) -> AssistantMessage:
        """Start a streaming reply from `model`; feed it with `append` and end it with `finish`."""
        from anannas_tui.widgets.assistant_message import AssistantMessage  # as in `add_user`

        entry = AssistantMessage(model, low_bandwidth=self.low_bandwidth)
        await self.mount_entry(entry)
        return entry

    async def mount_entry(self, widget: Widget) -> Widget:
        """Add any widget (an error entry, a notice) at the bottom of the transcript."""
        self._mount_entry_styles()
        await self.mount(widget, before=self._window.bottom)
        self._window.invalidate()
        self._update_window()
        return widget

    def load_history(
        self, messages: Sequence[HistoryMessage], footer: Callable[[HistoryMessage], str] | None = None
    ) -> list[Widget]:
        """Show a saved conversation: one entry per message, in order (returned in the same order).

        Only the newest screenfuls are rendered before the first frame; older messages get an estimated
        height and are rendered when scrolled near, or in the background.

        Args:
            messages: The saved messages, oldest first.
            footer: Makes the metrics line shown under an assistant message (none if not given).
        """
        entries = [entry_for(message, footer(message) if footer is not None else "") for message in messages]
        defer_older(entries, self.app.size)
        self._mount_entry_styles()
        self.mount_all(entries, before=self._window.bottom)
        self._window.invalidate()
        self._update_window()  # before the first frame: only the newest entries take part in it
        self.anchor()
        self.call_after_refresh(self._loader.start)
        return entries

    async def remove_entries(self, widgets: Iterable[Widget]) -> None:
        """Remove entries (deleting messages, regenerating a reply)."""
        doomed = [widget for widget in widgets if widget.parent is self]
        if self._selected in doomed:
            self.select(None)
        if doomed:
            await self.remove_children(doomed)
            self._window.invalidate()
            self._update_window()

    async def clear(self) -> None:
        """Remove every entry (a new chat)."""
        self.select(None)
        self._loader.stop()
        await self.remove_children(self.entries)
        self._window.invalidate()
        self._update_window()
        self.anchor()

    @property
    def entries(self) -> list[Widget]:
        """The transcript's entries, oldest first."""
        return [child for child in self.children if not isinstance(child, (Spacer, EntryStyles))]

    # ----- selection --------------------------------------------------------------------------------------

    @property
    def selected(self) -> Widget | None:
        """The entry the user selected (for copy, delete, edit), or None."""
        if self._selected is not None and self._selected.parent is not self:
            self._selected = None
        return self._selected

    def select(self, entry: Widget | None) -> None:
        """Select `entry` (None clears the selection) and bring it into view."""
        previous = self.selected
        if previous is entry:
            return
        if previous is not None:
            previous.remove_class("-selected")
        self._selected = entry
        if entry is not None:
            entry.add_class("-selected")
            self.scroll_to_entry(entry)
        self.post_message(self.SelectionChanged(self, entry))

    def scroll_to_entry(self, entry: Widget) -> None:
        """Scroll the least distance that shows `entry` (its top, if it is taller than the view)."""
        self._loader.hydrate([entry])
        placement = next((p for p in self.placements() if p.widget is entry), None)
        if placement is None:
            return
        top, bottom = self.view_span()
        if placement.top < top or placement.height > bottom - top:
            self.scroll_to(y=placement.top, animate=False, immediate=True)
        elif placement.top + placement.height > bottom:
            self.scroll_to(y=placement.top + placement.height - (bottom - top), animate=False, immediate=True)

    def select_previous(self) -> None:
        """Select the entry above the selected one (the newest if none is selected)."""
        self._step(-1)

    def select_next(self) -> None:
        """Select the entry below the selected one (none past the newest)."""
        self._step(1)

    def _step(self, direction: int) -> None:
        entries = self.entries
        current = self.selected
        if current is None:
            self.select(entries[-1] if entries and direction < 0 else None)
            return
        index = entries.index(current) + direction
        self.select(entries[index] if 0 <= index < len(entries) else current)

    def action_select_previous(self) -> None:
        """Select the previous message (up / k)."""
        self.select_previous()

    def action_select_next(self) -> None:
        """Select the next message (down / j)."""
        self.select_next()

    def action_select_none(self) -> None:
        """Clear the selection (escape)."""
        self.select(None)

    # ----- events from entries ----------------------------------------------------------------------------

    @on(TranscriptEntry.LinkClicked)
    def _link_clicked(self, message: TranscriptEntry.LinkClicked) -> None:
        message.stop()
        self.post_message(self.LinkClicked(self, message.href))

    @on(TranscriptEntry.Clicked)
    def _entry_clicked(self, message: TranscriptEntry.Clicked) -> None:
        message.stop()
        self.select(message.entry)

    def entry_resized(self, entry: Widget) -> None:
        """An entry's height changed (a streaming reply grew): keep the spacers exact."""
        self._window.invalidate()
        self._update_window()

    # ----- windowing (see transcript_window.py) -----------------------------------------------------------

    def placements(self) -> list[Placement]:
        """Every entry's position in the scroll space, hidden ones included."""
        return self._window.placements()

    def view_span(self) -> tuple[float, float]:
        """The rows the viewport shows (following the bottom, those the next frame will show)."""
        top = self._window.view_top(self.placements())
        return top, top + self._viewport_height()

    def _viewport_height(self) -> int:
        """The viewport's height; before the first layout, the screen's (the pane is rarely taller)."""
        return self.scrollable_content_region.height or self.app.size.height

    def content_width(self, widget: Widget) -> int:
        """The content width an entry has in this pane (known even while it is hidden).

        Before the pane's first layout this is a guess from the screen width, good enough for estimated
        heights; the pane's first resize corrects it.
        """
        margin = widget.styles.margin
        width = self.scrollable_content_region.width or self.app.size.width - self.styles.scrollbar_size_vertical
        return max(width - margin.width - widget.styles.gutter.width, 1)

    def keep_view(self, change: Callable[[], None]) -> None:
        """Run `change` (which may resize entries) without moving the text at the top of the view."""
        if self._window.following():
            change()
            self._window.invalidate()
            self._update_window()
            return
        view = self.scroll_y
        before = self.placements()
        anchor = next((p for p in before if p.top + p.height > view), None)
        change()
        self._window.invalidate()
        if anchor is not None:
            after = next(p for p in self.placements() if p.widget is anchor.widget)
            target = max(view + after.top - anchor.top, 0)
            if target != view:
                # Not validated: the new virtual height only exists after the next layout.
                self.set_reactive(VerticalScroll.scroll_y, target)
                self.set_reactive(VerticalScroll.scroll_target_y, target)
                self.vertical_scrollbar.position = target
        self._update_window()

    def _update_window(self) -> None:
        if self.is_attached:
            self._window.update()

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Render what scrolled near and move the window, before the frame is drawn."""
        super().watch_scroll_y(old, new)
        if self.is_attached:
            self._loader.near_view()
            self._update_window()

    def on_resize(self, event: Resize) -> None:
        """A new width re-wraps every message: hidden ones go back to estimates until needed."""
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            for entry in self.entries:
                if isinstance(entry, TranscriptEntry) and not entry.display:
                    entry.deferred = True
            self._window.invalidate()
            self._loader.near_view()
            self._loader.start()
        self._update_window()
