"""Deterministic benchmark text: a realistic long Markdown reply and a long conversation.

The figures in performance.md were taken with a 61.7 KB answer mixing headings, paragraphs, lists, fenced code
and tables; this builds the same kind of document from a fixed seed so every run (and every machine) renders the
same bytes. When the loopback test server exists, the benchmarks prefer its `test/big` reply instead.
"""

from __future__ import annotations

import random

_WORDS = (
    "the", "a", "request", "stream", "token", "model", "gateway", "latency", "provider", "cache", "reply",
    "message", "session", "client", "server", "buffer", "frame", "widget", "layout", "render", "parse",
    "block", "list", "table", "fence", "header", "chunk", "delta", "event", "retry", "timeout", "error",
    "status", "credit", "cost", "price", "context", "window", "prompt", "system", "user", "assistant",
    "reasoning", "effort", "budget", "terminal", "screen", "scroll", "anchor", "focus", "binding", "command",
    "palette", "theme", "colour", "style", "markup", "sanitise", "escape",
)  # fmt: skip

_CODE = {
    "python": [
        "async def stream_reply(client, messages):",
        "    async for event in client.stream_chat(model, messages):",
        "        if isinstance(event, ContentDelta):",
        "            view.append(event.text)",
        "    total = sum(len(part) for part in parts)",
        "    return {'tokens': total, 'status': 'ok'}",
    ],
    "javascript": [
        "const res = await fetch(url, { method: 'POST', body });",
        "for await (const chunk of res.body) {",
        "  buffer += decoder.decode(chunk, { stream: true });",
        "}",
        "console.log(`done in ${Date.now() - start} ms`);",
    ],
    "bash": [
        "curl -sN https://api.example.invalid/v1/chat/completions \\",
        '  -H "Content-Type: application/json" \\',
        "  -d @request.json | jq -r '.choices[0].delta.content'",
        "export RETRIES=3",
    ],
}


class _Writer:
    """Builds Markdown from a seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self) -> str:
        text = self.words(6, 18)
        roll = self.rng.random()
        if roll < 0.25:
            text += f" `{self.rng.choice(_WORDS)}_{self.rng.choice(_WORDS)}()`"
        elif roll < 0.4:
            text += f" **{self.words(1, 3)}**"
        elif roll < 0.5:
            text += f" *{self.words(1, 3)}*"
        elif roll < 0.55:
            text += f" [{self.words(1, 3)}](https://example.invalid/{self.rng.choice(_WORDS)})"
        return text[0].upper() + text[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))

    def bullet_list(self) -> str:
        items = [f"- {self.sentence()}" for _ in range(self.rng.randint(3, 6))]
        if self.rng.random() < 0.3:
            items.insert(1, f"  - {self.sentence()}")
        return "\n".join(items)

    def ordered_list(self) -> str:
        return "\n".join(f"{n}. {self.sentence()}" for n in range(1, self.rng.randint(3, 6) + 1))

    def fence(self) -> str:
        language = self.rng.choice(list(_CODE))
        lines = [self.rng.choice(_CODE[language]) for _ in range(self.rng.randint(4, 14))]
        return f"```{language}\n" + "\n".join(lines) + "\n```"

    def table(self) -> str:
        columns = self.rng.randint(3, 4)
        head = "| " + " | ".join(self.words(1, 2).title() for _ in range(columns)) + " |"
        rule = "|" + "|".join("---" for _ in range(columns)) + "|"
        rows = [
            "| " + " | ".join(self.words(1, 3) for _ in range(columns)) + " |" for _ in range(self.rng.randint(3, 6))
        ]
        return "\n".join([head, rule, *rows])

    def quote(self) -> str:
        return "> " + self.sentence() + " " + self.sentence()

    def section(self, level: int) -> str:
        parts = [f"{'#' * level} {self.words(2, 5).title()}"]
        makers = [self.paragraph] * 5 + [self.bullet_list] * 2 + [self.ordered_list, self.fence, self.fence]
        makers += [self.table, self.quote]
        for _ in range(self.rng.randint(3, 6)):
            parts.append(self.rng.choice(makers)())
        return "\n\n".join(parts)


def long_reply(size: int = 61_700, seed: int = 7) -> str:
    """A Markdown answer of about `size` characters (headings, prose, lists, code, tables, quotes)."""
    writer = _Writer(seed)
    parts = [f"# {writer.words(3, 6).title()}", writer.paragraph()]
    total = sum(len(part) + 2 for part in parts)
    while total < size:
        part = writer.section(writer.rng.choice((2, 2, 3)))
        if total + len(part) > size + 500:
            part = writer.paragraph()
        parts.append(part)
        total += len(part) + 2
    return "\n\n".join(parts) + "\n"


def deltas(text: str, size: int = 4) -> list[str]:
    """Cut `text` into pieces of `size` characters, as a fast model's stream would deliver it."""
    return [text[index : index + size] for index in range(0, len(text), size)]


def conversation(messages: int = 500, seed: int = 11) -> list[tuple[str, str]]:
    """Alternating (role, text) pairs, ~750 KB for 500: user turns of ~200 chars, assistant turns of 2-4 KB."""
    writer = _Writer(seed)
    out: list[tuple[str, str]] = []
    for index in range(messages):
        if index % 2 == 0:
            out.append(("user", " ".join(writer.sentence() for _ in range(2))[:220]))
            continue
        parts = [writer.paragraph()]
        target = writer.rng.randint(1_800, 3_400)
        while sum(len(part) for part in parts) < target:
            parts.append(writer.rng.choice((writer.paragraph, writer.fence, writer.bullet_list))())
        out.append(("assistant", "\n\n".join(parts)))
    return out
