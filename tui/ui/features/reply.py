"""Replying: the composer, drafts on disk, and sends that are never lost and never doubled.

A send shows at once as pending. Confirmed: it becomes the server's message and the draft goes.
Refused: it stays, marked failed, its text back in the composer, R retries. Outcome unknown (the
request may have left): the thread is re-read to see if it arrived. On v2 every send carries an
Idempotency-Key, written with the draft before the request leaves: the client retries it
safely, and a retry by hand or after a restart reuses it, so the service replays the first send
instead of delivering a second.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time
import uuid
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.timer import Timer

from tui.api.errors import InboxError, SendUnconfirmed, TransportError
from tui.core.directory import Directory
from tui.core.drafts import Quote, ScheduledSend
from tui.core.editor import editor_command
from tui.core.text import one_line, unsendable
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature, Needs

if TYPE_CHECKING:
    from tui.core.model import Message as ApiMessage
    from tui.core.model import Thread
    from tui.ui.features.offline import OfflineFeature
    from tui.ui.features.typing import TypingFeature
    from tui.ui.widgets.composer import ComposerInput
    from tui.ui.widgets.message_view import Pending

DRAFT_SAVE_DELAY = 0.3  # seconds of quiet typing before the draft is written
TYPING_PAUSE = 2.0  # seconds after a keystroke that a draft from another window waits
LONG_DRAFT = 280  # characters: clearing more than this asks first


QUOTING = Needs("Replying to a message", "message:reply", instead=" (r replies plainly)")


class UnsentSettled(Message):
    """A message offered after a restart was sent (error None) or not."""

    def __init__(self, send: ScheduledSend, error: str | None) -> None:
        super().__init__()
        self.send = send
        self.error = error


class UnsentNamed(Message):
    """The messages to offer after a restart, with whom each is for (by local id; a thread
    that could not be read is not named)."""

    def __init__(self, waiting: list[ScheduledSend], names: dict[str, str]) -> None:
        super().__init__()
        self.waiting = waiting
        self.names = names


class SendSettled(Message):
    """A send ended: `message` when the server has it, else `error` (and `unknown` when the
    outcome could not be known)."""

    def __init__(
        self,
        pending: Pending,
        message: ApiMessage | None,
        error: str = "",
        unknown: bool = False,
        offline: bool = False,
    ) -> None:
        super().__init__()
        self.pending = pending
        self.message = message
        self.error = error
        self.unknown = unknown
        self.offline = offline  # it did not leave: the service could not be reached


class ReplyFeature(Feature):
    def __init__(self, shell: AppShared, *, typing: TypingFeature, offline: OfflineFeature) -> None:
        super().__init__(shell)
        self.typing = typing  # the other side sees the user typing
        self.offline = offline  # a reply that could not reach the service waits there
        self._scheduled = {}
        # Texts a failed send brought back (by thread), while unedited: what R sends again.
        self._returned: dict[str, str] = {}

    # Quoting one message is off where the conversation does not allow it: its key then says
    # why (`r` replies plainly everywhere).
    NEEDS = {"reply_to_message": QUOTING}

    _draft_timer: Timer | None = None
    _composer_thread_id: str | None = None
    _composer_loading = False
    # What the composer holds, and whether the user changed it since it was last saved: a
    # flush never reads a torn-down widget, and never erases the draft of a pending send.
    _composer_text = ""
    _composer_dirty = False
    _reply_to: Quote | None = None  # the message the composer's reply answers
    _typed_at = 0.0  # the user's last keystroke in the composer (monotonic)
    # Sent messages waiting out the send delay, by local ID, each with the timer that sends it.
    _scheduled: dict[str, tuple[Pending, Timer]]
    _ticker: Timer | None = None

    # --- the composer follows the open thread -----------------------------------------------

    def load_composer_for(self, thread: Thread) -> None:
        """Show the composer for `thread`, with its saved draft."""
        self.flush_draft()
        self._composer_thread_id = thread.id
        self._set_composer_text(self.shell.drafts.get(thread.id))
        self._set_reply_to(self.shell.drafts.reply_to(thread.id))
        self.shell.composer.set_platform(self.shell.directory.platform_of(thread))
        self.shell.composer.remove_class("-hidden")

    def follow_sidebar(self, thread: Thread | None) -> None:
        """The composer is only ever the sidebar's person's. When the sidebar shows someone
        else (the list's cursor moved under an open conversation), the composer is put away,
        what it holds kept as its thread's draft, so `tab` cannot reach it; `r` opens the new
        person's, and it is back when the sidebar shows its person again."""
        if self._composer_thread_id is None:
            return  # (no composer shown yet: on a first launch it is not even mounted)
        composer = self.shell.composer
        if thread is None or thread.id != self._composer_thread_id:
            if not composer.has_class("-hidden"):
                self.save_live_draft()
                composer.add_class("-hidden")
        elif composer.has_class("-hidden"):
            composer.remove_class("-hidden")

    def _set_reply_to(self, quote: Quote | None) -> None:
        self._reply_to = quote
        self.shell.composer.show_quote(None if quote is None else quote.text)

    def _set_composer_text(self, text: str) -> None:
        """Change the composer's text from the program (not the user's typing)."""
        self._composer_loading = True
        composer = self.shell.composer.input
        composer.text = text
        composer.move_cursor(composer.document.end)  # typing (or a snippet) goes after it
        self._composer_loading = False
        self._composer_text = text
        self._composer_dirty = False

    def flush_draft(self) -> None:
        """Write what the user typed for the composer's thread now (switch, send, exit)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self._composer_thread_id is not None and self._composer_dirty:
            self.shell.drafts.put(self._composer_thread_id, self._composer_text, self._reply_to)
            self._composer_dirty = False
            self.mark_draft(self._composer_thread_id)

    def save_live_draft(self) -> None:
        """Write the draft from the live composer now, whatever the debounce (quit, hang-up)."""
        if self._composer_thread_id is not None and self.shell.composer.input.text != (
            self._composer_text
        ):
            self._composer_text = self.shell.composer.input.text
            self._composer_dirty = True
        self.flush_draft()

    def draft_written_elsewhere(self) -> None:
        """Another window changed drafts: the composer shows its thread's as stored now, unless
        the user is typing in it here (then their next keystroke is the later one, and wins).
        Shown even with the focus in it: a keystroke on what it showed before would bring
        back an older draft, or one sent since."""
        thread_id = self._composer_thread_id
        typing = time.monotonic() - self._typed_at < TYPING_PAUSE
        if thread_id is None or self._composer_dirty or typing:
            return
        stored = self.shell.drafts.get(thread_id)
        if stored != self._composer_text:
            self._set_composer_text(stored)
            self._set_reply_to(self.shell.drafts.reply_to(thread_id))

    def mark_draft(self, thread_id: str) -> None:
        """The list's ✎ follows whether the thread has a draft."""
        has = bool(self.shell.drafts.get(thread_id))
        if has != (thread_id in self.shell.thread_list.drafts):
            self.shell.thread_list.drafts.symmetric_difference_update({thread_id})
            self.shell.thread_list.set_directory(self.shell.thread_list.directory)  # repaint rows

    def on_composer_input_edited(self, event: ComposerInput.Edited) -> None:
        if self._composer_loading:
            return
        text = self.shell.composer.input.text
        if text == self._composer_text:
            # The echo of a change the program made (it arrives after the loading flag is
            # down): not the user's. Taken as theirs, emptying the composer at send would
            # erase the draft on disk while the send is still pending.
            return
        self._composer_text = text
        self._composer_dirty = True
        self._typed_at = time.monotonic()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_DELAY, self.flush_draft)
        if self._composer_thread_id is not None and text:
            self.typing.typed(self._composer_thread_id)

    def action_reply(self) -> None:
        """Reply to the target (the person the sidebar shows): their conversation is opened
        first when the message pane shows another one, or none."""
        target = self.shell.target()
        if target is None:
            return
        thread = self.shell.message_view.thread
        if thread is None or thread.id != target.id:
            self.shell.open_thread(target)
        if self._reply_to is not None and not self._composer_text.strip():
            # r replies plainly: a quote left from an earlier Q, with nothing written to it,
            # goes (a quote with words of the user's is their draft, and stays).
            self._set_reply_to(None)
            self._composer_dirty = True
            self.flush_draft()
        self.shell.composer.input.focus()

    def action_reply_to_message(self) -> None:
        """Reply quoting the message selected in the conversation; with none selected yet
        (the messages are still loading), a plain reply: the keys typed next are text."""
        message = self.shell.message_view.selected_message
        view_thread = self.shell.message_view.thread
        target = self.shell.target()
        if message is None or view_thread is None or target is None or target.id != view_thread.id:
            # (Nothing selected yet, or the conversation is not the sidebar's person's: the
            # reply goes to the person the sidebar shows.)
            self.action_reply()
            return
        if message.is_deleted:
            self.notify(
                "That message was deleted: reply to another one.", severity="warning", markup=False
            )
            return
        self._set_reply_to(Quote(message.id, message.content))
        self._composer_dirty = True
        self.flush_draft()
        self.shell.composer.input.focus()

    def on_composer_input_clear_requested(self, message: ComposerInput.ClearRequested) -> None:
        """A short draft goes at once, a long one once confirmed; either way as an edit of
        the text area, so ctrl+z brings it back (and the draft on disk follows)."""
        composer = self.shell.composer.input
        if len(composer.text) <= LONG_DRAFT:
            composer.clear()
            return
        from tui.ui.screens.pickers import ConfirmScreen

        def answered(answer: str | None) -> None:
            if answer == "clear":
                composer.clear()
            composer.focus()

        words = len(composer.text.split())
        self.shell.push_screen(
            ConfirmScreen(
                f"Clear this draft of {words:,} words?",
                "ctrl+z in the composer brings it back.",
                [("clear", "Clear it", "error"), ("keep", "Keep it", "primary")],
            ),
            answered,
        )

    def on_composer_input_drop_quote(self, message: ComposerInput.DropQuote) -> None:
        if self._reply_to is not None:
            self._set_reply_to(None)
            self._composer_dirty = True
            self.flush_draft()

    def on_composer_input_leave(self, message: ComposerInput.Leave) -> None:
        self.flush_draft()
        self.shell.thread_list.focus()

    # --- sending ----------------------------------------------------------------------------

    def on_composer_input_send(self, message: ComposerInput.Send) -> None:
        thread = self.shell.message_view.thread
        text = message.text
        if thread is None or self._composer_thread_id != thread.id:
            self.notify(
                "Open a thread first (enter on the list).", severity="warning", markup=False
            )
            return
        if not text.strip():
            self.notify("Nothing to send: the reply is empty.", severity="warning", markup=False)
            return
        if self.offline.sending.get(thread.id) == text:
            self.notify("It is being sent already (from what was written offline).", markup=False)
            return
        why = self.shell.directory.why_cannot_send(thread.account_link_id)
        if why is not None:  # said before any request leaves; the draft stays
            self.flush_draft()
            self.notify(f"Not sent: {why}.", severity="error", timeout=10, markup=False)
            return
        composer = self.shell.composer
        if composer.limit is not None and len(text) > composer.limit:
            self.notify(
                f"Too long for {one_line(composer.platform_name, 20)}: {len(text):,} of "
                f"{composer.limit:,} characters. Nothing was sent; the draft is kept.",
                severity="error",
                markup=False,
            )
            return
        broken = unsendable(text, "the reply")
        if broken is not None:  # the client would refuse it too, once the text had left here
            self.notify(f"Not sent: {broken}. The draft is kept.", severity="error", markup=False)
            return
        self.flush_draft()  # the draft stays on disk until the server confirms
        from tui.ui.widgets.message_view import (
            Pending,  # mounted after the first frame, as is its module
        )

        pending = Pending(uuid.uuid4().hex, thread.id, text)
        if self._reply_to is not None:
            pending.reply_to, pending.quote = self._reply_to
        pending.idempotency_key = self.shell.drafts.send_key(thread.id, text, self._reply_to)
        delay = self.shell.settings.send_delay
        # Kept apart from the draft, on disk, until the server has it: a draft typed meanwhile
        # never overwrites it, and a failure brings it back from there (one place at a time).
        self.shell.drafts.schedule(
            ScheduledSend(
                pending.local_id,
                thread.id,
                text,
                self._reply_to,
                pending.idempotency_key,
                left=delay <= 0,
            )
        )
        if delay > 0:  # it waits, and u brings it back
            pending.state, pending.leaves_at = "scheduled", time.monotonic() + delay
            self._scheduled[pending.local_id] = (
                pending,
                self.set_timer(delay, partial(self._release, pending)),
            )
            self._count_down()
        self.shell.message_view.add_pending(pending)
        self._set_composer_text("")
        self._set_reply_to(None)
        if delay <= 0:
            self._send(pending)

    # --- undo send --------------------------------------------------------------------------

    def _count_down(self) -> None:
        """Each second while a send waits: its countdown, and whether u undoes it."""
        view = self.shell.message_view
        for pending, _ in self._scheduled.values():
            view.update_pending(pending)
        self.shell.composer.input.undo_send_available = bool(self._scheduled)
        if self._scheduled and self._ticker is None:
            self._ticker = self.set_interval(1.0, self._count_down)
        elif not self._scheduled and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def _release(self, pending: Pending) -> None:
        """The delay is over: it leaves."""
        if self._scheduled.pop(pending.local_id, None) is None:
            return  # undone meanwhile
        self.shell.drafts.mark_left(pending.local_id)
        pending.state = "sending"
        self.shell.message_view.update_pending(pending)
        self._count_down()
        self._send(pending)

    def undo_send(self) -> bool:
        """Bring back the latest message still waiting to be sent (the open thread's first):
        into the composer when that thread's is empty, else into the thread's draft. False
        when none is waiting."""
        if not self._scheduled:
            return False
        waiting = [p for p, _ in self._scheduled.values()]
        here = [p for p in waiting if p.thread_id == self._composer_thread_id]
        pending = (here or waiting)[-1]
        _, timer = self._scheduled.pop(pending.local_id)
        timer.stop()
        self.shell.message_view.drop_pending(pending)
        self._count_down()
        quote = Quote(pending.reply_to, pending.quote) if pending.reply_to else None
        shown = not self.shell.composer.has_class("-hidden")  # (put away: another person's)
        if (
            shown
            and pending.thread_id == self._composer_thread_id
            and not self._composer_text.strip()
        ):
            self._set_composer_text(pending.text)
            self._set_reply_to(quote)
            self.shell.drafts.unschedule(pending.local_id)
            self._composer_dirty = True
            self.flush_draft()
            self.shell.composer.input.focus()
            self.notify("Not sent: it is back in the composer.", markup=False)
        else:
            self._back_to_draft(pending.local_id, pending.thread_id)
            self.notify("Not sent: it is back in that thread's draft.", markup=False)
        return True

    def _back_to_draft(self, local_id: str, thread_id: str) -> None:
        """A message that waited to be sent is the thread's draft again (marked in the list)."""
        self.shell.drafts.restore(local_id)
        self.mark_draft(thread_id)

    def on_composer_input_undo_send_requested(
        self, message: ComposerInput.UndoSendRequested
    ) -> None:
        self.undo_send()

    def offer_unsent(self) -> None:
        """After a restart: messages that were waiting out the delay when the app stopped are
        offered for sending; those whose request had left are drafts again (they may have
        arrived: sending again is the user's call, with the same key)."""
        drafts = self.shell.drafts
        # (A second window leaves the first one's alone: its timer sends them.)
        for send in drafts.scheduled():
            if send.left and not send.elsewhere:
                self._back_to_draft(send.local_id, send.thread_id)
        waiting = [send for send in drafts.scheduled() if not send.elsewhere]
        if waiting:
            self._name_unsent(waiting)

    @work(group="unsent-names")
    async def _name_unsent(self, waiting: list[ScheduledSend]) -> None:
        """Whom each is for, before they are offered: the person, and which of the team's
        account links the thread is with (a person can have a thread with each). The threads
        are read when the list has not loaded them, the account links when the directory has
        not come yet."""
        shell = self.shell
        directory = shell.directory
        if not directory.loaded:
            with suppress(InboxError):
                links = await shell.client.list_account_links()
                directory = Directory(account_links={link.id: link for link in links})
        names = {}
        for send in waiting:
            thread = shell.thread_list.threads.find(send.thread_id)
            if thread is None:
                with suppress(InboxError):
                    thread = await shell.client.get_thread(send.thread_id)
            if thread is not None:
                names[send.local_id] = directory.whose(thread)
        self.post_message(UnsentNamed(waiting, names))

    def on_unsent_named(self, event: UnsentNamed) -> None:
        waiting = event.waiting
        from tui.ui.screens.pickers import ConfirmScreen

        def answered(answer: str | None) -> None:
            if answer == "send":
                for send in waiting:
                    self._send_unsent(send)
                return
            for send in waiting:
                self._back_to_draft(send.local_id, send.thread_id)

        count = len(waiting)
        lines = [
            f"To {event.names.get(send.local_id, 'a thread')}: “{one_line(send.text, 50)}”"
            for send in waiting[:3]
        ]
        self.shell.push_screen(
            ConfirmScreen(
                f"{count} message{'s' if count != 1 else ''} had not left yet when inbox-tui "
                "stopped",
                "\n".join(lines) + (f"\nand {count - 3} more" if count > 3 else ""),
                [("send", "Send now", "primary"), ("keep", "Keep as drafts", "default")],
            ),
            answered,
        )

    @work(group="send")
    async def _send_unsent(self, send: ScheduledSend) -> None:
        try:
            await self.shell.client.send_message(
                send.thread_id,
                send.text,
                reply_to_message_id=send.reply_to.message_id if send.reply_to else None,
                idempotency_key=send.send_key or None,
            )
        except InboxError as error:
            self.post_message(UnsentSettled(send, describe_error(error)))
            return
        self.post_message(UnsentSettled(send, None))

    def on_unsent_settled(self, event: UnsentSettled) -> None:
        if event.error is None:
            self.shell.drafts.unschedule(event.send.local_id)
            self.notify("Sent the message that was waiting.", markup=False)
            return
        self._back_to_draft(event.send.local_id, event.send.thread_id)
        self.notify(
            f"Not sent: {event.error}. It is a draft again.",
            severity="error",
            timeout=8,
            markup=False,
        )

    def action_retry_send(self) -> None:
        failed = [p for p in self.shell.message_view.pending if p.state == "failed"]
        if not failed:
            self._send_returned()
            return
        pending = failed[-1]
        pending.state, pending.error = "sending", ""
        pending.attempts += 1
        self.shell.message_view.update_pending(pending)
        self._send(pending)

    def _send_returned(self) -> None:
        """R after a failure that brought the text back: the composer's text is sent, as
        ctrl+s would, while it is still that text (edited, it is the user's to send)."""
        thread_id = self._composer_thread_id
        text = self.shell.composer.input.text
        shown = self.shell.message_view.thread
        returned = self._returned.get(thread_id or "")
        if thread_id is None or shown is None or shown.id != thread_id or returned != text:
            self.notify("Nothing to retry.", markup=False)
            return
        from tui.ui.widgets.composer import ComposerInput

        self.on_composer_input_send(ComposerInput.Send(text))

    @work(group="send")
    async def _send(self, pending: Pending) -> None:
        known = {m.id for m in self.shell.message_view.messages}
        try:
            sent = await self.shell.client.send_message(
                pending.thread_id,
                pending.text,
                reply_to_message_id=pending.reply_to,
                idempotency_key=pending.idempotency_key,
            )
        except SendUnconfirmed as error:
            # The platform did not confirm it: it may have gone. Never resent; the thread is
            # read to see whether it is there.
            pending.state = "checking"
            note = f"not confirmed by the platform (message {error.message_id or 'unknown'})"
            self.post_message(SendSettled(pending, None, note, unknown=True))
            found = await self._find_sent(pending, known, error.message_id)
            self.post_message(SendSettled(pending, found, "" if found else note))
            return
        except TransportError as error:
            if not error.maybe_sent:
                self.post_message(
                    SendSettled(pending, None, f"cannot reach {error.service}", offline=True)
                )
                return
            pending.state = "checking"
            self.post_message(SendSettled(pending, None, str(error), unknown=True))
            self.post_message(SendSettled(pending, await self._find_sent(pending, known)))
            return
        except InboxError as error:
            self.post_message(SendSettled(pending, None, describe_error(error)))
            return
        self.post_message(SendSettled(pending, sent))

    async def _find_sent(
        self, pending: Pending, known: set[str], message_id: str | None = None
    ) -> ApiMessage | None:
        """After an unknown outcome: is there a message of ours with this text that we did not
        have before sending (or the one the service named)? (Clocks differ; identity and
        content do not.)"""
        try:
            page = await self.shell.client.list_messages(pending.thread_id, limit=20)
        except InboxError:
            return None
        thread = self.shell.message_view.thread
        ours = thread.account_link_id if thread is not None else None
        for message in page.messages:
            if message_id is not None and message.id == message_id:
                return message
            if (
                message.id not in known
                and message.content == pending.text
                and (ours is None or message.is_outbound({ours}))
            ):
                return message
        return None

    def on_send_settled(self, event: SendSettled) -> None:
        pending, view = event.pending, self.shell.message_view
        if event.unknown:
            view.update_pending(pending)
            self.notify(
                "The connection dropped while sending: checking whether it arrived.", markup=False
            )
            return
        if event.message is not None:
            if self._returned.get(pending.thread_id) == pending.text:
                del self._returned[pending.thread_id]  # (another text brought back stays R's)
            view.confirm_pending(pending, event.message)
            # (Its text was kept apart from the draft, and is nowhere else: the composer and
            # the draft hold only what was typed since, which stays.)
            self.shell.drafts.unschedule(pending.local_id)
            self.mark_draft(pending.thread_id)
            self.show_as_last(pending.thread_id, event.message)
            return
        self._failed(pending, event.error or "it did not arrive", offline=event.offline)

    def _failed(self, pending: Pending, error: str, *, offline: bool) -> None:
        """A send that did not arrive: its text goes to exactly one place. Back in the composer
        when that is the thread's and empty, or in the thread's draft when the composer is
        another's; either way the conversation drops its bubble (R or ctrl+s sends it again,
        with the same key). Only while the composer holds another text of this thread does
        it stay in the conversation, marked failed, for R (and on disk as a send)."""
        view = self.shell.message_view
        here = self._composer_thread_id == pending.thread_id
        if here:
            self.save_live_draft()  # (what was typed this instant counts)
        if here and self._composer_text.strip():
            pending.state, pending.error = "failed", error
            view.update_pending(pending)
            self.notify(
                f"Not sent: {error}. It stays in the conversation: R retries it.",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        view.drop_pending(pending)
        self.shell.drafts.restore(pending.local_id)
        thread_id = pending.thread_id
        self._returned[thread_id] = self.shell.drafts.get(thread_id)
        if here:
            self._set_composer_text(self.shell.drafts.get(thread_id))
            self._set_reply_to(self.shell.drafts.reply_to(thread_id))
        self.mark_draft(thread_id)
        if offline:
            self.offline.reply_waits(thread_id)
            return
        where = "back in the composer" if here else "back in its thread's draft"
        self.notify(
            f"Not sent: {error}. It is {where}: R (or ctrl+s there) sends it again.",
            severity="error",
            timeout=8,
            markup=False,
        )

    def let_go(self, thread_id: str, text: str) -> None:
        """A draft dropped or sent elsewhere (the offline offer): the composer that still
        holds it lets it go, so no save writes it back and no ctrl+s sends it again."""
        if self._composer_thread_id == thread_id and self.shell.composer.input.text == text:
            self._set_composer_text("")
            self._set_reply_to(None)
        self._returned.pop(thread_id, None)

    def draft_sent(self, thread_id: str, text: str, message: ApiMessage) -> None:
        """A draft was sent from elsewhere (offered after an outage): the composer that still
        holds it lets it go (a ctrl+s would send it twice), and its row shows it."""
        self.let_go(thread_id, text)
        self.shell.message_view.append_new(thread_id, [message])  # (when it is on screen)
        self.show_as_last(thread_id, message)

    def show_as_last(self, thread_id: str, message: ApiMessage) -> None:
        """The thread's row shows `message` as its last one."""
        thread = self.shell.thread_list.threads.find(thread_id)
        if thread is None:
            return
        from tui.core.model import LastMessage

        last = LastMessage(
            id=message.id,
            content=message.content,
            author_id=message.author_id,
            created_at=message.created_at,
            user_id=message.user_id,
        )
        self.shell.thread_list.update_thread(
            thread.model_copy(
                update={"last_message": last, "computed_sort_timestamp": message.created_at}
            )
        )

    # --- $EDITOR ----------------------------------------------------------------------------

    def on_composer_input_editor_requested(self, event: ComposerInput.EditorRequested) -> None:
        editor = editor_command(os.environ)
        if editor is None:
            self.notify(
                "No editor found (no $VISUAL, $EDITOR, editor or vi): set $EDITOR to compose "
                "in your editor.",
                severity="warning",
                markup=False,
            )
            return
        text = self.shell.composer.input.text
        with tempfile.NamedTemporaryFile(
            "w", suffix=".txt", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(text)
            path = Path(handle.name)
        try:
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(editor), str(path)], check=False)
            except Exception as exc:
                self.notify(
                    f"Cannot open the editor here: {type(exc).__name__}",
                    severity="error",
                    markup=False,
                )
                return
            edited = path.read_text(encoding="utf-8")
        finally:
            path.unlink(missing_ok=True)
        self.shell.composer.input.text = edited.rstrip("\n")  # a user edit: saved as a draft
        self._composer_text = self.shell.composer.input.text
        self._composer_dirty = True
        self.flush_draft()
        self.shell.composer.input.focus()
