"""The session file format: exact round trips, readable layout, integrity beyond parsing, versions, validation."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from session_samples import AWKWARD, WHEN, document, sample_chat, sample_compare

from anannas_tui.core.config import ChatParams
from anannas_tui.core.errors import ApiError, ErrorKind
from anannas_tui.core.session import Column, Message, Role, Session, SessionKind, Status
from anannas_tui.core.session_format import FORMAT_VERSION, FormatError, decode_session, encode_session, reseal
from anannas_tui.core.usage import Usage


def tomli_w_string(text: str) -> str:
    """`text` as a TOML basic string (what a person editing the file would type, escapes included)."""
    return tomli_w.dumps({"x": text}).split("=", 1)[1].strip()


def roundtrip(session: Session) -> Session:
    decoded = decode_session(encode_session(session))
    assert decoded.read_only is None
    return decoded.session


class TestRoundTrip:
    def test_chat_with_every_field(self) -> None:
        session = sample_chat()
        back = roundtrip(session)
        assert document(back) == document(session)
        assert back.messages[0].content == session.messages[0].content
        assert back.messages[1].usage == session.messages[1].usage
        assert back.messages[3].cost_estimated is True
        assert back.params == session.params
        assert back.created == WHEN and back.created.utcoffset() == timedelta(hours=2)

    def test_saved_error_keeps_every_field(self) -> None:
        original = sample_chat().messages[4].error
        error = roundtrip(sample_chat()).messages[4].error
        assert isinstance(error, ApiError) and original is not None
        assert error.kind is ErrorKind.MODERATION
        assert (error.status, error.code, error.type, error.message) == (
            403,
            403,
            "content_filter_error",
            original.message,
        )
        assert error.metadata == original.metadata  # JSON nulls survive: the metadata is stored as JSON text
        assert error.moderation == original.moderation and error.provider == original.provider
        assert (error.request_id, error.generation_id, error.retry_after) == ("req-1", "gen-1", 1.5)
        assert error.details() == original.details()

    def test_compare_session(self) -> None:
        session = sample_compare()
        back = roundtrip(session)
        assert document(back) == document(session)
        assert back.kind is SessionKind.COMPARE and back.blind and back.favourite == "B"
        assert [c.model for c in back.columns] == ["openai/gpt-5-mini", "anthropic/claude-haiku"]

    def test_absent_parameters_stay_absent(self) -> None:
        """TOML has no null: an unset max_tokens must not come back as the config default (4096)."""
        session = replace(sample_chat(), params=ChatParams(None, None, None, None))
        assert roundtrip(session).params == ChatParams(None, None, None, None)

    @pytest.mark.parametrize(
        "text",
        ["a\r\nb", "a\rb", "\r\n", '"""', 'x"""\n"""', "\\", "a\\\nb", "\x00\x01\x1f\x7f\x9b", "\n", "\n\nx\n\n"]
        + ["\u2028\u2029", "\ufeffbom", "🍍👩‍💻🏳️‍🌈", "\t tab", " ", "", AWKWARD, "é" * 5000],
    )
    def test_awkward_text_is_exact(self, text: str) -> None:
        session = sample_chat()
        session.messages[1].content = text
        session.messages[1].reasoning = text
        session.system_prompt = text
        session.title = text
        back = roundtrip(session)
        assert back.messages[1].content == text
        assert back.messages[1].reasoning == text
        assert back.system_prompt == text and back.title == text

    def test_lone_surrogates_are_replaced_at_ingest(self) -> None:
        message = Message(Role.ASSISTANT, "bad \ud800 pair \udfff", reasoning="\udc00")
        assert message.content == "bad \ufffd pair \ufffd" and message.reasoning == "\ufffd"

    def test_surrogate_set_after_ingest_never_breaks_a_save(self) -> None:
        session = sample_chat()
        session.messages[1].content += "\ud83d"  # a streamed half of an emoji, appended directly
        session.messages[4].error = ApiError(ErrorKind.PROVIDER, "bad \udc80", metadata={"k\ud800": "v\udfff"})
        back = roundtrip(session)
        assert back.messages[1].content.endswith("\ufffd")
        assert back.messages[4].error is not None and back.messages[4].error.metadata == {"k\ufffd": "v\ufffd"}


class TestLayout:
    def test_multiline_text_is_a_readable_block(self) -> None:
        text = encode_session(sample_chat())
        assert 'content = """\nTOML is a config format.\n\n```toml\na = 1\n```\n"""' in text
        assert 'system_prompt = """\nBe terse.\nAnswer in English."""' in text

    def test_short_messages_are_still_tables(self) -> None:
        session = Session("abc123abc123", "t", WHEN, WHEN, "m", messages=[Message(Role.USER, "hi", created=WHEN)])
        text = encode_session(session)
        assert "[[messages]]\n" in text and "messages = [" not in text

    def test_integrity_table_is_last(self) -> None:
        text = encode_session(sample_chat())
        assert text.rstrip().splitlines()[-3:-1] == ["[integrity]", "messages = 5"]
        assert text.rstrip().splitlines()[-1].startswith('sha256 = "')

    def test_no_secret_or_url_path_is_written(self) -> None:
        session = Session.new("m", base_url="https://user:sk-secret@api.example.com:8443/v1?key=sk-secret")
        text = encode_session(session)
        assert "sk-secret" not in text and 'base_url_host = "api.example.com:8443"' in text


