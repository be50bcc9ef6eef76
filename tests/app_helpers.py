"""Helpers for driving InboxApp against the demo in tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerCancelled

from tests.conftest import ANCHOR, make_store
from tui.api import RetryPolicy
from tui.backend import demo_backend
from tui.core.config import Settings
from tui.core.drafts import DraftStore
from tui.core.writing import WritingStore
from tui.demo import DemoApi
from tui.ui.app import InboxApp


def make_app(
    threads: int = 300,
    *,
    api: DemoApi | None = None,
    fast_retry: bool = False,
    **settings: object,
) -> tuple[InboxApp, DemoApi]:
    api = api or DemoApi(make_store(threads))
    # Typing signals are POSTs of their own: the tests of sending count POSTs and inject faults
    # by method, so only the typing tests (tests/test_typing.py) turn them on.
    settings.setdefault("typing_indicators", False)
    # Sends leave at once (the undo-send delay is tested in tests/test_undo_send.py).
    settings.setdefault("send_delay", 0)
    # The local mirror's background walk makes requests of its own: only the mirror's tests
    # (tests/test_mirror.py) turn it on.
    settings.setdefault("mirror", "off")
    client_kwargs: dict[str, object] = {}
    if fast_retry:  # fault tests: retry at once instead of waiting seconds
        client_kwargs["retry"] = RetryPolicy(base_delay=0.01, max_delay=0.05)
    app = InboxApp(
        Settings(demo=True, **settings),  # type: ignore[arg-type]
        backend=demo_backend(api, str(settings.get("api_version", "v2")), **client_kwargs),  # type: ignore[arg-type]
        clock=lambda: ANCHOR,
    )
    app.crm.crm_match_delay = 0  # the sidebar's CRM matches arrive before `settle` returns
    app.targeting.sidebar_follow_delay = 0  # the sidebar follows the cursor before `settle` returns
    return app, api


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message be handled."""
    for _ in range(3):
        for worker in list(pilot.app.workers):
            # A worker superseded by a newer poll or page ends cancelled: that is not an error.
            with suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether `condition` holds, waiting for it (a few frames at a time) up to `seconds`: for
    what the app does after a refresh, which `settle` does not wait for on a busy machine."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        # Each pause has every widget handle a message first (Pilot waits for the screen):
        # ~4 ms of CPU. Every 10 ms, a wait burnt a quarter of a core (the tests waiting out
        # a 2 s send delay, twice); every 50 ms, a twelfth.
        await pilot.pause(0.05)
    return True


def lines_of(widget: Widget) -> list[str]:
    """The text a Line API widget shows right now, line by line."""
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text for y in range(height)]


def screen_text(widget: Widget) -> str:
    return "\n".join(lines_of(widget))


def painted_text(widget: Widget) -> str:
    """What any widget paints, as text (its visible region, as the compositor asks for it)."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))


async def open_what_waits(pilot: Pilot[None]) -> None:
    """The connection is back with something written offline waiting: it is said, not opened
    (a dialog opening by itself took the keys being typed); W, from the list, opens it."""
    from tui.ui.app import InboxApp
    from tui.ui.screens.waiting import WaitingScreen

    app = pilot.app
    assert isinstance(app, InboxApp)
    assert not isinstance(app.screen, WaitingScreen)
    assert any("W sends, keeps or drops each" in n.message for n in app._notifications)
    app.thread_list.focus()
    await pilot.press("W")
    await pilot.pause()
    assert isinstance(app.screen, WaitingScreen)


def kept_writing(data_dir: Path, scope: str | None = None) -> WritingStore:
    """What the user wrote, as kept on disk (another window's view): that of the one account
    the data folder has a store for (an app under test uses one), or `scope`'s
    (Settings.cache_scope; the demo's v2 account when there is none yet)."""
    if scope is None:
        stores = sorted((data_dir / "writing").glob("*.sqlite3"))
        scope = stores[0].stem if len(stores) == 1 else Settings(demo=True).cache_scope
    return WritingStore(data_dir, scope)


def kept_drafts(data_dir: Path, scope: str | None = None) -> DraftStore:
    return DraftStore(kept_writing(data_dir, scope))
