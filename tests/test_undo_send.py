"""Undo send (#21): a sent message waits `send_delay` seconds before it leaves, shown as
"sending in N s · u undo"; `u` (in the empty composer, or on the list) brings it back. It is on
disk the whole time: a restart during the delay offers to send it or keep it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.app_helpers import kept_drafts, make_app, screen_text, settle, until
from tests.test_actions import notifications, open_thread, reader
from tui.core.model import Thread
from tui.demo import DemoApi
from tui.ui.screens.pickers import ConfirmScreen

DELAY = 2.5  # seconds: room for the keys to arrive on a busy machine before it is over


def posts(api: DemoApi) -> int:
    return sum(1 for method, _ in api.request_log if method == "POST")


async def test_a_sent_message_waits_out_the_delay_then_leaves(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, send_delay=2)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        before = posts(api)
        await pilot.press("r", *"See you Thursday", "ctrl+s")
        await pilot.pause()
        assert re.search(r"sending in [12] s · u undo", screen_text(app.message_view))
        assert app.composer.input.text == "" and posts(api) == before
        waiting = kept_drafts(data_dir).scheduled()
        assert [(s.thread_id, s.text, s.left) for s in waiting] == [
            (thread.id, "See you Thursday", False)
        ]
        assert kept_drafts(data_dir).get(thread.id) == ""  # the composer starts afresh
        # It leaves once the delay is over (however busy the machine).
        assert await until(pilot, lambda: posts(api) > before, 30)
        await settle(pilot)
        assert posts(api) == before + 1
        newest = (await reader(api).list_messages(thread.id, limit=1)).messages[0]
        assert newest.content == "See you Thursday"
        assert kept_drafts(data_dir).scheduled() == [] and "u undo" not in screen_text(
            app.message_view
        )


async def test_u_brings_it_back_and_nothing_leaves(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, send_delay=DELAY)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        before = posts(api)
        await pilot.press("k", "Q", *"Quoted answer", "ctrl+s")  # Q on a message: quoting it
        await pilot.pause()
        await pilot.press("u")  # the composer is empty: u undoes rather than types
        await pilot.pause(0.4)
        assert app.composer.input.text == "Quoted answer"
        assert app.composer.query_one("#composer-quote").display  # the quote came back too
        assert kept_drafts(data_dir).get(thread.id) == "Quoted answer"
        assert kept_drafts(data_dir).reply_to(thread.id) is not None
        assert kept_drafts(data_dir).scheduled() == []
        await pilot.pause(DELAY + 0.3)  # past the delay: still nothing left
        await settle(pilot)
        assert posts(api) == before and "Not sent: it is back in the composer." in (
            notifications(app)
        )
        # With nothing waiting, u in the composer is a letter again.
        await pilot.press("ctrl+a", "ctrl+u", "u")
        assert app.composer.input.text == "u"


async def test_escape_then_u_undoes_the_send_before_any_triage(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, send_delay=DELAY)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        before = posts(api)
        await pilot.press("r", *"Never mind", "ctrl+s", "escape", "u")
        await pilot.pause(DELAY + 0.3)
        await settle(pilot)
        assert posts(api) == before
        assert app.composer.input.text == "Never mind"


async def stopped_during_the_delay(data_dir: Path, text: str) -> tuple[DemoApi, Thread]:
    """The app sends `text` to the top thread and stops before the 30 s delay is over."""
    app, api = make_app(data_dir=data_dir, send_delay=30)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        await pilot.press("r", *text, "ctrl+s")
        await pilot.pause()
    return api, thread


async def test_a_restart_during_the_delay_offers_to_send_it(data_dir: Path) -> None:
    api, thread = await stopped_during_the_delay(data_dir, "Sent just before the crash")
    before = posts(api)
    assert posts(api) == before and len(kept_drafts(data_dir).scheduled()) == 1
    key = kept_drafts(data_dir).scheduled()[0].send_key
    again, _ = make_app(api=api, data_dir=data_dir)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ConfirmScreen)
        await pilot.click("#answer-send")
        await settle(pilot)
        assert posts(api) == before + 1
        assert (
            kept_drafts(data_dir).scheduled() == [] and kept_drafts(data_dir).get(thread.id) == ""
        )
        newest = (await reader(api).list_messages(thread.id, limit=1)).messages[0]
        assert newest.content == "Sent just before the crash"
    assert key.startswith("inbox-tui-")


async def test_keep_as_drafts_and_a_send_that_had_left(data_dir: Path) -> None:
    api, first = await stopped_during_the_delay(data_dir, "Keep me")
    # A second one whose request had already left when the app stopped.
    store = kept_drafts(data_dir)
    waiting = store.scheduled()[0]
    store.schedule(waiting._replace(local_id="left-one", thread_id="other", text="Had left"))
    store.mark_left("left-one")
    before = posts(api)
    again, _ = make_app(api=api, data_dir=data_dir)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ConfirmScreen)  # only the one that had not left
        await pilot.click("#answer-keep")
        await settle(pilot)
        assert posts(api) == before
    kept = kept_drafts(data_dir)
    assert kept.scheduled() == []
    assert kept.get(first.id) == "Keep me" and kept.get("other") == "Had left"


async def test_the_restart_offer_says_whom_each_message_is_for(data_dir: Path) -> None:
    """Each message offered after a restart says whom it is for: the person, and which of
    the team's account links the thread is with (a person can have a thread with each)."""
    app, api = make_app(data_dir=data_dir, send_delay=30)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        people = [t.prospect.external_id for t in app.thread_list.threads]
        thread = next(
            t for t in app.thread_list.threads[1:] if people.count(t.prospect.external_id) > 1
        )
        link = app.directory.account_links[thread.account_link_id]
        await open_thread(pilot, lambda t: t.id == thread.id)
        await pilot.press("r", *"See you Tuesday", "ctrl+s")
        await pilot.pause()
    again, _ = make_app(api=api, data_dir=data_dir)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ConfirmScreen)
        name = thread.prospect.display_name
        assert f"To {name} via {link.username}: “See you Tuesday”" in again.screen.body
