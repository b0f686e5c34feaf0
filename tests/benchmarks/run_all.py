"""Run every render-path benchmark (issue 7: P1-P6 and the tmux run) and print one table.

Each benchmark runs in its own process (a fresh heap and GC, so figures do not leak into each other) and prints
its results as `RESULT {json}` lines; this collects them into a Markdown table with the date and machine, prints
it, and writes it to tests/benchmarks/LATEST.md (for the README).

    python tests/benchmarks/run_all.py            # the full run (several minutes: the stock baselines are slow)
    python tests/benchmarks/run_all.py --quick    # a smoke test of the scripts (CI); asserts nothing about time
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("bench_stream.py", "bench_history.py", "bench_columns.py", "bench_startup.py", "bench_idle.py")


def run(script: str, quick: bool) -> list[dict[str, object]]:
    command = [sys.executable, str(HERE / script), *(["--quick"] if quick else [])]
    started = time.perf_counter()
    process = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    print(f"# {script}: {time.perf_counter() - started:.0f} s, exit {process.returncode}", flush=True)
    results = [json.loads(line[7:]) for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    if process.returncode != 0 or not results:
        print(process.stdout[-3000:], process.stderr[-3000:], sep="\n", file=sys.stderr)
        results.append({"id": script, "name": "benchmark failed", "value": None, "unit": "", "ok": False})
    return results


def cell(value: object, unit: str = "") -> str:
    if value is None:
        return "–"
    text = str(value)
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    names = [line.split(":", 1)[1].strip() for line in lines if "model name" in line]
    cpu = names[0] if names else platform.processor() or "unknown CPU"
    import textual

    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Textual {textual.__version__}, {platform.system()} {platform.release()}"
    )


def table(results: list[dict[str, object]], quick: bool) -> str:
    lines = [
        f"Benchmarks ({'quick smoke run, figures not meaningful' if quick else 'full run'}), "
        f"{datetime.now():%Y-%m-%d %H:%M}, {machine()}",
        "",
        "| # | figure | ours | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        unit = str(result.get("unit", ""))
        baseline = cell(result.get("baseline"), unit)
        if result.get("baseline_name"):
            baseline += f" ({result['baseline_name']})"
        ratio = result.get("ratio")
        ok = "–" if quick else {True: "yes", False: "**no**", None: "–"}[result.get("ok")]  # type: ignore[index]
        name = str(result.get("name", ""))
        if result.get("note"):
            name += f" ({result['note']})"
        lines.append(
            f"| {result['id']} | {name} | {cell(result.get('value'), unit)} | {baseline} | "
            f"{cell(ratio) + 'x' if isinstance(ratio, float) else '–'} | {result.get('target', '')} | {ok} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke-test every script in well under a minute")
    parser.add_argument("--no-tmux", action="store_true", help="skip the real-terminal (tmux) run")
    arguments = parser.parse_args()
    scripts = list(SCRIPTS)
    if not arguments.quick and not arguments.no_tmux:
        scripts.append("bench_tmux.py")
    results = [result for script in scripts for result in run(script, arguments.quick)]
    report = table(results, arguments.quick)
    print(report)
    if not arguments.quick:
        (HERE / "LATEST.md").write_text(report, encoding="utf-8")
    failed = [result for result in results if result.get("name") == "benchmark failed"]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
