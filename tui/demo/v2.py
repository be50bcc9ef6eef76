"""The demo's version 2: the same store as v1, answered in v2's shapes and as strictly as
v2's spec (07-inbox-v2-openapi.json): repeated keys only (brackets refused), opaque cursors
bound to their filters, `expand`, capabilities and restrictions, idempotent sends, v2 events.

Handlers raise `V2Error` (or the store's `DemoError`, whose v1 codes are translated); the
endpoint wrapper in app.py turns them into `{code, message, details, requestId}`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from tui.core.timestamps import parse_timestamp
from tui.demo import params as qp
from tui.demo import xchat
from tui.demo.records import LabelRec, MemberRec, MessageRec, ProspectRec, ThreadRec, ts
from tui.demo.store import DemoError, DemoStore

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from tui.demo.app import DemoApi

CUID = re.compile(r"^[0-9a-z]+$")
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_CONTENT = 10_000
TYPING_EVERY = 2.5  # seconds between typing signals per thread

# X on v2: what every account link can do here, and what an older (unencrypted) DM restricts.
LINK_CAPABILITIES = [
    "message:send",
    "message:edit",
    "message:delete:self",
    "message:unsend",
    "message:react",
    "message:reply",
    "media:image",
    "media:video",
    "media:gif",
    "thread:typing:send",
    "thread:typing:receive",
    "thread:message-requests",
    "thread:delete:remote",
    "thread:archive:observe",
    "thread:read:observe",
]
OLDER_DM_RESTRICTIONS = ["message:edit", "message:delete:self", "message:unsend", "message:react"]
MUTATION_WINDOWS = {"message:edit": 900, "message:unsend": 86_400, "message:react": 86_400}

# The store's v1 error codes in v2's spelling.
V1_CODES = {
    "THREAD_NOT_FOUND": "threadNotFound",
    "MESSAGE_NOT_FOUND": "messageNotFound",
    "TAG_NOT_FOUND": "tagNotFound",
    "STATUS_NOT_FOUND": "statusNotFound",
    "PROSPECT_NOT_FOUND": "contactNotFound",
    "ACCOUNT_LINK_NOT_FOUND": "accountLinkNotFound",
    "MEMBER_NOT_FOUND": "memberNotFound",
    "NAME_TAKEN": "nameTaken",
    "NOT_SUPPORTED": "threadRestricted",
    "MESSAGE_DELETED": "messageNotModifiable",
    "FORBIDDEN": "messageNotModifiable",
    "BAD_REQUEST": "invalidRequest",
    "UNAUTHORIZED": "unauthorized",
    "RATE_LIMITED": "rateLimited",
}
STATUS_CODES = {
    400: "invalidRequest",
    401: "unauthorized",
    404: "threadNotFound",
    429: "rateLimited",
}


class V2Error(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def invalid(path: str, message: str) -> V2Error:
    return V2Error(
        400,
        "invalidRequest",
        f"{path}: {message}" if path else message,
        {"issues": [{"path": [path] if path else [], "message": message}]},
    )


def from_demo_error(error: DemoError) -> V2Error:
    """A store error in v2's terms (its details shaped as each code's schema says)."""
    code = V1_CODES.get(error.code) or STATUS_CODES.get(error.status, "internal")
    details: Any = None
    if code == "invalidRequest":
        details = {"issues": [{"path": [], "message": error.message}]}
    elif code == "nameTaken":
        found = re.search(r"named '(.*)' already", error.message)
        details = {"name": found.group(1) if found else ""}
    elif code == "threadRestricted":
        details = {"capability": "message:edit"}
    elif code == "messageNotModifiable":
        details = {"reason": error.message}
    return V2Error(error.status, code, error.message, details)


def fold(text: str) -> str:
    """Names match ignoring case and accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- the query string, strictly ------------------------------------------------------------


@dataclass
class Query:
    """A request's query, checked against the parameters its operation declares."""

    values: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, request: Request, declared: dict[str, bool]) -> Query:
        """`declared`: name -> whether the key may repeat. Brackets, unknown keys and a single
        key given twice are refused with 400 invalidRequest."""
        values: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            if "[" in key or "]" in key:
                raise invalid(key, "bracketed parameters are not accepted: repeat the key")
            if key not in declared:
                raise invalid(key, "unknown parameter")
            if key in values and not declared[key]:
                raise invalid(key, "may be given only once")
            values.setdefault(key, []).append(value)
        return cls(values)

    def one(self, key: str) -> str | None:
        found = self.values.get(key)
        return found[0] if found else None

    def many(self, key: str) -> list[str]:
        return list(self.values.get(key, []))

    def ids(self, key: str) -> list[str]:
        found = self.many(key)
        for value in found:
            if not CUID.match(value):
                raise invalid(key, "must be an ID (lowercase letters and digits; repeat the key)")
        return found

    def limit(self, default: int = DEFAULT_LIMIT, high: int = MAX_LIMIT) -> int:
        return self.integer("limit", default, 1, high)

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        text = self.one(key)
        if text is None:
            return default
        try:
            number = int(text)
        except ValueError:
            raise invalid(key, f"must be an integer from {low} to {high}") from None
        if not low <= number <= high:
            raise invalid(key, f"must be from {low} to {high}")
        return number

    def choice(self, key: str, choices: Sequence[str], default: str | None = None) -> str | None:
        value = self.one(key)
        if value is None:
            return default
        if value not in choices:
            raise invalid(key, f"must be one of {', '.join(choices)}")
        return value

    def flag(self, key: str) -> bool:
        value = self.one(key)
        if value is None:
            return False
        if value not in ("true", "false"):
            raise invalid(key, "must be true or false")
        return value == "true"

    def expand(self, allowed: Sequence[str]) -> set[str]:
        paths = self.many("expand")
        if len(paths) > 4:
            raise invalid("expand", "at most 4 paths")
        for path in paths:
            if path not in allowed:
                raise invalid("expand", f"must be one of {', '.join(allowed)}")
        return set(paths)

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


