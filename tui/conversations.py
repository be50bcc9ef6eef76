"""Starting a conversation: look the person up, open the thread, or create it (lookup-or-create).

By X user ID: GET /threads/lookup, then POST /threads. By username: the person's existing
threads tell their X user ID (there is no username search for people not yet contacted).
"""

from __future__ import annotations

from textual import work
from textual.app import App
from textual.message import Message

from .api.client import InboxClient
from .api.errors import Conflict, InboxError, NotFound
from .api.models import Thread
from .screens.lookup import normalise_username
from .screens.pickers import NewConversationScreen
from .state import Directory
from .text import one_line


class ConversationReady(Message):
    def __init__(self, thread: Thread | None, note: str, created: bool = False) -> None:
        super().__init__()
        self.thread = thread
        self.note = note
        self.created = created


def valid_user_id(text: str) -> bool:
    """X user IDs are ASCII digits (str.isdigit alone also accepts other scripts' digits)."""
    return text.isascii() and text.isdigit() and 1 <= len(text) <= 20


class ConversationsMixin(App[None]):
    client: InboxClient
    directory: Directory

    def action_new_conversation(self) -> None:
        links = [
            (a.id, one_line(f"{a.name} (@{a.username})", 50))
            for a in self.directory.account_links.values()
        ]
        if not links:
            self.notify("The team's account links are still loading.", severity="warning")
            return

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                self._start_conversation(*answer)

        self.push_screen(NewConversationScreen(links), chosen)

    @work(group="new-conversation", exclusive=True)
    async def _start_conversation(self, who: str, link_id: str) -> None:
        try:
            ready = await self._lookup_or_create(who, link_id)
        except InboxError as error:
            ready = ConversationReady(None, f"Could not start the conversation: {error.message}")
        self.post_message(ready)

    async def _lookup_or_create(self, who: str, link_id: str) -> ConversationReady:
        client = self.client
        if who.isdigit():
            if not valid_user_id(who):
                return ConversationReady(None, "An X user ID is a number of up to 20 digits.")
            platform_id = who
        else:
            username = normalise_username(who)
            if username is None:
                return ConversationReady(
                    None, f"{one_line(who, 30)!r} is neither a username nor an X user ID."
                )
            threads = await client.lookup_threads_by_username(username)
            for thread in threads:
                if thread.account_link_id == link_id:
                    return ConversationReady(thread, f"Opened your conversation with @{username}.")
            if not threads:
                return ConversationReady(
                    None,
                    f"@{username} has no conversation with your team yet: start it with their "
                    "X user ID (the number in x.com/i/user/…).",
                )
            platform_id = threads[0].prospect.platform_id
        existing = await client.lookup_thread(link_id, external_platform_id=platform_id)
        if existing is not None:
            return ConversationReady(existing, "Opened the existing conversation.")
        try:
            created = await client.create_thread(link_id, external_platform_id=platform_id)
        except Conflict:
            # Someone created it between our lookup and create: open theirs.
            existing = await client.lookup_thread(link_id, external_platform_id=platform_id)
            if existing is None:
                return ConversationReady(None, "The conversation exists but could not be opened.")
            return ConversationReady(existing, "It already existed: opened it.")
        except NotFound:
            return ConversationReady(None, f"No X user with the ID {platform_id} was found.")
        return ConversationReady(created, "New conversation: write the first message.", True)

    def on_conversation_ready(self, event: ConversationReady) -> None:
        if event.thread is None:
            self.notify(event.note, severity="error", timeout=8)
            return
        self.notify(event.note)
        self.open_thread(event.thread)  # type: ignore[attr-defined]
        self.action_reply()  # type: ignore[attr-defined]
