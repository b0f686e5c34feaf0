"""What to put on the clipboard and how to get it there, without any UI.

Copying from a terminal app has two routes. The local one (pyperclip) needs a clipboard tool on *this* machine
and a display, so it is useless over SSH. The other is OSC 52: an escape sequence asking the terminal emulator
to set its clipboard. It works across SSH, but many terminals ignore it or cap its size, tmux and GNU screen
swallow it unless it is wrapped for them, and nothing ever reports whether it worked. So this module sanitises
and caps the text (`prepare_copy`), builds the right sequence for where we run (`osc52_for_env`), and words the
outcome without claiming more than we know (`copy_message`).

The OSC 52 clipboard is never *read*: a terminal answering a read request would be injecting input.
"""

from __future__ import annotations

import base64
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from anannas_tui.core.paths import SSH_VARIABLES
from anannas_tui.core.sanitize import for_clipboard

OSC52_MAX_SEQUENCE_BYTES = 100_000
"""Longest OSC 52 sequence we send. Terminals drop longer ones silently (hterm, and others, cap it here),
which would look like a copy that worked."""

_OSC52_START = "\x1b]52;c;"
_BEL = "\x07"
_ST = "\x1b\\"


def _max_payload_bytes(sequence_budget: int) -> int:
    """The most bytes whose base64 (4 characters per 3 bytes, padded) fits in `sequence_budget` characters."""
    return (sequence_budget // 4) * 3


OSC52_MAX_PAYLOAD_BYTES = _max_payload_bytes(OSC52_MAX_SEQUENCE_BYTES - len(_OSC52_START) - len(_ST))
"""UTF-8 bytes of text that fit in one OSC 52 sequence with either terminator: 74,991 (74,994 with BEL only)."""

SCREEN_CHUNK_CHARS = 252
"""GNU screen passes a DCS string through only up to 256 bytes in older releases (768 since 4.2.1); the
`ESC P` and `ESC \\` around each chunk take the other four."""


@dataclass(frozen=True)
class CopyPayload:
    """Text ready to send by OSC 52: sanitised and cut to fit."""

    text: str
    """The sanitised text, whole or cut on a character boundary."""
    truncated: bool
    """True when `text` is only the start of the sanitised text."""
    original_bytes: int
    """UTF-8 size of the whole sanitised text (what a copy without the limit would hold)."""

    @property
    def copied_bytes(self) -> int:
        """UTF-8 size of `text`."""
        return len(self.text.encode("utf-8"))


def prepare_copy(text: str, *, limit: int = OSC52_MAX_PAYLOAD_BYTES) -> CopyPayload:
    """Sanitise `text` for the clipboard and cut it to at most `limit` UTF-8 bytes.

    The cut falls on a character boundary, never inside a multi-byte character, so the copy is valid UTF-8.
    Use the whole `for_clipboard(text)` for a local clipboard, which has no such limit.
    """
    clean = for_clipboard(text)
    encoded = clean.encode("utf-8")  # for_clipboard removed lone surrogates, so this cannot fail
    if len(encoded) <= limit:
        return CopyPayload(clean, truncated=False, original_bytes=len(encoded))
    # A prefix of valid UTF-8 is valid except for a partial last character, which "ignore" drops.
    cut = encoded[: max(limit, 0)].decode("utf-8", errors="ignore")
    return CopyPayload(cut, truncated=True, original_bytes=len(encoded))


def osc52_sequence(text: str, *, tmux: bool = False, screen: bool = False, st: bool = False) -> str:
    """The OSC 52 "set clipboard" sequence for `text`, wrapped for tmux or GNU screen if asked.

    The text travels base64-encoded, so nothing in it can end the sequence early or start another. `st` ends
    the sequence with ST instead of BEL (screen always gets BEL: an ST inside would end its DCS wrapper).

    Raises:
        ValueError: `text` is larger than `OSC52_MAX_PAYLOAD_BYTES`; cut it with `prepare_copy` first, since a
            terminal would drop the sequence without a word.
    """
    data = text.encode("utf-8")
    if len(data) > OSC52_MAX_PAYLOAD_BYTES:
        raise ValueError(f"{len(data)} bytes is over the OSC 52 limit; use prepare_copy() first")
    end = _ST if st and not screen else _BEL
    sequence = _OSC52_START + base64.b64encode(data).decode("ascii") + end
    if tmux:
        return tmux_passthrough(sequence)
    if screen:
        return screen_passthrough(sequence)
    return sequence


def tmux_passthrough(sequence: str) -> str:
    """Wrap `sequence` in tmux's DCS passthrough, which hands it to the outer terminal unchanged.

    tmux ends the DCS at the first `ESC \\`, so every ESC inside is doubled. tmux 3.3+ only obeys this with
    `set -g allow-passthrough on`.
    """
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + _ST


def screen_passthrough(sequence: str) -> str:
    """Wrap `sequence` for GNU screen: a run of DCS strings, each short enough for screen to pass through.

    The outer terminal sees the pieces back to back, that is, the original sequence.
    """
    chunks = [sequence[i : i + SCREEN_CHUNK_CHARS] for i in range(0, len(sequence), SCREEN_CHUNK_CHARS)]
    return "".join(f"\x1bP{chunk}{_ST}" for chunk in chunks)


@dataclass(frozen=True)
class ClipboardEnv:
    """Where we run, as far as copying is concerned."""

    over_ssh: bool
    """An SSH session: the local clipboard would be the remote machine's, so only OSC 52 can reach the user."""
    in_tmux: bool
    """Inside tmux (TMUX is set)."""
    in_screen: bool
    """Inside GNU screen (TERM starts with "screen" and STY is set; tmux also uses TERM=screen, hence STY)."""
    has_local_clipboard_tool: bool
    """pyperclip has something to work with here (and we are not over SSH)."""


def detect_terminal_env(
    environ: Mapping[str, str],
    *,
    which: Callable[[str], str | None] = shutil.which,
    platform: str = sys.platform,
) -> ClipboardEnv:
    """Describe the copy situation from environment variables and the tools on PATH.

    An SSH session started *outside* a long-lived tmux and attached later is not seen as SSH (tmux keeps the
    environment of the pane's creation); OSC 52 is still sent there, so the copy still works.
    """
    over_ssh = any(environ.get(name) for name in SSH_VARIABLES)
    in_screen = environ.get("TERM", "").startswith("screen") and bool(environ.get("STY"))
    return ClipboardEnv(
        over_ssh=over_ssh,
        in_tmux=bool(environ.get("TMUX")),
        in_screen=in_screen,
        has_local_clipboard_tool=not over_ssh and _has_local_tool(environ, which, platform),
    )


def _has_local_tool(environ: Mapping[str, str], which: Callable[[str], str | None], platform: str) -> bool:
    """Mirror the backends pyperclip 1.11 picks (`determine_clipboard`), except its optional Qt ones."""
    if platform in ("win32", "cygwin"):
        return True
    if platform == "darwin":
        return which("pbcopy") is not None

    def have(*tools: str) -> bool:
        return all(which(tool) is not None for tool in tools)

    if environ.get("WSL_DISTRO_NAME") and have("clip.exe"):
        return True
    if environ.get("WAYLAND_DISPLAY") and have("wl-copy", "wl-paste"):
        return True
    return bool(environ.get("DISPLAY")) and (have("xclip") or have("xsel") or have("klipper", "qdbus"))


def osc52_for_env(text: str, env: ClipboardEnv) -> str:
    """Everything to write to the terminal to copy `text` by OSC 52 where we run.

    Inside tmux this is the plain sequence (obeyed with `set -g set-clipboard on`) followed by the passthrough
    one (obeyed with `allow-passthrough on`): either setting is enough, and both at once copy the same text
    twice, which is harmless. Inside screen (and not tmux) it is the chunked form.
    """
    if env.in_tmux:
        return osc52_sequence(text) + osc52_sequence(text, tmux=True)
    return osc52_sequence(text, screen=env.in_screen)


def should_send_osc52(payload: CopyPayload, *, local_ok: bool, enabled: bool = True) -> bool:
    """Whether to send OSC 52 once the local clipboard was tried.

    Always when the local copy failed or was not tried. After a local copy only if the payload is whole: both
    routes usually reach the same clipboard, and a cut OSC 52 copy arriving later would replace the full one.
    """
    return enabled and (not local_ok or not payload.truncated)


@dataclass(frozen=True)
class CopyResult:
    """What a copy attempt did, for `copy_message`."""

    payload: CopyPayload
    """What was (or would have been) sent by OSC 52."""
    local: bool
    """The whole sanitised text reached the local clipboard (pyperclip returned without error)."""
    osc52: bool
    """`payload` was written to the terminal as OSC 52."""
    local_error: str | None = None
    """Why the local clipboard failed, if it was tried; already safe to display."""


Severity = Literal["information", "warning", "error"]


def copy_message(result: CopyResult) -> str:
    """A one-line notice that says what happened and no more: an OSC 52 copy can never be confirmed."""
    payload = result.payload
    if result.local:
        return "Copied (local clipboard and OSC 52)" if result.osc52 else "Copied (local clipboard)"
    if result.osc52 and payload.truncated:
        return (
            f"Sent the first {_size(payload.copied_bytes)} of {_size(payload.original_bytes)} to the terminal "
            "clipboard (the OSC 52 limit) — your terminal must allow it; cannot confirm"
        )
    if result.osc52:
        return "Sent to the terminal clipboard (OSC 52) — your terminal must allow it; cannot confirm"
    reason = f" ({result.local_error})" if result.local_error else ""
    return (
        f"Could not copy{reason}: install wl-clipboard, xclip or xsel, "
        "or enable OSC 52 (clipboard access) in your terminal"
    )


def copy_severity(result: CopyResult) -> Severity:
    """How loudly to show `copy_message`: a cut copy is a warning, no copy at all an error."""
    if not (result.local or result.osc52):
        return "error"
    if not result.local and result.payload.truncated:
        return "warning"
    return "information"


def _size(count: int) -> str:
    """A byte count for a message: whole KB (1024 bytes) when it is that big, rounded down."""
    return f"{count // 1024} KB" if count >= 1024 else f"{count} bytes"
