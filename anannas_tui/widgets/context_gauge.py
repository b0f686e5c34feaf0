"""How full the model's context window is: a bar and "12.3k / 128k (9%)".

The fill is the last reply's prompt plus completion tokens over the model's context length: the next request
re-sends all of it, so this is how close the conversation is to the point where the gateway refuses it. The
bar turns the warning colour above 80% and the error colour once the window is full.
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

#: Above this fraction the gauge warns (`-warning` class and the warning colour).
WARN_FRACTION = 0.8

_BAR = "━"
"""One cell of the bar; filled and empty cells differ only in colour, which reads well in every theme."""


def compact_tokens(count: int) -> str:
    """A token count in few characters: "850", "12.3k", "128k", "1.05M"."""
    if count < 1000:
        return str(count)
    if count < 100_000:
        return f"{count / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    if count < 1_000_000:
        return f"{round(count / 1000)}k"
    return f"{count / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"


def fill_fraction(used: int | None, limit: int | None) -> float | None:
    """`used / limit`, or None when either is unknown (no reply yet, or the endpoint lists no context)."""
    if used is None or not limit:
        return None
    return used / limit


def gauge_text(used: int | None, limit: int | None) -> str:
    """The line under the bar: "12.3k / 128k (9%)", "12.3k / ?" or "– / 128k"."""
    used_text = "–" if used is None else compact_tokens(used)
    limit_text = "?" if not limit else compact_tokens(limit)
    fraction = fill_fraction(used, limit)
    percent = "" if fraction is None else f" ({fraction:.0%})"
    return f"{used_text} / {limit_text}{percent}"


class ContextGauge(Widget):
    """A two-line gauge; the owner sets `used` and `limit`."""

    DEFAULT_CSS = """
    ContextGauge {
        height: 2;
        width: 1fr;
    }
    """

    used: reactive[int | None] = reactive(None)
    """Tokens in the context after the last reply (its prompt plus completion tokens); None before any."""
    limit: reactive[int | None] = reactive(None)
    """The model's context length; None when unknown."""

    @property
    def fraction(self) -> float | None:
        """How full the context is (may exceed 1), or None when unknown."""
        return fill_fraction(self.used, self.limit)

    @property
    def text(self) -> str:
        """The figures as shown under the bar."""
        return gauge_text(self.used, self.limit)

    def _watch_used(self) -> None:
        self._update_level()

    def _watch_limit(self) -> None:
        self._update_level()

    def _update_level(self) -> None:
        fraction = self.fraction or 0.0
        self.set_class(WARN_FRACTION < fraction < 1, "-warning")
        self.set_class(fraction >= 1, "-full")

    def render(self) -> Content:
        """Draw the bar to the current width, coloured by how full it is."""
        width = max(self.content_size.width, 1)
        fraction = self.fraction
        filled = 0 if fraction is None else min(width, round(min(fraction, 1.0) * width))
        if fraction is not None and fraction > 0 and filled == 0:
            filled = 1  # a few tokens still show, so a non-empty context never looks empty
        colour = "$error" if self.has_class("-full") else "$warning" if self.has_class("-warning") else "$primary"
        bar = Content.assemble((_BAR * filled, colour), (_BAR * (width - filled), "$foreground 15%"))
        text = Content.styled(
            self.text, "$warning" if self.fraction and self.fraction > WARN_FRACTION else "$foreground-muted"
        )
        return Content("\n").join([bar, text])
