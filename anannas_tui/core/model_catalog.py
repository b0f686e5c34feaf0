"""The endpoint's model list, cached on disk for a day so the model picker opens instantly after the first run.

`ModelCatalog` sits between the UI and `AnannasClient.list_models`: `cached()` answers at once from memory or
the disk cache (even a stale one, which is shown while a refresh runs), `load()` goes to the network only when
the cache is missing, old or a refresh is asked for. A failed fetch raises `ApiError` and leaves the cache alone,
so the picker keeps showing the old list and reports the error in a toast.

The cache file is JSON (`schema`, `fetched_at`, `models`) with prices as decimal strings, so no precision is lost
to floats. It is disposable: a damaged or foreign file is ignored and replaced by the next fetch.

The small `remember_pick` / `remember_recent` / `toggle_favourite` helpers record the user's choices in the
state file, so the picker, the command palette and the app all do it the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from anannas_tui.core.atomic import atomic_write
from anannas_tui.core.models import ModelInfo
from anannas_tui.core.sanitize import for_display
from anannas_tui.core.state import RECENT_LIMIT, update_state

CACHE_SCHEMA = 1
DEFAULT_MAX_AGE = 86_400.0
"""Seconds a fetched list stays fresh: model lists change rarely, and `ctrl+r` in the picker forces a refresh."""
MAX_CACHE_BYTES = 32 * 1024 * 1024
"""A cache file larger than this is not ours (thousands of models take well under 2 MB)."""

Fetch = Callable[[], Awaitable[list[ModelInfo]]]


@dataclass(frozen=True)
class CachedModels:
    """The contents of a cache file."""

    models: list[ModelInfo]
    fetched_at: float
    """When the list was fetched, in seconds since the epoch."""


class ModelCatalog:
    """The model list for one endpoint: in memory, on disk, and fetched when needed.

    Args:
        fetch: Gets the live list (normally `AnannasClient.list_models`); raises `ApiError` on failure.
        cache_path: The cache file (`paths.models_cache_file(base_url)`).
        max_age: Seconds after which the cache is stale and `load()` fetches again.
        clock: Returns the time in seconds since the epoch; tests pass their own.
    """

    def __init__(
        self,
        fetch: Fetch,
        cache_path: Path,
        max_age: float = DEFAULT_MAX_AGE,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._fetch = fetch
        self.cache_path = cache_path
        self.max_age = max_age
        self._clock = clock
        self._models: list[ModelInfo] | None = None
        self._by_id: dict[str, ModelInfo] = {}
        self._fetched_at: float | None = None
        self._disk_read = False
        self._inflight: asyncio.Future[list[ModelInfo]] | None = None

    def cached(self) -> list[ModelInfo] | None:
        """The list from memory or the disk cache, fresh or stale; None if there is none (or it is damaged)."""
        if self._models is None and not self._disk_read:
            self._disk_read = True
            loaded = read_cache(self.cache_path)
            if loaded is not None:
                self._remember(loaded.models, loaded.fetched_at)
        return self._models

    @property
    def fetched_at(self) -> float | None:
        """When the known list was fetched (seconds since the epoch), or None when there is no list."""
        self.cached()
        return self._fetched_at

    @property
    def is_fresh(self) -> bool:
        """True when a list is known and younger than `max_age` (a clock that went backwards means stale)."""
        fetched_at = self.fetched_at
        return fetched_at is not None and 0 <= self._clock() - fetched_at < self.max_age

    @property
    def is_loading(self) -> bool:
        """True while a fetch is in flight."""
        return self._inflight is not None

    def find(self, model_id: str) -> ModelInfo | None:
        """The known model with this id, or None (also when no list is known yet)."""
        self.cached()
        return self._by_id.get(model_id)

    async def load(self, refresh: bool = False) -> list[ModelInfo]:
        """The list: from the cache when it is fresh (and `refresh` is False), otherwise fetched and cached.

        Callers that ask while a fetch is already running share it, so the app and the picker opening at once
        make one request; cancelling one caller does not cancel the fetch for the others.

        Raises:
            ApiError: The fetch failed. The previous list (if any) is kept: `cached()` still returns it.
        """
        if not refresh and self.is_fresh and self._models is not None:
            return self._models
        if self._inflight is None:
            inflight = asyncio.ensure_future(self._fetch_and_save())
            inflight.add_done_callback(self._fetch_done)
            self._inflight = inflight
        return await asyncio.shield(self._inflight)

    async def _fetch_and_save(self) -> list[ModelInfo]:
        """Fetch the live list, keep it in memory and write the cache (a failed write only costs a refetch)."""
        models = await self._fetch()
        fetched_at = self._clock()
        self._remember(models, fetched_at)
        # The cache is an optimisation: a read-only or full disk must not break the picker.
        with contextlib.suppress(OSError):
            self.cache_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write(self.cache_path, encode_cache(CachedModels(models, fetched_at)))
        return models

    def _fetch_done(self, future: asyncio.Future[list[ModelInfo]]) -> None:
        """Forget the finished fetch; retrieve its error so an unawaited failure is not logged as a bug."""
        self._inflight = None
        if not future.cancelled():
            future.exception()

    def _remember(self, models: list[ModelInfo], fetched_at: float) -> None:
        """Keep the list; a repeated id (a hand-edited cache, an odd server) keeps its first entry only."""
        by_id: dict[str, ModelInfo] = {}
        for model in models:
            by_id.setdefault(model.id, model)
        self._models = list(by_id.values())
        self._by_id = by_id
        self._fetched_at = fetched_at


def read_cache(path: Path) -> CachedModels | None:
    """The cache file's contents, or None when it is missing, unreadable, too large or damaged."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_CACHE_BYTES:
        return None
    try:
        return decode_cache(raw.decode("utf-8"))
    except ValueError:  # also UnicodeDecodeError and JSONDecodeError
        return None


