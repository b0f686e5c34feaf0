"""Blind comparisons: an error as a blind column shows it, without the names that would give the models away.

A gateway error often says which model or provider failed: in its message ("openai/gpt-5-mini is overloaded"),
in the moderation and provider metadata (`model_slug`, `provider_name`) and in the provider's raw detail. Shown
as they are, they would reveal a blind column's model before a favourite is picked. `blind_error` returns a copy
for the screen with every such name replaced. The session keeps the real error, and shows it once the models are
revealed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from anannas_tui.core.errors import ApiError

#: What a provider's name (or a name shared by two columns' models) becomes.
HIDDEN = "(hidden while blind)"


def blind_words(shown: Mapping[str, str], providers: Iterable[str] = ()) -> dict[str, str]:
    """Each name to hide (casefolded) and what replaces it.

    `shown` maps each model of the comparison to its column's name ("openai/gpt-5-mini" -> "Model A"). A model's
    id, its id without a `:variant` and its name without the provider become the column's name; the provider
    part and the `providers` an error names become `HIDDEN`, as does a name two columns share.
    """
    words: dict[str, str] = {}
    for model, column in shown.items():
        base = model.split(":", 1)[0]
        provider, _, bare = base.rpartition("/")
        for word, replacement in ((model, column), (base, column), (bare, column), (provider, HIDDEN)):
            key = word.casefold()
            if key:
                words[key] = replacement if words.get(key, replacement) == replacement else HIDDEN
    for name in providers:
        if name.strip():
            words.setdefault(name.strip().casefold(), HIDDEN)
    return words


def hide_names(text: str, words: Mapping[str, str]) -> str:
    """`text` with every name in `words` replaced, ignoring case, longest first (so "openai/gpt-5-mini" becomes
    "Model A", not "(hidden while blind)/Model A").

    A full id (it has a "/") is replaced wherever it appears; a bare name or provider only as a whole word
    (letters and digits around it do not count as part of it: "openai_error" hides "openai", "openaix" does not).
    """
    if not words or not text:
        return text
    ids = sorted((word for word in words if "/" in word), key=len, reverse=True)
    names = sorted((word for word in words if "/" not in word), key=len, reverse=True)
    parts = [f"(?:{'|'.join(map(re.escape, ids))})"] if ids else []
    if names:
        parts.append(rf"(?<![^\W_])(?:{'|'.join(map(re.escape, names))})(?![^\W_])")
    pattern = re.compile("|".join(parts), re.IGNORECASE)
    return pattern.sub(lambda match: words.get(match.group(0).casefold(), HIDDEN), text)


def blind_error(error: ApiError, shown: Mapping[str, str]) -> ApiError:
    """`error` as a blind comparison shows it: no model of the comparison (`shown`: model id -> column name)
    and no provider the error names appears in its message, metadata rows or the provider's raw detail.

    The moderation's model slug becomes the column's name when it is one of the models, else `HIDDEN` (a dated
    slug such as "gpt-5-mini-2025-08-07" would otherwise say it all). The user's own flagged input is kept:
    it is their text. Metadata other than the error type (the one extra row shown) is dropped, and so are the
    request and generation ids: a gateway may build them from the model's name, and they are for a support
    request, which can wait for the reveal.
    """
    moderation, provider = error.moderation, error.provider
    names = [name for name in (moderation and moderation.provider_name, provider and provider.provider_name) if name]
    words = blind_words(shown, names)

    def hide(text: str | None) -> str | None:
        return None if text is None else hide_names(text, words)

    if moderation is not None:
        slug = moderation.model_slug
        moderation = replace(
            moderation,
            provider_name=HIDDEN if moderation.provider_name else None,
            model_slug=None if slug is None else words.get(slug.casefold(), HIDDEN),
        )
    if provider is not None:
        provider = replace(provider, provider_name=HIDDEN if provider.provider_name else None, raw=hide(provider.raw))
    error_type = error.metadata.get("error_type")
    return replace(
        error,
        message=hide_names(error.message, words),
        metadata={"error_type": hide_names(error_type, words)} if isinstance(error_type, str) else {},
        moderation=moderation,
        provider=provider,
        request_id=None,
        generation_id=None,
    )
