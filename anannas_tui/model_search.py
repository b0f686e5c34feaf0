"""Ordering and fuzzy-matching models, shared by the model picker and the command palette.

Matching uses Textual's own fuzzy matcher (`textual.fuzzy.FuzzySearch`, the command palette's) on each model's
id, falling back to its name and provider. That matcher enumerates every way the query's letters can fall in the
candidate, which is exponential for a hostile id such as "ab" * 100 against the query "aaaaaaa"; above a bound
this module scores the first left-to-right match with the same scoring function instead, so no model list can
freeze the picker.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from textual.fuzzy import FuzzySearch

from anannas_tui.core.metrics import format_price, format_tokens
from anannas_tui.core.models import ModelInfo

#: Above this many candidate letter combinations the exhaustive matcher could take seconds; score greedily.
MAX_COMBINATIONS = 200


class Group(IntEnum):
    """Where a model is listed when no query is typed (and how score ties are broken)."""

    FAVOURITE = 0
    RECENT = 1
    OTHER = 2


@dataclass(frozen=True)
class RankedModel:
    """One model as listed: its group and, while a query is typed, how well it matched."""

    model: ModelInfo
    group: Group
    score: float = 0.0
    id_offsets: tuple[int, ...] = ()
    """Positions in `model.id` that matched the query, for highlighting (empty when another field matched)."""


class ModelSearch(FuzzySearch):
    """Textual's fuzzy matcher, tuned for re-ranking a list of hundreds of models on every keystroke.

    Textual keeps the word starts of only 1,024 candidates (a class-wide cache that a model list's ids, names and
    providers overflow at each keystroke); this instance keeps them for every candidate it has seen. It also
    remembers which models matched the previous query: a query that extends it can only match those.
    """

    def __init__(self) -> None:
        super().__init__(case_sensitive=False, cache_size=16 * 1024)
        self._word_starts: dict[str, frozenset[int]] = {}
        self._last: tuple[Sequence[ModelInfo], str, list[tuple[int, ModelInfo]]] | None = None

    def candidates(self, models: Sequence[ModelInfo], query: str) -> Iterable[tuple[int, ModelInfo]]:
        """(index, model) pairs worth matching: those that matched the last query when this one extends it."""
        if self._last is not None and self._last[0] is models and query.startswith(self._last[1]):
            return self._last[2]
        return enumerate(models)

    def remember(self, models: Sequence[ModelInfo], query: str, matches: list[tuple[int, ModelInfo]]) -> None:
        """Record which models matched `query`, for `candidates`."""
        self._last = (models, query, matches)

    def get_first_letters(self, candidate: str) -> frozenset[int]:  # type: ignore[override]
        """Offsets where words start in `candidate`, which score higher (cached per candidate)."""
        starts = self._word_starts.get(candidate)
        if starts is None:
            if len(self._word_starts) > 100_000:
                self._word_starts.clear()
            starts = self._word_starts[candidate] = frozenset(m.start() for m in re.finditer(r"\w+", candidate))
        return starts


def new_search() -> ModelSearch:
    """A matcher to keep for the life of a picker or palette session."""
    return ModelSearch()


def fuzzy_match(search: FuzzySearch, query: str, candidate: str) -> tuple[float, Sequence[int]]:
    """Score `candidate` against a lower-case, whitespace-free `query` with Textual's matcher, bounded in time.

    Returns:
        (score, matched offsets); (0.0, ()) when the letters do not all appear in order.
    """
    lowered = candidate.lower()
    if query in lowered:
        return search.match(query, candidate)
    counts = [lowered.count(letter) for letter in query]
    if not all(counts):
        return 0.0, ()
    if math.prod(counts) <= MAX_COMBINATIONS:
        return search.match(query, candidate)
    offsets: list[int] = []
    position = 0
    for letter in query:
        found = lowered.find(letter, position)
        if found < 0:
            return 0.0, ()
        offsets.append(found)
        position = found + 1
    return search.score(lowered, offsets), offsets


def match_model(search: FuzzySearch, query: str, model: ModelInfo) -> tuple[float, tuple[int, ...]]:
    """Score a model by its id, or failing that by its name or provider (e.g. "sonnet" finds "Claude Sonnet 4").

    The id is what the list shows and highlights, so an id match wins; trying the other fields only when the id
    does not match halves the matcher's work on the first keystrokes, when most of a large list matches.

    Returns:
        (score, matched offsets in the id); (0.0, ()) when nothing matches.
    """
    score, offsets = fuzzy_match(search, query, model.id)
    if score:
        return score, tuple(offsets)
    for field in (model.name, model.provider):
        if field:
            score, _ = fuzzy_match(search, query, field)
            if score:
                return score, ()
    return 0.0, ()


def normalise_query(query: str) -> str:
    """Lower case without whitespace: ids have no spaces, so "gpt 5 mini" should find "openai/gpt-5-mini"."""
    return "".join(query.split()).lower()


def rank_models(
    models: Sequence[ModelInfo],
    query: str,
    favourites: Sequence[str],
    recent: Sequence[str],
    search: ModelSearch | None = None,
) -> list[RankedModel]:
    """Order models for display: favourites, then recent ones, then the rest; or best match first for a query.

    Args:
        models: The catalog, in its own order (by id). Pass the same list object on every keystroke: the
            search narrows the next query's candidates to this one's matches only while the list is the same.
        query: What the user typed; blank lists everything.
        favourites: Starred ids, in the order they were starred.
        recent: Recently used ids, most recent first.
        search: A matcher to reuse between keystrokes (its cache makes backspacing cheap).
    """
    rank = {model_id: (Group.RECENT, index) for index, model_id in enumerate(recent)}
    rank.update({model_id: (Group.FAVOURITE, index) for index, model_id in enumerate(favourites)})
    needle = normalise_query(query)
    if not needle:
        entries = [(rank.get(m.id, (Group.OTHER, index)), m) for index, m in enumerate(models)]
        entries.sort(key=lambda entry: entry[0])
        return [RankedModel(model, group) for (group, _), model in entries]
    search = search or new_search()
    ranked: list[tuple[float, int, int, RankedModel]] = []
    for index, model in search.candidates(models, needle):
        score, offsets = match_model(search, needle, model)
        if score > 0:
            group = rank.get(model.id, (Group.OTHER, index))[0]
            ranked.append((-score, group, index, RankedModel(model, group, score, offsets)))
    search.remember(models, needle, [(entry[2], entry[3].model) for entry in ranked])
    ranked.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in ranked]


def price_summary(model: ModelInfo) -> str:
    """Context and $ per 1M input/output tokens in one line, e.g. "400k ctx · $0.25/$2"; unknown parts are left out."""
    parts: list[str] = []
    if model.context_length:
        parts.append(f"{format_tokens(model.context_length)} ctx")
    prices = (format_price(model.input_per_million), format_price(model.output_per_million))
    if any(prices):
        parts.append("/".join(f"${price}" if price else "?" for price in prices))
    return " · ".join(parts)