def encode_cache(cached: CachedModels) -> str:
    """The cache file's JSON text; Decimals become strings so prices survive exactly."""
    document = {
        "schema": CACHE_SCHEMA,
        "fetched_at": cached.fetched_at,
        "models": [_encode_model(model) for model in cached.models],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def decode_cache(text: str) -> CachedModels:
    """Parse a cache file's text; every string passes `for_display` again, since it was read from disk.

    Raises:
        ValueError: The text is not a cache of this schema, or any entry is malformed (the file is then
            treated as missing, which costs one fetch).
    """
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("schema") != CACHE_SCHEMA:
        raise ValueError("not a models cache of this schema")
    fetched_at = document.get("fetched_at")
    if isinstance(fetched_at, bool) or not isinstance(fetched_at, int | float) or not math.isfinite(fetched_at):
        raise ValueError("bad fetched_at")
    items = document.get("models")
    if not isinstance(items, list):
        raise ValueError("bad models")
    return CachedModels([_decode_model(item) for item in items], float(fetched_at))


def _encode_model(model: ModelInfo) -> dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "provider": model.provider,
        "context_length": model.context_length,
        "max_output": model.max_output,
        "prompt_price": None if model.prompt_price is None else str(model.prompt_price),
        "completion_price": None if model.completion_price is None else str(model.completion_price),
        "description": model.description,
        "capabilities": list(model.capabilities),
    }


def _decode_model(item: Any) -> ModelInfo:
    if not isinstance(item, dict):
        raise ValueError("model entry is not an object")
    capabilities = item.get("capabilities", [])
    if not isinstance(capabilities, list):
        raise ValueError("bad capabilities")
    model_id = _text(item.get("id"))
    if not model_id:
        raise ValueError("model without an id")
    return ModelInfo(
        id=model_id,
        name=_text(item.get("name", "")),
        provider=_text(item.get("provider", "")),
        context_length=_count(item.get("context_length")),
        max_output=_count(item.get("max_output")),
        prompt_price=_price(item.get("prompt_price")),
        completion_price=_price(item.get("completion_price")),
        description=_text(item.get("description", "")),
        capabilities=tuple(_text(value) for value in capabilities),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return for_display(value)


def _count(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("expected a positive integer")
    return value


def _price(value: Any) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("expected a decimal string")
    try:
        price = Decimal(value)
    except InvalidOperation:
        raise ValueError("expected a decimal string") from None
    if not price.is_finite() or price < 0:
        raise ValueError("expected a finite, non-negative price")
    return price


def remember_pick(model_id: str, state_path: Path | None = None) -> None:
    """Record a chosen model: it becomes the default for the next start and the head of the recent list.

    Raises:
        OSError: The state file could not be written.
    """
    with update_state(state_path) as state:
        state.use_model(model_id)


def remember_recent(model_ids: Sequence[str], state_path: Path | None = None) -> None:
    """Put models at the head of the recent list without changing the default (models picked to compare).

    Raises:
        OSError: The state file could not be written.
    """
    with update_state(state_path) as state:
        head = list(dict.fromkeys(model_ids))
        state.recent_models = [*head, *(m for m in state.recent_models if m not in head)][:RECENT_LIMIT]


def toggle_favourite(model_id: str, state_path: Path | None = None) -> list[str]:
    """Star or unstar a model in the state file and return the favourites as now saved.

    Raises:
        OSError: The state file could not be written.
    """
    with update_state(state_path) as state:
        state.toggle_favourite(model_id)
        return list(state.favourites)
