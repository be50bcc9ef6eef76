"""The team relay (#39) on a real PostgreSQL: its copy answers as the service does, costs the
team nothing to read, takes writes through, and is kept current by checked webhooks and the
event log."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest

from tests.relay_parts import SECRET, Parts, relay_parts
from tui.core.webhook_signature import HEADER, sign

pytestmark = pytest.mark.xdist_group("postgres")


def all_active(parts: Parts) -> None:
    """The demo's v2 inbox also leaves out v1's idle threads, which nothing in v2's answers
    shows (its spec: the inbox is every thread neither archived nor a request)."""
    for thread in parts.api.store.threads.values():
        thread.status = "active"


async def every_page(
    client: httpx.AsyncClient, path: str, params: list[tuple[str, str]]
) -> list[str]:
    ids: list[str] = []
    cursor = None
    for _ in range(100):
        page_params = params + ([("cursor", cursor)] if cursor else [])
        answer = await client.get(path, params=page_params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        ids += [item["id"] for item in body["data"]]
        cursor = body["nextCursor"]
        if not cursor:
            return ids
    raise AssertionError("the pages never ended")


async def test_the_relays_lists_are_the_services_and_cost_the_team_nothing(
    postgres_dsn: str,
) -> None:
    async with relay_parts(postgres_dsn, threads=60) as parts:
        all_active(parts)
        async with parts.service() as service:
            tag = (await service.get("/tags")).json()["data"][0]
            status = (await service.get("/statuses")).json()["data"][0]
            member = (await service.get("/members")).json()["data"][0]
            link = (await service.get("/account-links")).json()["data"][0]
        queries: list[list[tuple[str, str]]] = [
            [],
            [("folder", "noReply")],
            [("folder", "requests")],
            [("folder", "archived")],
            [("folder", "all"), ("order", "asc")],
            [("folder", "all"), ("tag", tag["name"].upper())],
            [("folder", "all"), ("tag", tag["id"]), ("status", status["id"])],
            [("status", status["name"])],
            [("folder", "all"), ("assigneeId", member["id"])],
            [("folder", "all"), ("unassigned", "true")],
            [("accountLinkId", link["id"]), ("platform", "twitter")],
        ]
        before = parts.service_requests()
        async with parts.client() as relay, parts.service() as service:
            for query in queries:
                for limit in ("7", "100"):
                    paged = [*query, ("limit", limit)]
                    got = await every_page(relay, "/api/v2/threads", paged)
                    expected = await every_page(service, "/threads", paged)
                    assert got == expected, query
        asked = parts.service_requests() - before
        served = sum(1 for m, p in parts.api.request_log[before:] if p.startswith("/threads"))
        assert asked == served  # only the test's own service reads: the relay asked nothing


async def test_a_thread_and_its_conversation_come_from_the_copy(postgres_dsn: str) -> None:
    async with relay_parts(postgres_dsn, threads=20) as parts:
        async with parts.service() as service:
            thread_id = (await service.get("/threads")).json()["data"][0]["id"]
            expected_pages = await every_page(
                service, f"/threads/{thread_id}/messages", [("limit", "3")]
            )
            expected_thread = (
                await service.get(f"/threads/{thread_id}", params=[("expand", "contact")])
            ).json()
        before = parts.service_requests()
        async with parts.client() as relay:
            got = await every_page(relay, f"/api/v2/threads/{thread_id}/messages", [("limit", "3")])
            thread = (
                await relay.get(f"/api/v2/threads/{thread_id}", params=[("expand", "contact")])
            ).json()
            # A cursor of other filters is refused, as the service refuses it.
            first = (await relay.get("/api/v2/threads", params={"limit": "1"})).json()
            wrong = await relay.get(
                "/api/v2/threads",
                params={"limit": "1", "folder": "all", "cursor": first["nextCursor"]},
            )
        assert got == expected_pages and len(got) > 3
        assert thread == expected_thread
        assert wrong.status_code == 400 and wrong.json()["code"] == "invalidCursor"
        assert parts.service_requests() == before


async def test_search_finds_names_and_words_anywhere_in_a_conversation(
    postgres_dsn: str,
) -> None:
    async with relay_parts(postgres_dsn, threads=30) as parts:
        store = parts.api.store
        thread = next(iter(store.threads.values()))
        store.receive_message(thread, "Our procurement needs the zanzibarian invoice format")
        store.receive_message(thread, "Anyway, talk soon")  # the preview no longer has it
        await parts.syncer.catch_up()
        name = thread.prospect.display_name.split()[0]
        async with parts.client() as relay, parts.service() as service:
            by_word = await every_page(
                relay, "/api/v2/threads", [("folder", "all"), ("q", "zanzibar")]
            )
            by_name = await every_page(
                relay, "/api/v2/threads", [("folder", "all"), ("q", name[:3])]
            )
            service_word = await every_page(
                service, "/threads", [("folder", "all"), ("q", "zanzibar")]
            )
            nothing = await every_page(
                relay, "/api/v2/threads", [("folder", "all"), ("q", "' & !")]
            )
        assert by_word == [thread.id]
        assert service_word == []  # the service searches names and previews only
        assert thread.id in by_name
        assert nothing == []


async def test_a_reply_goes_to_the_service_once_and_comes_back_to_every_copy(
    postgres_dsn: str,
) -> None:
    async with relay_parts(postgres_dsn, threads=20, rate_limit=10_000) as parts:
        thread = next(iter(parts.api.store.threads.values()))
        body = {
            "target": {"type": "thread", "threadId": thread.id},
            "content": "Sent through the relay",
        }
        async with parts.client() as relay:
            sent = await relay.post(
                "/api/v2/messages", json=body, headers={"Idempotency-Key": "k-relay-1"}
            )
            again = await relay.post(
                "/api/v2/messages", json=body, headers={"Idempotency-Key": "k-relay-1"}
            )
            assert sent.status_code == 201, sent.text
            assert again.status_code == 200
            assert again.json()["message"]["id"] == sent.json()["message"]["id"]
            assert "x-ratelimit-remaining" in sent.headers  # the team's budget, passed back
            await parts.syncer.catch_up()
            before = parts.service_requests()
            messages = (await relay.get(f"/api/v2/threads/{thread.id}/messages")).json()
            events = (await relay.get("/api/v2/events", params={"afterSeq": "0"})).json()
            listed = (await relay.get("/api/v2/threads", params={"folder": "all"})).json()
        contents = [m["content"] for m in messages["data"]]
        assert contents.count("Sent through the relay") == 1
        assert any(e["type"] == "message.sent" for e in events["data"])
        assert listed["data"][0]["id"] == thread.id
        assert listed["data"][0]["activity"]["preview"] == "Sent through the relay"
        assert parts.service_requests() == before


def delivery(
    event: dict[str, Any], *, at: float | None = None, secret: str = SECRET
) -> dict[str, Any]:
    raw = json.dumps(event).encode()
    stamp = int(at if at is not None else time.time())
    return {
        "content": raw,
        "headers": {"Content-Type": "application/json", HEADER: sign(secret, stamp, raw)},
    }


async def service_events(parts: Parts, after: int) -> list[dict[str, Any]]:
    async with parts.service() as service:
        page = (await service.get("/events", params={"afterSeq": str(after)})).json()
    return list(page["data"])


async def test_a_webhook_is_checked_applied_once_and_costs_only_its_refresh(
    postgres_dsn: str,
) -> None:
    async with relay_parts(postgres_dsn, threads=20) as parts:
        last = await parts.store.last_seq()
        assert last is not None
        thread = next(iter(parts.api.store.threads.values()))
        parts.api.store.receive_message(thread, "A webhook brought this")
        (event,) = [e for e in await service_events(parts, last) if e["type"] == "message.received"]
        async with parts.client() as relay:
            hook = "/relay/webhooks"
            forged = delivery(event, secret="not-the-secret")
            stale = delivery(event, at=time.time() - 400)
            assert (await relay.post(hook, **forged)).status_code == 401
            assert (await relay.post(hook, **stale)).status_code == 401
            unsigned = await relay.post(hook, content=json.dumps(event).encode())
            assert unsigned.status_code == 401
            assert await parts.store.has_event(event["id"]) is False
            before = parts.service_requests()
            first = await relay.post(hook, **delivery(event))
            replay = await relay.post(hook, **delivery(event))
            assert first.status_code == 200 and replay.json()["duplicate"] is True
            applied = await parts.syncer.catch_up()
            again = await relay.post(hook, **delivery(event))
            messages = (await relay.get(f"/api/v2/threads/{thread.id}/messages")).json()
            logged = (await relay.get("/api/v2/events", params={"afterSeq": str(last)})).json()
        assert applied == 1 and again.json()["duplicate"] is True
        # The message and its thread read again; not the log (the delivery followed on).
        assert parts.service_requests() - before == 2
        assert messages["data"][0]["content"] == "A webhook brought this"
        assert [e["id"] for e in logged["data"]] == [event["id"]]


async def test_a_gap_in_the_webhooks_is_read_from_the_log(postgres_dsn: str) -> None:
    async with relay_parts(postgres_dsn, threads=20) as parts:
        last = await parts.store.last_seq()
        assert last is not None
        threads = list(parts.api.store.threads.values())
        parts.api.store.receive_message(threads[0], "first, never delivered")
        parts.api.store.receive_message(threads[1], "second, delivered")
        events = await service_events(parts, last)
        async with parts.client() as relay:
            answer = await relay.post("/relay/webhooks", **delivery(events[-1]))
            assert answer.status_code == 200
            await parts.syncer.catch_up()
            both = (await relay.get("/api/v2/threads", params={"folder": "all"})).json()
        previews = [t["activity"]["preview"] for t in both["data"][:2]]
        assert sorted(previews) == ["first, never delivered", "second, delivered"]
        assert await parts.store.last_seq() == events[-1]["seq"]


async def test_webhooks_without_a_secret_are_refused(postgres_dsn: str) -> None:
    async with relay_parts(postgres_dsn, threads=5, secret=None) as parts:
        async with parts.client() as relay:
            event = {"id": "evt_x", "seq": 1, "type": "thread.created"}
            answer = await relay.post("/relay/webhooks", **delivery(event))
        assert answer.status_code == 404
        assert parts.syncer.webhooks_set_up is False


async def test_only_people_with_a_token_read_through_the_relay(postgres_dsn: str) -> None:
    async with relay_parts(postgres_dsn, threads=5) as parts:
        bea = await parts.store.add_person("bea")
        async with parts.client(token="irt_nobody") as stranger, parts.client(bea) as b:
            assert (await stranger.get("/api/v2/threads")).status_code == 401
            assert (await stranger.get("/relay/stream")).status_code == 401
            assert (await b.get("/api/v2/threads")).status_code == 200
        assert await parts.store.remove_person("bea")
        assert await parts.store.person_for(bea) is None
        assert await parts.store.people() == ["ana"]
        async with parts.client(bea) as b:
            parts.relay._people.clear()  # (its 30 s memory of a token, elapsed)
            assert (await b.get("/api/v2/threads")).status_code == 401


async def test_the_walk_goes_on_where_a_stopped_relay_left_it(postgres_dsn: str) -> None:
    async with relay_parts(postgres_dsn, threads=250, walk=False) as parts:
        real_put = parts.store.put_threads
        pages = 0

        async def put_then_stop(threads: Any, **options: Any) -> int:
            nonlocal pages
            pages += 1
            if pages == 2:
                raise asyncio.CancelledError  # the relay stopped mid-walk
            return await real_put(threads, **options)

        parts.store.put_threads = put_then_stop  # type: ignore[method-assign]
        with pytest.raises(asyncio.CancelledError):
            await parts.syncer.walk()
        parts.store.put_threads = real_put  # type: ignore[method-assign]
        assert await parts.store.thread_count() == 100
        log_before = [p for _, p in parts.api.request_log].count("/events")
        await parts.syncer.walk()
        thread_pages = [p for _, p in parts.api.request_log].count("/threads")
        assert await parts.store.thread_count() == 250
        assert thread_pages == 4  # 1, 2 (lost), then 2 again and 3: not from the start
        assert [p for _, p in parts.api.request_log].count("/events") == log_before


async def test_the_stream_pushes_each_change_over_a_real_socket(postgres_dsn: str) -> None:
    import uvicorn

    async with relay_parts(postgres_dsn, threads=5) as parts:
        config = uvicorn.Config(parts.relay.starlette, host="127.0.0.1", port=0, log_level="error")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        try:
            while not server.started:
                await asyncio.sleep(0.02)
            port = server.servers[0].sockets[0].getsockname()[1]
            headers = {"Authorization": f"Bearer {parts.token}"}
            url = f"http://127.0.0.1:{port}/relay/stream"
            async with (
                httpx.AsyncClient(timeout=10) as http,
                http.stream("GET", url, headers=headers) as stream,
            ):
                assert stream.headers["content-type"].startswith("text/event-stream")
                lines = stream.aiter_lines()
                assert await anext(lines) == "event: ready"
                await anext(lines), await anext(lines)
                assert parts.relay.streams == 1
                thread = next(iter(parts.api.store.threads.values()))
                parts.api.store.receive_message(thread, "pushed")
                await parts.syncer.catch_up()
                said = [await asyncio.wait_for(anext(lines), 5) for _ in range(2)]
            assert said[0] == "event: change"
            assert json.loads(said[1].removeprefix("data: "))["lastSeq"] == (
                await parts.store.last_seq()
            )
        finally:
            server.should_exit = True
            await serving


async def test_after_any_edits_through_it_the_relays_lists_are_the_services(
    postgres_dsn: str,
) -> None:
    """The rule, over seeded runs of edits of every kind (tags, status, assignee on the contact
    and on the thread, archive, a reply): once the log is read, every list is the service's."""
    import random

    async with relay_parts(postgres_dsn, threads=40) as parts:
        all_active(parts)
        async with parts.service() as service:
            tags = (await service.get("/tags")).json()["data"]
            statuses = (await service.get("/statuses")).json()["data"]
            members = (await service.get("/members")).json()["data"]
        rng = random.Random(39)
        async with parts.client() as relay:
            for _ in range(4):
                for _ in range(8):
                    listed = (await relay.get("/api/v2/threads", params={"folder": "all"})).json()
                    thread = rng.choice(listed["data"])
                    contact = f"/api/v2/contacts/{thread['contactId']}"
                    edit = rng.randrange(6)
                    if edit == 0:
                        answer = await relay.put(f"{contact}/tags/{rng.choice(tags)['id']}")
                    elif edit == 1:
                        status = rng.choice([*statuses, None])
                        answer = await relay.patch(
                            contact, json={"status": status["id"] if status else None}
                        )
                    elif edit == 2:
                        who = rng.choice([*members, None])
                        answer = await relay.patch(
                            contact, json={"assigneeId": who["id"] if who else None}
                        )
                    elif edit == 3:
                        who = rng.choice([*members, None])
                        answer = await relay.patch(
                            f"/api/v2/threads/{thread['id']}",
                            json={"assigneeId": who["id"] if who else None},
                        )
                    elif edit == 4:
                        answer = await relay.patch(
                            f"/api/v2/threads/{thread['id']}",
                            json={"archived": not thread["archived"]},
                        )
                    else:
                        body = {
                            "target": {"type": "thread", "threadId": thread["id"]},
                            "content": f"reply {rng.random():.6f}",
                        }
                        answer = await relay.post("/api/v2/messages", json=body)
                    paused = answer.status_code == 409  # (a reply on a paused account)
                    assert answer.status_code < 300 or paused, answer.text
                await parts.syncer.catch_up()
                async with parts.service() as service:
                    for query in (
                        [("folder", "all")],
                        [("folder", "archived")],
                        [("folder", "noReply")],
                        [("folder", "all"), ("unassigned", "true")],
                        *([("folder", "all"), ("assigneeId", m["id"])] for m in members[:3]),
                        *([("folder", "all"), ("tag", t["id"])] for t in tags[:3]),
                        *([("folder", "all"), ("status", s["id"])] for s in statuses[:3]),
                    ):
                        got = await every_page(relay, "/api/v2/threads", [*query, ("limit", "100")])
                        expected = await every_page(service, "/threads", [*query, ("limit", "100")])
                        assert got == expected, query


