"""Regenerate the SVG screenshots in this folder from the real app running the offline demo.

    .venv/bin/python screenshots/make_screenshots.py            # every shot
    .venv/bin/python screenshots/make_screenshots.py chat picker  # only these

Each shot is `make_app(AppOptions(demo=True))` driven like a user through Textual's `run_test`, then saved with
`save_screenshot`. Re-running the script reproduces the files byte for byte: the demo streams without pauses,
config, sessions and state live in a throwaway folder, timing figures (TTFT, tok/s, duration) read fixed
values, the sessions list is aged against a fixed clock, and every blinking cursor is stopped before a shot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))  # the Pilot helpers the app tests use

from pilot_helpers import converse, still, wait_for  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

from anannas_tui.app import AnannasApp, AppOptions, make_app  # noqa: E402
from anannas_tui.core.config import Config  # noqa: E402
from anannas_tui.core.events import Usage  # noqa: E402
from anannas_tui.core.metrics import ReplyTimer  # noqa: E402
from anannas_tui.core.session import Message, Role, Session  # noqa: E402
from anannas_tui.screens.chat import ChatScreen  # noqa: E402

THEMES = ("anannas-dark", "anannas-light", "anannas-high-contrast", "anannas-16")
NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
"""The "now" the sessions list measures ages from."""
TTFT, GENERATION = 0.42, 2.0
"""What every reply reports: 0.42 s to the first token, then 2 s of generation."""
CHAT_PROMPTS = ("Show me some Python code to count lines", "Compare the demo models in a table")

Scene = Callable[[Pilot[None]], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    """One SVG: the app it needs, the terminal size, and what to do before the picture is taken."""

    name: str
    scene: Scene
    size: tuple[int, int] = (120, 40)
    theme: str = "anannas-dark"
    compare: tuple[str, ...] = ()


# ----- driving the app ----------------------------------------------------------------------------------------


# ----- scenes -------------------------------------------------------------------------------------------------


async def conversation(pilot: Pilot[None]) -> None:
    await converse(pilot, *CHAT_PROMPTS)
    await still(pilot, 0.2)


async def picker(pilot: Pilot[None]) -> None:
    await converse(pilot, CHAT_PROMPTS[1])
    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ChatScreen))
    await still(pilot, 0.2)


async def reasoning_with_sidebar(pilot: Pilot[None]) -> None:
    await converse(pilot, "Why is the sky blue? Explain briefly.", model="demo/reasoner")
    await still(pilot, 0.2)


async def moderation_toast(pilot: Pilot[None]) -> None:
    await converse(pilot, CHAT_PROMPTS[1])
    await converse(pilot, "Tell me something edgy", model="demo/error-moderation")
    await wait_for(pilot, lambda: bool(pilot.app._notifications))
    await still(pilot, 0.2)


async def sessions(pilot: Pilot[None]) -> None:
    from anannas_tui.screens.sessions import SessionsScreen

    app = pilot.app
    assert isinstance(app, AnannasApp)
    saved = sample_sessions()
    for session in saved:
        app.session_store.save(session, touch=False)
    await app.push_screen(SessionsScreen(app.session_store, saved[0].id, clock=lambda: NOW))
    await wait_for(pilot, lambda: "Lisbon" in screen_text(app))
    await still(pilot, 0.2)


async def comparison(pilot: Pilot[None]) -> None:
    from anannas_tui.screens.compare import CompareScreen

    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    await wait_for(pilot, lambda: pilot.app.model_catalog.cached() is not None)
    before = [len(column.messages) for column in screen.session.columns]
    screen.prompt.load_text("What can this demo do?")
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: (
            all(len(c.messages) >= n + 2 for c, n in zip(screen.session.columns, before, strict=True))
            and not any(column.streaming for column in screen.columns)
        ),
    )
    pilot.app.clear_notifications()
    await still(pilot, 0.2)


def screen_text(app: Any) -> str:
    return "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())


def sample_sessions() -> list[Session]:
    """A few saved conversations with fixed dates, so the list's "updated" column never changes."""

    def session(index: int, title: str, model: str, age: timedelta, turns: list[str], cost: str | None) -> Session:
        messages = [
            Message(Role.USER if n % 2 == 0 else Role.ASSISTANT, text, created=NOW - age)
            for n, text in enumerate(turns)
        ]
        if cost is not None:
            messages[-1].usage = Usage(120 * len(turns), 300 * len(turns), 420 * len(turns), cost=Decimal(cost))
        return Session(
            id=f"demo{index:08d}", title=title, created=NOW - age - timedelta(minutes=20), updated=NOW - age,
            model=model, messages=messages,
        )  # fmt: skip

    return [
        session(
            1, "Plan a week in Lisbon", "demo/smart", timedelta(minutes=12), ["Plan it", "Day 1: Alfama"] * 3, "0.0412"
        ),
        session(2, "Refactor the CSV parser", "demo/coder", timedelta(hours=3), ["Refactor", "Here:"] * 5, "0.1830"),
        session(3, "Why is the sky blue?", "demo/reasoner", timedelta(days=1), ["Why?", "Rayleigh"], "0.0021"),
        session(4, "Compare the demo models", "demo/fast", timedelta(days=4), ["Compare", "A table"], "0.000065"),
        session(5, "Shell one-liners", "demo/local", timedelta(days=39), ["find big files", "du -sh *"] * 2, None),
    ]


