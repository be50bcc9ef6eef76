"""V2Client against the demo, every one of the 37 operations, each answer checked against the
v2 spec's schemas as it arrives (tests/v2_spec.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import SleepRecorder
from tests.v2_spec import SpecCheckingTransport, spec
from tui.api import (
    ApiError,
    AuthError,
    Conflict,
    NotFound,
    RateLimited,
    RetryPolicy,
    SendUnconfirmed,
    ServerError,
    TransportError,
)
from tui.api.v2.client import V2Client
from tui.api.v2.query import ThreadFilters
from tui.demo import DEMO_API_KEY, DEMO_ROOT, DemoApi, Fault, demo_transport


@pytest.fixture
def checked(demo_api: DemoApi) -> SpecCheckingTransport:
    return SpecCheckingTransport(demo_transport(demo_api))


@pytest.fixture
async def wire(checked: SpecCheckingTransport, sleeps: SleepRecorder) -> AsyncIterator[V2Client]:
    client = V2Client(
        DEMO_API_KEY,
        base_url=f"{DEMO_ROOT}/v2",
        transport=checked,
        sleep=sleeps,
        budget=sleeps.budget(),
        retry=RetryPolicy(max_attempts=4),
    )
    yield client
    await client.aclose()


async def raw(api: DemoApi, method: str, path: str, **kwargs: object) -> httpx.Response:
    """One request as any HTTP client would send it (to test what the client never sends)."""
    transport = SpecCheckingTransport(demo_transport(api))
    async with httpx.AsyncClient(
        transport=transport,
        base_url=f"{DEMO_ROOT}/v2",
        headers={"Authorization": "Bearer demo"},
    ) as http:
        return await http.request(method, path, **kwargs)  # type: ignore[arg-type]


async def test_directory_operations(wire: V2Client) -> None:
    platforms = await wire.list_platforms()
    assert platforms[0].platform == "twitter" and "message:send" in platforms[0].capabilities
    team = await wire.get_team()
    assert team.name and team.currency == "USD"
    members = await wire.list_members()
    assert members.data and (await wire.get_member(members.data[0].id)).id == members.data[0].id
    links = await wire.list_account_links(statuses=["active"])
    assert links.data
    link = await wire.get_account_link(links.data[0].id)
    assert link.capabilities and link.display_name
    assert [c.name for c in await wire.list_colors()]


async def test_members_page_with_an_opaque_cursor(wire: V2Client) -> None:
    first = await wire.list_members(limit=1)
    assert len(first.data) == 1 and first.next_cursor
    second = await wire.list_members(limit=1, cursor=first.next_cursor)
    assert second.data[0].id != first.data[0].id


async def test_threads_page_and_cursor_round_trip(wire: V2Client) -> None:
    filters = ThreadFilters(folder="inbox")
    first = await wire.list_threads(filters, expand=["profile", "contact"], limit=20)
    assert len(first.data) == 20 and first.next_cursor
    assert all(t.profile is not None and t.contact is not None for t in first.data)
    second = await wire.list_threads(filters, limit=20, cursor=first.next_cursor)
    assert not {t.id for t in first.data} & {t.id for t in second.data}
    assert all(not t.archived and not t.is_request for t in first.data + second.data)


async def test_a_cursor_is_valid_only_with_its_filters(wire: V2Client) -> None:
    first = await wire.list_threads(ThreadFilters(folder="inbox"), limit=5)
    with pytest.raises(ApiError) as info:
        await wire.list_threads(ThreadFilters(folder="archived"), limit=5, cursor=first.next_cursor)
    assert info.value.code == "invalidCursor" and info.value.status == 400
    assert info.value.request_id


async def test_folders_and_filters(wire: V2Client) -> None:
    archived = await wire.list_threads(ThreadFilters(folder="archived"), limit=100)
    assert archived.data and all(t.archived for t in archived.data)
    requests = await wire.list_threads(ThreadFilters(folder="requests"), limit=100)
    assert all(t.is_request and not t.archived for t in requests.data)
    no_reply = await wire.list_threads(ThreadFilters(folder="noReply"), limit=100)
    assert all(t.activity and t.activity.direction == "inbound" for t in no_reply.data)
    everything = await wire.list_threads(ThreadFilters(folder="all"), limit=100)
    assert any(t.archived for t in everything.data) and any(not t.archived for t in everything.data)
    tags = (await wire.list_tags()).data
    tagged = await wire.list_threads(
        ThreadFilters(folder="all", tags=(tags[0].name.upper(),)), expand=["contact"], limit=100
    )
    assert tagged.data and all(
        t.contact is not None and tags[0].id in t.contact.tag_ids for t in tagged.data
    )
    unassigned = await wire.list_threads(ThreadFilters(folder="all", unassigned=True), limit=50)
    assert all(t.assignee_id is None for t in unassigned.data)
    oldest = await wire.list_threads(ThreadFilters(folder="all", order="asc"), limit=5)
    newest = await wire.list_threads(ThreadFilters(folder="all"), limit=5)
    assert oldest.data[0].id != newest.data[0].id


async def test_search_q(wire: V2Client) -> None:
    some = (await wire.list_threads(ThreadFilters(), expand=["profile"], limit=1)).data[0]
    assert some.profile is not None
    name = some.profile.display_name.split()[0].lower()
    found = await wire.list_threads(ThreadFilters(q=name), expand=["profile"], limit=100)
    assert some.id in {t.id for t in found.data}
    assert all(
        name in (t.profile.display_name.lower() if t.profile else "")
        or name in (t.profile.username.lower() if t.profile else "")
        or name in ((t.activity.preview or "").lower() if t.activity else "")
        for t in found.data
    )


async def test_thread_get_update_delete(wire: V2Client) -> None:
    thread = (await wire.list_threads(limit=1)).data[0]
    got = await wire.get_thread(thread.id, expand=["accountLink", "profile", "contact"])
    assert got.account_link is not None and got.account_link.id == got.account_link_id
    member = (await wire.list_members()).data[0]
    updated = await wire.update_thread(
        thread.id, archived=True, unread=True, assignee_id=member.id, typing_indicators="enabled"
    )
    assert updated.archived and updated.unread and updated.assignee_id == member.id
    assert (await wire.update_thread(thread.id, archived=False)).archived is False
    assert (await wire.delete_thread(thread.id)).scope == "remoteAndLocal"
    with pytest.raises(NotFound) as info:
        await wire.get_thread(thread.id)
    assert info.value.code == "threadNotFound"


async def test_typing_is_paced(wire: V2Client) -> None:
    thread = (await wire.list_threads(limit=1)).data[0]
    assert (await wire.send_typing(thread.id)).status == "sent"
    second = await wire.send_typing(thread.id)
    assert second.status == "skipped" and second.reason == "rateLimited"


async def test_contacts_find_get_update_and_tags(wire: V2Client) -> None:
    thread = (await wire.list_threads(expand=["profile"], limit=1)).data[0]
    assert thread.profile is not None
    by_id = await wire.list_contacts(platform="twitter", platform_ids=[thread.profile.platform_id])
    by_name = await wire.list_contacts(platform="twitter", usernames=[thread.profile.username])
    assert [c.id for c in by_id.data] == [thread.contact_id]
    assert thread.contact_id in [c.id for c in by_name.data]
    nobody = await wire.list_contacts(platform="twitter", usernames=["no_such_person_here"])
    assert nobody.data == []
    status = (await wire.list_statuses()).data[0]
    updated = await wire.update_contact(
        thread.contact_id, status=status.name, notes="met at SaaStr", valuation=1200.5
    )
    assert updated.status_id == status.id and updated.notes == "met at SaaStr"
    assert updated.valuation == 1200.5
    tag = (await wire.list_tags()).data[-1]
    await wire.add_contact_tag(thread.contact_id, tag.id)
    await wire.add_contact_tag(thread.contact_id, tag.id)  # idempotent
    contact = await wire.get_contact(thread.contact_id, expand=["tags", "status"])
    assert contact.tag_ids.count(tag.id) == 1
    assert contact.tags is not None and tag.id in [t.id for t in contact.tags]
    await wire.remove_contact_tag(thread.contact_id, tag.name)  # by name works too
    assert tag.id not in (await wire.get_contact(thread.contact_id)).tag_ids
    cleared = await wire.update_contact(thread.contact_id, status=None, valuation=None)
    assert cleared.status_id is None and cleared.valuation is None


async def test_messages_list_get_and_send_with_replay(wire: V2Client) -> None:
    for thread in (await wire.list_threads(limit=20)).data:
        page = await wire.list_messages(thread.id, limit=5)
        if page.next_cursor:
            break
    assert page.data and all(m.thread_id == thread.id for m in page.data)
    assert page.data[0].created_at >= page.data[-1].created_at  # newest first
    older = await wire.list_messages(thread.id, limit=5, cursor=page.next_cursor)
    assert not {m.id for m in page.data} & {m.id for m in older.data}
    assert (await wire.get_message(page.data[0].id)).id == page.data[0].id
    target = {"type": "thread", "threadId": thread.id}
    sent = await wire.send_message(target, "hello there", idempotency_key="send-1")
    assert sent.message.direction == "outbound" and sent.thread.id == thread.id
    again = await wire.send_message(target, "hello there", idempotency_key="send-1")
    assert again.message.id == sent.message.id  # replayed, not sent twice
    with pytest.raises(ApiError) as info:
        await wire.send_message(target, "something else", idempotency_key="send-1")
    assert info.value.code == "idempotencyKeyReused"
    newest = await wire.list_messages(thread.id, limit=3)
    assert [m.content for m in newest.data].count("hello there") == 1


async def test_send_to_a_profile_creates_the_thread(demo_api: DemoApi, wire: V2Client) -> None:
    store = demo_api.store
    store.ensure_all()
    link = next(iter(store.account_links))
    uncontacted = next(
        p for p in store.prospects.values() if not store.threads_by_prospect.get(p.external_id)
    )
    target = {
        "type": "profile",
        "accountLinkId": link,
        "platform": "twitter",
        "platformId": uncontacted.platform_id,
    }
    result = await wire.send_message(target, "First message")
    assert result.thread.contact_id == uncontacted.external_id
    by_contact = {"type": "contact", "accountLinkId": link, "contactId": uncontacted.external_id}
    second = await wire.send_message(by_contact, "Second")
    assert second.thread.id == result.thread.id


async def test_edit_unsend_history_reactions(demo_api: DemoApi, wire: V2Client) -> None:
    store = demo_api.store
    thread = next(t for t in store.threads.values() if t.variant == "xChat")
    target = {"type": "thread", "threadId": thread.id}
    sent = (await wire.send_message(target, "first draft")).message
    edited = await wire.edit_message(sent.id, "second draft")
    assert edited.content == "second draft" and edited.edited_at is not None
    history = await wire.message_history(sent.id)
    assert [v.content for v in history.versions] == ["first draft", "second draft"]
    reactions = await wire.react(sent.id, "👍")
    assert [r.emoji for r in reactions.reactions] == ["👍"]
    assert (await wire.unreact(sent.id, "👍")).reactions == []
    deleted = await wire.unsend_message(sent.id, scope="all")
    assert deleted.scope == "all" and deleted.deleted_at is not None
    history = await wire.message_history(sent.id)
    assert history.deletion is not None and history.deletion.scope == "all"


async def test_restrictions_refuse_edits_on_older_dms(demo_api: DemoApi, wire: V2Client) -> None:
    thread = next(t for t in demo_api.store.threads.values() if t.variant != "xChat")
    got = await wire.get_thread(thread.id)
    assert "message:edit" in got.restrictions
    sent = (await wire.send_message({"type": "thread", "threadId": thread.id}, "hi")).message
    with pytest.raises(ApiError) as info:
        await wire.edit_message(sent.id, "changed")
    assert info.value.code == "threadRestricted" and info.value.status == 422
    assert info.value.details == {"capability": "message:edit"}


async def test_attachment_url(demo_api: DemoApi, wire: V2Client) -> None:
    store = demo_api.store
    for thread in list(store.threads.values())[:80]:
        page = await wire.list_messages(thread.id, limit=100)
        with_media = [m for m in page.data if m.attachments]
        if with_media:
            media = await wire.get_attachment(with_media[0].id, 0)
            assert media.status == "ready" and media.url
            return
    pytest.fail("the demo seeds no attachment in its first threads")


async def test_tags_and_statuses(wire: V2Client) -> None:
    tag = await wire.create_tag("Référence", "green")
    assert (await wire.get_tag("reference")).id == tag.id  # by name, any case, any accent
    renamed = await wire.update_tag(tag.id, name="Referral partner", color="#ef4444")
    assert renamed.name == "Referral partner"
    with pytest.raises(Conflict) as info:
        await wire.create_tag("referral partner")
    assert info.value.code == "nameTaken" and info.value.details == {"name": "referral partner"}
    await wire.delete_tag(tag.id)
    with pytest.raises(NotFound):
        await wire.get_tag(tag.id)
    status = await wire.create_status("Negotiating")
    assert (await wire.get_status(status.id)).name == "Negotiating"
    assert (await wire.update_status("negotiating", color=None)).id == status.id
    await wire.delete_status(status.id)
    assert status.id not in [s.id for s in (await wire.list_statuses()).data]


async def test_events_in_v2_names(demo_api: DemoApi, wire: V2Client) -> None:
    start = (await wire.list_events()).last_seq or 0
    thread = (await wire.list_threads(limit=1)).data[0]
    await wire.update_contact(thread.contact_id, notes="changed")
    await wire.send_message({"type": "thread", "threadId": thread.id}, "ping")
    demo_api.store.receive_message(demo_api.store.thread(thread.id), "pong")
    await wire.update_thread(thread.id, archived=True)
    page = await wire.list_events(start)
    kinds = [e.type for e in page.data]
    assert kinds == ["contact.notesChanged", "message.sent", "message.received", "thread.archived"]
    assert page.data[3].object.id == thread.id and page.data[0].object.type == "contact"
    assert page.data[0].data == {"notes": "changed"}
    only = await wire.list_events(start, types=["message.received"])
    assert [e.type for e in only.data] == ["message.received"]
    assert only.last_seq == page.last_seq  # counts the events the filter left out


async def test_every_operation_was_exercised_and_checked(
    demo_api: DemoApi, checked: SpecCheckingTransport
) -> None:
    """The list above covers the spec: each of its 37 operations answers in the spec's shape."""
    operations = {
        (method.upper(), path)
        for path, ops in spec()["paths"].items()
        for method in ops
        if method != "parameters"
    }
    assert len(operations) == 37
    assert {name for name in dir(V2Client) if not name.startswith("_")} >= {
        "list_platforms", "get_team", "list_members", "get_member", "list_account_links",
        "get_account_link", "list_contacts", "get_contact", "update_contact", "add_contact_tag",
        "remove_contact_tag", "list_threads", "get_thread", "update_thread", "delete_thread",
        "send_typing", "list_messages", "get_message", "edit_message", "unsend_message",
        "send_message", "message_history", "react", "unreact", "get_attachment", "list_tags",
        "create_tag", "get_tag", "update_tag", "delete_tag", "list_statuses", "create_status",
        "get_status", "update_status", "delete_status", "list_colors", "list_events",
    }  # fmt: skip


