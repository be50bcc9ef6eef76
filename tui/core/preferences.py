"""What the app remembers between runs that is not a setting: the last theme chosen, the
account last opened, and what each terminal answered when asked what it can draw."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.core.secrets import write_private

FILE_NAME = "preferences.json"


class Preferences:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE_NAME
        self._values: dict[str, Any] = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # missing or unreadable: defaults (nothing here is precious)
        return raw if isinstance(raw, dict) else {}

    @property
    def theme(self) -> str | None:
        value = self._values.get("theme")
        return value if isinstance(value, str) else None

    def remember_theme(self, theme: str) -> None:
        if self._values.get("theme") == theme:
            return
        self._remember("theme", lambda _kept: theme)

    @property
    def account(self) -> str | None:
        """The account last opened (see [[accounts]])."""
        value = self._values.get("account")
        return value if isinstance(value, str) else None

    def remember_account(self, name: str) -> None:
        if self._values.get("account") != name:
            self._remember("account", lambda _kept: name)

    def terminal(self, identity: str) -> dict[str, Any] | None:
        """The answer kept for the terminal named `identity` (see tui/ui/pictures.py)."""
        terminals = self._values.get("terminals")
        kept = terminals.get(identity) if isinstance(terminals, dict) else None
        return dict(kept) if isinstance(kept, dict) else None

    def remember_terminal(self, identity: str, answer: dict[str, Any]) -> None:
        self._remember(
            "terminals",
            lambda kept: {**(kept if isinstance(kept, dict) else {}), identity: answer},
        )

    def _remember(self, key: str, value: Callable[[Any], Any]) -> None:
        """`key` set to `value` of what is on disk under it now, written over what is on disk
        now: a second window's other choices (and its other terminals) stay."""
        on_disk = self._read()
        self._values = {**on_disk, key: value(on_disk.get(key))}
        with contextlib.suppress(OSError):  # a preference not remembered is not worth an error
            write_private(self.path, json.dumps(self._values, indent=1))
