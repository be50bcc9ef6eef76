"""Typing indicators: while the user types a reply, the other side is shown that we are typing
(at most one signal per thread every 2.5 s, only where the thread allows it; `typing_indicators
= false` turns it off). A signal is a courtesy: one that is skipped or fails is not retried and
not reported, since nothing the user did is lost by it."""

from __future__ import annotations

import time
from contextlib import suppress

from textual import work

from tui.api.errors import InboxError
from tui.ui.features.shared import AppShared, Feature

TYPING_EVERY = 2.5  # seconds between signals per thread: the service's own limit


class TypingFeature(Feature):
    def __init__(self, shell: AppShared) -> None:
        super().__init__(shell)
        self.every = TYPING_EVERY  # (tests shorten it)
        self._sent_at: dict[str, float] = {}  # thread ID -> when its last signal went

    def typed(self, thread_id: str) -> None:
        """The user changed the reply to `thread_id`."""
        if not self.shell.settings.typing_indicators:
            return
        thread = self.shell.latest(self.shell.message_view.thread)
        if thread is None or thread.id != thread_id or not thread.sends_typing():
            return
        now = time.monotonic()
        if now - self._sent_at.get(thread_id, -self.every) < self.every:
            return
        self._sent_at[thread_id] = now
        self._signal(thread_id)

    @work(group="typing")
    async def _signal(self, thread_id: str) -> None:
        with suppress(InboxError):
            await self.shell.client.send_typing(thread_id)
