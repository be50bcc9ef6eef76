"""The API versions the app speaks, where each lives by default, and the one place that picks
a client by version (`connect`).

Kept apart from the clients so that the settings can name them without importing httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from .service import InboxApi

ApiVersion = Literal["v2", "v1"]
API_VERSIONS: Final[tuple[ApiVersion, ...]] = ("v2", "v1")
DEFAULT_API_VERSION: Final[ApiVersion] = "v2"  # the service's current one; v1 is deprecated
SERVICE_ROOT: Final = "https://inboxapp.com/api"


class Feature:
    """Names of what only some versions can do."""

    NONE_FILTERS = "filter:none"  # "no tags", "no status", "no campaign" (v1)
    ALL_VIEW = "view:all"  # the All folder (v2)
    EMPTY_THREAD = "thread:create-empty"  # open a conversation before its first message (v1)
    IDEMPOTENT_SEND = "send:idempotent"  # Idempotency-Key makes a retried send safe (v2)


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


def connect(
    version: ApiVersion, api_key: str, *, base_url: str | None = None, **options: Any
) -> InboxApi:
    """The client of `version` (default URL: the service's, for that version). `options` are
    the clients' own (transport, timeout, budget, retry, sleep, rng). The clients (and httpx)
    load here, when the first one is made."""
    url = base_url or default_base_url(version)
    if version == "v1":
        from .v1.client import V1Client

        return V1Client(api_key, base_url=url, **options)
    from .v2.api import V2Api

    return V2Api(api_key, base_url=url, **options)
