"""The demo API's records: plain slotted objects, serialised to the documented wire shapes."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.core.query import format_timestamp


def ts(value: datetime | None) -> str | None:
    return None if value is None else format_timestamp(value)


# The demo's platforms as people see them: the name, and what a username is shown with (v2's
# `usernamePrefix`: LinkedIn shows none). Their limits and capabilities are in v2/shapes.py.
PLATFORM_NAMES = {"twitter": "X", "linkedin": "LinkedIn", "instagram": "Instagram"}
USERNAME_PREFIXES = {"twitter": "@", "linkedin": "", "instagram": "@"}


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


# Where each platform keeps a picture and a profile (X's for a platform not listed).
AVATAR_URLS = {
    "twitter": "https://pbs.twimg.com/profile_images/{}/photo.jpg",
    "instagram": "https://scontent.cdninstagram.com/v/{}/photo.jpg",
    "linkedin": "https://media.licdn.com/dms/image/v2/{}/profile-displayphoto/photo.jpg",
}
PROFILE_URLS = {
    "twitter": "https://x.com/{}",
    "instagram": "https://www.instagram.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
}


def avatar_url(platform: str, platform_id: str) -> str:
    return AVATAR_URLS.get(platform, AVATAR_URLS["twitter"]).format(platform_id)


def profile_url(platform: str, username: str) -> str:
    return PROFILE_URLS.get(platform, PROFILE_URLS["twitter"]).format(username)


def conversation_id(platform: str, ours: str, theirs: str) -> str:
    """The platform's ID of a conversation between two of its users: on X (and Instagram, as
    the demo has it) both user IDs, smaller first; on LinkedIn an opaque "2-..." ID."""
    if platform == "linkedin" or not (ours.isdigit() and theirs.isdigit()):
        digest = hashlib.sha256(f"{ours}:{theirs}".encode()).digest()[:27]
        return "2-" + base64.urlsafe_b64encode(digest).decode()
    return ":".join(sorted((ours, theirs), key=int))


@dataclass(slots=True)
class MemberRec:
    id: str
    user_id: str
    name: str
    email: str
    role: str
    created_at: datetime

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "userId": self.user_id,
            "name": self.name,
            "email": self.email,
            "image": None,
            "role": self.role,
            "createdAt": ts(self.created_at),
            "updatedAt": None,
        }


@dataclass(slots=True)
class AccountLinkRec:
    id: str
    platform_id: str
    name: str
    username: str
    created_at: datetime
    status: str = "active"  # or "paused" (see pause_reasons), "offline"
    pause_reasons: list[str] = field(default_factory=list)
    platform: str = "twitter"  # or "linkedin", "instagram" (v2 only tells them apart)

    @property
    def avatar_url(self) -> str:
        return avatar_url(self.platform, self.platform_id)

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "platform": "twitter",  # v1 knows no other (its spec's enum)
            "platformId": self.platform_id,
            "name": self.name,
            "username": self.username,
            "image": self.avatar_url,
            "createdAt": ts(self.created_at),
            "status": self.status,
            "syncedAt": ts(self.created_at),
        }


@dataclass(slots=True)
class LabelRec:
    """A tag or a status: both have an id, a name and a colour (lowercase hex; a status's may
    be None)."""

    id: str
    name: str
    color: str | None
    created_at: datetime

    def tag_wire(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "color": self.color}

    def status_wire(self) -> dict[str, Any]:
        return {**self.tag_wire(), "createdAt": ts(self.created_at)}


@dataclass(slots=True)
class ProspectRec:
    external_id: str
    platform_id: str
    username: str
    display_name: str
    bio: str | None
    location: str | None
    website_domain: str | None
    verified: str
    profile_type: str
    follower_count: int
    following_count: int
    post_count: int
    created_on_platform: datetime
    first_seen_at: datetime
    confidence: float
    is_fresh: bool
    tags: list[str] = field(default_factory=list)
    status_id: str | None = None
    valuation: float | None = None
    notes: str | None = None
    assignee_id: str | None = None  # the contact's default assignee (set through v2)
    platform: str = "twitter"  # their platform: that of every account link that talks to them

    @property
    def avatar_url(self) -> str:
        return avatar_url(self.platform, self.platform_id)

    @property
    def profile_url(self) -> str:
        return profile_url(self.platform, self.username)

    @property
    def handle(self) -> str:
        """The username as the platform shows it."""
        return USERNAME_PREFIXES.get(self.platform, "") + self.username

    def wire(self, thread_refs: list[dict[str, Any]] | None) -> dict[str, Any]:
        website = f"https://{self.website_domain}" if self.website_domain else None
        return {
            "platform": "twitter",  # v1 knows no other (its spec's enum)
            "platformId": self.platform_id,
            "externalId": self.external_id,
            "documentId": int(self.platform_id[-9:]) if self.platform_id.isdigit() else None,
            "displayName": self.display_name,
            "username": self.username,
            "handle": self.handle,
            "image": self.avatar_url.replace("/photo.jpg", "/photo_normal.jpg"),
            "imageNormalized": self.avatar_url,
            "bio": self.bio,
            "location": self.location,
            "profileUrl": self.profile_url,
            "websiteUrl": website,
            "websiteDomain": self.website_domain,
            "verified": self.verified,
            "profileType": self.profile_type,
            "isProtected": False,
            "followerCount": self.follower_count,
            "followingCount": self.following_count,
            "postCount": self.post_count,
            "engagementCount": self.post_count * 3,
            "listedCount": self.follower_count // 700,
            "platformCreatedAt": ts(self.created_on_platform),
            "firstSeenAt": ts(self.first_seen_at),
            "lastUpdatedAt": ts(self.first_seen_at),
            "lastEnrichedAt": ts(self.first_seen_at),
            "lastActiveAt": None,
            "source": "cached",
            "isFresh": self.is_fresh,
            "isStale": not self.is_fresh,
            "confidence": self.confidence,
            "platformData": {
                "isVerifiedBlue": self.verified == "verified",
                "isVerifiedGold": self.verified == "business",
                "isVerifiedGray": self.verified == "government",
                "professionalCategory": None,
                "urlEntities": [],
                "bannerUrl": None,
                "tweetsCount": self.post_count,
                "favoritesCount": self.post_count * 3,
                "rawData": None,
            },
            "context": {
                "tags": list(self.tags),
                "statusId": self.status_id,
                "valuation": self.valuation,
                "notes": self.notes,
                "threads": thread_refs,
            },
        }


@dataclass(slots=True)
class VersionRec:
    """One version of a message's content: the original, then each edit."""

    content: str
    created_at: datetime
    edit_origin: str | None  # None for the original


