"""The app exits, drafts kept, when its terminal goes away: the real command in a real pseudo-
terminal, launched as `make run` launches it (SIGHUP ignored, as a parent may leave it)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
import tty
from pathlib import Path

import pytest

from tests.app_helpers import kept_drafts
from tui.ui.hangup import terminal_gone

# Timing-bound (signals, a terminal of their own): these share one worker, one at a time.
pytestmark = pytest.mark.xdist_group("timing")

STARTUP_TIMEOUT = 60.0
EXIT_TIMEOUT = 10.0


def read_until(master: int, wanted: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"{wanted!r} never appeared on the terminal"
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
    return seen


def drain(master: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            os.read(master, 65536)


def ignore_hangups() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def launch(
    data_dir: Path, *arguments: str, ignore_sighup: bool = True
) -> tuple[subprocess.Popen[bytes], int]:
    master, slave = pty.openpty()
    env = {**os.environ, "INBOX_TUI_DATA_DIR": str(data_dir), "TERM": "xterm-256color"}
    env.pop("TEXTUAL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--demo", *arguments],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,  # a session of its own, as a terminal window gives
        preexec_fn=ignore_hangups if ignore_sighup else None,
    )
    os.close(slave)
    return proc, master


def type_a_draft(master: int) -> None:
    read_until(master, b"demo data", STARTUP_TIMEOUT)
    drain(master, 1.5)  # connected, first page shown
    os.write(master, b"\r")  # open the first thread
    drain(master, 1.0)
    os.write(master, b"r")
    drain(master, 0.5)
    os.write(master, b"typed before the window closed")
    drain(master, 0.2)  # less than the draft's save delay: only an exit can save it


def wait_exit(proc: subprocess.Popen[bytes]) -> int:
    try:
        return proc.wait(timeout=EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("the app kept running after its terminal went away")


def the_draft(data_dir: Path) -> str:
    store = kept_drafts(data_dir)
    return next((store.get(i) for i in store.thread_ids()), "")


def test_closing_the_terminal_ends_the_app_and_keeps_the_draft(tmp_path: Path) -> None:
    proc, master = launch(tmp_path)
    try:
        type_a_draft(master)
    finally:
        os.close(master)  # the window closes
    wait_exit(proc)
    assert the_draft(tmp_path) == "typed before the window closed"


def test_sighup_ends_the_app_even_when_ignored_by_its_parent(tmp_path: Path) -> None:
    proc, master = launch(tmp_path)
    try:
        type_a_draft(master)
        proc.send_signal(signal.SIGHUP)
        assert wait_exit(proc) == 129
    finally:
        os.close(master)
    assert the_draft(tmp_path) == "typed before the window closed"


def test_terminal_gone_reads_nothing_and_sees_the_hang_up() -> None:
    master, slave = pty.openpty()
    tty.setraw(slave)  # a key is readable at once, as the app's driver sets it
    try:
        os.write(master, b"x")
        assert not terminal_gone(slave)
        assert os.read(slave, 1) == b"x"  # nothing was consumed
        os.close(master)
        assert terminal_gone(slave)
    finally:
        os.close(slave)


def test_a_terminal_closed_while_the_app_starts_ends_it(tmp_path: Path) -> None:
    """The window closes while the app is still painting its first frames, and the kernel
    says so as it does to a terminal's session: SIGHUP, then SIGCONT. The app must still end.
    (Textual's writer thread died on its first failed write, and SIGCONT's "resume" then
    wrote into its full queue: the app blocked for ever, as `tmux kill-session` showed.)"""
    proc, master = launch(tmp_path, "--demo-threads", "10000", ignore_sighup=False)
    try:
        read_until(master, b"inbox-tui", STARTUP_TIMEOUT)  # the first frame, and no more
    finally:
        os.close(master)
    proc.send_signal(signal.SIGHUP)
    proc.send_signal(signal.SIGCONT)
    assert wait_exit(proc) == 129  # not 1: nothing failed on the way out
