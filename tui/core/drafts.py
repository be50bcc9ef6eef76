"""Per-thread reply drafts, kept on disk so they survive failures, crashes and restarts: rows
of the account's writing store (tui/core/writing.py), each written in its own transaction, so
a second window's drafts add up with this one's. A draft goes only when its message is
confirmed sent.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from typing import Any, NamedTuple

from tui.core.writing import DRAFT, WritingStore

EDIT_PREFIX = "edit:"
# A message waiting out the send delay (undo send): kept apart from the thread's draft, so a
# new draft typed meanwhile never overwrites it.
SEND_PREFIX = "send:"


def edit_key(message_id: str) -> str:
    """Where an edit of a message waits until the server has it."""
    return EDIT_PREFIX + message_id


class Quote(NamedTuple):
    """The message a reply answers: its ID and what it said (shown above the reply)."""

    message_id: str
    text: str


class ScheduledSend(NamedTuple):
    """A message the user sent that waits out the send delay (or whose request had left when
    the app stopped: `left`)."""

    local_id: str
    thread_id: str
    text: str
    reply_to: Quote | None
    send_key: str
    left: bool
    # Waiting in another window that is still running (its timer sends it): not this one's
    # to offer after a start.
    elsewhere: bool = False


class DraftStore:
    """The drafts of one account, rows of its writing store (tui/core/writing.py)."""

    def __init__(self, store: WritingStore) -> None:
        self.store = store

    def _entry(self, key: str) -> dict[str, str]:
        entry = self.store.get(DRAFT, key)
        return entry if entry is not None and isinstance(entry.get("text"), str) else {}

    def _keep(self, key: str, entry: dict[str, str] | None) -> None:
        self.store.put(DRAFT, key, entry)

    def get(self, thread_id: str) -> str:
        entry = self._entry(thread_id)
        return entry["text"] if entry else ""

    def reply_to(self, thread_id: str) -> Quote | None:
        """The message the draft answers, when it is a reply to a specific one."""
        return _quote(self._entry(thread_id))

    def thread_ids(self) -> set[str]:
        """The threads with a reply draft (not the message edits kept here too)."""
        return {
            key
            for key, _, _ in self.store.items(DRAFT)
            if not key.startswith((EDIT_PREFIX, SEND_PREFIX))
        }

    def put(self, thread_id: str, text: str, reply_to: Quote | None = None) -> None:
        """Remember `text` (and the message it answers) for the thread and save; empty or
        whitespace removes the draft."""
        kept = self._entry(thread_id)
        if text.strip():
            if kept.get("text") == text and _quote(kept) == reply_to:
                # Written again all the same: this window's copy may be older than another
                # window's typing since, and this keystroke is the later one.
                self._keep(thread_id, kept)
                return
            entry = {"text": text, "updated": datetime.now(UTC).isoformat()}
            if offline := kept.get("offline"):
                entry["offline"] = offline  # (still to be offered when the connection is back)
            if reply_to is not None:
                entry["replyToId"], entry["replyToQuote"] = reply_to.message_id, reply_to.text
            self._keep(thread_id, entry)
        elif kept:
            self._keep(thread_id, None)

    def send_key(self, thread_id: str, text: str, reply_to: Quote | None = None) -> str:
        """The Idempotency-Key of sending `text` (as a reply to `reply_to`) in the thread,
        written with the draft before the request leaves. The same text sent again (`R`, or
        ctrl+s after a crash and restart) gets the same key, so the service replays the first
        send instead of delivering a second; changed text is a new send with a new key."""
        self.put(thread_id, text, reply_to)
        entry = self._entry(thread_id)
        if not entry:  # nothing to send: no draft is kept for empty text
            return uuid.uuid4().hex
        key = entry.get("sendKey")
        if not isinstance(key, str) or not key:
            key = f"inbox-tui-{uuid.uuid4().hex}"
            self._keep(thread_id, {**entry, "sendKey": key})
        return key

    # --- sent while offline ---------------------------------------------------------------------

    def mark_offline(self, thread_id: str, to: str) -> None:
        """A send of this draft could not reach the service: it is offered for sending when
        the connection is back (never sent without asking); `to` names the person, for the
        offer (the thread may not be in the list then)."""
        entry = self._entry(thread_id)
        if entry and entry.get("offline") != to:
            self._keep(thread_id, {**entry, "offline": to or "1"})

    def offline_to(self, thread_id: str) -> str:
        """Whom a reply written offline is to ("" when not said)."""
        to = self._entry(thread_id).get("offline", "")
        return "" if to == "1" else to

    def offline_ids(self) -> list[str]:
        """The threads whose draft waits for the connection, oldest first."""
        waiting = [
            (e.get("updated", ""), k) for k, e, _ in self.store.items(DRAFT) if e.get("offline")
        ]
        return [thread_id for _, thread_id in sorted(waiting)]

    def clear_offline(self, thread_id: str) -> None:
        """An ordinary draft again: kept, no longer offered."""
        entry = self._entry(thread_id)
        if entry.pop("offline", None) is not None:
            self._keep(thread_id, entry)

    # --- sends waiting out the delay -----------------------------------------------------------

    def schedule(self, send: ScheduledSend) -> None:
        """Keep a message that waits to be sent; the thread's draft goes (the composer starts
        afresh), the text lives on here until the server has it or it is brought back."""
        entry = {
            "text": send.text,
            "threadId": send.thread_id,
            "sendKey": send.send_key,
            "updated": datetime.now(UTC).isoformat(),
            "pid": str(os.getpid()),  # (the window whose timer sends it)
        }
        if send.reply_to is not None:
            entry["replyToId"], entry["replyToQuote"] = send.reply_to
        # One transaction: the text is in one place or the other, whatever stops the app.
        rows: list[tuple[str, str, dict[str, Any] | None]] = [
            (DRAFT, SEND_PREFIX + send.local_id, entry)
        ]
        if self._entry(send.thread_id):
            rows.append((DRAFT, send.thread_id, None))
        self.store.put_many(rows)

    def mark_left(self, local_id: str) -> None:
        """Its request has left: after a restart it is a draft again, not offered for sending
        (it may have arrived; sending it again is the user's call, with the same key)."""
        entry = self._entry(SEND_PREFIX + local_id)
        if entry:
            self._keep(SEND_PREFIX + local_id, {**entry, "left": "yes"})

    def scheduled(self) -> list[ScheduledSend]:
        sends = []
        for key, entry, _ in self.store.items(DRAFT):
            if not key.startswith(SEND_PREFIX) or not isinstance(entry.get("threadId"), str):
                continue
            sends.append(
                ScheduledSend(
                    key.removeprefix(SEND_PREFIX),
                    entry["threadId"],
                    entry["text"],
                    _quote(entry),
                    str(entry.get("sendKey") or ""),
                    entry.get("left") == "yes",
                    _running_elsewhere(entry.get("pid", "")),
                )
            )
        return sends

    def unschedule(self, local_id: str) -> None:
        """The server has it: nothing to keep."""
        if self._entry(SEND_PREFIX + local_id):
            self._keep(SEND_PREFIX + local_id, None)

    def restore(self, local_id: str) -> None:
        """Back to the thread's draft (after any draft typed since: nothing is lost), with its
        Idempotency-Key when it is the whole draft, so sending it again is the same send."""
        send = next((s for s in self.scheduled() if s.local_id == local_id), None)
        if send is None:
            return
        since = self._entry(send.thread_id)
        if since.get("text", "").strip():
            entry = {**since, "text": f"{since['text'].rstrip()}\n\n{send.text}"}
            entry.pop("sendKey", None)  # (other text: another send)
        else:
            entry = {"text": send.text}
            if send.reply_to is not None:
                entry["replyToId"], entry["replyToQuote"] = send.reply_to
            if send.send_key:
                entry["sendKey"] = send.send_key
        entry["updated"] = datetime.now(UTC).isoformat()
        # One transaction: the draft back and the waiting send gone, or neither.
        self.store.put_many([(DRAFT, send.thread_id, entry), (DRAFT, SEND_PREFIX + local_id, None)])

    def discard(self, thread_id: str) -> None:
        if self._entry(thread_id):
            self._keep(thread_id, None)


def _running_elsewhere(pid: str) -> bool:
    """Whether `pid` is another process of this machine that is running."""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # (it runs, as another user)
    return True


def _quote(entry: dict[str, str]) -> Quote | None:
    message_id, quote = entry.get("replyToId"), entry.get("replyToQuote")
    if isinstance(message_id, str) and message_id:
        return Quote(message_id, quote if isinstance(quote, str) else "")
    return None
