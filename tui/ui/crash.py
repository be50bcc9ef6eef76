"""What the terminal shows when the app crashes."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment, Segments

from tui.core.secrets import redact


def crash_report(console: Console) -> Segments:
    """The traceback without local variables (they can hold the API key), and with any known
    secret redacted: Textual's default shows locals."""
    import rich
    from rich.traceback import Traceback

    with console.capture() as capture:
        console.print(Traceback(show_locals=False, width=None, suppress=[rich]))
    return Segments([Segment(redact(capture.get()))])
