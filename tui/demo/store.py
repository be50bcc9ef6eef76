"""The demo API's state and its operations, independent of HTTP.

Threads are kept in one list sorted newest first by (computedSortTimestamp, id); a page is a
bisect to the cursor and a scan that stops once the page is full, so listing stays fast at
100,000 threads. Cursors name the last item's (timestamp, id), so pages are stable under inserts.
"""

from __future__ import annotations

import bisect
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from tui.demo.events import EventLog
from tui.demo.media import DemoMedia
from tui.demo.records import (
    AccountLinkRec,
    LabelRec,
    MemberRec,
    MessageRec,
    ProspectRec,
    ThreadRec,
    conversation_id,
    platform_name,
    ts,
)
from tui.demo.seed import (
    COLORS,
    INBOUND_LINES,
    SeedConfig,
    Seeded,
    Seeder,
    conversation,
    make_id,
    to_millis,
)

INBOX_VIEWS = ("default", "no-reply", "requests", "archived")


class DemoError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details  # what v2's error body says besides (see v2/answers.py)


_CUID2 = re.compile(r"[0-9a-z]+")


def require_id(value: str, name: str) -> None:
    """An ID the specs give the Cuid2 pattern (`^[0-9a-z]+$`): one of another shape is a bad
    request (400) naming the field, never a 404; a well-formed unknown one is the 404."""
    if not _CUID2.fullmatch(value):
        why = "must be an ID (lowercase letters and digits)"
        raise DemoError(
            400,
            "BAD_REQUEST",
            f"{name} {why}, got {value[:40]!r}",
            {"issues": [{"path": [name], "message": why}]},
        )


@dataclass(frozen=True)
class IdSelection:
    selected: frozenset[str] = frozenset()
    none_: bool = False

    @property
    def active(self) -> bool:
        return bool(self.selected) or self.none_


@dataclass(frozen=True)
class ThreadFilter:
    inbox: str = "default"
    account_link_ids: frozenset[str] = frozenset()
    tags: IdSelection = field(default_factory=IdSelection)
    statuses: IdSelection = field(default_factory=IdSelection)
    assignees: IdSelection = field(default_factory=IdSelection)
    campaigns: IdSelection = field(default_factory=IdSelection)
    ascending: bool = False

    def matches(self, t: ThreadRec) -> bool:
        if self.inbox == "archived":
            if not t.done:
                return False
        elif t.done or t.status != "active" or not self._in_view(t):
            return False
        if self.account_link_ids and t.account_link_id not in self.account_link_ids:
            return False
        p = t.prospect
        return (
            _any_of(self.tags, p.tags)
            and _any_of(self.statuses, [p.status_id] if p.status_id else [])
            and _any_of(self.assignees, [t.assignee_id] if t.assignee_id else [])
            and _any_of(self.campaigns, [t.campaign_id] if t.campaign_id else [])
        )

    def _in_view(self, t: ThreadRec) -> bool:
        if self.inbox == "no-reply":
            return t.awaiting_reply
        if self.inbox == "requests":
            return t.is_request
        return True


class ThreadMatcher(Protocol):
    """A filter the thread scan applies (v1's ThreadFilter, v2's FolderFilter)."""

    @property
    def ascending(self) -> bool: ...
    def matches(self, t: ThreadRec) -> bool: ...


def _any_of(selection: IdSelection, values: list[str]) -> bool:
    """Within one filter: any of the selected IDs, or (with the flag) none at all."""
    if not selection.active:
        return True
    if selection.none_ and not values:
        return True
    return any(v in selection.selected for v in values)


SYNCED_FIRST = 3  # messages listed while a thread's history is still importing
TYPING_EVERY = 2.5  # seconds between typing signals per thread


