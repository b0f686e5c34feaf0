"""How fast the sessions list and search are over 500 saved conversations (prints timings; asserts nothing).

Run: .venv/bin/python tests/benchmarks/bench_session_search.py [COUNT]
Each session has 20 messages: short prompts and replies of 0.3-3 KB of Markdown-like text. The first
`entries()` reads and verifies every file (cold); later calls reuse the in-memory index unless a file changed.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from anannas_tui.core.session import Message, Role, Session, now
from anannas_tui.core.session_store import SessionStore

WORDS = [
    "the",
    "model",
    "gateway",
    "stream",
    "token",
    "reply",
    "session",
    "search",
    "pineapple",
    "latency",
    "cost",
    "prompt",
    "table",
]


def make_session(rng: random.Random, index: int) -> Session:
    session = Session.new("openai/gpt-5-mini", "Be helpful.")
    session.set_title_from(f"Question {index}: " + " ".join(rng.choices(WORDS, k=6)))
    session.updated = now() - timedelta(minutes=index)
    for turn in range(10):
        session.messages.append(Message(Role.USER, " ".join(rng.choices(WORDS, k=rng.randint(5, 40)))))
        reply = "\n\n".join(" ".join(rng.choices(WORDS, k=rng.randint(40, 400))) for _ in range(2))
        session.messages.append(Message(Role.ASSISTANT, reply + f"\n\nmarker-{index}-{turn}"))
    return session


def timed(label: str, action) -> object:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    print(f"{label:<42} {1000 * (time.perf_counter() - start):8.1f} ms")
    return result


def main(count: int) -> None:
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as folder:
        store = SessionStore(Path(folder))
        sessions = [make_session(rng, index) for index in range(count)]
        start = time.perf_counter()
        for session in sessions:
            store.save(session, touch=False)
        per_save = 1000 * (time.perf_counter() - start) / count
        size = sum(p.stat().st_size for p in Path(folder).iterdir()) / count / 1024
        print(f"{count} sessions, {size:.0f} KB each on average, {per_save:.1f} ms per save")
        fresh = SessionStore(Path(folder))
        timed("entries(), cold (read + verify every file)", fresh.entries)
        timed("entries(), warm (stat only)", fresh.entries)
        for query in ("pineapple", "marker-250-7", "no such text anywhere", "question 12"):
            hits = timed(f"search {query!r}", lambda q=query: fresh.search(q))
            print(f"{'':<42} {len(hits):5d} hits")  # type: ignore[arg-type]
        timed("resolve('last')", lambda: fresh.resolve("last"))
        timed("resolve(id prefix) from a new store", lambda: SessionStore(Path(folder)).resolve(sessions[7].id[:6]))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
