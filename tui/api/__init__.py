"""The typed Inbox API client: no Textual imports, usable from scripts.

The names below load their module when first used, so that importing the models or the query
types (which the app needs to paint its first rows) does not import httpx and the client.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import UNSET, InboxClient, RetryPolicy
    from .errors import (
        ApiError,
        AuthError,
        Conflict,
        Forbidden,
        InboxError,
        NotFound,
        RateLimited,
        ServerError,
        TransportError,
    )
    from .pacing import RequestBudget
    from .query import DEFAULT_BASE_URL, IdFilter, InboxView, SortOrder, ThreadQuery

_HOMES = {
    "UNSET": "client",
    "InboxClient": "client",
    "RetryPolicy": "client",
    "ApiError": "errors",
    "AuthError": "errors",
    "Conflict": "errors",
    "Forbidden": "errors",
    "InboxError": "errors",
    "NotFound": "errors",
    "RateLimited": "errors",
    "ServerError": "errors",
    "TransportError": "errors",
    "RequestBudget": "pacing",
    "DEFAULT_BASE_URL": "query",
    "IdFilter": "query",
    "InboxView": "query",
    "SortOrder": "query",
    "ThreadQuery": "query",
}

__all__ = [
    "DEFAULT_BASE_URL",
    "UNSET",
    "ApiError",
    "AuthError",
    "Conflict",
    "Forbidden",
    "IdFilter",
    "InboxClient",
    "InboxError",
    "InboxView",
    "NotFound",
    "RateLimited",
    "RequestBudget",
    "RetryPolicy",
    "ServerError",
    "SortOrder",
    "ThreadQuery",
    "TransportError",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
