"""The one trust boundary between untrusted text and the terminal.

Model output, error bodies, headers, model ids and text read back from disk can all carry terminal escape
sequences (OSC 52 clipboard writes, OSC 0 title changes, screen clears), 8-bit C1 controls, bidi overrides that
make a shell command read differently from what it does, and lone surrogates that break a UTF-8 save. Rich and
Textual strip only a handful of these, so every such string passes through `for_display` before it becomes part
of a widget, and through `for_clipboard` before it is copied.

Placeholders are visible and printable, and none of them is itself rewritten, so both functions are idempotent.
"""

from __future__ import annotations

import functools
import re

#: Bidi controls (embeddings, overrides, isolates, marks) that can reorder what the reader sees.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_UNSAFE = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 except TAB and LF, DEL, C1
    + _BIDI
    + "\ud800-\udfff"  # lone surrogates (from JSON "\ud800" escapes)
    + "\U000e0000-\U000e007f]"  # TAG characters (invisible ASCII look-alikes)
)


@functools.cache
def _regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`pattern` compiled on first use: compiling this module's patterns cost ~1 ms of every start (the character
    classes with surrogates and TAG characters are slow to compile), and the first frame needs none of them."""
    return re.compile(pattern, flags)


def _placeholder(char: str) -> str:
    """Return a visible, inert stand-in for one unsafe character."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures": ESC becomes ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"<U+{code:04X}>"


def for_display(text: str) -> str:
    """Make untrusted text safe to hand to a widget or print to a terminal.

    CRLF is folded to LF (it is a line ending, not an overwrite trick); every other control, DEL, C1, bidi
    control, TAG character and lone surrogate becomes a visible placeholder. Printable text, tabs and newlines
    are unchanged. The result is still *text*: callers must also keep it out of markup parsing.
    """
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if text.isprintable():  # all that the pattern matches is unprintable: most text (one line of it) stops here
        return text
    unsafe = _regex(_UNSAFE)
    if unsafe.search(text) is None:
        return text
    return unsafe.sub(lambda match: _placeholder(match.group()), text)


class StreamSanitizer:
    """`for_display` for text that arrives in pieces.

    A CRLF split across two deltas would otherwise show a stray ␍; this holds back a trailing CR until the next
    piece says what it was. Everything else is safe per piece because the ESC byte itself is replaced.
    """

    def __init__(self) -> None:
        self._pending_cr = False

    def feed(self, piece: str) -> str:
        """Return the safe text for `piece`, possibly holding back its last character."""
        if self._pending_cr:
            piece = "\r" + piece
            self._pending_cr = False
        if piece.endswith("\r"):
            self._pending_cr = True
            piece = piece[:-1]
        return for_display(piece)

    def flush(self) -> str:
        """Return whatever was held back, at the end of a stream."""
        if self._pending_cr:
            self._pending_cr = False
            return for_display("\r")
        return ""


_BRACKETED_PASTE_END = "\x1b\\[20[01]~"
_CLIPBOARD_DROP = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
_CLIPBOARD_FLAG = "[" + _BIDI + "\U000e0000-\U000e007f]"


def for_clipboard(text: str) -> str:
    """Make text safe to place on a clipboard that will be pasted into a shell.

    Bracketed-paste markers, ESC, ^C and the other C0/C1 controls are removed (TAB, LF and CR stay, since they
    are what code is made of); bidi controls and TAG characters are made visible so a pasted command reads as
    what it does.
    """
    text = _regex(_BRACKETED_PASTE_END).sub("", text)
    text = _regex(_CLIPBOARD_DROP).sub("", text)
    return _regex(_CLIPBOARD_FLAG).sub(lambda match: _placeholder(match.group()), text)


# Linear-time patterns: the opening tag's attributes are bounded and a tag cannot contain "<", so no start
# position rescans the rest of the text (`<title[^>]*>(.*?)</title>` is quadratic on "<title>" * n).
_TITLE_OPEN = r"<title\b[^<>]{0,500}>"
_TITLE_CLOSE = r"</title\s*>"
_TAG = r"<[^<>]+>"
_SPACE = r"\s+"


def one_line(text: str, limit: int = 160) -> str:
    """Summarise untrusted text (an error body, an HTML page) as one safe line of at most `limit` characters.

    An HTML page is reduced to its `<title>` (or its text without tags), so a proxy's 502 page reads as
    "502 Bad Gateway" and not as a screenful of markup.
    """
    title = _html_title(text)
    if title is not None:
        text = title
    elif "<" in text and ">" in text:
        text = _regex(_TAG).sub(" ", text)
    if "&" in text:
        import html  # only error bodies need it: not imported at start-up

        text = html.unescape(text)
    text = for_display(_regex(_SPACE).sub(" ", text).strip())
    # Collapsing whitespace above removed tabs and newlines, so only placeholders remain from controls.
    return shorten(text, limit)


def _html_title(text: str) -> str | None:
    """The text of the first `<title>...</title>` in `text`, or None."""
    opening = _regex(_TITLE_OPEN, re.IGNORECASE).search(text)
    if opening is None:
        return None
    closing = _regex(_TITLE_CLOSE, re.IGNORECASE).search(text, opening.end())
    return None if closing is None else text[opening.end() : closing.start()]


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return text[: max(limit - 1, 0)] + "…"