class TestIntegrity:
    def test_every_prefix_is_damaged_or_complete(self) -> None:
        """A file cut short anywhere is detected, including the many prefixes that still parse as TOML."""
        text = encode_session(sample_chat())
        expected = document(sample_chat())
        parsed_but_rejected = 0
        for end in range(len(text)):
            prefix = text[:end]
            try:
                decoded = decode_session(prefix)
            except FormatError:
                try:
                    tomllib.loads(prefix)
                    parsed_but_rejected += 1
                except tomllib.TOMLDecodeError:
                    pass
                continue
            assert document(decoded.session) == expected, f"prefix of {end} characters read as different content"
            assert text[end:].strip() == "", f"prefix of {end} characters was accepted"
        assert parsed_but_rejected > 100  # parsing alone would have accepted these truncated files

    def test_changed_content_is_detected(self) -> None:
        text = encode_session(sample_chat()).replace("TOML is a config format.", "TOML is a config format!")
        with pytest.raises(FormatError, match="integrity"):
            decode_session(text)

    @settings(max_examples=60, deadline=None)
    @given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
    def test_a_hand_edit_that_keeps_the_content_valid_can_be_resealed(self, edit: str) -> None:
        """Any text written into a message by hand breaks the seal; `reseal` keeps it and seals it again."""
        assume(edit != "And YAML?")
        original = encode_session(sample_chat())
        assert original.count('content = "And YAML?"') == 1
        edited = original.replace('content = "And YAML?"', f"content = {tomli_w_string(edit)}")
        with pytest.raises(FormatError, match="integrity"):
            decode_session(edited)
        back = decode_session(reseal(edited))
        assert back.read_only is None and edit in [m.content for m in back.session.messages]
        assert reseal(reseal(edited)) == reseal(edited)

    def test_reseal_refuses_what_is_no_longer_a_session(self) -> None:
        text = encode_session(sample_chat()).replace('role = "user"', 'role = "robot"', 1)
        with pytest.raises(FormatError, match="robot"):
            reseal(text)

    def test_missing_integrity_table(self) -> None:
        text = encode_session(sample_chat())
        with pytest.raises(FormatError, match=r"no \[integrity\]"):
            decode_session(text[: text.rindex("\n[integrity]\n")])

    def test_wrong_message_count(self) -> None:
        text = encode_session(sample_chat()).replace("messages = 5", "messages = 6")
        with pytest.raises(FormatError, match="recorded 6"):
            decode_session(text)

    def test_layout_and_comments_do_not_matter(self) -> None:
        text = encode_session(sample_chat())
        reformatted = "# my note\n" + text.replace("format = 1\n", "format   =   1   # version\n\n")
        assert document(decode_session(reformatted).session) == document(sample_chat())


class TestVersions:
    def test_newer_format_opens_read_only_naming_both_versions(self) -> None:
        text = encode_session(sample_chat()).replace(f"format = {FORMAT_VERSION}", "format = 9")
        text = text.replace('kind = "chat"', 'kind = "chat"\nfuture_key = "from the future"')
        decoded = decode_session(text)
        assert decoded.read_only is not None
        assert "format 9" in decoded.read_only and f"format {FORMAT_VERSION}" in decoded.read_only
        assert decoded.session.messages[0].content == sample_chat().messages[0].content

    def test_unreadable_newer_format_names_both_versions(self) -> None:
        with pytest.raises(FormatError, match=rf"format 7; this version reads format {FORMAT_VERSION}"):
            decode_session('format = 7\nkind = "chat"\n')

    @pytest.mark.parametrize("line", ["format = 0", 'format = "1"', "format = true", ""])
    def test_missing_or_invalid_version(self, line: str) -> None:
        with pytest.raises(FormatError, match="format version"):
            decode_session(f'{line}\nid = "x"\n')


def forge_seal(text: str) -> str:
    """Re-compute the integrity table after an edit without validating anything, so only validation is tested."""
    from anannas_tui.core.session_format import content_digest

    body = text[: text.rindex("\n[integrity]\n")]
    data = tomllib.loads(body, parse_float=Decimal)
    data.pop("format")
    count = text.count("messages]]\n")
    return body + f'\n[integrity]\nmessages = {count}\nsha256 = "{content_digest(data)}"\n'


