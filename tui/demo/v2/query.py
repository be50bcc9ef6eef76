"""A v2 request's query string, read strictly (repeated keys only, brackets refused), its opaque
cursors (bound to their filters), and the folder and filters of GET /threads."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request

from tui.core.text import fold
from tui.core.timestamps import parse_timestamp
from tui.demo.records import ThreadRec
from tui.demo.v2.answers import V2Error

DEFAULT_LIMIT = 50


# --- the query string, strictly ------------------------------------------------------------


@dataclass
class Query:
    """A request's query once the demo has checked it against the operation's parameters in
    the spec (tui/demo/openapi): unknown, bracketed, repeated, mistyped and out-of-range values
    never reach a handler, so nothing here checks them again."""

    values: dict[str, list[str]] = field(default_factory=dict)  # as sent, for cursors
    typed: dict[str, Any] = field(default_factory=dict)  # as the spec types them

    @classmethod
    def read(cls, request: Request) -> Query:
        checked = request.state.checked
        return cls({k: list(v) for k, v in checked.query_text.items()}, dict(checked.query))

    def one(self, key: str) -> str | None:
        found = self.values.get(key)
        return found[0] if found else None

    def many(self, key: str) -> list[str]:
        return list(self.values.get(key, []))

    def limit(self, default: int = DEFAULT_LIMIT) -> int:
        return int(self.typed.get("limit", default))

    def choice(self, key: str, default: str | None = None) -> str | None:
        return self.one(key) or default

    def flag(self, key: str) -> bool:
        return bool(self.typed.get(key, False))

    def expand(self) -> set[str]:
        return set(self.many("expand"))

    def filters_digest(self) -> str:
        """What a cursor is bound to: every parameter but the page's own."""
        kept = sorted(
            (k, sorted(v)) for k, v in self.values.items() if k not in ("cursor", "limit", "expand")
        )
        return hashlib.sha256(json.dumps(kept).encode()).hexdigest()[:16]


def encode_cursor(kind: str, digest: str, position: list[Any]) -> str:
    raw = json.dumps([kind, digest, position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(query: Query, kind: str) -> list[Any] | None:
    token = query.one("cursor")
    if token is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        found_kind, digest, position = json.loads(raw)
    except (ValueError, TypeError, binascii.Error):
        raise V2Error(400, "invalidCursor", "The cursor is not one this API issued") from None
    if found_kind != kind or digest != query.filters_digest() or not isinstance(position, list):
        raise V2Error(
            400, "invalidCursor", "The cursor belongs to other filters: pass it back unchanged"
        )
    return position


def cursor_key(position: list[Any]) -> tuple[datetime, str]:
    try:
        at = parse_timestamp(position[0])
        if not isinstance(at, datetime) or not isinstance(position[1], str):
            raise ValueError
    except (ValueError, IndexError, TypeError):
        raise V2Error(400, "invalidCursor", "The cursor is damaged") from None
    return at, position[1]


# --- the folder and filters of GET /threads ------------------------------------------------


@dataclass(frozen=True)
class FolderFilter:
    """v2's thread filter over the store (the store calls `matches` and reads `ascending`)."""

    folder: str = "inbox"
    account_link_ids: frozenset[str] = frozenset()
    contact_ids: frozenset[str] = frozenset()
    tag_ids: frozenset[str] | None = None
    status_ids: frozenset[str] | None = None
    assignee_ids: frozenset[str] = frozenset()
    unassigned: bool = False
    campaign_ids: frozenset[str] = frozenset()
    platforms: frozenset[str] = frozenset()
    q: str | None = None
    ascending: bool = False

    def matches(self, t: ThreadRec) -> bool:
        if not self._in_folder(t):
            return False
        p = t.prospect
        if self.account_link_ids and t.account_link_id not in self.account_link_ids:
            return False
        if self.platforms and p.platform not in self.platforms:
            return False
        if self.contact_ids and p.external_id not in self.contact_ids:
            return False
        if self.tag_ids is not None and not self.tag_ids.intersection(p.tags):
            return False
        if self.status_ids is not None and p.status_id not in self.status_ids:
            return False
        assignee = effective_assignee(t)
        if self.assignee_ids and assignee not in self.assignee_ids:
            return False
        if self.unassigned and assignee is not None:
            return False
        if self.campaign_ids and t.campaign_id not in self.campaign_ids:
            return False
        if self.q:
            wanted = fold(self.q)
            preview = t.last_message.content if t.last_message else ""
            haystack = (p.display_name, p.username, preview)
            if not any(wanted in fold(text) for text in haystack):
                return False
        return True

    def _in_folder(self, t: ThreadRec) -> bool:
        if self.folder == "all":
            return True
        if self.folder == "archived":
            return t.done
        if t.done:
            return False
        if self.folder == "requests":
            return t.is_request
        if t.is_request or t.status != "active":
            return False
        if self.folder == "noReply":
            return t.awaiting_reply
        return True


def effective_assignee(t: ThreadRec) -> str | None:
    """The thread's own assignee, else its contact's default."""
    return t.assignee_id or t.prospect.assignee_id
