"""`anannas-tui models [QUERY]`: the endpoint's live model list with context and prices."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from anannas_tui.cli.common import (
    EXIT_API,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_common_options,
    error_report,
    load_settings,
    open_client,
    report,
)
from anannas_tui.core.errors import ApiError
from anannas_tui.core.fuzzy import fuzzy_score
from anannas_tui.core.metrics import format_price, format_tokens
from anannas_tui.core.models import ModelInfo

_HEADERS = ("ID", "NAME", "CONTEXT", "$/1M IN", "$/1M OUT")


def add_parser(subparsers: Any) -> None:
    """Register `models`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "models",
        help="list the endpoint's models with context and prices",
        description="List the endpoint's models (GET /v1/models). QUERY fuzzy-filters ids, names and "
        "providers, best match first. Prices are USD per 1M tokens; blank when the endpoint gives none.",
    )
    parser.add_argument("query", nargs="?", default="", help="fuzzy filter, e.g. 'gpt5mini'")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_common_options(parser)
    parser.set_defaults(func=run)


def filter_models(models: list[ModelInfo], query: str) -> list[ModelInfo]:
    """Models matching `query`, best first; all of them, by id, for an empty query."""
    if not query.strip():
        return models
    scored = [(max(fuzzy_score(query, m.id), fuzzy_score(query, f"{m.provider} {m.name}")), m) for m in models]
    return [model for score, model in sorted(scored, key=lambda pair: -pair[0]) if score > 0]


def _row(model: ModelInfo) -> tuple[str, ...]:
    return (
        model.id,
        model.name,
        format_tokens(model.context_length),
        format_price(model.input_per_million),
        format_price(model.output_per_million),
    )


def format_table(models: list[ModelInfo]) -> str:
    """An aligned plain-text table (model ids and names were sanitised when parsed)."""
    rows = [_HEADERS, *map(_row, models)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_HEADERS))]
    widths[1] = min(widths[1], 40)
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1][: widths[1]].ljust(widths[1])]
        cells += [cell.rjust(width) for cell, width in zip(row[2:], widths[2:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _json(model: ModelInfo) -> dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "provider": model.provider,
        "context_length": model.context_length,
        "input_per_million": None if model.input_per_million is None else str(model.input_per_million),
        "output_per_million": None if model.output_per_million is None else str(model.output_per_million),
    }


async def _models(args: argparse.Namespace) -> int:
    config = load_settings(args)
    async with open_client(config, demo=args.demo) as client:
        try:
            models = await client.list_models()
        except ApiError as error:
            for line in error_report(error):
                print(line, file=sys.stderr)
            return EXIT_API
    chosen = filter_models(models, args.query)
    if args.json:
        json.dump([_json(model) for model in chosen], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif chosen:
        print(format_table(chosen))
    else:
        report(f"no model matches {args.query!r} (of {len(models)})")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run `models`; exit 0, 1 (API/network error) or 2 (usage/config)."""
    try:
        return asyncio.run(_models(args))
    except UsageError as error:
        report(str(error))
        return EXIT_USAGE
