"""SVG snapshots of the whole app (`make_app`) driven like a user, against the offline demo provider.

Each scene runs the real app with `--demo` streaming instantly (ANANNAS_DEMO_DELAY_SCALE=0) and is taken in two
themes, dark and light. Timing figures (TTFT, tok/s, duration) are the only thing that varies between runs, so
`ReplyTimer` reports fixed readings here (`fixed_timings`); the app computes and shows them as it always does.
Cursor blink is stopped just before the shot so a frame never catches the cursor half way.

Regenerate after an intended change with `pytest tests/test_app_snapshots.py --snapshot-update`, then look at
the SVGs (tests/__snapshots__/test_app_snapshots/) before committing them.
"""

from __future__ import annotations

import pytest
from pilot_helpers import chat_screen, converse, still, wait_for
from textual.pilot import Pilot

from anannas_tui.app import AnannasApp, AppOptions, make_app
from anannas_tui.core.config import Config
from anannas_tui.core.metrics import ReplyTimer

THEMES = ["anannas-dark", "anannas-light"]

TTFT = 0.42
"""Seconds to the first token that every reply reports here."""
GENERATION = 2.0
"""Seconds from the first token to the end that every reply reports here."""

PROMPTS = ("Show me some Python code to count lines", "Compare the demo models in a table")


@pytest.fixture(autouse=True)
def fixed_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reply reports TTFT 0.42 s and 2.42 s in all, and the demo streams without pauses."""
    monkeypatch.setenv("ANANNAS_DEMO_DELAY_SCALE", "0")
    monkeypatch.setattr(ReplyTimer, "ttft", property(lambda t: None if t.first_token is None else TTFT))
    monkeypatch.setattr(ReplyTimer, "duration", property(lambda t: None if t.ended is None else TTFT + GENERATION))


def demo_app(theme: str) -> AnannasApp:
    config = Config()
    config.ui.theme = theme
    return make_app(AppOptions(config=config, demo=True))


@pytest.mark.parametrize("theme", THEMES)
def test_chat_mid_conversation_120x40(snap_compare, theme: str) -> None:  # type: ignore[no-untyped-def]
    """At 120x40: the title line "anannas · demo/fast · Show me some Python code to count lines"; the
    transcript scrolled to the bottom, showing the end of the first reply (the shell one-liner in a code block,
    a bold "Why this shape:" line) and its muted metrics line "13 in / 160 out · $0.000065 · TTFT 0.42 s ·
    80 tok/s · stop"; the second prompt with an accent bar on its left; the second reply titled demo/fast: a
    boxed table of three demo models, two bullet points and its metrics line. On the right the sidebar: Model
    (demo/fast, context 128k, $0.1 / $0.4 per 1M), Last reply (prompt 189, completion 119, cost in green,
    TTFT 0.42 s, speed 60 tok/s, duration 2.4 s, finish stop), Session (2 replies, summed tokens and cost) and
    the context gauge "308 / 128k (0%)". The empty prompt box with its placeholder; the footer lists ^o Model,
    ^s Sessions, f2 Prompt & params, ^r Regenerate and ^p palette."""

    async def scene(pilot: Pilot[None]) -> None:
        await converse(pilot, *PROMPTS)
        await still(pilot)

    assert snap_compare(demo_app(theme), terminal_size=(120, 40), run_before=scene)


@pytest.mark.parametrize("theme", THEMES)
def test_chat_mid_conversation_80x24(snap_compare, theme: str) -> None:  # type: ignore[no-untyped-def]
    """At 80x24 the same conversation without the sidebar (it folds away below 100 columns): the title line
    (cut with "…" if it must be), the table reply filling the width with every column and its right border
    visible, the metrics line under it, the three-row prompt box and the footer, whose keys all fit in 80
    columns. No line runs past the right edge."""

    async def scene(pilot: Pilot[None]) -> None:
        await converse(pilot, *PROMPTS)
        await still(pilot)

    assert snap_compare(demo_app(theme), terminal_size=(80, 24), run_before=scene)


@pytest.mark.parametrize("theme", THEMES)
def test_model_picker_80x24(snap_compare, theme: str) -> None:  # type: ignore[no-untyped-def]
    """At 80x24, over the dimmed chat, the "Choose a model" dialog: the search box (focused, empty, with its
    placeholder), column titles (model, context, in/out prices per 1M), then the demo models with demo/fast
    highlighted as the current one, "16 models" under the list, and the dialog's own key footer. The whole
    dialog fits on screen with its borders."""

    async def scene(pilot: Pilot[None]) -> None:
        await converse(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: pilot.app.screen is not chat_screen(pilot))
        await pilot.pause(0.2)
        await still(pilot)

    assert snap_compare(demo_app(theme), terminal_size=(80, 24), run_before=scene)


@pytest.mark.parametrize("theme", THEMES)
def test_moderation_error_toast_120x40(snap_compare, theme: str) -> None:  # type: ignore[no-untyped-def]
    """At 120x40, after a prompt to demo/error-moderation: a red error toast at the bottom right titled
    "403 · Flagged by moderation" listing the message, the reasons (violence, harassment), the flagged input,
    the provider (openai) and the moderation model, and a hint; in the transcript, under the prompt, the same
    error as an entry with a red border and "Retry" / "Switch model" buttons. The sidebar's last reply shows
    "–" for the unknown figures and finish "–"."""

    async def scene(pilot: Pilot[None]) -> None:
        await converse(pilot, "Tell me something edgy", model="demo/error-moderation")
        await wait_for(pilot, lambda: bool(pilot.app._notifications))
        await still(pilot)

    assert snap_compare(demo_app(theme), terminal_size=(120, 40), run_before=scene)


@pytest.mark.parametrize("theme", THEMES)
def test_sidebar_shown_at_80x24(snap_compare, theme: str) -> None:  # type: ignore[no-untyped-def]
    """At 80x24 after ctrl+b: the usage sidebar (32 columns) is back beside a narrower transcript, which
    re-wraps the last reply to fit; the sidebar shows Model (demo/fast and its three figures), then one
    blank line and Last reply (TTFT 0.42 s, speed, duration, finish stop); the rest of it is reached by
    scrolling. The prompt box spans only the transcript's width; nothing overlaps or is cut mid-word."""

    async def scene(pilot: Pilot[None]) -> None:
        await converse(pilot, "Hello! What can this demo do?")
        await pilot.press("ctrl+b")
        await pilot.pause(0.2)
        await still(pilot)

    assert snap_compare(demo_app(theme), terminal_size=(80, 24), run_before=scene)
