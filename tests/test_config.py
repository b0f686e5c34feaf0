"""config.toml: defaults, partial files, strict keys and types, the env override, and docs that match the code."""

from __future__ import annotations

import ast
import inspect
import math
import re
from dataclasses import fields
from pathlib import Path
from typing import Any, get_type_hints

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anannas_tui.core import config as config_module
from anannas_tui.core import paths
from anannas_tui.core.config import (
    DEFAULT_BASE_URL,
    ApiConfig,
    ChatConfig,
    ChatParams,
    Config,
    ConfigError,
    UiConfig,
    load_config,
    parse_config,
)

README = Path(__file__).resolve().parent.parent / "README.md"
#: (section in config.toml, dataclass); ChatParams' fields are written as keys of [chat] itself.
SECTIONS: list[tuple[str, type]] = [("api", ApiConfig), ("chat", ChatConfig), ("chat", ChatParams), ("ui", UiConfig)]


def config_keys() -> list[tuple[str, str, Any, Any]]:
    """Every key a user can write: (section, key, default, type hint)."""
    keys = []
    for section, cls in SECTIONS:
        hints = get_type_hints(cls)
        for item in fields(cls):
            if item.name != "params":
                keys.append((section, item.name, getattr(cls(), item.name), hints[item.name]))
    return keys


def attribute_docs(cls: type) -> dict[str, str]:
    """The attribute docstrings of a dataclass (the string right after each field), read from its source."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for node, following in zip(body, body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
        ):
            docs[node.target.id] = " ".join(str(following.value.value).split())
    return docs


def toml_default(value: Any) -> str:
    """How a default is written in the README's config table: a TOML literal, or `unset` for None."""
    return "unset" if value is None else tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def readme_row(section: str, key: str, default: Any, doc: str) -> str:
    """The README row expected for one key (what the lead's table should contain)."""
    shown = "unset" if default is None else f"`{toml_default(default)}`"
    escaped = doc.replace("|", "\\|")
    return f"| `{section}.{key}` | {shown} | {escaped} |"


def write_config(text: str) -> Path:
    path = paths.config_file()
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_there_is_no_file() -> None:
    assert not paths.config_file().exists()
    config = load_config()
    assert config == Config()
    assert config.api.base_url == DEFAULT_BASE_URL == "https://api.anannas.ai/v1"
    assert not paths.config_file().exists()  # reading never creates it


def test_xdg_config_home_is_honoured(isolated_dirs: dict[str, Path]) -> None:
    assert paths.config_file() == isolated_dirs["config"] / "anannas-tui" / "config.toml"
    write_config('[chat]\nmodel = "anthropic/claude-sonnet-4"\n')
    assert load_config().chat.model == "anthropic/claude-sonnet-4"


def test_partial_file_keeps_every_other_default() -> None:
    write_config("[api]\nread_timeout = 30\n[chat]\ntemperature = 0.2\n")
    config = load_config()
    assert config.api.read_timeout == 30.0 and type(config.api.read_timeout) is float
    assert config.chat.params.temperature == 0.2
    expected = Config()
    expected.api.read_timeout = 30.0
    expected.chat.params.temperature = 0.2
    assert config == expected


def test_every_key_is_read() -> None:
    """Each key in the docs table really reaches its dataclass field (catches a field read from the wrong table)."""
    values: dict[str, dict[str, Any]] = {}
    for section, key, default, hint in config_keys():
        values.setdefault(section, {})[key] = _another_valid_value(key, default, hint)
    config = parse_config(values)
    for section, key, _, _ in config_keys():
        owner = config.chat.params if key in {f.name for f in fields(ChatParams)} else getattr(config, section)
        assert getattr(owner, key) == values[section][key], f"{section}.{key}"


def _another_valid_value(key: str, default: Any, hint: Any) -> Any:
    allowed = getattr(hint, "__args__", (hint,))
    if key == "reasoning_effort":
        return "high"
    if bool in allowed:
        return not default
    if float in allowed:
        return 0.5
    if int in allowed:
        return 7
    return f"{key}-value"


@pytest.mark.parametrize(("section", "key"), [(s, k) for s, k, _, _ in config_keys()])
def test_wrong_type_is_an_error_naming_the_key(section: str, key: str) -> None:
    hint = dict(((s, k), h) for s, k, _, h in config_keys())[section, key]
    allowed = getattr(hint, "__args__", (hint,))
    wrong = "not a number" if (float in allowed or int in allowed or bool in allowed) else 5
    with pytest.raises(ConfigError, match=re.escape(f"[{section}] {key} must be")):
        parse_config({section: {key: wrong}})


def test_a_bool_is_not_a_number() -> None:
    with pytest.raises(ConfigError, match=r"\[api\] retries"):
        parse_config({"api": {"retries": True}})


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({"api": {"base_ur": "x"}}, "base_ur"),
        ({"chat": {"temprature": 1}}, "temprature"),
        ({"chat": {"params": {"temperature": 1}}}, "params"),
        ({"ui": {"theme": "x", "colour": "red"}}, "colour"),
        ({"apii": {}}, "apii"),
        ({"api": 5}, "[api] must be a table"),
    ],
)
def test_unknown_keys_and_sections_are_errors_naming_them(document: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(named)):
        parse_config(document)


@pytest.mark.parametrize(
    "chat",
    [{"temperature": 2.5}, {"temperature": -0.1}, {"top_p": 0}, {"max_tokens": 0}, {"reasoning_effort": "max"}],
)
def test_out_of_range_parameters_are_errors(chat: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match=next(iter(chat))):
        parse_config({"chat": chat})


