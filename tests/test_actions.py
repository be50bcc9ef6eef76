"""Every action from the keyboard, checked by reading the server's state back through the client."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, RadioButton, SelectionList, TextArea

from tests.app_helpers import kept_drafts, make_app, settle, until
from tui.api import V1Client
from tui.api.errors import NotFound
from tui.backend import demo_client
from tui.core.model import Thread
from tui.demo import DemoApi, Fault
from tui.ui.app import InboxApp
from tui.ui.screens.pickers import (
    ConfirmScreen,
    NewConversationScreen,
    NotesScreen,
    PickerScreen,
    ValuationScreen,
)


def notifications(app: InboxApp) -> list[str]:
    return [n.message for n in app._notifications]


VERSIONS = pytest.mark.parametrize("version", ["v2", "v1"])


async def open_thread(pilot: Pilot[None], where: Callable[[Thread], bool]) -> Thread:
    app = pilot.app
    assert isinstance(app, InboxApp)
    index = next(i for i, t in enumerate(app.thread_list.threads) if where(t))
    app.thread_list.focus()
    app.thread_list.cursor = index
    await pilot.press("enter")
    await settle(pilot)
    return app.thread_list.threads[index]


async def select_in_list(pilot: Pilot[None]) -> None:
    await pilot.press("enter")
    await settle(pilot)


def reader(api: DemoApi) -> V1Client:
    """A second client, as another team member's: what the server really holds."""
    return demo_client(api)


# --- reply ------------------------------------------------------------------------------------


