"""The `inbox-tui` command's entry point (and `python -m tui`'s): the garbage collector is
paused before anything else is imported. Imports make objects that live as long as the process
(modules, classes), and collections that find nothing to free cost ~5% of the app's start. The
app's first frame resumes it (tui/ui/heap.py); a subcommand resumes it at once (tui/cli)."""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    from tui.cli import main as command_line

    return command_line()
