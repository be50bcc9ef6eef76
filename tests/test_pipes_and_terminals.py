"""The command line's output in a pipe and on a terminal (#36): a reader that goes away early
(`inbox-tui search x | head -1`) ends it quietly, as `git log | head` does; on a terminal what
strangers wrote is inert, in a file or a pipe it is exact."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.test_mirror import filled
from tui.cli import main
from tui.core.mirror import mirror_path
from tui.demo.seed import HOSTILE_NAME


async def test_a_reader_gone_early_ends_every_command_quietly(tmp_path: Path) -> None:
    mirror, _, _ = await filled(tmp_path, threads=20)
    mirror.close()
    data_dir = tmp_path / "data"
    scope = mirror_path(data_dir, "demo-v2-300")  # the scope of `--demo` with its defaults
    scope.parent.mkdir(parents=True)
    mirror_path(tmp_path, "demo").rename(scope)
    env = {**os.environ, "INBOX_TUI_DATA_DIR": str(data_dir)}
    commands = (["search", "the", "--limit", "100"], ["mirror", "status"], ["export"])
    children = []
    for command in commands:
        read, write = os.pipe()
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "tui", "--demo", *command],
                stdout=write,
                stderr=subprocess.PIPE,
                env=env,
                text=True,
            )
        )
        # The reader is gone before a byte is written (as `| head -1` once it has its line):
        # every write of the command's meets a closed pipe, however little it has to say.
        os.close(write)
        os.close(read)
    for command, child in zip(commands, children, strict=True):
        _, err = child.communicate(timeout=60)
        assert err == "", (command, err)  # no traceback, no "Exception ignored"
        assert child.returncode == 141, command  # 128 + SIGPIPE, as the shell says of git's


def read_all(master: int, into: bytearray) -> None:
    """Everything the terminal shows, until the other side is closed."""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: no one holds the terminal's other side any more
            return
        if not chunk:
            return
        into.extend(chunk)


def test_csv_is_inert_on_a_terminal_and_exact_in_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.touch()
    master, slave = pty.openpty()
    shown = bytearray()
    reader = threading.Thread(target=read_all, args=(master, shown))
    reader.start()
    with open(slave, "w", encoding="utf-8") as terminal, monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", terminal)
        assert main(["--config", str(config), "--demo", "export", "--format", "csv"]) == 0
    reader.join(timeout=30)
    os.close(master)
    text = shown.decode("utf-8")
    assert "\x1b" not in text
    assert HOSTILE_NAME.replace("\x1b", "␛") in text  # shown, not obeyed
    kept = tmp_path / "all.csv"
    assert main(["--config", str(config), "--demo", "export", "-o", str(kept)]) == 0
    assert HOSTILE_NAME in kept.read_text(encoding="utf-8")  # the bytes the API gave
