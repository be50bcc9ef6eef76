"""The demo server's version 1 HTTP surface, spoken to raw (no client), as a third party would.
(Version 2's is checked against its spec in test_v2_client.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tui.demo import DemoApi

AUTH = {"Authorization": "Bearer demo"}


@pytest.fixture
async def http(demo_api: DemoApi) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_api.asgi), base_url="http://demo/api/v1"
    ) as raw:
        yield raw


async def test_v1_under_api_v1_and_v2_under_api_v2_and_at_the_root(demo_api: DemoApi) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_api.asgi), base_url="http://demo"
    ) as raw:
        v1 = await raw.get("/api/v1/threads", params={"limit": 3}, headers=AUTH)
        v2 = await raw.get("/api/v2/threads", params={"limit": 3}, headers=AUTH)
        bare = await raw.get("/threads", params={"limit": 3}, headers=AUTH)
    assert v1.status_code == v2.status_code == bare.status_code == 200
    assert set(v1.json()) == {"threads", "nextCursor"}
    assert set(v2.json()) == {"data", "nextCursor"} and v2.json() == bare.json()
    # One store: the same people behind both versions.
    assert v1.json()["threads"][0]["prospect"]["externalId"] == v2.json()["data"][0]["contactId"]


async def test_documented_shapes(http: httpx.AsyncClient) -> None:
    for path in ("/tags", "/statuses", "/account-links", "/members", "/colors"):
        assert isinstance((await http.get(path, headers=AUTH)).json(), list), path
    thread = (await http.get("/threads", headers=AUTH)).json()["threads"][0]
    single = (await http.get(f"/threads/{thread['id']}", headers=AUTH)).json()
    assert single["id"] == thread["id"]  # the object itself, not {"thread": ...}
    messages = (await http.get(f"/threads/{thread['id']}/messages", headers=AUTH)).json()
    assert set(messages) >= {"messages", "nextCursor", "isSyncing", "threadId", "teamId"}


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "ten"},
        {"inbox": "spam"},
        {"filters[sortOrder]": "sideways"},
        {"filters[tags][noTags]": "maybe"},
        {"filters[tagIds][0]": "x"},
        {"cursorId": "abc"},
        {"cursorId": "abc", "cursorTimestamp": "yesterday"},
    ],
)
async def test_invalid_list_input_is_a_400(http: httpx.AsyncClient, params: dict[str, str]) -> None:
    response = await http.get("/threads", params=params, headers=AUTH)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["message"]


async def test_missing_lookup_params_are_400(http: httpx.AsyncClient) -> None:
    assert (await http.get("/threads/lookup", headers=AUTH)).status_code == 400
    assert (
        await http.get("/threads/lookup", params={"accountLinkId": "a"}, headers=AUTH)
    ).status_code == 400
    assert (await http.get("/threads/lookup-by-username", headers=AUTH)).status_code == 400
    assert (await http.get("/prospects/lookup", headers=AUTH)).status_code == 400


async def test_lookups_answer_null(http: httpx.AsyncClient) -> None:
    link = (await http.get("/account-links", headers=AUTH)).json()[0]["id"]
    response = await http.get(
        "/threads/lookup", params={"accountLinkId": link, "externalPlatformId": "1"}, headers=AUTH
    )
    assert response.status_code == 200 and response.text == "null"
    response = await http.get("/prospects/lookup", params={"platformId": "1"}, headers=AUTH)
    assert response.status_code == 200 and response.text == "null"


async def test_tag_ids_field_is_refused(http: httpx.AsyncClient) -> None:
    thread = (await http.get("/threads", headers=AUTH)).json()["threads"][0]
    pid = thread["prospect"]["externalId"]
    response = await http.patch(f"/prospects/{pid}/context", json={"tagIds": []}, headers=AUTH)
    assert response.status_code == 400
    assert "addTags" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"valuation": "1,000"},
        {"valuation": True},
        {"notes": 5},
        {"done": "yes"},
        {"addTags": "abc"},
        {"addTags": [1]},
        {"colour": "red"},
    ],
)
async def test_invalid_context_is_a_400(http: httpx.AsyncClient, body: dict[str, object]) -> None:
    thread = (await http.get("/threads", headers=AUTH)).json()["threads"][0]
    pid = thread["prospect"]["externalId"]
    response = await http.patch(f"/prospects/{pid}/context", json=body, headers=AUTH)
    assert response.status_code == 400


async def test_auth_is_required_everywhere(http: httpx.AsyncClient) -> None:
    for path in ("/team", "/threads", "/tags"):
        response = await http.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHORIZED"
    wrong = await http.get("/team", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


async def test_unknown_ids_are_404(http: httpx.AsyncClient) -> None:
    for path in ("/threads/nope", "/threads/nope/messages", "/prospects/nope", "/members/nope"):
        response = await http.get(path, headers=AUTH)
        assert response.status_code == 404, path
        assert response.json()["error"]["status"] == 404


async def test_bad_json_and_empty_content(http: httpx.AsyncClient) -> None:
    thread = (await http.get("/threads", headers=AUTH)).json()["threads"][0]
    path = f"/threads/{thread['id']}/messages"
    bad = await http.post(
        path, content=b"{nope", headers={**AUTH, "content-type": "application/json"}
    )
    assert bad.status_code == 400
    assert (await http.post(path, json={"content": "  "}, headers=AUTH)).status_code == 400
    assert (await http.post(path, json={"content": "x" * 10_001}, headers=AUTH)).status_code == 400


async def test_seed_is_varied_and_realistic(demo_api: DemoApi) -> None:
    store = demo_api.store
    threads = list(store.threads.values())
    assert len(threads) >= 300
    counts = [t.message_count for t in threads]
    assert min(counts) == 1 and max(counts) >= 300
    assert any(t.is_request for t in threads)
    assert any(t.done for t in threads)
    assert any(t.awaiting_reply for t in threads)
    assert any(t.campaign_id for t in threads)
    assert any(len(ts) > 1 for ts in store.threads_by_prospect.values())
    long_thread = max(threads, key=lambda t: t.message_count)
    messages = store.messages_of(long_thread)
    authors = {m.author_id for m in messages}
    assert long_thread.account_link_id in authors and long_thread.prospect.external_id in authors
    assert len({m.user_id for m in messages if m.user_id}) >= 2
    assert any("[bold red]" in t.last_message.content for t in threads if t.last_message)
    assert any("\x1b" in t.last_message.content for t in threads if t.last_message)


def test_seed_is_deterministic() -> None:
    from tests.conftest import make_store

    a, b = make_store(), make_store()
    assert [t.id for t in a._order] == [t.id for t in b._order]
    first = a._order[3]
    assert [m.content for m in a.messages_of(first)] == [
        m.content for m in b.messages_of(b.threads[first.id])
    ]
