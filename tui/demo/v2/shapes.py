"""Records of the demo's store in v2's wire shapes (07-inbox-v2-openapi.json)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from tui.demo.records import (
    PLATFORM_NAMES,
    USERNAME_PREFIXES,
    LabelRec,
    MemberRec,
    MessageRec,
    ProspectRec,
    ThreadRec,
    ts,
)
from tui.demo.store import DemoStore
from tui.demo.v2.query import effective_assignee

MAX_CONTENT = 10_000


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

# The team's platforms (`GET /platforms`): X; LinkedIn, on one account link, with a shorter
# message limit, documents, an hour to edit or unsend, and neither reactions, quoting nor
# typing; and Instagram, on another, shorter still and without editing. These figures are the
# demo's own: the service's are whatever its `GET /platforms` says.
PLATFORMS: dict[str, dict[str, Any]] = {
    "twitter": {
        "platform": "twitter",
        "name": PLATFORM_NAMES["twitter"],
        "usernamePrefix": USERNAME_PREFIXES["twitter"],
        "capabilities": LINK_CAPABILITIES,
        "limits": {
            "characters": MAX_CONTENT,
            "mediaCount": 1,
            "mediaBytes": 5_242_880,
            "mediaTypes": {"image": ["image/jpeg", "image/png"], "gif": ["image/gif"]},
        },
        "mutationWindows": MUTATION_WINDOWS,
        "threadState": {
            "archive": {"observe": True, "mutate": False},
            "read": {"observe": True, "mutate": False},
        },
    },
    "linkedin": {
        "platform": "linkedin",
        "name": PLATFORM_NAMES["linkedin"],
        "usernamePrefix": USERNAME_PREFIXES["linkedin"],
        "capabilities": [
            "message:send",
            "message:edit",
            "message:unsend",
            "media:image",
            "media:file",
            "thread:archive:observe",
            "thread:archive:mutate",
            "thread:read:observe",
            "thread:read:mutate",
        ],
        "limits": {
            "characters": 8_000,
            "mediaCount": 5,
            "mediaBytes": 20_971_520,
            "mediaTypes": {
                "image": ["image/jpeg", "image/png", "image/gif"],
                "file": [".pdf", ".docx", ".pptx", ".xlsx"],
            },
        },
        "mutationWindows": {"message:edit": 3_600, "message:unsend": 3_600},
        "threadState": {
            "archive": {"observe": True, "mutate": True},
            "read": {"observe": True, "mutate": True},
        },
    },
    "instagram": {
        "platform": "instagram",
        "name": PLATFORM_NAMES["instagram"],
        "usernamePrefix": USERNAME_PREFIXES["instagram"],
        "capabilities": [
            "message:send",
            "message:unsend",
            "message:react",
            "message:reply",
            "media:image",
            "media:video",
            "media:audio",
            "thread:typing:send",
            "thread:typing:receive",
            "thread:message-requests",
            "thread:read:observe",
        ],
        "limits": {
            "characters": 1_000,
            "mediaCount": 1,
            "mediaBytes": 8_388_608,
            "mediaTypes": {"image": ["image/*"], "video": ["video/mp4"], "audio": ["audio/*"]},
        },
        "mutationWindows": {},
        "threadState": {"archive": None, "read": {"observe": True, "mutate": False}},
    },
}


def max_characters(platform: str) -> int:
    limit = PLATFORMS.get(platform, PLATFORMS["twitter"])["limits"]["characters"]
    return int(limit)


def restrictions(t: ThreadRec) -> list[str]:
    """What this conversation does not allow: an older (unencrypted) X DM changes nothing once
    sent, and a thread can carry restrictions of its own."""
    older = t.platform == "twitter" and t.variant != "xChat"
    base = list(OLDER_DM_RESTRICTIONS) if older else []
    return base + [r for r in t.restrictions if r not in base]


class Shapes:
    def __init__(self, store: DemoStore) -> None:
        self.store = store

    def attachment(self, m: MessageRec, index: int) -> dict[str, Any]:
        """Media with a link valid for a while (ready), or without one yet (processing); a
        link card as it is."""
        a = m.attachments[index]
        if a.kind == "card":
            return {
                "index": index,
                "kind": "card",
                "url": a.url,
                "title": a.title,
                "description": a.description,
                "domain": a.domain,
                "thumbnail": None,
            }
        url, expires = self.store.media.signed_url(m.id, index)
        ready = not a.processing
        size = len(self.store.media.content(m.id, index, a)) if ready else None
        return {
            "index": index,
            "kind": a.kind,
            "filename": a.filename,
            "contentType": a.content_type,
            "sizeBytes": size,
            "width": a.width,
            "height": a.height,
            "aspectRatio": a.width / a.height if a.width and a.height else None,
            "durationSeconds": a.duration,
            "status": "ready" if ready else "processing",
            "url": url if ready else None,
            "expiresAt": ts(expires) if ready else None,
            "poster": None,
        }

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
            "platform": a.platform,
            "platformId": a.platform_id,
            "username": a.username,
            "displayName": a.name,
            "avatarUrl": a.avatar_url,
            "status": a.status,
            "pauseReasons": list(a.pause_reasons),
            "capabilities": list(PLATFORMS[a.platform]["capabilities"]),
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
        platform_data: dict[str, Any] = {"_tag": p.platform}
        if p.platform == "twitter":
            platform_data.update(
                badge=badge,
                profileType=p.profile_type,
                professionalCategory=None,
                urlEntities=[],
                bannerUrl=None,
                rawData=None,
            )
        return {
            "id": self.profile_id(p),
            "platform": p.platform,
            "platformId": p.platform_id,
            "username": p.username,
            "handle": p.handle,
            "displayName": p.display_name,
            "avatarUrl": p.avatar_url,
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
            "profileUrl": p.profile_url,
            "updatedAt": ts(p.first_seen_at),
            "platformData": platform_data,
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
            "platform": t.platform,
            "platformId": t.platform_id,
            "accountLinkId": link,
            "profileId": self.profile_id(t.prospect),
            "contactId": t.prospect.external_id,
            "assigneeId": assignee,
            "isRequest": t.is_request,
            "acceptanceState": "required" if t.is_request else "notRequired",
            "archived": t.done,
            "unread": t.unread,
            "restrictions": restrictions(t),
            "syncing": t.sync_seconds > 0,
            "typingIndicators": t.typing_indicators,
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
            "platform": t.platform,
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
            "attachments": [self.attachment(m, i) for i in range(len(m.attachments))],
            "forwarded": None
            if not m.forward_data
            else {"content": m.forward_data.get("url") if m.forward_data else None},
            "reactions": [self.reaction(t, r) for r in m.reactions],
            "editedAt": ts(m.updated_at) if m.is_edited else None,
            "deletedAt": ts(m.deletion.deleted_at) if m.deletion else None,
            "createdAt": ts(m.created_at),
            "platformData": {"_tag": "twitter", "encrypted": t.variant == "xChat"}
            if t.platform == "twitter"
            else {"_tag": t.platform},
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
                link = self.store.account_links.get(str(data.get("accountLinkId") or ""))
                out = {
                    "accountLinkId": link.id if link else "",
                    "platform": link.platform if link else "twitter",
                }
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
