"""Which editor the composer's ctrl+e opens: the one git would."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping

# Without $VISUAL or $EDITOR: Debian's and Ubuntu's `editor` (the system's choice), then vi.
FALLBACKS = ("editor", "vi")


def editor_command(
    environ: Mapping[str, str], which: Callable[[str], str | None] = shutil.which
) -> str | None:
    """The editor's command line (to split as a shell would): $VISUAL, then $EDITOR, then
    `editor`, then `vi`, as git chooses; None when none of them is there."""
    for variable in ("VISUAL", "EDITOR"):
        command = environ.get(variable, "").strip()
        if command:
            return command
    return next((name for name in FALLBACKS if which(name) is not None), None)