@pytest.mark.parametrize("key", ["connect_timeout", "read_timeout", "stall_timeout", "max_retry_wait"])
@pytest.mark.parametrize("value", [-1.0, math.nan, math.inf])
def test_impossible_timeouts_are_errors(key: str, value: float) -> None:
    with pytest.raises(ConfigError, match=key):
        parse_config({"api": {key: value}})


def test_file_errors_name_the_file() -> None:
    path = write_config("[api\nread_timeout = 1\n")
    with pytest.raises(ConfigError, match=re.escape(str(path))):
        load_config()
    write_config("[ui]\nthemee = 'x'\n")
    with pytest.raises(ConfigError, match=r"config\.toml: \[ui\] has unknown key\(s\): themee"):
        load_config()
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config()


def test_anannas_base_url_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    write_config('[api]\nbase_url = "https://file.example/v1"\n')
    assert load_config().api.base_url == "https://file.example/v1"
    monkeypatch.setenv("ANANNAS_BASE_URL", "  http://127.0.0.1:9/v1\n")
    assert load_config().api.base_url == "http://127.0.0.1:9/v1"
    monkeypatch.setenv("ANANNAS_BASE_URL", "   ")
    assert load_config().api.base_url == "https://file.example/v1"


def test_loading_never_writes_the_users_file() -> None:
    text = "# my settings, with comments\n[ui]\ntheme = 'anannas-light'  # I like it\n"
    path = write_config(text)
    before = sorted(p.name for p in path.parent.iterdir())
    load_config()
    assert path.read_text() == text
    assert sorted(p.name for p in path.parent.iterdir()) == before


values_for = {
    "base_url": st.text(min_size=1, max_size=30),
    "connect_timeout": st.floats(0.1, 600),
    "read_timeout": st.floats(0.1, 600),
    "stall_timeout": st.floats(0.1, 600),
    "retries": st.integers(0, 10),
    "max_retry_wait": st.floats(0, 600),
    "model": st.text(min_size=1, max_size=30),
    "system_prompt": st.text(max_size=60),
    "temperature": st.floats(0, 2),
    "max_tokens": st.integers(1, 10**6),
    "top_p": st.floats(0.01, 1),
    "reasoning_effort": st.sampled_from(config_module.REASONING_EFFORTS),
    "theme": st.text(min_size=1, max_size=20),
    "low_bandwidth": st.booleans(),
    "show_sidebar": st.booleans(),
}


@st.composite
def documents(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    document: dict[str, dict[str, Any]] = {}
    for section, key, _, _ in config_keys():
        if draw(st.booleans()):
            document.setdefault(section, {})[key] = draw(values_for[key])
    return document


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(document=documents())
def test_any_valid_file_round_trips(document: dict[str, dict[str, Any]]) -> None:
    """Property: whatever subset of valid keys a file sets, loading gives exactly those values and defaults."""
    write_config(tomli_w.dumps(document))
    config = load_config()
    for section, key, default, _ in config_keys():
        owner = config.chat.params if key in {f.name for f in fields(ChatParams)} else getattr(config, section)
        assert getattr(owner, key) == document.get(section, {}).get(key, default)


def test_every_field_has_a_docstring() -> None:
    """The attribute docstrings are the documentation (and the README table is made from them)."""
    for _, cls in SECTIONS:
        missing = {f.name for f in fields(cls)} - set(attribute_docs(cls))
        assert not missing, f"{cls.__name__} fields without a docstring: {sorted(missing)}"


def expected_rows() -> dict[str, str]:
    """The README row for every key, in definition order, made from the defaults and attribute docstrings."""
    docs = {key: doc for _, cls in SECTIONS for key, doc in attribute_docs(cls).items()}
    return {f"{s}.{k}": readme_row(s, k, d, docs.get(k, "")) for s, k, d, _ in config_keys()}


def readme_problems(text: str) -> list[str]:
    """What is wrong with the config table in `text`: missing rows, rows for keys that do not exist, defaults."""
    expected = expected_rows()
    row = re.compile(r"^\|\s*`((?:api|chat|ui)\.[a-z_]+)`\s*\|\s*([^|]*?)\s*\|", re.MULTILINE)
    found = {match[1]: match[2].strip("`") for match in row.finditer(text)}
    problems = [f"missing row: {expected[key]}" for key in expected if key not in found]
    problems += [f"row for a key that does not exist: {key}" for key in found if key not in expected]
    defaults = {f"{s}.{k}": toml_default(d) for s, k, d, _ in config_keys()}
    problems += [
        f"default of {key} is {found[key]} in the README but {defaults[key]} in the code"
        for key in expected
        if key in found and found[key] != defaults[key]
    ]
    return problems


def test_readme_config_table_matches_the_code() -> None:
    """Docs drift: one README row per key, `| \\`section.key\\` | default | what it does |`, and no stale rows.

    On failure the message lists the rows expected, generated from the dataclass defaults and docstrings.
    """
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    problems = readme_problems(text)
    assert not problems, "README.md config table:\n" + "\n".join(problems)


def test_the_drift_check_itself_can_fail() -> None:
    good = "| Key | Default | Meaning |\n|---|---|---|\n" + "\n".join(expected_rows().values()) + "\n"
    assert readme_problems(good) == []
    assert any("missing row" in p for p in readme_problems(good.replace("`ui.theme`", "`ui.themes`")))
    assert any("does not exist" in p for p in readme_problems(good + "| `api.proxy` | unset | x |\n"))
    assert any("default of api.retries" in p for p in readme_problems(good.replace("| `2` |", "| `3` |")))
