"""Searching threads with `/` (API v2's `q`): asked once typing pauses, within the view and
filters shown; enter goes to the results (the sidebar follows), escape returns to the view and
the thread the search started from; `@name` looks the username up; v1's `/` is the lookup."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.app_helpers import make_app, screen_text, settle
from tui.core.model import Thread
from tui.core.query import InboxView
from tui.core.text import one_line
from tui.demo import DemoApi
from tui.ui.app import InboxApp
from tui.ui.screens.lookup import LookupScreen


def matches(thread: Thread, text: str, api: DemoApi) -> bool:
    """What v2's q matches, read from the demo's store: name, username, last activity."""
    record = api.store.threads[thread.id]
    last = record.last_message.content if record.last_message else ""
    haystack = (record.prospect.display_name, record.prospect.username, last)
    return any(text.casefold() in value.casefold() for value in haystack)


def thread_reads(api: DemoApi) -> int:
    return sum(1 for method, path in api.request_log if method == "GET" and path == "/threads")


def search_text(app: InboxApp) -> str:
    return app.query_one("#search-input", Input).value


async def test_typing_searches_once_it_pauses(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        before = thread_reads(api)
        everything = len(app.thread_list.threads)
        await pilot.press("slash", "n", "a", "d")
        assert search_text(app) == "nad"
        assert thread_reads(api) == before  # nothing asked while typing
        await pilot.pause(0.5)
        await settle(pilot)
        assert thread_reads(api) == before + 1  # one request for the three keys
        found = app.thread_list.threads
        assert 0 < len(found) < everything
        assert all(matches(t, "nad", api) for t in found)
        assert app.thread_query.search == "nad" and app.thread_query.inbox is InboxView.DEFAULT
        assert "Search: nad" in str(app.filter_chips.render())


async def test_a_newer_text_replaces_the_older_one(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "n", "a")
        await pilot.pause(0.5)  # "na" is asked for
        await pilot.press("d", "i")
        await pilot.pause(0.5)
        await settle(pilot)
        found = app.thread_list.threads
        assert found and all(matches(t, "nadi", api) for t in found)


async def test_enter_goes_to_the_results_and_the_sidebar_follows(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"nadia")
        await pilot.pause(0.5)
        await settle(pilot)  # the results came while the box had the focus
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is app.thread_list
        first = app.thread_list.current
        assert first is not None and "nadia" in first.prospect.display_name.lower()
        assert app.target() == first  # an action now lands on the person under the cursor
        await pilot.press("e")  # archive them, from the results
        await settle(pilot)
        assert first.id not in app.thread_list.threads.ids


async def test_escape_returns_to_the_view_and_the_thread_it_started_from(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # the no-reply view, the cursor on its fourth thread
        await settle(pilot)
        app.thread_list.cursor = 3
        await settle(pilot)
        where = app.thread_list.current
        assert where is not None
        await pilot.press("slash", *"a")
        await pilot.pause(0.5)
        await settle(pilot)
        assert app.thread_query.inbox is InboxView.NO_REPLY  # the view is kept
        assert all(api.store.threads[t.id].awaiting_reply for t in app.thread_list.threads)
        await pilot.press("enter", "escape")  # to the list, then out of the search
        await settle(pilot)
        assert not app.query("#search-bar")
        assert app.thread_query.search == "" and app.thread_query.inbox is InboxView.NO_REPLY
        assert app.thread_list.current == where
        assert "Search" not in str(app.filter_chips.render())


async def test_escape_in_the_box_leaves_too(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        first = app.thread_list.current
        await pilot.press("slash", *"zzzz")
        await pilot.pause(0.5)
        await settle(pilot)
        assert not app.thread_list.threads
        assert "Nothing in any folder matches “zzzz”" in " ".join(
            screen_text(app.thread_list).split()
        )
        await pilot.press("escape")
        await settle(pilot)
        assert not app.query("#search-bar") and app.thread_list.current == first


async def test_an_exact_username_is_looked_up(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"@nadia_cobalt", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LookupScreen)
        assert len(screen.results) == 2  # the same person on both account links
        assert all(t.prospect.username == "nadia_cobalt" for t in screen.results)


async def test_on_v1_slash_is_the_username_lookup(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir, api_version="v1")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        assert not app.query("#search-bar")


async def test_searched_text_from_strangers_stays_text(data_dir: Path) -> None:
    """What is typed is shown as typed in the chip: never read as markup."""
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"[b]x")
        await pilot.pause(0.5)
        await settle(pilot)
        assert f"Search: {one_line('[b]x')}" in str(app.filter_chips.render())


async def test_nothing_in_this_view_searches_everywhere_and_says_where(data_dir: Path) -> None:
    """A username typed from the No reply view, of someone we wrote to last: nothing there, so
    the search looks in every folder (the All view), and the chip says where it looked."""
    from tests.test_actions import notifications, reader
    from tui.core.query import ThreadQuery

    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        links = app.directory.account_link_ids
        client = reader(api)
        for thread in app.thread_list.threads:  # (the default view's)
            last = thread.last_message
            username = thread.prospect.username
            if last is None or not last.is_outbound(links) or len(username) < 6:
                continue
            in_no_reply = ThreadQuery(inbox=InboxView.NO_REPLY, search=username)
            if not (await client.list_threads(in_no_reply)).threads:
                break
        else:
            raise AssertionError("no one we wrote to last")
        await pilot.press("2")
        await settle(pilot)
        app.thread_list.cursor = 2
        await settle(pilot)
        where = app.thread_list.current
        # Found in the view: the chip says which.
        await pilot.press("slash", "a", "enter")
        await settle(pilot)
        assert app.thread_query.inbox is InboxView.NO_REPLY and app.thread_list.threads
        assert "Search: a  in No reply" in str(app.filter_chips.render())
        # Not found in it: every folder.
        await pilot.press("slash")  # (back in the box)
        app.query_one("#search-input", Input).value = username
        await pilot.press("enter")
        await settle(pilot)
        assert app.thread_query.inbox is InboxView.ALL
        assert app.thread_query.search == username
        assert thread.id in app.thread_list.threads.ids
        assert "Search: " + username + "  everywhere" in str(app.filter_chips.render())
        assert app.view_tabs.active == "view-all"
        assert any(
            f"Nothing in No reply matches “{username}”: searching everywhere" in n
            for n in notifications(app)
        )
        # Back in No reply by choice: it stays there, and says how to look everywhere.
        await pilot.press("2")
        await settle(pilot)
        assert app.thread_query.inbox is InboxView.NO_REPLY and not app.thread_list.threads
        empty = " ".join(screen_text(app.thread_list).split())
        assert f"Nothing in No reply matches “{username}”" in empty
        assert "5 searches everywhere" in empty
        # Escape: the view and the thread the search started from, its tab too.
        await pilot.press("escape")
        await settle(pilot)
        assert app.thread_query.search == "" and app.thread_query.inbox is InboxView.NO_REPLY
        assert app.view_tabs.active == "view-no-reply"
        assert app.thread_list.current == where
