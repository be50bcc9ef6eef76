"""Reading a conversation: opening a thread (its header, its sidebar, its composer), its
messages page by page as the user scrolls up, a thread still importing from X read again until
it is complete, and messages that did not load loaded again when the connection is back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from tui.api.errors import InboxError, TransportError
from tui.core.query import MAX_LIMIT
from tui.core.text import one_line
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature
from tui.ui.messages import MessagesLoaded, RequestFailed

if TYPE_CHECKING:
    from tui.core.model import Cursor, Message, Thread
    from tui.ui.features.reminders import RemindersFeature
    from tui.ui.features.reply import ReplyFeature
    from tui.ui.features.unread import UnreadFeature
    from tui.ui.widgets.message_view import MessageView
    from tui.ui.widgets.thread_list import ThreadList

SEEK_PAGES = 20  # pages (of 100) read back to find the message a search opened a conversation at
LOADING_MESSAGES = "loading messages"


class ReadingFeature(Feature):
    def __init__(
        self,
        shell: AppShared,
        reply: ReplyFeature,
        unread: UnreadFeature,
        reminders: RemindersFeature,
        store: Callable[[str, list[Message]], None],
        stored: Callable[[str], list[Message]],
    ) -> None:
        super().__init__(shell)
        self.reply = reply  # the composer follows the thread opened
        self.unread = unread  # an unread thread opened is read
        self.reminders = reminders  # a due thread opened: its reminder is done
        self.store = store  # every conversation read goes to the local mirror
        self.stored = stored  # and comes back from it, offline
        self._stale: str | None = None  # the thread shown from the mirror (offline)
        self._seek: str | None = None  # the message to show once it is loaded (a search's)
        self._seek_pages = 0
        self._older_cursor: Cursor | None = None  # where the open thread's older page starts

    def open_thread(self, thread: Thread, at_message: str | None = None) -> None:
        """The conversation, from its newest message; with `at_message`, at that one (older
        pages are read until it is there)."""
        self._seek, self._seek_pages = at_message, 0
        self._stale = None
        view = self.shell.message_view
        thread = self.shell.latest(thread) or thread
        view.show_notice("Loading messages…", thread)
        self._older_cursor = None
        self.shell.show_sidebar_for(thread)
        self.show_conversation_header(thread)
        self.reply.load_composer_for(thread)
        self._fetch_messages(thread, None)
        view.focus()
        # The list's cursor joins the conversation when it is loaded (lookup, board, N).
        self.shell.thread_list.select_id(thread.id)
        self.unread.opened(thread)
        self.reminders.opened(thread)

    def on_thread_list_opened(self, message: ThreadList.Opened) -> None:
        self.open_thread(message.thread)

    def show_conversation_header(self, thread: Thread | None) -> None:
        """Whose conversation the message pane shows: name, handle and our account link."""
        header = self.shell.conversation_header
        header.set_class(thread is None, "-hidden")
        if thread is None:
            return
        line = Text()
        line.append(one_line(thread.prospect.display_name, 40) or "(no name)", "bold")
        line.append("  ")
        line.append(one_line(thread.prospect.at_handle, 30))
        link = self.shell.directory.account_links.get(thread.account_link_id)
        line.append("  · via ")
        line.append(one_line(link.name, 30) if link else thread.account_link_id[:8])
        header.update(line)

    def on_message_view_need_older(self, message: MessageView.NeedOlder) -> None:
        view = self.shell.message_view
        cursor = self._older_cursor
        if view.thread is None or view.thread.id != message.thread_id or cursor is None:
            view.loading_older = False
            return
        self._fetch_messages(view.thread, cursor)

    @work(group="messages", exclusive=True)
    async def _fetch_messages(
        self, thread: Thread, cursor: Cursor | None, recheck: bool = False, limit: int = 0
    ) -> None:
        try:
            page = await self.shell.client.list_messages(
                thread.id, limit=limit or self.shell.settings.page_size, cursor=cursor
            )
        except InboxError as error:
            if recheck:
                self._recheck_sync_later(thread)
                return
            self.post_message(RequestFailed(LOADING_MESSAGES, error, thread=thread))
            return
        self.post_message(
            MessagesLoaded(
                thread,
                page.messages,
                page.next_cursor,
                older=cursor is not None,
                syncing=page.is_syncing,
                recheck=recheck,
            )
        )

    def _recheck_sync_later(self, thread: Thread) -> None:
        """A syncing thread is read again shortly, while it is still the one on screen."""

        def recheck() -> None:
            shown = self.shell.message_view.thread
            if shown is not None and shown.id == thread.id:
                self._fetch_messages(thread, None, recheck=True)

        self.set_timer(self.shell.settings.sync_recheck, recheck)

    def on_messages_loaded(self, message: MessagesLoaded) -> None:
        self.shell.reloads.answered()
        self.call_after_refresh(self.store, message.thread.id, message.messages)  # after the frame
        if not message.older and self._stale == message.thread.id:
            self._stale = None  # fresh from the service again
            self.shell.set_status(self.shell.count_text())
        view = self.shell.message_view
        for item in message.messages:
            self.shell.directory.note_campaign(item.campaign_id)
        if message.older:
            view.prepend_older(message.thread.id, message.messages, message.next_cursor is not None)
            self._older_cursor = message.next_cursor
            self._go_to_sought()
            return
        if view.thread is None or view.thread.id != message.thread.id:
            return
        self._older_cursor = message.next_cursor
        if message.syncing:
            self._recheck_sync_later(message.thread)
        has_older = message.next_cursor is not None
        if message.recheck and view.messages:
            view.sync_checked(message.thread.id, message.messages, has_older, message.syncing)
            return
        if not message.messages:
            view.show_notice(
                f"Messages are still importing from "
                f"{one_line(self.shell.directory.platform_label(message.thread), 20)}: "
                "checking again shortly."
                if message.syncing
                else "No messages in this thread yet.",
                message.thread,
            )
            return
        view.set_messages(message.thread, message.messages, has_older, message.syncing)
        self._go_to_sought()

    def _go_to_sought(self) -> None:
        """The message a search opened the conversation at: selected once loaded, older pages
        read until it is (at most SEEK_PAGES of them)."""
        sought, view = self._seek, self.shell.message_view
        if sought is None or view.thread is None:
            return
        if view.select_message(sought):
            self._seek = None
            # Again once laid out: a fresh conversation scrolls to its end after its layout.
            view.call_after_refresh(view.select_message, sought)
            return
        if self._older_cursor is None or self._seek_pages >= SEEK_PAGES:
            self._seek = None
            self.notify(
                "That message is no longer in the conversation (deleted, or beyond "
                f"{SEEK_PAGES} pages): shown from the newest.",
                severity="warning",
                markup=False,
            )
            return
        self._seek_pages += 1
        view.loading_older = True
        self._fetch_messages(view.thread, self._older_cursor, limit=MAX_LIMIT)  # big strides

    def on_request_failed(self, message: RequestFailed) -> None:
        """The conversation did not load: it says so (not "Loading…" for ever), and loads
        again when the connection is back, if it is still the one on screen. (The app says
        what failed, as for any request.)"""
        thread = message.thread
        view = self.shell.message_view
        if thread is None or view.thread is None or view.thread.id != thread.id or view.messages:
            return
        offline = isinstance(message.error, TransportError)
        stored = self.stored(thread.id) if offline else []
        if stored:
            # Read from the local mirror, marked stale: a reply typed meanwhile waits as a
            # draft, and the conversation loads afresh when the connection is back.
            view.set_messages(thread, stored, has_older=False)
            self._stale = thread.id
            message.quiet = True
            self.shell.set_status(
                "Offline: this conversation as the local mirror holds it (stale). It loads "
                "afresh when the connection is back; a reply waits as a draft.",
                error=True,
            )
        else:
            view.show_notice(
                f"Messages did not load ({describe_error(message.error)}). They load again "
                "by themselves when the connection is back.",
                thread,
            )

        def reload() -> None:
            shown = view.thread is not None and view.thread.id == thread.id
            if shown and (not view.messages or self._stale == thread.id):
                view.show_notice("Loading messages…", thread)
                self._fetch_messages(thread, None)

        self.shell.reloads.failed("messages", reload)
