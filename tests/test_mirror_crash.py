"""A `kill -9` in the middle of filling the mirror leaves a consistent database (each write is
one transaction, WAL), and the next walk resumes where it stopped."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import make_store
from tui.backend import demo_backend
from tui.core.directory import fetch_directory
from tui.core.mirror import Mirror
from tui.core.query import ThreadQuery
from tui.demo import DemoApi

REPO = Path(__file__).resolve().parent.parent

# Timing-bound (a writer process killed on a timer): these share one worker, one at a time.
pytestmark = pytest.mark.xdist_group("timing")

# The walk, over and over (a finished one is forgotten and walked again), until killed.
WRITER = """
import asyncio, sys
from pathlib import Path
from tests.test_mirror_crash import walk_forever
asyncio.run(walk_forever(Path(sys.argv[1])))
"""


async def walk(mirror: Mirror, api: DemoApi, *, forever: bool = False) -> None:
    client = demo_backend(api, "v2").client
    directory = await fetch_directory(client, {})
    from tui.core.model import Cursor

    while True:
        page = await client.list_threads(ThreadQuery(limit=100))
        mirror.put_threads(page.threads, directory)
        print("walking", flush=True)
        wrote = False
        while items := mirror.to_walk(50):
            for item in items:
                cursor = None if item.cursor is None else Cursor.model_validate_json(item.cursor)
                messages = await client.list_messages(item.thread_id, limit=7, cursor=cursor)
                mirror.put_messages(
                    item.thread_id,
                    messages.messages,
                    directory.account_link_ids,
                    older=messages.next_cursor,
                    syncing=False,
                )
                if not wrote:
                    print("wrote", flush=True)  # this pass's first messages are stored
                    wrote = True
        if not forever:
            return
        for thread in page.threads:
            mirror.forget_thread(thread.id)


async def walk_forever(path: Path) -> None:
    api = DemoApi(make_store(30))
    for thread in api.store._order:
        thread.sync_seconds = 0.0  # (every thread's messages all there: a walk completes)
    await walk(Mirror(path), api, forever=True)


def check_consistent(mirror: Mirror, api: DemoApi) -> None:
    db = mirror.db
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.execute("INSERT INTO messages_text (messages_text) VALUES ('integrity-check')")
    db.execute("INSERT INTO threads_text (threads_text) VALUES ('integrity-check')")
    counts = mirror.counts()
    assert counts.messages == db.execute("SELECT count(*) FROM messages").fetchone()[0]
    assert counts.threads == db.execute("SELECT count(*) FROM threads").fetchone()[0]
    complete = db.execute("SELECT id FROM threads WHERE messages_state = 'complete'").fetchall()
    assert counts.complete == len(complete)
    store = api.store
    for (thread_id,) in complete:  # complete means every message is there
        stored = {
            r[0] for r in db.execute("SELECT id FROM messages WHERE thread_id = ?", (thread_id,))
        }
        assert stored == {m.id for m in store.messages_of(store.thread(thread_id))}


def test_a_kill_9_mid_walk_leaves_a_consistent_mirror_that_resumes(tmp_path: Path) -> None:
    path = tmp_path / "mirror.sqlite3"
    for kill_after in (0.0, 0.03, 0.06):  # after its first messages (a pass takes ~0.2 s)
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        # Killed mid-walk, however busy the machine: once this pass has stored messages (on
        # a mirror left complete, a pass first forgets it), then a while later.
        while (line := writer.stdout.readline()) and line.strip() != "wrote":
            pass
        assert line.strip() == "wrote"
        time.sleep(kill_after)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        assert writer.returncode == -signal.SIGKILL
        api = DemoApi(make_store(30))
        for thread in api.store._order:
            thread.sync_seconds = 0.0
        mirror = Mirror(path)
        assert mirror.notice is None  # not damaged
        assert mirror.counts().messages > 0
        check_consistent(mirror, api)
        # The walk resumes from what was stored, and completes.
        asyncio.run(walk(mirror, api))
        check_consistent(mirror, api)
        counts = mirror.counts()
        assert counts.complete == counts.threads >= 20  # (the Default view's threads)
        mirror.close()
