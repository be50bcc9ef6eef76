"""What the app's SQLite files share (the mirror, tui/core/mirror.py; what the user wrote,
tui/core/writing.py): a transaction, a versioned schema, reading a file as it stands, and
moving a file aside with the WAL's files beside it."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

SIDE_FILES = ("", "-wal", "-shm")  # a database is its file and, in WAL mode, these beside it


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (taking the write lock at once), rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # (a failed COMMIT may have rolled back already)
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise


def migrate(db: sqlite3.Connection, migrations: Sequence[str], version: int) -> None:
    """Each migration after `version`, a transaction each; `PRAGMA user_version` says how
    many have run."""
    for number in range(version, len(migrations)):
        with transaction(db):
            for statement in statements(migrations[number]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")


def statements(script: str) -> list[str]:
    """A migration's statements, one by one (executescript would commit on its own); a
    trigger's body keeps its semicolons."""
    found, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith(";") and (
            not text.upper().startswith("CREATE TRIGGER") or text.endswith("END;")
        ):
            found.append(text)
            current = []
    return found


def open_read_only(path: Path, *, as_it_stands: bool = True) -> sqlite3.Connection:
    """The file read, never written. `as_it_stands`: without the WAL's shared-memory file,
    where nothing can make it (a read-only folder) and nothing writes the file meanwhile."""
    mode = "ro&immutable=1" if as_it_stands else "ro"
    return sqlite3.connect(
        f"{path.as_uri()}?mode={mode}", uri=True, isolation_level=None, check_same_thread=False
    )


def move_aside(path: Path, why: str) -> Path:
    """The database at `path` (and its WAL files) moved to `<name>.<why>-<time>`, never
    deleted; where it went. OSError when it cannot be moved."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.{why}-{stamp}{path.suffix}")
    for suffix in SIDE_FILES:
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.replace(Path(f"{aside}{suffix}"))
    return aside
