"""A model's reply: title (the model), optional reasoning, the Markdown answer, and a metrics footer.

While the reply streams, `append` only sanitises the delta and queues it (microseconds, safe to call per
token); a `FrameCoalescer` draws what arrived at most once per frame, and only the last Markdown block is
parsed and rendered again (`MarkdownDocument`). `finish` draws everything that is left and freezes the last
block, so the final rows equal a one-shot render of the whole reply: how fast it streamed never changes
what it looks like.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from textual.content import Content

from anannas_tui.core.sanitize import for_display
from anannas_tui.widgets.markdown_lines import Palette
from anannas_tui.widgets.markdown_lines.lines import Line, blank, content_lines, estimate_rows
from anannas_tui.widgets.markdown_lines.palette import resolve_style
from anannas_tui.widgets.reasoning_view import ReasoningSection
from anannas_tui.widgets.stream_buffer import (
    FRAME_INTERVAL,
    LOW_BANDWIDTH_INTERVAL,
    DrawBudget,
    FrameCoalescer,
    StreamChannel,
)
from anannas_tui.widgets.transcript_entry import Rows, RowSource, TranscriptEntry

STATUS_CLASSES = {"stopped": "-stopped", "incomplete": "-incomplete", "error": "-error"}
"""CSS class for each way a reply can end other than complete."""

_STATUS_MARKS = {"stopped": "⏹ ", "incomplete": "⚠ ", "error": "✖ "}


class AssistantMessage(TranscriptEntry):
    """One assistant reply, streaming or finished."""

    DEFAULT_CSS = """
    AssistantMessage.-streaming { border-left: outer $secondary; }
    AssistantMessage.-stopped, AssistantMessage.-incomplete { border-left: outer $warning 70%; }
    AssistantMessage.-error { border-left: outer $error 70%; }
    AssistantMessage.-selected { border-left: outer $accent; }
    """

    def __init__(
        self,
        model: str,
        *,
        content: str = "",
        reasoning: str = "",
        status: str | None = None,
        footer: str = "",
        low_bandwidth: bool = False,
        id: str | None = None,
    ) -> None:
        """Create a streaming reply, or (with `status`) a finished one from history.

        Args:
            model: The model id shown in the title row.
            content: Reply text received so far (raw; it is sanitised for display here).
            reasoning: Reasoning text received so far (raw).
            status: None while streaming; otherwise how it ended: complete, stopped, incomplete or error.
            footer: The metrics line shown under a finished reply.
            low_bandwidth: Redraw at most 10 times a second.
        """
        super().__init__(id=id, classes="-streaming" if status is None else STATUS_CLASSES.get(status, ""))
        self.model = model
        """The model that is answering (display is sanitised)."""
        from anannas_tui.widgets.markdown_lines.document import MarkdownDocument  # first reply: see the package

        self._content, self._reasoning_raw = StreamChannel(), StreamChannel()
        self.document = MarkdownDocument()
        """The reply's Markdown and its rendered rows."""
        self.reasoning = ReasoningSection(expanded=status is None)
        """The reasoning section above the reply (open while it streams, folded after)."""
        self._title, self._footer = Rows(), Rows()
        self._footer_text = footer
        self._status: str | None = None
        self._key: tuple[object, ...] | None = None
        self._sources: list[RowSource] = []
        self._budget = DrawBudget()
        self._coalescer = FrameCoalescer(self, self._draw, LOW_BANDWIDTH_INTERVAL if low_bandwidth else FRAME_INTERVAL)
        self.append_reasoning(reasoning)
        self.append(content)
        if status is not None:  # a reply from history: everything is here already
            self._status = status
            self._take(final=True)

    # ----- streaming --------------------------------------------------------------------------------------

    @property
    def streaming(self) -> bool:
        """True until `finish` is called."""
        return self._status is None

    @property
    def low_bandwidth(self) -> bool:
        """Whether redraws are limited to 10 a second."""
        return self._coalescer.interval >= LOW_BANDWIDTH_INTERVAL

    @low_bandwidth.setter
    def low_bandwidth(self, value: bool) -> None:
        """Switch the redraw limit (takes effect from the next frame)."""
        self._coalescer.interval = LOW_BANDWIDTH_INTERVAL if value else FRAME_INTERVAL

    def append(self, text: str) -> None:
        """Add reply text as it arrives; cheap enough to call for every token (ignored once finished)."""
        if text and self.streaming:
            self._content.add(text)
            self._coalescer.request()

    def append_reasoning(self, text: str) -> None:
        """Add reasoning text as it arrives (ignored once finished)."""
        if text and self.streaming:
            self._reasoning_raw.add(text)
            self._coalescer.request()

    def on_mount(self) -> None:
        """Draw any text that arrived before the widget was mounted."""
        super().on_mount()
        if self._content.pending or self._reasoning_raw.pending:
            self._coalescer.request()

    async def finish(self, status: str = "complete", footer: str = "") -> None:
        """Draw everything left, freeze the reply, mark how it ended and show the metrics `footer`."""
        self._coalescer.cancel()
        self._status = status
        self._footer_text = footer
        self.remove_class("-streaming")
        if status in STATUS_CLASSES:
            self.add_class(STATUS_CLASSES[status])
        self._take(final=True)
        self._redraw()

    def _take(self, *, final: bool = False) -> int:
        """Move queued text into the documents (folding the reasoning when the answer starts).

        Returns how many characters were taken; unless `final`, at most the draw budget's worth.
        """
        limit = None if final else self._budget.chars
        reasoning = self._reasoning_raw.close() if final else self._reasoning_raw.take(limit)
        content = self._content.close() if final else self._content.take(limit)
        self.reasoning.append(reasoning)
        if content and not self.document.text and self.reasoning.expanded:
            self.reasoning.expanded = False
        self.document.append(content)
        if final:
            self.document.finish()
        return len(reasoning) + len(content)

    def _draw(self) -> None:
        """One frame: render what arrived since the last one (or the budget's worth of it)."""
        started = time.perf_counter()
        taken = self._take()
        self._redraw()
        self._budget.record(taken, time.perf_counter() - started)
        if self._content.pending or self._reasoning_raw.pending:
            self._coalescer.request()

    def _redraw(self) -> None:
        width = self.render_width
        if not width or self.update_rows(width, self.palette):
            self.rows_changed()

    # ----- rows -------------------------------------------------------------------------------------------

    def update_rows(self, width: int, palette: Palette) -> bool:
        """Render the reply, reasoning, title and footer for `width`; only what changed is redrawn."""
        changed = self.document.render(width, palette)
        title_style = palette.base + palette["reasoning-title"]
        body_style = palette.base + palette["reasoning"]
        changed = self.reasoning.update(width, title_style, body_style) or changed
        shape = (bool(self.reasoning.height), bool(self.document.height))
        key = (width, palette.key, self._status, self._footer_text, shape)
        if key != self._key:
            self._key = key
            self._title = Rows(self._line(for_display(self.model) or "assistant", "title", width, palette))
            self._footer = Rows(self._footer_rows(width, palette))
            gap = [Rows([blank(width, palette.base)])] if all(shape) else []
            self._sources = [self._title, self.reasoning, *gap, self.document, self._footer]
            changed = True
        return changed

    def _line(self, text: str, role: str, width: int, palette: Palette) -> list[Line]:
        return content_lines(Content(text), width, palette.base + palette[role], resolve_style)

    def _footer_rows(self, width: int, palette: Palette) -> list[Line]:
        if self.streaming:
            return [] if self.document.height else self._line("…", "footer", width, palette)
        text = _STATUS_MARKS.get(self._status or "", "") + for_display(self._footer_text)
        if not text.strip():
            return []
        gap = [blank(width, palette.base)] if self.document.height or self.reasoning.height else []
        role = {"error": "footer-error", "stopped": "footer-warning", "incomplete": "footer-warning"}
        return gap + self._line(text, role.get(self._status or "", "footer"), width, palette)

    def row_sources(self) -> Sequence[RowSource]:
        """Title, reasoning, (gap,) reply, footer."""
        return self._sources

    def _estimate_rows(self, width: int) -> int:
        body = estimate_rows(self.document.text, width, markdown=True) if self.document.text else 0
        footer = 2 if self._footer_text or self._status in _STATUS_MARKS else 0
        reasoning = 2 if self.reasoning.text else 0
        return 1 + reasoning + body + footer

    # ----- reading ----------------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The reply as received, unaltered (what is saved and copied)."""
        return self._content.raw

    @property
    def footer(self) -> str:
        """The metrics line given to `finish` (empty while streaming)."""
        return self._footer_text

    @property
    def status(self) -> str | None:
        """How the reply ended (complete, stopped, incomplete, error), or None while it streams."""
        return self._status

    @property
    def reasoning_text(self) -> str:
        """The reasoning as received, unaltered."""
        return self._reasoning_raw.raw

    def code_blocks(self) -> list[str]:
        """The raw source of every fenced code block in the reply (for the copy-code picker)."""
        from anannas_tui.widgets.markdown_lines.document import code_blocks

        return code_blocks(self.text)

    def action_toggle_reasoning(self) -> None:
        """Open or fold the reasoning."""
        self.reasoning.expanded = not self.reasoning.expanded
        self._redraw()
