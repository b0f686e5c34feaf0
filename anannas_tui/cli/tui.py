"""Starting the full-screen app from the command line (the only CLI module that imports Textual)."""

from __future__ import annotations

import argparse

from anannas_tui.cli.common import EXIT_OK, EXIT_USAGE, UsageError, load_settings, report, require_key
from anannas_tui.frame_rate import choose_frame_rate
from anannas_tui.options import AppOptions


def run_tui(args: argparse.Namespace) -> int:
    """Run the TUI; a missing key or bad config is reported before the screen opens (exit 2)."""
    try:
        config = load_settings(args)
        options = AppOptions(config=config, demo=args.demo, model=args.model, low_bandwidth=args.low_bandwidth)
        if not args.demo:
            options.api_key = require_key()
        if args.compare:
            models = [model.strip() for model in args.compare.split(",") if model.strip()]
            if not 2 <= len(models) <= 4:
                raise UsageError("--compare takes 2 to 4 models, separated by commas")
            options.compare = models
        if args.session:
            from anannas_tui.cli.sessions import resolve_session

            options.session_path = resolve_session(args.session)
    except UsageError as error:
        report(str(error))
        return EXIT_USAGE
    choose_frame_rate(options.is_low_bandwidth)  # before Textual is imported: it reads the rate once
    from anannas_tui import gc_policy

    gc_policy.before_start()
    from anannas_tui.app import make_app  # Textual is imported only now.

    gc_policy.after_imports()

    app = make_app(options)
    app.run()
    return app.return_code or EXIT_OK
