"""`AnannasClient` against the scripted gateway (tests/fake_server.py) over real loopback HTTP.

One test per scenario, each asserting the exact events: the content joined is what the server sent, usage is
the server's numbers (cost as Decimal), errors carry their metadata, retries happen only where the policy
allows and wait what the server asked, and a cancel closes the connection (checked on the server's side).
Waits are injected (`sleep=`), so retry tests take no time and assert the delays the client chose.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import aclosing
from decimal import Decimal
from typing import Any, cast

import httpx
import pytest
from fake_payloads import (
    BIG_DELTAS,
    BIG_REPLY,
    CRLF_DELTAS,
    DEFAULT_MODELS,
    INJECTION_REPLY,
    LITELLM_MODELS,
    NORMAL_DELTAS,
    NORMAL_REPLY,
    PARTIAL_DELTAS,
    PROVIDER,
    REASONING_CONTENT_DELTAS,
    REASONING_TEXT,
    STALL_DELTA,
    STATUS_ERRORS,
)
from fake_server import FakeServer, RecordedRequest

from anannas_tui.core import paths
from anannas_tui.core.client import AnannasClient
from anannas_tui.core.config import ChatParams
from anannas_tui.core.errors import ApiError, ErrorKind, ModerationInfo, ProviderInfo
from anannas_tui.core.events import (
    ContentDelta,
    Finished,
    ReasoningDelta,
    RetryScheduled,
    StreamEvent,
    StreamFailed,
    UsageReported,
)
from anannas_tui.core.models import parse_models
from anannas_tui.core.secret import Secret
from anannas_tui.core.usage import Usage

KEY = "sk-test-not-a-real-key"
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
USAGE = Usage(
    prompt_tokens=194,
    completion_tokens=87,
    total_tokens=281,
    cached_tokens=64,
    reasoning_tokens=12,
    cost=Decimal("0.00014"),
)
RETRYABLE = ("408", "429", "500", "502", "503", "524", "529")
NOT_RETRYABLE = ("400", "401", "402", "403", "404")


class Sleeps(list[float]):
    """A `sleep` for the client that records each delay instead of waiting."""

    async def __call__(self, delay: float) -> None:
        self.append(delay)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(fake_server: FakeServer, sleeps: Sleeps) -> AsyncIterator[AnannasClient]:
    async with AnannasClient(fake_server.base_url, Secret(KEY), stall_timeout=10.0, sleep=sleeps) as client:
        yield client


async def collect(client: AnannasClient, model: str, params: ChatParams | None = None) -> list[StreamEvent]:
    return [event async for event in client.stream_chat(model, MESSAGES, params)]


def text_of(events: list[StreamEvent]) -> str:
    return "".join(event.text for event in events if isinstance(event, ContentDelta))


def failure(events: list[StreamEvent]) -> ApiError:
    """The error of the final `StreamFailed` (and check it is the only one, and last)."""
    failed = [event for event in events if isinstance(event, StreamFailed)]
    assert len(failed) == 1 and events[-1] is failed[0], events
    return failed[0].error


def last_request(server: FakeServer) -> RecordedRequest:
    return server.chat_requests[-1]


def good_stream(server: FakeServer, model: str, deltas: tuple[str, ...] = NORMAL_DELTAS) -> list[StreamEvent]:
    """The events a complete test/normal-shaped reply must give."""
    return [
        *(ContentDelta(text) for text in deltas),
        UsageReported(USAGE),
        Finished("stop", model, PROVIDER, last_request(server).generation_id),
    ]


# --- what the client sends ----------------------------------------------------------------------------------


async def test_request_body_and_headers(client: AnannasClient, fake_server: FakeServer) -> None:
    await collect(client, "test/normal")
    (request,) = fake_server.requests
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.body == {
        "model": "test/normal",
        "messages": MESSAGES,
        "stream": True,
        "usage": {"include": True},
        "stream_options": {"include_usage": True},
        "max_tokens": 4096,
    }
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["http-referer"].startswith("https://")
    assert request.headers["x-title"] == "anannas-tui"
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["content-type"] == "application/json"


async def test_chat_params_are_sent(client: AnannasClient, fake_server: FakeServer) -> None:
    params = ChatParams(temperature=0.2, max_tokens=100, top_p=0.9, reasoning_effort="high")
    await collect(client, "test/normal", params)
    body = last_request(fake_server).body
    assert (body["temperature"], body["max_tokens"], body["top_p"]) == (0.2, 100, 0.9)
    assert body["reasoning"] == {"effort": "high"}


async def test_unset_params_are_not_sent(client: AnannasClient, fake_server: FakeServer) -> None:
    await collect(client, "test/normal", ChatParams(max_tokens=None))
    assert not {"max_tokens", "temperature", "top_p", "reasoning"} & set(last_request(fake_server).body)


async def test_no_key_sends_no_authorization(fake_server: FakeServer) -> None:
    async with AnannasClient(fake_server.base_url, None) as client:
        await client.list_models()
    assert "authorization" not in fake_server.requests[0].headers


async def test_key_is_not_in_the_client_repr_or_events(fake_server: FakeServer) -> None:
    fake_server.expected_key = "sk-the-right-one"
    async with AnannasClient(fake_server.base_url, Secret(KEY)) as client:
        events = await collect(client, "test/normal")
        assert KEY not in repr(vars(client))
    assert failure(events).kind is ErrorKind.AUTH
    assert KEY not in repr(events) and KEY not in str(failure(events))


# --- models list ----------------------------------------------------------------------------------------------


async def test_list_models(client: AnannasClient, fake_server: FakeServer) -> None:
    models = await client.list_models()
    assert models == parse_models(DEFAULT_MODELS)
    (request,) = fake_server.requests
    assert (request.method, request.path) == ("GET", "/v1/models")
    assert request.headers["authorization"] == f"Bearer {KEY}"


async def test_list_models_litellm_style(client: AnannasClient, fake_server: FakeServer) -> None:
    fake_server.models_payload = LITELLM_MODELS
    models = await client.list_models()
    assert [m.id for m in models] == ["claude-3-5-sonnet", "gpt-4o", "llama3.1:8b"]
    assert all(m.prompt_price is None for m in models)


async def test_list_models_rejected_key(client: AnannasClient, fake_server: FakeServer) -> None:
    fake_server.expected_key = "sk-other"
    with pytest.raises(ApiError) as caught:
        await client.list_models()
    assert (caught.value.kind, caught.value.status, caught.value.message) == (ErrorKind.AUTH, 401, "Invalid API key")


async def test_list_models_cannot_connect(unused_port: int) -> None:
    async with AnannasClient(f"http://127.0.0.1:{unused_port}/v1", None) as client:
        with pytest.raises(ApiError) as caught:
            await client.list_models()
    assert caught.value.kind is ErrorKind.CONNECTION
    assert f"127.0.0.1:{unused_port}" in caught.value.message


# --- complete streams -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["test/normal", "test/bytewise", "test/keepalive", "test/slow", "openai/gpt-5-mini"])
async def test_complete_stream(client: AnannasClient, fake_server: FakeServer, model: str) -> None:
    fake_server.slow_rate = 200
    events = await collect(client, model)
    assert events == good_stream(fake_server, model)
    assert text_of(events) == NORMAL_REPLY
    assert events[-1] == Finished("stop", model, PROVIDER, last_request(fake_server).generation_id)
    assert last_request(fake_server).wait_done() == "complete"


async def test_crlf_and_multiline_data(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/crlf")
    assert events == good_stream(fake_server, "test/crlf", CRLF_DELTAS)
    assert "\u2028" in text_of(events)


async def test_reasoning_in_every_spelling(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/reasoning")
    reasoning = [event.text for event in events if isinstance(event, ReasoningDelta)]
    assert reasoning == ["Let me think", " about this.", " DeepSeek style.", " Detail text.", " Summary.", " Both."]
    assert "".join(reasoning) == REASONING_TEXT
    assert events[len(reasoning) :] == good_stream(fake_server, "test/reasoning", REASONING_CONTENT_DELTAS)


async def test_injection_content_arrives_unchanged(client: AnannasClient, fake_server: FakeServer) -> None:
    """The client hands content over raw; sanitising is the display layer's job (`for_display`)."""
    events = await collect(client, "test/injection")
    assert text_of(events) == INJECTION_REPLY
    assert isinstance(events[-1], Finished)


