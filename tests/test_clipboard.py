"""Clipboard payloads: sanitised, capped on a character boundary, and framed correctly for a plain terminal,
tmux and GNU screen; environment detection; honest wording (reliability.md B1-B5, §7.4)."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

from hypothesis import example, given, settings
from hypothesis import strategies as st

from anannas_tui.core.clipboard import (
    OSC52_MAX_PAYLOAD_BYTES,
    OSC52_MAX_SEQUENCE_BYTES,
    SCREEN_CHUNK_CHARS,
    ClipboardEnv,
    CopyPayload,
    CopyResult,
    copy_message,
    copy_severity,
    detect_terminal_env,
    osc52_for_env,
    osc52_sequence,
    prepare_copy,
    should_send_osc52,
)
from anannas_tui.core.sanitize import for_clipboard

ESC = "\x1b"
_PLAIN = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)")

# Text as a model or a user produces it, plus the hostile parts: controls, C1, surrogates, paste markers.
_hostile = st.sampled_from(["\x1b", "\x1b[201~", "\x1b[200~", "\x03", "\r", "\x9b", "\x07", "\ud800", "\u202e"])
texts = st.lists(
    st.one_of(st.text(st.characters(codec=None, categories=None), max_size=30), _hostile), max_size=12
).map("".join)


def _decode_plain(sequence: str) -> str:
    match = _PLAIN.fullmatch(sequence)
    assert match is not None, repr(sequence[:40])
    return base64.b64decode(match.group(1), validate=True).decode("utf-8")


def test_budget_matches_the_documented_figure() -> None:
    # reliability.md's ~74,994 bytes is the BEL form; ST is one byte longer, and the limit must hold for both.
    assert 74_988 <= OSC52_MAX_PAYLOAD_BYTES <= 74_994
    for size in range(OSC52_MAX_PAYLOAD_BYTES - 3, OSC52_MAX_PAYLOAD_BYTES + 1):
        for st_end in (False, True):
            assert len(osc52_sequence("x" * size, st=st_end).encode()) <= OSC52_MAX_SEQUENCE_BYTES


@settings(max_examples=300)
@given(text=texts)
@example(text="rm -rf \x1b[201~; echo \x1b]52;c;ZXZpbA==\x07 \x03")
def test_base64_payload_decodes_to_the_prepared_text(text: str) -> None:
    payload = prepare_copy(text)
    assert payload.text == for_clipboard(text)
    assert not payload.truncated
    for st_end in (False, True):
        sequence = osc52_sequence(payload.text, st=st_end)
        assert _decode_plain(sequence) == payload.text
        # The only ESC is the one that starts the sequence (and the one in ST): nothing from the text.
        assert sequence.count(ESC) == (2 if st_end else 1)
        assert sequence.index(ESC) == 0


@settings(max_examples=300)
@given(text=texts)
def test_prepared_text_has_no_escape_interrupt_or_paste_marker(text: str) -> None:
    prepared = prepare_copy(text).text
    assert ESC not in prepared and "\x03" not in prepared and "\x9b" not in prepared
    assert "\u202e" not in prepared  # flagged as a visible placeholder instead


@settings(max_examples=300)
@given(text=st.text(st.characters(codec="utf-8"), max_size=60), limit=st.integers(0, 80))
@example(text="é" * 10, limit=5)
@example(text="😀😀", limit=7)
def test_truncation_is_on_a_character_boundary_and_below_the_cap(text: str, limit: int) -> None:
    clean = for_clipboard(text)
    payload = prepare_copy(text, limit=limit)
    assert payload.original_bytes == len(clean.encode("utf-8"))
    assert payload.copied_bytes <= limit or not payload.truncated
    assert payload.truncated == (payload.original_bytes > limit)
    # A prefix of the whole text, in whole characters, missing less than one character's worth of budget.
    assert clean.startswith(payload.text)
    if payload.truncated:
        next_char = clean[len(payload.text)]
        assert payload.copied_bytes + len(next_char.encode("utf-8")) > limit


def test_200_kb_copy_is_cut_below_the_budget_with_a_warning() -> None:
    text = "ä€😀x\n" * 20_000  # 2 + 3 + 4 + 1 + 1 bytes per repeat: 220,000 bytes
    payload = prepare_copy(text)
    assert payload.truncated and payload.original_bytes == 220_000
    assert OSC52_MAX_PAYLOAD_BYTES - 4 < payload.copied_bytes <= OSC52_MAX_PAYLOAD_BYTES
    sequence = osc52_sequence(payload.text)
    assert len(sequence.encode()) <= OSC52_MAX_SEQUENCE_BYTES
    assert _decode_plain(sequence) == payload.text

    result = CopyResult(payload, local=False, osc52=True)
    assert copy_message(result).startswith("Sent the first 73 KB of 214 KB to the terminal clipboard")
    assert "cannot confirm" in copy_message(result)
    assert copy_severity(result) == "warning"


def test_oversized_text_is_refused_not_sent() -> None:
    try:
        osc52_sequence("x" * (OSC52_MAX_PAYLOAD_BYTES + 1))
    except ValueError as error:
        assert "prepare_copy" in str(error)
    else:
        raise AssertionError("an oversized OSC 52 sequence would be dropped silently by the terminal")


def _unwrap_tmux(wrapped: str) -> str:
    assert wrapped.startswith("\x1bPtmux;") and wrapped.endswith("\x1b\\")
    inner = wrapped[len("\x1bPtmux;") : -2]
    # Every ESC inside comes in a pair: no lone ESC can end the passthrough early.
    assert re.fullmatch(r"(?:[^\x1b]|\x1b\x1b)*", inner), repr(inner[:40])
    return inner.replace("\x1b\x1b", "\x1b")


@settings(max_examples=200)
@given(text=texts, st_end=st.booleans())
def test_tmux_wrap_doubles_every_inner_escape(text: str, st_end: bool) -> None:
    payload = prepare_copy(text)
    wrapped = osc52_sequence(payload.text, tmux=True, st=st_end)
    inner = _unwrap_tmux(wrapped)
    assert inner == osc52_sequence(payload.text, st=st_end)
    assert _decode_plain(inner) == payload.text


@settings(max_examples=200)
@given(text=st.one_of(texts, st.text(min_size=300, max_size=2000)))
def test_screen_chunks_reassemble_into_the_plain_sequence(text: str) -> None:
    payload = prepare_copy(text)
    wrapped = osc52_sequence(payload.text, screen=True, st=True)
    chunks = re.findall(r"\x1bP(.*?)\x1b\\", wrapped, flags=re.DOTALL)
    assert "".join(f"\x1bP{chunk}\x1b\\" for chunk in chunks) == wrapped
    assert all(len(chunk.encode()) <= SCREEN_CHUNK_CHARS for chunk in chunks)
    # Screen always gets BEL: an ST in a chunk would end that chunk's DCS early.
    assert "".join(chunks) == osc52_sequence(payload.text)
    assert _decode_plain("".join(chunks)) == payload.text


def _env(**flags: bool) -> ClipboardEnv:
    values = {"over_ssh": False, "in_tmux": False, "in_screen": False, "has_local_clipboard_tool": False}
    return ClipboardEnv(**{**values, **flags})


def test_osc52_for_env_sends_plain_and_passthrough_inside_tmux() -> None:
    plain = osc52_sequence("hi")
    assert osc52_for_env("hi", _env()) == plain
    in_tmux = osc52_for_env("hi", _env(in_tmux=True, in_screen=True))
    assert in_tmux.startswith(plain)
    assert _unwrap_tmux(in_tmux[len(plain) :]) == plain
    assert osc52_for_env("hi", _env(in_screen=True)) == osc52_sequence("hi", screen=True)


def _which(*present: str) -> Callable[[str], str | None]:
    return lambda tool: f"/usr/bin/{tool}" if tool in present else None


def test_detect_ssh_disables_local_clipboard_even_with_tools() -> None:
    environ = {"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22", "DISPLAY": ":0", "TERM": "xterm-256color"}
    env = detect_terminal_env(environ, which=_which("xclip"), platform="linux")
    assert env == _env(over_ssh=True)
    assert detect_terminal_env({"SSH_TTY": "/dev/pts/3"}, which=_which(), platform="darwin").over_ssh


def test_detect_local_clipboard_tools_like_pyperclip() -> None:
    linux = "linux"
    assert not detect_terminal_env({}, which=_which("xclip"), platform=linux).has_local_clipboard_tool
    assert not detect_terminal_env({"DISPLAY": ":0"}, which=_which(), platform=linux).has_local_clipboard_tool
    for tool in ("xclip", "xsel"):
        env = detect_terminal_env({"DISPLAY": ":0"}, which=_which(tool), platform=linux)
        assert env.has_local_clipboard_tool
    wayland = {"WAYLAND_DISPLAY": "wayland-0"}
    assert not detect_terminal_env(wayland, which=_which("wl-copy"), platform=linux).has_local_clipboard_tool
    assert detect_terminal_env(wayland, which=_which("wl-copy", "wl-paste"), platform=linux).has_local_clipboard_tool
    assert detect_terminal_env({}, which=_which("pbcopy"), platform="darwin").has_local_clipboard_tool
    assert detect_terminal_env({}, which=_which(), platform="win32").has_local_clipboard_tool
    wsl = {"WSL_DISTRO_NAME": "Ubuntu"}
    assert detect_terminal_env(wsl, which=_which("clip.exe"), platform=linux).has_local_clipboard_tool


def test_detect_tmux_and_screen() -> None:
    tmux = {"TMUX": "/tmp/tmux-1000/default,123,0", "TERM": "screen-256color"}
    assert detect_terminal_env(tmux, which=_which(), platform="linux") == _env(in_tmux=True)
    screen = {"STY": "123.pts-0.host", "TERM": "screen.xterm-256color"}
    assert detect_terminal_env(screen, which=_which(), platform="linux") == _env(in_screen=True)
    not_screen = {"STY": "123.pts-0.host", "TERM": "xterm"}  # STY leaked into a terminal started from screen
    assert not detect_terminal_env(not_screen, which=_which(), platform="linux").in_screen


def test_messages_never_claim_an_osc52_copy_worked() -> None:
    whole = prepare_copy("hello")
    osc_only = CopyResult(whole, local=False, osc52=True)
    assert copy_message(osc_only) == (
        "Sent to the terminal clipboard (OSC 52) — your terminal must allow it; cannot confirm"
    )
    assert copy_severity(osc_only) == "information"
    assert copy_message(CopyResult(whole, local=True, osc52=True)) == "Copied (local clipboard and OSC 52)"
    assert copy_message(CopyResult(whole, local=True, osc52=False)) == "Copied (local clipboard)"
    failed = CopyResult(whole, local=False, osc52=False, local_error="xclip exited with 1")
    assert copy_message(failed).startswith("Could not copy (xclip exited with 1): install")
    assert copy_severity(failed) == "error"


def test_a_cut_osc52_copy_never_follows_a_whole_local_copy() -> None:
    whole = CopyPayload("abc", truncated=False, original_bytes=3)
    cut = CopyPayload("ab", truncated=True, original_bytes=3)
    assert should_send_osc52(whole, local_ok=True)
    assert not should_send_osc52(cut, local_ok=True)
    assert should_send_osc52(cut, local_ok=False)
    assert not should_send_osc52(whole, local_ok=False, enabled=False)
    local_cut = CopyResult(cut, local=True, osc52=False)
    assert copy_message(local_cut) == "Copied (local clipboard)"
    assert copy_severity(local_cut) == "information"
