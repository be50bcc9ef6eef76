"""What the service allows on encrypted (X Chat) threads only: editing and deleting messages,
their edit history, and reactions. Each change is recorded in the event log."""

from __future__ import annotations

from typing import Any

from tui.demo.records import DeletionRec, MessageRec, ThreadRec, VersionRec, ts
from tui.demo.store import DemoError, DemoStore, require_id

MAX_EMOJI_LENGTH = 16


def find_message(source: DemoStore, thread: ThreadRec, message_id: str) -> MessageRec:
    require_id(message_id, "messageId")
    for message in reversed(source.messages_of(thread)):
        if message.id == message_id:
            return message
    raise DemoError(404, "MESSAGE_NOT_FOUND", f"No message with ID {message_id} in this thread")


def require_xchat(thread: ThreadRec, what: str) -> None:
    if thread.variant != "xChat":
        raise DemoError(
            422,
            "NOT_SUPPORTED",
            f"{what} only works for X Chat (encrypted DM) threads; this thread is {thread.variant}",
        )


def _require_ours(thread: ThreadRec, message: MessageRec, what: str) -> None:
    if message.author_id != thread.account_link_id:
        raise DemoError(403, "FORBIDDEN", f"{what} only works for your own messages")


def _require_present(message: MessageRec) -> None:
    if message.deletion is not None:
        raise DemoError(422, "MESSAGE_DELETED", "The message was deleted")


def edit_message(
    source: DemoStore, thread: ThreadRec, message_id: str, content: str
) -> dict[str, Any]:
    require_xchat(thread, "Editing a message")
    message = find_message(source, thread, message_id)
    _require_ours(thread, message, "Editing")
    _require_present(message)
    now = source.now()
    if not message.versions:
        message.versions.append(VersionRec(message.content, message.created_at, None))
    message.versions.append(VersionRec(content, now, "api"))
    message.content = content
    message.is_edited = True
    message.updated_at = now
    source.events.record("message.edited", threadId=thread.id, messageId=message.id)
    return {"success": True, "messageId": message.id, "content": content, "editedAt": ts(now)}


def delete_message(
    source: DemoStore, thread: ThreadRec, message_id: str, for_all: bool
) -> dict[str, Any]:
    require_xchat(thread, "Deleting a message")
    message = find_message(source, thread, message_id)
    if for_all:
        _require_ours(thread, message, "Deleting for everyone")
    _require_present(message)
    now = source.now()
    message.deletion = DeletionRec(now, "all" if for_all else "self", None, "api")
    message.updated_at = now
    source.events.record(
        "message.deleted", threadId=thread.id, messageId=message.id, deleteForAll=for_all
    )
    return {"success": True, "messageId": message.id, "deletedAt": ts(now)}


def history(source: DemoStore, thread: ThreadRec, message_id: str) -> dict[str, Any]:
    require_xchat(thread, "Message history")
    message = find_message(source, thread, message_id)
    versions = message.versions or [VersionRec(message.content, message.created_at, None)]
    return {
        "versions": [message.version_wire(source.team_id, v, True) for v in versions],
        "deletion": message.deletion.wire() if message.deletion else None,
    }


def react(
    source: DemoStore, thread: ThreadRec, message_id: str, emoji: str, add: bool
) -> dict[str, Any]:
    """Add or remove our reaction (one per emoji; adding twice or removing a missing one is a
    no-op, as on X)."""
    require_xchat(thread, "Reactions")
    message = find_message(source, thread, message_id)
    _require_present(message)
    ours = thread.account_link_id
    has = any(r.get("emoji") == emoji and r.get("senderId") == ours for r in message.reactions)
    if add and not has:
        message.reactions.append({"emoji": emoji, "senderId": ours})
    elif not add and has:
        message.reactions = [
            r
            for r in message.reactions
            if not (r.get("emoji") == emoji and r.get("senderId") == ours)
        ]
    else:
        return {"success": True, "messageId": message.id}
    kind = "message.reactionAdded" if add else "message.reactionRemoved"
    source.events.record(kind, threadId=thread.id, messageId=message.id, emoji=emoji)
    return {"success": True, "messageId": message.id}
