"""The client's events do not depend on how the network cuts the byte stream (reliability checklist E12, F1).

A fixed SSE stream with every framing hazard (comments, CRLF and bare-CR line endings, a multi-line `data:`
field, `data:` without a space, multi-byte UTF-8, raw U+2028 and U+0085 inside JSON strings) is delivered in
chunks cut at arbitrary points, including inside a UTF-8 character and between the CR and LF of one line
ending. The events must equal those of the uncut stream, and those must be the ones the stream spells out.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from anannas_tui.core.client import AnannasClient
from anannas_tui.core.events import ContentDelta, Finished, ReasoningDelta, StreamEvent, UsageReported
from anannas_tui.core.usage import Usage


def _chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    base = {"id": "gen-prop", "object": "chat.completion.chunk", "created": 1, "model": "m/x", "provider": "P"}
    return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}


def _data(obj: dict[str, Any]) -> str:
    return "data: " + json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


CONTENT = (
    "Hello 🎉 ",
    "量子コンピュータ ",
    "line\u2028separator and\u0085NEL ",
    "crlf\r\ninside ",
    "é👩‍💻",
)
_multi_line = json.dumps(_chunk({"content": CONTENT[3]}), ensure_ascii=False, indent=1).split("\n")

STREAM = "".join(
    [
        ": ANANNAS PROCESSING\r\n\r\n",
        _data(_chunk({"role": "assistant", "content": ""})) + "\n\n",
        _data(_chunk({"content": CONTENT[0]})) + "\r\n\r\n",
        ": keep-alive with bare CR\r\r",
        _data(_chunk({"reasoning": "思考中…"})) + "\r\r",
        _data(_chunk({"content": CONTENT[1]})) + "\n\n",
        _data(_chunk({"content": CONTENT[2]})) + "\r\n\r\n",
        "".join(f"data: {line}\r\n" for line in _multi_line) + "\r\n",
        "id: 7\nevent: message\n" + _data(_chunk({"content": CONTENT[4]})).replace("data: ", "data:", 1) + "\n\n",
        ":\n\n",
        _data(_chunk({}, "stop")) + "\n\n",
        _data({**_chunk({}), "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 5, "cost": 1e-05}})
        + "\r\n\r\n",
        "data: [DONE]\r\n\r\n",
    ]
).encode("utf-8")

EXPECTED: list[StreamEvent] = [
    ContentDelta(CONTENT[0]),
    ReasoningDelta("思考中…"),
    ContentDelta(CONTENT[1]),
    ContentDelta(CONTENT[2]),
    ContentDelta(CONTENT[3]),
    ContentDelta(CONTENT[4]),
    UsageReported(Usage(prompt_tokens=3, completion_tokens=5, total_tokens=8, cost=Decimal("1e-05"))),
    Finished("stop", "m/x", "P", "gen-prop"),
]

#: Offsets that land inside a multi-byte UTF-8 character or right after a CR (before its LF, or a bare CR's).
AWKWARD = [i for i in range(1, len(STREAM)) if STREAM[i] & 0xC0 == 0x80 or STREAM[i - 1] == ord("\r")]


class Chunks(httpx.AsyncByteStream):
    """A response body delivered in the given pieces, yielding to the loop between them like a socket."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            await asyncio.sleep(0)
            yield piece


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted(set(cuts) - {0, len(data)}), len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def run(pieces: list[bytes]) -> list[StreamEvent]:
    """Stream one chat reply whose body arrives as `pieces`; return every event."""

    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Chunks(pieces))

    async def main() -> list[StreamEvent]:
        transport = httpx.MockTransport(reply)
        async with AnannasClient("http://gateway.test/v1", None, transport=transport, stall_timeout=60) as client:
            return [event async for event in client.stream_chat("m/x", [{"role": "user", "content": "hi"}])]

    return asyncio.run(main())


def test_stream_has_the_hazards_it_claims() -> None:
    text = STREAM.decode()
    assert "\r\r" in text and "\r\n" in text and "\n\n" in text and "\ndata:{" in text
    assert "\u2028" in text and "\u0085" in text and len(_multi_line) > 3
    assert any(STREAM[i] & 0xC0 == 0x80 for i in AWKWARD) and b"\r\n" in STREAM


def test_uncut_stream_gives_the_expected_events() -> None:
    assert run([STREAM]) == EXPECTED


def test_one_byte_at_a_time() -> None:
    assert run([STREAM[i : i + 1] for i in range(len(STREAM))]) == EXPECTED


@settings(max_examples=400, deadline=None)
@given(cuts=st.lists(st.integers(0, len(STREAM)) | st.sampled_from(AWKWARD), max_size=40))
@example(cuts=AWKWARD)
def test_any_cutting_gives_the_same_events(cuts: list[int]) -> None:
    assert run(split(STREAM, cuts)) == EXPECTED
