"""One explicit target: every action lands on the person the sidebar shows, whichever way the
user got there (j/k, lookup, a live update reordering rows, a view switch, the board's enter)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList, TextArea

from tests.app_helpers import make_app, painted_text, settle
from tui.backend import demo_client
from tui.core.model import Thread
from tui.crm.handoff import split_name
from tui.demo import DemoApi
from tui.ui.app import InboxApp
from tui.ui.screens.pickers import ConfirmScreen, NotesScreen, PickerScreen, ValuationScreen

Move = Callable[[Pilot[None], InboxApp, DemoApi], Awaitable[str]]


def toasts(app: InboxApp) -> list[str]:
    return [n.message for n in app._notifications]


async def by_j_after_escape(pilot: Pilot[None], app: InboxApp, api: DemoApi) -> str:
    """The issue's first case: open A, escape, j to B: B is the target."""
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("escape", "j")
    await settle(pilot)
    assert app.message_view.thread is not None
    assert app.message_view.thread.id != app.thread_list.threads[1].id  # A is still open
    return app.thread_list.threads[1].id


async def by_lookup(pilot: Pilot[None], app: InboxApp, api: DemoApi) -> str:
    """The second case: a lookup's thread, opened, then escape: the list's cursor is elsewhere."""
    thread = api.store.threads[api.store._order[-1].id]  # the oldest: not on the loaded page
    assert app.thread_list.threads.find(thread.id) is None
    await pilot.press("slash", "@", *thread.prospect.username, "enter")  # v2: the search box
    await settle(pilot)
    await pilot.press("enter")  # open the (first) result
    await settle(pilot)
    opened = app.message_view.thread
    assert opened is not None and opened.prospect.username == thread.prospect.username
    await pilot.press("escape")
    await settle(pilot)
    assert app.thread_list.current is not None and app.thread_list.current.id != opened.id
    return opened.id


async def by_live_reorder(pilot: Pilot[None], app: InboxApp, api: DemoApi) -> str:
    """The cursor on the fourth row; a new message moves another thread to the top."""
    await pilot.press("j", "j", "j")
    await settle(pilot)
    wanted = app.thread_list.threads[3].id
    far = api.store.threads[app.thread_list.threads[20].id]
    api.store.receive_message(far, "Still interested, call me")
    app.live.poll_now()
    await settle(pilot)
    assert app.thread_list.threads[0].id == far.id  # rows moved under the cursor
    return wanted


async def by_view_switch(pilot: Pilot[None], app: InboxApp, api: DemoApi) -> str:
    await pilot.press("j", "j")
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("j")
    await settle(pilot)
    return app.thread_list.threads[1].id


async def by_board_enter(pilot: Pilot[None], app: InboxApp, api: DemoApi) -> str:
    await pilot.press("P")
    await settle(pilot)
    await pilot.press("l", "j")
    await settle(pilot)
    board = app.screen.query_one("#board")
    card = board.current  # type: ignore[attr-defined]
    assert card is not None
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    return str(card.id)


MOVES: dict[str, Move] = {
    "j-after-escape": by_j_after_escape,
    "lookup": by_lookup,
    "live-reorder": by_live_reorder,
    "view-switch": by_view_switch,
    "board-enter": by_board_enter,
}


def shown(app: InboxApp) -> Thread:
    assert app.shown_target is not None
    return app.shown_target


async def moved(pilot: Pilot[None], app: InboxApp, api: DemoApi, how: str) -> Thread:
    """Move as named; the sidebar names the target, and the list's focus is where it was."""
    wanted = await MOVES[how](pilot, app, api)
    target = shown(app)
    assert target.id == wanted
    name = painted_text(app.sidebar.query_one("#sb-name"))
    assert target.prospect.display_name.split()[0] in name
    return target


