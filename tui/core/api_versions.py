"""The API versions the app speaks and where each lives by default (connect.py picks the
client). Kept apart from the clients so that the settings can name them without importing
httpx, and so that the clients can read it without a cycle."""

from __future__ import annotations

from typing import Final, Literal

ApiVersion = Literal["v2", "v1"]
API_VERSIONS: Final[tuple[ApiVersion, ...]] = ("v2", "v1")
DEFAULT_API_VERSION: Final[ApiVersion] = "v2"  # the service's current one; v1 is deprecated
SERVICE_ROOT: Final = "https://inboxapp.com/api"


class ApiFeature:
    """Names of what only some versions can do."""

    NONE_FILTERS = "filter:none"  # "no tags", "no status", "no campaign" (v1)
    ALL_VIEW = "view:all"  # the All folder (v2)
    EMPTY_THREAD = "thread:create-empty"  # open a conversation before its first message (v1)
    IDEMPOTENT_SEND = "send:idempotent"  # Idempotency-Key makes a retried send safe (v2)
    UNREAD = "thread:unread"  # a thread is read or unread, and either can be set (v2)
    SEARCH = "threads:search"  # threads found by words in names and previews (v2's q)
    FRESH_MEDIA_URLS = "attachments:refresh"  # an expired media URL can be renewed (v2)


def default_base_url(version: ApiVersion) -> str:
    return f"{SERVICE_ROOT}/{version}"


def parse_version(value: str) -> ApiVersion:
    """ "v2", "2" or "V2" -> "v2"; anything else is a ValueError naming the choices."""
    text = value.strip().lower()
    text = text if text.startswith("v") else f"v{text}"
    for version in API_VERSIONS:
        if text == version:
            return version
    raise ValueError(f"unknown API version {value.strip()[:20]!r}: use v2 or v1")
