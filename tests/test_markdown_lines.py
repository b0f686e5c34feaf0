"""Markdown drawn as lines: the same rows however the text arrives, and the same rows as Textual's Markdown.

The chat pane never mounts Textual's Markdown widget (a widget per block is what makes long replies slow);
`markdown_lines` renders the same look to rows. These tests hold the two promises that makes: streaming in any
chunking gives exactly the rows of a one-shot render, and those rows read like Textual's own widget.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from anannas_tui.widgets.entry_styles import EntryStyles
from anannas_tui.widgets.markdown_lines import MarkdownDocument, code_blocks, plain_palette, plain_text
from anannas_tui.widgets.markdown_lines.lines import Line, estimate_rows
from anannas_tui.widgets.markdown_lines.palette import Palette
from anannas_tui.widgets.markdown_lines.table import column_widths

SAMPLE = """# Title One

Para with *em* and **strong** and `code` and ~~strike~~ and [link](http://x.y) here. Long line long line long \
line long line long line long line.

## Second heading

### Third

#### Fourth

- item one
- item two
  - nested a
  - nested b
- item three

1. first
2. second

10. ten
11. eleven

> quote line one
> quote two

---

```python
def f(x):
    return x + 1
```

    indented code

| Col A | Col B | A much longer third column header |
|---|---|---|
| a1 | b1 longer | short |
| a2 | b2 | a cell with enough words in it to wrap inside a narrow column of the table |

- para item

  second para in item
- [ ] task

Last para.
"""

BLOCKS = [
    "A paragraph with *emphasis*, `code` and a [link](https://example.invalid).",
    "## A heading",
    "# Top heading",
    "- one\n- two\n  - nested",
    "1. first\n2. second",
    "> quoted text\n> more",
    "```python\nprint('x')\n\nreturn 1\n```",
    "```\nno language\n```",
    "    indented code",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "---",
    "Setext heading\n---",
    "Line one  \nhard break",
    "<div>html block</div>",
    "Text with <b>inline html</b> and **bold** ~~gone~~.",
    "1",
    "10) ten",
    "-",
    "* star item",
    "+ plus",
    ">",
    "#",
    "===",
    "***",
    "| x |",
    "~~~\ntilde fence\n~~~",
    "  - indented item",
    "   continuation text",
    "<!-- comment",
    "-->",
    "[ref]: https://example.invalid/ref",
    "A [ref] link and [ref][] and [text][ref].",
    "```c\nint main() {\n\treturn 0;\n}\n```",
    "tab\tin text and `a\tcode` span",
]


def render(text: str, width: int = 60, palette: Palette | None = None) -> list[Line]:
    document = MarkdownDocument(text)
    document.finish()
    document.render(width, palette or plain_palette())
    return document.rows()


def stream(pieces: list[str], width: int = 60, palette: Palette | None = None) -> list[Line]:
    """Append `pieces` one by one, rendering after each, as the chat pane does once per frame."""
    document = MarkdownDocument()
    for piece in pieces:
        document.append(piece)
        document.render(width, palette or plain_palette())
    document.finish()
    document.render(width, palette or plain_palette())
    return document.rows()


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=8),
    separators=st.lists(st.sampled_from(["\n\n", "\n", "\n\n\n"]), min_size=8, max_size=8),
    cuts=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=60),
)
def test_any_chunking_renders_exactly_like_one_shot(parts: list[str], separators: list[str], cuts: list[int]) -> None:
    text = "".join(part + separator for part, separator in zip(parts, separators, strict=False))
    pieces: list[str] = []
    position = 0
    for cut in cuts * 50:
        if position >= len(text):
            break
        pieces.append(text[position : position + cut])
        position += cut
    if position < len(text):
        pieces.append(text[position:])
    assert stream(pieces) == render(text)


_CELLS = st.sampled_from(
    ["1", "item", "*em*", "`a|b`", "a \\| b", "**bold** text", "", "[l](http://x.invalid)", "é 漢字"]
)


def _table(header: list[str], rows: list[list[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([align] * len(header)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(
    header=st.lists(st.sampled_from(["id", "name", "value", "notes"]), min_size=1, max_size=4),
    rows=st.lists(st.lists(_CELLS, min_size=0, max_size=5), min_size=0, max_size=30),
    align=st.sampled_from(["---", ":--", ":-:", "--:"]),
    after=st.sampled_from(
        [
            "",
            "\nA paragraph after it.\n",
            "| 1 | trailing row without newline",
            "- a list\n",
            "> a quote right after\n",
            "# A heading right after\n",
            "a line without a pipe\n",
            "```\ncode | with pipe\n```\n",
        ]
    ),
    before=st.sampled_from(["", "Intro text.\n\n", "# Title\n\nIntro\n\n"]),
    cuts=st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=20),
)
def test_a_streaming_table_shows_what_a_one_shot_parse_shows_at_every_frame(
    header: list[str], rows: list[list[str]], align: str, after: str, before: str, cuts: list[int]
) -> None:
    """Rows parsed a frame at a time (`LiveTable`) draw exactly what parsing the unfinished text in one go
    draws, frame by frame: ragged rows, escaped pipes, code spans with pipes, text after the table."""
    text = before + _table(header, rows, align) + after
    document = MarkdownDocument()
    position, index = 0, 0
    while position < len(text):
        cut = cuts[index % len(cuts)]
        document.append(text[position : position + cut])
        position, index = position + cut, index + 1
        document.render(50, plain_palette())
        one_shot = MarkdownDocument(text[:position])
        one_shot.render(50, plain_palette())
        assert document.rows() == one_shot.rows(), text[:position]
    document.finish()
    document.render(50, plain_palette())
    assert document.rows() == render(text, width=50)


def test_a_long_streaming_table_parses_only_its_new_rows() -> None:
    """Proves the test above exercises the row-at-a-time path: after the first frames, a long table keeps its
    parsed rows and the next frame adds only the new one."""
    document = MarkdownDocument("Intro.\n\n| a | b |\n|---|---|\n")
    document.render(60, plain_palette())
    for number in range(200):
        document.append(f"| {number} | *row* |\n")
        document.render(60, plain_palette())
    table = document._live_table
    assert table is not None and len(table.rows) == 200
    one_shot = MarkdownDocument(document.text)
    one_shot.render(60, plain_palette())
    assert document.rows() == one_shot.rows()


def test_four_character_deltas_of_a_long_reply_equal_one_shot() -> None:
    text = "\n\n".join(BLOCKS * 6)
    pieces = [text[index : index + 4] for index in range(0, len(text), 4)]
    assert stream(pieces, width=80) == render(text, width=80)


def test_a_reference_definition_at_the_end_still_links_earlier_text() -> None:
    text = "See [the docs][d] first.\n\nMore text.\n\n[d]: https://example.invalid/docs\n"
    pieces = [text[index : index + 3] for index in range(0, len(text), 3)]
    rows = stream(pieces)
    assert rows == render(text)
    assert "[the docs]" not in "\n".join(plain_text(row) for row in rows)


def test_no_tab_or_control_character_reaches_a_row() -> None:
    """A tab in a segment would move the terminal's cursor; the sanitiser has removed the rest already."""
    text = "\n\n".join(BLOCKS)
    for rows in (render(text), stream([text[index : index + 3] for index in range(0, len(text), 3)])):
        for row in rows:
            assert not any(char < " " for segment in row for char in segment.text)


def test_rows_are_exactly_the_width() -> None:
    for width in (1, 5, 17, 80):
        for row in render(SAMPLE, width=width):
            assert sum(len(segment.text) for segment in row) == width


def test_html_is_shown_literally_not_dropped() -> None:
    text = "\n".join(plain_text(row) for row in render("<div>kept</div>\n\nA <b>b</b> c"))
    assert "<div>kept</div>" in text and "<b>b</b>" in text


def test_code_blocks_are_raw_sources_including_nested_ones() -> None:
    text = "```py\na = 1\n```\n\n- item\n\n  ```\n  nested\n  ```\n"
    assert code_blocks(text) == ["a = 1\n", "nested\n"]


def test_column_widths_fill_the_table_like_textual() -> None:
    assert column_widths([7, 11], [4, 7], 52) == [19, 32]  # expand in proportion, remainder last
    shrunk = column_widths([40, 40], [8, 8], 40)
    assert sum(shrunk) == 39 and min(shrunk) >= 8


def test_estimate_is_close_to_the_rendered_height() -> None:
    rows = len(render(SAMPLE, width=60))
    assert abs(estimate_rows(SAMPLE, 60, markdown=True) - rows) <= rows // 3


class _Reference(App[None]):
    """Textual's own Markdown widget next to a style holder, at the same width."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield EntryStyles()
        with VerticalScroll():
            yield Markdown(self.text)


def _cells(line: list[Segment]) -> list[tuple[object, ...]]:
    """What a row looks like, cell by cell: a space shows only its background and line styles."""
    out: list[tuple[object, ...]] = []
    for segment in line:
        style = segment.style
        for char in segment.text:
            if style is None:
                out.append((char,))
                continue
            background = style.bgcolor.get_truecolor() if style.bgcolor else None
            visible = (background, bool(style.underline), bool(style.strike), bool(style.reverse))
            if char == " ":
                out.append((char, *visible))
            else:
                foreground = style.color.get_truecolor() if style.color else None
                out.append((char, *visible, foreground, bool(style.bold), bool(style.italic)))
    return out


def _trim(rows: list[list[Segment]]) -> list[list[Segment]]:
    """Drop blank rows at both ends (Textual keeps the first block's top margin; a chat message does not)."""
    text = ["".join(segment.text for segment in row).strip() for row in rows]
    start = next(index for index, line in enumerate(text) if line)
    end = len(text) - next(index for index, line in enumerate(reversed(text)) if line)
    return rows[start:end]


@pytest.mark.parametrize("width", [80, 50])
async def test_rows_match_textuals_markdown_widget(width: int) -> None:
    """Same text in every row, same colours and styles in every cell, as the stock widget at that width."""
    app = _Reference(SAMPLE)
    async with app.run_test(size=(width + 6, 120)) as pilot:
        await pilot.pause()
        markdown = app.query_one(Markdown)
        region = markdown.region
        inner = region.width - 4  # Markdown has `padding: 0 2`
        screen = app.screen._compositor.render_strips()
        theirs = [list(strip.crop(region.x + 2, region.x + 2 + inner)) for strip in screen[region.y : region.bottom]]
        styles = app.query_one(EntryStyles)
        ours = render(SAMPLE, width=inner, palette=styles.palette(markdown))
    theirs, ours = _trim(theirs), _trim(ours)
    assert [plain_text(row) for row in ours] == ["".join(s.text for s in row) for row in theirs]
    assert [_cells(row) for row in ours] == [_cells(row) for row in theirs]