@dataclass(slots=True)
class DeletionRec:
    deleted_at: datetime
    deletion_type: str  # "self" or "all"
    author_platform_id: str | None
    origin: str | None

    def wire(self) -> dict[str, Any]:
        return {
            "deletedAt": ts(self.deleted_at),
            "deletionType": self.deletion_type,
            "deletionAuthorPlatformId": self.author_platform_id,
            "origin": self.origin,
        }


@dataclass(slots=True)
class AttachmentRec:
    """One attachment as the demo keeps it; its bytes are drawn from `seed` when first asked
    for (tui/demo/media.py), and its wire shapes built per version."""

    kind: str  # image, gif, video, audio, file, card
    filename: str | None = None
    content_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    seed: int = 0
    broken: bool = False  # bytes that are not the image they claim to be
    processing: int = 0  # resolutions answered "processing" (202) before it is ready
    # A link card's.
    url: str | None = None
    title: str | None = None
    description: str | None = None
    domain: str | None = None


@dataclass(slots=True)
class MessageRec:
    id: str
    thread_id: str
    author_id: str
    user_id: str | None
    campaign_id: str | None
    content: str
    origin: str | None
    created_at: datetime
    platform_id: str
    reactions: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[AttachmentRec] = field(default_factory=list)
    reply_data: dict[str, Any] | None = None
    forward_data: dict[str, Any] | None = None
    is_edited: bool = False
    updated_at: datetime | None = None
    versions: list[VersionRec] = field(default_factory=list)  # empty until the first edit
    deletion: DeletionRec | None = None

    @property
    def key(self) -> tuple[datetime, str]:
        return (self.created_at, self.id)

    def last_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "content": self.content,
            "authorId": self.author_id,
            "createdAt": ts(self.created_at),
            "userId": self.user_id,
            "campaignId": self.campaign_id,
        }

    def wire(
        self,
        team_id: str,
        encrypted: bool,
        media_url: Callable[[str, int], str] | None = None,
    ) -> dict[str, Any]:
        """v1's message; `media_url` gives its attachment's link (the media host's)."""
        first = self.attachments[0] if self.attachments else None
        link = media_url(self.id, 0) if media_url is not None else None
        return {
            "id": self.id,
            "platform": "twitter",
            "platformId": self.platform_id,
            "threadId": self.thread_id,
            "teamId": team_id,
            "authorId": self.author_id,
            "userId": self.user_id,
            "campaignId": self.campaign_id,
            "content": self.content,
            "origin": self.origin,
            "createdAt": ts(self.created_at),
            "updatedAt": ts(self.updated_at),
            "isEdited": self.is_edited,
            "isEncrypted": encrypted,
            "entities": None,
            "attachment": None if first is None else v1_attachment(first, link),
            "reactions": list(self.reactions),
            "replyData": self.reply_data,
            "forwardData": self.forward_data,
            "deletedAt": ts(self.deletion.deleted_at if self.deletion else None),
            "platformDeletedAt": ts(
                self.deletion.deleted_at
                if self.deletion and self.deletion.deletion_type == "all"
                else None
            ),
        }

    def version_wire(self, team_id: str, version: VersionRec, encrypted: bool) -> dict[str, Any]:
        wire = self.wire(team_id, encrypted)
        wire["attachment"] = None
        for key in ("updatedAt", "isEdited", "deletedAt", "platformDeletedAt"):
            del wire[key]
        wire.update(
            content=version.content,
            createdAt=ts(version.created_at),
            editOrigin=version.edit_origin,
            campaignStepId=None,  # the demo's campaign sends name no step
            expandedData=None,
        )
        return wire


