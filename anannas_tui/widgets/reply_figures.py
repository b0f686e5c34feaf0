"""The figures a compare column shows about its reply: live while it streams, exact once it ends.

While streaming only the clock and the text received are known, so the live figures are marked "~" (tokens
estimated as characters / 4); when the reply ends they are replaced by the gateway's own usage and cost, and
by how the reply ended. The same functions draw a reply that finished a minute ago and one loaded from a
saved session, so reopening a comparison shows exactly what was on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

from anannas_tui.core.cost_preview import CostPreview, estimate_tokens
from anannas_tui.core.errors import ApiError
from anannas_tui.core.metrics import ReplyMetrics, format_cost
from anannas_tui.core.reply import ReplyOutcome
from anannas_tui.core.sanitize import for_display, shorten
from anannas_tui.core.session import Message, Status

MUTED = "$foreground-muted"

#: Glyph, style and words for each way a reply can end.
_ENDINGS: dict[Status, tuple[str, str]] = {
    Status.COMPLETE: ("✓", "$text-success"),
    Status.STOPPED: ("⏹", "$text-warning"),
    Status.INCOMPLETE: ("⚠", "$text-warning"),
    Status.ERROR: ("✖", "$text-error"),
}

#: Status glyphs for tab labels: streaming, then each ending.
GLYPHS = {"streaming": "●", **{str(status): glyph for status, (glyph, _) in _ENDINGS.items()}}


def metrics_of(message: Message) -> ReplyMetrics:
    """The metrics recorded with a saved reply (what `ReplyOutcome.metrics` gave when it ended)."""
    cost = message.usage.cost if message.usage is not None else None
    return ReplyMetrics(
        message.usage, message.ttft, message.duration, message.finish_reason, cost, message.cost_estimated
    )


def ending_item(status: Status, finish_reason: str | None, error: ApiError | None) -> Content:
    """ "✓ stop", "⏹ stopped", "⚠ incomplete: Stalled", "✖ 403 · Flagged by moderation"."""
    glyph, style = _ENDINGS[status]
    if status is Status.COMPLETE:
        if finish_reason == "length":
            return Content.styled("⚠ length (max tokens)", "$text-warning")
        words = finish_reason or "done"
    elif status is Status.STOPPED:
        words = "stopped"
    elif error is not None:
        words = error.title if status is Status.ERROR else f"incomplete: {error.title}"
    else:
        words = str(status)
    return Content.styled(f"{glyph} {shorten(for_display(words), 80)}", style)


def finished_items(metrics: ReplyMetrics, status: Status, error: ApiError | None) -> list[Content]:
    """How a reply ended, then TTFT, tokens/s, duration, tokens in/out and cost ("est." when estimated)."""
    items = [ending_item(status, metrics.finish_reason, error)]
    if metrics.ttft is not None:
        items.append(Content(f"TTFT {metrics.ttft:.2f} s"))
    if metrics.tokens_per_second is not None:
        items.append(Content(f"{metrics.tokens_per_second:,.0f} tok/s"))
    if metrics.duration is not None:
        items.append(Content(f"{metrics.duration:.2f} s total"))
    if metrics.usage is not None:
        items.append(Content(f"{metrics.usage.prompt_tokens:,} in / {metrics.usage.completion_tokens:,} out"))
    if metrics.cost is not None:
        items.append(Content(format_cost(metrics.cost, metrics.cost_estimated)))
    return items


def live_items(outcome: ReplyOutcome, now: float, retry: str = "", *, queued: bool = False) -> list[Content]:
    """Figures for a reply still streaming: waiting time, or TTFT with "~" token counts and rate so far; and
    "next prompt queued" when a follow-up waits for this reply."""
    items = _live_figures(outcome, now, retry)
    if queued:
        items.append(Content.styled("next prompt queued", "$text-accent"))
    return items


def _live_figures(outcome: ReplyOutcome, now: float, retry: str) -> list[Content]:
    timer = outcome.timer
    if retry:
        return [Content.styled(f"● {retry}", "$text-warning")]
    if timer.first_token is None:
        return [Content.styled(f"● waiting {max(now - timer.started, 0):.1f} s", "$text-accent")]
    items = [Content.styled("● streaming", "$text-accent"), Content(f"TTFT {timer.first_token - timer.started:.2f} s")]
    tokens = estimate_tokens("".join(outcome.content)) + estimate_tokens("".join(outcome.reasoning))
    generating = now - timer.first_token
    if tokens and generating > 0.2:
        items.append(Content(f"~{tokens / generating:,.0f} tok/s"))
    items.append(Content(f"~{tokens:,} out"))
    return items


def idle_items() -> list[Content]:
    """Before the first reply."""
    return [Content.styled("no reply yet", MUTED)]


def preview_items(preview: CostPreview) -> list[Content]:
    """ "next ≈ 57 prompt tokens · ≈ $0.000057", muted: an estimate, not a bill."""
    items = [Content.styled(f"next {preview.tokens_text}", MUTED)]
    if preview.cost_text:
        items.append(Content.styled(preview.cost_text, MUTED))
    return items


def reply_footer(metrics: ReplyMetrics, status: Status, error: ApiError | None = None) -> str:
    """The line under a reply in the transcript: the summary, how it was cut, and why it failed.

    The error's title is part of it so that an older failed reply, reopened from disk without its error
    entry, still says what went wrong.
    """
    note = {Status.STOPPED: "stopped", Status.INCOMPLETE: "incomplete"}.get(status)
    reason = error.title if error is not None and status in (Status.ERROR, Status.INCOMPLETE) else None
    return " · ".join(part for part in (metrics.summary(), note, reason) if part)


@dataclass(frozen=True)
class SavedReply:
    """A saved message as a transcript shows it (`ChatPane.load_history` takes these), with its footer."""

    role: str
    content: str
    model: str | None
    status: str
    reasoning: str
    footer: str
    """The metrics line under a reply (empty for a prompt)."""


def saved_reply(message: Message, model: str | None = None) -> SavedReply:
    """How `message` is shown when a comparison is reopened; `model` replaces its model ("Model A" when blind)."""
    footer = reply_footer(metrics_of(message), message.status, message.error) if message.role == "assistant" else ""
    shown = model or message.model
    return SavedReply(str(message.role), message.content, shown, str(message.status), message.reasoning, footer)
