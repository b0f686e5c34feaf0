"""Messages that cross screens (the command palette, dialogs, the chat screen and the app).

Messages specific to one widget are nested in that widget instead. Facts are in the past tense, requests in the
imperative. Each is a dataclass: Textual's `Message.__post_init__` exists so dataclasses initialise properly.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ModelSelected(Message):
    """The user chose a model to chat with (from the command palette or the model picker).

    Posted to the screen that was active; it bubbles to the app, which switches the conversation's model.
    """

    model_id: str
    """The chosen model's id, exactly as the models list gives it (already passed through `for_display`)."""
