"""Trust II (#34): what the screen names is what a key acts on, and nothing typed is lost.

One test per defect the issue lists (the exploring model is tests/test_trust_model.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.app_helpers import make_app, open_what_waits, settle, until
from tui.backend import demo_client
from tui.demo import DemoApi
from tui.ui.app import InboxApp
from tui.ui.screens.waiting import WaitingScreen


def toasts(app: InboxApp) -> list[str]:
    return [n.message for n in app._notifications]


async def archived(api: DemoApi, thread_id: str) -> bool:
    reader = demo_client(api)
    try:
        return (await reader.get_thread(thread_id)).done
    finally:
        await reader.aclose()


async def type_into_notes(pilot: Pilot[None], app: InboxApp, text: str) -> None:
    """Pick the sidebar's notes field and type into its editor, as a user does."""
    from tui.ui.widgets.sidebar import FIELDS

    app.sidebar.focus()
    await pilot.pause()
    app.sidebar.field_index = list(FIELDS).index("notes")
    await pilot.press("enter", *text)


# --- 1. marks belong to the list they were made in ---------------------------------------------


async def test_marks_end_with_their_view_and_the_next_key_acts_on_the_sidebars_person(
    data_dir: Path,
) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("g", "j", "x", "x")
        await settle(pilot)
        marked = [t.id for t in app.thread_list.marked_threads()]
        assert len(marked) == 2
        assert "2 marked" in app.status_text
        await pilot.press("2")  # another view
        await settle(pilot)
        assert not app.thread_list.marked
        assert any("2 marks cleared" in t for t in toasts(app))
        assert "marked" not in app.status_text
        target = app.shown_target
        assert target is not None and target.id not in marked
        await pilot.press("e")
        await settle(pilot)
        assert await archived(api, target.id)
        assert not any([await archived(api, thread_id) for thread_id in marked])
        await pilot.press("1")  # back: no marks in the gutter, none acted on
        await settle(pilot)
        assert not app.thread_list.marked and "marked" not in app.status_text


async def test_the_status_line_names_the_marks_while_more_rows_load(data_dir: Path) -> None:
    """Rows loading under the marks (the next page) do not hide them from the status line."""
    app, _ = make_app(data_dir=data_dir, page_size=20)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("x", "x")
        await pilot.press("G")  # to the end: the next page loads and the status line is redone
        await settle(pilot)
        assert len(app.thread_list.threads) > 20
        assert app.status_text.startswith("2 marked: e a t s U apply to all of them")


# --- 2. the composer is only ever the sidebar's person's ----------------------------------------


async def messages_in(api: DemoApi, thread_id: str) -> list[str]:
    reader = demo_client(api)
    try:
        page = await reader.list_messages(thread_id, limit=50)
        return [m.content for m in page.messages]
    finally:
        await reader.aclose()


async def test_tab_never_reaches_the_composer_of_a_person_the_sidebar_does_not_show(
    data_dir: Path,
) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        first, second = app.thread_list.threads[:2]
        await pilot.press("enter")  # open the first person's conversation
        await settle(pilot)
        await pilot.press("r", *"half", "escape")  # a draft begun for them
        await settle(pilot)
        await pilot.press("escape", "j")  # back to the list, on to the second person
        await settle(pilot)
        assert app.shown_target is not None and app.shown_target.id == second.id
        assert app.message_view.thread is not None and app.message_view.thread.id == first.id
        composer = app.composer.input
        for _ in range(6):  # round the panes: the old composer is not among them
            await pilot.press("tab")
            assert app.focused is not composer
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "half" not in await messages_in(api, first.id)
        assert app.drafts.get(first.id) == "half"  # the first person's draft is kept
        app.thread_list.focus()
        await pilot.press("r")  # a reply goes to the person on screen: their composer
        await settle(pilot)
        assert app.message_view.thread is not None and app.message_view.thread.id == second.id
        assert app.focused is composer and composer.text == ""
        await pilot.press(*"for you", "ctrl+s")
        await settle(pilot)
        assert "for you" in await messages_in(api, second.id)
        assert "half" not in await messages_in(api, second.id)


