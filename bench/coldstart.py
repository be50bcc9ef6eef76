"""Cold start in a real pseudo-terminal (tmux): launch to the first thread row on screen."""

from __future__ import annotations

import re
import shlex
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# A thread row: the marker column, a name, then an @handle.
THREAD_ROW = r"^\s.{0,3}\S.*@\w+.*\d+[mhd]\s"


@contextmanager
def tmux_server() -> Iterator[None]:
    """One tmux server for all the runs: without a session holding it, the server exits after
    each run and the next launch can race its shutdown (and would pay for starting it)."""
    holder = f"bench-hold-{uuid.uuid4().hex[:8]}"
    subprocess.run(["tmux", "new-session", "-d", "-s", holder, "sleep 3600"], check=True)
    try:
        yield
    finally:
        subprocess.run(["tmux", "kill-session", "-t", holder], capture_output=True)


def time_to_screen(
    command: str,
    pattern: str,
    timeout: float = 30.0,
    linger: float = 0.0,
    size: tuple[int, int] = (120, 36),
    cwd: Path | None = None,
) -> float:
    """Seconds from starting `command` in a fresh tmux pane of `size` (columns, lines), in
    `cwd` if given, until `pattern` is on screen; with `linger`, the program keeps running that
    long after (not timed) before it is closed."""
    session = f"bench-{uuid.uuid4().hex[:8]}"
    regex = re.compile(pattern, re.MULTILINE)
    pane = ["-x", str(size[0]), "-y", str(size[1]), *(["-c", str(cwd)] if cwd else [])]
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, *pane, command], check=True)
    pid = subprocess.run(
        ["tmux", "display-message", "-p", "-t", session, "#{pane_pid}"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if regex.search(screen):
                elapsed = time.perf_counter() - start
                time.sleep(linger)
                return elapsed
            time.sleep(0.005)
        raise TimeoutError(f"{pattern!r} did not appear within {timeout} s")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        wait_gone(pid)


def wait_gone(pid: str, timeout: float = 10.0) -> None:
    """Until the program of a closed pane has exited: a launch still winding down would take
    the CPU from the next one measured."""
    if not pid.isdigit():
        return
    deadline = time.perf_counter() + timeout
    while Path(f"/proc/{pid}").exists() and time.perf_counter() < deadline:
        time.sleep(0.01)


def app_first_row(
    threads: int,
    data_dir: Path,
    linger: float = 0.0,
    version: str = "v2",
    python: Path | None = None,
    cwd: Path | None = None,
    size: tuple[int, int] = (120, 36),
) -> float:
    """The app of `python` (this one by default) launched in `cwd`: `-m tui` imports the tree
    it is started in, so another build's python and tree time that build."""
    interpreter = shlex.quote(str(python or sys.executable))
    command = (
        f"env INBOX_TUI_DATA_DIR={shlex.quote(str(data_dir))} INBOX_API_VERSION={version} "
        f"{interpreter} -m tui --demo --demo-threads {threads}"
    )
    return time_to_screen(command, THREAD_ROW, linger=linger, size=size, cwd=cwd)


def has_cached_rows(data_dir: Path) -> bool:
    """Whether a launch left the rows a later launch paints first (see tui/core/cache.py), in
    the mirror's database or, as builds before the mirror kept them, in a view's JSON file."""
    for path in data_dir.glob("cache/*/view-*.json"):
        if '"rows": [[' in path.read_text(encoding="utf-8"):
            return True
    for path in data_dir.glob("mirror/*.sqlite3"):
        db = sqlite3.connect(path)
        try:
            if db.execute("SELECT 1 FROM views WHERE rows LIKE '[[%' LIMIT 1").fetchone():
                return True
        except sqlite3.Error:
            continue
        finally:
            db.close()
    return False


def minimal_first_line(importing: str = "", size: tuple[int, int] = (120, 36)) -> float:
    """The minimal app; with `importing`, after importing those modules first (how much of the
    app's start is its imports alone)."""
    python = shlex.quote(sys.executable)
    script = shlex.quote(str(REPO / "bench" / "minimal_app.py"))
    arguments = f" {shlex.quote(importing)}" if importing else ""
    return time_to_screen(f"{python} {script}{arguments}", "minimal app ready", size=size)
