"""The one-line title bar: app name, model, session title and status."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from anannas_tui.widgets.title_bar import APP_NAME, TitleBar


class TitleApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("body")


def line(bar: TitleBar) -> str:
    return "".join(segment.text for segment in bar.render_line(0))


async def test_shows_name_model_title_and_status() -> None:
    app = TitleApp()
    async with app.run_test(size=(80, 10)) as pilot:
        bar = app.query_one(TitleBar)
        bar.model_id = "openai/gpt-5-mini"
        bar.session_title = "Trip planning"
        bar.status = "streaming…"
        await pilot.pause()
        text = line(bar)
        assert len(text) == bar.content_size.width == 78  # padding 1 each side
        assert text.strip().startswith(f"{APP_NAME} · openai/gpt-5-mini · Trip planning")
        assert text.rstrip().endswith("streaming…")
        assert bar.region.y == 0 and bar.region.height == 1


async def test_long_title_is_cut_and_status_stays_visible() -> None:
    app = TitleApp()
    async with app.run_test(size=(60, 10)) as pilot:
        bar = app.query_one(TitleBar)
        bar.model_id = "anthropic/claude-sonnet-4.5"
        bar.session_title = "A very long conversation title " * 5
        bar.status = "retry 1/2 in 3 s"
        bar.status_severity = "warning"
        await pilot.pause()
        text = line(bar)
        assert len(text) == bar.content_size.width
        assert text.rstrip().endswith("retry 1/2 in 3 s")
        assert "…" in text


async def test_hostile_text_is_one_literal_line() -> None:
    app = TitleApp()
    async with app.run_test(size=(100, 10)) as pilot:
        bar = app.query_one(TitleBar)
        bar.model_id = "[b]evil[/b]"
        bar.session_title = "line one\nline two \x1b]0;owned\x07 [@click=app.quit]"
        await pilot.pause()
        text = line(bar)
        assert "[b]evil[/b]" in text
        assert "line one line two ␛]0;owned␇ [@click=app.quit]" in text
        assert app.query_one(Static).region.y == 1  # still one line high


async def test_empty_parts_are_left_out() -> None:
    app = TitleApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert line(app.query_one(TitleBar)).strip() == APP_NAME
