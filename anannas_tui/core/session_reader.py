"""Typed, validating access to a parsed TOML table, for reading session files.

Every getter checks the value's type and names the key's full path in its error ("messages[3].usage.cost
must be a number, not string"), so the sessions list can say exactly why a file is damaged. `finish()`
rejects keys nobody asked for in strict mode: a typo or a damaged key is reported rather than dropped on the
next save.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any


class FormatError(ValueError):
    """A session document is not valid; the message says where and why."""


_NAMES: dict[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    Decimal: "number",
    bool: "boolean",
    dict: "table",
    list: "array",
    datetime: "date-time",
}


def _type_name(value: Any) -> str:
    return _NAMES.get(type(value), type(value).__name__)


class Table:
    """A parsed table being read; it remembers the keys taken so unknown ones can be reported."""

    def __init__(self, data: Any, where: str, strict: bool) -> None:
        if not isinstance(data, dict):
            raise FormatError(f"{where or 'the document'} must be a table, not {_type_name(data)}")
        self.data: dict[str, Any] = data
        self.where = where
        self.strict = strict
        self._seen: set[str] = set()

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, kinds: tuple[type, ...], label: str, required: bool = False) -> Any:
        """The value of `key` after checking it is one of `kinds` (`label` names them in the error)."""
        self._seen.add(key)
        if key not in self.data:
            if required:
                raise FormatError(f"{self._name(key)} is missing")
            return None
        value = self.data[key]
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise FormatError(f"{self._name(key)} must be {label}, not {_type_name(value)}")
        return value

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string value."""
        value: str | None = self.get(key, (str,), "a string", required)
        return value

    def integer(self, key: str) -> int | None:
        """An integer value (booleans are not integers here)."""
        value: int | None = self.get(key, (int,), "an integer", False)
        return value

    def number(self, key: str) -> Decimal | None:
        """An exact number (files are parsed with `parse_float=Decimal`; integers are accepted)."""
        value = self.get(key, (int, float, Decimal), "a number", False)
        if value is None:
            return None
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)

    def real(self, key: str) -> float | None:
        """A number as a float (durations, sampling parameters)."""
        value = self.number(key)
        return None if value is None else float(value)

    def flag(self, key: str) -> bool | None:
        """A boolean value."""
        value: bool | None = self.get(key, (bool,), "true or false", False)
        return value

    def stamp(self, key: str, *, required: bool = False) -> datetime | None:
        """A date-time; one without an offset is taken as local time."""
        value: datetime | None = self.get(key, (datetime,), "a date-time", required)
        if value is not None and value.tzinfo is None:
            value = value.astimezone()
        return value

    def choice(self, key: str, allowed: Sequence[str], *, required: bool = False) -> str | None:
        """A string that must be one of `allowed`."""
        value = self.text(key, required=required)
        if value is not None and value not in allowed:
            raise FormatError(f"{self._name(key)} must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def texts(self, key: str) -> list[str]:
        """An array of strings (empty when absent)."""
        values: list[Any] = self.get(key, (list,), "an array", False) or []
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise FormatError(f"{self._name(key)}[{index}] must be a string, not {_type_name(value)}")
        return values

    def table(self, key: str) -> Table | None:
        """A sub-table, or None when absent."""
        value = self.get(key, (dict,), "a table", False)
        return None if value is None else Table(value, self._name(key), self.strict)

    def tables(self, key: str) -> list[Table]:
        """An array of tables (`[[key]]`), empty when absent."""
        values: list[Any] = self.get(key, (list,), "an array of tables", False) or []
        return [Table(value, f"{self._name(key)}[{index}]", self.strict) for index, value in enumerate(values)]

    def finish(self) -> None:
        """In strict mode, raise `FormatError` for any key no getter asked for."""
        unknown = sorted(set(self.data) - self._seen)
        if self.strict and unknown:
            raise FormatError(f"unknown key(s) {', '.join(self._name(key) for key in unknown)}")
