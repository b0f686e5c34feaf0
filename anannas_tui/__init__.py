"""anannas-tui: a terminal chat client for the Anannas LLM gateway."""

__version__ = "0.1.0"
