"""The last threads each view showed, and the team directory, kept in the account's local
store (tui/core/mirror.py, one SQLite database): the app paints them at start while it
connects, and shows them (marked stale) when the API cannot be reached."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.directory import Directory
from tui.core.mirror import Mirror, mirror_path
from tui.core.row_summary import RowSummary

if TYPE_CHECKING:
    from tui.core.model import Thread
    from tui.core.query import ThreadQuery


def view_key(query: ThreadQuery) -> str:
    """One entry per view and filters (not per page)."""
    params = query.key()
    return hashlib.sha256(json.dumps(params).encode()).hexdigest()[:20]


class ViewCache:
    """The account's store, opened on first use, and what the start reads from it. The
    background mirror (tui/ui/features/mirror.py) writes to the same database."""

    def __init__(self, data_dir: Path, scope: str) -> None:
        self.path = mirror_path(data_dir, scope)
        # The JSON files this replaced (one folder per account): removed when the store opens.
        self._former = data_dir / "cache" / scope
        self._store: Mirror | None = None

    @property
    def store(self) -> Mirror:
        if self._store is None:
            self._store = Mirror(self.path)
            if self._former.is_dir():
                shutil.rmtree(self._former, ignore_errors=True)
        return self._store

    @property
    def opened(self) -> Mirror | None:
        """The store if it is open (looking does not open it)."""
        return self._store

    def _kept(self) -> Mirror | None:
        """The store, where there is one: what only reads (the start) does not create it, so a
        first launch writes the schema after its first frame, when it saves a page."""
        if self._store is None and not self.path.exists():
            return None
        return self.store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def save_threads(
        self, query: ThreadQuery, threads: list[Thread], rows: list[RowSummary]
    ) -> None:
        """The view's first page, and its first rows as they were shown (painted at start
        before the models are loaded)."""
        self.store.put_view(
            view_key(query), [r.to_json() for r in rows], [t.to_wire() for t in threads]
        )

    def load_rows(self, query: ThreadQuery) -> list[RowSummary] | None:
        """The rows the view showed last time, read without the models; None when there are
        none (or they are damaged or from an older version)."""
        store = self._kept()
        entries = store.view_rows(view_key(query)) if store is not None else None
        if not entries:
            return None
        rows = [RowSummary.from_json(entry) for entry in entries]
        return None if None in rows else [row for row in rows if row is not None]

    def has_threads(self, query: ThreadQuery) -> bool:
        """Whether the view has a kept page (without reading it)."""
        store = self._kept()
        return store is not None and store.has_view(view_key(query))

    def load_threads(self, query: ThreadQuery) -> tuple[datetime, list[Thread]] | None:
        store = self._kept()
        kept = store.view_threads(view_key(query)) if store is not None else None
        if kept is None:
            return None  # (a first launch: the models are not loaded for nothing)
        from pydantic import ValidationError

        from tui.core.model import Thread

        try:
            return kept[0], [Thread.model_validate(t) for t in kept[1]]
        except ValidationError:
            return None

    def save_directory(self, directory: Directory) -> None:
        payload = {
            "accountLinks": [a.to_wire() for a in directory.account_links.values()],
            "members": [m.to_wire() for m in directory.members.values()],
            "tags": [t.to_wire() for t in directory.tags.values()],
            "statuses": [s.to_wire() for s in directory.statuses.values()],
            "platforms": [p.to_wire() for p in directory.platforms.values()],
        }
        self.store.set_state("directory", json.dumps(payload))

    def load_directory(self, campaign_names: dict[str, str]) -> Directory | None:
        store = self._kept()
        saved = store.get_state("directory") if store is not None else None
        if saved is None:
            return None
        from pydantic import ValidationError

        from tui.core.model import AccountLink, Member, Platform, Status, Tag

        try:
            data: dict[str, Any] = json.loads(saved)
            return Directory.build(
                [AccountLink.model_validate(x) for x in data["accountLinks"]],
                [Member.model_validate(x) for x in data["members"]],
                [Tag.model_validate(x) for x in data["tags"]],
                [Status.model_validate(x) for x in data["statuses"]],
                campaign_names,
                [Platform.model_validate(x) for x in data.get("platforms", [])],
            )
        except (ValidationError, KeyError, TypeError, ValueError):
            return None
