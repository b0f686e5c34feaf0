"""`anannas-tui ask`: one prompt, the reply streamed to stdout, made for pipes and scripts.

To a pipe or file the text is exactly the model's content; to a terminal it is sanitised. Usage, cost and
errors go to stderr so they never mix with the reply. With several `-m`, each model answers in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from anannas_tui.cli.common import (
    EXIT_API,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_common_options,
    default_model,
    error_report,
    load_settings,
    open_client,
    report,
)
from anannas_tui.core.config import ChatParams
from anannas_tui.core.errors import ApiError
from anannas_tui.core.events import RetryScheduled
from anannas_tui.core.metrics import ReplyMetrics
from anannas_tui.core.models import ModelInfo
from anannas_tui.core.sanitize import StreamSanitizer, for_display
from anannas_tui.core.usage import Usage

if TYPE_CHECKING:
    from anannas_tui.core.client import AnannasClient
    from anannas_tui.core.reply import ReplyOutcome


def add_parser(subparsers: Any) -> None:
    """Register `ask`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "ask",
        help="send one prompt and stream the reply to stdout",
        description="Send one prompt and stream the reply to stdout. The prompt comes from the argument, "
        "or from stdin when it is piped or the argument is '-'. Usage and errors go to stderr.",
    )
    parser.add_argument("prompt", nargs="?", help="the prompt ('-' or omitted with piped stdin: read stdin)")
    parser.add_argument(
        "-m", "--model", action="append", dest="models", metavar="MODEL", help="model id (repeat to compare)"
    )
    parser.add_argument("-s", "--system", help="a system prompt")
    parser.add_argument("--json", action="store_true", help="print one JSON document (a list with several -m)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no usage line or retry notes on stderr")
    parser.add_argument("--reasoning", action="store_true", help="also print the model's reasoning to stderr")
    add_common_options(parser)
    parser.set_defaults(func=run)


def answer_json(outcome: ReplyOutcome, metrics: ReplyMetrics) -> dict[str, Any]:
    """The `--json` document for one reply."""
    error = None
    if outcome.error is not None:
        error = {"title": outcome.error.title, "status": outcome.error.status, **dict(outcome.error.details())}
    return {
        "model": outcome.model,
        "content": outcome.text,
        "reasoning": "".join(outcome.reasoning) or None,
        "finish_reason": outcome.finish_reason,
        "usage": None if outcome.usage is None else _usage_json(outcome.usage),
        "cost": None if metrics.cost is None else str(metrics.cost),
        "cost_estimated": metrics.cost_estimated,
        "ttft_s": metrics.ttft,
        "duration_s": metrics.duration,
        "error": error,
    }


def _usage_json(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "cached_tokens": usage.cached_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
        "cost": None if usage.cost is None else str(usage.cost),
    }


def read_prompt(args: argparse.Namespace, stdin: TextIO) -> str:
    """The prompt from the argument or stdin; a `UsageError` when there is none."""
    if args.prompt not in (None, "-"):
        return str(args.prompt)
    if args.prompt is None and stdin.isatty():
        raise UsageError("no prompt: give one as an argument, or pipe it on stdin")
    text = stdin.read()
    if not text.strip():
        raise UsageError("the prompt on stdin is empty")
    return text


class _Printer:
    """Writes reply text to stdout: exact to a pipe, sanitised to a terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.sanitizer = StreamSanitizer() if out.isatty() else None

    def write(self, text: str) -> None:
        self.out.write(self.sanitizer.feed(text) if self.sanitizer else text)
        self.out.flush()

    def close(self) -> None:
        if self.sanitizer:
            self.out.write(self.sanitizer.flush())
        self.out.flush()


class _TerminalSink:
    """A `ReplySink` for the CLI: reply text to stdout, reasoning and retry notes to stderr."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.printer = None if args.json else _Printer(sys.stdout)

    def append(self, text: str) -> None:
        if self.printer:
            self.printer.write(text)

    def append_reasoning(self, text: str) -> None:
        if self.args.reasoning and not self.args.json:
            sys.stderr.write(for_display(text))

    def retry_scheduled(self, event: RetryScheduled) -> None:
        if not self.args.quiet:
            report(f"{event.error.title}; retrying in {event.delay:.1f} s ({event.attempt}/{event.attempts})")

    def close(self, text: str) -> None:
        """Flush what the sanitiser held back; end a terminal's last line."""
        if self.printer:
            self.printer.close()
            if text and not text.endswith("\n") and sys.stdout.isatty():
                sys.stdout.write("\n")


async def stream_answer(
    client: AnannasClient, model: str, messages: list[dict[str, str]], args: argparse.Namespace
) -> tuple[ReplyOutcome, ReplyMetrics]:
    """Stream one model's reply, printing as it arrives unless `--json`; return it with its metrics."""
    from anannas_tui.core.reply import ReplyOutcome, run_reply  # not at import: the TUI builds this parser too

    sink = _TerminalSink(args)
    outcome = ReplyOutcome(model)
    await run_reply(client, messages, ChatParams(), sink, outcome)
    sink.close(outcome.text)
    return outcome, outcome.metrics(await _model_info(client, outcome))


async def _model_info(client: AnannasClient, outcome: ReplyOutcome) -> ModelInfo | None:
    """The model's prices, needed only to estimate a cost the gateway did not bill."""
    if outcome.usage is None or outcome.usage.cost is not None:
        return None
    try:
        models = await client.list_models()
    except ApiError:
        return None
    return next((model for model in models if model.id == outcome.model), None)


def _report_answer(outcome: ReplyOutcome, metrics: ReplyMetrics, args: argparse.Namespace, several: bool) -> None:
    if outcome.error is not None:
        for line in error_report(outcome.error):
            print(line, file=sys.stderr)
    summary = metrics.summary()
    if not args.quiet and summary:
        prefix = f"{for_display(outcome.model)} · " if several else ""
        print(f"[{prefix}{summary}]", file=sys.stderr)


async def _ask(args: argparse.Namespace, prompt: str) -> int:
    config = load_settings(args)
    models = args.models or [default_model(config, demo=args.demo)]
    messages = ([{"role": "system", "content": args.system}] if args.system else []) + [
        {"role": "user", "content": prompt}
    ]
    answers: list[tuple[ReplyOutcome, ReplyMetrics]] = []
    async with open_client(config, demo=args.demo) as client:
        for model in models:
            if len(models) > 1 and not args.json:
                print(f"\n=== {for_display(model)} ===", flush=True)
            answers.append(await stream_answer(client, model, messages, args))
            _report_answer(*answers[-1], args, len(models) > 1)
    if args.json:
        documents = [answer_json(*answer) for answer in answers]
        json.dump(documents if len(documents) > 1 else documents[0], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return EXIT_API if any(outcome.error for outcome, _ in answers) else EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run `ask`; exit 0, 1 (API/network error, partial output kept), 2 (usage/config) or 130 (Ctrl-C)."""
    try:
        prompt = read_prompt(args, sys.stdin)
        return asyncio.run(_ask(args, prompt))
    except UsageError as error:
        report(str(error))
        return EXIT_USAGE
