"""The model picker: a modal with a fuzzy search box over the endpoint's models.

It opens at once from the catalog's cache (stale or not) and refreshes in the background when the cache is old,
so the list is never blank while the network is slow; a failed refresh is a toast and the old list stays. Keys
stay in the search box the whole time: typing filters, arrows and page keys move the highlight, Enter picks.

In multi-select mode (for comparing models) space ticks rows and Enter confirms once enough are ticked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, LoadingIndicator, OptionList, Static
from textual.worker import Worker, WorkerState

from anannas_tui.core.errors import ApiError
from anannas_tui.core.model_catalog import ModelCatalog, remember_pick, remember_recent, toggle_favourite
from anannas_tui.core.models import ModelInfo
from anannas_tui.model_search import Group, RankedModel, new_search, rank_models
from anannas_tui.widgets.model_list import ModelHeader, ModelList, ModelRow

_MOVE = Binding.Group("Move", compact=True)
_MOVES = {"up": "cursor_up", "down": "cursor_down", "page_up": "page_up", "page_down": "page_down"}


class QueryInput(Input):
    """The search box. In multi mode space ticks a row instead of typing (model ids have no spaces).

    Textual drops a screen's binding for any key the focused input would type, priority or not, so the input
    itself has to give space up.
    """

    def __init__(self, *, space_ticks: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.space_ticks = space_ticks

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Let space reach the dialog's Tick binding in multi mode."""
        if self.space_ticks and key == "space":
            return False
        return super().check_consume_key(key, character)


