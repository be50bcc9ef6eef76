"""What is written offline (replies, edits) waits, never sent unasked, and is offered when the
connection is back: in the same run, or the next."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from tests.app_helpers import kept_writing, make_app, open_what_waits, settle
from tests.test_actions import VERSIONS, notifications, open_thread, reader
from tui.core.waiting_edits import WaitingEdits
from tui.demo import Fault
from tui.ui.screens.pickers import NotesScreen
from tui.ui.screens.waiting import WaitingScreen


@VERSIONS
async def test_a_reply_written_offline_is_offered_when_the_connection_is_back(
    data_dir: Path, version: str
) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        api.faults.add(Fault(unreachable=True), times=10_000)  # the network is gone
        await pilot.press("r")
        app.composer.input.insert("Written on the train")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # In one place: its draft (the composer), offered later; not also in the conversation.
        assert app.message_view.pending == []
        assert app.composer.input.text == "Written on the train"
        assert app.drafts.offline_ids() == [thread.id]
        assert any(n.startswith("Offline: not sent") for n in notifications(app))
        # Still offline: the look for the connection finds none, and nothing is offered.
        app.offline.offer()
        await settle(pilot)
        assert not isinstance(app.screen, WaitingScreen)
        # Back: it is offered, and sent only when the user says so.
        api.faults.clear()
        app.reloads.answered()
        await settle(pilot)
        await open_what_waits(pilot)
        record = api.store.thread(thread.id)
        assert not [m for m in api.store.messages_of(record) if m.content == "Written on the train"]
        await pilot.click("#answer-send")
        await settle(pilot)
        sent = [m for m in api.store.messages_of(record) if m.content == "Written on the train"]
        assert len(sent) == 1
        assert app.drafts.get(thread.id) == "" and app.drafts.offline_ids() == []
        assert app.message_view.pending == [] and app.composer.input.text == ""
        assert app.message_view.messages[-1].content == "Written on the train"


async def test_replies_written_offline_are_offered_at_the_next_start(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        api.faults.add(Fault(unreachable=True), times=10_000)
        await pilot.press("r")
        app.composer.input.insert("Typed before the laptop closed")
        await pilot.press("ctrl+s")
        await settle(pilot)
    api.faults.clear()
    again, _ = make_app(api=api, data_dir=data_dir)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_what_waits(pilot)
        assert isinstance(again.screen, WaitingScreen)
        await pilot.click("#answer-keep")
        await settle(pilot)
        # Kept: an ordinary draft, no longer offered, nothing sent.
        assert again.drafts.get(thread.id) == "Typed before the laptop closed"
        assert again.drafts.offline_ids() == []
        record = api.store.thread(thread.id)
        assert not [m for m in api.store.messages_of(record) if "laptop" in m.content]


@VERSIONS
async def test_notes_written_offline_are_kept_and_saved_when_asked(
    data_dir: Path, version: str
) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        pid = thread.prospect.external_id
        assert pid
        before = (await reader(api).get_prospect(pid)).context.notes
        api.faults.add(Fault(unreachable=True), times=10_000)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        app.screen.query_one(TextArea).text = "Wants a pilot in March."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(app.offline.edits) == 1
        assert "Offline: not saved. Kept, and offered when the connection is back." in (
            notifications(app)
        )
        # Rolled back on screen (the service does not have it), and kept on disk.
        assert app.thread_list.threads[0].prospect.context.notes == before
        assert len(WaitingEdits(kept_writing(data_dir, app.settings.cache_scope))) == 1
        api.faults.clear()
        app.reloads.answered()
        await settle(pilot)
        await open_what_waits(pilot)
        assert isinstance(app.screen, WaitingScreen)
        assert "1 edit made offline" in app.screen.title_text
        await pilot.click("#answer-send")
        await settle(pilot)
        assert (await reader(api).get_prospect(pid)).context.notes == "Wants a pilot in March."
        assert (
            len(app.offline.edits) == 0
            and len(WaitingEdits(kept_writing(data_dir, app.settings.cache_scope))) == 0
        )


async def test_an_edit_made_offline_says_which_of_their_threads(data_dir: Path) -> None:
    """A person with a thread per account link: the edit offered says which one, in this run
    and after a restart (when the list may not hold the thread)."""
    app, api = make_app(data_dir=data_dir, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        people = [t.prospect.external_id for t in app.thread_list.threads]
        index = next(
            i
            for i, t in enumerate(app.thread_list.threads)
            if people.count(t.prospect.external_id) > 1
        )
        thread = app.thread_list.threads[index]
        link = app.directory.account_links[thread.account_link_id]
        app.thread_list.focus()
        app.thread_list.cursor = index
        await settle(pilot)
        api.faults.add(Fault(unreachable=True), times=10_000)
        await pilot.press("e")
        await settle(pilot)
        assert len(app.offline.edits) == 1
    said = f"Archived ({thread.prospect.display_name} via {link.username})"
    api.faults.clear()
    again, _ = make_app(api=api, data_dir=data_dir)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_what_waits(pilot)
        assert isinstance(again.screen, WaitingScreen)
        assert any(said in item.text.plain for item in again.screen.items)
