"""The model picker dialog, driven with Pilot through a small host app (and the loopback server for the network)."""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fake_server import DEFAULT_MODELS, FakeServer
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App
from textual.notifications import SeverityLevel
from textual.pilot import Pilot
from textual.widgets import Input, Static

from anannas_tui.core.client import AnannasClient
from anannas_tui.core.errors import ApiError, ErrorKind
from anannas_tui.core.model_catalog import CachedModels, ModelCatalog, encode_cache
from anannas_tui.core.models import ModelInfo, parse_models
from anannas_tui.core.state import load_state
from anannas_tui.model_search import Group, RankedModel
from anannas_tui.screens.model_picker import ModelPickerDialog, QueryInput
from anannas_tui.widgets.model_list import ModelHeader, ModelList, ModelRow

NOW = 1_760_000_000.0
SERVER_MODELS = parse_models(DEFAULT_MODELS)
SMALL = [
    ModelInfo("anthropic/claude-sonnet-4", name="Claude Sonnet 4", context_length=200_000),
    ModelInfo("meta-llama/llama-3.3-70b-instruct", context_length=131_072),
    ModelInfo("mistralai/mistral-small", context_length=32_768),
    ModelInfo("openai/gpt-4", name="GPT-4", context_length=8192),
    ModelInfo(
        "openai/gpt-5-mini",
        name="GPT-5 Mini",
        context_length=400_000,
        prompt_price=Decimal("0.00000025"),
        completion_price=Decimal("0.000002"),
    ),
    ModelInfo("x-ai/grok-4", name="Grok 4"),
]


class Host(App[None]):
    """A bare app holding a catalog, recording dialog results and notifications."""

    def __init__(self, catalog: ModelCatalog) -> None:
        super().__init__()
        self.model_catalog = catalog
        self.results: list[Any] = []
        self.notices: list[tuple[SeverityLevel, str, str]] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notices.append((severity, title, message))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


class Fetch:
    """A fetch function that counts calls and can fail or wait."""

    def __init__(self, models: list[ModelInfo], error: Exception | None = None) -> None:
        self.models, self.error, self.calls = models, error, 0
        self.gate: asyncio.Event | None = None

    async def __call__(self) -> list[ModelInfo]:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return list(self.models)


def cached_catalog(
    tmp_path: Path, models: list[ModelInfo], fetch: Fetch | None = None, age: float = 60.0
) -> ModelCatalog:
    """A catalog whose disk cache holds `models`, fetched `age` seconds ago (fresh unless age > a day)."""
    path = tmp_path / "models-cache.json"
    path.write_text(encode_cache(CachedModels(models, NOW - age)))
    return ModelCatalog(fetch or Fetch(models), path, clock=lambda: NOW)


async def open_picker(pilot: Pilot[None], **kwargs: Any) -> ModelPickerDialog:
    app = pilot.app
    assert isinstance(app, Host)
    dialog = ModelPickerDialog(app.model_catalog, **kwargs)
    await app.push_screen(dialog, app.results.append)
    await pilot.pause()
    return dialog


def listed(dialog: ModelPickerDialog) -> list[str]:
    rows = (dialog.model_list.row_at(index) for index in range(dialog.model_list.option_count))
    return [row.ranked.model.id for row in rows if row is not None]


def highlighted(dialog: ModelPickerDialog) -> str | None:
    row = dialog.model_list.row_at(dialog.model_list.highlighted)
    return None if row is None else row.ranked.model.id


def static_text(dialog: ModelPickerDialog, selector: str) -> str:
    return str(dialog.query_one(selector, Static).content)


