"""Reminders (snooze): `z` takes a thread out of the views until a time; it comes back due,
and `7` lists, changes and cancels them. Kept on this machine, per account."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from textual.widgets import Checkbox, Input, OptionList

from tests.app_helpers import kept_writing, make_app, screen_text, settle
from tests.conftest import ANCHOR
from tests.test_actions import VERSIONS, notifications
from tui.core.drafts import DraftStore
from tui.core.reminders import ReminderStore, due_text, parse_when, presets
from tui.ui.app import InboxApp
from tui.ui.screens.reminders import RemindersScreen, RemindScreen


def shown_ids(app: InboxApp) -> list[str]:
    return [t.id for t in app.thread_list.threads]


async def pick_preset(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    assert isinstance(screen, RemindScreen)
    options = screen.query_one("#remind-presets", OptionList)
    options.highlighted = next(
        i for i in range(options.option_count) if options.get_option_at_index(i).id == name
    )
    await pilot.press("enter")
    await settle(pilot)


@VERSIONS
async def test_a_reminder_hides_the_thread_until_it_comes_back_due(
    data_dir: Path, version: str
) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.thread_list.cursor = 2
        await settle(pilot)
        target = app.thread_list.threads[2]
        before = len(api.request_log)
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, RemindScreen)
        await pick_preset(pilot, "Tomorrow morning")
        assert target.id not in shown_ids(app)
        assert not [r for r in api.request_log[before:] if r[0] != "GET"]  # nothing is sent
        assert any("Reminder set: " in n and "7 lists reminders" in n for n in notifications(app))
        kept = ReminderStore(kept_writing(data_dir, app.settings.cache_scope))
        assert [r.thread_id for r in kept.all()] == [target.id]  # on disk

    # A restart keeps it out of the view, and its time coming brings it back, marked.
    app, api = make_app(data_dir=data_dir, api_version=version, api=api)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert target.id not in shown_ids(app)
        app.clock = lambda: ANCHOR + timedelta(days=2)
        app.reminders.check_due()
        await settle(pilot)
        assert shown_ids(app)[0] == target.id
        assert "⏰ due" in screen_text(app.thread_list).splitlines()[0]
        assert any(n.startswith("⏰ Reminder: ") for n in notifications(app))
        assert app.desktop_notice.sent  # the terminal is asked too (or rung)
        assert "waiting" in app.window_title.text
        # It stays on top while the view is read again: by live updates, and afresh.
        api.store.receive_message(api.store.thread(shown_ids(app)[5]), "Any news?")
        app.live.poll_now()
        await settle(pilot)
        assert shown_ids(app)[0] == target.id and shown_ids(app)[1] != target.id
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert shown_ids(app)[0] == target.id
        # Opened, it has done its job.
        app.thread_list.cursor = 0
        await pilot.press("enter")
        await settle(pilot)
        assert "⏰ due" not in screen_text(app.thread_list)
        assert ReminderStore(kept_writing(data_dir, app.settings.cache_scope)).all() == []


async def test_the_reminder_dialog_takes_typing_at_once(data_dir: Path) -> None:
    """What is typed after z goes to the time field (it went nowhere until a tab); up and down
    still move through the presets, and enter on the empty field picks the highlighted one."""
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        first, second = app.thread_list.threads[0], app.thread_list.threads[1]
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, RemindScreen)
        await pilot.press(*"2h")
        assert app.screen.query_one("#remind-typed", Input).value == "2h"
        await pilot.press("enter")
        await settle(pilot)
        reminder = app.reminders.store.get(first.id)
        assert reminder is not None and reminder.due == ANCHOR.astimezone() + timedelta(hours=2)
        # The presets from the field: down twice, enter.
        assert app.thread_list.current is not None and app.thread_list.current.id == second.id
        await pilot.press("z")
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        reminder = app.reminders.store.get(second.id)
        names = [name for name, _ in presets(ANCHOR.astimezone())]
        assert reminder is not None
        assert reminder.due == dict(presets(ANCHOR.astimezone()))[names[2]]


async def test_a_due_row_says_when_the_reminder_was_due(data_dir: Path) -> None:
    """The row of a thread whose reminder came says when it was due, not when they last
    wrote ("⏰ due Oct 23" was the last message's date)."""
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.thread_list.cursor = 3
        await settle(pilot)
        target = app.thread_list.threads[3]
        await pilot.press("z")
        await settle(pilot)
        await pick_preset(pilot, "In 1 hour")  # 13:00
        app.clock = lambda: ANCHOR + timedelta(hours=2)
        app.reminders.check_due()
        await settle(pilot)
        assert shown_ids(app)[0] == target.id
        row = screen_text(app.thread_list).splitlines()[0]
        assert row.rstrip().endswith("⏰ due 13:00"), row


async def test_their_answer_cancels_a_reminder_set_unless_answered(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        target = app.thread_list.threads[0]
        await pilot.press("z")
        await settle(pilot)
        await pilot.press("ctrl+n")
        assert app.screen.query_one("#remind-unanswered", Checkbox).value
        await pick_preset(pilot, "In 3 days")
        assert target.id not in shown_ids(app)
        stored = app.reminders.store.get(target.id)
        assert stored is not None and stored.unless_answered
        api.store.receive_message(api.store.thread(target.id), "Just saw this, yes let's talk")
        app.live.poll_now()
        await settle(pilot)
        assert target.id in shown_ids(app)
        assert app.reminders.store.get(target.id) is None
        assert any("let's talk" in n for n in notifications(app))


async def test_the_reminders_list_changes_and_cancels(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        first, second = app.thread_list.threads[0], app.thread_list.threads[1]
        for _ in range(2):
            app.thread_list.cursor = 0
            await settle(pilot)
            await pilot.press("z")
            await settle(pilot)
            await pick_preset(pilot, "Next Monday")
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, RemindersScreen)
        listed = app.screen.query_one("#reminders-list", OptionList)
        text = " ".join(str(o.prompt) for o in listed.options)
        assert first.prospect.display_name in text and second.prospect.display_name in text
        assert "not shared with your team" in str(app.screen.query_one(".dialog-title").render())
        # z changes the highlighted one's time: typed.
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, RemindScreen)
        app.screen.query_one("#remind-typed", Input).focus()
        await pilot.press(*"2h", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RemindersScreen)  # back to the list
        changed = app.reminders.store.all()[0]
        assert changed.due == ANCHOR.astimezone() + timedelta(hours=2)
        # d cancels it: the thread is back in the views at the next load.
        await pilot.press("d")
        await settle(pilot)
        assert app.reminders.store.get(changed.thread_id) is None
        assert len(app.reminders.store.all()) == 1
        await pilot.press("escape")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert changed.thread_id in shown_ids(app)


def test_typed_times_and_presets() -> None:
    now = datetime(2026, 12, 1, 15, 30, tzinfo=timezone(timedelta(hours=1)))  # a Tuesday
    local = now.tzinfo
    assert parse_when("2h", now) == now + timedelta(hours=2)
    assert parse_when("in 3 days", now) == now + timedelta(days=3)
    assert parse_when("tomorrow 14:00", now) == datetime(2026, 12, 2, 14, 0, tzinfo=local)
    assert parse_when("fri", now) == datetime(2026, 12, 4, 9, 0, tzinfo=local)
    assert parse_when("tue", now) == datetime(2026, 12, 8, 9, 0, tzinfo=local)  # never today
    assert parse_when("dec 24 2pm", now) == datetime(2026, 12, 24, 14, 0, tzinfo=local)
    assert parse_when("1 jan", now) == datetime(2027, 1, 1, 9, 0, tzinfo=local)
    assert parse_when("9:00", now) == datetime(2026, 12, 2, 9, 0, tzinfo=local)  # passed today
    for bad, says in (("yesterday", "Not a time"), ("2025-01-01", "passed"), ("", "Type")):
        try:
            parse_when(bad, now)
        except ValueError as error:
            assert says in str(error)
        else:
            raise AssertionError(bad)
    due = datetime(2026, 12, 1, 9, 0, tzinfo=local)
    assert due_text(due, now) == "09:00"
    assert due_text(due - timedelta(days=2), now) == "Sun 09:00"
    assert due_text(due - timedelta(days=9), now) == "Nov 22"
    assert due_text(due - timedelta(days=400), now) == "Oct 27 2025"
    names = dict(presets(now))
    assert names["Tonight"] == datetime(2026, 12, 1, 20, 0, tzinfo=local)
    assert names["Next Monday"] == datetime(2026, 12, 7, 9, 0, tzinfo=local)
    late = dict(presets(now.replace(hour=22)))
    assert "Tonight" not in late and late["In 1 hour"].hour == 23


def test_the_former_files_are_read_in_once_and_an_unreadable_one_kept_aside(
    tmp_path: Path,
) -> None:
    """Drafts, reminders and waiting edits were JSON files: they are read into the account's
    writing store once, then removed; one that cannot be read is moved aside, never lost."""
    reminders = tmp_path / "reminders" / "acct.json"
    reminders.parent.mkdir(parents=True)
    due = datetime(2026, 12, 24, 9, tzinfo=UTC)
    reminders.write_text(
        json.dumps(
            [
                {
                    "thread_id": "t1",
                    "due": due.isoformat(),
                    "set_at": due.isoformat(),
                    "name": "Nadia",
                    "handle": "nadia",
                    "last_message_id": None,
                }
            ]
        )
    )
    (tmp_path / "drafts.json").write_text(
        json.dumps({"t2": {"text": "Kept since before", "updated": due.isoformat()}})
    )
    (tmp_path / "waiting-edits.json").write_text("[1, 2")
    store = kept_writing(tmp_path, "acct")
    assert [r.thread_id for r in ReminderStore(store).all()] == ["t1"]
    assert DraftStore(store).get("t2") == "Kept since before"
    assert not reminders.exists() and not (tmp_path / "drafts.json").exists()
    assert (tmp_path / "waiting-edits.unreadable.json").read_text() == "[1, 2"
    again = kept_writing(tmp_path, "acct")  # read from the store now
    assert DraftStore(again).get("t2") == "Kept since before"
    assert [r.thread_id for r in ReminderStore(again).all()] == ["t1"]


@VERSIONS
async def test_a_due_thread_leads_only_the_views_whose_rule_it_meets(
    data_dir: Path, version: str
) -> None:
    """Due, a thread comes back at the top of the views it belongs in, not of every view: not
    Requests when it is none, not No reply when we wrote last, not a filter it fails."""
    from dataclasses import replace

    from tui.core.follow_up import gone_quiet
    from tui.core.query import IdFilter
    from tui.ui.screens.reminders import ReminderChoice

    app, api = make_app(data_dir=data_dir, api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        links = app.directory.account_link_ids
        open_threads = [t for t in app.thread_list.threads if t.last_message and not t.is_request]
        ours = next(t for t in open_threads if t.last_message and t.last_message.is_outbound(links))
        theirs = next(
            t for t in open_threads if t.last_message and not t.last_message.is_outbound(links)
        )
        both = {ours.id, theirs.id}
        choice = ReminderChoice(ANCHOR + timedelta(hours=1), unless_answered=False)
        app.reminders.remind([ours, theirs], choice)
        assert not both & set(shown_ids(app))
        later = ANCHOR + timedelta(days=4)  # (every thread's last word is older than 3 days)
        app.clock = lambda: later
        app.reminders.check_due()
        await settle(pilot)
        assert set(shown_ids(app)[:2]) == both  # back at the top of the default view
        assert gone_quiet(ours, links, later - app.settings.follow_up_after)
        for key, leading in (
            ("3", set()),  # Requests: neither is a request
            ("2", {theirs.id}),  # No reply: they wrote last in one, we in the other
            ("4", set()),  # Archived: neither is
            ("6", {ours.id}),  # Follow up: we wrote last, days ago
            ("1", both),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert set(shown_ids(app)) & both == leading, key
            assert set(shown_ids(app)[: len(leading)]) == leading, key
            if key == "6":  # it says how long it has been quiet, as the view's rows do
                first = screen_text(app.thread_list).splitlines()[0]
                assert "⏰ due" in first and "silent " in first
        # A filter must hold too: a tag neither carries.
        carried = {*ours.prospect.context.tags, *theirs.prospect.context.tags}
        tag = next(t for t in api.store.tags if t not in carried)
        app.threads.show_query(replace(app.thread_query, tags=IdFilter((tag,))))
        await settle(pilot)
        assert not both & set(shown_ids(app))
