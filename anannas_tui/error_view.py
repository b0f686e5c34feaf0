"""How an `ApiError` looks on screen: the toast, the retry countdown and the detail rows of a transcript entry.

The toast and the transcript's `ErrorEntry` print the same rows (`ApiError.details()`), so what the user saw
fading in the corner can be read again in the transcript. Everything is built as `Content` from plain strings
(never parsed as markup): error fields come from the network, and a `[` in a provider's message must stay a
`[`. Textual's toasts take a plain string, so `notify_error` passes `Content.plain` with `markup=False`.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel

from anannas_tui.core.errors import ApiError, ErrorKind
from anannas_tui.core.events import RetryScheduled
from anannas_tui.core.sanitize import for_display, shorten

#: Kinds that leave the conversation intact and usually pass: shown as warnings, not errors.
WARNING_KINDS = frozenset(
    {
        ErrorKind.RATE_LIMIT,
        ErrorKind.OVERLOADED,
        ErrorKind.TIMEOUT,
        ErrorKind.CONNECTION_LOST,
        ErrorKind.STALLED,
        ErrorKind.INCOMPLETE,
        ErrorKind.CONTENT_FILTER,
    }
)

#: How long a toast stays, by severity: errors longer, since they need reading.
TOAST_TIMEOUTS: dict[SeverityLevel, float] = {"error": 12.0, "warning": 8.0, "information": 5.0}

#: A toast is about 50 columns wide: each detail value is cut to a few of its lines.
TOAST_VALUE_LIMIT = 160

LABEL_STYLE = "$foreground-muted"
HINT_STYLE = "italic $foreground-muted"


def error_severity(error: ApiError) -> SeverityLevel:
    """ "warning" for transient failures that kept everything (rate limits, stalls), else "error"."""
    return "warning" if error.kind in WARNING_KINDS else "error"


def detail_rows(error: ApiError, limit: int | None = None) -> Content:
    """Every `details()` row as "label: value" lines, values optionally cut to `limit` characters."""
    lines: list[Content] = []
    for label, value in error.details():
        text = for_display(value)
        if limit is not None:
            text = shorten(text, limit)
        lines.append(Content.assemble((f"{label}: ", LABEL_STYLE), text))
    return Content("\n").join(lines)


def hint_line(error: ApiError) -> Content:
    """The "what to do" line, or empty Content when the error kind has no advice."""
    hint = error.hint
    return Content.styled(hint, HINT_STYLE) if hint else Content()


def error_toast(error: ApiError) -> tuple[str, Content]:
    """The toast for an error: its title ("403 · Flagged by moderation") and a body of every detail row and
    the hint, each value shortened to fit a toast."""
    body = detail_rows(error, TOAST_VALUE_LIMIT)
    hint = hint_line(error)
    if hint:
        body = Content("\n").join([body, hint])
    return error.title, body


def retry_toast(event: RetryScheduled, remaining: float) -> tuple[str, Content]:
    """The countdown toast while the client waits to retry: "Retrying in 3 s (1 of 2)" over the error."""
    seconds = max(0, round(remaining))
    title = f"Retrying in {seconds} s" if seconds else "Retrying now"
    body = Content.assemble(
        (f"attempt {event.attempt} of {event.attempts} after ", LABEL_STYLE),
        event.error.title,
        "\n",
        shorten(for_display(event.error.message), TOAST_VALUE_LIMIT),
    )
    return title, body


def retry_status(event: RetryScheduled, remaining: float) -> str:
    """A few words for the title bar's status while waiting: "retry 1/2 in 3 s"."""
    seconds = max(0, round(remaining))
    when = f"in {seconds} s" if seconds else "now"
    return f"retry {event.attempt}/{event.attempts} {when}"


def notify_error(app: App[Any], error: ApiError) -> None:
    """Show the toast for `error` (plain text, markup off, severity and timeout by kind)."""
    title, body = error_toast(error)
    severity = error_severity(error)
    app.notify(body.plain, title=title, severity=severity, timeout=TOAST_TIMEOUTS[severity], markup=False)


def notify_retry(app: App[Any], event: RetryScheduled) -> None:
    """Show one warning toast for a scheduled retry that stays for the whole wait.

    Textual cannot update a toast in place, so the toast states the wait once and fades when the retry
    starts; the title bar's status (`retry_status`) is what counts down.
    """
    title, body = retry_toast(event, event.delay)
    app.notify(body.plain, title=title, severity="warning", timeout=max(event.delay, 3.0), markup=False)
