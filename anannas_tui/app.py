"""The Textual application: themes, the API client, the clipboard, and a crash screen that keeps secrets.

Screens own conversations; the app owns what they share: one `AnannasClient` (created lazily so the first
frame does not wait for httpx), the model catalog, the theme, and the single clipboard path.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Literal

from textual import events
from textual.app import App, SystemCommand
from textual.reactive import Initialize, Reactive
from textual.screen import Screen
from textual.theme import Theme

from anannas_tui import gc_policy
from anannas_tui.core import paths
from anannas_tui.core.sanitize import for_display
from anannas_tui.core.state import load_state, update_state
from anannas_tui.options import AppOptions
from anannas_tui.themes import (
    DEFAULT_THEME,
    THEME_VARIABLE_DEFAULTS,
    builtin_themes_dir,
    failure_summary,
    find_theme,
    load_themes,
    theme_variable_defaults,
)

if TYPE_CHECKING:
    from textual.command import Provider

    from anannas_tui.core.client import AnannasClient
    from anannas_tui.core.model_catalog import ModelCatalog
    from anannas_tui.core.session import Session
    from anannas_tui.core.session_store import SaveResult, SessionStore
    from anannas_tui.session_saver import SessionSaver


def _first_theme(app: AnannasApp) -> str:
    """The `theme` reactive's first value: registering it is part of reading it (see `AnannasApp.theme`)."""
    return app._register_first_theme()


def _model_commands() -> type[Provider]:
    """The palette's model search, imported when the palette first opens (not at start-up)."""
    from anannas_tui.commands import ModelCommands

    return ModelCommands


def _css_paths(options: AppOptions) -> list[str | PurePath]:
    """The app's stylesheets, with the chat screen's (and, when the first screen may be a comparison, its).

    The first conversation is Textual's default screen (`AnannasApp.get_default_screen`), whose own CSS_PATH
    Textual never reads; read here, its rules are parsed with the app's, once. The screens keep their CSS_PATH
    for later pushes (Textual reads each file once). Paths are relative to this module.
    """
    paths: list[str | PurePath] = ["app.tcss", "screens/chat.tcss"]
    if options.compare or options.session_path is not None:  # --compare, or a session that may be one
        paths.append("screens/compare.tcss")
    return paths


