"""One model's side of a comparison: its header, live figures, cost preview, transcript and reply worker.

Each column streams in its own exclusive worker (group "reply" on the column), so the columns run at the same
time on the event loop and a failure, stall or stop in one never touches another. The column records its own
replies in its `Column` of the session and reports up with messages (`Started`, `Finished`, and the user's
requests the screen decides on); the screen saves the session and shows toasts.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, replace

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import WorkerCancelled, WorkerFailed

from anannas_tui.app import AnannasApp
from anannas_tui.core.blind import blind_error
from anannas_tui.core.cost_preview import cost_preview, history_tokens, next_prompt_tokens
from anannas_tui.core.errors import ApiError
from anannas_tui.core.events import RetryScheduled
from anannas_tui.core.metrics import ReplyMetrics
from anannas_tui.core.models import ModelInfo
from anannas_tui.core.reply import ReplyOutcome, run_reply
from anannas_tui.core.session import Column, Role, Session
from anannas_tui.core.session import Message as Turn
from anannas_tui.error_view import notify_retry, retry_status
from anannas_tui.widgets.assistant_message import AssistantMessage
from anannas_tui.widgets.chat_pane import ChatPane
from anannas_tui.widgets.column_heading import ColumnHeading, heading_name, tab_name
from anannas_tui.widgets.error_entry import ErrorEntry
from anannas_tui.widgets.metrics_line import MetricsLine
from anannas_tui.widgets.reply_figures import (
    finished_items,
    idle_items,
    live_items,
    metrics_of,
    preview_items,
    reply_footer,
    saved_reply,
)
from anannas_tui.widgets.view_sink import ViewSink

LIVE_INTERVAL = 0.25
"""Seconds between updates of the live figures while a reply streams."""
LOW_BANDWIDTH_LIVE_INTERVAL = 1.0
"""The same over a slow link (--low-bandwidth): one small redraw a second per column."""


class CompareColumn(Vertical):
    """A column of the comparison; focus it (tab or click) for its own keys."""

    BINDINGS = [
        Binding("s", "stop_reply", "Stop this"),
        Binding("r", "retry", "Retry this"),
        Binding("c", "continue_with", "Continue with this"),
        Binding("f", "favourite", "Favourite"),
        Binding("y", "copy_reply", "Copy reply", show=False),
    ]

    app = getters.app(AnannasApp)
    pane = getters.query_one(ChatPane)
    header = getters.query_one("#column-header", Static)
    figures = getters.query_one("#column-figures", MetricsLine)
    preview = getters.query_one("#column-preview", MetricsLine)

    streaming: var[bool] = var(False)
    """True while this column's reply is in flight."""

    @dataclass
    class _Event(Message):
        column: CompareColumn

        @property
        def control(self) -> CompareColumn:
            return self.column

    class Started(_Event):
        """A reply started streaming."""

    @dataclass
    class Finished(_Event):
        """A reply ended (complete, stopped, cut off or failed) and is recorded in the column."""

        message: Turn

    class ContinueRequested(_Event):
        """The user wants to go on with this column's model as a normal chat."""

    class FavouriteRequested(_Event):
        """The user picked this column as the best."""

    class SwitchModelRequested(_Event):
        """The user wants another model in this column (after an error)."""

    def __init__(self, session: Session, column: Column, *, low_bandwidth: bool = False) -> None:
        super().__init__(id=f"column-{column.label}")
        self.session = session
        self.column = column
        """This column's model and messages (part of `session`)."""
        self.low_bandwidth = low_bandwidth
        self.outcome: ReplyOutcome | None = None
        """The reply in flight, if any."""
        self.last_metrics: ReplyMetrics | None = None
        """The figures of the last reply that ended."""
        self._last: Turn | None = None
        self._reply_widgets: list[Widget] = []
        self._history_tokens = 0
        self._prompt = ""
        self._retry = ""
        self._ticker: Timer | None = None
        self.queued: str | None = None
        """A follow-up prompt sent while this column was still answering: it goes out when the reply ends."""

    @property
    def label(self) -> str:
        """ "A", "B", ..."""
        return self.column.label

    @property
    def hidden(self) -> bool:
        """True while blind mode hides which model this is."""
        return self.session.blind and self.session.favourite is None

    @property
    def shown_model(self) -> str:
        """What the column is called on screen: the model id, or "Model A" in blind mode."""
        return f"Model {self.label}" if self.hidden else self.column.model

    def shown_error(self, error: ApiError) -> ApiError:
        """`error` as this column shows it: while blind, without the names of the models and providers
        (`core.blind`); the session keeps the real one."""
        if not self.hidden:
            return error
        return blind_error(error, {column.model: f"Model {column.label}" for column in self.session.columns})

    @property
    def model_info(self) -> ModelInfo | None:
        """The model's listing (prices, context), once the models list is known."""
        return self.app.model_catalog.find(self.column.model)

    def compose(self) -> ComposeResult:
        yield ColumnHeading()
        yield ChatPane(low_bandwidth=self.low_bandwidth)

    async def on_mount(self) -> None:
        await self.show_history()

    # ----- what is shown ----------------------------------------------------------------------------------

    def show_header(self) -> None:
        """Which model this is (or "Model A" while blind), starred when it is the favourite."""
        favourite = self.session.favourite == self.label
        self.header.update(heading_name(self.label, self.column.model, hidden=self.hidden, favourite=favourite))

    def tab_label(self) -> Content:
        """This column's tab in narrow terminals: "A gpt-5-mini ✓" (blind: "Model A ✓")."""
        state = "streaming" if self.streaming else (str(self._last.status) if self._last is not None else "")
        favourite = self.session.favourite == self.label
        return tab_name(self.label, self.column.model, hidden=self.hidden, favourite=favourite, state=state)

    def show_figures(self) -> None:
        """Live figures while streaming, the last reply's when idle."""
        if self.outcome is not None:
            items = live_items(self.outcome, time.monotonic(), self._retry, queued=self.queued is not None)
        elif self._last is not None and self.last_metrics is not None:
            items = finished_items(self.last_metrics, self._last.status, self._last.error)
        else:
            items = idle_items()
        self.figures.show(items)

    def show_preview(self, prompt: str | None = None) -> None:
        """The estimated prompt tokens and input cost of sending `prompt` (the last one given) to this column."""
        if prompt is not None:
            self._prompt = prompt
        tokens = next_prompt_tokens(self._history_tokens, self._prompt)
        self.preview.show(preview_items(cost_preview(tokens, self.model_info)))

    def refresh_all(self) -> None:
        """Header, figures and preview again (the models list arrived, blind mode changed)."""
        self.show_header()
        self.show_figures()
        self.show_preview()

    async def show_history(self) -> None:
        """Show the column's saved messages, replacing what is shown (at mount, and when blind mode changes)."""
        messages = self.column.messages
        await self.pane.clear()
        self._reply_widgets = []
        self._last = next((m for m in reversed(messages) if m.role is Role.ASSISTANT), None)
        self.last_metrics = metrics_of(self._last) if self._last is not None else None
        if messages:
            model = self.shown_model if self.hidden else None
            shown = [saved_reply(message, model) for message in messages]
            entries = self.pane.load_history(shown, footer=lambda message: getattr(message, "footer", ""))
            last = messages[-1]
            if last.role is Role.ASSISTANT:
                self._reply_widgets = [entries[-1]]
                if last.error is not None:  # the failed last reply can still be retried from its entry
                    entry = ErrorEntry(self.shown_error(last.error), self.shown_model)
                    self._reply_widgets.append(await self.pane.mount_entry(entry))
        self._history_tokens = history_tokens(self.session.api_messages(column=self.label))
        self.refresh_all()

    # ----- replies ----------------------------------------------------------------------------------------

    async def send(self, text: str) -> None:
        """Add the shared prompt to this column's history and start its reply."""
        self.column.messages.append(Turn(role=Role.USER, content=text))
        for entry in self.pane.query(ErrorEntry):
            entry.actions_enabled = False  # retrying an older reply is no longer possible
        await self.pane.add_user(text)
        await self.start_reply()

    def queue(self, text: str) -> None:
        """Keep the shared prompt until this column's reply ends, then send it (`_send_queued`).

        The prompt joins the column's history only then, so its turns stay in order: the reply in flight, then
        the follow-up. Stopping this column (s) sends it at once; stopping all (Escape) drops it.
        """
        self.queued = text
        self.show_figures()

    def drop_queued(self) -> None:
        """Forget a follow-up that has not gone out (Escape, leaving the screen)."""
        self.queued = None
        self.show_figures()

    async def _send_queued(self) -> None:
        """Send the follow-up that waited for the reply that has just ended."""
        text, self.queued = self.queued, None
        if text is None or self.streaming or not self.is_attached:
            return
        await self._wait_for_reply_worker()  # the one that just ended: a new reply would cancel it
        await self.send(text)

    async def start_reply(self) -> None:
        """Stream a reply to the column's history as it stands."""
        view = await self.pane.add_assistant(self.shown_model)
        self._reply_widgets = [view]
        outcome = ReplyOutcome(self.column.model)
        self.outcome, self._retry = outcome, ""
        self.streaming = True
        interval = LOW_BANDWIDTH_LIVE_INTERVAL if self.low_bandwidth else LIVE_INTERVAL
        self._ticker = self.set_interval(interval, self.show_figures, name="live-figures")
        self.show_figures()
        self.post_message(self.Started(self))
        self.stream_reply(view, outcome, self.session.api_messages(column=self.label))

    @work(group="reply", exclusive=True, exit_on_error=False)
    async def stream_reply(self, view: AssistantMessage, outcome: ReplyOutcome, messages: list[dict[str, str]]) -> None:
        """Stream one reply into `view`; record it however it ends (stopped included)."""
        try:
            await run_reply(self.app.client, messages, self.session.params, ViewSink(view, self.show_retry), outcome)
        finally:  # stopped (cancelled) or not, what arrived is recorded and saved
            await self._finish_reply(view, outcome)

    async def _finish_reply(self, view: AssistantMessage, outcome: ReplyOutcome) -> None:
        """Freeze the reply on screen, record it in the column, show its figures and report it."""
        info = self.model_info
        message = outcome.to_message(info)
        metrics = outcome.metrics(info)
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        await view.finish(str(message.status), reply_footer(metrics, message.status, message.error))
        self.column.messages.append(message)
        # Saved here, not by the screen on `Finished`: when the app quits mid-reply, this still runs (the worker is
        # cancelled) but the screen no longer handles messages, and the partial reply would be lost.
        self.app.save_session(self.session)
        self.outcome, self._last, self.last_metrics = None, message, metrics
        self.streaming = False
        if outcome.error is not None and self.is_attached:
            entry = ErrorEntry(self.shown_error(outcome.error), self.shown_model)
            await self.pane.mount_entry(entry)
            self._reply_widgets.append(entry)
        self._history_tokens = history_tokens(self.session.api_messages(column=self.label))
        self.show_figures()
        self.show_preview()
        self.post_message(self.Finished(self, message))
        if self.queued is not None:
            self.call_later(self._send_queued)

    def show_retry(self, event: RetryScheduled) -> None:
        """A retry is scheduled: one toast, and a countdown in the column's figures."""
        notify_retry(self.app, replace(event, error=self.shown_error(event.error)))
        deadline = time.monotonic() + event.delay

        def tick() -> None:
            remaining = max(deadline - time.monotonic(), 0)
            self._retry = retry_status(event, remaining) if remaining > 0 else ""

        tick()
        self.set_interval(1, tick, repeat=max(int(event.delay), 1) + 1)
        self.show_figures()

    def stop(self) -> None:
        """Stop this column's reply (what arrived is kept, marked stopped)."""
        if self.streaming:
            self.workers.cancel_group(self, "reply")

    async def stop_and_wait(self) -> None:
        """Stop the reply, drop a waiting follow-up, and wait until the reply is recorded (before leaving)."""
        self.queued = None
        self.stop()
        await self._wait_for_reply_worker()

    async def _wait_for_reply_worker(self) -> None:
        running = [w for w in self.workers if w.node is self and w.group == "reply" and not w.is_finished]
        for worker in running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()

    async def retry(self) -> None:
        """Ask this column's model again: the last reply (failed or not) is replaced."""
        if self.streaming:
            return
        messages = self.column.messages
        if messages and messages[-1].role is Role.ASSISTANT:
            messages.pop()
            await self.pane.remove_entries(self._reply_widgets)
            self._reply_widgets = []
        if not any(message.role is Role.USER for message in messages):
            self.notify("Nothing to retry yet: send a prompt first.", timeout=3)
            return
        await self.start_reply()

    # ----- keys -------------------------------------------------------------------------------------------

    def action_stop_reply(self) -> None:
        """Stop this column only."""
        self.stop()

    async def action_retry(self) -> None:
        """Retry this column only."""
        await self.retry()

    def action_continue_with(self) -> None:
        """Go on with this model as a normal chat (the screen forks the session)."""
        self.post_message(self.ContinueRequested(self))

    def action_favourite(self) -> None:
        """Pick this column as the best (reveals the models in blind mode)."""
        self.post_message(self.FavouriteRequested(self))

    def action_copy_reply(self) -> None:
        """Copy this column's last reply as raw text."""
        if self._last is not None and self._last.content:
            self.app.copy_to_clipboard(self._last.content)

    @on(ErrorEntry.RetryRequested)
    async def _retry_after_error(self, message: ErrorEntry.RetryRequested) -> None:
        message.stop()
        await self.retry()

    @on(ErrorEntry.SwitchModelRequested)
    def _switch_after_error(self, message: ErrorEntry.SwitchModelRequested) -> None:
        message.stop()
        self.post_message(self.SwitchModelRequested(self))
