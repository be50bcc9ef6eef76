"""V2Client: the 37 operations of the Inbox API version 2, typed, in v2's own shapes.

- Query keys repeat (`?tag=a&tag=b`); brackets and comma lists are never produced.
- Collections are `{data, nextCursor}`; the opaque cursor goes back with the same filters.
- Errors are `{code, message, details, requestId}`, mapped by code (then by status).
- Retries: 429 always (Retry-After, else `details.retryAfterSeconds`); 5xx, `platformError`,
  `platformUnavailable`, `sendInProgress` and transport failures only for GET/PUT/DELETE and
  for a send that carries an Idempotency-Key; `sendUnconfirmed` never.

`V2Api` (api.py) maps these shapes to the app's domain types.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar, Unpack

from tui.api.errors import (
    ApiError,
    AuthError,
    Conflict,
    Forbidden,
    InboxError,
    NotFound,
    RateLimited,
    SendInProgress,
    SendUnconfirmed,
    ServerError,
    TransportError,
    error_for_status,
)
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
from tui.api.service import UNSET, Unset
from tui.api.v2.query import ThreadFilters
from tui.core.api_versions import default_base_url

if TYPE_CHECKING:
    from tui.api.v2 import wire
else:
    wire = lazy_module("tui.api.v2.wire")  # pydantic: loaded when an answer is first read

MAX_LIMIT: Final = 100
MAX_EXPAND: Final = 4
IDEMPOTENT_METHODS: Final = frozenset({"GET", "PUT", "DELETE"})
# Codes a retry may cure (when the request is safe to repeat).
TRANSIENT_CODES: Final = frozenset({"platformError", "platformUnavailable", "sendInProgress"})

# The typed error each documented code maps to; unknown codes fall back by status.
ERROR_CLASSES: Final[dict[str, type[InboxError]]] = {
    "unauthorized": AuthError,
    "platformNotAvailable": Forbidden,
    "workspaceLocked": Forbidden,
    "planRequired": Forbidden,
    "accountLinkNotFound": NotFound,
    "contactNotFound": NotFound,
    "memberNotFound": NotFound,
    "messageNotFound": NotFound,
    "statusNotFound": NotFound,
    "tagNotFound": NotFound,
    "threadNotFound": NotFound,
    "nameTaken": Conflict,
    "accountLinkDisconnected": Conflict,
    "integrationSetupRequired": Conflict,
    "sendInProgress": SendInProgress,
    "rateLimited": RateLimited,
    "platformRateLimited": RateLimited,
    "internal": ServerError,
    "platformError": ServerError,
    "platformUnavailable": ServerError,
    "sendUnconfirmed": SendUnconfirmed,
    "invalidRequest": ApiError,
    "invalidCursor": ApiError,
    # 422: the message exists, but the platform no longer lets it be changed (deleted, not
    # ours...). Never a 403: that is the platform or the workspace, not this message.
    "messageNotModifiable": ApiError,
}


def read_error(
    status: int, body: Any, retry_after: float | None, headers: Mapping[str, str]
) -> InboxError:
    code = message = request_id = None
    details: Any = None
    if isinstance(body, dict):
        code = body.get("code") if isinstance(body.get("code"), str) else None
        message = body.get("message") if isinstance(body.get("message"), str) else None
        request_id = body.get("requestId") if isinstance(body.get("requestId"), str) else None
        details = body.get("details")
    request_id = request_id or headers.get("x-request-id")
    if retry_after is None and isinstance(details, dict):
        seconds = details.get("retryAfterSeconds")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0:
            retry_after = float(seconds)
    text = message or code or f"HTTP {status}"
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "request_id": request_id,
        "details": details,
        "retry_after": retry_after,
    }
    kind = ERROR_CLASSES.get(code or "")
    if kind is None:
        return error_for_status(status, text, **{k: v for k, v in kwargs.items() if k != "status"})
    return kind(text, **kwargs)


def may_retry(method: str, keyed_send: bool) -> Callable[[InboxError], bool]:
    """The spec's retry rule for one request."""
    safe = method in IDEMPOTENT_METHODS or keyed_send

    def rule(error: InboxError) -> bool:
        if isinstance(error, SendUnconfirmed):
            return False  # the message may have gone: show it, never resend
        if isinstance(error, RateLimited):
            return True  # refused before anything happened
        if not safe:
            return False
        if isinstance(error, TransportError):
            return True
        if error.code in TRANSIENT_CODES:
            return True
        return isinstance(error, ServerError) and error.code in (None, "internal")

    return rule


