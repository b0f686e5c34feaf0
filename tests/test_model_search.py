"""Ordering and fuzzy-matching models (shared by the model picker and the command palette)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from anannas_tui.core.models import ModelInfo
from anannas_tui.model_search import (
    MAX_COMBINATIONS,
    Group,
    fuzzy_match,
    new_search,
    normalise_query,
    price_summary,
    rank_models,
)

MODELS = [
    ModelInfo("anthropic/claude-sonnet-4", name="Claude Sonnet 4", provider="anthropic"),
    ModelInfo("deepseek/deepseek-r1", name="DeepSeek: R1", provider="deepseek"),
    ModelInfo("meta-llama/llama-3.3-70b-instruct", provider="meta-llama"),
    ModelInfo("openai/gpt-4", name="GPT-4", provider="openai"),
    ModelInfo("openai/gpt-5-mini", name="GPT-5 Mini", provider="openai"),
    ModelInfo("x-ai/grok-4", name="Grok 4", provider="xAI"),
    ModelInfo("vendor/m1", name="Mystery Sphinx", provider="Acme"),
]


def ids(ranked: list) -> list[str]:  # type: ignore[type-arg]
    return [entry.model.id for entry in ranked]


class TestOrder:
    def test_without_a_query_favourites_then_recent_then_the_rest(self) -> None:
        ranked = rank_models(MODELS, "", ["x-ai/grok-4", "openai/gpt-4"], ["openai/gpt-4", "deepseek/deepseek-r1"])
        assert ids(ranked) == [
            "x-ai/grok-4",
            "openai/gpt-4",  # a favourite that is also recent is listed once, as a favourite
            "deepseek/deepseek-r1",
            "anthropic/claude-sonnet-4",
            "meta-llama/llama-3.3-70b-instruct",
            "openai/gpt-5-mini",
            "vendor/m1",
        ]
        assert [entry.group for entry in ranked[:3]] == [Group.FAVOURITE, Group.FAVOURITE, Group.RECENT]

    def test_ids_not_in_the_catalog_are_skipped(self) -> None:
        assert ids(rank_models(MODELS[:1], "", ["gone/model"], ["gone/too"])) == [MODELS[0].id]

    def test_a_query_sorts_by_score(self) -> None:
        ranked = rank_models(MODELS, "gpt5mini", [], [])
        assert ids(ranked)[0] == "openai/gpt-5-mini"
        assert all(a.score >= b.score for a, b in zip(ranked, ranked[1:], strict=False))

    def test_spaces_in_the_query_are_ignored(self) -> None:
        assert normalise_query(" GPT 5 mini ") == "gpt5mini"
        assert ids(rank_models(MODELS, "gpt 5 mini", [], []))[0] == "openai/gpt-5-mini"

    def test_non_matching_models_are_dropped(self) -> None:
        assert ids(rank_models(MODELS, "sonnet", [], [])) == ["anthropic/claude-sonnet-4"]
        assert rank_models(MODELS, "zzzz", [], []) == []

    def test_name_and_provider_match_when_the_id_does_not(self) -> None:
        (by_name,) = rank_models(MODELS, "sphinx", [], [])
        (by_provider,) = rank_models(MODELS, "acme", [], [])
        assert by_name.model.id == by_provider.model.id == "vendor/m1"
        assert by_name.id_offsets == by_provider.id_offsets == ()  # nothing in the id to highlight

    def test_id_offsets_point_at_the_matched_letters(self) -> None:
        (entry,) = rank_models(MODELS, "sonnet", [], [])
        assert "".join(entry.model.id[i] for i in entry.id_offsets) == "sonnet"

    def test_favourites_break_score_ties(self) -> None:
        twins = [ModelInfo("a/model-x"), ModelInfo("b/model-x")]
        assert ids(rank_models(twins, "modelx", ["b/model-x"], [])) == ["b/model-x", "a/model-x"]


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.text("abcdelmnopst-/", min_size=1, max_size=14), min_size=1, max_size=25, unique=True),
    query=st.text("abcdelmnopst", max_size=6),
)
def test_narrowing_while_typing_gives_the_same_result_as_a_fresh_search(words: list[str], query: str) -> None:
    models = [ModelInfo(word) for word in words]
    shared = new_search()
    for end in range(len(query) + 1):
        typed = query[:end]
        assert rank_models(models, typed, [], [], shared) == rank_models(models, typed, [], [])
    for end in range(len(query), -1, -1):  # and backspacing
        assert rank_models(models, query[:end], [], [], shared) == rank_models(models, query[:end], [], [])


class TestHostileIds:
    def test_pathological_candidates_are_scored_greedily(self) -> None:
        """Textual's matcher would try every combination of a's here (about 10^14): this must return at once."""
        candidate = "ab" * 150
        score, offsets = fuzzy_match(new_search(), "aaaaaaaa", candidate)
        assert score > 0
        assert list(offsets) == [0, 2, 4, 6, 8, 10, 12, 14]

    def test_ordinary_candidates_use_the_exhaustive_matcher(self) -> None:
        search = new_search()
        assert MAX_COMBINATIONS >= 2 * 2
        assert fuzzy_match(search, "gm", "openai/gpt-5-mini") == search.match("gm", "openai/gpt-5-mini")

    def test_missing_letters_do_not_match(self) -> None:
        assert fuzzy_match(new_search(), "qz", "openai/gpt-5-mini") == (0.0, ())


class TestPriceSummary:
    def test_context_and_prices(self) -> None:
        model = ModelInfo(
            "openai/gpt-5-mini",
            context_length=400_000,
            prompt_price=Decimal("0.00000025"),
            completion_price=Decimal("0.000002"),
        )
        assert price_summary(model) == "400k ctx · $0.25/$2"

    def test_unknown_parts_are_left_out(self) -> None:
        assert price_summary(ModelInfo("a/b")) == ""
        assert price_summary(ModelInfo("a/b", context_length=8192)) == "8,192 ctx"
        assert price_summary(ModelInfo("a/b", prompt_price=Decimal("0.000001"))) == "$1/?"
