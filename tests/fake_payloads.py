"""What the fake Anannas gateway (tests/fake_server.py) sends: replies, usage, error bodies, models lists.

Tests compare what the client yields with these constants, so a scenario's expected text lives in one place.
Plain data and one deterministic generator (`big_reply`); no imports from `tests/` or the package, so
benchmarks can load it by path along with the server.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

PROVIDER = "FakeProvider"
CREATED = 1_760_000_000
COMMENT = ": ANANNAS PROCESSING"

NORMAL_DELTAS: tuple[str, ...] = (
    "# Quantum ",
    "computing\n\n",
    "A **qubit** can be ",
    "in a superposition ",
    "of `0` and `1`.\n\n",
    "- Entanglement links qubits\n",
    "- Interference amplifies answers\n\n",
    "```python\nprint('hello, 世界')\n```\n\n",
    "Done 🎉 — ",
    "量子コンピュータ.",
)
NORMAL_REPLY = "".join(NORMAL_DELTAS)

#: The usage chunk every completed stream ends with (numbers as Anannas documents them).
USAGE: dict[str, Any] = {
    "prompt_tokens": 194,
    "completion_tokens": 87,
    "total_tokens": 281,
    "prompt_tokens_details": {"cached_tokens": 64, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 12},
    "cost": 0.00014,
    "is_byok": False,
    "cost_details": {"upstream_inference_cost": None, "upstream_inference_prompt_cost": 0.0001},
}

CRLF_DELTAS: tuple[str, ...] = ("Line one\u2028still one", "\r\nline two", " — done ✓")
PARTIAL_DELTAS: tuple[str, ...] = NORMAL_DELTAS[:3]
"""What test/drop, test/eof, test/midstream-error and test/malformed send before they go wrong."""
STALL_DELTA = "Thinking about it"
MALFORMED_LINE = "data: {not json"

#: (delta field, value) pairs of test/reasoning; the last pair sends `reasoning` and `reasoning_details` at once.
REASONING_STEPS: tuple[dict[str, Any], ...] = (
    {"content": None, "reasoning": "Let me think"},
    {"reasoning": " about this."},
    {"reasoning_content": " DeepSeek style."},
    {"reasoning_details": [{"type": "reasoning.text", "text": " Detail text.", "format": "unknown", "index": 0}]},
    {"reasoning_details": [{"type": "reasoning.summary", "summary": " Summary.", "format": "unknown", "index": 0}]},
    {
        "reasoning": " Both.",
        "reasoning_details": [{"type": "reasoning.text", "text": " Both.", "format": "unknown", "index": 0}],
    },
)
REASONING_TEXT = "Let me think about this. DeepSeek style. Detail text. Summary. Both."
REASONING_CONTENT_DELTAS: tuple[str, ...] = ("The answer ", "is 42.")

INJECTION_DELTAS: tuple[str, ...] = (
    "Clipboard \x1b]52;c;aGVsbG8=\x07 ",
    "title \x1b]0;pwned\x1b\\ ",
    "link \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ ",
    "clear \x1b[2J\x1b[H ",
    "c1 \x9b2J \x9d0;x\x9c ",
    "bidi \u202etxt.exe\u202c ",
    "[@click=app.quit]quit[/] ",
    "[bold]bold?[/bold] [b unbalanced\n",
)
INJECTION_REPLY = "".join(INJECTION_DELTAS)

_WORDS = (
    "stream", "gateway", "token", "latency", "provider", "model", "reply", "buffer", "widget", "render",
    "terminal", "markdown", "cursor", "context", "router", "fallback", "usage", "credit", "socket", "chunk",
    "event", "parser", "session", "theme", "screen", "delta", "anchor",
)  # fmt: skip


def big_reply(size: int = 60_000, seed: int = 2) -> str:
    """A deterministic, realistic Markdown reply of about `size` characters (headings, lists, code, tables)."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    for section in itertools.count(1):
        if total >= size:
            break
        words = [rng.choice(_WORDS) for _ in range(60)]
        block = f"## Section {section}: {words[0]} {words[1]}\n\n{' '.join(words[2:40]).capitalize()}.\n\n"
        block += "".join(f"- **{w}** {rng.choice(_WORDS)} `{rng.randrange(1000)}`\n" for w in words[40:45])
        block += f"\n```python\ndef {words[45]}_{section}(x):\n    return x * {rng.randrange(2, 9)}\n```\n\n"
        block += "| name | value |\n|---|---|\n" + "".join(f"| {w} | {rng.random():.3f} |\n" for w in words[46:49])
        block += "\n" + " ".join(words[49:]).capitalize() + ".\n\n"
        parts.append(block)
        total += len(block)
    return "".join(parts)


