"""The multi-line prompt: Enter sends, ctrl+j / alt+enter add a newline, Up in an empty prompt recalls.

The keys are in `prompt_keys`. The widget has a fixed height range and soft wrap, so typing does not change the
screen's layout on every key (the stock `Input` reflows the whole screen per keystroke; see performance.md).
"""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from anannas_tui.messages import PromptSubmitted
from anannas_tui.widgets.prompt_keys import Edit, typing


class PromptInput(TextArea):
    """Where the user writes; posts `PromptSubmitted` on Enter."""

    DEFAULT_CSS = """
    PromptInput {
        height: auto;
        min-height: 3;
        max-height: 10;
        border: tall $border-blurred;
        padding: 0 1;
        &:focus { border: tall $border; }
    }
    """

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=False,
            placeholder=placeholder,
        )
        self.prompt_history: list[str] = []
        """Earlier prompts, oldest first (the screen restores it from the session)."""
        self._history_index: int | None = None

    def remember(self, text: str) -> None:
        """Add a sent prompt to the history (consecutive duplicates are kept once)."""
        if text and (not self.prompt_history or self.prompt_history[-1] != text):
            self.prompt_history.append(text)
        self._history_index = None

    async def _on_key(self, event: events.Key) -> None:
        typed = typing(event)
        if typed is Edit.SEND or typed == "\n":  # TextArea would insert a newline for Enter, and none for ctrl+j
            event.stop()
            event.prevent_default()
            if typed is Edit.SEND:
                self.submit()
            else:
                self.insert("\n")
            return
        if event.key in ("up", "down") and self._recall(event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def submit(self) -> None:
        """Send what is written, as Enter does (nothing happens while it is blank)."""
        if self.text.strip():
            self.post_message(PromptSubmitted(self, self.text))

    def _recall(self, key: str) -> bool:
        """Step through the history when the prompt is empty or showing a recalled prompt."""
        recalling = self._history_index is not None
        if not self.prompt_history or (self.text and not recalling):
            return False
        if key == "up":
            index = len(self.prompt_history) - 1 if self._history_index is None else max(self._history_index - 1, 0)
        elif self._history_index is None:
            return False
        else:
            index = self._history_index + 1
        if index >= len(self.prompt_history):
            self._history_index = None
            self.load_text("")
            return True
        self._history_index = index
        self.load_text(self.prompt_history[index])
        self.move_cursor(self.document.end)
        return True
