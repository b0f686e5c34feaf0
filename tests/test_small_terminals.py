"""80x24 and plain terminals: everything fits, and text stays readable with 256, 16 or no colours.

"Fits" is checked on the real app (`make_app` with the offline demo): every dialog, button, input and label is
wholly on screen, the sidebar folds away, tables of columns show their last column. "Readable" is checked on
what the app would send: each cell holding letters or digits is reduced to the colours the terminal can show
(Rich's downgrade, as Textual's driver does for TERM=xterm-256color and TERM=linux, or Textual's monochrome
filter under NO_COLOR) and its text/background contrast must stay above `MIN_CONTRAST`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pilot_helpers import converse, wait_for
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from rich.terminal_theme import TerminalTheme
from textual.containers import ScrollableContainer
from textual.pilot import Pilot
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea

from anannas_tui.app import AnannasApp, AppOptions, make_app
from anannas_tui.core.config import Config
from anannas_tui.screens.chat import ChatScreen

SIZE = (80, 24)

MIN_CONTRAST = 2.5
"""The faintest text allowed (WCAG contrast ratio). WCAG asks 3:1 for large text and 4.5:1 for body text; the
themes meet 4.5 for body text (tests/test_themes.py), and this floor catches what a downgrade to fewer colours
or greyscale can do to the intentionally faint text (placeholders, metrics): turn it into the background."""


@pytest.fixture(autouse=True)
def instant_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANANNAS_DEMO_DELAY_SCALE", "0")


def demo_app(theme: str | None = None) -> AnannasApp:
    config = Config()
    if theme is not None:
        config.ui.theme = theme
    return make_app(AppOptions(config=config, demo=True))


def chat(app: AnannasApp) -> ChatScreen:
    return next(s for s in app.screen_stack if isinstance(s, ChatScreen))


def screen_text(app: AnannasApp) -> list[str]:
    """The screen as plain text lines, as a user reads it."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


# ----- fitting ---------------------------------------------------------------------------------------------

_MUST_SHOW = (Button, Input, TextArea, Select, Label, Static, OptionList)


def _scrolls(widget: Widget) -> bool:
    """Inside something that scrolls (the transcript, a list): being partly out of view is normal there."""
    return any(isinstance(node, ScrollableContainer | ScrollView) for node in widget.ancestors if node is not widget)


def cut_off(screen: Screen[object]) -> list[str]:
    """Widgets a user should see whole but that are partly or wholly off screen (or clipped by their parent)."""
    problems = []
    for widget in screen.walk_children(Widget):
        if not isinstance(widget, _MUST_SHOW) or not widget.display or _scrolls(widget):
            continue
        if not widget.visible or not widget.size.area:
            continue
        geometry = screen.find_widget(widget)
        if geometry.visible_region != geometry.region or not screen.region.contains_region(geometry.region):
            problems.append(f"{widget!r} at {geometry.region} shows only {geometry.visible_region}")
    return problems


async def test_chat_at_80x24_folds_the_sidebar_and_keeps_everything_on_screen() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await converse(pilot, "Compare the demo models in a table")
        assert not screen.sidebar.display or screen.sidebar.region.width == 0
        assert screen.prompt.region.right <= SIZE[0] and screen.prompt.region.bottom <= SIZE[1] - 1
        assert cut_off(screen) == []
        lines = screen_text(app)
        assert lines[0].lstrip().startswith("anannas")
        assert "^o Model" in lines[-1] and "^p palette" in lines[-1]
        table = [line for line in lines if "demo/smart" in line]
        assert table and table[0].rstrip().endswith("│"), "the table's right border is on screen"


async def test_ctrl_b_brings_the_sidebar_back_at_80_columns() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await converse(pilot, "Hello")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.sidebar.display and screen.sidebar.region.width > 0
        assert screen.sidebar.region.right <= SIZE[0]
        assert screen.prompt.region.right <= screen.sidebar.region.x


async def _open(pilot: Pilot[None], *keys: str) -> Screen[object]:
    before = pilot.app.screen
    await pilot.press(*keys)
    await wait_for(pilot, lambda: pilot.app.screen is not before)
    await pilot.pause(0.2)
    return pilot.app.screen


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("model picker", ("ctrl+o",)),
        ("sessions", ("ctrl+s",)),
        ("conversation settings", ("f2",)),
        ("code block picker", ("ctrl+g",)),
        ("command palette", ("ctrl+p",)),
    ],
)
async def test_each_dialog_fits_80x24(name: str, keys: tuple[str, ...]) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await converse(pilot, "Show me some Python code")
        dialog = await _open(pilot, *keys)
        assert cut_off(dialog) == [], name


async def test_the_sessions_list_shows_its_last_column_at_80_columns() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await converse(pilot, "Hello")
        await _open(pilot, "ctrl+s")
        await wait_for(pilot, lambda: any("just now" in line for line in screen_text(app)))
        header = next(line for line in screen_text(app) if "msgs" in line)
        assert "updated" in header


