"""What one reply used and cost: a value shared by the stream's events, the session file and the metrics.

It lives apart from the streaming events so that a session or the usage sidebar can hold one without importing
the client's event and error types (start-up imports only what the first frame needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Usage:
    """Token counts and billed cost for one reply, as the gateway reported them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None
    cost: Decimal | None = None
    """Credits charged (`usage.cost`), when the gateway sent it; None when it did not."""
