"""state.toml: the app's own memory (last model, theme, favourites, recent models), written atomically."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anannas_tui.core import paths
from anannas_tui.core.state import (
    RECENT_LIMIT,
    State,
    load_state,
    parse_state,
    render_state,
    update_state,
)


def test_missing_file_is_the_defaults_without_a_notice() -> None:
    assert load_state() == State()
    assert load_state().notice is None
    assert not paths.state_file().exists()


def test_state_lives_in_the_data_dir_not_next_to_the_users_config(isolated_dirs: dict[str, Path]) -> None:
    with update_state() as state:
        state.theme = "anannas-light"
    assert paths.state_file() == isolated_dirs["data"] / "anannas-tui" / "state.toml"
    assert paths.state_file().exists()
    assert not (isolated_dirs["config"] / "anannas-tui" / "config.toml").exists()


def test_update_round_trips_and_is_private() -> None:
    with update_state() as state:
        state.use_model("openai/gpt-5-mini")
        state.theme = "anannas-light"
        assert state.toggle_favourite("anthropic/claude-sonnet-4") is True
    loaded = load_state()
    assert loaded.last_model == "openai/gpt-5-mini"
    assert loaded.theme == "anannas-light"
    assert loaded.favourites == ["anthropic/claude-sonnet-4"]
    assert loaded.recent_models == ["openai/gpt-5-mini"]
    assert paths.state_file().stat().st_mode & 0o777 == 0o600
    assert tomllib.loads(paths.state_file().read_text())["schema"] == 1


def test_recent_models_are_most_recent_first_distinct_and_capped() -> None:
    state = State()
    for index in range(RECENT_LIMIT + 5):
        state.use_model(f"p/m{index}")
    state.use_model("p/m10")
    assert state.recent_models[0] == "p/m10"
    assert len(state.recent_models) == RECENT_LIMIT
    assert len(set(state.recent_models)) == RECENT_LIMIT
    assert state.recent_models[1] == f"p/m{RECENT_LIMIT + 4}"


def test_toggle_favourite_twice_unstars() -> None:
    state = State()
    assert state.toggle_favourite("a/b") is True
    assert state.toggle_favourite("a/b") is False
    assert state.favourites == []


def test_nothing_is_written_when_the_block_raises_or_changes_nothing() -> None:
    with pytest.raises(RuntimeError), update_state() as state:
        state.theme = "x"
        raise RuntimeError("boom")
    assert not paths.state_file().exists()

    with update_state() as state:
        state.theme = "x"
    written = paths.state_file().stat().st_ino  # every atomic write is a new file, so a new inode
    with update_state() as state:
        state.theme = "x"
    assert paths.state_file().stat().st_ino == written
    with update_state() as state:
        state.theme = "y"
    assert paths.state_file().stat().st_ino != written


@pytest.mark.parametrize(
    "damage",
    [b"\xff\xfe not utf-8", b"last_model = ", b'schema = "one"\n', b"[[[", b"x" * (1024 * 1024 + 1)],
    ids=["binary", "truncated", "schema-string", "bad-toml", "huge"],
)
def test_damaged_file_is_ignored_then_moved_aside_on_write(damage: bytes) -> None:
    path = paths.state_file()
    path.write_bytes(damage)
    state = load_state()
    assert state == State()
    assert state.notice is not None and "damaged" in state.notice
    with update_state():
        pass
    assert path.read_bytes() == damage  # loading, or an update that changes nothing, never touches it

    with update_state() as state:
        state.theme = "anannas-light"
    assert path.with_name("state.toml.damaged").read_bytes() == damage
    assert load_state().theme == "anannas-light"


def test_wrong_typed_field_is_dropped_and_named_the_rest_kept() -> None:
    paths.state_file().write_text('theme = 5\nlast_model = "a/b"\nfavourites = "a/b"\nrecent_models = ["a/b", 3]\n')
    state = load_state()
    assert state.theme is None and state.last_model == "a/b"
    assert state.favourites == [] and state.recent_models == ["a/b"]
    assert state.notice is not None and "theme" in state.notice and "favourites" in state.notice


def test_newer_schema_is_read_but_never_rewritten() -> None:
    text = 'schema = 2\ntheme = "t"\nnew_thing = {a = 1}\n'
    paths.state_file().write_text(text)
    with update_state() as state:
        assert state.theme == "t"
        assert state.notice is not None and "newer" in state.notice
        state.theme = "other"
    assert paths.state_file().read_text() == text


def test_unknown_keys_are_kept() -> None:
    paths.state_file().write_text("schema = 1\nsidebar_width = 30\n[window]\nsplit = 0.5\n")
    with update_state() as state:
        state.theme = "t"
    document = tomllib.loads(paths.state_file().read_text())
    assert document["sidebar_width"] == 30 and document["window"] == {"split": 0.5}


@pytest.mark.parametrize("bad", ["", "a\x1b]52;c;x\x07", "\ud800", "x" * 301, "line\nbreak"])
def test_unsaveable_or_unsafe_ids_are_not_recorded(bad: str) -> None:
    """A model id from the network with a lone surrogate or controls must not break the save or the screen."""
    with update_state() as state:
        state.use_model(bad)
        state.toggle_favourite(bad)
        state.theme = bad
    loaded = load_state()
    assert loaded.last_model is None and loaded.favourites == [] and loaded.theme is None


texts = st.text(max_size=40)
states = st.builds(
    State,
    last_model=st.none() | texts,
    theme=st.none() | texts,
    favourites=st.lists(texts, max_size=8),
    recent_models=st.lists(texts, max_size=30),
)


@given(state=states)
def test_render_never_fails_and_reads_back_as_a_fixed_point(state: State) -> None:
    """Property: any State renders (even with junk strings); what is read back renders identically."""
    text = render_state(state)
    again = parse_state(tomllib.loads(text))
    assert render_state(again) == text
    assert again.notice is None
    assert set(again.favourites) <= set(state.favourites)
    assert len(again.recent_models) <= RECENT_LIMIT


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(contents=st.binary(max_size=200) | st.text(max_size=200).map(lambda text: text.encode("utf-8", "replace")))
def test_any_file_contents_load_without_raising(contents: bytes) -> None:
    paths.state_file().write_bytes(contents)
    state = load_state()
    assert isinstance(state, State)
