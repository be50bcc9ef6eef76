"""Errors in the user's terms, with what to do about them."""

from __future__ import annotations

from typing import Any

from tui.api.errors import RELAY_TOKEN_REFUSED, AuthError, InboxError, RateLimited, TransportError
from tui.core.config import ENV_API_KEY, ENV_RELAY_TOKEN
from tui.core.permissions import CAPABILITY_WORDS
from tui.core.text import one_line
from tui.core.timestamps import parse_timestamp


def _capability(details: Any) -> str:
    value = details.get("capability") if isinstance(details, dict) else None
    if not isinstance(value, str):
        return "this"
    return CAPABILITY_WORDS.get(value, one_line(value, 40))


def _by_code(error: InboxError) -> str | None:
    """v2's codes that say more than the server's message does to a user."""
    details = error.details if isinstance(error.details, dict) else {}
    if error.code == "mutationWindowClosed":
        when = ""
        try:
            closed = parse_timestamp(details.get("closedAt"))
            when = f" (it closed {closed:%Y-%m-%d %H:%M} UTC)"
        except (ValueError, TypeError):
            pass
        what = _capability(details)
        return (
            f"Too late: the platform allows {what} only for a while after a message is sent{when}."
        )
    if error.code in ("threadRestricted", "capabilityNotSupported"):
        where = "conversation" if error.code == "threadRestricted" else "account"
        return f"This {where} does not allow {_capability(details)}."
    if error.code == "messageNotModifiable":
        reason = details.get("reason")
        why = f" ({one_line(reason, 80)})" if isinstance(reason, str) and reason.strip() else ""
        return f"The platform no longer lets you change this message{why}."
    if error.code == "accountLinkDisconnected":
        status = one_line(str(details.get("status") or "disconnected"), 20)
        return f"The account link is {status}: reconnect or resume it in Inboxapp."
    return None


def describe_error(error: InboxError) -> str:
    """What went wrong, in the user's terms, with what to do about it."""
    if isinstance(error, AuthError) and error.code == RELAY_TOKEN_REFUSED:
        return (
            "The relay refused your relay token: ask whoever runs the relay for a new one "
            f"(`inbox-tui relay --add-person NAME`) and set relay_token (or {ENV_RELAY_TOKEN}), "
            "then start the app again."
        )
    if isinstance(error, AuthError):
        return (
            "The API key was refused: store a new one with `inbox-tui set-key` (or set "
            f"{ENV_API_KEY}), then start the app again."
        )
    if isinstance(error, RateLimited):
        wait = f" Retry in {error.retry_after:.0f} s." if error.retry_after else ""
        return f"Rate-limited by the Inbox API.{wait}"
    if isinstance(error, TransportError):
        return f"Offline: cannot reach {error.service}."
    # The service's request ID (v2) goes with it: what support asks for.
    request = f" (request {one_line(error.request_id, 40)})" if error.request_id else ""
    explained = _by_code(error)
    if explained is not None:
        return explained + request
    if error.status is not None and error.status < 500:
        return one_line(error.message, 200) + request  # the server's own words say what
    return one_line(str(error), 200) + request
