"""After a fault, everything that failed loads again by itself, and nothing typed is misread:
driven through the demo's fault injection (the same plan `--demo-faults` sets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import kept_drafts, make_app, screen_text, settle
from tests.conftest import make_store
from tui.demo import DemoApi, Fault, FaultPlan, FaultRates
from tui.ui.reloads import Reloads

DOWN = FaultRates.parse("5xx=1")  # as `--demo-faults "5xx=1"` sets it


async def test_a_conversation_opened_during_an_outage_loads_when_it_ends(tmp_path: Path) -> None:
    app, api = make_app(data_dir=tmp_path, fast_retry=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        api.faults.set_rates(DOWN)  # the server goes down
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app.message_view)
        assert "Loading messages" not in shown
        assert "did not load" in shown
        assert "messages" in app.reloads.pending
        api.faults.set_rates(FaultRates())  # back
        app.live.poll_now()  # any answer from the API says the connection is back
        await settle(pilot)
        assert app.message_view.thread is not None
        assert app.message_view.thread.id == thread.id
        assert app.message_view.messages, "the conversation loaded by itself"
        assert not app.reloads.pending


async def test_a_failed_directory_load_is_retried(tmp_path: Path) -> None:
    api = DemoApi(make_store(), faults=FaultPlan(DOWN))
    app, _ = make_app(api=api, data_dir=tmp_path, fast_retry=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert not app.directory.loaded
        assert "directory" in app.reloads.pending
        api.faults.set_rates(FaultRates())
        app.live.poll_now()
        await settle(pilot)
        assert app.directory.loaded and app.directory.tags
        assert app.thread_list.threads, "the view loaded too"
        # Direction comes back with the account links: our own last messages read "you:".
        assert "you:" in screen_text(app.thread_list)
        await pilot.press("t")
        await pilot.pause()
        from textual.widgets import SelectionList

        assert app.screen.query_one(SelectionList).option_count == len(app.directory.tags)


def test_reloads_back_off_and_run_at_once_when_the_api_answers() -> None:
    scheduled: list[float] = []
    ran: list[str] = []

    class Timer:
        def stop(self) -> None:
            ran.append("stopped")

    reloads = Reloads(lambda delay, _callback: (scheduled.append(delay), Timer())[1])
    assert 1.9 < reloads.failed("directory", lambda: ran.append("directory")) <= 2.0
    assert reloads.failed("messages", lambda: ran.append("messages")) <= 2.0  # the same try
    assert scheduled == [2.0]  # one timer for everything pending
    reloads.answered()
    assert ran == ["stopped", "directory", "messages"]
    reloads.answered()  # nothing pending: nothing runs
    assert ran == ["stopped", "directory", "messages"]
    reloads.failed("directory", lambda: None)
    assert scheduled == [2.0, 2.0]  # an answer reset the backoff


@pytest.mark.parametrize("version", ["v2", "v1"])
async def test_a_retried_send_leaves_the_composer_empty(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        # v2 retries a keyed send by itself: it fails once its attempts are spent.
        api.faults.add(Fault(status=500, method="POST"), times=4 if version == "v2" else 1)
        await pilot.press("r")
        app.composer.input.insert("Will this arrive?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.composer.input.text == "Will this arrive?"  # failed: back for editing
        await pilot.press("escape", "R")
        await settle(pilot)
        assert app.message_view.pending == []
        assert app.composer.input.text == "", "sent: a second ctrl+s must not send it again"
        assert app.message_view.thread is not None
        assert kept_drafts(data_dir).get(app.message_view.thread.id) == ""


async def test_r_while_the_messages_load_opens_the_composer(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        # The messages take far longer than the test: they are still loading throughout,
        # however slow the machine (a short delay could end before the keys on a busy CI).
        api.faults.add(Fault(slow=60, path_prefix="/threads/", method="GET"))
        await pilot.press("enter")
        await pilot.pause()
        assert app.message_view.selected_message is None  # still loading
        await pilot.press("r", "o", "k")
        assert app.message_view.selected_message is None
        assert app.focused is app.composer.input
        assert app.composer.input.text == "ok", "what is typed next is text, not shortcuts"
        app.workers.cancel_group(app, "messages")
