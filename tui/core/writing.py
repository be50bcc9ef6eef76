"""What the user wrote that the service does not have (drafts, message edits, sends waiting out
the undo delay, reminders, edits made offline), kept in the account's own SQLite file:
`writing/<account>.sqlite3` in the data folder. Apart from the mirror on purpose: the mirror is
a copy of the service that can be forgotten and walked again; this is not.

- One row per thing written, each write its own transaction, stamped with when the user did it:
  two windows on one data folder add up, and for one row the later keystroke wins (a write
  older than the row's stamp changes nothing). A removal is a row without a body for a while,
  so an older write from another window cannot bring it back.
- Another process's commits are noticed (`PRAGMA data_version`) and read again.
- What cannot be written (a full disk, a read-only folder, a busy or damaged file) stays in
  memory, with `fault` saying why, and is written when a write works again: nothing typed is
  lost while the app runs. A damaged file is set aside after what it held is copied out.
- The JSON files this replaced (drafts.json, waiting-edits.json, reminders/<account>.json) are
  read in once, then renamed `*.imported.json`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from tui.core.disk_faults import DiskFault, disk_fault
from tui.core.sqlite_files import migrate, move_aside, open_read_only, transaction

DRAFT = "draft"  # a thread's reply draft, a message's edit, a send waiting (see drafts.py)
REMINDER = "reminder"  # by thread (see reminders.py)
EDIT = "edit"  # a group of edits made offline (see waiting_edits.py)

# Each entry moves the schema one version forward (tui/core/sqlite_files.py's migrate). IF NOT
# EXISTS: two windows may make the file at once.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS writing (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        body TEXT,             -- JSON, or NULL: removed (see FORGET_REMOVED_AFTER)
        at REAL NOT NULL,      -- when the user did it (seconds since the epoch): the later wins
        PRIMARY KEY (kind, key)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
FORGET_REMOVED_AFTER = 7 * 24 * 3600.0  # seconds a removal is remembered
# Read as bytes, decoded row by row: a damaged row is skipped, not the whole read.
_SELECT = "SELECT CAST(kind AS BLOB), CAST(key AS BLOB), CAST(body AS BLOB), at FROM writing"
_UPSERT = (
    "INSERT INTO writing (kind, key, body, at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body, at = excluded.at "
    "WHERE excluded.at >= writing.at"
)


class Row(NamedTuple):
    body: dict[str, Any] | None  # None: removed
    at: float


def writing_path(data_dir: Path, scope: str) -> Path:
    """One file per account (Settings.cache_scope names it, never the key)."""
    return data_dir / "writing" / f"{scope}.sqlite3"


class WritingStore:
    def __init__(
        self, data_dir: Path, scope: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = writing_path(data_dir, scope)
        self._data_dir, self._scope, self._clock = data_dir, scope, clock
        self._rows: dict[str, dict[str, Row]] = {}  # what is known: on disk, and pending
        self._pending: dict[tuple[str, str], Row] = {}  # written here, not yet on disk
        self._db: sqlite3.Connection | None = None
        self._seen_version: int | None = None
        self._last_at = 0.0
        self._setting_aside = False
        self._aside_failed = False
        self._inode: int | None = None  # the file this window's connection has open
        # Why writes are not reaching the disk now (None: they are). The app says it once.
        self.fault: DiskFault | None = None
        self.notices: list[str] = []  # what happened to the file, each said once
        self._open()

    # --- reading ----------------------------------------------------------------------------

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        row = self._rows.get(kind, {}).get(key)
        return None if row is None or row.body is None else dict(row.body)

    def items(self, kind: str) -> list[tuple[str, dict[str, Any], float]]:
        """Every row of `kind`, oldest first: key, body, when."""
        rows = self._rows.get(kind, {})
        found = [(k, dict(r.body), r.at) for k, r in rows.items() if r.body is not None]
        return sorted(found, key=lambda item: (item[2], item[0]))

    @property
    def unsaved(self) -> int:
        """How many writes wait for the disk."""
        return len(self._pending)

    # --- writing ----------------------------------------------------------------------------

    def put(self, kind: str, key: str, body: dict[str, Any] | None) -> None:
        """Keep `body` under `kind`/`key` (None removes it), in memory now and on disk at once
        when the disk lets it (else when it does: see `retry`)."""
        self.put_many([(kind, key, body)])

    def put_many(self, rows: list[tuple[str, str, dict[str, Any] | None]]) -> None:
        """Several rows in one transaction: all of them on disk, or none (a crash between two
        writes of one change leaves neither half)."""
        for kind, key, body in rows:
            known = self._rows.get(kind, {}).get(key)
            # Later than this window's last write (two in one tick keep their order) and than
            # the row as this window saw it: a clock stepped back does not make it older.
            at = max(self._clock(), self._last_at + 1e-6, known.at + 1e-6 if known else 0.0)
            self._last_at = at
            row = Row(None if body is None else dict(body), at)
            self._rows.setdefault(kind, {})[key] = row
            if _storable(key):
                self._pending[(kind, key)] = row
            else:  # (an ID that is not text, from a bad answer: kept for this session only)
                self.notices.append(f"Kept in memory only (its ID is not text): {key!a}")
        self._flush()

    def retry(self) -> bool:
        """Write what waits, if anything does: whether all of it is on disk now."""
        return self._flush(retrying=True)

    def changed_elsewhere(self) -> set[str]:
        """The kinds another process changed since this one last looked (they are read again);
        empty when none did. Cheap when nothing changed: one pragma."""
        if self._db is not None and self._moved():
            self._requeue_all()
            self._flush(retrying=True)
        if self._db is None:
            if not self.path.exists() or self.fault is DiskFault.DAMAGED:
                return set()
            try:  # (another window made the file since)
                self._db = self._connect()
            except (sqlite3.Error, OSError) as error:
                self._trouble(error)
                return set()
            self._seen_version = None
        try:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            if version == self._seen_version:
                return set()
            fresh = self._read_rows(self._db)
        except sqlite3.Error as error:
            self._trouble(error)
            return set()
        self._seen_version = version
        for (kind, key), row in self._pending.items():  # what this window wrote still counts
            if key not in fresh.get(kind, {}) or fresh[kind][key].at <= row.at:
                fresh.setdefault(kind, {})[key] = row
        changed = {
            kind
            for kind in set(fresh) | set(self._rows)
            if _bodies(fresh.get(kind, {})) != _bodies(self._rows.get(kind, {}))
        }
        self._rows = fresh
        return changed

    def _take(self, found: dict[str, dict[str, Row]]) -> list[tuple[str, str, Row]]:
        """Rows read elsewhere (a damaged file, the former JSON files), each kept where it is
        newer than what this window holds; those it took."""
        taken = []
        for kind, rows in found.items():
            for key, row in rows.items():
                known = self._rows.get(kind, {}).get(key)
                if known is None or known.at < row.at:
                    self._rows.setdefault(kind, {})[key] = row
                    taken.append((kind, key, row))
        return taken

    def _moved(self) -> bool:
        """Whether the file this window has open is no longer the one at its path (another
        window set it aside, damaged, or it was deleted)."""
        return self._inode != _inode(self.path)

    def _requeue_all(self) -> None:
        """To the file there is now goes all this window holds (each row's stamp decides)."""
        self.close()
        for kind, rows in self._rows.items():
            for key, row in rows.items():
                if _storable(key):
                    self._pending.setdefault((kind, key), row)

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    # --- the file ---------------------------------------------------------------------------

    def _open(self) -> None:
        legacy = _legacy_rows(self._data_dir, self._scope)
        if self.path.exists():
            self._connect_quietly()
        if legacy:
            for kind, key, row in self._take(legacy):
                self._pending[(kind, key)] = row
            if self._flush() and self._db is not None:
                for path in _legacy_paths(self._data_dir, self._scope):
                    with contextlib.suppress(OSError):
                        path.replace(path.with_suffix(".imported.json"))

    def _connect_quietly(self) -> None:
        """Open the file there is and read it; any trouble is told apart, never raised."""
        try:
            self._db = self._connect()
            self._rows = self._read_rows(self._db)
            self._seen_version = self._db.execute("PRAGMA data_version").fetchone()[0]
        except (sqlite3.Error, OSError) as error:
            self.close()
            self._trouble(error, opening=True)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Made private before SQLite makes its -wal and -shm files, which take its mode.
        os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0.5)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.OperationalError(  # (read, never written: see _trouble)
                    "attempt to write a readonly database (written by a newer inbox-tui)"
                )
            if version < SCHEMA_VERSION:
                db.execute("PRAGMA journal_mode = WAL")
                migrate(db, MIGRATIONS, version)
            # Each commit reaches the disk (an fsync): what was typed survives a power cut too;
            # at one write per pause in typing, the cost is not felt.
            db.execute("PRAGMA synchronous = FULL")
        except BaseException:
            db.close()
            raise
        self._inode = _inode(self.path)
        return db

    @staticmethod
    def _read_rows(db: sqlite3.Connection) -> dict[str, dict[str, Row]]:
        """Every row; a row that does not read back (garbled by damage SQLite cannot see: it
        has no checksums) is damage like any other, not a draft quietly gone."""
        rows: dict[str, dict[str, Row]] = {}
        for kind, key, body, at in db.execute(_SELECT):
            try:
                rows.setdefault(kind.decode(), {})[key.decode()] = _row(body, at)
            except (ValueError, TypeError, AttributeError) as error:
                raise sqlite3.DatabaseError(f"a row does not read back ({error})") from error
        return rows

    def _flush(self, *, retrying: bool = False) -> bool:
        if not self._pending:
            return True
        if self.fault is not None and not retrying and self.fault is not DiskFault.BUSY:
            return False  # (tried again on the app's timer, not on every key)
        try:
            if self._db is not None and self._moved():
                self._requeue_all()
            if self._db is None:
                self._db = self._connect()
                self._seen_version = None  # (another window may have written before: read it)
            with transaction(self._db) as db:
                db.executemany(
                    _UPSERT,
                    [
                        (kind, key, None if r.body is None else _dumps(r.body), r.at)
                        for (kind, key), r in self._pending.items()
                    ],
                )
                db.execute(
                    "DELETE FROM writing WHERE body IS NULL AND at < ?",
                    (self._clock() - FORGET_REMOVED_AFTER,),
                )
        except (sqlite3.Error, OSError) as error:
            self._trouble(error)
            return False
        self._pending.clear()
        if self.fault is not None:
            self.fault = None
            self.notices.append("Drafts and reminders are being saved again")
        return True

    def _trouble(self, error: BaseException, *, opening: bool = False) -> None:
        fault = disk_fault(error, self.path.parent)
        if fault is None:
            raise error
        if fault is DiskFault.DAMAGED:
            if not self._setting_aside and not self._aside_failed:
                self._set_aside(str(error))
            else:
                self.fault = fault
            return
        if opening and self.path.exists():
            # Full, busy, read-only or newer: what the file holds is read all the same (and
            # merged by stamp once it can be written), never hidden from the user.
            self._take(_salvage(self.path))
        self.fault = fault

    def _set_aside(self, why: str) -> None:
        """A damaged file: what can be read from it is copied out (with what this window
        holds), the file is moved aside, never deleted, and a new one takes it all."""
        self.close()
        self._take(_salvage(self.path))
        try:
            aside = move_aside(self.path, "damaged")
        except OSError:
            self.fault = DiskFault.DAMAGED  # (it stays where it is: this session keeps memory)
            self._aside_failed = True  # (said once; not tried again this session)
            self.notices.append(
                f"The file of drafts and reminders is damaged ({why}) and could not be moved"
                f" aside: they are kept in memory for this session ({self.path})"
            )
            return
        self._requeue_all()
        self.notices.append(
            f"The file of drafts and reminders was damaged ({why}): what it held is copied to a"
            f" new one, and the old one is kept aside as {aside.name}"
        )
        self.fault = None
        self._setting_aside = True  # (a new file that fails too is not set aside in turn)
        try:
            self._flush()
        finally:
            self._setting_aside = False


