"""The usage sidebar, its context gauge and the session totals it shows."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Static

from anannas_tui.core.metrics import ReplyMetrics, ReplyTimer, format_cost, reply_metrics
from anannas_tui.core.models import ModelInfo
from anannas_tui.core.session_totals import SessionTotals
from anannas_tui.core.usage import Usage
from anannas_tui.widgets.context_gauge import ContextGauge, compact_tokens, gauge_text
from anannas_tui.widgets.stat_rows import StatRows
from anannas_tui.widgets.usage_sidebar import UsageSidebar

MODEL = ModelInfo(
    id="openai/gpt-5-mini",
    context_length=400_000,
    prompt_price=Decimal("0.00000025"),
    completion_price=Decimal("0.000002"),
)
SMALL_MODEL = ModelInfo(id="meta/llama-3-8b", context_length=8_192)
USAGE = Usage(
    prompt_tokens=12_034, completion_tokens=845, total_tokens=12_879, cached_tokens=8_192, reasoning_tokens=320
)


def _metrics(usage: Usage = USAGE, model: ModelInfo | None = MODEL, finish: str = "stop") -> ReplyMetrics:
    """Metrics as the screen builds them: through `reply_metrics`, with a fixed clock."""
    timer = ReplyTimer(started=100.0)
    timer.token(100.42)
    timer.end(106.3)
    return reply_metrics(timer, usage, finish, model)


class SidebarApp(App[None]):
    """A chat-shaped host: a placeholder transcript and the sidebar on the right."""

    CSS = "Screen { layout: horizontal; } #chat { width: 1fr; }"

    def compose(self) -> ComposeResult:
        yield Static("transcript", id="chat")
        yield UsageSidebar()


def rendered(widget: Widget) -> list[str]:
    """The lines a widget actually drew, as text."""
    return ["".join(segment.text for segment in widget.render_line(y)).rstrip() for y in range(widget.size.height)]


def rows_of(sidebar: UsageSidebar, block: str) -> dict[str, str]:
    """A StatRows block's drawn lines, as {label: value}: what is on screen, not what was set."""
    rows = sidebar.query_one(f"#usage-{block}", StatRows)
    lines = rendered(rows)
    assert len(lines) == len(rows.rows)  # one line per row: every value fitted beside its label
    return {label: line.removeprefix(label).strip() for (label, _), line in zip(rows.rows, lines, strict=True)}


class TestSessionTotals:
    def test_add_sums_tokens_and_cost(self) -> None:
        billed = ReplyMetrics(Usage(100, 20, 120, cost=Decimal("0.001")), cost=Decimal("0.001"))
        totals = SessionTotals().add(billed).add(billed)
        assert (totals.prompt_tokens, totals.completion_tokens, totals.total_tokens) == (200, 40, 240)
        assert totals.cost == Decimal("0.002")
        assert totals.replies == 2
        assert not totals.cost_estimated
        assert totals.cost_text() == format_cost(Decimal("0.002"))

    def test_one_estimated_reply_marks_the_total_estimated(self) -> None:
        billed = ReplyMetrics(Usage(100, 20, 120), cost=Decimal("0.01"))
        estimated = ReplyMetrics(Usage(100, 20, 120), cost=Decimal("0.01"), cost_estimated=True)
        totals = SessionTotals.of([billed, estimated])
        assert totals.cost_estimated
        assert totals.cost_text() == format_cost(Decimal("0.02"), estimated=True)

    def test_a_reply_without_cost_makes_the_total_a_lower_bound(self) -> None:
        failed = ReplyMetrics(usage=None, finish_reason=None)
        totals = SessionTotals.of([ReplyMetrics(Usage(10, 5, 15), cost=Decimal("0.01")), failed])
        assert totals.uncosted_replies == 1
        assert totals.replies == 2
        assert totals.cost_text() == "≥" + format_cost(Decimal("0.01"))

    def test_no_cost_at_all_is_unknown(self) -> None:
        assert SessionTotals().cost_text() == "–"
        assert SessionTotals().add(ReplyMetrics(Usage(1, 1, 2))).cost is None

    @given(
        st.lists(
            st.tuples(
                st.integers(0, 10**7),
                st.integers(0, 10**6),
                st.none() | st.decimals(min_value=0, max_value=100, places=6),
                st.booleans(),
            ),
            max_size=30,
        )
    )
    def test_totals_are_the_sums(self, replies: list[tuple[int, int, Decimal | None, bool]]) -> None:
        metrics = [
            ReplyMetrics(Usage(prompt, completion, prompt + completion), cost=cost, cost_estimated=est)
            for prompt, completion, cost, est in replies
        ]
        totals = SessionTotals.of(metrics)
        costs = [cost for _, _, cost, _ in replies if cost is not None]
        assert totals.prompt_tokens == sum(prompt for prompt, _, _, _ in replies)
        assert totals.completion_tokens == sum(completion for _, completion, _, _ in replies)
        assert totals.cost == (sum(costs, Decimal(0)) if costs else None)
        assert totals.uncosted_replies == len(replies) - len(costs)
        assert totals.cost_estimated == any(est and cost is not None for _, _, cost, est in replies)


