"""What went wrong writing to the data folder, told apart: a full disk and a read-only folder
pass (the app keeps what it has in memory and tries again), a busy database passes by itself
(another window is writing), a damaged one does not (it is set aside, or left off)."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from enum import Enum
from pathlib import Path


class DiskFault(Enum):
    FULL = "full"  # no room: ENOSPC, a quota, SQLITE_FULL
    READ_ONLY = "read-only"  # the folder or the file cannot be written
    BUSY = "busy"  # another process holds the database's write lock
    DAMAGED = "damaged"  # the file is not a database, or not a whole one


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
# The primary result codes (the low byte of an extended one) of sqlite3.Error.sqlite_errorcode.
_SQLITE = {
    13: DiskFault.FULL,  # SQLITE_FULL
    8: DiskFault.READ_ONLY,  # SQLITE_READONLY
    23: DiskFault.READ_ONLY,  # SQLITE_AUTH
    14: DiskFault.READ_ONLY,  # SQLITE_CANTOPEN: the folder does not let the file be made
    5: DiskFault.BUSY,  # SQLITE_BUSY
    6: DiskFault.BUSY,  # SQLITE_LOCKED
    11: DiskFault.DAMAGED,  # SQLITE_CORRUPT
    26: DiskFault.DAMAGED,  # SQLITE_NOTADB
}
SQLITE_IOERR = 10


def disk_fault(error: BaseException, folder: Path | None = None) -> DiskFault | None:
    """What `error` says about the disk; None when it says nothing about it (a bug: raised on).
    A disk I/O error is a full disk or a read-only folder more often than a damaged file
    (SQLite reports some failed writes so): `folder` tells which, when given."""
    if isinstance(error, OSError):
        if error.errno in _FULL_ERRNOS:
            return DiskFault.FULL
        if error.errno in _READ_ONLY_ERRNOS:
            return DiskFault.READ_ONLY
        # Anything else the disk says (EIO, a file where a folder should be): it cannot be
        # written now; kept in memory and tried again, as for a full disk.
        if folder is not None and not writable(folder):
            return DiskFault.READ_ONLY
        return DiskFault.FULL
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        # Raised by Python's sqlite3 over what SQLite read: text that is not UTF-8 any more,
        # a row that does not parse. Damage, as SQLite has no checksums to see it.
        said = str(error)
        damaged = ("malformed", "decode", "does not read back")
        return DiskFault.DAMAGED if any(word in said for word in damaged) else None
    primary = code & 0xFF
    if primary == SQLITE_IOERR:
        if folder is not None and not writable(folder):
            return DiskFault.READ_ONLY
        return DiskFault.FULL
    return _SQLITE.get(primary)  # (anything else is a bug of ours: raised on)


def writable(folder: Path) -> bool:
    """Whether files can be made in `folder` (or its nearest existing parent): tried, since
    the permission bits do not tell for root, nor for a file system mounted read-only."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    probe = folder / f".inbox-tui-probe-{os.getpid()}"
    try:
        probe.touch()
    except OSError:
        return False
    with contextlib.suppress(OSError):
        probe.unlink()
    return True


def fault_sentence(fault: DiskFault, what: str) -> str:
    """One sentence for the status line: what is not being saved, and why."""
    if fault is DiskFault.FULL:
        return f"The disk is full: {what} not being saved (kept while the app runs)"
    if fault is DiskFault.READ_ONLY:
        return f"The data folder is read-only: {what} not being saved (kept while the app runs)"
    if fault is DiskFault.BUSY:
        return f"Another window is writing: {what} saved in a moment"
    return f"The local store is damaged: {what} not being saved"
