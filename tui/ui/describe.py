"""Errors in the user's terms, with what to do about them."""

from __future__ import annotations

from tui.api.errors import AuthError, InboxError, RateLimited, TransportError
from tui.core.text import one_line


def describe_error(error: InboxError) -> str:
    """What went wrong, in the user's terms, with what to do about it."""
    if isinstance(error, AuthError):
        return "The API key was refused: set INBOX_API_KEY (or api_key in the config file)."
    if isinstance(error, RateLimited):
        wait = f" Retry in {error.retry_after:.0f} s." if error.retry_after else ""
        return f"Rate-limited by the Inbox API.{wait}"
    if isinstance(error, TransportError):
        return "Offline: cannot reach the Inbox API."
    # The service's request ID (v2) goes with it: what support asks for.
    request = f" (request {one_line(error.request_id, 40)})" if error.request_id else ""
    if error.status is not None and error.status < 500:
        return one_line(error.message, 200) + request  # the server's own words say what
    return one_line(str(error), 200) + request