class TestGaugeText:
    def test_compact_tokens(self) -> None:
        assert [compact_tokens(n) for n in (0, 850, 1_000, 12_300, 99_950, 128_000, 131_072, 1_048_576, 2_000_000)] == [
            "0",
            "850",
            "1k",
            "12.3k",
            "100k",
            "128k",
            "131k",
            "1.05M",
            "2M",
        ]

    def test_gauge_text(self) -> None:
        assert gauge_text(12_300, 128_000) == "12.3k / 128k (10%)"
        assert gauge_text(None, 128_000) == "– / 128k"
        assert gauge_text(5_000, None) == "5k / ?"


class TestSidebar:
    async def test_figures_equal_the_metrics(self) -> None:
        app = SidebarApp()
        async with app.run_test(size=(100, 34)) as pilot:
            sidebar = app.query_one(UsageSidebar)
            sidebar.model = MODEL
            sidebar.last = _metrics()
            await pilot.pause()
            reply = rows_of(sidebar, "reply")
            assert reply["prompt"] == "12,034"
            assert reply["completion"] == "845"
            assert reply["reasoning"] == "320"
            assert reply["cached"] == "8,192"
            # No usage.cost: estimated from the prices, (12,034 × 0.25 + 845 × 2) / 1M = $0.0047, and labelled.
            assert reply["cost"] == format_cost(Decimal("0.0046985"), estimated=True)
            assert reply["cost"].endswith(" est.")
            assert reply["TTFT"] == "0.42 s"
            assert reply["speed"] == "144 tok/s"  # 845 tokens over 6.3 - 0.42 s
            assert reply["duration"] == "6.3 s"
            assert reply["finish"] == "stop"
            model = rows_of(sidebar, "model")
            assert model == {"context": "400k", "input /1M": "$0.25", "output /1M": "$2"}
            assert "openai/gpt-5-mini" in rendered(sidebar.query_one("#usage-model-id", Static))[0]

    async def test_billed_cost_is_not_labelled_estimated(self) -> None:
        app = SidebarApp()
        async with app.run_test(size=(100, 34)) as pilot:
            sidebar = app.query_one(UsageSidebar)
            sidebar.last = _metrics(Usage(1_000, 200, 1_200, cost=Decimal("0.0031")))
            await pilot.pause()
            assert rows_of(sidebar, "reply")["cost"] == format_cost(Decimal("0.0031"))
            assert "est." not in rows_of(sidebar, "reply")["cost"]

    async def test_unknown_figures_show_a_dash_and_keep_their_rows(self) -> None:
        app = SidebarApp()
        async with app.run_test(size=(100, 34)) as pilot:
            sidebar = app.query_one(UsageSidebar)
            await pilot.pause()
            before = rows_of(sidebar, "reply")
            assert set(before.values()) == {"–"}
            sidebar.last = _metrics(Usage(10, 5, 15), model=None)  # no reasoning/cached counts, no prices
            await pilot.pause()
            after = rows_of(sidebar, "reply")
            assert after.keys() == before.keys()
            assert (after["reasoning"], after["cached"], after["cost"]) == ("–", "–", "–")

    async def test_session_totals_and_context_gauge(self) -> None:
        app = SidebarApp()
        async with app.run_test(size=(100, 34)) as pilot:
            sidebar = app.query_one(UsageSidebar)
            sidebar.model = MODEL
            first, second = _metrics(), _metrics(Usage(13_000, 1_000, 14_000, cost=Decimal("0.01")))
            sidebar.last = second
            sidebar.totals = SessionTotals().add(first).add(second)
            await pilot.pause()
            session = rows_of(sidebar, "session")
            assert session == {
                "replies": "2",
                "prompt": "25,034",
                "completion": "1,845",
                "cost": format_cost(Decimal("0.0146985"), estimated=True),
            }
            gauge = sidebar.query_one(ContextGauge)
            assert rendered(gauge)[1] == "14k / 400k (4%)"
            assert not gauge.has_class("-warning")

    async def test_gauge_warns_above_80_percent_and_when_full(self) -> None:
        app = SidebarApp()
        async with app.run_test(size=(100, 34)) as pilot:
            sidebar = app.query_one(UsageSidebar)
            gauge = sidebar.query_one(ContextGauge)
            sidebar.model = SMALL_MODEL
            sidebar.last = _metrics(Usage(6_000, 500, 6_500), model=SMALL_MODEL)
            await pilot.pause()
            assert not gauge.has_class("-warning")
            sidebar.last = _metrics(Usage(6_800, 500, 7_300), model=SMALL_MODEL)
            await pilot.pause()
            assert gauge.has_class("-warning")
            assert rendered(gauge)[1] == "7.3k / 8.2k (89%)"
            sidebar.last = _metrics(Usage(8_000, 500, 8_500), model=SMALL_MODEL)
            await pilot.pause()
            assert gauge.has_class("-full") and not gauge.has_class("-warning")
            assert rendered(gauge)[0] == "━" * gauge.content_size.width

    async def test_hostile_model_id_and_finish_reason_are_shown_literally(self) -> None:
        app = SidebarApp()
        async with app.run_test(size=(100, 34)) as pilot:
            sidebar = app.query_one(UsageSidebar)
            sidebar.model = ModelInfo(id="[b]x[/b]\x1b]0;pwn\x07")
            sidebar.last = _metrics(finish="[@click=app.quit]")
            await pilot.pause()
            assert rendered(sidebar.query_one("#usage-model-id", Static))[0] == "[b]x[/b]␛]0;pwn␇"
            assert rows_of(sidebar, "reply")["finish"] == "[@click=app.qui…"
            assert app.is_running

    async def test_streaming_state_shows_in_the_title(self) -> None:
        app = SidebarApp()
        async with app.run_test(size=(100, 34)) as pilot:
            sidebar = app.query_one(UsageSidebar)
            title = sidebar.query_one("#usage-reply-title", Static)
            sidebar.streaming = True
            await pilot.pause()
            assert rendered(title)[0] == "Last reply · streaming…"
            assert sidebar.has_class("-streaming")
            sidebar.streaming = False
            await pilot.pause()
            assert rendered(title)[0] == "Last reply"

    async def test_hidden_class_hides_it(self) -> None:
        app = SidebarApp()
        async with app.run_test(size=(100, 34)) as pilot:
            sidebar = app.query_one(UsageSidebar)
            assert sidebar.display
            sidebar.add_class("-hidden")
            await pilot.pause()
            assert not sidebar.display
            assert app.query_one("#chat").size.width == 100

    async def test_values_set_before_mounting_are_drawn(self) -> None:
        class EarlyApp(App[None]):
            def compose(self) -> ComposeResult:
                sidebar = UsageSidebar()
                sidebar.model = MODEL
                sidebar.last = _metrics()
                yield sidebar

        app = EarlyApp()
        async with app.run_test(size=(100, 34)) as pilot:
            await pilot.pause()
            sidebar = app.query_one(UsageSidebar)
            assert rows_of(sidebar, "reply")["prompt"] == "12,034"
            assert rows_of(sidebar, "model")["context"] == "400k"

    async def test_data_bind_from_a_screen_reactive(self) -> None:
        class BoundApp(App[None]):
            model: var[ModelInfo | None] = var(None)
            last: var[ReplyMetrics | None] = var(None)

            def compose(self) -> ComposeResult:
                yield UsageSidebar().data_bind(BoundApp.model, BoundApp.last)

        app = BoundApp()
        async with app.run_test(size=(100, 34)) as pilot:
            app.model = MODEL
            app.last = _metrics()
            await pilot.pause()
            sidebar = app.query_one(UsageSidebar)
            assert rows_of(sidebar, "reply")["completion"] == "845"
            assert rows_of(sidebar, "model")["context"] == "400k"


