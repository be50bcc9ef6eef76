"""v2 shapes -> the app's domain types (and the few domain values v2 spells differently).

The person: v2 splits v1's prospect into a profile (the platform account) and a contact (the
team's CRM record). The domain keeps one `Prospect` whose `external_id` is the contact's ID:
the key every CRM write and every contact event names.
"""

from __future__ import annotations

from typing import Any

from tui.api.v2 import wire
from tui.core import model as domain

# v2 event names -> the domain's (the names the live-update code applies).
EVENT_NAMES: dict[str, str] = {
    "message.sent": "message.created",
    "message.received": "message.created",
    "contact.statusChanged": "prospect.statusChanged",
    "contact.tagsChanged": "prospect.tagsChanged",
    "contact.notesChanged": "prospect.notesChanged",
    "contact.valuationChanged": "prospect.valuationChanged",
}

_BADGES = {"blue": "verified", "gold": "business", "gray": "government"}


def team(t: wire.Team) -> domain.Team:
    return domain.Team(
        id=t.id,
        name=t.name,
        slug=t.slug,
        image=t.image_url,
        created_at=t.created_at,
        currency=t.currency,
        allow_support_access=t.allow_support_access,
    )


def member(m: wire.Member) -> domain.Member:
    return domain.Member(
        id=m.id, name=m.name, email=m.email, image=m.image_url, role=m.role, created_at=m.created_at
    )


def account_link(a: wire.AccountLink) -> domain.AccountLink:
    return domain.AccountLink(
        id=a.id,
        platform=a.platform,
        platform_id=a.platform_id,
        name=a.display_name or a.username or "",
        username=a.username or "",
        image=a.avatar_url,
        created_at=a.created_at,
        status=a.status,
        synced_at=a.synced_at,
        pause_reasons=list(a.pause_reasons),
        capabilities=list(a.capabilities),
    )


def platform(p: wire.PlatformInfo) -> domain.Platform:
    return domain.Platform(
        id=p.platform,
        name=p.name,
        username_prefix=p.username_prefix,
        capabilities=list(p.capabilities),
        max_characters=p.limits.characters,
        mutation_windows=dict(p.mutation_windows),
    )


def tag(t: wire.Tag) -> domain.Tag:
    return domain.Tag(id=t.id, name=t.name, color=t.color)


def status(s: wire.Status) -> domain.Status:
    return domain.Status(id=s.id, name=s.name, color=s.color, created_at=s.created_at)


def color(c: wire.Color) -> domain.Color:
    return domain.Color(name=c.name, hex=c.hex)


def _count(value: float | None) -> int | None:
    return None if value is None else int(value)


def prospect(profile: wire.Profile | None, contact: wire.Contact | None) -> domain.Prospect:
    """One person: the profile's platform data with the contact's CRM context."""
    if profile is None and contact is not None and contact.profiles:
        profile = contact.profiles[0]
    fields: dict[str, Any] = {}
    if profile is not None:
        data = profile.platform_data or {}
        badge = data.get("badge") if data.get("_tag") == "twitter" else None
        verified = _BADGES.get(badge or "", "verified") if profile.verified else "none"
        fields = {
            "platform": profile.platform,
            "platform_id": profile.platform_id,
            "display_name": profile.display_name,
            "username": profile.username,
            "handle": profile.handle or None,
            "image": profile.avatar_url,
            "bio": profile.bio,
            "location": profile.location,
            "profile_url": profile.profile_url,
            "website_url": profile.website_url,
            "website_domain": profile.website_domain,
            "verified": verified,
            "profile_type": "business" if profile.is_organization else "personal",
            "is_protected": profile.is_protected,
            "follower_count": _count(profile.follower_count),
            "following_count": _count(profile.following_count),
            "post_count": _count(profile.post_count),
            "engagement_count": _count(profile.engagement_count),
            "listed_count": _count(profile.listed_count),
            "platform_created_at": profile.platform_created_at,
            "last_updated_at": profile.updated_at,
            "profile_id": profile.id,
            "account_status": profile.account_status,
        }
    context = domain.ProspectContext()
    if contact is not None:
        fields["external_id"] = contact.id
        context = domain.ProspectContext(
            tags=list(contact.tag_ids),
            status_id=contact.status_id,
            valuation=contact.valuation,
            notes=contact.notes,
        )
    return domain.Prospect(context=context, **fields)


