"""Edits made while the service could not be reached (tags, status, notes, valuation,
assignee, done): kept on disk (the account's writing store), never applied unasked, offered
when the connection is back. What the user typed (notes above all) survives the outage, and a
restart."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, NamedTuple

from tui.core.edits import EditField, FieldEdit, Scope
from tui.core.writing import EDIT, WritingStore

if TYPE_CHECKING:
    from tui.core.model import Thread


class WaitingGroup(NamedTuple):
    label: str  # what the user did ("Notes saved", "Tagged")
    edits: list[FieldEdit]
    who: str = ""  # whose thread, as it was said when made ("Nadia Yilmaz via acmecorp")
    key: str = ""  # its row in the writing store


class WaitingEdits:
    """The groups of edits waiting, oldest first: rows of the account's writing store
    (tui/core/writing.py), one per group."""

    def __init__(self, store: WritingStore) -> None:
        self.store = store

    def _read(self) -> list[WaitingGroup]:
        groups = []
        for key, entry, _ in self.store.items(EDIT):
            try:
                edits = [_edit(e) for e in entry["edits"]]
                groups.append(
                    WaitingGroup(str(entry["label"]), edits, str(entry.get("who", "")), key)
                )
            except (KeyError, TypeError, ValueError):
                continue  # (one unreadable group does not take the others with it)
        return groups

    def __len__(self) -> int:
        return sum(len(group.edits) for group in self._read())

    def groups(self) -> list[WaitingGroup]:
        return self._read()

    def add(self, label: str, edits: list[FieldEdit], who: str = "") -> None:
        if edits:
            payload = {"label": label, "who": who, "edits": [_wire(e) for e in edits]}
            self.store.put(EDIT, uuid.uuid4().hex, payload)

    def discard(self, groups: list[WaitingGroup]) -> None:
        """These groups are done with (sent, or dropped by the user); the others still wait."""
        for group in groups:
            if group.key and self.store.get(EDIT, group.key) is not None:
                self.store.put(EDIT, group.key, None)

    def waiting_for(self, thread: Thread) -> dict[EditField, Any]:
        """The values waiting to be saved for `thread` (its own fields and its person's), the
        latest of each field."""
        waiting: dict[EditField, Any] = {}
        for group in self._read():
            for edit in group.edits:
                if edit.affects(thread):
                    waiting[edit.field] = edit.new
        return waiting

    def clear(self) -> None:
        self.discard(self._read())


def _wire(edit: FieldEdit) -> dict[str, Any]:
    return {
        "field": edit.field.value,
        "threadId": edit.thread_id,
        "prospectId": edit.prospect_id,
        "old": list(edit.old) if isinstance(edit.old, tuple) else edit.old,
        "new": list(edit.new) if isinstance(edit.new, tuple) else edit.new,
        "scope": edit.scope.value,
    }


def _edit(data: dict[str, Any]) -> FieldEdit:
    field = EditField(data["field"])
    old, new = data["old"], data["new"]
    if field is EditField.TAGS:
        old, new = tuple(old or ()), tuple(new or ())
    return FieldEdit(
        field=field,
        thread_id=str(data["threadId"]),
        prospect_id=data.get("prospectId"),
        old=old,
        new=new,
        scope=Scope(data.get("scope", "thread")),
    )
