"""Typed errors of the Inbox client. Messages carry the server's words, never the API key."""

from __future__ import annotations

from typing import Any

SERVICE = "the Inbox API"  # what a client talks to, unless it talks to the team's relay
RELAY = "the relay"

# The team relay's 401 (tui/relay/server.py): its token, not the service's key, was refused.
RELAY_TOKEN_REFUSED = "relayTokenRefused"


class InboxError(Exception):
    """Base of every error the client raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        details: Any = None,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        # The service's ID of the failed request (v2), for a support ticket.
        self.request_id = request_id
        self.details = details
        # Seconds the server asked us to wait before trying again, when it said.
        self.retry_after = retry_after

    @property
    def message_id(self) -> str | None:
        """The message a send error names (v2 sendInProgress / sendUnconfirmed)."""
        value = self.details.get("messageId") if isinstance(self.details, dict) else None
        return value if isinstance(value, str) else None

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


class ServerError(InboxError):
    """5xx."""


class TransportError(InboxError):
    """The request failed below HTTP: timeout, refused or dropped connection, bad body.

    `maybe_sent` is true when the request may have reached the server (the outcome is unknown):
    a send in that state must never be retried blindly.
    """

    def __init__(self, message: str, *, maybe_sent: bool = True, service: str = SERVICE):
        super().__init__(message)
        self.maybe_sent = maybe_sent
        self.service = service  # what could not be reached, as the user names it


class NotText(InboxError):
    """A request holding a string that is not Unicode text (a lone surrogate): refused before
    anything is sent, so nothing reached the service and nothing needs checking."""


class SendInProgress(Conflict):
    """409 (v2): the same Idempotency-Key is still being sent; ask again shortly."""


class SendUnconfirmed(ServerError):
    """502 (v2): the platform did not confirm the send. Never retried: the message may have
    gone. `message_id` names it; re-read the thread to see what arrived."""


def error_for_status(status: int, message: str, **kwargs: Any) -> InboxError:
    """The typed error for an HTTP status (the fallback when no code names it better)."""
    kwargs["status"] = status
    if status == 401:
        return AuthError(message, **kwargs)
    if status == 403:
        return Forbidden(message, **kwargs)
    if status == 404:
        return NotFound(message, **kwargs)
    if status == 409:
        return Conflict(message, **kwargs)
    if status == 429:
        return RateLimited(message, **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    return ApiError(message, **kwargs)


def error_from_body(status: int, body: Any, retry_after: float | None = None) -> InboxError:
    """The error of an `{"error": {"code", "message", "status"}}` body (or the older flat
    `{"error": "...", "message"}`): v1's shape, which the CRM shares."""
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
    return error_for_status(status, message or f"HTTP {status}", code=code, retry_after=retry_after)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class MediaError(Exception):
    """An attachment could not be fetched. `expired`: the link is no longer valid (ask the
    API for a fresh one). Here, not beside the media client, so that what handles it need not
    import httpx (the app's first frame does without it)."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired
