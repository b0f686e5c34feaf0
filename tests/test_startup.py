"""Start-up: the first frame is complete, and nothing it does not show is imported or done before it.

P3 (tests/benchmarks/bench_startup.py) times the first frame that shows the footer. These tests keep the
choices behind that figure from being undone without anyone noticing: which modules the first frame imports (a
fresh interpreter through the real command line), that the footer's keys are in that first frame, that the
theme is applied without a second CSS pass, that the sidebar's sections and the other themes follow the first
frame and still end up as they were, and that the plain TUI command line does not build the subcommands.
No timings are asserted: the benchmark measures those.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pilot_helpers import ready_chat, wait_for
from screen_cells import Cells, cells
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static, TextArea

from anannas_tui.app import AnannasApp, make_app
from anannas_tui.cli import _parse_tui_start
from anannas_tui.core.config import Config
from anannas_tui.core.models import ModelInfo
from anannas_tui.options import AppOptions
from anannas_tui.screens.chat import BREAKPOINTS, ChatScreen, width_class
from anannas_tui.widgets.key_bar import KeyBar
from anannas_tui.widgets.prompt_stand_in import PromptStandIn
from anannas_tui.widgets.stat_rows import StatRows
from anannas_tui.widgets.transcript_stand_in import TranscriptStandIn
from anannas_tui.widgets.usage_sidebar import UsageSidebar

# ----- imports -------------------------------------------------------------------------------------------------

#: Modules the first frame of `anannas-tui --demo` must not wait for: each is imported where it is first used.
NOT_BEFORE_THE_FIRST_FRAME = (
    # the subcommands (the TUI's command line is parsed without them) and what only they use
    "anannas_tui.cli.ask",
    "anannas_tui.cli.login",
    "anannas_tui.cli.models",
    "anannas_tui.cli.sessions",
    "anannas_tui.core.keystore",
    "anannas_tui.core.export",
    "getpass",
    # sessions on disk (opened after the first frame), the reply loop and the API client
    "anannas_tui.core.session_store",
    "anannas_tui.core.session_index",
    "anannas_tui.core.session_format",
    "anannas_tui.core.reply",
    "anannas_tui.core.client",
    "anannas_tui.core.model_catalog",
    "httpx",
    # the message widgets and our Markdown renderer (an empty chat draws no message)
    "anannas_tui.widgets.assistant_message",
    "anannas_tui.widgets.user_message",
    "anannas_tui.widgets.markdown_lines.document",
    "anannas_tui.widgets.markdown_lines.render",
    # the stream's events and errors (a session and the sidebar hold only `core.usage`), and what they import
    "anannas_tui.core.events",
    "anannas_tui.core.errors",
    "anannas_tui.core.models",
    "json",
    "html",
    # errors, other screens and the command palette's model search
    "anannas_tui.widgets.error_entry",
    "anannas_tui.error_view",
    "anannas_tui.commands",
    "anannas_tui.screens.compare",
    "anannas_tui.screens.sessions",
    "anannas_tui.screens.model_picker",
    # writers (only saving needs them) and OpenSSL (a session id needs only os.urandom)
    "tomli_w",
    "secrets",
    # Textual's TextArea and the transcript's machinery (the first frame draws `PromptStandIn` and
    # `TranscriptStandIn`; the real prompt and chat pane follow it)
    "anannas_tui.widgets.prompt_input",
    "textual.widgets._text_area",
    "textual.document._document",
    "anannas_tui.widgets.chat_pane",
    "anannas_tui.widgets.transcript_entry",
    "anannas_tui.widgets.entry_styles",
    "anannas_tui.widgets.history_loader",
    "anannas_tui.widgets.markdown_lines",
    # Textual's Footer (the chat screen's keys are one KeyBar) and its own Markdown stack (the transcript has its
    # own renderer)
    "textual.widgets._footer",
    "markdown_it",
    "pygments",
)

_PROBE = """
import sys
from textual.app import App
import anannas_tui.app

for name in sys.argv[1:]:
    __import__(name)

loaded = []

def run(self, *args, **kwargs):
    original = self._display

    def display(screen, renderable):
        if renderable is not None and not loaded:
            loaded.extend(sorted(sys.modules))
            self.exit()
        original(screen, renderable)

    self._display = display
    return App.run(self, headless=True, size=(120, 40))

