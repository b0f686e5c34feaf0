"""Compare mode: one shared prompt, 2-4 models answering side by side, each with its own live figures.

The screen owns a compare `Session` (one `Column` per model) and the shared prompt; each `CompareColumn`
streams, stops, retries and records its own replies, so a slow or failing model never holds up another.
The screen saves the session whenever a column finishes, and turns one column into a normal chat on request
("continue with this one": a fork, the comparison stays saved). Below ~100 terminal columns the columns
become tabs; each tab still shows its figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from textual import events, getters, on, work
from textual.app import ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Tab, Tabs, TextArea

from anannas_tui import gc_policy
from anannas_tui.app import AnannasApp
from anannas_tui.core.conversation_settings import ConversationSettings
from anannas_tui.core.sanitize import for_display
from anannas_tui.core.session import Role, Session, SessionKind
from anannas_tui.error_view import TOAST_TIMEOUTS, error_severity, error_toast
from anannas_tui.messages import PromptSubmitted
from anannas_tui.screens.chat import ChatScreen
from anannas_tui.screens.screen_actions import ScreenAction, bindings, palette_commands
from anannas_tui.widgets.chat_pane import ChatPane
from anannas_tui.widgets.compare_column import CompareColumn
from anannas_tui.widgets.prompt_input import PromptInput
from anannas_tui.widgets.title_bar import TitleBar

TABS_BELOW = 100
"""Terminal widths under this show the columns as tabs."""

MIN_COLUMN_WIDTH = 30
"""Narrower side-by-side columns would wrap every figure: more columns than fit at this width become tabs."""

#: (key, action, description, shown in the footer) for the screen's own actions; the palette lists them too.
ACTIONS: tuple[ScreenAction, ...] = (
    ScreenAction("escape", "stop_all", "Stop all", footer=True),
    ScreenAction("ctrl+o", "pick_models", "Models", footer=True),
    ScreenAction("ctrl+b", "toggle_blind", "Blind", footer=True),
    ScreenAction("ctrl+n", "new_chat", "Chat", footer=True),
    ScreenAction("ctrl+s", "sessions", "Sessions"),
    ScreenAction("alt+right", "step_column(1)", "Next column"),
    ScreenAction("alt+left", "step_column(-1)", "Previous column"),
)

#: Column actions offered in the palette for every column: (action, description).
COLUMN_ACTIONS = (
    ("stop_reply", "Stop column", "s"),
    ("retry", "Retry column", "r"),
    ("continue_with", "Continue with column", "c"),
    ("favourite", "Pick as favourite: column", "f"),
)


def screen_for(session: Session) -> Screen[Any]:
    """The screen that shows a saved session: a comparison, or a chat."""
    if session.kind is SessionKind.COMPARE and session.columns:
        return CompareScreen(session)
    return ChatScreen(session)


class CompareScreen(Screen[None]):
    """Several models answering the same prompts."""

    CSS_PATH = "compare.tcss"
    BINDINGS = bindings(ACTIONS)

    app = getters.app(AnannasApp)
    prompt = getters.query_one(PromptInput)
    title_bar = getters.query_one(TitleBar)
    tabs = getters.query_one(Tabs)

    def __init__(self, session: Session | None = None, *, models: Sequence[str] = (), blind: bool = False) -> None:
        """Show a saved comparison (`session`), or start a new one of `models`."""
        super().__init__()
        self.session = session or self._new_session(models, blind)
        """The comparison shown and appended to."""
        self.active_column = self.session.columns[0].label
        """The column shown when the columns are tabs (and the one last focused)."""

    def _new_session(self, models: Sequence[str], blind: bool) -> Session:
        settings = ConversationSettings.from_config(self.app.options.config.chat)
        return Session.new_compare(models, settings.system_prompt, settings.params, self.app.base_url, blind=blind)

    @property
    def columns(self) -> list[CompareColumn]:
        """The column widgets, A first."""
        return list(self.query(CompareColumn))

    def column(self, label: str) -> CompareColumn:
        """The column widget with this label."""
        return self.query_one(f"#column-{label}", CompareColumn)

    def compose(self) -> ComposeResult:
        columns = [CompareColumn(self.session, c, low_bandwidth=self.app.low_bandwidth) for c in self.session.columns]
        yield TitleBar()
        yield Tabs(*(Tab(column.tab_label(), id=f"tab-{column.label}") for column in columns), id="column-tabs")
        with Horizontal(id="columns"):
            yield from columns
        yield PromptInput(id="prompt", placeholder="Ask every model · Enter sends to all · ctrl+j new line")
        yield Footer()

    def on_mount(self) -> None:
        """Show the comparison, fit the layout to the width, and fetch the models list (for prices)."""
        if self.app.low_bandwidth:
            self.prompt.cursor_blink = False
        first = self.session.columns[0]
        self.prompt.prompt_history = [m.content for m in first.messages if m.role is Role.USER]
        self.show_state()
        self.fit_layout(self.app.size.width)
        self.prompt.focus()
        self.load_models()

    def on_resize(self, event: events.Resize) -> None:
        """Columns side by side when they fit, tabs when they do not."""
        self.fit_layout(event.size.width)

    def fit_layout(self, width: int) -> None:
        """Switch between side-by-side columns and tabs for a terminal `width` columns wide."""
        self.set_class(width < max(TABS_BELOW, MIN_COLUMN_WIDTH * len(self.session.columns)), "-tabs")
        self.show_column(self.active_column)

    def show_column(self, label: str) -> None:
        """Make `label` the active column (the visible one as tabs)."""
        self.active_column = label
        for column in self.columns:
            column.set_class(column.label == label, "-active")
        tab = f"tab-{label}"
        if self.tabs.active != tab and self.tabs.query(f"#{tab}"):  # the tabs may not be mounted yet
            self.tabs.active = tab

    def action_step_column(self, step: int) -> None:
        """Show the next (or previous) column: the next tab in narrow terminals."""
        labels = [column.label for column in self.session.columns]
        self.show_column(labels[(labels.index(self.active_column) + step) % len(labels)])

    @on(Tabs.TabActivated, "#column-tabs")
    def tab_chosen(self, event: Tabs.TabActivated) -> None:
        """A tab was chosen (click, or arrows on the tab bar)."""
        if event.tab.id is not None:
            self.show_column(event.tab.id.removeprefix("tab-"))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Focusing a column makes it the active one (the tab shown if the terminal narrows)."""
        column = next((node for node in event.widget.ancestors_with_self if isinstance(node, CompareColumn)), None)
        if column is not None and column.label != self.active_column:
            self.show_column(column.label)

    def show_state(self) -> None:
        """Title bar, tab labels and column headers, from the session and the columns' states."""
        hidden = self.session.blind and self.session.favourite is None
        count = len(self.session.columns)
        self.title_bar.model_id = f"blind · {count} models" if hidden else self.session.display_model
        self.title_bar.session_title = self.session.title
        busy = [column.label for column in self.columns if column.streaming]
        self.title_bar.status = f"streaming {', '.join(busy)}" if busy else ""
        for column in self.columns:
            for tab in self.tabs.query(f"#tab-{column.label}").results(Tab):  # none before the tabs mount
                tab.label = column.tab_label()
            column.show_header()

    @work(group="models", exclusive=True, exit_on_error=False)
    async def load_models(self) -> None:
        """Load the models list (prices for the cost preview and estimated costs)."""
        await self.app.ensure_models()
        for column in self.columns:
            column.show_preview()

    # ----- sending ----------------------------------------------------------------------------------------

    @on(PromptSubmitted)
    async def send_prompt(self, message: PromptSubmitted) -> None:
        """Send the prompt to every column: at once to those that are idle, and to each column still answering
        as soon as its reply ends (`CompareColumn.queue`). One follow-up waits per column at most: while one
        does, the prompt is kept in the box."""
        waiting = [column.label for column in self.columns if column.queued is not None]
        if waiting:
            names = ", ".join(waiting)
            self.notify(f"A prompt is already waiting for {names}: wait, or stop (s / Escape) first.", timeout=5)
            return
        text = message.text
        self.prompt.remember(text)
        self.prompt.clear()
        self.session.set_title_from(text)
        gc_policy.before_stream()
        busy = [column for column in self.columns if column.streaming]
        for column in self.columns:
            if column in busy:
                column.queue(text)
            else:
                await column.send(text)
        if busy:
            names = ", ".join(column.label for column in busy)
            self.notify(f"Still answering: {names}. The prompt goes to them when they finish.", timeout=5)
        self.autosave()

    @on(TextArea.Changed, "#prompt")
    def update_previews(self, event: TextArea.Changed) -> None:
        """Each column's cost preview follows what is typed."""
        text = event.text_area.text
        for column in self.columns:
            column.show_preview(text)

    @on(CompareColumn.Started)
    def column_started(self) -> None:
        self.show_state()

    @on(CompareColumn.Finished)
    def column_finished(self, event: CompareColumn.Finished) -> None:
        """A failed reply is a toast naming the column (the column has saved the comparison)."""
        error = event.message.error
        if error is not None:
            error = event.column.shown_error(error)
            title, body = error_toast(error)
            severity = error_severity(error)
            name = for_display(event.column.shown_model)
            self.notify(
                body.plain, title=f"{name}: {title}", severity=severity, timeout=TOAST_TIMEOUTS[severity], markup=False
            )
        self.show_state()
        if not any(column.streaming for column in self.columns):
            gc_policy.after_reply()

    def autosave(self) -> None:
        """Save the comparison (atomically); a failed save is reported and everything stays in memory."""
        if any(column.messages for column in self.session.columns):
            self.app.save_session(self.session)

    # ----- actions ----------------------------------------------------------------------------------------

    def action_stop_all(self) -> None:
        """Stop every column (what arrived is kept) and drop prompts waiting for them; with nothing streaming,
        back to the prompt.

        A dropped prompt that no column has received yet goes back into an empty prompt box: nothing typed is lost.
        """
        streaming = [column for column in self.columns if column.streaming]
        waiting = [column.queued for column in self.columns if column.queued is not None]
        if waiting and len(waiting) == len(self.columns) and not self.prompt.text:
            self.prompt.load_text(waiting[0])
            self.notify("The waiting prompt is back in the box.", timeout=4)
        for column in streaming:
            column.drop_queued()
            column.stop()
        if not streaming:
            self.prompt.focus()

    async def action_toggle_blind(self) -> None:
        """Blind mode: models shown as "Model A, B, ..." until a favourite is picked (before the first prompt)."""
        if any(column.messages for column in self.session.columns):
            self.notify("Blind mode can only be switched before the first prompt.", timeout=4)
            return
        self.session.blind = not self.session.blind
        self.show_state()
        for column in self.columns:
            await column.show_history()
        words = "models hidden until you pick a favourite (f on a column)" if self.session.blind else "off"
        self.notify(f"Blind mode: {words}", timeout=4)

    @on(CompareColumn.FavouriteRequested)
    async def pick_favourite(self, event: CompareColumn.FavouriteRequested) -> None:
        """Record the favourite in the session; in blind mode this reveals the models."""
        if any(column.streaming for column in self.columns):
            self.notify("Pick a favourite once every column has finished.", timeout=4)
            return
        revealing = self.session.blind and self.session.favourite is None
        self.session.favourite = event.column.label
        if revealing:
            for column in self.columns:
                await column.show_history()
            models = " · ".join(f"{c.label}: {for_display(c.model)}" for c in self.session.columns)
            self.notify(models, title=f"Favourite: {event.column.label}", timeout=10, markup=False)
        self.show_state()
        self.autosave()

    @on(CompareColumn.ContinueRequested)
    def continue_with(self, event: CompareColumn.ContinueRequested) -> None:
        """Fork this column into a normal chat with its model and history; the comparison stays saved."""
        label = event.column.label
        if event.column.streaming:
            self.notify(f"{label} is still answering: wait, or stop it (s) first.", timeout=4)
            return
        if not event.column.column.messages:
            self.notify("Nothing to continue yet: send a prompt first.", timeout=3)
            return
        if self.session.blind and self.session.favourite is None:
            self.session.favourite = label  # choosing a column to go on with is picking it

        def fork() -> Screen[Any]:
            forked, result = self.app.session_store.fork(self.session, column=label)
            if result.message:
                self.notify(result.message, title="Fork", severity="warning", timeout=10, markup=False)
            return ChatScreen(forked)

        self.leave_for(fork)

    @on(CompareColumn.SwitchModelRequested)
    def switch_model(self, event: CompareColumn.SwitchModelRequested) -> None:
        """Put another model in a column (after an error) and ask it again."""
        from anannas_tui.screens.model_picker import ModelPickerDialog

        column = event.column

        async def picked(result: str | list[str] | None) -> None:
            if isinstance(result, str):
                column.column.model = result
                self.show_state()
                await column.retry()

        self.app.push_screen(ModelPickerDialog(self.app.model_catalog, current=column.column.model), picked)

    def action_pick_models(self) -> None:
        """Compare other models: a new comparison (this one is already saved)."""
        from anannas_tui.screens.model_picker import ModelPickerDialog

        current = [column.model for column in self.session.columns]

        def picked(result: str | list[str] | None) -> None:
            if isinstance(result, list) and result != current:
                models, blind = list(result), self.session.blind
                self.leave_for(lambda: CompareScreen(models=models, blind=blind))

        self.app.push_screen(ModelPickerDialog(self.app.model_catalog, multi=True), picked)

    def action_new_chat(self) -> None:
        """Leave compare mode for a new chat (the comparison is saved)."""
        self.leave_for(ChatScreen)

    async def action_sessions(self) -> None:
        """Browse saved conversations and open one (a chat or a comparison)."""
        from anannas_tui.screens.sessions import SessionChoice, SessionsScreen

        def chosen(choice: SessionChoice | None) -> None:
            if choice is not None and choice.action == "new":
                self.leave_for(ChatScreen)
            elif choice is not None and choice.path is not None:
                self.open_session(choice.path)

        await self.app.finish_saves()
        self.app.push_screen(SessionsScreen(self.app.session_store, self.session.id), chosen)

    def open_session(self, path: Path) -> None:
        """Replace this comparison with a saved session."""
        from anannas_tui.core.session_store import SessionNotFound, SessionUnreadable

        try:
            loaded = self.app.session_store.load(path)
        except (SessionNotFound, SessionUnreadable, OSError) as error:
            self.notify(for_display(str(error)), title="Could not open", severity="error", markup=False)
            return
        if loaded.read_only:
            self.notify(for_display(loaded.read_only), title="Read-only session", severity="warning", markup=False)
        self.leave_for(lambda: screen_for(loaded.session))

    @work(group="leave", exclusive=True, exit_on_error=False)
    async def leave_for(self, make: Callable[[], Screen[Any]]) -> None:
        """Stop every column and wait until its reply is recorded, save, then replace this screen."""
        for column in self.columns:
            await column.stop_and_wait()
        self.autosave()
        self.app.show_conversation(make())

    @on(ChatPane.LinkClicked)
    def confirm_link(self, message: ChatPane.LinkClicked) -> None:
        """Links never open on a click alone: confirm with the full URL shown."""
        from anannas_tui.screens.link_dialog import LinkDialog

        self.app.push_screen(LinkDialog(message.href))

    def system_commands(self) -> Iterable[SystemCommand]:
        """The screen's actions and every column's, for the command palette."""
        yield from palette_commands(self, ACTIONS)
        for column in self.columns:
            for action, description, key in COLUMN_ACTIONS:
                help_text = f"or press {key} in column {column.label}"
                yield SystemCommand(f"{description} {column.label}", help_text, getattr(column, f"action_{action}"))
