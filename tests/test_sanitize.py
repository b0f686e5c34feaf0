"""The sanitiser is the one trust boundary between untrusted text and the terminal (reliability.md §6 F4, §7.1):
properties over arbitrary text, and the concrete hostile payloads A1-A4 and A6.

The oracles here come from `unicodedata`, not from sanitize.py's own tables, so a character missing from those
tables is caught rather than agreed with.
"""

from __future__ import annotations

import html
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from anannas_tui.core.sanitize import StreamSanitizer, for_clipboard, for_display, one_line, shorten

_EXPLICIT_BIDI_CLASSES = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
_BIDI_MARKS = {"\u061c", "\u200e", "\u200f"}  # ALM, LRM, RLM: bidi classes AL, L and R, so listed by hand
ESC = "\x1b"


def is_bidi_control(char: str) -> bool:
    """Unicode's Bidi_Control property (PropList.txt): the explicit embedding, override and isolate
    characters, and the three implicit marks."""
    return unicodedata.bidirectional(char) in _EXPLICIT_BIDI_CLASSES or char in _BIDI_MARKS


def is_tag(char: str) -> bool:
    return 0xE0000 <= ord(char) <= 0xE007F


def unsafe_for_display(char: str) -> bool:
    """What must never reach a widget: C0 except TAB/LF, DEL, C1, bidi controls, TAG characters, surrogates."""
    category = unicodedata.category(char)
    control = category == "Cc" and char not in "\t\n"
    return control or category == "Cs" or is_bidi_control(char) or is_tag(char)


# Everything, weighted towards the characters that matter: all of Unicode including lone surrogates, plus
# explicit controls, C1, bidi, TAG and CR/LF so hypothesis does not need luck to find them.
_special = st.sampled_from(
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    + ["\U000e0001", "\U000e0041", "\U000e007f", "\ud800", "\udfff", "\r\n", "\u2028", "\u200d", "\ufeff"]
)
_any_char = st.one_of(st.characters(codec=None, categories=None), st.characters(categories=["Cs"]), _special)
any_text = st.lists(_any_char, max_size=60).map("".join)

# Printable text: letters, marks, numbers, punctuation, symbols and spaces (emoji included), tabs and newlines.
_printable_char = st.one_of(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), st.sampled_from("\t\n"))
printable_text = st.text(_printable_char, max_size=80)


@settings(max_examples=1000)
@given(text=any_text)
def test_for_display_output_has_no_unsafe_character(text: str) -> None:
    shown = for_display(text)
    bad = [f"U+{ord(char):04X}" for char in shown if unsafe_for_display(char)]
    assert not bad, bad
    shown.encode("utf-8")  # no lone surrogate survives, so a UTF-8 save cannot fail


@settings(max_examples=500)
@given(text=printable_text)
@example(text="👩\u200d💻 naïve café — 日本語 (tab\there)\n")
def test_printable_text_is_unchanged(text: str) -> None:
    assert for_display(text) == text


def test_joiners_and_marks_used_by_emoji_and_scripts_are_kept() -> None:
    text = "👨\u200d👩\u200d👧 \u0915\u094d\u200d\u0937 ❤\ufe0f e\u0301"  # ZWJ, virama + ZWJ, VS16, combining
    assert for_display(text) == text


@settings(max_examples=1000)
@given(text=any_text)
def test_for_display_is_idempotent(text: str) -> None:
    once = for_display(text)
    assert for_display(once) == once


@settings(max_examples=500)
@given(text=any_text)
def test_for_display_swallows_nothing(text: str) -> None:
    """Every safe input character is still there, in order (A4: no escape sequence eats the text after it)."""
    shown = iter(for_display(text.replace("\r\n", "\n")))
    for char in text.replace("\r\n", "\n"):
        if not unsafe_for_display(char):
            assert char in shown, f"U+{ord(char):04X} lost"  # `in` on an iterator consumes up to the match


