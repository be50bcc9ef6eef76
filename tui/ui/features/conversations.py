"""Starting a conversation: look the person up, open the thread, or create it (lookup-or-create).

By user ID (on the account link's platform: an X user ID, a LinkedIn member ID...): look the
thread up, then (v1) create it empty. By username, or a link to their profile (linkedin.com/in/
<name>): the person's existing threads on that platform tell their user ID (there is no username
search for people not yet contacted). With a first message written in the dialog, one
send creates the thread too (v1 quick send; v2 a send to a profile target); the dialog counts it
against the platform's limit. v2 has no empty conversations: without a first message, the dialog
asks for one.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, NamedTuple

from textual import work
from textual.message import Message

from tui.api.errors import Conflict, InboxError, NotFound, TransportError
from tui.core.api_versions import ApiFeature
from tui.core.people_refs import naming, read_person
from tui.core.text import one_line
from tui.ui.answers import LinkChoice
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from tui.core.model import Platform, Thread
    from tui.ui.answers import NewConversation
    from tui.ui.features.live import LiveFeature
    from tui.ui.features.reply import ReplyFeature


class ConversationReady(Message):
    """The conversation to open (None: `note` says why not). `retry` holds what the user typed
    when a first message could not be sent, so the dialog opens again with it."""

    def __init__(
        self,
        thread: Thread | None,
        note: str,
        created: bool = False,
        retry: NewConversation | None = None,
        sent: bool = False,
        ask_text: bool = False,
    ) -> None:
        super().__init__()
        self.thread = thread
        self.note = note
        self.created = created
        self.retry = retry
        self.sent = sent  # the first message went with quick send
        self.ask_text = ask_text  # the dialog opens again for the first message


class Person(NamedTuple):
    """Who a new conversation is with: their user ID on the platform, or why it is not
    known."""

    platform_id: str | None
    existing: Thread | None = None  # their thread on the chosen account link, if found
    note: str = ""


class ConversationsFeature(Feature):
    def __init__(self, shell: AppShared, live: LiveFeature, reply: ReplyFeature) -> None:
        super().__init__(shell)
        self.live = live  # a new conversation is listed at once, not at the next poll
        self.reply = reply  # and, without a first message, the composer waits for one

    def action_new_conversation(self, given: NewConversation | None = None) -> None:
        from tui.ui.screens.pickers import NewConversationScreen

        directory = self.shell.directory
        links = []
        for a in directory.account_links.values():
            platform = self._platform(a.id)
            username = directory.link_username(a)
            links.append(
                LinkChoice(
                    a.id,
                    one_line(f"{a.name} ({username})" if username else a.name, 50)
                    + _state_note(a.status),
                    one_line(platform.label, 20),
                    platform.max_characters,
                    platform.id,
                )
            )
        if not links:
            self.notify(
                "The team's account links are still loading.", severity="warning", markup=False
            )
            return

        def chosen(answer: NewConversation | None) -> None:
            if answer is None:
                return
            why = directory.why_cannot_send(answer.account_link_id)
            if why is not None and answer.text:  # nothing leaves; the dialog's text comes back
                self.notify(f"Not sent: {why}.", severity="error", timeout=10, markup=False)
                self.action_new_conversation(answer)
                return
            self._start_conversation(answer)

        self.shell.push_screen(NewConversationScreen(links, given), chosen)

    def _platform(self, link_id: str) -> Platform:
        """The account link's platform, as the team's platforms say (X as v1 knows it when they
        do not list X; another they do not list: its ID, no known limit)."""
        from tui.core.model import X_PLATFORM, Platform  # (not on the first frame's path)

        directory = self.shell.directory
        link = directory.account_links.get(link_id)
        platform_id = link.platform if link is not None else X_PLATFORM.id
        platform = directory.platform(platform_id)
        if platform is None and platform_id == X_PLATFORM.id:
            platform = X_PLATFORM
        if platform is None:
            return Platform(id=platform_id, name=one_line(platform_id, 20))
        return platform

    @work(group="new-conversation", exclusive=True)
    async def _start_conversation(self, wanted: NewConversation) -> None:
        try:
            person = await self._find_person(wanted.who, wanted.account_link_id)
            if person.platform_id is None:
                ready = ConversationReady(None, person.note, retry=_kept(wanted))
            elif wanted.text:
                ready = await self._quick_send(wanted, person.platform_id)
            elif person.existing is not None:
                ready = ConversationReady(person.existing, person.note)
            else:
                ready = await self._lookup_or_create(person.platform_id, wanted)
        except InboxError as error:
            ready = ConversationReady(
                None,
                f"Could not start the conversation: {describe_error(error)}",
                retry=_kept(wanted),
            )
        self.post_message(ready)

    async def _find_person(self, who: str, link_id: str) -> Person:
        """Whom `who` names on the account link's platform: their user ID as typed, or as
        their threads there tell it."""
        platform = self._platform(link_id)
        label = one_line(platform.label, 20)
        names = naming(platform.id, label)
        person = read_person(platform.id, who)
        if person is None:
            return Person(None, note=f"{one_line(who, 30)!r} {names.unknown}.")
        if person.platform_id is not None:
            return Person(person.platform_id)
        username = person.username or ""
        shown = one_line(platform.username_prefix + username, 60)
        threads = await self.shell.client.lookup_threads_by_username(username, platform=platform.id)
        if not threads:
            return Person(
                None,
                note=f"{shown} has no conversation with your team yet: start it with their "
                f"{names.id_name}{names.where}.",
            )
        mine = next((t for t in threads if t.account_link_id == link_id), None)
        return Person(
            threads[0].prospect.platform_id, mine, f"Opened your conversation with {shown}."
        )

    async def _lookup_or_create(
        self, platform_id: str, wanted: NewConversation
    ) -> ConversationReady:
        client, link_id = self.shell.client, wanted.account_link_id
        existing = await client.lookup_thread(link_id, external_platform_id=platform_id)
        if existing is not None:
            return ConversationReady(existing, "Opened the existing conversation.")
        if ApiFeature.EMPTY_THREAD not in client.features:
            # v2 has no empty conversations: the first message creates it.
            return ConversationReady(
                None,
                "No conversation with them on that account yet: on API v2 it starts with its "
                "first message. Write it here and press enter.",
                retry=wanted,
                ask_text=True,
            )
        try:
            created = await client.create_thread(link_id, external_platform_id=platform_id)
        except Conflict:
            # Someone created it between our lookup and create: open theirs.
            existing = await client.lookup_thread(link_id, external_platform_id=platform_id)
            if existing is None:
                return ConversationReady(None, "The conversation exists but could not be opened.")
            return ConversationReady(existing, "It already existed: opened it.")
        except NotFound:
            return ConversationReady(None, self._not_found(link_id, platform_id))
        return ConversationReady(created, "New conversation: write the first message.", True)

    async def _quick_send(self, wanted: NewConversation, platform_id: str) -> ConversationReady:
        """One request sends the first message, creating the thread if needed. Never resent:
        when the answer is lost, the thread is read to see whether it arrived."""
        client, link_id = self.shell.client, wanted.account_link_id
        try:
            # One key for this send: the client's retries of it are replayed, never doubled.
            result = await client.quick_send(
                link_id,
                wanted.text,
                external_platform_id=platform_id,
                idempotency_key=f"inbox-tui-{uuid.uuid4().hex}",
            )
        except NotFound:
            return ConversationReady(None, self._not_found(link_id, platform_id), retry=wanted)
        except TransportError as error:
            if not error.maybe_sent:
                return ConversationReady(
                    None, f"Not sent: cannot reach {error.service}.", retry=wanted
                )
            thread = await client.lookup_thread(link_id, external_platform_id=platform_id)
            if thread is not None and await self._arrived(thread, wanted.text):
                return ConversationReady(thread, "Sent (confirmed after the connection dropped).")
            return ConversationReady(None, "Not sent: the connection dropped.", retry=wanted)
        except InboxError as error:
            return ConversationReady(None, f"Not sent: {describe_error(error)}", retry=wanted)
        thread = await client.get_thread(result.thread.id)
        return ConversationReady(thread, "Sent: the conversation is open.", sent=True)

    def _not_found(self, link_id: str, platform_id: str) -> str:
        platform = self._platform(link_id)
        names = naming(platform.id, one_line(platform.label, 20))
        return f"No {names.member} with the ID {one_line(platform_id, 60)} was found."

    async def _arrived(self, thread: Thread, text: str) -> bool:
        page = await self.shell.client.list_messages(thread.id, limit=10)
        return any(
            m.content == text and m.is_outbound({thread.account_link_id}) for m in page.messages
        )

    def on_conversation_ready(self, event: ConversationReady) -> None:
        if event.thread is None:
            self.notify(event.note, severity="error", timeout=8, markup=False)
            if event.retry is not None and (event.retry.text or event.ask_text):
                self.action_new_conversation(event.retry)  # what they typed is not lost
            return
        self.notify(event.note, markup=False)
        self.shell.open_thread(event.thread)
        self.live.poll_now()  # the list shows it now, not at the next poll
        if not event.sent:
            self.reply.action_reply()


def _kept(wanted: NewConversation) -> NewConversation | None:
    """Reopen the dialog only when there is a message to keep."""
    return wanted if wanted.text else None


def _state_note(status: str) -> str:
    return "" if status == "active" else f" · {one_line(status, 12)}"
