"""A scripted Anannas gateway on 127.0.0.1, for the client tests, the TUI tests, tmux sessions and benchmarks.

It is a real HTTP/1.1 server (stdlib only, one thread per connection, TCP_NODELAY, a flush after every write)
so the client's whole stack runs as it does in production: sockets, chunked bodies, httpx, httpx-sse. What
each chat request gets is chosen by its *model id*, so any caller that can pick a model can pick a fault:

    test/normal           role chunk, Markdown content deltas, finish "stop", usage chunk, [DONE]
    test/bytewise         the same bytes as test/normal, one byte per write
    test/keepalive        test/normal with ": ANANNAS PROCESSING" comments between events
    test/crlf             CRLF line endings, a multi-line `data:` field, U+2028 inside the JSON
    test/midstream-error  content, then an error event (top-level error + finish_reason "error")
    test/midstream-error-string / -openai   the same with a string code / OpenAI's choice-less shape
    test/status-NNN       an error status (400 401 402 403 404 408 429 500 502 503 524 529), body shape A
    test/status-NNN-b     the same status with body shape B ({message, type}); test/status-429-c: provider 429
    test/html-502         a Cloudflare-like text/html 502 page containing an ESC byte
    test/html-200         a 200 text/html captive portal
    test/retry-after      429 + Retry-After: 1 on the first request for the model, then test/normal
    test/retry-after-ms   429 + retry-after-ms: 250 on the first request, then test/normal
    test/retry-after-huge 429 + Retry-After: 3600, always
    test/drop             content, then the socket is reset (RST) mid-body
    test/eof              content, then a clean end of the body: no finish reason, no [DONE]
    test/stall            one delta, then keep-alive comments until the client goes away
    test/empty            finish "stop" with no content, usage, [DONE]
    test/malformed        content, a `data: {not json` line, more content, finish, [DONE]
    test/reasoning        reasoning in all three spellings, then content
    test/slow             test/normal paced at `slow_rate` events/s
    test/injection        content carrying terminal escapes, C1 controls, bidi overrides and markup
    test/big              a ~60 KB Markdown reply in 4-character deltas, paced at `rate` (None: flat out)

Any other `test/...` id gets a 404; any id outside `test/` gets test/normal, so the TUI can be pointed at the
server with any model the list offers. Every request is logged (`FakeServer.requests`) with its headers and
JSON body, and records how its response ended (`RecordedRequest.wait_done()`), so a test can check both what
the client sent and that a cancel really closed the connection.

Run it by hand with `python tests/fake_server.py --port 8765 [--rate 200]`. Benchmarks may import this file by
path: it needs only the stdlib and its sibling `fake_payloads.py` (which holds every text it sends).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import select
import socket
import struct
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # loaded by path (benchmarks), not by name (pytest puts tests/ on sys.path)
    sys.path.insert(0, _HERE)

from fake_payloads import (  # noqa: E402
    BIG_DELTAS,
    CAPTIVE_PORTAL,
    CLOUDFLARE_502,
    COMMENT,
    CREATED,
    CRLF_DELTAS,
    DEFAULT_MODELS,
    INJECTION_DELTAS,
    MALFORMED_LINE,
    MIDSTREAM_ERRORS,
    NORMAL_DELTAS,
    PARTIAL_DELTAS,
    PROVIDER,
    REASONING_CONTENT_DELTAS,
    REASONING_STEPS,
    SCENARIOS,
    STALL_DELTA,
    STATUS_ERRORS,
    USAGE,
)


class ClientGone(Exception):
    """The client closed its end (or the server is stopping): the scenario ends here."""


@dataclass
class RecordedRequest:
    """One request as the server saw it, and how its response ended."""

    method: str
    path: str
    headers: dict[str, str]
    """Header names in lower case."""
    body: Any
    """The parsed JSON body, or None."""
    client_port: int = 0
    """The client's source port: equal ports mean the client reused a kept-alive connection."""
    generation_id: str | None = None
    """The `gen-...` id the server gave a chat response (also its X-Generation-Id header)."""
    outcome: str = "open"
    """"open" while responding; then "complete", "client-gone", "reset" or "stopped"."""
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def model(self) -> str | None:
        """The requested model id, for chat requests."""
        return self.body.get("model") if isinstance(self.body, dict) else None

    def wait_done(self, timeout: float = 10.0) -> str:
        """Block until the response has ended (or `timeout` passed) and return the outcome."""
        self.done.wait(timeout)
        return self.outcome


