"""The last threads each view showed, and the team directory, kept on disk: the app paints them
at start while it connects, and shows them (marked stale) when the API cannot be reached."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.directory import Directory
from tui.core.row_summary import RowSummary
from tui.core.secrets import write_private

if TYPE_CHECKING:
    from tui.core.model import Thread
    from tui.core.query import ThreadQuery


def view_key(query: ThreadQuery) -> str:
    """One cache entry per view and filters (not per page)."""
    params = query.key()
    return hashlib.sha256(json.dumps(params).encode()).hexdigest()[:20]


class ViewCache:
    def __init__(self, data_dir: Path, scope: str) -> None:
        self.folder = data_dir / "cache" / scope  # one folder per account (Settings.cache_scope)

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def _write(self, name: str, payload: dict[str, Any]) -> None:
        payload = {"savedAt": datetime.now(UTC).isoformat(), **payload}
        write_private(self._path(name), json.dumps(payload))

    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def save_threads(
        self, query: ThreadQuery, threads: list[Thread], rows: list[RowSummary]
    ) -> None:
        """The view's first page, and its first rows as they were shown (painted at start
        before the models are loaded)."""
        self._write(
            f"view-{view_key(query)}",
            {"threads": [t.to_wire() for t in threads], "rows": [r.to_json() for r in rows]},
        )

    def load_rows(self, query: ThreadQuery) -> list[RowSummary] | None:
        """The rows the view showed last time, read without the models; None when there are
        none (or the file is damaged or from an older version)."""
        data = self._read(f"view-{view_key(query)}")
        entries = None if data is None else data.get("rows")
        if not isinstance(entries, list) or not entries:
            return None
        rows = [RowSummary.from_json(entry) for entry in entries]
        return None if None in rows else [row for row in rows if row is not None]

    def has_threads(self, query: ThreadQuery) -> bool:
        """Whether the view has a cached page (without reading it)."""
        return self._path(f"view-{view_key(query)}").is_file()

    def load_threads(self, query: ThreadQuery) -> tuple[datetime, list[Thread]] | None:
        data = self._read(f"view-{view_key(query)}")
        if data is None:
            return None  # (a first launch: the models are not loaded for nothing)
        from pydantic import ValidationError

        from tui.core.model import Thread

        try:
            threads = [Thread.model_validate(t) for t in data.get("threads", [])]
            saved = datetime.fromisoformat(data["savedAt"])
        except (ValidationError, KeyError, TypeError, ValueError):
            return None
        return saved, threads

    def save_directory(self, directory: Directory) -> None:
        self._write(
            "directory",
            {
                "accountLinks": [a.to_wire() for a in directory.account_links.values()],
                "members": [m.to_wire() for m in directory.members.values()],
                "tags": [t.to_wire() for t in directory.tags.values()],
                "statuses": [s.to_wire() for s in directory.statuses.values()],
                "platforms": [p.to_wire() for p in directory.platforms.values()],
            },
        )

    def load_directory(self, campaign_names: dict[str, str]) -> Directory | None:
        data = self._read("directory")
        if data is None:
            return None
        from pydantic import ValidationError

        from tui.core.model import AccountLink, Member, Platform, Status, Tag

        try:
            return Directory.build(
                [AccountLink.model_validate(x) for x in data["accountLinks"]],
                [Member.model_validate(x) for x in data["members"]],
                [Tag.model_validate(x) for x in data["tags"]],
                [Status.model_validate(x) for x in data["statuses"]],
                campaign_names,
                [Platform.model_validate(x) for x in data.get("platforms", [])],
            )
        except (ValidationError, KeyError, TypeError):
            return None
