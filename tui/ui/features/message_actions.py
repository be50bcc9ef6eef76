"""Acting on one message of the open conversation: edit, delete, history and reactions.

Each works where the conversation allows it (see tui/core/permissions.py): elsewhere its key
is off the footer and help, and pressed, says why. Each change is shown once the server has
made it, and a refused edit keeps its text for the next try.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.message import Message

from tui.api.errors import InboxError
from tui.core.drafts import edit_key
from tui.core.text import one_line
from tui.ui.features.shared import Feature, Needs, message_refusal
from tui.ui.messages import ActionFailed

if TYPE_CHECKING:
    from tui.core.model import Message as ApiMessage
    from tui.core.model import MessageHistory, Thread
    from tui.ui.answers import PickResult

# Offered in the reaction picker (any emoji the platform accepts works through the API).
REACTIONS: tuple[tuple[str, str], ...] = (
    ("👍", "thumbs up"),
    ("❤️", "heart"),
    ("😂", "laughing"),
    ("🔥", "fire"),
    ("🎉", "party"),
    ("😮", "surprised"),
    ("😢", "sad"),
    ("🙏", "thanks"),
    ("👀", "eyes"),
    ("✅", "done"),
)


class MessageChanged(Message):
    """The server made the change: show `message` as it now is."""

    def __init__(self, message: ApiMessage, note: str) -> None:
        super().__init__()
        self.message = message
        self.note = note


class EditSaved(Message):
    """The server has the edit: its draft goes."""

    def __init__(self, message_id: str) -> None:
        super().__init__()
        self.message_id = message_id


class HistoryLoaded(Message):
    def __init__(self, history: MessageHistory) -> None:
        super().__init__()
        self.history = history


# Each action's needs, by action name.
NEEDS = {
    "edit_message": Needs("Editing", "message:edit"),
    # Instagram unsends but cannot delete for one side only: d then offers "for everyone".
    "delete_message": Needs("Deleting", "message:delete:self", alternative="message:unsend"),
    # A history is of edits: where messages cannot change, there is none. Reading it has no
    # time window.
    "message_history": Needs("History", "message:edit", windowed=False),
    "react": Needs("Reacting", "message:react"),
}


class MessageActionsFeature(Feature):
    # An edit is kept with the drafts (on disk) until the server has it: a refused one, or one
    # cut off by a crash, is offered again on the next E.

    NEEDS = NEEDS

    def _message_target(self, action: str) -> tuple[Thread, ApiMessage] | None:
        """The open thread and its selected message, when `action` is possible on them."""
        thread, message = self.shell.message_view.thread, self.shell.message_view.selected_message
        if thread is None or message is None:
            self.notify("Open a thread and select a message (j / k) first.", markup=False)
            return None
        needs = NEEDS[action]
        why = message_refusal(self.shell, needs)
        if why is not None:  # the palette, or a thread that changed under the key
            self.notify(f"{needs.what}: {why}.", severity="warning", markup=False)
            return None
        if message.is_deleted and action != "message_history":
            self.notify("That message was deleted.", severity="warning", markup=False)
            return None
        return thread, message

    def _is_ours(self, message: ApiMessage) -> bool:
        return message.is_outbound(self.shell.directory.account_link_ids)

    # --- edit -------------------------------------------------------------------------------

    def action_edit_message(self) -> None:
        from tui.ui.screens.pickers import NotesScreen

        target = self._message_target("edit_message")
        if target is None:
            return
        thread, message = target
        if not self._is_ours(message):
            self.notify("Only your own messages can be edited.", severity="warning", markup=False)
            return
        current = self.shell.drafts.get(edit_key(message.id)) or message.content

        def saved(result: tuple[str | None] | None) -> None:
            if result is None or result[0] is None or result[0] == message.content:
                return
            self.shell.drafts.put(edit_key(message.id), result[0])
            self._send_edit(thread.id, message, result[0])

        self.shell.push_screen(
            NotesScreen(current, title="Edit your message", empty_clears=False), saved
        )

    @work(group="message-action")
    async def _send_edit(self, thread_id: str, message: ApiMessage, content: str) -> None:
        try:
            edited = await self.shell.client.edit_message(thread_id, message.id, content)
        except InboxError as error:
            self.post_message(ActionFailed("Not edited (E tries again)", error))
            return
        self.post_message(EditSaved(message.id))
        changed = message.model_copy(
            update={"content": edited.content, "is_edited": True, "updated_at": edited.edited_at}
        )
        self.post_message(MessageChanged(changed, "Message edited."))

    # --- delete -----------------------------------------------------------------------------

    def action_delete_message(self) -> None:
        from tui.ui.screens.pickers import ConfirmScreen

        target = self._message_target("delete_message")
        if target is None:
            return
        thread, message = target
        for_me = message_refusal(self.shell, Needs("Deleting", "message:delete:self")) is None
        unsend = Needs("Unsending", "message:unsend")
        for_all = self._is_ours(message) and message_refusal(self.shell, unsend) is None
        if not (for_me or for_all):
            self.notify("Deleting: only your own messages can be unsent here.", markup=False)
            return
        choices = [("keep", "Keep it", "default")]
        body = "It goes from your side of the conversation."
        if for_me:
            choices.insert(0, ("self", "Delete for me", "warning"))
        if for_all:
            choices.insert(0, ("all", "Delete for everyone", "error"))
            body = "For everyone: they no longer see it either."
            body += "\nFor me: only your side." if for_me else ""

        def answered(answer: str | None) -> None:
            if answer in ("all", "self"):
                self._send_delete(thread.id, message, answer == "all")

        preview = one_line(message.content, 50)
        self.shell.push_screen(ConfirmScreen(f"Delete “{preview}”?", body, choices), answered)

    @work(group="message-action")
    async def _send_delete(self, thread_id: str, message: ApiMessage, for_everyone: bool) -> None:
        try:
            deleted = await self.shell.client.delete_message(
                thread_id, message.id, for_everyone=for_everyone
            )
        except InboxError as error:
            self.post_message(ActionFailed("Not deleted", error))
            return
        when = deleted.deleted_at or self.shell.clock()
        update = {"deleted_at": when, "platform_deleted_at": when if for_everyone else None}
        who = "for everyone" if for_everyone else "for you"
        self.post_message(MessageChanged(message.model_copy(update=update), f"Deleted {who}."))

    # --- history ----------------------------------------------------------------------------

    def action_message_history(self) -> None:
        target = self._message_target("message_history")
        if target is not None:
            self._load_history(target[0].id, target[1].id)

    @work(group="message-action")
    async def _load_history(self, thread_id: str, message_id: str) -> None:
        try:
            history = await self.shell.client.message_history(thread_id, message_id)
        except InboxError as error:
            self.post_message(ActionFailed("No history", error))
            return
        self.post_message(HistoryLoaded(history))

    def on_history_loaded(self, event: HistoryLoaded) -> None:
        from tui.ui.screens.history import HistoryScreen

        self.shell.push_screen(HistoryScreen(event.history, self.shell.clock))

    # --- reactions --------------------------------------------------------------------------

    def action_react(self) -> None:
        from tui.ui.screens.pickers import PickerScreen
        from tui.ui.widgets.message_view import emoji_cell

        target = self._message_target("react")
        if target is None:
            return
        thread, message = target
        ours = message.emoji_by(thread.account_link_id)
        offered = [e for e, _ in REACTIONS]
        options = [(e, Text(f"{emoji_cell(e)}  {name}")) for e, name in REACTIONS]
        options += [(e, Text(f"{emoji_cell(e)}  (yours)")) for e in ours if e not in offered]

        def chosen(result: PickResult | None) -> None:
            if result is None:
                return
            add = [e for e in result.values if e not in ours]
            remove = [e for e in ours if e not in result.values]
            if add or remove:
                self._send_reactions(thread, message, add, remove)

        self.shell.push_screen(
            PickerScreen("Your reactions", options, multi=True, selected=tuple(ours)), chosen
        )

    @work(group="message-action")
    async def _send_reactions(
        self, thread: Thread, message: ApiMessage, add: list[str], remove: list[str]
    ) -> None:
        reactions = list(message.reactions)
        ours = thread.account_link_id
        try:
            for emoji in add:
                await self.shell.client.add_reaction(thread.id, message.id, emoji)
                reactions.append({"emoji": emoji, "senderId": ours})
            for emoji in remove:
                await self.shell.client.remove_reaction(thread.id, message.id, emoji)
                reactions = [
                    r
                    for r in reactions
                    if not (
                        isinstance(r, dict)
                        and r.get("emoji") == emoji
                        and r.get("senderId") == ours
                    )
                ]
        except InboxError as error:
            self.post_message(ActionFailed("Reaction not changed", error))
            if reactions == list(message.reactions):
                return
            note = "Some reactions changed."
        else:
            note = "Reactions updated."
        self.post_message(MessageChanged(message.model_copy(update={"reactions": reactions}), note))

    # --- results ----------------------------------------------------------------------------

    def on_edit_saved(self, event: EditSaved) -> None:
        self.shell.drafts.discard(edit_key(event.message_id))

    def on_message_changed(self, event: MessageChanged) -> None:
        self.shell.message_view.replace_message(event.message)
        self.notify(event.note, markup=False)
