"""Replies written offline wait as drafts, never sent unasked, and are offered for sending
when the connection is back: in the same run, or the next."""

from __future__ import annotations

from pathlib import Path

from tests.app_helpers import make_app, settle
from tests.test_actions import VERSIONS, notifications, open_thread
from tui.demo import Fault
from tui.ui.screens.pickers import ConfirmScreen


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
        assert [p.state for p in app.message_view.pending] == ["failed"]
        assert app.drafts.offline_ids() == [thread.id]
        assert any(n.startswith("Offline: not sent") for n in notifications(app))
        # Still offline: the look for the connection finds none, and nothing is offered.
        app.reply.offer_offline()
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        # Back: it is offered, and sent only when the user says so.
        api.faults.clear()
        app.reloads.answered()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        record = api.store.thread(thread.id)
        assert not [m for m in api.store.messages_of(record) if m.content == "Written on the train"]
        await pilot.click("#answer-send")
        await settle(pilot)
        sent = [m for m in api.store.messages_of(record) if m.content == "Written on the train"]
        assert len(sent) == 1
        assert app.drafts.get(thread.id) == "" and app.drafts.offline_ids() == []
        assert app.message_view.pending == []
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
        assert isinstance(again.screen, ConfirmScreen)
        await pilot.click("#answer-keep")
        await settle(pilot)
        # Kept: an ordinary draft, no longer offered, nothing sent.
        assert again.drafts.get(thread.id) == "Typed before the laptop closed"
        assert again.drafts.offline_ids() == []
        record = api.store.thread(thread.id)
        assert not [m for m in api.store.messages_of(record) if "laptop" in m.content]