# --- 5. sidebar notes are never lost by leaving the editor another way -------------------------


async def test_notes_left_by_tab_then_the_list_are_saved_for_their_person(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        person = app.shown_target
        assert person is not None and person.prospect.external_id
        await type_into_notes(pilot, app, "Met at SaaStr")
        await pilot.press("tab")  # the editor loses the focus
        await pilot.pause()
        app.thread_list.focus()  # (where tab and escape lead: the list)
        await pilot.press("escape", "j", "k")
        await settle(pilot)
        reader = demo_client(api)
        prospect = await reader.get_prospect(person.prospect.external_id)
        await reader.aclose()
        assert prospect.context.notes is not None and "Met at SaaStr" in prospect.context.notes
        assert app.shown_target is not None and app.shown_target.id == person.id
        assert "Met at SaaStr" in str(app.sidebar.query_one("#sb-field-notes").render())
        assert any("Notes saved for" in t for t in toasts(app))


async def test_notes_left_by_choosing_another_field_are_saved_and_its_editor_opens(
    data_dir: Path,
) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        person = app.shown_target
        assert person is not None and person.prospect.external_id
        await type_into_notes(pilot, app, "Met at SaaStr")
        await pilot.pause()
        await pilot.click("#sb-field-valuation")  # (it crashed: two editors' message lines)
        await settle(pilot)
        assert app.sidebar.editing == "valuation"
        await pilot.press("escape")
        await settle(pilot)
        reader = demo_client(api)
        prospect = await reader.get_prospect(person.prospect.external_id)
        await reader.aclose()
        assert prospect.context.notes is not None and "Met at SaaStr" in prospect.context.notes


# --- 4. what was written offline: never dropped by default, each item on its own ---------------


async def test_offline_edits_survive_enter_and_each_item_is_decided_on_its_own(
    data_dir: Path,
) -> None:
    from textual.widgets import TextArea

    from tui.demo import Fault
    from tui.ui.screens.pickers import NotesScreen

    app, api = make_app(data_dir=data_dir, fast_retry=True)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        person = app.thread_list.threads[0]
        pid = person.prospect.external_id
        assert pid
        api.faults.add(Fault(unreachable=True), times=10_000)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        app.screen.query_one(TextArea).text = "Wants a pilot in March."
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The waiting edit is in sight: the sidebar shows it, marked.
        notes_field = str(app.sidebar.query_one("#sb-field-notes").render())
        assert "waiting to be saved" in notes_field and "Wants a pilot in March." in notes_field
        await pilot.press("enter")  # a reply too, written offline
        await settle(pilot)
        await pilot.press("r", *"See you then", "ctrl+s")
        await settle(pilot)
        assert app.drafts.offline_ids() == [person.id]
        api.faults.clear()
        app.reloads.answered()
        await settle(pilot)
        await open_what_waits(pilot)
        await pilot.press("enter")  # the default: nothing sent, nothing dropped
        await settle(pilot)
        reader = demo_client(api)
        assert (await reader.get_prospect(pid)).context.notes != "Wants a pilot in March."
        assert len(app.offline.edits) == 1
        assert app.drafts.get(person.id) == "See you then"  # an ordinary draft now
        assert "waiting to be saved" in str(app.sidebar.query_one("#sb-field-notes").render())
        # W offers the edit again: saved, while the reply stays a draft.
        app.thread_list.focus()
        await pilot.press("W")
        await settle(pilot)
        assert isinstance(app.screen, WaitingScreen)
        await pilot.press("s")  # send the highlighted (only) item
        await pilot.click("#answer-apply")
        await settle(pilot)
        assert (await reader.get_prospect(pid)).context.notes == "Wants a pilot in March."
        assert len(app.offline.edits) == 0
        assert app.drafts.get(person.id) == "See you then"
        assert "See you then" not in await messages_in(api, person.id)
        await reader.aclose()


async def test_offline_reply_kept_while_its_note_is_saved_and_another_dropped(
    data_dir: Path,
) -> None:
    """One dialog, three answers: the reply kept as a draft, one edit sent, one dropped."""
    from tui.core.edits import EditField, edit_for
    from tui.demo import Fault

    app, api = make_app(data_dir=data_dir, fast_retry=True)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        first, second = app.thread_list.threads[:2]
        api.faults.add(Fault(unreachable=True), times=10_000)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r", *"Offline reply", "ctrl+s")
        await settle(pilot)
        app.offline.edits_wait("Notes saved", [edit_for(first, EditField.NOTES, "keep me")])
        app.offline.edits_wait("Notes saved", [edit_for(second, EditField.NOTES, "drop me")])
        api.faults.clear()
        app.reloads.answered()
        await settle(pilot)
        await open_what_waits(pilot)
        await pilot.press("k", "s", "d", "enter")  # reply kept, first note sent, second dropped
        await settle(pilot)
        reader = demo_client(api)
        assert first.prospect.external_id and second.prospect.external_id
        assert (await reader.get_prospect(first.prospect.external_id)).context.notes == "keep me"
        assert (await reader.get_prospect(second.prospect.external_id)).context.notes != "drop me"
        await reader.aclose()
        assert len(app.offline.edits) == 0 and app.drafts.get(first.id) == "Offline reply"
        assert app.drafts.offline_ids() == []


# --- 6. a failed send lives in one place, and is never sent twice ------------------------------


async def test_a_send_failing_while_the_next_is_typed_is_neither_merged_nor_doubled(
    data_dir: Path,
) -> None:
    from tests.app_helpers import until
    from tui.demo import Fault

    # (A delay long enough that the second text is typed before the first leaves, however
    # busy the machine.)
    app, api = make_app(data_dir=data_dir, api_version="v1", send_delay=2)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        await pilot.press("enter")
        await settle(pilot)
        api.faults.add(Fault(status=500, method="POST"))
        await pilot.press("r", *"first message", "ctrl+s")
        app.composer.input.insert("second one")  # typed while the first waits, then fails
        assert await until(
            pilot, lambda: any(p.state == "failed" for p in app.message_view.pending), 30
        )
        await settle(pilot)
        # The first stays in the conversation (R), the composer holds only the second.
        assert app.composer.input.text == "second one"
        assert [p.text for p in app.message_view.pending] == ["first message"]
        await pilot.press("escape", "R")
        await settle(pilot)
        await pilot.press("r", "ctrl+s")
        assert await until(pilot, lambda: not app.message_view.pending, 30)
        await settle(pilot)
        sent = await messages_in(api, thread.id)
        assert sent.count("first message") == 1 and sent.count("second one") == 1
        assert not any("first message" in m and "second" in m for m in sent)
        await pilot.press("escape", "R")  # nothing failed: nothing is sent again
        await settle(pilot)
        assert (await messages_in(api, thread.id)).count("first message") == 1
        assert app.drafts.get(thread.id) == "" and not app.drafts.scheduled()


async def test_a_failed_send_brought_back_is_sent_once_by_r(data_dir: Path) -> None:
    """Back in the composer (and nowhere else): typing on and ctrl+s sends one message; R
    sends nothing more once the text is no longer the one that failed."""
    from tui.demo import Fault

    app, api = make_app(data_dir=data_dir, api_version="v1")
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        await pilot.press("enter")
        await settle(pilot)
        api.faults.add(Fault(status=500, method="POST"))
        await pilot.press("r", *"Fault test message 1", "ctrl+s")
        await settle(pilot)
        assert app.message_view.pending == []
        assert app.composer.input.text == "Fault test message 1"
        await pilot.press(*" and 2", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape", "R")
        await settle(pilot)
        sent = await messages_in(api, thread.id)
        assert sent.count("Fault test message 1 and 2") == 1
        assert "Fault test message 1" not in sent


# --- 7. direction and authors are right from the first use -------------------------------------


async def test_a_directory_arriving_while_the_panes_mount_is_used_by_the_conversation(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race behind "our messages on the prospect's side, for the whole first session": the
    team directory came after the message pane took the (empty) one it was made with and
    before the pane counted as mounted, so the pane kept the empty one."""
    from tui.core.directory import fetch_directory
    from tui.ui.startup import Startup

    app, api = make_app(data_dir=data_dir, api_version="v1")
    reader = demo_client(api, "v1")
    loaded = await fetch_directory(reader, {})
    await reader.aclose()
    styles = Startup.read_later_styles

    def directory_arrives_meanwhile(self: Startup) -> None:
        styles(self)
        self.account.team.apply_directory(loaded)  # (as DirectoryLoaded would, mid-mount)

    monkeypatch.setattr(Startup, "read_later_styles", directory_arrives_meanwhile)
    # (That is its one arrival: the load the app starts is the one that came mid-mount.)
    monkeypatch.setattr(app.team, "load_directory", lambda: None)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        assert app.message_view.directory.account_link_ids
        thread = next(
            t
            for t in app.thread_list.threads
            if t.last_message and t.last_message.author_id in loaded.account_link_ids
        )
        app.thread_list.select_id(thread.id)
        await pilot.press("enter")
        await settle(pilot)
        last = app.message_view.messages[-1]
        assert last.is_outbound(app.message_view.directory.account_link_ids)
        assert thread.prospect.display_name not in app.message_view._author_label(last, True)


async def test_a_directory_arriving_before_the_panes_are_made_is_no_crash(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first launch mounts the message pane and the composer late: the directory may come
    first, and the sidebar it redraws must not reach for a composer not yet made."""
    from tui.core.directory import fetch_directory
    from tui.ui.startup import Startup

    app, api = make_app(data_dir=data_dir, api_version="v1")
    reader = demo_client(api, "v1")
    loaded = await fetch_directory(reader, {})
    await reader.aclose()
    mount_panes = Startup.mount_panes

    async def directory_first(self: Startup) -> None:
        self.account.team.apply_directory(loaded)
        await mount_panes(self)

    monkeypatch.setattr(Startup, "mount_panes", directory_first)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        assert app.panes_mounted and app.return_code is None
        assert app.message_view.directory.account_link_ids


# --- found by the model: ctrl+q under a dialog did nothing, silently ---------------------------


async def test_ctrl_q_under_a_dialog_says_what_it_would_drop_then_quits(data_dir: Path) -> None:
    from tui.ui.screens.pickers import NotesScreen

    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, NotesScreen)
        assert any("Press ctrl+q again to quit" in t for t in toasts(app))
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


async def test_ctrl_q_quits_at_once_without_a_dialog_even_while_typing(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r", *"typing", "ctrl+q")
        await pilot.pause()
    assert not app.is_running
    assert app.drafts.get(app.thread_list.threads[0].id) == "typing"


async def test_an_error_on_the_status_line_still_names_the_marks(data_dir: Path) -> None:
    """Found by the model: with a thread marked, a failure said on the status line replaced
    the line that announced the marks."""
    from tui.demo import Fault

    app, api = make_app(data_dir=data_dir, fast_retry=True)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        api.faults.add(Fault(unreachable=True), times=10_000)
        await pilot.press("enter")  # its messages fail to load
        await settle(pilot)
        assert app.status_text.startswith("1 marked")


# --- found in review ----------------------------------------------------------------------------


async def test_a_reply_dropped_in_the_offline_offer_leaves_the_composer_too(data_dir: Path) -> None:
    from tui.demo import Fault

    app, api = make_app(data_dir=data_dir, fast_retry=True)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        await pilot.press("enter")
        await settle(pilot)
        api.faults.add(Fault(unreachable=True), times=10_000)
        await pilot.press("r", *"never mind", "ctrl+s")
        await settle(pilot)
        assert app.composer.input.text == "never mind"
        api.faults.clear()
        app.reloads.answered()
        await settle(pilot)
        await open_what_waits(pilot)
        await pilot.press("d", "enter")  # dropped, as the user said
        await settle(pilot)
        assert app.composer.input.text == "" and app.drafts.get(thread.id) == ""
        await pilot.press("r", "ctrl+s")  # nothing left to send
        await settle(pilot)
        assert "never mind" not in await messages_in(api, thread.id)


async def test_a_reply_being_sent_from_the_offer_is_not_sent_again_by_ctrl_s(
    data_dir: Path,
) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r", *"on its way")
        app.offline.sending[thread.id] = "on its way"  # (the offer's send, still in flight)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "on its way" not in await messages_in(api, thread.id)
        assert any("being sent already" in t for t in toasts(app))


async def test_a_waiting_status_shows_its_name_in_the_sidebar(data_dir: Path) -> None:
    from tui.core.edits import EditField, edit_for

    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        status = next(iter(app.directory.statuses.values()))
        app.offline.edits_wait("Status set", [edit_for(thread, EditField.STATUS, status.id)])
        await settle(pilot)
        shown = str(app.sidebar.query_one("#sb-field-status").render())
        assert "waiting to be saved" in shown and status.name in shown


async def test_undo_send_with_the_composer_put_away_goes_to_the_draft(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir, send_delay=600)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        first = app.thread_list.threads[0]
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r", *"wait for it", "ctrl+s", "escape", "j")  # on to another person
        await settle(pilot)
        assert app.composer.has_class("-hidden")
        await pilot.press("u")
        await settle(pilot)
        assert app.drafts.get(first.id) == "wait for it"
        assert any("back in that thread's draft" in t for t in toasts(app))


async def test_notes_saved_on_the_way_past_leave_the_marks(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await type_into_notes(pilot, app, "noted")
        app.thread_list.focus()
        await pilot.press("x")  # marks it and moves on: the sidebar follows, notes saved
        await settle(pilot)
        assert len(app.thread_list.marked) == 1 and app.status_text.startswith("1 marked")


# --- found by trying it in tmux -----------------------------------------------------------------


async def test_the_connection_coming_back_while_typing_takes_no_keys(data_dir: Path) -> None:
    """What waits is said, not opened: a dialog opening by itself took the keys being typed
    (its s, k and d sent and dropped what was written offline)."""
    from tui.core.edits import EditField, edit_for
    from tui.demo import Fault

    app, api = make_app(data_dir=data_dir, fast_retry=True)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        await pilot.press("enter")
        await settle(pilot)
        api.faults.add(Fault(unreachable=True), times=10_000)
        app.offline.edits_wait("Notes saved", [edit_for(thread, EditField.NOTES, "waits")])
        await pilot.press("r", *"as I was saying")
        api.faults.clear()
        app.reloads.answered()
        await settle(pilot)
        await pilot.press(*" ... sdk")
        await settle(pilot)
        assert not isinstance(app.screen, WaitingScreen)
        assert app.composer.input.text == "as I was saying ... sdk"
        assert len(app.offline.edits) == 1


async def test_r_after_two_failures_sends_the_one_brought_back_too(data_dir: Path) -> None:
    """One failure back in the composer, a later one kept in the conversation (the composer
    was busy): R sends the kept one, then the one in the composer."""
    from tui.demo import Fault

    app, api = make_app(data_dir=data_dir, api_version="v1", send_delay=2)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        await pilot.press("enter")
        await settle(pilot)
        api.faults.add(Fault(status=500, method="POST"), times=2)
        await pilot.press("r", *"one", "ctrl+s")
        await pilot.press(*"two", "ctrl+s")  # both wait out the delay, then both fail
        assert await until(pilot, lambda: not app.reply._scheduled, 30)
        await settle(pilot)
        assert app.composer.input.text == "one"  # back where it can be edited
        assert [p.text for p in app.message_view.pending] == ["two"]
        app.thread_list.focus()
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("R")  # (it waits out the send delay again)
        assert await until(pilot, lambda: not app.reply._scheduled, 30)
        await settle(pilot)
        sent = await messages_in(api, thread.id)
        assert sent.count("one") == 1 and sent.count("two") == 1


async def test_r_after_an_unused_quote_replies_plainly(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("Q", "escape")  # a quote, nothing written to it
        app.thread_list.focus()
        await pilot.press("r")
        await settle(pilot)
        assert not app.composer.query_one("#composer-quote").display
