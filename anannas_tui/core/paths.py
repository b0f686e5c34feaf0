"""Where anannas-tui keeps its files, from platformdirs (so XDG_CONFIG_HOME / XDG_DATA_HOME are honoured).

The config dir holds what the *user* writes (config.toml, themes/) and the stored key; the data dir holds what
the *app* writes (state.toml, sessions/); the cache dir holds what can be thrown away (the models list).
Each function creates its directory, private to the user, on first use.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "anannas-tui"


def _private_dir(path: Path) -> Path:
    """Create `path` with mode 0700 if it is missing, and return it.

    Missing parents are created 0700 too (`mkdir(parents=True)` would give them the umask's mode, which is
    0777 under umask 000).
    """
    if not path.is_dir():
        for folder in reversed([path, *path.parents]):
            if not folder.exists():
                folder.mkdir(mode=0o700, exist_ok=True)
    return path


def config_dir() -> Path:
    """The user's config directory: config.toml, themes/, the stored key."""
    return _private_dir(platformdirs.user_config_path(APP_NAME))


def data_dir() -> Path:
    """The app's data directory: state.toml and sessions/."""
    return _private_dir(platformdirs.user_data_path(APP_NAME))


def cache_dir() -> Path:
    """Disposable caches (the models list)."""
    return _private_dir(platformdirs.user_cache_path(APP_NAME))


def config_file() -> Path:
    """The user's config file; the app reads it and never writes it."""
    return config_dir() / "config.toml"


def key_file(*, create: bool = True) -> Path:
    """The key stored by `anannas-tui login` (mode 0600); `create=False` leaves the folder alone (for --help)."""
    folder = config_dir() if create else platformdirs.user_config_path(APP_NAME)
    return folder / "api_key"


def state_file() -> Path:
    """State the app owns and rewrites: last model, theme, favourites, recent models."""
    return data_dir() / "state.toml"


def sessions_dir() -> Path:
    """One TOML file per conversation."""
    return _private_dir(data_dir() / "sessions")


def user_themes_dir() -> Path:
    """The user's own theme files (`*.toml`)."""
    return config_dir() / "themes"


def models_cache_file(base_url: str) -> Path:
    """The cached models list for one endpoint (a different base URL has different models)."""
    safe = "".join(ch if ch.isalnum() else "_" for ch in base_url)[-80:]
    return cache_dir() / f"models-{safe}.json"


SSH_VARIABLES = ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT")
"""What sshd sets in a session (SSH_CLIENT alone in some setups, e.g. a forced command without a tty)."""


def is_over_ssh() -> bool:
    """True when this process runs in an SSH session (so the clipboard and browser are on another machine)."""
    return any(os.environ.get(name) for name in SSH_VARIABLES)
