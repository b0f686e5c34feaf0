"""Allow `python -m anannas_tui`."""

from anannas_tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