@VERSIONS
async def test_reply_is_sent_once_and_the_draft_goes(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        await pilot.press("r")
        assert app.focused is app.composer.input
        app.composer.input.insert("Thanks! Sending the proposal today.")
        # The draft is saved as you type (after a pause of typing, however busy the machine).
        saved = "Thanks! Sending the proposal today."
        assert await until(pilot, lambda: kept_drafts(data_dir).get(thread.id) == saved)
        assert thread.id in app.thread_list.drafts
        await pilot.press("ctrl+s")
        await settle(pilot)
        page = await reader(api).list_messages(thread.id, limit=5)
        sent = [m for m in page.messages if m.content == "Thanks! Sending the proposal today."]
        assert len(sent) == 1 and sent[0].is_outbound({thread.account_link_id})
        assert app.message_view.pending == []
        assert app.message_view.messages[-1].id == sent[0].id
        assert app.composer.input.text == ""
        assert kept_drafts(data_dir).get(thread.id) == ""
        assert thread.id not in app.thread_list.drafts
        posts = [e for e in api.request_log if e[0] == "POST"]
        path = "/messages" if version == "v2" else f"/threads/{thread.id}/messages"
        assert posts == [("POST", path)]


async def test_alt_enter_also_sends(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        await pilot.press("r")
        app.composer.input.insert("via alt+enter")
        await pilot.press("alt+enter")
        await settle(pilot)
        page = await reader(api).list_messages(thread.id, limit=1)
        assert page.messages[0].content == "via alt+enter"


async def test_empty_reply_is_refused(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        await pilot.press("r")
        app.composer.input.insert("   \n  ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not [e for e in api.request_log if e[0] == "POST"]
        assert any("empty" in n for n in notifications(app))


async def test_character_counter_and_limit(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        await pilot.press("r")
        app.composer.input.insert("x" * 10_001)
        await pilot.pause()
        count = app.composer.query_one("#composer-count")
        assert "10,001 / 10,000" in str(count.render())
        assert count.has_class("-over")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not [e for e in api.request_log if e[0] == "POST"]
        assert any("Too long" in n for n in notifications(app))


async def test_escape_leaves_the_composer_keeping_the_draft(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        await pilot.press("r")
        app.composer.input.insert("half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.thread_list
        assert kept_drafts(data_dir).get(thread.id) == "half a thought"


@VERSIONS
async def test_failed_send_keeps_the_text_and_retries_once(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        # v2 retries a keyed send by itself: it fails only once its attempts are spent.
        api.faults.add(Fault(status=500, method="POST"), times=4 if version == "v2" else 1)
        await pilot.press("r")
        app.composer.input.insert("Will this arrive?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # In one place: back in the composer (and its draft), not also in the conversation.
        assert app.message_view.pending == []
        assert app.composer.input.text == "Will this arrive?"
        assert kept_drafts(data_dir).get(thread.id) == "Will this arrive?"
        page = await reader(api).list_messages(thread.id, limit=3)
        assert all(m.content != "Will this arrive?" for m in page.messages)
        await pilot.press("escape", "R")  # R sends it again, as ctrl+s would
        await settle(pilot)
        page = await reader(api).list_messages(thread.id, limit=3)
        assert [m.content for m in page.messages].count("Will this arrive?") == 1
        assert app.message_view.pending == []
        assert kept_drafts(data_dir).get(thread.id) == ""


@VERSIONS
async def test_unknown_outcome_is_checked_not_resent(data_dir: Path, version: str) -> None:
    """The server stores the message and the answer is lost: shown once, never twice. v1
    re-reads the thread; v2 resends with the same Idempotency-Key and gets the first answer."""
    app, api = make_app(data_dir=data_dir, api_version=version, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        # The server stores the message, then the connection drops before the answer.
        api.faults.add(Fault(drop_response=True, method="POST"))
        await pilot.press("r")
        app.composer.input.insert("Did it arrive?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        page = await reader(api).list_messages(thread.id, limit=5)
        assert [m.content for m in page.messages].count("Did it arrive?") == 1
        posts = len([e for e in api.request_log if e[0] == "POST"])
        assert posts == (2 if version == "v2" else 1)
        assert app.message_view.pending == []
        assert app.message_view.messages[-1].content == "Did it arrive?"


@VERSIONS
async def test_unknown_outcome_that_did_not_arrive_is_marked_failed(
    data_dir: Path, version: str
) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        api.faults.add(Fault(drop=True, method="POST"), times=4 if version == "v2" else 1)
        await pilot.press("r")
        app.composer.input.insert("Lost in transit")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.message_view.pending == []
        assert not [e for e in api.request_log if e[0] == "POST"]
        assert app.composer.input.text == "Lost in transit"


async def test_draft_survives_a_restart(data_dir: Path) -> None:
    app, _api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        await pilot.press("r")
        app.composer.input.insert("Unfinished reply")
        await pilot.pause()
        # Quit at once: no time for the debounced save; the exit must write it.
    again = InboxApp(app.settings, backend=make_app(data_dir=data_dir)[0].backend, clock=app.clock)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert thread.id in again.thread_list.drafts
        await open_thread(pilot, lambda t: t.id == thread.id)
        assert again.composer.input.text == "Unfinished reply"


# --- triage -----------------------------------------------------------------------------------


@VERSIONS
async def test_e_archives_moves_on_and_u_undoes(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        first, second = app.thread_list.threads[:2]
        await pilot.press("e")
        await settle(pilot)
        assert (await reader(api).get_thread(first.id)).done
        assert app.thread_list.current is not None and app.thread_list.current.id == second.id
        assert all(t.id != first.id for t in app.thread_list.threads)
        await pilot.press("u")
        await settle(pilot)
        assert not (await reader(api).get_thread(first.id)).done
        assert app.thread_list.threads[0].id == first.id


@VERSIONS
async def test_refused_edit_rolls_back(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        first = app.thread_list.threads[0]
        api.faults.add(Fault(status=500, method="PATCH"))
        await pilot.press("e")
        await settle(pilot)
        assert not (await reader(api).get_thread(first.id)).done
        assert app.thread_list.threads[0].id == first.id
        assert any("rolled back" in n for n in notifications(app))
        assert app.triage.undo_stack == []


async def test_assign_this_thread(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        member = list(app.directory.members.values())[1]
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*member.name.split()[0].lower()[:3])  # type to filter
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert (await reader(api).get_thread(thread.id)).assignee_id == member.id
        assert app.thread_list.threads[0].assignee_id == member.id
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one(OptionList).highlighted = 0  # Unassigned
        await pilot.press("enter")
        await settle(pilot)
        assert (await reader(api).get_thread(thread.id)).assignee_id is None


@VERSIONS
async def test_assign_all_threads_of_a_prospect(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        index = next(
            i
            for i, t in enumerate(app.thread_list.threads)
            if len(t.prospect.context.threads or []) > 1
        )
        thread = app.thread_list.threads[index]
        app.thread_list.cursor = index
        member = list(app.directory.members.values())[2]
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PickerScreen)
        screen.query_one("#scope-prospect", RadioButton).value = True
        options = screen.query_one(OptionList)
        options.highlighted = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == member.id
        )
        options.focus()
        await pilot.press("enter")
        await settle(pilot)
        for ref in thread.prospect.context.threads or []:
            assert (await reader(api).get_thread(ref.id)).assignee_id == member.id


@VERSIONS
async def test_tags_apply_only_the_difference(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        index = next(
            i for i, t in enumerate(app.thread_list.threads) if len(t.prospect.context.tags) >= 1
        )
        thread = app.thread_list.threads[index]
        app.thread_list.cursor = index
        before = list(thread.prospect.context.tags)
        dropped = before[0]
        added = next(t for t in app.directory.tags if t not in before)
        # Someone else adds a tag meanwhile: our diff must not remove it.
        other = next(t for t in app.directory.tags if t not in before and t != added)
        assert thread.prospect.external_id
        await reader(api).update_prospect_context(thread.prospect.external_id, add_tags=[other])
        await pilot.press("t")
        await pilot.pause()
        selection = app.screen.query_one(SelectionList)
        selection.deselect(dropped)
        selection.select(added)
        await pilot.press("ctrl+s")
        await settle(pilot)
        prospect = await reader(api).get_prospect(thread.prospect.external_id)
        assert set(prospect.context.tags) == (set(before) - {dropped}) | {added, other}


@VERSIONS
async def test_status_and_no_status(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        pid = thread.prospect.external_id
        assert pid
        won = next(s for s in app.directory.statuses.values() if s.name == "Won")
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("w", "o", "n", "enter")
        await settle(pilot)
        assert (await reader(api).get_prospect(pid)).context.status_id == won.id
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("n", "o", " ")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert (await reader(api).get_prospect(pid)).context.status_id is None


@VERSIONS
async def test_valuation_input(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        pid = thread.prospect.external_id
        assert pid
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ValuationScreen)
        field = app.screen.query_one(Input)
        field.value = "1.000,50"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ValuationScreen)  # refused, still open
        assert "dot for decimals" in str(app.screen.query_one("#valuation-message").render())
        field.value = "75,000.50"
        await pilot.press("enter")
        await settle(pilot)
        assert (await reader(api).get_prospect(pid)).context.valuation == 75000.5
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert (await reader(api).get_prospect(pid)).context.valuation is None
        patches = [e for e in api.request_log if e[0] == "PATCH"]
        assert len(patches) == 2


@VERSIONS
async def test_notes_editor(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        pid = thread.prospect.external_id
        assert pid
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        app.screen.query_one(TextArea).text = "Met at SaaStr.\nWants a pilot."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (await reader(api).get_prospect(pid)).context.notes == (
            "Met at SaaStr.\nWants a pilot."
        )
        # Escape with unsaved changes asks first; "Keep editing" keeps the editor open.
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one(TextArea).text = "changed"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#answer-keep")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#answer-discard")
        await settle(pilot)
        assert (await reader(api).get_prospect(pid)).context.notes == (
            "Met at SaaStr.\nWants a pilot."
        )


async def test_undo_restores_notes_valuation_and_status(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        pid = thread.prospect.external_id
        assert pid
        original = (await reader(api).get_prospect(pid)).context
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one(Input).value = "12k"
        await pilot.press("enter")
        await settle(pilot)
        assert (await reader(api).get_prospect(pid)).context.valuation == 12000
        await pilot.press("u")
        await settle(pilot)
        assert (await reader(api).get_prospect(pid)).context.valuation == original.valuation


async def test_bulk_marking_with_a_failure_summary(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        marked = app.thread_list.threads[:3]
        await pilot.press("x", "space", "x")
        assert app.thread_list.marked == {t.id for t in marked}
        api.faults.add(Fault(status=500, method="PATCH", path_prefix=f"/threads/{marked[1].id}"))
        await pilot.press("e")
        await settle(pilot)
        assert (await reader(api).get_thread(marked[0].id)).done
        assert not (await reader(api).get_thread(marked[1].id)).done
        assert (await reader(api).get_thread(marked[2].id)).done
        assert any("1 of 3 failed" in n for n in notifications(app))
        assert any(t.id == marked[1].id for t in app.thread_list.threads)  # rolled back
        assert not app.thread_list.marked


async def test_bulk_status(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        marked = app.thread_list.threads[:2]
        await pilot.press("x", "x", "s")
        await pilot.pause()
        await pilot.press("p", "r", "o", "enter")
        await settle(pilot)
        proposal = next(s.id for s in app.directory.statuses.values() if s.name == "Proposal")
        for thread in marked:
            assert thread.prospect.external_id
            prospect = await reader(api).get_prospect(thread.prospect.external_id)
            assert prospect.context.status_id == proposal


async def test_delete_asks_and_offers_archive(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        first, second = app.thread_list.threads[:2]
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "permanent" in app.screen.body and "on X" in app.screen.body
        await pilot.click("#answer-archive")
        await settle(pilot)
        assert (await reader(api).get_thread(first.id)).done
        await pilot.press("D")
        await pilot.pause()
        await pilot.click("#answer-delete")
        await settle(pilot)
        with pytest.raises(NotFound):
            await reader(api).get_thread(second.id)
        assert all(t.id != second.id for t in app.thread_list.threads)


async def test_open_in_browser_and_copy_handle(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    opened: list[str] = []
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
        thread = app.thread_list.threads[0]
        await pilot.press("o", "O", "y")
        assert opened == [
            f"https://x.com/i/user/{thread.prospect.platform_id}",
            f"https://x.com/i/chat/{thread.platform_id}",
        ]
        assert app.clipboard == thread.prospect.at_handle


async def test_keys_do_not_act_under_a_dialog(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        before = len(api.request_log)
        await pilot.press("e", "q")
        await settle(pilot)
        assert len(api.request_log) == before
        assert app.is_running


# --- new conversations --------------------------------------------------------------------------


def stranger(api: DemoApi):  # type: ignore[no-untyped-def]
    return next(
        p
        for p in api.store.prospects.values()
        if not api.store.threads_by_prospect.get(p.external_id)
    )


async def start(pilot: Pilot[None], who: str) -> None:
    pilot.app.thread_list.focus()  # type: ignore[attr-defined]
    await pilot.press("N")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NewConversationScreen)
    pilot.app.screen.query_one(Input).value = who
    await pilot.press("enter")
    await settle(pilot)


async def test_new_conversation_creates_and_opens_the_composer(data_dir: Path) -> None:
    """v1: a conversation can be opened empty (POST /threads)."""
    app, api = make_app(data_dir=data_dir, api_version="v1")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        person = stranger(api)
        link = next(iter(app.directory.account_links))
        await start(pilot, person.platform_id)
        created = await reader(api).lookup_thread(link, external_platform_id=person.platform_id)
        assert created is not None
        assert app.message_view.thread is not None and app.message_view.thread.id == created.id
        assert app.focused is app.composer.input
        # Again: the lookup finds it, nothing new is created.
        await start(pilot, person.platform_id)
        assert [e for e in api.request_log if e == ("POST", "/threads")] == [("POST", "/threads")]


@VERSIONS
async def test_new_conversation_by_username_and_unknowns(data_dir: Path, version: str) -> None:
    app, _api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        link = next(iter(app.directory.account_links))  # the dialog's first choice
        existing = next(t for t in app.thread_list.threads if t.account_link_id == link)
        await start(pilot, "@" + existing.prospect.username)
        assert app.message_view.thread is not None
        assert app.message_view.thread.prospect.username == existing.prospect.username
        await start(pilot, "no_such_person_here")
        assert any("no conversation with your team" in n for n in notifications(app))
        await start(pilot, "424242")
        if version == "v1":
            assert any("No X user with the ID 424242" in n for n in notifications(app))
        else:  # v2 sends to a profile: with no first message there is nothing to look up yet
            assert any("starts with its first message" in n for n in notifications(app))
            await pilot.press("escape")
        await start(pilot, "not a name!")
        assert any("neither a username nor a user ID on X" in n for n in notifications(app))


async def test_new_conversation_409_opens_the_existing_thread(data_dir: Path) -> None:
    """v1: a conversation can be opened empty (POST /threads)."""
    app, api = make_app(data_dir=data_dir, api_version="v1")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        person = stranger(api)
        link = next(iter(app.directory.account_links))
        theirs = await demo_client(api, "v1").create_thread(
            link, external_platform_id=person.platform_id
        )
        # Our lookup reads a moment too early (null); the create then meets the 409.
        api.faults.add(Fault(body="null", method="GET", path_prefix="/threads/lookup"))
        await start(pilot, person.platform_id)
        assert app.message_view.thread is not None and app.message_view.thread.id == theirs.id
        assert any("already existed" in n for n in notifications(app))


async def test_v2_new_conversation_starts_with_its_first_message(data_dir: Path) -> None:
    """v2 has no empty conversations: without a first message the dialog asks for one, and the
    send to the person's profile creates the thread."""
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        person = stranger(api)
        await start(pilot, person.platform_id)
        assert not [e for e in api.request_log if e[0] == "POST"]
        assert any("starts with its first message" in n for n in notifications(app))
        screen = app.screen
        assert isinstance(screen, NewConversationScreen)  # open again, for the message
        assert screen.query_one("#new-who", Input).value == person.platform_id
        screen.query_one("#new-text", TextArea).insert("Hi! Saw your talk on pricing.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [e for e in api.request_log if e[0] == "POST"] == [("POST", "/messages")]
        opened = app.message_view.thread
        assert opened is not None and opened.prospect.platform_id == person.platform_id
        assert app.message_view.messages[-1].content == "Hi! Saw your talk on pricing."
        assert app.thread_list.threads.find(opened.id) is not None  # in the list at once


# --- live updates -------------------------------------------------------------------------------


@VERSIONS
async def test_polling_brings_new_messages_and_keeps_the_selection(
    data_dir: Path, version: str
) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        opened = await open_thread(pilot, lambda t: True)
        app.thread_list.focus()
        await pilot.press("j", "j", "j")
        selected = app.thread_list.current
        assert selected is not None
        far = api.store.threads[app.thread_list.threads[20].id]
        api.store.receive_message(far, "Are you still there?")
        api.store.receive_message(api.store.threads[opened.id], "One more question")
        before = len(api.request_log)
        app.live.poll_now()
        await settle(pilot)
        # The first poll learns where the event log ends, then re-lists as before.
        assert api.request_log[before:] == [
            ("GET", "/events"),
            ("GET", "/threads"),
            ("GET", f"/threads/{opened.id}/messages"),
        ]
        # Both answered at the same instant (the test clock stands still): the top two.
        assert {t.id for t in app.thread_list.threads[:2]} == {far.id, opened.id}
        assert app.thread_list.current is not None
        assert app.thread_list.current.id == selected.id
        assert app.message_view.messages[-1].content == "One more question"
        assert any("Are you still there?" in n for n in notifications(app))


async def test_polling_spends_only_its_share(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, poll_share=0.01)  # 3 requests a minute
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        before = len(api.request_log)
        for _ in range(5):
            app.live.poll_now()
            await settle(pilot)
        polled = len(api.request_log) - before
        assert 1 <= polled <= 3


async def test_polling_backs_off_when_offline_and_recovers(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        api.faults.add(Fault(drop=True), times=8)
        app.live.poll_now()
        await settle(pilot)
        assert "Offline" in app.status_text
        assert app.live._backoff > 1
        api.faults.clear()
        app.live.poll_now()
        await settle(pilot)
        assert "Offline" not in app.status_text


async def test_a_key_after_a_quiet_spell_brings_polling_back_at_once(data_dir: Path) -> None:
    """Nobody there for a while: polling has slowed down. A key (or a click) says someone is
    back, and the next poll comes within a second."""
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.live._last_input = time.monotonic() - 3600  # an hour without a key
        app.live._backoff = 8.0
        app.live._next_poll = time.monotonic() + 600
        await pilot.press("j")
        assert app.live._backoff == 1.0 and app.live._next_poll <= time.monotonic() + 1.0


async def test_tag_picker_from_the_keyboard_only(data_dir: Path) -> None:
    """Type to filter, arrows, enter toggles, ctrl+s applies: no mouse, no focus juggling."""
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        index = next(
            i for i, t in enumerate(app.thread_list.threads) if not t.prospect.context.tags
        )
        thread = app.thread_list.threads[index]
        app.thread_list.cursor = index
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("e", "n", "t")  # Enterprise
        await pilot.pause()
        await pilot.press("enter")
        await pilot.press("ctrl+u")  # clear the filter: all tags again
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # the third tag in the team's order
        await pilot.press("ctrl+s")
        await settle(pilot)
        tags = list(app.directory.tags.values())
        enterprise = next(t.id for t in tags if t.name == "Enterprise")
        assert tags[2].id != enterprise
        expected = {enterprise, tags[2].id}
        assert thread.prospect.external_id
        prospect = await reader(api).get_prospect(thread.prospect.external_id)
        assert set(prospect.context.tags) == expected
