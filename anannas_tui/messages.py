"""Messages that cross screens (the command palette, dialogs, the chat screen and the app).

Messages specific to one widget are nested in that widget instead. Facts are in the past tense, requests in the
imperative. Each is a dataclass: Textual's `Message.__post_init__` exists so dataclasses initialise properly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from anannas_tui.widgets.prompt_input import PromptInput


@dataclass
class ModelSelected(Message):
    """The user chose a model to chat with (from the command palette or the model picker).

    Posted to the screen that was active; it bubbles to the app, which switches the conversation's model.
    """

    model_id: str
    """The chosen model's id, exactly as the models list gives it (already passed through `for_display`)."""


@dataclass
class PromptSubmitted(Message):
    """The user pressed Enter on a non-empty prompt; the chat and comparison screens send it.

    It lives here rather than in `PromptInput` so that a screen can handle it without importing Textual's
    TextArea: the chat screen's first frame has only the prompt's stand-in (`PromptStandIn`).
    """

    prompt: PromptInput
    text: str

    @property
    def control(self) -> PromptInput:
        """The prompt that was submitted."""
        return self.prompt