SHOTS = [
    Shot("chat", conversation),
    Shot("chat-80x24", conversation, size=(80, 24)),
    Shot("picker", picker),
    Shot("sidebar", reasoning_with_sidebar, size=(100, 30)),
    Shot("error-toast", moderation_toast),
    Shot("sessions", sessions, size=(100, 30)),
    Shot("compare", comparison, compare=("demo/fast", "demo/smart", "demo/reasoner")),
    *(Shot(f"theme-{theme}", conversation, size=(100, 30), theme=theme) for theme in THEMES),
]


# ----- taking them --------------------------------------------------------------------------------------------


def fixed_timings() -> None:
    """Make every reply report the same timings (what the app shows from them is computed as always)."""
    ReplyTimer.ttft = property(lambda t: None if t.first_token is None else TTFT)  # type: ignore[assignment,method-assign]
    ReplyTimer.duration = property(lambda t: None if t.ended is None else TTFT + GENERATION)  # type: ignore[assignment,method-assign]


def isolate(root: Path) -> None:
    """Config, data, cache and state in `root`: no user settings, sessions or key can leak into a shot."""
    for name in ("config", "data", "cache", "state"):
        (root / name).mkdir(parents=True, exist_ok=True)
        os.environ[f"XDG_{name.upper()}_HOME"] = str(root / name)
    for name in ("ANANNAS_API_KEY", "ANANNAS_BASE_URL", "NO_COLOR", "SSH_TTY", "SSH_CONNECTION", "TMUX"):
        os.environ.pop(name, None)
    os.environ["ANANNAS_DEMO_DELAY_SCALE"] = "0"


async def take(shot: Shot, folder: Path, scratch: Path) -> Path:
    isolate(scratch / shot.name)
    config = Config()
    config.ui.theme = shot.theme
    app: AnannasApp = make_app(AppOptions(config=config, demo=True, compare=list(shot.compare)))
    async with app.run_test(size=shot.size, notifications=True) as pilot:
        await shot.scene(pilot)
        path = app.save_screenshot(f"{shot.name}.svg", str(folder))
    return Path(path)


async def main(names: list[str]) -> None:
    unknown = set(names) - {shot.name for shot in SHOTS}
    if unknown:
        raise SystemExit(f"unknown shots: {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in SHOTS)}")
    fixed_timings()
    with tempfile.TemporaryDirectory() as scratch:
        for shot in SHOTS:
            if not names or shot.name in names:
                print(await take(shot, HERE, Path(scratch)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="shots to take (default: all)")
    asyncio.run(main(parser.parse_args().names))
