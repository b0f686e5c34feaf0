"""Theme files: every built-in theme loads, registers and styles a real app; broken user themes are each
reported with a reason while the good ones still load; the contrast and 16-colour promises hold."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich._palettes import STANDARD_PALETTE
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import BUILTIN_THEMES, Theme
from textual.widgets import Static

from anannas_tui.themes import (
    DEFAULT_THEME,
    THEME_VARIABLE_DEFAULTS,
    ThemeError,
    builtin_themes_dir,
    failure_summary,
    load_theme_file,
    load_themes,
    theme_from_data,
    theme_variable_defaults,
)

REQUIRED = {"anannas-dark", "anannas-light", "anannas-high-contrast", "anannas-16"}

# Every app variable used where the app's TCSS will use it, so a bad value fails CSS parsing here.
_APP_CSS = """
#user { background: $chat-user-background; border: tall $chat-user-border; }
#assistant { background: $chat-assistant-background; border: tall $chat-assistant-border; }
#streaming { border: tall $chat-streaming-border; }
#reasoning { color: $chat-reasoning-foreground; }
#meta { color: $chat-meta-foreground; }
#error { background: $chat-error-background; border: tall $chat-error-border; color: $chat-error-foreground; }
#cost { color: $usage-cost-foreground; }
"""


class ThemedApp(App[None]):
    """The smallest app that uses every app variable the way the real one does."""

    CSS = _APP_CSS

    def __init__(self, *, static_defaults: bool = False) -> None:
        self.static_defaults = static_defaults  # before super(): App.__init__ already builds the CSS variables
        super().__init__()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        if self.static_defaults:
            return dict(THEME_VARIABLE_DEFAULTS)
        return theme_variable_defaults(self.current_theme)

    def compose(self) -> ComposeResult:
        for name in ("user", "assistant", "streaming", "reasoning", "meta", "error", "cost"):
            yield Static(name, id=name)


def _builtin() -> dict[str, Theme]:
    result = load_themes(builtin_themes_dir())
    assert result.failures == []
    return {theme.name: theme for theme in result.themes}


def test_builtin_dir_holds_only_valid_toml_themes() -> None:
    folder = builtin_themes_dir()
    # hatchling force-includes the folder verbatim, so anything else in it would ship in the wheel.
    assert sorted(p.suffix for p in folder.iterdir()) == [".toml"] * len(list(folder.iterdir()))
    assert set(_builtin()) >= REQUIRED
    assert DEFAULT_THEME in _builtin()


async def test_every_builtin_theme_registers_and_styles_the_app() -> None:
    themes = _builtin()
    app = ThemedApp()
    async with app.run_test() as pilot:
        for theme in themes.values():
            app.register_theme(theme)
        for name, theme in themes.items():
            app.theme = name
            await pilot.pause()
            assert app.current_theme.name == name
            expected = theme.variables.get("chat-user-background")
            if expected is not None:
                assert app.query_one("#user").styles.background == Color.parse(expected)
            assert app.query_one("#error").styles.color.a > 0


async def test_derived_variables_parse_for_every_textual_theme() -> None:
    """Textual's own themes (ansi ones included) are still selectable, so the derived chat colours must parse."""
    app = ThemedApp()
    async with app.run_test() as pilot:
        for name in BUILTIN_THEMES:
            app.theme = name
            await pilot.pause()
            assert app.current_theme.name == name
            assert (
                app.get_css_variables()["chat-user-border"]
                == theme_variable_defaults(app.current_theme)["chat-user-border"]
            )


async def test_static_defaults_are_valid_css() -> None:
    app = ThemedApp(static_defaults=True)
    async with app.run_test():
        assert app.query_one("#user").styles.background == Color.parse(THEME_VARIABLE_DEFAULTS["chat-user-background"])


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