async def test_only_version_2s_own_paths_go_on_with_the_teams_key(postgres_dsn: str) -> None:
    async with relay_parts(postgres_dsn, threads=5) as parts:
        before = parts.service_requests()
        async with parts.client() as relay:
            for path in (
                "/api/v2/%2e%2e/v1/threads",
                "/api/v2/threads/..%2F..%2Fv1%2Fteam",
                "/api/v2/threads/%2e%2e",
                "/api/v2/admin/keys",
                "/api/v2//threads",
            ):
                answer = await relay.get(path)
                assert answer.status_code == 404, path
            ok = await relay.get("/api/v2/threads", params={"folder": "all", "campaignId": "x"})
        assert ok.status_code in (200, 400)  # (the service's to answer: forwarded)
        assert parts.service_requests() == before + 1
        async with parts.client(token="none") as stranger:
            health = (await stranger.get("/relay/health")).json()
        assert health == {"ok": True, "walked": True}  # no figures without a token


async def test_a_thread_still_importing_is_read_again_until_it_is_whole(
    postgres_dsn: str,
) -> None:
    async with relay_parts(postgres_dsn, threads=60) as parts:
        store = parts.api.store
        importing = [t for t in store.threads.values() if t.sync_seconds > 0]
        assert importing, "the demo seeds a thread still importing"
        thread = importing[0]
        assert not await parts.store.messages_complete(thread.id)
        thread.sync_seconds = 0.0  # the service has it all now
        parts.syncer._syncing_due = {k: (0.0, w) for k, (_, w) in parts.syncer._syncing_due.items()}
        assert thread.id in parts.syncer._syncing_due
        await parts.syncer._recheck_syncing()
        assert await parts.store.messages_complete(thread.id)
        async with parts.client() as relay, parts.service() as service:
            path = f"/threads/{thread.id}/messages"
            got = await every_page(relay, "/api/v2" + path, [("limit", "100")])
            expected = await every_page(service, path, [("limit", "100")])
        assert got == expected and len(got) > 3


