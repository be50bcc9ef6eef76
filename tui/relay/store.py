"""The relay's copy of the team's data, in PostgreSQL (psycopg 3).

What is stored is what the service sent (its v2 JSON, `jsonb`), beside the columns the thread
list's filters and order need. Search is the service's (a substring of the person's names or
the preview, case and accents ignored) and more: PostgreSQL's full-text search over every
message's text (a `tsvector` under a GIN index, the query's words as a phrase, the last a
prefix). Every change applied is announced with `NOTIFY inbox_events, '<seq>'`, so every relay
process (and each of their clients' pushed streams) hears of it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg.rows import tuple_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from tui.core.text import fold
from tui.core.timestamps import parse_timestamp

CHANNEL = "inbox_events"
EMBEDS = ("profile", "contact", "accountLink", "assignee")  # v2's `expand` paths on a thread

SCHEMA = """
CREATE TABLE IF NOT EXISTS relay_state (key text PRIMARY KEY, value jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS directory (
    kind text NOT NULL, id text NOT NULL, position int NOT NULL DEFAULT 0, body jsonb NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS profiles (
    id text PRIMARY KEY, body jsonb NOT NULL, fetched_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS contacts (
    id text PRIMARY KEY, body jsonb NOT NULL, fetched_at timestamptz NOT NULL DEFAULT now(),
    tag_ids text[] NOT NULL DEFAULT '{}', status_id text
);
CREATE TABLE IF NOT EXISTS threads (
    id text PRIMARY KEY, body jsonb NOT NULL, fetched_at timestamptz NOT NULL DEFAULT now(),
    names text NOT NULL DEFAULT '', listed_gen integer NOT NULL DEFAULT 0,
    account_link_id text, platform text, contact_id text, assignee_id text,
    archived boolean NOT NULL, is_request boolean NOT NULL, inbound_last boolean NOT NULL,
    sort_at timestamptz NOT NULL,
    syncing boolean NOT NULL DEFAULT false,
    messages_complete boolean NOT NULL DEFAULT false,
    messages_cursor text
);
CREATE INDEX IF NOT EXISTS threads_order ON threads (sort_at, id);
CREATE INDEX IF NOT EXISTS threads_contact ON threads (contact_id);
CREATE INDEX IF NOT EXISTS threads_to_walk ON threads (id) WHERE NOT messages_complete;
CREATE INDEX IF NOT EXISTS threads_syncing ON threads (id) WHERE syncing;
CREATE TABLE IF NOT EXISTS messages (
    id text PRIMARY KEY, thread_id text NOT NULL, created_at timestamptz NOT NULL,
    body jsonb NOT NULL, search tsvector NOT NULL,
    fetched_at timestamptz NOT NULL DEFAULT now()
);
-- What was deleted, and when: a read asked for before that cannot bring it back.
CREATE TABLE IF NOT EXISTS deleted (id text PRIMARY KEY, deleted_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS messages_thread ON messages (thread_id, created_at, id);
CREATE INDEX IF NOT EXISTS messages_search ON messages USING gin (search);
CREATE TABLE IF NOT EXISTS events (
    seq bigint PRIMARY KEY, id text UNIQUE NOT NULL, type text NOT NULL, body jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS events_received ON events (received_at);
CREATE TABLE IF NOT EXISTS people (
    name text PRIMARY KEY, digest text UNIQUE NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
"""

# A word of a search, as `to_tsquery` reads it: letters, digits and the joiners inside a name.
_WORD = re.compile(r"[\w@.+'-]+")


def search_query(text: str) -> str | None:
    """`q` as a phrase tsquery over a conversation's words: its words one after another, the
    last one a prefix ("budget appro" finds "budget approved"). None when no word is left."""
    words = [w.strip(".+-@'") for w in _WORD.findall(text.lower())]
    words = [w.replace("'", "") for w in words if w.strip("'")]
    if not words:
        return None
    quoted = [f"'{w}'" for w in words]
    quoted[-1] += ":*"
    return " <-> ".join(quoted)


SEPARATOR = "\x1f"  # between the searched fields: a substring never spans two


def searched(*fields: str | None) -> str:
    """The fields the service's q searches, folded (in Python, so the database's locale plays
    no part), each apart."""
    return SEPARATOR.join(fold(f or "") for f in fields)


def like_pattern(text: str) -> str:
    """`q` as a LIKE pattern of a substring (its % and _ taken literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ThreadFilter:
    """GET /threads' parameters the relay answers from its copy (campaignId is the service's:
    a campaign's sends are in messages the relay may not have walked yet)."""

    folder: str = "inbox"
    account_link_ids: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    contact_ids: tuple[str, ...] = ()
    tag_ids: tuple[str, ...] | None = None
    status_ids: tuple[str, ...] | None = None
    assignee_ids: tuple[str, ...] = ()
    unassigned: bool = False
    q: str | None = None
    ascending: bool = False

    def digest(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


def encode_cursor(kind: str, digest: str, at: datetime, row_id: str) -> str:
    raw = json.dumps(["relay", kind, digest, at.isoformat(), row_id])
    return "r." + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, digest: str) -> tuple[datetime, str] | None:
    """The position a relay cursor names, or None when it is not this list's."""
    if not cursor.startswith("r."):
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor[2:] + "=" * (-len(cursor[2:]) % 4))
        tag, got_kind, got_digest, at, row_id = json.loads(raw)
        if (tag, got_kind, got_digest) != ("relay", kind, digest):
            return None
        return datetime.fromisoformat(at), str(row_id)
    except (ValueError, TypeError):
        return None


def is_relay_cursor(cursor: str | None) -> bool:
    return cursor is not None and cursor.startswith("r.")


def _thread_row(wire: dict[str, Any]) -> tuple[Any, ...]:
    body = {k: v for k, v in wire.items() if k not in EMBEDS}
    activity = wire.get("activity") or {}
    at = activity.get("at") or wire.get("createdAt")
    sort_at = parse_timestamp(at) if isinstance(at, str) else None
    if not isinstance(sort_at, datetime):
        raise ValueError(f"thread {wire.get('id')!r} has no time to sort it by")
    return (
        wire["id"],
        Jsonb(body),
        wire.get("accountLinkId"),
        wire.get("platform"),
        wire.get("contactId"),
        wire.get("assigneeId"),
        bool(wire.get("archived")),
        bool(wire.get("isRequest")),
        activity.get("direction") == "inbound",
        sort_at,
        bool(wire.get("syncing")),
    )


async def _put_state(conn: AsyncConnection[Any], key: str, value: Any) -> None:
    await conn.execute(
        "INSERT INTO relay_state VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, Jsonb(value)),
    )


class RelayStore:
    """One team's data; safe to share between tasks (a pool of connections)."""

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Any]], dsn: str) -> None:
        self.pool = pool
        self.dsn = dsn

    @classmethod
    async def open(cls, dsn: str, *, size: int = 8) -> RelayStore:
        # One connection first: a database that is not there fails at once (a pool would
        # keep trying for its whole timeout), and the schema is made on it.
        async with await AsyncConnection.connect(dsn, autocommit=True, connect_timeout=10) as conn:
            await conn.execute(SCHEMA)
        pool: AsyncConnectionPool[AsyncConnection[Any]] = AsyncConnectionPool(
            dsn, min_size=1, max_size=size, open=False, kwargs={"autocommit": True}
        )
        await pool.open(wait=True, timeout=15)
        return cls(pool, dsn)

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncConnection[Any]]:
        async with self.pool.connection() as conn, conn.transaction():
            yield conn

    # --- state ----------------------------------------------------------------------------

    async def get_state(self, key: str, default: Any = None) -> Any:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT value FROM relay_state WHERE key = %s", (key,))
            row = await cur.fetchone()
        return default if row is None else row[0]

    async def set_state(self, key: str, value: Any) -> None:
        async with self.pool.connection() as conn:
            await _put_state(conn, key, value)

    # --- people (who may read through the relay) -----------------------------------------

    async def add_person(self, name: str) -> str:
        """A new token for `name` (shown once; only its digest is kept). A name given again
        gets a new token, and the old one stops working."""
        token = "irt_" + secrets.token_urlsafe(24)
        async with self.pool.connection() as conn:
            await conn.execute(
                "INSERT INTO people (name, digest) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET digest = excluded.digest, created_at = now()",
                (name, token_digest(token)),
            )
        return token

    async def remove_person(self, name: str) -> bool:
        async with self.pool.connection() as conn:
            cur = await conn.execute("DELETE FROM people WHERE name = %s", (name,))
            return cur.rowcount > 0

    async def person_for(self, token: str) -> str | None:
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT name FROM people WHERE digest = %s", (token_digest(token),)
            )
            row = await cur.fetchone()
        return None if row is None else str(row[0])

    async def people(self) -> list[str]:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT name FROM people ORDER BY name")
            return [str(r[0]) for r in await cur.fetchall()]

    # --- the directory: team, members, account links, tags, statuses, colors, platforms -----

    async def put_directory(self, kind: str, items: Sequence[dict[str, Any]]) -> None:
        """The whole of one kind, replacing what was there."""
        async with self._tx() as conn:
            await conn.execute("DELETE FROM directory WHERE kind = %s", (kind,))
            async with conn.cursor() as cur:
                await cur.executemany(
                    "INSERT INTO directory (kind, id, position, body) VALUES (%s, %s, %s, %s)",
                    [
                        (kind, str(item.get("id", item.get("name", i))), i, Jsonb(item))
                        for i, item in enumerate(items)
                    ],
                )

    async def directory(self, kind: str) -> list[dict[str, Any]] | None:
        """Every item of a kind, in the service's order; None if never read."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT body FROM directory WHERE kind = %s ORDER BY position", (kind,)
            )
            rows = await cur.fetchall()
            if not rows:
                known = await conn.execute(
                    "SELECT 1 FROM relay_state WHERE key = %s", (f"directory:{kind}",)
                )
                return [] if await known.fetchone() else None
        return [r[0] for r in rows]

    async def directory_item(self, kind: str, item_id: str) -> dict[str, Any] | None:
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT body FROM directory WHERE kind = %s AND id = %s", (kind, item_id)
            )
            row = await cur.fetchone()
        return None if row is None else dict(row[0])

    # --- threads, contacts and profiles ---------------------------------------------------

    async def put_threads(
        self,
        threads: Iterable[dict[str, Any]],
        *,
        fetched_at: datetime | None = None,
        moved_since: datetime | None = None,
        generation: int | None = None,
    ) -> int:
        """Threads as the service sent them (their embedded profile and contact kept too),
        asked for at `fetched_at` (default: now): a row read later is not overwritten by this
        older one. `moved_since`: a thread with activity after it has its messages read again
        (a re-check after a gap). `generation`: the listing these rows come from."""
        fetched_at = fetched_at or datetime.now(UTC)
        rows, profiles, contacts = [], [], []
        for wire in threads:
            # (moved_since four times: the two places the update asks whether it moved)
            rows.append((*_thread_row(wire), fetched_at, generation or 0, *[moved_since] * 4))
            if isinstance(wire.get("profile"), dict):
                profiles.append(wire["profile"])
            if isinstance(wire.get("contact"), dict):
                contacts.append(wire["contact"])
        async with self._tx() as conn:
            await self._put_profiles(conn, profiles, fetched_at)
            await self._put_contacts(conn, contacts, fetched_at)
            # (the moment after which a thread counts as moved: a re-check's, else none)
            moved = "(%s::timestamptz IS NOT NULL AND excluded.sort_at > %s::timestamptz)"
            listed = "excluded.listed_gen" if generation is not None else "threads.listed_gen"
            async with conn.cursor() as cur:
                await cur.executemany(
                    f"""
                    INSERT INTO threads (id, body, account_link_id, platform, contact_id,
                        assignee_id, archived, is_request, inbound_last, sort_at, syncing,
                        fetched_at, listed_gen)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                    ON CONFLICT (id) DO UPDATE SET body = excluded.body,
                        account_link_id = excluded.account_link_id,
                        platform = excluded.platform, contact_id = excluded.contact_id,
                        assignee_id = excluded.assignee_id, archived = excluded.archived,
                        is_request = excluded.is_request, inbound_last = excluded.inbound_last,
                        sort_at = excluded.sort_at, syncing = excluded.syncing,
                        fetched_at = excluded.fetched_at,
                        listed_gen = {listed},
                        messages_complete = threads.messages_complete AND NOT ({moved}),
                        messages_cursor = CASE WHEN {moved} THEN NULL
                            ELSE threads.messages_cursor END
                    WHERE threads.fetched_at <= excluded.fetched_at
                    """,
                    rows,
                )
            ids = [r[0] for r in rows]
            await conn.execute(
                "DELETE FROM threads t USING deleted d WHERE t.id = d.id "
                "AND t.id = ANY(%s) AND d.deleted_at > t.fetched_at",
                (ids,),
            )
            await self._index_names(conn, ids)  # (the names: from the profiles, just stored)
        return len(rows)

    async def _put_profiles(
        self,
        conn: AsyncConnection[Any],
        profiles: Sequence[dict[str, Any]],
        fetched_at: datetime | None = None,
    ) -> None:
        if not profiles:
            return
        fetched_at = fetched_at or datetime.now(UTC)
        async with conn.cursor() as cur:
            await cur.executemany(
                "INSERT INTO profiles (id, body, fetched_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET body = excluded.body, "
                "fetched_at = excluded.fetched_at WHERE profiles.fetched_at <= excluded.fetched_at",
                [(p["id"], Jsonb(p), fetched_at) for p in profiles if "id" in p],
            )

    async def _put_contacts(
        self,
        conn: AsyncConnection[Any],
        contacts: Sequence[dict[str, Any]],
        fetched_at: datetime | None = None,
    ) -> None:
        fetched_at = fetched_at or datetime.now(UTC)
        if not contacts:
            return
        await self._put_profiles(
            conn,
            [p for c in contacts for p in c.get("profiles") or [] if isinstance(p, dict)],
            fetched_at,
        )
        async with conn.cursor() as cur:
            await cur.executemany(
                "INSERT INTO contacts (id, body, tag_ids, status_id, fetched_at) "
                "VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET body = excluded.body, "
                "tag_ids = excluded.tag_ids, status_id = excluded.status_id, "
                "fetched_at = excluded.fetched_at "
                "WHERE contacts.fetched_at <= excluded.fetched_at",
                [
                    (c["id"], Jsonb(c), list(c.get("tagIds") or []), c.get("statusId"), fetched_at)
                    for c in contacts
                    if "id" in c
                ],
            )

    async def _index_names(self, conn: AsyncConnection[Any], thread_ids: Sequence[str]) -> None:
        """What the service's q searches, per thread: its preview and its person's names."""
        if not thread_ids:
            return
        cur = await conn.execute(
            """
            SELECT t.id, t.body #>> '{activity,preview}', p.body ->> 'displayName',
                p.body ->> 'username'
            FROM threads t LEFT JOIN profiles p ON p.id = t.body ->> 'profileId'
            WHERE t.id = ANY(%s)
            """,
            (list(thread_ids),),
        )
        rows = [(searched(*r[1:]), r[0]) for r in await cur.fetchall()]
        async with conn.cursor() as update:
            await update.executemany("UPDATE threads SET names = %s WHERE id = %s", rows)

    async def put_contact(
        self, contact: dict[str, Any], *, fetched_at: datetime | None = None
    ) -> None:
        async with self._tx() as conn:
            await self._put_contacts(conn, [contact], fetched_at)
            cur = await conn.execute(
                "SELECT id FROM threads WHERE contact_id = %s", (contact["id"],)
            )
            await self._index_names(conn, [r[0] for r in await cur.fetchall()])

    async def delete(self, table: str, row_id: str) -> None:
        if table not in ("threads", "messages", "contacts"):
            raise ValueError(table)
        async with self._tx() as conn:
            await conn.execute(
                sql.SQL("DELETE FROM {} WHERE id = %s").format(sql.Identifier(table)), (row_id,)
            )
            if table == "threads":
                await conn.execute("DELETE FROM messages WHERE thread_id = %s", (row_id,))
            await conn.execute(
                "INSERT INTO deleted VALUES (%s, now()) "
                "ON CONFLICT (id) DO UPDATE SET deleted_at = excluded.deleted_at",
                (row_id,),
            )

    async def contact(self, contact_id: str) -> dict[str, Any] | None:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT body FROM contacts WHERE id = %s", (contact_id,))
            row = await cur.fetchone()
        return None if row is None else dict(row[0])

    async def thread(self, thread_id: str, expand: Iterable[str] = ()) -> dict[str, Any] | None:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT body FROM threads WHERE id = %s", (thread_id,))
            row = await cur.fetchone()
        if row is None:
            return None
        return (await self.expanded([dict(row[0])], set(expand)))[0]

    async def list_threads(
        self, flt: ThreadFilter, limit: int, after: tuple[datetime, str] | None
    ) -> tuple[list[dict[str, Any]], tuple[datetime, str] | None]:
        where: list[sql.Composable] = []
        args: list[Any] = []
        folder = flt.folder
        if folder == "archived":
            where.append(sql.SQL("t.archived"))
        elif folder != "all":
            where.append(sql.SQL("NOT t.archived"))
            if folder == "requests":
                where.append(sql.SQL("t.is_request"))
            else:
                where.append(sql.SQL("NOT t.is_request"))
                if folder == "noReply":
                    where.append(sql.SQL("t.inbound_last"))
        for column, values in (
            ("account_link_id", flt.account_link_ids),
            ("platform", flt.platforms),
            ("contact_id", flt.contact_ids),
            ("assignee_id", flt.assignee_ids),
        ):
            if values:
                where.append(sql.SQL("t.{} = ANY(%s)").format(sql.Identifier(column)))
                args.append(list(values))
        if flt.unassigned:
            where.append(sql.SQL("t.assignee_id IS NULL"))
        if flt.tag_ids is not None:
            where.append(sql.SQL("c.tag_ids && %s::text[]"))
            args.append(list(flt.tag_ids))
        if flt.status_ids is not None:
            where.append(sql.SQL("c.status_id = ANY(%s)"))
            args.append(list(flt.status_ids))
        if flt.q is not None:
            # The service's search (names and the preview, a substring, case and accents
            # ignored), and the relay's own: the words inside every message.
            clause = "t.names LIKE %s"
            args.append(like_pattern(fold(flt.q).replace(SEPARATOR, "")))
            tsq = search_query(flt.q)
            if tsq is not None:
                clause += (
                    " OR EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id"
                    " AND m.search @@ to_tsquery('simple', %s))"
                )
                args.append(tsq)
            where.append(sql.SQL("(" + clause + ")"))
        direction = sql.SQL("ASC" if flt.ascending else "DESC")
        if after is not None:
            op = sql.SQL(">" if flt.ascending else "<")
            where.append(sql.SQL("(t.sort_at, t.id) {} (%s, %s)").format(op))
            args += list(after)
        query = sql.SQL(
            "SELECT t.body, t.sort_at, t.id FROM threads t "
            "LEFT JOIN contacts c ON c.id = t.contact_id {} "
            "ORDER BY t.sort_at {}, t.id {} LIMIT %s"
        ).format(
            sql.SQL("WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
            direction,
            direction,
        )
        args.append(limit + 1)
        async with self.pool.connection() as conn:
            cur = conn.cursor(row_factory=tuple_row)
            await cur.execute(query, args)
            rows = await cur.fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        after_last = (rows[-1][1], rows[-1][2]) if more and rows else None
        return [dict(r[0]) for r in rows], after_last

    async def expanded(
        self, threads: list[dict[str, Any]], expand: set[str]
    ) -> list[dict[str, Any]]:
        """Threads with the resources `expand` names embedded, as the service embeds them."""
        if not expand or not threads:
            return threads
        profiles: dict[str, Any] = {}
        contacts: dict[str, Any] = {}
        async with self.pool.connection() as conn:
            if "profile" in expand:
                ids = [t.get("profileId") for t in threads]
                cur = await conn.execute("SELECT id, body FROM profiles WHERE id = ANY(%s)", (ids,))
                profiles = {r[0]: r[1] for r in await cur.fetchall()}
            if "contact" in expand:
                ids = [t.get("contactId") for t in threads]
                cur = await conn.execute("SELECT id, body FROM contacts WHERE id = ANY(%s)", (ids,))
                contacts = {r[0]: r[1] for r in await cur.fetchall()}
        links, members = {}, {}
        if "accountLink" in expand:
            links = {i["id"]: i for i in await self.directory("accountLink") or []}
        if "assignee" in expand:
            members = {i["id"]: i for i in await self.directory("member") or []}
        out = []
        for t in threads:
            t = dict(t)
            if "accountLink" in expand:
                t["accountLink"] = links.get(str(t.get("accountLinkId")))
            if "profile" in expand:
                t["profile"] = profiles.get(str(t.get("profileId")))
            if "contact" in expand:
                t["contact"] = contacts.get(str(t.get("contactId")))
            if "assignee" in expand and t.get("assigneeId") in members:
                t["assignee"] = members[t["assigneeId"]]
            out.append(t)
        return out

    async def drop_unlisted(self, generation: int, started: datetime) -> int:
        """Threads a re-check's listing did not list (and no event read since it began)."""
        async with self._tx() as conn:
            cur = await conn.execute(
                "DELETE FROM threads WHERE listed_gen < %s AND fetched_at < %s RETURNING id",
                (generation, started),
            )
            gone = [r[0] for r in await cur.fetchall()]
            if gone:
                await conn.execute("DELETE FROM messages WHERE thread_id = ANY(%s)", (gone,))
        return len(gone)

    async def last_event_time(self) -> datetime:
        """When the copy's newest event happened (else a week ago: as far as a log goes)."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT body ->> 'createdAt' FROM events ORDER BY seq DESC LIMIT 1"
            )
            row = await cur.fetchone()
        at = parse_timestamp(row[0]) if row and row[0] else None
        return at if isinstance(at, datetime) else datetime.now(UTC) - timedelta(days=7)

    async def clear_message_cursors(self) -> None:
        async with self.pool.connection() as conn:
            await conn.execute(
                "UPDATE threads SET messages_cursor = NULL WHERE NOT messages_complete"
            )

    async def restart_log(self, end: int) -> None:
        """The service's log starts again (at `end`): the relay's log too, from there."""
        async with self._tx() as conn:
            await conn.execute("TRUNCATE events")
            await _put_state(conn, "last_seq", end)

    async def label_deleted(self, kind: str, label_id: str) -> None:
        """A deleted tag or status leaves every contact that had it (the service's contacts
        no longer name it; no contact event says so)."""
        async with self._tx() as conn:
            if kind == "tag":
                await conn.execute(
                    "UPDATE contacts SET tag_ids = array_remove(tag_ids, %s), "
                    "body = jsonb_set(body, '{tagIds}', "
                    "to_jsonb(array_remove(tag_ids, %s))) WHERE %s = ANY(tag_ids)",
                    (label_id, label_id, label_id),
                )
            else:
                await conn.execute(
                    "UPDATE contacts SET status_id = NULL, "
                    "body = jsonb_set(body, '{statusId}', 'null') WHERE status_id = %s",
                    (label_id,),
                )

    async def forget_copy(self) -> None:
        """Everything but the people: the next walk starts from nothing (the demo service is
        a new one, with a new log, at each start)."""
        async with self.pool.connection() as conn:
            await conn.execute(
                "TRUNCATE relay_state, directory, profiles, contacts, threads, messages, events, "
                "deleted"
            )

    async def thread_count(self) -> int:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT count(*) FROM threads")
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    # --- messages --------------------------------------------------------------------------

    async def put_messages(
        self,
        thread_id: str,
        messages: Sequence[dict[str, Any]],
        *,
        cursor: str | None = None,
        complete: bool | None = None,
        fetched_at: datetime | None = None,
    ) -> None:
        """Messages of one thread, asked for at `fetched_at` (default: now; an older read
        never overwrites a newer one, nor brings a deleted one back); `cursor`: where its walk
        goes on (older ones), `complete`: every message is stored."""
        fetched_at = fetched_at or datetime.now(UTC)
        rows = []
        for m in messages:
            at = parse_timestamp(m.get("createdAt", ""))
            if isinstance(at, datetime):
                content = m.get("content") or ""
                rows.append((m["id"], thread_id, at, Jsonb(m), content, fetched_at))
        async with self._tx() as conn:
            if rows:
                async with conn.cursor() as cur:
                    await cur.executemany(
                        "INSERT INTO messages "
                        "(id, thread_id, created_at, body, search, fetched_at) "
                        "VALUES (%s, %s, %s, %s, to_tsvector('simple', %s), %s) "
                        "ON CONFLICT (id) DO UPDATE SET body = excluded.body, "
                        "search = excluded.search, fetched_at = excluded.fetched_at "
                        "WHERE messages.fetched_at <= excluded.fetched_at",
                        rows,
                    )
                await conn.execute(
                    "DELETE FROM messages m USING deleted d WHERE m.id = d.id "
                    "AND m.thread_id = %s AND d.deleted_at > m.fetched_at",
                    (thread_id,),
                )
            if complete is not None:
                # A thread the service is still importing is never complete: its older
                # messages come later (the relay reads it again, see Syncer).
                await conn.execute(
                    "UPDATE threads SET messages_complete = %s AND NOT syncing, "
                    "messages_cursor = %s WHERE id = %s",
                    (complete, cursor, thread_id),
                )

    async def messages_complete(self, thread_id: str) -> bool:
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT messages_complete FROM threads WHERE id = %s", (thread_id,)
            )
            row = await cur.fetchone()
        return bool(row and row[0])

    async def list_messages(
        self, thread_id: str, limit: int, before: tuple[datetime, str] | None
    ) -> tuple[list[dict[str, Any]], tuple[datetime, str] | None]:
        """Newest first, as the service lists them."""
        args: list[Any] = [thread_id]
        older = ""
        if before is not None:
            older = "AND (created_at, id) < (%s, %s)"
            args += list(before)
        args.append(limit + 1)
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                f"SELECT body, created_at, id FROM messages WHERE thread_id = %s {older} "
                "ORDER BY created_at DESC, id DESC LIMIT %s",
                args,
            )
            rows = await cur.fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        return [dict(r[0]) for r in rows], ((rows[-1][1], rows[-1][2]) if more else None)

    async def threads_to_walk(self, limit: int) -> list[tuple[str, str | None]]:
        """Threads whose messages are not all stored yet, and where their walk goes on."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT id, messages_cursor FROM threads WHERE NOT messages_complete "
                "AND NOT syncing ORDER BY sort_at DESC LIMIT %s",
                (limit,),
            )
            return [(r[0], r[1]) for r in await cur.fetchall()]

    async def syncing_threads(self) -> list[str]:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT id FROM threads WHERE syncing")
            return [r[0] for r in await cur.fetchall()]

    # --- the event log ----------------------------------------------------------------------

    async def has_event(self, event_id: str) -> bool:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT 1 FROM events WHERE id = %s", (event_id,))
            return await cur.fetchone() is not None

    async def put_events(self, events: Sequence[dict[str, Any]]) -> int | None:
        """Events applied, in the relay's log, announced to every listener; the last seq."""
        if not events:
            return None
        rows = [(int(e["seq"]), str(e["id"]), str(e["type"]), Jsonb(e)) for e in events]
        last = max(r[0] for r in rows)
        async with self._tx() as conn:
            async with conn.cursor() as cur:
                await cur.executemany(
                    "INSERT INTO events (seq, id, type, body) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT DO NOTHING",
                    rows,
                )
            await conn.execute(
                "INSERT INTO relay_state VALUES ('last_seq', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = "
                "to_jsonb(greatest((relay_state.value)::bigint, (excluded.value)::bigint))",
                (Jsonb(last),),
            )
            await conn.execute(
                sql.SQL("SELECT pg_notify({}, %s)").format(sql.Literal(CHANNEL)), (str(last),)
            )
        return last

    async def prune_events(self, days: int = 7) -> int:
        """The log keeps what the service's keeps (7 days): a client further behind sees the
        gap and lists again, as it would at the service."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "DELETE FROM events WHERE received_at < now() - make_interval(days => %s)",
                (days,),
            )
            await conn.execute(
                "DELETE FROM deleted WHERE deleted_at < now() - make_interval(days => %s)",
                (days,),
            )
            return cur.rowcount

    async def threads_of_contact(self, contact_id: str) -> list[str]:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT id FROM threads WHERE contact_id = %s", (contact_id,))
            return [r[0] for r in await cur.fetchall()]

    async def event_id_at(self, seq: int) -> str | None:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT id FROM events WHERE seq = %s", (seq,))
            row = await cur.fetchone()
        return None if row is None else str(row[0])

    async def last_seq(self) -> int | None:
        value = await self.get_state("last_seq")
        return None if value is None else int(value)

    async def events_page(
        self, after_seq: int | None, limit: int, types: Sequence[str] = ()
    ) -> dict[str, Any]:
        args: list[Any] = [after_seq if after_seq is not None else -1]
        kinds = ""
        if types:
            kinds = "AND type = ANY(%s)"
            args.append(list(types))
        args.append(limit + 1)
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                f"SELECT body, seq FROM events WHERE seq > %s {kinds} ORDER BY seq LIMIT %s",
                args,
            )
            rows = await cur.fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1][1] if rows else await self.last_seq()
        return {"data": [r[0] for r in rows], "lastSeq": last, "hasMore": more}

    async def listen(self) -> AsyncIterator[int]:
        """Each seq announced on the channel, from now on (its own connection: LISTEN holds
        it)."""
        conn = await AsyncConnection.connect(self.dsn, autocommit=True)
        try:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
            async for note in conn.notifies():
                try:
                    yield int(note.payload)
                except ValueError:
                    continue
        finally:
            await conn.close()