BROKEN: dict[str, tuple[str | bytes, str]] = {
    "not-toml.toml": ('name = "not-toml"\nprimary = #fff\n', "not valid TOML"),
    "unknown-key.toml": ('name = "unknown-key"\nprimary = "#fff"\nprimray = "#000"\n', "unknown key 'primray'"),
    "bad-colour.toml": ('name = "bad-colour"\nprimary = "#fff"\nerror = "reddish"\n', "error = 'reddish' is not a"),
    "no-name.toml": ('primary = "#fff"\n', "missing required key 'name'"),
    "no-primary.toml": ('name = "no-primary"\n', "missing required key 'primary'"),
    "renamed.toml": ('name = "anannas-dark"\nprimary = "#fff"\n', "does not match the file name 'renamed.toml'"),
    "bad-var-name.toml": (
        'name = "bad-var-name"\nprimary = "#fff"\n[variables]\nchat-user-backgrund = "#000"\n',
        "did you mean 'chat-user-background'",
    ),
    "bad-var-value.toml": (
        'name = "bad-var-value"\nprimary = "#fff"\n[variables]\nchat-user-background = "auto 50%"\n',
        "not a valid background value",
    ),
    "bad-style.toml": (
        'name = "bad-style"\nprimary = "#fff"\n[variables]\nlink-style = "sparkly"\n',
        "not a valid text-style value",
    ),
    "wrong-type.toml": ('name = "wrong-type"\nprimary = "#fff"\ndark = "yes"\n', "dark must be true or false"),
    "spread.toml": ('name = "spread"\nprimary = "#fff"\nluminosity_spread = 3\n', "between 0 and 1"),
    "bad-name!.toml": ('name = "bad-name!"\nprimary = "#fff"\n', "only letters, digits"),
    "latin1.toml": (b'name = "latin1"\nprimary = "#fff"\n# caf\xe9\n', "not UTF-8"),
    "huge.toml": ('name = "huge"\nprimary = "#fff"\n' + "#" * 70_000 + "\n", "larger than 64 KB"),
    "escape.toml": ('name = "escape"\nprimary = "\\u001b]0;pwned\\u0007"\n', "is not a colour"),
}


def test_broken_user_themes_are_each_reported_and_good_ones_load(tmp_path: Path) -> None:
    for file_name, (text, _) in BROKEN.items():
        _write(tmp_path, file_name, text)
    _write(tmp_path, "mine.toml", 'name = "mine"\nprimary = "#ff00ff"\n[variables]\nchat-error-border = "red"\n')
    _write(tmp_path, "other.toml", 'name = "other"\nprimary = "ansi_red"\nansi = true\n')
    _write(tmp_path, "README.txt", "not a theme, not looked at")

    result = load_themes(builtin_themes_dir(), tmp_path / "missing", tmp_path)

    reasons = {path.name: reason for path, reason in result.failures}
    assert sorted(reasons) == sorted(BROKEN)
    for file_name, (_, expected) in BROKEN.items():
        assert expected in reasons[file_name], (file_name, reasons[file_name])
    names = [theme.name for theme in result.themes]
    assert {"mine", "other"} | REQUIRED <= set(names)
    assert next(t for t in result.themes if t.name == "mine").variables == {"chat-error-border": "red"}

    summary = failure_summary(result.failures)
    assert summary.startswith(f"{len(BROKEN)} theme files in {tmp_path} could not be loaded")
    assert all(file_name in summary for file_name in BROKEN)
    assert "\x1b" not in summary and "\x07" not in summary


def test_user_theme_replaces_builtin_of_the_same_name(tmp_path: Path) -> None:
    _write(tmp_path, "anannas-dark.toml", 'name = "anannas-dark"\nprimary = "#123456"\n')
    result = load_themes(builtin_themes_dir(), tmp_path)
    dark = [theme for theme in result.themes if theme.name == "anannas-dark"]
    assert [theme.primary for theme in dark] == ["#123456"]
    assert result.themes[-1] is dark[0]


def test_a_theme_may_override_every_textual_variable() -> None:
    """The validator must not reject any value Textual itself generates (in either colour mode)."""
    for theme in (BUILTIN_THEMES["textual-dark"], BUILTIN_THEMES["ansi-light"]):
        generated = theme.to_color_system().generate()
        loaded = theme_from_data({"name": "x", "primary": "#fff", "variables": generated}, stem="x")
        assert loaded.variables == generated


def test_summary_of_one_failure_names_the_file_and_reason(tmp_path: Path) -> None:
    summary = failure_summary([(tmp_path / "x\x1b[2J.toml", "unknown key 'y'")])
    assert summary == f"1 theme file in {tmp_path} could not be loaded:\n" + ("• x\u241b[2J.toml: unknown key 'y'")


