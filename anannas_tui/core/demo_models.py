"""The demo's models: what each costs and how it behaves (data only, so the TUI can name the default demo
model and the demo endpoint at start-up without importing the HTTP machinery in `demo.py`)."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_BASE_URL = "https://demo.anannas.invalid/v1"


@dataclass(frozen=True)
class DemoModel:
    """One demo model: what it costs and how it behaves."""

    id: str
    name: str
    context: int
    input_per_million: str | None
    output_per_million: str | None
    behaviour: str = "normal"
    delay: float = 0.012
    reports_cost: bool = True


MODELS: tuple[DemoModel, ...] = (
    DemoModel("demo/fast", "Demo Fast", 128_000, "0.10", "0.40", delay=0.008),
    DemoModel("demo/smart", "Demo Smart", 200_000, "3.00", "15.00"),
    DemoModel("demo/coder", "Demo Coder", 256_000, "1.25", "10.00"),
    DemoModel("demo/reasoner", "Demo Reasoner (shows its thinking)", 200_000, "2.00", "8.00", "reasoning"),
    DemoModel("demo/slow", "Demo Slow (a lazy stream)", 32_000, "0.50", "1.50", delay=0.08),
    DemoModel("demo/estimate", "Demo Estimate (no billed cost)", 64_000, "0.20", "0.60", reports_cost=False),
    DemoModel("demo/local", "Demo Local (no prices)", 8_192, None, None, reports_cost=False),
    DemoModel("demo/error-moderation", "Error: flagged by moderation (403)", 128_000, "1", "2", "403"),
    DemoModel("demo/error-credits", "Error: out of credits (402)", 128_000, "1", "2", "402"),
    DemoModel("demo/error-auth", "Error: key rejected (401)", 128_000, "1", "2", "401"),
    DemoModel("demo/error-rate-limit", "Error: rate limited, then OK (429)", 128_000, "1", "2", "429"),
    DemoModel("demo/error-provider", "Error: provider down (502)", 128_000, "1", "2", "502"),
    DemoModel("demo/error-midstream", "Error: fails mid-reply", 128_000, "1", "2", "midstream"),
    DemoModel("demo/error-drop", "Error: connection lost mid-reply", 128_000, "1", "2", "drop"),
    DemoModel("demo/error-stall", "Error: stalls mid-reply", 128_000, "1", "2", "stall"),
    DemoModel("demo/error-empty", "Error: returns nothing", 128_000, "1", "2", "empty"),
)
DEFAULT_DEMO_MODEL = "demo/fast"
