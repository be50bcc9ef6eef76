"""Triage edits as data: what changes, where it lives, how to send it, and how to undo it.

Assignee, done and unread (v2) live on threads (PATCH /threads/{id}, or, for assignee and done,
every thread of the prospect with PATCH /prospects/{id}/context); tags, status, valuation and
notes live on the prospect. An edit remembers the old value so the UI can change at once, roll
back if the API refuses, and undo.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from tui.api.service import InboxApi
    from tui.core.model import Thread


class EditField(StrEnum):
    DONE = "done"
    ASSIGNEE = "assignee"
    TAGS = "tags"
    STATUS = "status"
    VALUATION = "valuation"
    NOTES = "notes"
    UNREAD = "unread"  # v2 only

    @property
    def on_thread(self) -> bool:
        return self in (EditField.DONE, EditField.ASSIGNEE, EditField.UNREAD)


class Scope(StrEnum):
    THREAD = "thread"  # this thread only
    PROSPECT = "prospect"  # every thread of the prospect (PATCH /prospects/{id}/context)


class FieldEdit(NamedTuple):
    field: EditField
    thread_id: str
    prospect_id: str | None
    old: Any
    new: Any
    scope: Scope = Scope.THREAD

    def inverse(self) -> FieldEdit:
        return self._replace(old=self.new, new=self.old)

    @property
    def changes_anything(self) -> bool:
        return bool(self.old != self.new)

    def affects(self, thread: Thread) -> bool:
        """Whether this edit changes `thread` (prospect-level edits reach all their threads)."""
        if self.field.on_thread and self.scope is Scope.THREAD:
            return thread.id == self.thread_id
        return self.prospect_id is not None and bool(
            thread.prospect.external_id == self.prospect_id
        )


def current_value(thread: Thread, field: EditField) -> Any:
    context = thread.prospect.context
    return {
        EditField.DONE: thread.done,
        EditField.ASSIGNEE: thread.assignee_id,
        EditField.TAGS: tuple(context.tags),
        EditField.STATUS: context.status_id,
        EditField.VALUATION: context.valuation,
        EditField.NOTES: context.notes,
        EditField.UNREAD: thread.unread,
    }[field]


def edit_for(thread: Thread, field: EditField, new: Any, scope: Scope = Scope.THREAD) -> FieldEdit:
    return FieldEdit(
        field=field,
        thread_id=thread.id,
        prospect_id=thread.prospect.external_id,
        old=current_value(thread, field),
        new=tuple(new) if field is EditField.TAGS else new,
        scope=scope,
    )


def apply_locally(thread: Thread, edit: FieldEdit) -> Thread:
    """A copy of `thread` with the edit's new value (when the edit reaches it)."""
    if not edit.affects(thread):
        return thread
    if edit.field is EditField.DONE:
        return thread.model_copy(update={"done": edit.new})
    if edit.field is EditField.ASSIGNEE:
        return thread.model_copy(update={"assignee_id": edit.new})
    if edit.field is EditField.UNREAD:
        return thread.model_copy(update={"unread": edit.new})
    context = thread.prospect.context
    if edit.field is EditField.TAGS:
        # Incremental, as the service applies it: other tags on the prospect stay.
        added = [t for t in edit.new if t not in edit.old]
        removed = set(edit.old) - set(edit.new)
        tags = [t for t in context.tags if t not in removed] + [
            t for t in added if t not in context.tags
        ]
        new_context = context.model_copy(update={"tags": tags})
    else:
        attribute = {
            EditField.STATUS: "status_id",
            EditField.VALUATION: "valuation",
            EditField.NOTES: "notes",
        }[edit.field]
        new_context = context.model_copy(update={attribute: edit.new})
    prospect = thread.prospect.model_copy(update={"context": new_context})
    return thread.model_copy(update={"prospect": prospect})


async def send_edit(client: InboxApi, edit: FieldEdit) -> None:
    """The one request that makes the edit on the server."""
    if edit.field is EditField.UNREAD:
        await client.update_thread(edit.thread_id, unread=edit.new)
        return
    if edit.field.on_thread:
        key = "done" if edit.field is EditField.DONE else "assignee_id"
        if edit.scope is Scope.THREAD:
            await client.update_thread(edit.thread_id, **{key: edit.new})
            return
        assert edit.prospect_id is not None
        await client.update_prospect_context(edit.prospect_id, **{key: edit.new})
        return
    if edit.prospect_id is None:
        raise ValueError("this prospect has not been imported yet: it cannot be edited")
    if edit.field is EditField.TAGS:
        add = [t for t in edit.new if t not in edit.old]
        remove = [t for t in edit.old if t not in edit.new]
        if add or remove:
            await client.update_prospect_context(edit.prospect_id, add_tags=add, remove_tags=remove)
        return
    key = {
        EditField.STATUS: "status_id",
        EditField.VALUATION: "valuation",
        EditField.NOTES: "notes",
    }[edit.field]
    await client.update_prospect_context(edit.prospect_id, **{key: edit.new})


# --- valuation input ---------------------------------------------------------------------------

_PLAIN = re.compile(r"^\d+(\.\d{1,2})?$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")
_SUFFIX = {"k": 1_000, "m": 1_000_000}
MAX_VALUATION = 1_000_000_000_000  # a trillion: beyond that it is a typo


def parse_valuation(text: str) -> float | None:
    """A deal value from what the user typed: `75000`, `75,000`, `75,000.50`, `$75k`, `1.5m`.
    Empty clears it (None). Anything else raises ValueError with a message for the user."""
    raw = text.strip().replace(" ", "").replace("_", "")
    if not raw:
        return None
    raw = raw.lstrip("$€£")
    multiplier = 1
    if raw[-1:].lower() in _SUFFIX:
        multiplier = _SUFFIX[raw[-1].lower()]
        raw = raw[:-1]
    if raw.startswith("-"):
        raise ValueError("A valuation cannot be negative.")
    if _PLAIN.match(raw) or _GROUPED.match(raw):
        value = float(raw.replace(",", "")) * multiplier
    elif re.match(r"^0?\.\d+$", raw) or re.match(r"^\d+\.\d{4,}$", raw):
        raise ValueError("At most two decimals (cents), like 75000.50.")
    elif re.match(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$", raw):
        raise ValueError("Use a dot for decimals and commas for thousands, like 1,000.50.")
    else:
        raise ValueError("A valuation is a number, like 75000, 75,000.50 or 75k.")
    if not math.isfinite(value) or value > MAX_VALUATION:
        raise ValueError("That valuation is too large.")
    return round(value, 2)
