"""The baselines: what stock Textual does with the same text, measured in the same run as our widgets.

- `StockChatApp`: the canonical streaming pattern from Textual's docs (`Markdown.get_stream` in an anchored
  VerticalScroll, fed from the same client and loopback server as the app), with a TextArea prompt.
- `PerMessageApp`: a long conversation as one Markdown (or Static) widget per message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static, TextArea

from anannas_tui.core.events import ContentDelta
from anannas_tui.core.sanitize import for_display


class StockChatApp(App[None]):
    """A chat pane the way Textual's docs show it: Markdown.get_stream() in an anchored VerticalScroll."""

    CSS = "VerticalScroll { height: 1fr; } TextArea { height: 5; }"

    def __init__(self, columns: int = 1) -> None:
        super().__init__()
        self.columns = columns
        self.deltas = 0

    def compose(self) -> ComposeResult:
        for _ in range(self.columns):
            with VerticalScroll():
                yield Markdown(open_links=False)
        yield TextArea(id="prompt")

    def on_mount(self) -> None:
        for pane in self.query(VerticalScroll):
            pane.anchor()
        self.query_one(TextArea).focus()

    async def stream_reply(self, base_url: str, model: str, column: int = 0, limit: int | None = None) -> None:
        """Stream one reply from the server into column `column` (at most `limit` deltas)."""
        from anannas_tui.core.client import AnannasClient
        from anannas_tui.core.secret import Secret

        markdown = list(self.query(Markdown))[column]
        stream = Markdown.get_stream(markdown)
        count = 0
        try:
            async with AnannasClient(base_url, Secret("sk-bench-0000")) as client:
                async for event in client.stream_chat(model, [{"role": "user", "content": "go"}]):
                    if isinstance(event, ContentDelta):
                        await stream.write(for_display(event.text))
                        self.deltas += 1
                        count += 1
                        if limit is not None and count >= limit:
                            break
        finally:
            await stream.stop()


class PerMessageApp(App[None]):
    """A saved conversation shown the naive way: one widget per message, all mounted."""

    CSS = "VerticalScroll { height: 1fr; }"

    def __init__(self, messages: Sequence[tuple[str, str]], kind: Literal["markdown", "static"]) -> None:
        super().__init__()
        self.messages = messages
        self.kind = kind

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for _role, text in self.messages:
                safe = for_display(text)
                yield Markdown(safe, open_links=False) if self.kind == "markdown" else Static(safe, markup=False)

    def on_mount(self) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.anchor()
        scroll.focus()


class StockChatTerminalApp(StockChatApp):
    """The stock chat pane for a real terminal: Enter streams `model` from `base_url` (bench_tmux.py)."""

    BINDINGS = [("enter", "send", "Send")]

    def __init__(self, base_url: str, model: str) -> None:
        super().__init__()
        self.base_url = base_url
        self.model = model

    def action_send(self) -> None:
        self.run_worker(self.stream_reply(self.base_url, self.model), exclusive=True)


if __name__ == "__main__":  # the stock chat pane in a real terminal (bench_tmux.py): BASE_URL MODEL
    import sys

    StockChatTerminalApp(sys.argv[1], sys.argv[2]).run()
