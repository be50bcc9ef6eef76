"""The app's own model: thread, person (prospect), message, labels, directory, capabilities.

Every API version's adapter maps its answers to these types; screens, widgets and features use
nothing else. They serialise camelCase (the cache keeps them as JSON, and version 1, whose
shapes they were first drawn from, reads straight into them). Unknown fields are kept, and
enum-like fields are plain strings so a new value never breaks parsing.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from tui.core.timestamps import parse_timestamp


def _lenient_aware(value: Any) -> Any:
    """For fields the spec types as a plain string: a timestamp when it parses, else None."""
    try:
        return parse_timestamp(value)
    except (ValueError, TypeError):
        return None


Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp)]
LenientTimestamp = Annotated[datetime | None, BeforeValidator(_lenient_aware)]

# Known values of the open enums (kept as str on the models).
VERIFIED_VALUES = ("none", "verified", "business", "government")
PROFILE_TYPES = ("personal", "business", "government")
SOURCES = ("cached", "indexed", "live", "merged")
ORIGINS = ("external", "internal", "api")
VARIANTS = ("unencrypted", "xChat")
THREAD_STATUSES = ("active", "idle")
ROLES = ("owner", "admin", "user")
ACCOUNT_LINK_STATUSES = ("active", "offline", "paused")


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        frozen=False,
        # Validators are built when a model is first used, not at import: the app's first
        # frame needs a handful of the models, not all of them.
        defer_build=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready camelCase form, as the service sends it."""
        return self.model_dump(mode="json", by_alias=True)


class Color(ApiModel):
    name: str
    hex: str


class Tag(ApiModel):
    id: str
    name: str
    color: str | None = None


class Status(ApiModel):
    id: str
    name: str
    color: str | None = None
    created_at: Timestamp | None = None


