"""`anannas-tui ask`: one prompt, the reply streamed to stdout, made for pipes and scripts.

To a pipe or file the text is exactly the model's content; to a terminal it is sanitised. Usage, cost and
errors go to stderr so they never mix with the reply. With several `-m`, each model answers in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

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
from anannas_tui.core.client import AnannasClient
from anannas_tui.core.config import ChatParams
from anannas_tui.core.errors import ApiError
from anannas_tui.core.events import (
    ContentDelta,
    Finished,
    ReasoningDelta,
    RetryScheduled,
    StreamFailed,
    Usage,
    UsageReported,
)
from anannas_tui.core.metrics import ReplyMetrics, ReplyTimer, reply_metrics
from anannas_tui.core.models import ModelInfo
from anannas_tui.core.sanitize import StreamSanitizer, for_display


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


@dataclass
class Answer:
    """One model's reply as it accumulates."""

    model: str
    content: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    usage: Usage | None = None
    finish_reason: str | None = None
    error: ApiError | None = None
    metrics: ReplyMetrics | None = None

    def as_json(self) -> dict[str, Any]:
        """The `--json` document for this reply."""
        metrics = self.metrics or ReplyMetrics()
        error = None
        if self.error is not None:
            error = {"title": self.error.title, "status": self.error.status, **dict(self.error.details())}
        return {
            "model": self.model,
            "content": "".join(self.content),
            "reasoning": "".join(self.reasoning) or None,
            "finish_reason": self.finish_reason,
            "usage": None if self.usage is None else _usage_json(self.usage),
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


async def stream_answer(
    client: AnannasClient, answer: Answer, messages: list[dict[str, str]], args: argparse.Namespace
) -> None:
    """Stream one model's reply into `answer`, printing as it arrives unless `--json`."""
    printer = None if args.json else _Printer(sys.stdout)
    timer = ReplyTimer()
    async for event in client.stream_chat(answer.model, messages, ChatParams()):
        match event:
            case ContentDelta(text=text):
                timer.token()
                answer.content.append(text)
                if printer:
                    printer.write(text)
            case ReasoningDelta(text=text):
                timer.token()
                answer.reasoning.append(text)
                if args.reasoning and not args.json:
                    sys.stderr.write(for_display(text))
            case UsageReported(usage=usage):
                answer.usage = usage
            case Finished(reason=reason):
                answer.finish_reason = reason
            case RetryScheduled() as retry if not args.quiet:
                report(f"{retry.error.title}; retrying in {retry.delay:.1f} s ({retry.attempt}/{retry.attempts})")
            case StreamFailed(error=error):
                answer.error = error
    timer.end()
    if printer:
        printer.close()
        if answer.content and not "".join(answer.content).endswith("\n") and sys.stdout.isatty():
            sys.stdout.write("\n")
    answer.metrics = reply_metrics(timer, answer.usage, answer.finish_reason, await _model_info(client, answer))


async def _model_info(client: AnannasClient, answer: Answer) -> ModelInfo | None:
    """The model's prices, needed only to estimate a cost the gateway did not bill."""
    if answer.usage is None or answer.usage.cost is not None:
        return None
    try:
        models = await client.list_models()
    except ApiError:
        return None
    return next((model for model in models if model.id == answer.model), None)


def _report_answer(answer: Answer, args: argparse.Namespace, several: bool) -> None:
    if answer.error is not None:
        for line in error_report(answer.error):
            print(line, file=sys.stderr)
    if not args.quiet and answer.metrics is not None:
        summary = answer.metrics.summary()
        prefix = f"{for_display(answer.model)} · " if several else ""
        if summary:
            print(f"[{prefix}{summary}]", file=sys.stderr)


async def _ask(args: argparse.Namespace, prompt: str) -> int:
    config = load_settings(args)
    models = args.models or [default_model(config, demo=args.demo)]
    messages = ([{"role": "system", "content": args.system}] if args.system else []) + [
        {"role": "user", "content": prompt}
    ]
    answers = [Answer(model) for model in models]
    async with open_client(config, demo=args.demo) as client:
        for answer in answers:
            if len(answers) > 1 and not args.json:
                print(f"\n=== {for_display(answer.model)} ===", flush=True)
            await stream_answer(client, answer, messages, args)
            _report_answer(answer, args, len(answers) > 1)
    if args.json:
        documents = [answer.as_json() for answer in answers]
        json.dump(documents if len(documents) > 1 else documents[0], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return EXIT_API if any(answer.error for answer in answers) else EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run `ask`; exit 0, 1 (API/network error, partial output kept), 2 (usage/config) or 130 (Ctrl-C)."""
    try:
        prompt = read_prompt(args, sys.stdin)
        return asyncio.run(_ask(args, prompt))
    except UsageError as error:
        report(str(error))
        return EXIT_USAGE
