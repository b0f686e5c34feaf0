"""Models as the gateway lists them, normalised from every known variant of `GET /v1/models`.

Anannas's docs, its observed `?details=true` output, OpenRouter and plain OpenAI-compatible servers (LiteLLM,
vLLM, Ollama) all shape the list differently: prices as strings or numbers, per token or per million, context
under three names, most fields optional. `parse_models` accepts them all and never fails on one bad entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from anannas_tui.core.sanitize import for_display

_MILLION = Decimal(1_000_000)
#: A per-token price above this is implausible (that is $1,000 per million tokens), so it is per million.
_PER_MILLION_THRESHOLD = Decimal("0.001")


@dataclass(frozen=True)
class ModelInfo:
    """One model: its id and what is known about context and price. Unknown values are None."""

    id: str
    name: str = ""
    provider: str = ""
    context_length: int | None = None
    max_output: int | None = None
    prompt_price: Decimal | None = None
    """USD per input token."""
    completion_price: Decimal | None = None
    """USD per output token."""
    description: str = ""
    capabilities: tuple[str, ...] = ()

    @property
    def input_per_million(self) -> Decimal | None:
        """USD per 1M input tokens, the unit people compare prices in."""
        return None if self.prompt_price is None else self.prompt_price * _MILLION

    @property
    def output_per_million(self) -> Decimal | None:
        """USD per 1M output tokens."""
        return None if self.completion_price is None else self.completion_price * _MILLION

    def estimate_cost(self, prompt_tokens: int, completion_tokens: int) -> Decimal | None:
        """Estimate a reply's cost from the listed prices; None when either price is unknown."""
        if self.prompt_price is None or self.completion_price is None:
            return None
        return self.prompt_price * prompt_tokens + self.completion_price * completion_tokens


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    # Above 1e9 USD a token (or a million) is nonsense, and dividing it by a million could overflow.
    if not number.is_finite() or number < 0 or number.adjusted() > 9:
        return None
    return number


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float | str):
        try:
            number = int(float(value))
        except (ValueError, OverflowError):  # "abc", NaN; inf and "1e400"
            return None
        return number if number > 0 else None
    return None


def _prices(pricing: Any) -> tuple[Decimal | None, Decimal | None]:
    """Per-token (input, output) prices from `prompt`/`completion` strings or `input`/`output` numbers."""
    if not isinstance(pricing, dict):
        return None, None
    prompt, completion = _decimal(pricing.get("prompt")), _decimal(pricing.get("completion"))
    if prompt is None and completion is None:
        # The observed `?details=true` variant: numbers of unknown unit. Large ones are per million.
        prompt, completion = _decimal(pricing.get("input")), _decimal(pricing.get("output"))
        if (prompt or 0) > _PER_MILLION_THRESHOLD or (completion or 0) > _PER_MILLION_THRESHOLD:
            prompt = None if prompt is None else prompt / _MILLION
            completion = None if completion is None else completion / _MILLION
    return prompt, completion


def _capabilities(item: dict[str, Any]) -> tuple[str, ...]:
    for key in ("capabilities", "supported_parameters"):
        value = item.get(key)
        if isinstance(value, list):
            return tuple(for_display(str(v)) for v in value)
    architecture = item.get("architecture")
    if isinstance(architecture, dict) and isinstance(architecture.get("input_modalities"), list):
        return tuple(for_display(str(v)) for v in architecture["input_modalities"])
    return ()


def parse_model(item: Any) -> ModelInfo | None:
    """Normalise one entry of the list; None when it has no usable id."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"].strip():
        return None
    model_id = for_display(item["id"].strip())
    top_value = item.get("top_provider")
    top: dict[str, Any] = top_value if isinstance(top_value, dict) else {}
    prompt, completion = _prices(item.get("pricing"))
    prefix = model_id.partition("/")[0] if "/" in model_id else ""
    provider = item.get("provider") or prefix or item.get("owned_by") or ""
    return ModelInfo(
        id=model_id,
        name=for_display(str(item.get("name") or "")),
        provider=for_display(str(provider)),
        context_length=_int(item.get("context_length"))
        or _int(item.get("context_window"))
        or _int(top.get("context_length")),
        max_output=_int(item.get("max_output")) or _int(top.get("max_completion_tokens")),
        prompt_price=prompt,
        completion_price=completion,
        description=for_display(str(item.get("description") or "")),
        capabilities=_capabilities(item),
    )


def parse_models(payload: Any) -> list[ModelInfo]:
    """Normalise a whole `/v1/models` response (`{"data": [...]}` or a bare list), skipping bad entries."""
    items = payload.get("data") if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        return []
    models = [model for model in map(parse_model, items) if model is not None]
    unique = {model.id: model for model in models}
    return sorted(unique.values(), key=lambda model: model.id)
