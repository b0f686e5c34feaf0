"""The top of a compare column: which model it is, its reply's figures, and the next prompt's cost preview.

The heading stays put above the column's transcript (and is what a tab shows in narrow terminals), so the
figures of every model are in view while its reply scrolls. Model ids come from the network: they are
sanitised and drawn as `Content`, never markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from anannas_tui.core.sanitize import for_display
from anannas_tui.widgets.metrics_line import MetricsLine
from anannas_tui.widgets.reply_figures import GLYPHS

TAB_NAME_LIMIT = 18
"""Characters of a model name in a tab, so four tabs fit in 80 columns."""


def heading_name(label: str, model: str, *, hidden: bool, favourite: bool) -> Content:
    """ "A openai/gpt-5-mini ★ favourite", or "Model A" while blind mode hides the model."""
    name = Content(f"Model {label}") if hidden else Content.assemble((f"{label} ", "$text-accent"), for_display(model))
    return Content.assemble(name, (" ★ favourite", "$text-warning")) if favourite else name


def tab_name(label: str, model: str, *, hidden: bool, favourite: bool, state: str) -> Content:
    """ "A gpt-5-mini ✓" (the model without its provider, then the reply's state), or "Model A ✓" while blind.

    Args:
        state: "streaming", a reply status ("complete", "error", ...) or "" before the first reply.
    """
    name = f"Model {label}" if hidden else f"{label} {for_display(model).rpartition('/')[2]}"
    parts = [name[:TAB_NAME_LIMIT], GLYPHS.get(state, ""), "★" if favourite else ""]
    return Content(" ".join(part for part in parts if part))


class ColumnHeading(Vertical):
    """Name, figures and preview lines; the column fills them in."""

    DEFAULT_CSS = """
    ColumnHeading {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="column-header", markup=False)
        yield MetricsLine(id="column-figures")
        yield MetricsLine(id="column-preview")
