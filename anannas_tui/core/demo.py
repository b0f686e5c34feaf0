"""`--demo`: an offline provider that speaks the Anannas wire protocol through an httpx transport.

The demo is not a fake client: it answers HTTP requests with the same JSON and SSE bytes the gateway sends,
so the real `AnannasClient` (SSE framing, usage, errors, retries, the stall watchdog) is what a visitor sees
working. One model per error kind lets every error path be tried without a key or a network.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx

from anannas_tui.core.client import AnannasClient
from anannas_tui.core.config import ApiConfig
from anannas_tui.core.demo_models import DEFAULT_DEMO_MODEL, DEMO_BASE_URL, MODELS, DemoModel
from anannas_tui.core.demo_replies import reasoning_for, reply_for

__all__ = ["DEFAULT_DEMO_MODEL", "DEMO_BASE_URL", "MODELS", "DemoModel", "DemoTransport", "demo_client"]

#: Tests and screenshots set this to 0 to stream instantly; 1 is the natural pace.
DELAY_SCALE_ENV = "ANANNAS_DEMO_DELAY_SCALE"


_BY_ID = {model.id: model for model in MODELS}
_MILLION = Decimal(1_000_000)
_WORDS = re.compile(r"\s*\S+\s*")

_ERROR_BODIES: dict[str, tuple[int, dict[str, Any]]] = {
    "401": (401, {"code": 401, "message": "Invalid API key"}),
    "402": (402, {"code": 402, "message": "Insufficient credits. Add more in the dashboard."}),
    "403": (
        403,
        {
            "code": 403,
            "message": "Content flagged by moderation",
            "metadata": {
                "reasons": ["violence", "harassment"],
                "flagged_input": "…the part of your prompt the moderation model objected to…",
                "provider_name": "openai",
                "model_slug": "omni-moderation-latest",
            },
        },
    ),
    "429": (429, {"code": 429, "message": "Rate limit exceeded", "metadata": {"error_type": "rate_limit_exceeded"}}),
    "502": (
        502,
        {
            "code": 502,
            "message": "Provider returned error",
            "metadata": {"provider_name": "Anthropic", "raw": {"type": "error", "error": {"type": "overloaded_error"}}},
        },
    ),
}


def _pricing(model: DemoModel) -> dict[str, str]:
    if model.input_per_million is None or model.output_per_million is None:
        return {}
    return {
        "prompt": str(Decimal(model.input_per_million) / _MILLION),
        "completion": str(Decimal(model.output_per_million) / _MILLION),
    }


def models_payload() -> dict[str, Any]:
    """The `/v1/models` document the demo serves (Anannas's documented shape)."""
    data = []
    for model in MODELS:
        item: dict[str, Any] = {
            "id": model.id,
            "name": model.name,
            "provider": "demo",
            "context_length": model.context,
            "description": f"{model.name}, served offline by --demo.",
        }
        if _pricing(model):
            item["pricing"] = _pricing(model)
        data.append(item)
    return {"object": "list", "data": data}


def _sse(document: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(document, ensure_ascii=False).encode("utf-8") + b"\n\n"


class _DemoStream(httpx.AsyncByteStream):
    """The body of one streamed reply, paced like a real model."""

    def __init__(self, model: DemoModel, prompt: str, prompt_tokens: int, scale: float) -> None:
        self.model = model
        self.prompt = prompt
        self.prompt_tokens = prompt_tokens
        self.scale = scale
        self.generation_id = f"gen-demo-{uuid.uuid4().hex[:12]}"

    def _chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        base = {"id": self.generation_id, "object": "chat.completion.chunk", "model": self.model.id}
        return _sse({**base, "provider": "Demo", "choices": [choice], **extra})

    async def _pause(self, factor: float = 1.0) -> None:
        if self.scale > 0:
            await asyncio.sleep(self.model.delay * self.scale * factor)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        behaviour = self.model.behaviour
        yield b": ANANNAS PROCESSING\n\n"
        yield self._chunk({"role": "assistant", "content": ""})
        await self._pause(8)  # time to first token
        if behaviour == "empty":
            yield self._chunk({}, "stop")
            yield self._usage("", "")
            yield b"data: [DONE]\n\n"
            return
        reasoning = reasoning_for(self.prompt) if behaviour == "reasoning" else ""
        for word in _WORDS.findall(reasoning):
            yield self._chunk({"reasoning": word})
            await self._pause()
        text = reply_for(self.prompt)
        words = _WORDS.findall(text)
        cut = len(words) // 3 if behaviour in ("midstream", "drop", "stall") else len(words)
        for word in words[:cut]:
            yield self._chunk({"content": word})
            await self._pause()
        async for tail in self._ending(behaviour, "".join(words[:cut]), reasoning):
            yield tail

    async def _ending(self, behaviour: str, text: str, reasoning: str) -> AsyncIterator[bytes]:
        if behaviour == "midstream":
            error = {
                "code": 502,
                "message": "Provider disconnected unexpectedly",
                "metadata": {"provider_name": "Demo"},
            }
            yield self._chunk({"content": ""}, "error", error=error)
            return
        if behaviour == "drop":
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
        if behaviour == "stall":
            while True:  # keep-alives forever: only the client's stall watchdog ends this
                yield b": ANANNAS PROCESSING\n\n"
                await asyncio.sleep(1.0 if self.scale > 0 else 0.05)
        yield self._chunk({}, "stop")
        yield self._usage(text, reasoning)
        yield b"data: [DONE]\n\n"

    def _usage(self, text: str, reasoning: str) -> bytes:
        reasoning_tokens = len(reasoning) // 4
        completion = max(len(text) // 4, 0) + reasoning_tokens
        usage: dict[str, Any] = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
        }
        pricing = _pricing(self.model)
        if self.model.reports_cost and pricing:
            cost = Decimal(pricing["prompt"]) * self.prompt_tokens + Decimal(pricing["completion"]) * completion
            usage["cost"] = float(cost)
        base = {"id": self.generation_id, "object": "chat.completion.chunk", "model": self.model.id}
        return _sse({**base, "choices": [], "usage": usage})


class DemoTransport(httpx.AsyncBaseTransport):
    """Answers `/models` and `/chat/completions` like the gateway, with no network."""

    def __init__(self, delay_scale: float | None = None) -> None:
        if delay_scale is None:
            try:
                delay_scale = float(os.environ.get(DELAY_SCALE_ENV, "1"))
            except ValueError:
                delay_scale = 1.0
        self.delay_scale = max(delay_scale, 0.0)
        self._rate_limited: dict[str, int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Route one request."""
        if request.method == "GET" and request.url.path.endswith("/models"):
            return httpx.Response(200, json=models_payload())
        if request.method == "POST" and request.url.path.endswith("/chat/completions"):
            return self._chat(json.loads(await request.aread()))
        return httpx.Response(404, json={"error": {"code": 404, "message": "Not found"}})

    def _chat(self, body: dict[str, Any]) -> httpx.Response:
        model = _BY_ID.get(str(body.get("model")))
        if model is None:
            return httpx.Response(400, json={"error": {"code": 400, "message": f"Invalid model: {body.get('model')}"}})
        failure = self._failure(model)
        if failure is not None:
            return failure
        messages = body.get("messages") or []
        prompt = next((m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), "")
        prompt_tokens = sum(len(str(m.get("content", ""))) // 4 + 4 for m in messages)
        stream = _DemoStream(model, str(prompt), prompt_tokens, self.delay_scale)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)

    def _failure(self, model: DemoModel) -> httpx.Response | None:
        """The error response for an error model, or None when it should stream."""
        if model.behaviour not in _ERROR_BODIES:
            return None
        if model.behaviour == "429":
            # Rate limited twice, then fine: shows the retry countdown ending in a reply.
            count = self._rate_limited.get(model.id, 0) + 1
            self._rate_limited[model.id] = count % 3
            if count >= 3:
                return None
            headers = {"Retry-After": "2" if self.delay_scale > 0 else "0.01"}
            return httpx.Response(429, headers=headers, json={"error": _ERROR_BODIES["429"][1]})
        status, error = _ERROR_BODIES[model.behaviour]
        return httpx.Response(status, json={"error": error})


def demo_client(api: ApiConfig) -> AnannasClient:
    """A real `AnannasClient` wired to the demo transport (no key, no network).

    The stall watchdog is shortened so the stalling demo model shows its error within seconds.
    """
    return AnannasClient(
        DEMO_BASE_URL,
        None,
        stall_timeout=min(api.stall_timeout, 6.0),
        retries=api.retries,
        max_retry_wait=api.max_retry_wait,
        transport=DemoTransport(),
    )