class TestValidation:
    @pytest.mark.parametrize(
        ("old", "new", "reason"),
        [
            ('role = "user"', 'role = "robot"', r"messages\[0\]\.role must be one of"),
            ('status = "stopped"', "status = 1", r"messages\[3\]\.status must be a string, not integer"),
            ("prompt_tokens = 12", 'prompt_tokens = "12"', r"messages\[1\]\.usage\.prompt_tokens must be an integer"),
            ('id = "a1b2c3d4e5f6"', 'id = "../../etc"', "id must be"),
            ('title = "Explain TOML"', 'title = "Explain TOML"\ncolour = "red"', "unknown key.*colour"),
            ("cost = 0.000412", "cost = true", r"usage\.cost must be a number, not boolean"),
            ('kind = "moderation"', 'kind = "bogus"', r"error\.kind must be one of"),
            ('kind = "chat"', 'kind = "chat"\nfavourite = "A"', "chat session cannot have"),
        ],
    )
    def test_invalid_documents_say_where(self, old: str, new: str, reason: str) -> None:
        text = encode_session(sample_chat())
        assert old in text
        with pytest.raises(FormatError, match=reason):
            decode_session(forge_seal(text.replace(old, new, 1)))

    def test_not_toml(self) -> None:
        with pytest.raises(FormatError, match="not valid TOML"):
            decode_session("this is [not toml")

    def test_compare_favourite_must_be_a_column(self) -> None:
        text = encode_session(sample_compare()).replace('favourite = "B"', 'favourite = "Z"')
        with pytest.raises(FormatError, match="favourite 'Z' is not a column label"):
            decode_session(forge_seal(text))


# ----- property tests -------------------------------------------------------------------------------------

texts = st.text(max_size=200)
optional_texts = st.none() | st.text(min_size=1, max_size=40)
ZONES = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
stamps = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9998, 1, 1), timezones=st.sampled_from(ZONES)
).map(lambda d: d.replace(microsecond=0))
counts = st.integers(min_value=0, max_value=2**63 - 1)
costs = st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=12, min_value=0, max_value=10**6)
seconds = st.none() | st.floats(min_value=0, max_value=1e6, allow_nan=False)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    usage = draw(st.none() | st.builds(Usage, counts, counts, counts, st.none() | counts, st.none() | counts, costs))
    error = draw(
        st.none()
        | st.builds(
            ApiError,
            kind=st.sampled_from(list(ErrorKind)),
            message=texts,
            status=st.none() | st.integers(100, 599),
            code=st.none() | st.integers() | st.text(min_size=1),
            metadata=st.dictionaries(st.text(), st.none() | st.text() | st.integers() | st.booleans()),
        )
    )
    has_cost = usage is not None and usage.cost is not None
    return Message(
        role=draw(st.sampled_from(list(Role))),
        content=draw(texts),
        model=draw(optional_texts),
        created=draw(stamps),
        status=draw(st.sampled_from(list(Status))),
        finish_reason=draw(optional_texts),
        reasoning=draw(texts),
        usage=usage,
        cost_estimated=has_cost and draw(st.booleans()),
        ttft=draw(seconds),
        duration=draw(seconds),
        error=error,
        provider=draw(optional_texts),
        generation_id=draw(optional_texts),
    )


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    compare = draw(st.booleans())
    columns = [Column(label, draw(texts), draw(st.lists(messages(), max_size=3))) for label in "AB"] if compare else []
    return Session(
        id=draw(st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)),
        title=draw(texts),
        created=draw(stamps),
        updated=draw(stamps),
        model=draw(texts),
        system_prompt=draw(texts),
        params=ChatParams(
            draw(st.none() | st.floats(0, 2)),
            draw(st.none() | st.integers(1, 10**6)),
            draw(st.none() | st.floats(0.01, 1)),
            draw(st.none() | st.sampled_from(["low", "medium", "high"])),
        ),
        base_url_host=draw(optional_texts),
        messages=[] if compare else draw(st.lists(messages(), max_size=4)),
        kind=SessionKind.COMPARE if compare else SessionKind.CHAT,
        columns=columns,
        blind=compare and draw(st.booleans()),
        favourite=draw(st.none() | st.sampled_from(["A", "B"])) if compare else None,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_any_session_round_trips_exactly(session: Session) -> None:
    back = roundtrip(session)
    assert document(back) == document(session)
    assert [m.content for m in back.all_messages()] == [m.content for m in session.all_messages()]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=300))
def test_any_text_round_trips_with_only_surrogates_replaced(text: str) -> None:
    """Arbitrary code points, lone surrogates included: the save never fails and only surrogates change."""
    session = sample_chat()
    session.messages[0].content = text  # set after ingest, so the encoder's own cleaning is what is tested
    back = roundtrip(session).messages[0].content
    expected = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    assert back == expected
