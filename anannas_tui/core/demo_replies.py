"""What the demo models say: canned Markdown replies that show off rendering (code, tables, lists).

The reply is chosen from the prompt's keywords so a visitor gets something relevant-looking, and it always
quotes the prompt back so the round trip is visible.
"""

from __future__ import annotations

from anannas_tui.core.sanitize import shorten

_CODE = '''Here is a small, tested way to do that in Python:

```python
from pathlib import Path


def count_lines(folder: Path, suffix: str = ".py") -> dict[str, int]:
    """Count the lines of every file with `suffix` under `folder`."""
    return {
        str(path): sum(1 for _ in path.open(encoding="utf-8"))
        for path in sorted(folder.rglob(f"*{suffix}"))
    }
```

And the shell one-liner for the same job:

```bash
find . -name '*.py' -print0 | xargs -0 wc -l | sort -n | tail
```

**Why this shape:** a dict comprehension keeps it to one pass, and `sorted` makes the output stable.
'''

_TABLE = """A quick comparison of the gateway's demo models:

| Model | Context | $ / 1M in | $ / 1M out | Good at |
|---|---:|---:|---:|---|
| demo/fast | 128k | 0.10 | 0.40 | short answers |
| demo/smart | 200k | 3.00 | 15.00 | careful reasoning |
| demo/coder | 256k | 1.25 | 10.00 | code |

- Prices are per **million** tokens, as the model picker shows them.
- The sidebar shows what a reply *actually* cost when the gateway reports it.
"""

_GENERAL = """Happy to help. A few things you can try in this demo:

1. **Stream a long answer**: ask for *code* or a *table*.
2. **Open the model picker** with `ctrl+o` and pick one of the `demo/error-*` models to see how each
   gateway error is reported (toast + transcript entry, with every metadata field).
3. **Watch the sidebar**: tokens, cost, time to first token and tokens per second fill in as replies finish.

> Everything here runs offline: no key, no network, the same client code path as the real gateway.

Ask me anything else and I will answer with some *Markdown* so you can see it rendered.
"""

_REASONING = (
    "The user wants an explanation. Let me outline the key points first, then check each claim, "
    "and finally give a short answer with an example."
)


def reply_for(prompt: str) -> str:
    """Choose a canned reply for `prompt` and quote the prompt back in its first line."""
    lowered = prompt.lower()
    if any(word in lowered for word in ("code", "python", "function", "script", "bash")):
        body = _CODE
    elif any(word in lowered for word in ("table", "compare", "price", "cost")):
        body = _TABLE
    else:
        body = _GENERAL
    quoted = shorten(" ".join(prompt.split()), 80)
    return f"You asked: *{quoted}*\n\n{body}" if quoted else body


def reasoning_for(prompt: str) -> str:
    """The demo reasoner's 'thinking' before its answer."""
    return _REASONING