def _cursor_key(position: list[Any]) -> tuple[datetime, str]:
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
        if self.platforms and "twitter" not in self.platforms:
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


# --- the handlers --------------------------------------------------------------------------


class V2Handlers:
    def __init__(self, api: DemoApi) -> None:
        self.api = api
        self.store: DemoStore = api.store
        # Idempotency-Key -> (fingerprint of the body, the original answer).
        self._sends: dict[str, tuple[str, dict[str, Any]]] = {}
        self._typing: dict[str, float] = {}

    def routes(self, route: Callable[..., BaseRoute]) -> list[BaseRoute]:
        tag, status = "/tags/{ref}", "/statuses/{ref}"
        message = "/messages/{message_id}"
        return [
            route("/platforms", self.list_platforms, ["GET"]),
            route("/team", self.get_team, ["GET"]),
            route("/members", self.list_members, ["GET"]),
            route("/members/{member_id}", self.get_member, ["GET"]),
            route("/account-links", self.list_account_links, ["GET"]),
            route("/account-links/{link_id}", self.get_account_link, ["GET"]),
            route("/contacts", self.list_contacts, ["GET"]),
            route("/contacts/{contact_id}", self.get_contact, ["GET"]),
            route("/contacts/{contact_id}", self.update_contact, ["PATCH"]),
            route("/contacts/{contact_id}/tags/{ref}", self.add_contact_tag, ["PUT"]),
            route("/contacts/{contact_id}/tags/{ref}", self.remove_contact_tag, ["DELETE"]),
            route("/threads", self.list_threads, ["GET"]),
            route("/threads/{thread_id}", self.get_thread, ["GET"]),
            route("/threads/{thread_id}", self.update_thread, ["PATCH"]),
            route("/threads/{thread_id}", self.delete_thread, ["DELETE"]),
            route("/threads/{thread_id}/typing", self.typing, ["POST"]),
            route("/threads/{thread_id}/messages", self.list_messages, ["GET"]),
            route("/messages", self.send_message, ["POST"]),
            route(message, self.get_message, ["GET"]),
            route(message, self.edit_message, ["PATCH"]),
            route(message, self.unsend_message, ["DELETE"]),
            route(message + "/history", self.message_history, ["GET"]),
            route(message + "/reactions", self.react, ["POST"]),
            route(message + "/reactions", self.unreact, ["DELETE"]),
            route(message + "/attachments/{index}", self.get_attachment, ["GET"]),
            route("/tags", self.list_tags, ["GET"]),
            route("/tags", self.create_tag, ["POST"]),
            route(tag, self.get_tag, ["GET"]),
            route(tag, self.update_tag, ["PATCH"]),
            route(tag, self.delete_tag, ["DELETE"]),
            route("/statuses", self.list_statuses, ["GET"]),
            route("/statuses", self.create_status, ["POST"]),
            route(status, self.get_status, ["GET"]),
            route(status, self.update_status, ["PATCH"]),
            route(status, self.delete_status, ["DELETE"]),
            route("/colors", self.list_colors, ["GET"]),
            route("/events", self.list_events, ["GET"]),
        ]

    # --- wire shapes ------------------------------------------------------------------------

    def team(self) -> dict[str, Any]:
        v1 = self.store.team_wire()
        return {
            "id": v1["id"],
            "name": v1["name"],
            "slug": v1.get("slug") or "demo",
            "imageUrl": v1.get("image"),
            "currency": v1.get("currency") or "USD",
            "allowSupportAccess": bool(v1.get("allowSupportAccess")),
            "createdAt": v1.get("createdAt"),
        }

    @staticmethod
    def member(m: MemberRec) -> dict[str, Any]:
        return {
            "id": m.id,
            "name": m.name,
            "email": m.email,
            "imageUrl": None,
            "role": m.role,
            "createdAt": ts(m.created_at),
        }

    def account_link(self, link_id: str) -> dict[str, Any]:
        a = self.store.account_link(link_id)
        return {
            "id": a.id,
            "platform": "twitter",
            "platformId": a.platform_id,
            "username": a.username,
            "displayName": a.name,
            "avatarUrl": f"https://pbs.twimg.com/profile_images/{a.platform_id}/photo.jpg",
            "status": a.status,
            "pauseReasons": [],
            "capabilities": list(LINK_CAPABILITIES),
            "syncedAt": ts(a.created_at),
            "createdAt": ts(a.created_at),
        }

    @staticmethod
    def label(label: LabelRec, *, status: bool) -> dict[str, Any]:
        wire: dict[str, Any] = {"id": label.id, "name": label.name, "color": label.color}
        if status:
            wire["createdAt"] = ts(label.created_at)
        return wire

    @staticmethod
    def profile_id(p: ProspectRec) -> str:
        return "pf" + p.external_id[:22]

    def profile(self, p: ProspectRec) -> dict[str, Any]:
        website = f"https://{p.website_domain}" if p.website_domain else None
        badge = {"verified": "blue", "business": "gold", "government": "gray"}.get(p.verified)
        return {
            "id": self.profile_id(p),
            "platform": "twitter",
            "platformId": p.platform_id,
            "username": p.username,
            "handle": f"@{p.username}",
            "displayName": p.display_name,
            "avatarUrl": f"https://pbs.twimg.com/profile_images/{p.platform_id}/photo.jpg",
            "bio": p.bio,
            "location": p.location,
            "websiteUrl": website,
            "websiteDomain": p.website_domain,
            "verified": badge is not None,
            "isOrganization": p.profile_type != "personal",
            "isProtected": False,
            "followerCount": p.follower_count,
            "followingCount": p.following_count,
            "postCount": p.post_count,
            "engagementCount": p.post_count * 3,
            "listedCount": p.follower_count // 700,
            "accountStatus": "active",
            "platformCreatedAt": ts(p.created_on_platform),
            "profileUrl": f"https://x.com/{p.username}",
            "updatedAt": ts(p.first_seen_at),
            "platformData": {
                "_tag": "twitter",
                "badge": badge,
                "profileType": p.profile_type,
                "professionalCategory": None,
                "urlEntities": [],
                "bannerUrl": None,
                "rawData": None,
            },
        }

    def contact(self, p: ProspectRec, expand: AbstractSet[str] = frozenset()) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "id": p.external_id,
            "profiles": [self.profile(p)],
            "statusId": p.status_id,
            "tagIds": list(p.tags),
            "notes": p.notes,
            "valuation": p.valuation,
            "assigneeId": p.assignee_id,
            "createdAt": ts(p.first_seen_at),
            "updatedAt": ts(p.first_seen_at),
        }
        if "status" in expand and p.status_id in self.store.statuses:
            wire["status"] = self.label(self.store.statuses[p.status_id], status=True)
        if "tags" in expand:
            wire["tags"] = [
                self.label(self.store.tags[t], status=False) for t in p.tags if t in self.store.tags
            ]
        if "assignee" in expand and p.assignee_id in self.store.members:
            wire["assignee"] = self.member(self.store.members[p.assignee_id])
        return wire

    def thread(self, t: ThreadRec, expand: AbstractSet[str] = frozenset()) -> dict[str, Any]:
        last = t.last_message
        link = t.account_link_id
        assignee = effective_assignee(t)
        wire: dict[str, Any] = {
            "id": t.id,
            "platform": "twitter",
            "platformId": t.platform_id,
            "accountLinkId": link,
            "profileId": self.profile_id(t.prospect),
            "contactId": t.prospect.external_id,
            "assigneeId": assignee,
            "isRequest": t.is_request,
            "acceptanceState": "required" if t.is_request else "notRequired",
            "archived": t.done,
            "unread": t.unread,
            "restrictions": [] if t.variant == "xChat" else list(OLDER_DM_RESTRICTIONS),
            "syncing": t.sync_seconds > 0,
            "typingIndicators": "teamDefault",
            "lastMessage": None
            if last is None
            else {"id": last.id, "direction": direction(t, last), "createdAt": ts(last.created_at)},
            "activity": None
            if last is None
            else {
                "preview": last.content,
                "direction": direction(t, last),
                "at": ts(t.sort_at),
            },
            "createdAt": ts(t.created_at),
        }
        if "accountLink" in expand:
            wire["accountLink"] = self.account_link(link)
        if "profile" in expand:
            wire["profile"] = self.profile(t.prospect)
        if "contact" in expand:
            wire["contact"] = self.contact(t.prospect)
        if "assignee" in expand and assignee in self.store.members:
            wire["assignee"] = self.member(self.store.members[assignee])
        return wire

    def message(
        self,
        t: ThreadRec,
        m: MessageRec,
        expand: AbstractSet[str] = frozenset(),
    ) -> dict[str, Any]:
        outbound = direction(t, m) == "outbound"
        sent_by: dict[str, Any] | None = None
        if outbound and m.campaign_id:
            sent_by = {"type": "campaign", "campaignId": m.campaign_id, "stepId": None}
        elif outbound and m.user_id:
            sent_by = {"type": "member", "memberId": m.user_id}
        reply = None
        if m.reply_data:
            quoted = m.reply_data.get("messageId")
            reply = {
                "messageId": quoted if isinstance(quoted, str) else None,
                "platformId": None,
                "content": str(m.reply_data.get("content") or ""),
                "authorName": None,
            }
        wire: dict[str, Any] = {
            "id": m.id,
            "threadId": t.id,
            "accountLinkId": t.account_link_id,
            "platform": "twitter",
            "platformId": m.platform_id,
            "direction": direction(t, m),
            "sentBy": sent_by,
            "content": m.content,
            "entities": {
                "urls": [],
                "postShares": [],
                "mentions": [],
                "hashtags": [],
                "cashtags": [],
                "format": [],
            },
            "attachments": [attachment(m, 0)] if m.attachment else [],
            "forwarded": None
            if not m.forward_data
            else {"content": m.forward_data.get("url") if m.forward_data else None},
            "reactions": [self.reaction(t, r) for r in m.reactions],
            "editedAt": ts(m.updated_at) if m.is_edited else None,
            "deletedAt": ts(m.deletion.deleted_at) if m.deletion else None,
            "createdAt": ts(m.created_at),
            "platformData": {"_tag": "twitter", "encrypted": t.variant == "xChat"},
            "replyTo": reply,
        }
        if "thread" in expand:
            wire["thread"] = self.thread(t)
        if "accountLink" in expand:
            wire["accountLink"] = self.account_link(t.account_link_id)
        return wire

    def reaction(self, t: ThreadRec, r: dict[str, Any]) -> dict[str, Any]:
        sender = r.get("senderId")
        author: dict[str, Any]
        if sender == t.account_link_id:
            author = {"type": "accountLink", "accountLinkId": t.account_link_id}
        else:
            author = {
                "type": "profile",
                "profileId": self.profile_id(t.prospect),
                "contactId": t.prospect.external_id,
            }
        return {"emoji": str(r.get("emoji") or ""), "author": author, "createdAt": None}

    # --- platforms, team, members, account links --------------------------------------------

    async def list_platforms(self, request: Request) -> Any:
        Query.read(request, {})
        return [
            {
                "platform": "twitter",
                "name": "X",
                "usernamePrefix": "@",
                "capabilities": list(LINK_CAPABILITIES),
                "limits": {
                    "characters": MAX_CONTENT,
                    "mediaCount": 1,
                    "mediaBytes": 5_242_880,
                    "mediaTypes": {"image": ["image/jpeg", "image/png"], "gif": ["image/gif"]},
                },
                "mutationWindows": dict(MUTATION_WINDOWS),
                "threadState": {
                    "archive": {"observe": True, "mutate": False},
                    "read": {"observe": True, "mutate": False},
                },
            }
        ]

    async def get_team(self, request: Request) -> Any:
        Query.read(request, {})
        return self.team()

    def _offset_page(self, query: Query, kind: str, items: list[Any]) -> dict[str, Any]:
        limit = query.limit()
        position = decode_cursor(query, kind)
        start = position[0] if position and isinstance(position[0], int) else 0
        chunk = items[start : start + limit]
        more = start + limit < len(items)
        next_cursor = encode_cursor(kind, query.filters_digest(), [start + limit]) if more else None
        return {"data": chunk, "nextCursor": next_cursor}

    async def list_members(self, request: Request) -> Any:
        query = Query.read(request, {"limit": False, "cursor": False})
        members = [self.member(m) for m in self.store.members.values()]
        return self._offset_page(query, "members", members)

    async def get_member(self, request: Request) -> Any:
        Query.read(request, {})
        return self.member(self.store.member(request.path_params["member_id"]))

    async def list_account_links(self, request: Request) -> Any:
        query = Query.read(
            request, {"platform": True, "status": True, "limit": False, "cursor": False}
        )
        statuses = set(query.many("status"))
        platforms = set(query.many("platform"))
        links = [
            self.account_link(a.id)
            for a in self.store.account_links.values()
            if (not statuses or a.status in statuses) and (not platforms or "twitter" in platforms)
        ]
        return self._offset_page(query, "accountLinks", links)

    async def get_account_link(self, request: Request) -> Any:
        Query.read(request, {})
        return self.account_link(request.path_params["link_id"])

    # --- contacts ---------------------------------------------------------------------------

    def _contact(self, contact_id: str) -> ProspectRec:
        try:
            return self.store.prospect(contact_id)
        except DemoError:
            raise V2Error(404, "contactNotFound", f"No contact with ID {contact_id}") from None

    async def list_contacts(self, request: Request) -> Any:
        query = Query.read(
            request,
            {
                "platform": False,
                "platformId": True,
                "username": True,
                "expand": True,
                "limit": False,
                "cursor": False,
            },
        )
        platform = query.one("platform")
        if not platform:
            raise invalid("platform", "is required")
        platform_ids, usernames = query.many("platformId"), query.many("username")
        if not platform_ids and not usernames:
            raise invalid("", "give platformId or username")
        if len(platform_ids) > 100 or len(usernames) > 100:
            raise invalid("platformId", "at most 100 values")
        expand = query.expand(("status", "tags", "assignee"))
        found: list[ProspectRec] = []
        if platform == "twitter":
            self.store.ensure_all()
            wanted_ids, wanted_names = set(platform_ids), {fold(u) for u in usernames}
            found = [
                p
                for p in self.store.prospects.values()
                if p.platform_id in wanted_ids or fold(p.username) in wanted_names
            ]
        contacts = [self.contact(p, expand) for p in found]
        return self._offset_page(query, "contacts", contacts)

    async def get_contact(self, request: Request) -> Any:
        query = Query.read(request, {"expand": True})
        expand = query.expand(("status", "tags", "assignee"))
        return self.contact(self._contact(request.path_params["contact_id"]), expand)

    async def update_contact(self, request: Request) -> Any:
        Query.read(request, {})
        person = self._contact(request.path_params["contact_id"])
        body = await json_object(request, {"status", "notes", "valuation", "assigneeId"})
        changes: dict[str, Any] = {}
        if "status" in body:
            ref = body["status"]
            if ref is not None and not isinstance(ref, str):
                raise invalid("status", "must be a status ID or name, or null")
            changes["statusId"] = None if ref is None else self._label("statuses", ref).id
        if "notes" in body:
            if body["notes"] is not None and not isinstance(body["notes"], str):
                raise invalid("notes", "must be a string or null")
            changes["notes"] = body["notes"]
        if "valuation" in body:
            value = body["valuation"]
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if value is not None and not (number and math.isfinite(value)):
                raise invalid("valuation", "must be a finite number or null")
            changes["valuation"] = value
        if "assigneeId" in body:
            member_or_none(body)
            if body["assigneeId"] is not None:
                self.store.member(body["assigneeId"])
        self.store.update_context(person, changes)
        if "assigneeId" in body and body["assigneeId"] != person.assignee_id:
            person.assignee_id = body["assigneeId"]
            self.store.events.record(
                "contact.assigneeChanged",
                prospectId=person.external_id,
                assigneeId=body["assigneeId"],
            )
        return self.contact(person)

    async def add_contact_tag(self, request: Request) -> Any:
        return self._contact_tag(request, add=True)

    async def remove_contact_tag(self, request: Request) -> Any:
        return self._contact_tag(request, add=False)

    def _contact_tag(self, request: Request, *, add: bool) -> Any:
        Query.read(request, {})
        person = self._contact(request.path_params["contact_id"])
        tag = self._label("tags", request.path_params["ref"])
        key = "addTags" if add else "removeTags"
        self.store.update_context(person, {key: [tag.id]})
        return NO_CONTENT

    # --- threads ----------------------------------------------------------------------------

    THREAD_EXPAND = ("profile", "contact", "accountLink", "assignee")

    async def list_threads(self, request: Request) -> Any:
        query = Query.read(
            request,
            {
                "accountLinkId": True,
                "platform": True,
                "contactId": True,
                "folder": False,
                "tag": True,
                "status": True,
                "assigneeId": True,
                "unassigned": False,
                "campaignId": True,
                "q": False,
                "order": False,
                "expand": True,
                "limit": False,
                "cursor": False,
            },
        )
        folders = ("inbox", "noReply", "requests", "archived", "all")
        folder = query.choice("folder", folders, "inbox") or "inbox"
        order = query.choice("order", ("desc", "asc"), "desc")
        unassigned = query.flag("unassigned")
        assignee_ids = query.ids("assigneeId")
        if unassigned and assignee_ids:
            raise invalid("unassigned", "cannot be combined with assigneeId")
        q = query.one("q")
        if q is not None and not q:
            raise invalid("q", "must be at least 1 character")
        tags, statuses = query.many("tag"), query.many("status")
        flt = FolderFilter(
            folder=folder,
            account_link_ids=frozenset(query.ids("accountLinkId")),
            contact_ids=frozenset(query.ids("contactId")),
            tag_ids=frozenset(self._label_ids("tags", tags)) if tags else None,
            status_ids=frozenset(self._label_ids("statuses", statuses)) if statuses else None,
            assignee_ids=frozenset(assignee_ids),
            unassigned=unassigned,
            campaign_ids=frozenset(query.ids("campaignId")),
            platforms=frozenset(query.many("platform")),
            q=q,
            ascending=order == "asc",
        )
        expand = query.expand(self.THREAD_EXPAND)
        limit = query.limit()
        position = decode_cursor(query, "threads")
        cursor = _cursor_key(position) if position is not None else None
        threads, next_key = self.store.list_threads(flt, limit, cursor)
        next_cursor = None
        if next_key is not None:
            next_cursor = encode_cursor(
                "threads", query.filters_digest(), [ts(next_key[0]), next_key[1]]
            )
        return {"data": [self.thread(t, expand) for t in threads], "nextCursor": next_cursor}

    def _label(self, kind: str, ref: str) -> LabelRec:
        """A tag or status by ID or by name (ignoring case and accents); the ID wins."""
        labels = self.store.labels(kind)
        if ref in labels:
            return labels[ref]
        wanted = fold(ref)
        for label in labels.values():
            if fold(label.name) == wanted:
                return label
        code = "tagNotFound" if kind == "tags" else "statusNotFound"
        raise V2Error(404, code, f"No {'tag' if kind == 'tags' else 'status'} {ref!r}")

    def _label_ids(self, kind: str, refs: Iterable[str]) -> list[str]:
        found = []
        for ref in refs:
            try:
                found.append(self._label(kind, ref).id)
            except V2Error:
                found.append(ref)  # no such label: it matches no thread, as an ID would
        return found

    async def get_thread(self, request: Request) -> Any:
        query = Query.read(request, {"expand": True})
        expand = query.expand(self.THREAD_EXPAND)
        return self.thread(self.store.thread(request.path_params["thread_id"]), expand)

    async def update_thread(self, request: Request) -> Any:
        query = Query.read(request, {"expand": True})
        expand = query.expand(self.THREAD_EXPAND)
        thread = self.store.thread(request.path_params["thread_id"])
        body = await json_object(request, {"archived", "unread", "assigneeId", "typingIndicators"})
        changes: dict[str, Any] = {}
        for key in ("archived", "unread"):
            if key in body and not isinstance(body[key], bool):
                raise invalid(key, "must be true or false")
        if "assigneeId" in body:
            changes["assigneeId"] = member_or_none(body)
        if "typingIndicators" in body and body["typingIndicators"] not in (
            "enabled",
            "disabled",
            "teamDefault",
        ):
            raise invalid("typingIndicators", "must be enabled, disabled or teamDefault")
        if "archived" in body:
            changes["done"] = body["archived"]
        self.store.update_thread(thread, changes)
        if "unread" in body:
            thread.unread = body["unread"]
        return self.thread(thread, expand)

    async def delete_thread(self, request: Request) -> Any:
        Query.read(request, {})
        self.store.delete_thread(self.store.thread(request.path_params["thread_id"]))
        return {"scope": "remoteAndLocal"}

    async def typing(self, request: Request) -> Any:
        Query.read(request, {})
        thread = self.store.thread(request.path_params["thread_id"])
        now = time.monotonic()
        if now - self._typing.get(thread.id, -TYPING_EVERY) < TYPING_EVERY:
            return Accepted({"status": "skipped", "reason": "rateLimited"})
        self._typing[thread.id] = now
        return Accepted({"status": "sent", "reason": None})

    # --- messages ---------------------------------------------------------------------------

    MESSAGE_EXPAND = ("sentBy", "reactions.author", "thread", "accountLink", "replyTo.message")

    async def list_messages(self, request: Request) -> Any:
        query = Query.read(
            request, {"order": False, "expand": True, "limit": False, "cursor": False}
        )
        thread = self.store.thread(request.path_params["thread_id"])
        order = query.choice("order", ("desc", "asc"), "desc")
        expand = query.expand(self.MESSAGE_EXPAND)
        limit = query.limit()
        position = decode_cursor(query, f"messages:{thread.id}")
        cursor = _cursor_key(position) if position is not None else None
        if order == "asc":
            everything = self.store.messages_of(thread)
            if self.store.syncing(thread):
                everything = everything[-3:]
            start = 0
            if cursor is not None:
                start = next((i + 1 for i, m in enumerate(everything) if m.key == cursor), 0)
            page = everything[start : start + limit]
            more = start + limit < len(everything)
            next_key = page[-1].key if more and page else None
        else:
            page, next_key = self.store.list_messages(thread, limit, cursor)
        next_cursor = None
        if next_key is not None:
            position = [ts(next_key[0]), next_key[1]]
            next_cursor = encode_cursor(f"messages:{thread.id}", query.filters_digest(), position)
        return {"data": [self.message(thread, m, expand) for m in page], "nextCursor": next_cursor}

    def _find(self, message_id: str) -> tuple[ThreadRec, MessageRec]:
        if not CUID.match(message_id):
            raise V2Error(404, "messageNotFound", f"No message with ID {message_id}")
        for thread in list(self.store.threads.values()):
            if thread.messages is None:
                continue
            for message in thread.messages:
                if message.id == message_id:
                    return thread, message
        raise V2Error(404, "messageNotFound", f"No message with ID {message_id}")

    async def get_message(self, request: Request) -> Any:
        query = Query.read(request, {"expand": True})
        expand = query.expand(self.MESSAGE_EXPAND)
        thread, message = self._find(request.path_params["message_id"])
        return self.message(thread, message, expand)

    async def send_message(self, request: Request) -> Any:
        Query.read(request, {})
        key = request.headers.get("idempotency-key")
        if key is not None and not (1 <= len(key) <= 255 and key.isascii() and key.isprintable()):
            raise invalid("Idempotency-Key", "must be 1 to 255 printable ASCII characters")
        body = await json_object(request, {"target", "content", "replyToMessageId"})
        fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        if key is not None and key in self._sends:
            seen, answer = self._sends[key]
            if seen != fingerprint:
                raise V2Error(
                    422, "idempotencyKeyReused", "This Idempotency-Key was used for another send"
                )
            return answer  # the original result, replayed with 200
        content = body.get("content")
        if not isinstance(content, str) or not content.strip():
            raise invalid("content", "is required and cannot be empty")
        if len(content) > MAX_CONTENT:
            raise V2Error(
                422,
                "contentRejected",
                f"Longer than {MAX_CONTENT} characters",
                {"detail": "too long"},
            )
        reply_to = body.get("replyToMessageId")
        if reply_to is not None and not (isinstance(reply_to, str) and CUID.match(reply_to)):
            raise invalid("replyToMessageId", "must be a message ID")
        thread, created = self._send_target(body.get("target"))
        message = self.store.send_message(thread, content, reply_to, self.store.acting_member_id)
        answer = {
            "message": self.message(thread, message),
            "thread": self.thread(thread),
        }
        if key is not None:
            self._sends[key] = (fingerprint, answer)
        return Created(answer) if created else answer

    def _send_target(self, target: Any) -> tuple[ThreadRec, bool]:
        if not isinstance(target, dict):
            raise invalid("target", "is required: {type: thread|contact|profile, ...}")
        kind = target.get("type")
        if kind == "thread":
            allowed = {"type", "threadId"}
        elif kind == "contact":
            allowed = {"type", "accountLinkId", "contactId"}
        elif kind == "profile":
            allowed = {"type", "accountLinkId", "platform", "platformId"}
        else:
            raise invalid("target.type", "must be thread, contact or profile")
        extra = set(target) - allowed
        if extra or set(target) != allowed:
            raise invalid("target", f"a {kind} target has exactly {', '.join(sorted(allowed))}")
        if kind == "thread":
            return self.store.thread(str(target["threadId"])), False
        link_id = str(target["accountLinkId"])
        self.store.account_link(link_id)
        if kind == "contact":
            person = self._contact(str(target["contactId"]))
        else:
            if target["platform"] != "twitter":
                raise V2Error(
                    422,
                    "platformNotSupported",
                    "Only twitter is enabled for this team",
                    {"platform": str(target["platform"]), "supported": ["twitter"]},
                )
            found = self.store.find_prospect(str(target["platformId"]), None)
            if found is None:
                raise V2Error(
                    422,
                    "recipientUnavailable",
                    "No X user with that ID can receive messages",
                    {"reason": "notFound"},
                )
            person = found
        existing = self.store.lookup_thread(link_id, None, person.external_id)
        if existing is not None:
            return existing, False
        return self.store.create_thread(link_id, None, person.external_id), True

    def _mutable(self, thread: ThreadRec, capability: str) -> None:
        if thread.variant != "xChat" and capability in OLDER_DM_RESTRICTIONS:
            raise V2Error(
                422,
                "threadRestricted",
                f"{capability} is not available in this conversation",
                {"capability": capability},
            )

    def _run(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except DemoError as error:
            raise from_demo_error(error) from None

    async def edit_message(self, request: Request) -> Any:
        Query.read(request, {})
        thread, message = self._find(request.path_params["message_id"])
        body = await json_object(request, {"content"})
        content = body.get("content")
        if not isinstance(content, str) or not content.strip():
            raise invalid("content", "is required and cannot be empty")
        self._mutable(thread, "message:edit")
        self._run(lambda: xchat.edit_message(self.store, thread, message.id, content))
        return self.message(thread, message)

    async def unsend_message(self, request: Request) -> Any:
        query = Query.read(request, {"scope": False})
        scope = query.choice("scope", ("self", "all"))
        if scope is None:
            raise invalid("scope", "is required: self or all")
        thread, message = self._find(request.path_params["message_id"])
        self._mutable(thread, "message:unsend" if scope == "all" else "message:delete:self")
        self._run(lambda: xchat.delete_message(self.store, thread, message.id, scope == "all"))
        deleted = message.deletion.deleted_at if message.deletion else None
        return {"messageId": message.id, "scope": scope, "deletedAt": ts(deleted)}

    async def message_history(self, request: Request) -> Any:
        Query.read(request, {})
        _thread, message = self._find(request.path_params["message_id"])
        versions = message.versions or []
        listed = [
            {"content": v.content, "createdAt": ts(v.created_at), "origin": v.edit_origin}
            for v in versions
        ] or [{"content": message.content, "createdAt": ts(message.created_at), "origin": None}]
        deletion = None
        if message.deletion is not None:
            deletion = {
                "deletedAt": ts(message.deletion.deleted_at),
                "scope": message.deletion.deletion_type,
                "origin": message.deletion.origin,
            }
        return {"versions": listed, "deletion": deletion, "times": "observed"}

    async def react(self, request: Request) -> Any:
        Query.read(request, {})
        body = await json_object(request, {"emoji"})
        return await self._react(request, body.get("emoji"), add=True)

    async def unreact(self, request: Request) -> Any:
        query = Query.read(request, {"emoji": False})
        return await self._react(request, query.one("emoji"), add=False)

    async def _react(self, request: Request, emoji: Any, *, add: bool) -> Any:
        if not isinstance(emoji, str) or not emoji.strip() or len(emoji) > xchat.MAX_EMOJI_LENGTH:
            raise invalid("emoji", "must be exactly one emoji")
        thread, message = self._find(request.path_params["message_id"])
        self._mutable(thread, "message:react")
        self._run(lambda: xchat.react(self.store, thread, message.id, emoji, add))
        return {
            "reactions": [self.reaction(thread, r) for r in message.reactions],
            "version": len(message.reactions),
        }

    async def get_attachment(self, request: Request) -> Any:
        Query.read(request, {})
        _thread, message = self._find(request.path_params["message_id"])
        try:
            index = int(request.path_params["index"])
        except ValueError:
            raise invalid("index", "must be a whole number") from None
        if index != 0 or not message.attachment:
            raise V2Error(404, "messageNotFound", "No such attachment on this message")
        return attachment(message, index)

    # --- tags, statuses, colours ------------------------------------------------------------

    async def list_tags(self, request: Request) -> Any:
        Query.read(request, {})
        tags = sorted(self.store.tags.values(), key=lambda t: fold(t.name))
        return {"data": [self.label(t, status=False) for t in tags], "nextCursor": None}

    async def list_statuses(self, request: Request) -> Any:
        Query.read(request, {})
        statuses = [self.label(s, status=True) for s in self.store.statuses.values()]
        return {"data": statuses, "nextCursor": None}

    async def create_tag(self, request: Request) -> Any:
        return Created(await self._create(request, "tags"))

    async def create_status(self, request: Request) -> Any:
        return Created(await self._create(request, "statuses"))

    async def _create(self, request: Request, kind: str) -> dict[str, Any]:
        Query.read(request, {})
        body = await json_object(request, {"name", "color"})
        name, color = qp.label_name(body), qp.label_color(body)
        label = self._run(lambda: self.store.create_label(kind, name, color))
        return self.label(label, status=kind == "statuses")

    async def get_tag(self, request: Request) -> Any:
        Query.read(request, {})
        return self.label(self._label("tags", request.path_params["ref"]), status=False)

    async def get_status(self, request: Request) -> Any:
        Query.read(request, {})
        return self.label(self._label("statuses", request.path_params["ref"]), status=True)

    async def update_tag(self, request: Request) -> Any:
        return await self._update(request, "tags")

    async def update_status(self, request: Request) -> Any:
        return await self._update(request, "statuses")

    async def _update(self, request: Request, kind: str) -> Any:
        Query.read(request, {})
        label = self._label(kind, request.path_params["ref"])
        body = await json_object(request, {"name", "color"})
        changes: dict[str, Any] = {}
        if "name" in body:
            changes["name"] = qp.label_name(body)
        if "color" in body:
            changes["color"] = qp.label_color(body)
        self._run(lambda: self.store.update_label(label, kind, changes))
        return self.label(label, status=kind == "statuses")

    async def delete_tag(self, request: Request) -> Any:
        return self._delete(request, "tags")

    async def delete_status(self, request: Request) -> Any:
        return self._delete(request, "statuses")

    def _delete(self, request: Request, kind: str) -> Any:
        Query.read(request, {})
        self.store.delete_label(kind, self._label(kind, request.path_params["ref"]))
        return NO_CONTENT

    async def list_colors(self, request: Request) -> Any:
        Query.read(request, {})
        return self.store.colors_wire()

    # --- events -----------------------------------------------------------------------------

    async def list_events(self, request: Request) -> Any:
        query = Query.read(request, {"afterSeq": False, "type": True, "limit": False})
        after = query.integer("afterSeq", 0, 0, 9_007_199_254_740_991)
        limit = query.limit(default=100, high=1000)
        wanted = set(query.many("type"))
        page = self.store.events.page(after, limit)
        events = []
        for event in page["events"]:
            translated = self.event(event)
            if translated is not None and (not wanted or translated["type"] in wanted):
                events.append(translated)
        return {"data": events, "lastSeq": page["lastSeq"], "hasMore": page["hasMore"]}

    def event(self, event: dict[str, Any]) -> dict[str, Any] | None:
        """A stored (v1-named) event in v2's form; None for those v2 does not have."""
        kind: str = event["type"]
        data: dict[str, Any] = event.get("data") or {}
        thread_id = data.get("threadId")
        obj: tuple[str, str]
        out: dict[str, Any] = {}
        if kind.startswith("thread."):
            obj = ("thread", str(thread_id))
            if kind in ("thread.assigned", "thread.unassigned"):
                out = {"assigneeId": data.get("assigneeId")}
            elif kind == "thread.deleted":
                out = {"accountLinkId": str(data.get("accountLinkId") or ""), "platform": "twitter"}
        elif kind.startswith("message."):
            obj = ("message", str(data.get("messageId")))
            out = {"threadId": str(thread_id)}
            if kind == "message.created":
                thread = self.store.threads.get(str(thread_id))
                ours = thread is not None and data.get("authorId") == thread.account_link_id
                kind = "message.sent" if ours else "message.received"
            elif kind == "message.deleted":
                out["scope"] = "all" if data.get("deleteForAll", True) else "self"
            elif kind in ("message.reactionAdded", "message.reactionRemoved"):
                thread = self.store.threads.get(str(thread_id))
                author = self.store.account_links.get(thread.account_link_id) if thread else None
                out.update(
                    emoji=str(data.get("emoji")),
                    authorPlatformId=author.platform_id if author else "",
                )
        elif kind.startswith("prospect."):
            rename = {
                "prospect.statusChanged": ("contact.statusChanged", "statusId", "statusId"),
                "prospect.tagsChanged": ("contact.tagsChanged", "tagIds", "tags"),
                "prospect.notesChanged": ("contact.notesChanged", "notes", "notes"),
                "prospect.valuationChanged": ("contact.valuationChanged", "valuation", "valuation"),
            }
            if kind not in rename:
                return None  # prospect.created / enriched: no v2 counterpart
            kind, key, source = rename[kind]
            obj = ("contact", str(data.get("prospectId")))
            out = {key: data.get(source)}
        elif kind == "contact.assigneeChanged":
            obj = ("contact", str(data.get("prospectId")))
            out = {"assigneeId": data.get("assigneeId")}
        elif kind.split(".")[0] in ("tag", "status"):
            obj = (kind.split(".")[0], str(data.get("id")))
        else:
            return None
        collection = {"thread": "threads", "message": "messages", "contact": "contacts"}
        plural = collection.get(obj[0]) or ("tags" if obj[0] == "tag" else "statuses")
        return {
            "id": event["id"],
            "seq": event["seq"],
            "type": kind,
            "apiVersion": "2",
            "createdAt": event["timestamp"],
            "object": {"type": obj[0], "id": obj[1], "url": f"/api/v2/{plural}/{obj[1]}"},
            "data": out,
        }


def direction(t: ThreadRec, m: MessageRec) -> str:
    return "outbound" if m.author_id == t.account_link_id else "inbound"


def attachment(m: MessageRec, index: int) -> dict[str, Any]:
    url = (m.attachment or {}).get("url")
    return {
        "index": index,
        "kind": "image",
        "filename": "photo.jpg",
        "contentType": "image/jpeg",
        "sizeBytes": 182_044,
        "width": 1200,
        "height": 800,
        "aspectRatio": 1.5,
        "durationSeconds": None,
        "status": "ready",
        "url": url if isinstance(url, str) else None,
        "expiresAt": None,
        "poster": None,
    }


class Created:
    """A 201 answer."""

    def __init__(self, body: Any) -> None:
        self.body = body


class Accepted:
    """A 202 answer."""

    def __init__(self, body: Any) -> None:
        self.body = body


NO_CONTENT = object()  # a 204 answer


async def json_object(request: Request, allowed: set[str]) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise invalid("", "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise invalid("", "the body must be a JSON object")
    for key in body:
        if key not in allowed:
            raise invalid(key, "unknown field")
    return body


def member_or_none(body: dict[str, Any]) -> str | None:
    """The body's `assigneeId`: a member ID, or null (which clears it)."""
    assignee = body["assigneeId"]
    if assignee is not None and not (isinstance(assignee, str) and CUID.match(assignee)):
        raise invalid("assigneeId", "must be a member ID or null")
    return assignee
