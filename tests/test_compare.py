"""Compare mode end to end, through Pilot, against the loopback gateway (tests/fake_server.py).

The model id picks what the server does, so one comparison can hold a model that answers, one that is refused
by moderation (test/status-403), one that streams slowly (test/slow) and one that stalls (test/stall). Each
test drives the real app (`make_app`) with keys and checks what a user would see and what was saved.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from fake_payloads import NORMAL_REPLY, STALL_DELTA, USAGE
from fake_server import FakeServer
from hypothesis import given
from hypothesis import strategies as st
from pilot_helpers import wait_for
from textual.content import Content
from textual.pilot import Pilot

from anannas_tui.app import AnannasApp, AppOptions, make_app
from anannas_tui.core.config import Config
from anannas_tui.core.cost_preview import (
    MESSAGE_OVERHEAD,
    CostPreview,
    cost_preview,
    estimate_tokens,
    history_tokens,
    next_prompt_tokens,
)
from anannas_tui.core.metrics import ReplyTimer
from anannas_tui.core.models import ModelInfo
from anannas_tui.core.secret import Secret
from anannas_tui.core.session import Role, SessionKind, Status
from anannas_tui.screens.chat import ChatScreen
from anannas_tui.screens.compare import CompareScreen
from anannas_tui.widgets.assistant_message import AssistantMessage
from anannas_tui.widgets.compare_column import CompareColumn
from anannas_tui.widgets.error_entry import ErrorEntry
from anannas_tui.widgets.metrics_line import pack, rows_needed

KEY = "sk-test-secret-key-0123456789"
THREE = ["test/normal", "test/status-403", "test/slow"]
BILLED = Decimal(str(USAGE["cost"]))
TTFT = 0.25
"""Seconds to the first token that every reply reports in the snapshot tests."""
GENERATION = 1.0
"""Seconds from the first token to the end that every reply reports in the snapshot tests."""


@pytest.fixture
def options(fake_server: FakeServer) -> AppOptions:
    """The app pointed at the loopback gateway, with no retries (tests that want them set them)."""
    config = Config()
    config.api.base_url = fake_server.base_url
    config.api.stall_timeout = 30.0
    config.api.retries = 0
    config.chat.model = "test/normal"
    return AppOptions(config=config, api_key=Secret(KEY))


def compare_app(options: AppOptions, models: list[str]) -> AnannasApp:
    options.compare = list(models)
    return make_app(options)


def screen_of(app: AnannasApp) -> CompareScreen:
    screen = app.screen
    assert isinstance(screen, CompareScreen), screen
    return screen


def idle(screen: CompareScreen) -> bool:
    return not any(column.streaming for column in screen.columns)


async def ask(pilot: Pilot[None], text: str, *, wait: bool = True) -> CompareScreen:
    """Type `text` into the shared prompt and press Enter; optionally wait until every column has finished."""
    screen = screen_of(pilot.app)  # type: ignore[arg-type]
    await wait_for(pilot, lambda: screen.app.model_catalog.cached() is not None)
    before = [len(column.messages) for column in screen.session.columns]
    screen.prompt.focus()
    screen.prompt.load_text(text)
    await pilot.press("enter")
    if wait:
        grown = lambda: all(len(c.messages) >= n + 2 for c, n in zip(screen.session.columns, before, strict=True))  # noqa: E731
        await wait_for(pilot, lambda: grown() and idle(screen))
        await pilot.pause()
    return screen


def replies(column: CompareColumn) -> list[AssistantMessage]:
    return list(column.pane.query(AssistantMessage))


def toasts(app: AnannasApp) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


async def focus_column(pilot: Pilot[None], label: str) -> CompareColumn:
    column = screen_of(pilot.app).column(label)  # type: ignore[arg-type]
    column.pane.focus()
    await pilot.pause()
    return column


# ----- streaming side by side --------------------------------------------------------------------------------


async def test_three_columns_one_refused_one_slow_none_blocks_the_others(
    options: AppOptions, fake_server: FakeServer
) -> None:
    fake_server.slow_rate = 4.0  # test/slow takes ~3 s; the others end in milliseconds
    app = compare_app(options, THREE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "Explain qubits", wait=False)
        normal, refused, slow = screen.columns
        await wait_for(pilot, lambda: not normal.streaming and not refused.streaming)
        assert slow.streaming, "the slow column is still answering while the others have finished"
        assert "streaming" in slow.figures.text or "waiting" in slow.figures.text
        # The finished column shows exactly what the server billed.
        metrics = normal.last_metrics
        assert metrics is not None and metrics.usage is not None
        assert (metrics.usage.prompt_tokens, metrics.usage.completion_tokens) == (
            USAGE["prompt_tokens"],
            USAGE["completion_tokens"],
        )
        assert metrics.cost == BILLED and not metrics.cost_estimated
        assert replies(normal)[-1].text == NORMAL_REPLY
        assert "194 in / 87 out" in normal.figures.text and "$0.00014" in normal.figures.text
        assert "✓ stop" in normal.figures.text and "TTFT" in normal.figures.text
        # The refused column shows its error in place, and a toast names it.
        assert refused.column.messages[-1].status is Status.ERROR
        assert "✖ 403 · Flagged by moderation" in refused.figures.text
        entries = list(refused.pane.query(ErrorEntry))
        assert len(entries) == 1 and "violence" in entries[0].text
        assert any(title == "test/status-403: 403 · Flagged by moderation" for title, _ in toasts(app))
        await wait_for(pilot, lambda: not slow.streaming)
        assert replies(slow)[-1].text == NORMAL_REPLY
        assert slow.last_metrics is not None and slow.last_metrics.cost == BILLED
        assert slow.column.messages[-1].status is Status.COMPLETE
        sent = {request.model: request.body["messages"] for request in fake_server.chat_requests}
        assert set(sent) == set(THREE)
        assert all(messages[-1] == {"role": "user", "content": "Explain qubits"} for messages in sent.values())
    saved = app.session_store.load(app.session_store.resolve(screen.session.id)).session
    assert saved.kind is SessionKind.COMPARE
    assert [column.messages[-1].status for column in saved.columns] == [Status.COMPLETE, Status.ERROR, Status.COMPLETE]


async def test_a_stalled_column_ends_incomplete_while_the_other_finishes(options: AppOptions) -> None:
    options.config.api.stall_timeout = 1.0
    app = compare_app(options, ["test/stall", "test/normal"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "hello?")
        stalled, normal = screen.session.columns
        assert stalled.messages[-1].status is Status.INCOMPLETE
        assert stalled.messages[-1].content == STALL_DELTA
        assert "⚠ incomplete: Stalled" in screen.column("A").figures.text
        assert normal.messages[-1].status is Status.COMPLETE and normal.messages[-1].content == NORMAL_REPLY


async def test_a_column_waiting_to_retry_counts_down_in_its_figures(options: AppOptions) -> None:
    options.config.api.retries = 1
    app = compare_app(options, ["test/retry-after", "test/normal"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "hello?", wait=False)
        waiting = screen.column("A")
        await wait_for(pilot, lambda: "retry 1/1" in waiting.figures.text)
        await wait_for(pilot, lambda: idle(screen) and len(waiting.column.messages) == 2)
        assert waiting.column.messages[-1].status is Status.COMPLETE
        assert "✓ stop" in waiting.figures.text
        assert any(title.startswith("Retrying") for title, _ in toasts(app))


async def test_follow_ups_continue_each_columns_own_history(options: AppOptions, fake_server: FakeServer) -> None:
    app = compare_app(options, ["test/normal", "test/status-403"])
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "first")
        await ask(pilot, "second")
        by_model: dict[str, list[list[dict[str, str]]]] = {}
        for request in fake_server.chat_requests:
            by_model.setdefault(request.model or "", []).append(request.body["messages"])
        normal_second = by_model["test/normal"][1]
        assert [m["role"] for m in normal_second] == ["user", "assistant", "user"]
        assert normal_second[1]["content"] == NORMAL_REPLY
        refused_second = by_model["test/status-403"][1]
        assert refused_second == [{"role": "user", "content": "first"}, {"role": "user", "content": "second"}]


async def test_a_follow_up_goes_to_a_busy_column_when_its_reply_ends(
    options: AppOptions, fake_server: FakeServer
) -> None:
    """A follow-up sent while one column still answers goes to the idle column at once; the busy one shows it
    queued, and asks once its reply ends, with its turns in order."""
    fake_server.slow_rate = 6.0  # test/slow takes ~2 s
    app = compare_app(options, ["test/normal", "test/slow"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "first", wait=False)
        normal, slow = screen.columns
        await wait_for(pilot, lambda: not normal.streaming)
        assert slow.streaming
        screen.prompt.load_text("second")
        await pilot.press("enter")
        await pilot.pause()
        assert slow.queued == "second" and "next prompt queued" in slow.figures.text
        assert [m.content for m in slow.column.messages] == ["first"], "the follow-up waits outside the history"
        assert normal.streaming or len(normal.column.messages) > 2, "the idle column asks at once"
        assert any("goes to them when they finish" in body for _, body in toasts(app))
        assert screen.prompt.text == ""
        screen.prompt.load_text("third")
        await pilot.press("enter")
        assert screen.prompt.text == "third", "one follow-up waits per column: the next stays in the box"
        await wait_for(pilot, lambda: len(slow.column.messages) == 4 and idle(screen), timeout=20)
        assert [(m.role, m.content) for m in slow.column.messages][::2] == [(Role.USER, "first"), (Role.USER, "second")]
        assert slow.queued is None and "queued" not in slow.figures.text
        second = [r.body["messages"] for r in fake_server.chat_requests if r.model == "test/slow"][1]
        assert [m["role"] for m in second] == ["user", "assistant", "user"] and second[-1]["content"] == "second"
    saved = app.session_store.load(app.session_store.resolve(screen.session.id)).session
    assert [len(column.messages) for column in saved.columns] == [4, 4]


async def test_escape_drops_a_waiting_follow_up_and_gives_it_back(options: AppOptions, fake_server: FakeServer) -> None:
    """Escape stops every column and drops the follow-up waiting for them; one that no column has received
    goes back into the prompt box."""
    fake_server.slow_rate = 3.0
    app = compare_app(options, ["test/slow", "test/slow"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "first", wait=False)
        await wait_for(pilot, lambda: all(column.streaming for column in screen.columns))
        screen.prompt.load_text("second")
        await pilot.press("enter")
        await pilot.pause()
        assert all(column.queued == "second" for column in screen.columns)
        await pilot.press("escape")
        await wait_for(pilot, lambda: idle(screen))
        await pilot.pause(0.2)
        assert idle(screen), "a dropped follow-up is not sent"
        assert all(column.queued is None for column in screen.columns)
        assert [[m.content for m in column.messages][:1] for column in screen.session.columns] == [["first"]] * 2
        assert all(len(column.messages) == 2 for column in screen.session.columns)
        assert screen.prompt.text == "second"
        assert len(fake_server.chat_requests) == 2


async def test_stop_one_column_leaves_the_others_streaming(options: AppOptions, fake_server: FakeServer) -> None:
    fake_server.slow_rate = 10.0
    app = compare_app(options, ["test/stall", "test/slow"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "go", wait=False)
        stalled, slow = screen.columns
        await wait_for(pilot, lambda: STALL_DELTA in "".join(stalled.outcome.content if stalled.outcome else []))
        await focus_column(pilot, "A")
        await pilot.press("s")
        await wait_for(pilot, lambda: not stalled.streaming)
        assert stalled.column.messages[-1].status is Status.STOPPED
        assert stalled.column.messages[-1].content == STALL_DELTA
        assert "⏹ stopped" in stalled.figures.text
        assert slow.streaming, "stopping A must not stop B"
        await wait_for(pilot, lambda: not slow.streaming)
        assert slow.column.messages[-1].status is Status.COMPLETE
        stall_request = next(r for r in fake_server.chat_requests if r.model == "test/stall")
        assert stall_request.wait_done() == "client-gone"


async def test_escape_stops_every_column_and_keeps_what_arrived(options: AppOptions, fake_server: FakeServer) -> None:
    fake_server.slow_rate = 5.0
    app = compare_app(options, ["test/stall", "test/slow", "test/stall"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "go", wait=False)
        await wait_for(pilot, lambda: all(replies(column) and replies(column)[-1].text for column in screen.columns))
        await pilot.press("escape")
        await wait_for(pilot, lambda: idle(screen))
        for column in screen.columns:
            message = column.column.messages[-1]
            assert message.status is Status.STOPPED and message.content
            assert replies(column)[-1].text == message.content
        assert all(request.wait_done() == "client-gone" for request in fake_server.chat_requests)
    assert app.session_store.entries(), "the stopped comparison is saved"


async def test_quitting_mid_reply_keeps_the_partial_reply_and_sends_no_follow_up(
    options: AppOptions, fake_server: FakeServer
) -> None:
    """ctrl+q while a column streams (with a follow-up waiting for it): the saved comparison has what arrived,
    marked stopped, and the follow-up is not sent."""
    fake_server.slow_rate = 3.0
    app = compare_app(options, ["test/slow", "test/normal"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "first", wait=False)
        slow, normal = screen.columns
        await wait_for(pilot, lambda: bool(slow.outcome and slow.outcome.content) and not normal.streaming)
        screen.prompt.load_text("second")
        await pilot.press("enter")
        await wait_for(pilot, lambda: slow.queued == "second" and not normal.streaming)
        await pilot.press("ctrl+q")
    saved = app.session_store.load(app.session_store.resolve(screen.session.id)).session
    slow_saved, normal_saved = saved.columns
    assert [(m.role, m.status) for m in slow_saved.messages] == [
        (Role.USER, Status.COMPLETE),
        (Role.ASSISTANT, Status.STOPPED),
    ]
    assert slow_saved.messages[-1].content, "what arrived is kept"
    assert [m.content for m in normal_saved.messages][::2] == ["first", "second"]
    assert len([r for r in fake_server.chat_requests if r.model == "test/slow"]) == 1


async def test_retry_one_column_replaces_only_its_last_reply(options: AppOptions, fake_server: FakeServer) -> None:
    app = compare_app(options, ["test/normal", "test/status-403"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "try")
        await focus_column(pilot, "B")
        await pilot.press("r")
        await wait_for(pilot, lambda: len(fake_server.chat_requests) == 3 and idle(screen))
        await pilot.pause()
        normal, refused = screen.session.columns
        assert [m.role for m in refused.messages] == [Role.USER, Role.ASSISTANT]
        assert len(normal.messages) == 2
        assert len(list(screen.column("B").pane.query(ErrorEntry))) == 1
        assert [r.model for r in fake_server.chat_requests].count("test/normal") == 1


# ----- cost preview ------------------------------------------------------------------------------------------


async def test_cost_preview_follows_the_prompt_for_each_column(options: AppOptions) -> None:
    app = compare_app(options, ["test/normal", "unlisted/model"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        await wait_for(pilot, lambda: app.model_catalog.cached() is not None)
        screen.prompt.focus()
        await pilot.press(*"hello world!")
        await pilot.pause()
        listed, unlisted = screen.columns
        # 12 characters are 3 tokens, plus 4 of framing; test models cost $0.000001 per input token.
        assert listed.preview.text == "next ≈ 7 prompt tokens · ≈ $0.0000070"
        assert unlisted.preview.text == "next ≈ 7 prompt tokens"  # no price listed: no figure


@given(st.text(max_size=400))
def test_estimate_is_a_quarter_of_the_characters_rounded_up(text: str) -> None:
    tokens = estimate_tokens(text)
    assert 4 * tokens >= len(text) > 4 * (tokens - 1) or (text == "" and tokens == 0)


@given(st.lists(st.text(max_size=50), max_size=6), st.text(max_size=50))
def test_next_prompt_adds_the_prompt_to_the_history(contents: list[str], prompt: str) -> None:
    history = [{"role": "user", "content": text} for text in contents]
    base = history_tokens(history)
    assert base == sum(estimate_tokens(text) for text in contents) + MESSAGE_OVERHEAD * len(contents)
    total = next_prompt_tokens(base, prompt)
    assert total == base + (estimate_tokens(prompt) + MESSAGE_OVERHEAD if prompt.strip() else 0)


@given(st.lists(st.text(alphabet="ab c/$.0", min_size=1, max_size=12), max_size=8), st.integers(1, 60))
def test_figures_wrap_between_figures_never_inside_one(texts: list[str], width: int) -> None:
    items = [Content(text) for text in texts]
    lines = pack(items, width)
    assert " · ".join(line.plain for line in lines) == " · ".join(texts)  # all of them, in order
    assert rows_needed(lines, width) >= len(lines)
    for line in lines:
        assert line.cell_length <= width or line.plain in texts  # only a figure wider than the line overflows
    for first, second in zip(lines, lines[1:], strict=False):  # greedy: the next figure did not fit
        assert first.cell_length + 3 + len(second.plain.split(" · ")[0]) > width


def test_preview_prices_tokens_at_the_input_price() -> None:
    model = ModelInfo("x/y", prompt_price=Decimal("0.000002"), completion_price=Decimal("0.00001"))
    assert cost_preview(1000, model) == CostPreview(1000, Decimal("0.002"))
    assert cost_preview(1000, model).summary() == "≈ 1,000 prompt tokens · ≈ $0.0020"
    assert cost_preview(1000, ModelInfo("x/z")).summary() == "≈ 1,000 prompt tokens"
    assert cost_preview(5, None).cost is None


# ----- continue with one column, blind mode, favourites -------------------------------------------------------


async def test_continue_with_forks_one_column_into_a_chat(options: AppOptions, fake_server: FakeServer) -> None:
    app = compare_app(options, ["test/status-403", "test/normal"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "Explain qubits")
        compare_id = screen.session.id
        await focus_column(pilot, "B")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        await wait_for(pilot, lambda: not screen.is_attached)  # the comparison is closed, not kept underneath
        assert app.screen_stack == [chat]
        assert chat.session.id != compare_id and chat.session.kind is SessionKind.CHAT
        assert chat.session.model == "test/normal"
        assert [(m.role, m.content) for m in chat.session.messages] == [
            (Role.USER, "Explain qubits"),
            (Role.ASSISTANT, NORMAL_REPLY),
        ]
        await pilot.pause()
        assert [entry.text for entry in chat.chat_pane.query(AssistantMessage)] == [NORMAL_REPLY]
        # The fork goes on with that model's history.
        chat.prompt.load_text("go on")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(chat.session.messages) == 4 and not chat.streaming)
        assert [m["role"] for m in fake_server.chat_requests[-1].body["messages"]] == ["user", "assistant", "user"]
    store = app.session_store
    assert store.load(store.resolve(compare_id)).session.kind is SessionKind.COMPARE, "the comparison stays saved"
    assert len(store.entries()) == 2


async def test_blind_mode_hides_the_models_until_a_favourite_is_picked(options: AppOptions) -> None:
    models = ["test/normal", "test/slow"]
    app = compare_app(options, models)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        await pilot.press("ctrl+b")
        assert screen.session.blind
        await ask(pilot, "Which is better?")

        def visible_text() -> str:
            headers = [column.header.visual for column in screen.columns]
            titles = [reply.model for column in screen.columns for reply in replies(column)]
            tabs = [str(tab.label) for tab in screen.tabs.query("Tab")]
            return " ".join(map(str, [*headers, *titles, *tabs, screen.title_bar.model_id]))

        shown = visible_text()
        assert "Model A" in shown and "Model B" in shown
        assert not any(model in shown for model in models)
        column = await focus_column(pilot, "B")
        await pilot.press("f")
        await wait_for(pilot, lambda: screen.session.favourite == "B")
        await pilot.pause()
        revealed = visible_text()
        assert all(model in revealed for model in models) and "★" in revealed
        assert replies(column)[-1].model == "test/slow"
        assert any(title == "Favourite: B" and "B: test/slow" in body for title, body in toasts(app))
    saved = app.session_store.load(app.session_store.resolve(screen.session.id)).session
    assert saved.blind and saved.favourite == "B"


async def test_blind_errors_name_no_model_or_provider_until_the_reveal(options: AppOptions) -> None:
    """A gateway error says which model and provider failed ("Model test/status-404 not found", provider
    "Anthropic"): while blind, its toast and its entry in the column say "Model A" and hide the provider; once a
    favourite is picked, the entries show the real error, which the session kept all along."""
    models = ["test/status-404", "test/status-502"]
    app = compare_app(options, models)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        await pilot.press("ctrl+b")
        await ask(pilot, "Which is better?")

        def error_text() -> str:
            entries = [entry.text for column in screen.columns for entry in column.pane.query(ErrorEntry)]
            return " ".join([*entries, *(f"{title} {body}" for title, body in toasts(app))])

        shown = error_text()
        assert "Model Model A not found" in shown and "(hidden while blind)" in shown
        for name in (*models, "status-404", "status-502", "Anthropic"):
            assert name not in shown, name
        assert [c.messages[-1].error.provider.provider_name for c in screen.session.columns[1:]] == ["Anthropic"]  # type: ignore[union-attr]
        await focus_column(pilot, "A")
        await pilot.press("f")
        await wait_for(pilot, lambda: screen.session.favourite == "A")
        await pilot.pause()
        entries = " ".join(entry.text for column in screen.columns for entry in column.pane.query(ErrorEntry))
        assert "Model test/status-404 not found" in entries and "Anthropic" in entries


async def test_blind_mode_cannot_change_after_the_first_prompt(options: AppOptions) -> None:
    app = compare_app(options, ["test/normal", "test/empty"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "hi")
        await pilot.press("ctrl+b")
        assert not screen.session.blind
        assert any("before the first prompt" in body for _, body in toasts(app))


# ----- saved and reopened --------------------------------------------------------------------------------------


async def test_reopening_a_comparison_shows_it_as_it_was(options: AppOptions, fake_server: FakeServer) -> None:
    app = compare_app(options, THREE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "Explain qubits")
        before = [(c.header.visual, c.figures.text, [r.text for r in replies(c)]) for c in screen.columns]
        footers = [[r.footer for r in replies(c)] for c in screen.columns]
        path = app.session_store.resolve(screen.session.id)
    options.compare = []
    options.session_path = path
    reopened = make_app(options)
    async with reopened.run_test(size=(120, 40)) as pilot:
        screen = screen_of(reopened)
        await pilot.pause()
        after = [(c.header.visual, c.figures.text, [r.text for r in replies(c)]) for c in screen.columns]
        assert after == before
        assert [[r.footer for r in replies(c)] for c in screen.columns] == footers
        assert len(list(screen.column("B").pane.query(ErrorEntry))) == 1
        assert screen.prompt.prompt_history == ["Explain qubits"]
        # and it goes on where it stopped
        await ask(pilot, "more")
        assert len(screen.session.columns[0].messages) == 4


async def test_the_sessions_screen_opens_a_comparison_in_compare_mode(options: AppOptions) -> None:
    app = compare_app(options, ["test/normal", "test/empty"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "hi")
        path = app.session_store.resolve(screen.session.id)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        chat.open_session(path)
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        assert screen_of(app).session.id == screen.session.id


async def test_a_rename_from_the_sessions_screen_is_kept_by_the_next_save(options: AppOptions) -> None:
    app = compare_app(options, ["test/normal", "test/empty"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "hi")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SessionsScreen")
        await pilot.pause(0.3)
        await pilot.press("f2")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RenameDialog")
        await pilot.press(*"Soup", "enter")
        await wait_for(pilot, lambda: screen.session.title == "Soup")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.title_bar.session_title == "Soup"
        await ask(pilot, "again")
    entries = app.session_store.entries()
    assert [(entry.id, entry.title) for entry in entries] == [(screen.session.id, "Soup")]


# ----- narrow terminals ------------------------------------------------------------------------------------------


async def test_at_80_columns_the_columns_become_tabs_with_figures(options: AppOptions) -> None:
    app = compare_app(options, THREE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask(pilot, "Explain qubits")
        assert screen.has_class("-tabs") and screen.tabs.display
        shown = [column for column in screen.columns if column.display and column.region.width]
        assert [column.label for column in shown] == ["A"]
        assert shown[0].figures.region.height >= 1 and "194 in / 87 out" in shown[0].figures.text
        assert shown[0].region.right <= 80
        await pilot.click("#tab-B")
        await pilot.pause()
        shown = [column for column in screen.columns if column.region.width]
        assert [column.label for column in shown] == ["B"]
        labels = [str(tab.label) for tab in screen.tabs.query("Tab")]
        assert labels == ["A normal ✓", "B status-403 ✖", "C slow ✓"]
        await pilot.press("alt+right")  # from the prompt: the next tab
        assert screen.tabs.active == "tab-C" and screen.column("C").region.width
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not screen.has_class("-tabs")
        assert [column.label for column in screen.columns if column.region.width] == ["A", "B", "C"]


async def test_four_columns_need_120_columns_to_sit_side_by_side(options: AppOptions) -> None:
    app = compare_app(options, ["test/normal", "test/empty", "test/slow", "test/status-402"])
    async with app.run_test(size=(110, 30)) as pilot:
        screen = screen_of(app)
        await pilot.pause()
        assert screen.has_class("-tabs")
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert not screen.has_class("-tabs")


# ----- entering compare mode -------------------------------------------------------------------------------------


async def test_f3_in_a_chat_picks_models_and_opens_compare_mode(options: AppOptions) -> None:
    app = make_app(options)
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        chat.session.system_prompt = "Answer in one line."
        await pilot.press("f3")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ModelPickerDialog")
        picker = app.screen
        await wait_for(pilot, lambda: picker.model_list.option_count > 0)  # type: ignore[attr-defined]
        for name in ("test/normal", "test/slow"):
            picker.query_input.value = name  # type: ignore[attr-defined]
            await pilot.pause()
            await pilot.press("space")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        session = screen_of(app).session
        assert [column.model for column in session.columns] == ["test/normal", "test/slow"]
        assert session.system_prompt == "Answer in one line."  # the chat's settings come along


async def test_switch_model_after_an_error_asks_the_new_model(options: AppOptions) -> None:
    app = compare_app(options, ["test/normal", "test/status-403"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ask(pilot, "hi")
        entry = screen.column("B").pane.query_one(ErrorEntry)
        entry.focus()
        await pilot.press("m")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ModelPickerDialog")
        picker = app.screen
        await wait_for(pilot, lambda: picker.model_list.option_count > 0)  # type: ignore[attr-defined]
        picker.query_input.value = "test/keepalive"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        column = screen.session.columns[1]
        await wait_for(pilot, lambda: len(column.messages) == 2 and column.messages[-1].status is Status.COMPLETE)
        assert column.model == "test/keepalive"
        assert column.messages[-1].content == NORMAL_REPLY
        assert not list(screen.column("B").pane.query(ErrorEntry))


# ----- the CLI ---------------------------------------------------------------------------------------------------


def test_ask_with_two_models_prints_each_reply_in_turn_with_its_figures(
    fake_server: FakeServer, isolated_dirs: dict[str, Path]
) -> None:
    env = {**os.environ, "ANANNAS_BASE_URL": fake_server.base_url, "ANANNAS_API_KEY": KEY}
    command = [sys.executable, "-m", "anannas_tui", "ask", "-m", "test/normal", "-m", "test/status-403", "hi"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1, result.stderr  # one model failed: an API error exit
    assert result.stdout == f"\n=== test/normal ===\n{NORMAL_REPLY}\n=== test/status-403 ===\n"
    lines = result.stderr.splitlines()
    figures = next(line for line in lines if line.startswith("[test/normal · "))
    assert "194 in / 87 out" in figures and "$0.00014" in figures and "stop" in figures
    assert "403 · Flagged by moderation" in lines
    assert any("reasons: violence, harassment" in line for line in lines)
    assert KEY not in result.stdout + result.stderr
    assert [request.model for request in fake_server.chat_requests] == ["test/normal", "test/status-403"]


# ----- snapshots -------------------------------------------------------------------------------------------------


@pytest.fixture
def fixed_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reply reports TTFT 0.25 s and 1.25 s in all: the only figures that differ between runs.

    The app computes and shows them as always; only `ReplyTimer`'s readings are fixed (the same hook as
    tests/test_app_snapshots.py). Live figures are not in any shot: each is taken after every column ended.
    """
    monkeypatch.setattr(ReplyTimer, "ttft", property(lambda t: None if t.first_token is None else TTFT))
    monkeypatch.setattr(ReplyTimer, "duration", property(lambda t: None if t.ended is None else TTFT + GENERATION))