async def test_a_gap_in_the_services_log_lists_every_thread_again(postgres_dsn: str) -> None:
    """Events lost to the log's retention: every thread is listed again, those with activity
    since the copy's last event have their messages read again (even when a later event
    already moved them), and a thread deleted meanwhile leaves the copy."""
    async with relay_parts(postgres_dsn, threads=40) as parts:
        all_active(parts)
        store = parts.api.store
        threads = list(store.threads.values())
        lost_count = len(store.events._events)
        store.receive_message(threads[0], "LOST in the gap")
        store.receive_message(threads[1], "LOST in the gap too")
        store.delete_thread(threads[2])
        lost = len(store.events._events) - lost_count
        await asyncio.sleep(0.01)  # (a later millisecond: ties are ordered by ID, see README)
        store.receive_message(threads[0], "after the gap")  # its event is read
        for _ in range(lost):  # the log no longer reaches back to the relay's last seq
            del store.events._events[lost_count]
        await parts.syncer.catch_up()
        assert parts.syncer._walk_task is not None
        await parts.syncer._walk_task
        async with parts.client() as relay, parts.service() as service:
            params = [("folder", "all"), ("limit", "100")]
            listed = await every_page(relay, "/api/v2/threads", params)
            assert listed == await every_page(service, "/threads", params)
            assert threads[2].id not in listed
            gone = await relay.get(f"/api/v2/threads/{threads[2].id}")
            assert gone.status_code == 404
            for thread in threads[:2]:
                path = f"/threads/{thread.id}/messages"
                got = await every_page(relay, "/api/v2" + path, [("limit", "100")])
                assert got == await every_page(service, path, [("limit", "100")])


