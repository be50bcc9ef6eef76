"""Messages: list, send (idempotent), read, edit, unsend, history, reactions, attachments."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from tui.demo import xchat
from tui.demo.records import AccountLinkRec, MessageRec, ProspectRec, ThreadRec, platform_name, ts
from tui.demo.v2.answers import CUID, Accepted, Created, V2Error, invalid, json_object
from tui.demo.v2.handlers import Handlers, Route
from tui.demo.v2.query import Query, cursor_key, decode_cursor, encode_cursor
from tui.demo.v2.shapes import PLATFORMS, Shapes, max_characters, restrictions

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from tui.demo.app import DemoApi


class MessageHandlers(Handlers):
    def __init__(self, api: DemoApi, shapes: Shapes) -> None:
        super().__init__(api, shapes)
        # Idempotency-Key -> (fingerprint of the body, the original answer).
        self.sends: dict[str, tuple[str, dict[str, Any]]] = {}

    def routes(self, route: Route) -> list[BaseRoute]:
        message = "/messages/{message_id}"
        return [
            route("/threads/{thread_id}/messages", self.list_messages, ["GET"]),
            route("/messages", self.send_message, ["POST"]),
            route(message, self.get_message, ["GET"]),
            route(message, self.edit_message, ["PATCH"]),
            route(message, self.unsend_message, ["DELETE"]),
            route(message + "/history", self.message_history, ["GET"]),
            route(message + "/reactions", self.react, ["POST"]),
            route(message + "/reactions", self.unreact, ["DELETE"]),
            route(message + "/attachments/{index}", self.get_attachment, ["GET"]),
        ]

    async def list_messages(self, request: Request) -> Any:
        query = Query.read(request)
        thread = self.store.thread(request.path_params["thread_id"])
        order = query.choice("order", "desc")
        expand = query.expand()
        limit = query.limit()
        position = decode_cursor(query, f"messages:{thread.id}")
        cursor = cursor_key(position) if position is not None else None
        if order == "asc":
            everything = self.store.messages_of(thread)
            if self.store.syncing(thread):
                everything = everything[-3:]
            start = 0
            if cursor is not None:
                start = next((i + 1 for i, m in enumerate(everything) if m.key == cursor), 0)
            page = everything[start : start + limit]
            more = start + limit < len(everything)
            next_key = page[-1].key if more and page else None
        else:
            page, next_key = self.store.list_messages(thread, limit, cursor)
        next_cursor = None
        if next_key is not None:
            position = [ts(next_key[0]), next_key[1]]
            next_cursor = encode_cursor(f"messages:{thread.id}", query.filters_digest(), position)
        return {
            "data": [self.shapes.message(thread, m, expand) for m in page],
            "nextCursor": next_cursor,
        }

    def _find(self, message_id: str) -> tuple[ThreadRec, MessageRec]:
        if not CUID.match(message_id):
            raise invalid("messageId", "must be an ID (lowercase letters and digits)")
        found = self.store.find_message(message_id)
        if found is None:
            raise V2Error(404, "messageNotFound", f"No message with ID {message_id}")
        return found

    async def get_message(self, request: Request) -> Any:
        query = Query.read(request)
        expand = query.expand()
        thread, message = self._find(request.path_params["message_id"])
        return self.shapes.message(thread, message, expand)

    async def send_message(self, request: Request) -> Any:
        key = request.headers.get("idempotency-key")
        if key is not None and not (1 <= len(key) <= 255 and key.isascii() and key.isprintable()):
            raise invalid("Idempotency-Key", "must be 1 to 255 printable ASCII characters")
        body = json_object(request)
        fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        if key is not None and key in self.sends:
            seen, answer = self.sends[key]
            if seen != fingerprint:
                raise V2Error(
                    422, "idempotencyKeyReused", "This Idempotency-Key was used for another send"
                )
            return answer  # the original result, replayed with 200
        content = body.get("content")
        if not isinstance(content, str) or not content.strip():
            raise invalid("content", "is required and cannot be empty")
        reply_to = body.get("replyToMessageId")
        if reply_to is not None and not (isinstance(reply_to, str) and CUID.match(reply_to)):
            raise invalid("replyToMessageId", "must be a message ID")
        link, person, thread = self._send_target(body.get("target"))
        # The limit is that of the platform the message goes out on: its account link's.
        limit = max_characters(link.platform)
        if len(content) > limit:
            raise V2Error(
                422,
                "contentRejected",
                f"Longer than {limit} characters",
                {"detail": "too long"},
            )
        if thread is None:
            thread = self.store.create_thread(link.id, None, person.external_id)
        self._mutable(thread, "message:reply" if reply_to is not None else "message:send")
        if reply_to is not None and not any(
            m.id == reply_to for m in self.store.messages_of(thread)
        ):
            # Not messageNotFound: no 404 of this operation names a message.
            raise invalid("replyToMessageId", "no message of this thread has this ID")
        message = self.store.send_message(thread, content, reply_to, self.store.acting_member_id)
        answer = {
            "message": self.shapes.message(thread, message),
            "thread": self.shapes.thread(thread),
        }
        if key is not None:
            self.sends[key] = (fingerprint, answer)
        return Created(answer)  # a new send; only a replay of its key is a 200

    def _send_target(self, target: Any) -> tuple[AccountLinkRec, ProspectRec, ThreadRec | None]:
        """Whom a send goes to, from which account link, and their thread there (None: the
        send creates it). A person on another platform than the link's is not reachable."""
        if not isinstance(target, dict):
            raise invalid("target", "is required: {type: thread|contact|profile, ...}")
        kind = target.get("type")
        if kind == "thread":
            allowed = {"type", "threadId"}
        elif kind == "contact":
            allowed = {"type", "accountLinkId", "contactId"}
        elif kind == "profile":
            allowed = {"type", "accountLinkId", "platform", "platformId"}
        else:
            raise invalid("target.type", "must be thread, contact or profile")
        extra = set(target) - allowed
        if extra or set(target) != allowed:
            raise invalid("target", f"a {kind} target has exactly {', '.join(sorted(allowed))}")
        if kind == "thread":
            thread = self.store.thread(str(target["threadId"]))
            return self.store.account_link(thread.account_link_id), thread.prospect, thread
        link = self.store.account_link(str(target["accountLinkId"]))
        if kind == "contact":
            person = self._contact(str(target["contactId"]))
            if person.platform != link.platform:
                raise V2Error(
                    422,
                    "recipientUnavailable",
                    f"The contact has no {platform_name(link.platform)} profile",
                    {"reason": "noProfileOnPlatform"},
                )
        else:
            person = self._profile_target(link, str(target["platform"]), str(target["platformId"]))
        existing = self.store.lookup_thread(link.id, None, person.external_id)
        return link, person, existing

    def _profile_target(self, link: AccountLinkRec, platform: str, platform_id: str) -> ProspectRec:
        supported = sorted({"twitter"} | {a.platform for a in self.store.account_links.values()})
        if platform not in supported:
            raise V2Error(
                422,
                "platformNotSupported",
                f"Only {', '.join(supported)} are enabled for this team",
                {"platform": platform, "supported": supported},
            )
        if platform != link.platform:
            raise invalid(
                "target.platform", f"must be the account link's platform ({link.platform})"
            )
        found = self.store.find_prospect(platform_id, None)
        if found is None or found.platform != platform:
            raise V2Error(
                422,
                "recipientUnavailable",
                f"No {platform_name(platform)} user with that ID can receive messages",
                {"reason": "notFound"},
            )
        return found

    def _mutable(self, thread: ThreadRec, capability: str) -> None:
        link = self.store.account_links.get(thread.account_link_id)
        platform = link.platform if link else "twitter"
        if capability not in PLATFORMS[platform]["capabilities"]:
            raise V2Error(
                422,
                "capabilityNotSupported",
                f"{capability} is not supported on {platform}",
                {"capability": capability},
            )
        if capability in restrictions(thread):
            raise V2Error(
                422,
                "threadRestricted",
                f"{capability} is not available in this conversation",
                {"capability": capability},
            )

    async def edit_message(self, request: Request) -> Any:
        thread, message = self._find(request.path_params["message_id"])
        body = json_object(request)
        content = body.get("content")
        if not isinstance(content, str) or not content.strip():
            raise invalid("content", "is required and cannot be empty")
        self._mutable(thread, "message:edit")
        self._run(lambda: xchat.edit_message(self.store, thread, message.id, content))
        return self.shapes.message(thread, message)

    async def unsend_message(self, request: Request) -> Any:
        query = Query.read(request)
        scope = query.choice("scope")
        if scope is None:
            raise invalid("scope", "is required: self or all")
        thread, message = self._find(request.path_params["message_id"])
        self._mutable(thread, "message:unsend" if scope == "all" else "message:delete:self")
        self._run(lambda: xchat.delete_message(self.store, thread, message.id, scope == "all"))
        deleted = message.deletion.deleted_at if message.deletion else None
        return {"messageId": message.id, "scope": scope, "deletedAt": ts(deleted)}

    async def message_history(self, request: Request) -> Any:
        _thread, message = self._find(request.path_params["message_id"])
        versions = message.versions or []
        listed = [
            {"content": v.content, "createdAt": ts(v.created_at), "origin": v.edit_origin}
            for v in versions
        ] or [{"content": message.content, "createdAt": ts(message.created_at), "origin": None}]
        deletion = None
        if message.deletion is not None:
            deletion = {
                "deletedAt": ts(message.deletion.deleted_at),
                "scope": message.deletion.deletion_type,
                "origin": message.deletion.origin,
            }
        return {"versions": listed, "deletion": deletion, "times": "observed"}

    async def react(self, request: Request) -> Any:
        body = json_object(request)
        return await self._react(request, body.get("emoji"), add=True)

    async def unreact(self, request: Request) -> Any:
        query = Query.read(request)
        return await self._react(request, query.one("emoji"), add=False)

    async def _react(self, request: Request, emoji: Any, *, add: bool) -> Any:
        if not isinstance(emoji, str) or not emoji.strip() or len(emoji) > xchat.MAX_EMOJI_LENGTH:
            raise invalid("emoji", "must be exactly one emoji")
        thread, message = self._find(request.path_params["message_id"])
        self._mutable(thread, "message:react")
        self._run(lambda: xchat.react(self.store, thread, message.id, emoji, add))
        return {
            "reactions": [self.shapes.reaction(thread, r) for r in message.reactions],
            "version": len(message.reactions),
        }

    async def get_attachment(self, request: Request) -> Any:
        _thread, message = self._find(request.path_params["message_id"])
        try:
            index = int(request.path_params["index"])
        except ValueError:
            raise invalid("index", "must be a whole number") from None
        if not 0 <= index < len(message.attachments):
            raise V2Error(404, "messageNotFound", "No such attachment on this message")
        record = message.attachments[index]
        if record.kind == "card":
            raise invalid("index", "a link card has no media to resolve")
        if record.processing:
            # Still being copied: say so now, be ready after a few more asks.
            answer = self.shapes.attachment(message, index)
            record.processing -= 1
            return Accepted(answer)
        return self.shapes.attachment(message, index)
