"""ModelCatalog: the day-long disk cache of the models list, its file format, and remembering picks."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path

import pytest
from fake_server import FakeServer
from hypothesis import given
from hypothesis import strategies as st

from anannas_tui.core import paths
from anannas_tui.core.client import AnannasClient
from anannas_tui.core.errors import ApiError, ErrorKind
from anannas_tui.core.model_catalog import (
    MAX_CACHE_BYTES,
    CachedModels,
    ModelCatalog,
    decode_cache,
    encode_cache,
    read_cache,
    remember_pick,
    remember_recent,
    toggle_favourite,
)
from anannas_tui.core.models import ModelInfo
from anannas_tui.core.sanitize import for_display
from anannas_tui.core.state import RECENT_LIMIT, load_state

DAY = 86_400.0
GPT5 = ModelInfo(
    id="openai/gpt-5-mini",
    name="GPT-5 Mini",
    provider="openai",
    context_length=400_000,
    prompt_price=Decimal("0.00000025"),
    completion_price=Decimal("0.000002"),
)
LLAMA = ModelInfo(id="meta-llama/llama-3.3-70b-instruct", context_length=131_072)


class Clock:
    """A settable clock, so freshness is tested without waiting a day."""

    def __init__(self, now: float = 1_760_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class CountingFetch:
    """A fetch function that counts calls and can be told to fail or wait."""

    def __init__(self, models: list[ModelInfo] | None = None) -> None:
        self.models = models if models is not None else [GPT5, LLAMA]
        self.calls = 0
        self.error: ApiError | None = None
        self.gate: asyncio.Event | None = None

    async def __call__(self) -> list[ModelInfo]:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return list(self.models)


def model_gets(server: FakeServer) -> int:
    return sum(1 for r in server.requests if r.method == "GET" and r.path.rstrip("/").endswith("/models"))


@pytest.fixture
def cache_path(tmp_path: Path) -> Path:
    return tmp_path / "models-cache" / "models.json"


class TestWithLoopbackServer:
    async def test_first_load_fetches_and_caches_then_opens_from_disk(
        self, fake_server: FakeServer, cache_path: Path
    ) -> None:
        clock = Clock()
        async with AnannasClient(fake_server.base_url, None) as client:
            catalog = ModelCatalog(client.list_models, cache_path, clock=clock)
            assert catalog.cached() is None
            assert not catalog.is_fresh
            models = await catalog.load()
            assert model_gets(fake_server) == 1
            assert cache_path.exists()
            # A second catalog (the next start of the app) answers from disk, without the network.
            again = ModelCatalog(client.list_models, cache_path, clock=clock)
            assert again.cached() == models
            assert again.is_fresh
            assert await again.load() == models
            assert model_gets(fake_server) == 1
        assert again.find("openai/gpt-5-mini") == next(m for m in models if m.id == "openai/gpt-5-mini")
        assert again.find("no/such-model") is None

    async def test_stale_cache_is_shown_then_refetched(self, fake_server: FakeServer, cache_path: Path) -> None:
        clock = Clock()
        async with AnannasClient(fake_server.base_url, None) as client:
            await ModelCatalog(client.list_models, cache_path, clock=clock).load()
            clock.now += DAY + 1
            catalog = ModelCatalog(client.list_models, cache_path, clock=clock)
            stale = catalog.cached()
            assert stale is not None and not catalog.is_fresh
            await catalog.load()
            assert model_gets(fake_server) == 2
            assert catalog.is_fresh

    async def test_refresh_fetches_even_when_fresh(self, fake_server: FakeServer, cache_path: Path) -> None:
        async with AnannasClient(fake_server.base_url, None) as client:
            catalog = ModelCatalog(client.list_models, cache_path)
            await catalog.load()
            await catalog.load()
            assert model_gets(fake_server) == 1
            await catalog.load(refresh=True)
            assert model_gets(fake_server) == 2

    async def test_failed_refresh_raises_and_keeps_the_old_list(
        self, fake_server: FakeServer, cache_path: Path
    ) -> None:
        async with AnannasClient(fake_server.base_url, None) as client:
            catalog = ModelCatalog(client.list_models, cache_path)
            models = await catalog.load()
            on_disk = cache_path.read_bytes()
            fake_server.expected_key = "another-key"
            with pytest.raises(ApiError) as raised:
                await catalog.load(refresh=True)
        assert raised.value.kind is ErrorKind.AUTH
        assert raised.value.status == 401
        assert catalog.cached() == models
        assert cache_path.read_bytes() == on_disk

    async def test_cache_file_is_per_endpoint(self, fake_server: FakeServer) -> None:
        assert paths.models_cache_file(fake_server.base_url) != paths.models_cache_file("https://api.anannas.ai/v1")


class TestFreshness:
    def test_a_clock_that_went_backwards_means_stale(self, cache_path: Path) -> None:
        cache_path.parent.mkdir(parents=True)
        cache_path.write_text(encode_cache(CachedModels([GPT5], fetched_at=2_000.0)))
        clock = Clock(1_000.0)
        catalog = ModelCatalog(CountingFetch(), cache_path, clock=clock)
        assert catalog.cached() == [GPT5]
        assert not catalog.is_fresh
        clock.now = 2_000.0 + DAY - 1
        assert catalog.is_fresh
        clock.now = 2_000.0 + DAY
        assert not catalog.is_fresh

    async def test_max_age_is_honoured(self, cache_path: Path) -> None:
        clock, fetch = Clock(), CountingFetch()
        catalog = ModelCatalog(fetch, cache_path, max_age=60, clock=clock)
        await catalog.load()
        clock.now += 59
        await catalog.load()
        assert fetch.calls == 1
        clock.now += 2
        await catalog.load()
        assert fetch.calls == 2
        assert catalog.fetched_at == clock.now


class TestConcurrency:
    async def test_callers_share_one_fetch(self, cache_path: Path) -> None:
        fetch = CountingFetch()
        fetch.gate = asyncio.Event()
        catalog = ModelCatalog(fetch, cache_path)
        first = asyncio.ensure_future(catalog.load())
        second = asyncio.ensure_future(catalog.load(refresh=True))
        await asyncio.sleep(0)
        assert catalog.is_loading
        fetch.gate.set()
        assert await first == await second == [GPT5, LLAMA]
        assert fetch.calls == 1
        assert not catalog.is_loading

    async def test_cancelling_one_caller_does_not_cancel_the_fetch(self, cache_path: Path) -> None:
        fetch = CountingFetch()
        fetch.gate = asyncio.Event()
        catalog = ModelCatalog(fetch, cache_path)
        impatient = asyncio.ensure_future(catalog.load())
        patient = asyncio.ensure_future(catalog.load())
        await asyncio.sleep(0)
        impatient.cancel()
        fetch.gate.set()
        assert await patient == [GPT5, LLAMA]
        assert impatient.cancelled()
        assert catalog.cached() == [GPT5, LLAMA]

    async def test_a_failure_nobody_awaits_is_not_left_unretrieved(self, cache_path: Path) -> None:
        fetch = CountingFetch()
        fetch.gate = asyncio.Event()
        fetch.error = ApiError(ErrorKind.CONNECTION, "nope")
        catalog = ModelCatalog(fetch, cache_path)
        caller = asyncio.ensure_future(catalog.load())
        await asyncio.sleep(0)
        caller.cancel()
        fetch.gate.set()
        for _ in range(5):
            await asyncio.sleep(0)
        assert not catalog.is_loading
        # A later load fetches again (the failure was not cached).
        fetch.error = None
        assert await catalog.load() == [GPT5, LLAMA]
        assert fetch.calls == 2


class TestDamagedCache:
    @pytest.mark.parametrize(
        "content",
        [
            b"",
            b"not json",
            b"\xff\xfe\x00garbage",
            b"[]",
            b'{"schema": 2, "fetched_at": 1, "models": []}',
            b'{"schema": 1, "fetched_at": "yesterday", "models": []}',
            b'{"schema": 1, "fetched_at": true, "models": []}',
            b'{"schema": 1, "fetched_at": 1, "models": {}}',
            b'{"schema": 1, "fetched_at": 1, "models": [{"name": "no id"}]}',
            b'{"schema": 1, "fetched_at": 1, "models": [{"id": ""}]}',
            b'{"schema": 1, "fetched_at": 1, "models": [{"id": "a", "prompt_price": "-1"}]}',
            b'{"schema": 1, "fetched_at": 1, "models": [{"id": "a", "prompt_price": "NaN"}]}',
            b'{"schema": 1, "fetched_at": 1, "models": [{"id": "a", "prompt_price": 0.5}]}',
            b'{"schema": 1, "fetched_at": 1, "models": [{"id": "a", "context_length": -5}]}',
            b'{"schema": 1, "fetched_at": 1, "models": [{"id": "a", "capabilities": "text"}]}',
        ],
    )
    async def test_is_ignored_and_refetched(self, cache_path: Path, content: bytes) -> None:
        cache_path.parent.mkdir(parents=True)
        cache_path.write_bytes(content)
        fetch = CountingFetch()
        catalog = ModelCatalog(fetch, cache_path)
        assert catalog.cached() is None
        assert await catalog.load() == [GPT5, LLAMA]
        assert fetch.calls == 1
        assert read_cache(cache_path) is not None  # replaced by a good one

    def test_an_oversized_file_is_not_read(self, cache_path: Path) -> None:
        cache_path.parent.mkdir(parents=True)
        good = encode_cache(CachedModels([GPT5], 1.0))
        cache_path.write_text(good + " " * (MAX_CACHE_BYTES + 1 - len(good)))
        assert read_cache(cache_path) is None

    def test_text_from_disk_is_sanitised(self, cache_path: Path) -> None:
        cache_path.parent.mkdir(parents=True)
        hostile = {"id": "evil/\x1b]52;c;aGk=\x07model", "name": "\u202eName", "capabilities": ["\x9b2J"]}
        cache_path.write_text(json.dumps({"schema": 1, "fetched_at": 1.0, "models": [hostile]}))
        loaded = read_cache(cache_path)
        assert loaded is not None
        (model,) = loaded.models
        assert "\x1b" not in model.id and "\x07" not in model.id and model.id == for_display(hostile["id"])
        assert "\u202e" not in model.name
        assert model.capabilities == (for_display("\x9b2J"),)

    async def test_duplicate_ids_keep_one_entry(self, cache_path: Path) -> None:
        cache_path.parent.mkdir(parents=True)
        cache_path.write_text(encode_cache(CachedModels([GPT5, LLAMA, GPT5], 1.0)))
        catalog = ModelCatalog(CountingFetch(), cache_path)
        assert catalog.cached() == [GPT5, LLAMA]

    async def test_an_unwritable_cache_does_not_break_loading(self, tmp_path: Path) -> None:
        blocker = tmp_path / "not-a-dir"
        blocker.write_text("a file where the cache folder should be")
        catalog = ModelCatalog(CountingFetch(), blocker / "models.json")
        assert await catalog.load() == [GPT5, LLAMA]
        assert catalog.is_fresh
        assert catalog.find(GPT5.id) == GPT5


# ----- the file format ------------------------------------------------------------------------------------

_text = st.text(max_size=40).map(for_display)
_price = st.none() | st.decimals(min_value=0, max_value=Decimal(1000), allow_nan=False, allow_infinity=False)
_count = st.none() | st.integers(min_value=1, max_value=10**9)
_model = st.builds(
    ModelInfo,
    id=st.text(min_size=1, max_size=60).map(for_display),
    name=_text,
    provider=_text,
    context_length=_count,
    max_output=_count,
    prompt_price=_price,
    completion_price=_price,
    description=st.text(max_size=200).map(for_display),
    capabilities=st.lists(_text, max_size=5).map(tuple),
)


@given(
    models=st.lists(_model, max_size=8),
    fetched_at=st.floats(min_value=0, max_value=4e9, allow_nan=False),
)
def test_cache_round_trip(models: list[ModelInfo], fetched_at: float) -> None:
    decoded = decode_cache(encode_cache(CachedModels(models, fetched_at)))
    assert decoded.models == models
    assert decoded.fetched_at == fetched_at
    # Prices keep their exact digits (no float in between).
    for before, after in zip(models, decoded.models, strict=True):
        assert str(before.prompt_price) == str(after.prompt_price)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
_model_like = st.dictionaries(
    st.sampled_from(["id", "name", "provider", "context_length", "prompt_price", "capabilities"]), _json
)
_cache_like = st.fixed_dictionaries(
    {"schema": st.just(1), "fetched_at": _json, "models": st.lists(_json | _model_like, max_size=3)}
)


@given(st.one_of(_json, _cache_like))
def test_decoding_anything_either_works_or_raises_value_error(document: object) -> None:
    try:
        decoded = decode_cache(json.dumps(document))
    except ValueError:
        return
    for model in decoded.models:
        assert model.id and model.id == for_display(model.id)


# ----- remembering choices --------------------------------------------------------------------------------


class TestRemembering:
    def test_pick_becomes_default_and_most_recent(self) -> None:
        remember_pick("a/one")
        remember_pick("b/two")
        remember_pick("a/one")
        state = load_state()
        assert state.last_model == "a/one"
        assert state.recent_models == ["a/one", "b/two"]

    def test_compare_picks_are_recent_but_not_the_default(self) -> None:
        remember_pick("a/one")
        remember_recent(["c/three", "b/two", "c/three"])
        state = load_state()
        assert state.last_model == "a/one"
        assert state.recent_models == ["c/three", "b/two", "a/one"]

    def test_recent_list_is_bounded(self) -> None:
        remember_recent([f"m/{i}" for i in range(RECENT_LIMIT + 5)])
        assert len(load_state().recent_models) == RECENT_LIMIT

    def test_toggle_favourite_round_trips(self) -> None:
        assert toggle_favourite("a/one") == ["a/one"]
        assert toggle_favourite("b/two") == ["a/one", "b/two"]
        assert load_state().favourites == ["a/one", "b/two"]
        assert toggle_favourite("a/one") == ["b/two"]
        assert load_state().favourites == ["b/two"]

    def test_an_explicit_state_path_is_used(self, tmp_path: Path) -> None:
        path = tmp_path / "elsewhere.toml"
        remember_pick("a/one", state_path=path)
        assert load_state(path).last_model == "a/one"
        assert load_state().last_model is None
