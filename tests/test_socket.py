"""End to end over a real socket: `inbox-tui demo-server` in its own process."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.servers import demo_server, free_port
from tui.api import V1Client
from tui.core.query import InboxView, ThreadQuery


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with demo_server("--threads", "120") as (url, _):
        yield url


def test_curl_shape(server_url: str) -> None:
    """What the issue's curl command gets back."""
    response = httpx.get(
        server_url + "/threads",
        params={"inbox": "no-reply", "limit": 5},
        headers={"Authorization": "Bearer demo"},
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"threads", "nextCursor"}
    assert len(body["threads"]) == 5
    assert set(body["nextCursor"]) == {"id", "timestamp"}
    assert response.headers["x-ratelimit-limit"] == "300"


async def test_client_over_the_socket(server_url: str) -> None:
    async with V1Client("demo", base_url=server_url) as client:
        assert (await client.get_team()).name
        threads = [
            t async for t in client.iter_threads(ThreadQuery(inbox=InboxView.NO_REPLY, limit=7))
        ]
        assert threads and len({t.id for t in threads}) == len(threads)
        sent = await client.send_message(threads[0].id, "over the wire")
        assert (await client.list_messages(threads[0].id, limit=1)).messages[0].id == sent.id


async def test_refused_connection_is_a_transport_error() -> None:
    from tui.api import RetryPolicy, TransportError

    async def no_wait(_: float) -> None:
        return None

    client = V1Client(
        "demo",
        base_url=f"http://127.0.0.1:{free_port()}/api/v1",
        sleep=no_wait,
        retry=RetryPolicy(max_attempts=2),
    )
    with pytest.raises(TransportError) as info:
        await client.get_team()
    assert not info.value.maybe_sent
    await client.aclose()


def test_demo_server_fault_mode_over_a_socket() -> None:
    """`demo-server --faults`: drops break the connection mid-answer; 5xx and 429 answer."""
    spec = "drop=0.3,5xx=0.2,429=0.1,retry_after=0,seed=4"
    outcomes: list[str] = []
    with demo_server("--threads", "30", "--faults", spec) as (url, _):
        for _ in range(60):
            try:
                response = httpx.get(
                    url + "/tags", headers={"Authorization": "Bearer demo"}, timeout=2
                )
                outcomes.append(str(response.status_code))
            except httpx.TransportError:
                outcomes.append("dropped")
    assert "dropped" in outcomes and "200" in outcomes
    assert {"500", "502", "503"} & set(outcomes) and "429" in outcomes