def _row(body: bytes | None, at: float) -> Row:
    """A row as stored (its body read as bytes); ValueError when it does not read back."""
    parsed = None if body is None else json.loads(body.decode())
    if parsed is not None and not isinstance(parsed, dict):
        raise ValueError("not an object")
    return Row(parsed, float(at))


def _storable(key: str) -> bool:
    try:
        key.encode()
    except UnicodeEncodeError:
        return False
    return True


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _bodies(rows: dict[str, Row]) -> dict[str, dict[str, Any]]:
    return {key: row.body for key, row in rows.items() if row.body is not None}


def _dumps(body: dict[str, Any]) -> str:
    # ASCII: a lone surrogate (a bad paste) is kept as its escape; SQLite refuses it raw.
    return json.dumps(body, separators=(",", ":"))


def _salvage(path: Path) -> dict[str, dict[str, Row]]:
    """What can still be read from a damaged file, row by row (read only, never written)."""
    found: dict[str, dict[str, Row]] = {}
    db = None
    # Read-only first; as it stands where even that cannot be: a read-only folder has no room
    # for the WAL's shared-memory file.
    for as_it_stands in (False, True):
        try:
            db = open_read_only(path, as_it_stands=as_it_stands)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            break
        except sqlite3.Error:
            if db is not None:
                db.close()
            db = None
    if db is None:
        return found
    try:
        for kind in (DRAFT, REMINDER, EDIT):
            with contextlib.suppress(sqlite3.Error):
                for key, body, at in _each(db, kind):
                    with contextlib.suppress(ValueError, TypeError, AttributeError):
                        row = _row(body, at)
                        if row.body is not None:
                            found.setdefault(kind, {})[key.decode()] = row
    finally:
        db.close()
    return found


