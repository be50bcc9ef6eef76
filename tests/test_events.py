"""The event log: every change the demo makes is recorded, in order, paged by seq, kept 7 days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import ANCHOR, make_store
from tui.api import V1Client
from tui.backend import demo_client
from tui.demo import DemoApi


async def test_changes_are_recorded_in_order(client: V1Client, demo_api: DemoApi) -> None:
    start = (await client.list_events()).last_seq
    assert start is None  # a fresh demo has no history
    thread = (await client.list_threads()).threads[0]
    pid = thread.prospect.external_id
    assert pid
    tags = await client.list_tags()
    members = await client.list_members()
    await client.send_message(thread.id, "hello")
    await client.update_thread(thread.id, done=True)
    await client.update_thread(thread.id, done=True)  # no change: no event
    await client.update_thread(thread.id, assignee_id=members[0].id)
    await client.update_prospect_context(
        pid, add_tags=[t.id for t in tags[:2]], notes="n", valuation=10, status_id=None
    )
    demo_api.store.receive_message(demo_api.store.threads[thread.id], "inbound")
    await client.delete_thread(thread.id)
    page = await client.list_events()
    types = [e.type for e in page.events]
    assert types[0] == "message.created"
    assert types[1:3] == ["thread.archived", "thread.assigned"]
    assert "prospect.tagsChanged" in types and "prospect.notesChanged" in types
    assert types[-3:] == ["message.created", "thread.unarchived", "thread.deleted"]
    seqs = [e.seq for e in page.events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert page.last_seq == seqs[-1] and not page.has_more
    assert page.events[0].data["threadId"] == thread.id


async def test_paging_by_seq(client: V1Client) -> None:
    thread = (await client.list_threads()).threads[0]
    for n in range(7):
        await client.send_message(thread.id, f"m{n}")
    first = await client.list_events(limit=3)
    assert len(first.events) == 3 and first.has_more
    second = await client.list_events(first.last_seq, limit=3)
    third = await client.list_events(second.last_seq, limit=3)
    seqs = [e.seq for p in (first, second, third) for e in p.events]
    assert seqs == list(range(1, 8)) and not third.has_more
    empty = await client.list_events(third.last_seq)
    assert empty.events == [] and empty.last_seq is None


async def test_limits_are_checked(client: V1Client) -> None:
    with pytest.raises(ValueError):
        await client.list_events(limit=1001)
    with pytest.raises(ValueError):
        await client.list_events(-1)  # the spec's minimum: never sent


async def test_events_older_than_seven_days_are_gone() -> None:
    now = [ANCHOR]
    store = make_store()
    store._clock = lambda: now[0]
    store.events._clock = store.now
    api = DemoApi(store)
    client = demo_client(api)
    thread = (await client.list_threads()).threads[0]
    await client.send_message(thread.id, "old news")
    now[0] = ANCHOR + timedelta(days=8)
    await client.send_message(thread.id, "fresh")
    page = await client.list_events()
    assert [e.seq for e in page.events] == [2]  # seq 1 expired: a client sees the gap
    await client.aclose()


async def test_the_app_applies_events_instead_of_re_listing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.app_helpers import make_app, settle

    app, api = make_app(data_dir=tmp_path)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.live.poll_now()  # learns where the log ends
        await settle(pilot)
        other = demo_client(api)
        rows = app.thread_list.threads
        archived, retagged = rows[1], rows[2]
        member = next(iter(app.directory.members))
        tag = next(t for t in app.directory.tags if t not in retagged.prospect.context.tags)
        assert retagged.prospect.external_id
        # A teammate archives one thread, assigns and tags another.
        await other.update_thread(archived.id, done=True)
        await other.update_thread(retagged.id, assignee_id=member)
        await other.update_prospect_context(retagged.prospect.external_id, add_tags=[tag])
        before = len(api.request_log)
        app.live.poll_now()
        await settle(pilot)
        assert api.request_log[before:] == [("GET", "/events")]  # nothing re-listed
        ids = [t.id for t in app.thread_list.threads]
        assert archived.id not in ids
        shown = next(t for t in app.thread_list.threads if t.id == retagged.id)
        assert shown.assignee_id == member and tag in shown.prospect.context.tags
        # A new inbound message needs the page: one events request, then the re-list.
        api.store.receive_message(api.store.threads[retagged.id], "news")
        before = len(api.request_log)
        app.live.poll_now()
        await settle(pilot)
        assert api.request_log[before:] == [("GET", "/events"), ("GET", "/threads")]
        assert app.thread_list.threads[0].id == retagged.id
        await other.aclose()


async def test_a_gap_in_the_log_heals_by_re_listing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.app_helpers import make_app, settle

    app, api = make_app(data_dir=tmp_path)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.live.poll_now()
        await settle(pilot)
        other = demo_client(api)
        victim = app.thread_list.threads[3]
        first = app.thread_list.threads[5]
        assert first.prospect.external_id
        tag = next(t for t in app.directory.tags if t not in first.prospect.context.tags)
        await other.update_prospect_context(first.prospect.external_id, add_tags=[tag])
        assert api.store.events.last_seq == 1
        await other.update_thread(victim.id, done=True)
        api.store.events._events.popleft()  # the oldest unseen event expired: a gap
        before = len(api.request_log)
        app.live.poll_now()
        await settle(pilot)
        assert ("GET", "/threads") in api.request_log[before:]
        assert victim.id not in [t.id for t in app.thread_list.threads][:20]
        assert app.live._event_seq == api.store.events.last_seq
        await other.aclose()
