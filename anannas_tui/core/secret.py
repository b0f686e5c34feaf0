"""A wrapper that keeps the API key out of reprs, logs and tracebacks.

Textual's crash screen prints a traceback with `show_locals=True`; any frame holding the key as a plain `str`
would print it. Holding it as `Secret` means a local variable, a dataclass field or a log line shows
`Secret('…')`. Only `reveal()` gives the value, and only the HTTP auth hook calls it.
"""

from __future__ import annotations

from typing import NoReturn


class Secret:
    """A string that never shows itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret value. Call this only where it leaves the process (the auth header)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('…')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")
