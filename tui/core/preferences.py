"""What the app remembers between runs that is not a setting: the last theme chosen."""

from __future__ import annotations

import contextlib
import json
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
        self._values["theme"] = theme
        with contextlib.suppress(OSError):  # a theme not remembered is not worth an error
            write_private(self.path, json.dumps(self._values, indent=1))
