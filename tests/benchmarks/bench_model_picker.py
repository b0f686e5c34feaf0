"""CPU time per keystroke in the model picker, for a small and a large model list (prints timings; asserts nothing).

Run: .venv/bin/python tests/benchmarks/bench_model_picker.py [COUNT]
Types and erases "gptmini", "llama" and "aaaaaa" four times over in a headless 100x30 picker and prints, per
keystroke, the least process CPU time seen (the minimum filters out other processes on a shared box). A key that
the dialog ignores is timed as the floor: Pilot and Textual's own message handling.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from textual.app import App

from anannas_tui.core.model_catalog import CachedModels, ModelCatalog, encode_cache
from anannas_tui.core.models import ModelInfo
from anannas_tui.screens.model_picker import ModelPickerDialog

PROVIDERS = ["openai", "anthropic", "google", "meta-llama", "mistralai", "qwen", "deepseek", "x-ai", "cohere"]
WORDS = ["gpt", "claude", "gemini", "llama", "mixtral", "instruct", "turbo", "mini", "pro", "flash", "sonnet", "coder"]
KEYS = [*"gptmini", *["backspace"] * 7, *"llama", *["backspace"] * 5, *"aaaaaa", *["backspace"] * 6]


def make_models(count: int) -> list[ModelInfo]:
    rng = random.Random(1)
    ids: set[str] = set()
    while len(ids) < count:
        word, other = rng.choice(WORDS), rng.choice(WORDS)
        ids.add(
            f"{rng.choice(PROVIDERS)}/{word}-{rng.randint(1, 9)}.{rng.randint(0, 9)}-{other}-{rng.randint(1, 400)}b"
        )
    return [
        ModelInfo(
            model_id,
            name=model_id.split("/")[1].replace("-", " ").title(),
            provider=model_id.split("/")[0],
            context_length=rng.choice([8192, 32768, 131072, 400000]),
            prompt_price=Decimal(rng.randint(1, 300)) / 10**8,
            completion_price=Decimal(rng.randint(1, 900)) / 10**8,
        )
        for model_id in sorted(ids)
    ]


async def measure(count: int) -> tuple[list[float], float]:
    """Per-keystroke minimum CPU ms over 4 rounds, and the no-op floor."""
    models = make_models(count)
    path = Path(tempfile.mkdtemp()) / "models.json"
    path.write_text(encode_cache(CachedModels(models, time.time())))

    async def never() -> list[ModelInfo]:
        raise AssertionError("the cache is fresh")

    app: App[None] = App()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(ModelPickerDialog(ModelCatalog(never, path), current=models[count // 2].id))
        await pilot.pause()
        rounds: list[list[float]] = []
        for _ in range(4):
            times = []
            for key in KEYS:
                started = time.process_time()
                await pilot.press(key)
                await pilot.pause()
                times.append((time.process_time() - started) * 1000)
            rounds.append(times)
        floor = []
        for _ in range(10):
            started = time.process_time()
            await pilot.press("ctrl+y")
            await pilot.pause()
            floor.append((time.process_time() - started) * 1000)
    return [min(column) for column in zip(*rounds, strict=True)], min(floor)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    small, small_floor = asyncio.run(measure(10))
    large, floor = asyncio.run(measure(count))
    for label, times in (("10 models", small), (f"{count} models", large)):
        print(f"{label:>12}: median {statistics.median(times):5.1f} ms, worst {max(times):5.1f} ms CPU per keystroke")
    print(f"{'no-op key':>12}: {min(floor, small_floor):5.1f} ms")
    print(f"ratio {count}/10 (median): {statistics.median(large) / statistics.median(small):.2f}")


if __name__ == "__main__":
    main()
