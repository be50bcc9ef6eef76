"""Regenerate screenshots/*.svg (shown in the README) from the demo, deterministically."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ["TZ"] = "UTC"
time.tzset()

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tui.backend import demo_backend  # noqa: E402
from tui.core.config import DEMO_ACCOUNTS, Settings  # noqa: E402
from tui.demo import DemoApi, DemoStore, SeedConfig  # noqa: E402
from tui.demo.seed import TEAMS  # noqa: E402
from tui.ui.app import InboxApp  # noqa: E402
from tui.ui.features.accounts import AccountNews, News  # noqa: E402

ANCHOR = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
OUT = REPO / "screenshots"

SHOTS: list[tuple[str, tuple[int, int], list[str]]] = [
    ("inbox", (130, 36), ["j", "enter"]),
    ("no-reply", (130, 36), ["2"]),
    ("filters", (130, 40), ["f"]),
    ("sidebar-edit", (130, 40), ["j", "tab", "tab", "enter"]),
    ("narrow", (80, 24), ["enter"]),
    ("help", (100, 45), ["question_mark"]),
    ("attachments", (130, 44), ["enter", "tab", "k"]),
    ("snippets", (130, 36), ["enter", "r", "ctrl+t"]),
    ("follow-up", (130, 36), ["6"]),
    ("reminders", (130, 36), ["z", "down", "enter", "z", "ctrl+n", "down", "down", "enter", "7"]),
    # The demo's second team on screen; a DM in the first arrives (its watch's result).
    ("accounts", (130, 36), ["j", "enter", "news"]),
]
ACCOUNT_SHOTS = {"accounts": 2}  # shot -> the demo team on screen


async def shoot(name: str, size: tuple[int, int], keys: list[str]) -> Path:
    team = ACCOUNT_SHOTS.get(name, 1)
    store = DemoStore(SeedConfig(anchor=ANCHOR, team=TEAMS[team - 1]), clock=lambda: ANCHOR)
    # Its own data folder: what a shot saves (drafts, reminders) never reaches yours.
    settings = Settings(demo=True, data_dir=Path(tempfile.mkdtemp(prefix="inbox-shot-")))
    if name in ACCOUNT_SHOTS:
        settings.demo_team, settings.accounts = team, DEMO_ACCOUNTS
        settings.account = DEMO_ACCOUNTS[team - 1]
    app = InboxApp(settings, backend=demo_backend(DemoApi(store)), clock=lambda: ANCHOR)
    app.crm.crm_match_delay = 0  # the sidebar's CRM section is filled before the picture
    app.targeting.sidebar_follow_delay = 0  # and the sidebar shows the thread under the cursor
    app.picture_protocol = "halfcell"  # pictures as a terminal without an image protocol
    # (Toasts only where the shot is about one: the others show the screen as it rests.)
    async with app.run_test(size=size, notifications=name in ACCOUNT_SHOTS) as pilot:
        for key in ["", *keys]:
            if key == "news":
                news = News("t1", "Viktor Duarte", "Our budget is approved: can we talk Monday?")
                app.accounts.on_account_news(AccountNews(DEMO_ACCOUNTS[0], [news]))
                await pilot.pause(0.5)  # the toast is mounted on the next refresh
            elif key:
                await pilot.press(key)
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
        path = OUT / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"inbox-tui: {name}"), encoding="utf-8")
    return path


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, size, keys in SHOTS:
        print(await shoot(name, size, keys))


if __name__ == "__main__":
    asyncio.run(main())
