"""The key bar: the screen's keys on one line, drawn as Textual's Footer draws them, by one widget.

Textual's `Footer` is a container with a widget per key (six on the chat screen) that it composes again each
time the bindings change, and it composes nothing until the screen first reports its bindings. On the way to
the first frame that was ~10-14 ms of a ~230 ms start (P3 in the README). This bar renders the same line
straight from `Screen.active_bindings` whenever it is drawn: its first frame has the keys, and a change of
bindings is a repaint. The look is the stock footer's, from the same theme variables: keys on the left (one per
action, disabled ones dim), the command palette key on the right after a thin rule. A click presses the key;
hovering shows its tooltip. Keys that do not fit are cut (the stock footer scrolls them with the mouse wheel).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.color import Color
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

RULE = "▏"
"""The stock footer's `border-left: vkey` before the command palette key."""


class ShownKey(NamedTuple):
    """One key on the bar."""

    key: str
    """What pressing it simulates ("ctrl+p")."""
    display: str
    """How it is written ("^p")."""
    description: str
    enabled: bool
    tooltip: str


class KeySpan(NamedTuple):
    """The cells a key occupies on the bar: where a click or the mouse lands."""

    start: int
    end: int
    key: ShownKey


class KeyBar(Widget, can_focus=False):
    """Docked at the bottom, one line: the keys of the screen (and app) it is on."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-bar--item",
        "key-bar--hover",
        "key-bar--key",
        "key-bar--description",
        "key-bar--rule",
    }
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--item { background: $footer-item-background; }
        .key-bar--hover { background: $block-hover-background; }
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--rule { color: $foreground 20%; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spans: list[KeySpan] = []
        self._hovered: ShownKey | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def shown_keys(self) -> tuple[list[ShownKey], ShownKey | None]:
        """The keys on the left (the first binding of each action that is shown), and the palette's key."""
        active = self.screen.active_bindings
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        keys: dict[str, ShownKey] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in keys:
                display = self.app.get_key_display(binding)
                keys[binding.action] = ShownKey(binding.key, display, binding.description, enabled, tooltip)
        palette = None
        if palette_key is not None and palette_key in active:
            _node, binding, enabled, _tooltip = active[palette_key]
            tooltip = binding.tooltip or binding.description
            palette = ShownKey(binding.key, self.app.get_key_display(binding), binding.description, enabled, tooltip)
        return list(keys.values()), palette

    def render(self) -> Text:
        """Keys from the left, cut where the palette's key (on the right) begins."""
        width = self.size.width
        keys, palette = self.shown_keys()
        right = self._palette_text(palette) if palette is not None else Text()
        room = max(width - right.cell_len, 0)
        line = Text(no_wrap=True, end="")
        spans: list[KeySpan] = []
        for key in keys:
            part = Text.assemble(
                (f" {key.display} ", self._style(key, "key-bar--key")),
                (f"{key.description} " if key.description else "", self._style(key, "key-bar--description")),
            )
            if line.cell_len >= room:
                break
            spans.append(KeySpan(line.cell_len, min(line.cell_len + part.cell_len, room), key))
            line.append_text(part)
        line.truncate(room)
        line.append(" " * (room - line.cell_len))
        if palette is not None:
            spans.append(KeySpan(room, width, palette))
            line.append_text(right)
        self._spans = spans
        return line

    def _palette_text(self, key: ShownKey) -> Text:
        """The stock footer's compact palette key: a rule, "^p palette", one blank."""
        item = self._style(key, None)
        rule = self._layer_colors(key)
        rule_color = rule + self.get_component_styles("key-bar--rule").color
        return Text.assemble(
            (RULE, item + Style.from_color(rule_color.rich_color)),
            (key.display, self._style(key, "key-bar--key")),
            (f" {key.description}" if key.description else "", self._style(key, "key-bar--description")),
            (" ", item),
        )

    def _layer_colors(self, key: ShownKey) -> Color:
        """The background under a key: the bar's, its item's, and the hover's when the mouse is on it."""
        background = self.background_colors[1]
        layers = ["key-bar--item", "key-bar--hover"] if key == self._hovered else ["key-bar--item"]
        for name in layers:
            styles = self.get_component_styles(name)
            if styles.has_rule("background"):
                background += styles.background
        return background

    def _style(self, key: ShownKey, part: str | None) -> Style:
        """A part's style over its key's background, blended as Textual blends a child over its parent."""
        background = self._layer_colors(key)
        color = self.styles.color
        style = self.styles.text_style
        if part is not None:
            styles = self.get_component_styles(part)
            if styles.has_rule("background"):
                background += styles.background
            if styles.has_rule("color"):
                color = styles.color
            style += styles.text_style
        if not key.enabled:
            style += Style(dim=True)
        return style + Style.from_color((background + color).rich_color, background.rich_color)

    def _span_at(self, x: int) -> KeySpan | None:
        return next((span for span in self._spans if span.start <= x < span.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        span = self._span_at(event.x)
        hovered = span.key if span is not None else None
        if hovered != self._hovered:
            self._hovered = hovered
            self.tooltip = (hovered.tooltip or None) if hovered is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Press the key under the pointer, as clicking a stock footer key does."""
        span = self._span_at(event.x)
        if span is None:
            return
        if span.key.enabled:
            self.app.simulate_key(span.key.key)
        else:
            self.app.bell()
