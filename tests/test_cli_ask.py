"""`anannas-tui ask` and `anannas-tui models`, run for real in a subprocess against the loopback gateway.

These check the contract scripts rely on: stdout is exactly the model's text when piped, usage and errors go
to stderr, and the exit codes are 0 / 1 / 2 / 130.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_payloads import INJECTION_REPLY, NORMAL_REPLY, USAGE
from fake_server import FakeServer

KEY = "sk-cli-test-key-abcdef"


def run_cli(
    *args: str, env: dict[str, str], stdin: str | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "anannas_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


@pytest.fixture
def env(fake_server: FakeServer) -> dict[str, str]:
    """The environment of a user whose key and endpoint point at the loopback gateway."""
    return {**os.environ, "ANANNAS_API_KEY": KEY, "ANANNAS_BASE_URL": fake_server.base_url}


def test_ask_streams_exactly_the_models_text_to_a_pipe(env: dict[str, str], fake_server: FakeServer) -> None:
    result = run_cli("ask", "-m", "test/normal", "Explain qubits", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == NORMAL_REPLY
    assert f"{USAGE['prompt_tokens']:,} in / {USAGE['completion_tokens']:,} out" in result.stderr
    sent = fake_server.chat_requests[-1]
    assert sent.body["messages"] == [{"role": "user", "content": "Explain qubits"}]
    assert sent.body["stream"] is True and sent.body["usage"] == {"include": True}


def test_the_prompt_can_come_from_stdin_with_a_system_prompt(env: dict[str, str], fake_server: FakeServer) -> None:
    result = run_cli("ask", "-m", "test/normal", "-s", "Be terse.", "-q", env=env, stdin="from a pipe\n")
    assert result.returncode == 0 and result.stdout == NORMAL_REPLY
    assert result.stderr == ""  # --quiet: no usage line
    assert fake_server.chat_requests[-1].body["messages"] == [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "from a pipe\n"},
    ]


def test_injection_goes_to_a_pipe_byte_for_byte(env: dict[str, str]) -> None:
    result = run_cli("ask", "-m", "test/injection", "x", env=env)
    assert result.returncode == 0 and result.stdout == INJECTION_REPLY


def test_injection_is_neutralised_on_a_terminal(env: dict[str, str]) -> None:
    """To a terminal (a pty), ESC and C1 controls are shown as placeholders, never sent raw."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI with a terminal as stdout
        os.execvpe(sys.executable, [sys.executable, "-m", "anannas_tui", "ask", "-q", "-m", "test/injection", "x"], env)
    output = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    assert "\x1b]52" not in text and "\x1b]0;" not in text and "\x9b" not in text
    assert "␛]52" in text


def test_an_api_error_goes_to_stderr_with_its_metadata(env: dict[str, str]) -> None:
    result = run_cli("ask", "-m", "test/status-403", "x", env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert "403 · Flagged by moderation" in result.stderr
    for label in ("reasons:", "flagged input:", "provider:", "model:"):
        assert label in result.stderr


def test_a_midstream_error_keeps_the_partial_output(env: dict[str, str]) -> None:
    result = run_cli("ask", "-m", "test/midstream-error", "x", env=env)
    assert result.returncode == 1
    assert result.stdout and "502 · Provider error" in result.stderr


def test_json_output(env: dict[str, str]) -> None:
    result = run_cli("ask", "--json", "-m", "test/normal", "x", env=env)
    document = json.loads(result.stdout)
    assert document["content"] == NORMAL_REPLY and document["finish_reason"] == "stop"
    assert document["usage"]["completion_tokens"] == USAGE["completion_tokens"]
    assert document["cost"] == str(USAGE["cost"]) and document["cost_estimated"] is False


def test_a_missing_key_is_a_usage_error_that_mentions_the_demo(env: dict[str, str]) -> None:
    del env["ANANNAS_API_KEY"]
    result = run_cli("ask", "hi", env=env)
    assert result.returncode == 2
    assert "ANANNAS_API_KEY" in result.stderr and "--demo" in result.stderr


def test_no_prompt_is_a_usage_error(env: dict[str, str]) -> None:
    result = run_cli("ask", "-", env=env, stdin="   ")
    assert result.returncode == 2 and "empty" in result.stderr


def test_a_bad_config_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    config = Path(env["XDG_CONFIG_HOME"]) / "anannas-tui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[api]\nretries = 'many'\n", encoding="utf-8")
    result = run_cli("ask", "hi", env=env)
    assert result.returncode == 2 and "retries" in result.stderr


def test_ctrl_c_exits_130_and_keeps_what_was_printed(env: dict[str, str], fake_server: FakeServer) -> None:
    fake_server.slow_rate = 5.0
    process = subprocess.Popen(
        [sys.executable, "-m", "anannas_tui", "ask", "-m", "test/slow", "x"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    first = process.stdout.read(1)  # wait until the reply has started
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=20)
    assert process.returncode == 130
    assert (first + out).decode() and NORMAL_REPLY.startswith((first + out).decode())


def test_demo_needs_no_key(env: dict[str, str]) -> None:
    del env["ANANNAS_API_KEY"]
    env["ANANNAS_DEMO_DELAY_SCALE"] = "0"
    result = run_cli("ask", "--demo", "write some code", env=env)
    assert result.returncode == 0 and "```python" in result.stdout


def test_models_lists_and_filters(env: dict[str, str]) -> None:
    result = run_cli("models", "test/status", env=env)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ID") and any("test/status-403" in line for line in lines)
    listed = json.loads(run_cli("models", "--json", env=env).stdout)
    assert {"id", "name", "context_length", "input_per_million", "output_per_million"} <= set(listed[0])


def test_models_reports_a_rejected_key(env: dict[str, str], fake_server: FakeServer) -> None:
    fake_server.expected_key = "another-key"
    result = run_cli("models", env=env)
    assert result.returncode == 1 and "401" in result.stderr and KEY not in result.stderr


def test_python_dash_m_and_help(env: dict[str, str]) -> None:
    result = run_cli("--help", env=env)
    assert result.returncode == 0
    for word in ("ask", "models", "login", "sessions", "--demo", "exit codes"):
        assert word in result.stdout
