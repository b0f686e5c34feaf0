"""The usage sidebar: the current model, the last reply's figures, the session's totals and the context gauge.

The screen owns the state and sets the reactives (`model`, `last`, `totals`, `streaming`), for example with
`data_bind`; the sidebar only draws it. Each section is one `StatRows` block with a fixed number of rows that
is redrawn in place, so an update after every reply costs a repaint, not a relayout or a remount. Unknown
figures show "–" rather than disappearing, for the same reason and so the eye finds them in the same place.

The sidebar never hides itself: the screen toggles the `-hidden` class (a key, and below 100 columns).
The chat screen builds it with `defer_sections=True`: the first frame then shows the empty panel (same place,
same width, so nothing moves) and the sections are mounted right after it, which gets that frame out sooner.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Static

from anannas_tui.core.metrics import ReplyMetrics, format_cost, format_price, format_tokens
from anannas_tui.core.sanitize import for_display, shorten
from anannas_tui.core.session_totals import SessionTotals
from anannas_tui.widgets.context_gauge import ContextGauge
from anannas_tui.widgets.stat_rows import Row, StatRows

if TYPE_CHECKING:
    from anannas_tui.core.models import ModelInfo

NONE = "–"
"""What an unknown figure shows."""

MIN_SCREEN_WIDTH = 100
"""Below this many columns the screen should hide the sidebar (issue 3); the sidebar itself never decides."""


def _plain(text: str) -> Content:
    """A value as unstyled text (Content, so it is never parsed as markup)."""
    return Content(text)


def _count(value: int | None) -> Content:
    """A token count with thousands separators: "12,034"."""
    return _plain(NONE if value is None else f"{value:,}")


def _seconds(value: float | None, digits: int = 2) -> Content:
    """ "0.42 s", or "1m 05s" for a long reply."""
    if value is None:
        return _plain(NONE)
    if value >= 60:
        minutes, seconds = divmod(round(value), 60)
        return _plain(f"{minutes}m {seconds:02d}s")
    return _plain(f"{value:.{digits}f} s")


def _price(per_million: Decimal | None) -> Content:
    """A price per 1M tokens: "$0.25"."""
    return _plain(NONE if per_million is None else f"${format_price(per_million)}")


def _cost(text: str) -> Content:
    """A formatted cost in the theme's money colour (a dash stays plain)."""
    return Content.styled(text, "$text-success") if text != NONE else _plain(text)


def model_rows(model: ModelInfo | None) -> list[Row]:
    """Context length and prices of `model` (per 1M tokens)."""
    return [
        ("context", _plain((format_tokens(model.context_length) or NONE) if model else NONE)),
        ("input /1M", _price(model.input_per_million if model else None)),
        ("output /1M", _price(model.output_per_million if model else None)),
    ]


def reply_rows(last: ReplyMetrics | None) -> list[Row]:
    """The figures of one reply: tokens, cost (billed or "est."), speed and how it ended."""
    usage = last.usage if last else None
    speed = last.tokens_per_second if last else None
    finish = shorten(for_display(last.finish_reason), 16) if last and last.finish_reason else NONE
    return [
        ("prompt", _count(usage.prompt_tokens if usage else None)),
        ("completion", _count(usage.completion_tokens if usage else None)),
        ("reasoning", _count(usage.reasoning_tokens if usage else None)),
        ("cached", _count(usage.cached_tokens if usage else None)),
        ("cost", _cost(format_cost(last.cost, last.cost_estimated) if last else NONE)),
        ("TTFT", _seconds(last.ttft if last else None)),
        ("speed", _plain(NONE if speed is None else f"{speed:,.0f} tok/s")),
        ("duration", _seconds(last.duration if last else None, 1)),
        ("finish", _plain(finish)),
    ]


def session_rows(totals: SessionTotals) -> list[Row]:
    """The conversation's totals: replies, tokens in and out, cost."""
    return [
        ("replies", _count(totals.replies)),
        ("prompt", _count(totals.prompt_tokens)),
        ("completion", _count(totals.completion_tokens)),
        ("cost", _cost(totals.cost_text())),
    ]


