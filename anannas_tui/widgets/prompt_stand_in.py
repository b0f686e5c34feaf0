"""The prompt box as the first frame draws it, before Textual's TextArea is loaded.

Importing, styling and drawing a TextArea was the largest single part of what start-up adds to a bare Textual
app's (P3 in the README): ~57 M of ~290 M instructions, ~10 ms. The chat screen's first frame draws this
widget instead, which looks like an empty, focused `PromptInput` cell for cell (its border, the placeholder and
the cursor on its first character; tests/test_prompt_stand_in.py compares the two), and puts the real prompt in
its place right after that frame (`ChatScreen`). Nothing moves on screen.

Typing that reaches it first is kept and handed over in order, so a user who types as the app opens (or whose
shell had the keys waiting) loses nothing: text, newlines, Backspace, pastes and Enter. Other keys are not
typing; they go on to the screen's bindings at once, as they would from the real prompt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from anannas_tui.widgets.prompt_keys import Edit, typing

if TYPE_CHECKING:
    from anannas_tui.widgets.prompt_input import PromptInput

Typed = str | Edit
"""Text typed into the prompt (a key's character, a newline or a paste), or an `Edit`."""


class PromptStandIn(Widget, can_focus=True):
    """An empty prompt that keeps what is typed into it until `hand_over` gives it to the real one."""

    # The look of `PromptInput` (and the parts of Textual's TextArea CSS it shows when empty): the placeholder,
    # and the cursor's style in dark, light and ANSI themes. tests/test_prompt_stand_in.py keeps them in step.
    DEFAULT_CSS = """
    PromptStandIn {
        width: 1fr;
        height: 3;
        border: tall $border-blurred;
        padding: 0 1;
        color: $foreground;
        background: $surface;
        pointer: text;
        &:focus { border: tall $border; }
        & .prompt-stand-in--placeholder { color: $text 40%; }
        & .prompt-stand-in--cursor { text-style: $input-cursor-text-style; }
        &:ansi .prompt-stand-in--cursor {
            color: $input-cursor-foreground;
            background: $input-cursor-background;
            text-style: reverse;
        }
        &:dark .prompt-stand-in--cursor {
            color: $input-cursor-foreground;
            background: $input-cursor-background;
        }
        &:light .prompt-stand-in--cursor {
            color: $text 90%;
            background: $foreground 70%;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"prompt-stand-in--placeholder", "prompt-stand-in--cursor"}

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.placeholder = placeholder
        self.typed: list[Typed] = []
        """What was typed here so far, oldest first (kept until `hand_over`)."""
        self._successor: PromptInput | None = None

    def render_line(self, y: int) -> Strip:
        """The placeholder, with the cursor on its first character while focused (as TextArea draws it)."""
        lines = Content(self.placeholder).wrap(self.content_size.width)
        if y >= len(lines):
            return Strip.blank(self.content_size.width, self.visual_style.rich_style)
        line = lines[y].stylize(self.get_visual_style("prompt-stand-in--placeholder"))
        if y == 0 and self.has_focus:
            cursor = self.get_component_rich_style("prompt-stand-in--cursor")
            line = line.stylize(Style.from_rich_style(cursor), 0, 1)
        return Strip(line.render_segments(self.visual_style), line.cell_length)

    def on_key(self, event: events.Key) -> None:
        """Keep typing for the real prompt; let any other key go on to the bindings."""
        typed = typing(event)
        if typed is not None:
            event.stop()
            event.prevent_default()
            self._type(typed)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self._type(event.text)

    def _type(self, typed: Typed) -> None:
        if self._successor is not None:  # a key that was on its way here when the prompt took over
            type_into(self._successor, [typed])
        else:
            self.typed.append(typed)

    def hand_over(self, prompt: PromptInput) -> None:
        """Give `prompt` this widget's place, its focus and what was typed here, then leave.

        `prompt` must be mounted beside this widget and hidden; it is shown as this widget hides, in the same
        refresh. A key already on its way here is passed on when it arrives: the app sends new ones to the
        focused prompt, and this widget's queue is older than the prompt's, so the order holds.
        """
        self._successor = prompt
        prompt.display = True
        self.display = False
        if self.screen.focused is self:  # (not `has_focus`, which waits for the Focus event to arrive)
            self.screen.set_focus(prompt, scroll_visible=False)
        type_into(prompt, self.typed)
        self.typed.clear()
        self.call_later(self.remove)  # after any key still queued here


def type_into(prompt: PromptInput, typed: list[Typed]) -> None:
    """Replay typing into the prompt as its own keys would have done it."""
    for item in typed:
        if item is Edit.SEND:
            prompt.submit()
        elif item is Edit.DELETE_LEFT:
            prompt.action_delete_left()
        else:
            prompt.insert(item)
