"""The local mirror: every thread and message the app has read, in one SQLite database per
account (the standard library's sqlite3; FTS5 for text), so that search covers every message
body, not only the previews the service searches.

- WAL mode, one transaction per write: a crash or `kill -9` leaves the last committed state,
  and a walk resumes from what it stored (each thread's `older_cursor`).
- The schema is versioned (`PRAGMA user_version`) and migrated forward. A damaged database,
  or one written by a newer version of the app, is moved aside with a message, never a crash.
- What is stored is what the service sent (`wire`, zlib-compressed JSON: a third of the
  size), plus the columns search and filters need. The API key is never stored.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from tui.core.disk_faults import DiskFault, disk_fault
from tui.core.sqlite_files import SIDE_FILES, migrate, move_aside, open_read_only, transaction
from tui.core.text import inert

_Method = TypeVar("_Method", bound=Callable[..., Any])

if TYPE_CHECKING:
    from tui.core.directory import Directory
    from tui.core.model import Cursor, Event, Message, Thread

# The text index follows the messages table (created with it, and again when it is rebuilt).
MESSAGES_TEXT_TRIGGERS = """
    CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
        INSERT INTO messages_text (rowid, content) VALUES (new.rowid, new.content);
    END;
    CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
        INSERT INTO messages_text (messages_text, rowid, content)
        VALUES ('delete', old.rowid, old.content);
    END;
    CREATE TRIGGER messages_au AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO messages_text (messages_text, rowid, content)
        VALUES ('delete', old.rowid, old.content);
        INSERT INTO messages_text (rowid, content) VALUES (new.rowid, new.content);
    END;
"""

# The count of messages follows the table too (from the second schema on).
MESSAGES_COUNT_TRIGGERS = """
    CREATE TRIGGER count_messages_ai AFTER INSERT ON messages BEGIN
        UPDATE counts SET value = value + 1 WHERE name = 'messages';
    END;
    CREATE TRIGGER count_messages_ad AFTER DELETE ON messages BEGIN
        UPDATE counts SET value = value - 1 WHERE name = 'messages';
    END;