class TestSnapshots:
    def test_sidebar_filled(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        """The sidebar on the right, 30 columns on a panel background: "Model" with openai/gpt-5-mini, context
        400k and $0.25 / $2 per 1M; "Last reply" with 12,034 prompt, 845 completion, 320 reasoning, 8,192 cached
        tokens, cost "$0.0047 est." in green, TTFT 0.42 s, 144 tok/s, 6.3 s, stop; "Session" with 2 replies and
        "$0.0147 est."; "Context" with a short blue bar and "12.9k / 400k (3%)". Values are right-aligned."""

        async def fill(pilot) -> None:  # type: ignore[no-untyped-def]
            sidebar = pilot.app.query_one(UsageSidebar)
            sidebar.model = MODEL
            first = _metrics()
            sidebar.last = first
            sidebar.totals = SessionTotals.of([first, _metrics(Usage(13_000, 1_000, 14_000, cost=Decimal("0.01")))])

        assert snap_compare(SidebarApp(), terminal_size=(100, 32), run_before=fill)

    def test_sidebar_context_warning(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        """A model with an 8,192-token context: the gauge bar is almost full and drawn in the warning colour
        (amber), with "7.3k / 8.2k (89%)" under it in amber too. Costs show "–" (no prices)."""

        async def fill(pilot) -> None:  # type: ignore[no-untyped-def]
            sidebar = pilot.app.query_one(UsageSidebar)
            sidebar.model = SMALL_MODEL
            sidebar.last = _metrics(Usage(6_800, 500, 7_300), model=SMALL_MODEL)

        assert snap_compare(SidebarApp(), terminal_size=(100, 32), run_before=fill)
