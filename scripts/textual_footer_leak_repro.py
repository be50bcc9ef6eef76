"""Textual's Footer keeps every FooterKey it ever made (for upstream; no inbox-tui code).

Footer.compose binds each key to the footer's `compact` reactive (`data_bind`). The binding's
watcher stays on the footer when the footer recomposes and removes the key, so the key and
everything it holds stay alive: a few keys for every focus change, for as long as the app runs.

Run: python scripts/textual_footer_leak_repro.py
Prints the live FooterKey count after 20 and after 200 focus changes; exits 1 while they grow.
"""

from __future__ import annotations

import asyncio
import gc
import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer
from textual.widgets._footer import FooterKey


class Left(Button):
    BINDINGS = [Binding("a", "noop", "Left key")]


class Right(Button):
    BINDINGS = [Binding("b", "noop", "Right key"), Binding("c", "noop", "Other")]


class Repro(App[None]):
    def compose(self) -> ComposeResult:
        yield Left("left")
        yield Right("right")
        yield Footer()


def live_keys() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, FooterKey))


async def main() -> int:
    app = Repro()
    counts: list[int] = []
    async with app.run_test() as pilot:
        for target in (20, 200):
            while len(counts) < target:
                await pilot.press("tab")  # focus moves: the footer shows other keys
                counts.append(0)
            await pilot.pause()
            counts[-1] = live_keys()
    after_20, after_200 = counts[19], counts[199]
    print(f"live FooterKeys after 20 focus changes: {after_20}, after 200: {after_200}")
    return 1 if after_200 > after_20 + 5 else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
