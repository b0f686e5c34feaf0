"""Running totals of tokens and cost over a conversation, for the sidebar's "Session" section.

Totals are a frozen value that `add` replaces, so a screen can hold them in a reactive (a new object is a
change; mutating in place would not be seen) and rebuild them from a loaded session with `of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from anannas_tui.core.metrics import ReplyMetrics, format_cost


@dataclass(frozen=True)
class SessionTotals:
    """Tokens and cost summed over the replies of one conversation."""

    prompt_tokens: int = 0
    """Input tokens over all replies (each reply re-sends the history, so this grows fast)."""
    completion_tokens: int = 0
    """Output tokens over all replies (reasoning tokens included, as the gateway counts them)."""
    cost: Decimal | None = None
    """Billed plus estimated cost; None while no reply had a known cost."""
    cost_estimated: bool = False
    """True when any part of `cost` was estimated from list prices rather than billed."""
    uncosted_replies: int = 0
    """Replies whose cost is unknown (no usage and no prices), so `cost` is a lower bound."""
    replies: int = 0
    """Replies counted, failed ones included."""

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    def add(self, metrics: ReplyMetrics) -> SessionTotals:
        """Return the totals with one more reply counted."""
        usage = metrics.usage
        cost = self.cost
        if metrics.cost is not None:
            cost = metrics.cost if cost is None else cost + metrics.cost
        return SessionTotals(
            prompt_tokens=self.prompt_tokens + (usage.prompt_tokens if usage else 0),
            completion_tokens=self.completion_tokens + (usage.completion_tokens if usage else 0),
            cost=cost,
            cost_estimated=self.cost_estimated or (metrics.cost is not None and metrics.cost_estimated),
            uncosted_replies=self.uncosted_replies + (metrics.cost is None),
            replies=self.replies + 1,
        )

    @classmethod
    def of(cls, metrics: Iterable[ReplyMetrics]) -> SessionTotals:
        """Totals for a whole list of replies (a conversation loaded from disk)."""
        totals = cls()
        for item in metrics:
            totals = totals.add(item)
        return totals

    def cost_text(self) -> str:
        """The cost as shown: "$0.0123", "$0.0123 est.", "≥$0.0123" when some replies had no cost, or "–"."""
        text = format_cost(self.cost, self.cost_estimated)
        if self.cost is not None and self.uncosted_replies:
            return f"≥{text}"
        return text
