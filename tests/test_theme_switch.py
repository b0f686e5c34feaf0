"""Switching the theme from the command palette, the way a user does, and the choice surviving a restart."""

from __future__ import annotations

import pytest
from pilot_helpers import wait_for
from textual.command import CommandPalette
from textual.pilot import Pilot

from anannas_tui.app import AppOptions, make_app
from anannas_tui.core.config import Config
from anannas_tui.core.state import load_state


@pytest.fixture(autouse=True)
def instant_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANANNAS_DEMO_DELAY_SCALE", "0")


async def palette_pick(pilot: Pilot[None], query: str) -> None:
    """Type `query` into the open command palette and press Enter on the best match."""
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    await pilot.press(*query)
    await wait_for(pilot, lambda: palette._list_visible and palette.query_one("CommandList").highlighted is not None)
    await pilot.pause(0.3)  # let the search settle on the full query
    await pilot.press("enter")


async def test_a_theme_picked_in_the_palette_is_used_at_the_next_start() -> None:
    app = make_app(AppOptions(demo=True))
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "anannas-dark"
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await palette_pick(pilot, "theme")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette) and "theme" in app.screen._placeholder)
        await palette_pick(pilot, "anannas-light")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))
        assert app.theme == "anannas-light"
    assert load_state().theme == "anannas-light"

    config = Config()
    config.ui.theme = "anannas-high-contrast"  # a remembered pick wins over the config file
    again = make_app(AppOptions(config=config, demo=True))
    async with again.run_test(size=(100, 30)):
        assert again.theme == "anannas-light"


async def test_the_config_theme_is_used_until_one_is_picked() -> None:
    config = Config()
    config.ui.theme = "anannas-16"
    app = make_app(AppOptions(config=config, demo=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "anannas-16"
    assert load_state().theme is None, "starting with the config's theme is not a pick"
