"""The key footer over a session of key presses: its keys are made again as focus and screens
change, and the old ones must go (Textual's own footer kept every key it ever made, #36)."""

from __future__ import annotations

import gc

from textual.widgets._footer import FooterKey

from tests.app_helpers import make_app, settle


def live_footer_keys() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, FooterKey))


async def test_the_footers_old_keys_are_let_go() -> None:
    app, _ = make_app(threads=30)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        async def browse(times: int) -> None:
            for _ in range(times):  # the list, a conversation, the list: the footer changes
                await pilot.press("j", "enter", "escape")
            await settle(pilot)

        await browse(2)
        after_a_few = live_footer_keys()
        await browse(6)
        # Before: about 4 more keys a key press (70 here), each with its widgets and styles.
        assert live_footer_keys() <= after_a_few + 2
