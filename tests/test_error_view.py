"""Error toasts (title, body, severity) and the transcript's ErrorEntry with its Retry / Switch model actions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from anannas_tui.core.errors import DETAIL_LIMIT, ApiError, ErrorKind, parse_error_body
from anannas_tui.core.events import RetryScheduled
from anannas_tui.error_view import (
    TOAST_VALUE_LIMIT,
    error_severity,
    error_toast,
    notify_error,
    notify_retry,
    retry_status,
    retry_toast,
)
from anannas_tui.widgets.error_entry import ErrorEntry

FLAGGED = "Tell me how to [bold]hurt[/bold] someone \x1b]52;c;ZXZpbA==\x07 " * 10

MODERATION = parse_error_body(
    403,
    json.dumps(
        {
            "error": {
                "code": 403,
                "message": "Content flagged by moderation",
                "metadata": {
                    "reasons": ["violence", "harassment"],
                    "flagged_input": FLAGGED,
                    "provider_name": "openai",
                    "model_slug": "gpt-5-mini",
                },
            }
        }
    ),
    "application/json",
)
PROVIDER_RAW = parse_error_body(
    502,
    json.dumps(
        {
            "error": {
                "code": 502,
                "message": "Provider returned error",
                "metadata": {
                    "provider_name": "Anthropic",
                    "raw": {"type": "error", "error": {"type": "overloaded_error", "message": "x" * 400}},
                },
            }
        }
    ),
)
HTML_502 = parse_error_body(
    502,
    "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>",
    "text/html",
)
RATE_LIMITED = parse_error_body(
    429,
    json.dumps(
        {
            "error": {
                "message": "Provider returned error",
                "code": 429,
                "metadata": {"raw": "temporarily rate-limited upstream", "provider_name": "Venice"},
            }
        }
    ),
)
CONNECTION_LOST = ApiError(kind=ErrorKind.CONNECTION_LOST, message="The server closed the connection mid-reply.")
STALLED = ApiError(kind=ErrorKind.STALLED, message="No content for 60 s.")


def body_lines(error: ApiError) -> list[str]:
    return error_toast(error)[1].plain.splitlines()


class TestErrorToast:
    def test_moderation(self) -> None:
        title, body = error_toast(MODERATION)
        assert title == "403 · Flagged by moderation"
        lines = body.plain.splitlines()
        assert lines[0] == "message: Content flagged by moderation"
        assert "reasons: violence, harassment" in lines
        assert "provider: openai" in lines
        assert "model: gpt-5-mini" in lines
        flagged = next(line for line in lines if line.startswith("flagged input: "))
        assert flagged.endswith("…") and len(flagged) <= len("flagged input: ") + TOAST_VALUE_LIMIT
        assert "␛]52" in flagged and "\x1b" not in body.plain  # the escape is visible, not live
        assert lines[-1] == MODERATION.hint
        assert error_severity(MODERATION) == "error"

    def test_provider_raw_detail(self) -> None:
        title, body = error_toast(PROVIDER_RAW)
        assert title == "502 · Provider error"
        lines = body.plain.splitlines()
        assert "provider: Anthropic" in lines
        raw = next(line for line in lines if line.startswith("raw: "))
        assert "overloaded_error" in raw and raw.endswith("…")
        assert len(raw) <= len("raw: ") + min(DETAIL_LIMIT, TOAST_VALUE_LIMIT)

    def test_html_502_is_summarised(self) -> None:
        title, body = error_toast(HTML_502)
        assert title == "502 · Provider error"
        assert body.plain.splitlines()[0] == "message: HTTP 502 from a proxy or gateway: 502 Bad Gateway"
        assert "<" not in body.plain and "nginx" not in body.plain

    @pytest.mark.parametrize(
        ("error", "title", "severity"),
        [
            (RATE_LIMITED, "429 · Rate limited", "warning"),
            (CONNECTION_LOST, "Connection lost", "warning"),
            (STALLED, "Stalled", "warning"),
            (parse_error_body(401, '{"error": {"code": 401, "message": "No key"}}'), "401 · Key rejected", "error"),
            (
                parse_error_body(
                    402, '{"error": {"message": "Insufficient credits", "type": "insufficient_quota_error"}}'
                ),
                "402 · Out of credits",
                "error",
            ),
        ],
    )
    def test_titles_and_severity(self, error: ApiError, title: str, severity: str) -> None:
        assert error_toast(error)[0] == title
        assert error_severity(error) == severity
        lines = body_lines(error)
        assert lines[0] == f"message: {error.message}"
        assert (lines[-1] == error.hint) if error.hint else True

    def test_every_detail_row_is_in_the_body(self) -> None:
        for error in (MODERATION, PROVIDER_RAW, HTML_502, RATE_LIMITED, CONNECTION_LOST):
            plain = error_toast(error)[1].plain
            for label, _ in error.details():
                assert f"{label}: " in plain

    def test_markup_in_the_error_stays_text(self) -> None:
        error = parse_error_body(400, json.dumps({"error": {"code": 400, "message": "bad [@click=app.quit]x[/] [b"}}))
        _, body = error_toast(error)
        assert "message: bad [@click=app.quit]x[/] [b" in body.plain
        assert all(not str(span.style).startswith("@") for span in body.spans)

    def test_retry_countdown(self) -> None:
        event = RetryScheduled(attempt=1, attempts=2, delay=5.0, error=RATE_LIMITED)
        title, body = retry_toast(event, 3.4)
        assert title == "Retrying in 3 s"
        assert body.plain.splitlines() == ["attempt 1 of 2 after 429 · Rate limited", "Provider returned error"]
        assert retry_toast(event, 0.2)[0] == "Retrying now"
        assert retry_status(event, 2.6) == "retry 1/2 in 3 s"
        assert retry_status(event, -1) == "retry 1/2 now"


class ToastApp(App[None]):
    """Records notify() calls instead of showing them (run_test disables toasts)."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[dict[str, Any]] = []

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.notes.append({"message": message, **kwargs})


