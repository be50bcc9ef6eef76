"""Messages beyond sending, against the demo through the client: reply-to, edit, delete, history,
reactions (X Chat threads only) and isSyncing; every change read back by a second client."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import ANCHOR
from tui.api import V1Client
from tui.api.errors import ApiError, Forbidden, NotFound
from tui.backend import demo_client
from tui.core.model import Message, Thread
from tui.demo import DemoApi
from tui.demo.seed import SeedConfig
from tui.demo.store import SYNCED_FIRST, DemoStore


async def xchat_pair(client: V1Client) -> tuple[Thread, Message, Message]:
    """An encrypted thread with one of our messages and one of theirs on its first page."""
    async for thread in client.iter_threads():
        if thread.variant != "xChat":
            continue
        page = await client.list_messages(thread.id)
        ours = [m for m in page.messages if m.author_id == thread.account_link_id]
        theirs = [m for m in page.messages if m.author_id != thread.account_link_id]
        if ours and theirs and not page.is_syncing:
            return thread, ours[0], theirs[0]
    raise AssertionError("the seed has no encrypted thread with both sides")


async def unencrypted(client: V1Client) -> tuple[Thread, Message]:
    async for thread in client.iter_threads():
        if thread.variant == "unencrypted":
            page = await client.list_messages(thread.id)
            return thread, page.messages[0]
    raise AssertionError("the seed has no unencrypted thread")


async def read_message(api: DemoApi, thread_id: str, message_id: str) -> Message:
    async for message in demo_client(api, "v1").iter_messages(thread_id):
        if message.id == message_id:
            return message
    raise AssertionError(f"{message_id} is not on the server")


async def test_reply_to_a_message_is_sent_with_its_quote(
    client: V1Client, demo_api: DemoApi
) -> None:
    thread, _ours, theirs = await xchat_pair(client)
    sent = await client.send_message(thread.id, "Answering this", reply_to_message_id=theirs.id)
    back = await read_message(demo_api, thread.id, sent.id)
    assert back.reply_to_id == theirs.id
    assert back.reply_data["content"] == theirs.content[:80]
    with pytest.raises(NotFound):
        await client.send_message(thread.id, "to nothing", reply_to_message_id="nosuchmessage")


async def test_edit_our_message_and_read_its_history(client: V1Client, demo_api: DemoApi) -> None:
    thread, ours, _theirs = await xchat_pair(client)
    edited = await client.edit_message(thread.id, ours.id, "First edit")
    assert edited.message_id == ours.id and edited.content == "First edit"
    await client.edit_message(thread.id, ours.id, "Second edit")
    back = await read_message(demo_api, thread.id, ours.id)
    assert back.content == "Second edit" and back.is_edited
    history = await demo_client(demo_api, "v1").message_history(thread.id, ours.id)
    assert [v.content for v in history.versions] == [ours.content, "First edit", "Second edit"]
    assert [v.edit_origin for v in history.versions] == [None, "api", "api"]
    assert history.deletion is None


async def test_edit_is_refused_on_their_message_and_on_unencrypted_threads(
    client: V1Client, demo_api: DemoApi
) -> None:
    thread, _ours, theirs = await xchat_pair(client)
    with pytest.raises(Forbidden):
        await client.edit_message(thread.id, theirs.id, "not mine")
    plain, message = await unencrypted(client)
    with pytest.raises(ApiError) as refused:
        await client.edit_message(plain.id, message.id, "no")
    assert refused.value.status == 422 and "X Chat" in refused.value.message
    for call in (
        client.delete_message(plain.id, message.id),
        client.add_reaction(plain.id, message.id, "👍"),
        client.message_history(plain.id, message.id),
    ):
        with pytest.raises(ApiError):
            await call
    assert (await read_message(demo_api, thread.id, theirs.id)).content == theirs.content


async def test_delete_for_everyone_and_for_me(client: V1Client, demo_api: DemoApi) -> None:
    thread, ours, theirs = await xchat_pair(client)
    with pytest.raises(Forbidden):  # their message: only for me
        await client.delete_message(thread.id, theirs.id, for_everyone=True)
    await client.delete_message(thread.id, theirs.id, for_everyone=False)
    mine = await client.delete_message(thread.id, ours.id)  # for everyone by default
    assert mine.message_id == ours.id
    their_copy = await read_message(demo_api, thread.id, theirs.id)
    assert their_copy.is_deleted and their_copy.platform_deleted_at is None
    our_copy = await read_message(demo_api, thread.id, ours.id)
    assert our_copy.is_deleted and our_copy.platform_deleted_at is not None
    history = await client.message_history(thread.id, ours.id)
    assert history.deletion is not None and history.deletion.deletion_type == "all"
    with pytest.raises(ApiError):
        await client.edit_message(thread.id, ours.id, "too late")


async def test_reactions_add_and_remove(client: V1Client, demo_api: DemoApi) -> None:
    thread, _ours, theirs = await xchat_pair(client)
    await client.add_reaction(thread.id, theirs.id, "🔥")
    await client.add_reaction(thread.id, theirs.id, "🔥")  # once per emoji
    await client.add_reaction(thread.id, theirs.id, "❤️")
    back = await read_message(demo_api, thread.id, theirs.id)
    assert back.emoji_by(thread.account_link_id) == ["🔥", "❤️"]
    await client.remove_reaction(thread.id, theirs.id, "🔥")
    back = await read_message(demo_api, thread.id, theirs.id)
    assert back.emoji_by(thread.account_link_id) == ["❤️"]
    with pytest.raises(ApiError):
        await client.add_reaction(thread.id, theirs.id, "")


async def test_message_changes_are_in_the_event_log_in_order(
    client: V1Client, demo_api: DemoApi
) -> None:
    start = demo_api.store.events.last_seq
    thread, ours, theirs = await xchat_pair(client)
    await client.edit_message(thread.id, ours.id, "edited")
    await client.add_reaction(thread.id, theirs.id, "👍")
    await client.remove_reaction(thread.id, theirs.id, "👍")
    await client.delete_message(thread.id, ours.id)
    page = await client.list_events(start)
    assert [e.type for e in page.events] == [
        "message.edited",
        "message.reactionAdded",
        "message.reactionRemoved",
        "message.deleted",
    ]
    assert [e.seq for e in page.events] == list(range(start + 1, start + 5))
    assert all(e.data["threadId"] == thread.id for e in page.events)


async def test_a_syncing_thread_lists_its_history_once_imported() -> None:
    now = [ANCHOR]
    store = DemoStore(
        SeedConfig(threads=30, anchor=ANCHOR, syncing_seconds=5), clock=lambda: now[0]
    )
    api = DemoApi(store)
    client = demo_client(api, "v1")
    syncing = [t for t in (await client.list_threads()).threads if t.is_syncing]
    assert len(syncing) == 1
    thread = syncing[0]
    first = await client.list_messages(thread.id)
    assert first.is_syncing and len(first.messages) == SYNCED_FIRST
    assert first.next_cursor is None
    now[0] = ANCHOR + timedelta(seconds=6)
    later = await client.list_messages(thread.id, limit=100)
    assert not later.is_syncing
    assert len(later.messages) == store.threads[thread.id].message_count > SYNCED_FIRST
    assert not (await client.get_thread(thread.id)).is_syncing
    assert [m.id for m in later.messages[:SYNCED_FIRST]] == [m.id for m in first.messages]
