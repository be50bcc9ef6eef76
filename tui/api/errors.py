"""Typed errors of the Inbox client. Messages carry the server's words, never the API key."""

from __future__ import annotations

from typing import Any


class InboxError(Exception):
    """Base of every error the client raises."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def __str__(self) -> str:
        prefix = f"{self.status} " if self.status else ""
        code = f"{self.code}: " if self.code else ""
        return f"{prefix}{code}{self.message}"


class ApiError(InboxError):
    """A 4xx the other classes do not name (400 bad request, 422 unprocessable, ...)."""


class AuthError(ApiError):
    """401: the key is missing, wrong or revoked."""


class Forbidden(ApiError):
    """403: the key is valid, but this action is not allowed (e.g. editing someone else's
    message). Not an authentication failure: the session goes on."""


class NotFound(ApiError):
    """404."""


class Conflict(ApiError):
    """409, e.g. creating a thread that already exists."""


class RateLimited(ApiError):
    """429. `retry_after` is the server's Retry-After in seconds, when it sent one."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(InboxError):
    """5xx."""


class TransportError(InboxError):
    """The request failed below HTTP: timeout, refused or dropped connection, bad body.

    `maybe_sent` is true when the request may have reached the server (the outcome is unknown):
    a send in that state must never be retried blindly.
    """

    def __init__(self, message: str, *, maybe_sent: bool = True):
        super().__init__(message)
        self.maybe_sent = maybe_sent


def error_for_status(status: int, body: Any, *, retry_after: float | None = None) -> InboxError:
    """Map a non-2xx response to its typed error. Reads both documented error shapes:
    `{"error": {"code", "message", "status"}}` and the older flat `{"error": "...", "message"}`."""
    code: str | None = None
    message: str | None = None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            code = _str_or_none(error.get("code"))
            message = _str_or_none(error.get("message"))
        else:
            code = _str_or_none(error)
            message = _str_or_none(body.get("message")) or code
    if not message:
        message = f"HTTP {status}"
    kwargs: dict[str, Any] = {"status": status, "code": code}
    if status == 401:
        return AuthError(message, **kwargs)
    if status == 403:
        return Forbidden(message, **kwargs)
    if status == 404:
        return NotFound(message, **kwargs)
    if status == 409:
        return Conflict(message, **kwargs)
    if status == 429:
        return RateLimited(message, retry_after=retry_after, **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    return ApiError(message, **kwargs)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
