"""Start `anannas-tui --demo` (or a script) as P3 does, and exit the process at its first frame.

bench_startup.py runs this under valgrind to count the instructions from process start to the first frame: a
figure that, unlike time, hardly moves with a busy machine (~0.1% run to run when quiet, ~1.5% under load).
The hook goes in only once Textual is imported by the app itself, so the app starts exactly as it does from
the command line (`gc_policy.before_start` comes before Textual's import).

    python tests/benchmarks/exit_at_first_frame.py app
    python tests/benchmarks/exit_at_first_frame.py path/to/script.py
"""

from __future__ import annotations

import os
import runpy
import sys
from typing import Any


def exit_at_first_frame() -> None:
    """From now on, the first frame that draws anything ends the process."""
    from textual.app import App

    display = App._display

    def first_frame(self: App[Any], screen: Any, renderable: Any) -> None:
        if renderable is not None:
            os._exit(0)
        display(self, screen, renderable)

    App._display = first_frame  # type: ignore[method-assign]


def start_app() -> None:
    from anannas_tui import gc_policy
    from anannas_tui.cli import main

    after_imports = gc_policy.after_imports

    def hook_then_freeze() -> None:
        exit_at_first_frame()
        after_imports()

    gc_policy.after_imports = hook_then_freeze
    main(["--demo"])


if __name__ == "__main__":
    if sys.argv[1] == "app":
        start_app()
    else:
        exit_at_first_frame()
        runpy.run_path(sys.argv[1], run_name="__main__")