@pytest.mark.parametrize("how", list(MOVES))
async def test_keys_act_on_the_person_the_sidebar_shows(how: str, data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    reader = demo_client(api)
    opened: list[str] = []
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
        target = await moved(pilot, app, api, how)
        pid = target.prospect.external_id
        assert pid is not None

        await pilot.press("y", "o")
        assert app.clipboard == target.prospect.at_handle
        assert opened == [target.prospect.profile_by_id_url]

        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ValuationScreen)
        app.screen.query_one(Input).value = "4321"
        await pilot.press("enter")
        await settle(pilot)
        assert (await reader.get_prospect(pid)).context.valuation == 4321

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        app.screen.query_one(TextArea).text = "Target note"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (await reader.get_prospect(pid)).context.notes == "Target note"

        won = next(s for s in app.directory.statuses.values() if s.name == "Won")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("w", "o", "n", "enter")
        await settle(pilot)
        assert (await reader.get_prospect(pid)).context.status_id == won.id

        tag = next(t for t in app.directory.tags if t not in shown(app).prospect.context.tags)
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one(SelectionList).select(tag)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert tag in (await reader.get_prospect(pid)).context.tags

        member = list(app.directory.members.values())[1]
        await pilot.press("a")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        options.highlighted = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == member.id
        )
        options.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert (await reader.get_thread(target.id)).assignee_id == member.id

        await pilot.press("C")
        await settle(pilot)
        assert app.backend is not None and app.backend.crm is not None
        first, last = split_name(target.prospect.display_name)
        found = await app.backend.crm.list_prospects(name=f"{first} {last}", limit=10)
        assert any((p.first_name, p.last_name) == (first, last) for p in found.prospects)

        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert target.prospect.display_name[:20] in app.screen.title_text
        await pilot.press("escape")
        await pilot.pause()

        # The sidebar still shows the same person, with what was just saved.
        assert shown(app).id == target.id
        assert "4,321" in painted_text(app.sidebar.query_one("#sb-field-valuation"))

        await pilot.press("r")
        await settle(pilot)
        assert app.message_view.thread is not None
        assert app.message_view.thread.id == target.id
        assert app.focused is app.composer.input
        header = painted_text(app.conversation_header)
        assert target.prospect.display_name.split()[0] in header
        assert target.prospect.at_handle in header
        app.composer.input.insert("Reply for the right person")
        await pilot.press("ctrl+s")
        await settle(pilot)
        page = await reader.list_messages(target.id, limit=5)
        assert page.messages[0].content == "Reply for the right person"

        await pilot.press("escape")  # out of the composer: the same person is the target
        await settle(pilot)
        assert shown(app).id == target.id
        was_done = (await reader.get_thread(target.id)).done
        await pilot.press("e")
        await settle(pilot)
        assert (await reader.get_thread(target.id)).done is not was_done
        await reader.aclose()


async def test_a_key_right_after_a_move_acts_on_the_new_row(data_dir: Path) -> None:
    """A key pressed before the sidebar caught up with the cursor: the sidebar is brought up to
    date first, and the action lands on the row now under the cursor (the one it then shows)."""
    app, _ = make_app(data_dir=data_dir)
    app.targeting.sidebar_follow_delay = (
        10.0  # a held key: the sidebar would wait for the cursor to rest
    )
    app.targeting.key_repeat_gap = 10.0
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "y")
        third = app.thread_list.threads[2]
        assert app.clipboard == third.prospect.at_handle
        assert shown(app).id == third.id


async def test_the_message_pane_names_whose_conversation_it_is(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        assert app.conversation_header.has_class("-hidden")  # nothing open
        thread = app.thread_list.threads[0]
        await pilot.press("enter")
        await settle(pilot)
        header = painted_text(app.conversation_header)
        link = app.directory.account_links[thread.account_link_id].name
        assert thread.prospect.at_handle in header and link in header
        # Moving in the list leaves the conversation, and its header, where they are.
        await pilot.press("escape", "j")
        await settle(pilot)
        assert painted_text(app.conversation_header) == header


async def test_a_highlight_that_arrives_while_the_app_closes_is_ignored(data_dir: Path) -> None:
    """The list's last messages can be handled after the screens are gone (seen at exit)."""
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
    assert not app.screen_stack
    from tui.ui.widgets.thread_list import ThreadList

    app.targeting.on_thread_list_highlighted(ThreadList.Highlighted(None))  # no ScreenStackError


async def test_one_person_actions_ignore_the_marks_and_act_on_the_target(data_dir: Path) -> None:
    """Marks are for e a t s; valuation, notes, delete, open and copy act on the one person the
    sidebar shows, not on the first marked thread."""
    app, api = make_app(data_dir=data_dir)
    reader = demo_client(api)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("x", "x")  # marks the first two; the cursor goes on to the third
        await settle(pilot)
        third = app.thread_list.threads[2]
        assert shown(app).id == third.id and len(app.thread_list.marked) == 2
        await pilot.press("y")
        assert app.clipboard == third.prospect.at_handle
        app.sidebar.focus()
        await pilot.pause()
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        app.sidebar.query_one("#sb-valuation-input", Input).value = "999"
        await pilot.press("enter")
        await settle(pilot)
        assert third.prospect.external_id
        assert (await reader.get_prospect(third.prospect.external_id)).context.valuation == 999
        await reader.aclose()
