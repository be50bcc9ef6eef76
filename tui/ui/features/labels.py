"""Tags and statuses: the management screen's changes, and labels created from a picker.

Every change goes through the API; once the server has it, the directory, the rows on screen,
the local mirror and the open management screen are updated in place (a deleted label leaves
the loaded prospects that carried it).

How many prospects carry a label is what the app can know: with the local mirror on, those of
every view it holds (the loaded rows, fresher, for theirs); without it, those of the view's
loaded rows, and the screen says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from textual import work
from textual.message import Message

from tui.api.errors import InboxError
from tui.core.edits import EditField, apply_locally, edit_for
from tui.core.label_kinds import KINDS, LabelChange, LabelRow
from tui.ui.features.shared import AppShared, Feature
from tui.ui.messages import ActionFailed

if TYPE_CHECKING:
    from tui.core.model import Color, Status, Tag
    from tui.ui.screens.labels import LabelsScreen

Label: TypeAlias = "Tag | Status"


class LabelsReady(Message):
    def __init__(self, colors: dict[str, list[Color]], kind: str, create: bool) -> None:
        super().__init__()
        self.colors = colors
        self.kind = kind
        self.create = create


class LabelChanged(Message):
    def __init__(self, change: LabelChange, label: Label | None) -> None:
        super().__init__()
        self.change = change
        self.label = label  # None for a deletion


class LabelsCreated(Message):
    """Labels created from a picker; `then` continues the edit with their IDs (None when a
    creation failed and the edit should not go on)."""

    def __init__(
        self, kind: str, labels: list[Label], then: Callable[[list[str]], None] | None
    ) -> None:
        super().__init__()
        self.kind = kind
        self.labels = labels
        self.then = then


Carriers: TypeAlias = "tuple[dict[str, set[str]], dict[str, set[str]]]"


class LabelsFeature(Feature):
    _label_colors: dict[str, list[Color]] | None = None  # the predefined colours, once loaded

    def __init__(
        self,
        shell: AppShared,
        *,
        stored_carriers: Callable[[], Carriers | None],
        relabel_stored: Callable[[str, str, str | None], None],
    ) -> None:
        super().__init__(shell)
        # The people the local mirror's threads show carrying each tag and status, in every
        # view (None: the mirror is off); a renamed or deleted label, told to the mirror.
        self.stored_carriers = stored_carriers
        self.relabel_stored = relabel_stored

    def _labels_of(self, kind: str) -> dict[str, Any]:
        return self.shell.directory.tags if kind == "tags" else self.shell.directory.statuses

    def label_rows(self) -> dict[str, list[LabelRow]]:
        """Each label with how many prospects carry it: in the local mirror when it is on
        (every view), else in the view's loaded rows (from the labels each row keeps: no row
        is parsed)."""
        rows = self.shell.thread_list.threads
        tag_carriers, status_carriers = rows.label_carriers()
        stored = self.stored_carriers()
        if stored is not None:
            # The loaded rows are the fresher word on their own people (an edit just made).
            loaded = rows.people()
            for carriers, in_mirror in zip((tag_carriers, status_carriers), stored, strict=True):
                for label_id, people in in_mirror.items():
                    carriers[label_id] = carriers.get(label_id, set()) | (people - loaded)
        everywhere = stored is not None
        return {
            "tags": [
                LabelRow(t.id, t.name, t.color, len(tag_carriers.get(t.id, ())), everywhere)
                for t in self.shell.directory.tags.values()
            ],
            "statuses": [
                LabelRow(s.id, s.name, s.color, len(status_carriers.get(s.id, ())), everywhere)
                for s in self.shell.directory.statuses.values()
            ],
        }

    # --- the management screen --------------------------------------------------------------

    def action_manage_labels(self, kind: str = "tags", create: bool = False) -> None:
        """The management screen (on `kind`; `create` opens the new-label form at once)."""
        if self._label_colors is not None:
            self._push_labels(kind, create)
            return
        self._load_label_colors(kind, create)

    def _push_labels(self, kind: str, create: bool) -> None:
        from tui.ui.screens.labels import LabelsScreen

        rows, colors = self.label_rows(), self._label_colors or {}
        self.shell.push_screen(
            LabelsScreen(rows, colors, kind if kind in KINDS else "tags", create)
        )

    @work(group="labels", exclusive=True)
    async def _load_label_colors(self, kind: str, create: bool) -> None:
        try:
            colors = {k: await self.shell.client.list_colors(k) for k in KINDS}
        except InboxError as error:
            self.post_message(ActionFailed("Could not load the colours", error))
            colors = {k: [] for k in KINDS}  # colour names still work, and hex codes
        self.post_message(LabelsReady(colors, kind, create))

    def on_labels_ready(self, event: LabelsReady) -> None:
        self._label_colors = event.colors
        self._push_labels(event.kind, event.create)

    def on_labels_screen_changed(self, event: LabelsScreen.Changed) -> None:
        self._change_label(event.change)

    @work(group="labels")
    async def _change_label(self, change: LabelChange) -> None:
        from tui.api.service import UNSET

        client, tags = self.shell.client, change.kind == "tags"
        label: Label | None = None
        try:
            if change.op == "create":
                create = client.create_tag if tags else client.create_status
                label = await create(change.name or "", change.color)
            elif change.op == "update" and change.label_id:
                update = client.update_tag if tags else client.update_status
                color = UNSET if change.color is None else change.color
                label = await update(change.label_id, name=change.name or "", color=color)
            elif change.op == "delete" and change.label_id:
                delete = client.delete_tag if tags else client.delete_status
                await delete(change.label_id)
        except InboxError as error:
            word = KINDS[change.kind]
            self.post_message(ActionFailed(f"The {word} was not {_past(change.op)}", error))
            return
        self.post_message(LabelChanged(change, label))

    def on_label_changed(self, event: LabelChanged) -> None:
        change, labels = event.change, self._labels_of(event.change.kind)
        word = KINDS[change.kind].capitalize()
        if event.label is not None:
            before = labels.get(event.label.id)
            if before is not None and before.name != event.label.name:
                self.relabel_stored(change.kind, before.name, event.label.name)
            labels[event.label.id] = event.label
            self.notify(f"{word} “{event.label.name}” {_past(change.op)}.", markup=False)
        elif change.label_id is not None:
            gone = labels.pop(change.label_id, None)
            if gone is not None:
                self.relabel_stored(change.kind, gone.name, None)
            self._forget_label(change.kind, change.label_id)
            self.notify(f"{word} “{change.name}” deleted.", markup=False)
        self._labels_changed()

    def _forget_label(self, kind: str, label_id: str) -> None:
        """A deleted label leaves the loaded prospects that carried it (as on the server)."""
        rows = self.shell.thread_list.threads
        for thread in [rows[at] for at in rows.positions_with_label(kind, label_id)]:
            context = thread.prospect.context
            if kind == "tags" and label_id in context.tags:
                remaining = [t for t in context.tags if t != label_id]
                rows.replace(apply_locally(thread, edit_for(thread, EditField.TAGS, remaining)))
            elif kind == "statuses" and context.status_id == label_id:
                rows.replace(apply_locally(thread, edit_for(thread, EditField.STATUS, None)))
        self.shell.thread_list.refresh_rows()

    def _labels_changed(self) -> None:
        from tui.ui.screens.labels import LabelsScreen

        self.shell.thread_list.set_directory(self.shell.directory)
        for screen in self.shell.screen_stack:
            if isinstance(screen, LabelsScreen):
                screen.show(self.label_rows(), self._label_colors or {})
        self.shell.show_sidebar_for(self.shell.target_or_cursor())

    # --- created from a picker --------------------------------------------------------------

    def create_labels_then(
        self, kind: str, names: list[str], then: Callable[[list[str]], None]
    ) -> None:
        self._create_labels(kind, names, then)

    @work(group="labels")
    async def _create_labels(
        self, kind: str, names: list[str], then: Callable[[list[str]], None]
    ) -> None:
        create = self.shell.client.create_tag if kind == "tags" else self.shell.client.create_status
        created: list[Label] = []
        try:
            for name in names:
                created.append(await create(name, None))
        except InboxError as error:
            self.post_message(LabelsCreated(kind, created, None))
            word = KINDS[kind]
            self.post_message(ActionFailed(f"The new {word} was not created", error))
            return
        self.post_message(LabelsCreated(kind, created, then))

    def on_labels_created(self, event: LabelsCreated) -> None:
        labels = self._labels_of(event.kind)
        for label in event.labels:
            labels[label.id] = label
        if event.labels:
            self._labels_changed()
        if event.then is not None:
            event.then([label.id for label in event.labels])


def _past(op: str) -> str:
    return {"create": "created", "update": "updated", "delete": "deleted"}.get(op, op)