@pytest.mark.parametrize(("name", "keys"), [("delete confirmation", ("ctrl+d",)), ("rename", ("f2",))])
async def test_session_dialogs_fit_80x24(name: str, keys: tuple[str, ...]) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await converse(pilot, "Hello")
        sessions = await _open(pilot, "ctrl+s")
        await wait_for(pilot, lambda: any("just now" in line for line in screen_text(app)))
        dialog = await _open(pilot, *keys)
        assert dialog is not sessions
        assert cut_off(dialog) == [], name


async def test_a_long_link_is_shown_whole_in_its_dialog_at_80x24() -> None:
    from anannas_tui.widgets.chat_pane import ChatPane

    url = "https://example.com/" + "/".join(f"segment-{n}" for n in range(20)) + "?q=1"
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await converse(pilot)
        screen.post_message(ChatPane.LinkClicked(screen.chat_pane, url))
        await wait_for(pilot, lambda: app.screen is not screen)
        await pilot.pause()
        assert cut_off(app.screen) == []
        shown = "".join(line.strip(" █▌▐") for line in screen_text(app))
        assert url.replace("/", "") in shown.replace("/", "").replace(" ", "")


# ----- readable colours -----------------------------------------------------------------------------------


def _luminance(red: int, green: int, blue: int) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(*a), _luminance(*b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


VGA = TerminalTheme(
    (0, 0, 0),
    (170, 170, 170),
    [(0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0), (0, 0, 170), (170, 0, 170), (0, 170, 170), (170, 170, 170)],
    [(85, 85, 85), (255, 85, 85), (85, 255, 85), (255, 255, 85), (85, 85, 255), (255, 85, 255), (85, 255, 255)]
    + [(255, 255, 255)],
)
"""The 16 colours of the Linux console (and the palette Rich matches colours against when it downgrades)."""


def _shown(color: RichColor | None, system: ColorSystem | None, default: tuple[int, int, int]) -> tuple[int, int, int]:
    """The RGB a terminal with `system` colours shows for `color` (its default colour for None)."""
    if color is None or color.is_default:
        return default
    if system is not None:
        color = color.downgrade(system)
    rgb = color.get_truecolor(VGA)
    return (rgb.red, rgb.green, rgb.blue)


def text_cells(app: AnannasApp) -> Iterator[tuple[int, Segment]]:
    """(row, segment) for every segment that holds letters or digits."""
    for row, strip in enumerate(app.screen._compositor.render_strips()):
        for segment in strip:
            if segment.style is not None and any(char.isalnum() for char in segment.text):
                yield row, segment


def faint_text(app: AnannasApp, system: ColorSystem | None) -> list[str]:
    """Text whose contrast with its background falls under MIN_CONTRAST in a terminal with `system` colours."""
    dark = app.current_theme.dark
    default_fg, default_bg = ((255, 255, 255), (0, 0, 0)) if dark else ((0, 0, 0), (255, 255, 255))
    faint = []
    for row, segment in text_cells(app):
        style = segment.style
        assert style is not None
        fg, bg = _shown(style.color, system, default_fg), _shown(style.bgcolor, system, default_bg)
        if style.reverse:
            fg, bg = bg, fg
        ratio = contrast(fg, bg)
        if ratio < MIN_CONTRAST:
            faint.append(f"row {row}: {segment.text.strip()[:40]!r} at {ratio:.2f}:1")
    return faint


async def _busy_screen(app: AnannasApp, pilot: Pilot[None]) -> None:
    """A conversation with a table, code, a metrics line, an error entry and its toast: most styles at once."""
    from textual.widgets._toast import Toast

    screen = await converse(pilot, "Compare the demo models in a table")
    screen.model_id = screen.session.model = "demo/error-credits"
    await converse(pilot, "And once more")
    await wait_for(pilot, lambda: bool(app.screen.query(Toast)))
    await pilot.pause(0.2)


TERMINALS = {
    "xterm-256color": ColorSystem.EIGHT_BIT,
    "linux (16 colours)": ColorSystem.STANDARD,
    "truecolor": None,
}


@pytest.mark.parametrize("terminal", list(TERMINALS))
@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_default_theme_is_readable_in_each_terminal(terminal: str, size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await _busy_screen(app, pilot)
        assert faint_text(app, TERMINALS[terminal]) == []


async def test_no_color_is_readable_and_grey(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = demo_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.no_color
        await _busy_screen(app, pilot)
        assert faint_text(app, None) == []
        for _, segment in text_cells(app):
            color = segment.style.color if segment.style else None
            if color is not None and color.triplet is not None:
                red, green, blue = color.triplet
                assert red == green == blue, f"{segment.text!r} is coloured under NO_COLOR"


@pytest.mark.parametrize(
    "theme",
    [
        "anannas-dark",
        "anannas-light",
        "anannas-high-contrast",
        "anannas-16",
    ],
)
async def test_every_builtin_theme_is_readable(theme: str) -> None:
    app = demo_app(theme)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _busy_screen(app, pilot)
        assert app.theme == theme
        assert faint_text(app, None) == []


async def test_the_16_colour_theme_is_readable_on_the_linux_console() -> None:
    app = demo_app("anannas-16")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _busy_screen(app, pilot)
        assert faint_text(app, ColorSystem.STANDARD) == []
