"""Process-wide settings the app makes for speed: Textual's frame rate, and when the GC is told what is long-lived."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from anannas_tui import gc_policy
from anannas_tui.frame_rate import LOW_BANDWIDTH_FPS, NORMAL_FPS, choose_frame_rate


def test_the_frame_rate_is_fast_normally_and_capped_in_low_bandwidth_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEXTUAL_FPS", raising=False)
    choose_frame_rate(low_bandwidth=False)
    assert os.environ["TEXTUAL_FPS"] == str(NORMAL_FPS) == "120"
    monkeypatch.delenv("TEXTUAL_FPS")
    choose_frame_rate(low_bandwidth=True)
    assert os.environ["TEXTUAL_FPS"] == str(LOW_BANDWIDTH_FPS) == "10"


def test_a_frame_rate_the_user_set_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_FPS", "30")
    choose_frame_rate(low_bandwidth=True)
    assert os.environ["TEXTUAL_FPS"] == "30"


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.parametrize("step", [gc_policy.before_stream, gc_policy.after_reply, gc_policy.after_history])
def test_each_point_freezes_what_exists_and_leaves_the_collector_on(step: object, unfrozen: None) -> None:
    assert gc.get_freeze_count() == 0
    step()  # type: ignore[operator]
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()


def test_start_up_collects_rarely_until_the_first_frame_then_as_before(unfrozen: None) -> None:
    before = gc.get_threshold()
    try:
        gc_policy.before_start()
        assert gc.get_threshold()[0] == gc_policy.START_THRESHOLD > before[0]
        assert gc.isenabled()
        gc_policy.after_first_frame()
        assert gc.get_threshold() == before
        gc_policy.after_first_frame()  # a second first frame (another app in the same process) changes nothing
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)