"""

# Each entry moves the schema one version forward; the database's user_version says how many
# have run. Never edit one that has shipped: add the next.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE threads (
        id TEXT PRIMARY KEY,
        sort_at REAL,
        done INTEGER NOT NULL DEFAULT 0,
        name TEXT NOT NULL DEFAULT '',
        handle TEXT NOT NULL DEFAULT '',
        bio TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '',        -- tag names, one per line, lower case
        status TEXT NOT NULL DEFAULT '',      -- the status's name, lower case
        wire BLOB NOT NULL,                   -- the thread as the service sent it (packed)
        stored_at REAL NOT NULL,
        -- The walk of its messages: 'none' (not read), 'partial' (resumes at older_cursor),
        -- 'complete', or 'stale' (complete, then new messages came: read newest first down
        -- to what is here); the newest message stored.
        messages_state TEXT NOT NULL DEFAULT 'none',
        older_cursor TEXT,
        newest_message_id TEXT
    );
    CREATE INDEX threads_by_time ON threads (sort_at DESC);
    CREATE TABLE messages (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        thread_id TEXT NOT NULL,
        created_at REAL,
        outbound INTEGER NOT NULL,
        content TEXT NOT NULL DEFAULT '',     -- inert: no control character (see search)
        wire BLOB NOT NULL                    -- the message as the service sent it (packed)
    );
    CREATE INDEX messages_by_thread ON messages (thread_id, created_at);
    CREATE VIRTUAL TABLE messages_text USING fts5 (
        content, content='messages', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
    );
    """
    + MESSAGES_TEXT_TRIGGERS
    + """
    CREATE VIRTUAL TABLE threads_text USING fts5 (
        name, handle, bio, notes, tags, content='threads', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER threads_ai AFTER INSERT ON threads BEGIN
        INSERT INTO threads_text (rowid, name, handle, bio, notes, tags)
        VALUES (new.rowid, new.name, new.handle, new.bio, new.notes, new.tags);
    END;
    CREATE TRIGGER threads_ad AFTER DELETE ON threads BEGIN
        INSERT INTO threads_text (threads_text, rowid, name, handle, bio, notes, tags)
        VALUES ('delete', old.rowid, old.name, old.handle, old.bio, old.notes, old.tags);
    END;
    CREATE TRIGGER threads_au AFTER UPDATE OF name, handle, bio, notes, tags ON threads BEGIN
        INSERT INTO threads_text (threads_text, rowid, name, handle, bio, notes, tags)
        VALUES ('delete', old.rowid, old.name, old.handle, old.bio, old.notes, old.tags);
        INSERT INTO threads_text (rowid, name, handle, bio, notes, tags)
        VALUES (new.rowid, new.name, new.handle, new.bio, new.notes, new.tags);
    END;
    CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # The event log keeps the mirror current: what an event says changed is flagged, and the
    # walk reads just that. `changed` holds CHANGED_MESSAGES and CHANGED_THREAD bits (the
    # 'stale' walk state becomes the first); a contact's events name the person, not the
    # thread, hence `prospect_id`. Counts are kept by triggers (counting 2,000,000 rows
    # blocked the app ~90 ms).
    """
    ALTER TABLE threads ADD COLUMN prospect_id TEXT;
    ALTER TABLE threads ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
    UPDATE threads SET changed = 1, messages_state = 'complete' WHERE messages_state = 'stale';
    CREATE INDEX threads_by_prospect ON threads (prospect_id);
    CREATE INDEX threads_changed ON threads (changed) WHERE changed != 0;
    CREATE TABLE counts (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO counts (name, value) SELECT 'threads', count(*) FROM threads;
    INSERT INTO counts (name, value)
        SELECT 'complete', count(*) FROM threads WHERE messages_state = 'complete';
    INSERT INTO counts (name, value) SELECT 'messages', count(*) FROM messages;
    """
    + MESSAGES_COUNT_TRIGGERS
    + """
    CREATE TRIGGER count_threads_ai AFTER INSERT ON threads BEGIN
        UPDATE counts SET value = value + 1 WHERE name = 'threads';
        UPDATE counts SET value = value + (new.messages_state = 'complete')
            WHERE name = 'complete';
    END;
    CREATE TRIGGER count_threads_ad AFTER DELETE ON threads BEGIN
        UPDATE counts SET value = value - 1 WHERE name = 'threads';
        UPDATE counts SET value = value - (old.messages_state = 'complete')
            WHERE name = 'complete';
    END;
    CREATE TRIGGER count_threads_au AFTER UPDATE OF messages_state ON threads BEGIN
        UPDATE counts
            SET value = value + (new.messages_state = 'complete')
                - (old.messages_state = 'complete')
            WHERE name = 'complete';
    END;
    """,
    # Each view's first page as it was shown, for the instant start and offline (this
    # replaces the JSON files of cache/<account>/): the rows as painted, read without the
    # models, and the threads as the service sent them (packed).
    """
    CREATE TABLE views (
        key TEXT PRIMARY KEY,
        saved_at TEXT NOT NULL,
        rows TEXT NOT NULL,
        threads BLOB NOT NULL
    );
    """,
    # A message's rowid follows its time, newest lowest (-(seconds * 64 + a few bits of the
    # ID)): FTS5 then reads a word's newest matches first, and a search ranks among those
    # instead of among every match (at 2,000,000 messages, ranking them all took ~400 ms).
    # Newest lowest, because the walk reads newest first: its writes then mostly append,
    # which keeps the table's pages full. Seconds, not milliseconds: the text index stores
    # the gaps between rowids. The table is rebuilt in time order, and the index with it.
    """
    CREATE TABLE messages_by_time (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        thread_id TEXT NOT NULL,
        created_at REAL,
        outbound INTEGER NOT NULL,
        content TEXT NOT NULL DEFAULT '',
        wire BLOB NOT NULL
    );
    INSERT INTO messages_by_time (rowid, id, thread_id, created_at, outbound, content, wire)
        SELECT CASE WHEN created_at IS NULL THEN NULL
            ELSE -(CAST(round(created_at) AS INTEGER) * 64 - 1 + row_number()
                OVER (PARTITION BY CAST(round(created_at) AS INTEGER) ORDER BY id))
            END, id, thread_id, created_at, outbound, content, wire
        FROM messages ORDER BY created_at;
    DROP TABLE messages;
    ALTER TABLE messages_by_time RENAME TO messages;
    CREATE INDEX messages_by_thread ON messages (thread_id, created_at);
    """
    + MESSAGES_TEXT_TRIGGERS
    + """
    """
    + MESSAGES_COUNT_TRIGGERS
    + """
    INSERT INTO messages_text (messages_text) VALUES ('rebuild');
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
CHANGED_MESSAGES = 1  # new messages: read newest first, down to what the mirror holds
CHANGED_THREAD = 2  # the thread itself (tags, status, notes, assignee...): read it again
# (A thread known only by ID, from an event, is a row with CHANGED_THREAD and no sort time.)
# A search ranks (bm25) among a word's newest SEARCH_WINDOW matches, widened while the filters
# leave fewer hits than asked for: a rare word is ranked among all its matches.
SEARCH_WINDOW = 2000
ROWID_SPREAD = 64  # a message's rowid: -(its second * ROWID_SPREAD + bits of its ID)
PAUSE_WHEN_FULL = 30.0  # seconds without a write after the disk said it was full
PAUSE_WHEN_BUSY = 2.0  # seconds without a write after another process held the lock
HIT = ("\x02", "\x03")  # around a matching word in a snippet: stored text never holds them


class SearchError(ValueError):
    """A search the user typed that cannot run; the message says why, plainly."""


def mirror_path(data_dir: Path, scope: str) -> Path:
    """One database per account (Settings.cache_scope names it, never the key)."""
    return data_dir / "mirror" / f"{scope}.sqlite3"


def _guarded(default: Callable[[], Any], *, writes: bool = False) -> Callable[[_Method], _Method]:
    """A method of the mirror that a disk fault never raises out of: a full disk pauses the
    mirror's writes, a read-only folder stops them, a damaged file turns the mirror off for the
    session (an empty one in memory stands in) with a sentence naming `mirror forget`. The
    failed call answers `default()`."""

    def wrap(method: _Method) -> _Method:
        @functools.wraps(method)
        def guarded(self: Mirror, *args: Any, **kwargs: Any) -> Any:
            if writes and not self.writable:
                return default()  # (paused, read-only or off: what is read is not kept)
            try:
                answer = method(self, *args, **kwargs)
            except (sqlite3.Error, OSError) as error:
                self._trouble(error)
                return default()
            except (zlib.error, UnicodeDecodeError) as error:  # a stored value garbled
                self._turn_off(f"a stored value does not read back: {error}")
                return default()
            if writes and self.paused_until:
                self.paused_until = 0.0
                if self._was_full:
                    self._was_full = False
                    self.notice = "There is room on the disk again: the local mirror goes on"
            return answer

        return guarded  # type: ignore[return-value]

    return wrap


def _nothing() -> None:
    return None


class Mirror:
    def __init__(self, path: Path) -> None:
        self.path = path
        # What happened to the database (moved aside, paused, off): said once.
        self.notice: str | None = None
        self.read_only = False  # read, never written, this session (a read-only folder)
        self.off = False  # damaged: an empty one in memory stands in for the session
        self.paused_until = 0.0  # the disk was full: no writes tried before (monotonic)
        self._was_full = False
        self.db = self._open()

    @property
    def writable(self) -> bool:
        """Whether what is read may be stored now (the walk waits while it may not)."""
        return not (self.off or self.read_only) and time.monotonic() >= self.paused_until

    def _trouble(self, error: BaseException) -> None:
        fault = disk_fault(error, self.path.parent)
        if fault is None:
            raise error
        if fault is DiskFault.BUSY:  # (another process is writing: the walk waits a little)
            self.paused_until = max(self.paused_until, time.monotonic() + PAUSE_WHEN_BUSY)
            return
        if fault is DiskFault.FULL:
            self._was_full = True
            if self.paused_until == 0.0:
                self.notice = (
                    "The disk is full: the local mirror is paused (it goes on when there is"
                    " room; `inbox-tui mirror forget` frees its space)"
                )
            self.paused_until = time.monotonic() + PAUSE_WHEN_FULL
            return
        if fault is DiskFault.READ_ONLY:
            if not self.read_only:
                self.read_only = True
                self.notice = "The data folder is read-only: the local mirror is not written"
            return
        self._turn_off(str(error))

    def _turn_off(self, why: str) -> None:
        if not self.off:
            self.notice = self._damaged(why)
        with suppress(sqlite3.Error):
            self.db.close()
        self.db = self._off_db()

    def _off_db(self) -> sqlite3.Connection:
        """The empty mirror in memory that stands in for the session (the notice says why)."""
        self.off = True
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        migrate(db, MIGRATIONS, 0)
        return db

    def _damaged(self, why: str) -> str:
        return (
            f"The local mirror is damaged ({why}): it is off for this session. "
            f"`inbox-tui mirror forget` deletes it ({self.path.name}); the next start "
            "fills a new one."
        )

    # --- opening ----------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at each checkpoint, never torn
        db.execute("PRAGMA foreign_keys = ON")
        with suppress(OSError):
            self.path.chmod(0o600)  # private correspondence
        return db

    def _open(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = None
        try:
            db = self._connect()
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                db.close()
                self._move_aside(
                    "newer", "was written by a newer inbox-tui; it is kept aside, and a new one is"
                )
                db = self._connect()
                version = 0
            migrate(db, MIGRATIONS, version)
            return db
        except (sqlite3.Error, OSError) as error:
            if db is not None:
                with suppress(sqlite3.Error):
                    db.close()
            fault = disk_fault(error, self.path.parent)
            if fault in (DiskFault.READ_ONLY, DiskFault.FULL, DiskFault.BUSY):
                # Read as it stands (searched, shown offline), not written this session.
                db = self._open_read_only()
                if fault is not DiskFault.READ_ONLY and not self.off:
                    self.notice = (
                        f"The local mirror could not be opened for writing ({error}): it is"
                        " read, not written, until the app starts again"
                    )
                return db
        try:
            self._move_aside("damaged", "could not be read (damaged); it is kept aside, and")
            db = self._connect()
            migrate(db, MIGRATIONS, 0)
            return db
        except (sqlite3.Error, OSError) as error:
            self.notice = self._damaged(f"it could not be set aside: {error}")
            return self._off_db()

    def _open_read_only(self) -> sqlite3.Connection:
        """A read-only folder: the mirror there is read as it stands (nothing can write it
        meanwhile, nor make the WAL's shared-memory file), never moved or written."""
        self.read_only = True
        self.notice = "The data folder is read-only: the local mirror is read, not written"
        try:
            db = open_read_only(self.path)
            if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                return db
            db.close()
        except sqlite3.Error:
            pass
        self.notice = "The data folder is read-only: there is no local mirror this session"
        return self._off_db()

    def _move_aside(self, why: str, said: str) -> None:
        aside = move_aside(self.path, why)
        self.notice = f"The local mirror {said} filled again: {aside.name}"

    def close(self) -> None:
        self.db.close()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.db)

    # --- state ------------------------------------------------------------------------------

    @_guarded(_nothing)
    def get_state(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @_guarded(_nothing, writes=True)
    def set_state(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # --- views (the instant start) -------------------------------------------------------------

    @_guarded(_nothing, writes=True)
    def put_view(self, key: str, rows: list[Any], threads: list[dict[str, Any]]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO views (key, saved_at, rows, threads) VALUES (?, ?, ?, ?)",
                (key, datetime.now(UTC).isoformat(), json.dumps(rows), pack({"t": threads})),
            )

    @_guarded(_nothing)
    def view_rows(self, key: str) -> list[Any] | None:
        row = self.db.execute("SELECT rows FROM views WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        with suppress(ValueError):
            rows = json.loads(row[0])
            return rows if isinstance(rows, list) else None
        return None

    @_guarded(lambda: False)
    def has_view(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM views WHERE key = ?", (key,)).fetchone() is not None

    @_guarded(_nothing)
    def view_threads(self, key: str) -> tuple[datetime, list[dict[str, Any]]] | None:
        row = self.db.execute(
            "SELECT saved_at, threads FROM views WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        with suppress(ValueError, zlib.error, TypeError):
            threads = unpack(row[1])["t"]
            if isinstance(threads, list):
                return datetime.fromisoformat(row[0]), threads
        return None

    @_guarded(_nothing, writes=True)
    def delete_state(self, key: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM state WHERE key = ?", (key,))

    # --- writing ----------------------------------------------------------------------------

    @_guarded(_nothing, writes=True)
    def put_threads(self, threads: Iterable[Thread], directory: Directory) -> None:
        """Threads as a page listed them (their messages are not touched)."""
        now = time.time()
        rows = [_thread_row(thread, directory, now) for thread in threads]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO threads (id, sort_at, done, name, handle, bio, notes, tags, status,"
                " wire, stored_at, prospect_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET sort_at = excluded.sort_at,"
                " done = excluded.done, name = excluded.name, handle = excluded.handle,"
                " bio = excluded.bio, notes = excluded.notes, tags = excluded.tags,"
                " status = excluded.status, wire = excluded.wire,"
                f" stored_at = excluded.stored_at, prospect_id = excluded.prospect_id,"
                f" changed = changed & ~{CHANGED_THREAD}",
                rows,
            )

    @_guarded(lambda: 0, writes=True)
    def put_messages(
        self,
        thread_id: str,
        messages: Iterable[Message],
        account_link_ids: frozenset[str] | set[str],
        *,
        older: Cursor | bool | None = False,
        syncing: bool = False,
    ) -> int:
        """Messages of a thread (a page, or live ones); returns how many were new. With `older`
        (the page's cursor to older messages, None at the oldest), the thread's walk moves on:
        it resumes there, or is complete; unless the service is still importing the thread's
        older messages (`syncing`): then it is walked again from the newest, later."""
        rows = [_message_row(thread_id, m, account_link_ids) for m in messages]
        with self._transaction() as db:
            before = db.total_changes
            try:
                db.executemany(INSERT_MESSAGE, rows)
            except sqlite3.IntegrityError:  # two messages in one millisecond met: one moves
                for row in rows:
                    _insert_apart(db, row)
            added = db.total_changes - before
            if older is not False:
                state = "partial" if older is not None else "none" if syncing else "complete"
                cursor = None if older is None or older is True else json.dumps(older.to_wire())
                db.execute(
                    "UPDATE threads SET messages_state = ?, older_cursor = ? WHERE id = ?",
                    (state, cursor, thread_id),
                )
            if rows:
                db.execute(
                    "UPDATE threads SET newest_message_id = (SELECT id FROM messages"
                    " WHERE thread_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1)"
                    " WHERE id = ?1",
                    (thread_id,),
                )
        return added

    @_guarded(_nothing, writes=True)
    def forget_thread(self, thread_id: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM messages WHERE thread_id = ?", (thread_id,))
            db.execute("DELETE FROM threads WHERE id = ?", (thread_id,))

    @_guarded(_nothing, writes=True)
    def mark_changed(self, thread_ids: Iterable[str]) -> None:
        """These threads have messages the mirror lacks: read again, newest first, down to what
        it holds (a thread not walked yet gets them from its walk)."""
        with self._transaction() as db:
            db.executemany(
                f"UPDATE threads SET changed = changed | {CHANGED_MESSAGES} WHERE id = ?"
                " AND messages_state != 'none'",
                [(thread_id,) for thread_id in thread_ids],
            )

    @_guarded(_nothing, writes=True)
    def mark_fresh(self, thread_id: str) -> None:
        """Its newest messages are read down to what the mirror held."""
        with self._transaction() as db:
            db.execute(
                f"UPDATE threads SET changed = changed & ~{CHANGED_MESSAGES} WHERE id = ?",
                (thread_id,),
            )

    @_guarded(lambda: 0, writes=True)
    def apply_events(self, events: Iterable[Event]) -> int:
        """What the event log says changed, flagged for the walk to read (one transaction);
        returns how many events concerned what the mirror holds or should."""
        applied = 0
        now = time.time()
        with self._transaction() as db:
            for event in events:
                data = event.data if isinstance(event.data, dict) else {}
                thread_id, kind = data.get("threadId"), event.type
                if kind == "thread.deleted" and isinstance(thread_id, str):
                    db.execute("DELETE FROM messages WHERE thread_id = ?", (thread_id,))
                    db.execute("DELETE FROM threads WHERE id = ?", (thread_id,))
                elif isinstance(thread_id, str):
                    flag = CHANGED_MESSAGES if kind.startswith("message.") else CHANGED_THREAD
                    # A thread not held yet (new, or before the walk listed it): known by
                    # ID until it is read.
                    db.execute(
                        "INSERT INTO threads (id, wire, stored_at, changed) VALUES (?, ?, ?, ?)"
                        " ON CONFLICT (id) DO UPDATE SET changed = changed | (CASE"
                        " WHEN ?5 = 1 AND messages_state = 'none' THEN 0 ELSE ?5 END)",
                        (thread_id, pack({"id": thread_id}), now, CHANGED_THREAD, flag),
                    )
                elif isinstance(prospect := data.get("prospectId"), str):
                    db.execute(
                        f"UPDATE threads SET changed = changed | {CHANGED_THREAD}"
                        " WHERE prospect_id = ?",
                        (prospect,),
                    )
                else:
                    continue  # tags, statuses, campaigns: not the mirror's
                applied += 1
        return applied

    @_guarded(_nothing, writes=True)
    def relabel(self, kind: str, old: str, new: str | None) -> None:
        """A tag (kind "tags") or a status renamed from `old` to `new`, or deleted (None): the
        stored threads follow, for the label counts and search's tag: and status: (they
        hold labels by name, lower case)."""
        old, new = old.lower(), None if new is None else new.lower()
        if old == new:
            return
        with self._transaction() as db:
            if kind == "tags":
                db.execute(
                    "UPDATE threads SET tags = replace(tags, ?1, ?2) WHERE instr(tags, ?1) > 0",
                    (f"\n{old}\n", "" if new is None else f"\n{new}\n"),
                )
            else:
                db.execute("UPDATE threads SET status = ? WHERE status = ?", (new or "", old))

    @_guarded(lambda: {})
    def newest_message_ids(self, thread_ids: Iterable[str]) -> dict[str, str | None]:
        """The newest message stored of each of these threads the mirror holds."""
        ids = list(thread_ids)
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT id, newest_message_id FROM threads WHERE id IN ({marks})", ids
        ).fetchall()
        return {str(r[0]): r[1] for r in rows}

    # --- reading ----------------------------------------------------------------------------

    def quick_check(self) -> list[str]:
        """What SQLite's quick check finds wrong (empty: nothing), for `mirror status`: it reads
        every page, so it is not run by the app."""
        if self.off:
            return [self.notice or "damaged"]
        try:
            found = [str(r[0]) for r in self.db.execute("PRAGMA quick_check(20)")]
        except sqlite3.DatabaseError as error:
            return [str(error)]
        return [] if found == ["ok"] else found

    @_guarded(lambda: MirrorCounts(0, 0, 0, 0))
    def counts(self) -> MirrorCounts:
        """Kept by triggers: reading them costs nothing at any size."""
        kept = dict(self.db.execute("SELECT name, value FROM counts").fetchall())
        return MirrorCounts(kept["threads"], kept["complete"], kept["messages"], self.size_bytes())

    @_guarded(lambda: ({}, {}))
    def label_carriers(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """For each tag name and each status name (lower case, as stored), the people whose
        stored threads carry it: their person's ID, else the thread's (as the loaded rows
        count them)."""
        tags: dict[str, set[str]] = {}
        statuses: dict[str, set[str]] = {}
        rows = self.db.execute(
            "SELECT coalesce(prospect_id, id), tags, status FROM threads"
            " WHERE tags != '' OR status != ''"
        )
        for who, carried, status in rows:
            for name in carried.split("\n"):
                if name:
                    tags.setdefault(name, set()).add(who)
            if status:
                statuses.setdefault(status, set()).add(who)
        return tags, statuses

    @_guarded(lambda: 0)
    def size_bytes(self) -> int:
        return sum(
            Path(f"{self.path}{suffix}").stat().st_size
            for suffix in SIDE_FILES
            if Path(f"{self.path}{suffix}").exists()
        )

    @_guarded(lambda: [])
    def to_walk(self, limit: int) -> list[WalkItem]:
        """What the walk reads next: threads an event flagged first, then threads whose
        messages are not all here, newest conversations first, with where their walk
        resumes."""
        rows = self.db.execute(
            "SELECT id, older_cursor, messages_state, changed FROM threads WHERE changed != 0"
            " UNION ALL SELECT * FROM (SELECT id, older_cursor, messages_state, changed"
            " FROM threads WHERE messages_state != 'complete' AND changed = 0"
            " ORDER BY sort_at DESC) LIMIT ?",
            (limit,),
        ).fetchall()
        return [WalkItem(str(r[0]), r[1], str(r[2]), int(r[3])) for r in rows]

    @_guarded(_nothing)
    def thread_wire(self, thread_id: str) -> dict[str, Any] | None:
        """The thread as the service last sent it."""
        row = self.db.execute("SELECT wire FROM threads WHERE id = ?", (thread_id,)).fetchone()
        if row is None:
            return None
        data = unpack(row[0])
        return data if isinstance(data, dict) else None

    @_guarded(lambda: [])
    def threads_wire(
        self, *, ascending: bool, offset: int, limit: int
    ) -> list[tuple[dict[str, Any], float]]:
        """Stored threads (those known by ID only left out) by activity, with when each was
        stored: what an offline view is built from."""
        order = "ASC" if ascending else "DESC"
        rows = self.db.execute(
            "SELECT wire, stored_at FROM threads WHERE sort_at IS NOT NULL"
            f" ORDER BY sort_at {order}, id {order} LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [
            (data, float(stored))
            for packed, stored in rows
            if isinstance(data := unpack(packed), dict)
        ]

    @_guarded(lambda: [])
    def messages_wire(self, thread_id: str, limit: int = 200) -> list[dict[str, Any]]:
        """The thread's newest messages as the service sent them, newest first."""
        rows = self.db.execute(
            "SELECT wire FROM messages WHERE thread_id = ? ORDER BY created_at DESC, id DESC"
            " LIMIT ?",
            (thread_id, limit),
        ).fetchall()
        return [data for (packed,) in rows if isinstance(data := unpack(packed), dict)]

    @_guarded(lambda: [])
    def search(self, query: SearchQuery, limit: int = 50) -> list[SearchHit]:
        """Messages and people matching `query`, best first (bm25), each with its words in
        context. Raises SearchError for a query FTS5 cannot read."""
        hits: list[SearchHit] = []
        try:
            if query.text or query.from_side is not None:
                hits += self._message_hits(query, limit)
            if query.text and query.from_side is None:
                hits += self._thread_hits(query, limit)
        except sqlite3.OperationalError as error:
            raise SearchError(_fts_problem(error)) from None
        hits.sort(key=lambda hit: hit.rank)
        return hits[:limit]

    def _filters(self, query: SearchQuery, time_column: str) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        for tag in query.tags:
            where.append("instr(t.tags, ?) > 0")
            args.append(f"\n{tag}\n")
        if query.status is not None:
            where.append("t.status = ?")
            args.append(query.status)
        if query.before is not None:
            where.append(f"{time_column} < ?")
            args.append(query.before.timestamp())
        if query.after is not None:
            where.append(f"{time_column} >= ?")
            args.append(query.after.timestamp())
        return where, args

    def _message_hits(self, query: SearchQuery, limit: int) -> list[SearchHit]:
        where, args = self._filters(query, "m.created_at")
        if query.from_side is not None:
            where.append("m.outbound = ?")
            args.append(1 if query.from_side == "me" else 0)
        filters = "".join(f" AND {w}" for w in where)
        columns = "m.thread_id, m.id, t.name, t.handle, m.created_at, m.outbound"
        if not query.text:  # filters alone: the newest messages that pass them
            sql = (
                f"SELECT {columns}, substr(m.content, 1, 120), -m.created_at"
                f" FROM messages m JOIN threads t ON t.id = m.thread_id WHERE 1{filters}"
                " ORDER BY 8 LIMIT ?"
            )
            return [_message_hit(r) for r in self.db.execute(sql, [*args, limit]).fetchall()]
        # The newest matches (rowids follow time; a date filter narrows them), ranked; the
        # snippets are made for the hits kept only.
        span, span_args = "", []
        if query.before is not None:  # (newest lowest: earlier is higher)
            span += " AND rowid > ?"
            span_args.append(-round(query.before.timestamp()) * ROWID_SPREAD)
        if query.after is not None:
            span += " AND rowid <= ?"
            span_args.append(-round(query.after.timestamp()) * ROWID_SPREAD)
        window = SEARCH_WINDOW
        while True:
            sql = (
                "WITH found AS (SELECT rowid, bm25(messages_text) AS score FROM messages_text"
                f" WHERE messages_text MATCH ?{span} ORDER BY rowid LIMIT ?)"
                f" SELECT m.rowid, {columns}, found.score,"
                " (SELECT count(*) FROM found) FROM found JOIN messages m ON m.rowid = found.rowid"
                f" JOIN threads t ON t.id = m.thread_id WHERE 1{filters}"
                " ORDER BY found.score LIMIT ?"
            )
            rows = self.db.execute(sql, [query.text, *span_args, window, *args, limit]).fetchall()
            matched = rows[0][-1] if rows else self._matches(query.text, span, span_args, window)
            if len(rows) >= limit or matched < window:
                break
            window *= 8  # the filters left too few among these: look further back
        snippets = self._snippets(query.text, [r[0] for r in rows])
        return [_message_hit((*r[1:7], snippets.get(r[0], ""), r[7])) for r in rows]

    def _matches(self, text: str, span: str, span_args: list[Any], window: int) -> int:
        sql = (
            "SELECT count(*) FROM (SELECT rowid FROM messages_text"
            f" WHERE messages_text MATCH ?{span} ORDER BY rowid LIMIT ?)"
        )
        return int(self.db.execute(sql, [text, *span_args, window]).fetchone()[0])

    def _snippets(self, text: str, rowids: list[int]) -> dict[int, str]:
        if not rowids:
            return {}
        # One pass over the matches between the hits (at most the window), the snippet made
        # for the hits alone: `+rowid` keeps the list from being handed to FTS5, which would
        # run the query once per rowid (a prefix query costs ~6 ms each at 2,000,000).
        marks = ",".join("?" * len(rowids))
        sql = (
            f"SELECT rowid, snippet(messages_text, 0, '{HIT[0]}', '{HIT[1]}', '…', 16)"
            " FROM messages_text WHERE messages_text MATCH ? AND rowid BETWEEN ? AND ?"
            f" AND +rowid IN ({marks})"
        )
        args = [text, min(rowids), max(rowids), *rowids]
        return dict(self.db.execute(sql, args).fetchall())

    def _thread_hits(self, query: SearchQuery, limit: int) -> list[SearchHit]:
        where, args = self._filters(query, "t.sort_at")
        sql = (
            "SELECT t.id, t.name, t.handle, t.sort_at,"
            f" snippet(threads_text, -1, '{HIT[0]}', '{HIT[1]}', '…', 12),"
            " bm25(threads_text)"
            " FROM threads_text JOIN threads t ON t.rowid = threads_text.rowid"
            " WHERE threads_text MATCH ?"
        )
        sql += "".join(f" AND {w}" for w in where) + " ORDER BY 6 LIMIT ?"
        rows = self.db.execute(sql, [query.text, *args, limit]).fetchall()
        return [
            SearchHit(
                thread_id=r[0],
                message_id=None,
                name=r[1],
                handle=r[2],
                at=None if r[3] is None else datetime.fromtimestamp(r[3], UTC),
                outbound=False,
                snippet=r[4],
                rank=float(r[5]),
            )
            for r in rows
        ]


def _message_hit(r: tuple[Any, ...]) -> SearchHit:
    return SearchHit(
        thread_id=r[0],
        message_id=r[1],
        name=r[2],
        handle=r[3],
        at=None if r[4] is None else datetime.fromtimestamp(r[4], UTC),
        outbound=bool(r[5]),
        snippet=r[6],
        rank=float(r[7]),
    )


class WalkItem(NamedTuple):
    thread_id: str
    cursor: str | None  # the JSON of the cursor to older messages; None: from the newest
    state: str  # "none", "partial" or "complete"
    changed: int = 0  # CHANGED_MESSAGES and CHANGED_THREAD bits: read those first

    @property
    def reads_thread(self) -> bool:
        return bool(self.changed & CHANGED_THREAD)

    @property
    def reads_newest(self) -> bool:
        return bool(self.changed & CHANGED_MESSAGES)


class MirrorCounts(NamedTuple):
    threads: int
    complete: int  # threads whose every message is here
    messages: int
    size_bytes: int


class SearchHit(NamedTuple):
    thread_id: str
    message_id: str | None  # None: the person matched (name, handle, bio, notes, tags)
    name: str
    handle: str
    at: datetime | None
    outbound: bool
    snippet: str  # inert text; HIT marks the matching words
    rank: float  # lower is better

    def parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, matched) pieces."""
        pieces: list[tuple[str, bool]] = []
        for i, chunk in enumerate(re.split(f"[{HIT[0]}{HIT[1]}]", self.snippet)):
            if chunk:
                pieces.append((chunk, i % 2 == 1))
        return pieces


class SearchQuery(NamedTuple):
    text: str = ""  # FTS5's syntax: words, "phrases", prefix*, NOT, OR
    from_side: str | None = None  # "me" or "them"
    tags: tuple[str, ...] = ()  # lower case names
    status: str | None = None  # lower case name
    before: datetime | None = None
    after: datetime | None = None


_FILTER = re.compile(r'(?<!\S)(from|tag|status|before|after):("([^"]*)"|\S+)', re.IGNORECASE)


def parse_search(text: str, now: datetime) -> SearchQuery:
    """The filters (`from:me`, `from:them`, `tag:`, `status:`, `before:`, `after:`; a name with
    spaces in quotes) taken out of what was typed; the rest is FTS5's query. Raises SearchError
    for a filter that cannot be read."""
    found: dict[str, Any] = {"tags": []}
    for match in _FILTER.finditer(text):
        kind, value = match[1].lower(), (match[3] if match[3] is not None else match[2])
        value = value.strip().lower()
        if kind == "from":
            if value not in ("me", "them"):
                raise SearchError('from: takes "me" or "them"')
            found["from_side"] = value
        elif kind == "tag":
            found["tags"].append(value)
        elif kind == "status":
            found["status"] = value
        else:
            found[kind] = _day(value, now, kind)
    rest = " ".join(_FILTER.sub(" ", text).split())
    tags = tuple(found.pop("tags"))
    return SearchQuery(text=rest, tags=tags, **found)


def _day(value: str, now: datetime, kind: str) -> datetime:
    with suppress(ValueError):
        day = date.fromisoformat(value)
        return datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo or UTC)
    match = re.fullmatch(r"(\d+)([dwm])", value)
    if match is None:
        raise SearchError(f'{kind}: takes a date (2026-11-30) or an age ("7d", "2w", "3m")')
    amount, unit = int(match[1]), match[2]
    return now - timedelta(days=amount * {"d": 1, "w": 7, "m": 30}[unit])


def _fts_problem(error: sqlite3.OperationalError) -> str:
    said = str(error)
    if not any(word in said for word in ("locked", "disk", "I/O", "memory")):
        return (
            'The search could not be read: use words, "a phrase", prefix*, NOT, OR '
            '(a word with ":" or "-" goes in quotes).'
        )
    return f"The search failed: {said}"


def pack(wire: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(wire, ensure_ascii=False).encode(), 6)


def unpack(packed: bytes) -> Any:
    return json.loads(zlib.decompress(packed))


def _thread_row(thread: Thread, directory: Directory, now: float) -> tuple[Any, ...]:
    prospect = thread.prospect
    context = prospect.context
    tags = [directory.tags[t].name.lower() for t in context.tags if t in directory.tags]
    status = directory.statuses.get(context.status_id) if context.status_id else None
    stamp = thread.sort_timestamp
    return (
        thread.id,
        None if stamp is None else stamp.timestamp(),
        int(thread.done),
        inert(prospect.display_name),
        inert(prospect.at_handle),
        inert(prospect.bio),
        inert(context.notes),
        "".join(f"\n{tag}\n" for tag in tags),
        "" if status is None else status.name.lower(),
        pack(thread.to_wire()),
        now,
        prospect.external_id,
    )


INSERT_MESSAGE = (
    "INSERT INTO messages (rowid, id, thread_id, created_at, outbound, content, wire) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
    " content = excluded.content, wire = excluded.wire,"
    " outbound = excluded.outbound WHERE messages.wire != excluded.wire"
)


def _insert_apart(db: sqlite3.Connection, row: tuple[Any, ...]) -> None:
    """One message whose time-made rowid another holds: the next free one."""
    rowid = row[0]
    for _ in range(ROWID_SPREAD * 16):
        try:
            db.execute(INSERT_MESSAGE, (rowid, *row[1:]))
            return
        except sqlite3.IntegrityError:
            rowid = None if rowid is None else rowid + 1
    db.execute(INSERT_MESSAGE, (None, *row[1:]))


def time_rowid(stamp: datetime | None, message_id: str) -> int | None:
    """-(seconds * ROWID_SPREAD + bits of the ID): rowids in time order, newest lowest (None:
    SQLite's next, after all)."""
    if stamp is None:
        return None
    return -(
        round(stamp.timestamp()) * ROWID_SPREAD + zlib.crc32(message_id.encode()) % ROWID_SPREAD
    )


def _message_row(
    thread_id: str, message: Message, account_link_ids: frozenset[str] | set[str]
) -> tuple[Any, ...]:
    stamp = message.created_at
    return (
        time_rowid(stamp, message.id),
        message.id,
        thread_id,
        None if stamp is None else stamp.timestamp(),
        int(message.is_outbound(account_link_ids)),
        "" if message.deleted_at else inert(message.content),
        pack(message.to_wire()),
    )
