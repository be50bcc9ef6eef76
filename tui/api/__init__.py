"""The typed Inbox API client: no Textual imports, usable from scripts."""

from .client import DEFAULT_BASE_URL, UNSET, InboxClient, RetryPolicy
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
from .query import IdFilter, InboxView, SortOrder, ThreadQuery

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
