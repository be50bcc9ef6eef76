"""V1Client against the embedded demo, one test per documented operation."""

from __future__ import annotations

import pytest

from tests.conftest import ANCHOR
from tui.api import (
    UNSET,
    AuthError,
    Conflict,
    NotFound,
    V1Client,
)
from tui.api.errors import ApiError
from tui.api.http import encode_segment
from tui.core.query import IdFilter, InboxView, ThreadQuery
from tui.demo import DemoApi, demo_transport


async def test_team_checks_the_key(client: V1Client) -> None:
    team = await client.get_team()
    assert team.name
    assert team.currency == "USD"


async def test_a_wrong_key_is_an_auth_error(demo_api: DemoApi) -> None:
    bad = V1Client("not-the-key", base_url="http://x/api/v1", transport=demo_transport(demo_api))
    with pytest.raises(AuthError) as info:
        await bad.get_team()
    assert info.value.status == 401
    assert info.value.code == "UNAUTHORIZED"
    assert "not-the-key" not in str(info.value)
    assert "not-the-key" not in repr(bad)
    await bad.aclose()


async def test_directory_endpoints(client: V1Client) -> None:
    links = await client.list_account_links()
    members = await client.list_members()
    tags = await client.list_tags()
    statuses = await client.list_statuses()
    colors = await client.list_colors()
    assert len(links) >= 2 and len(members) >= 3 and len(tags) >= 5
    assert [s.name for s in statuses][:5] == ["New", "Qualified", "Proposal", "Won", "Lost"]
    assert all(t.color and t.color.startswith("#") for t in tags)
    assert {"red", "blue", "green"} <= {c.name for c in colors}
    assert (await client.get_member(members[1].id)).name == members[1].name


async def test_list_threads_first_page(client: V1Client) -> None:
    page = await client.list_threads()
    assert len(page.threads) == 20
    assert page.next_cursor is not None
    stamps = [t.sort_timestamp for t in page.threads]
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]


async def test_pagination_to_exhaustion_has_no_duplicates_or_gaps(
    client: V1Client, demo_api: DemoApi
) -> None:
    seen = [t.id async for t in client.iter_threads(ThreadQuery(limit=17))]
    assert len(seen) == len(set(seen))
    expected = [t.id for t in demo_api.store._order if not t.done and t.status == "active"]
    assert seen == expected


async def test_pages_are_stable_under_inserts(client: V1Client) -> None:
    first = await client.list_threads(ThreadQuery(limit=10))
    all_before = [t.id async for t in client.iter_threads(ThreadQuery(limit=100))]
    # New activity on a thread further down moves it to the top: it must not shift page two.
    mover = all_before[40]
    await client.send_message(mover, "moving to the top")
    rest = [
        t.id
        async for t in client.iter_threads(
            first and ThreadQuery(limit=10).with_cursor(first.next_cursor)
        )
    ]
    assert rest == [tid for tid in all_before[10:] if tid != mover]


async def test_ascending_order_is_the_reverse(client: V1Client) -> None:
    from tui.core.query import SortOrder

    desc = [t.id async for t in client.iter_threads(ThreadQuery(limit=100))]
    asc = [t.id async for t in client.iter_threads(ThreadQuery(limit=33, sort_order=SortOrder.ASC))]
    assert asc == list(reversed(desc))


async def test_views(client: V1Client) -> None:
    links = {a.id for a in await client.list_account_links()}
    no_reply = [t async for t in client.iter_threads(ThreadQuery(inbox=InboxView.NO_REPLY))]
    assert no_reply and all(
        t.last_message and not t.last_message.is_outbound(links) and not t.done for t in no_reply
    )
    requests = [t async for t in client.iter_threads(ThreadQuery(inbox=InboxView.REQUESTS))]
    assert requests and all(t.is_request for t in requests)
    archived = [t async for t in client.iter_threads(ThreadQuery(inbox=InboxView.ARCHIVED))]
    assert archived and all(t.done for t in archived)
    default = [t async for t in client.iter_threads(ThreadQuery())]
    assert all(not t.done and t.status == "active" for t in default)


async def test_filters_combine_with_and(client: V1Client) -> None:
    tags = await client.list_tags()
    members = await client.list_members()
    links = await client.list_account_links()
    query = ThreadQuery(
        tags=IdFilter((tags[0].id, tags[1].id)),
        assignees=IdFilter((members[0].id,)),
        account_link_ids=(links[0].id,),
        limit=100,
    )
    found = [t async for t in client.iter_threads(query)]
    everything = [t async for t in client.iter_threads(ThreadQuery(limit=100))]
    expected = [
        t.id
        for t in everything
        if {tags[0].id, tags[1].id} & set(t.prospect.context.tags)
        and t.assignee_id == members[0].id
        and t.account_link_id == links[0].id
    ]
    assert expected and [t.id for t in found] == expected