class AnannasApp(App[None]):
    """anannas-tui."""

    TITLE = "anannas-tui"
    COMMANDS = App.COMMANDS | {_model_commands}
    ENABLE_COMMAND_PALETTE = True
    DEFAULT_MODE = "conversation-0"
    """Each conversation (a chat or a comparison) is the base screen of a mode of its own; dialogs stack on it.

    The first is Textual's default screen (`get_default_screen`); `show_conversation` replaces it."""

    theme: Reactive[str] = Reactive(Initialize(_first_theme))
    """Textual's `App.theme`, starting from the configured theme instead of Textual's default.

    App.__init__ reads it before it builds the stylesheet, so the CSS is parsed once, with this theme's colours.
    Setting the theme after App.__init__ instead makes Textual parse all the CSS a second time and restyle the
    app before the first frame (and drop its parse cache, so the next parse starts from scratch too)."""

    def __init__(self, options: AppOptions) -> None:
        self.options = options  # before App.__init__, which reads the theme (`_register_first_theme`)
        self._wanted_theme = load_state().theme or options.config.ui.theme
        super().__init__(css_path=_css_paths(options))
        self.low_bandwidth = options.is_low_bandwidth
        if self.low_bandwidth:
            self.animation_level = "none"
            self.add_class("-low-bandwidth")  # app.tcss hides spinners, which redraw even when not animated
        self._client: AnannasClient | None = None
        self._catalog: ModelCatalog | None = None
        self._store: SessionStore | None = None
        self._saver: SessionSaver | None = None
        self._conversations = itertools.count(1)

    # ----- shared services --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The endpoint in use (the demo has its own)."""
        if self.options.demo:
            from anannas_tui.core.demo_models import DEMO_BASE_URL

            return DEMO_BASE_URL
        return self.options.config.api.base_url

    @property
    def client(self) -> AnannasClient:
        """The one API client, created on first use so start-up does not import httpx."""
        if self._client is None:
            from anannas_tui.core.client import AnannasClient
            from anannas_tui.core.demo import demo_client

            api = self.options.config.api
            self._client = (
                demo_client(api)
                if self.options.demo
                else AnannasClient(
                    api.base_url,
                    self.options.api_key,
                    connect_timeout=api.connect_timeout,
                    read_timeout=api.read_timeout,
                    stall_timeout=api.stall_timeout,
                    retries=api.retries,
                    max_retry_wait=api.max_retry_wait,
                )
            )
        return self._client

    @property
    def session_store(self) -> SessionStore:
        """The sessions folder; opening it first removes temp files a killed save left behind."""
        if self._store is None:
            from anannas_tui.core.session_store import SessionStore

            self._store = SessionStore()
        return self._store

    @property
    def model_catalog(self) -> ModelCatalog:
        """The models list with its day-long disk cache."""
        if self._catalog is None:
            from anannas_tui.core.model_catalog import ModelCatalog

            self._catalog = ModelCatalog(lambda: self.client.list_models(), paths.models_cache_file(self.base_url))
        return self._catalog

    async def ensure_models(self) -> None:
        """Load the models list unless a cached one exists; a failure is a warning toast (prices stay blank)."""
        from anannas_tui.core.errors import ApiError
        from anannas_tui.error_view import error_toast

        if self.model_catalog.cached() is not None:
            return
        try:
            await self.model_catalog.load()
        except ApiError as error:
            title, body = error_toast(error)
            self.notify(body.plain, title=f"Models list: {title}", severity="warning", markup=False)

    async def on_unmount(self) -> None:
        """Finish the saves still being written, and close the connection pool."""
        await self.finish_saves()
        if self._client is not None:
            await self._client.aclose()

    # ----- themes -----------------------------------------------------------------------------------------

    def _theme_dirs(self) -> tuple[Path, ...]:
        """Where themes come from; a later folder's file replaces an earlier one of the same name."""
        return builtin_themes_dir(), paths.user_themes_dir()

    def _register_first_theme(self) -> str:
        """Register only the theme the first frame is drawn in (the wanted one, else the default); its name.

        The other files are read after the first frame (`_register_all_themes`): validating every theme costs
        more than drawing the screen does. A file wins over a Textual theme of the same name, as it does there.
        """
        for name in (self._wanted_theme, DEFAULT_THEME):
            theme = find_theme(name, *self._theme_dirs())
            if theme is not None:
                self.register_theme(theme)
            if name in self.available_themes:
                return name
        return DEFAULT_THEME  # not even the built-in file could be read: Textual falls back to its own default

    def _register_all_themes(self) -> None:
        """Register every theme file, then report broken files and a wanted theme that is not there, once."""
        result = load_themes(*self._theme_dirs())
        for theme in result.themes:
            self.register_theme(theme)
        if result.failures:
            self.notify(failure_summary(result.failures), severity="warning", timeout=12, markup=False)
        if self._wanted_theme not in self.available_themes:
            self.notify(f"Theme {self._wanted_theme!r} is not available; using {DEFAULT_THEME}.", markup=False)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The app's own colours ($chat-user-background ...), derived from the current theme."""
        theme: Theme | None = self.available_themes.get(self.theme) if hasattr(self, "_registered_themes") else None
        # Textual asks from inside App.__init__, before our themes are registered: the neutral defaults then.
        return theme_variable_defaults(theme) if theme is not None else dict(THEME_VARIABLE_DEFAULTS)

    def get_default_screen(self) -> Screen[Any]:
        """The first conversation, as Textual's default screen: composed once the app's start-up is done.

        Pushed from `on_mount` instead, it was composed while Textual held the app's start-up updates back:
        Textual drew it then (and threw the drawing away), restyled it when it resumed and drew it again once
        the hold ended, about 40 ms of a 280 ms start (P3 in the README).
        """
        return self._first_screen()

    def on_mount(self) -> None:
        """Everything the first screen does not need waits until it is on the terminal."""
        self.add_mode(self.DEFAULT_MODE, self._first_screen)  # it exists already; this lets it be removed
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """The start-up work the first frame does not show: the other themes, the sessions folder, the GC."""
        self._register_all_themes()
        self._open_store()
        gc_policy.after_first_frame()

    def _open_store(self) -> None:
        """Open the sessions folder, removing temp files a killed save left behind."""
        store = self.session_store
        if store.removed_temps:
            self.log.info(f"removed {len(store.removed_temps)} stale temp file(s) from {store.folder}")

    def show_conversation(self, screen: Screen[Any]) -> None:
        """Put `screen` (a chat or a comparison) in place of the conversation on screen, and close that one.

        A conversation is the base screen of its mode, which Textual's `switch_screen` cannot replace, so the
        new one gets a mode of its own and the old mode (with any dialog still on it) is removed.
        """
        old = self.current_mode
        mode = f"conversation-{next(self._conversations)}"
        self.add_mode(mode, lambda: screen)
        self.switch_mode(mode)
        self.remove_mode(old)

    def _first_screen(self) -> Screen[Any]:
        """A resumed session (--session), a new comparison (--compare), or a new chat."""
        from anannas_tui.screens.chat import ChatScreen

        if self.options.session_path is None and self.options.compare:
            from anannas_tui.screens.compare import CompareScreen

            return CompareScreen(models=self.options.compare)
        if self.options.session_path is None:
            return ChatScreen(stand_ins=True)
        from anannas_tui.core.session_store import SessionNotFound, SessionUnreadable

        try:
            loaded = self.session_store.load(self.options.session_path)
        except (SessionNotFound, SessionUnreadable, OSError) as error:
            self.notify(f"Could not open the session: {for_display(str(error))}", severity="error", markup=False)
            return ChatScreen()
        if loaded.read_only:
            self.notify(for_display(loaded.read_only), title="Read-only session", severity="warning", markup=False)
        from anannas_tui.screens.compare import screen_for

        return screen_for(loaded.session)

    def watch_theme(self, theme: str) -> None:
        """Remember a theme picked in the app (config.toml is never written)."""
        if not self.is_running or theme == load_state().theme:
            return
        try:
            with update_state() as state:
                state.theme = theme
        except OSError as error:
            self.notify(f"Could not remember the theme: {error.strerror}", severity="warning", markup=False)

    # ----- low bandwidth ----------------------------------------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """In low-bandwidth mode no text cursor blinks, in any screen or dialog.

        A blinking cursor redraws its line twice a second, which is the only thing an idle screen would still
        send over a slow link. Focus is where the blink timer starts, so every text widget is caught here,
        including those in dialogs that know nothing about the mode.
        """
        if not self.low_bandwidth:
            return  # before the import: the first focus (the prompt's stand-in) comes before the first frame
        from textual.widgets import Input, TextArea

        if isinstance(event.widget, Input | TextArea):
            event.widget.cursor_blink = False

    # ----- sessions ---------------------------------------------------------------------------------------

    def save_session(self, session: Session) -> None:
        """Save a conversation atomically, a long one on a thread (`SessionSaver`); a failed save, or one that
        had to go to a new file, is a toast.

        The conversation stays in memory either way, and the old file is never damaged (SessionStore.save).
        """
        if self._saver is None:
            from anannas_tui.session_saver import SessionSaver

            self._saver = SessionSaver(lambda: self.session_store, self._report_save)
        self._saver.save(session)

    async def finish_saves(self) -> None:
        """Wait until every save asked for is on disk: before the app closes, and before the sessions screen
        reads, renames, copies or deletes files (a save still being written would land after its change)."""
        if self._saver is not None:
            await self._saver.flush()

    def _report_save(self, result: SaveResult) -> None:
        """A save's notice as a toast (its text can quote an exception raised on the save thread: sanitised)."""
        if result.message:
            severity: Literal["warning", "error"] = "warning" if result.ok else "error"
            title = "Saved elsewhere" if result.ok else "Not saved"
            self.notify(for_display(result.message), title=title, severity=severity, timeout=10, markup=False)

    # ----- messages from the sessions screen ---------------------------------------------------------------

    def _chat_for(self, session_id: str) -> Any:
        """The chat (or comparison) screen showing `session_id`, if one is open."""
        from anannas_tui.screens.chat import ChatScreen
        from anannas_tui.screens.compare import CompareScreen

        screens = (s for s in self.screen_stack if isinstance(s, ChatScreen | CompareScreen))
        return next((s for s in screens if s.session.id == session_id), None)

    def on_sessions_screen_renamed(self, message: Any) -> None:
        """Keep an open chat's title in step with a rename, so its next autosave keeps the new title."""
        chat = self._chat_for(message.session_id)
        if chat is not None:
            chat.session.title = message.title
            chat.title_bar.session_title = message.title

    def on_sessions_screen_deleted(self, message: Any) -> None:
        """The open chat's file was deleted: it stays in memory and is saved afresh if the chat goes on."""
        if self._chat_for(message.session_id) is not None:
            self.notify("Deleted; this conversation is still open and will be saved again if you go on.")

    # ----- commands ---------------------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands plus the current screen's actions (each screen lists its own)."""
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "system_commands", None)
        if callable(commands):
            yield from commands()

    # ----- clipboard --------------------------------------------------------------------------------------

    def copy_to_clipboard(self, text: str) -> None:
        """The one way text leaves the app: OSC 52 always, plus the local clipboard when there is one.

        The notice says honestly what was done; an OSC 52 copy cannot be confirmed.
        """
        from anannas_tui.clipboard import copy
        from anannas_tui.core.clipboard import copy_message, copy_severity

        result, pasted = copy(text, self._write_terminal)
        self._clipboard = pasted
        self.notify(copy_message(result), severity=copy_severity(result), timeout=4, markup=False)

    def _write_terminal(self, sequence: str) -> None:
        if self._driver is not None:
            self._driver.write(sequence)

    # ----- crashes ----------------------------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """Exit after an unhandled exception, with a traceback that shows no local variables.

        Textual's default renders locals, which would print any secret a frame holds; the key is wrapped in
        `Secret`, and this removes the locals as a second line of defence.
        """
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()


def make_app(options: AppOptions | None = None) -> AnannasApp:
    """Build the app (the CLI and the tests share this factory)."""
    return AnannasApp(options or AppOptions())
