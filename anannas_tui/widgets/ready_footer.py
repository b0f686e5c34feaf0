"""Textual's Footer, with its keys in the screen's first frame rather than in a later one.

The stock Footer composes nothing until the screen first reports its bindings, and then recomposes only after
the next refresh: the first frame has an empty footer line, and the keys appear a frame (and, at start-up, tens
of milliseconds of other work) later. A screen whose footer keys do not depend on what is focused can draw them
straight away: this footer composes them from the screen's and the app's bindings when it is mounted, then
behaves exactly like the stock one (it recomposes when the bindings change, for instance once the prompt takes
focus, and shows the same keys again).
"""

from __future__ import annotations

from textual.reactive import Reactive
from textual.widgets import Footer


class ReadyFooter(Footer):
    """A Footer that shows the screen's and the app's keys from its first frame.

    Only for screens where focusing a widget adds no key the footer shows (the chat screen: the prompt's own
    bindings are hidden), otherwise the first frame would show other keys than the next one.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        # Textual's own flag for "the screen has reported its bindings": compose then lists them at once. If a
        # later Textual renames it, nothing is set and the footer simply behaves as the stock one
        # (tests/test_startup.py then fails on the first frame's keys, not with an error at start-up).
        ready = getattr(Footer, "_bindings_ready", None)
        if isinstance(ready, Reactive):
            self.set_reactive(ready, True)
