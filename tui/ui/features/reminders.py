"""Reminders (snooze): `z` on a thread (or the marked ones) takes it out of every view until
a time; then it comes back to the top of the list with "⏰ due", a notification and the
terminal's title counting it, until it is opened. `7` lists them: open, change, cancel.

They are kept on this machine (tui/core/reminders.py). A new message from them cancels a
reminder (one set "only if they have not answered" exists for that), found by live updates
while the app runs and checked again when the time comes."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from tui.api.errors import InboxError, NotFound
from tui.core.reminders import Reminder, ReminderStore, when_text
from tui.core.text import one_line
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from datetime import datetime

    from tui.core.model import Thread
    from tui.ui.desktop_notice import DesktopNotice
    from tui.ui.features.triage import TriageFeature
    from tui.ui.screens.reminders import ReminderAction, ReminderChoice
    from tui.ui.window_title import AccountTitle

CHECK_EVERY = 20.0  # seconds between looks for reminders whose time has come


class ReminderCame(Message):
    """A reminder's time came: its thread as the API has it now (None: it is gone)."""

    def __init__(self, reminder: Reminder, thread: Thread | None) -> None:
        super().__init__()
        self.reminder = reminder
        self.thread = thread


class ReminderCheckFailed(Message):
    def __init__(self, reminder: Reminder, error: InboxError) -> None:
        super().__init__()
        self.reminder = reminder
        self.error = error


