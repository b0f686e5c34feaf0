"""The conversation settings dialog and the parsers behind its fields."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App
from textual.widgets import Button, Input, Select, Static, TextArea

from anannas_tui.core.config import ChatConfig, ChatParams, ConfigError
from anannas_tui.core.conversation_settings import (
    ConversationSettings,
    FieldError,
    format_number,
    parse_max_tokens,
    parse_reasoning_effort,
    parse_temperature,
    parse_top_p,
)
from anannas_tui.screens.params_dialog import ParamsDialog

SETTINGS = ConversationSettings(
    system_prompt="You are a terse assistant.",
    params=ChatParams(temperature=0.7, max_tokens=4096, top_p=None, reasoning_effort="low"),
)
_UNSET = object()


class TestParsers:
    def test_empty_means_unset(self) -> None:
        for parse in (parse_temperature, parse_top_p, parse_max_tokens, parse_reasoning_effort):
            assert parse("") is None
            assert parse("  ") is None
        assert parse_reasoning_effort("default") is None

    @pytest.mark.parametrize(
        ("parse", "text", "reason"),
        [
            (parse_temperature, "2.5", "must be 0 to 2"),
            (parse_temperature, "-0.1", "must be 0 to 2"),
            (parse_temperature, "warm", "not a number"),
            (parse_temperature, "nan", "not a number"),
            (parse_top_p, "0", "must be >0 and ≤1"),
            (parse_top_p, "1.01", "must be >0 and ≤1"),
            (parse_max_tokens, "0", "at least 1"),
            (parse_max_tokens, "10.5", "whole number"),
            (parse_max_tokens, "inf", "not a number"),
            (parse_reasoning_effort, "extreme", "one of low, medium, high"),
        ],
    )
    def test_bad_values_say_why(self, parse: object, text: str, reason: str) -> None:
        with pytest.raises(FieldError, match=f"^{reason}$"):
            parse(text)  # type: ignore[operator]

    def test_good_values(self) -> None:
        assert parse_temperature("0") == 0.0
        assert parse_temperature(" 1.25 ") == 1.25
        assert parse_top_p("1") == 1.0
        assert parse_max_tokens("8_192") == 8192
        assert parse_max_tokens("1e3") == 1000
        assert parse_reasoning_effort("HIGH") == "high"

    @given(st.floats(min_value=0, max_value=2))
    def test_temperature_round_trips_and_validates(self, value: float) -> None:
        parsed = parse_temperature(format_number(value))
        assert parsed == value
        ChatParams(temperature=parsed).validate()

    @given(st.floats(allow_nan=False, allow_infinity=False))
    def test_fields_accept_exactly_what_chat_params_accepts(self, value: float) -> None:
        for parse, name in ((parse_temperature, "temperature"), (parse_top_p, "top_p")):
            try:
                ChatParams(**{name: value}).validate()  # type: ignore[arg-type]
                config_accepts = True
            except ConfigError:
                config_accepts = False
            try:
                parsed = parse(repr(value))
            except FieldError:
                assert not config_accepts, (name, value)
            else:
                assert config_accepts and parsed == value, (name, value)

    @given(st.integers(min_value=-(10**6), max_value=10**9))
    def test_max_tokens_accepts_exactly_what_chat_params_accepts(self, value: int) -> None:
        if value >= 1:
            assert parse_max_tokens(format_number(value)) == value
            ChatParams(max_tokens=value).validate()
        else:
            with pytest.raises(FieldError):
                parse_max_tokens(str(value))

    def test_from_config_copies(self) -> None:
        chat = ChatConfig(system_prompt="hi")
        settings = ConversationSettings.from_config(chat)
        settings.params.temperature = 1.0
        assert chat.params.temperature is None
        assert settings.system_prompt == "hi"


class DialogApp(App[None]):
    """Opens the dialog at start and keeps what it returned."""

    def __init__(self, settings: ConversationSettings = SETTINGS) -> None:
        super().__init__()
        self.settings = settings
        self.result: object = _UNSET

    def on_mount(self) -> None:
        self.push_screen(ParamsDialog(self.settings), callback=self.closed)

    def closed(self, result: ConversationSettings | None) -> None:
        self.result = result


async def _type_into(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace a field's text the way a user would: click, select all, type."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.pause()


class TestDialog:
    async def test_opens_with_the_settings_and_saves_them_unchanged(self) -> None:
        app = DialogApp()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert screen.query_one("#params-temperature", Input).value == "0.7"
            assert screen.query_one("#params-max-tokens", Input).value == "4096"
            assert screen.query_one("#params-top-p", Input).value == ""
            assert screen.query_one("#params-reasoning", Select).value == "low"
            assert screen.query_one("#params-system-prompt", TextArea).text == SETTINGS.system_prompt
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert app.result == SETTINGS

    async def test_edits_are_returned(self) -> None:
        app = DialogApp()
        async with app.run_test(size=(80, 24)) as pilot:
            app.screen.query_one("#params-system-prompt", TextArea).text = "Answer in French."
            await _type_into(pilot, "#params-temperature", "1.2")
            await _type_into(pilot, "#params-max-tokens", "")
            await _type_into(pilot, "#params-top-p", "0.9")
            app.screen.query_one("#params-reasoning", Select).value = "default"
            await pilot.click("#params-save")
            await pilot.pause()
        assert app.result == ConversationSettings(
            "Answer in French.", ChatParams(temperature=1.2, max_tokens=None, top_p=0.9, reasoning_effort=None)
        )
        assert SETTINGS.params.temperature == 0.7 and SETTINGS.system_prompt == "You are a terse assistant."

    async def test_invalid_value_shows_why_and_blocks_saving(self) -> None:
        app = DialogApp()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            save = screen.query_one("#params-save", Button)
            await _type_into(pilot, "#params-temperature", "3")
            assert str(screen.query_one("#params-temperature-error", Static).render()) == "must be 0 to 2"
            assert save.disabled
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is screen and app.result is _UNSET  # still open, nothing returned
            await pilot.press("backspace", "1")
            await pilot.pause()
            assert str(screen.query_one("#params-temperature-error", Static).render()) == ""
            assert not save.disabled
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert isinstance(app.result, ConversationSettings) and app.result.params.temperature == 1.0

    async def test_letters_cannot_be_typed_into_numbers(self) -> None:
        app = DialogApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await _type_into(pilot, "#params-max-tokens", "12k")
            assert app.screen.query_one("#params-max-tokens", Input).value == "12"

    async def test_escape_cancels(self) -> None:
        app = DialogApp()
        async with app.run_test(size=(80, 24)) as pilot:
            app.screen.query_one("#params-system-prompt", TextArea).text = "changed"
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, ParamsDialog)
        assert app.result is None

    async def test_escape_in_an_open_select_closes_only_the_select(self) -> None:
        app = DialogApp()
        async with app.run_test(size=(80, 24)) as pilot:
            select = app.screen.query_one("#params-reasoning", Select)
            select.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert select.expanded
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ParamsDialog) and not select.expanded
        assert app.result is _UNSET

    async def test_invalid_settings_from_a_session_are_flagged_on_open(self) -> None:
        app = DialogApp(ConversationSettings(params=ChatParams(temperature=5.0)))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert str(app.screen.query_one("#params-temperature-error", Static).render()) == "must be 0 to 2"
            assert app.screen.query_one("#params-save", Button).disabled

    async def test_fits_80x24(self) -> None:
        app = DialogApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for widget in app.screen.query("#params-box, #params-save, #params-cancel, .params-error"):
                region = widget.region
                assert region.right <= 80 and region.bottom <= 24 and region.height > 0, widget


class TestSnapshots:
    def test_params_dialog_80x24(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        """At 80x24, a centred dialog with a blue rounded border titled "Conversation settings" and the
        subtitle "ctrl+s save · esc cancel": a 7-line system prompt box with "You are a terse assistant.", then
        four fields in one row: Temperature 0.7, Max tokens 4096, Top p showing the error "must be >0 and ≤1"
        in red under a red-bordered "1.5", Reasoning "low"; Cancel and a disabled Save button at the bottom
        right. Everything fits inside the screen."""

        async def invalid_top_p(pilot) -> None:  # type: ignore[no-untyped-def]
            await pilot.pause()
            for widget in pilot.app.screen.query("Input, TextArea"):
                widget.cursor_blink = False
            await _type_into(pilot, "#params-top-p", "1.5")

        assert snap_compare(DialogApp(), terminal_size=(80, 24), run_before=invalid_top_p)
