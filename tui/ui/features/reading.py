"""Reading a conversation: opening a thread (its header, its sidebar, its composer), its
messages page by page as the user scrolls up, a thread still importing from X read again until
it is complete, and messages that did not load loaded again when the connection is back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from tui.api.errors import InboxError
from tui.core.text import one_line
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature
from tui.ui.messages import MessagesLoaded, RequestFailed

if TYPE_CHECKING:
    from tui.core.model import Cursor, Thread
    from tui.ui.features.reminders import RemindersFeature
    from tui.ui.features.reply import ReplyFeature
    from tui.ui.features.unread import UnreadFeature
    from tui.ui.widgets.message_view import MessageView
    from tui.ui.widgets.thread_list import ThreadList

LOADING_MESSAGES = "loading messages"


class ReadingFeature(Feature):
    def __init__(
        self,
        shell: AppShared,
        reply: ReplyFeature,
        unread: UnreadFeature,
        reminders: RemindersFeature,
    ) -> None:
        super().__init__(shell)
        self.reply = reply  # the composer follows the thread opened
        self.unread = unread  # an unread thread opened is read
        self.reminders = reminders  # a due thread opened: its reminder is done
        self._older_cursor: Cursor | None = None  # where the open thread's older page starts

    def open_thread(self, thread: Thread) -> None:
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
        self, thread: Thread, cursor: Cursor | None, recheck: bool = False
    ) -> None:
        try:
            page = await self.shell.client.list_messages(
                thread.id, limit=self.shell.settings.page_size, cursor=cursor
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
        view = self.shell.message_view
        for item in message.messages:
            self.shell.directory.note_campaign(item.campaign_id)
        if message.older:
            view.prepend_older(message.thread.id, message.messages, message.next_cursor is not None)
            self._older_cursor = message.next_cursor
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
                "Messages are still importing from X: checking again shortly."
                if message.syncing
                else "No messages in this thread yet.",
                message.thread,
            )
            return
        view.set_messages(message.thread, message.messages, has_older, message.syncing)

    def on_request_failed(self, message: RequestFailed) -> None:
        """The conversation did not load: it says so (not "Loading…" for ever), and loads
        again when the connection is back, if it is still the one on screen. (The app says
        what failed, as for any request.)"""
        thread = message.thread
        view = self.shell.message_view
        if thread is None or view.thread is None or view.thread.id != thread.id or view.messages:
            return
        view.show_notice(
            f"Messages did not load ({describe_error(message.error)}). They load again by "
            "themselves when the connection is back.",
            thread,
        )

        def reload() -> None:
            if view.thread is not None and view.thread.id == thread.id and not view.messages:
                view.show_notice("Loading messages…", thread)
                self._fetch_messages(thread, None)

        self.shell.reloads.failed("messages", reload)
