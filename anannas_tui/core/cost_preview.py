"""What the next prompt will cost to send, estimated before it is sent (the compare view's per-column preview).

No tokenizer is bundled (each model family has its own, and loading one would cost more than the whole app's
start-up), so the count is the usual rule of thumb: about four characters per token, plus a few tokens of
framing per message. That is close enough to say "this column costs ten times that one" before pressing
Enter, which is what the preview is for; the billed figures arrive with the reply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from anannas_tui.core.metrics import format_cost
from anannas_tui.core.models import ModelInfo

CHARS_PER_TOKEN = 4
"""The rule-of-thumb ratio for English text and code with the common BPE tokenizers."""

MESSAGE_OVERHEAD = 4
"""Tokens of role and separator framing each message adds (OpenAI documents 3-4)."""


def estimate_tokens(text: str) -> int:
    """Tokens in `text`, rounded up: ceil(characters / 4); 0 for empty text."""
    return -(-len(text) // CHARS_PER_TOKEN)


def history_tokens(messages: Sequence[Mapping[str, str]]) -> int:
    """Estimated prompt tokens of an `api_messages` list (system prompt and history), framing included."""
    return sum(estimate_tokens(message.get("content", "")) + MESSAGE_OVERHEAD for message in messages)


def next_prompt_tokens(history: int, prompt: str) -> int:
    """Estimated prompt tokens of a request: the history's (from `history_tokens`) plus the new prompt's.

    The history count is computed once per reply and passed in, so the preview can be updated on every
    keystroke without walking a long conversation again.
    """
    return history + (estimate_tokens(prompt) + MESSAGE_OVERHEAD if prompt.strip() else 0)


@dataclass(frozen=True)
class CostPreview:
    """The estimated prompt tokens of the next request and their cost at one model's input price."""

    tokens: int
    cost: Decimal | None = None
    """None when the model's input price is unknown (not listed, or the list is not loaded yet)."""

    @property
    def tokens_text(self) -> str:
        """ "≈ 1,234 prompt tokens"."""
        return f"≈ {self.tokens:,} prompt tokens"

    @property
    def cost_text(self) -> str:
        """ "≈ $0.0012", or "" when the price is unknown (a blank says "unknown" without a made-up figure)."""
        return "" if self.cost is None else f"≈ {format_cost(self.cost)}"

    def summary(self) -> str:
        """ "≈ 1,234 prompt tokens · ≈ $0.0012" (without the cost when the price is unknown)."""
        return " · ".join(part for part in (self.tokens_text, self.cost_text) if part)


def cost_preview(tokens: int, model: ModelInfo | None) -> CostPreview:
    """Price `tokens` prompt tokens at `model`'s input price (per token)."""
    price = None if model is None else model.prompt_price
    return CostPreview(tokens, None if price is None else price * tokens)
