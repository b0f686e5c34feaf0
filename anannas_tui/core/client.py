"""The async client for Anannas and any OpenAI-compatible endpoint.

`stream_chat` yields typed events (see `events.py`) and never raises for a failed request: the last event of
a failed stream is `StreamFailed`, after whatever content arrived. Only cancellation propagates, and it closes
the connection at once (leaving the `async with` around the response), which stops billing on providers that
support it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_sse import EventSource, ServerSentEvent

from anannas_tui import __version__
from anannas_tui.core.chunks import ChunkReader
from anannas_tui.core.config import ChatParams
from anannas_tui.core.errors import ApiError, ErrorKind, parse_error_body
from anannas_tui.core.events import Finished, RetryScheduled, StreamEvent, StreamFailed
from anannas_tui.core.models import ModelInfo, parse_models
from anannas_tui.core.retry import is_retryable_status, retry_delay, server_delay
from anannas_tui.core.sanitize import for_display, one_line
from anannas_tui.core.secret import Secret

#: App attribution headers (Anannas copies OpenRouter's: HTTP-Referer + X-Title).
APP_URL = "https://pypi.org/project/anannas-tui/"
APP_TITLE = "anannas-tui"
#: Error bodies are summaries; nobody needs more than this of one.
MAX_ERROR_BODY = 64 * 1024

Sleep = Callable[[float], Awaitable[None]]


class _BearerAuth(httpx.Auth):
    """Adds the Authorization header per request, so the key never sits in a headers dict or a local."""

    def __init__(self, key: Secret) -> None:
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._key.reveal()}"
        yield request


class _Retry(Exception):
    """Internal: a failure before any content that the retry policy may retry."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


def build_payload(model: str, messages: list[dict[str, str]], params: ChatParams) -> dict[str, Any]:
    """The chat request body: streaming, with usage accounting asked for both ways gateways understand."""
    payload: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "stream": True,
        "usage": {"include": True},
        "stream_options": {"include_usage": True},
    }
    if params.max_tokens is not None:
        payload["max_tokens"] = params.max_tokens
    if params.temperature is not None:
        payload["temperature"] = params.temperature
    if params.top_p is not None:
        payload["top_p"] = params.top_p
    if params.reasoning_effort is not None:
        payload["reasoning"] = {"effort": params.reasoning_effort}
    return payload


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The exception and everything it was raised from (httpx hides the OSError two levels down)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def connection_error(error: httpx.TransportError, url: str) -> ApiError:
    """Say which of DNS, refusal, timeout or TLS stopped the connection, naming the host."""
    host = urlsplit(url).netloc or url
    text = str(error)
    causes = list(_causes(error))
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return ApiError(ErrorKind.CONNECTION, f"{host} refused the connection.")
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return ApiError(ErrorKind.CONNECTION, f"Cannot resolve the host {host}.")
    if isinstance(error, httpx.ConnectTimeout):
        message = f"Timed out connecting to {host}."
    elif "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        message = f"TLS verification failed for {host}: {one_line(text, 120)}"
    elif "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        message = f"Cannot resolve the host {host}."
    elif "refused" in text.lower():
        message = f"{host} refused the connection."
    else:
        message = f"Cannot connect to {host}: {one_line(text, 120) or type(error).__name__}"
    return ApiError(ErrorKind.CONNECTION, message)


