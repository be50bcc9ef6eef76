"""What the user wrote, kept on disk (tui/core/writing.py) while the app runs: another window's
drafts, reminders and waiting edits are read as they change (every CHECK_EVERY seconds, and
when the terminal gets the focus back), and writes the disk refused (full, read-only, busy)
are tried again until it takes them. Why they are not being saved is said once, and stays on
the status line's resting text while it lasts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events

from tui.core.disk_faults import DiskFault, fault_sentence
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from tui.core.writing import WritingStore

CHECK_EVERY = 2.0  # seconds between looks at what other windows wrote (one pragma each)
RETRY_EVERY = 5.0  # seconds between tries of writes the disk refused


class SavingFeature(Feature):
    def __init__(
        self,
        shell: AppShared,
        *,
        store: WritingStore,
        changed: Callable[[set[str]], None],
    ) -> None:
        super().__init__(shell)
        self.store = store
        self.changed = changed  # the kinds another window changed: the panes that show them
        self._said: str | None = None  # the fault last said (said again only when it changes)
        self._since_retry = 0.0

    def on_mount(self) -> None:
        self.set_interval(CHECK_EVERY, self.check)
        self.call_after_refresh(self._say)  # (a fault at opening, a store set aside)

    def on_app_focus(self, _event: events.AppFocus) -> None:
        self.check()

    def check(self) -> None:
        kinds = self.store.changed_elsewhere()
        if kinds:
            self.changed(kinds)
        if self.store.unsaved:
            self._since_retry += CHECK_EVERY
            if self._since_retry >= RETRY_EVERY:
                self._since_retry = 0.0
                self.store.retry()
        self._say()

    @property
    def unsaved_text(self) -> str:
        """For the status line's resting text while writes wait for the disk."""
        count, fault = self.store.unsaved, self.store.fault
        if fault is DiskFault.READ_ONLY and not count:
            return "read-only: not saving"
        return f"{count} unsaved ({fault.value} disk)" if count and fault is not None else ""

    def _say(self) -> None:
        for notice in self.store.notices:
            self.notify(notice, severity="warning", timeout=10, markup=False)
        self.store.notices.clear()
        fault = self.store.fault
        if fault is DiskFault.BUSY and not self.store.unsaved:
            fault = None  # (another window was writing; nothing of this one's waits)
        sentence = None if fault is None else fault_sentence(fault, "drafts and reminders are")
        if sentence != self._said:
            self._said = sentence
            if sentence is not None:
                self.notify(sentence + ".", severity="warning", timeout=10, markup=False)
                self.shell.set_status(sentence, error=True)
            self.shell.refresh_resting_status()
