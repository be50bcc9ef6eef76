"""Acting on one message from the keyboard: select, reply to it, edit, delete, history, react;
refused with a reason on unencrypted threads; a syncing thread fills in. Server state is read
back through a second client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton, Static, TextArea

from tests.app_helpers import kept_drafts, make_app, screen_text, settle
from tests.conftest import ANCHOR
from tests.test_actions import notifications, open_thread, reader, stranger
from tests.test_xchat import read_message
from tui.core.model import Message, Thread
from tui.core.query import ThreadQuery
from tui.demo import DemoApi, Fault
from tui.demo.seed import SeedConfig
from tui.demo.store import DemoStore
from tui.ui.app import InboxApp
from tui.ui.screens.history import HistoryScreen
from tui.ui.screens.pickers import ConfirmScreen, NewConversationScreen, NotesScreen, PickerScreen

VERSIONS = pytest.mark.parametrize("version", ["v2", "v1"])
# Where a first message to a person goes, per version.
SEND_TO_PERSON = {"v1": "/threads/messages", "v2": "/messages"}


async def both_sides(api: DemoApi) -> str:
    """An encrypted thread, not importing, whose first page has messages from both sides."""
    client = reader(api)
    for thread in (await client.list_threads()).threads:
        if not thread.allows("message:edit") or thread.is_syncing:
            continue
        messages = (await client.list_messages(thread.id)).messages
        if len({m.is_outbound({thread.account_link_id}) for m in messages}) == 2:
            return thread.id
    raise AssertionError("no encrypted thread with both sides in the seed")


def with_id(thread_id: str) -> Callable[[Thread], bool]:
    return lambda t: t.id == thread_id


@asynccontextmanager
async def open_conversation(
    data_dir: Path,
) -> AsyncIterator[tuple[InboxApp, DemoApi, Pilot[None], Thread]]:
    """The app on the demo with an encrypted conversation (both sides) open. Its newest
    messages, one from each side, were just sent: within X's windows for editing (15 min)
    and reacting (24 h), which the app checks before asking."""
    app, api = make_app(data_dir=data_dir)
    chosen = await both_sides(api)
    record = api.store.thread(chosen)
    api.store.send_message(record, "Sent a moment ago", None, None)
    api.store.receive_message(record, "Answered a moment ago")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, with_id(chosen))
        yield app, api, pilot, thread


def select_newest(app: InboxApp, thread: Thread, *, ours: bool) -> Message:
    """Select the newest loaded message of ours (or theirs) in the open conversation."""
    view = app.message_view
    message = next(
        m for m in reversed(view.messages) if (m.is_outbound({thread.account_link_id})) == ours
    )
    view.selected_id = message.id
    return message


async def test_j_and_k_select_messages_and_q_replies_to_the_selected_one(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        view = app.message_view
        assert app.focused is view and view.selected_id == view.messages[-1].id
        await pilot.press("k")
        assert view.selected_id == view.messages[-2].id
        await pilot.press("j", "j")  # stops at the newest
        assert view.selected_id == view.messages[-1].id
        await pilot.press("k")
        quoted = view.messages[-2]
        assert any("▌" in line for line in screen_text(view).splitlines())
        await pilot.press("r")  # r replies plainly, wherever it is pressed
        assert app.focused is app.composer.input
        assert not app.composer.query_one("#composer-quote").display
        await pilot.press("escape")
        await pilot.pause()
        view.focus()
        await pilot.press("Q")  # Q quotes the selected message
        assert app.focused is app.composer.input
        quote_label = app.composer.query_one("#composer-quote")
        assert quote_label.display and "replying to" in str(quote_label.render())
        app.composer.input.insert("About that")
        await pilot.pause(0.4)
        saved = kept_drafts(data_dir)
        assert saved.get(thread.id) == "About that"
        assert saved.reply_to(thread.id) == (quoted.id, quoted.content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        sent = (await reader(api).list_messages(thread.id, limit=1)).messages[0]
        assert sent.content == "About that" and sent.reply_to_id == quoted.id
        assert not quote_label.display
        assert "↩ replying to" in screen_text(view)
        assert kept_drafts(data_dir).reply_to(thread.id) is None


async def test_a_quoted_draft_survives_a_restart_and_ctrl_g_unquotes(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        await pilot.press("k", "Q")
        app.composer.input.insert("Half-written")
        await pilot.press("escape")
    again, _ = make_app(api=api, data_dir=data_dir)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: t.id == thread.id)
        label = again.composer.query_one("#composer-quote")
        assert again.composer.input.text == "Half-written" and label.display
        await pilot.press("r", "ctrl+g")
        await pilot.pause(0.4)
        assert not label.display
        assert kept_drafts(data_dir).reply_to(thread.id) is None
        assert kept_drafts(data_dir).get(thread.id) == "Half-written"


async def test_edit_our_message(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        view = app.message_view
        ours = select_newest(app, thread, ours=True)
        await pilot.press("E")
        assert isinstance(app.screen, NotesScreen)
        editor = app.screen.query_one(TextArea)
        assert editor.text == ours.content
        editor.text = "Corrected wording"
        await pilot.press("ctrl+s")
        await settle(pilot)
        back = await read_message(api, thread.id, ours.id)
        assert back.content == "Corrected wording" and back.is_edited
        shown = view.message_by_id(ours.id)
        assert shown is not None and shown.content == "Corrected wording" and shown.is_edited
        assert "Message edited." in notifications(app)


async def test_their_message_cannot_be_edited_and_nothing_is_sent(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        select_newest(app, thread, ours=False)
        before = len(api.request_log)
        await pilot.press("E")
        await settle(pilot)
        assert not isinstance(app.screen, NotesScreen)
        assert "Only your own messages can be edited." in notifications(app)
        assert len(api.request_log) == before


@VERSIONS
async def test_on_unencrypted_threads_the_keys_explain_and_send_nothing(
    data_dir: Path, version: str
) -> None:
    """v1 knows by the thread's variant; v2 by the account link's capabilities less the
    thread's restrictions."""
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: not t.allows("message:edit"))
        before = len(api.request_log)
        for key in ("E", "d", "h", "plus"):
            await pilot.press(key)
            await settle(pilot)
            assert len(app.screen_stack) == 1
        assert len(api.request_log) == before
        said = notifications(app)
        why = "only on encrypted X Chat threads" if version == "v1" else "does not allow it"
        assert sum(why in n for n in said) == 4