BIG_REPLY = big_reply()
BIG_DELTAS: tuple[str, ...] = tuple(BIG_REPLY[i : i + 4] for i in range(0, len(BIG_REPLY), 4))

CLOUDFLARE_502 = (
    "<!DOCTYPE html>\n<html><head><title>api.anannas.ai | 502: Bad gateway \x1b[31m</title></head>\n"
    "<body><h1>Bad gateway</h1><p>Error code 502 \x1b]0;owned\x07</p>"
    "<p>Visit cloudflare.com for more information.</p><p>Cloudflare Ray ID: 8f00ba1c0ffee</p></body></html>\n"
)
CAPTIVE_PORTAL = (
    "<html><head><title>Hotel WiFi – Sign in</title></head><body><form action='/login'>"
    "<input name='room'></form></body></html>\n"
)

_MODERATION = {
    "reasons": ["violence", "harassment"],
    "flagged_input": "how do I \x1b[2J hurt ...",
    "provider_name": "openai",
    "model_slug": "gpt-5-mini",
}
_PROVIDER_RAW = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}

#: status key -> (status, error object, extra headers). Keys are the suffix of `test/status-...`.
STATUS_ERRORS: dict[str, tuple[int, dict[str, Any], dict[str, str]]] = {
    "400": (400, {"code": 400, "message": "Invalid request: model is required"}, {}),
    "400-b": (400, {"message": "Invalid request: model is required", "type": "invalid_request_error"}, {}),
    "401": (401, {"code": 401, "message": "Missing Authentication header"}, {}),
    "401-b": (401, {"message": "Authentication required", "type": "authentication_error"}, {}),
    "402": (402, {"code": 402, "message": "Insufficient credits. Add more using https://anannas.ai/credits"}, {}),
    "402-b": (402, {"message": "Insufficient credits", "type": "insufficient_quota_error"}, {}),
    "403": (403, {"code": 403, "message": "Content flagged by moderation", "metadata": _MODERATION}, {}),
    "403-b": (
        403,
        {"message": "Content flagged by moderation", "type": "content_filter_error", "metadata": _MODERATION},
        {},
    ),
    "404": (404, {"code": 404, "message": "Model test/status-404 not found"}, {}),
    "404-b": (404, {"message": "Model not found", "type": "invalid_request_error"}, {}),
    "408": (408, {"code": 408, "message": "Operation timed out. Please try again later."}, {}),
    "408-b": (408, {"message": "Request timeout", "type": "timeout_error"}, {}),
    "429": (
        429,
        {"code": 429, "message": "Rate limit exceeded", "metadata": {"error_type": "rate_limit_exceeded"}},
        {},
    ),
    "429-b": (429, {"message": "Rate limit exceeded", "type": "rate_limit_error"}, {}),
    "429-c": (
        429,
        {
            "message": "Provider returned error",
            "code": 429,
            "metadata": {
                "raw": "test/model is temporarily rate-limited upstream",
                "provider_name": "Venice",
                "retry_after_seconds": 17,
                "headers": {"Retry-After": "17"},
            },
        },
        {},
    ),
    "500": (500, {"code": 500, "message": "Internal Server Error"}, {}),
    "500-b": (500, {"message": "Internal error", "type": "server_error"}, {}),
    "502": (
        502,
        {
            "code": 502,
            "message": "Provider returned error",
            "metadata": {"provider_name": "Anthropic", "raw": _PROVIDER_RAW},
        },
        {},
    ),
    "502-b": (
        502,
        {
            "message": "Provider error",
            "type": "provider_error",
            "metadata": {"provider_name": "Anthropic", "raw": "upstream 500"},
        },
        {},
    ),
    "503": (503, {"code": 503, "message": "No available model provider meets your routing requirements"}, {}),
    "503-b": (503, {"message": "No provider available", "type": "server_error"}, {}),
    "524": (524, {"code": 524, "message": "Request timed out. Please try again later."}, {}),
    "524-b": (524, {"message": "Request timed out", "type": "timeout_error"}, {}),
    "529": (529, {"code": 529, "message": "Provider returned error"}, {}),
    "529-b": (529, {"message": "Provider overloaded", "type": "provider_error"}, {}),
}

