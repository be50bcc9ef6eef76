"""A day-long session on a real machine (#36): two windows on one data folder add up, a full or
read-only disk is a message and not a crash, a damaged store is set aside or left off with a
sentence, and nothing typed is lost while the app runs. Faults are real where the machine
allows (a small file system, a read-only mount) and SQLite's own where it does not (a page
limit gives the same "database or disk is full")."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app_helpers import kept_drafts, kept_writing, make_app, screen_text, settle, until
from tests.test_actions import notifications, open_thread
from tests.test_mirror import filled
from tui.cli.mirror import run_mirror, run_search
from tui.core.config import Settings
from tui.core.disk_faults import DiskFault, disk_fault
from tui.core.drafts import DraftStore
from tui.core.mirror import Mirror, mirror_path, parse_search
from tui.core.reminders import ReminderStore
from tui.core.writing import DRAFT, EDIT, WritingStore
from tui.ui.features import reply as reply_feature
from tui.ui.screens.pickers import ConfirmScreen

ROOT = os.geteuid() == 0


def mounted(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Makes a folder read-only for real: a read-only bind mount (root writes through mode
    bits), or the mode bits (anyone else)."""
    made: list[Path] = []

    def make(folder: Path) -> None:
        if ROOT:
            assert mounted("--bind", str(folder), str(folder))
            made.append(folder)
            assert mounted("-o", "remount,ro,bind", str(folder))
        else:
            for path in [folder, *folder.rglob("*")]:
                path.chmod(0o500 if path.is_dir() else 0o400)

    yield make
    for folder in made:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def page_limit(db: sqlite3.Connection) -> None:
    """The database may grow no more: SQLite then answers "database or disk is full", as it
    does on a full disk."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")


def no_limit(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA max_page_count = 4294967294")


def damage(path: Path, pages: int = 8) -> None:
    """Garbage over `pages` pages in the middle of a database file (its header kept); 0: over
    every page but the first."""
    size, page = path.stat().st_size, 4096
    assert size >= page * (pages + 4), "too small to damage in the middle"
    start = page if pages == 0 else (size // page // 2 - pages // 2) * page
    with path.open("r+b") as handle:
        handle.seek(start)
        handle.write(bytes(range(256)) * ((size - start if pages == 0 else page * pages) // 256))


# --- two windows -----------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),  # which window
            st.sampled_from(["t1", "t2", "t3"]),  # which thread
            st.one_of(st.none(), st.text("ab ", min_size=1, max_size=3)),  # text, or removed
            st.booleans(),  # whether that window looked at the others' writing first
        ),
        max_size=14,
    )
)
def test_windows_add_up_and_the_later_keystroke_wins(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, str, str | None, bool]]
) -> None:
    """Any interleaving of three windows' drafts: each thread's draft is the one typed last,
    whichever window typed it, and no window's writing takes another thread's with it; a
    window that looks sees exactly what is on disk."""
    folder = tmp_path_factory.mktemp("data")
    clock = Clock()
    windows = [DraftStore(WritingStore(folder, "acct", clock=clock)) for _ in range(3)]
    latest: dict[str, str] = {}
    for window, thread, text, looks in steps:
        clock.now += 1
        if looks:
            windows[window].store.changed_elsewhere()
        if text is not None and text.strip():
            latest[thread] = text
        elif windows[window].get(thread):  # emptied where it shows: removed (else a no-op)
            latest.pop(thread, None)
        windows[window].put(thread, text or "")
        if text is not None and text.strip():
            assert windows[window].get(thread) == text  # (what it shows is what it typed)
    for drafts in [*windows, DraftStore(WritingStore(folder, "acct"))]:
        drafts.store.changed_elsewhere()
        assert {t: drafts.get(t) for t in drafts.thread_ids()} == latest


def test_an_older_write_never_brings_back_a_newer_removal(tmp_path: Path) -> None:
    clock = Clock()
    first, second = (WritingStore(tmp_path, "acct", clock=clock) for _ in range(2))
    clock.now = 10
    first.put(DRAFT, "t1", {"text": "typed at 10"})
    clock.now = 30
    second.put(DRAFT, "t1", None)  # sent from the second window at 30
    clock.now = 20  # the first window's save of a keystroke from 20, arriving late
    first.put(DRAFT, "t1", {"text": "typed at 20"})
    assert kept_writing(tmp_path, "acct").get(DRAFT, "t1") is None


async def test_two_app_windows_on_one_data_folder_keep_each_others_writing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two instances on one folder: drafts and reminders add up, each window shows the
    other's (✎ in the list, a thread put away leaves it), and the later keystroke wins."""
    from tests.test_reminders import pick_preset

    first, api = make_app(data_dir=data_dir)
    second, _ = make_app(data_dir=data_dir, api=api)
    async with first.run_test(size=(130, 40)) as one, second.run_test(size=(130, 40)) as two:
        await settle(one)
        await settle(two)
        viktor = await open_thread(one, lambda t: t is first.thread_list.threads[0])
        await one.press("r", "F")
        first.composer.input.insert("rom the first window")
        nadia = await open_thread(two, lambda t: t is second.thread_list.threads[1])
        await two.press("r", "F")
        second.composer.input.insert("rom the second window")
        first.reply.save_live_draft()
        second.reply.save_live_draft()
        # A reminder set in each.
        first.thread_list.focus()
        first.thread_list.cursor = first.thread_list.threads.position(nadia.id) or 0
        await settle(one)
        zara = first.thread_list.threads[4]
        first.thread_list.cursor = 4
        await one.press("z")
        await settle(one)
        await pick_preset(one, "Tomorrow morning")
        second.thread_list.focus()
        ethan = second.thread_list.threads[6]
        second.thread_list.cursor = 6
        await two.press("z")
        await settle(two)
        await pick_preset(two, "Tomorrow morning")
        # Each window reads the other's (every 2 s, and when the terminal gets the focus).
        first.saving.check()
        second.saving.check()
        await settle(one)
        await settle(two)
        assert nadia.id in first.thread_list.drafts and viktor.id in second.thread_list.drafts
        assert ethan.id not in [t.id for t in first.thread_list.threads]
        assert zara.id not in [t.id for t in second.thread_list.threads]
        # The same thread's draft typed in both: the later keystroke wins, for it alone.
        second.message_view.focus()
        await open_thread(two, lambda t: t.id == viktor.id)
        assert second.composer.input.text == "From the first window"
        second.composer.input.focus()
        await two.press("space")
        second.composer.input.insert("and the second")
        second.reply.save_live_draft()
        monkeypatch.setattr(reply_feature, "TYPING_PAUSE", 0.0)  # (the first has paused typing)
        first.saving.check()
        await settle(one)
        assert first.composer.input.text == "From the first window and the second"
    drafts = kept_drafts(data_dir)
    assert drafts.get(viktor.id) == "From the first window and the second"
    assert drafts.get(nadia.id) == "From the second window"
    reminders = ReminderStore(kept_writing(data_dir))
    assert {r.thread_id for r in reminders.all()} == {zara.id, ethan.id}