async def test_big_reply(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/big")
    assert text_of(events) == BIG_REPLY
    assert sum(isinstance(event, ContentDelta) for event in events) == len(BIG_DELTAS)
    assert events[-2:] == good_stream(fake_server, "test/big", ())[-2:]


# --- streams that go wrong after the headers -----------------------------------------------------------------


async def test_empty_generation(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/empty")
    assert events[:-1] == [UsageReported(USAGE)]
    error = failure(events)
    assert error.kind is ErrorKind.EMPTY
    assert error.generation_id == last_request(fake_server).generation_id


async def test_midstream_error_event(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/midstream-error")
    assert events[:-1] == [ContentDelta(text) for text in PARTIAL_DELTAS]
    error = failure(events)
    assert (error.kind, error.code, error.message) == (ErrorKind.PROVIDER, 502, "Provider disconnected unexpectedly")
    assert error.provider == ProviderInfo(provider_name=PROVIDER, raw="upstream reset")
    assert error.metadata["error_type"] == "provider_unavailable"
    assert error.generation_id == last_request(fake_server).generation_id
    assert len(fake_server.chat_requests) == 1


@pytest.mark.parametrize(
    ("model", "kind", "code", "type_"),
    [
        ("test/midstream-error-string", ErrorKind.SERVER, "server_error", None),
        ("test/midstream-error-openai", ErrorKind.SERVER, None, "server_error"),
    ],
)
async def test_midstream_error_variants(
    client: AnannasClient, fake_server: FakeServer, model: str, kind: ErrorKind, code: str | None, type_: str | None
) -> None:
    events = await collect(client, model)
    assert text_of(events) == "".join(PARTIAL_DELTAS)
    error = failure(events)
    assert (error.kind, error.code, error.type) == (kind, code, type_)
    assert len(fake_server.chat_requests) == 1


async def test_connection_reset_mid_stream(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/drop")
    assert events[:-1] == [ContentDelta(text) for text in PARTIAL_DELTAS]
    assert failure(events).kind is ErrorKind.CONNECTION_LOST
    assert len(fake_server.chat_requests) == 1  # never re-POSTed after content


async def test_clean_eof_without_finish_is_incomplete(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/eof")
    assert events[:-1] == [ContentDelta(text) for text in PARTIAL_DELTAS]
    error = failure(events)
    assert error.kind is ErrorKind.INCOMPLETE
    assert error.generation_id == last_request(fake_server).generation_id


async def test_malformed_event_keeps_partial(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/malformed")
    assert events[:-1] == [ContentDelta(text) for text in PARTIAL_DELTAS]
    error = failure(events)
    assert error.kind is ErrorKind.BAD_RESPONSE
    assert "{not json" in error.message


async def test_stall_despite_keepalive_comments(fake_server: FakeServer, sleeps: Sleeps) -> None:
    async with AnannasClient(fake_server.base_url, Secret(KEY), stall_timeout=0.5, sleep=sleeps) as client:
        events = await collect(client, "test/stall")
    assert events[:-1] == [ContentDelta(STALL_DELTA)]
    assert failure(events).kind is ErrorKind.STALLED
    assert await asyncio.to_thread(last_request(fake_server).wait_done, 5) == "client-gone"
    assert sleeps == []


async def test_html_200_is_bad_response(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/html-200")
    error = failure(events)
    assert len(events) == 1
    assert (error.kind, error.status) == (ErrorKind.BAD_RESPONSE, 200)
    assert error.message == "Expected text/event-stream, got text/html (Hotel WiFi – Sign in)"
    assert len(fake_server.chat_requests) == 1


# --- error statuses and retries -----------------------------------------------------------------------------


def expected_status_error(key: str) -> tuple[int, str]:
    status, error, _ = STATUS_ERRORS[key]
    return status, error["message"]


@pytest.mark.parametrize("key", [k for k in STATUS_ERRORS if k.partition("-")[0] in NOT_RETRYABLE])
async def test_status_not_retried(client: AnannasClient, fake_server: FakeServer, sleeps: Sleeps, key: str) -> None:
    events = await collect(client, f"test/status-{key}")
    error = failure(events)
    assert len(events) == 1 and sleeps == []
    assert (error.status, error.message) == expected_status_error(key)
    assert error.request_id == f"req-{last_request(fake_server).generation_id}"
    assert len(fake_server.chat_requests) == 1


@pytest.mark.parametrize("key", [k for k in STATUS_ERRORS if k.partition("-")[0] in RETRYABLE and k != "429-c"])
async def test_status_retried_with_backoff(
    client: AnannasClient, fake_server: FakeServer, sleeps: Sleeps, key: str
) -> None:
    events = await collect(client, f"test/status-{key}")
    error = failure(events)
    assert (error.status, error.message) == expected_status_error(key)
    retries = events[:-1]
    assert [(e.attempt, e.attempts) for e in retries if isinstance(e, RetryScheduled)] == [(1, 2), (2, 2)]
    assert len(retries) == 2
    assert [e.delay for e in retries if isinstance(e, RetryScheduled)] == sleeps
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0  # 0.5 s, 1 s, minus up to 25% jitter
    assert all(isinstance(e, RetryScheduled) and e.error.status == error.status for e in retries)
    assert len(fake_server.chat_requests) == 3


@pytest.mark.parametrize("key", ["403", "403-b"])
async def test_moderation_error_fields(client: AnannasClient, key: str) -> None:
    error = failure(await collect(client, f"test/status-{key}"))
    assert error.kind is ErrorKind.MODERATION
    assert error.moderation == ModerationInfo(
        reasons=("violence", "harassment"),
        flagged_input="how do I \u241b[2J hurt ...",
        provider_name="openai",
        model_slug="gpt-5-mini",
    )


@pytest.mark.parametrize(
    ("key", "raw"),
    [("502", json.dumps(STATUS_ERRORS["502"][1]["metadata"]["raw"], ensure_ascii=False)), ("502-b", "upstream 500")],
)
async def test_provider_error_fields(client: AnannasClient, key: str, raw: str) -> None:
    error = failure(await collect(client, f"test/status-{key}"))
    assert error.kind is ErrorKind.PROVIDER
    assert error.provider == ProviderInfo(provider_name="Anthropic", raw=raw)


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("400", ErrorKind.BAD_REQUEST), ("401", ErrorKind.AUTH), ("402", ErrorKind.CREDITS),
        ("404", ErrorKind.NOT_FOUND), ("408", ErrorKind.TIMEOUT), ("429", ErrorKind.RATE_LIMIT),
        ("500", ErrorKind.SERVER), ("503", ErrorKind.NO_PROVIDER), ("524", ErrorKind.TIMEOUT),
        ("529", ErrorKind.OVERLOADED),
    ],
)  # fmt: skip
async def test_status_kinds_for_both_shapes(client: AnannasClient, key: str, kind: ErrorKind) -> None:
    assert failure(await collect(client, f"test/status-{key}")).kind is kind
    assert failure(await collect(client, f"test/status-{key}-b")).kind is kind


async def test_unknown_test_model_is_404(client: AnannasClient) -> None:
    error = failure(await collect(client, "test/no-such-scenario"))
    assert (error.kind, error.status) == (ErrorKind.NOT_FOUND, 404)


async def test_retry_after_header_is_honoured(client: AnannasClient, fake_server: FakeServer, sleeps: Sleeps) -> None:
    events = await collect(client, "test/retry-after")
    first, *rest = events
    assert isinstance(first, RetryScheduled)
    assert (first.attempt, first.attempts, first.delay) == (1, 2, 1.0)
    assert (first.error.kind, first.error.status, first.error.retry_after) == (ErrorKind.RATE_LIMIT, 429, 1.0)
    assert sleeps == [1.0]
    assert rest == good_stream(fake_server, "test/retry-after")
    assert len(fake_server.chat_requests) == 2


async def test_retry_after_ms_is_honoured(client: AnannasClient, fake_server: FakeServer, sleeps: Sleeps) -> None:
    events = await collect(client, "test/retry-after-ms")
    assert isinstance(events[0], RetryScheduled) and events[0].delay == 0.25
    assert sleeps == [0.25]
    assert events[1:] == good_stream(fake_server, "test/retry-after-ms")


async def test_retry_after_seconds_in_metadata(client: AnannasClient, sleeps: Sleeps) -> None:
    events = await collect(client, "test/status-429-c")
    assert [e.delay for e in events if isinstance(e, RetryScheduled)] == [17.0, 17.0] == sleeps
    error = failure(events)
    assert error.provider == ProviderInfo(provider_name="Venice", raw="test/model is temporarily rate-limited upstream")


async def test_retry_after_beyond_cap_is_not_waited(
    client: AnannasClient, fake_server: FakeServer, sleeps: Sleeps
) -> None:
    events = await collect(client, "test/retry-after-huge")
    error = failure(events)
    assert len(events) == 1 and sleeps == []
    assert (error.kind, error.retry_after) == (ErrorKind.RATE_LIMIT, 3600.0)
    assert len(fake_server.chat_requests) == 1


async def test_html_502_is_retried_then_summarised(client: AnannasClient, fake_server: FakeServer) -> None:
    events = await collect(client, "test/html-502")
    error = failure(events)
    assert sum(isinstance(e, RetryScheduled) for e in events) == 2
    assert (error.kind, error.status) == (ErrorKind.PROVIDER, 502)
    assert error.message == "HTTP 502 from a proxy or gateway: api.anannas.ai | 502: Bad gateway \u241b[31m"
    assert len(fake_server.chat_requests) == 3


async def test_no_retries_when_disabled(fake_server: FakeServer, sleeps: Sleeps) -> None:
    async with AnannasClient(fake_server.base_url, None, retries=0, sleep=sleeps) as client:
        events = await collect(client, "test/status-503")
    assert failure(events).kind is ErrorKind.NO_PROVIDER
    assert len(events) == 1 and sleeps == []


@pytest.fixture
def unused_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connection_refused_is_retried(unused_port: int, sleeps: Sleeps) -> None:
    async with AnannasClient(f"http://127.0.0.1:{unused_port}/v1", None, sleep=sleeps) as client:
        events = await collect(client, "test/normal")
    error = failure(events)
    assert error.kind is ErrorKind.CONNECTION
    assert f"127.0.0.1:{unused_port}" in error.message
    assert [(e.attempt, e.error.kind) for e in events if isinstance(e, RetryScheduled)] == [
        (1, ErrorKind.CONNECTION),
        (2, ErrorKind.CONNECTION),
    ]
    assert len(sleeps) == 2


async def test_connection_refused_message_says_refused(unused_port: int, sleeps: Sleeps) -> None:
    async with AnannasClient(f"http://127.0.0.1:{unused_port}/v1", None, retries=0, sleep=sleeps) as client:
        events = await collect(client, "test/normal")
    assert failure(events).message == f"127.0.0.1:{unused_port} refused the connection."


# --- cancellation ---------------------------------------------------------------------------------------------


async def test_aclose_after_first_delta_closes_the_connection(client: AnannasClient, fake_server: FakeServer) -> None:
    """test/stall never ends by itself, so "client-gone" can only mean the client hung up."""
    async with aclosing(client.stream_chat("test/stall", MESSAGES)) as stream:
        async for event in stream:
            assert event == ContentDelta(STALL_DELTA)
            break
    assert await asyncio.to_thread(last_request(fake_server).wait_done, 5) == "client-gone"


async def test_break_closes_the_connection(client: AnannasClient, fake_server: FakeServer) -> None:
    async for event in client.stream_chat("test/stall", MESSAGES):
        assert event == ContentDelta(STALL_DELTA)
        break
    assert await asyncio.to_thread(last_request(fake_server).wait_done, 5) == "client-gone"


async def test_task_cancel_propagates_and_closes_the_connection(client: AnannasClient, fake_server: FakeServer) -> None:
    received: list[StreamEvent] = []
    first = asyncio.Event()

    async def consume() -> None:
        async for event in client.stream_chat("test/stall", MESSAGES):
            received.append(event)
            first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert received == [ContentDelta(STALL_DELTA)]
    assert await asyncio.to_thread(last_request(fake_server).wait_done, 5) == "client-gone"


class TrackingTransport(httpx.AsyncBaseTransport):
    """A real transport that records when a response body is closed."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.closed: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        tracker, body = self, cast(httpx.AsyncByteStream, response.stream)

        class Body(httpx.AsyncByteStream):
            async def __aiter__(self) -> AsyncIterator[bytes]:
                async for chunk in body:
                    yield chunk

            async def aclose(self) -> None:
                tracker.closed.append(str(request.url))
                await body.aclose()

        return httpx.Response(response.status_code, headers=response.headers, stream=Body())

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_aclose_closes_the_response_before_returning(fake_server: FakeServer) -> None:
    transport = TrackingTransport()
    async with AnannasClient(fake_server.base_url, None, transport=transport) as client:
        stream = client.stream_chat("test/stall", MESSAGES)
        assert await anext(stream) == ContentDelta(STALL_DELTA)
        await stream.aclose()
        assert transport.closed == [f"{fake_server.base_url}/chat/completions"]


async def test_sequential_requests_on_one_client(client: AnannasClient, fake_server: FakeServer) -> None:
    """Completed streams and error bodies leave the client usable; an error body's connection is kept alive."""
    for model in ["test/normal", "test/status-400", "test/normal", "test/html-200", "test/normal"]:
        assert isinstance((await collect(client, model))[-1], Finished | StreamFailed)
    requests = fake_server.chat_requests
    assert [r.wait_done() for r in requests] == ["complete"] * 5  # the server thread may log the end just after
    assert requests[1].client_port == requests[2].client_port  # reused after the 400's body was read


async def test_connection_is_reused_after_a_complete_stream(client: AnannasClient, fake_server: FakeServer) -> None:
    await collect(client, "test/normal")
    await collect(client, "test/normal")
    first, second = fake_server.chat_requests
    assert first.client_port == second.client_port


# --- a 200 that is JSON, not a stream (httpx.MockTransport) ------------------------------------------------------


def json_reply(document: dict[str, Any]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, json=document))


async def test_json_completion_instead_of_stream() -> None:
    document = {
        "id": "gen-x",
        "model": "openai/gpt-5-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    }
    async with AnannasClient("http://127.0.0.1:9/v1", None, transport=json_reply(document)) as client:
        events = await collect(client, "openai/gpt-5-mini")
    assert events == [
        ContentDelta("Hello"),
        UsageReported(Usage(1, 2, 3)),
        Finished("stop", "openai/gpt-5-mini", None, "gen-x"),
    ]


async def test_json_error_with_status_200() -> None:
    document = {"error": {"code": 502, "message": "Provider disconnected", "metadata": {"provider_name": "P"}}}
    async with AnannasClient("http://127.0.0.1:9/v1", None, transport=json_reply(document)) as client:
        events = await collect(client, "m")
    error = failure(events)
    assert len(events) == 1
    assert (error.kind, error.message, error.provider) == (
        ErrorKind.PROVIDER,
        "Provider disconnected",
        ProviderInfo("P", None),
    )


# --- the test environment itself ------------------------------------------------------------------------------


def test_isolated_dirs(isolated_dirs: dict[str, Any]) -> None:
    assert paths.config_dir().is_relative_to(isolated_dirs["config"])
    assert paths.data_dir().is_relative_to(isolated_dirs["data"])
    assert paths.cache_dir().is_relative_to(isolated_dirs["cache"])
    assert "ANANNAS_API_KEY" not in os.environ and "ANANNAS_BASE_URL" not in os.environ


async def test_stopping_the_server_ends_open_streams(sleeps: Sleeps) -> None:
    server = FakeServer().start()
    try:
        async with AnannasClient(server.base_url, None, sleep=sleeps) as client:
            stream = client.stream_chat("test/stall", MESSAGES)
            assert await anext(stream) == ContentDelta(STALL_DELTA)
            server.stop_event.set()
            assert await asyncio.to_thread(server.chat_requests[0].wait_done, 5) == "stopped"
            rest = [event async for event in stream]
    finally:
        server.stop()
    assert len(rest) == 1 and failure(rest).kind is ErrorKind.CONNECTION_LOST


def test_server_runs_as_a_script() -> None:
    script = os.path.join(os.path.dirname(__file__), "fake_server.py")
    with subprocess.Popen(
        [sys.executable, script, "--port", "0"], stdout=subprocess.PIPE, text=True, env={**os.environ}
    ) as process:
        try:
            line = process.stdout.readline() if process.stdout else ""
            assert line.startswith("ANANNAS_BASE_URL=http://127.0.0.1:") and line.rstrip().endswith("/v1")
            with httpx.Client() as http:
                models = http.get(line.partition("=")[2].strip() + "/models").json()
            assert {"id": "test/big"}.items() <= next(m for m in models["data"] if m["id"] == "test/big").items()
        finally:
            process.terminate()


async def test_sse_event_named_error_is_an_error() -> None:
    body = (
        b'data: {"id":"gen-e","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'
        b'event: error\ndata: {"code":500,"message":"upstream \\u001b[2J failed"}\n\n'
    )
    headers = {"content-type": "text/event-stream"}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, headers=headers, content=body))
    async with AnannasClient("http://127.0.0.1:9/v1", None, transport=transport) as client:
        events = await collect(client, "m")
    assert events[0] == ContentDelta("Hi")
    error = failure(events)
    assert (error.kind, error.message, error.generation_id) == (ErrorKind.SERVER, "upstream \u241b[2J failed", "gen-e")
