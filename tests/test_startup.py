"""Starting up: the last threads of the view are painted before the API stack is loaded, the
fresh page replaces them, and keys typed meanwhile are handled once the app is connected."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import Footer

import tui.backend
from tests.app_helpers import lines_of, settle
from tui.backend import demo_backend, demo_client
from tui.core.api_versions import ApiVersion
from tui.core.cache import ViewCache
from tui.core.config import Settings
from tui.core.directory import Directory
from tui.core.query import InboxView, ThreadQuery
from tui.core.row_summary import summarize
from tui.core.secrets import Secret
from tui.demo import DemoApi, DemoStore, Fault, SeedConfig
from tui.ui.app import InboxApp


def demo_settings(data_dir: Path) -> Settings:
    return Settings(demo=True, demo_threads=300, data_dir=data_dir)


async def first_page_ids(settings: Settings) -> list[str]:
    """Run the app once (it makes its own demo backend): its first page is cached on disk."""
    app = InboxApp(settings)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        return app.thread_list.threads.ids


def record_frames(app: InboxApp) -> list[float]:
    frames: list[float] = []
    display = app._display

    def counted(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        frames.append(time.monotonic())

    app._display = counted  # type: ignore[method-assign]
    return frames


async def test_the_cached_threads_are_painted_before_connecting(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path)
    cached = await first_page_ids(settings)
    app = InboxApp(settings)
    frames = record_frames(app)
    at_connect: dict[str, object] = {}
    connect = app.startup.connect

    def observed_connect() -> None:
        at_connect.update(frames=len(frames), rows=app.thread_list.threads.ids, backend=app.backend)
        connect()

    app.startup.connect = observed_connect  # type: ignore[method-assign]
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert at_connect["frames"] and at_connect["rows"] == cached
        assert at_connect["backend"] is None  # httpx and the demo were not loaded yet
        assert app.connected and not app.threads.startup_cache
        assert app.thread_list.threads.ids[: len(cached)] == cached
        assert "Refreshing" not in app.status_text


async def test_the_first_frame_is_the_list_and_the_rest_joins_without_moving_it(
    tmp_path: Path,
) -> None:
    settings = demo_settings(tmp_path)
    await first_page_ids(settings)
    app = InboxApp(settings)
    first: dict[str, object] = {}
    display = app._display

    def observed(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if not first:
            first.update(
                rows=app.thread_list.row_count,
                threads=len(app.thread_list.threads),
                list_region=app.thread_list.region,
                message_panes=len(app.query("#message-view")),
                footers=len(app.query(Footer)),
            )

    app._display = observed  # type: ignore[method-assign]
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        # The rows shown last time, painted before any thread model is made.
        assert first["rows"] and first["threads"] == 0
        assert first["message_panes"] == 0 and first["footers"] == 0
        assert app.thread_list.region == first["list_region"]  # nothing shifted
        assert len(app.query("#message-view")) == 1 and len(app.query(Footer)) == 1
        assert not app.query("#footer-slot")
        await pilot.press("enter")
        await settle(pilot)
        assert app.message_view.thread is not None


async def test_the_first_rows_are_the_ones_shown_last_time(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path)
    app = InboxApp(settings)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        shown_last_time = lines_of(app.thread_list)
    app = InboxApp(settings)
    at_first_frame: list[str] = []
    display = app._display

    def observed(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if not at_first_frame:
            at_first_frame.extend(lines_of(app.thread_list))

    app._display = observed  # type: ignore[method-assign]
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
    # The same names, handles, previews, chips and scores (the cursor row aside: focus).
    both = min(len(at_first_frame), len(shown_last_time))
    assert both > 9 and at_first_frame[3:both] == shown_last_time[3:both]
    assert any("★" in line for line in at_first_frame)


def test_the_first_frame_is_drawn_before_pydantic_or_httpx_is_imported(tmp_path: Path) -> None:
    """Importing pydantic and building the models costs more than the rest of the start: the
    command line's path to the first frame must not import it (a new import would), nor httpx
    (the connection's), nor the pictures' libraries."""
    import asyncio

    asyncio.run(first_page_ids(demo_settings(tmp_path)))
    script = f"""
import asyncio, sys
from tui.cli import build_parser
from tui.core.config import Overrides, load_settings
from tui.ui.app import InboxApp
build_parser()
settings = load_settings(None, env={{"INBOX_TUI_DATA_DIR": {str(tmp_path)!r}}},
                         overrides=Overrides(demo=True, demo_threads=300))
app = InboxApp(settings)
seen = []
display = app._display
def observed(screen, renderable):
    display(screen, renderable)
    if not seen:
        early = [m for m in ("pydantic", "httpx", "PIL") if m in sys.modules]
        seen.append((app.thread_list.row_count, ",".join(early) or "-"))
app._display = observed
async def main():
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
asyncio.run(main())
print(seen[0][0], seen[0][1], "pydantic" in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    rows, imported_at_first_frame, pydantic_later = result.stdout.split()
    assert int(rows) > 0 and imported_at_first_frame == "-"
    assert pydantic_later == "True"  # the models come right after that frame


async def test_the_fresh_page_replaces_the_cached_one(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path)
    await first_page_ids(settings)
    cache = ViewCache(tmp_path, settings.cache_scope)
    query = ThreadQuery(limit=settings.page_size)
    saved = cache.load_threads(query)
    assert saved is not None
    threads = saved[1]
    stale = threads[0].model_copy(deep=True)
    stale.prospect.display_name = "Stale Cached Name"
    rows = cache.load_rows(query)
    assert rows is not None
    cache.save_threads(query, [stale, *threads[1:]], rows)

    app = InboxApp(settings)
    shown_at_start: list[str] = []
    connect = app.startup.connect

    def observed_connect() -> None:
        shown_at_start.extend(lines_of(app.thread_list))
        connect()

    app.startup.connect = observed_connect  # type: ignore[method-assign]
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert any("Stale Cached Name" in line for line in shown_at_start)
        assert not any("Stale Cached Name" in line for line in lines_of(app.thread_list))
        assert app.thread_list.current is not None
        assert app.thread_list.current.id == threads[0].id  # the cursor stayed at the top


async def test_keys_typed_before_the_connection_are_handled_after_it(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path)
    cached = await first_page_ids(settings)
    app = InboxApp(settings)
    connect = app.startup.connect
    held: list[bool] = []

    def slow_connect() -> None:
        held.append(True)  # a slow start: the test connects once the user has typed

    app.startup.connect = slow_connect  # type: ignore[method-assign]
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("j", "j")
        await pilot.pause()
        assert held and not app.connected
        assert app.thread_list.cursor == 0  # held, not lost and not run without a client
        connect()
        await settle(pilot)
        assert app.connected
        assert app.thread_list.current is not None
        assert app.thread_list.current.id == cached[2]  # both keys, in order, after it


async def test_keys_typed_while_the_terminal_was_asked_come_first(tmp_path: Path) -> None:
    """The command line's question to the terminal read `j j` the user typed meanwhile
    (tests/test_terminal_query.py): the app handles them, before the keys typed after."""
    settings = demo_settings(tmp_path)
    cached = await first_page_ids(settings)
    app = InboxApp(settings, typed_ahead="jj")
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("j")
        await settle(pilot)
        assert app.thread_list.current is not None
        assert app.thread_list.current.id == cached[3]  # all three keys, none lost


async def test_a_first_start_without_a_cache_connects_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.ui.widgets.sidebar import ProspectSidebar

    rows_when_filled: list[int] = []
    fill = ProspectSidebar.fill

    async def observed_fill(sidebar: ProspectSidebar) -> None:
        rows_when_filled.append(len(sidebar.app.thread_list.threads))
        await fill(sidebar)

    monkeypatch.setattr(ProspectSidebar, "fill", observed_fill)
    app = InboxApp(demo_settings(tmp_path))
    async with app.run_test(size=(130, 40)) as pilot:
        assert app.connected  # nothing to paint first: no frame is spent waiting
        await settle(pilot)
        assert rows_when_filled and rows_when_filled[0] > 0  # its fields waited for the page
        assert len(app.thread_list.threads) > 0
        # Mounted after the first page, they show the person it put under the cursor.
        current = app.thread_list.current
        assert current is not None and app.sidebar.filled
        assert current.prospect.display_name in " ".join(lines_of_sidebar(app))


def lines_of_sidebar(app: InboxApp) -> list[str]:
    from textual.widgets import Static

    return [str(widget.render()) for widget in app.sidebar.query(Static)]


def test_each_account_has_its_own_cache_and_the_key_is_not_in_its_name() -> None:
    demo = Settings(demo=True)
    one = Settings(api_key=Secret("key-one-secret"))
    other = Settings(api_key=Secret("key-two-secret"))
    elsewhere = Settings(api_key=Secret("key-one-secret"), api_url="https://eu.example/api/v1")
    scopes = {demo.cache_scope, one.cache_scope, other.cache_scope, elsewhere.cache_scope}
    assert len(scopes) == 4
    assert Settings(demo=True, demo_threads=10_000).cache_scope != demo.cache_scope
    assert not any("secret" in scope or "key-" in scope for scope in scopes)


async def test_start_up_objects_are_frozen_once_the_first_page_is_shown(tmp_path: Path) -> None:
    """The command line's app (freeze_heap) exempts what it made at start from later full
    collections; an app made without it (tests, the bench's other runs) leaves the heap be."""
    gc.unfreeze()
    try:
        plain = InboxApp(demo_settings(tmp_path))
        async with plain.run_test(size=(130, 40)) as pilot:
            await settle(pilot)
            assert plain.thread_list.threads and gc.get_freeze_count() == 0
        app = InboxApp(demo_settings(tmp_path), freeze_heap=True)
        async with app.run_test(size=(130, 40)) as pilot:
            await settle(pilot)
            assert app.thread_list.threads
            assert gc.get_freeze_count() > 0
            frozen = gc.get_freeze_count()
            await pilot.press("2")  # later pages: collected as usual, nothing more is frozen
            await settle(pilot)
            assert gc.get_freeze_count() <= frozen  # (frozen objects still die by refcount)
    finally:
        gc.unfreeze()


async def test_the_collector_paused_for_the_start_runs_again_after_the_first_frame(
    tmp_path: Path,
) -> None:
    """The command line pauses the collector until the first frame (tui/ui/heap.py); the app
    (freeze_heap: the command line's) resumes it then, and an app made without it leaves the
    collector as it found it."""
    settings = demo_settings(tmp_path)
    await first_page_ids(settings)
    try:
        gc.disable()
        plain = InboxApp(settings)
        async with plain.run_test(size=(130, 40)) as pilot:
            await settle(pilot)
            assert not gc.isenabled()
        app = InboxApp(settings, freeze_heap=True)
        at_first_frame: list[bool] = []
        display = app._display

        def observed(screen: object, renderable: object) -> None:
            display(screen, renderable)  # type: ignore[arg-type]
            if not at_first_frame:
                at_first_frame.append(gc.isenabled())

        app._display = observed  # type: ignore[method-assign]
        async with app.run_test(size=(130, 40)) as pilot:
            await settle(pilot)
            assert at_first_frame == [False] and gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_damaged_cached_rows_fall_back_to_the_cached_threads(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path)
    cached = await first_page_ids(settings)
    cache = ViewCache(tmp_path, settings.cache_scope)
    query = ThreadQuery(limit=settings.page_size)
    saved = cache.load_threads(query)
    assert saved is not None and cache.load_rows(query)
    db = cache.store.db
    (key, rows) = db.execute("SELECT key, rows FROM views").fetchone()
    data = json.loads(rows)
    data[3] = ["not", "a", "row"]
    db.execute("UPDATE views SET rows = ? WHERE key = ?", (json.dumps(data), key))
    assert cache.load_rows(query) is None
    cache.close()
    app = InboxApp(settings)
    at_connect: list[str] = []
    connect = app.startup.connect

    def observed_connect() -> None:
        at_connect.extend(app.thread_list.threads.ids)
        connect()

    app.startup.connect = observed_connect  # type: ignore[method-assign]
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert at_connect == cached  # painted from the cached threads, before connecting
        assert cache.load_rows(query)  # and the rows are whole again


FIRST_FRAME_SCRIPT = """
import asyncio, sys
from tui.cli import build_parser
from tui.core.config import Overrides, load_settings
from tui.ui.app import InboxApp
build_parser()
settings = load_settings(None, env={{"INBOX_TUI_DATA_DIR": {data_dir!r}}},
                         overrides=Overrides(demo=True, demo_threads=300, api_version={version!r}))
app = InboxApp(settings)
seen = []
display = app._display
def observed(screen, renderable):
    display(screen, renderable)
    if app.thread_list.row_count and not seen:
        seen.append((len(app.thread_list.threads), "pydantic" in sys.modules))
app._display = observed
async def main():
    async with app.run_test(size=(130, 40)) as pilot:
        while not app.thread_list.threads:
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        print(seen[0][0], seen[0][1], len(app.thread_list.threads), app.directory.tags != {{}})
asyncio.run(main())
"""


@pytest.mark.parametrize("version", ["v2", "v1"])
def test_a_first_launch_paints_its_first_rows_before_pydantic_is_imported(
    tmp_path: Path, version: str
) -> None:
    """Nothing cached: the first page's rows are painted from its JSON; the models, the
    directory and live updates come after that frame (the threads then take the rows' place)."""
    script = FIRST_FRAME_SCRIPT.format(data_dir=str(tmp_path), version=version)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    threads_at_first_rows, pydantic_then, threads_later, directory_later = result.stdout.split()
    assert threads_at_first_rows == "0" and pydantic_then == "False"
    assert int(threads_later) > 0 and directory_later == "True"


@pytest.mark.parametrize("version", ["v2", "v1"])
@pytest.mark.parametrize("view", [InboxView.DEFAULT, InboxView.REQUESTS, InboxView.ARCHIVED])
async def test_rows_read_from_the_json_are_the_rows_the_threads_show(
    version: ApiVersion, view: InboxView
) -> None:
    """The rows a first launch paints before the models are loaded show what the threads then
    show (the team directory is not loaded yet, so neither has tags, status or an author)."""
    api = DemoApi(DemoStore(SeedConfig(threads=120, seed=11)))
    client = demo_client(api, version)
    try:
        fetched = await client.fetch_threads(ThreadQuery(inbox=view))
        from_json = client.summarize_fetched(fetched)
        page = await client.read_threads(fetched)
    finally:
        await client.aclose()
    shown = [summarize(thread, Directory(), None) for thread in page.threads]
    assert from_json and from_json == shown


def record_status(app: InboxApp) -> list[str]:
    """Everything the status line says, in order."""
    said: list[str] = []
    set_status = app.set_status

    def observed(text: str, *, error: bool = False, transient: bool = False) -> None:
        said.append(text)
        set_status(text, error=error, transient=transient)

    app.account.set_status = observed  # type: ignore[method-assign]
    return said


def first_launch_with(
    fault: Fault, times: int, version: ApiVersion, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[InboxApp, list[str]]:
    """An app on its first launch whose demo answers `fault` (`times` times), and what its
    status line says."""
    api = DemoApi(DemoStore(SeedConfig(threads=60)))
    api.faults.add(fault, times=times)
    monkeypatch.setattr(tui.backend, "make_backend", lambda settings: demo_backend(api, version))
    app = InboxApp(Settings(demo=True, data_dir=data_dir, api_version=version))
    return app, record_status(app)


@pytest.mark.parametrize("version", ["v2", "v1"])
async def test_a_first_launch_whose_first_page_fails_says_so_and_heals(
    tmp_path: Path, version: ApiVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = Fault(status=503, method="GET", path_prefix="/threads")
    app, said = first_launch_with(fault, 4, version, tmp_path, monkeypatch)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert any("loading threads" in text.lower() for text in said)
        assert app.directory.tags  # the directory and the rest of the screen came all the same
        assert app.query(Footer)
        # The directory's answer says the API is back: the page is asked for again.
        assert len(app.thread_list.threads) > 0


@pytest.mark.parametrize(
    ("version", "body"),
    [("v2", '{"data": [{"nope": 1}], "nextCursor": null}'), ("v1", '{"threads": [{"nope": 1}]}')],
)
async def test_a_first_page_that_does_not_read_is_an_error_not_a_crash(
    tmp_path: Path, version: ApiVersion, body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = Fault(body=body, method="GET", path_prefix="/threads")
    app, said = first_launch_with(fault, 1, version, tmp_path, monkeypatch)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert any("unexpected" in text.lower() for text in said)
        # The directory's answer says the API is back: the page is asked for again.
        assert len(app.thread_list.threads) > 0