class AnannasClient:
    """One connection pool to one endpoint; use as an async context manager."""

    def __init__(
        self,
        base_url: str,
        api_key: Secret | None,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 120.0,
        stall_timeout: float = 60.0,
        retries: int = 2,
        max_retry_wait: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.stall_timeout = stall_timeout
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            auth=_BearerAuth(api_key) if api_key else None,
            headers={"HTTP-Referer": APP_URL, "X-Title": APP_TITLE, "User-Agent": f"anannas-tui/{__version__}"},
            timeout=httpx.Timeout(connect=connect_timeout, read=read_timeout, write=30.0, pool=10.0),
            transport=transport,
        )

    async def __aenter__(self) -> AnannasClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self._http.aclose()

    async def list_models(self) -> list[ModelInfo]:
        """`GET /models`, normalised; raises `ApiError` on any failure."""
        url = f"{self.base_url}/models"
        try:
            response = await self._http.get(url)
        except httpx.TimeoutException:
            raise ApiError(ErrorKind.TIMEOUT, f"{urlsplit(url).netloc} did not answer in time.") from None
        except httpx.TransportError as error:
            raise connection_error(error, url) from None
        if response.status_code != 200:
            raise parse_error_body(
                response.status_code, response.content[:MAX_ERROR_BODY], response.headers.get("content-type", "")
            )
        try:
            return parse_models(response.json())
        except ValueError:
            summary = one_line(response.text)
            raise ApiError(ErrorKind.BAD_RESPONSE, f"The models list is not JSON: {summary}", status=200) from None

    async def stream_chat(
        self, model: str, messages: list[dict[str, str]], params: ChatParams | None = None
    ) -> AsyncGenerator[StreamEvent, None]:
        """Stream one reply as events, retrying failures that happen before any content.

        Args:
            model: The model id, exactly as the models list gives it.
            messages: The conversation as `{"role", "content"}` dicts, system prompt first.
            params: Sampling parameters; None sends the defaults.
        """
        payload = build_payload(model, messages, params or ChatParams())
        for retries_taken in range(self.retries + 1):
            try:
                async with contextlib.aclosing(self._stream_once(payload)) as attempt:
                    async for event in attempt:
                        yield event
                return
            except _Retry as retry:
                delay = retry_delay(retries_taken, retry.error.retry_after, self.max_retry_wait)
                if retries_taken >= self.retries or delay is None:
                    yield StreamFailed(retry.error)
                    return
                yield RetryScheduled(retries_taken + 1, self.retries, delay, retry.error)
                await self._sleep(delay)

    async def _stream_once(self, payload: dict[str, Any]) -> AsyncGenerator[StreamEvent, None]:
        """One attempt. Raises `_Retry` only for retryable failures before any content."""
        url = f"{self.base_url}/chat/completions"
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        try:
            async with self._http.stream("POST", url, json=payload, headers=headers) as response:
                async for event in self._read_response(response):
                    yield event
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise _Retry(connection_error(error, url)) from None
        except httpx.TimeoutException:
            yield StreamFailed(ApiError(ErrorKind.TIMEOUT, "The server stopped sending data (read timeout)."))
        except httpx.TransportError as error:
            message = f"The connection was lost: {one_line(str(error), 120) or type(error).__name__}"
            yield StreamFailed(ApiError(ErrorKind.CONNECTION_LOST, message))

    async def _read_response(self, response: httpx.Response) -> AsyncGenerator[StreamEvent, None]:
        content_type = response.headers.get("content-type", "")
        if response.status_code != 200:
            body = await _read_capped(response)
            error = parse_error_body(response.status_code, body, content_type)
            error.request_id = _request_id(response)
            error.retry_after = server_delay(response.headers) or error.retry_after
            if is_retryable_status(response.status_code, response.headers):
                raise _Retry(error)
            yield StreamFailed(error)
            return
        if "text/event-stream" not in content_type:
            for event in _non_stream_reply(content_type, await _read_capped(response)):
                yield event
            return
        async for event in self._read_events(EventSource(response)):
            yield event

    async def _read_events(self, source: EventSource) -> AsyncGenerator[StreamEvent, None]:
        """Read SSE events until `[DONE]`, an error, EOF or a stall, then say how the stream ended."""
        reader = ChunkReader()
        done = False
        events = source.aiter_sse()
        async for sse in _watch(events, self.stall_timeout, reader):
            if sse is None:
                yield StreamFailed(_stalled(self.stall_timeout, reader))
                return
            data = sse.data.strip()
            if not data:
                continue
            if data == "[DONE]":
                done = True
                break
            try:
                chunk = json.loads(data)
            except ValueError:
                message = f"The server sent a malformed event: {one_line(data, 80)}"
                yield StreamFailed(ApiError(ErrorKind.BAD_RESPONSE, message, generation_id=reader.generation_id))
                return
            if sse.event == "error" and isinstance(chunk, dict) and "error" not in chunk:
                chunk = {"error": chunk}
            for event in reader.read(chunk):
                yield event
            if reader.error is not None:
                yield StreamFailed(reader.error)
                return
        if done:
            await _drain(events)
        yield _ending(reader, done)


