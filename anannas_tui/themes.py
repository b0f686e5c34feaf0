"""Themes: the built-in TOML files, the user's own, and the app's extra theme variables.

A theme file maps 1:1 onto `textual.theme.Theme`: top-level keys are its fields, and a `[variables]` table
overrides Textual's derived variables or the app's own (`THEME_VARIABLE_DEFAULTS`). Files come from disk, so
every one is validated before Textual sees it: a bad colour or variable would otherwise surface as a CSS parse
error that stops the app, long after the file was read. One broken file never hides the others; each failure is
collected with a readable reason, and the app reports them all in one notification (`failure_summary`).

Rules for a theme file `<name>.toml`:
- `name` must equal the file name without `.toml` (so a copied file that still says `name = "anannas-dark"`
  cannot silently replace another theme) and use only letters, digits, `-` and `_` (Textual turns the name
  into a CSS class, `-theme-<name>`).
- `primary` is required; other colours are optional and must parse as Textual colours.
- A theme from a later directory replaces an earlier one with the same name, so a user's
  `themes/anannas-dark.toml` overrides the built-in one.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.css.stylesheet import Stylesheet
from textual.design import ColorSystem
from textual.theme import Theme

import anannas_tui
from anannas_tui.core.sanitize import for_display, shorten

DEFAULT_THEME = "anannas-dark"
"""The theme used when none is configured, or when the configured one failed to load."""

MAX_THEME_FILE_BYTES = 64 * 1024
"""A theme is a few dozen lines; anything bigger is not a theme and is not parsed."""

THEME_VARIABLE_DEFAULTS: dict[str, str] = {
    "chat-user-background": "#8080801f",
    "chat-user-border": "#4f8fd0",
    "chat-assistant-background": "#00000000",
    "chat-assistant-border": "#808080",
    "chat-streaming-border": "#e0a030",
    "chat-reasoning-foreground": "#909090",
    "chat-meta-foreground": "#909090",
    "chat-error-background": "#d04a4a26",
    "chat-error-border": "#d04a4a",
    "chat-error-foreground": "#e06060",
    "usage-cost-foreground": "#4ebf71",
}
"""The app's own theme variables (`$chat-user-background` and so on in the app's TCSS), with theme-neutral
fallbacks: translucent or mid-tone colours that read on a light or a dark background. `theme_variable_defaults`
derives better ones from each theme; a theme's `[variables]` table overrides both."""

_DERIVED_FROM: dict[str, str] = {
    "chat-user-background": "primary-muted",
    "chat-user-border": "primary",
    "chat-assistant-background": "surface",
    "chat-assistant-border": "accent",
    "chat-streaming-border": "warning",
    "chat-reasoning-foreground": "text-muted",
    "chat-meta-foreground": "foreground-muted",
    "chat-error-background": "error-muted",
    "chat-error-border": "error",
    "chat-error-foreground": "text-error",
    "usage-cost-foreground": "text-success",
}
"""Which of Textual's generated variables each app variable follows. Textual does not resolve `$references`
inside theme variables, so the values are looked up here rather than written as `$primary-muted`."""

_COLOUR_FIELDS = (
    *("primary", "secondary", "warning", "error", "success", "accent"),
    *("foreground", "background", "surface", "panel", "boost"),
)
_FIELD_NAMES = frozenset(f.name for f in fields(Theme))
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class ThemeError(ValueError):
    """A theme file cannot be used; the message says which key and why, in words a user can act on."""


@dataclass
class ThemeLoadResult:
    """What `load_themes` found: the usable themes and, per broken file, why it was skipped."""

    themes: list[Theme] = field(default_factory=list)
    """Valid themes, one per name, in load order (a later directory replaces an earlier name)."""
    failures: list[tuple[Path, str]] = field(default_factory=list)
    """One `(file, reason)` per file or directory that could not be used."""


def builtin_themes_dir() -> Path:
    """The directory of the shipped theme files.

    An installed wheel carries them inside the package (pyproject force-includes `themes/` as
    `anannas_tui/themes`); a source checkout or editable install has them at the top level, next to the package.
    """
    package_dir = Path(anannas_tui.__file__).parent
    installed = package_dir / "themes"
    return installed if installed.is_dir() else package_dir.parent / "themes"