def _limit(limit: int | None) -> list[tuple[str, str]]:
    if limit is None:
        return []
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    return [("limit", str(limit))]


def _repeat(key: str, values: Sequence[str]) -> list[tuple[str, str]]:
    return [(key, value) for value in values]


def _expand(values: Sequence[str]) -> list[tuple[str, str]]:
    if len(values) > MAX_EXPAND:
        raise ValueError(f"at most {MAX_EXPAND} expand paths")
    return _repeat("expand", values)


def _cursor(cursor: str | None) -> list[tuple[str, str]]:
    return [("cursor", cursor)] if cursor else []


ItemT = TypeVar("ItemT")


async def every_item(
    read_page: Callable[[str | None], Awaitable[wire.Page[ItemT]]],
) -> AsyncIterator[ItemT]:
    """Every item of a collection: `read_page(cursor)` page after page, until the last."""
    cursor: str | None = None
    while True:
        page = await read_page(cursor)
        for item in page.data:
            yield item
        if not page.next_cursor or not page.data:
            return
        cursor = page.next_cursor


def check_idempotency_key(key: str) -> str:
    if not 1 <= len(key) <= 255 or not all(0x20 <= ord(c) <= 0x7E for c in key):
        raise ValueError("an Idempotency-Key is 1 to 255 printable ASCII characters")
    return key