#: Mid-stream error events (after PARTIAL_DELTAS), keyed by scenario.
MIDSTREAM_ERRORS: dict[str, dict[str, Any]] = {
    "test/midstream-error": {
        "error": {
            "code": 502,
            "message": "Provider disconnected unexpectedly",
            "metadata": {"error_type": "provider_unavailable", "provider_name": PROVIDER, "raw": "upstream reset"},
        },
        "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
    },
    "test/midstream-error-string": {
        "error": {"code": "server_error", "message": "Provider disconnected unexpectedly"},
        "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
    },
    "test/midstream-error-openai": {
        "error": {"message": "The server had an error while processing your request.", "type": "server_error"},
    },
}

SCENARIOS: tuple[str, ...] = (
    "test/normal", "test/bytewise", "test/keepalive", "test/crlf", *MIDSTREAM_ERRORS,
    *(f"test/status-{key}" for key in STATUS_ERRORS),
    "test/html-502", "test/html-200", "test/retry-after", "test/retry-after-ms", "test/retry-after-huge",
    "test/drop", "test/eof", "test/stall", "test/empty", "test/malformed", "test/reasoning", "test/slow",
    "test/injection", "test/big",
)  # fmt: skip


def _scenario_model(model_id: str) -> dict[str, Any]:
    return {
        "id": model_id,
        "name": f"Test · {model_id.removeprefix('test/')}",
        "provider": "test",
        "context_length": 32768,
        "pricing": {"prompt": "0.000001", "completion": "0.000002"},
        "capabilities": ["text", "streaming"],
    }


#: The default `/v1/models` reply: every known variant mixed, plus one entry per scenario.
DEFAULT_MODELS: dict[str, Any] = {
    "object": "list",
    "data": [
        {
            "id": "openai/gpt-5-mini", "name": "GPT-5 Mini", "provider": "openai",
            "description": "Documented variant: string prices per token", "context_length": 400000,
            "pricing": {"prompt": "0.00000025", "completion": "0.000002", "request": "0"},
            "capabilities": ["text", "tool_calling", "json_mode", "streaming", "reasoning"],
        },
        {
            "id": "meta-llama/llama-3.3-70b-instruct", "object": "model", "context_window": 131072,
            "max_output": 8192, "pricing": {"input": 0.13, "output": 0.39},
            "supported_parameters": ["temperature", "top_p", "max_tokens", "tools"],
        },
        {
            "id": "anthropic/claude-sonnet-4", "object": "model", "context_window": 200000, "max_output": 64000,
            "pricing": {"input": 0.000003, "output": 0.000015},
        },
        {"id": "meta-llama/llama-3.2-3b-instruct:free", "object": "model", "context_window": 131072,
         "pricing": {"input": 0, "output": 0}},
        {"id": "mistralai/mistral-small", "object": "model", "context_window": 32768},
        {
            "id": "openai/gpt-4", "canonical_slug": "openai/gpt-4", "name": "GPT-4",
            "architecture": {"modality": "text->text", "input_modalities": ["text"]},
            "pricing": {"prompt": "0.00003", "completion": "0.00006", "request": "0", "image": "0"},
            "top_provider": {"context_length": 8192, "max_completion_tokens": 4096, "is_moderated": True},
        },
        *(_scenario_model(name) for name in SCENARIOS),
    ],
}  # fmt: skip

#: A LiteLLM / vLLM style list: ids only, no prices, no context.
LITELLM_MODELS: dict[str, Any] = {
    "object": "list",
    "data": [
        {"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "openai"},
        {"id": "claude-3-5-sonnet", "object": "model", "created": 1715367049, "owned_by": "anthropic"},
        {"id": "llama3.1:8b", "object": "model", "created": 1715367049, "owned_by": "library"},
    ],
}
