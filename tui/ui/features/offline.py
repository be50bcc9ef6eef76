"""What was written while the service could not be reached: replies (each waiting as its
thread's draft) and edits (tags, status, notes, valuation, assignee, done). Nothing is sent
blindly: once the service answers again (one cheap request says so), in this run or the next,
the user is told, `W` offers each item, and only what they choose is sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.message import Message

from tui.api.errors import InboxError
from tui.core.text import one_line
from tui.core.waiting_edits import WaitingEdits, WaitingGroup
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from tui.core.drafts import Quote
    from tui.core.edits import FieldEdit
    from tui.core.model import Message as ApiMessage

RELOAD_NAME = "written offline"  # (its entry among what loads again when the API answers)


class ConnectionBack(Message):
    """The service answers again, and what was written offline waits."""


class OfflineReplySettled(Message):
    def __init__(self, thread_id: str, text: str, message: ApiMessage | None, error: str) -> None:
        super().__init__()
        self.thread_id = thread_id
        self.text = text
        self.message = message
        self.error = error


class OfflineFeature(Feature):
    def __init__(
        self,
        shell: AppShared,
        *,
        apply_edits: Callable[[list[FieldEdit], str], None],
        mark_draft: Callable[[str], None],
        draft_sent: Callable[[str, str, ApiMessage], None],
        let_go: Callable[[str, str], None],
    ) -> None:
        super().__init__(shell)
        self.apply_edits = apply_edits  # the edits, made as if just made (triage)
        self.mark_draft = mark_draft  # the list's ✎ follows the drafts (reply)
        # A reply sent from its draft: it leaves the composer and is its row's last message.
        self.draft_sent = draft_sent
        self.let_go = let_go  # a draft dropped: the composer holding it lets it go
        # Replies being sent from the offer, by thread (the composer may still show them:
        # its ctrl+s must not send them again meanwhile).
        self.sending: dict[str, str] = {}
        self.edits = WaitingEdits(shell.writing)
        self._offering = False  # the dialog is up

    # --- what waits -------------------------------------------------------------------------

    def reply_waits(self, thread_id: str) -> None:
        """A reply whose send could not reach the service: its thread's draft, offered later."""
        self.shell.drafts.mark_offline(thread_id, self._who(thread_id))
        self.mark_draft(thread_id)
        self.shell.reloads.failed(RELOAD_NAME, self.offer)
        self.notify(
            "Offline: not sent. It waits as a draft, and is offered for sending when the "
            "connection is back.",
            severity="warning",
            timeout=8,
            markup=False,
        )

    def edits_wait(self, label: str, edits: list[FieldEdit]) -> None:
        """Edits that could not reach the service (`label`: what the user did, as its success
        is worded): shown as they are on the service meanwhile, kept on disk, offered later."""
        threads = {edit.thread_id for edit in edits}
        who = self._who(edits[0].thread_id) if len(threads) == 1 else f"{len(threads)} threads"
        self.edits.add(label, edits, who)
        self.shell.show_sidebar_for(self.shell.shown_target)  # "waiting to be saved" there
        self.shell.reloads.failed(RELOAD_NAME, self.offer)
        text = "Offline: not saved. Kept, and offered when the connection is back."
        self.notify(text, severity="warning", timeout=8, markup=False)
        self.shell.set_status(text, error=True)

    # --- offered ----------------------------------------------------------------------------

    @work(group="offline", exclusive=True)
    async def offer(self) -> None:
        """When something waits: is the service there? Then the user is asked."""
        if self._offering or not (self.shell.drafts.offline_ids() or len(self.edits)):
            return
        try:
            await self.shell.client.get_team()
        except InboxError:
            self.shell.reloads.failed(RELOAD_NAME, self.offer)
            return
        self.post_message(ConnectionBack())

    def on_connection_back(self, _: ConnectionBack) -> None:
        """Said, not opened: a dialog that opened by itself took the keys the user was typing
        (a reply's letters became its s, k and d). W opens it."""
        replies, edits = len(self.shell.drafts.offline_ids()), len(self.edits)
        if not (replies or edits) or self._offering:
            return
        text = (
            f"The connection is back: {_counted(replies, edits)} written offline "
            f"wait{'s' if replies + edits == 1 else ''}. W sends, keeps or drops each."
        )
        self.notify(text, timeout=20, markup=False)
        self.shell.set_status(text)

    def action_review(self) -> None:
        """What waits, offered now (`W`): edits kept at the last offer come back here."""
        if not (self.shell.drafts.offline_ids() or len(self.edits)):
            self.notify("Nothing written offline waits.", markup=False)
            return
        self.review()

    def review(self) -> None:
        """Each waiting reply and edit, sent, kept or dropped on its own (the user says which;
        every item starts as kept: no default sends or drops anything)."""
        drafts = self.shell.drafts
        replies, groups = drafts.offline_ids(), self.edits.groups()
        if self._offering or not (replies or groups):
            return
        self._offering = True
        from tui.ui.screens.waiting import WaitingItem, WaitingScreen

        items = [
            WaitingItem(
                f"reply:{thread_id}",
                Text(f"Reply to {self._who(thread_id)}: “{one_line(drafts.get(thread_id), 60)}”"),
                "a reply stays its thread's draft",
            )
            for thread_id in replies
        ]
        items += [
            WaitingItem(
                f"edit:{index}",
                Text(f"{group.label} ({group.who or self._who(group.edits[0].thread_id)})"),
                "an edit keeps waiting, shown in the sidebar (W offers it again)",
            )
            for index, group in enumerate(groups)
        ]

        def answered(choices: dict[str, str] | None) -> None:
            self._offering = False
            self._settle(replies, groups, choices or {})

        title = (
            f"The connection is back: {_counted(len(replies), len(self.edits))} made offline wait"
        )
        self.shell.push_screen(WaitingScreen(title, items), answered)

    def _settle(
        self, replies: list[str], groups: list[WaitingGroup], choices: dict[str, str]
    ) -> None:
        drafts = self.shell.drafts
        for thread_id in replies:
            choice = choices.get(f"reply:{thread_id}", "keep")
            text = drafts.get(thread_id)
            if choice == "send" and text.strip():
                reply_to = drafts.reply_to(thread_id)
                key = drafts.send_key(thread_id, text, reply_to)
                self.sending[thread_id] = text
                self._send_reply(thread_id, text, reply_to, key)
            elif choice == "drop":
                drafts.discard(thread_id)  # (the user said so, for this one)
                self.let_go(thread_id, text)
                self.mark_draft(thread_id)
            else:
                drafts.clear_offline(thread_id)  # an ordinary draft, kept
        done = [g for i, g in enumerate(groups) if choices.get(f"edit:{i}", "keep") != "keep"]
        self.edits.discard(done)
        for index, group in enumerate(groups):
            if choices.get(f"edit:{index}") == "send":
                self.apply_edits(group.edits, group.label)
        if len(self.edits):
            self.notify(
                f"{len(self.edits)} edit{'s' if len(self.edits) != 1 else ''} still "
                f"wait{'s' if len(self.edits) == 1 else ''} (shown in the sidebar): W offers "
                f"{'it' if len(self.edits) == 1 else 'them'} again.",
                markup=False,
            )
        self.shell.show_sidebar_for(self.shell.shown_target)  # its waiting marks, redrawn

    def _who(self, thread_id: str) -> str:
        """Whose thread, as the list or the open conversation has it: the person, and which
        of the team's account links it is with (a person can have a thread with each)."""
        thread = self.shell.thread_list.threads.find(thread_id)
        if thread is None and self.shell.message_view.thread is not None:
            thread = self.shell.message_view.thread
            thread = thread if thread.id == thread_id else None
        if thread is not None:
            return self.shell.directory.whose(thread)
        return self.shell.drafts.offline_to(thread_id) or "a thread"

    @work(group="offline-send")
    async def _send_reply(
        self, thread_id: str, text: str, reply_to: Quote | None, key: str
    ) -> None:
        try:
            sent = await self.shell.client.send_message(
                thread_id,
                text,
                reply_to_message_id=reply_to.message_id if reply_to else None,
                idempotency_key=key,  # (the same key as the first try: never a double)
            )
        except InboxError as error:
            self.post_message(OfflineReplySettled(thread_id, text, None, describe_error(error)))
            return
        self.post_message(OfflineReplySettled(thread_id, text, sent, ""))

    def on_offline_reply_settled(self, event: OfflineReplySettled) -> None:
        self.sending.pop(event.thread_id, None)
        drafts = self.shell.drafts
        if event.message is None:
            self.notify(
                f"Not sent: {event.error}. It is still a draft.",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        if drafts.get(event.thread_id) == event.text:  # (unless typed on meanwhile)
            drafts.discard(event.thread_id)
        self.mark_draft(event.thread_id)
        view = self.shell.message_view
        failed = [
            p
            for p in view.pending
            if p.thread_id == event.thread_id and p.state == "failed" and p.text == event.text
        ]
        if failed:  # its "not sent" in the conversation becomes the message sent
            view.confirm_pending(failed[0], event.message)
        self.draft_sent(event.thread_id, event.text, event.message)
        self.notify(f"Sent to {self._who(event.thread_id)}.", markup=False)


def _counted(replies: int, edits: int) -> str:
    """ "2 replies and 1 edit": what waits, the kinds there are."""
    said = [f"{replies} repl{'ies' if replies != 1 else 'y'}"] if replies else []
    if edits:
        said.append(f"{edits} edit{'s' if edits != 1 else ''}")
    return " and ".join(said)
