"""Edits made while the service could not be reached (tags, status, notes, valuation,
assignee, done): kept on disk, never applied unasked, offered when the connection is back.
What the user typed (notes above all) survives the outage, and a restart."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tui.core.edits import EditField, FieldEdit, Scope
from tui.core.secrets import read_kept, write_private

if TYPE_CHECKING:
    from tui.core.model import Thread

FILE_NAME = "waiting-edits.json"


class WaitingGroup(NamedTuple):
    label: str  # what the user did ("Notes saved", "Tagged")
    edits: list[FieldEdit]
    who: str = ""  # whose thread, as it was said when made ("Nadia Yilmaz via acmecorp")


class WaitingEdits:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE_NAME
        self._groups = self._read()

    def _read(self) -> list[WaitingGroup]:
        raw = read_kept(self.path)
        groups = []
        for entry in raw if isinstance(raw, list) else []:
            try:
                edits = [_edit(e) for e in entry["edits"]]
                groups.append(WaitingGroup(str(entry["label"]), edits, str(entry.get("who", ""))))
            except (KeyError, TypeError, ValueError):
                continue  # (one unreadable group does not take the others with it)
        return groups

    def __len__(self) -> int:
        return sum(len(group.edits) for group in self._groups)

    def groups(self) -> list[WaitingGroup]:
        return list(self._groups)

    def add(self, label: str, edits: list[FieldEdit], who: str = "") -> None:
        if edits:
            self._groups.append(WaitingGroup(label, list(edits), who))
            self._write()

    def discard(self, groups: list[WaitingGroup]) -> None:
        """These groups are done with (sent, or dropped by the user); the others still wait."""
        left = list(self._groups)
        for group in groups:
            if group in left:
                left.remove(group)
        if len(left) != len(self._groups):
            self._groups = left
            self._write()

    def waiting_for(self, thread: Thread) -> dict[EditField, Any]:
        """The values waiting to be saved for `thread` (its own fields and its person's), the
        latest of each field."""
        waiting: dict[EditField, Any] = {}
        for group in self._groups:
            for edit in group.edits:
                if edit.affects(thread):
                    waiting[edit.field] = edit.new
        return waiting

    def clear(self) -> None:
        self._groups = []
        self._write()

    def _write(self) -> None:
        if not self._groups:
            self.path.unlink(missing_ok=True)
            return
        import json

        payload = [
            {"label": g.label, "who": g.who, "edits": [_wire(e) for e in g.edits]}
            for g in self._groups
        ]
        write_private(self.path, json.dumps(payload, ensure_ascii=False, indent=1))


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
