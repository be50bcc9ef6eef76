"""Live widgets over a session of key presses. The footer's keys are made again as focus and
screens change, and the old ones must go: Textual's own footer kept every key it ever made
(#36). So must every screen closed, every conversation and every view left."""

from __future__ import annotations

import gc

from textual.pilot import Pilot
from textual.widget import Widget

from bench.memory import walk
from tests.app_helpers import make_app, settle


async def live_widgets(pilot: Pilot[None]) -> int:
    """Widgets not yet freed, on screen or not (a screen is a widget too)."""
    # Textual keeps each widget's last message until its next one, and a Show sent as a
    # screen closes may name that screen as its sender: the closed screen (and its widgets)
    # stays alive until that widget's next message (a scrollbar's may be a while): 96 widgets
    # instead of 90 after one round in ten. Each running widget is given a message of no
    # consequence first, so that only what is really kept is counted.
    gc.collect()
    for thing in gc.get_objects():
        if isinstance(thing, Widget):
            thing.check_idle()
    await pilot.pause(0)
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Widget))


async def test_live_widgets_stay_flat_over_500_keys() -> None:
    app, api = make_app(threads=30)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # The keys of `make bench`'s day (bench/memory.py), moves in bursts: only a key that
        # leads somewhere waits for the app to get there.
        await walk(pilot, app, 50, paced=False)
        after_50 = await live_widgets(pilot)
        await walk(pilot, app, 450, paced=False)
        after_500 = await live_widgets(pilot)
    # 90 and 90. Before the fix (the footer's keys bound to its `compact`): 200 and 1,224; with
    # Textual's Footer: 350 and 2,661.
    assert after_500 <= after_50 * 1.03, (after_50, after_500)
    assert not [request for request in api.request_log if request[0] == "POST"]  # nothing sent
