"""The transcript's stand-in looks like an empty chat pane, cell for cell, in every kind of theme.

The chat screen's first frame draws `TranscriptStandIn` and swaps in `ChatPane` right after (start-up, P3);
tests/test_startup.py checks the swap on the real screen, this checks the look in dark, light and ANSI themes.
"""

from __future__ import annotations

import pytest
from screen_cells import Cells, cells
from textual.app import App, ComposeResult
from textual.widgets import Static

from anannas_tui.themes import builtin_themes_dir, load_theme_file
from anannas_tui.widgets.chat_pane import ChatPane
from anannas_tui.widgets.transcript_stand_in import TranscriptStandIn


class TranscriptApp(App[None]):
    """A line above and below the transcript (the stand-in, or an empty chat pane)."""

    CSS = "ChatPane { height: 1fr; }"

    def __init__(self, *, stand_in: bool, theme: str) -> None:
        super().__init__()
        self.stand_in = stand_in
        self._theme_name = theme

    def compose(self) -> ComposeResult:
        yield Static("above")
        yield TranscriptStandIn() if self.stand_in else ChatPane()
        yield Static("below")

    def on_mount(self) -> None:
        if self._theme_name not in self.available_themes:
            self.register_theme(load_theme_file(builtin_themes_dir() / f"{self._theme_name}.toml"))
        self.theme = self._theme_name


async def drawn(theme: str, size: tuple[int, int], *, stand_in: bool) -> list[Cells]:
    app = TranscriptApp(stand_in=stand_in, theme=theme)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        return [cells(app, y) for y in range(size[1])]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark", "anannas-16", "anannas-light"])
@pytest.mark.parametrize("size", [(70, 10), (24, 5)])
async def test_the_stand_in_draws_what_the_empty_chat_pane_draws(theme: str, size: tuple[int, int]) -> None:
    """Its background and the scrollbar's gutter on the right; nothing else."""
    stand_in = await drawn(theme, size, stand_in=True)
    pane = await drawn(theme, size, stand_in=False)
    text = ["".join(char for char, _ in row).strip() for row in stand_in]
    assert text[0] == "above" and text[-1] == "below" and not any(text[1:-1])
    assert stand_in == pane