class TestPicking:
    async def test_opens_with_favourites_recent_then_the_rest_and_current_highlighted(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(
                pilot, current="mistralai/mistral-small", favourites=["x-ai/grok-4"], recent=["openai/gpt-4"]
            )
            assert listed(dialog)[:3] == ["x-ai/grok-4", "openai/gpt-4", "anthropic/claude-sonnet-4"]
            assert highlighted(dialog) == "mistralai/mistral-small"
            assert isinstance(app.focused, QueryInput)
            assert static_text(dialog, "#count") == "6 models"
            assert app.model_catalog.is_fresh and isinstance(app.model_catalog._fetch, Fetch)
            assert app.model_catalog._fetch.calls == 0  # a fresh cache: no network

    async def test_typing_filters_and_enter_returns_the_id(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            await pilot.press(*"gpt5mini")
            assert listed(dialog) == ["openai/gpt-5-mini"]
            assert static_text(dialog, "#count") == "1 of 6 models"
            await pilot.press("enter")
            await pilot.pause()
        assert app.results == ["openai/gpt-5-mini"]
        state = load_state()
        assert state.last_model == "openai/gpt-5-mini"
        assert state.recent_models[0] == "openai/gpt-5-mini"

    async def test_escape_returns_none_and_remembers_nothing(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            await open_picker(pilot)
            await pilot.press("escape")
            await pilot.pause()
        assert app.results == [None]
        assert load_state().last_model is None

    async def test_keys_move_the_highlight_while_typing_continues(self, tmp_path: Path) -> None:
        models = [ModelInfo(f"vendor/model-{i:03}") for i in range(100)]
        app = Host(cached_catalog(tmp_path, models))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            await pilot.press("down", "down")
            assert highlighted(dialog) == "vendor/model-002"
            await pilot.press("up")
            assert highlighted(dialog) == "vendor/model-001"
            await pilot.press("pagedown")
            assert dialog.model_list.highlighted is not None and dialog.model_list.highlighted > 5
            await pilot.press("pageup")
            assert highlighted(dialog) == "vendor/model-001"
            await pilot.press("4", "2")
            assert dialog.query_text == "42"
            assert highlighted(dialog) == "vendor/model-042"

    async def test_space_types_a_space_in_single_mode(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            await pilot.press(*"gpt", "space", *"mini")
            assert dialog.query_text == "gpt mini"
            assert listed(dialog) == ["openai/gpt-5-mini"]

    async def test_no_match_says_so_and_enter_does_nothing(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            await pilot.press(*"qqqq")
            assert dialog.has_class("-empty")
            assert static_text(dialog, "#empty") == "no models match"
            await pilot.press("enter")
            await pilot.pause()
            assert app.results == []
            assert app.screen is dialog

    async def test_a_click_picks_the_row(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            await open_picker(pilot)
            await pilot.click(ModelList, offset=(4, 1))
            await pilot.pause()
        assert app.results == [SMALL[1].id]

    async def test_a_pick_that_cannot_be_saved_still_returns(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def full_disk(model_id: str, state_path: Path | None = None) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr("anannas_tui.screens.model_picker.remember_pick", full_disk)
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            await open_picker(pilot)
            await pilot.press("enter")
            await pilot.pause()
        assert app.results == [SMALL[0].id]
        assert ("warning", "", "Choice not saved for next time: No space left on device") in app.notices


class TestFavourites:
    async def test_toggle_persists_and_sorts_first(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            await pilot.press("down", "down", "down")
            assert highlighted(dialog) == "openai/gpt-4"
            await pilot.press("ctrl+f")
            assert load_state().favourites == ["openai/gpt-4"]
            assert listed(dialog)[0] == "openai/gpt-4"
            assert highlighted(dialog) == "openai/gpt-4"  # the highlight follows the model
            row = dialog.model_list.row_at(0)
            assert row is not None and row.favourite
            assert row.build(80).plain.startswith("★ openai/gpt-4")
            await pilot.press("ctrl+f")
            assert load_state().favourites == []
            assert listed(dialog)[0] == "anthropic/claude-sonnet-4"

    async def test_a_favourite_made_elsewhere_is_kept(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot, favourites=[])
            from anannas_tui.core.model_catalog import toggle_favourite

            toggle_favourite("x-ai/grok-4")  # another instance of the app starred a model meanwhile
            await pilot.press("ctrl+f")
            assert load_state().favourites == ["x-ai/grok-4", "anthropic/claude-sonnet-4"]
            assert listed(dialog)[:2] == ["x-ai/grok-4", "anthropic/claude-sonnet-4"]


class TestMultiSelect:
    async def test_returns_the_ticked_models_in_order(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot, multi=True)
            await pilot.press("down", "down", "space", "up", "up", "space")
            assert dialog.checked == ["mistralai/mistral-small", "anthropic/claude-sonnet-4"]
            assert dialog.query_text == ""
            assert "ticked 2" in static_text(dialog, "#count")
            await pilot.press("enter")
            await pilot.pause()
        assert app.results == [["mistralai/mistral-small", "anthropic/claude-sonnet-4"]]
        state = load_state()
        assert state.recent_models == ["mistralai/mistral-small", "anthropic/claude-sonnet-4"]
        assert state.last_model is None  # comparing does not change the default model

    async def test_needs_two_to_four(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot, multi=True)
            await pilot.press("space", "enter")
            await pilot.pause()
            assert app.results == [] and app.screen is dialog
            assert app.notices[-1][0] == "warning"
            for _ in range(4):
                await pilot.press("down", "space")
            assert len(dialog.checked) == 4
            assert "At most 4" in app.notices[-1][2]
            await pilot.press("space")  # the 5th row again: still refused
            assert len(dialog.checked) == 4
            await pilot.press("up", "space")  # untick the 4th
            assert len(dialog.checked) == 3
            await pilot.press("enter")
            await pilot.pause()
        assert len(app.results[0]) == 3

    async def test_ticks_survive_filtering(self, tmp_path: Path) -> None:
        app = Host(cached_catalog(tmp_path, SMALL))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot, multi=True)
            await pilot.press(*"grok", "space", "backspace", "backspace", "backspace", "backspace")
            await pilot.press(*"sonnet", "space")
            assert dialog.query_text == "sonnet"
            assert listed(dialog) == ["anthropic/claude-sonnet-4"]
            await pilot.press("enter")
            await pilot.pause()
        assert app.results == [["x-ai/grok-4", "anthropic/claude-sonnet-4"]]


class TestLoading:
    async def test_refresh_after_a_server_error_toasts_and_keeps_the_list(
        self, tmp_path: Path, fake_server: FakeServer
    ) -> None:
        async with AnannasClient(fake_server.base_url, None) as client:
            catalog = ModelCatalog(client.list_models, tmp_path / "models.json")
            await catalog.load()
            app = Host(catalog)
            async with app.run_test(size=(100, 30)) as pilot:
                dialog = await open_picker(pilot)
                before = listed(dialog)
                assert len(before) == len(SERVER_MODELS)
                fake_server.expected_key = "another-key"
                await pilot.press("ctrl+r")
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert ("error", "401 · Key rejected", "Invalid API key\n" + str(_auth_hint())) in app.notices
                assert listed(dialog) == before
                assert not dialog.has_class("-loading")

    async def test_refresh_shows_new_models(self, tmp_path: Path, fake_server: FakeServer) -> None:
        async with AnannasClient(fake_server.base_url, None) as client:
            catalog = ModelCatalog(client.list_models, tmp_path / "models.json")
            await catalog.load()
            app = Host(catalog)
            async with app.run_test(size=(100, 30)) as pilot:
                dialog = await open_picker(pilot)
                fake_server.models_payload = {"data": [{"id": "new/model-9000", "context_length": 1000}]}
                await pilot.press("ctrl+r")
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert listed(dialog) == ["new/model-9000"]
                assert any(title == "Model list refreshed" for _, title, _ in app.notices)

    async def test_without_a_cache_it_loads_then_shows_the_list(self, tmp_path: Path) -> None:
        fetch = Fetch(SMALL)
        fetch.gate = asyncio.Event()
        app = Host(ModelCatalog(fetch, tmp_path / "models.json"))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            assert static_text(dialog, "#empty") == "loading…"
            assert dialog.has_class("-empty") and dialog.has_class("-loading")
            fetch.gate.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert listed(dialog) == [m.id for m in SMALL]
            assert not dialog.has_class("-empty") and not dialog.has_class("-loading")

    async def test_a_stale_cache_is_shown_while_refreshing(self, tmp_path: Path) -> None:
        fetch = Fetch([*SMALL, ModelInfo("new/arrival")])
        fetch.gate = asyncio.Event()
        app = Host(cached_catalog(tmp_path, SMALL, fetch, age=2 * 86_400))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            assert listed(dialog) == [m.id for m in SMALL]
            assert dialog.has_class("-loading")
            fetch.gate.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "new/arrival" in listed(dialog)
            assert not dialog.has_class("-loading")

    async def test_no_cache_and_a_failure_explains_itself(self, tmp_path: Path) -> None:
        error = ApiError(ErrorKind.CONNECTION, "api.anannas.ai did not answer.")
        app = Host(ModelCatalog(Fetch([], error), tmp_path / "models.json"))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert (
                static_text(dialog, "#empty") == "could not load models: Cannot connect: api.anannas.ai did not answer."
            )
            assert app.notices[-1][:2] == ("error", "Cannot connect")

    async def test_an_unexpected_error_is_reported_without_its_text(self, tmp_path: Path) -> None:
        app = Host(ModelCatalog(Fetch([], RuntimeError("internal detail /home/me")), tmp_path / "models.json"))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.notices == [("error", "Could not load models", "Unexpected error; see the log.")]
            assert not dialog.has_class("-loading")
            assert app.screen is dialog


class TestScaleAndSafety:
    async def test_a_thousand_models_open_filter_and_pick(self, tmp_path: Path) -> None:
        models = [
            ModelInfo(f"vendor-{i % 10}/model-{i:04}", context_length=1000 + i, prompt_price=Decimal(i) / 10**9)
            for i in range(1000)
        ]
        app = Host(cached_catalog(tmp_path, models))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot, current=models[700].id)
            assert dialog.model_list.option_count == 1000
            assert highlighted(dialog) == models[700].id
            assert dialog.model_list.scroll_offset.y > 600  # scrolled to the current model
            await pilot.press(*"0999")
            assert listed(dialog)[0] == "vendor-9/model-0999"
            await pilot.press("enter")
            await pilot.pause()
        assert app.results == ["vendor-9/model-0999"]

    async def test_hostile_ids_are_shown_literally(self, tmp_path: Path) -> None:
        payload = {"data": [{"id": "[@click=app.quit]x[/]"}, {"id": "evil/\x1b]52;c;aGk=\x07id"}, {"id": "[b]bold"}]}
        models = parse_models(payload)
        app = Host(cached_catalog(tmp_path, models))
        async with app.run_test(size=(100, 30)) as pilot:
            dialog = await open_picker(pilot)
            rows = [dialog.model_list.row_at(i) for i in range(3)]
            plains = [row.build(60).plain for row in rows if row is not None]
            assert any("[@click=app.quit]x[/]" in plain for plain in plains)
            assert any("[b]bold" in plain for plain in plains)
            assert all("\x1b" not in plain and "\x07" not in plain for plain in plains)
            await pilot.click(ModelList, offset=(4, 0))
            await pilot.pause()
        assert app.results == [models[0].id]  # picked, and the app did not quit through markup


@settings(max_examples=80, deadline=None)
@given(
    model_id=st.text(st.characters(codec="utf-8", categories=["L", "N", "P"]), min_size=1, max_size=80),
    width=st.integers(min_value=10, max_value=160),
    multi=st.booleans(),
)
def test_rows_fill_the_width_and_line_up_with_the_header(model_id: str, width: int, multi: bool) -> None:
    """Wide (CJK) and long ids are cut with an ellipsis; the number columns stay under their titles."""
    model = ModelInfo(model_id, context_length=131_072, prompt_price=Decimal("0.000001"))
    row = ModelRow(RankedModel(model, Group.OTHER), checked=False if multi else None).build(width)
    header = ModelHeader(multi).build(width)
    assert row.cell_length == header.cell_length == width
    if width >= 60:  # wide enough for every column: the ASCII tails of equal-width lines line up
        assert row.plain.endswith("131k".rjust(9) + "1".rjust(11) + " " * 11)
        assert header.plain.endswith("context".rjust(9) + "$/1M in".rjust(11) + "$/1M out".rjust(11))
        assert cell_len(row.plain[: -(9 + 11 + 11)]) == width - 31


def _auth_hint() -> str | None:
    return ApiError(ErrorKind.AUTH, "").hint


# ----- snapshots ------------------------------------------------------------------------------------------


def _snapshot_app(tmp_path: Path, **kwargs: Any) -> tuple[Host, Callable[[Pilot[None]], Any]]:
    app = Host(cached_catalog(tmp_path, SERVER_MODELS))

    async def run_before(pilot: Pilot[None]) -> None:
        dialog = await open_picker(pilot, **kwargs)
        dialog.query_one(Input).cursor_blink = False
        await pilot.pause()

    return app, run_before


class TestSnapshots:
    def test_picker(self, tmp_path: Path, snap_compare: Any) -> None:
        """The picker at 100x30 over the loopback server's models.

        You should see a bordered dialog titled "Choose a model" with an empty search box, column titles
        (model, context, $/1M in, $/1M out), then ★ anthropic/claude-sonnet-4 alone above a rule, the recent
        openai/gpt-4 above a second rule, then the rest by id with openai/gpt-5-mini (the current model, in
        bold) highlighted; mistralai/mistral-small has blank prices. "52 models" under the list and a footer
        with Move, Pick, Cancel, Favourite and Refresh.
        """
        app, run_before = _snapshot_app(
            tmp_path,
            current="openai/gpt-5-mini",
            favourites=["anthropic/claude-sonnet-4"],
            recent=["openai/gpt-4", "anthropic/claude-sonnet-4"],
        )
        assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)

    def test_multi_select_filtered(self, tmp_path: Path, snap_compare: Any) -> None:
        """Compare mode with "llama" typed and two models ticked.

        You should see the title "Compare: tick 2–4 models", "llama" in the search box, only the two
        meta-llama models with the letters l-l-a-m-a of each id underlined in the accent colour, both with
        [x] ticks, the second one highlighted, "2 of 52 models · ticked 2: …" under the list, and Tick and
        Compare in the footer.
        """
        app, run_before_open = _snapshot_app(tmp_path, multi=True)

        async def run_before(pilot: Pilot[None]) -> None:
            await run_before_open(pilot)
            await pilot.press(*"llama", "space", "down", "space")

        assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