class TestNotify:
    async def test_notify_error_passes_plain_text_without_markup(self) -> None:
        app = ToastApp()
        async with app.run_test():
            notify_error(app, MODERATION)
            notify_error(app, RATE_LIMITED)
        first, second = app.notes
        assert first["title"] == "403 · Flagged by moderation"
        assert first["message"] == error_toast(MODERATION)[1].plain
        assert first["markup"] is False and first["severity"] == "error"
        assert second["severity"] == "warning"
        assert first["timeout"] > second["timeout"]

    async def test_notify_retry_lasts_the_whole_wait(self) -> None:
        app = ToastApp()
        async with app.run_test():
            notify_retry(app, RetryScheduled(attempt=2, attempts=2, delay=17.0, error=RATE_LIMITED))
        (note,) = app.notes
        assert note["title"] == "Retrying in 17 s"
        assert note["timeout"] == 17.0 and note["markup"] is False and note["severity"] == "warning"


class EntryApp(App[None]):
    """A transcript with one user line and an ErrorEntry; records the entry's requests."""

    def __init__(self, error: ApiError = MODERATION) -> None:
        super().__init__()
        self.error = error
        self.requests: list[Message] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("You: describe something awful")
            yield ErrorEntry(self.error, "openai/gpt-5-mini", id="entry")

    def on_error_entry_retry_requested(self, message: ErrorEntry.RetryRequested) -> None:
        self.requests.append(message)

    def on_error_entry_switch_model_requested(self, message: ErrorEntry.SwitchModelRequested) -> None:
        self.requests.append(message)