def _each(db: sqlite3.Connection, kind: str) -> Iterator[tuple[Any, Any, Any]]:
    yield from db.execute(
        "SELECT CAST(key AS BLOB), CAST(body AS BLOB), at FROM writing WHERE kind = ?", (kind,)
    )


# --- the JSON files this replaced -------------------------------------------------------------


def _legacy_paths(data_dir: Path, scope: str) -> list[Path]:
    """The files this account reads in. drafts.json and waiting-edits.json were one for every
    account: a real account takes them (the demo's never does), and they are kept, renamed,
    rather than deleted."""
    shared = [] if scope.startswith("demo-") else ["drafts.json", "waiting-edits.json"]
    return [*(data_dir / name for name in shared), data_dir / "reminders" / f"{scope}.json"]


def _legacy_rows(data_dir: Path, scope: str) -> dict[str, dict[str, Row]]:
    """The rows the former JSON files hold (none when there are none: three stat calls)."""
    found = {p.name: _read_json(p) for p in _legacy_paths(data_dir, scope)}
    drafts, edits = found.get("drafts.json"), found.get("waiting-edits.json")
    reminders = found.get(f"{scope}.json")
    rows: dict[str, dict[str, Row]] = {DRAFT: {}, EDIT: {}, REMINDER: {}}
    for key, entry in (drafts if isinstance(drafts, dict) else {}).items():
        if isinstance(entry, dict) and isinstance(entry.get("text"), str):
            rows[DRAFT][str(key)] = Row(entry, _stamp(entry.get("updated")))
    for index, group in enumerate(edits if isinstance(edits, list) else []):
        if isinstance(group, dict):  # (kept in their order; the same key in every window)
            digest = hashlib.sha256(f"{index}:{_dumps(group)}".encode()).hexdigest()[:32]
            rows[EDIT][digest] = Row(group, 1.0 + index)
    for entry in reminders if isinstance(reminders, list) else []:
        if isinstance(entry, dict) and "thread_id" in entry:
            rows[REMINDER][str(entry["thread_id"])] = Row(entry, _stamp(entry.get("set_at")))
    return {kind: found for kind, found in rows.items() if found}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        with contextlib.suppress(OSError):  # (never overwritten: it holds what was typed)
            path.replace(path.with_suffix(".unreadable.json"))
        return None


def _stamp(text: object) -> float:
    try:
        return datetime.fromisoformat(str(text)).timestamp()
    except ValueError:
        return 1.0
