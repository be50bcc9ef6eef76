"""V1Client: every documented operation of the Inbox API version 1, typed.

Reads retry on 429, 5xx and transport errors with backoff (honouring Retry-After); writes are
never retried: v1 has no idempotency key, so a send whose outcome is unknown is checked by
re-reading the thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Unpack

from tui.api.errors import InboxError, RateLimited, ServerError, TransportError, error_from_body
from tui.api.http import (
    ClientOptions,
    HttpClient,
    ModelT,
    encode_segment,
    given,
    label_body,
    parse,
    parse_list,
)
from tui.api.lazy import lazy_module
from tui.api.service import UNSET, FetchedThreads, Unset, every_thread
from tui.api.v1.query import account_link_params, cursor_params, thread_params
from tui.api.v1.summary import summarize_page
from tui.core.api_versions import ApiFeature, default_base_url
from tui.core.query import ThreadQuery

if TYPE_CHECKING:
    from tui.core import model as domain
    from tui.core.row_summary import RowSummary
else:
    domain = lazy_module("tui.core.model")  # pydantic: loaded when an answer is first read

DEFAULT_MESSAGE_LIMIT: Final = 50


def read_error(
    status: int, body: Any, retry_after: float | None, headers: Mapping[str, str]
) -> InboxError:
    return error_from_body(status, body, retry_after)


def _read_may_retry(error: InboxError) -> bool:
    return isinstance(error, RateLimited | ServerError | TransportError)


class V1Client(HttpClient):
    """Async client for every documented operation of the Inbox API v1."""

    version: Final = "v1"
    features: Final = frozenset({ApiFeature.NONE_FILTERS, ApiFeature.EMPTY_THREAD})

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = default_base_url("v1"),
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(api_key, base_url, read_error, **options)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        body: Any = None,
    ) -> Any:
        """Send; retry only reads (GET), and only on 429, 5xx and transport errors."""
        if method != "GET":
            return await self.http.send_once(method, path, params, body)
        return await self.http.request(method, path, params=params, may_retry=_read_may_retry)

    async def _get_model(
        self, model: type[ModelT], path: str, params: Sequence[tuple[str, str]] | None = None
    ) -> ModelT:
        return parse(model, await self._request("GET", path, params=params))

    async def _get_list(self, model: type[ModelT], path: str, params: Any = None) -> list[ModelT]:
        return parse_list(model, await self._request("GET", path, params=params))

    # --- team and directory -----------------------------------------------------------------

    async def get_team(self) -> domain.Team:
        """The team that owns the key: the cheap way to check one."""
        return await self._get_model(domain.Team, "/team")

    async def list_account_links(self) -> list[domain.AccountLink]:
        return await self._get_list(domain.AccountLink, "/account-links")

    async def list_platforms(self) -> list[domain.Platform]:
        """v1 has no such endpoint: it speaks of X alone."""
        return [domain.X_PLATFORM]

    async def list_members(self) -> list[domain.Member]:
        return await self._get_list(domain.Member, "/members")

    async def get_member(self, member_id: str) -> domain.Member:
        return await self._get_model(domain.Member, f"/members/{encode_segment(member_id)}")

    async def list_tags(self) -> list[domain.Tag]:
        return await self._get_list(domain.Tag, "/tags")

    async def list_statuses(self) -> list[domain.Status]:
        return await self._get_list(domain.Status, "/statuses")

    async def list_colors(self, kind: str | None = None) -> list[domain.Color]:
        """The predefined colours (`kind` "tags" or "statuses" for their own lists)."""
        path = f"/{kind}/colors" if kind in ("tags", "statuses") else "/colors"
        return await self._get_list(domain.Color, path)

    async def list_events(
        self, after_seq: int | None = None, *, limit: int = 100
    ) -> domain.EventPage:
        """What changed since `after_seq` (oldest first; kept 7 days): one cheap request
        instead of re-listing threads."""
        if not 1 <= limit <= 1000:
            raise ValueError("limit must be between 1 and 1000")
        if after_seq is not None and after_seq < 0:
            raise ValueError("after_seq cannot be negative")
        params = [("limit", str(limit))]
        if after_seq is not None:
            params.append(("afterSeq", str(after_seq)))
        return await self._get_model(domain.EventPage, "/events", params)

    # --- tag and status management (one shape, two collections) ----------------------------

    async def create_tag(self, name: str, color: str | None = None) -> domain.Tag:
        return await self._create_label(domain.Tag, "tags", name, color)

    async def update_tag(
        self, tag_id: str, *, name: str | Unset = UNSET, color: str | Unset | None = UNSET
    ) -> domain.Tag:
        return await self._update_label(domain.Tag, "tags", tag_id, name, color)

    async def delete_tag(self, tag_id: str) -> None:
        await self._request("DELETE", f"/tags/{encode_segment(tag_id)}")

    async def get_tag(self, tag_id: str) -> domain.Tag:
        return await self._get_model(domain.Tag, f"/tags/{encode_segment(tag_id)}")

    async def create_status(self, name: str, color: str | None = None) -> domain.Status:
        return await self._create_label(domain.Status, "statuses", name, color)

    async def update_status(
        self, status_id: str, *, name: str | Unset = UNSET, color: str | Unset | None = UNSET
    ) -> domain.Status:
        return await self._update_label(domain.Status, "statuses", status_id, name, color)

    async def delete_status(self, status_id: str) -> None:
        await self._request("DELETE", f"/statuses/{encode_segment(status_id)}")

    async def get_status(self, status_id: str) -> domain.Status:
        return await self._get_model(domain.Status, f"/statuses/{encode_segment(status_id)}")

    async def _create_label(
        self, model: type[ModelT], kind: str, name: str, color: str | None
    ) -> ModelT:
        body = label_body(name, color)
        return parse(model, await self._request("POST", f"/{kind}", body=body))

    async def _update_label(
        self,
        model: type[ModelT],
        kind: str,
        label_id: str,
        name: str | Unset,
        color: str | Unset | None,
    ) -> ModelT:
        body = given(name=name, color=color)
        path = f"/{kind}/{encode_segment(label_id)}"
        return parse(model, await self._request("PATCH", path, body=body))

    # --- threads ----------------------------------------------------------------------------

    async def list_threads(self, query: ThreadQuery | None = None) -> domain.ThreadPage:
        return await self.read_threads(await self.fetch_threads(query))

    async def fetch_threads(self, query: ThreadQuery | None = None) -> FetchedThreads:
        query = query or ThreadQuery()
        return FetchedThreads(
            query, await self._request("GET", "/threads", params=thread_params(query))
        )

    async def read_threads(self, fetched: FetchedThreads) -> domain.ThreadPage:
        return parse(domain.ThreadPage, fetched.body)

    def summarize_fetched(self, fetched: FetchedThreads) -> list[RowSummary]:
        return summarize_page(fetched.body)

    def iter_threads(self, query: ThreadQuery | None = None) -> AsyncIterator[domain.Thread]:
        """Every thread matching the query, page after page."""
        return every_thread(self, query)

    async def get_thread(self, thread_id: str) -> domain.Thread:
        return await self._get_model(domain.Thread, f"/threads/{encode_segment(thread_id)}")

    async def create_thread(
        self,
        account_link_id: str,
        *,
        external_platform_id: str | None = None,
        external_id: str | None = None,
    ) -> domain.Thread:
        """Create a conversation (sends nothing). Raises Conflict when it already exists."""
        body = _person_body(account_link_id, external_platform_id, external_id)
        return parse(domain.Thread, await self._request("POST", "/threads", body=body))

    async def update_thread(
        self,
        thread_id: str,
        *,
        assignee_id: str | Unset | None = UNSET,
        done: bool | Unset = UNSET,
        unread: bool | Unset = UNSET,
    ) -> None:
        if unread is not UNSET:
            raise ValueError("API v1 has no unread state: it needs API v2")
        body = given(assigneeId=assignee_id, done=done)
        path = f"/threads/{encode_segment(thread_id)}"
        parse(domain.Thread, await self._request("PATCH", path, body=body))

    async def send_typing(self, thread_id: str) -> None:
        await self._request("POST", f"/threads/{encode_segment(thread_id)}/typing")

    async def get_attachment(self, message_id: str, index: int) -> domain.Attachment:
        raise ValueError("API v1 cannot renew an attachment's link: it needs API v2")

    async def delete_thread(self, thread_id: str) -> None:
        """Permanent: also deletes the conversation on X."""
        await self._request("DELETE", f"/threads/{encode_segment(thread_id)}")

    async def lookup_thread(
        self,
        account_link_id: str,
        *,
        external_platform_id: str | None = None,
        external_id: str | None = None,
    ) -> domain.Thread | None:
        """The thread between an account link and a person, or None."""
        if not (external_platform_id or external_id):
            raise ValueError("give external_platform_id or external_id")
        params = [("accountLinkId", account_link_id)]
        if external_platform_id:
            params.append(("externalPlatformId", external_platform_id))
        if external_id:
            params.append(("externalId", external_id))
        data = await self._request("GET", "/threads/lookup", params=params)
        return None if data is None else parse(domain.Thread, data)

    async def lookup_threads_by_username(
        self, username: str, account_link_ids: Sequence[str] = (), *, platform: str = "twitter"
    ) -> list[domain.Thread]:
        """Every thread with the person of that exact username (case-insensitive, no @). v1
        knows X alone: `platform` is not sent."""
        params = [("username", username.strip().removeprefix("@"))]
        params += account_link_params(list(account_link_ids))
        return await self._get_list(domain.Thread, "/threads/lookup-by-username", params)

    # --- messages ---------------------------------------------------------------------------

    async def list_messages(
        self,
        thread_id: str,
        *,
        limit: int = DEFAULT_MESSAGE_LIMIT,
        cursor: domain.Cursor | None = None,
    ) -> domain.MessagePage:
        """One page of messages, newest first; `next_cursor` leads to older ones."""
        if not 1 <= limit <= 100:
            raise ValueError("limit must be between 1 and 100")
        params = [("limit", str(limit)), *cursor_params(cursor)]
        path = f"/threads/{encode_segment(thread_id)}/messages"
        return await self._get_model(domain.MessagePage, path, params)

    async def iter_messages(
        self, thread_id: str, *, limit: int = DEFAULT_MESSAGE_LIMIT
    ) -> AsyncIterator[domain.Message]:
        cursor: domain.Cursor | None = None
        while True:
            page = await self.list_messages(thread_id, limit=limit, cursor=cursor)
            for message in page.messages:
                yield message
            if page.next_cursor is None or not page.messages:
                return
            cursor = page.next_cursor

    async def send_message(
        self,
        thread_id: str,
        content: str,
        *,
        reply_to_message_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> domain.Message:
        """Send a DM. Never retried here: v1 has no idempotency key (one given is not sent), so
        a send whose outcome is unknown (TransportError with maybe_sent) must be checked by
        re-reading the thread."""
        if not content.strip():
            raise ValueError("a message cannot be empty")
        body: dict[str, Any] = {"content": content}
        if reply_to_message_id:
            body["replyToMessageId"] = reply_to_message_id
        path = f"/threads/{encode_segment(thread_id)}/messages"
        return parse(domain.Message, await self._request("POST", path, body=body))

    # Edit, delete, history and reactions work only on encrypted (xChat) threads: the service
    # refuses them elsewhere, and the app does not offer them there.

    def _message_path(self, thread_id: str, message_id: str) -> str:
        return f"/threads/{encode_segment(thread_id)}/messages/{encode_segment(message_id)}"

    async def edit_message(
        self, thread_id: str, message_id: str, content: str
    ) -> domain.MessageEdited:
        if not content.strip():
            raise ValueError("a message cannot be empty")
        path = self._message_path(thread_id, message_id)
        return parse(
            domain.MessageEdited, await self._request("PATCH", path, body={"content": content})
        )

    async def delete_message(
        self, thread_id: str, message_id: str, *, for_everyone: bool = True
    ) -> domain.MessageDeleted:
        path = self._message_path(thread_id, message_id)
        body = {"deleteForAll": for_everyone}
        return parse(domain.MessageDeleted, await self._request("DELETE", path, body=body))

    async def message_history(self, thread_id: str, message_id: str) -> domain.MessageHistory:
        path = self._message_path(thread_id, message_id) + "/history"
        return await self._get_model(domain.MessageHistory, path)

    async def add_reaction(self, thread_id: str, message_id: str, emoji: str) -> None:
        path = self._message_path(thread_id, message_id) + "/reactions/reactions"
        await self._request("POST", path, body={"emoji": emoji})

    async def remove_reaction(self, thread_id: str, message_id: str, emoji: str) -> None:
        path = self._message_path(thread_id, message_id) + "/reactions/reactions"
        await self._request("DELETE", path, body={"emoji": emoji})

    async def quick_send(
        self,
        account_link_id: str,
        content: str,
        *,
        external_platform_id: str | None = None,
        external_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> domain.QuickSendResult:
        """Send to a person, creating the thread if needed."""
        if not content.strip():
            raise ValueError("a message cannot be empty")
        body = _person_body(account_link_id, external_platform_id, external_id)
        body["content"] = content
        return parse(
            domain.QuickSendResult, await self._request("POST", "/threads/messages", body=body)
        )

    # --- prospects --------------------------------------------------------------------------

    async def lookup_prospect(self, platform_id: str) -> domain.Prospect | None:
        data = await self._request("GET", "/prospects/lookup", params=[("platformId", platform_id)])
        return None if data is None else parse(domain.Prospect, data)

    async def get_prospect(self, prospect_id: str) -> domain.Prospect:
        return await self._get_model(domain.Prospect, f"/prospects/{encode_segment(prospect_id)}")

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
    ) -> domain.Prospect:
        """Change the team's context of a prospect. Only given fields are sent; None clears.
        Tags change incrementally. assigneeId and done apply to all the prospect's threads."""
        body = given(
            notes=notes,
            valuation=valuation,
            statusId=status_id,
            assigneeId=assignee_id,
            done=done,
        )
        if add_tags:
            body["addTags"] = list(add_tags)
        if remove_tags:
            body["removeTags"] = list(remove_tags)
        path = f"/prospects/{encode_segment(prospect_id)}/context"
        return parse(domain.Prospect, await self._request("PATCH", path, body=body))


def _person_body(
    account_link_id: str, external_platform_id: str | None, external_id: str | None
) -> dict[str, Any]:
    if not (external_platform_id or external_id):
        raise ValueError("give external_platform_id or external_id")
    body: dict[str, Any] = {"accountLinkId": account_link_id}
    if external_platform_id:
        body["externalPlatformId"] = external_platform_id
    if external_id:
        body["externalId"] = external_id
    return body
