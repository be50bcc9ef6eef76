"""v1's `PATCH /threads/{threadId}/settings` (`{typingIndicatorsEnabled}`): the thread's typing
indicator setting, the one v2 sets as `typingIndicators` on `PATCH /threads/{threadId}`
(enabled, disabled, or null for the team's default)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from tui.demo.store import DemoError, DemoStore

V1_TO_STORED = {True: "enabled", False: "disabled", None: "teamDefault"}
STORED_TO_V1 = {"enabled": True, "disabled": False}


async def update_settings(store: DemoStore, request: Request) -> dict[str, Any]:
    thread = store.thread(request.path_params["thread_id"])
    body = await _body(request)
    if "typingIndicatorsEnabled" in body:
        value = body["typingIndicatorsEnabled"]
        if value is not None and not isinstance(value, bool):
            raise _bad("typingIndicatorsEnabled must be true, false or null")
        thread.typing_indicators = V1_TO_STORED[value]
    return {
        "threadId": thread.id,
        "typingIndicatorsEnabled": STORED_TO_V1.get(thread.typing_indicators),
    }


async def _body(request: Request) -> dict[str, Any]:
    """The optional JSON object body (the spec requires none); no field beyond the setting."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _bad("the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _bad("the request body must be a JSON object")
    unknown = sorted(set(body) - {"typingIndicatorsEnabled"})
    if unknown:
        raise DemoError(400, "INVALID_FIELD", f"unknown field(s): {', '.join(unknown)}")
    return body


def _bad(message: str) -> DemoError:
    return DemoError(400, "BAD_REQUEST", message)