async def test_a_new_log_at_the_service_is_noticed_and_the_copy_listed_again(
    postgres_dsn: str,
) -> None:
    from tui.demo.events import EventLog

    async with relay_parts(postgres_dsn, threads=20) as parts:
        store = parts.api.store
        thread = next(iter(store.threads.values()))
        store.receive_message(thread, "in the old log")
        await parts.syncer.catch_up()
        old_last = await parts.store.last_seq()
        assert old_last
        store.events = EventLog("a-new-log", store.now)  # the service's log starts again
        store.receive_message(thread, "in the new log")
        await parts.syncer._check_log_start()
        assert parts.syncer._walk_task is not None
        await parts.syncer._walk_task
        assert await parts.store.last_seq() == store.events.last_seq
        async with parts.client() as relay:
            messages = (await relay.get(f"/api/v2/threads/{thread.id}/messages")).json()
        assert messages["data"][0]["content"] == "in the new log"


async def test_a_place_the_service_no_longer_takes_starts_that_listing_over(
    postgres_dsn: str,
) -> None:
    async with relay_parts(postgres_dsn, threads=150, walk=False) as parts:
        await parts.store.set_state("threads_cursor", "a-cursor-from-another-life")
        await asyncio.wait_for(parts.syncer.walk(), 20)
        assert await parts.store.thread_count() == 150


