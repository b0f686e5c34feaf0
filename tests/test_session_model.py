"""The session data model's helpers: new sessions, titles, the history sent to the model, totals, forks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from session_samples import sample_chat, sample_compare

from anannas_tui.core.config import ChatParams
from anannas_tui.core.session import (
    Message,
    Role,
    Session,
    SessionKind,
    Status,
    clean_text,
    host_of,
    title_from_prompt,
)
from anannas_tui.core.usage import Usage


def test_new_session() -> None:
    params = ChatParams(temperature=0.2)
    session = Session.new("openai/gpt-5-mini", "Be terse.", params, "https://api.anannas.ai/v1")
    assert len(session.id) == 12 and session.title == "" and session.messages == []
    assert session.base_url_host == "api.anannas.ai" and session.params == params
    assert session.params is not params  # the conversation changes its own copy
    assert session.created.tzinfo is not None and session.created == session.updated
    assert Session.new("m").id != Session.new("m").id


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://api.anannas.ai/v1", "api.anannas.ai"),
        ("http://user:sk-key@127.0.0.1:8080/v1?api_key=sk-key", "127.0.0.1:8080"),
        ("not a url", None),
        ("", None),
        (None, None),
        ("http://[::1", None),
    ],
)
def test_only_the_host_is_kept(url: str | None, host: str | None) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    ("prompt", "title"),
    [
        ("Explain TOML", "Explain TOML"),
        ("\n\n  first   line \t here\nsecond line", "first line here"),
        ("x" * 100, "x" * 59 + "…"),
        ("   \n\t\n", "Untitled"),
        ("bad \ud800 surrogate", "bad \ufffd surrogate"),
    ],
)
def test_title_from_prompt(prompt: str, title: str) -> None:
    assert title_from_prompt(prompt) == title


def test_title_is_set_once() -> None:
    session = Session.new("m")
    session.set_title_from("First question")
    session.set_title_from("Second question")
    assert session.title == "First question"


def test_clean_text_only_touches_surrogates() -> None:
    assert clean_text("a\ud800b\udfffc\x00\r\n🍍") == "a\ufffdb\ufffdc\x00\r\n🍍"


def test_api_messages_skip_failed_and_empty_entries() -> None:
    assert sample_chat().api_messages() == [
        {"role": "system", "content": "Be terse.\nAnswer in English."},
        {"role": "user", "content": sample_chat().messages[0].content},
        {"role": "assistant", "content": "TOML is a config format.\n\n```toml\na = 1\n```\n"},
        {"role": "user", "content": "And YAML?"},
        {"role": "assistant", "content": "YAML is"},  # a stopped reply's text stays in the history
    ]
    session = Session.new("m")
    session.messages = [Message(Role.USER, "hi"), Message(Role.ASSISTANT, "  \n", status=Status.INCOMPLETE)]
    assert session.api_messages() == [{"role": "user", "content": "hi"}]  # no system prompt set


def test_api_messages_of_a_compare_column() -> None:
    assert sample_compare().api_messages("B") == [
        {"role": "user", "content": "Write a haiku"},
        {"role": "assistant", "content": "Autumn moon"},
    ]
    with pytest.raises(KeyError):
        sample_compare().api_messages("Z")


def test_totals() -> None:
    session = sample_chat()
    total = session.total_usage()
    assert (total.prompt_tokens, total.completion_tokens, total.total_tokens) == (412, 343, 755)
    assert total.reasoning_tokens == 64 and total.cached_tokens == 0
    assert session.total_cost() == (Decimal("0.000432"), True)
    assert Session.new("m").total_cost() == (None, False)
    assert Session.new("m").total_usage() == Usage()


def test_zero_cost_counts_as_known() -> None:
    session = Session.new("m")
    session.messages = [Message(Role.ASSISTANT, "free", usage=Usage(1, 1, 2, cost=Decimal(0)))]
    assert session.total_cost() == (Decimal(0), False)


def test_new_compare() -> None:
    session = Session.new_compare(["a/x", "b/y", "c/z"], blind=True)
    assert session.kind is SessionKind.COMPARE and session.blind
    assert [(c.label, c.model) for c in session.columns] == [("A", "a/x"), ("B", "b/y"), ("C", "c/z")]
    assert session.display_model == "blind · 3 models", "a blind comparison's list row names no model"
    session.favourite = "B"
    assert session.display_model == "a/x vs b/y vs c/z", "once the favourite is picked, the names are shown"
    assert Session.new_compare(["a/x", "b/y"]).display_model == "a/x vs b/y"
    with pytest.raises(ValueError, match="1 to 4"):
        Session.new_compare(["m"] * 5)


def test_fork_copies_without_sharing() -> None:
    session = sample_chat()
    copy = session.fork(upto=2)
    assert copy.id != session.id and copy.title == "Explain TOML (fork)" and len(copy.messages) == 2
    copy.messages[0].content = "changed"
    copy.params.temperature = 1.5
    assert session.messages[0].content != "changed" and session.params.temperature == 0.7
    whole = sample_compare().fork()
    assert whole.kind is SessionKind.COMPARE and [len(c.messages) for c in whole.columns] == [2, 2]
