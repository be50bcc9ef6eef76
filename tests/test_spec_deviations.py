"""Where the demo answered otherwise than the specs say (issue #35), and what the client makes of
the spec's answer: each case as a client or any HTTP client meets it, v2 answers checked
against 07-inbox-v2-openapi.json as they pass (tests/v2_spec.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from textual.widgets import TextArea

from tests.app_helpers import settle
from tests.test_actions import notifications, reader
from tests.test_message_keys import open_conversation, select_newest
from tests.v2_spec import SpecCheckingTransport
from tui.api import ApiError, RetryPolicy
from tui.api.v2.client import V2Client
from tui.demo import DEMO_API_KEY, DEMO_ROOT, DemoApi, demo_transport
from tui.demo.records import ThreadRec
from tui.ui.describe import describe_error
from tui.ui.screens.pickers import NotesScreen


@pytest.fixture
async def wire(demo_api: DemoApi) -> AsyncIterator[V2Client]:
    client = V2Client(
        DEMO_API_KEY,
        base_url=f"{DEMO_ROOT}/v2",
        transport=SpecCheckingTransport(demo_transport(demo_api)),
        retry=RetryPolicy(max_attempts=1),
    )
    yield client
    await client.aclose()


async def request(
    api: DemoApi, method: str, path: str, *, checked: bool = True, **kwargs: object
) -> httpx.Response:
    """One request as any HTTP client sends it; `path` from the demo's root (/api/v1/...,
    /api/v2/...). `checked`: a v2 answer must be one the spec declares."""
    transport = demo_transport(api)
    if checked:
        transport = SpecCheckingTransport(transport)
    async with httpx.AsyncClient(
        transport=transport,
        base_url=DEMO_ROOT.removesuffix("/api"),
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
    ) as http:
        return await http.request(method, path, **kwargs)  # type: ignore[arg-type]


def xchat_thread(api: DemoApi) -> ThreadRec:
    return next(t for t in api.store.threads.values() if t.variant == "xChat")


# --- 1. messageNotModifiable is a 422 -----------------------------------------------------------


async def test_changing_their_message_is_422_message_not_modifiable(
    demo_api: DemoApi, wire: V2Client
) -> None:
    thread = xchat_thread(demo_api)
    theirs = demo_api.store.receive_message(thread, "Mine to change, not yours")
    with pytest.raises(ApiError) as info:
        await wire.edit_message(theirs.id, "Rewritten")
    assert (info.value.status, info.value.code) == (422, "messageNotModifiable")
    assert isinstance(info.value.details, dict) and info.value.details["reason"]
    said = describe_error(info.value)
    assert said.startswith("The platform no longer lets you change this message"), said
    with pytest.raises(ApiError) as info:
        await wire.unsend_message(theirs.id, scope="all")
    assert (info.value.status, info.value.code) == (422, "messageNotModifiable")


async def test_editing_a_message_deleted_meanwhile_says_why(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        ours = select_newest(app, thread, ours=True)
        await reader(api).delete_message(thread.id, ours.id)  # from another device
        await pilot.press("E")
        assert isinstance(app.screen, NotesScreen)
        app.screen.query_one(TextArea).text = "Too late for this"
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = [n for n in notifications(app) if n.startswith("Not edited")]
        assert said, notifications(app)
        assert "the platform no longer lets you change this message" in said[0].lower()