async def test_none_flags(client: V1Client) -> None:
    for kind, check in (
        ("tags", lambda t: not t.prospect.context.tags),
        ("statuses", lambda t: t.prospect.context.status_id is None),
        ("assignees", lambda t: t.assignee_id is None),
    ):
        query = ThreadQuery(limit=100, **{kind: IdFilter(none_=True)})  # type: ignore[arg-type]
        found = [t async for t in client.iter_threads(query)]
        assert found and all(check(t) for t in found), kind


async def test_campaign_filter(client: V1Client, demo_api: DemoApi) -> None:
    campaign = demo_api.store.seeded.campaign_ids[0]
    found = [
        t
        async for t in client.iter_threads(ThreadQuery(campaigns=IdFilter((campaign,)), limit=100))
    ]
    expected = [
        t.id
        for t in demo_api.store._order
        if t.campaign_id == campaign and not t.done and t.status == "active"
    ]
    assert expected and [t.id for t in found] == expected
    no_campaign = [
        t async for t in client.iter_threads(ThreadQuery(campaigns=IdFilter(none_=True), limit=100))
    ]
    assert no_campaign and all(
        demo_api.store.threads[t.id].campaign_id is None for t in no_campaign
    )


async def test_get_update_delete_thread(client: V1Client) -> None:
    thread = (await client.list_threads()).threads[0]
    members = await client.list_members()
    assert (await client.get_thread(thread.id)).id == thread.id
    await client.update_thread(thread.id, assignee_id=members[2].id, done=True)
    updated = await client.get_thread(thread.id)
    assert updated.assignee_id == members[2].id and updated.done
    await client.update_thread(thread.id, assignee_id=None)
    cleared = await client.get_thread(thread.id)
    assert cleared.assignee_id is None and cleared.done  # done untouched: not sent
    await client.delete_thread(thread.id)
    with pytest.raises(NotFound):
        await client.get_thread(thread.id)


async def test_lookup_and_create(client: V1Client, demo_api: DemoApi) -> None:
    links = await client.list_account_links()
    thread = (await client.list_threads()).threads[0]
    found = await client.lookup_thread(
        thread.account_link_id, external_platform_id=thread.prospect.platform_id
    )
    assert found is not None and found.id == thread.id
    by_external = await client.lookup_thread(
        thread.account_link_id, external_id=thread.prospect.external_id
    )
    assert by_external is not None and by_external.id == thread.id
    other_link = next(a.id for a in links if a.id != thread.account_link_id)
    # An uncontacted person: lookup says null, create makes the thread, a second create is 409.
    stranger = next(
        p
        for p in demo_api.store.prospects.values()
        if not demo_api.store.threads_by_prospect.get(p.external_id)
    )
    assert await client.lookup_thread(other_link, external_platform_id=stranger.platform_id) is None
    created = await client.create_thread(other_link, external_platform_id=stranger.platform_id)
    assert created.prospect.platform_id == stranger.platform_id
    assert created.account_link_id == other_link
    with pytest.raises(Conflict):
        await client.create_thread(other_link, external_platform_id=stranger.platform_id)
    with pytest.raises(NotFound):
        await client.create_thread(other_link, external_platform_id="999")


async def test_lookup_by_username(client: V1Client, demo_api: DemoApi) -> None:
    shared = next(p for p, ts in demo_api.store.threads_by_prospect.items() if len(ts) > 1)
    prospect = demo_api.store.prospects[shared]
    threads = await client.lookup_threads_by_username("@" + prospect.username.upper())
    assert len(threads) == 2
    assert len({t.account_link_id for t in threads}) == 2
    scoped = await client.lookup_threads_by_username(
        prospect.username, [threads[0].account_link_id]
    )
    assert [t.id for t in scoped] == [threads[0].id]
    assert await client.lookup_threads_by_username("nobody_by_this_name") == []


async def test_messages_pages_and_send(client: V1Client, demo_api: DemoApi) -> None:
    long_thread = max(demo_api.store.threads.values(), key=lambda t: t.message_count)
    page = await client.list_messages(long_thread.id)
    assert len(page.messages) == 50 and page.next_cursor is not None
    everything = [m.id async for m in client.iter_messages(long_thread.id, limit=100)]
    assert len(everything) == len(set(everything)) == long_thread.message_count
    sent = await client.send_message(
        long_thread.id,
        "Hello from the terminal",
    )
    assert sent.author_id == long_thread.account_link_id
    assert sent.origin == "api"
    newest = (await client.list_messages(long_thread.id, limit=1)).messages[0]
    assert newest.id == sent.id and newest.content == "Hello from the terminal"
    refreshed = await client.get_thread(long_thread.id)
    assert refreshed.last_message is not None and refreshed.last_message.id == sent.id


