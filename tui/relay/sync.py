"""The relay's reading of the service: the team's data walked once, then kept current.

- The walk: the directory, the event log's end (so nothing changed during the walk is
  missed), every thread (100 a page, folder `all`, profile and contact embedded), then each
  thread's messages, newest threads first. Where it stands is stored, so a restarted relay
  goes on from there.
- Keeping current: events, from webhooks (checked and handed in by the server) or from the
  event log (read every LOG_EVERY_WITH_WEBHOOKS when webhooks are set up, LOG_EVERY when not,
  and at once for a gap in the webhooks' seq or after a write). Each event's object is read
  again once per batch, however many events name it; then the events go in the relay's log,
  announced.
- Its budget: RELAY_SHARE of each of the team's windows, and it waits while the headers say
  the team's tightest window is scarce. Its 429s are not retried (background work).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from psycopg import Error as PsycopgError

from tui.api.errors import ApiError, InboxError, NotFound
from tui.api.pacing import BackgroundBudget, in_background
from tui.relay.schedule import (
    LOG_EVERY,
    LOG_EVERY_WITH_WEBHOOKS,
    RELAY_SHARE,
    SYNCING_RETRY,
    SYNCING_RETRY_MAX,
    WALK_LEAVES,
)

if TYPE_CHECKING:
    from tui.api.http import HttpCore, RateLimitInfo
    from tui.relay.store import RelayStore

log = logging.getLogger("inbox_tui.relay")


def describe(error: BaseException) -> str:
    """What went wrong, in a line: the service's errors say it themselves; the database's are
    named by kind (their text may hold the connection string)."""
    if isinstance(error, InboxError):
        return str(error)
    if isinstance(error, PsycopgError | OSError):
        return f"{type(error).__name__} (the database or the network)"
    return f"{type(error).__name__}: {error}"[:300]


# The directory: each kind's path, and the name it is kept under.
DIRECTORY = {
    "team": "/team",
    "member": "/members",
    "accountLink": "/account-links",
    "tag": "/tags",
    "status": "/statuses",
    "color": "/colors",
    "platform": "/platforms",
}
HOURLY = 3600.0  # the log pruned, the directory read again, importing threads noted
MAX_PENDING = 10_000  # webhooks' events waiting to be applied, at most
# Set in the task applying events: its requests are urgent (see _get).
_URGENT: ContextVar[bool] = ContextVar("relay_urgent", default=False)
WHOLE = ("team", "tag", "status", "color", "platform")  # answered whole, not by pages
THREAD_EMBEDS = [("expand", "profile"), ("expand", "contact")]


class Syncer:
    def __init__(
        self,
        store: RelayStore,
        upstream: HttpCore,
        *,
        share: float = RELAY_SHARE,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.upstream = upstream
        self.budget = BackgroundBudget(share, longer=share, clock=clock)
        self._clock = clock
        self._wall = wall
        self._sleep = sleep
        self._heeded: RateLimitInfo | None = None  # the scarce headers already waited out
        self._wake = asyncio.Event()
        self._pending: dict[int, dict[str, Any]] = {}  # webhooks' events, by seq
        self.webhooks_set_up = False  # the server says, when it has a webhook secret
        self._syncing_due: dict[str, tuple[float, float]] = {}  # thread -> (due, wait)
        self._lock = asyncio.Lock()  # one catch-up at a time
        self._walk_task: asyncio.Task[None] | None = None

    # --- spending ---------------------------------------------------------------------------

    async def _get(self, path: str, params: list[tuple[str, str]] | None = None) -> Any:
        urgent = _URGENT.get()
        while not urgent and (self._pending or self._lock.locked()):
            await self._sleep(0.2)  # events first: the walk waits for them
        while True:
            headers = self.upstream.rate_limit
            if headers.scarce and self._heeded != headers:
                # The team's tightest window is scarce: wait until it resets (the headers'
                # time, else a minute), then ask again; the answer's headers say what now.
                self._heeded = headers
                wait = 60.0
                if headers.reset is not None:
                    wait = min(3600.0, max(1.0, headers.reset - self._wall()))
                await self._sleep(wait)
                continue
            if self.budget.try_acquire(keep=0.0 if urgent else WALK_LEAVES):
                return await self.upstream.send_once("GET", path, params)
            await self._sleep(1.0)

    async def _every(self, path: str, params: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """Every item of a collection, page after page."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = await self._get(path, params + ([("cursor", cursor)] if cursor else []))
            if not isinstance(page, dict):
                return items
            items += page.get("data") or []
            cursor = page.get("nextCursor")
            if not cursor:
                return items

    # --- the walk ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Walks (or goes on walking), then keeps current, until cancelled."""
        in_background()
        follower = asyncio.create_task(self.follow())
        self._start_walk()
        try:
            await follower
        finally:
            for task in (follower, self._walk_task):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    def _start_walk(self) -> None:
        """The one walk (a re-check's too), in a task of its own, never urgent: it waits for
        the events (a task copies its starter's context, and the follower's is urgent)."""
        if self._walk_task is None or self._walk_task.done():
            self._walk_task = asyncio.create_task(self.walk(), context=contextvars.Context())

    async def walk(self) -> None:
        in_background()
        failures = 0
        while True:
            try:
                await self._walk()
                return
            except Exception as error:  # the service, the database, or an answer it cannot read
                if isinstance(error, ApiError) and (
                    error.code == "invalidCursor" or error.status == 400
                ):
                    # A stored place the service no longer takes: that listing starts over.
                    await self.store.set_state("threads_cursor", None)
                    await self.store.clear_message_cursors()
                failures += 1
                log.warning("walk paused: %s", describe(error))
                await self._sleep(min(300.0, 5.0 * 2 ** min(failures, 6)))

    async def _walk(self) -> None:
        store = self.store
        if await store.last_seq() is None:
            await self.store.set_state("last_seq", await self._log_end())
        if not await store.get_state("directory_read", False):
            await self.read_directory()
            await store.set_state("directory_read", True)
        while True:
            await self._list_threads()
            await self._note_syncing()
            self._wake.set()
            batch = await store.threads_to_walk(20)
            if not batch and not await store.get_state("recheck", False):
                break
            for thread_id, cursor in batch:
                await self.read_messages(thread_id, cursor)
        log.info("walk done: every thread and message of the team is stored")

    async def _list_threads(self) -> None:
        """Every thread, 100 a page, from where the listing stopped: the walk's first, or a
        re-check's (`recheck`: a thread whose activity moved has its messages read again)."""
        store = self.store
        while True:
            recheck = bool(await store.get_state("recheck", False))
            if await store.get_state("threads_walked", False) and not recheck:
                return
            generation = int(await store.get_state("list_gen", 0))
            since = await store.get_state("recheck_since") if recheck else None
            cursor = await store.get_state("threads_cursor")
            params = [("folder", "all"), ("limit", "100"), *THREAD_EMBEDS]
            asked = datetime.now(UTC)
            page = await self._get("/threads", params + ([("cursor", cursor)] if cursor else []))
            await store.put_threads(
                page.get("data") or [],
                fetched_at=asked,
                moved_since=datetime.fromisoformat(since) if since else None,
                generation=generation,
            )
            if int(await store.get_state("list_gen", 0)) != generation:
                continue  # a re-check began meanwhile: its listing starts from the first page
            if page.get("nextCursor"):
                await store.set_state("threads_cursor", page["nextCursor"])
                continue
            await store.set_state("threads_cursor", None)
            await store.set_state("threads_walked", True)
            if recheck:
                # Listed again from the first page: a thread not listed is gone (deleted in
                # the gap), unless an event brought it after the listing began.
                started = await store.get_state("recheck_started")
                gone = await store.drop_unlisted(generation, datetime.fromisoformat(started))
                log.info("re-check done: %d threads gone", gone)
            await store.set_state("recheck", False)

    async def _log_end(self) -> int:
        """The event log's last seq now (0 when it is empty)."""
        last = 0
        while True:
            page = await self._get("/events", [("afterSeq", str(last)), ("limit", "1000")])
            if page.get("lastSeq") is not None:
                last = int(page["lastSeq"])
            if not page.get("hasMore"):
                return last

    async def read_directory(self, kinds: list[str] | None = None) -> None:
        for kind in kinds or list(DIRECTORY):
            path = DIRECTORY[kind]
            if kind in WHOLE:
                # Served again exactly as sent, to a request with no parameters.
                body = await self._get(path)
                await self.store.set_state(f"body:{path}", body)
                items = body.get("data") if isinstance(body, dict) and kind != "team" else body
                items = items if isinstance(items, list) else [items]
            else:
                items = await self._every(path, [("limit", "100")])
            await self.store.put_directory(kind, items or [])
            await self.store.set_state(f"directory:{kind}", True)

    async def _current(
        self, path: str, gone: tuple[str, str], params: list[tuple[str, str]] | None = None
    ) -> tuple[Any, datetime] | None:
        """What the service has at `path` now, and when it was asked for; None when it has it
        no longer (404), and then `gone` (a table, an ID) leaves the copy."""
        asked = datetime.now(UTC)
        try:
            return await self._get(path, params), asked
        except NotFound:
            await self.store.delete(*gone)
            return None

    async def read_messages(self, thread_id: str, cursor: str | None = None) -> None:
        """One thread's messages, page after page, from where its walk stopped."""
        while True:
            params = [("limit", "100")] + ([("cursor", cursor)] if cursor else [])
            path = f"/threads/{thread_id}/messages"
            if (read := await self._current(path, ("threads", thread_id), params)) is None:
                return
            page, asked = read
            cursor = page.get("nextCursor")
            await self.store.put_messages(
                thread_id,
                page.get("data") or [],
                cursor=cursor,
                complete=cursor is None,
                fetched_at=asked,
            )
            if cursor is None:
                return

    # --- keeping current --------------------------------------------------------------------

    def webhook(self, event: dict[str, Any]) -> None:
        """A checked delivery: applied by the follower in seq order (a gap is read from the
        log first)."""
        if len(self._pending) >= MAX_PENDING:
            # Not applied for a long while (the service or the database away): the log has
            # them all, and is read from the last applied seq when either is back.
            self._pending.clear()
        self._pending[int(event["seq"])] = event
        self._wake.set()

    def poke(self) -> None:
        """Something changed at the service (a write went through the relay): read now."""
        self._wake.set()

    def _log_every(self) -> float:
        return LOG_EVERY_WITH_WEBHOOKS if self.webhooks_set_up else LOG_EVERY

    async def follow(self) -> None:
        in_background()
        # Everything the follower asks is urgent: the walk waits for it, never it for the walk
        # (a non-urgent request here would wait for the pending events only it applies).
        _URGENT.set(True)
        hourly = self._clock()  # (the walk has just read the directory and noted imports)
        failures = 0  # in a row
        while True:
            if self._clock() - hourly >= HOURLY:
                hourly = self._clock()
                await self._hourly()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._log_every())
            self._wake.clear()
            try:
                await self.catch_up()
                await self._recheck_syncing()
                failures = 0
            except Exception as error:
                failures += 1
                log.warning("keeping current paused: %s", describe(error))
                await self._sleep(min(60.0, 2.0 * 2 ** min(failures, 5)))

    async def catch_up(self) -> int:
        """Applies what happened since the relay's last seq: the webhooks' events if they
        follow on, else the log's. Gives how many events were applied."""
        async with self._lock:
            token = _URGENT.set(True)
            try:
                return await self._catch_up()
            finally:
                _URGENT.reset(token)

    async def _catch_up(self) -> int:
        last = await self.store.last_seq()
        if last is None:
            return 0  # the walk has not marked the log's end yet
        for seq in [s for s in self._pending if s <= last]:
            del self._pending[seq]  # already applied (from the log)
        applied = 0
        while True:
            run: list[dict[str, Any]] = []
            while last + len(run) + 1 in self._pending:
                run.append(self._pending.pop(last + len(run) + 1))
            if run:
                await self.apply(run)
                applied += len(run)
                last = int(run[-1]["seq"])
                continue
            if not self._pending and applied:
                return applied
            page = await self._get("/events", [("afterSeq", str(last)), ("limit", "1000")])
            events = page.get("data") or []
            if events and int(events[0]["seq"]) != last + 1:
                # The log no longer reaches back to the copy's last seq (it keeps 7 days):
                # what changed in between is unknown, so every thread is listed again.
                await self.recheck_everything(f"the event log skips from {last}")
            if events:
                await self.apply(events)
                applied += len(events)
                last = int(events[-1]["seq"])
            if not page.get("hasMore"):
                # The log is the authority: a delivery not in it yet comes with its next read
                # (and one far ahead of it is no event of this log).
                self._pending.clear()
                return applied

    async def recheck_everything(self, why: str) -> None:
        """Every thread listed again: a thread whose activity is later than the copy's last
        event has its messages read again, and one no longer listed is gone. The walk goes on
        beside the events, the copy answering meanwhile."""
        log.warning("%s: listing every thread again", why)
        store = self.store
        since = await store.last_event_time()
        await store.set_state("list_gen", int(await store.get_state("list_gen", 0)) + 1)
        await store.set_state("recheck_since", since.isoformat())
        await store.set_state("recheck_started", datetime.now(UTC).isoformat())
        await store.set_state("threads_cursor", None)
        await store.set_state("recheck", True)
        self._start_walk()

    async def apply(self, events: list[dict[str, Any]]) -> None:
        """Each named object read once, then the events logged and announced."""
        threads: set[str] = set()
        messages: dict[str, str] = {}
        contacts: set[str] = set()
        gone_threads: set[str] = set()
        directory: set[str] = set()
        for event in events:
            kind = str(event.get("type", ""))
            obj = event.get("object") or {}
            data = event.get("data") or {}
            object_type, object_id = obj.get("type"), obj.get("id")
            if kind == "thread.typing":
                continue
            if kind == "thread.deleted" and object_id:
                gone_threads.add(object_id)
            elif object_type == "thread" and object_id:
                threads.add(object_id)
            elif object_type == "message" and object_id:
                messages[object_id] = data.get("threadId") or ""
                if data.get("threadId"):
                    threads.add(data["threadId"])
            elif object_type == "contact" and object_id:
                contacts.add(object_id)
                if kind == "contact.assigneeChanged":
                    # A thread's assigneeId is its own, else its contact's: its threads too.
                    threads.update(await self.store.threads_of_contact(object_id))
            elif kind.split(".")[0] in ("tag", "status"):
                directory.add(kind.split(".")[0])
                if kind.endswith(".deleted") and object_id:
                    await self.store.label_deleted(kind.split(".")[0], object_id)
            elif isinstance(data, dict) and data.get("threadId"):
                threads.add(data["threadId"])
        for thread_id in gone_threads:
            await self.store.delete("threads", thread_id)
        if directory:
            await self.read_directory(sorted(directory))
        for contact_id in contacts:
            await self._refresh_contact(contact_id)
        for message_id, thread_id in messages.items():
            await self._refresh_message(message_id, thread_id)
        for thread_id in threads - gone_threads:
            await self.refresh_thread(thread_id)
        await self.store.put_events(events)

    async def refresh_thread(self, thread_id: str) -> None:
        path, embeds = f"/threads/{thread_id}", list(THREAD_EMBEDS)
        if (read := await self._current(path, ("threads", thread_id), embeds)) is None:
            return
        wire, asked = read
        await self.store.put_threads([wire], fetched_at=asked)
        if wire.get("syncing") and thread_id not in self._syncing_due:
            self._syncing_due[thread_id] = (self._clock() + SYNCING_RETRY, SYNCING_RETRY)

    async def _refresh_contact(self, contact_id: str) -> None:
        read = await self._current(f"/contacts/{contact_id}", ("contacts", contact_id))
        if read is not None:
            await self.store.put_contact(read[0], fetched_at=read[1])

    async def _refresh_message(self, message_id: str, thread_id: str) -> None:
        read = await self._current(f"/messages/{message_id}", ("messages", message_id))
        if read is not None:
            message, asked = read
            await self.store.put_messages(
                message.get("threadId") or thread_id, [message], fetched_at=asked
            )

    async def _hourly(self) -> None:
        """The relay's log back to the service's 7 days; the directory read again (members and
        account links have no webhook); threads a restart left importing, noted."""
        try:
            await self._check_log_start()
            await self.store.prune_events()
            if await self.store.get_state("directory_read", False):
                await self.read_directory()
            await self._note_syncing()
        except Exception as error:  # tried again in an hour; the rest goes on
            log.warning("the hourly upkeep failed: %s", describe(error))

    async def _check_log_start(self) -> None:
        """The service's oldest event, against the copy's log: one past the copy's last seq
        means events were lost while the relay was away (the log keeps 7 days); the copy's seq
        there with another event means a new log. Either way the copy is listed again. (A read
        after the copy's seq cannot tell: it is empty in both cases.)"""
        last = await self.store.last_seq()
        if last is None:
            return
        page = await self._get("/events", [("limit", "1")])
        first = (page.get("data") or [None])[0]
        if not isinstance(first, dict):
            return
        seq = int(first["seq"])
        if seq > last + 1:
            await self.recheck_everything(f"the event log now starts at {seq}, after {last}")
        elif seq <= last and await self.store.event_id_at(seq) not in (None, first["id"]):
            end = await self._log_end()
            await self.store.restart_log(end)
            self._pending.clear()
            await self.recheck_everything(f"the event log was started again (now at {end})")

    async def _note_syncing(self) -> None:
        """Threads the copy has as still importing (the walk's, or a restart's): read again."""
        for thread_id in await self.store.syncing_threads():
            if thread_id not in self._syncing_due:
                self._syncing_due[thread_id] = (self._clock() + SYNCING_RETRY, SYNCING_RETRY)

    async def _recheck_syncing(self) -> None:
        """Threads the service is still importing: read again, each wait twice the last."""
        now = self._clock()
        for thread_id, (due, wait) in list(self._syncing_due.items()):
            if due > now:
                continue
            del self._syncing_due[thread_id]
            await self.refresh_thread(thread_id)
            await self.read_messages(thread_id)
            if thread_id in self._syncing_due:  # still importing
                longer = min(SYNCING_RETRY_MAX, wait * 2)
                self._syncing_due[thread_id] = (now + longer, longer)