def load_themes(*dirs: Path) -> ThemeLoadResult:
    """Load every `*.toml` theme from `dirs`, in order, collecting failures instead of raising.

    A directory that does not exist is skipped silently (the user's `themes/` is optional).
    """
    result = ThemeLoadResult()
    by_name: dict[str, Theme] = {}
    for folder in dirs:
        try:
            if not folder.is_dir():
                continue
            paths = sorted(folder.glob("*.toml"))
        except OSError as error:
            result.failures.append((folder, f"cannot list the directory ({error.strerror or error})"))
            continue
        for path in paths:
            try:
                theme = load_theme_file(path)
            except ThemeError as error:
                result.failures.append((path, str(error)))
            else:
                by_name.pop(theme.name, None)  # re-insert so the order shows which file won
                by_name[theme.name] = theme
    result.themes = list(by_name.values())
    return result


def find_theme(name: str, *dirs: Path) -> Theme | None:
    """The theme `name` exactly as `load_themes(*dirs)` would give it, reading only the files it can be in.

    Only `<name>.toml` can define it (a theme's name must equal its file's), and the last folder with a valid one
    wins, so the folders are searched from the last. None if no folder has a usable file (Textual's own theme of
    that name, if any, then applies). Broken files are skipped silently here: `load_themes` reports them.
    """
    if not _NAME_RE.fullmatch(name):
        return None  # also keeps a name read from disk from reaching outside the folders
    for folder in reversed(dirs):
        try:
            return load_theme_file(folder / f"{name}.toml")
        except ThemeError:
            continue
    return None


