"""The app on API v2: what only v2 does (idempotent sends that survive a restart, capabilities),
its start-up requests, and the client over a real socket."""

from __future__ import annotations

from pathlib import Path

from tests.app_helpers import kept_drafts, kept_writing, make_app, settle
from tests.servers import demo_server
from tests.test_actions import open_thread
from tui.api import V2Api
from tui.core.query import InboxView, ThreadQuery
from tui.core.writing import DRAFT
from tui.demo import DemoApi, Fault


async def test_start_reads_each_directory_part_once() -> None:
    """The first page needs the account links' capabilities and the directory reads the links:
    one request serves both."""
    app, api = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert app.thread_list.threads
        reads = sorted(path for method, path in api.request_log if method == "GET")
        assert reads.count("/account-links") == 1
        assert reads.count("/threads") == 1
        assert all(t.capabilities for t in app.thread_list.threads)


async def test_a_send_lost_in_a_crash_is_replayed_not_doubled(data_dir: Path) -> None:
    """The server stored the message but the app never learned it (its answer lost, the
    retries and the re-read cut off too), and the app went away. After a restart the draft is
    still there with its Idempotency-Key; sending it again replays the first send."""
    app, api = make_app(data_dir=data_dir, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        api.faults.add(Fault(drop_response=True, method="POST"))
        api.faults.add(Fault(drop=True, method="POST"), times=3)
        api.faults.add(Fault(drop=True, method="GET", path_prefix="/threads/"), times=8)
        await pilot.press("r")
        app.composer.input.insert("Exactly once, even across a crash")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.message_view.pending == []  # back in the composer: one place
        assert app.composer.input.text == "Exactly once, even across a crash"
        saved = kept_writing(data_dir).get(DRAFT, thread.id) or {}
        key = saved["sendKey"]
        assert saved["text"] == "Exactly once, even across a crash"
        assert key in api.v2.messages.sends  # the server has it
    api.faults.clear()

    again, _ = make_app(api=api, data_dir=data_dir)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: t.id == thread.id)
        assert again.composer.input.text == "Exactly once, even across a crash"
        again.composer.input.focus()  # the restored draft, sent as it was
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert again.message_view.pending == []
        contents = [m.content for m in again.message_view.messages]
        assert contents.count("Exactly once, even across a crash") == 1
        assert kept_drafts(data_dir).get(thread.id) == ""
    stored = [m.content for m in api.store.messages_of(api.store.threads[thread.id])]
    assert stored.count("Exactly once, even across a crash") == 1


async def test_changed_text_is_a_new_send_with_a_new_key(data_dir: Path) -> None:
    drafts = kept_drafts(data_dir)
    first = drafts.send_key("t1", "Hello")
    assert drafts.send_key("t1", "Hello") == first  # the same send, again
    assert kept_drafts(data_dir).send_key("t1", "Hello") == first  # after a restart
    assert drafts.send_key("t1", "Hello, edited") != first


async def test_capabilities_decide_the_message_keys(demo_api: DemoApi, v2: V2Api) -> None:
    page = await v2.list_threads(ThreadQuery(inbox=InboxView.ALL, limit=100))
    by_variant = {
        demo_api.store.threads[t.id].variant: t
        for t in page.threads
        if t.id in demo_api.store.threads
    }
    assert by_variant["xChat"].allows("message:edit")
    assert by_variant["xChat"].allows("message:react")
    assert not by_variant["unencrypted"].allows("message:edit")
    assert by_variant["unencrypted"].allows("message:send")


def test_v2_over_a_real_socket() -> None:
    """`inbox-tui demo-server` in its own process, spoken to by the v2 client."""
    import asyncio

    async def session(url: str) -> None:
        async with V2Api("demo", base_url=url) as client:
            assert (await client.get_team()).name
            page = await client.list_threads(ThreadQuery(inbox=InboxView.NO_REPLY, limit=7))
            assert page.threads and page.next_cursor is not None and page.next_cursor.token
            more = await client.list_threads(
                ThreadQuery(inbox=InboxView.NO_REPLY, limit=7).with_cursor(page.next_cursor)
            )
            assert not {t.id for t in page.threads} & {t.id for t in more.threads}
            thread = page.threads[0]
            sent = await client.send_message(thread.id, "over the wire", idempotency_key="sock-1")
            again = await client.send_message(thread.id, "over the wire", idempotency_key="sock-1")
            assert again.id == sent.id
            newest = (await client.list_messages(thread.id, limit=2)).messages
            assert newest[0].id == sent.id and newest[0].direction == "outbound"
            assert newest[1].content != "over the wire"

    with demo_server("--threads", "80") as (url, _):
        asyncio.run(session(url.removesuffix("/v1") + "/v2"))


async def test_a_refused_action_names_the_request_for_support() -> None:
    """v2 errors carry a request ID: the message of a failed action shows it."""
    app, api = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        first = app.thread_list.threads[0]
        api.faults.add(Fault(status=500, method="PATCH"))
        await pilot.press("e")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any("request req_demo" in text for text in said), said
        assert app.thread_list.threads[0].id == first.id  # rolled back


async def test_assigning_a_person_reaches_every_thread(demo_api: DemoApi, v2: V2Api) -> None:
    """v1 assigns all of a person's threads at once; on v2 the contact's default assignee does
    not override a thread's own, so the threads that have one are assigned too."""
    store = demo_api.store
    contact_id, threads = next(
        (p, ts) for p, ts in store.threads_by_prospect.items() if len(ts) > 1
    )
    members = list(store.members)
    await v2.update_thread(threads[0].id, assignee_id=members[1])  # its own assignee
    await v2.update_prospect_context(contact_id, assignee_id=members[2])
    for thread in threads:
        assert (await v2.get_thread(thread.id)).assignee_id == members[2]
    await v2.update_prospect_context(contact_id, done=True)
    for thread in threads:
        assert (await v2.get_thread(thread.id)).done
