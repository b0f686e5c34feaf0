"""Saving conversations without pausing the screen.

A save reads its own file back before writing it (`session_format.encode_document`), about 0.14 ms per KB of
conversation: a 500-message (800 KB) chat held the screen for ~110 ms after every reply. So a conversation past
`BACKGROUND_FROM` characters is snapshotted on the UI thread (`SessionStore.plan`, a few milliseconds) and
encoded and written on a thread; smaller ones are still saved at once, as before.

One save is in flight at a time. A save asked for meanwhile waits and then writes the newest state, so files
are written in order and the store's bookkeeping (which file is ours, whether it changed on disk) always sees
the previous save's result. `flush` finishes everything before the app closes: nothing asked for is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from anannas_tui.core.session import Session
from anannas_tui.core.session_store import SavePlan, SaveResult, SessionStore, Written, write

BACKGROUND_FROM = 16_000
"""Characters of message text from which a save runs on a thread (below it, encoding takes under ~3 ms)."""


def conversation_size(session: Session) -> int:
    """Characters of message text in `session` (both layouts), a cheap stand-in for its encoding time."""
    messages = [*session.messages, *(m for column in session.columns for m in column.messages)]
    return sum(len(message.content) + len(message.reasoning or "") for message in messages)


def _outcome(future: asyncio.Future[Written]) -> Written:
    """What the thread did; an unexpected error is reported like a failed write (the session stays in memory)."""
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - anything the encoder raises must reach the user, not a log
        return Written(None, error=f"Not saved ({type(error).__name__}: {error}); the conversation is kept in memory.")


class SessionSaver:
    """Saves sessions through one store, in order, the large ones off the UI thread."""

    def __init__(self, store: Callable[[], SessionStore], report: Callable[[SaveResult], None]) -> None:
        """`store` gives the sessions store (opened on first use); `report` shows a save's result."""
        self._store = store
        self._report = report
        self._in_flight: tuple[Session, SavePlan, asyncio.Future[Written]] | None = None
        self._waiting: dict[int, Session] = {}
        self.background_from = BACKGROUND_FROM

    @property
    def busy(self) -> bool:
        """True while a save is being written or waits for one."""
        return self._in_flight is not None or bool(self._waiting)

    def save(self, session: Session) -> None:
        """Save `session` now, or on a thread if it is large, or after the save in flight if there is one."""
        if self._in_flight is not None:
            self._waiting[id(session)] = session
            return
        if conversation_size(session) < self.background_from:
            self._report(self._store().save(session))
            return
        plan = self._store().plan(session)
        future = asyncio.get_running_loop().run_in_executor(None, write, plan)
        self._in_flight = (session, plan, future)
        future.add_done_callback(self._written)

    def _written(self, future: asyncio.Future[Written]) -> None:
        """The thread finished (on the UI thread): record the result, then start what waited."""
        if self._in_flight is None or self._in_flight[2] is not future:  # `flush` got there first
            return
        session, plan, _ = self._in_flight
        self._in_flight = None
        self._report(self._store().commit(session, plan, _outcome(future)))
        if self._waiting:
            self.save(self._waiting.pop(next(iter(self._waiting))))

    async def flush(self) -> None:
        """Finish the save in flight and write every waiting one (before quitting or opening the sessions)."""
        while self._in_flight is not None or self._waiting:
            if self._in_flight is not None:
                future = self._in_flight[2]
                await asyncio.wait([future])  # neither raises what the thread raised nor cancels it
                self._written(future)
            else:
                session = self._waiting.pop(next(iter(self._waiting)))
                self._report(self._store().save(session))