async def test_reply_to_message(client: V1Client) -> None:
    thread = (await client.list_threads()).threads[0]
    quoted = (await client.list_messages(thread.id)).messages[0]
    sent = await client.send_message(thread.id, "replying", reply_to_message_id=quoted.id)
    assert sent.reply_data["messageId"] == quoted.id


async def test_empty_message_is_refused_before_sending(client: V1Client) -> None:
    before = client.request_count
    with pytest.raises(ValueError):
        await client.send_message("anything", "   \n")
    assert client.request_count == before


async def test_quick_send(client: V1Client, demo_api: DemoApi) -> None:
    links = await client.list_account_links()
    stranger = next(
        p
        for p in demo_api.store.prospects.values()
        if not demo_api.store.threads_by_prospect.get(p.external_id)
    )
    result = await client.quick_send(links[0].id, "Hi!", external_platform_id=stranger.platform_id)
    assert result.message.content == "Hi!"
    again = await client.quick_send(links[0].id, "Again", external_id=stranger.external_id)
    assert again.thread.id == result.thread.id


async def test_prospect_lookup_and_get(client: V1Client) -> None:
    thread = (await client.list_threads()).threads[0]
    prospect = await client.lookup_prospect(thread.prospect.platform_id)
    assert prospect is not None and prospect.external_id == thread.prospect.external_id
    assert await client.lookup_prospect("1") is None
    assert thread.prospect.external_id is not None
    got = await client.get_prospect(thread.prospect.external_id)
    assert got.context.threads and got.context.threads[0].id == thread.id


async def test_update_context_sends_only_given_fields(client: V1Client) -> None:
    thread = (await client.list_threads()).threads[0]
    pid = thread.prospect.external_id
    assert pid is not None
    tags = await client.list_tags()
    statuses = await client.list_statuses()
    start = await client.update_prospect_context(
        pid,
        notes="Budget approved",
        valuation=75000,
        status_id=statuses[1].id,
        remove_tags=[t.id for t in tags],
    )
    assert start.context.tags == []
    added = await client.update_prospect_context(pid, add_tags=[tags[0].id, tags[2].id])
    assert added.context.tags == [tags[0].id, tags[2].id]
    assert added.context.notes == "Budget approved"  # untouched: not sent
    diffed = await client.update_prospect_context(
        pid, add_tags=[tags[3].id], remove_tags=[tags[0].id]
    )
    assert diffed.context.tags == [tags[2].id, tags[3].id]
    cleared = await client.update_prospect_context(pid, status_id=None, valuation=None)
    assert cleared.context.status_id is None and cleared.context.valuation is None
    assert cleared.context.notes == "Budget approved"
    assert UNSET is not None


async def test_context_assignee_and_done_apply_to_all_threads(
    client: V1Client, demo_api: DemoApi
) -> None:
    shared = next(p for p, ts in demo_api.store.threads_by_prospect.items() if len(ts) > 1)
    members = await client.list_members()
    await client.update_prospect_context(shared, assignee_id=members[1].id, done=True)
    for ref in (await client.get_prospect(shared)).context.threads or []:
        thread = await client.get_thread(ref.id)
        assert thread.assignee_id == members[1].id and thread.done


async def test_invalid_context_is_refused_and_changes_nothing(client: V1Client) -> None:
    thread = (await client.list_threads()).threads[0]
    pid = thread.prospect.external_id
    assert pid is not None
    with pytest.raises(NotFound):
        await client.update_prospect_context(pid, notes="never saved", add_tags=["nosuchtag"])
    assert (await client.get_prospect(pid)).context.notes != "never saved"


@pytest.mark.spec_refusal("hostile IDs: each must reach the demo as one path segment, refused")
async def test_path_segments_are_encoded(client: V1Client, demo_api: DemoApi) -> None:
    for hostile in ("../team", "a/b", "x?inbox=archived", "x#frag", "..", "."):
        with pytest.raises(ApiError) as info:
            await client.get_thread(hostile)
        assert info.value.status in (400, 404)
    assert encode_segment("a/b?c#d") == "a%2Fb%3Fc%23d"
    assert encode_segment("..") == "%2E%2E"
    assert all(path.startswith("/threads/") for _, path in demo_api.request_log)


async def test_server_time_is_anchored(demo_api: DemoApi) -> None:
    assert demo_api.store.now() == ANCHOR
