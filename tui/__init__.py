"""inbox-tui: a keyboard-driven terminal client for the Inbox API."""

import sys

__version__ = "0.1.0"

# httpx imports its own command-line client when it can (click and pygments: ~30 ms of every
# start, a tenth of a minimal Textual app's). We never use it, and httpx handles its absence
# (`from ._main import main` falls back to a stub on ImportError, which a None entry raises).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
