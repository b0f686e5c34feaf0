"""The P3 baseline: the smallest Textual app with something on screen, importing nothing else.

It lives apart from `stock_apps.py` on purpose: a baseline that also imported Textual's Markdown and TextArea
widgets (as `stock_apps.py` must) started about 45 ms later, which flattered the ratio.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static


class MinimalApp(App[None]):
    """One Static."""

    def compose(self) -> ComposeResult:
        yield Static("minimal-ready")


if __name__ == "__main__":
    MinimalApp().run()
