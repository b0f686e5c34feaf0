"""Driving the real app through Pilot the way a user does: shared by the app tests and the screenshots script.

Stdlib and Textual only, importable by path (screenshots/make_screenshots.py puts tests/ on sys.path).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from anannas_tui.screens.chat import ChatScreen


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Pause until `condition()` holds (the app keeps running meanwhile); fail after `timeout` seconds."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the app")


def chat_screen(pilot: Pilot[None]) -> ChatScreen:
    """The chat screen on the app's stack (under any dialog that is open)."""
    return next(s for s in pilot.app.screen_stack if isinstance(s, ChatScreen))


async def ready_chat(pilot: Pilot[None]) -> ChatScreen:
    """The chat screen once its prompt and transcript are in place (the app's first screen draws stand-ins first)."""
    await wait_for(pilot, lambda: any(isinstance(s, ChatScreen) for s in pilot.app.screen_stack))
    screen = chat_screen(pilot)
    await wait_for(pilot, lambda: screen.is_mounted and screen.widgets_ready)
    return screen


async def converse(pilot: Pilot[None], *prompts: str, model: str | None = None) -> ChatScreen:
    """Send each prompt from the prompt box (after the models list loaded) and wait for its reply to end."""
    screen = chat_screen(pilot)
    await wait_for(pilot, lambda: screen.is_mounted)  # a screenshot's scene starts before the first screen is built
    await wait_for(pilot, lambda: screen.sidebar.model is not None)
    if model is not None:
        screen.model_id = screen.session.model = model
    for prompt in prompts:
        wanted = len(screen.session.messages) + 2
        screen.prompt.load_text(prompt)
        await pilot.press("enter")
        await wait_for(pilot, lambda n=wanted: len(screen.session.messages) >= n and not screen.streaming)
    await pilot.pause()
    return screen


async def still(pilot: Pilot[None], settle: float = 0.0) -> None:
    """Stop the focused widget's cursor blinking (shown steadily), so a picture is the same every run."""
    focused = pilot.app.focused
    if isinstance(focused, Input | TextArea):
        focused.cursor_blink = False
    await pilot.pause(settle or None)
