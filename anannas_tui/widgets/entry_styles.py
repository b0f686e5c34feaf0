"""The transcript's styles (Markdown roles, titles, footers), declared once per chat pane, not per message.

Component classes are applied to every widget that declares them when it is mounted; with ~30 per message,
mounting a 500-message history spent 2.2 s in the stylesheet alone. So one hidden `EntryStyles` widget per
chat pane declares them, and every message reads its palette from there (falling back to one on the screen
if a message is mounted outside a chat pane).
"""

from __future__ import annotations

from textual.style import Style
from textual.widget import Widget

from anannas_tui.widgets.markdown_lines import MARKDOWN_CSS, Palette
from anannas_tui.widgets.markdown_lines.palette import ROLES, role_style

ENTRY_ROLES = ("title", "footer", "footer-error", "footer-warning", "reasoning", "reasoning-title")
"""Roles of a message's own rows (not Markdown): its title, metrics footer and reasoning."""

ENTRY_CSS = """
    & > .md--title { color: $text-secondary; text-style: bold; }
    & > .md--footer { color: $text-muted; }
    & > .md--footer-error { color: $text-error; }
    & > .md--footer-warning { color: $text-warning; }
    & > .md--reasoning { color: $text-muted; text-style: italic; }
    & > .md--reasoning-title { color: $text-muted; text-style: bold; }
"""


class EntryStyles(Widget):
    """Invisible holder of the transcript's component classes; `palette(widget)` resolves them."""

    COMPONENT_CLASSES = {f"md--{role}" for role in (*ROLES, *ENTRY_ROLES)}
    DEFAULT_CSS = "EntryStyles { display: none; " + MARKDOWN_CSS + ENTRY_CSS + "}"

    def __init__(self) -> None:
        super().__init__()
        self._roles: dict[str, Style] | None = None
        self._roles_key: tuple[object, ...] | None = None

    def roles(self) -> dict[str, Style]:
        """Every role's partial style under the current theme (re-read when the theme changes)."""
        app = self.app
        key = (app.theme, app.native_ansi_color, self._pseudo_classes_cache_key)
        if self._roles is None or key != self._roles_key:
            self._roles_key = key
            self._roles = {role: role_style(self, f"md--{role}") for role in (*ROLES, *ENTRY_ROLES)}
        return self._roles

    def palette(self, widget: Widget) -> Palette:
        """The palette for `widget`: these roles drawn on `widget`'s own colours."""
        app = self.app
        return Palette(
            base=widget.visual_style,
            roles=self.roles(),
            dark=app.current_theme.dark,
            ansi=app.native_ansi_color,
        )

    def notify_style_update(self) -> None:
        """The stylesheet changed: read the roles again."""
        super().notify_style_update()
        self._roles = None


def find_styles(widget: Widget) -> EntryStyles | None:
    """The `EntryStyles` serving `widget`: its chat pane's, or the screen's."""
    for node in widget.ancestors:
        styles = getattr(node, "entry_styles", None)
        if isinstance(styles, EntryStyles) and styles.is_attached:  # a chat pane mounts it with its first entry
            return styles
    found = widget.screen.query(EntryStyles)
    return found.first() if found else None
