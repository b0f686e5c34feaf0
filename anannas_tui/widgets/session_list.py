"""The sessions screen's table: an `OptionList` of fixed-height rows drawn only when they are on screen.

Like the model picker's list (see `model_list.py`), each row is a `Visual` whose height is known without
rendering it (one line, or two for a search hit with a snippet), so replacing 500 rows on a keystroke costs a few
milliseconds and columns follow the terminal's width. Everything shown comes from files on disk, so it passes
`for_display` and is assembled as `Content` from plain text, never parsed as markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from anannas_tui.core.metrics import format_cost
from anannas_tui.core.sanitize import for_display
from anannas_tui.core.session_index import SessionEntry

MARK_WIDTH = 2
MODEL_WIDTH = 22
COUNT_WIDTH = 5
COST_WIDTH = 15
"""Room for format_cost's longest usual text, "$0.000070 est.", and a gap."""
WHEN_WIDTH = 12
MIN_TITLE_WIDTH = 16
_FIXED = MARK_WIDTH + MODEL_WIDTH + COUNT_WIDTH + COST_WIDTH + WHEN_WIDTH
CURRENT_MARK = "●"


def one_line_text(text: str) -> str:
    """Untrusted text as one safe line: controls made visible, runs of whitespace (newlines too) one space."""
    return " ".join(for_display(text).split())


def format_when(when: datetime, now: datetime) -> str:
    """A short age for a list column: "just now", "5 min ago", "3 h ago", "2 d ago", "5 Jun", "5 Jun 2024".

    Recent changes read best as ages; past a week a date is clearer. Both times must be timezone-aware.
    """
    seconds = (now - when).total_seconds()
    if -60 < seconds < 60:
        return "just now"
    if 0 < seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if 0 < seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if 0 < seconds < 7 * 86400:
        return f"{int(seconds // 86400)} d ago"
    local = when.astimezone(now.tzinfo)
    if local.year == now.year:
        return f"{local.day} {local:%b}"
    return f"{local.day} {local:%b %Y}"


def entry_time(entry: SessionEntry) -> datetime:
    """When the session last changed: its `updated` time, or a damaged file's mtime (local time)."""
    return entry.updated if entry.updated is not None else datetime.fromtimestamp(entry.modified).astimezone()


def _title_width(width: int) -> int:
    return max(MIN_TITLE_WIDTH, width - _FIXED)


def _highlight(text: Content, query: str, style: str) -> Content:
    """Style every case-insensitive occurrence of `query` in `text` (offsets only when lower() kept lengths)."""
    needle = query.lower()
    folded = text.plain.lower()
    if not needle or len(folded) != len(text.plain):
        return text
    start = folded.find(needle)
    while start >= 0:
        text = text.stylize(style, start, start + len(needle))
        start = folded.find(needle, start + len(needle))
    return text


