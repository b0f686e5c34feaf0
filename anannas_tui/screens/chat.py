"""The chat screen: transcript, prompt, sidebar, and the reply worker.

The screen owns the conversation (a `Session`) and the state derived from it (model, last metrics, totals);
widgets get that state as attributes and report back with messages. Replies run in one exclusive worker group,
so Escape cancels exactly the reply in flight and its `finally` still records and saves what arrived.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import getters, on, work
from textual.app import ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from anannas_tui import gc_policy
from anannas_tui.app import AnannasApp
from anannas_tui.core.conversation_settings import ConversationSettings
from anannas_tui.core.metrics import ReplyMetrics
from anannas_tui.core.sanitize import for_display
from anannas_tui.core.session import Message, Role, Session, Status
from anannas_tui.core.session_totals import SessionTotals
from anannas_tui.messages import ModelSelected, PromptSubmitted
from anannas_tui.screens.screen_actions import ScreenAction, bindings, palette_commands
from anannas_tui.widgets.key_bar import KeyBar
from anannas_tui.widgets.prompt_stand_in import PromptStandIn
from anannas_tui.widgets.title_bar import TitleBar
from anannas_tui.widgets.transcript_stand_in import TranscriptStandIn
from anannas_tui.widgets.usage_sidebar import UsageSidebar

if TYPE_CHECKING:
    from anannas_tui.core.events import RetryScheduled
    from anannas_tui.core.models import ModelInfo
    from anannas_tui.core.reply import ReplyOutcome
    from anannas_tui.widgets.assistant_message import AssistantMessage
    from anannas_tui.widgets.chat_pane import ChatPane
    from anannas_tui.widgets.prompt_input import PromptInput

# What only a reply (or its error) needs is imported where it is used, so that the first frame does not wait for
# it: the reply loop, the error entry and toasts (tests/test_startup.py).

#: Every chat action; the bindings and the command palette both read this. The footer shows the few that fit in
#: 80 columns; ctrl+p lists them all.
ACTIONS: tuple[ScreenAction, ...] = (
    ScreenAction("escape", "stop", "Stop"),
    ScreenAction("ctrl+o", "pick_model", "Model", footer=True),
    ScreenAction("ctrl+s", "sessions", "Sessions", footer=True),
    ScreenAction("f2", "edit_settings", "Prompt & params", footer=True),
    ScreenAction("ctrl+r", "regenerate", "Regenerate", footer=True),
    ScreenAction("ctrl+l", "edit_last", "Edit last prompt"),
    ScreenAction("ctrl+t", "continue_reply", "Continue reply"),
    ScreenAction("ctrl+g", "copy_code", "Copy code block"),
    ScreenAction("ctrl+b", "toggle_sidebar", "Sidebar"),
    ScreenAction("ctrl+n", "new_chat", "New chat"),
    ScreenAction("f3", "open_compare", "Compare models"),
)

#: Transcript keys: a focused prompt takes printable keys first, so these act only while the transcript has
#: focus (tab to it, then up/down or j/k to select a message).
TRANSCRIPT_ACTIONS: tuple[ScreenAction, ...] = (
    ScreenAction("y", "copy_message", "Copy message"),
    ScreenAction("g", "copy_code", "Copy code block"),
    ScreenAction("d,delete", "delete_message", "Delete message"),
    ScreenAction("e", "edit_last", "Edit last prompt"),
)

#: What the command palette lists: every action once.
PALETTE_ACTIONS = (*ACTIONS, *(t for t in TRANSCRIPT_ACTIONS if t.action not in {a.action for a in ACTIONS}))


#: The empty prompt's text (its first-frame stand-in shows the same).
PLACEHOLDER = "Ask anything · Enter sends · ctrl+j new line"

#: Below 100 columns the sidebar folds away (chat.tcss).
BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]


def width_class(breakpoints: list[tuple[int, str]], width: int) -> str:
    """The class Textual gives a screen `width` columns wide on its first resize (the widest breakpoint that fits).

    A screen that already has it is not restyled by that resize: one pass less over every widget before the
    first frame.
    """
    return max(breakpoint for breakpoint in breakpoints if width >= breakpoint[0])[1]


class ChatScreen(Screen[None]):
    """One conversation with one model."""

    CSS_PATH = "chat.tcss"
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    BINDINGS = bindings((*ACTIONS, *TRANSCRIPT_ACTIONS))

    app = getters.app(AnannasApp)
    sidebar = getters.query_one(UsageSidebar)
    title_bar = getters.query_one(TitleBar)

    model_id: reactive[str] = reactive("")
    """The model the next prompt goes to."""
    streaming: reactive[bool] = reactive(False)
    """True while a reply is in flight."""
    last_metrics: reactive[ReplyMetrics | None] = reactive(None)
    totals: reactive[SessionTotals] = reactive(SessionTotals)

    def __init__(self, session: Session | None = None, *, stand_ins: bool = False) -> None:
        """`stand_ins`: the first frame draws stand-ins for the prompt and the (empty) transcript, and the real
        widgets take their place right after it (the app's first screen: see `PromptStandIn`)."""
        super().__init__(classes=width_class(BREAKPOINTS, self.app.size.width))
        self.session = session or self._new_session()
        """The conversation shown and appended to."""
        self._records: dict[Widget, Message] = {}
        self._editing: Message | None = None
        self.widgets_ready = not stand_ins or bool(self.session.messages)  # a history needs the real pane
        """Whether the real prompt and transcript are on the screen: from the start, or right after the first frame.

        Until then the chat is new and empty (nothing can be sent before the real prompt is there), so what needs
        the transcript has nothing to act on."""

    def _new_session(self) -> Session:
        options = self.app.options
        settings = ConversationSettings.from_config(options.config.chat)
        model = options.model or self._default_model()
        return Session.new(model, settings.system_prompt, settings.params, self.app.base_url)

    def _default_model(self) -> str:
        from anannas_tui.core.demo_models import DEFAULT_DEMO_MODEL
        from anannas_tui.core.state import load_state

        model = load_state().last_model or self.app.options.config.chat.model
        if self.app.options.demo and not model.startswith("demo/"):
            return DEFAULT_DEMO_MODEL
        return model

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="body"):
            with Vertical(id="main"):
                if self.widgets_ready:
                    yield self._new_pane()
                    yield self._new_prompt()
                else:
                    yield TranscriptStandIn()
                    yield PromptStandIn(PLACEHOLDER)
            yield UsageSidebar(defer_sections=True)  # its figures follow the first frame (nothing moves)
        yield KeyBar()  # its keys are in the first frame, and stay the same once the prompt has focus

    def on_mount(self) -> None:
        """Show the session, wire the widgets' inputs, and fetch the models list in the background."""
        self.model_id = self.session.model
        if not self.app.options.config.ui.show_sidebar:
            self.add_class("-sidebar-hidden")
        self.title_bar.session_title = self.session.title
        if self.session.messages:
            self._show_history()
        self._focus_prompt()  # before the first frame: a key pressed as soon as the screen shows goes to the prompt
        if not self.widgets_ready:
            self.call_after_refresh(self._replace_stand_ins)  # first, after the first frame
        self.call_after_refresh(self.load_models)  # after the first frame: it may import httpx and read a cache

    # ----- the prompt and the transcript ------------------------------------------------------------------

    @property
    def prompt(self) -> PromptInput:
        """The prompt box (once `widgets_ready`: until then the first frame's stand-in may be in its place)."""
        from anannas_tui.widgets.prompt_input import PromptInput

        return self.query_one("#prompt", PromptInput)

    @property
    def chat_pane(self) -> ChatPane:
        """The transcript (once `widgets_ready`, as for the prompt)."""
        from anannas_tui.widgets.chat_pane import ChatPane

        return self.query_one(ChatPane)

    def _new_prompt(self) -> PromptInput:
        from anannas_tui.widgets.prompt_input import PromptInput

        prompt = PromptInput(id="prompt", placeholder=PLACEHOLDER)
        prompt.prompt_history = [m.content for m in self.session.messages if m.role is Role.USER]
        return prompt

    def _new_pane(self) -> ChatPane:
        from anannas_tui.widgets.chat_pane import ChatPane

        return ChatPane(low_bandwidth=self.app.low_bandwidth)

    async def _replace_stand_ins(self) -> None:
        """Put the real transcript and prompt where the first frame's stand-ins are, in one refresh.

        The prompt gets the focus and anything typed into its stand-in (`PromptStandIn.hand_over`).
        """
        transcript, stand_in = self.query_one(TranscriptStandIn), self.query_one(PromptStandIn)
        pane, prompt = self._new_pane(), self._new_prompt()
        pane.display = prompt.display = False  # shown as the stand-ins hide: nothing moves
        main = self.query_one("#main")
        await main.mount(pane, after=transcript)
        await main.mount(prompt, after=stand_in)
        pane.display, transcript.display = True, False
        stand_in.hand_over(prompt)
        self.widgets_ready = True
        await transcript.remove()

    def _focus_prompt(self) -> None:
        """Focus the prompt box, or the stand-in still in its place."""
        (self.prompt if self.widgets_ready else self.query_one(PromptStandIn)).focus()

    def _show_history(self) -> None:
        entries = self.chat_pane.load_history(self.session.messages, footer=self._footer_for)
        self._records.update(zip(entries, self.session.messages, strict=False))
        self.totals = SessionTotals.of(self._metrics_of(m) for m in self.session.messages if m.role is Role.ASSISTANT)
        self.call_after_refresh(gc_policy.after_history)

    def _footer_for(self, message: Any) -> str:
        """The metrics line under a reply: its figures, and how it ended when that was not normally."""
        note = {Status.STOPPED: "stopped", Status.INCOMPLETE: "incomplete"}.get(message.status)
        return " · ".join(part for part in (self._metrics_of(message).summary(), note) if part)

    @staticmethod
    def _metrics_of(message: Message) -> ReplyMetrics:
        cost = message.usage.cost if message.usage is not None else None
        return ReplyMetrics(
            message.usage, message.ttft, message.duration, message.finish_reason, cost, message.cost_estimated
        )

    # ----- models -----------------------------------------------------------------------------------------

    @work(group="models", exclusive=True, exit_on_error=False)
    async def load_models(self) -> None:
        """Fill the model details (context, prices) from the cached or live models list."""
        await self.app.ensure_models()
        self._show_model()

    def _show_model(self) -> None:
        info = self.model_info
        self.sidebar.model = info
        self.title_bar.model_id = self.model_id

    @property
    def model_info(self) -> ModelInfo | None:
        """What the models list says about the current model (None before it loads or if unlisted)."""
        return self.app.model_catalog.find(self.model_id)

    def watch_model_id(self, model_id: str) -> None:
        if self.is_mounted:
            self._show_model()

    def watch_streaming(self, streaming: bool) -> None:
        self.title_bar.status_severity = "information"
        self.title_bar.status = "streaming…" if streaming else ""
        self.sidebar.streaming = streaming

    def watch_last_metrics(self, metrics: ReplyMetrics | None) -> None:
        self.sidebar.last = metrics

    def watch_totals(self, totals: SessionTotals) -> None:
        self.sidebar.totals = totals

    @on(ModelSelected)
    def use_model(self, message: ModelSelected) -> None:
        """Switch the conversation to another model (from the picker or the command palette)."""
        from anannas_tui.core.model_catalog import remember_pick

        self.model_id = self.session.model = message.model_id
        try:
            remember_pick(message.model_id)
        except OSError as error:
            self.notify(f"Could not remember the model: {error.strerror}", severity="warning", markup=False)
        self.notify(f"Model: {message.model_id}", markup=False, timeout=3)
        self.autosave()

    # ----- sending ----------------------------------------------------------------------------------------

    @on(PromptSubmitted)
    async def send_prompt(self, message: PromptSubmitted) -> None:
        """Show the user's turn and start the reply; while a reply streams, the prompt is kept."""
        if self.streaming:
            self.notify("A reply is still streaming: Escape stops it.", severity="warning", timeout=3)
            return
        text = message.text
        if self._editing is not None:
            await self._drop_from(self._editing)
            self._editing = None
        self.prompt.remember(text)
        self.prompt.clear()
        user = Message(role=Role.USER, content=text)
        if not self.session.title:
            self.session.set_title_from(text)
            self.title_bar.session_title = self.session.title
        self.session.messages.append(user)
        self._records[await self.chat_pane.add_user(text)] = user
        await self._start_reply(self.session.api_messages())

    async def _start_reply(self, messages: list[dict[str, str]], prefix: str = "") -> None:
        view = await self.chat_pane.add_assistant(self.model_id)
        if prefix:
            view.append(prefix)
        self.streaming = True
        gc_policy.before_stream()
        self.stream_reply(view, messages, prefix)

    @work(group="reply", exclusive=True, exit_on_error=False)
    async def stream_reply(self, view: AssistantMessage, messages: list[dict[str, str]], prefix: str) -> None:
        """Stream one reply into `view`; record and save it however it ends."""
        from anannas_tui.core.reply import ReplyOutcome, run_reply
        from anannas_tui.widgets.view_sink import ViewSink

        outcome = ReplyOutcome(self.model_id)
        if prefix:
            outcome.content.append(prefix)
        try:
            await run_reply(self.app.client, messages, self.session.params, ViewSink(view, self.show_retry), outcome)
        finally:  # stopped (cancelled) or not, what arrived is recorded and saved
            await self._finish_reply(view, outcome)

    async def _finish_reply(self, view: AssistantMessage, outcome: ReplyOutcome) -> None:
        """Mark the reply's end on screen, add it to the session and save; show any error."""
        message = outcome.to_message(self.model_info)
        metrics = outcome.metrics(self.model_info)
        await view.finish(str(message.status), self._footer_for(message))
        self.session.messages.append(message)
        self._records[view] = message
        self.last_metrics = metrics
        self.totals = self.totals.add(metrics)
        self.streaming = False
        if outcome.error is not None:
            from anannas_tui.error_view import notify_error
            from anannas_tui.widgets.error_entry import ErrorEntry

            notify_error(self.app, outcome.error)
            entry = ErrorEntry(outcome.error, self.model_id)
            self._records[await self.chat_pane.mount_entry(entry)] = message
        self.autosave()
        gc_policy.after_reply()

    def show_retry(self, event: RetryScheduled) -> None:
        """A retry is scheduled: one toast for the whole wait, and a countdown in the title bar."""
        from anannas_tui.error_view import notify_retry, retry_status

        notify_retry(self.app, event)
        remaining = [event.delay]

        def tick() -> None:
            remaining[0] = max(remaining[0] - 1, 0)
            self.title_bar.status = retry_status(event, remaining[0])

        self.title_bar.status_severity = "warning"
        self.title_bar.status = retry_status(event, event.delay)
        self.set_interval(1, tick, repeat=max(int(event.delay), 1))

    def autosave(self) -> None:
        """Save the session (atomically); a failed save is reported and the conversation stays in memory."""
        if self.session.messages:
            self.app.save_session(self.session)

    # ----- actions ----------------------------------------------------------------------------------------

    def action_stop(self) -> None:
        """Stop the reply in flight (its text so far stays, marked stopped); otherwise return to the prompt."""
        if self.streaming:
            self.workers.cancel_group(self, "reply")
        else:
            self._focus_prompt()

    def action_pick_model(self) -> None:
        """Open the model picker."""
        from anannas_tui.core.state import load_state
        from anannas_tui.screens.model_picker import ModelPickerDialog

        state = load_state()
        dialog = ModelPickerDialog(
            self.app.model_catalog, current=self.model_id, favourites=state.favourites, recent=state.recent_models
        )

        def picked(result: str | list[str] | None) -> None:
            if isinstance(result, str):
                self.post_message(ModelSelected(result))

        self.app.push_screen(dialog, picked)

    def action_edit_settings(self) -> None:
        """Edit this conversation's system prompt and parameters."""
        from anannas_tui.screens.params_dialog import ParamsDialog

        current = ConversationSettings(self.session.system_prompt, self.session.params)

        def saved(settings: ConversationSettings | None) -> None:
            if settings is not None:
                self.session.system_prompt, self.session.params = settings.system_prompt, settings.params
                self.notify("Prompt and parameters saved for this conversation.", timeout=3)
                self.autosave()

        self.app.push_screen(ParamsDialog(current), saved)

    def _last(self, role: Role) -> Message | None:
        return next((m for m in reversed(self.session.messages) if m.role is role), None)

    async def _drop_from(self, message: Message) -> None:
        """Remove `message` and everything after it, from the session and the screen."""
        index = next(i for i, m in enumerate(self.session.messages) if m is message)
        dropped = self.session.messages[index:]
        del self.session.messages[index:]
        widgets = [widget for widget, record in self._records.items() if any(record is m for m in dropped)]
        for widget in widgets:
            del self._records[widget]
        await self.chat_pane.remove_entries(widgets)

    async def action_regenerate(self) -> None:
        """Ask for the last reply again (the old one is replaced)."""
        if self.streaming or self._last(Role.USER) is None:
            return
        last = self.session.messages[-1]
        if last.role is Role.ASSISTANT:
            await self._drop_from(last)
        await self._start_reply(self.session.api_messages())

    async def action_edit_last(self) -> None:
        """Put the last prompt back in the prompt box; sending replaces it and its reply."""
        last = self._last(Role.USER)
        if self.streaming or last is None:
            return
        self._editing = last
        prompt = self.prompt
        prompt.load_text(last.content)
        prompt.move_cursor(prompt.document.end)
        prompt.focus()
        self.notify("Editing the last prompt: Enter resends it and replaces its reply.", timeout=4)

    async def action_continue_reply(self) -> None:
        """Ask the model to carry on from a stopped, incomplete or length-cut reply."""
        last = self.session.messages[-1] if self.session.messages else None
        cut = last is not None and (
            last.status in (Status.STOPPED, Status.INCOMPLETE) or last.finish_reason == "length"
        )
        if self.streaming or last is None or last.role is not Role.ASSISTANT or not cut:
            self.notify("Nothing to continue: the last reply is complete.", timeout=3)
            return
        from anannas_tui.core.reply import CONTINUE_PROMPT

        prefix = last.content
        history = self.session.api_messages() + [{"role": "user", "content": CONTINUE_PROMPT}]
        await self._drop_from(last)
        await self._start_reply(history, prefix)

    def _selected_reply(self) -> Message | None:
        selected = self.chat_pane.selected if self.widgets_ready else None
        record = self._records.get(selected) if selected is not None else None
        return record or self._last(Role.ASSISTANT)

    def action_copy_message(self) -> None:
        """Copy the selected message (or the last reply) as raw text."""
        message = self._selected_reply()
        if message is not None and message.content:
            self.app.copy_to_clipboard(message.content)

    def action_copy_code(self) -> None:
        """Pick one code block of the selected message (or the last reply) and copy its raw source."""
        from anannas_tui.screens.code_picker import CodePickerDialog, code_blocks

        message = self._selected_reply()
        blocks = code_blocks(message.content) if message is not None else []
        if not blocks:
            self.notify("No code blocks in that message.", timeout=3)
            return

        def chosen(code: str | None) -> None:
            if code:
                self.app.copy_to_clipboard(code)

        self.app.push_screen(CodePickerDialog(blocks), chosen)

    async def action_delete_message(self) -> None:
        """Delete the selected message from the conversation."""
        if not self.widgets_ready:
            return  # nothing to select yet
        selected = self.chat_pane.selected
        record = self._records.pop(selected, None) if selected is not None else None
        if selected is None or self.streaming:
            return
        if record is not None and any(m is record for m in self.session.messages):
            self.session.messages = [m for m in self.session.messages if m is not record]
        await self.chat_pane.remove_entries([selected])
        self.autosave()

    def action_toggle_sidebar(self) -> None:
        """Show or hide the usage sidebar."""
        self.toggle_class("-sidebar-hidden")

    async def action_new_chat(self) -> None:
        """Start a new conversation (the current one is already saved)."""
        if not self.widgets_ready:
            return  # the first screen's chat is still new and empty
        if self.streaming:
            self.workers.cancel_group(self, "reply")
        self.session = self._new_session()
        self.session.model = self.model_id
        self._records.clear()
        await self.chat_pane.clear()
        self.totals = SessionTotals()
        self.last_metrics = None
        self.title_bar.session_title = ""
        self._focus_prompt()

    async def action_sessions(self) -> None:
        """Browse saved conversations: open one, start a new one, rename, delete or duplicate."""
        from anannas_tui.screens.sessions import SessionChoice, SessionsScreen

        def chosen(choice: SessionChoice | None) -> None:
            if choice is None:
                return
            if choice.action == "new":
                self.run_worker(self.action_new_chat())
            elif choice.path is not None:
                self.open_session(choice.path)

        await self.app.finish_saves()
        self.app.push_screen(SessionsScreen(self.app.session_store, self.session.id), chosen)

    def open_session(self, path: Path) -> None:
        """Replace this chat with a saved one (this one is already saved)."""
        from anannas_tui.core.session_store import SessionNotFound, SessionUnreadable

        if self.streaming:
            self.workers.cancel_group(self, "reply")
        try:
            loaded = self.app.session_store.load(path)
        except (SessionNotFound, SessionUnreadable, OSError) as error:
            self.notify(for_display(str(error)), title="Could not open", severity="error", markup=False)
            return
        if loaded.read_only:
            self.notify(for_display(loaded.read_only), title="Read-only session", severity="warning", markup=False)
        from anannas_tui.screens.compare import screen_for

        self.app.show_conversation(screen_for(loaded.session))

    def action_open_compare(self) -> None:
        """Tick 2-4 models and ask them the same prompts side by side, with this chat's system prompt and
        parameters (this chat is already saved)."""
        from anannas_tui.screens.compare import CompareScreen
        from anannas_tui.screens.model_picker import ModelPickerDialog

        def picked(result: str | list[str] | None) -> None:
            if isinstance(result, list):
                if self.streaming:
                    self.workers.cancel_group(self, "reply")
                settings = self.session.system_prompt, self.session.params, self.app.base_url
                self.app.show_conversation(CompareScreen(Session.new_compare(result, *settings)))

        self.app.push_screen(ModelPickerDialog(self.app.model_catalog, current=self.model_id, multi=True), picked)

    async def on_error_entry_retry_requested(self) -> None:
        """Retry the failed reply (an `ErrorEntry.RetryRequested`; named, not `@on`, so the entry loads lazily)."""
        await self.action_regenerate()

    def on_error_entry_switch_model_requested(self) -> None:
        """Pick another model after an error (an `ErrorEntry.SwitchModelRequested`)."""
        self.action_pick_model()

    def on_chat_pane_link_clicked(self, message: ChatPane.LinkClicked) -> None:
        """Links never open on a click alone: confirm with the full URL shown (a `ChatPane.LinkClicked`; named,
        not `@on`, so the pane loads after the first frame)."""
        from anannas_tui.screens.link_dialog import LinkDialog

        self.app.push_screen(LinkDialog(message.href))

    def system_commands(self) -> Iterable[SystemCommand]:
        """Every chat action, for the command palette."""
        yield from palette_commands(self, PALETTE_ACTIONS)
