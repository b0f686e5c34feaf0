"""The app's one copy path: the local clipboard when there is one, OSC 52 to the terminal always (capped).

Over SSH the "local" clipboard would be the remote host's, so only OSC 52 is used; inside tmux and screen the
sequence is wrapped for passthrough (see `core/clipboard.py`). OSC 52 cannot be confirmed, and the notice
says so instead of claiming success. No failure here is ever more than a notice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from anannas_tui.core.clipboard import (
    CopyResult,
    detect_terminal_env,
    osc52_for_env,
    prepare_copy,
    should_send_osc52,
)
from anannas_tui.core.sanitize import for_clipboard, one_line


def _copy_locally(text: str) -> str | None:
    """Copy with pyperclip; return why it failed, or None when it worked."""
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception as error:  # pyperclip raises its own and OS errors; none may crash the app
        return one_line(str(error) or type(error).__name__, 80)
    return None


def copy(
    text: str,
    write_terminal: Callable[[str], None],
    environ: Mapping[str, str] | None = None,
    copy_locally: Callable[[str], str | None] = _copy_locally,
) -> tuple[CopyResult, str]:
    """Copy `text`; return what happened and the text a paste will give (for `App.clipboard`)."""
    env = detect_terminal_env(environ if environ is not None else os.environ)
    payload = prepare_copy(text)
    local_error = copy_locally(for_clipboard(text)) if env.has_local_clipboard_tool else None
    local_ok = env.has_local_clipboard_tool and local_error is None
    send = should_send_osc52(payload, local_ok=local_ok)
    if send:
        write_terminal(osc52_for_env(payload.text, env))
    pasted = for_clipboard(text) if local_ok else payload.text
    return CopyResult(payload, local_ok, send, local_error), pasted