class SessionHeader(Visual):
    """The column titles, laid out like the rows below them."""

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        """Draw the titles for `width` cells."""
        line = Content.assemble(
            " " * MARK_WIDTH,
            Content("title").truncate(_title_width(width), pad=True),
            Content("model").truncate(MODEL_WIDTH, pad=True),
            "msgs".rjust(COUNT_WIDTH),
            "cost".rjust(COST_WIDTH),
            "updated".rjust(WHEN_WIDTH),
        ).truncate(width)
        return line.render_strips(width, 1, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """The header fills the width it is given."""
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        """One line."""
        return 1


class SessionRow(Visual):
    """One session: current mark, title, model, message count, cost and age; a snippet line for content hits.

    Args:
        entry: The session's list entry.
        now: The time ages are measured from (fixed per rebuild, so a test can freeze it).
        current: The session open in the chat (marked with a dot).
        query: The search text, highlighted in the title and snippet.
        snippet: The message text around a content match, drawn on a second line.
    """

    def __init__(
        self, entry: SessionEntry, now: datetime, *, current: bool = False, query: str = "", snippet: str | None = None
    ) -> None:
        self.entry = entry
        self.now = now
        self.current = current
        self.query = query
        self.snippet = snippet
        self._cache: tuple[int, list[Content]] | None = None

    def lines(self, width: int) -> list[Content]:
        """The row's lines for `width` cells, remembered for the last width (highlight moves redraw rows)."""
        if self._cache is None or self._cache[0] != width:
            self._cache = (width, self._build(width))
        return self._cache[1]

    def _build(self, width: int) -> list[Content]:
        entry = self.entry
        mark = (f"{CURRENT_MARK} " if self.current else "  ", ".session-list--current")
        when = (format_when(entry_time(entry), self.now).rjust(WHEN_WIDTH), ".session-list--number")
        title_width = _title_width(width)
        if entry.damaged is not None:
            name = Content(one_line_text(entry.path.name)).truncate(title_width - 1, ellipsis=True, pad=True)
            reason = Content(f"damaged: {one_line_text(entry.damaged)}")
            reason = reason.truncate(_FIXED - MARK_WIDTH - WHEN_WIDTH - 1, ellipsis=True, pad=True).pad_right(1)
            line = Content.assemble(mark, name, " ", reason, when)
            return [line.stylize(".session-list--damaged").truncate(width)]
        title = _highlight(Content(one_line_text(entry.title) or "Untitled"), self.query, ".session-list--match")
        tag = Content.styled(" (read-only)", ".session-list--read-only") if entry.read_only else Content()
        title = Content.assemble(title.truncate(max(title_width - 1 - tag.cell_length, 1), ellipsis=True), tag)
        cost = format_cost(entry.cost, entry.cost_estimated) if entry.cost is not None else ""
        line = Content.assemble(
            mark,
            title.truncate(title_width - 1, ellipsis=True, pad=True).pad_right(1),
            Content(one_line_text(entry.model)).truncate(MODEL_WIDTH - 1, ellipsis=True, pad=True).pad_right(1),
            (str(entry.messages).rjust(COUNT_WIDTH), ".session-list--number"),
            (cost.rjust(COST_WIDTH), ".session-list--number"),
            when,
        ).truncate(width)
        lines = [line]
        if self.snippet is not None:
            snippet = _highlight(Content(one_line_text(self.snippet)), self.query, ".session-list--match")
            indent = " " * (MARK_WIDTH + 2)
            lines.append(Content.assemble(indent, snippet.stylize_before(".session-list--snippet")).truncate(width))
        return lines

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        """Draw the row; every line is already at most `width` cells, so nothing wraps."""
        return [strip for line in self.lines(width) for strip in line.render_strips(width, 1, style, options)]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """Rows fill whatever width the list has."""
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        """One line, two with a snippet: known without rendering, which keeps `set_options` cheap."""
        return 1 if self.snippet is None else 2


class SessionList(OptionList, can_focus=False):
    """The sessions table. It never takes focus: keys stay in the search box, which forwards navigation."""

    COMPONENT_CLASSES: ClassVar[set[str]] = OptionList.COMPONENT_CLASSES | {
        "session-list--current",
        "session-list--damaged",
        "session-list--match",
        "session-list--number",
        "session-list--read-only",
        "session-list--snippet",
    }

    DEFAULT_CSS = """
    SessionList {
        & > .session-list--current { color: $text-accent; text-style: bold; }
        & > .session-list--damaged { color: $text-muted; text-style: dim italic; }
        & > .session-list--match { color: $text-accent; text-style: bold underline; }
        & > .session-list--number { color: $text-muted; }
        & > .session-list--read-only { color: $text-warning; }
        & > .session-list--snippet { color: $text-muted; }
    }
    """

    def show_rows(self, rows: list[SessionRow], highlight: int | None) -> None:
        """Replace the rows and highlight row `highlight` (scrolled into view)."""
        self.set_options(Option(row) for row in rows)
        self.highlighted = highlight if rows else None

    def row_at(self, index: int | None) -> SessionRow | None:
        """The row at an option index, or None."""
        if index is None or not 0 <= index < self.option_count:
            return None
        prompt = self.get_option_at_index(index).prompt
        return prompt if isinstance(prompt, SessionRow) else None

    @property
    def highlighted_row(self) -> SessionRow | None:
        """The highlighted row, if any."""
        return self.row_at(self.highlighted)
