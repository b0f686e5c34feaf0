"""Command palette providers (ctrl+p).

`ModelCommands` makes every model searchable from the palette, with favourites and recent models offered before
anything is typed. It reads only the catalog's cached list: the palette must answer at keystroke speed, and the
model picker is where the list is fetched and refreshed.

Palette prompts are `Content` built from plain text: model ids come from the network and must never be parsed as
markup (`Matcher.highlight` and the palette's string `help` both parse markup, so neither is used for them).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

from anannas_tui.core.model_catalog import ModelCatalog
from anannas_tui.core.models import ModelInfo
from anannas_tui.core.state import load_state
from anannas_tui.messages import ModelSelected
from anannas_tui.model_search import ModelSearch, new_search, price_summary, rank_models

#: The palette lists hits in an OptionList; past this many a one-letter query only adds rows nobody reads.
MAX_HITS = 50
_DEFAULT_MATCH_STYLE = Style(bold=True, underline=True)


class ModelCommands(Provider):
    """Search the endpoint's models by id, name or provider; choosing one posts `ModelSelected`.

    The host app provides the catalog as `app.model_catalog`; an app without one gets no hits.
    """

    _model_search: ModelSearch
    _favourites: list[str]
    _recent: list[str]

    @property
    def catalog(self) -> ModelCatalog | None:
        """The app's catalog, if it has one."""
        catalog = getattr(self.app, "model_catalog", None)
        return catalog if isinstance(catalog, ModelCatalog) else None

    async def startup(self) -> None:
        """Read favourites and recent models once per palette session (the palette awaits this first)."""
        self._model_search = new_search()
        state = load_state()
        self._favourites, self._recent = list(state.favourites), list(state.recent_models)

    async def discover(self) -> Hits:
        """Favourites, then recent models: what is most likely wanted before anything is typed."""
        catalog = self.catalog
        if catalog is None:
            return
        for model_id in dict.fromkeys([*self._favourites, *self._recent]):
            model = catalog.find(model_id) or ModelInfo(id=model_id)
            yield DiscoveryHit(self._prompt(model, ()), partial(self.select, model_id), text=_text(model))

    async def search(self, query: str) -> Hits:
        """The cached models that fuzzy-match `query`, best first (at most `MAX_HITS`)."""
        catalog = self.catalog
        models = None if catalog is None else catalog.cached()
        if not models:
            return
        ranked = rank_models(models, query, self._favourites, self._recent, self._model_search)
        for entry in ranked[:MAX_HITS]:
            model = entry.model
            prompt = self._prompt(model, entry.id_offsets)
            yield Hit(entry.score, prompt, partial(self.select, model.id), text=_text(model))

    def select(self, model_id: str) -> None:
        """Tell the screen the palette was opened from that a model was chosen."""
        self.screen.post_message(ModelSelected(model_id))

    def _prompt(self, model: ModelInfo, offsets: Sequence[int]) -> Content:
        """ "Model: openai/gpt-5-mini — 400k ctx · $0.25/$2" with the matched letters of the id highlighted."""
        ident = Content(model.id)
        style = self.match_style or _DEFAULT_MATCH_STYLE
        for offset in offsets:
            ident = ident.stylize(style, offset, offset + 1)
        summary = price_summary(model)
        tail = Content.styled(f" — {summary}", "dim") if summary else Content("")
        return Content.assemble("Model: ", ident, tail)


def _text(model: ModelInfo) -> str:
    """The plain text of a hit (the palette puts it in its input on tab completion)."""
    return f"Model: {model.id}"
