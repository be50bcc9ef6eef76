"""What a v2 handler answers (a body, `Created`, `Accepted`, `NO_CONTENT`, or a `V2Error`,
which the endpoint wrapper in tui/demo/app.py turns into `{code, message, details, requestId}`),
and how it reads a JSON body."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request

from tui.demo.store import DemoError

CUID = re.compile(r"^[0-9a-z]+\Z")  # \Z: `$` would let a trailing newline through

V1_CODES = {
    "THREAD_NOT_FOUND": "threadNotFound",
    "MESSAGE_NOT_FOUND": "messageNotFound",
    "TAG_NOT_FOUND": "tagNotFound",
    "STATUS_NOT_FOUND": "statusNotFound",
    "PROSPECT_NOT_FOUND": "contactNotFound",
    "ACCOUNT_LINK_NOT_FOUND": "accountLinkNotFound",
    "MEMBER_NOT_FOUND": "memberNotFound",
    "NAME_TAKEN": "nameTaken",
    "NOT_SUPPORTED": "threadRestricted",
    "MESSAGE_DELETED": "messageNotModifiable",
    "FORBIDDEN": "messageNotModifiable",
    "BAD_REQUEST": "invalidRequest",
    "UNAUTHORIZED": "unauthorized",
    "RATE_LIMITED": "rateLimited",
    "ACCOUNT_LINK_DISCONNECTED": "accountLinkDisconnected",
    "RECIPIENT_UNAVAILABLE": "recipientUnavailable",
}
STATUS_CODES = {
    400: "invalidRequest",
    401: "unauthorized",
    404: "threadNotFound",
    429: "rateLimited",
}


class V2Error(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def invalid(path: str, message: str) -> V2Error:
    return V2Error(
        400,
        "invalidRequest",
        f"{path}: {message}" if path else message,
        {"issues": [{"path": [path] if path else [], "message": message}]},
    )


def from_demo_error(error: DemoError) -> V2Error:
    """A store error in v2's terms (its details shaped as each code's schema says)."""
    code = V1_CODES.get(error.code) or STATUS_CODES.get(error.status, "internal")
    status = error.status
    details: Any = None
    if code == "invalidRequest":
        named = error.details if error.details and "issues" in error.details else None
        details = named or {"issues": [{"path": [], "message": error.message}]}
    elif code == "nameTaken":
        found = re.search(r"named '(.*)' already", error.message)
        details = {"name": found.group(1) if found else ""}
    elif code == "threadRestricted":
        details = {"capability": "message:edit"}
    elif code == "messageNotModifiable":
        status = 422  # v1's 403 (not your message) is, in v2, one more message not to change
        details = {"reason": error.message}
    elif code in ("accountLinkDisconnected", "recipientUnavailable"):
        details = error.details
    return V2Error(status, code, error.message, details)


class Created:
    """A 201 answer."""

    def __init__(self, body: Any) -> None:
        self.body = body


class Accepted:
    """A 202 answer."""

    def __init__(self, body: Any) -> None:
        self.body = body


NO_CONTENT = object()  # a 204 answer


def json_object(request: Request) -> dict[str, Any]:
    """The JSON body, already checked against the operation's schema in the spec (no field
    it does not name, each of its type)."""
    body = request.state.checked.body
    return body if isinstance(body, dict) else {}


def member_or_none(body: dict[str, Any]) -> str | None:
    """The body's `assigneeId`: a member ID, or null (which clears it)."""
    assignee = body["assigneeId"]
    if assignee is not None and not (isinstance(assignee, str) and CUID.match(assignee)):
        raise invalid("assigneeId", "must be a member ID or null")
    return assignee