class V2Client(HttpClient):
    """Every operation of the Inbox API v2, in v2's shapes."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = default_base_url("v2"),
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(api_key, base_url, read_error, **options)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        rule = may_retry(method, keyed_send=idempotency_key is not None)
        return await self.http.request(
            method, path, params=params, body=body, headers=headers, may_retry=rule
        )

    async def _get(
        self, model: type[ModelT], path: str, params: Sequence[tuple[str, str]] | None = None
    ) -> ModelT:
        return parse(model, await self._call("GET", path, params=params))

    # --- platforms, team, members, account links --------------------------------------------

    async def list_platforms(self) -> list[wire.PlatformInfo]:
        return parse_list(wire.PlatformInfo, await self._call("GET", "/platforms"))

    async def get_team(self) -> wire.Team:
        return await self._get(wire.Team, "/team")

    async def list_members(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> wire.Page[wire.Member]:
        params = _limit(limit) + _cursor(cursor)
        return await self._get(wire.Page[wire.Member], "/members", params)

    async def get_member(self, member_id: str) -> wire.Member:
        return await self._get(wire.Member, f"/members/{encode_segment(member_id)}")

    async def list_account_links(
        self,
        *,
        platforms: Sequence[str] = (),
        statuses: Sequence[str] = (),
        limit: int | None = None,
        cursor: str | None = None,
    ) -> wire.Page[wire.AccountLink]:
        params = _repeat("platform", platforms) + _repeat("status", statuses)
        params += _limit(limit) + _cursor(cursor)
        return await self._get(wire.Page[wire.AccountLink], "/account-links", params)

    async def get_account_link(self, account_link_id: str) -> wire.AccountLink:
        path = f"/account-links/{encode_segment(account_link_id)}"
        return await self._get(wire.AccountLink, path)

    # --- contacts ---------------------------------------------------------------------------

    async def list_contacts(
        self,
        *,
        platform: str | None = None,
        platform_ids: Sequence[str] = (),
        usernames: Sequence[str] = (),
        expand: Sequence[str] = (),
        limit: int | None = None,
        cursor: str | None = None,
    ) -> wire.Page[wire.Contact]:
        """Find contacts by `platform` + platform IDs or usernames (no match: empty data)."""
        params = [("platform", platform)] if platform else []
        params += _repeat("platformId", platform_ids) + _repeat("username", usernames)
        params += _expand(expand) + _limit(limit) + _cursor(cursor)
        return await self._get(wire.Page[wire.Contact], "/contacts", params)

    async def get_contact(self, contact_id: str, *, expand: Sequence[str] = ()) -> wire.Contact:
        path = f"/contacts/{encode_segment(contact_id)}"
        return await self._get(wire.Contact, path, _expand(expand))

    async def update_contact(
        self,
        contact_id: str,
        *,
        status: str | Unset | None = UNSET,
        notes: str | Unset | None = UNSET,
        valuation: float | Unset | None = UNSET,
        assignee_id: str | Unset | None = UNSET,
    ) -> wire.Contact:
        """Only given fields are sent; None clears. `status` is an ID or a name."""
        body = given(status=status, notes=notes, valuation=valuation, assigneeId=assignee_id)
        path = f"/contacts/{encode_segment(contact_id)}"
        return parse(wire.Contact, await self._call("PATCH", path, body=body))

    async def add_contact_tag(self, contact_id: str, tag_ref: str) -> None:
        path = f"/contacts/{encode_segment(contact_id)}/tags/{encode_segment(tag_ref)}"
        await self._call("PUT", path)

    async def remove_contact_tag(self, contact_id: str, tag_ref: str) -> None:
        path = f"/contacts/{encode_segment(contact_id)}/tags/{encode_segment(tag_ref)}"
        await self._call("DELETE", path)

    # --- threads ----------------------------------------------------------------------------

    async def list_threads(
        self,
        filters: ThreadFilters | None = None,
        *,
        expand: Sequence[str] = (),
        limit: int | None = None,
        cursor: str | None = None,
    ) -> wire.Page[wire.Thread]:
        return parse(
            wire.Page[wire.Thread],
            await self.fetch_threads(filters, expand=expand, limit=limit, cursor=cursor),
        )

    async def fetch_threads(
        self,
        filters: ThreadFilters | None = None,
        *,
        expand: Sequence[str] = (),
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Any:
        """list_threads' answer as JSON, not yet read into wire models."""
        params = (filters or ThreadFilters()).to_params()
        params += _expand(expand) + _limit(limit) + _cursor(cursor)
        return await self._call("GET", "/threads", params=params)

    def iter_threads(
        self, filters: ThreadFilters | None = None, *, expand: Sequence[str] = ()
    ) -> AsyncIterator[wire.Thread]:
        return every_item(
            lambda cursor: self.list_threads(filters, expand=expand, limit=MAX_LIMIT, cursor=cursor)
        )

    async def get_thread(self, thread_id: str, *, expand: Sequence[str] = ()) -> wire.Thread:
        path = f"/threads/{encode_segment(thread_id)}"
        return await self._get(wire.Thread, path, _expand(expand))

    async def update_thread(
        self,
        thread_id: str,
        *,
        archived: bool | Unset = UNSET,
        unread: bool | Unset = UNSET,
        assignee_id: str | Unset | None = UNSET,
        typing_indicators: str | Unset = UNSET,
    ) -> wire.Thread:
        """The thread as changed (not expanded: the spec gives PATCH no `expand`)."""
        body = given(
            archived=archived,
            unread=unread,
            assigneeId=assignee_id,
            typingIndicators=typing_indicators,
        )
        path = f"/threads/{encode_segment(thread_id)}"
        return parse(wire.Thread, await self._call("PATCH", path, body=body))

    async def delete_thread(self, thread_id: str) -> wire.ThreadDeletion:
        path = f"/threads/{encode_segment(thread_id)}"
        return parse(wire.ThreadDeletion, await self._call("DELETE", path))

    async def send_typing(self, thread_id: str) -> wire.TypingSignal:
        """At most one per 2.5 s; a `skipped` answer is fine and never retried."""
        path = f"/threads/{encode_segment(thread_id)}/typing"
        return parse(wire.TypingSignal, await self._call("POST", path))

    # --- messages ---------------------------------------------------------------------------

    async def list_messages(
        self,
        thread_id: str,
        *,
        order: str | None = None,
        expand: Sequence[str] = (),
        limit: int | None = None,
        cursor: str | None = None,
    ) -> wire.Page[wire.Message]:
        """Newest first by default; `next_cursor` leads to older ones."""
        params = [("order", order)] if order else []
        params += _expand(expand) + _limit(limit) + _cursor(cursor)
        path = f"/threads/{encode_segment(thread_id)}/messages"
        return await self._get(wire.Page[wire.Message], path, params)

    async def get_message(self, message_id: str, *, expand: Sequence[str] = ()) -> wire.Message:
        path = f"/messages/{encode_segment(message_id)}"
        return await self._get(wire.Message, path, _expand(expand))

    async def edit_message(self, message_id: str, content: str) -> wire.Message:
        if not content.strip():
            raise ValueError("a message cannot be empty")
        path = f"/messages/{encode_segment(message_id)}"
        return parse(wire.Message, await self._call("PATCH", path, body={"content": content}))

    async def unsend_message(self, message_id: str, *, scope: str) -> wire.MessageDeletion:
        """`scope` "self" deletes for the account link, "all" unsends for everyone."""
        if scope not in ("self", "all"):
            raise ValueError("scope is self or all")
        path = f"/messages/{encode_segment(message_id)}"
        data = await self._call("DELETE", path, params=[("scope", scope)])
        return parse(wire.MessageDeletion, data)

    async def send_message(
        self,
        target: dict[str, str],
        content: str,
        *,
        reply_to_message_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> wire.SendResult:
        """Send to a thread, contact or profile (`target` as the spec spells it); the thread is
        created as needed. With an Idempotency-Key the same send is safe to repeat: it is
        retried here on transient failures, and replays the original answer."""
        if not content.strip():
            raise ValueError("a message cannot be empty")
        body: dict[str, Any] = {"target": target, "content": content}
        if reply_to_message_id:
            body["replyToMessageId"] = reply_to_message_id
        key = check_idempotency_key(idempotency_key) if idempotency_key is not None else None
        data = await self._call("POST", "/messages", body=body, idempotency_key=key)
        return parse(wire.SendResult, data)

    async def message_history(self, message_id: str) -> wire.MessageHistory:
        path = f"/messages/{encode_segment(message_id)}/history"
        return await self._get(wire.MessageHistory, path)

    async def react(self, message_id: str, emoji: str) -> wire.Reactions:
        path = f"/messages/{encode_segment(message_id)}/reactions"
        return parse(wire.Reactions, await self._call("POST", path, body={"emoji": emoji}))

    async def unreact(self, message_id: str, emoji: str) -> wire.Reactions:
        path = f"/messages/{encode_segment(message_id)}/reactions"
        data = await self._call("DELETE", path, params=[("emoji", emoji)])
        return parse(wire.Reactions, data)

    async def get_attachment(self, message_id: str, index: int) -> wire.Attachment:
        """A fresh URL (status ready), or pending/processing (202): ask again later."""
        if index < 0:
            raise ValueError("an attachment index is 0 or more")
        path = f"/messages/{encode_segment(message_id)}/attachments/{index}"
        return await self._get(wire.Attachment, path)

    # --- tags, statuses, colours (one shape, two collections) --------------------------------

    async def list_tags(self) -> wire.Page[wire.Tag]:
        return await self._get(wire.Page[wire.Tag], "/tags")

    async def create_tag(self, name: str, color: str | None = None) -> wire.Tag:
        return await self._create_label(wire.Tag, "tags", name, color)

    async def get_tag(self, tag_ref: str) -> wire.Tag:
        return await self._get(wire.Tag, f"/tags/{encode_segment(tag_ref)}")

    async def update_tag(
        self, tag_ref: str, *, name: str | Unset = UNSET, color: str | Unset | None = UNSET
    ) -> wire.Tag:
        return await self._update_label(wire.Tag, "tags", tag_ref, name, color)

    async def delete_tag(self, tag_ref: str) -> None:
        """Also removes the tag from every contact."""
        await self._call("DELETE", f"/tags/{encode_segment(tag_ref)}")

    async def list_statuses(self) -> wire.Page[wire.Status]:
        return await self._get(wire.Page[wire.Status], "/statuses")

    async def create_status(self, name: str, color: str | None = None) -> wire.Status:
        return await self._create_label(wire.Status, "statuses", name, color)

    async def get_status(self, status_ref: str) -> wire.Status:
        return await self._get(wire.Status, f"/statuses/{encode_segment(status_ref)}")

    async def update_status(
        self, status_ref: str, *, name: str | Unset = UNSET, color: str | Unset | None = UNSET
    ) -> wire.Status:
        return await self._update_label(wire.Status, "statuses", status_ref, name, color)

    async def delete_status(self, status_ref: str) -> None:
        await self._call("DELETE", f"/statuses/{encode_segment(status_ref)}")

    async def list_colors(self) -> list[wire.Color]:
        return parse_list(wire.Color, await self._call("GET", "/colors"))

    async def _create_label(
        self, model: type[ModelT], kind: str, name: str, color: str | None
    ) -> ModelT:
        body = label_body(name, color)
        return parse(model, await self._call("POST", f"/{kind}", body=body))

    async def _update_label(
        self, model: type[ModelT], kind: str, ref: str, name: str | Unset, color: Any
    ) -> ModelT:
        path = f"/{kind}/{encode_segment(ref)}"
        return parse(model, await self._call("PATCH", path, body=given(name=name, color=color)))

    # --- events -----------------------------------------------------------------------------

    async def list_events(
        self,
        after_seq: int | None = None,
        *,
        types: Sequence[str] = (),
        limit: int | None = None,
    ) -> wire.EventPage:
        """Events after `after_seq` (exclusive; omitted = the oldest kept), oldest first."""
        if limit is not None and not 1 <= limit <= 1000:
            raise ValueError("limit must be between 1 and 1000")
        params = [("afterSeq", str(after_seq))] if after_seq is not None else []
        params += _repeat("type", types)
        if limit is not None:
            params.append(("limit", str(limit)))
        return await self._get(wire.EventPage, "/events", params)