anannas_tui.app.AnannasApp.run = run
from anannas_tui.cli import main
main(["--demo"])
import json  # only now: the first frame must not need it
print(json.dumps(loaded))
"""


def modules_at_first_frame(*extra_imports: str) -> set[str]:
    """`anannas-tui --demo` through the real command line in a fresh interpreter (headless, 120x40): the
    modules loaded when its first frame is drawn. `extra_imports` are imported first (to prove the probe)."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *extra_imports], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_first_frame_imports_only_what_it_shows() -> None:
    loaded = modules_at_first_frame()
    assert "anannas_tui.screens.chat" in loaded, "the probe did not see the chat screen start"
    assert sorted(set(NOT_BEFORE_THE_FIRST_FRAME) & loaded) == []


def test_the_import_probe_would_notice_an_eager_import() -> None:
    """Proves the test above can fail: a module imported before the app starts is reported."""
    loaded = modules_at_first_frame("anannas_tui.core.session_store", "tomli_w")
    assert {"anannas_tui.core.session_store", "tomli_w"} <= loaded


# ----- the command line ----------------------------------------------------------------------------------------


def test_a_plain_tui_start_is_parsed_without_the_subcommands() -> None:
    args = _parse_tui_start(["--demo", "-m", "ask", "--low-bandwidth"])
    assert args is not None
    assert (args.demo, args.model, args.low_bandwidth, getattr(args, "func", None)) == (True, "ask", True, None)


@pytest.mark.parametrize(
    "argv",
    [["ask", "hi"], ["--demo", "models"], ["sessions", "list"], ["-h"], ["--help"], ["--compare"], ["nonsense"]],
)
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    """Subcommands, help and errors are left to the full parser, so they behave and read as they always did."""
    assert _parse_tui_start(argv) is None


# ----- the first frame -----------------------------------------------------------------------------------------


def at_first_frame(app: AnannasApp, callback: Callable[[], object]) -> None:
    """Call `callback()` as `app` draws its first frame (before that frame is written)."""
    original = app._display
    called: list[bool] = []

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None and not called:
            called.append(True)
            callback()
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]


async def first_frame_and_settled(app: AnannasApp, size: tuple[int, int], probe: Any) -> tuple[Any, Any]:
    """Run `app`; return `probe(app)` at its first frame and again once it has settled."""
    first: list[Any] = []
    at_first_frame(app, lambda: first.append(probe(app)))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause(0.2)
        return first[0], probe(app)


def footer_keys(app: App[None]) -> list[tuple[str, str, bool]]:
    keys, palette = app.screen.query_one(KeyBar).shown_keys()
    return [(key.key, key.description, not key.enabled) for key in [*keys, *([palette] if palette else [])]]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_footer_keys_are_in_the_first_frame_and_stay_the_same(size: tuple[int, int]) -> None:
    first, settled = await first_frame_and_settled(make_app(AppOptions(demo=True)), size, footer_keys)
    assert ("ctrl+p", "palette", False) in first  # what the P3 benchmark waits for
    assert first == settled, "the first frame showed other keys than the settled screen"


async def test_the_first_screen_is_the_base_screen_and_is_drawn_once() -> None:
    """Built as Textual's default screen, not pushed over a blank one while start-up updates are held back: then
    Textual drew it, threw that drawing away and drew it again (`AnannasApp.get_default_screen`)."""
    app = make_app(AppOptions(demo=True))
    drawn: list[bool] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            drawn.append(bool(app._batch_count))  # True: drawn while Textual holds updates back (thrown away)
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        assert [type(screen) for screen in app.screen_stack] == [ChatScreen]
    assert drawn and not any(drawn), "a frame was drawn and thrown away before the first one"


def test_a_comparisons_stylesheet_is_read_at_start_only_when_the_first_screen_may_be_one(tmp_path: Path) -> None:
    def sheets(options: AppOptions) -> list[str]:
        return [Path(path).name for path in make_app(options).css_path]

    assert sheets(AppOptions(demo=True)) == ["app.tcss", "chat.tcss"]
    assert "compare.tcss" in sheets(AppOptions(demo=True, compare=["demo/fast", "demo/slow"]))
    assert "compare.tcss" in sheets(AppOptions(demo=True, session_path=tmp_path / "some.toml"))


