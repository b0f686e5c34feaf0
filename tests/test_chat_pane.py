"""The chat transcript (ChatPane and its messages) through Pilot, in a tiny host app.

What the user would see is checked on the screen itself (its rendered rows, what a terminal would be sent),
and the promises the screen relies on are checked directly: a streamed reply ends equal to a one-shot render
(and to Textual's Markdown), stopping keeps the text and marks it, a long history opens lazily and in order,
untrusted text is shown literally and links are only reported, never opened.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

from fake_payloads import INJECTION_DELTAS, INJECTION_REPLY, big_reply
from rich.console import Console
from textual import on
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Offset
from textual.selection import Selection
from textual.widgets import Markdown

from anannas_tui.core.sanitize import for_display
from anannas_tui.widgets.assistant_message import AssistantMessage
from anannas_tui.widgets.chat_pane import ChatPane
from anannas_tui.widgets.markdown_lines import MarkdownDocument, plain_text
from anannas_tui.widgets.stream_buffer import LOW_BANDWIDTH_INTERVAL
from anannas_tui.widgets.user_message import UserMessage


class Host(App[None]):
    """A chat pane filling the screen; records the links and selections it reports."""

    CSS = "ChatPane { height: 1fr; }"

    def __init__(self, *, low_bandwidth: bool = False) -> None:
        super().__init__()
        self.low_bandwidth = low_bandwidth
        self.links: list[str] = []
        self.opened: list[str] = []
        self.selections: list[object] = []

    def compose(self) -> ComposeResult:
        yield ChatPane(low_bandwidth=self.low_bandwidth)

    @property
    def pane(self) -> ChatPane:
        return self.query_one(ChatPane)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)

    @on(ChatPane.LinkClicked)
    def _link(self, message: ChatPane.LinkClicked) -> None:
        self.links.append(message.href)

    @on(ChatPane.SelectionChanged)
    def _selected(self, message: ChatPane.SelectionChanged) -> None:
        self.selections.append(message.entry)


async def stream(reply: AssistantMessage, text: str, size: int = 4) -> None:
    """Feed `text` in `size`-character deltas, letting the event loop run between them as a network would."""
    for index in range(0, len(text), size):
        reply.append(text[index : index + size])
        await asyncio.sleep(0)


def screen_text(app: App[None]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def terminal_output(app: App[None]) -> str:
    """The bytes a full repaint would send to a real terminal."""
    update = app.screen._compositor.render_update(full=True)
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=120)
    return update.render_segments(console)


async def test_a_streamed_reply_ends_exactly_as_a_one_shot_render() -> None:
    text = big_reply(10_000)
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await app.pane.add_user("question")
        reply = await app.pane.add_assistant("test/big")
        await stream(reply, text)
        await reply.finish("complete", "done")
        await pilot.pause()
        assert reply.text == text
        one_shot = MarkdownDocument(for_display(text))
        one_shot.finish()
        one_shot.render(reply.content_size.width, reply.palette)
        assert reply.document.rows() == one_shot.rows()
        width = reply.content_size.width
        ours = [plain_text(row).rstrip() for row in reply.document.rows()]
    assert ours == await textual_markdown_rows(text, width)


class _Reference(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.text)


async def textual_markdown_rows(text: str, width: int) -> list[str]:
    """Textual's own Markdown widget's rows for `text` at content `width` (blank rows at the ends dropped)."""
    app = _Reference(text)
    async with app.run_test(size=(width + 4, 900)) as pilot:  # Markdown has `padding: 0 2`
        await pilot.pause()
        region = app.query_one(Markdown).region
        assert region.width == width + 4
        strips = app.screen._compositor.render_strips()[region.y : region.bottom]
        rows = [strip.text[region.x + 2 : region.x + 2 + width].rstrip() for strip in strips]
    while rows and not rows[0]:
        rows.pop(0)
    while rows and not rows[-1]:
        rows.pop()
    return rows


async def test_deltas_are_drawn_once_per_frame_not_once_per_delta() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        reply = await app.pane.add_assistant("m")
        parses: list[str] = []
        original = reply.document._render_tail

        def counting_parse(*args: object) -> None:
            parses.append(reply.document.text)
            original(*args)  # type: ignore[arg-type]

        reply.document._render_tail = counting_parse  # type: ignore[method-assign]
        for _ in range(600):
            reply.append("word ")  # no await: all of it lands between two frames
        assert parses == []
        await pilot.pause(0.2)
        assert parses == ["word " * 600]  # one parse for the lot
        reply.append("x" * 100_000)  # far more than a frame's budget: drawn over several frames, none lost
        expected = "word " * 600 + "x" * 100_000
        for _ in range(300):  # however loaded the machine, it must get there; no timing is asserted
            await pilot.pause(0.05)
            if reply.document.text == expected:
                break
        assert 2 <= len(parses) <= 60 and reply.document.text == "word " * 600 + "x" * 100_000


async def test_stopping_midway_keeps_the_text_and_marks_the_reply() -> None:
    text = big_reply(4_000)
    half = text[: len(text) // 2]
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        reply = await app.pane.add_assistant("m")
        assert reply.has_class("-streaming") and reply.streaming
        await stream(reply, half)
        await reply.finish("stopped", "1.0 s · stopped")
        await pilot.pause()
        assert reply.has_class("-stopped") and not reply.has_class("-streaming")
        assert reply.status == "stopped" and not reply.streaming
        assert reply.text == half
        assert reply.text_rows()[-1] == "⏹ 1.0 s · stopped"
        reply.append("late delta")  # a delta after the end is kept but never drawn
        await pilot.pause(0.1)
        assert "late delta" not in "\n".join(reply.text_rows())


async def test_incomplete_and_error_replies_are_marked() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        partial = await app.pane.add_assistant("m")
        partial.append("Half an answer")
        await partial.finish("incomplete", "connection lost")
        failed = await app.pane.add_assistant("m")
        await failed.finish("error", "403 · Flagged")
        await pilot.pause()
        assert partial.has_class("-incomplete") and failed.has_class("-error")
        assert partial.text_rows() == ["m", "Half an answer", "", "⚠ connection lost"]
        assert failed.text_rows() == ["m", "✖ 403 · Flagged"]


async def test_reasoning_shows_while_it_streams_then_folds_when_the_answer_starts() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        reply = await app.pane.add_assistant("m")
        reply.append_reasoning("Let me think.\nStep two.")
        await pilot.pause(0.1)
        assert reply.text_rows()[1:4] == ["▾ Reasoning · 23 chars", "│ Let me think.", "│ Step two."]
        reply.append("The answer.")
        await pilot.pause(0.1)
        assert reply.text_rows() == ["m", "▸ Reasoning · 23 chars", "", "The answer."]
        reply.action_toggle_reasoning()
        await pilot.pause()
        assert "│ Step two." in reply.text_rows()
        assert reply.reasoning_text == "Let me think.\nStep two."


async def test_code_blocks_are_the_raw_fence_sources() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)):
        reply = await app.pane.add_assistant("m")
        reply.append("Intro\n\n```bash\necho '\x1b]0;x'\n```\n\n- item\n\n  ```py\n  a = 1\n  ```\n")
        await reply.finish()
        assert reply.code_blocks() == ["echo '\x1b]0;x'\n", "a = 1\n"]


async def test_untrusted_text_is_shown_literally_and_never_reaches_the_terminal() -> None:
    payload = (
        "# Heading \x1b]0;title\x07\n\n"
        "[label \x1b[2J](https://example.invalid/\x1b]52;c;eA==\x07)\n\n"
        "| cell \x9b2J | [@click=app.quit]q[/] |\n|---|---|\n| \x9d0;x\x9c | [bold]b |\n\n"
        "```\nfenced \x1b]52;c;aGk=\x1b\\ code\n```\n\n"
        "inline `\x1b[1A` code and \u202etxt.exe\u202c\n\n"
    )
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        reply = await app.pane.add_assistant("evil/\x1b]0;model")
        for delta in (*INJECTION_DELTAS, payload):
            reply.append(delta)
            await asyncio.sleep(0)
        await reply.finish()
        await pilot.pause()
        assert reply.text == INJECTION_REPLY + payload
        shown = " ".join(reply.text_rows())  # the rows drawn, wrapping undone
        assert "␛]52;c;aGVsbG8=␇" in screen_text(app)
        for literal in (
            "␛]52;c;aGVsbG8=␇",
            "[@click=app.quit]quit[/]",
            "[bold]bold?[/bold] [b unbalanced",
            "␛]0;model",
        ):
            assert literal in shown
        assert "<U+202E>txt.exe" in shown and "<U+009B>" in shown
        output = terminal_output(app)
        for sequence in ("\x1b]52", "\x1b]0;", "\x1b]8;;https://evil", "\x1b[2J", "\x1b[1A", "\x9b", "\x9d", "\u202e"):
            assert sequence not in output
        actions = {
            segment.style.meta.get("@click")
            for y in range(reply.row_count)
            for segment in reply._row(y)
            if segment.style is not None and segment.style.meta.get("@click")
        }
        assert all(str(action).startswith("link(") for action in actions)
        await pilot.click(ChatPane, offset=_find(app, "[@click=app.quit]"))
        assert app.is_running and app.opened == []


def _find(app: App[None], text: str) -> tuple[int, int]:
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = strip.text.find(text)
        if x >= 0:
            pane = app.query_one(ChatPane).region
            return x - pane.x, y - pane.y
    raise AssertionError(f"{text!r} is not on screen")


async def test_selected_text_is_what_the_rows_show_and_is_highlighted() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        reply = await app.pane.add_assistant("m")
        reply.append("First line of the **answer**.\n\nSecond paragraph.")
        await reply.finish()
        await pilot.pause()
        app.screen.selections = {reply: Selection(Offset(6, 1), Offset(6, 3))}  # (column, row)
        await pilot.pause()
        assert app.screen.get_selected_text() == "line of the answer.\n\nSecond"
        selected = app.screen.get_component_rich_style("screen--selection")
        row = reply.render_line(1)
        assert any(segment.style and segment.style.bgcolor == selected.bgcolor for segment in row)


async def test_a_clicked_link_is_reported_never_opened() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        reply = await app.pane.add_assistant("m")
        reply.append("Read [the docs](https://example.invalid/docs?q='x') first.")
        await reply.finish()
        await pilot.pause()
        await pilot.click(ChatPane, offset=_find(app, "the docs"))
        await pilot.pause()
        assert app.links == ["https://example.invalid/docs?q='x'"]
        assert app.opened == []


@dataclass
class Saved:
    """A saved message, shaped like the session's `Message`."""

    role: str
    content: str
    model: str | None = "test/model"
    status: str = "complete"
    reasoning: str = ""


