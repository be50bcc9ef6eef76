"""Checking the tables of the config file by hand: every problem is collected (not just the
first) with where it is, so the user fixes them in one go.

Not pydantic: the settings are read before the first frame, and importing pydantic there would
cost more than the rest of the start together (see tui/core/config.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
Check = Callable[[object], T]


class Invalid(ValueError):
    """Raised by a check: the message says what the value must be (never the value itself,
    which may be a key)."""


class Problems(Exception):
    """Everything wrong with a table: (where, what) pairs."""

    def __init__(self, found: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {what}" for where, what in found))
        self.found = found


class Table:
    """Reads a table's fields one by one; a bad one is noted and its default kept."""

    def __init__(
        self,
        values: Mapping[str, Any],
        *,
        where: str = "",
        problems: list[tuple[str, str]] | None = None,
    ) -> None:
        self.values = values
        self.where = where
        self.problems = [] if problems is None else problems

    def take(self, name: str, check: Check[T], default: T) -> T:
        if name not in self.values:
            return default
        try:
            return check(self.values[name])
        except Invalid as error:
            self.problems.append((self.where + name, str(error)))
            return default

    def reject_unknown(self, known: set[str]) -> None:
        for name in self.values:
            if name not in known:
                self.problems.append((self.where + name, "unknown setting"))

    def nested(self, name: str) -> Table:
        """The sub-table `name` (empty when absent), its problems reported here."""
        value = self.values.get(name, {})
        if not isinstance(value, Mapping):
            self.problems.append((self.where + name, "must be a table"))
            value = {}
        return Table(value, where=f"{self.where}{name}.", problems=self.problems)

    def raise_problems(self) -> None:
        if self.problems:
            raise Problems(self.problems)


def whole(low: int, high: int) -> Check[int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("must be a whole number")
        if not low <= value <= high:
            raise Invalid(f"must be from {low} to {high}")
        return value

    return check


def number(low: float, high: float, *, above: bool = False) -> Check[float]:
    """A number from `low` (or, with `above`, greater than it) to `high`."""

    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid("must be a number")
        if above and not low < value <= high:
            raise Invalid(f"must be above {low:g} and at most {high:g}")
        if not above and not low <= value <= high:
            raise Invalid(f"must be from {low:g} to {high:g}")
        return float(value)

    return check


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def text(value: object) -> str:
    if not isinstance(value, str):
        raise Invalid("must be a string")
    return value


def short_text(most: int) -> Check[str]:
    def check(value: object) -> str:
        if len(checked := text(value)) > most:
            raise Invalid(f"must be at most {most} characters")
        return checked

    return check


def optional(check: Check[T]) -> Check[T | None]:
    def optional_check(value: object) -> T | None:
        return None if value is None else check(value)

    return optional_check


def texts(value: object) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise Invalid("must be a list of strings")
    return list(value)


def text_map(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise Invalid("must be a table of strings")
    return dict(value)


def path(value: object) -> Path:
    if isinstance(value, Path):
        return value
    if not isinstance(value, str) or not value:
        raise Invalid("must be a path")
    return Path(value).expanduser()


def one_of(*choices: str) -> Check[str]:
    def check(value: object) -> str:
        if value not in choices:
            raise Invalid("must be one of " + ", ".join(choices))
        return str(value)

    return check
