"""The key bar draws what Textual's Footer draws, cell for cell, and behaves like it under the mouse.

An app shows both, the bar docked at the top and the stock footer at the bottom, over bindings that cover every
case the footer handles (a disabled key, a hidden one, two keys for one action, a focused widget's own key, the
command palette), and the two rows are compared character by character and style by style.
"""

from __future__ import annotations

from typing import Any

import pytest
from screen_cells import Cells, cells
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from anannas_tui.themes import builtin_themes_dir, load_theme_file
from anannas_tui.widgets.key_bar import KeyBar


class Focusable(Widget, can_focus=True):
    """A widget with a key of its own, shown only while it has focus."""

    BINDINGS = [Binding("f6", "own", "Own key", tooltip="the focused widget's key")]

    def action_own(self) -> None:
        self.app.ran.append("own")  # type: ignore[attr-defined]


class BothBars(App[None]):
    """The bar on top, the stock footer at the bottom, over the same bindings."""

    CSS = "KeyBar { dock: top; }"
    AUTO_FOCUS = None  # the focusable widget takes focus in the tests, changing the keys
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="write it down"),
        Binding("f3", "save", "Save again"),  # same action: only the first is shown
        Binding("f4", "hidden", "Hidden", show=False),
        Binding("f5", "off", "Off"),  # disabled by check_action: shown dim
    ]

    def __init__(self, theme: str) -> None:
        super().__init__()
        self.ran: list[str] = []
        self.bells = 0
        self._theme_name = theme

    def compose(self) -> ComposeResult:
        yield KeyBar()
        yield Focusable()
        yield Footer()

    def on_mount(self) -> None:
        if self._theme_name not in self.available_themes:
            self.register_theme(load_theme_file(builtin_themes_dir() / f"{self._theme_name}.toml"))
        self.theme = self._theme_name

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "off" else True

    def action_save(self) -> None:
        self.ran.append("save")

    def bell(self) -> None:
        self.bells += 1


def bar_row(app: App[Any]) -> Cells:
    return cells(app, 0)


def footer_row(app: App[Any]) -> Cells:
    return cells(app, app.screen.size.height - 1)


THEMES = ["textual-dark", "textual-light", "anannas-16"]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", [100, 30])
async def test_the_bar_draws_the_stock_footers_line(theme: str, width: int) -> None:
    """Same keys, order, padding, colours, dim disabled key, palette key on the right; cut the same when narrow."""
    app = BothBars(theme)
    async with app.run_test(size=(width, 6)) as pilot:
        await pilot.pause()
        text = "".join(char for char, _ in bar_row(app))
        assert "^s Save" in text and "palette" in text and "Save again" not in text and "Hidden" not in text
        assert bar_row(app) == footer_row(app)
        app.query_one(Focusable).focus()
        await pilot.pause()
        await pilot.pause()
        text = "".join(char for char, _ in bar_row(app))
        assert text.startswith(" f6 Own key ") and ("f5 Off" in text) == (width == 100)
        assert bar_row(app) == footer_row(app), "the bar did not follow the focused widget's keys"


async def test_a_hovered_key_is_highlighted_as_the_stock_footer_highlights_it() -> None:
    app = BothBars("textual-dark")
    async with app.run_test(size=(100, 6)) as pilot:
        await pilot.pause()
        plain = bar_row(app)
        first_key = app.query(FooterKey).first()
        await pilot.hover(first_key, offset=(1, 0))
        await pilot.pause()
        hovered_footer = footer_row(app)
        await pilot.hover(KeyBar, offset=(1, 0))
        await pilot.pause()
        assert bar_row(app) != plain, "hovering changed nothing"
        assert bar_row(app) == hovered_footer
        assert app.query_one(KeyBar).tooltip == "write it down"


async def test_clicking_a_key_presses_it_and_a_disabled_key_only_rings() -> None:
    app = BothBars("textual-dark")
    async with app.run_test(size=(100, 6)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        text = "".join(char for char, _ in bar_row(app))
        await pilot.click(KeyBar, offset=(text.index("Save"), 0))
        await pilot.click(KeyBar, offset=(text.index("Off"), 0))
        await pilot.pause()
        assert app.ran == ["save"]
        assert app.bells == 1
        keys, palette = bar.shown_keys()
        assert [key.description for key in keys] == ["Save", "Off"]
        assert palette is not None and palette.description == "palette"
