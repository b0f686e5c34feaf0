"""The empty transcript as the first frame draws it, before the chat pane and its renderer are loaded.

A new chat's transcript shows nothing, but `ChatPane` brings the transcript's machinery with it (the entry
widgets, their styles, the Markdown palette, the history loader): ~29 M instructions of what start-up adds to
a bare Textual app's (P3 in the README). The chat screen's first frame draws this blank instead, which looks
like an empty `ChatPane` cell for cell (tests/test_transcript_stand_in.py), and puts the pane in its place
right after that frame, with the prompt (`PromptStandIn`). It cannot take the focus, so Tab before the swap
stays on the prompt.
"""

from __future__ import annotations

from textual.widget import Widget


class TranscriptStandIn(Widget):
    """A blank the size of the transcript (an empty pane's scrollbar gutter is blank too)."""

    DEFAULT_CSS = """
    TranscriptStandIn {
        height: 1fr;
    }
    """

    def render(self) -> str:
        """Nothing (a bare widget would show its name)."""
        return ""
