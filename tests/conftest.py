"""Shared pytest fixtures.

Each helper keeps its fixtures in its own clearly marked block below; add yours in a new block.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# ---------------------------------------------------------------------------------------------------------
# Core: isolated directories and the fake Anannas server (owner: the core client tests helper).
# ---------------------------------------------------------------------------------------------------------
from fake_server import FakeServer


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point every platformdirs location at `tmp_path` and drop the user's key and endpoint from the env.

    No test may read or write the real config, data or cache directories, or talk to a real endpoint because
    the developer's shell exports ANANNAS_API_KEY / ANANNAS_BASE_URL. Loopback never goes through a proxy.
    """
    dirs = {name: tmp_path / name for name in ("config", "data", "cache", "state")}
    for name, path in dirs.items():
        path.mkdir()
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(path))
    monkeypatch.delenv("ANANNAS_API_KEY", raising=False)
    monkeypatch.delenv("ANANNAS_BASE_URL", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return dirs


@pytest.fixture(scope="session")
def _fake_server_session() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


@pytest.fixture
def fake_server(_fake_server_session: FakeServer) -> Iterator[FakeServer]:
    """The scripted gateway (see tests/fake_server.py), with its log, counters and settings reset per test.

    One server serves the whole session (starting one is cheap, but there is no need); `base_url` is its
    `http://127.0.0.1:PORT/v1`. A test that changes `models_payload`, `rate` or `expected_key` gets the
    defaults back afterwards.
    """
    _fake_server_session.reset()
    yield _fake_server_session
    _fake_server_session.reset()


# --------------------------------------------------------------------------------------- end of Core block
