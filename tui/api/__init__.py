"""The Inbox API, both versions, behind one interface (`InboxApi`): no Textual imports.

`connect()` (connect.py) gives the client of the chosen version. The wire modules (`v1/`,
`v2/`) are this package's business: nothing outside `tui.api` imports them (import-linter
checks).

The names below load their module when first used, so that importing the errors or the
versions (which the app needs early) does not import httpx and the clients.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .connect import connect
    from .errors import (
        ApiError,
        AuthError,
        Conflict,
        Forbidden,
        InboxError,
        NotFound,
        RateLimited,
        SendInProgress,
        SendUnconfirmed,
        ServerError,
        TransportError,
    )
    from .http import RetryPolicy
    from .pacing import RequestBudget
    from .service import UNSET, InboxApi
    from .v1.client import V1Client
    from .v2.api import V2Api
    from .v2.client import V2Client
    from .versions import (
        API_VERSIONS,
        DEFAULT_API_VERSION,
        ApiVersion,
        Feature,
        default_base_url,
    )

_HOMES = {
    "connect": "connect",
    "UNSET": "service",
    "RetryPolicy": "http",
    "ApiError": "errors",
    "AuthError": "errors",
    "Conflict": "errors",
    "Forbidden": "errors",
    "InboxError": "errors",
    "NotFound": "errors",
    "RateLimited": "errors",
    "SendInProgress": "errors",
    "SendUnconfirmed": "errors",
    "ServerError": "errors",
    "TransportError": "errors",
    "RequestBudget": "pacing",
    "Feature": "versions",
    "InboxApi": "service",
    "V1Client": "v1.client",
    "V2Api": "v2.api",
    "V2Client": "v2.client",
    "API_VERSIONS": "versions",
    "DEFAULT_API_VERSION": "versions",
    "ApiVersion": "versions",
    "default_base_url": "versions",
}

__all__ = [
    "API_VERSIONS",
    "DEFAULT_API_VERSION",
    "UNSET",
    "ApiError",
    "ApiVersion",
    "AuthError",
    "Conflict",
    "Feature",
    "Forbidden",
    "InboxApi",
    "InboxError",
    "NotFound",
    "RateLimited",
    "RequestBudget",
    "RetryPolicy",
    "SendInProgress",
    "SendUnconfirmed",
    "ServerError",
    "TransportError",
    "V1Client",
    "V2Api",
    "V2Client",
    "connect",
    "default_base_url",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
