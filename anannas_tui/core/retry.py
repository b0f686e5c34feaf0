"""When to retry a failed request, and how long to wait first.

Retries happen only before any content arrived (re-sending after partial output would duplicate text and the
bill), only for statuses that mean "try again" and for connection failures, with exponential backoff and
jitter. A server's own delay (`retry-after-ms`, `Retry-After` as seconds or an HTTP date, or the gateway's
`metadata.retry_after_seconds`) is honoured up to a cap; beyond the cap the error is shown instead of a long
silent wait.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

#: Statuses that mean "the same request may succeed later" (issue 2; openai-python retries a superset).
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 524, 529})

INITIAL_DELAY = 0.5
MAX_BACKOFF = 8.0


def is_retryable_status(status: int, headers: Mapping[str, str] | None = None) -> bool:
    """True when `status` is worth retrying; an `x-should-retry` header overrides the table."""
    override = (headers or {}).get("x-should-retry", "").strip().lower()
    if override in ("true", "false"):
        return override == "true"
    return status in RETRYABLE_STATUSES


def server_delay(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """The delay the server asked for, in seconds, or None when it asked for none (or said nonsense)."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            value = float(milliseconds) / 1000
        except ValueError:
            value = -1
        if value > 0:
            return value
    after = headers.get("retry-after", "").strip()
    if not after:
        return None
    try:
        value = float(after)
    except ValueError:
        try:
            when = parsedate_to_datetime(after).timestamp()
        except (TypeError, ValueError, IndexError):
            return None
        value = when - (time.time() if now is None else now)
    return value if value > 0 else None


def backoff_delay(retries_taken: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with up to 25% negative jitter: about 0.5 s, 1 s, 2 s ... capped at 8 s."""
    jitter = 1 - 0.25 * (rng or random).random()
    return float(min(INITIAL_DELAY * 2**retries_taken, MAX_BACKOFF) * jitter)


def retry_delay(retries_taken: int, requested: float | None, cap: float) -> float | None:
    """How long to wait before the next attempt, or None when the server's request exceeds `cap`."""
    if requested is not None:
        return requested if requested <= cap else None
    return backoff_delay(retries_taken)