class Member(ApiModel):
    id: str
    user_id: str | None = None
    name: str | None = None
    email: str | None = None
    image: str | None = None
    role: str = "user"
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None

    @property
    def label(self) -> str:
        return self.name or self.email or self.id

    @property
    def initials(self) -> str:
        parts = [p for p in (self.name or self.email or "?").replace(".", " ").split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"


class AccountLink(ApiModel):
    id: str
    platform: str = "twitter"
    platform_id: str | None = None
    name: str = ""
    username: str = ""
    image: str | None = None
    created_at: Timestamp | None = None
    status: str = "active"
    synced_at: Timestamp | None = None
    pause_reasons: list[str] = Field(default_factory=list)
    # What this account can do (v2 capability strings); None when the API does not say (v1).
    capabilities: list[str] | None = None


# Short labels for the platforms we know; another shows the start of its name.
PLATFORM_BADGES = {"twitter": "X", "instagram": "IG", "linkedin": "in"}


def platform_badge(platform_id: str, name: str = "") -> str:
    return PLATFORM_BADGES.get(platform_id) or (name or platform_id)[:2]


class Platform(ApiModel):
    """A platform the team can use (v2 `GET /platforms`): its name, what it allows and its
    limits. v1 speaks of X alone (see X_PLATFORM)."""

    id: str
    name: str = ""
    username_prefix: str = "@"
    capabilities: list[str] | None = None
    max_characters: int | None = None  # None: the platform sets no limit
    # Seconds after a message's createdAt during which a capability still applies to it.
    mutation_windows: dict[str, int] = Field(default_factory=dict)

    @property
    def badge(self) -> str:
        return platform_badge(self.id, self.name)

    @property
    def label(self) -> str:
        return self.name or self.id


# What v1 knows without asking: X, and the length of a DM there.
X_PLATFORM = Platform(id="twitter", name="X", max_characters=10_000)


class Team(ApiModel):
    id: str
    name: str
    slug: str | None = None
    image: str | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    currency: str = "USD"
    allow_support_access: bool | None = None


class ProspectThreadRef(ApiModel):
    """One entry of `context.threads`: the prospect's threads across account links."""

    id: str
    account_link_id: str
    last_message_timestamp: Timestamp | None = None
    created_at: Timestamp | None = None


class ProspectContext(ApiModel):
    tags: list[str] = Field(default_factory=list)
    status_id: str | None = None
    valuation: float | None = None
    notes: str | None = None
    threads: list[ProspectThreadRef] | None = None


class PlatformData(ApiModel):
    is_verified_blue: bool | None = None
    is_verified_gold: bool | None = None
    is_verified_gray: bool | None = None
    professional_category: Any = None
    url_entities: list[Any] | None = None
    banner_url: str | None = None
    tweets_count: int | None = None
    favorites_count: int | None = None
    raw_data: Any = None


class Prospect(ApiModel):
    platform: str = "twitter"
    platform_id: str = ""
    external_id: str | None = None
    document_id: int | None = None
    display_name: str = ""
    username: str = ""
    handle: str | None = None
    image: str | None = None
    image_normalized: str | None = None
    bio: str | None = None
    location: str | None = None
    profile_url: str | None = None
    website_url: str | None = None
    website_domain: str | None = None
    verified: str = "none"
    profile_type: str | None = None
    is_protected: bool | None = None
    follower_count: int | None = None
    following_count: int | None = None
    post_count: int | None = None
    engagement_count: int | None = None
    listed_count: int | None = None
    platform_created_at: Timestamp | None = None
    first_seen_at: Timestamp | None = None
    last_updated_at: LenientTimestamp = None
    last_enriched_at: Timestamp | None = None
    last_active_at: Timestamp | None = None
    source: str | None = None
    is_fresh: bool | None = None
    is_stale: bool | None = None
    confidence: float | None = None
    platform_data: PlatformData | None = None
    context: ProspectContext = Field(default_factory=ProspectContext)

    @property
    def at_handle(self) -> str:
        return self.handle or f"@{self.username}"

    @property
    def profile_by_id_url(self) -> str:
        """The most reliable link to the person: on X by platform ID (usernames change, IDs do
        not); elsewhere the profile's own link, as the service gives it ("" when none)."""
        if self.platform != "twitter":
            return self.profile_url or ""
        return f"https://x.com/i/user/{self.platform_id}"


class LastMessage(ApiModel):
    id: str
    content: str = ""
    author_id: str = ""
    created_at: Timestamp | None = None
    user_id: str | None = None
    campaign_id: str | None = None
    direction: str | None = None  # "inbound" / "outbound" when the API says (v2)

    def is_outbound(self, account_link_ids: AbstractSet[str]) -> bool:
        if self.direction is not None:
            return self.direction == "outbound"
        return is_outbound_author(self.author_id, account_link_ids)


class Thread(ApiModel):
    id: str
    platform: str = "twitter"
    platform_id: str | None = None
    done: bool = False
    assignee_id: str | None = None
    last_message_timestamp: Timestamp | None = None
    computed_sort_timestamp: Timestamp | None = None
    created_at: Timestamp | None = None
    status: str = "active"
    variant: str | None = None
    account_link_id: str = ""
    is_syncing: bool = False
    is_request: bool = False
    typing_indicators_enabled: bool | None = None
    last_message: LastMessage | None = None
    prospect: Prospect = Field(default_factory=Prospect)
    unread: bool = False
    # The message actions this conversation allows (v2: the account link's capabilities less
    # the thread's restrictions); None when the API does not say (v1: X Chat threads allow
    # edit, unsend, history and reactions, older DMs none).
    capabilities: list[str] | None = None

    def allows(self, capability: str) -> bool:
        """Whether `capability` (a v2 capability string, e.g. "message:edit") works here."""
        if self.capabilities is not None:
            return capability in self.capabilities
        if capability in ("message:send", "message:reply"):
            return True
        return self.variant == "xChat"

    def sends_typing(self) -> bool:
        """Whether the other side may be shown that we are typing: the platform can (v1: X Chat
        threads) and the thread's setting does not turn it off (None: the team's default)."""
        return self.typing_indicators_enabled is not False and self.allows("thread:typing:send")

    @property
    def sort_timestamp(self) -> datetime | None:
        return self.computed_sort_timestamp or self.last_message_timestamp or self.created_at

    @property
    def conversation_url(self) -> str:
        """The conversation on X ("" elsewhere: other platforms give no link to one)."""
        if self.platform != "twitter":
            return ""
        return f"https://x.com/i/chat/{self.platform_id}"


ATTACHMENT_KINDS = ("image", "gif", "video", "audio", "file", "card")
# v1's attachment is untyped ("normalized media and card attachments"): the X names it uses.
_V1_KINDS = {"photo": "image", "animated_gif": "gif", "document": "file", "link": "card"}


def _kind(value: Any) -> str:
    """A kind this app knows how to show; any other (a newer one) is shown as a file."""
    return value if value in ATTACHMENT_KINDS else "file"


def _number(value: Any) -> float | None:
    """A size, dimension or duration: a finite number or None (the spec allows "NaN")."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value == value and abs(value) != float("inf") else None


class Attachment(ApiModel):
    """One attachment of a message: media (image, gif, video, audio, file) or a link card.

    Media URLs expire (v2 `expiresAt`); `GET /messages/{id}/attachments/{index}` gives a fresh
    one, or says the media is still being processed (`status` pending / processing)."""

    index: int = 0
    kind: Annotated[str, BeforeValidator(_kind)] = "file"  # one of ATTACHMENT_KINDS
    filename: str | None = None
    content_type: str | None = None
    size_bytes: Annotated[float | None, BeforeValidator(_number)] = None
    width: Annotated[float | None, BeforeValidator(_number)] = None
    height: Annotated[float | None, BeforeValidator(_number)] = None
    duration_seconds: Annotated[float | None, BeforeValidator(_number)] = None
    status: str = "ready"
    url: str | None = None
    expires_at: LenientTimestamp = None
    # Link cards.
    title: str | None = None
    description: str | None = None
    domain: str | None = None

    @property
    def is_card(self) -> bool:
        return self.kind == "card"

    @property
    def is_image(self) -> bool:
        return self.kind in ("image", "gif")

    def usable_at(self, now: datetime) -> bool:
        """Whether `url` can be fetched now (ready and not expired)."""
        if self.url is None or self.status != "ready":
            return False
        return self.expires_at is None or self.expires_at > now

    @classmethod
    def from_v1(cls, raw: Any, index: int) -> Attachment | None:
        """v1's untyped attachment (X's names: photo, animated_gif, video, card, ...)."""
        if not isinstance(raw, dict):
            return None
        kind = str(raw.get("kind") or raw.get("type") or "file")
        kind = _V1_KINDS.get(kind, kind)
        url = raw.get("url") or raw.get("mediaUrl") or raw.get("expandedUrl")
        return cls(
            index=index,
            kind=kind,
            filename=_text(raw.get("filename") or raw.get("name")),
            content_type=_text(raw.get("contentType")),
            size_bytes=raw.get("sizeBytes") or raw.get("size"),
            width=raw.get("width"),
            height=raw.get("height"),
            duration_seconds=raw.get("durationSeconds"),
            url=url if isinstance(url, str) else None,
            title=_text(raw.get("title")),
            description=_text(raw.get("description")),
            domain=_text(raw.get("domain")),
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class Reaction(ApiModel):
    emoji: str = ""
    sender_id: str | None = None


class Message(ApiModel):
    id: str
    platform: str = "twitter"
    platform_id: str | None = None
    thread_id: str = ""
    team_id: str | None = None
    author_id: str = ""
    user_id: str | None = None
    campaign_id: str | None = None
    content: str = ""
    origin: str | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    is_edited: bool = False
    is_encrypted: bool | None = None
    entities: Any = None
    attachment: Any = None  # v1's, untyped; read into `attachments`
    attachments: list[Attachment] = Field(default_factory=list)
    reactions: list[Any] = Field(default_factory=list)
    reply_data: Any = None
    forward_data: Any = None
    deleted_at: Timestamp | None = None
    platform_deleted_at: Timestamp | None = None
    direction: str | None = None  # "inbound" / "outbound" when the API says (v2)

    @model_validator(mode="after")
    def _v1_attachments(self) -> Message:
        """v1 carries one untyped `attachment` (or a list of them); v2 typed `attachments`."""
        if not self.attachments and self.attachment:
            raw = self.attachment if isinstance(self.attachment, list) else [self.attachment]
            found = (Attachment.from_v1(item, i) for i, item in enumerate(raw))
            self.attachments = [a for a in found if a is not None]
        return self

    def is_outbound(self, account_link_ids: AbstractSet[str]) -> bool:
        if self.direction is not None:
            return self.direction == "outbound"
        return is_outbound_author(self.author_id, account_link_ids)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None or self.platform_deleted_at is not None

    @property
    def reply_to_id(self) -> str | None:
        value = self.reply_data.get("messageId") if isinstance(self.reply_data, dict) else None
        return value if isinstance(value, str) else None

    def emoji_by(self, sender_id: str) -> list[str]:
        """The emoji that `sender_id` reacted with."""
        return [
            r["emoji"]
            for r in self.reactions
            if isinstance(r, dict)
            and isinstance(r.get("emoji"), str)
            and r.get("senderId") == sender_id
        ]


class MessageVersion(ApiModel):
    """One version of a message: the original (edit_origin None), then each edit."""

    id: str = ""
    content: str = ""
    author_id: str = ""
    created_at: Timestamp | None = None
    origin: str | None = None
    edit_origin: str | None = None


class MessageDeletion(ApiModel):
    deleted_at: Timestamp | None = None
    deletion_type: str = "all"  # "self" or "all"
    deletion_author_platform_id: str | None = None
    origin: str | None = None


class MessageHistory(ApiModel):
    versions: list[MessageVersion] = Field(default_factory=list)
    deletion: MessageDeletion | None = None


class MessageEdited(ApiModel):
    success: bool = True
    message_id: str
    content: str = ""
    edited_at: Timestamp | None = None


class MessageDeleted(ApiModel):
    success: bool = True
    message_id: str
    deleted_at: Timestamp | None = None


class Cursor(ApiModel):
    """Where the next page starts. v1 names the last item (id and timestamp); v2 hands out an
    opaque token, valid only with the filters it was issued for."""

    id: str = ""
    timestamp: Timestamp | None = None
    token: str | None = None


class ThreadPage(ApiModel):
    threads: list[Thread] = Field(default_factory=list)
    next_cursor: Cursor | None = None


class MessagePage(ApiModel):
    team_id: str | None = None
    thread_id: str | None = None
    messages: list[Message] = Field(default_factory=list)
    next_cursor: Cursor | None = None
    is_syncing: bool = False


class QuickSendThread(ApiModel):
    id: str
    platform_id: str | None = None


class QuickSendResult(ApiModel):
    message: Message
    thread: QuickSendThread


def is_outbound_author(author_id: str, account_link_ids: AbstractSet[str]) -> bool:
    """There is no direction field: a message is ours when one of our account links wrote it.

    `userId is None` does not mean inbound (messages sent from the X app have no userId)."""
    return author_id in account_link_ids


class Event(ApiModel):
    """One entry of the team's event log (`GET /events`)."""

    id: str
    seq: int
    team_id: str | None = None
    type: str
    timestamp: Timestamp | None = None
    version: str | None = None
    data: Any = None


class EventPage(ApiModel):
    events: list[Event] = Field(default_factory=list)
    has_more: bool = False
    last_seq: int | None = None