async def _watch(
    events: AsyncIterator[ServerSentEvent], stall_timeout: float, reader: ChunkReader
) -> AsyncGenerator[ServerSentEvent | None, None]:
    """Yield SSE events; yield None once if no text arrived for `stall_timeout` seconds.

    Keep-alive comments never become events, and events without text (empty deltas) do not count as progress,
    so neither can keep a stalled generation alive. They do keep httpx's read timeout from firing, which is why
    this watchdog exists. The caller feeds each event to `reader` before asking for the next one.
    """
    last_progress = time.monotonic()
    seen = reader.text_events
    while True:
        remaining = stall_timeout - (time.monotonic() - last_progress)
        try:
            async with asyncio.timeout(max(remaining, 0)):
                sse = await anext(events)
        except StopAsyncIteration:
            return
        except TimeoutError:
            yield None
            return
        yield sse
        if reader.text_events != seen:
            seen = reader.text_events
            last_progress = time.monotonic()


async def _drain(events: AsyncIterator[ServerSentEvent], timeout: float = 1.0) -> None:
    """Read what follows `[DONE]` (normally just the body's end) so httpx can reuse the connection."""
    with contextlib.suppress(httpx.HTTPError, TimeoutError):
        async with asyncio.timeout(timeout):
            async for _ in events:
                pass


def _stalled(stall_timeout: float, reader: ChunkReader) -> ApiError:
    return ApiError(
        ErrorKind.STALLED,
        f"No new content for {stall_timeout:g} s; the request was abandoned.",
        generation_id=reader.generation_id,
    )


def _ending(reader: ChunkReader, done: bool) -> StreamEvent:
    """The last event of a stream that ended without an error event."""
    if reader.finish_reason is None and not done:
        return StreamFailed(
            ApiError(
                ErrorKind.INCOMPLETE,
                "The stream ended before the reply was complete (no finish reason, no [DONE]).",
                generation_id=reader.generation_id,
            )
        )
    reason = reader.finish_reason or "stop"
    if not reader.content_seen and not reader.reasoning_seen and reason == "stop":
        return StreamFailed(
            ApiError(
                ErrorKind.EMPTY,
                "The model returned no content (often a cold start). Retry, or try another model; "
                "the prompt may still have been billed.",
                generation_id=reader.generation_id,
            )
        )
    return Finished(reason, reader.model, reader.provider, reader.generation_id)


def _non_stream_reply(content_type: str, body: bytes) -> list[StreamEvent]:
    """A 200 that is not an event stream: a JSON completion or error is read; anything else is an error."""
    if "json" in content_type:
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if isinstance(document, dict) and ("choices" in document or "error" in document):
            reader = ChunkReader()
            events = reader.read(document)
            return [*events, StreamFailed(reader.error) if reader.error else _ending(reader, True)]
    shown = for_display(content_type.partition(";")[0].strip()) or "no content type"
    summary = one_line(body.decode("utf-8", "replace"), 120)
    message = f"Expected text/event-stream, got {shown}" + (f" ({summary})" if summary else "")
    return [StreamFailed(ApiError(ErrorKind.BAD_RESPONSE, message, status=200))]


async def _read_capped(response: httpx.Response) -> bytes:
    """Read at most `MAX_ERROR_BODY` bytes of a body we only summarise."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_ERROR_BODY:
            break
    return b"".join(chunks)[:MAX_ERROR_BODY]


def _request_id(response: httpx.Response) -> str | None:
    for header in ("x-generation-id", "x-request-id"):
        value = response.headers.get(header)
        if value:
            return for_display(value)
    return None