def conversation(turns: int) -> list[Saved]:
    messages: list[Saved] = []
    for turn in range(turns):
        messages.append(Saved("user", f"Question number {turn}?"))
        body = f"Answer number {turn}.\n\n" + big_reply(1_500, seed=turn)
        messages.append(Saved("assistant", body, status="stopped" if turn == 3 else "complete"))
    return messages


async def test_a_long_history_opens_at_the_bottom_and_renders_lazily() -> None:
    messages = conversation(150)
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        entries = pane.load_history(messages)
        await pilot.pause()
        assert len(entries) == 300 and pane.entries == entries
        assert [type(entry) for entry in entries[:2]] == [UserMessage, AssistantMessage]
        assert entries[7].has_class("-stopped")
        assert "Answer number 149." in "\n".join(entries[-1].text_rows())
        assert sum(entry.deferred for entry in entries) > 250  # only the newest were rendered
        assert sum(bool(entry.display) for entry in entries) < 30  # and only those near the view laid out
        _assert_placements_match_layout(pane)
        pane.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        assert not entries[0].deferred and entries[0].display
        assert "Question number 0?" in screen_text(app)
        _assert_placements_match_layout(pane)


async def test_rendering_messages_above_the_view_does_not_move_the_text_being_read() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        entries = pane.load_history(conversation(150))
        await pilot.pause()
        pane._loader.stop()
        middle = next(p for p in pane.placements() if p.widget is entries[150])
        pane.scroll_to(y=middle.top, animate=False, immediate=True)
        await pilot.pause()
        before = _without_scrollbar(screen_text(app))
        above = [entry for entry in entries[:140] if entry.deferred]
        assert above  # estimated heights, about to become real ones
        pane._loader.hydrate(above)
        await pilot.pause()
        await pilot.pause()
        assert _without_scrollbar(screen_text(app)) == before  # only the scrollbar's thumb may move
        _assert_placements_match_layout(pane)


