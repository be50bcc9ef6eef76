"""The baseline for cold start: a minimal Textual app that shows one line. With a
comma-separated list of modules as its argument, it imports them first."""

import importlib
import sys

from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("minimal app ready")


if __name__ == "__main__":
    for module in filter(None, (sys.argv[1] if len(sys.argv) > 1 else "").split(",")):
        importlib.import_module(module)
    Minimal().run()