async def finished_comparison(pilot: Pilot[None], follow_up: str = "And in one sentence?") -> None:
    """Ask the three columns, wait for all of them, clear the toasts, and type (not send) a follow-up."""
    screen = await ask(pilot, "Explain qubits")
    pilot.app.clear_notifications()
    screen.prompt.load_text(follow_up)
    screen.prompt.cursor_blink = False
    await pilot.pause(0.3)


class TestSnapshots:
    @pytest.mark.usefixtures("fixed_timings")
    def test_three_columns_finished_120x40(  # type: ignore[no-untyped-def]
        self, snap_compare, options: AppOptions, fake_server: FakeServer
    ) -> None:
        """At 120x40, three bordered columns side by side under the title line "anannas · test/normal vs
        test/status-403 vs test/slow · Explain qubits". A and C (test/normal, test/slow) each show "✓ stop ·
        TTFT 0.25 s · 87 tok/s · 1.25 s total · 194 in / 87 out · $0.00014" packed onto lines without cutting
        a figure, then the muted cost preview of the typed follow-up ("next ≈ … prompt tokens · ≈ $0.0000…"),
        then the prompt and the Markdown reply (heading, bold, bullets, a code block) with its metrics footer.
        B shows "✖ 403 · Flagged by moderation" in red, its preview, the prompt, the failed reply and the red
        error entry with every detail and both buttons ("Retry", "Switch model") whole. The follow-up sits
        in the prompt box; the footer lists esc Stop all, ^o Models, ^b Blind, ^n Chat."""
        fake_server.slow_rate = 500
        app = compare_app(options, THREE)
        assert snap_compare(app, terminal_size=(120, 40), run_before=finished_comparison)

    @pytest.mark.usefixtures("fixed_timings")
    def test_tabs_at_80x24(  # type: ignore[no-untyped-def]
        self, snap_compare, options: AppOptions, fake_server: FakeServer
    ) -> None:
        """At 80x24 the same comparison as tabs: a tab bar "A normal ✓ | B status-403 ✖ | C slow ✓" with A
        underlined, then column A alone across the full width: its header "A test/normal", its figures
        ("✓ stop · TTFT 0.25 s · 87 tok/s · 1.25 s total · 194 in / 87 out · $0.00014" on one or two lines),
        the cost preview, and the bottom of its reply. The prompt box and footer below; nothing runs past the
        right edge."""
        fake_server.slow_rate = 500
        app = compare_app(options, THREE)
        assert snap_compare(app, terminal_size=(80, 24), run_before=finished_comparison)

    def test_blind_before_sending_120x40(  # type: ignore[no-untyped-def]
        self, snap_compare, options: AppOptions
    ) -> None:
        """At 120x40 a blind comparison of three models before the first prompt: the title says "blind · 3
        models"; the columns are headed "Model A", "Model B", "Model C" with no model id anywhere, each with
        "no reply yet" and the cost preview of the typed prompt ("next ≈ 11 prompt tokens · ≈ $0.000011").
        The prompt box holds "Which answer is clearer?"."""

        async def scene(pilot: Pilot[None]) -> None:
            screen = screen_of(pilot.app)  # type: ignore[arg-type]
            await wait_for(pilot, lambda: screen.app.model_catalog.cached() is not None)
            await pilot.press("ctrl+b")
            pilot.app.clear_notifications()
            screen.prompt.load_text("Which answer is clearer?")
            screen.prompt.cursor_blink = False
            await pilot.pause(0.3)

        app = compare_app(options, THREE)
        assert snap_compare(app, terminal_size=(120, 40), run_before=scene)
