"""The styles a rendered Markdown message is drawn with, resolved once per theme from TCSS.

Textual's `Markdown` styles each block through CSS on a widget per block; we draw a whole message as lines, so
the same looks are declared as component classes on the message widget (`MARKDOWN_CSS`, the same theme
variables Textual's Markdown uses) and read back here as `Style` objects. A theme change makes a new palette,
and every message re-renders with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from textual.css.styles import StylesBase
from textual.style import Style
from textual.widget import Widget

ROLES = (
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "strike",
    "code-inline",
    "link",
    "bullet",
    "quote",
    "quote-border",
    "hr",
    "fence",
    "table-border",
    "table-header",
    "muted",
)
"""Every role a renderer may ask for; each is the component class `md--<role>`."""

COMPONENT_CLASSES = {f"md--{role}" for role in ROLES}

INLINE_ROLES = frozenset({"em", "strong", "strike", "code-inline", "link"})
"""Roles of text spans, resolved the way Textual resolves a Markdown block's `.code_inline` and friends."""

MARKDOWN_CSS = """
    & > .md--h1 { color: $markdown-h1-color; background: $markdown-h1-background;
                  text-style: $markdown-h1-text-style; }
    & > .md--h2 { color: $markdown-h2-color; background: $markdown-h2-background;
                  text-style: $markdown-h2-text-style; }
    & > .md--h3 { color: $markdown-h3-color; background: $markdown-h3-background;
                  text-style: $markdown-h3-text-style; }
    & > .md--h4 { color: $markdown-h4-color; background: $markdown-h4-background;
                  text-style: $markdown-h4-text-style; }
    & > .md--h5 { color: $markdown-h5-color; background: $markdown-h5-background;
                  text-style: $markdown-h5-text-style; }
    & > .md--h6 { color: $markdown-h6-color; background: $markdown-h6-background;
                  text-style: $markdown-h6-text-style; }
    & > .md--em { text-style: italic; }
    & > .md--strong { text-style: bold; }
    & > .md--strike { text-style: strike; }
    & > .md--code-inline { background: $warning 10%; color: $text-warning 95%; }
    &:light > .md--code-inline { background: $error 5%; color: $text-error 95%; }
    &:ansi > .md--code-inline { background: ansi_default; }
    & > .md--link { text-style: underline; }
    & > .md--bullet { color: $text-primary; }
    &:light > .md--bullet { color: $text-secondary; }
    & > .md--quote { background: $boost; }
    & > .md--quote-border { color: $text-primary 50%; }
    &:light > .md--quote-border { color: $text-secondary; }
    & > .md--hr { color: $secondary; }
    & > .md--fence { background: black 10%; color: rgb(210,210,210); }
    &:light > .md--fence { background: white 30%; }
    &:ansi > .md--fence { background: transparent; }
    & > .md--table-border { color: $foreground 20%; }
    & > .md--table-header { color: $primary; }
    & > .md--muted { color: $text-muted; }
"""
"""Rules to nest inside a message widget's DEFAULT_CSS block (they mirror Textual's Markdown defaults)."""


@dataclass(eq=False)
class Palette:
    """Resolved styles for one widget under one theme."""

    base: Style
    """The widget's own colours: what plain text is drawn with, and the background every line starts from."""
    roles: dict[str, Style]
    """Partial style per role (alpha colours are blended over whatever they are drawn on)."""
    dark: bool = True
    """Whether the theme is dark (picks the code highlighting theme)."""
    ansi: bool = False
    """Whether the app draws with the terminal's own ANSI colours."""
    parse: Callable[[str], Style] = Style.parse
    """Turns a style string such as "$text-accent bold" into a Style (used for code highlighting)."""
    _parsed: dict[str, Style] = field(default_factory=dict)
    _key: tuple[object, ...] | None = None

    def __getitem__(self, role: str) -> Style:
        return self.roles[role]

    def parse_style(self, style: str | Style) -> Style:
        """Resolve a highlighter style string once per palette; the same few strings repeat on every line."""
        if isinstance(style, Style):
            return style
        cached = self._parsed.get(style)
        if cached is None:
            try:
                cached = self.parse(style)
            except Exception:  # an unknown variable must not break rendering of untrusted text
                cached = Style()
            self._parsed[style] = cached
        return cached

    @property
    def key(self) -> tuple[object, ...]:
        """What a cached render depends on: a different key means the lines must be drawn again."""
        if self._key is None:
            self._key = (self.base, self.dark, self.ansi, tuple(self.roles.items()))
        return self._key


def _role_style(styles: StylesBase, widget: Widget) -> Style:
    """Only the rules a component class sets, colours kept with their alpha so they blend where drawn.

    An `auto` colour (`$text-muted` is "auto 60%") means "contrasting with the background": it is resolved
    against the widget's background here, since the row renderer has no other way to know it (left as is it
    would be white, invisible on a light theme).
    """
    has_rule = styles.has_rule
    text = styles.text_style if has_rule("text_style") else None
    foreground = styles.color if has_rule("color") else None
    if foreground is not None and styles.auto_color:
        foreground = widget.background_colors[1].get_contrast_text(foreground.a)
    return Style(
        background=styles.background if has_rule("background") else None,
        foreground=foreground,
        bold=None if text is None else text.bold,
        dim=None if text is None else text.dim,
        italic=None if text is None else text.italic,
        underline=None if text is None else text.underline,
        reverse=None if text is None else text.reverse,
        strike=None if text is None else text.strike,
    )


def resolve_style(style: str | Style) -> Style:
    """Resolve a span style that may be a string (for content with no highlighter styles, any will do)."""
    return style if isinstance(style, Style) else Style.parse(style)


def role_style(widget: Widget, component: str) -> Style:
    """One component class of `widget` as a partial style (text spans the way Textual's Markdown does)."""
    if component.removeprefix("md--") in INLINE_ROLES:
        return widget.get_visual_style(component, partial=True)
    return _role_style(widget.get_component_styles(component), widget)


def palette_for(widget: Widget) -> Palette:
    """Read `md--*` component classes declared by `widget` itself into a palette (it must be mounted)."""
    app = widget.app
    return Palette(
        base=widget.visual_style,
        roles={role: role_style(widget, f"md--{role}") for role in ROLES},
        dark=app.current_theme.dark,
        ansi=app.native_ansi_color,
    )


def plain_palette(base: Style | None = None) -> Palette:
    """A colourless palette (tests, text export, or before a message finds its styles)."""
    return Palette(base=base or Style(), roles=defaultdict(Style))