def _without_scrollbar(text: str) -> str:
    return "\n".join(line[:-2] for line in text.splitlines())


async def test_a_long_live_session_keeps_only_the_entries_near_the_bottom_laid_out() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.pane
        for turn in range(60):
            await pane.add_user(f"prompt {turn}")
            reply = await pane.add_assistant("m")
            reply.append(f"Reply {turn}.\n\n- one\n- two\n")
            await reply.finish("complete", "")
        await pilot.pause()
        await pilot.pause()
        assert len(pane.entries) == 120
        assert sum(bool(entry.display) for entry in pane.entries) < 40
        assert "Reply 59." in screen_text(app)
        _assert_placements_match_layout(pane)


def _assert_placements_match_layout(pane: ChatPane) -> None:
    """The positions the window computes for hidden entries agree with Textual's layout of shown ones."""
    for placement in pane.placements():
        if placement.widget.display:
            region = placement.widget.virtual_region
            assert (region.y, region.height) == (placement.top, placement.height)


async def test_selection_moves_between_entries_and_follows_the_keys() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.pane
        pane.load_history(conversation(3))
        await pilot.pause()
        entries = pane.entries
        assert pane.selected is None
        pane.select_previous()
        assert pane.selected is entries[-1] and entries[-1].has_class("-selected")
        pane.focus()
        await pilot.press("up", "up")
        assert pane.selected is entries[-3]
        assert not entries[-1].has_class("-selected")
        await pilot.press("down")
        assert pane.selected is entries[-2]
        pane.select_next()
        pane.select_next()
        assert pane.selected is entries[-1]  # stays on the newest
        await pilot.press("escape")
        assert pane.selected is None
        await pilot.pause()
        assert app.selections[-1] is None and entries[-3] in app.selections


async def test_remove_and_clear() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.pane
        first = await pane.add_user("one")
        reply = await pane.add_assistant("m")
        await reply.finish("complete", "")
        pane.select(reply)
        await pane.remove_entries([reply])
        assert pane.entries == [first] and pane.selected is None
        await pane.clear()
        await pilot.pause()
        assert pane.entries == []
        await pane.add_user("again")
        assert [type(entry) for entry in pane.entries] == [UserMessage]


async def test_low_bandwidth_limits_redraws_to_ten_a_second() -> None:
    app = Host(low_bandwidth=True)
    async with app.run_test(size=(80, 24)):
        reply = await app.pane.add_assistant("m")
        assert reply.low_bandwidth and reply._coalescer.interval == LOW_BANDWIDTH_INTERVAL


async def test_a_narrower_pane_rewraps_and_a_theme_change_recolours() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        reply = await app.pane.add_assistant("m")
        reply.append("# Title\n\n" + "word " * 60)
        await reply.finish()
        await pilot.pause()
        wide = reply.row_count
        heading = reply._row(1)[1].style
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        assert reply.row_count > wide
        assert all(len(row) <= reply.content_size.width for row in reply.text_rows())
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        assert reply._row(1)[1].style != heading
