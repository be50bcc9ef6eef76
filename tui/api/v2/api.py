"""V2Api: the app's `InboxApi` on version 2 (V2Client underneath, adapt.py for the shapes).

Where v2 needs two calls for what v1 did in one (lookups: contact, then its threads), or one
call per tag (PUT/DELETE instead of addTags/removeTags), it is done here. What v2 cannot do
(open an empty conversation, "no tags" filters) is refused with a plain message, never faked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Final, Unpack

from tui.api.errors import ApiError
from tui.api.http import ClientOptions, HttpClient, parse
from tui.api.lazy import lazy_module
from tui.api.service import UNSET, FetchedThreads, Unset, every_thread
from tui.api.v2.client import MAX_LIMIT, V2Client, every_item
from tui.api.v2.query import ThreadFilters, filters_for
from tui.api.v2.summary import summarize_page
from tui.core.api_versions import ApiFeature, default_base_url
from tui.core.query import ThreadQuery

if TYPE_CHECKING:
    from tui.api.v2 import adapt, wire
    from tui.core import model as domain
    from tui.core.row_summary import RowSummary
else:  # pydantic: loaded when an answer is first read
    domain = lazy_module("tui.core.model")
    adapt = lazy_module("tui.api.v2.adapt")
    wire = lazy_module("tui.api.v2.wire")

# One request per page brings each thread's person: profile and contact embedded.
THREAD_EXPAND: Final = ("profile", "contact")
PLATFORM: Final = "twitter"  # the platform people are looked up on (X today)


class V2Api(HttpClient):
    """Every operation the app uses, on the Inbox API v2, in the app's own types."""

    version: Final = "v2"
    features: Final = frozenset(
        {
            ApiFeature.ALL_VIEW,
            ApiFeature.IDEMPOTENT_SEND,
            ApiFeature.UNREAD,
            ApiFeature.SEARCH,
            ApiFeature.FRESH_MEDIA_URLS,
        }
    )

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = default_base_url("v2"),
        **options: Unpack[ClientOptions],
    ) -> None:
        self.wire = V2Client(api_key, base_url=base_url, **options)
        # The same request core: budget, rate limit and request count are the wire client's.
        self.http = self.wire.http
        # Each account link's capabilities: with a thread's restrictions, what it allows.
        self._link_capabilities: dict[str, list[str]] | None = None
        self._links_inflight: asyncio.Future[list[domain.AccountLink]] | None = None
        self._colors: list[domain.Color] | None = None

    # --- team and directory -----------------------------------------------------------------

    async def get_team(self) -> domain.Team:
        return adapt.team(await self.wire.get_team())

    async def list_account_links(self) -> list[domain.AccountLink]:
        """Every account link. Callers at the same moment (the directory and the first page,
        which needs their capabilities) share one read."""
        if self._links_inflight is None:
            self._links_inflight = asyncio.ensure_future(self._read_account_links())
        inflight = self._links_inflight
        try:
            return await asyncio.shield(inflight)
        finally:
            if inflight.done() and self._links_inflight is inflight:
                self._links_inflight = None

    async def _read_account_links(self) -> list[domain.AccountLink]:
        read = partial(self.wire.list_account_links, limit=MAX_LIMIT)
        links = [link async for link in every_item(lambda cursor: read(cursor=cursor))]
        self._link_capabilities = {a.id: list(a.capabilities) for a in links}
        return [adapt.account_link(a) for a in links]

    async def list_platforms(self) -> list[domain.Platform]:
        return [adapt.platform(p) for p in await self.wire.list_platforms()]

    async def list_members(self) -> list[domain.Member]:
        read = partial(self.wire.list_members, limit=MAX_LIMIT)
        return [adapt.member(m) async for m in every_item(lambda cursor: read(cursor=cursor))]

    async def get_member(self, member_id: str) -> domain.Member:
        return adapt.member(await self.wire.get_member(member_id))

    async def list_tags(self) -> list[domain.Tag]:
        return [adapt.tag(t) for t in (await self.wire.list_tags()).data]

    async def list_statuses(self) -> list[domain.Status]:
        return [adapt.status(s) for s in (await self.wire.list_statuses()).data]

    async def list_colors(self, kind: str | None = None) -> list[domain.Color]:
        """One palette for tags and statuses alike on v2: read once a session."""
        if self._colors is None:
            self._colors = [adapt.color(c) for c in await self.wire.list_colors()]
        return list(self._colors)

    async def list_events(
        self, after_seq: int | None = None, *, limit: int = 100
    ) -> domain.EventPage:
        page = await self.wire.list_events(after_seq, limit=limit)
        return domain.EventPage(
            events=[adapt.event(e) for e in page.data],
            has_more=page.has_more,
            last_seq=page.last_seq,
        )

    # --- labels -----------------------------------------------------------------------------

    async def create_tag(self, name: str, color: str | None = None) -> domain.Tag:
        return adapt.tag(await self.wire.create_tag(name, color))

    async def update_tag(
        self, tag_id: str, *, name: str | Unset = UNSET, color: str | Unset | None = UNSET
    ) -> domain.Tag:
        return adapt.tag(await self.wire.update_tag(tag_id, name=name, color=color))

    async def delete_tag(self, tag_id: str) -> None:
        await self.wire.delete_tag(tag_id)

    async def get_tag(self, tag_id: str) -> domain.Tag:
        return adapt.tag(await self.wire.get_tag(tag_id))

    async def create_status(self, name: str, color: str | None = None) -> domain.Status:
        return adapt.status(await self.wire.create_status(name, color))

    async def update_status(
        self, status_id: str, *, name: str | Unset = UNSET, color: str | Unset | None = UNSET
    ) -> domain.Status:
        return adapt.status(await self.wire.update_status(status_id, name=name, color=color))

    async def delete_status(self, status_id: str) -> None:
        await self.wire.delete_status(status_id)

    async def get_status(self, status_id: str) -> domain.Status:
        return adapt.status(await self.wire.get_status(status_id))

    # --- threads ----------------------------------------------------------------------------

    async def _capabilities(self) -> dict[str, list[str]]:
        """The account links' capabilities, read once a session (the directory reads the
        links too, and fills this in passing)."""
        if self._link_capabilities is None:
            await self.list_account_links()
        return self._link_capabilities or {}

    async def _threads(self, threads: Sequence[wire.Thread]) -> list[domain.Thread]:
        capabilities = await self._capabilities() if threads else {}
        mapped = [adapt.thread(t, capabilities.get(t.account_link_id)) for t in threads]
        return adapt.with_sibling_threads(mapped)

    async def list_threads(self, query: ThreadQuery | None = None) -> domain.ThreadPage:
        return await self.read_threads(await self.fetch_threads(query))

    async def fetch_threads(self, query: ThreadQuery | None = None) -> FetchedThreads:
        query = query or ThreadQuery()
        try:
            filters = filters_for(query)
        except ValueError as error:
            raise ApiError(str(error), status=400, code="invalidRequest") from None
        token = query.cursor.token if query.cursor is not None else None
        body = await self.wire.fetch_threads(
            filters, expand=THREAD_EXPAND, limit=query.limit, cursor=token
        )
        return FetchedThreads(query, body)

    async def read_threads(self, fetched: FetchedThreads) -> domain.ThreadPage:
        page = parse(wire.Page[wire.Thread], fetched.body)
        return domain.ThreadPage(
            threads=await self._threads(page.data), next_cursor=adapt.cursor(page.next_cursor)
        )

    def summarize_fetched(self, fetched: FetchedThreads) -> list[RowSummary]:
        return summarize_page(fetched.body)

    def iter_threads(self, query: ThreadQuery | None = None) -> AsyncIterator[domain.Thread]:
        return every_thread(self, query)

    async def get_thread(self, thread_id: str) -> domain.Thread:
        found = await self.wire.get_thread(thread_id, expand=THREAD_EXPAND)
        return (await self._threads([found]))[0]

    async def create_thread(
        self,
        account_link_id: str,
        *,
        external_platform_id: str | None = None,
        external_id: str | None = None,
    ) -> domain.Thread:
        raise ApiError(
            "On API v2 a conversation starts with its first message: write it, then send.",
            status=400,
            code="unsupported",
        )

    async def update_thread(
        self,
        thread_id: str,
        *,
        assignee_id: str | Unset | None = UNSET,
        done: bool | Unset = UNSET,
        unread: bool | Unset = UNSET,
    ) -> None:
        await self.wire.update_thread(
            thread_id, archived=done, unread=unread, assignee_id=assignee_id
        )

    async def delete_thread(self, thread_id: str) -> None:
        await self.wire.delete_thread(thread_id)

    async def send_typing(self, thread_id: str) -> None:
        await self.wire.send_typing(thread_id)

    async def get_attachment(self, message_id: str, index: int) -> domain.Attachment:
        media = await self.wire.get_attachment(message_id, index)
        return adapt.attachment(media.model_dump(mode="json", by_alias=True))

    async def _platform_of(self, account_link_id: str) -> str:
        """The platform an account link is on: a person reached from it is that platform's
        (a LinkedIn link's people are LinkedIn member IDs, not X user IDs)."""
        links = await self.list_account_links()
        link = next((link for link in links if link.id == account_link_id), None)
        return link.platform if link is not None and link.platform else PLATFORM

    async def _contact_ids(
        self, *, platform_id: str = "", username: str = "", platform: str = PLATFORM
    ) -> list[str]:
        page = await self.wire.list_contacts(
            platform=platform,
            platform_ids=[platform_id] if platform_id else (),
            usernames=[username] if username else (),
        )
        return [c.id for c in page.data]

    async def _threads_of(
        self, contact_ids: Sequence[str], account_link_ids: Sequence[str]
    ) -> list[domain.Thread]:
        if not contact_ids:
            return []
        filters = ThreadFilters(
            folder="all",
            contact_ids=tuple(contact_ids),
            account_link_ids=tuple(account_link_ids),
        )
        page = await self.wire.list_threads(filters, expand=THREAD_EXPAND, limit=MAX_LIMIT)
        return await self._threads(page.data)

    async def lookup_thread(
        self,
        account_link_id: str,
        *,
        external_platform_id: str | None = None,
        external_id: str | None = None,
    ) -> domain.Thread | None:
        """The thread between an account link and a person (by their user ID on the link's
        platform), or None: the contact first, then its thread with that account."""
        if not external_platform_id:
            raise ValueError("give external_platform_id (v2 finds people by platform ID)")
        platform = await self._platform_of(account_link_id)
        contacts = await self._contact_ids(platform_id=external_platform_id, platform=platform)
        threads = await self._threads_of(contacts, [account_link_id])
        return threads[0] if threads else None

    async def lookup_threads_by_username(
        self, username: str, account_link_ids: Sequence[str] = (), *, platform: str = PLATFORM
    ) -> list[domain.Thread]:
        contacts = await self._contact_ids(
            username=username.strip().removeprefix("@"), platform=platform
        )
        return await self._threads_of(contacts, account_link_ids)

    # --- messages ---------------------------------------------------------------------------

    async def list_messages(
        self, thread_id: str, *, limit: int = 50, cursor: domain.Cursor | None = None
    ) -> domain.MessagePage:
        """One page, newest first. The first message embeds its thread (`expand=thread`), so
        the page knows whether older messages are still importing without a second request."""
        token = cursor.token if cursor is not None else None
        page = await self.wire.list_messages(
            thread_id, expand=["thread"], limit=limit, cursor=token
        )
        embedded = page.data[0].thread if page.data else None
        syncing = embedded is not None and embedded.syncing
        return domain.MessagePage(
            thread_id=thread_id,
            messages=[adapt.message(m) for m in page.data],
            next_cursor=adapt.cursor(page.next_cursor),
            is_syncing=syncing,
        )

    async def send_message(
        self,
        thread_id: str,
        content: str,
        *,
        reply_to_message_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> domain.Message:
        result = await self.wire.send_message(
            {"type": "thread", "threadId": thread_id},
            content,
            reply_to_message_id=reply_to_message_id,
            idempotency_key=idempotency_key,
        )
        return adapt.message(result.message)

    async def quick_send(
        self,
        account_link_id: str,
        content: str,
        *,
        external_platform_id: str | None = None,
        external_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> domain.QuickSendResult:
        """Send to a person by their user ID on the account link's platform; the thread is
        created as needed."""
        if not external_platform_id:
            raise ValueError("give external_platform_id (v2 sends to a platform ID)")
        target = {
            "type": "profile",
            "accountLinkId": account_link_id,
            "platform": await self._platform_of(account_link_id),
            "platformId": external_platform_id,
        }
        result = await self.wire.send_message(target, content, idempotency_key=idempotency_key)
        return domain.QuickSendResult(
            message=adapt.message(result.message),
            thread=domain.QuickSendThread(
                id=result.thread.id, platform_id=result.thread.platform_id
            ),
        )

    async def edit_message(
        self, thread_id: str, message_id: str, content: str
    ) -> domain.MessageEdited:
        edited = await self.wire.edit_message(message_id, content)
        return domain.MessageEdited(
            message_id=edited.id, content=edited.content, edited_at=edited.edited_at
        )

    async def delete_message(
        self, thread_id: str, message_id: str, *, for_everyone: bool = True
    ) -> domain.MessageDeleted:
        deleted = await self.wire.unsend_message(
            message_id, scope="all" if for_everyone else "self"
        )
        return domain.MessageDeleted(message_id=deleted.message_id, deleted_at=deleted.deleted_at)

    async def message_history(self, thread_id: str, message_id: str) -> domain.MessageHistory:
        return adapt.history(await self.wire.message_history(message_id))

    async def add_reaction(self, thread_id: str, message_id: str, emoji: str) -> None:
        await self.wire.react(message_id, emoji)

    async def remove_reaction(self, thread_id: str, message_id: str, emoji: str) -> None:
        await self.wire.unreact(message_id, emoji)

    # --- people -----------------------------------------------------------------------------

    async def get_prospect(self, prospect_id: str) -> domain.Prospect:
        """`prospect_id` is the contact's ID on v2."""
        return adapt.prospect(None, await self.wire.get_contact(prospect_id))

    async def update_prospect_context(
        self,
        prospect_id: str,
        *,
        notes: str | Unset | None = UNSET,
        valuation: float | Unset | None = UNSET,
        status_id: str | Unset | None = UNSET,
        add_tags: Sequence[str] = (),
        remove_tags: Sequence[str] = (),
        assignee_id: str | Unset | None = UNSET,
        done: bool | Unset = UNSET,
    ) -> domain.Prospect | None:
        """The contact's fields in one PATCH, each tag with its own PUT/DELETE; `done` and the
        assignee (v1 set them on every thread of the person) on each of the contact's threads
        that differs (the assignee is also the contact's default, for threads to come). The
        person after the PATCH, or None when only tags or threads changed."""
        person = None
        fields = (notes, valuation, status_id, assignee_id)
        if any(value is not UNSET for value in fields):
            contact = await self.wire.update_contact(
                prospect_id,
                status=status_id,
                notes=notes,
                valuation=valuation,
                assignee_id=assignee_id,
            )
            person = adapt.prospect(None, contact)
        for tag_id in add_tags:
            await self.wire.add_contact_tag(prospect_id, tag_id)
        for tag_id in remove_tags:
            await self.wire.remove_contact_tag(prospect_id, tag_id)
        if not isinstance(done, Unset) or not isinstance(assignee_id, Unset):
            filters = ThreadFilters(folder="all", contact_ids=(prospect_id,))
            async for found in self.wire.iter_threads(filters):
                archived = UNSET if isinstance(done, Unset) or found.archived == done else done
                assignee = (
                    UNSET
                    if isinstance(assignee_id, Unset) or found.assignee_id == assignee_id
                    else assignee_id
                )
                if archived is not UNSET or assignee is not UNSET:
                    await self.wire.update_thread(found.id, archived=archived, assignee_id=assignee)
        return person