async def test_a_nul_in_a_request_is_refused_not_a_500(postgres_dsn: str) -> None:
    async with relay_parts(postgres_dsn, threads=5) as parts, parts.client() as relay:
        for path, params in (
            ("/api/v2/threads", {"q": "\x00"}),
            ("/api/v2/threads", {"contactId": "a\x00"}),
            ("/api/v2/threads/%00", {}),
            ("/api/v2/contacts/%00", {}),
            ("/api/v2/threads/x%00/messages", {}),
        ):
            answer = await relay.get(path, params=params)
            assert answer.status_code == 400, (path, answer.status_code)


async def test_the_follower_applies_a_delivery_that_came_during_its_other_reads(
    postgres_dsn: str,
) -> None:
    """A webhook arriving while the follower re-reads an importing thread: it is applied (a
    request of the follower's that waited for pending events waited for itself)."""
    async with relay_parts(postgres_dsn, threads=60) as parts:
        store = parts.api.store
        importing = next(t for t in store.threads.values() if t.sync_seconds > 0)
        other = next(t for t in store.threads.values() if t.sync_seconds <= 0)
        real_get = parts.syncer._get
        delivered: list[int] = []

        async def get(path: str, params: Any = None) -> Any:
            if path == f"/threads/{importing.id}" and not delivered:
                # A DM, and its webhook, while this request is out.
                last = await parts.store.last_seq() or 0
                store.receive_message(other, "delivered mid-read")
                (event,) = await service_events(parts, last)
                delivered.append(int(event["seq"]))
                parts.syncer.webhook(event)
            return await real_get(path, params)

        parts.syncer._get = get  # type: ignore[method-assign]
        parts.syncer._syncing_due = {importing.id: (0.0, 30.0)}
        follower = asyncio.create_task(parts.syncer.follow())
        try:
            for _ in range(100):
                parts.syncer.poke()
                await asyncio.sleep(0.05)
                if delivered and await parts.store.last_seq() == delivered[0]:
                    break
            assert delivered and await parts.store.last_seq() == delivered[0]
        finally:
            follower.cancel()


