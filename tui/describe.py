"""Errors in the user's terms, with what to do about them."""

from __future__ import annotations

from .api.errors import AuthError, InboxError, RateLimited, TransportError
from .text import one_line


def describe_error(error: InboxError) -> str:
    """What went wrong, in the user's terms, with what to do about it."""
    if isinstance(error, AuthError):
        return "The API key was refused: set INBOX_API_KEY (or api_key in the config file)."
    if isinstance(error, RateLimited):
        wait = f" Retry in {error.retry_after:.0f} s." if error.retry_after else ""
        return f"Rate-limited by the Inbox API.{wait}"
    if isinstance(error, TransportError):
        return "Offline: cannot reach the Inbox API."
    if error.status is not None and error.status < 500:
        return one_line(error.message, 200)  # the server's own words say what was refused
    return one_line(str(error), 200)
