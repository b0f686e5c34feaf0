"""How the app was started: what the CLI parsed, as plain data (no Textual import, so the CLI can build it
and still decide things that must happen before Textual loads, such as its frame rate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from anannas_tui.core.config import Config
from anannas_tui.core.secret import Secret


@dataclass
class AppOptions:
    """How the app was started (the CLI builds this; tests build it directly)."""

    config: Config = field(default_factory=Config)
    api_key: Secret | None = None
    demo: bool = False
    model: str | None = None
    """The model from --model; otherwise the last one picked, then the config's."""
    session_path: Path | None = None
    """A session file to resume (--session)."""
    compare: list[str] = field(default_factory=list)
    """Models to open side by side (--compare)."""
    low_bandwidth: bool = False

    @property
    def is_low_bandwidth(self) -> bool:
        """--low-bandwidth or `[ui] low_bandwidth`."""
        return self.low_bandwidth or self.config.ui.low_bandwidth