class RemindersFeature(Feature):
    at_start = True  # its look at what came due while closed runs with the first page

    def __init__(
        self,
        shell: AppShared,
        *,
        triage: TriageFeature,
        notice: DesktopNotice,
        window_title: AccountTitle,
    ) -> None:
        super().__init__(shell)
        self.triage = triage  # whom `z` acts on: the marked threads, else the target
        self.notice = notice
        self.window_title = window_title
        self.store = ReminderStore(shell.writing)
        self._checking: set[str] = set()  # reminders whose thread is being read
        # The threads whose reminder is due, as read when it came: they lead the list's first
        # page in every view that holds them, until opened.
        self._due_threads: dict[str, Thread] = {}

    # --- the list's rows --------------------------------------------------------------------

    def show_kept_out(self) -> None:
        """Before any row is shown: the threads with a reminder pending stay out of the list,
        and those due are marked."""
        thread_list = self.shell.thread_list
        thread_list.kept_out = self.store.pending_ids()
        thread_list.due = self.store.due_times()
        self.window_title.count("due", len(thread_list.due))

    def reread(self) -> None:
        """Another window changed the reminders: the threads it put away leave this list too
        (those it let go come back with the next load), and what is due is marked."""
        thread_list = self.shell.thread_list
        pending = self.store.pending_ids()
        thread_list.kept_out &= pending
        if pending - thread_list.kept_out:
            thread_list.keep_out(pending - thread_list.kept_out)
        thread_list.due = self.store.due_times()
        self.window_title.count("due", len(thread_list.due))
        thread_list.refresh_rows()

    def start(self) -> None:
        """Once connected: reminders whose time came while the app was closed (and those due
        before, not opened yet), then a look every CHECK_EVERY seconds."""
        for reminder in self.store.all():
            if reminder.is_due:
                self._checking.add(reminder.thread_id)
                self._read_thread(reminder)
        self.check_due()
        self.set_interval(CHECK_EVERY, self.check_due)

    def lead_with_due(self) -> None:
        """A view's first page is shown: the due threads it holds lead it. Only the views whose
        rule the thread meets, as its own fields tell (Requests only a request, No reply only
        one where they wrote last, the filters and the search too): see view_holds."""
        from tui.core.offline_view import view_holds

        shell = self.shell
        query, thread_list = shell.thread_query, shell.thread_list
        links, now = shell.directory.account_link_ids, shell.clock()
        after, version = shell.settings.follow_up_after, shell.client.version
        for thread in self._due_threads.values():
            if thread_list.threads.position(thread.id) is None and view_holds(
                query, thread, links, now, after, version
            ):
                thread_list.put_first(thread)

    def _now(self) -> datetime:
        return self.shell.clock().astimezone()  # the user's local time: "tonight" is theirs

    # --- setting ----------------------------------------------------------------------------

    def action_remind(self) -> None:
        from tui.ui.screens.reminders import RemindScreen

        targets = self.triage.triage_targets()
        if not targets:
            self.notify("No thread to remind you of.", severity="warning", markup=False)
            return
        who = targets[0].prospect.display_name if len(targets) == 1 else f"{len(targets)} threads"
        current = self.store.get(targets[0].id) if len(targets) == 1 else None

        def chosen(choice: ReminderChoice | None) -> None:
            if choice is not None:
                self.remind(targets, choice)

        self.shell.push_screen(RemindScreen(who, self._now, current=current), chosen)

    def remind(self, threads: list[Thread], choice: ReminderChoice) -> None:
        set_at = self.shell.clock()
        for thread in threads:
            last = thread.last_message
            self.store.put(
                Reminder(
                    thread_id=thread.id,
                    due=choice.due,
                    set_at=set_at,
                    name=thread.prospect.display_name,
                    handle=thread.prospect.at_handle,
                    last_message_id=None if last is None else last.id,
                    unless_answered=choice.unless_answered,
                )
            )
        thread_list = self.shell.thread_list
        ids = {t.id for t in threads}
        for thread_id in ids:
            thread_list.due.pop(thread_id, None)
        thread_list.keep_out(ids)
        self.window_title.count("due", len(thread_list.due))
        shown = self.shell.shown_target
        if shown is not None and shown.id in ids:
            # Out of the view: the thread that takes its place under the cursor is the target.
            self.shell.show_sidebar_for(thread_list.current)
        self.shell.set_status(self.shell.count_text())
        when = when_text(choice.due, self._now())
        who = (
            one_line(threads[0].prospect.display_name, 40)
            if len(threads) == 1
            else f"{len(threads)} threads"
        )
        unless = ", unless they answer first" if choice.unless_answered else ""
        self.notify(
            f"Reminder set: {who}, {when}{unless}. 7 lists reminders.",
            timeout=5,
            markup=False,
        )

    # --- coming due -------------------------------------------------------------------------

    def check_due(self) -> None:
        for reminder in self.store.come_due(self.shell.clock()):
            if reminder.thread_id not in self._checking:
                self._checking.add(reminder.thread_id)
                self._read_thread(reminder)

    @work(group="reminders")
    async def _read_thread(self, reminder: Reminder) -> None:
        try:
            thread = await self.shell.client.get_thread(reminder.thread_id)
        except NotFound:
            self.post_message(ReminderCame(reminder, None))
            return
        except InboxError as error:
            self.post_message(ReminderCheckFailed(reminder, error))
            return
        self.post_message(ReminderCame(reminder, thread))

    def on_reminder_check_failed(self, message: ReminderCheckFailed) -> None:
        # Tried again at the next look (offline, rate-limited): the thread stays out till then.
        self._checking.discard(message.reminder.thread_id)
        self.shell.set_status(
            f"A reminder is due, but its thread could not be read: {describe_error(message.error)}",
            error=True,
            transient=True,
        )

    def on_reminder_came(self, message: ReminderCame) -> None:
        reminder, thread = message.reminder, message.thread
        self._checking.discard(reminder.thread_id)
        if self.store.get(reminder.thread_id) != reminder:
            return  # changed or cancelled meanwhile
        thread_list = self.shell.thread_list
        name = one_line(reminder.name, 40) or "(no name)"
        if thread is None:
            self.store.remove(reminder.thread_id)
            thread_list.kept_out.discard(reminder.thread_id)
            self.notify(
                f"Reminder dropped: {name}'s thread is gone.", severity="warning", markup=False
            )
            return
        if reminder.is_due:  # (due before this start)
            self._due_threads[thread.id] = thread
            self.lead_with_due()
            return
        if self.answered(thread, reminder):
            self._let_in(thread)
            self.notify(f"{name} answered: the reminder is done.", timeout=6, markup=False)
            return
        self.store.mark_due(thread.id)
        thread_list.due[thread.id] = reminder.due
        self._due_threads[thread.id] = thread
        self._let_in(thread)
        self.window_title.count("due", len(thread_list.due))
        self.notify(
            f"⏰ Reminder: {name} {one_line(reminder.handle, 30)}", timeout=10, markup=False
        )
        self.notice.new_message(thread.id, f"⏰ {reminder.name}", "Reminder")

    def _let_in(self, thread: Thread) -> None:
        """Back in the list: at its top when the view shown holds it, else in the views."""
        self.shell.thread_list.kept_out.discard(thread.id)
        self.lead_with_due()
        self.shell.refresh_target()

    def answered(self, thread: Thread, reminder: Reminder) -> bool:
        """A message from them since the reminder was set."""
        last = thread.last_message
        if last is None or last.id == reminder.last_message_id:
            return False
        if last.is_outbound(self.shell.directory.account_link_ids):
            return False
        self.store.remove(thread.id)
        return True

    def on_page(self, threads: list[Thread]) -> None:
        """A page live updates read: a thread kept out that they answered comes back (before
        the page is merged into the list, which then takes it)."""
        kept_out = self.shell.thread_list.kept_out
        for thread in threads:
            reminder = self.store.get(thread.id) if thread.id in kept_out else None
            if reminder is not None and self.answered(thread, reminder):
                kept_out.discard(thread.id)

    def opened(self, thread: Thread) -> None:
        """A due thread opened: its reminder has done its job."""
        reminder = self.store.get(thread.id)
        if reminder is not None and reminder.is_due:
            self.store.remove(thread.id)
            self._due_threads.pop(thread.id, None)
            thread_list = self.shell.thread_list
            thread_list.due.pop(thread.id, None)
            thread_list.refresh_rows()
            self.window_title.count("due", len(thread_list.due))

    # --- the list of reminders --------------------------------------------------------------

    def action_list(self) -> None:
        from tui.ui.screens.reminders import RemindersScreen

        def acted(action: ReminderAction | None) -> None:
            if action is not None:
                self._act(action)

        self.shell.push_screen(RemindersScreen(self.store.all, self.cancel, self._now), acted)

    def _act(self, action: ReminderAction) -> None:
        from tui.ui.screens.reminders import RemindScreen

        reminder = self.store.get(action.thread_id)
        if reminder is None:
            return
        if action.what == "open":
            self._open(reminder)
            return

        def chosen(choice: ReminderChoice | None) -> None:
            if choice is not None and self.store.get(reminder.thread_id) is not None:
                changed = replace(
                    reminder,
                    due=choice.due,
                    unless_answered=choice.unless_answered,
                    is_due=False,
                )
                self.store.put(changed)
                thread_list = self.shell.thread_list
                thread_list.due.pop(reminder.thread_id, None)
                self._due_threads.pop(reminder.thread_id, None)
                thread_list.keep_out([reminder.thread_id])
                self.window_title.count("due", len(thread_list.due))
            self.action_list()  # back to the list, changed

        self.shell.push_screen(RemindScreen(reminder.name, self._now, current=reminder), chosen)

    def cancel(self, thread_id: str) -> None:
        """The reminder goes; its thread is back in the views (at the next load)."""
        self._due_threads.pop(thread_id, None)
        if self.store.remove(thread_id) is None:
            return
        thread_list = self.shell.thread_list
        thread_list.kept_out.discard(thread_id)
        if thread_id in thread_list.due:
            thread_list.due.pop(thread_id, None)
            thread_list.refresh_rows()
            self.window_title.count("due", len(thread_list.due))

    def _open(self, reminder: Reminder) -> None:
        """The thread opened, whether it is in the list or kept out of it."""
        row = self.shell.thread_list.threads.find(reminder.thread_id)
        if row is not None:
            self.shell.open_thread(row)
            return
        self._fetch_and_open(reminder.thread_id)

    @work(group="reminders")
    async def _fetch_and_open(self, thread_id: str) -> None:
        try:
            thread = await self.shell.client.get_thread(thread_id)
        except InboxError as error:
            self.notify(
                f"Could not open the thread: {describe_error(error)}",
                severity="error",
                markup=False,
            )
            return
        self.post_message(ReminderOpened(thread))

    def on_reminder_opened(self, message: ReminderOpened) -> None:
        self.shell.open_thread(message.thread)


class ReminderOpened(Message):
    def __init__(self, thread: Thread) -> None:
        super().__init__()
        self.thread = thread
