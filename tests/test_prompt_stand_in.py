"""The prompt's stand-in looks like the empty prompt, cell for cell, and nothing typed into it is lost.

The chat screen's first frame draws `PromptStandIn` and swaps in `PromptInput` right after (start-up, P3). Two
apps of the same size draw one each, and their rows are compared character by character and style by style,
in dark, light and ANSI themes, focused and not, wide and cut. Then typing: keys and pastes that reach the
stand-in are replayed into the prompt in order, Enter sends, and other keys reach the bindings at once.
"""

from __future__ import annotations

import pytest
from screen_cells import Cells, cells
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from anannas_tui.messages import PromptSubmitted
from anannas_tui.themes import builtin_themes_dir, load_theme_file
from anannas_tui.widgets.prompt_input import PromptInput
from anannas_tui.widgets.prompt_stand_in import PromptStandIn

PLACEHOLDER = "Ask anything · Enter sends · ctrl+j new line"


class PromptApp(App[None]):
    """A line of text above the prompt box (`stand_in`: the stand-in, else the real prompt) and a focusable."""

    AUTO_FOCUS = None
    BINDINGS = [Binding("ctrl+o", "other", "Other")]

    def __init__(self, *, stand_in: bool, theme: str = "textual-dark") -> None:
        super().__init__()
        self.stand_in = stand_in
        self._theme_name = theme
        self.ran: list[str] = []
        self.sent: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="main"):
            yield Static("above")
            if self.stand_in:
                yield PromptStandIn(PLACEHOLDER, id="stand-in")
            else:
                yield PromptInput(id="prompt", placeholder=PLACEHOLDER)
            yield Static("below", id="below")

    def on_mount(self) -> None:
        if self._theme_name not in self.available_themes:
            self.register_theme(load_theme_file(builtin_themes_dir() / f"{self._theme_name}.toml"))
        self.theme = self._theme_name

    def action_other(self) -> None:
        self.ran.append("other")

    def on_prompt_submitted(self, message: PromptSubmitted) -> None:
        self.sent.append(message.text)

    def box(self) -> Widget:
        return self.query_one("#stand-in" if self.stand_in else "#prompt")

    async def replace_stand_in(self) -> PromptInput:
        """What the chat screen does after its first frame."""
        stand_in = self.query_one(PromptStandIn)
        prompt = PromptInput(id="prompt", placeholder=PLACEHOLDER)
        prompt.display = False
        await self.query_one("#main").mount(prompt, after=stand_in)
        stand_in.hand_over(prompt)
        return prompt


async def drawn(theme: str, width: int, *, stand_in: bool, focused: bool) -> list[Cells]:
    """The app's rows as drawn, with the prompt box focused or not (a real prompt's cursor held steady)."""
    app = PromptApp(stand_in=stand_in, theme=theme)
    async with app.run_test(size=(width, 6)) as pilot:
        if isinstance(box := app.box(), PromptInput):
            box.cursor_blink = False  # drawn steadily: the first frame shows the cursor too
        if focused:
            app.box().focus()
        await pilot.pause()
        await pilot.pause()
        return [cells(app, y) for y in range(6)]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark", "anannas-16", "anannas-light"])
@pytest.mark.parametrize("width", [70, 24])
@pytest.mark.parametrize("focused", [True, False])
async def test_the_stand_in_draws_what_the_empty_prompt_draws(theme: str, width: int, focused: bool) -> None:
    """Border (focused or blurred), padding, the placeholder's dim colour, the cursor on its first character."""
    stand_in = await drawn(theme, width, stand_in=True, focused=focused)
    prompt = await drawn(theme, width, stand_in=False, focused=focused)
    text = ["".join(char for char, _ in row) for row in stand_in]
    assert text[0].startswith("above") and text[4].startswith("below"), "the box is not three rows high"
    assert PLACEHOLDER[: width - 6] in text[2]
    assert stand_in == prompt


async def test_what_is_typed_into_the_stand_in_is_handed_to_the_prompt_in_order() -> None:
    app = PromptApp(stand_in=True)
    async with app.run_test(size=(70, 8)) as pilot:
        stand_in = app.query_one(PromptStandIn)
        stand_in.focus()
        await pilot.press("h", "e", "y", "y", "backspace", "ctrl+j", "alt+enter")
        stand_in.post_message(events.Paste("pasted [b]text[/b]"))
        await pilot.pause()
        prompt = await app.replace_stand_in()
        await pilot.pause()
        assert prompt.text == "hey\n\npasted [b]text[/b]"
        assert app.focused is prompt and prompt.display and not stand_in.is_attached
        await pilot.press("!")
        assert prompt.text.endswith("text[/b]!"), "the prompt takes the keys from now on"
        assert app.sent == []


async def test_enter_in_the_stand_in_sends_once_the_prompt_is_there() -> None:
    app = PromptApp(stand_in=True)
    async with app.run_test(size=(70, 8)) as pilot:
        app.query_one(PromptStandIn).focus()
        await pilot.press("h", "i", "enter")
        assert app.sent == []
        await app.replace_stand_in()
        await pilot.pause()
        assert app.sent == ["hi"]


async def test_other_keys_reach_the_bindings_at_once() -> None:
    """Only typing waits for the prompt; a shortcut pressed in the first frame acts in the first frame."""
    app = PromptApp(stand_in=True)
    async with app.run_test(size=(70, 8)) as pilot:
        stand_in = app.query_one(PromptStandIn)
        stand_in.focus()
        await pilot.press("ctrl+o", "x")
        assert app.ran == ["other"] and stand_in.typed == ["x"]


async def test_a_key_on_its_way_to_the_stand_in_at_the_hand_over_still_reaches_the_prompt() -> None:
    app = PromptApp(stand_in=True)
    async with app.run_test(size=(70, 8)) as pilot:
        stand_in = app.query_one(PromptStandIn)
        stand_in.focus()
        await pilot.press("a")
        stand_in.post_message(events.Key("b", "b"))  # queued at the stand-in, not yet handled
        prompt = await app.replace_stand_in()
        await pilot.press("c")
        await pilot.pause()
        assert prompt.text == "abc"


async def test_the_prompt_takes_the_focus_only_from_a_focused_stand_in() -> None:
    app = PromptApp(stand_in=True)
    async with app.run_test(size=(70, 8)) as pilot:
        await pilot.pause()
        assert app.focused is None
        prompt = await app.replace_stand_in()
        await pilot.pause()
        assert app.focused is None and prompt.display
