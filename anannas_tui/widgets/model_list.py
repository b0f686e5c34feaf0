"""The model picker's table: an `OptionList` whose rows are one-line visuals laid out in columns.

An `OptionList` measures every option's height when options are set (wrapping each prompt), and that cost grows
with the list: setting 1,000 `Content` rows took ~25 ms on a 2-core box, at every keystroke. `ModelRow` is a
`Visual` that is always one line high and builds its `Content` only when the row is drawn, at the width it is
drawn at, so re-filtering costs a few milliseconds whatever the list's length and columns follow the width.

Model ids reach the screen as `Content` built from plain text (never markup) and were sanitised when parsed.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection
from typing import ClassVar

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from anannas_tui.core.metrics import format_price, format_tokens
from anannas_tui.model_search import RankedModel

CONTEXT_WIDTH = 9
PRICE_WIDTH = 11
MIN_ID_WIDTH = 12
_NUMBERS_WIDTH = CONTEXT_WIDTH + 2 * PRICE_WIDTH


def _mark_width(multi: bool) -> int:
    """Cells before the id: a star, and a check box in multi-select mode."""
    return 6 if multi else 2


def _id_width(width: int, multi: bool) -> int:
    return max(MIN_ID_WIDTH, width - _mark_width(multi) - _NUMBERS_WIDTH)


class _OneLine(Visual):
    """A visual exactly one line high whose content is built for the width it is drawn at."""

    def __init__(self) -> None:
        self._cache: tuple[int, Content] | None = None

    @abstractmethod
    def build(self, width: int) -> Content:
        """The line's content for `width` cells."""

    def content(self, width: int) -> Content:
        """`build(width)`, remembered for the last width drawn (the list redraws rows on highlight changes)."""
        if self._cache is None or self._cache[0] != width:
            self._cache = (width, self.build(width))
        return self._cache[1]

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        """Draw the row; it is already exactly `width` cells, so nothing wraps."""
        return self.content(width).render_strips(width, 1, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """Rows fill whatever width the list has."""
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        """Always one line: this is what keeps `OptionList.set_options` cheap."""
        return 1


class ModelHeader(_OneLine):
    """The column titles, laid out like the rows below them."""

    def __init__(self, multi: bool = False) -> None:
        super().__init__()
        self.multi = multi

    def build(self, width: int) -> Content:
        """The titles: model, context, $/1M in, $/1M out."""
        return Content.assemble(
            " " * _mark_width(self.multi),
            Content("model").truncate(_id_width(width, self.multi), pad=True),
            "context".rjust(CONTEXT_WIDTH),
            "$/1M in".rjust(PRICE_WIDTH),
            "$/1M out".rjust(PRICE_WIDTH),
        ).truncate(width)


class ModelRow(_OneLine):
    """One model: favourite star, check box (multi-select), id with matched letters, context and prices.

    Args:
        ranked: The model and its matched offsets.
        favourite: Show the ★.
        checked: None in single-pick mode; otherwise whether the row's box is ticked.
        current: The model in use now (shown in a distinct style).
    """

    def __init__(
        self, ranked: RankedModel, *, favourite: bool = False, checked: bool | None = None, current: bool = False
    ) -> None:
        super().__init__()
        self.ranked = ranked
        self.favourite = favourite
        self.checked = checked
        self.current = current

    def build(self, width: int) -> Content:
        """The row for `width` cells; the id is cut with an ellipsis when the terminal is narrow."""
        model = self.ranked.model
        multi = self.checked is not None
        ident = Content(model.id)
        for offset in self.ranked.id_offsets:
            ident = ident.stylize(".model-list--match", offset, offset + 1)
        if self.current:
            ident = ident.stylize_before(".model-list--current")
        mark: list[str | tuple[str, str]] = [("★ " if self.favourite else "  ", ".model-list--favourite")]
        if multi:
            mark.append(("[x] " if self.checked else "[ ] ", ".model-list--check"))
        return Content.assemble(
            *mark,
            ident.truncate(_id_width(width, multi), ellipsis=True, pad=True),
            (format_tokens(model.context_length).rjust(CONTEXT_WIDTH), ".model-list--number"),
            (format_price(model.input_per_million).rjust(PRICE_WIDTH), ".model-list--number"),
            (format_price(model.output_per_million).rjust(PRICE_WIDTH), ".model-list--number"),
        ).truncate(width)


class ModelList(OptionList, can_focus=False):
    """The picker's list. It never takes focus: keys stay in the query input, which forwards navigation."""

    COMPONENT_CLASSES: ClassVar[set[str]] = OptionList.COMPONENT_CLASSES | {
        "model-list--match",
        "model-list--favourite",
        "model-list--check",
        "model-list--current",
        "model-list--number",
    }

    DEFAULT_CSS = """
    ModelList {
        & > .model-list--match { text-style: bold underline; color: $text-accent; }
        & > .model-list--favourite { color: $text-warning; }
        & > .model-list--check { color: $text-success; }
        & > .model-list--current { text-style: bold; }
        & > .model-list--number { color: $text-muted; }
    }
    """

    def show_rows(self, rows: list[ModelRow], highlight: int | None, dividers: Collection[int] = ()) -> None:
        """Replace the rows, highlighting row `highlight`; a divider is drawn after each index in `dividers`."""
        options: list[Option | None] = []
        for index, row in enumerate(rows):
            options.append(Option(row))
            if index in dividers:
                options.append(None)
        self.set_options(options)
        self.highlighted = highlight if rows else None

    def row_at(self, index: int | None) -> ModelRow | None:
        """The row at an option index, or None."""
        if index is None or not 0 <= index < self.option_count:
            return None
        prompt = self.get_option_at_index(index).prompt
        return prompt if isinstance(prompt, ModelRow) else None
