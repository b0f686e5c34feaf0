"""When to tell Python's garbage collector that the objects it would scan are long-lived.

A full (generation 2) collection walks every tracked object: with a Textual app, a long history or a 60 KB
reply that is hundreds of thousands of objects, and the pause (20-30 ms at start-up, 0.4-1.3 s with 500
messages; performance.md §4.3) lands in the middle of a stream or a keystroke. `gc.freeze()` moves every object
that exists now into a permanent generation that collections skip, so later passes only scan what is new.
Collection is never disabled: garbage made after a freeze is still found.
"""

from __future__ import annotations

import gc

START_THRESHOLD = 100_000
"""Allocations between young collections while the app starts (Python's default is 700).

Nearly everything made from Textual's import to the first frame (modules, classes, CSS rules, the first
screen's widgets) lives as long as the app, so the default's ~120 young collections before the first frame
(~20 ms of a ~250 ms start, measured) walk objects that are never garbage. With this threshold a few still run:
collection stays on.
"""

_threshold_before_start: tuple[int, int, int] | None = None


def before_start() -> None:
    """Textual is about to be imported and the first screen built: collect young objects rarely until it is shown.

    `after_first_frame` puts the threshold back, and collects.
    """
    global _threshold_before_start
    _threshold_before_start = gc.get_threshold()
    gc.set_threshold(START_THRESHOLD, *_threshold_before_start[1:])


def after_imports() -> None:
    """Textual and our modules are imported: they live as long as the process.

    Frozen before the first screen is built, they are not walked by the automatic full collection that
    otherwise lands just before the first frame (20-25 ms of a ~250 ms start). Nothing is collected here: a
    collection now would cost the same pause; `after_first_frame` collects instead.
    """
    gc.freeze()


def after_first_frame() -> None:
    """Start-up is on screen: Textual, the CSS and the widgets live as long as the app.

    Unfrozen, collected once (so start-up's garbage, import garbage included, is freed) and frozen again, they
    are never walked again: without this, the first reply's full collections walked them mid-stream (20-30 ms
    pauses where a keystroke waits). The threshold `before_start` raised is put back first.
    """
    global _threshold_before_start
    if _threshold_before_start is not None:
        gc.set_threshold(*_threshold_before_start)
        _threshold_before_start = None
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def before_stream() -> None:
    """A reply is about to stream: what exists now (screens, history, the prompt) outlives it.

    `gc.freeze()` is a constant-time list splice, so this costs nothing on the way to the request.
    """
    gc.freeze()


def after_reply() -> None:
    """A reply ended: drop its short-lived garbage, then freeze the reply itself (it stays on screen)."""
    gc.collect(1)
    gc.freeze()


def after_history() -> None:
    """A long history is on screen: collect once (after the first frame, not before it), then freeze it."""
    gc.collect()
    gc.freeze()