class ModelPickerDialog(ModalScreen[str | list[str] | None]):
    """Pick a model (dismisses with its id), or in multi mode 2 to `max_picks` models (a list); None on Escape.

    Args:
        catalog: Where the models come from (`app.model_catalog`).
        current: The model in use now: highlighted when the picker opens.
        favourites: Starred model ids, listed first (the dialog saves changes to the state file itself).
        recent: Recently used model ids, most recent first, listed after the favourites.
        multi: Tick several models instead of picking one.
        max_picks: The most models multi mode accepts.
        min_picks: The fewest models multi mode accepts.
    """

    CSS_PATH = "model_picker.tcss"
    model_list = getters.query_one(ModelList)
    query_input = getters.query_one(QueryInput)
    BINDINGS = [
        Binding("enter", "pick", "Pick", priority=True, tooltip="Use the highlighted model"),
        Binding("enter", "confirm", "Compare", priority=True, tooltip="Compare the ticked models"),
        Binding("space", "toggle_check", "Tick", priority=True, tooltip="Tick or untick the highlighted model"),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+f", "toggle_favourite", "Favourite", priority=True, tooltip="Star or unstar; stars list first"),
        Binding("ctrl+r", "refresh", "Refresh", priority=True, tooltip="Fetch the model list again"),
        # Priority: the search box (a ScrollView) binds these keys to scrolling itself.
        Binding("up", "move('up')", "Up", group=_MOVE, priority=True),
        Binding("down", "move('down')", "Down", group=_MOVE, priority=True),
        Binding("pageup", "move('page_up')", "Page up", show=False, priority=True),
        Binding("pagedown", "move('page_down')", "Page down", show=False, priority=True),
    ]

    def __init__(
        self,
        catalog: ModelCatalog,
        current: str | None = None,
        favourites: list[str] | None = None,
        recent: list[str] | None = None,
        *,
        multi: bool = False,
        max_picks: int = 4,
        min_picks: int = 2,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.current = current
        self.favourites = list(favourites or [])
        self.recent = list(recent or [])
        self.multi = multi
        self.max_picks = max_picks
        self.min_picks = min_picks
        self.checked: list[str] = []
        """Ticked model ids in multi mode, in the order they were ticked."""
        self._models: list[ModelInfo] | None = None
        self._error: str | None = None
        self._search = new_search()

    def compose(self) -> ComposeResult:
        """Search box, column titles, the list (or why it is empty), a status line and the key footer."""
        with Vertical(id="picker") as picker:
            picker.border_title = (
                f"Compare: tick {self.min_picks}–{self.max_picks} models" if self.multi else "Choose a model"
            )
            yield QueryInput(space_ticks=self.multi, placeholder="Search by id, name or provider", id="query")
            yield Static(ModelHeader(self.multi), id="header")
            yield ModelList(id="models")
            yield Static("", id="empty", markup=False)
            with Horizontal(id="status"):
                yield Static("", id="count", markup=False)
                yield LoadingIndicator(id="spinner")
        yield Footer()

    @property
    def query_text(self) -> str:
        """What is typed in the search box."""
        return self.query_input.value

    def on_mount(self) -> None:
        """Show the cached list at once; fetch when there is none or it is older than a day."""
        self._models = self.catalog.cached()
        self.rebuild(keep=self.current)
        if self._models is None or not self.catalog.is_fresh:
            self.load_models(refresh=False)

    # ----- the list ---------------------------------------------------------------------------------------

    def rebuild(self, keep: str | None = None) -> None:
        """Rank the models for the query and redraw, keeping the highlight on `keep` when it is still listed."""
        query = self.query_text
        ranked = rank_models(self._models or [], query, self.favourites, self.recent, self._search)
        favourites = set(self.favourites)
        rows = [self._row(entry, entry.model.id in favourites) for entry in ranked]
        ids = [entry.model.id for entry in ranked]
        dividers = set() if query.strip() else _group_ends([entry.group for entry in ranked])
        self.model_list.show_rows(rows, ids.index(keep) if keep in ids else 0, dividers)
        self._show_status(len(rows))

    def _row(self, entry: RankedModel, favourite: bool) -> ModelRow:
        model_id = entry.model.id
        checked = (model_id in self.checked) if self.multi else None
        return ModelRow(entry, favourite=favourite, checked=checked, current=model_id == self.current)

    def _show_status(self, shown: int) -> None:
        """The empty-list message, or the count of models (and ticks) under the list."""
        empty = self.query_one("#empty", Static)
        if self._models is None:
            empty.update(self._error or "loading…", layout=False)
        elif not self._models:
            empty.update("the endpoint lists no models", layout=False)
        else:
            empty.update("no models match", layout=False)
        self.set_class(shown == 0, "-empty")
        total = len(self._models or [])
        count = f"{shown} of {total} models" if self.query_text.strip() else f"{total} models"
        if self.multi:
            count += f" · ticked {len(self.checked)}: {', '.join(self.checked)}" if self.checked else " · none ticked"
        self.query_one("#count", Static).update(count, layout=False)

    def _highlighted_id(self) -> str | None:
        row = self.model_list.row_at(self.model_list.highlighted)
        return None if row is None else row.ranked.model.id

    @on(Input.Changed, "#query")
    def filter_models(self) -> None:
        """Re-rank on every keystroke, best match highlighted."""
        self.rebuild()

    @on(OptionList.OptionSelected)
    def pick_clicked(self) -> None:
        """A click picks (or ticks, in multi mode) the row under the mouse, which the list has highlighted."""
        if self.multi:
            self.action_toggle_check()
        else:
            self.action_pick()

    # ----- loading ----------------------------------------------------------------------------------------

    @work(exclusive=True, group="models", exit_on_error=False)
    async def load_models(self, refresh: bool) -> None:
        """Fetch the list in the background (the cached one stays on screen meanwhile)."""
        await self.fetch_models(refresh)

    async def fetch_models(self, refresh: bool) -> None:
        """Load from the catalog and show the result; an `ApiError` becomes a toast (and the empty-list text)."""
        self.add_class("-loading")
        try:
            models = await self.catalog.load(refresh=refresh)
        except ApiError as error:
            self.show_load_error(error)
        else:
            self._models, self._error = models, None
            self.rebuild(keep=self._highlighted_id() or self.current)
            if refresh:
                self.notify(f"{len(models)} models", title="Model list refreshed", timeout=3)
        finally:
            self.remove_class("-loading")

    def show_load_error(self, error: ApiError) -> None:
        """Report a failed fetch; with a list already on screen, only the toast."""
        message = error.message if error.hint is None else f"{error.message}\n{error.hint}"
        self.notify(message, title=error.title, severity="error", timeout=8, markup=False)
        if self._models is None:
            self._error = f"could not load models: {error.title}: {error.message}"
            self._show_status(0)

    @on(Worker.StateChanged)
    def report_crash(self, event: Worker.StateChanged) -> None:
        """A bug in the fetch (anything but `ApiError`) is logged and reported without its raw text."""
        if event.state is WorkerState.ERROR and event.worker.group == "models":
            self.log.error(event.worker.error)
            self.remove_class("-loading")
            self.notify("Unexpected error; see the log.", title="Could not load models", severity="error")

    # ----- actions ----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show Pick in single mode, Tick and Compare in multi mode (a hidden space binding types a space)."""
        if action in ("toggle_check", "confirm"):
            return self.multi
        if action == "pick":
            return not self.multi
        return True

    def action_move(self, direction: str) -> None:
        """Move the highlight while the focus stays in the search box."""
        getattr(self.model_list, f"action_{_MOVES[direction]}")()

    def action_pick(self) -> None:
        """Use the highlighted model: remember it as the default for next time and close."""
        model_id = self._highlighted_id()
        if model_id is None:
            self.app.bell()
            return
        self._save(lambda: remember_pick(model_id))
        self.dismiss(model_id)

    def action_toggle_check(self) -> None:
        """Tick or untick the highlighted model (multi mode)."""
        index = self.model_list.highlighted
        row = self.model_list.row_at(index)
        if index is None or row is None:
            self.app.bell()
            return
        model_id = row.ranked.model.id
        if model_id in self.checked:
            self.checked.remove(model_id)
        elif len(self.checked) >= self.max_picks:
            self.notify(f"At most {self.max_picks} models can be compared.", severity="warning", timeout=3)
            return
        else:
            self.checked.append(model_id)
        # Redraw just this row: rebuilding would scroll the list back to the top.
        self.model_list.replace_option_prompt_at_index(index, self._row(row.ranked, row.favourite))
        self._show_status(self.model_list.option_count)

    def action_confirm(self) -> None:
        """Close with the ticked models once there are enough (multi mode)."""
        if not self.min_picks <= len(self.checked) <= self.max_picks:
            ticked = f"{len(self.checked)} ticked"
            self.notify(f"Tick {self.min_picks}–{self.max_picks} models with space ({ticked}).", severity="warning")
            return
        chosen = list(self.checked)
        self._save(lambda: remember_recent(chosen))
        self.dismiss(chosen)

    def action_toggle_favourite(self) -> None:
        """Star or unstar the highlighted model; stars are saved at once and listed first."""
        model_id = self._highlighted_id()
        if model_id is None:
            self.app.bell()
            return
        try:
            self.favourites = toggle_favourite(model_id)
        except OSError as error:
            if model_id in self.favourites:
                self.favourites.remove(model_id)
            else:
                self.favourites.append(model_id)
            self.notify(f"Favourites not saved: {error.strerror}", severity="warning", markup=False)
        self.rebuild(keep=model_id)

    def action_refresh(self) -> None:
        """Fetch the list again, whatever the cache's age."""
        self.load_models(refresh=True)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)

    def _save(self, remember: Callable[[], None]) -> None:
        """Record a choice in the state file; a failure to save is a warning, never a lost pick."""
        try:
            remember()
        except OSError as error:
            self.notify(f"Choice not saved for next time: {error.strerror}", severity="warning", markup=False)


def _group_ends(groups: list[Group]) -> set[int]:
    """Indices after which the group changes (favourites → recent → the rest), for dividers."""
    return {index for index in range(len(groups) - 1) if groups[index] != groups[index + 1]}