class Stream:
    """Writes one response as chunked SSE, pacing events and noticing a client that went away."""

    def __init__(self, handler: _Handler, record: RecordedRequest, gen_id: str, interval: float) -> None:
        self.handler = handler
        self.record = record
        self.gen_id = gen_id
        self.model = record.model or "unknown"
        self.interval = interval
        self.bytewise = False
        self.stop = handler.fake.stop_event

    def start(self, status: int = 200, content_type: str = "text/event-stream", **headers: str) -> None:
        """Send the status line and headers of a chunked response."""
        self.handler.send_response(status)
        self.handler.send_header("Content-Type", content_type)
        self.handler.send_header("Transfer-Encoding", "chunked")
        self.handler.send_header("Cache-Control", "no-cache")
        self.handler.send_header("X-Generation-Id", self.gen_id)
        for name, value in headers.items():
            self.handler.send_header(name.replace("_", "-"), value)
        self.handler.end_headers()
        self.handler.wfile.flush()

    def send(self, data: bytes) -> None:
        """Write body bytes as one chunk (or one chunk per byte in bytewise mode), flushing each."""
        pieces: Iterable[bytes] = (data[i : i + 1] for i in range(len(data))) if self.bytewise else (data,)
        for piece in pieces:
            self._write(b"%x\r\n%s\r\n" % (len(piece), piece))

    def _write(self, raw: bytes) -> None:
        if self.stop.is_set():
            raise ClientGone("stopped")
        try:
            self.handler.wfile.write(raw)
            self.handler.wfile.flush()
        except OSError as error:
            raise ClientGone(str(error)) from None

    def line(self, text: str, newline: str = "\n") -> None:
        """Write one SSE field line followed by the blank line that ends the event."""
        self.send((text + newline + newline).encode())
        self.pace()

    def event(self, obj: dict[str, Any], newline: str = "\n") -> None:
        """Write one `data:` event holding `obj` as compact UTF-8 JSON."""
        self.line("data: " + json.dumps(obj, ensure_ascii=False, separators=(",", ":")), newline)

    def chunk(self, delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any) -> dict[str, Any]:
        """A `chat.completion.chunk` object with one choice (or the given `choices`)."""
        choice = {"index": 0, "delta": delta or {}, "finish_reason": finish, "native_finish_reason": finish}
        obj = {"id": self.gen_id, "object": "chat.completion.chunk", "created": CREATED, "model": self.model,
               "provider": PROVIDER, "choices": [choice]}  # fmt: skip
        obj.update(extra)
        return obj

    def comment(self, text: str = COMMENT) -> None:
        """Write an SSE comment (a keep-alive)."""
        self.send((text + "\n\n").encode())

    def done(self, newline: str = "\n") -> None:
        """Write `data: [DONE]` and end the body at once (no pacing: a client may close right after it)."""
        self.send(f"data: [DONE]{newline}{newline}".encode())
        self.end()

    def end(self) -> None:
        """Write the terminating chunk: the body ends cleanly."""
        self._write(b"0\r\n\r\n")

    def pace(self) -> None:
        """Wait one event interval (if any), giving up when the server stops or the client goes away."""
        if self.interval > 0:
            if self.stop.wait(self.interval):
                raise ClientGone("stopped")
            if not self.alive():
                raise ClientGone("client closed")

    def alive(self) -> bool:
        """False once the client has closed its end of the connection."""
        sock = self.handler.connection
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            return not readable or sock.recv(1, socket.MSG_PEEK) != b""
        except OSError:
            return False

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), as a crashing proxy would."""
        sock = self.handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        self.handler.close_connection = True


Scenario = Callable[[Stream], None]


def _content(s: Stream, deltas: Iterable[str], newline: str = "\n") -> None:
    for text in deltas:
        s.event(s.chunk({"content": text}), newline)


def _finish(s: Stream, reason: str = "stop", newline: str = "\n") -> None:
    s.event(s.chunk({}, reason), newline)
    s.event(s.chunk(choices=[], usage=USAGE), newline)
    s.done(newline)


def _reply(s: Stream, deltas: Iterable[str], keepalive: bool = False) -> None:
    """The shape of every good stream: role chunk, content, finish, usage, [DONE]."""
    s.start()
    s.event(s.chunk({"role": "assistant", "content": ""}))
    for text in deltas:
        if keepalive:
            s.comment()
        s.event(s.chunk({"content": text}))
    if keepalive:
        s.comment()
    _finish(s)


def _bytewise(s: Stream) -> None:
    s.start()
    s.bytewise = True
    s.event(s.chunk({"role": "assistant", "content": ""}))
    _content(s, NORMAL_DELTAS)
    _finish(s)


def _crlf(s: Stream) -> None:
    s.start()
    s.event(s.chunk({"role": "assistant", "content": ""}), "\r\n")
    first, *rest = CRLF_DELTAS
    # One event whose JSON spans three `data:` lines (joined with "\n", which JSON reads as whitespace).
    text = json.dumps(s.chunk({"content": first}), ensure_ascii=False, indent=None)
    head, _, tail = text.partition('"choices":')
    s.line(f'data: {head}\r\ndata:"choices":\r\ndata: {tail}', "\r\n")
    s.comment(": ANANNAS\r")
    _content(s, rest, "\r\n")
    _finish(s, newline="\r\n")


def _midstream_error(s: Stream) -> None:
    s.start()
    s.event(s.chunk({"role": "assistant", "content": ""}))
    _content(s, PARTIAL_DELTAS)
    event = copy.deepcopy(MIDSTREAM_ERRORS[s.model])
    if "choices" in event:
        event = s.chunk(**event)
    s.event(event)
    s.done()


def _error_response(s: Stream, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
    handler = s.handler
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("X-Request-Id", f"req-{s.gen_id}")
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


def _status(key: str) -> Scenario:
    status, error, headers = STATUS_ERRORS[key]
    body = json.dumps({"error": error}, ensure_ascii=False).encode()
    return lambda s: _error_response(s, status, body, "application/json", headers)


def _retry_after(headers: dict[str, str], always: bool = False) -> Scenario:
    def scenario(s: Stream) -> None:
        if always or s.handler.fake.count(s.model) == 1:
            _error_response(s, *_RATE_LIMITED, headers)
        else:
            _reply(s, NORMAL_DELTAS)

    return scenario


_RATE_LIMITED = (429, b'{"error":{"code":429,"message":"Rate limit exceeded"}}', "application/json")


def _drop(s: Stream) -> None:
    s.start()
    _content(s, PARTIAL_DELTAS)
    s.reset()
    raise ClientGone("reset")


def _eof(s: Stream) -> None:
    s.start()
    _content(s, PARTIAL_DELTAS)
    s.end()
    s.handler.close_connection = True


def _stall(s: Stream) -> None:
    s.start()
    s.event(s.chunk({"role": "assistant", "content": STALL_DELTA}))
    interval = s.handler.fake.keepalive_interval
    while s.alive():
        s.comment()
        if s.stop.wait(interval):
            raise ClientGone("stopped")
    raise ClientGone("client closed")


def _empty(s: Stream) -> None:
    s.start()
    s.event(s.chunk({"role": "assistant", "content": ""}))
    _finish(s)


def _malformed(s: Stream) -> None:
    s.start()
    _content(s, PARTIAL_DELTAS)
    s.line(MALFORMED_LINE)
    _content(s, ["tail that must not be shown"])
    _finish(s)


def _reasoning(s: Stream) -> None:
    s.start()
    s.event(s.chunk({"role": "assistant", "content": ""}))
    for delta in REASONING_STEPS:
        s.event(s.chunk(delta))
    _content(s, REASONING_CONTENT_DELTAS)
    _finish(s)


def _paced(deltas: tuple[str, ...], attribute: str) -> Scenario:
    def scenario(s: Stream) -> None:
        rate = s.handler.rate_override(getattr(s.handler.fake, attribute))
        s.interval = 1 / rate if rate else 0.0
        _reply(s, deltas)

    return scenario


_SCENARIOS: dict[str, Scenario] = {
    "test/normal": lambda s: _reply(s, NORMAL_DELTAS),
    "test/bytewise": _bytewise,
    "test/keepalive": lambda s: _reply(s, NORMAL_DELTAS, keepalive=True),
    "test/crlf": _crlf,
    **{name: _midstream_error for name in MIDSTREAM_ERRORS},
    **{f"test/status-{key}": _status(key) for key in STATUS_ERRORS},
    "test/html-502": lambda s: _error_response(s, 502, CLOUDFLARE_502.encode(), "text/html; charset=UTF-8", {}),
    "test/html-200": lambda s: _error_response(s, 200, CAPTIVE_PORTAL.encode(), "text/html; charset=utf-8", {}),
    "test/retry-after": _retry_after({"Retry-After": "1"}),
    "test/retry-after-ms": _retry_after({"retry-after-ms": "250"}),
    "test/retry-after-huge": _retry_after({"Retry-After": "3600"}, always=True),
    "test/drop": _drop,
    "test/eof": _eof,
    "test/stall": _stall,
    "test/empty": _empty,
    "test/malformed": _malformed,
    "test/reasoning": _reasoning,
    "test/slow": _paced(NORMAL_DELTAS, "slow_rate"),
    "test/injection": lambda s: _reply(s, INJECTION_DELTAS),
    "test/big": _paced(BIG_DELTAS, "rate"),
}
assert set(_SCENARIOS) == set(SCENARIOS), "every scenario is listed in SCENARIOS and implemented"


def scenario_for(model: str) -> Scenario:
    """The scenario a model id selects: unknown `test/` ids get a 404, other ids a normal reply."""
    if model in _SCENARIOS:
        return _SCENARIOS[model]
    if model.startswith("test/"):
        body = json.dumps({"error": {"code": 404, "message": f"Model {model} not found"}}).encode()
        return lambda s: _error_response(s, 404, body, "application/json", {})
    return _SCENARIOS["test/normal"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HTTPServer

    @property
    def fake(self) -> FakeServer:
        return self.server.fake

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's signature)
        """Keep test output clean."""

    def rate_override(self, default: float | None) -> float | None:
        """Events per second from an `X-Fake-Rate` header (0 = flat out), else `default`."""
        value = self.headers.get("X-Fake-Rate")
        return default if value is None else float(value) or None

    def _record(self) -> RecordedRequest:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {name.lower(): value for name, value in self.headers.items()}
        record = RecordedRequest(self.command, self.path, headers, body, client_port=self.client_address[1])
        self.fake.requests.append(record)
        return record

    def _json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _authorised(self, record: RecordedRequest) -> bool:
        expected = self.fake.expected_key
        if expected is None or record.headers.get("authorization") == f"Bearer {expected}":
            return True
        self._json(401, {"error": {"code": 401, "message": "Invalid API key"}})
        return False

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's naming)
        record = self._record()
        if self._authorised(record):
            if urlsplit(self.path).path.rstrip("/") == "/v1/models":
                self._json(200, self.fake.models_payload)
            else:
                self._json(404, {"error": {"code": 404, "message": "Not found"}})
        self._done(record, "complete")

    def do_POST(self) -> None:  # noqa: N802
        record = self._record()
        if not self._authorised(record):
            return self._done(record, "complete")
        if urlsplit(self.path).path.rstrip("/") != "/v1/chat/completions":
            self._json(404, {"error": {"code": 404, "message": "Not found"}})
            return self._done(record, "complete")
        model = record.model or ""
        number = self.fake.count(model, increment=True)
        slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")
        record.generation_id = f"gen-{number:04d}-{slug}"
        stream = Stream(self, record, record.generation_id, 0.0)
        try:
            scenario_for(model)(stream)
        except ClientGone as gone:
            self.close_connection = True
            reason = str(gone)
            outcome = "stopped" if reason == "stopped" else "reset" if reason == "reset" else "client-gone"
            return self._done(record, outcome)
        self._done(record, "complete")

    def _done(self, record: RecordedRequest, outcome: str) -> None:
        record.outcome = outcome
        record.done.set()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client resetting an idle kept-alive connection is normal here; report anything else."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class FakeServer:
    """The scripted gateway. Use as a context manager, or call `start()` and `stop()`.

    Attributes tests may change (all restored by `reset()`): `models_payload`, `expected_key` (None accepts
    any key; a string makes every other key a 401), `rate` (events/s for test/big; None is flat out),
    `slow_rate` (events/s for test/slow) and `keepalive_interval` (seconds between test/stall's comments).
    """

    def __init__(
        self, port: int = 0, *, rate: float | None = None, slow_rate: float = 20.0, keepalive_interval: float = 0.05
    ) -> None:
        self._defaults = {"rate": rate, "slow_rate": slow_rate, "keepalive_interval": keepalive_interval}
        self._port = port
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stop_event = threading.Event()
        self.requests: list[RecordedRequest] = []
        self.reset()

    def reset(self) -> None:
        """Forget logged requests and per-model counters, and restore every setting to its default."""
        with self._lock:
            self._counts.clear()
        self.requests.clear()
        self.models_payload: Any = copy.deepcopy(DEFAULT_MODELS)
        self.expected_key: str | None = None
        self.rate: float | None = self._defaults["rate"]
        self.slow_rate: float = self._defaults["slow_rate"] or 20.0
        self.keepalive_interval: float = self._defaults["keepalive_interval"] or 0.05

    def count(self, model: str, *, increment: bool = False) -> int:
        """How many chat requests asked for `model` since the last reset (counting this one if incrementing)."""
        with self._lock:
            if increment:
                self._counts[model] = self._counts.get(model, 0) + 1
            return self._counts.get(model, 0)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """The logged `POST .../chat/completions` requests, oldest first."""
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/chat/completions")]

    @property
    def port(self) -> int:
        """The port the server listens on (the real one, when started with port 0)."""
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The base URL a client uses, ending in /v1."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeServer:
        """Bind and serve in a daemon thread."""
        self.stop_event.clear()
        self._httpd = _HTTPServer(("127.0.0.1", self._port), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-anannas", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; open streams (test/stall, paced ones) notice and end."""
        self.stop_event.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def main() -> None:
    """Serve until Ctrl-C: `python tests/fake_server.py --port 8765`."""
    parser = argparse.ArgumentParser(description="A scripted Anannas gateway on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (0 picks a free one)")
    parser.add_argument("--rate", type=float, default=None, help="events/s for test/big (default: flat out)")
    parser.add_argument("--slow-rate", type=float, default=20.0, help="events/s for test/slow")
    parser.add_argument("--key", default=None, help="accept only this API key (default: any)")
    args = parser.parse_args()
    server = FakeServer(args.port, rate=args.rate, slow_rate=args.slow_rate).start()
    server.expected_key = args.key
    print(f"ANANNAS_BASE_URL={server.base_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