def context_used(last: ReplyMetrics | None) -> int | None:
    """Tokens the next request starts from: the last reply's prompt plus completion, None before any."""
    if last is None or last.usage is None:
        return None
    return last.usage.prompt_tokens + last.usage.completion_tokens


class UsageSidebar(VerticalScroll):
    """Model, last reply, session totals and context fill, drawn from reactives the screen sets."""

    DEFAULT_CSS = """
    UsageSidebar {
        width: 30;
        height: 1fr;
        padding: 0 1;
        background: $panel;
        border-left: vkey $foreground 10%;
        scrollbar-size-vertical: 1;
        &.-hidden { display: none; }
        .-section-title { color: $primary; text-style: bold; margin-top: 1; }
        #usage-model-title { margin-top: 0; }
        #usage-model-id { color: $text; }
        &.-streaming #usage-reply-title { color: $warning; }
    }
    """

    can_focus = False

    model: var[ModelInfo | None] = var(None)
    """The conversation's current model; None before the model list has loaded."""
    last: var[ReplyMetrics | None] = var(None)
    """Metrics of the most recent reply (finished or failed); None before the first."""
    totals: var[SessionTotals] = var(SessionTotals)
    """Totals over the whole conversation."""
    streaming: var[bool] = var(False, toggle_class="-streaming")
    """True while a reply is being received (the "Last reply" title says so)."""

    def __init__(
        self,
        *,
        defer_sections: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`defer_sections`: mount the sections after the first refresh rather than with the sidebar."""
        super().__init__(name=name, id=id, classes=classes)
        self._defer_sections = defer_sections
        self._drawn = False
        """True once the sections exist and show the reactives; until then the watchers have nothing to draw."""

    def compose(self) -> ComposeResult:
        if not self._defer_sections:
            yield from self._sections()

    def _sections(self) -> list[Widget]:
        """One title and one block per section."""
        return [
            Static("Model", id="usage-model-title", classes="-section-title"),
            Static(id="usage-model-id", markup=False),
            StatRows(model_rows(None), id="usage-model"),
            Static("Last reply", id="usage-reply-title", classes="-section-title"),
            StatRows(reply_rows(None), id="usage-reply"),
            Static("Session", classes="-section-title"),
            StatRows(session_rows(SessionTotals()), id="usage-session"),
            Static("Context", classes="-section-title"),
            ContextGauge(id="usage-context"),
        ]

    def on_mount(self) -> None:
        """Draw whatever was set before the widgets existed (once they do)."""
        if self._defer_sections:
            self.call_after_refresh(self._mount_sections)
        else:
            self._draw()

    async def _mount_sections(self) -> None:
        sections = self._sections()
        await self.mount_all(sections)
        if all(section.is_mounted for section in sections):  # not when the app closed first (a crash, a quit)
            self._draw()

    def _draw(self) -> None:
        self._drawn = True
        self._show_model()
        self._show_last()
        self._show_totals()
        self._show_streaming()

    def watch_model(self) -> None:
        """Redraw the model section and the gauge's limit."""
        if self._drawn:
            self._show_model()

    def watch_last(self) -> None:
        """Redraw the reply section and the gauge's fill."""
        if self._drawn:
            self._show_last()

    def watch_totals(self) -> None:
        """Redraw the session section."""
        if self._drawn:
            self._show_totals()

    def watch_streaming(self) -> None:
        """Say in the reply section's title that a reply is on its way."""
        if self._drawn:
            self._show_streaming()

    def _show_model(self) -> None:
        model = self.model
        model_id = Content(for_display(model.id)) if model else Content.styled("no model", "$foreground-muted")
        self.query_one("#usage-model-id", Static).update(model_id)
        self.query_one("#usage-model", StatRows).rows = model_rows(model)
        self.query_one(ContextGauge).limit = model.context_length if model else None

    def _show_last(self) -> None:
        self.query_one("#usage-reply", StatRows).rows = reply_rows(self.last)
        self.query_one(ContextGauge).used = context_used(self.last)

    def _show_totals(self) -> None:
        self.query_one("#usage-session", StatRows).rows = session_rows(self.totals)

    def _show_streaming(self) -> None:
        title = "Last reply · streaming…" if self.streaming else "Last reply"
        self.query_one("#usage-reply-title", Static).update(title)