def thread(t: wire.Thread, link_capabilities: list[str] | None) -> domain.Thread:
    last = t.last_message
    activity = t.activity
    last_message = None
    if last is not None:
        # The preview is the latest activity's line; shown for the last message when that
        # activity is the message (a reaction can be newer).
        preview = activity.preview if activity is not None else None
        last_message = domain.LastMessage(
            id=last.id,
            content=preview or "",
            created_at=last.created_at,
            direction=last.direction,
            author_id=t.account_link_id if last.direction == "outbound" else "",
        )
    capabilities = None
    if link_capabilities is not None:
        restricted = set(t.restrictions)
        capabilities = [c for c in link_capabilities if c not in restricted]
    person = prospect(t.profile, t.contact)
    if person.external_id is None and t.contact_id:
        person = person.model_copy(update={"external_id": t.contact_id})
    return domain.Thread(
        id=t.id,
        platform=t.platform,
        platform_id=t.platform_id,
        done=t.archived,
        assignee_id=t.assignee_id,
        last_message_timestamp=last.created_at if last else None,
        computed_sort_timestamp=(activity.at if activity else None) or t.created_at,
        created_at=t.created_at,
        account_link_id=t.account_link_id,
        is_syncing=t.syncing,
        is_request=t.is_request,
        last_message=last_message,
        prospect=person,
        unread=t.unread,
        typing_indicators_enabled={"enabled": True, "disabled": False}.get(t.typing_indicators),
        capabilities=capabilities,
        contact_id=t.contact_id,
        profile_id=t.profile_id,
        restrictions=list(t.restrictions),
    )


def message(m: wire.Message) -> domain.Message:
    sent_by = m.sent_by or {}
    origin = {"member": "internal", "agent": "internal", "campaign": "internal", "api": "api"}
    reply = m.reply_to
    encrypted = (m.platform_data or {}).get("encrypted")
    return domain.Message(
        id=m.id,
        platform=m.platform,
        platform_id=m.platform_id,
        thread_id=m.thread_id,
        author_id=m.account_link_id if m.direction == "outbound" else "",
        user_id=sent_by.get("memberId"),
        campaign_id=sent_by.get("campaignId"),
        content=m.content,
        origin=origin.get(str(sent_by.get("type")), "external"),
        created_at=m.created_at,
        updated_at=m.edited_at,
        is_edited=m.edited_at is not None,
        is_encrypted=encrypted if isinstance(encrypted, bool) else None,
        entities=m.entities,
        reactions=[reaction(r) for r in m.reactions],
        reply_data=None if reply is None else reply.model_dump(by_alias=True),
        forward_data=m.forwarded,
        deleted_at=m.deleted_at,
        direction=m.direction,
        attachments=[attachment(a) for a in m.attachments],
    )


def attachment(a: dict[str, Any]) -> domain.Attachment:
    """Media or a link card (told apart by `kind`); the fields the domain keeps are v2's."""
    return domain.Attachment.model_validate(a)


def reaction(r: wire.Reaction) -> dict[str, Any]:
    """The domain's reaction: the emoji and who reacted (our account link, or their profile)."""
    author = r.author or {}
    sender = author.get("accountLinkId") or author.get("profileId") or author.get("platformId")
    return {"emoji": r.emoji, "senderId": sender}


def history(h: wire.MessageHistory) -> domain.MessageHistory:
    versions = [
        domain.MessageVersion(
            content=v.content,
            created_at=v.created_at,
            origin=v.origin,
            edit_origin=None if index == 0 else (v.origin or "edit"),
        )
        for index, v in enumerate(h.versions)
    ]
    deletion = None
    if h.deletion is not None:
        deletion = domain.MessageDeletion(
            deleted_at=h.deletion.deleted_at, deletion_type=h.deletion.scope
        )
    return domain.MessageHistory(versions=versions, deletion=deletion)


def event(e: wire.Event) -> domain.Event:
    """A v2 event as the domain names it: the object it is about goes into `data` under the
    key the live-update code reads (`threadId`, or `prospectId` for a contact)."""
    data: dict[str, Any] = dict(e.data or {})
    if e.object.type == "thread":
        data.setdefault("threadId", e.object.id)
    elif e.object.type == "contact":
        data["prospectId"] = e.object.id
        if "tagIds" in data:
            data["tags"] = data["tagIds"]
    elif e.object.type == "message":
        data.setdefault("messageId", e.object.id)
    return domain.Event(
        id=e.id,
        seq=e.seq,
        type=EVENT_NAMES.get(e.type, e.type),
        timestamp=e.created_at,
        version=e.api_version,
        data=data,
    )


def cursor(token: str | None) -> domain.Cursor | None:
    return domain.Cursor(token=token) if token else None


def with_sibling_threads(threads: list[domain.Thread]) -> list[domain.Thread]:
    """Each person's threads across account links, as far as this answer shows them.

    v1 embeds them in the prospect (`context.threads`); a v2 contact does not list its threads,
    and asking per person would cost a request each. One page (or a lookup, which reads every
    thread of the person) already holds them side by side."""
    by_contact: dict[str, list[domain.Thread]] = {}
    for t in threads:
        if t.prospect.external_id:
            by_contact.setdefault(t.prospect.external_id, []).append(t)
    result = []
    for t in threads:
        siblings = by_contact.get(t.prospect.external_id or "", [t])
        refs = [
            domain.ProspectThreadRef(
                id=s.id,
                account_link_id=s.account_link_id,
                last_message_timestamp=s.last_message_timestamp,
                created_at=s.created_at,
            )
            for s in siblings
        ]
        context = t.prospect.context.model_copy(update={"threads": refs})
        prospect = t.prospect.model_copy(update={"context": context})
        result.append(t.model_copy(update={"prospect": prospect}))
    return result
