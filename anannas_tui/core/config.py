"""The user's configuration (`config.toml`, read-only to the app) and the chat parameters it sets.

Each section is a dataclass whose attribute docstrings are the documentation: the README's config table is
checked against them by `tests/test_config.py`. A missing file or a missing key means the default; a key of the
wrong type or an unknown key is a `ConfigError` that names it, so a typo never silently does nothing.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from anannas_tui.core import paths

DEFAULT_BASE_URL = "https://api.anannas.ai/v1"
DEFAULT_MODEL = "openai/gpt-5-mini"
REASONING_EFFORTS = ("low", "medium", "high")


class ConfigError(Exception):
    """The config file cannot be used as written; the message says which key and why."""


@dataclass
class ApiConfig:
    """`[api]`: where to connect and how patiently."""

    base_url: str = DEFAULT_BASE_URL
    """The OpenAI-compatible endpoint (ANANNAS_BASE_URL and --base-url override it)."""
    connect_timeout: float = 10.0
    """Seconds to wait for a connection."""
    read_timeout: float = 120.0
    """Seconds to wait for any bytes from the server."""
    stall_timeout: float = 60.0
    """Seconds without new content before a reply counts as stalled (keep-alive comments do not count)."""
    retries: int = 2
    """Automatic retries of a failed request, only before any content arrived."""
    max_retry_wait: float = 60.0
    """The longest server-requested wait (Retry-After) honoured automatically."""


@dataclass
class ChatParams:
    """`[chat]` parameters sent with every request; a conversation can change its own copy."""

    temperature: float | None = None
    """Sampling temperature (0-2); unset means the model's default."""
    max_tokens: int | None = 4096
    """Upper bound on reply tokens (some providers require one)."""
    top_p: float | None = None
    """Nucleus sampling; unset means the model's default."""
    reasoning_effort: str | None = None
    """"low", "medium" or "high" for reasoning models; unset means the model's default."""

    def validate(self) -> None:
        """Raise `ConfigError` for values no endpoint would accept."""
        if self.temperature is not None and not 0 <= self.temperature <= 2:
            raise ConfigError("temperature must be between 0 and 2")
        if self.top_p is not None and not 0 < self.top_p <= 1:
            raise ConfigError("top_p must be above 0 and at most 1")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise ConfigError("max_tokens must be at least 1")
        if self.reasoning_effort is not None and self.reasoning_effort not in REASONING_EFFORTS:
            raise ConfigError(f"reasoning_effort must be one of {', '.join(REASONING_EFFORTS)}")


@dataclass
class ChatConfig:
    """`[chat]`: what a new conversation starts with."""

    model: str = DEFAULT_MODEL
    """The model for a new conversation when none was picked before (--model overrides it)."""
    system_prompt: str = ""
    """The system prompt for a new conversation; empty sends none."""
    params: ChatParams = field(default_factory=ChatParams)
    """Sampling parameters (written as keys of `[chat]` itself)."""


@dataclass
class UiConfig:
    """`[ui]`: how the TUI looks and behaves."""

    theme: str = "anannas-dark"
    """The theme at start, unless one was picked in the app since (that choice lives in state.toml)."""
    low_bandwidth: bool = False
    """No animations, no cursor blink, at most 10 redraws a second while streaming (--low-bandwidth)."""
    show_sidebar: bool = True
    """Show the usage sidebar (it also hides itself below 100 columns)."""


@dataclass
class Config:
    """The whole configuration."""

    api: ApiConfig = field(default_factory=ApiConfig)
    chat: ChatConfig = field(default_factory=ChatConfig)
    ui: UiConfig = field(default_factory=UiConfig)


def _coerce(section: str, key: str, value: Any, hint: Any) -> Any:
    """Check `value` against the field's type hint; ints are accepted where floats are expected."""
    allowed = getattr(hint, "__args__", (hint,))
    if value is None or type(value) in allowed:
        return value
    if float in allowed and type(value) is int:
        return float(value)
    names = " or ".join(getattr(t, "__name__", str(t)) for t in allowed if t is not type(None))
    raise ConfigError(f"[{section}] {key} must be {names}, not {type(value).__name__} ({value!r})")


def _fill(instance: Any, section: str, table: dict[str, Any], *, skip: set[str] | None = None) -> set[str]:
    """Set the fields of `instance` from `table`; return the keys it used."""
    hints = get_type_hints(type(instance))
    used: set[str] = set()
    for item in fields(instance):
        if item.name in (skip or set()) or item.name not in table:
            continue
        setattr(instance, item.name, _coerce(section, item.name, table[item.name], hints[item.name]))
        used.add(item.name)
    return used


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}] must be a table")
    return table


def parse_config(data: dict[str, Any]) -> Config:
    """Build a `Config` from a parsed TOML document, raising `ConfigError` on any unknown or mistyped key."""
    config = Config()
    unknown = sorted(set(data) - {"api", "chat", "ui"})
    if unknown:
        raise ConfigError(f"unknown section(s): {', '.join(unknown)}")
    tables = {name: _section(data, name) for name in ("api", "chat", "ui")}
    used = {
        "api": _fill(config.api, "api", tables["api"]),
        "chat": _fill(config.chat, "chat", tables["chat"], skip={"params"})
        | _fill(config.chat.params, "chat", tables["chat"]),
        "ui": _fill(config.ui, "ui", tables["ui"]),
    }
    for name, table in tables.items():
        extra = sorted(set(table) - used[name])
        if extra:
            raise ConfigError(f"[{name}] has unknown key(s): {', '.join(extra)}")
    config.chat.params.validate()
    _validate_api(config.api)
    return config


def _validate_api(api: ApiConfig) -> None:
    """Timeouts must be positive, finite numbers; retries a count."""
    for name in ("connect_timeout", "read_timeout", "stall_timeout", "max_retry_wait"):
        value = getattr(api, name)
        # max_retry_wait may be 0 ("never wait for a server's Retry-After"); a timeout of 0 would never connect.
        if not math.isfinite(value) or value < 0 or (value == 0 and name != "max_retry_wait"):
            raise ConfigError(f"[api] {name} must be a positive number of seconds, not {value!r}")
    if api.retries < 0:
        raise ConfigError("[api] retries must be 0 or more")


def load_config(path: Path | None = None) -> Config:
    """Read the config file (default: the platform config dir's config.toml) and apply ANANNAS_BASE_URL.

    A missing file is the defaults. The file is never written by the app.
    """
    path = path or paths.config_file()
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path} is not valid TOML: {error}") from None
        except OSError as error:
            raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    try:
        config = parse_config(data)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
    env_url = os.environ.get("ANANNAS_BASE_URL", "").strip()
    if env_url:
        config.api.base_url = env_url
    return config