@dataclass(slots=True)
class ThreadRec:
    id: str
    platform_id: str
    account_link_id: str
    prospect: ProspectRec
    created_at: datetime
    sort_at: datetime
    last_message: MessageRec | None
    message_count: int
    seed: int
    platform: str = "twitter"  # its account link's (and so its person's)
    done: bool = False
    assignee_id: str | None = None
    status: str = "active"
    variant: str = "xChat"
    is_request: bool = False
    campaign_id: str | None = None
    messages: list[MessageRec] | None = None  # generated on first read
    # Older messages still importing from X: for this long after the first read, only the
    # newest few are listed and isSyncing is true.
    sync_seconds: float = 0.0
    sync_started: datetime | None = None
    unread: bool = False  # marked unread (v2 only)
    typing_indicators: str = "teamDefault"  # or "enabled" / "disabled" (v2's spelling)
    restrictions: list[str] = field(default_factory=list)  # beyond what its kind restricts
    showcase_media: bool = False  # its conversation has every kind of attachment

    @property
    def key(self) -> tuple[datetime, str]:
        return (self.sort_at, self.id)

    @property
    def awaiting_reply(self) -> bool:
        """The prospect sent the last message."""
        return self.last_message is not None and self.last_message.author_id != self.account_link_id

    def ref_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "accountLinkId": self.account_link_id,
            "lastMessageTimestamp": ts(self.last_message.created_at if self.last_message else None),
            "createdAt": ts(self.created_at),
        }

    def wire(self, prospect_wire: dict[str, Any]) -> dict[str, Any]:
        last = self.last_message
        return {
            "id": self.id,
            "platform": "twitter",
            "platformId": self.platform_id,
            "done": self.done,
            "assigneeId": self.assignee_id,
            "lastMessageTimestamp": ts(last.created_at if last else None),
            "computedSortTimestamp": ts(self.sort_at),
            "createdAt": ts(self.created_at),
            "status": self.status,
            "variant": self.variant,
            "accountLinkId": self.account_link_id,
            "isSyncing": self.sync_seconds > 0,
            "isRequest": self.is_request,
            "typingIndicatorsEnabled": {"enabled": True, "disabled": False}.get(
                self.typing_indicators
            ),
            "lastMessage": last.last_wire() if last else None,
            "prospect": prospect_wire,
        }


V1_KINDS = {"image": "photo", "gif": "animated_gif"}


def v1_attachment(a: AttachmentRec, media_url: str | None) -> dict[str, Any]:
    """v1's untyped attachment (its first one), in X's words. v1 cannot renew a media link:
    the demo gives it one that does not expire."""
    if a.kind == "card":
        return {"type": "card", "url": a.url, "title": a.title, "domain": a.domain}
    return {
        "type": V1_KINDS.get(a.kind, a.kind),
        "url": None if a.processing else media_url,
        "filename": a.filename,
        "width": a.width,
        "height": a.height,
    }
