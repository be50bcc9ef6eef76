"""How a person is named on each platform: what the new-conversation dialog asks for, and how
what was typed there reads (their user ID, their username, or a link to their profile).

X and Instagram name people by a username and a numeric user ID; LinkedIn by the name in their
profile's link (linkedin.com/in/<name>) and a member ID ("ACoAA..."). Another platform is read
as loosely as it can be: digits are a user ID, one word is a username.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

X_USERNAME = re.compile(r"[a-z0-9_]{1,50}")
INSTAGRAM_USERNAME = re.compile(r"[a-z0-9._]{1,30}")
LINKEDIN_NAME = re.compile(r"[\w-]{3,100}")  # the name a profile link ends with
LINKEDIN_MEMBER_ID = re.compile(r"ACo[A-Za-z0-9_-]{10,80}")
OTHER_USERNAME = re.compile(r"[\w.-]{1,100}")
PROFILE_HOSTS = {
    "twitter": ("x.com", "twitter.com"),
    "instagram": ("instagram.com",),
    "linkedin": ("linkedin.com",),
}


@dataclass(frozen=True)
class PersonRef:
    """Whom the user typed: their ID on the platform, or their username there."""

    platform_id: str | None = None
    username: str | None = None


@dataclass(frozen=True)
class Naming:
    """How the dialog speaks of a platform's people."""

    hint: str  # the field's placeholder
    ask: str  # when nothing was typed
    member: str  # one of its people: "X user", "LinkedIn member"
    where: str  # where their ID is found (after id_name), or ""
    unknown: str  # after something typed that names nobody: "'x y' is neither ..."

    @property
    def id_name(self) -> str:
        """What their ID is called: "X user ID", "LinkedIn member ID"."""
        return f"{self.member} ID"


def naming(platform_id: str, label: str) -> Naming:
    """`label` is the platform's name as the service gives it ("X", "LinkedIn")."""
    if platform_id == "linkedin":
        return Naming(
            hint=f"{label} profile URL or member ID",
            ask=f"Paste their {label} profile URL, or type their member ID.",
            member=f"{label} member",
            where=" (ACoAA…)",
            unknown=f"is neither a {label} profile URL, a profile name nor a member ID",
        )
    where = " (the number in x.com/i/user/…)" if platform_id == "twitter" else ""
    return Naming(
        hint=f"username (without @) or {label} user ID",
        ask=f"Type their username or their {label} user ID.",
        member=f"{label} user",
        where=where,
        unknown=f"is neither a username nor a user ID on {label}",
    )


def valid_user_id(text: str) -> bool:
    """X's and Instagram's user IDs are ASCII digits (str.isdigit alone also accepts other
    scripts' digits)."""
    return text.isascii() and text.isdigit() and 1 <= len(text) <= 20


def read_person(platform_id: str, raw: str) -> PersonRef | None:
    """Whom `raw` names on the platform; None when it names nobody there."""
    text = raw.strip()
    path = _profile_path(platform_id, text)
    if path is not None:
        return _from_profile_link(platform_id, path)
    if platform_id == "linkedin":
        return _linkedin(text)
    text = text.removeprefix("@")
    if valid_user_id(text):
        return PersonRef(platform_id=text)
    pattern = {"twitter": X_USERNAME, "instagram": INSTAGRAM_USERNAME}.get(
        platform_id, OTHER_USERNAME
    )
    name = text.lower()
    if text.isdigit() or not pattern.fullmatch(name):  # other scripts' digits: not an ID
        return None
    return PersonRef(username=name)


def _profile_path(platform_id: str, text: str) -> list[str] | None:
    """The parts of the path of a link to a profile on the platform, or None if `text` is no
    such link."""
    hosts = PROFILE_HOSTS.get(platform_id, ())
    if not hosts or "/" not in text or any(c.isspace() for c in text):
        return None
    split = urlsplit(text if "://" in text else f"https://{text}")
    host = (split.hostname or "").removeprefix("www.").removeprefix("mobile.")
    if host not in hosts:
        return None
    return [unquote(part) for part in split.path.split("/") if part]


def _from_profile_link(platform_id: str, path: list[str]) -> PersonRef | None:
    if platform_id == "linkedin":  # linkedin.com/in/<name>/
        if len(path) >= 2 and path[0] == "in" and LINKEDIN_NAME.fullmatch(path[1]):
            return PersonRef(username=path[1].lower())
        return None
    if platform_id == "twitter" and len(path) >= 3 and path[:2] == ["i", "user"]:
        return PersonRef(platform_id=path[2]) if valid_user_id(path[2]) else None
    if path:
        return read_person(platform_id, path[0])
    return None


def _linkedin(text: str) -> PersonRef | None:
    """A member ID (bare, or as its URN: urn:li:fsd_profile:ACoAA...), or a profile's name."""
    member = text.rsplit(":", 1)[-1] if text.startswith("urn:li:") else text
    if LINKEDIN_MEMBER_ID.fullmatch(member):
        return PersonRef(platform_id=member)
    if LINKEDIN_NAME.fullmatch(text):
        return PersonRef(username=text.lower())
    return None
