"""From an Inbox thread's prospect to the CRM's Create or Update Prospect body.

Names split from displayName (first word, then the rest); title and company read from the bio
when it says so plainly ("VP Sales at Granite", "Founder @ Acme", "Head of Growth, Orbital");
labels are the tag names; notes go as they are; the stage comes from the configured
status-to-stage map, else the configured pipeline routes it to its default stage.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.core.directory import Directory
    from tui.core.model import Thread

# "<title> at|@ <company>" or "<title>, <company>" at the start of a bio sentence.
_ROLE = re.compile(
    r"^(?P<title>[A-Z][\w&/.' -]{1,60}?)\s*(?:\bat\b|@|,)\s*(?P<company>[A-Z0-9][\w&.' -]{0,60}?)"
    r"\s*(?:[.!|·;]|$)"
)
_TITLE_WORDS = (
    "founder",
    "ceo",
    "cto",
    "coo",
    "cfo",
    "vp",
    "head",
    "director",
    "manager",
    "lead",
    "engineer",
    "partner",
    "investor",
    "owner",
    "president",
    "chief",
    "designer",
    "marketer",
)
# NANP-looking phone numbers in free text (the CRM checks them and may drop them).
_PHONE = re.compile(r"(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}")


def split_name(display_name: str) -> tuple[str, str]:
    parts = display_name.split()
    if not parts:
        return "", ""
    return parts[0], " ".join(parts[1:])


def role_from_bio(bio: str | None) -> tuple[str | None, str | None]:
    """(title, company) when the bio plainly says them, else (None, None)."""
    for sentence in re.split(r"(?<=[.!|])\s+", (bio or "").strip()):
        match = _ROLE.match(sentence)
        if match and any(w in match["title"].lower() for w in _TITLE_WORDS):
            return match["title"].strip(), match["company"].strip()
    return None, None


def phone_in(*texts: str | None) -> str | None:
    for text in texts:
        found = _PHONE.search(text or "")
        if found:
            return found.group(0)
    return None


def crm_body(
    thread: Thread,
    directory: Directory,
    *,
    stage_map: dict[str, str],
    pipeline_id: str | None,
    user_id: str | None,
    update: bool,
) -> dict[str, Any]:
    prospect, context = thread.prospect, thread.prospect.context
    first, last = split_name(prospect.display_name or prospect.username or "")
    title, company = role_from_bio(prospect.bio)
    body: dict[str, Any] = {"firstName": first, "lastName": last, "update": update}
    labels = [directory.tags[t].name for t in context.tags if t in directory.tags]
    if labels:
        body["labels"] = labels
    if context.notes:
        body["notes"] = context.notes
    if title:
        body["title"] = title
    if company:
        body["company"] = company
    phone = phone_in(prospect.bio, context.notes)
    if phone:
        body["phone"] = phone
    status = directory.statuses.get(context.status_id or "")
    stage = stage_map.get(status.name) if status else None
    if stage:
        body["stageId"] = stage
    elif pipeline_id:
        body["pipelineId"] = pipeline_id
    if user_id:
        body["userId"] = user_id
    return body
