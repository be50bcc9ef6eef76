"""Per-thread reply drafts, kept on disk so they survive failures, crashes and restarts.

One JSON file in the data dir, replaced atomically (write to a temp file, fsync, rename), so a
crash mid-write leaves the previous version intact. A draft goes only when its message is
confirmed sent.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from tui.core.secrets import read_kept

FILE_NAME = "drafts.json"


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


class DraftStore:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE_NAME
        self._drafts: dict[str, dict[str, str]] = self._read()

    def _read(self) -> dict[str, dict[str, str]]:
        raw = read_kept(self.path)
        if not isinstance(raw, dict):
            return {}
        return {
            str(k): v
            for k, v in raw.items()
            if isinstance(v, dict) and isinstance(v.get("text"), str)
        }

    def get(self, thread_id: str) -> str:
        entry = self._drafts.get(thread_id)
        return entry["text"] if entry else ""

    def reply_to(self, thread_id: str) -> Quote | None:
        """The message the draft answers, when it is a reply to a specific one."""
        entry = self._drafts.get(thread_id) or {}
        message_id, quote = entry.get("replyToId"), entry.get("replyToQuote")
        if isinstance(message_id, str) and message_id:
            return Quote(message_id, quote if isinstance(quote, str) else "")
        return None

    def thread_ids(self) -> set[str]:
        """The threads with a reply draft (not the message edits kept here too)."""
        return {key for key in self._drafts if not key.startswith((EDIT_PREFIX, SEND_PREFIX))}

    def put(self, thread_id: str, text: str, reply_to: Quote | None = None) -> None:
        """Remember `text` (and the message it answers) for the thread and save; empty or
        whitespace removes the draft."""
        if text.strip():
            if self.get(thread_id) == text and self.reply_to(thread_id) == reply_to:
                return
            entry = {"text": text, "updated": datetime.now(UTC).isoformat()}
            if offline := (self._drafts.get(thread_id) or {}).get("offline"):
                entry["offline"] = offline  # (still to be offered when the connection is back)
            if reply_to is not None:
                entry["replyToId"], entry["replyToQuote"] = reply_to.message_id, reply_to.text
            self._drafts[thread_id] = entry
        elif thread_id in self._drafts:
            del self._drafts[thread_id]
        else:
            return
        self._write()

    def send_key(self, thread_id: str, text: str, reply_to: Quote | None = None) -> str:
        """The Idempotency-Key of sending `text` (as a reply to `reply_to`) in the thread,
        written with the draft before the request leaves. The same text sent again (`R`, or
        ctrl+s after a crash and restart) gets the same key, so the service replays the first
        send instead of delivering a second; changed text is a new send with a new key."""
        self.put(thread_id, text, reply_to)
        entry = self._drafts.get(thread_id)
        if entry is None:  # nothing to send: no draft is kept for empty text
            return uuid.uuid4().hex
        key = entry.get("sendKey")
        if not isinstance(key, str) or not key:
            key = f"inbox-tui-{uuid.uuid4().hex}"
            entry["sendKey"] = key
            self._write()
        return key

    # --- sent while offline ---------------------------------------------------------------------

    def mark_offline(self, thread_id: str, to: str) -> None:
        """A send of this draft could not reach the service: it is offered for sending when
        the connection is back (never sent without asking); `to` names the person, for the
        offer (the thread may not be in the list then)."""
        entry = self._drafts.get(thread_id)
        if entry is not None and entry.get("offline") != to:
            entry["offline"] = to or "1"
            self._write()

    def offline_to(self, thread_id: str) -> str:
        """Whom a reply written offline is to ("" when not said)."""
        to = (self._drafts.get(thread_id) or {}).get("offline", "")
        return "" if to == "1" else to

    def offline_ids(self) -> list[str]:
        """The threads whose draft waits for the connection, oldest first."""
        waiting = [(e.get("updated", ""), k) for k, e in self._drafts.items() if e.get("offline")]
        return [thread_id for _, thread_id in sorted(waiting)]

    def clear_offline(self, thread_id: str) -> None:
        """An ordinary draft again: kept, no longer offered."""
        entry = self._drafts.get(thread_id)
        if entry is not None and entry.pop("offline", None) is not None:
            self._write()

    # --- sends waiting out the delay -----------------------------------------------------------

    def schedule(self, send: ScheduledSend) -> None:
        """Keep a message that waits to be sent; the thread's draft goes (the composer starts
        afresh), the text lives on here until the server has it or it is brought back."""
        entry = {
            "text": send.text,
            "threadId": send.thread_id,
            "sendKey": send.send_key,
            "updated": datetime.now(UTC).isoformat(),
        }
        if send.reply_to is not None:
            entry["replyToId"], entry["replyToQuote"] = send.reply_to
        self._drafts[SEND_PREFIX + send.local_id] = entry
        self._drafts.pop(send.thread_id, None)
        self._write()

    def mark_left(self, local_id: str) -> None:
        """Its request has left: after a restart it is a draft again, not offered for sending
        (it may have arrived; sending it again is the user's call, with the same key)."""
        entry = self._drafts.get(SEND_PREFIX + local_id)
        if entry is not None:
            entry["left"] = "yes"
            self._write()

    def scheduled(self) -> list[ScheduledSend]:
        sends = []
        for key, entry in self._drafts.items():
            if not key.startswith(SEND_PREFIX) or not isinstance(entry.get("threadId"), str):
                continue
            message_id, quote = entry.get("replyToId"), entry.get("replyToQuote")
            reply_to = None
            if isinstance(message_id, str) and message_id:
                reply_to = Quote(message_id, quote if isinstance(quote, str) else "")
            sends.append(
                ScheduledSend(
                    key.removeprefix(SEND_PREFIX),
                    entry["threadId"],
                    entry["text"],
                    reply_to,
                    str(entry.get("sendKey") or ""),
                    entry.get("left") == "yes",
                )
            )
        return sends

    def unschedule(self, local_id: str) -> None:
        """The server has it: nothing to keep."""
        if self._drafts.pop(SEND_PREFIX + local_id, None) is not None:
            self._write()

    def restore(self, local_id: str) -> None:
        """Back to the thread's draft (after any draft typed since: nothing is lost), with its
        Idempotency-Key when it is the whole draft, so sending it again is the same send."""
        send = next((s for s in self.scheduled() if s.local_id == local_id), None)
        if send is None:
            return
        del self._drafts[SEND_PREFIX + local_id]
        since = self.get(send.thread_id)
        if since.strip():
            self.put(
                send.thread_id, f"{since.rstrip()}\n\n{send.text}", self.reply_to(send.thread_id)
            )
            return
        self.put(send.thread_id, send.text, send.reply_to)
        if send.send_key:
            self._drafts[send.thread_id]["sendKey"] = send.send_key
        self._write()

    def discard(self, thread_id: str) -> None:
        if self._drafts.pop(thread_id, None) is not None:
            self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".drafts-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._drafts, handle, ensure_ascii=False, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)  # drafts are private correspondence
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