def test_crlf_is_a_line_ending_but_a_bare_cr_is_visible() -> None:
    assert for_display("a\r\nb") == "a\nb"
    assert for_display("a\rb") == "a\u240db"
    assert for_display("a\r\r\nb") == "a\u240d\nb"


_stream_text = st.lists(st.sampled_from(["\r", "\n", "\r\n", "a", "é", ESC, "]52;", "\x9b", "\u202e"]), max_size=40)


@settings(max_examples=1000)
@given(parts=_stream_text.map("".join), cuts=st.lists(st.integers(0, 80), max_size=8))
@example(parts="a\r\nb", cuts=[2])
@example(parts="\r\r\n", cuts=[1, 2])
@example(parts="x\r", cuts=[2])
def test_stream_sanitizer_over_any_split_equals_whole(parts: str, cuts: list[int]) -> None:
    bounds = sorted({min(cut, len(parts)) for cut in cuts})
    pieces = [parts[start:end] for start, end in zip([0, *bounds], [*bounds, len(parts)], strict=True)]
    sanitizer = StreamSanitizer()
    streamed = "".join(sanitizer.feed(piece) for piece in pieces) + sanitizer.flush()
    assert streamed == for_display(parts)


@settings(max_examples=300)
@given(pieces=st.lists(any_text, max_size=6))
def test_stream_sanitizer_on_arbitrary_pieces(pieces: list[str]) -> None:
    sanitizer = StreamSanitizer()
    streamed = "".join(sanitizer.feed(piece) for piece in pieces) + sanitizer.flush()
    assert streamed == for_display("".join(pieces))


def test_stream_sanitizer_holds_back_only_a_trailing_cr() -> None:
    sanitizer = StreamSanitizer()
    assert sanitizer.feed("line\r") == "line"
    assert sanitizer.feed("\nnext") == "\nnext"
    assert sanitizer.feed("end\r") == "end"
    assert sanitizer.flush() == "\u240d"
    assert sanitizer.flush() == ""


@settings(max_examples=1000)
@given(text=any_text)
@example(text="echo hi\x1b[201~\x03rm -rf ~\x1b[200~")
def test_for_clipboard_strips_escape_interrupt_and_paste_markers(text: str) -> None:
    clean = for_clipboard(text)
    for char in clean:
        category = unicodedata.category(char)
        assert not (category == "Cc" and char not in "\t\n\r"), f"U+{ord(char):04X}"
        assert category != "Cs" and not is_bidi_control(char) and not is_tag(char), f"U+{ord(char):04X}"
    assert ESC not in clean and "\x03" not in clean  # so no ESC[201~ can end a bracketed paste early
    assert for_clipboard(clean) == clean


def test_for_clipboard_keeps_code_and_flags_bidi() -> None:
    code = "def f():\r\n\treturn 1\n"
    assert for_clipboard(code) == code
    assert for_clipboard("paste\x1b[201~; whoami") == "paste; whoami"
    assert for_clipboard("ls \u202eexe.txt") == "ls <U+202E>exe.txt"
    assert for_clipboard("a\U000e0041b") == "a<U+E0041>b"
    assert for_clipboard("a\x03b\x9b2Jc") == "ab2Jc"


@settings(max_examples=300)
@given(title=st.text(st.characters(codec=None), max_size=40), body=any_text, limit=st.integers(1, 200))
def test_one_line_of_an_html_page_is_its_title_on_one_safe_line(title: str, body: str, limit: int) -> None:
    page = f"<!DOCTYPE html>\n<html><head>\n<title>{html.escape(title)}</title></head>\n<body>{body}</body></html>"
    line = one_line(page, limit)
    assert "\n" not in line and "\r" not in line and ESC not in line
    assert not any(unsafe_for_display(char) for char in line)
    assert len(line) <= limit
    words = " ".join(title.split())
    if words and len(words) < limit and not any(unsafe_for_display(char) for char in words):
        assert line == words


