"""The command palette's model provider (ModelCommands)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App
from textual.command import CommandPalette, DiscoveryHit, Hit
from textual.content import Content
from textual.pilot import Pilot

from anannas_tui.commands import MAX_HITS, ModelCommands
from anannas_tui.core.model_catalog import CachedModels, ModelCatalog, encode_cache, remember_pick, toggle_favourite
from anannas_tui.core.models import ModelInfo
from anannas_tui.messages import ModelSelected

GPT5 = ModelInfo(
    "openai/gpt-5-mini",
    name="GPT-5 Mini",
    context_length=400_000,
    prompt_price=Decimal("0.00000025"),
    completion_price=Decimal("0.000002"),
)
MODELS = [ModelInfo("anthropic/claude-sonnet-4", context_length=200_000), ModelInfo("mistralai/mistral-small"), GPT5]


class NeverFetch:
    """The palette must never go to the network."""

    calls = 0

    async def __call__(self) -> list[ModelInfo]:
        self.calls += 1
        raise AssertionError("the palette fetched the model list")


def catalog_with(tmp_path: Path, models: list[ModelInfo] | None) -> ModelCatalog:
    path = tmp_path / "models-cache.json"
    if models is not None:
        path.write_text(encode_cache(CachedModels(models, 1_000.0)))
    return ModelCatalog(NeverFetch(), path, clock=lambda: 1_060.0)


class PaletteHost(App[None]):
    COMMANDS = App.COMMANDS | {ModelCommands}

    def __init__(self, catalog: ModelCatalog | None) -> None:
        super().__init__()
        if catalog is not None:
            self.model_catalog = catalog
        self.selected: list[str] = []

    @on(ModelSelected)
    def record(self, message: ModelSelected) -> None:
        self.selected.append(message.model_id)


async def provider_for(pilot: Pilot[None]) -> ModelCommands:
    provider = ModelCommands(pilot.app.screen)
    await provider.startup()
    return provider


async def search(provider: ModelCommands, query: str) -> list[Hit]:
    return [hit async for hit in provider.search(query) if isinstance(hit, Hit)]


async def discover(provider: ModelCommands) -> list[DiscoveryHit]:
    return [hit async for hit in provider.discover() if isinstance(hit, DiscoveryHit)]


def plain(prompt: Any) -> str:
    assert isinstance(prompt, Content), "prompts are Content, never markup strings"
    return prompt.plain


class TestSearch:
    async def test_hits_show_id_context_and_prices(self, tmp_path: Path) -> None:
        app = PaletteHost(catalog_with(tmp_path, MODELS))
        async with app.run_test() as pilot:
            hits = await search(await provider_for(pilot), "gpt5mini")
            assert [plain(hit.prompt) for hit in hits] == ["Model: openai/gpt-5-mini — 400k ctx · $0.25/$2"]
            assert hits[0].text == "Model: openai/gpt-5-mini"
            assert hits[0].score > 0
            assert [plain(hit.prompt) for hit in await search(await provider_for(pilot), "mistral")] == [
                "Model: mistralai/mistral-small"
            ]

    async def test_choosing_a_hit_posts_model_selected(self, tmp_path: Path) -> None:
        app = PaletteHost(catalog_with(tmp_path, MODELS))
        async with app.run_test() as pilot:
            (hit,) = await search(await provider_for(pilot), "sonnet")
            hit.command()
            await pilot.pause()
        assert app.selected == ["anthropic/claude-sonnet-4"]

    async def test_hits_are_capped(self, tmp_path: Path) -> None:
        many = [ModelInfo(f"vendor/model-{i:03}") for i in range(3 * MAX_HITS)]
        app = PaletteHost(catalog_with(tmp_path, many))
        async with app.run_test() as pilot:
            assert len(await search(await provider_for(pilot), "model")) == MAX_HITS

    async def test_no_cached_list_means_no_hits_and_no_fetch(self, tmp_path: Path) -> None:
        catalog = catalog_with(tmp_path, None)
        app = PaletteHost(catalog)
        async with app.run_test() as pilot:
            assert await search(await provider_for(pilot), "gpt") == []
        assert isinstance(catalog._fetch, NeverFetch) and catalog._fetch.calls == 0

    async def test_an_app_without_a_catalog_gets_nothing(self) -> None:
        app = PaletteHost(None)
        async with app.run_test() as pilot:
            provider = await provider_for(pilot)
            assert await search(provider, "gpt") == []
            assert await discover(provider) == []

    async def test_markup_in_ids_stays_text(self, tmp_path: Path) -> None:
        hostile = ModelInfo("[@click=app.quit]quit[/]")
        app = PaletteHost(catalog_with(tmp_path, [hostile]))
        async with app.run_test() as pilot:
            (hit,) = await search(await provider_for(pilot), "quit")
            assert plain(hit.prompt) == "Model: [@click=app.quit]quit[/]"
            # The palette calls Content.from_markup on prompts, which leaves Content untouched.
            assert Content.from_markup(hit.prompt) is hit.prompt  # type: ignore[arg-type]


class TestDiscover:
    async def test_favourites_then_recent(self, tmp_path: Path) -> None:
        toggle_favourite("mistralai/mistral-small")
        remember_pick("openai/gpt-5-mini")
        remember_pick("gone/model")  # no longer offered by the endpoint: still listed, without details
        remember_pick("mistralai/mistral-small")
        app = PaletteHost(catalog_with(tmp_path, MODELS))
        async with app.run_test() as pilot:
            hits = await discover(await provider_for(pilot))
            assert [plain(hit.prompt) for hit in hits] == [
                "Model: mistralai/mistral-small",
                "Model: gone/model",
                "Model: openai/gpt-5-mini — 400k ctx · $0.25/$2",
            ]


async def test_the_palette_finds_and_selects_a_model(tmp_path: Path) -> None:
    app = PaletteHost(catalog_with(tmp_path, MODELS))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"gpt5mini")
        for _ in range(50):  # the palette gathers hits in a worker
            await pilot.pause(0.05)
            if app.screen.query_one("CommandList").option_count:  # type: ignore[attr-defined]
                break
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.selected == ["openai/gpt-5-mini"]