async def test_a_write_is_in_the_copy_when_its_answer_comes_back(postgres_dsn: str) -> None:
    async with relay_parts(postgres_dsn, threads=10) as parts:
        async with parts.client() as relay:
            thread = (await relay.get("/api/v2/threads")).json()["data"][0]
            patched = await relay.patch(f"/api/v2/threads/{thread['id']}", json={"archived": True})
            assert patched.status_code == 200
            before = parts.service_requests()
            read = (await relay.get(f"/api/v2/threads/{thread['id']}")).json()
            archived = await every_page(relay, "/api/v2/threads", [("folder", "archived")])
        assert read["archived"] is True and thread["id"] in archived
        assert parts.service_requests() == before  # from the copy, no catch-up needed


async def test_a_deleted_tag_leaves_every_contact_in_the_copy(postgres_dsn: str) -> None:
    async with relay_parts(postgres_dsn, threads=40) as parts:
        async with parts.client() as relay:
            tags = (await relay.get("/api/v2/tags")).json()["data"]
            tagged = await every_page(
                relay, "/api/v2/threads", [("folder", "all"), ("tag", tags[0]["id"])]
            )
            assert tagged
            gone = await relay.delete(f"/api/v2/tags/{tags[0]['id']}")
            assert gone.status_code < 300, gone.text
            await parts.syncer.catch_up()
            contact_id = (await relay.get(f"/api/v2/threads/{tagged[0]}")).json()["contactId"]
            contact = (await relay.get(f"/api/v2/contacts/{contact_id}")).json()
            left = (await relay.get("/api/v2/tags")).json()["data"]
        assert tags[0]["id"] not in contact["tagIds"]
        assert tags[0]["id"] not in [t["id"] for t in left]


async def test_an_older_read_never_brings_back_or_overwrites_what_is_newer(
    postgres_dsn: str,
) -> None:
    """A walk's page or a forwarded read asked for before an event's refresh, written after
    it: the refresh wins (a deleted thread or message stays deleted; an edit stays)."""
    from datetime import UTC, datetime, timedelta

    async with relay_parts(postgres_dsn, threads=10) as parts:
        async with parts.service() as service:
            stale = (await service.get("/threads", params={"expand": "profile"})).json()["data"]
            thread_id = stale[0]["id"]
            old_messages = (await service.get(f"/threads/{thread_id}/messages")).json()["data"]
        before = datetime.now(UTC) - timedelta(minutes=5)
        await parts.store.delete("threads", thread_id)
        await parts.store.put_threads(stale, fetched_at=before)
        await parts.store.put_messages(thread_id, old_messages, fetched_at=before)
        assert await parts.store.thread(thread_id) is None
        async with parts.client() as relay:
            listed = await every_page(relay, "/api/v2/threads", [("folder", "all")])
        assert thread_id not in listed
        other = stale[1]
        newer = {**other, "archived": not other["archived"]}
        await parts.store.put_threads([newer])
        await parts.store.put_threads([other], fetched_at=before)
        kept = await parts.store.thread(other["id"])
        assert kept is not None and kept["archived"] is newer["archived"]
