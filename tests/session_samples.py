"""Sample sessions for the session format, store, kill and CLI tests: every field set, awkward text included."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from anannas_tui.core.config import ChatParams
from anannas_tui.core.errors import ApiError, ErrorKind, ModerationInfo, ProviderInfo
from anannas_tui.core.session import Column, Message, Role, Session, SessionKind, Status
from anannas_tui.core.session_codec import session_to_document
from anannas_tui.core.usage import Usage

WHEN = datetime(2025, 6, 1, 14, 3, 22, tzinfo=timezone(timedelta(hours=2)))

#: Text a naive writer gets wrong: CRLF, a lone CR, triple quotes, backslashes, controls, bidi, emoji, BOM.
AWKWARD = 'line one\r\nline two\rthree """quoted""" \\n not a newline\x00\x1b[2J\x7f\u202e 🍍👩‍💻\ufeff end"'


def sample_error() -> ApiError:
    """A moderation error with every field set."""
    return ApiError(
        kind=ErrorKind.MODERATION,
        message="Your input was flagged",
        status=403,
        code=403,
        type="content_filter_error",
        metadata={"reasons": ["violence"], "flagged_input": "…", "null_field": None, "ratio": 0.25},
        moderation=ModerationInfo(("violence",), "the flagged text", "OpenAI", "openai/gpt-5-mini"),
        provider=ProviderInfo("OpenAI", "raw detail"),
        request_id="req-1",
        generation_id="gen-1",
        retry_after=1.5,
    )


def sample_chat(session_id: str = "a1b2c3d4e5f6", title: str = "Explain TOML") -> Session:
    """A chat with a user prompt, a complete reply with usage, a stopped reply and a failed one."""
    return Session(
        id=session_id,
        title=title,
        created=WHEN,
        updated=WHEN + timedelta(minutes=2),
        model="openai/gpt-5-mini",
        system_prompt="Be terse.\nAnswer in English.",
        params=ChatParams(temperature=0.7, max_tokens=None, top_p=0.9, reasoning_effort="low"),
        base_url_host="api.anannas.ai",
        messages=[
            Message(Role.USER, f"Explain TOML {AWKWARD}", created=WHEN),
            Message(
                Role.ASSISTANT,
                "TOML is a config format.\n\n```toml\na = 1\n```\n",
                model="openai/gpt-5-mini",
                created=WHEN + timedelta(seconds=3),
                finish_reason="stop",
                reasoning="The user wants a definition.",
                usage=Usage(12, 340, 352, cached_tokens=0, reasoning_tokens=64, cost=Decimal("0.000412")),
                ttft=0.42,
                duration=3.1,
                provider="OpenAI",
                generation_id="gen-0",
            ),
            Message(Role.USER, "And YAML?", created=WHEN + timedelta(seconds=30)),
            Message(
                Role.ASSISTANT,
                "YAML is",
                model="openai/gpt-5-mini",
                created=WHEN + timedelta(seconds=31),
                status=Status.STOPPED,
                usage=Usage(400, 3, 403, cost=Decimal("0.00002")),
                cost_estimated=True,
            ),
            Message(
                Role.ASSISTANT,
                "",
                created=WHEN + timedelta(seconds=40),
                status=Status.ERROR,
                error=sample_error(),
            ),
        ],
    )


def sample_compare(session_id: str = "c0ffee123456") -> Session:
    """A blind two-column comparison with a favourite picked."""
    prompt = Message(Role.USER, "Write a haiku", created=WHEN)
    return Session(
        id=session_id,
        title="Write a haiku",
        created=WHEN,
        updated=WHEN,
        kind=SessionKind.COMPARE,
        blind=True,
        favourite="B",
        columns=[
            Column("A", "openai/gpt-5-mini", [prompt, Message(Role.ASSISTANT, "Old pond\nfrog", created=WHEN)]),
            Column("B", "anthropic/claude-haiku", [prompt, Message(Role.ASSISTANT, "Autumn moon", created=WHEN)]),
        ],
    )


def document(session: Session) -> dict[str, Any]:
    """Everything a session holds, as plain data (ApiError compares by identity, so compare documents)."""
    return session_to_document(session, metadata_as_text=False)