class TestErrorEntry:
    async def test_shows_title_every_detail_and_hint(self) -> None:
        app = EntryApp()
        async with app.run_test(size=(100, 30)):
            entry = app.query_one(ErrorEntry)
            lines = entry.text.splitlines()
            assert lines[0] == "✖ 403 · Flagged by moderation · openai/gpt-5-mini"
            for label, value in MODERATION.details():
                assert f"{label}: {value}" in lines
            assert lines[-1] == MODERATION.hint
            shown = "".join(str(static.render()) for static in entry.query(Static))
            assert "reasons: violence, harassment" in shown

    @pytest.mark.parametrize(
        ("key", "kind"), [("r", ErrorEntry.RetryRequested), ("m", ErrorEntry.SwitchModelRequested)]
    )
    async def test_keys_post_requests(self, key: str, kind: type[Message]) -> None:
        app = EntryApp()
        async with app.run_test(size=(100, 30)) as pilot:
            entry = app.query_one(ErrorEntry)
            entry.focus()
            await pilot.press(key)
            await pilot.pause()
            (request,) = app.requests
            assert type(request) is kind
            assert isinstance(request, ErrorEntry.RetryRequested | ErrorEntry.SwitchModelRequested)
            assert request.entry is entry and request.control is entry
            assert request.entry.error is MODERATION and request.entry.model_id == "openai/gpt-5-mini"

    @pytest.mark.parametrize(
        ("button", "kind"),
        [("#error-retry", ErrorEntry.RetryRequested), ("#error-switch-model", ErrorEntry.SwitchModelRequested)],
    )
    async def test_clicks_post_requests(self, button: str, kind: type[Message]) -> None:
        app = EntryApp()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.click(button)
            await pilot.pause()
            assert [type(request) for request in app.requests] == [kind]

    async def test_buttons_are_reachable_with_tab_and_enter(self) -> None:
        app = EntryApp()
        async with app.run_test(size=(100, 30)) as pilot:
            app.query_one(ErrorEntry).focus()
            await pilot.press("tab", "tab", "enter")
            await pilot.pause()
            assert [type(request) for request in app.requests] == [ErrorEntry.SwitchModelRequested]

    async def test_resolved_entry_hides_actions_and_ignores_keys(self) -> None:
        app = EntryApp()
        async with app.run_test(size=(100, 30)) as pilot:
            entry = app.query_one(ErrorEntry)
            entry.actions_enabled = False
            entry.focus()
            await pilot.press("r", "m")
            await pilot.pause()
            assert app.requests == []
            assert entry.query_one(".error-actions").styles.display == "none"

    async def test_warning_kinds_are_marked(self) -> None:
        app = EntryApp(STALLED)
        async with app.run_test(size=(100, 30)):
            entry = app.query_one(ErrorEntry)
            assert entry.has_class("-warning")
            assert entry.text.splitlines()[0] == "✖ Stalled · openai/gpt-5-mini"

    async def test_hostile_text_is_literal(self) -> None:
        error = parse_error_body(
            500, json.dumps({"error": {"code": 500, "message": "[b]oops[/b] \x1b[2J [@click=app.quit]"}})
        )
        app = EntryApp(error)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            entry = app.query_one(ErrorEntry)
            assert "message: [b]oops[/b] ␛[2J [@click=app.quit]" in entry.text
            details = entry.query_one(".error-details", Static).render()
            assert isinstance(details, Content) and "[b]oops[/b]" in details.plain


class TestSnapshots:
    def test_error_entry_moderation(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        """Under a "You: …" line, an entry with a red rounded border and faint red background: the bold red
        title "✖ 403 · Flagged by moderation · openai/gpt-5-mini", then muted labels with their values (message,
        reasons "violence, harassment", the flagged input with "␛]52;c;…" shown as visible characters and
        "[bold]" as literal text, provider openai, model gpt-5-mini), an italic hint, and two compact buttons
        "Retry" and "Switch model". The entry has focus (full-strength border)."""

        async def focus(pilot) -> None:  # type: ignore[no-untyped-def]
            pilot.app.query_one(ErrorEntry).focus()

        assert snap_compare(EntryApp(), terminal_size=(100, 24), run_before=focus)