async def test_delete_asks_then_deletes_for_everyone(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        view = app.message_view
        ours = select_newest(app, thread, ours=True)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#answer-all")
        await settle(pilot)
        back = await read_message(api, thread.id, ours.id)
        assert back.is_deleted and back.platform_deleted_at is not None
        view.selected_id = ours.id
        view._select(view.messages.index(view.message_by_id(ours.id)))  # type: ignore[arg-type]
        await pilot.pause()
        assert "message deleted for everyone" in screen_text(view)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = str(app.screen.query_one("#history-text", Static).render())
        assert "Original" in text and "Deleted for everyone" in text


async def test_delete_of_their_message_offers_only_for_me(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        view = app.message_view
        theirs = next(m for m in view.messages if not m.is_outbound({thread.account_link_id}))
        view.selected_id = theirs.id
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        assert not app.screen.query("#answer-all")
        await pilot.press("escape")
        await settle(pilot)
        assert not (await read_message(api, thread.id, theirs.id)).is_deleted


async def test_history_lists_every_version(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        view = app.message_view
        ours = next(m for m in reversed(view.messages) if m.is_outbound({thread.account_link_id}))
        client = reader(api)
        await client.edit_message(thread.id, ours.id, "second version")
        view.selected_id = ours.id
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = str(app.screen.query_one("#history-text", Static).render())
        assert ours.content in text and "second version" in text and "Edit 1" in text


async def test_reactions_from_the_picker(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        view = app.message_view
        theirs = select_newest(app, thread, ours=False)
        await pilot.press("plus")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("space", "down", "down", "down", "space", "ctrl+s")  # 👍 and 🔥
        await settle(pilot)
        back = await read_message(api, thread.id, theirs.id)
        assert back.emoji_by(thread.account_link_id) == ["👍", "🔥"]
        await pilot.press("plus", "space", "ctrl+s")  # 👍 off again
        await settle(pilot)
        back = await read_message(api, thread.id, theirs.id)
        assert back.emoji_by(thread.account_link_id) == ["🔥"]
        shown = view.message_by_id(theirs.id)
        assert shown is not None and shown.emoji_by(thread.account_link_id) == ["🔥"]


async def test_a_syncing_thread_says_so_and_fills_in(data_dir: Path) -> None:
    now = [ANCHOR]
    store = DemoStore(
        SeedConfig(threads=40, anchor=ANCHOR, syncing_seconds=5), clock=lambda: now[0]
    )
    app, _api = make_app(api=DemoApi(store), data_dir=data_dir, sync_recheck=0.2)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: t.is_syncing)
        view = app.message_view
        assert view.syncing and len(view.messages) == 3
        assert "still importing" in screen_text(view)
        now[0] = ANCHOR + timedelta(seconds=6)
        await pilot.pause(0.5)
        await settle(pilot)
        assert not view.syncing
        expected = min(50, store.threads[thread.id].message_count)
        assert len(view.messages) == expected
        assert "still importing" not in screen_text(view)


async def test_live_updates_show_an_edit_made_elsewhere(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        view = app.message_view
        ours = next(m for m in reversed(view.messages) if m.is_outbound({thread.account_link_id}))
        app.live.poll_now()  # learn where the event log ends
        await settle(pilot)
        await reader(api).edit_message(thread.id, ours.id, "changed by a colleague")
        app.live.poll_now()
        await settle(pilot)
        shown = view.message_by_id(ours.id)
        assert shown is not None and shown.content == "changed by a colleague"


# --- quick send from the new-conversation dialog -----------------------------------------------


async def new_conversation(pilot: Pilot[None], who: str, text: str) -> NewConversationScreen:
    app = pilot.app
    assert isinstance(app, InboxApp)
    app.thread_list.focus()
    await pilot.press("N")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, NewConversationScreen)
    screen.query_one("#new-who", Input).value = who
    screen.query_one("#new-text", TextArea).text = text
    return screen


@VERSIONS
async def test_quick_send_starts_the_conversation_with_one_request(
    data_dir: Path, version: str
) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        person = stranger(api)
        link = next(iter(app.directory.account_links))
        await new_conversation(pilot, person.platform_id, "Hi! Saw your talk, loved it.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        posts = [e for e in api.request_log if e[0] == "POST"]
        assert posts == [("POST", SEND_TO_PERSON[version])]
        thread = await reader(api).lookup_thread(link, external_platform_id=person.platform_id)
        assert thread is not None
        sent = (await reader(api).list_messages(thread.id)).messages
        assert [m.content for m in sent] == ["Hi! Saw your talk, loved it."]
        assert app.message_view.thread is not None and app.message_view.thread.id == thread.id
        assert "Hi! Saw your talk, loved it." in screen_text(app.message_view)


@VERSIONS
async def test_a_failed_quick_send_reopens_the_dialog_with_the_text(
    data_dir: Path, version: str
) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        person = stranger(api)
        # v2 retries a keyed send by itself: it fails once its attempts are spent.
        fault = Fault(status=500, method="POST", path_prefix=SEND_TO_PERSON[version])
        api.faults.add(fault, times=4 if version == "v2" else 1)
        await new_conversation(pilot, person.platform_id, "Do not lose me")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewConversationScreen)
        assert screen.query_one("#new-text", TextArea).text == "Do not lose me"
        assert screen.query_one("#new-who", Input).value == person.platform_id
        assert any(n.startswith("Not sent") for n in notifications(app))
        await pilot.press("ctrl+s")  # the service is back
        await settle(pilot)
        link = next(iter(app.directory.account_links))
        thread = await reader(api).lookup_thread(link, external_platform_id=person.platform_id)
        assert thread is not None
        messages = (await reader(api).list_messages(thread.id)).messages
        assert [m.content for m in messages] == ["Do not lose me"]


@VERSIONS
async def test_a_quick_send_whose_answer_is_lost_is_checked_not_resent(
    data_dir: Path, version: str
) -> None:
    """Shown once: v1 reads the thread to find it; v2 resends with the same Idempotency-Key
    and the service answers with the first send."""
    app, api = make_app(data_dir=data_dir, api_version=version, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        person = stranger(api)
        path = SEND_TO_PERSON[version]
        api.faults.add(Fault(drop_response=True, method="POST", path_prefix=path))
        await new_conversation(pilot, person.platform_id, "Exactly once")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NewConversationScreen)
        posts = [e for e in api.request_log if e[0] == "POST"]
        assert posts == [("POST", path)] * (2 if version == "v2" else 1)
        view = app.message_view
        assert view.thread is not None
        assert [m.content for m in view.messages] == ["Exactly once"]


async def test_the_first_message_is_counted_against_the_chosen_platforms_limit(
    data_dir: Path,
) -> None:
    """#34: on the Instagram account link the dialog counts against Instagram's 1,000
    characters (X's 10,000 on an X one), says so, sends nothing when over, and its hint
    speaks of Instagram user IDs."""
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        links = app.directory.account_links.values()
        instagram = next(a.id for a in links if a.platform == "instagram")
        page = await reader(api).list_threads(ThreadQuery(platforms=("instagram",)))
        thread = page.threads[0]
        assert thread.account_link_id == instagram
        screen = await new_conversation(pilot, "@" + thread.prospect.username, "y" * 1_005)
        await pilot.pause()
        who, count = screen.query_one("#new-who", Input), screen.query_one("#new-count", Static)
        assert "X user ID" in who.placeholder and str(count.render()) == "1,005 / 10,000"
        screen.query_one(f"#link-{instagram}", RadioButton).value = True
        await pilot.pause()
        assert who.placeholder == "username (without @) or Instagram user ID"
        assert str(count.render()) == "1,005 / 1,000" and count.has_class("-over")
        posts = sum(1 for method, _ in api.request_log if method == "POST")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # still open, with what was typed
        assert sum(1 for method, _ in api.request_log if method == "POST") == posts
        message = str(screen.query_one("#new-message", Static).render())
        assert message == "Too long for Instagram: 1,005 of 1,000 characters. Nothing was sent."
        screen.query_one("#new-text", TextArea).text = "y" * 1_000
        await pilot.pause()
        assert str(count.render()) == "1,000 / 1,000" and not count.has_class("-over")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.message_view.thread is not None
        assert app.message_view.thread.id == thread.id
        assert app.message_view.messages[-1].content == "y" * 1_000


async def test_escape_with_a_first_message_asks_before_dropping_it(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await new_conversation(pilot, stranger(api).platform_id, "Careful")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # keep writing
        assert isinstance(app.screen, NewConversationScreen)
        assert app.screen.query_one("#new-text", TextArea).text == "Careful"


async def test_a_refused_edit_is_kept_across_a_restart(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        ours = select_newest(app, thread, ours=True)
        api.faults.add(Fault(status=503, method="PATCH"))
        await pilot.press("E")
        app.screen.query_one(TextArea).text = "Typed, then refused"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any(n.startswith("Not edited") for n in notifications(app))
        assert (await read_message(api, thread.id, ours.id)).content == ours.content
    again, _ = make_app(api=api, data_dir=data_dir)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, with_id(thread.id))
        select_newest(again, thread, ours=True)
        await pilot.press("E")
        editor = again.screen.query_one(TextArea)
        assert editor.text == "Typed, then refused"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (await read_message(api, thread.id, ours.id)).content == "Typed, then refused"
        assert kept_drafts(data_dir).get(f"edit:{ours.id}") == ""
        assert thread.id not in again.thread_list.drafts
