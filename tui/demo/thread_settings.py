"""v1's `PATCH /threads/{threadId}/settings` (`{typingIndicatorsEnabled}`): the thread's typing
indicator setting, the one v2 sets as `typingIndicators` on `PATCH /threads/{threadId}`
(enabled, disabled, or null for the team's default)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from tui.demo.store import DemoStore

V1_TO_STORED = {True: "enabled", False: "disabled", None: "teamDefault"}
STORED_TO_V1 = {"enabled": True, "disabled": False}


async def update_settings(store: DemoStore, request: Request) -> dict[str, Any]:
    thread = store.thread(request.path_params["thread_id"])
    body = request.state.checked.body or {}  # checked against the spec's schema already
    if "typingIndicatorsEnabled" in body:
        thread.typing_indicators = V1_TO_STORED[body["typingIndicatorsEnabled"]]
    return {
        "threadId": thread.id,
        "typingIndicatorsEnabled": STORED_TO_V1.get(thread.typing_indicators),
    }