# --- a full disk ----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system of its own (root only: a mount), to fill for real."""
    if not ROOT:
        pytest.skip("mounting a small file system needs root (the page-limit tests run)")
    folder = tmp_path / "small"
    folder.mkdir()
    assert mounted("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder))
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_full_disk_keeps_the_writing_in_memory_and_saves_it_when_there_is_room(
    small_disk: Path,
) -> None:
    store = WritingStore(small_disk, "acct")
    drafts = DraftStore(store)
    drafts.put("t1", "Before the disk filled")
    filler = small_disk / "filler"
    with filler.open("wb") as handle, pytest.raises(OSError):
        while True:
            handle.write(b"x" * 65536)
            handle.flush()
    long_text = "After it filled. " * 4000  # more than the pages the file has
    drafts.put("t2", long_text)
    drafts.put("t1", "Edited while full")
    assert store.fault is DiskFault.FULL and store.unsaved == 2
    assert drafts.get("t2") == long_text and drafts.get("t1") == "Edited while full"
    assert not store.retry()  # still full
    filler.unlink()
    assert store.retry() and store.fault is None and store.unsaved == 0
    assert store.notices == ["Drafts and reminders are being saved again"]
    again = DraftStore(WritingStore(small_disk, "acct"))
    assert again.get("t2") == long_text and again.get("t1") == "Edited while full"


async def test_a_full_disk_is_a_message_and_nothing_typed_is_lost(data_dir: Path) -> None:
    app, _api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        await pilot.press("r", "S")
        app.composer.input.insert("aved before")
        app.reply.save_live_draft()
        page_limit(app.writing._db)  # type: ignore[arg-type]
        mirror = app.view_cache.store
        page_limit(mirror.db)
        typed = "Saved before, and typed on a full disk. " + "More. " * 2000
        app.composer.input.insert(typed[len("Saved before") :])
        app.reply.save_live_draft()
        # The mirror's writes fail too (any of them: a big one here): paused, not a crash.
        mirror.set_state("filler", "x" * 200_000)
        await settle(pilot)
        app.saving.check()
        await settle(pilot)
        assert app.is_running and app.composer.input.text == typed
        assert app.writing.fault is DiskFault.FULL and app.writing.unsaved == 1
        assert "The disk is full: drafts and reminders are not being saved" in (
            "\n".join(notifications(app))
        )
        assert screen_text(app.status_line).startswith("The disk is full")
        assert "1 unsaved (full disk)" in app.count_text()
        assert not mirror.writable  # the walk waits: nothing spent on what cannot be kept
        assert await until(pilot, lambda: any("mirror is paused" in n for n in notifications(app)))
        # Quitting would lose it: asked first.
        app.thread_list.focus()
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "could not be written" in app.screen.body
        await pilot.click("#answer-stay")
        await settle(pilot)
        # Room again: saved by the next tries, without a key.
        no_limit(app.writing._db)  # type: ignore[arg-type]
        for _ in range(3):
            app.saving.check()
        await settle(pilot)
        assert app.writing.unsaved == 0 and app.writing.fault is None
        assert any("being saved again" in n for n in notifications(app))
    assert kept_drafts(data_dir).get(thread.id) == typed


# --- a read-only data folder ----------------------------------------------------------------


async def test_a_read_only_data_folder_starts_read_only_and_moves_nothing(
    data_dir: Path, read_only: Callable[[Path], None]
) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        await pilot.press("r", "W")
        app.composer.input.insert("ritten yesterday")
        app.reply.save_live_draft()
        app.view_cache.save_directory(app.directory)  # (the mirror file exists)
    before = sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*"))
    read_only(data_dir)
    again, _ = make_app(data_dir=data_dir, api=api)
    async with again.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert "read-only: not saving" in again.count_text()
        await open_thread(pilot, lambda t: t.id == thread.id)
        assert again.composer.input.text == "Written yesterday"  # read
        again.composer.input.focus()
        await pilot.press("space")
        again.composer.input.insert("and today")
        again.reply.save_live_draft()
        again.saving.check()
        await settle(pilot)
        assert again.is_running and again.composer.input.text == "Written yesterday and today"
        assert any(n.startswith("The data folder is read-only") for n in notifications(again))
        assert "1 unsaved (read-only disk)" in again.count_text()
        assert again.writing.get(DRAFT, thread.id) == {
            **(again.writing.get(DRAFT, thread.id) or {}),
            "text": "Written yesterday and today",
        }
    assert sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*")) == before
    settings = Settings(demo=True, data_dir=data_dir)  # type: ignore[call-arg]
    assert run_search(settings, _args(text=["yesterday"], limit=5), _Out()) in (0, 1)
    out = _Out()
    assert run_mirror(settings, _args(action="status", yes=False), out) == 0
    assert "check:         ok" in out.text


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _args(**values: object) -> object:
    import argparse

    return argparse.Namespace(**values)


# --- a damaged store ------------------------------------------------------------------------


def read_everything(mirror: Mirror, thread_ids: list[str]) -> None:
    """What the app reads from its mirror over a session: every view, conversation, search."""
    mirror.threads_wire(ascending=False, offset=0, limit=10_000)
    for thread_id in thread_ids:
        mirror.messages_wire(thread_id)
    for word in ("the", "pricing", "demo", "thanks", "call"):
        mirror.search(parse_search(word, datetime.now(UTC)))
    mirror.to_walk(1000)
    mirror.counts()


async def test_a_mirror_damaged_past_its_header_is_turned_off_with_a_sentence(
    tmp_path: Path,
) -> None:
    mirror, api, _ = await filled(tmp_path, threads=120)
    path = mirror.path
    mirror.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    mirror.close()
    damage(path)
    damaged = Mirror(path)
    assert damaged.notice is None and not damaged.off  # its header is whole: it opens
    read_everything(damaged, list(api.store.threads))  # never raises
    assert damaged.off and damaged.notice is not None
    assert "inbox-tui mirror forget" in damaged.notice
    assert damaged.to_walk(5) == [] and not damaged.writable
    damaged.close()
    # The command line says so, without a traceback.
    settings = Settings(demo=True, data_dir=tmp_path)  # type: ignore[call-arg]
    shutil.copy(path, mirror_path(tmp_path, settings.cache_scope))
    status = _Out()
    assert run_mirror(settings, _args(action="status", yes=False), status) == 1
    assert "damaged" in status.text and "mirror forget" in status.text


def test_a_damaged_writing_store_is_copied_out_then_set_aside(tmp_path: Path) -> None:
    """Damaged while no window runs: what can be read is copied to a new file at the next
    start; damaged under a running window: another window's start sets it aside, and the
    running one writes all it holds (and what it is typed next) to the new file."""
    running = DraftStore(WritingStore(tmp_path, "acct"))
    texts = {f"t{i}": f"Draft {i}: " + "words " * 300 for i in range(120)}
    for thread_id, text in texts.items():
        running.put(thread_id, text)
    assert running.store._db is not None
    running.store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage(running.store.path)
    second = WritingStore(tmp_path, "acct")
    assert any("copied to a new one" in n for n in second.notices)
    assert len(list(tmp_path.glob("writing/*.damaged-*.sqlite3"))) == 1
    salvaged = {k: b["text"] for k, b, _ in second.items(DRAFT)}
    assert salvaged and all(texts[k] == v for k, v in salvaged.items())  # as they were
    running.put("t-new", "Typed after the damage")  # (and the window quits at once)
    kept = kept_drafts(tmp_path, "acct")
    assert {t: kept.get(t) for t in kept.thread_ids()} == {
        **texts,
        "t-new": "Typed after the damage",
    }


def test_the_files_of_what_is_written_are_private(tmp_path: Path) -> None:
    """The store and SQLite's -wal and -shm beside it (which hold draft text) are the user's
    alone."""
    DraftStore(WritingStore(tmp_path, "acct")).put("t1", "Private correspondence")
    files = list((tmp_path / "writing").iterdir())
    assert {f.name.split(".sqlite3")[1] for f in files} == {"", "-wal", "-shm"}
    assert {oct(f.stat().st_mode & 0o777) for f in files} == {"0o600"}


async def test_a_second_window_leaves_the_first_ones_waiting_send_alone(data_dir: Path) -> None:
    """A message waiting out the undo delay in one window is that window's to send: a window
    started meanwhile does not offer it (as it does one left by a window that stopped)."""
    first, api = make_app(data_dir=data_dir, send_delay=30)
    async with first.run_test(size=(130, 40)) as one:
        await settle(one)
        await open_thread(one, lambda t: True)
        await one.press("r", "H", "i", "ctrl+s")
        await settle(one)
        waiting = kept_drafts(data_dir).scheduled()
        assert len(waiting) == 1 and not waiting[0].elsewhere  # (the same process: "ours")
        # The record of a window still running elsewhere (this test's parent process).
        writing = kept_writing(data_dir)
        entry = writing.get(DRAFT, f"send:{waiting[0].local_id}") or {}
        writing.put(DRAFT, f"send:{waiting[0].local_id}", {**entry, "pid": str(os.getppid())})
        second, _ = make_app(data_dir=data_dir, api=api)
        async with second.run_test(size=(130, 40)) as two:
            await settle(two)
            assert not isinstance(second.screen, ConfirmScreen)  # nothing offered
            assert kept_drafts(data_dir).scheduled()[0].elsewhere


def test_a_full_disk_at_start_shows_what_is_kept_and_loses_none_of_it(small_disk: Path) -> None:
    yesterday = WritingStore(small_disk, "acct")
    DraftStore(yesterday).put("t1", "A long reply written yesterday")
    yesterday.close()  # (a clean quit: SQLite's -wal and -shm files go)
    filler = small_disk / "filler"
    with filler.open("wb") as handle, pytest.raises(OSError):
        while True:
            handle.write(b"x" * 65536)
            handle.flush()
    started = DraftStore(WritingStore(small_disk, "acct"))
    assert started.get("t1") == "A long reply written yesterday"  # shown, not hidden
    started.put("t2", "Typed on the full disk")
    assert started.store.fault is DiskFault.FULL and started.get("t2")
    filler.unlink()
    assert started.store.retry()
    kept = kept_drafts(small_disk, "acct")
    assert kept.get("t1") == "A long reply written yesterday"
    assert kept.get("t2") == "Typed on the full disk"


def test_the_shared_former_files_go_to_a_real_account_not_the_demo(tmp_path: Path) -> None:
    (tmp_path / "drafts.json").write_text('{"t1": {"text": "Real", "updated": "2026-12-01"}}')
    edits = '[{"label": "Tagged", "who": "Nadia", "edits": []}]'
    (tmp_path / "waiting-edits.json").write_text(edits)
    assert DraftStore(WritingStore(tmp_path, "demo-v2-300")).get("t1") == ""
    assert (tmp_path / "drafts.json").exists()
    # Two windows of the real account read them in at once: once.
    first, second = WritingStore(tmp_path, "api-v2-abc"), WritingStore(tmp_path, "api-v2-abc")
    assert DraftStore(first).get("t1") == "Real" == DraftStore(second).get("t1")
    assert len(kept_writing(tmp_path, "api-v2-abc").items(EDIT)) == 1
    assert (tmp_path / "drafts.imported.json").exists()  # kept, renamed, not deleted


def test_a_clock_stepped_back_does_not_make_a_later_keystroke_older(tmp_path: Path) -> None:
    clock = Clock()
    clock.now = 1000
    DraftStore(WritingStore(tmp_path, "acct", clock=clock)).put("t1", "Before")
    clock.now = 990  # (a clock set back between two runs)
    DraftStore(WritingStore(tmp_path, "acct", clock=clock)).put("t1", "Before, then after")
    assert kept_drafts(tmp_path, "acct").get("t1") == "Before, then after"


def test_what_cannot_be_stored_never_raises_out_of_the_stores(tmp_path: Path) -> None:
    assert disk_fault(OSError(errno.EIO, "I/O error"), tmp_path) is DiskFault.FULL
    store = WritingStore(tmp_path, "acct")
    store.put(DRAFT, "t\ud800", {"text": "An ID that is not text"})  # (from a bad answer)
    store.put(DRAFT, "t2", {"text": "Fine"})
    assert store.unsaved == 0 and kept_writing(tmp_path, "acct").get(DRAFT, "t2") is not None
    assert store.get(DRAFT, "t\ud800") is not None  # kept for the session


async def test_a_garbled_value_in_the_mirror_turns_it_off_instead_of_raising(
    tmp_path: Path,
) -> None:
    mirror, api, _ = await filled(tmp_path, threads=20)
    thread_id = next(iter(api.store.threads))
    mirror.db.execute("UPDATE threads SET wire = X'0102' WHERE id = ?", (thread_id,))
    assert mirror.thread_wire(thread_id) is None and mirror.off
    again = Mirror(mirror_path(tmp_path / "second", "demo"))
    again.set_state("directory", "{}")
    again.db.execute("UPDATE state SET value = CAST(X'FF80' AS TEXT)")
    assert again.get_state("directory") is None and again.off
    assert again.notice is not None and "mirror forget" in again.notice
