"""Text that is not Unicode (#36): a lone surrogate ("a\\ud800b", which a bad paste or file can
leave) is refused by the client before anything is sent, with a sentence naming the field; the
demo refuses it with 400 and stores nothing; in the app, the reply stays in the composer."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.app_helpers import kept_drafts, make_app, settle
from tests.conftest import make_store
from tests.test_actions import notifications, open_thread
from tui.api.errors import NotText
from tui.backend import demo_client
from tui.demo import DemoApi
from tui.demo.openapi import NOT_TEXT

BROKEN = "a\ud800b"


def message_count(api: DemoApi) -> int:
    return sum(len(api.store.messages_of(thread)) for thread in api.store._order)


@pytest.mark.parametrize("version", ["v2", "v1"])
async def test_the_client_refuses_it_before_anything_is_sent(version: str) -> None:
    api = DemoApi(make_store(30))
    client = demo_client(api, version)
    thread = api.store._order[0]
    messages, requests = message_count(api), len(api.request_log)
    calls = {
        '"content"': client.send_message(thread.id, BROKEN),
        '"notes"': client.update_prospect_context(thread.prospect.external_id, notes=BROKEN),
        '"username"': client.lookup_threads_by_username(BROKEN),
        "path": client.get_thread(BROKEN),
    }
    for named, call in calls.items():
        with pytest.raises(NotText) as refused:
            await call
        sentence = str(refused.value)
        assert named in sentence and "U+D800" in sentence and "cannot be sent" in sentence
    assert len(api.request_log) == requests and message_count(api) == messages
    assert client.request_count == 0  # not even the team's request budget was spent
    await client.aclose()


async def test_the_demo_answers_it_with_400_and_stores_nothing() -> None:
    api = DemoApi(make_store(30))
    # A plain client (not inbox-tui's, which refuses it before sending), as a third party's.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api.asgi),
        base_url="http://demo",
        headers={"Authorization": "Bearer demo", "Content-Type": "application/json"},
    ) as http:
        thread_id = api.store._order[0].id
        messages = message_count(api)
        # The JSON escape as the raw bytes carry it: valid JSON, but not text.
        content = b'"content": "a\\ud800b"'
        v2 = await http.post(
            "/api/v2/messages",
            content=b'{"target": {"type": "thread", "threadId": "%s"}, %s}'
            % (thread_id.encode(), content),
        )
        assert v2.status_code == 400, v2.text
        assert v2.json()["code"] == "invalidRequest"
        assert v2.json()["details"]["issues"] == [{"path": ["content"], "message": NOT_TEXT}]
        v1 = await http.post(f"/api/v1/threads/{thread_id}/messages", content=b"{%s}" % content)
        assert v1.status_code == 400, v1.text
        assert v1.json()["error"]["code"] == "BAD_REQUEST"
        # In a query: the bytes a surrogate would be in UTF-8 (ED A0 80), which are not UTF-8.
        v2_query = await http.get("/api/v2/threads?q=a%ED%A0%80b")
        assert v2_query.status_code == 400 and v2_query.json()["details"]["issues"][0] == {
            "path": ["q"],
            "message": NOT_TEXT,
        }
        v1_query = await http.get("/api/v1/threads/lookup-by-username?username=a%ED%A0%80b")
        assert v1_query.status_code == 400 and "username" in v1_query.text
        assert message_count(api) == messages
        # Nothing was stored that a listing would fail to send.
        assert (await http.get("/api/v2/threads")).status_code == 200
        assert (await http.get("/api/v1/threads")).status_code == 200


async def test_a_reply_holding_it_stays_in_the_composer_with_the_reason(data_dir: Path) -> None:
    app, api = make_app(60, data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        messages = message_count(api)
        await pilot.press("r")
        app.composer.input.insert(BROKEN)  # (as a paste would leave it)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.composer.input.text == BROKEN
        assert any(
            "the reply holds a broken character (U+D800" in n and "cannot be sent" in n
            for n in notifications(app)
        ), notifications(app)
        assert message_count(api) == messages
    assert kept_drafts(data_dir).get(thread.id) == BROKEN  # kept on disk as typed
