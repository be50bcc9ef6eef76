"""The screen the app composes its panes into."""

from __future__ import annotations

from textual.screen import Screen


class MainScreen(Screen[None]):
    """Focus starts on the thread list, not on the first focusable widget (the tabs), which
    would cost the first frame two restyles."""

    AUTO_FOCUS = "#thread-list"
