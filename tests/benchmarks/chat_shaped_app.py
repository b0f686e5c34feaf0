"""Context for P3: a chat-shaped app built from stock Textual widgets, importing nothing of ours.

Issue 7 quotes a chat-shaped app at ~1.7x a minimal one. This is that shape (a header, a transcript holding
one Markdown reply, a multi-line prompt with a placeholder, a footer of key bindings), so P3 can be read
against both ends: the minimal app (the target's baseline) and what stock Textual takes for the same layout.
"""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Markdown, TextArea


class ChatShapedApp(App[None]):
    """Header, an anchored transcript with one Markdown message, a TextArea prompt and a Footer."""

    CSS = "VerticalScroll { height: 1fr; } TextArea { height: 5; }"
    BINDINGS = [
        Binding("ctrl+o", "noop", "Model"),
        Binding("ctrl+s", "noop", "Sessions"),
        Binding("ctrl+r", "noop", "Regenerate"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Markdown("Ask anything.", open_links=False)
        yield TextArea(id="prompt", placeholder="Ask anything · chat-shaped-ready")  # after the cursor cell
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_noop(self) -> None:
        """The bindings are there to be shown."""


if __name__ == "__main__":
    ChatShapedApp().run()