def test_missing_file_is_a_theme_error(tmp_path: Path) -> None:
    with pytest.raises(ThemeError, match="cannot read"):
        load_theme_file(tmp_path / "nope.toml")


_toml_scalar = st.one_of(st.text(max_size=20), st.booleans(), st.integers(), st.floats(allow_nan=False))
_toml_value = st.recursive(_toml_scalar, lambda inner: st.dictionaries(st.text(max_size=12), inner, max_size=4))
_keys = st.sampled_from(["name", "primary", "error", "dark", "ansi", "variables", "text_alpha", "junk"])


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(st.one_of(_keys, st.text(max_size=8)), _toml_value, max_size=6))
def test_any_parsed_document_gives_a_theme_or_a_theme_error(data: dict[str, object]) -> None:
    try:
        theme = theme_from_data(dict(data), stem="t")
    except ThemeError as error:
        assert str(error) and "\x1b" not in str(error)
    else:
        assert theme.name == "t"
        theme.to_color_system().generate()  # a theme we accept never fails later in Textual


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=300))
def test_any_file_bytes_give_a_theme_or_a_theme_error(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "t.toml"
    path.write_bytes(raw)
    with contextlib.suppress(ThemeError):
        assert load_theme_file(path).name == "t"


def _luminance(color: Color) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def _contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(Color.parse(fg)), _luminance(Color.parse(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


@pytest.mark.parametrize(("name", "minimum"), [("anannas-dark", 4.5), ("anannas-light", 4.5)])
def test_text_contrast_of_the_main_themes(name: str, minimum: float) -> None:
    theme = _builtin()[name]
    v = theme.variables
    assert theme.foreground and theme.background and theme.surface and theme.panel
    for bg in (theme.background, theme.surface, theme.panel, v["chat-user-background"], v["chat-error-background"]):
        assert _contrast(theme.foreground, bg) >= minimum, bg
    colours = (theme.primary, theme.secondary, theme.accent, theme.warning, theme.error, theme.success)
    for fg in (v["chat-reasoning-foreground"], v["chat-error-foreground"], *colours):
        assert fg is not None
        assert _contrast(fg, theme.background) >= minimum, fg


def test_high_contrast_theme_reaches_aaa() -> None:
    theme = _builtin()["anannas-high-contrast"]
    v = theme.variables
    assert theme.background
    for key, value in v.items():
        on_background = key.endswith("-foreground") and "cursor" not in key and "selection" not in key
        if key.startswith("text") or on_background:
            assert _contrast(value, theme.background) >= 7, key
    for fg, bg in [("block-cursor-foreground", "block-cursor-background"), ("text", "chat-user-background")]:
        assert _contrast(v[fg], v[bg]) >= 7, (fg, bg)


_VGA = [Color(*rgb) for rgb in STANDARD_PALETTE._colors]


def test_sixteen_colour_theme_maps_exactly_onto_the_palette() -> None:
    theme = _builtin()["anannas-16"]
    variables = {**theme_variable_defaults(theme), **theme.to_color_system().generate(), **theme.variables}
    for key, value in variables.items():
        if "-background-" in key and key.startswith(("primary", "secondary")):
            continue  # blended shades Textual 8.2.8 derives but no widget uses
        try:
            color = Color.parse(value)
        except Exception:
            continue  # text styles
        if color.a == 0:
            continue
        nearest = min(
            _VGA, key=lambda entry: max(abs(entry.r - color.r), abs(entry.g - color.g), abs(entry.b - color.b))
        )
        # Textual's HSL round trip can shift a channel by one; anything more would be a different colour.
        assert max(abs(nearest.r - color.r), abs(nearest.g - color.g), abs(nearest.b - color.b)) <= 2, (key, value)
        assert color.a == 1, (key, value)


def test_sixteen_colour_backgrounds_avoid_bright_colours() -> None:
    """The Linux console cannot show the eight bright colours as backgrounds."""
    theme = _builtin()["anannas-16"]
    normal = {entry.hex for entry in _VGA[:8]}
    backgrounds = [theme.background, theme.surface, theme.panel, theme.primary]
    backgrounds += [v for k, v in theme.variables.items() if k.endswith("-background") or k == "scrollbar"]
    for value in backgrounds:
        assert value is not None and Color.parse(value).hex in normal, value