async def test_the_prompt_has_the_focus_in_the_first_frame() -> None:
    """A key pressed as soon as the screen shows goes to the prompt: to its stand-in, then to the prompt."""
    first, settled = await first_frame_and_settled(
        make_app(AppOptions(demo=True)), (120, 40), lambda app: type(app.focused).__name__
    )
    assert (first, settled) == ("PromptStandIn", "PromptInput")


def main_rows(app: App[None]) -> list[Cells]:
    """The transcript's and prompt's column as drawn (stand-ins or real), the real prompt's cursor held still."""
    prompt = app.screen.query_one("#prompt, PromptStandIn")
    if isinstance(prompt, TextArea):
        prompt.cursor_blink = False  # the stand-in's cursor does not blink either: compare the cursor shown
        prompt._cursor_visible = True
    region = app.screen.query_one("#main").region
    return [cells(app, y)[region.x : region.right] for y in range(region.y, region.bottom)]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_swapping_the_stand_ins_for_the_real_widgets_changes_no_cell(size: tuple[int, int]) -> None:
    """The transcript and prompt as drawn just before the real ones take over, and once they have."""
    app = make_app(AppOptions(demo=True))
    before: list[list[Cells]] = []
    hand_over = PromptStandIn.hand_over

    def drawn_then_hand_over(stand_in: PromptStandIn, prompt: Any) -> None:
        before.append(main_rows(app))
        hand_over(stand_in, prompt)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PromptStandIn, "hand_over", drawn_then_hand_over)
        async with app.run_test(size=size) as pilot:
            await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
            await pilot.pause()
            after = main_rows(app)
            assert not app.screen.query(TranscriptStandIn) and not app.screen.query(PromptStandIn)
    assert "Ask anything" in "".join(char for char, _ in after[-2])
    assert before == [after]


def press(app: AnannasApp, *keys: str) -> None:
    """Send keys as the terminal driver does (call from the app's own context, as `app.call_later` does)."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else " " if key == "space" else None))


async def test_shortcuts_pressed_as_the_app_opens_act_at_once() -> None:
    """Before the swap the screen has stand-ins for the transcript and prompt: a shortcut acts on the new, empty
    chat all the same (copy a code block: there is none; edit the last prompt: none; new chat: it is one)."""
    app = make_app(AppOptions(demo=True))
    at_first_frame(app, lambda: app.call_later(press, app, "ctrl+g", "ctrl+l", "ctrl+n", "ctrl+b"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready_chat(pilot)
        await wait_for(pilot, lambda: "-sidebar-hidden" in screen.classes)  # the last key acted
        assert app.return_code is None and app._exception is None
        assert any("No code blocks" in n.message for n in app._notifications)
        assert isinstance(app.focused, TextArea) and not screen.session.messages


async def test_keys_typed_as_the_app_opens_reach_the_prompt() -> None:
    """Typed ahead (keys already waiting when the first frame is drawn, then more): nothing is lost or reordered,
    and Enter sends."""
    app = make_app(AppOptions(demo=True))
    at_first_frame(app, lambda: app.call_later(press, app, *"hi", "space", *"there"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ChatScreen)
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        await pilot.press("!")
        await pilot.pause()
        assert screen.prompt.text == "hi there!"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.session.messages) >= 2 and not screen.streaming)
        assert screen.session.messages[0].content == "hi there!"


@pytest.mark.parametrize(("width", "expected"), [(80, "-narrow"), (99, "-narrow"), (100, "-wide"), (200, "-wide")])
async def test_a_chat_screen_is_built_with_the_width_class_textual_gives_it(width: int, expected: str) -> None:
    """Present before the first resize reaches the screen (so that resize restyles nothing), and the same class
    Textual's breakpoints give the screen on the terminal."""
    app = make_app(AppOptions(demo=True))
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        assert width_class(BREAKPOINTS, width) == expected
        assert set(ChatScreen().classes) & {"-narrow", "-wide"} == {expected}  # built, not yet resized
        assert set(app.screen.classes) & {"-narrow", "-wide"} == {expected}


