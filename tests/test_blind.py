"""Blind comparisons: an error shown for a blind column names no model of the comparison and no provider."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from anannas_tui.core.blind import HIDDEN, blind_error, blind_words, hide_names
from anannas_tui.core.errors import ApiError, ErrorKind, ModerationInfo, ProviderInfo

SHOWN = {"openai/gpt-5-mini": "Model A", "anthropic/claude-sonnet-4:thinking": "Model B"}


def provider_error(message: str, raw: str, provider: str = "Azure") -> ApiError:
    return ApiError(
        ErrorKind.PROVIDER,
        message,
        status=502,
        request_id="req-openai-gpt-5-mini-1",
        generation_id="gen-openai-gpt-5-mini-1",
        metadata={"provider_name": provider, "raw": raw, "error_type": "openai_unavailable", "headers": {"x": "y"}},
        provider=ProviderInfo(provider_name=provider, raw=raw),
    )


def test_model_ids_become_column_names_and_providers_are_hidden() -> None:
    error = provider_error("openai/gpt-5-mini is overloaded (via Azure)", "Azure says: claude-sonnet-4 busy")
    shown = blind_error(error, SHOWN)
    assert shown.message == f"Model A is overloaded (via {HIDDEN})"
    assert shown.provider is not None and shown.provider.raw == f"{HIDDEN} says: Model B busy"
    assert shown.provider.provider_name == HIDDEN
    assert shown.metadata == {"error_type": f"{HIDDEN}_unavailable"}, "only the error type is kept, hidden too"
    rows = " ".join(value for _, value in shown.details())
    for name in ("openai", "gpt-5-mini", "claude", "anthropic", "Azure"):
        assert name.casefold() not in rows.casefold(), name
    assert shown.request_id is None and shown.generation_id is None, "ids may be built from the model's name"
    assert error.message == "openai/gpt-5-mini is overloaded (via Azure)", "the real error is untouched"
    assert error.generation_id == "gen-openai-gpt-5-mini-1"


def test_moderation_hides_provider_and_slug_but_keeps_the_users_own_text() -> None:
    error = ApiError(
        ErrorKind.MODERATION,
        "Content flagged by moderation",
        status=403,
        moderation=ModerationInfo(("violence",), "how do I fight gpt-5-mini", "openai", "gpt-5-mini-2025-08-07"),
    )
    shown = blind_error(error, SHOWN)
    assert shown.moderation is not None
    assert shown.moderation.provider_name == HIDDEN and shown.moderation.model_slug == HIDDEN
    assert shown.moderation.flagged_input == "how do I fight gpt-5-mini", "the prompt is the user's text"
    assert shown.moderation.reasons == ("violence",)
    exact = blind_error(
        ApiError(ErrorKind.MODERATION, "flagged", moderation=ModerationInfo(model_slug="OpenAI/GPT-5-mini")), SHOWN
    )
    assert exact.moderation is not None and exact.moderation.model_slug == "Model A"


def test_longest_name_first_and_whole_words_only() -> None:
    words = blind_words({"openai/gpt-5": "Model A", "openai/gpt-5-mini": "Model B"})
    assert hide_names("openai/gpt-5-mini and openai/gpt-5, gpt-5.", words) == "Model B and Model A, Model A."
    assert hide_names("an openaix gpt-50 reply", words) == "an openaix gpt-50 reply"
    assert hide_names("xopenai/gpt-5-mini", words) == "xModel B", "a full id is replaced wherever it is"


def test_a_name_two_columns_share_is_hidden_rather_than_given_to_one() -> None:
    words = blind_words({"openai/gpt-5": "Model A", "azure/gpt-5": "Model B"})
    assert hide_names("gpt-5 failed", words) == f"{HIDDEN} failed"
    assert hide_names("azure/gpt-5 failed", words) == "Model B failed"


_NAME = st.text(string.ascii_lowercase + string.digits + "-.", min_size=2, max_size=12).filter(
    lambda s: s[0].isalnum() and s[-1].isalnum()
)


@given(
    provider=_NAME,
    name=_NAME,
    before=st.text(max_size=20),
    after=st.text(max_size=20),
    upper=st.booleans(),
)
def test_no_model_id_survives_in_a_message(provider: str, name: str, before: str, after: str, upper: bool) -> None:
    """Whatever surrounds it, a compared model's id (in any case) does not survive in the shown message."""
    model = f"{provider}/{name}"
    mention = model.upper() if upper else model
    shown = blind_error(ApiError(ErrorKind.PROVIDER, f"{before} {mention} {after}"), {model: "Model A"})
    assert model.casefold() not in shown.message.casefold()
