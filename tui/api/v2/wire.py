"""Version 2's JSON, as pydantic models (07-inbox-v2-openapi.json's component schemas).

camelCase on the wire, snake_case here. Every documented field is present in the service's
answers (null when not applicable), but the models take defaults so that an older or newer
service never breaks parsing; enum-like fields are plain strings (new values are added).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

from tui.core.timestamps import parse_timestamp

Time = Annotated[datetime, BeforeValidator(parse_timestamp)]


def _finite(value: Any) -> Any:
    """The spec lets numbers be "Infinity"/"NaN" strings: those mean no usable number."""
    if isinstance(value, str) or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value


Number = Annotated[float | None, BeforeValidator(_finite)]


class Wire(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="allow", defer_build=True
    )


class Team(Wire):
    id: str
    name: str
    slug: str = ""
    image_url: str | None = None
    currency: str = "USD"
    allow_support_access: bool = False
    created_at: Time | None = None


class Member(Wire):
    id: str
    name: str | None = None
    email: str = ""
    image_url: str | None = None
    role: str = "user"
    created_at: Time | None = None


class AccountLink(Wire):
    id: str
    platform: str = "twitter"
    platform_id: str = ""
    username: str | None = None
    display_name: str | None = None
    avatar_url: str | None = None
    status: str = "active"
    pause_reasons: list[str] = Field(default_factory=list)
    capabilities: list[str] = Field(default_factory=list)
    synced_at: Time | None = None
    created_at: Time | None = None


class Limits(Wire):
    characters: int | None = None
    media_count: int | None = None
    media_bytes: int | None = None
    media_types: dict[str, list[str]] | None = None


class PlatformInfo(Wire):
    platform: str
    name: str = ""
    username_prefix: str = ""
    capabilities: list[str] = Field(default_factory=list)
    limits: Limits = Field(default_factory=Limits)
    mutation_windows: dict[str, int] = Field(default_factory=dict)
    thread_state: dict[str, Any] = Field(default_factory=dict)


class Color(Wire):
    name: str
    hex: str


class Tag(Wire):
    id: str
    name: str
    color: str | None = None


class Status(Wire):
    id: str
    name: str
    color: str | None = None
    created_at: Time | None = None


class Profile(Wire):
    id: str
    platform: str = "twitter"
    platform_id: str = ""
    username: str = ""
    handle: str = ""
    display_name: str = ""
    avatar_url: str | None = None
    bio: str | None = None
    location: str | None = None
    website_url: str | None = None
    website_domain: str | None = None
    verified: bool = False
    is_organization: bool = False
    is_protected: bool = False
    follower_count: Number = None
    following_count: Number = None
    post_count: Number = None
    engagement_count: Number = None
    listed_count: Number = None
    account_status: str = "active"
    platform_created_at: Time | None = None
    profile_url: str | None = None
    updated_at: Time | None = None
    platform_data: dict[str, Any] | None = None


class Contact(Wire):
    id: str
    profiles: list[Profile] = Field(default_factory=list)
    status_id: str | None = None
    tag_ids: list[str] = Field(default_factory=list)
    notes: str | None = None
    valuation: Number = None
    assignee_id: str | None = None
    created_at: Time | None = None
    updated_at: Time | None = None
    status: Status | None = None
    tags: list[Tag] | None = None
    assignee: Member | None = None


class LastMessage(Wire):
    id: str
    direction: str = "inbound"
    created_at: Time | None = None


class Activity(Wire):
    preview: str | None = None
    direction: str = "inbound"
    at: Time | None = None


class Thread(Wire):
    id: str
    platform: str = "twitter"
    platform_id: str | None = None
    account_link_id: str = ""
    profile_id: str = ""
    contact_id: str = ""
    assignee_id: str | None = None
    is_request: bool = False
    acceptance_state: str = "unknown"
    archived: bool = False
    unread: bool = False
    restrictions: list[str] = Field(default_factory=list)
    syncing: bool = False
    typing_indicators: str = "teamDefault"
    last_message: LastMessage | None = None
    activity: Activity | None = None
    created_at: Time | None = None
    account_link: AccountLink | None = None
    profile: Profile | None = None
    contact: Contact | None = None
    assignee: Member | None = None


class Reaction(Wire):
    emoji: str
    author: dict[str, Any] | None = None
    created_at: Time | None = None


class ReplyTo(Wire):
    message_id: str | None = None
    platform_id: str | None = None
    content: str | None = None
    author_name: str | None = None


class Message(Wire):
    id: str
    thread_id: str = ""
    account_link_id: str = ""
    platform: str = "twitter"
    platform_id: str | None = None
    direction: str = "inbound"
    sent_by: dict[str, Any] | None = None
    content: str = ""
    entities: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = Field(default_factory=list)
    forwarded: dict[str, Any] | None = None
    reactions: list[Reaction] = Field(default_factory=list)
    edited_at: Time | None = None
    deleted_at: Time | None = None
    created_at: Time | None = None
    platform_data: dict[str, Any] | None = None
    reply_to: ReplyTo | None = None
    thread: Thread | None = None
    account_link: AccountLink | None = None


class SendResult(Wire):
    message: Message
    thread: Thread


class HistoryVersion(Wire):
    content: str = ""
    created_at: Time | None = None
    origin: str | None = None


class HistoryDeletion(Wire):
    deleted_at: Time | None = None
    scope: str = "all"


class MessageHistory(Wire):
    versions: list[HistoryVersion] = Field(default_factory=list)
    deletion: HistoryDeletion | None = None
    times: str = "observed"


class MessageDeletion(Wire):
    message_id: str
    scope: str = "all"
    deleted_at: Time | None = None


class Reactions(Wire):
    reactions: list[Reaction] = Field(default_factory=list)
    version: int | None = None


class ThreadDeletion(Wire):
    scope: str = "remoteAndLocal"


class TypingSignal(Wire):
    status: str = "sent"
    reason: str | None = None


class Attachment(Wire):
    """A fresh URL for one attachment (`status` ready, or pending/processing)."""

    index: int = 0
    kind: str = "file"
    status: str = "ready"
    url: str | None = None
    expires_at: Time | None = None


class EventObject(Wire):
    type: str = ""
    id: str = ""
    url: str | None = None


class Event(Wire):
    id: str
    seq: int
    type: str
    api_version: str = "2"
    created_at: Time | None = None
    object: EventObject = Field(default_factory=EventObject)
    data: dict[str, Any] | None = None


class EventPage(Wire):
    data: list[Event] = Field(default_factory=list)
    last_seq: int | None = None
    has_more: bool = False


ItemT = TypeVar("ItemT")


class Page(Wire, Generic[ItemT]):
    """Every v2 collection: `{data, nextCursor}` (an opaque cursor, or null at the end)."""

    data: list[ItemT] = Field(default_factory=list)
    next_cursor: str | None = None