@pytest.mark.parametrize("theme", ["anannas-dark", "anannas-light", "anannas-16", "nord"])
async def test_the_configured_theme_is_applied_without_a_second_css_pass(theme: str) -> None:
    config = Config()
    config.ui.theme = theme
    app = make_app(AppOptions(config=config, demo=True))
    refreshes: list[bool] = []
    original = app.refresh_css

    def refresh_css(animate: bool = True) -> None:
        refreshes.append(animate)
        original(animate)

    app.refresh_css = refresh_css  # type: ignore[method-assign]

    def looks(app: AnannasApp) -> tuple[str, Any, bool]:
        return app.theme, app.screen.styles.background, app.current_theme.dark

    first, settled = await first_frame_and_settled(app, (100, 30), looks)
    assert refreshes == []
    assert first == settled
    assert first[0] == theme and app.current_theme.name == theme
    assert ("-light-mode" in app.classes) is (not app.current_theme.dark)


async def test_the_other_themes_and_broken_files_come_after_the_first_frame(isolated_dirs: dict[str, Path]) -> None:
    folder = isolated_dirs["config"] / "anannas-tui" / "themes"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#ff00ff"\n', encoding="utf-8")
    (folder / "broken.toml").write_text('name = "broken"\nprimary = #fff\n', encoding="utf-8")

    def state(app: AnannasApp) -> tuple[bool, bool, list[str]]:
        names = app.available_themes
        return "mine" in names, "anannas-light" in names, [n.message for n in app._notifications]

    first, settled = await first_frame_and_settled(make_app(AppOptions(demo=True)), (100, 30), state)
    assert first == (False, False, [])
    assert settled[:2] == (True, True)
    assert any("broken.toml" in message for message in settled[2])


async def test_a_wanted_theme_that_is_missing_falls_back_with_a_notice() -> None:
    config = Config()
    config.ui.theme = "no-such-theme"
    app = make_app(AppOptions(config=config, demo=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert app.theme == "anannas-dark"
        assert any("'no-such-theme' is not available" in n.message for n in app._notifications)


# ----- the sidebar ---------------------------------------------------------------------------------------------


class DeferredSidebarApp(App[None]):
    CSS = "Screen { layout: horizontal; } #chat { width: 1fr; }"

    def compose(self) -> ComposeResult:
        yield Static("transcript", id="chat")
        yield UsageSidebar(defer_sections=True)


async def test_a_deferred_sidebar_shows_its_panel_first_and_then_what_was_set() -> None:
    app = DeferredSidebarApp()
    model = ModelInfo(id="openai/gpt-5-mini", context_length=400_000, prompt_price=Decimal("0.00000025"))
    first: list[tuple[int, int]] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None and not first:
            sidebar = screen.query_one(UsageSidebar)
            first.append((len(sidebar.children), sidebar.region.width))
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        sidebar = app.query_one(UsageSidebar)
        sidebar.model = model  # set before the sections exist
        await pilot.pause()
        await pilot.pause(0.1)
        assert first == [(0, 30)]  # the empty panel, already at its full width (nothing moves later)
        assert sidebar.region.width == 30 and len(sidebar.children) == 9
        rows = sidebar.query_one("#usage-model", StatRows)
        assert "400k" in "".join(segment.text for y in range(rows.size.height) for segment in rows.render_line(y))


async def test_the_chat_screen_sidebar_gets_its_sections_after_the_first_frame() -> None:
    def sections(app: AnannasApp) -> int:
        screen = app.screen
        return len(screen.sidebar.children) if isinstance(screen, ChatScreen) else -1

    first, settled = await first_frame_and_settled(make_app(AppOptions(demo=True)), (120, 40), sections)
    assert first == 0
    assert settled == 9


# ----- the garbage collector -----------------------------------------------------------------------------------


def test_the_tui_freezes_its_imports_then_start_up_and_never_pauses_the_collector() -> None:
    """Through the real command line (headless): collecting throughout; the imported modules are frozen before
    the first frame is built, and everything start-up made is frozen after it."""
    reading = "loaded.append([gc.isenabled(), gc.get_freeze_count()])"
    probe = _PROBE.replace("loaded.extend(sorted(sys.modules))", reading).replace(
        "self.exit()", f"self.call_after_refresh(lambda: ({reading}, self.exit()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import gc\n" + probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    (enabled_at_frame, frozen_at_frame), (enabled_after, frozen_after) = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert enabled_at_frame and enabled_after
    assert frozen_at_frame > 10_000, "Textual and our modules are frozen before the first screen is built"
    assert frozen_after > frozen_at_frame, "the first screen's widgets are frozen after the first frame"
