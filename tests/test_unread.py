"""Unread threads (API v2): shown in the list, counted in the tabs and the terminal's title,
marked with U (the target or the marked threads), read on opening, undoable, rolled back when
refused; on v1, U says it needs v2 and sends nothing. The server's state is read from the
demo's store."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Tab

from tests.app_helpers import make_app, screen_text, settle
from tests.test_actions import notifications, open_thread
from tui.core.query import InboxView
from tui.core.unread_counts import Seen, UnreadTally, views_holding
from tui.demo import DemoApi, Fault
from tui.ui.app import InboxApp


def server_unread(api: DemoApi, thread_id: str) -> bool:
    return api.store.threads[thread_id].unread


def default_tab(app: InboxApp) -> str:
    return app.view_tabs.query_one("#view-default", Tab).label.plain


def loaded_unread(app: InboxApp) -> int:
    return sum(t.unread for t in app.thread_list.threads)


async def test_unread_threads_stand_out_and_are_counted(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        threads = app.thread_list.threads
        unread = [t for t in threads if server_unread(api, t.id)]
        assert unread and len(unread) < len(threads)  # the demo seeds some, not all
        assert [t.id for t in threads if t.unread] == [t.id for t in unread]
        assert default_tab(app) == f"1 Default ({len(unread)})"
        assert app.window_title.text == f"inbox-tui · {len(unread)} waiting"
        first = screen_text(app.thread_list).splitlines()[:3]
        assert threads[0].unread and "unread" in first[2]
        read_row = next(i for i, t in enumerate(threads) if not t.unread)
        shown = screen_text(app.thread_list).splitlines()
        assert "unread" not in shown[read_row * 3 + 2]


async def test_u_marks_the_target_unread_and_u_undoes(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        before = loaded_unread(app)
        index = next(i for i, t in enumerate(app.thread_list.threads) if not t.unread)
        app.thread_list.cursor = index
        await settle(pilot)
        thread = app.thread_list.current
        assert thread is not None and app.target() == thread
        await pilot.press("U")
        await settle(pilot)
        assert server_unread(api, thread.id)
        assert app.thread_list.threads[index].unread
        assert default_tab(app) == f"1 Default ({before + 1})"
        assert any("Marked unread" in n for n in notifications(app))
        await pilot.press("U")  # and back: read
        await settle(pilot)
        assert not server_unread(api, thread.id)
        await pilot.press("u")  # undo the read: unread again
        await settle(pilot)
        assert server_unread(api, thread.id)
        assert default_tab(app) == f"1 Default ({before + 1})"


async def test_u_on_marked_threads_marks_them_all(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        read = [i for i, t in enumerate(app.thread_list.threads) if not t.unread][:2]
        for index in read:
            app.thread_list.cursor = index
            await pilot.press("x")
        await pilot.press("U")
        await settle(pilot)
        ids = [app.thread_list.threads[i].id for i in read]
        assert all(server_unread(api, thread_id) for thread_id in ids)
        assert not app.thread_list.marked  # done with the marks, as every triage action


async def test_opening_an_unread_thread_reads_it_quietly_and_u_undoes(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        before = loaded_unread(app)
        thread = await open_thread(pilot, lambda t: t.unread)
        await settle(pilot)
        assert not server_unread(api, thread.id)
        row = app.thread_list.threads.find(thread.id)
        assert row is not None and not row.unread
        assert loaded_unread(app) == before - 1
        assert default_tab(app) == f"1 Default ({before - 1})"
        assert not any("Marked read" in n for n in notifications(app))  # no toast per open
        app.thread_list.focus()
        await pilot.press("u")
        await settle(pilot)
        assert server_unread(api, thread.id)


async def test_opening_keeps_it_unread_when_asked(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, mark_read_on_open=False)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: t.unread)
        await settle(pilot)
        assert server_unread(api, thread.id)
        assert not [path for method, path in api.request_log if method == "PATCH"]


async def test_a_refused_mark_is_rolled_back(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        index = next(i for i, t in enumerate(app.thread_list.threads) if not t.unread)
        app.thread_list.cursor = index
        await settle(pilot)
        thread = app.thread_list.threads[index]
        api.faults.add(Fault(status=422, method="PATCH"), times=3)
        await pilot.press("U")
        await settle(pilot)
        assert not server_unread(api, thread.id)
        assert not app.thread_list.threads[index].unread  # shown as it is: read
        assert any("rolled back" in n for n in notifications(app))


async def test_opening_offline_says_no_edit_was_rolled_back_and_reads_it_later(
    data_dir: Path,
) -> None:
    """Opened while the service cannot be reached: the marking read the app makes is not "Not
    saved, rolled back" (the user edited nothing) nor an edit offered later; it is done once
    the service answers."""
    app, api = make_app(data_dir=data_dir, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        api.faults.add(Fault(unreachable=True), times=10_000)
        thread = await open_thread(pilot, lambda t: t.unread)
        await settle(pilot)
        said = notifications(app)
        assert not any("rolled back" in n or "Not saved" in n for n in said), said
        assert not any(n.startswith("Offline: not saved") for n in said), said
        assert server_unread(api, thread.id)
        assert len(app.offline.edits) == 0  # not offered as an edit made offline
        api.faults.clear()
        app.reloads.answered()
        await settle(pilot)
        assert not server_unread(api, thread.id)
        row = app.thread_list.threads.find(thread.id)
        assert row is not None and not row.unread
        assert not any("rolled back" in n for n in notifications(app))


async def test_a_refused_read_on_opening_is_not_called_an_edit(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        api.faults.add(Fault(status=403, method="PATCH"), times=1)
        thread = await open_thread(pilot, lambda t: t.unread)
        await settle(pilot)
        assert server_unread(api, thread.id)
        said = notifications(app)
        assert any(n.startswith("Could not mark it read: ") for n in said), said
        assert not any("rolled back" in n or "Not saved" in n for n in said), said


async def test_on_v1_u_says_it_needs_v2_and_sends_nothing(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, api_version="v1")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert not any(t.unread for t in app.thread_list.threads)
        assert default_tab(app) == "1 Default"
        await pilot.press("U")
        await settle(pilot)
        assert any("needs API v2" in n for n in notifications(app))
        assert not [path for method, path in api.request_log if method == "PATCH"]


async def test_the_tabs_count_each_unread_thread_seen_in_every_view_holding_it(
    data_dir: Path,
) -> None:
    """Each tab counted the unread among its own view's loaded rows: All's first page, sharing
    its rows with archived threads and requests, reached less far back and said fewer than
    Default (14 against 15), though All holds every thread of Default. Now every unread thread
    seen counts in each view that holds it."""
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        seen = set(app.thread_list.threads.ids)
        default = loaded_unread(app)
        assert default_tab(app) == f"1 Default ({default})"
        await pilot.press("5")
        await settle(pilot)
        assert loaded_unread(app) < default  # All's first page alone shows fewer
        seen |= set(app.thread_list.threads.ids)
        unread = [api.store.threads[i] for i in seen if server_unread(api, i)]
        in_inbox = [t for t in unread if not t.done and not t.is_request]
        requests = [t for t in unread if not t.done and t.is_request]
        assert requests  # the demo has an unread request: in All, not in Default
        counts = app.unread.counts
        assert counts[InboxView.DEFAULT] == len(in_inbox) == default
        assert counts[InboxView.ALL] == len(unread) > counts[InboxView.DEFAULT]
        assert counts[InboxView.REQUESTS] == len(requests)
        labels = [tab.label.plain for tab in app.view_tabs.query(Tab)]
        assert labels[0] == f"1 Default ({len(in_inbox)})"
        assert labels[4] == f"5 All ({len(unread)})"
        # No reply's page reaches further back still: what it finds counts in Default too.
        await pilot.press("2")
        await settle(pilot)
        counts = app.unread.counts
        assert counts[InboxView.NO_REPLY] >= loaded_unread(app)
        assert counts[InboxView.ALL] >= counts[InboxView.DEFAULT] >= counts[InboxView.NO_REPLY]
        assert app.window_title.text == f"inbox-tui · {counts[InboxView.DEFAULT]} waiting"
        # Read (opened) or archived, a thread leaves the counts.
        before = dict(counts)
        await open_thread(pilot, lambda t: t.unread)
        assert app.unread.counts[InboxView.DEFAULT] == before[InboxView.DEFAULT] - 1
        assert app.unread.counts[InboxView.ALL] == before[InboxView.ALL] - 1
        app.thread_list.focus()
        app.thread_list.cursor = next(i for i, t in enumerate(app.thread_list.threads) if t.unread)
        await pilot.press("e")
        await settle(pilot)
        assert app.unread.counts[InboxView.DEFAULT] == before[InboxView.DEFAULT] - 2


def test_the_tally_keeps_what_was_seen_until_seen_otherwise() -> None:
    inbox = views_holding(done=False, request=False, theirs_last=True)
    assert inbox == {InboxView.ALL, InboxView.DEFAULT, InboxView.NO_REPLY}
    request = views_holding(done=False, request=True, theirs_last=True)
    assert request == {InboxView.ALL, InboxView.REQUESTS}
    archived = views_holding(done=True, request=True, theirs_last=False, quiet=True)
    assert archived == {InboxView.ALL, InboxView.ARCHIVED}
    tally = UnreadTally()
    rows = {"a": Seen(10.0, inbox), "b": Seen(20.0, inbox), "c": Seen(5.0, request)}
    tally.look(1, InboxView.ALL, rows, rows.__contains__, (5.0, 20.0))
    assert tally.counts()[InboxView.DEFAULT] == 2 and tally.counts()[InboxView.ALL] == 3
    # The default view read afresh: "a" shown read; "b" not among rows whose times cover its
    # own (it left the view); "c", a request, is not the view's to say.
    tally.look(2, InboxView.DEFAULT, {}, "a".__eq__, (15.0, 30.0))
    assert tally.counts()[InboxView.DEFAULT] == 0
    assert tally.counts()[InboxView.ALL] == 1
    # The same load, a row gone (archived from the view): it leaves the counts.
    tally.look(3, InboxView.ALL, {"c": rows["c"]}, "c".__eq__, None)
    tally.look(3, InboxView.ALL, {}, lambda _: False, None)
    assert tally.counts()[InboxView.ALL] == 0