# --- the spec's strictness ----------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"tag[]": "a"},
        {"tag[0]": "a"},
        {"filters[tags][selectedIds][0]": "a"},
        {"inbox": "default"},
        {"limit": "0"},
        {"limit": "101"},
        {"folder": "default"},
        {"accountLinkId": "a,b"},
        {"expand": ["profile", "contact", "accountLink", "assignee", "profile"]},
        {"expand": "prospect"},
        {"unassigned": "true", "assigneeId": "abc"},
    ],
)
async def test_v2_refuses_what_the_spec_refuses(demo_api: DemoApi, params: object) -> None:
    response = await raw(demo_api, "GET", "/threads", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalidRequest" and body["details"]["issues"]
    assert body["requestId"] == response.headers["x-request-id"]


async def test_errors_are_typed_by_code(demo_api: DemoApi, wire: V2Client) -> None:
    bad = V2Client("wrong", base_url=f"{DEMO_ROOT}/v2", transport=demo_transport(demo_api))
    with pytest.raises(AuthError) as info:
        await bad.get_team()
    assert info.value.code == "unauthorized" and "wrong" not in str(info.value)
    await bad.aclose()
    with pytest.raises(NotFound) as found:
        await wire.get_contact("nosuchcontact")
    assert found.value.code == "contactNotFound"


# --- retries, as the spec says -------------------------------------------------------------


async def test_reads_retry_on_5xx_and_429(
    demo_api: DemoApi, wire: V2Client, sleeps: SleepRecorder
) -> None:
    demo_api.faults.add(Fault(status=500))
    demo_api.faults.add(Fault(status=429, retry_after=2))
    assert (await wire.get_team()).name
    assert sleeps.delays[-1] == 2.0


async def test_a_send_without_a_key_is_never_retried_on_5xx(
    demo_api: DemoApi, wire: V2Client, sleeps: SleepRecorder
) -> None:
    thread = (await wire.list_threads(limit=1)).data[0]
    demo_api.faults.add(Fault(status=502, code="platformError", method="POST"))
    with pytest.raises(ServerError):
        await wire.send_message({"type": "thread", "threadId": thread.id}, "once")
    assert sleeps.delays == []


async def test_a_keyed_send_is_retried_and_lands_once(
    demo_api: DemoApi, wire: V2Client, sleeps: SleepRecorder
) -> None:
    thread = (await wire.list_threads(limit=1)).data[0]
    # The server stores the message, then the answer is lost; the retry replays it.
    demo_api.faults.add(Fault(drop_response=True, method="POST", path_prefix="/messages"))
    result = await wire.send_message(
        {"type": "thread", "threadId": thread.id}, "exactly once", idempotency_key="k-77"
    )
    assert len(sleeps.delays) == 1
    page = await wire.list_messages(thread.id, limit=5)
    assert [m.content for m in page.data].count("exactly once") == 1
    assert page.data[0].id == result.message.id


async def test_send_unconfirmed_is_never_retried(
    demo_api: DemoApi, wire: V2Client, sleeps: SleepRecorder
) -> None:
    thread = (await wire.list_threads(limit=1)).data[0]
    demo_api.faults.add(
        Fault(status=502, code="sendUnconfirmed", details={"messageId": "m1"}, method="POST")
    )
    with pytest.raises(SendUnconfirmed) as info:
        await wire.send_message({"type": "thread", "threadId": thread.id}, "?", idempotency_key="u")
    assert info.value.message_id == "m1" and sleeps.delays == []


async def test_patch_is_not_retried_on_a_dropped_connection(
    demo_api: DemoApi, wire: V2Client, sleeps: SleepRecorder
) -> None:
    thread = (await wire.list_threads(limit=1)).data[0]
    demo_api.faults.add(Fault(drop=True, method="PATCH"))
    with pytest.raises(TransportError):
        await wire.update_thread(thread.id, archived=True)
    assert sleeps.delays == []


async def test_rate_limited_details_give_the_wait(
    demo_api: DemoApi, wire: V2Client, sleeps: SleepRecorder
) -> None:
    thread = (await wire.list_threads(limit=1)).data[0]
    demo_api.faults.add(
        Fault(
            status=429,
            code="platformRateLimited",
            details={"retryAfterSeconds": 1},
            method="POST",
        )
    )
    await wire.send_message({"type": "thread", "threadId": thread.id}, "later")
    assert sleeps.delays == [1.0]
    demo_api.faults.add(Fault(status=429, retry_after=0), times=4)
    with pytest.raises(RateLimited):
        await wire.list_tags()
