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
    from tui.api.connect import connect
    from tui.api.errors import (
        ApiError,
        AuthError,
        Conflict,
        Forbidden,
        InboxError,
        NotFound,
        NotText,
        RateLimited,
        SendInProgress,
        SendUnconfirmed,
        ServerError,
        TransportError,
    )
    from tui.api.http import RetryPolicy
    from tui.api.pacing import RequestBudget
    from tui.api.service import UNSET, InboxApi
    from tui.api.v1.client import V1Client
    from tui.api.v2.api import V2Api
    from tui.api.v2.client import V2Client
    from tui.core.api_versions import (
        API_VERSIONS,
        DEFAULT_API_VERSION,
        ApiFeature,
        ApiVersion,
        default_base_url,
    )

_HOMES = {
    "connect": "tui.api.connect",
    "UNSET": "tui.api.service",
    "RetryPolicy": "tui.api.http",
    "ApiError": "tui.api.errors",
    "AuthError": "tui.api.errors",
    "Conflict": "tui.api.errors",
    "Forbidden": "tui.api.errors",
    "InboxError": "tui.api.errors",
    "NotFound": "tui.api.errors",
    "NotText": "tui.api.errors",
    "RateLimited": "tui.api.errors",
    "SendInProgress": "tui.api.errors",
    "SendUnconfirmed": "tui.api.errors",
    "ServerError": "tui.api.errors",
    "TransportError": "tui.api.errors",
    "RequestBudget": "tui.api.pacing",
    "ApiFeature": "tui.core.api_versions",
    "InboxApi": "tui.api.service",
    "V1Client": "tui.api.v1.client",
    "V2Api": "tui.api.v2.api",
    "V2Client": "tui.api.v2.client",
    "API_VERSIONS": "tui.core.api_versions",
    "DEFAULT_API_VERSION": "tui.core.api_versions",
    "ApiVersion": "tui.core.api_versions",
    "default_base_url": "tui.core.api_versions",
}

__all__ = [
    "API_VERSIONS",
    "DEFAULT_API_VERSION",
    "UNSET",
    "ApiError",
    "ApiFeature",
    "ApiVersion",
    "AuthError",
    "Conflict",
    "Forbidden",
    "InboxApi",
    "InboxError",
    "NotFound",
    "NotText",
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
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
