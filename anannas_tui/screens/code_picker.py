"""Copy one code block: a numbered list of a message's fenced blocks; a digit or Enter copies one.

The copied text is the block's raw source from the Markdown, not the wrapped screen text, so indentation and
long lines survive (terminal selection breaks both).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from anannas_tui.core.sanitize import for_display


def code_blocks(markdown: str) -> list[tuple[str, str]]:
    """Every fenced or indented code block in `markdown` as (language, raw source)."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [(token.info.strip(), token.content) for token in tokens if token.type in ("fence", "code_block")]


def _preview(number: int, language: str, source: str) -> Content:
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    lines = source.count("\n") + (0 if source.endswith("\n") else 1)
    label = for_display(language or "text")
    return Content.assemble(
        (f"{number}. ", "bold"),
        (label, "italic"),
        f"  {lines} line{'s' * (lines != 1)}  ",
        (for_display(first)[:60], "dim"),
    )


class CodePickerDialog(ModalScreen[str | None]):
    """Choose a code block; dismisses with its source, or None."""

    DEFAULT_CSS = """
    CodePickerDialog { align: center middle; }
    CodePickerDialog > Vertical {
        width: 80%; max-width: 100; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    CodePickerDialog OptionList { height: auto; max-height: 16; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, blocks: list[tuple[str, str]]) -> None:
        super().__init__()
        self.blocks = blocks

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Copy a code block — press its number, or Enter")
            yield OptionList(*(Option(_preview(n, lang, src)) for n, (lang, src) in enumerate(self.blocks, 1)))

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        """Copy the highlighted block."""
        self.dismiss(self.blocks[event.option_index][1])

    def on_key(self, event: Key) -> None:
        """Digits pick blocks 1-9 directly."""
        if event.character and event.character.isdigit() and 1 <= int(event.character) <= len(self.blocks):
            event.stop()
            self.dismiss(self.blocks[int(event.character) - 1][1])