def load_theme_file(path: Path) -> Theme:
    """Read, parse and validate one theme file.

    Raises:
        ThemeError: the file is unreadable, not TOML, or not a valid theme; the message says why.
    """
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_THEME_FILE_BYTES + 1)
    except OSError as error:
        raise ThemeError(f"cannot read the file ({error.strerror or error})") from None
    if len(raw) > MAX_THEME_FILE_BYTES:
        raise ThemeError(f"larger than {MAX_THEME_FILE_BYTES // 1024} KB, so not a theme file")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ThemeError("not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"not valid TOML: {error}") from None
    return theme_from_data(data, stem=path.stem)


def theme_from_data(data: dict[str, Any], *, stem: str) -> Theme:
    """Build a `Theme` from a parsed theme file named `<stem>.toml`.

    Raises:
        ThemeError: for the first problem found (unknown key, missing or wrong-typed value, bad colour).
    """
    unknown = sorted(set(data) - _FIELD_NAMES)
    if unknown:
        raise ThemeError(f"unknown key {_quote(unknown[0])}{_suggest(unknown[0], _FIELD_NAMES)}")
    for key in ("name", "primary"):
        if key not in data:
            raise ThemeError(f"missing required key {key!r}")
    name = _typed(data, "name", str)
    if not _NAME_RE.fullmatch(name):
        raise ThemeError(f"name {_quote(name)} may use only letters, digits, '-' and '_' (at most 64)")
    if name != stem:
        raise ThemeError(f"name {_quote(name)} does not match the file name {_quote(stem + '.toml')}")
    for key in _COLOUR_FIELDS:
        if key in data:
            _check_colour(key, _typed(data, key, str))
    for key in ("dark", "ansi"):
        if key in data:
            _typed(data, key, bool)
    values: dict[str, Any] = {**data, "variables": _variables(data.get("variables", {}))}
    for key in ("luminosity_spread", "text_alpha"):
        if key in data:
            values[key] = _number(data, key)
            if not 0 <= values[key] <= 1:
                raise ThemeError(f"{key} must be between 0 and 1")
    return Theme(**values)


def _typed(data: dict[str, Any], key: str, kind: type) -> Any:
    """Return `data[key]`, or raise if it is not of `kind` (TOML has no implicit conversions to rely on)."""
    value = data[key]
    if not isinstance(value, kind):
        raise ThemeError(f"{key} must be {_KIND_WORDS[kind]}, not {_quote(value)}")
    return value


_KIND_WORDS: dict[type, str] = {str: "a string", bool: "true or false", dict: "a table"}


def _number(data: dict[str, Any], key: str) -> float:
    """Return `data[key]` as a float; TOML integers count, booleans do not."""
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ThemeError(f"{key} must be a number, not {_quote(value)}")
    return float(value)


def _check_colour(key: str, value: str) -> None:
    """Raise unless Textual can parse `value` as a colour (`#rrggbb`, a name, `ansi_red`, `rgb(...)`)."""
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeError(f"{key} = {_quote(value)} is not a colour (try a hex value like '#1e90ff')") from None


def _variables(table: Any) -> dict[str, str]:
    """Validate the `[variables]` table: known names only, values that Textual's CSS parser accepts."""
    if not isinstance(table, dict):
        raise ThemeError(f"variables must be a table ([variables]), not {_quote(table)}")
    for key, value in table.items():
        # The app's own variables are checked first: the full list means generating two colour systems, which
        # the default themes (they set only the app's variables) would pay for on every start.
        if key not in THEME_VARIABLE_DEFAULTS and key not in _known_variables():
            raise ThemeError(f"unknown variable {_quote(key)}{_suggest(key, _known_variables())}")
        if not isinstance(value, str):
            raise ThemeError(f"variable {key} must be a string, not {_quote(value)}")
        if not _variable_value_ok(key, value):
            raise ThemeError(f"variable {key} = {_quote(value)} is not a valid {_css_property(key)} value")
    return dict(table)


@functools.cache
def _known_variables() -> frozenset[str]:
    """Every variable a theme may set: Textual's generated ones (both colour modes) and the app's."""
    textual = ColorSystem(primary="#000000").generate().keys() | ColorSystem("ansi_blue", ansi=True).generate()
    return frozenset(textual | THEME_VARIABLE_DEFAULTS.keys())


def _css_property(name: str) -> str:
    """The CSS property a variable feeds, by Textual's naming: it decides which values are valid."""
    if name.endswith("text-style") or name.startswith("link-style"):
        return "text-style"
    if name == "text" or name.startswith(("text-", "link-color")) or name.endswith(("-foreground", "-color")):
        return "color"  # these may be `auto 87%`, which only `color` accepts
    return "background"


@functools.lru_cache(maxsize=1024)
def _variable_value_ok(name: str, value: str) -> bool:
    """Ask Textual's own CSS parser whether `value` works where `name` is used."""
    if any(char in value for char in ";{}\n"):
        return False
    stylesheet = Stylesheet(variables={"v": value})
    stylesheet.add_source(f"Screen {{ {_css_property(name)}: $v; }}", read_from=("theme", name))
    try:
        stylesheet.parse()
    except Exception:  # StylesheetParseError, or a tokenizer error for stray characters
        return False
    return True


def theme_variable_defaults(theme: Theme) -> dict[str, str]:
    """The app's variables for `theme`: what `App.get_theme_variable_defaults` should return.

    Each follows one of the theme's own generated colours (`_DERIVED_FROM`), so even Textual's built-in themes
    get matching chat colours; the theme's `[variables]` still override these, as Textual applies them later.
    """
    generated = theme.to_color_system().generate()
    derived = {name: generated[source] for name, source in _DERIVED_FROM.items() if source in generated}
    return {**THEME_VARIABLE_DEFAULTS, **derived}


def failure_summary(failures: list[tuple[Path, str]]) -> str:
    """One notification naming every broken theme file and why, safe to show (names and values come from
    disk; show it with `markup=False`). The folder is named once, so the user knows where to look."""
    folders = {path.parent for path, _ in failures}
    where = f" in {for_display(str(folders.pop()))}" if len(folders) == 1 else ""
    files = "theme file" if len(failures) == 1 else "theme files"
    lines = [f"{len(failures)} {files}{where} could not be loaded:"]
    lines += [f"• {for_display(path.name)}: {for_display(reason)}" for path, reason in failures]
    return "\n".join(lines)


def _quote(value: object) -> str:
    """Quote a value from the file for a message, made safe and short (it may be anything)."""
    return shorten(for_display(repr(value)), 60)


def _suggest(word: str, choices: frozenset[str]) -> str:
    """A ' (did you mean ...?)' hint for a likely typo, or nothing."""
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
