"""Per-reply metrics: time to first token, duration, tokens per second and cost (billed or estimated).

One place computes and formats them so the CLI's stderr line, the TUI's footer under a reply, the sidebar and
the compare columns always agree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from anannas_tui.core.usage import Usage

if TYPE_CHECKING:
    from anannas_tui.core.models import ModelInfo


@dataclass
class ReplyTimer:
    """Clock readings for one reply; `time.monotonic` unless a test passes its own clock."""

    started: float = field(default_factory=time.monotonic)
    first_token: float | None = None
    ended: float | None = None

    def token(self, now: float | None = None) -> None:
        """Record the first content or reasoning delta (later calls do nothing)."""
        if self.first_token is None:
            self.first_token = time.monotonic() if now is None else now

    def end(self, now: float | None = None) -> None:
        """Record the end of the reply."""
        self.ended = time.monotonic() if now is None else now

    @property
    def ttft(self) -> float | None:
        """Seconds from sending to the first token."""
        return None if self.first_token is None else self.first_token - self.started

    @property
    def duration(self) -> float | None:
        """Seconds from sending to the end."""
        return None if self.ended is None else self.ended - self.started


@dataclass(frozen=True)
class ReplyMetrics:
    """What is shown about one finished (or failed) reply."""

    usage: Usage | None = None
    ttft: float | None = None
    duration: float | None = None
    finish_reason: str | None = None
    cost: Decimal | None = None
    cost_estimated: bool = False

    @property
    def tokens_per_second(self) -> float | None:
        """Completion tokens over generation time (first token to end)."""
        if self.usage is None or self.duration is None or not self.usage.completion_tokens:
            return None
        generating = self.duration - (self.ttft or 0.0)
        return self.usage.completion_tokens / generating if generating > 0 else None

    def summary(self) -> str:
        """One line: "312 tokens · $0.0012 · TTFT 0.42 s · 85 tok/s · stop"."""
        parts: list[str] = []
        if self.usage is not None:
            parts.append(f"{self.usage.prompt_tokens:,} in / {self.usage.completion_tokens:,} out")
        if self.cost is not None:
            parts.append(format_cost(self.cost, self.cost_estimated))
        if self.ttft is not None:
            parts.append(f"TTFT {self.ttft:.2f} s")
        if self.tokens_per_second is not None:
            parts.append(f"{self.tokens_per_second:,.0f} tok/s")
        if self.finish_reason:
            parts.append(self.finish_reason)
        return " · ".join(parts)


def reply_metrics(
    timer: ReplyTimer, usage: Usage | None, finish_reason: str | None, model: ModelInfo | None
) -> ReplyMetrics:
    """Combine a reply's timer, usage and finish reason; estimate the cost from prices when none was billed."""
    cost, estimated = (usage.cost, False) if usage is not None else (None, False)
    if cost is None and usage is not None and model is not None:
        cost = model.estimate_cost(usage.prompt_tokens, usage.completion_tokens)
        estimated = cost is not None
    return ReplyMetrics(usage, timer.ttft, timer.duration, finish_reason, cost, estimated)


def format_cost(cost: Decimal | None, estimated: bool = False) -> str:
    """ "$0.0123", "$0.0123 est." or "–" when unknown; small amounts keep 2 significant digits."""
    if cost is None:
        return "–"
    if cost == 0:
        text = "$0"
    elif cost >= Decimal("0.01"):
        text = f"${cost:,.4f}".rstrip("0").rstrip(".")
    else:  # keep two significant digits of small amounts: $0.000070
        places = min(-cost.adjusted() + 1, 12)
        text = f"${cost:.{places}f}"
    return f"{text} est." if estimated else text


def format_price(per_million: Decimal | None) -> str:
    """A price per 1M tokens for tables: "0.15", "12", or "" when the endpoint gives none."""
    if per_million is None:
        return ""
    return f"{per_million:,.4f}".rstrip("0").rstrip(".")


def format_tokens(count: int | None) -> str:
    """A context length or token count: "128k", "1M", "8,192" for exact small values."""
    if count is None:
        return ""
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count >= 10_000:
        return f"{round(count / 1000)}k"
    return f"{count:,}"
