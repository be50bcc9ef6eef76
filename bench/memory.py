"""Memory over a day of use: the app's RSS after 1,000 and after 10,000 key presses of the same
walk (through the list, conversations, panes, views and screens). A salesperson presses ten
thousand keys in a working day; what the app keeps per key shows as the difference.

Run alone: `python -m bench.memory [KEYS]` (default 10,000; `--help` for the rest); `make bench`
includes it.
tests/test_footer.py walks the same keys and counts the widgets left alive.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import NamedTuple

from textual import events
from textual.pilot import Pilot

from bench.probe import app_on, settle
from tui.demo import DemoApi, DemoStore, SeedConfig
from tui.ui.app import InboxApp

Arrived = Callable[[InboxApp], bool]


class Step(NamedTuple):
    key: str
    arrived: Arrived  # the app is where the key leads
    move: bool = False  # within the focused pane: handled at once, nothing to wait for


def focus_on(widget_id: str) -> Arrived:
    return lambda app: app.focused is not None and app.focused.id == widget_id


def view_shown(view: str) -> Arrived:
    return lambda app: app.thread_query.inbox.value == view and bool(app.thread_list.threads)


def sidebar_follows(app: InboxApp) -> bool:
    """On the list, with the sidebar showing the thread under the cursor."""
    shown, current = app.shown_target, app.thread_list.current
    return (
        app.focused is app.thread_list
        and shown is not None
        and current is not None
        and shown.id == current.id
    )


def moves(keys: str, arrived: Arrived) -> tuple[Step, ...]:
    """Keys that move within a pane: rows, messages, fields, cards."""
    return tuple(Step(key, arrived, move=True) for key in keys.split())


LIST, MESSAGES = sidebar_follows, focus_on("message-view")
SIDEBAR, BOARD = focus_on("sidebar"), focus_on("board")
# One round of a user's keys, each with where it leads: a key that leads somewhere (a thread
# opened or a view loaded over the API, a screen or a pane focused) is followed once the app is
# there. Most are moves, as in a day's use. Nothing sends or edits (a thread opened unread is
# marked read, as it is for the user). Each round starts and ends on the default view's list,
# its cursor on the first row, and opens the same threads.
ROUND: tuple[Step, ...] = (
    *moves("j j j k j", LIST),
    Step("enter", MESSAGES),
    *moves("k k j k j", MESSAGES),
    Step("escape", LIST),
    Step("tab", MESSAGES),
    Step("tab", focus_on("composer-input")),
    Step("tab", SIDEBAR),
    *moves("j j k", SIDEBAR),
    Step("escape", LIST),
    *moves("j k", LIST),
    Step("2", view_shown("no-reply")),
    *moves("j j k j", LIST),
    Step("enter", MESSAGES),
    *moves("k j", MESSAGES),
    Step("escape", LIST),
    *moves("k k", LIST),
    Step("1", view_shown("default")),
    *moves("j k", LIST),
    Step("question_mark", focus_on("help-body")),
    Step("escape", LIST),
    Step("P", BOARD),
    *moves("j j k", BOARD),
    Step("escape", LIST),
    Step("shift+tab", focus_on("views")),
    Step("escape", LIST),
    Step("7", focus_on("reminders-list")),
    Step("escape", LIST),
    *moves("j j k k", LIST),
)
CHARS = {"question_mark": "?", "enter": "\r", "escape": "\x1b", "tab": "\t"}


async def walk(pilot: Pilot[None], app: InboxApp, keys: int, *, paced: bool = True) -> None:
    """Press `keys` keys (whole rounds), without Pilot.press's wait for an idle CPU (40 ms or
    more a key). Paced, each key once the last one's work is done and painted (the sidebar
    showing the row the cursor moved to), as a user reads; else moves come in bursts, as from
    a held key, and only a key that leads somewhere is waited for."""
    if keys % len(ROUND):
        raise ValueError(f"{keys} keys is not a whole number of {len(ROUND)}-key rounds")
    for _ in range(keys // len(ROUND)):
        for at, (key, arrived, move) in enumerate(ROUND):
            app.post_message(events.Key(key, CHARS.get(key, key if len(key) == 1 else None)))
            if move and not paced:
                continue
            await pilot.pause(0)
            deadline = time.monotonic() + 10
            while not arrived(app):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"key {at} of the round ({key}): still on {app.focused}")
                await pilot.pause(0)
    await settle(pilot)


def rss_mb() -> float:
    """This process's resident memory now (VmRSS), after a full collection."""
    gc.collect()
    for line in open("/proc/self/status", encoding="ascii"):  # noqa: SIM115
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def day_of_keys(
    first: int = 1_000, last: int = 10_000, *, paced: bool = False, trace: int = 0
) -> dict[str, float]:
    """RSS after `first` and after `last` keys of the walk, on the 300-thread demo, with the
    app made as the command line makes it. Moves come in bursts unless `paced` (here 45 ms a
    key paced against 25 to 36 in bursts; the RSS is the same). With `trace`, prints the
    `trace` lines that allocated most between the two (tracemalloc: twice as slow or more)."""
    app = app_on(DemoApi(DemoStore(SeedConfig(threads=300))))
    # The sidebar follows a move right after its frame, as it does for keys a person presses
    # (here they come faster than a key repeat, which would leave it until the cursor rests).
    app.targeting.sidebar_follow_delay = 0
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        if trace:
            tracemalloc.start()
        start = time.perf_counter()
        await walk(pilot, app, first, paced=paced)
        early = rss_mb()
        snapshot = tracemalloc.take_snapshot() if trace else None
        await walk(pilot, app, last - first, paced=paced)
        late = rss_mb()
        seconds = time.perf_counter() - start
        if snapshot is not None:
            grown = tracemalloc.take_snapshot().compare_to(snapshot, "lineno")
            for stat in grown[:trace]:
                print(f"{stat.size_diff / (last - first):+9.1f} B/key  {stat}", file=sys.stderr)
    return {
        f"RSS after {first:,} keys (MB)": round(early, 1),
        f"RSS after {last:,} keys (MB)": round(late, 1),
        f"RSS growth, {first:,} to {last:,} keys (MB, target < +10)": round(late - early, 1),
        f"time per key over {last:,} keys (ms)": round(seconds / last * 1000, 2),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("keys", nargs="?", type=int, default=10_000)
    parser.add_argument("--first", type=int, default=1_000)
    parser.add_argument("--paced", action="store_true", help="each key once painted")
    parser.add_argument("--trace", type=int, default=0, metavar="LINES")
    parser.add_argument("--json", action="store_true", help="the figures as JSON, last line")
    args = parser.parse_args(argv)
    figures = asyncio.run(day_of_keys(args.first, args.keys, paced=args.paced, trace=args.trace))
    if args.json:
        print(json.dumps(figures))
        return
    for name, value in figures.items():
        print(f"{name:<60} {value:>10,.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
