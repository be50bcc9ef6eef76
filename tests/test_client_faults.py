"""Error mapping and retries, driven by faults the demo server injects."""

from __future__ import annotations

import pytest

from tests.conftest import SleepRecorder
from tui.api import RateLimited, RetryPolicy, ServerError, TransportError, V1Client
from tui.api.errors import (
    ApiError,
    AuthError,
    Conflict,
    Forbidden,
    NotFound,
    error_from_body,
)
from tui.backend import demo_client
from tui.demo import DemoApi, Fault


async def test_get_honours_retry_after(
    client: V1Client, demo_api: DemoApi, sleeps: SleepRecorder
) -> None:
    demo_api.faults.add(Fault(status=429, retry_after=7), times=2)
    team = await client.get_team()
    assert team.id
    assert sleeps.delays == [7.0, 7.0]
    assert demo_api.faults.injected == 2


async def test_get_retries_server_errors_with_growing_backoff(
    client: V1Client, demo_api: DemoApi, sleeps: SleepRecorder
) -> None:
    for status in (500, 502, 503):
        demo_api.faults.add(Fault(status=status))
    assert await client.list_tags()
    assert len(sleeps.delays) == 3
    policy = client.http.retry
    for attempt, delay in enumerate(sleeps.delays):
        ceiling = min(policy.max_delay, policy.base_delay * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling


async def test_get_gives_up_after_its_budget(
    client: V1Client, demo_api: DemoApi, sleeps: SleepRecorder
) -> None:
    demo_api.faults.add(Fault(status=503), times=10)
    with pytest.raises(ServerError) as info:
        await client.list_tags()
    assert info.value.status == 503
    assert len(sleeps.delays) == client.http.retry.max_attempts - 1


async def test_retry_after_beyond_the_budget_is_not_waited(
    demo_api: DemoApi, sleeps: SleepRecorder
) -> None:
    api_client = demo_client(demo_api, "v1", sleep=sleeps, retry=RetryPolicy(max_total_delay=10))
    demo_api.faults.add(Fault(status=429, retry_after=3600))
    with pytest.raises(RateLimited) as info:
        await api_client.get_team()
    assert info.value.retry_after == 3600
    assert sleeps.delays == []
    await api_client.aclose()


async def test_dropped_connections_are_retried_for_reads(
    client: V1Client, demo_api: DemoApi, sleeps: SleepRecorder
) -> None:
    demo_api.faults.add(Fault(drop=True), times=2)
    assert await client.list_members()
    assert len(sleeps.delays) == 2


async def test_malformed_json_is_a_transport_error_and_retried(
    client: V1Client, demo_api: DemoApi, sleeps: SleepRecorder
) -> None:
    demo_api.faults.add(Fault(malformed=True, path_prefix="/threads"))
    page = await client.list_threads()
    assert page.threads
    assert len(sleeps.delays) == 1


async def test_a_send_is_never_retried(
    client: V1Client, demo_api: DemoApi, sleeps: SleepRecorder
) -> None:
    thread = (await client.list_threads()).threads[0]
    before = demo_api.store.threads[thread.id].message_count
    demo_api.faults.add(Fault(status=503, method="POST"))
    with pytest.raises(ServerError):
        await client.send_message(thread.id, "only once")
    demo_api.faults.add(Fault(drop=True, method="POST"))
    with pytest.raises(TransportError) as info:
        await client.send_message(thread.id, "only once")
    assert info.value.maybe_sent
    posts = [entry for entry in demo_api.request_log if entry[0] == "POST"]
    assert len(posts) == 1  # the 503 reached the server once; the dropped one never retried
    assert sleeps.delays == []
    assert demo_api.store.threads[thread.id].message_count == before


async def test_edits_are_not_retried(
    client: V1Client, demo_api: DemoApi, sleeps: SleepRecorder
) -> None:
    thread = (await client.list_threads()).threads[0]
    demo_api.faults.add(Fault(status=500, method="PATCH"))
    with pytest.raises(ServerError):
        await client.update_thread(thread.id, done=True)
    assert sleeps.delays == []
    assert not (await client.get_thread(thread.id)).done


async def test_429_pauses_the_shared_budget(client: V1Client, demo_api: DemoApi) -> None:
    demo_api.faults.add(Fault(status=429, retry_after=2, method="PATCH"))
    thread = (await client.list_threads()).threads[0]
    with pytest.raises(RateLimited):
        await client.update_thread(thread.id, done=True)
    assert client.budget.delay() > 1.5


async def test_rate_limit_headers_are_read(client: V1Client) -> None:
    await client.get_team()
    assert client.rate_limit.limit == 300
    assert client.rate_limit.remaining == 299


async def test_the_demo_enforces_its_rate_limit(demo_api: DemoApi, sleeps: SleepRecorder) -> None:
    from tui.demo import DemoApi as Api

    small = Api(demo_api.store, rate_limit=3)
    api_client = demo_client(small, "v1", sleep=sleeps, retry=RetryPolicy(max_attempts=1))
    for _ in range(3):
        await api_client.get_team()
    with pytest.raises(RateLimited) as info:
        await api_client.get_team()
    assert info.value.retry_after is not None and info.value.retry_after >= 1
    await api_client.aclose()


@pytest.mark.parametrize(
    ("status", "body", "kind", "code", "message"),
    [
        (
            404,
            {"error": {"code": "THREAD_NOT_FOUND", "message": "gone", "status": 404}},
            NotFound,
            "THREAD_NOT_FOUND",
            "gone",
        ),
        (
            401,
            {"error": "Unauthorized", "message": "bad token"},
            AuthError,
            "Unauthorized",
            "bad token",
        ),
        (403, {"error": {"code": "FORBIDDEN", "message": "no"}}, Forbidden, "FORBIDDEN", "no"),
        (409, {"error": "Conflict"}, Conflict, "Conflict", "Conflict"),
        (422, None, ApiError, None, "HTTP 422"),
        (502, "<html>bad gateway</html>", ServerError, None, "HTTP 502"),
    ],
)
def test_both_error_shapes_are_read(
    status: int, body: object, kind: type[Exception], code: str | None, message: str
) -> None:
    error = error_from_body(status, body)
    assert type(error) is kind
    assert error.code == code
    assert error.message == message
    assert error.status == status