@settings(max_examples=500)
@given(text=any_text, limit=st.integers(1, 200))
def test_one_line_of_anything_is_one_safe_short_line(text: str, limit: int) -> None:
    line = one_line(text, limit)
    assert len(line) <= limit
    assert not any(unsafe_for_display(char) or char in "\n\t" for char in line)


def test_one_line_summarises_a_proxy_error_page() -> None:
    page = (
        "<html><head><title>502 Bad \x1b]0;pwned\x07Gateway</title></head>\n"
        "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
    )
    assert one_line(page) == "502 Bad \u241b]0;pwned\u2407Gateway"
    assert one_line("<p>Service &amp; <b>things</b>\n\n unavailable</p>") == "Service & things unavailable"


def test_shorten_marks_the_cut() -> None:
    assert shorten("abcdef", 4) == "abc…"
    assert shorten("abc", 3) == "abc"


# --- reliability.md §6 A: the concrete hostile payloads -------------------------------------------------


def test_a1_osc52_clipboard_write_is_shown_inert() -> None:
    st_form = "\x1b]52;c;cm0gLXJmIH4=\x1b\\"
    bel_form = "\x1b]52;c;cm0gLXJmIH4=\x07"
    assert for_display(st_form) == "\u241b]52;c;cm0gLXJmIH4=\u241b\\"
    assert for_display(bel_form) == "\u241b]52;c;cm0gLXJmIH4=\u2407"
    sanitizer = StreamSanitizer()  # split mid-sequence across deltas: the ESC itself is replaced either way
    assert sanitizer.feed("\x1b]5") + sanitizer.feed("2;c;x\x07") + sanitizer.flush() == "\u241b]52;c;x\u2407"


def test_a2_title_hyperlink_clear_and_overwrite_tricks_are_inert() -> None:
    payloads = [
        "\x1b]0;owned title\x07",
        "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
        "\x1b[2J\x1b[H",
        "\x1b[1A",
        "safe text\rEVIL TEXT",
        "rm -rf /tmp/x\b\b\b\b\b\b\b\b\b\b\b\b\b\becho ok",
    ]
    for payload in payloads:
        shown = for_display(payload)
        assert not any(unicodedata.category(char) == "Cc" and char != "\n" for char in shown), repr(shown)
        assert len(shown) == len(payload)  # one visible placeholder per control: nothing hidden or removed
    assert for_display("safe text\rEVIL TEXT") == "safe text\u240dEVIL TEXT"
    assert for_display("\x1b[2J\x1b[H") == "\u241b[2J\u241b[H"


def test_a3_eight_bit_c1_controls_are_shown_as_code_points() -> None:
    assert for_display("\x9b2J") == "<U+009B>2J"
    assert for_display("\x9d0;x\x9c") == "<U+009D>0;x<U+009C>"


def test_a4_unterminated_osc_does_not_swallow_what_follows() -> None:
    tail = ("All of this must stay visible. " * 400)[:10_240]
    assert for_display("\x1b]" + tail) == "\u241b]" + tail


def test_a6_markup_stays_literal_text() -> None:
    """for_display does not escape markup: widgets must not parse it (markup=False / Content). It must not
    mangle it either, or the literal text the user sees would differ from what the model sent."""
    for markup in ("[bold]x[/bold]", "[link=https://x]y[/link]", "[@click=app.screenshot('x','/some/dir')]z", "[/]"):
        assert for_display(markup) == markup
    assert for_display("[#ff0]yellow") == "[#ff0]yellow"
    assert for_display("[b unbalanced") == "[b unbalanced"


def test_a7_bidi_and_tag_characters_are_made_visible() -> None:
    assert for_display("ls \u202etxt.exe") == "ls <U+202E>txt.exe"
    assert for_display("\u2066x\u2069") == "<U+2066>x<U+2069>"
    assert for_display("a\U000e0072\U000e006db") == "a<U+E0072><U+E006D>b"
    assert for_display("bad \ud800 half") == "bad \ufffd half"