class DemoStore:
    def __init__(
        self,
        config: SeedConfig | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config or SeedConfig()
        self._clock = clock or (lambda: datetime.now(UTC))
        anchor = self.config.anchor or self._clock()
        seeder = Seeder(self.config, anchor)
        seeded = seeder.build_directory() if self.config.lazy else seeder.build()
        self.seeded: Seeded = seeded
        self.team_id = seeded.team_id
        self.members: dict[str, MemberRec] = {m.id: m for m in seeded.members}
        self.account_links: dict[str, AccountLinkRec] = {a.id: a for a in seeded.account_links}
        self.tags: dict[str, LabelRec] = {t.id: t for t in seeded.tags}
        self.statuses: dict[str, LabelRec] = {s.id: s for s in seeded.statuses}
        self.campaign_names = seeded.campaign_names
        self.prospects: dict[str, ProspectRec] = {}
        self.prospects_by_platform_id: dict[str, ProspectRec] = {}
        self.threads: dict[str, ThreadRec] = {}
        self.threads_by_prospect: dict[str, list[ThreadRec]] = {}
        self._order: list[ThreadRec] = []
        self._order_keys: list[tuple[float, str]] = []
        # Lazy: the rest of the seed, generated newest first as requests reach it.
        self._seeder: Seeder | None = None
        self._stream: Iterator[ThreadRec] | None = None
        if self.config.lazy:
            self._seeder, self._stream = seeder, seeder.thread_stream(seeded)
        else:
            for prospect in seeded.prospects:
                self._add_prospect(prospect)
            for thread in sorted(seeded.threads, key=_newest_first):
                self._add_thread(thread)
        self._rng = random.Random(self.config.seed + self.config.team.seed_offset + 1)
        # The member a demo key acts as (messages sent through the API carry its userId).
        self.acting_member_id = seeded.members[0].id
        self._next_inbound: datetime | None = None
        self._typing_sent: dict[str, float] = {}  # thread ID -> when its last typing signal went
        self.typing_signals: list[str] = []  # the threads whose other side saw us typing
        self.events = EventLog(self.team_id, self.now)
        # Its own draw: the store's other draws (IDs of what arrives) stay as they were.
        self.media = DemoMedia(self.now, secret=random.Random(self.config.seed + 2).randbytes(16))

    def now(self) -> datetime:
        return to_millis(self._clock())

    def find_message(self, message_id: str) -> tuple[ThreadRec, MessageRec] | None:
        """A message of a conversation read so far (a message ID is only known from one)."""
        for thread in list(self.threads.values()):
            for message in thread.messages or ():
                if message.id == message_id:
                    return thread, message
        return None

    # --- lazy seeding -----------------------------------------------------------------------

    def _add_prospect(self, prospect: ProspectRec) -> None:
        self.prospects[prospect.external_id] = prospect
        self.prospects_by_platform_id[prospect.platform_id] = prospect

    def _add_thread(self, thread: ThreadRec) -> None:
        """A seeded thread, older than every thread already in the order."""
        self.threads[thread.id] = thread
        self.threads_by_prospect.setdefault(thread.prospect.external_id, []).append(thread)
        if thread.prospect.external_id not in self.prospects:
            self._add_prospect(thread.prospect)
        self._order.append(thread)
        self._order_keys.append(_newest_first(thread))

    def _pull(self, count: int) -> bool:
        """Generate up to `count` more seeded threads; False when the seed is exhausted."""
        if self._stream is None:
            return False
        for _ in range(count):
            thread = next(self._stream, None)
            if thread is None:
                self.ensure_all()
                return False
            self._add_thread(thread)
        # A person's two threads are seeded one after the other: one more keeps every
        # served thread's list of the prospect's threads complete.
        thread = next(self._stream, None)
        if thread is None:
            self.ensure_all()
        else:
            self._add_thread(thread)
        return True

    def ensure_all(self) -> None:
        """The whole seed, for what needs every thread or person (lookups, label deletes)."""
        if self._stream is None or self._seeder is None:
            return
        for thread in self._stream:
            self._add_thread(thread)
        self._stream = None
        self._seeder.finish(self.seeded)
        for prospect in self.seeded.prospects:
            if prospect.external_id not in self.prospects:
                self._add_prospect(prospect)

    # --- ordering ---------------------------------------------------------------------------

    def _reindex(self, thread: ThreadRec, *, removed: bool = False) -> None:
        """Move one thread to its place in the newest-first order (or drop it)."""
        for i, existing in enumerate(self._order):
            if existing is thread:
                del self._order[i]
                del self._order_keys[i]
                break
        if not removed:
            key = _newest_first(thread)
            at = bisect.bisect_left(self._order_keys, key)
            self._order.insert(at, thread)
            self._order_keys.insert(at, key)

    # --- directory --------------------------------------------------------------------------

    def team_wire(self) -> dict[str, Any]:
        return {
            "id": self.team_id,
            "name": f"{self.config.team.name} (demo)",
            "slug": self.config.team.slug,
            "image": None,
            "createdAt": ts(self.seeded.members[0].created_at),
            "updatedAt": None,
            "currency": self.config.team.currency,
            "allowSupportAccess": False,
        }

    def colors_wire(self) -> list[dict[str, str]]:
        return [{"name": n, "hex": h} for n, h in COLORS]

    def member(self, member_id: str) -> MemberRec:
        require_id(member_id, "memberId")
        try:
            return self.members[member_id]
        except KeyError:
            raise DemoError(404, "MEMBER_NOT_FOUND", f"No member with ID {member_id}") from None

    # --- serialisation ----------------------------------------------------------------------

    def prospect_wire(self, prospect: ProspectRec) -> dict[str, Any]:
        refs = [t.ref_wire() for t in self.threads_by_prospect.get(prospect.external_id, [])]
        return prospect.wire(refs)

    def thread_wire(self, thread: ThreadRec) -> dict[str, Any]:
        return thread.wire(self.prospect_wire(thread.prospect))

    # --- threads ----------------------------------------------------------------------------

    def thread(self, thread_id: str) -> ThreadRec:
        require_id(thread_id, "threadId")
        if thread_id not in self.threads:
            self.ensure_all()
        try:
            return self.threads[thread_id]
        except KeyError:
            raise DemoError(404, "THREAD_NOT_FOUND", f"No thread with ID {thread_id}") from None

    def list_threads(
        self, flt: ThreadMatcher, limit: int, cursor: tuple[datetime, str] | None
    ) -> tuple[list[ThreadRec], tuple[datetime, str] | None]:
        page: list[ThreadRec] = []
        more = False
        for t in self._scan(flt.ascending, cursor):
            if not flt.matches(t):
                continue
            if len(page) == limit:
                more = True
                break
            page.append(t)
        next_cursor = page[-1].key if more else None
        return page, next_cursor

    def _scan(self, ascending: bool, cursor: tuple[datetime, str] | None) -> Iterator[ThreadRec]:
        if self._stream is not None:
            if ascending:
                self.ensure_all()  # oldest first: the end of the seed is needed
            else:
                return self._lazy_scan(cursor)
        order = self._order
        if cursor is None:
            return iter(reversed(order)) if ascending else iter(order)
        key = (-cursor[0].timestamp(), _inverted(cursor[1]))
        if ascending:
            # Everything strictly older-first after the cursor: before it in newest-first order.
            at = bisect.bisect_left(self._order_keys, key)
            return (order[i] for i in range(at - 1, -1, -1))
        at = bisect.bisect_right(self._order_keys, key)
        return (order[i] for i in range(at, len(order)))

    def _lazy_scan(self, cursor: tuple[datetime, str] | None) -> Iterator[ThreadRec]:
        """Newest first from the cursor, generating threads as the scan reaches them."""
        at = 0
        if cursor is not None:
            key = (-cursor[0].timestamp(), _inverted(cursor[1]))
            while (not self._order_keys or self._order_keys[-1] <= key) and self._pull(100):
                pass
            at = bisect.bisect_right(self._order_keys, key)
        while True:
            if at >= len(self._order):
                if not self._pull(100) and at >= len(self._order):
                    return
                continue
            yield self._order[at]
            at += 1

    def lookup_thread(
        self, account_link_id: str, platform_id: str | None, external_id: str | None
    ) -> ThreadRec | None:
        prospect = self.find_prospect(platform_id, external_id)
        if prospect is None:
            return None
        for t in self.threads_by_prospect.get(prospect.external_id, []):
            if t.account_link_id == account_link_id:
                return t
        return None

    def lookup_by_username(self, username: str, account_link_ids: Iterable[str]) -> list[ThreadRec]:
        self.ensure_all()
        wanted = username.strip().removeprefix("@").lower()
        links = set(account_link_ids)
        found = [
            t
            for p in self.prospects.values()
            if p.username.lower() == wanted
            for t in self.threads_by_prospect.get(p.external_id, [])
            if not links or t.account_link_id in links
        ]
        return sorted(found, key=_newest_first)

    def find_prospect(self, platform_id: str | None, external_id: str | None) -> ProspectRec | None:
        if external_id:
            if external_id not in self.prospects:
                self.ensure_all()
            return self.prospects.get(external_id)
        if platform_id:
            if platform_id not in self.prospects_by_platform_id:
                self.ensure_all()
            return self.prospects_by_platform_id.get(platform_id)
        return None

    def create_thread(
        self, account_link_id: str, platform_id: str | None, external_id: str | None
    ) -> ThreadRec:
        link = self.account_link(account_link_id)
        prospect = self.find_prospect(platform_id, external_id)
        if prospect is None:
            raise DemoError(
                404,
                "PROSPECT_NOT_FOUND",
                f"No {platform_name(link.platform)} user with that ID could be found for this team",
            )
        self.check_reachable(link, prospect)
        if self.lookup_thread(link.id, None, prospect.external_id) is not None:
            raise DemoError(
                409,
                "THREAD_ALREADY_EXISTS",
                "A thread already exists between this account link and prospect",
            )
        now = self.now()
        thread = ThreadRec(
            id=make_id(self._rng),
            platform_id=conversation_id(link.platform, link.platform_id, prospect.platform_id),
            account_link_id=link.id,
            prospect=prospect,
            created_at=now,
            sort_at=now,
            last_message=None,
            message_count=0,
            seed=self._rng.randrange(1 << 30),
            platform=link.platform,
            variant="unencrypted",
            messages=[],
        )
        self.threads[thread.id] = thread
        self.threads_by_prospect.setdefault(prospect.external_id, []).append(thread)
        self._reindex(thread)
        self.events.record(
            "thread.created",
            threadId=thread.id,
            accountLinkId=link.id,
            prospectId=prospect.external_id,
        )
        return thread

    @staticmethod
    def check_reachable(link: AccountLinkRec, prospect: ProspectRec) -> None:
        """An account link talks to people on its own platform only: a LinkedIn link cannot
        write to an X user, whatever their ID."""
        if prospect.platform != link.platform:
            raise DemoError(
                422,
                "RECIPIENT_UNAVAILABLE",
                f"{prospect.display_name or prospect.username} is on "
                f"{platform_name(prospect.platform)}, and the account link {link.name} is on "
                f"{platform_name(link.platform)}",
                {"reason": "otherPlatform"},
            )

    def update_thread(self, thread: ThreadRec, changes: dict[str, Any]) -> None:
        if "assigneeId" in changes:
            assignee = changes["assigneeId"]
            if assignee is not None:
                self.member(assignee)
            if assignee != thread.assignee_id:
                kind = "thread.assigned" if assignee else "thread.unassigned"
                self.events.record(kind, threadId=thread.id, assigneeId=assignee)
            thread.assignee_id = assignee
        if "done" in changes:
            done = bool(changes["done"])
            if done != thread.done:
                kind = "thread.archived" if done else "thread.unarchived"
                self.events.record(kind, threadId=thread.id)
            thread.done = done

    def delete_thread(self, thread: ThreadRec) -> None:
        del self.threads[thread.id]
        self.threads_by_prospect[thread.prospect.external_id].remove(thread)
        self._reindex(thread, removed=True)
        self.events.record(
            "thread.deleted", threadId=thread.id, accountLinkId=thread.account_link_id
        )

    def account_link(self, account_link_id: str) -> AccountLinkRec:
        require_id(account_link_id, "accountLinkId")
        try:
            return self.account_links[account_link_id]
        except KeyError:
            raise DemoError(
                404, "ACCOUNT_LINK_NOT_FOUND", f"No account link with ID {account_link_id}"
            ) from None

    # --- messages ---------------------------------------------------------------------------

    def messages_of(self, thread: ThreadRec) -> list[MessageRec]:
        """Oldest first; generated from the thread's seed on first read."""
        if thread.messages is None:
            thread.messages = conversation(thread, self.seeded.members, self.campaign_names)
        return thread.messages

    def syncing(self, thread: ThreadRec) -> bool:
        """Whether older messages are still importing (the clock starts at the first read)."""
        if thread.sync_seconds <= 0:
            return False
        now = self.now()
        if thread.sync_started is None:
            thread.sync_started = now
        if now - thread.sync_started >= timedelta(seconds=thread.sync_seconds):
            thread.sync_seconds = 0.0
            return False
        return True

    def list_messages(
        self, thread: ThreadRec, limit: int, cursor: tuple[datetime, str] | None
    ) -> tuple[list[MessageRec], tuple[datetime, str] | None]:
        """Newest first; the cursor leads to older messages. While the thread is syncing only
        the newest few have arrived."""
        messages = self.messages_of(thread)
        if self.syncing(thread):
            messages = messages[-SYNCED_FIRST:]
        end = len(messages)
        if cursor is not None:
            keys = [(m.created_at, m.id) for m in messages]
            end = bisect.bisect_left(keys, cursor)
        start = max(0, end - limit)
        page = list(reversed(messages[start:end]))
        next_cursor = page[-1].key if start > 0 and page else None
        return page, next_cursor

    def send_message(
        self, thread: ThreadRec, content: str, reply_to: str | None, user_id: str | None
    ) -> MessageRec:
        """Ours, through the API: authored by the thread's account link, which must be able
        to send (a paused or offline one cannot)."""
        link = self.account_link(thread.account_link_id)
        self.check_reachable(link, thread.prospect)
        if link.status != "active":
            why = f" ({', '.join(link.pause_reasons)})" if link.pause_reasons else ""
            raise DemoError(
                409,
                "ACCOUNT_LINK_DISCONNECTED",
                f"The account link {link.name} is {link.status}{why}",
                {"accountLinkId": link.id, "status": link.status},
            )
        reply_data = None
        if reply_to is not None:
            quoted = next((m for m in self.messages_of(thread) if m.id == reply_to), None)
            if quoted is None:
                raise DemoError(404, "MESSAGE_NOT_FOUND", f"No message with ID {reply_to}")
            reply_data = {"messageId": quoted.id, "content": quoted.content[:80]}
        message = self._append(thread, thread.account_link_id, user_id, content, "api")
        message.reply_data = reply_data
        thread.is_request = False  # replying accepts a message request
        return message

    def typing_signal(self, thread: ThreadRec) -> str | None:
        """A typing indicator to the other side: None when sent, else why it was skipped (the
        thread's setting says no, or one went less than 2.5 s ago; on both versions)."""
        if thread.typing_indicators == "disabled":
            return "disabled"
        now = time.monotonic()
        if now - self._typing_sent.get(thread.id, -TYPING_EVERY) < TYPING_EVERY:
            return "rateLimited"
        self._typing_sent[thread.id] = now
        self.typing_signals.append(thread.id)
        return None

    def receive_message(self, thread: ThreadRec, content: str) -> MessageRec:
        """An inbound DM from the prospect (the demo's stand-in for X delivering one)."""
        message = self._append(thread, thread.prospect.external_id, None, content, "external")
        thread.unread = True
        if thread.done:  # a new message brings an archived thread back
            thread.done = False
            self.events.record("thread.unarchived", threadId=thread.id)
        return message

    def _append(
        self, thread: ThreadRec, author_id: str, user_id: str | None, content: str, origin: str
    ) -> MessageRec:
        """A new last message: the thread moves to the top of the newest-first order."""
        messages = self.messages_of(thread)
        now = max(self.now(), thread.sort_at)
        message = MessageRec(
            id=make_id(self._rng),
            thread_id=thread.id,
            author_id=author_id,
            user_id=user_id,
            campaign_id=None,
            content=content,
            origin=origin,
            created_at=now,
            platform_id=str(1_890_000_000_000_000_000 + self._rng.randrange(10**15)),
        )
        messages.append(message)
        thread.message_count += 1
        thread.last_message = message
        thread.sort_at = now
        self._reindex(thread)
        self.events.record(
            "message.created", threadId=thread.id, messageId=message.id, authorId=author_id
        )
        return message

    def simulate_activity(self) -> None:
        """When inbound simulation is on, deliver the DMs 'due' since the last call."""
        every = self.config.inbound_every
        if every is None:
            return
        now = self.now()
        if self._next_inbound is None:
            self._next_inbound = now + timedelta(seconds=every)
            return
        while now >= self._next_inbound:
            if len(self._order) < 40:
                self._pull(40 - len(self._order))  # (a lazy store nobody has listed yet)
            candidates = [t for t in self._order[:40] if t.status == "active"]
            if candidates:
                thread = self._rng.choice(candidates)
                self.receive_message(thread, self._rng.choice(INBOUND_LINES))
            self._next_inbound += timedelta(seconds=every)

    # --- tags and statuses -------------------------------------------------------------------

    def labels(self, kind: str) -> dict[str, LabelRec]:
        return self.tags if kind == "tags" else self.statuses

    def label(self, kind: str, label_id: str) -> LabelRec:
        """v1's look-up, by ID (v2 takes a name too: tui/demo/v2/handlers.py)."""
        require_id(label_id, "tagId" if kind == "tags" else "statusId")
        found = self.labels(kind).get(label_id)
        if found is None:
            code = "TAG_NOT_FOUND" if kind == "tags" else "STATUS_NOT_FOUND"
            raise DemoError(
                404, code, f"No {kind[:-1] if kind == 'tags' else 'status'} with ID {label_id}"
            )
        return found

    def _check_name(self, kind: str, name: str, except_id: str | None = None) -> None:
        for existing in self.labels(kind).values():
            if existing.id != except_id and existing.name.lower() == name.lower():
                raise DemoError(
                    409,
                    "NAME_TAKEN",
                    f"A {kind[:-1] if kind == 'tags' else 'status'} named {name!r} already exists",
                )

    def create_label(self, kind: str, name: str, color: str | None) -> LabelRec:
        """`color`: a palette name or a hex value, stored as lowercase hex; None is a status
        without one, and a tag in a colour of the palette picked at random (by its ID)."""
        self._check_name(kind, name)
        label_id = make_id(self._rng)
        label = LabelRec(label_id, name, self._stored_color(kind, label_id, color), self.now())
        self.labels(kind)[label.id] = label
        self.events.record(f"{_singular(kind)}.created", id=label.id)
        return label

    def update_label(self, label: LabelRec, kind: str, changes: dict[str, Any]) -> None:
        if "name" in changes:
            self._check_name(kind, changes["name"], except_id=label.id)
            label.name = changes["name"]
        if "color" in changes:
            label.color = self._stored_color(kind, label.id, changes["color"])
        self.events.record(f"{_singular(kind)}.updated", id=label.id)

    def _stored_color(self, kind: str, label_id: str, color: str | None) -> str | None:
        if color is None:
            return None if kind == "statuses" else COLORS[int(label_id, 36) % len(COLORS)][1]
        stored = color_hex(color, short=True)
        if stored is None:
            raise DemoError(400, "BAD_REQUEST", f"color: {color[:20]!r} is not a colour")
        return stored

    def delete_label(self, kind: str, label: LabelRec) -> None:
        self.ensure_all()  # every person who carries it
        """Gone from the team, and from every prospect that carried it."""
        del self.labels(kind)[label.id]
        self.events.record(f"{_singular(kind)}.deleted", id=label.id)
        for prospect in self.prospects.values():
            if kind == "tags" and label.id in prospect.tags:
                prospect.tags.remove(label.id)
            elif kind == "statuses" and prospect.status_id == label.id:
                prospect.status_id = None

    # --- prospects --------------------------------------------------------------------------

    def prospect(self, prospect_id: str) -> ProspectRec:
        require_id(prospect_id, "prospectId")
        if prospect_id not in self.prospects:
            self.ensure_all()
        try:
            return self.prospects[prospect_id]
        except KeyError:
            raise DemoError(
                404, "PROSPECT_NOT_FOUND", f"No prospect with ID {prospect_id}"
            ) from None

    def update_context(self, prospect: ProspectRec, changes: dict[str, Any]) -> None:
        """Validate everything first, then apply: a refused request changes nothing."""
        for tag_id in [*changes.get("addTags", []), *changes.get("removeTags", [])]:
            if tag_id not in self.tags:
                raise DemoError(404, "TAG_NOT_FOUND", f"No tag with ID {tag_id}")
        status_id = changes.get("statusId")
        if status_id is not None and status_id not in self.statuses:
            raise DemoError(404, "STATUS_NOT_FOUND", f"No status with ID {status_id}")
        assignee = changes.get("assigneeId")
        if assignee is not None:
            self.member(assignee)
        pid = prospect.external_id
        if "notes" in changes and changes["notes"] != prospect.notes:
            prospect.notes = changes["notes"]
            self.events.record("prospect.notesChanged", prospectId=pid, notes=prospect.notes)
        if "valuation" in changes:
            value = changes["valuation"]
            value = None if value is None else float(value)
            if value != prospect.valuation:
                prospect.valuation = value
                self.events.record("prospect.valuationChanged", prospectId=pid, valuation=value)
        if "statusId" in changes and status_id != prospect.status_id:
            prospect.status_id = status_id
            self.events.record("prospect.statusChanged", prospectId=pid, statusId=status_id)
        before = list(prospect.tags)
        removed = set(changes.get("removeTags", []))
        prospect.tags = [t for t in prospect.tags if t not in removed]
        for tag_id in changes.get("addTags", []):
            if tag_id not in prospect.tags and tag_id not in removed:
                prospect.tags.append(tag_id)
        if prospect.tags != before:
            self.events.record(
                "prospect.tagsChanged",
                prospectId=pid,
                tags=list(prospect.tags),
                added=[t for t in prospect.tags if t not in before],
                removed=[t for t in before if t not in prospect.tags],
            )
        thread_changes: dict[str, Any] = {
            k: changes[k] for k in ("assigneeId", "done") if k in changes
        }
        if thread_changes:
            for thread in self.threads_by_prospect.get(prospect.external_id, []):
                self.update_thread(thread, thread_changes)


_PALETTE = {name: hex_ for name, hex_ in COLORS}
_HEX = re.compile(r"#([0-9a-fA-F]{6})")
_SHORT_HEX = re.compile(r"#([0-9a-fA-F]{3})")


def color_hex(value: str, *, short: bool = False) -> str | None:
    """A colour as the service stores and answers it, lowercase `#rrggbb`: a palette name (any
    case; GET /colors) or a 6-digit hex value (and with `short`, v1's `#rgb`); None for
    anything else."""
    if value.lower() in _PALETTE:
        return _PALETTE[value.lower()]
    if _HEX.fullmatch(value):
        return value.lower()
    found = _SHORT_HEX.fullmatch(value) if short else None
    if found:
        return "#" + "".join(c * 2 for c in found.group(1)).lower()
    return None


def _singular(kind: str) -> str:
    return "tag" if kind == "tags" else "status"


_INVERT = {code: chr(0xFFFF - code) for code in range(128)}
_INVERTED_END = chr(0x10FFFF)


def _inverted(text: str) -> str:
    """An order-reversing key for (ASCII) IDs, so one ascending list serves newest-first with
    ties: each character mirrored, and a terminator that puts a prefix after its extensions."""
    return text.translate(_INVERT) + _INVERTED_END


def _newest_first(thread: ThreadRec) -> tuple[float, str]:
    return (-thread.sort_at.timestamp(), _inverted(thread.id))
