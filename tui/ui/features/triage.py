"""Triage and pipeline actions: done, assignee, tags, status, valuation, notes, delete.

Optimistic: the UI changes at once; the edits are sent in a worker; what the API refuses is
rolled back with the reason. `u` undoes the last group. With threads marked (x / space),
e, a, t and s apply to all of them, with progress and a summary of failures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.message import Message

from tui.api.errors import InboxError, TransportError
from tui.core.edits import EditField, FieldEdit, Scope, apply_locally, edit_for, send_edit
from tui.core.text import one_line
from tui.ui.answers import CREATE, PickResult, created_names
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature
from tui.ui.widgets.chips import dot_style

if TYPE_CHECKING:
    from textual.geometry import Region

    from tui.core.model import Thread
    from tui.ui.features.labels import LabelsFeature
    from tui.ui.features.offline import OfflineFeature
    from tui.ui.widgets.rows import ThreadRows
    from tui.ui.widgets.sidebar import ProspectSidebar

NONE = "__none__"
UNDO_DEPTH = 50


@dataclass
class EditGroup:
    """Edits made by one user action, and the rows they took out of the current view."""

    label: str
    edits: list[FieldEdit]
    removed: list[tuple[int, Thread]] = field(default_factory=list)
    quiet: bool = False  # made by the app, not asked for: said only if it fails
    # A quiet group only: what its refusal is said as (the user made no edit to roll back),
    # and who tries its edits again when the service could not be reached (nothing is said).
    failed_text: str = ""
    retry: Callable[[list[FieldEdit]], None] | None = None


class EditsSettled(Message):
    def __init__(
        self,
        group: EditGroup,
        failures: list[tuple[FieldEdit, str]],
        undo: bool,
        unreached: list[FieldEdit] | None = None,
    ):
        super().__init__()
        self.group = group
        self.failures = failures
        self.undo = undo
        self.unreached = unreached or []  # (among the failures) the service was not reached


class EditProgress(Message):
    def __init__(self, label: str, done: int, total: int) -> None:
        super().__init__()
        self.label = label
        self.done = done
        self.total = total


class ThreadDeleted(Message):
    def __init__(self, thread: Thread, index: int, error: str | None) -> None:
        super().__init__()
        self.thread = thread
        self.index = index
        self.error = error


def affected_positions(rows: ThreadRows, edits: list[FieldEdit]) -> list[int]:
    """The rows some edit changes: its thread, or every thread of its prospect."""
    found: set[int] = set()
    for edit in edits:
        if edit.field.on_thread and edit.scope is Scope.THREAD:
            at = rows.position(edit.thread_id)
            if at is not None:
                found.add(at)
        elif edit.prospect_id is not None:
            found.update(rows.positions_of_prospect(edit.prospect_id))
    return sorted(found)


class TriageFeature(Feature):
    def __init__(
        self,
        shell: AppShared,
        labels: LabelsFeature,
        undo_send: Callable[[], bool],
        offline: OfflineFeature,
    ) -> None:
        super().__init__(shell)
        self.labels = labels  # tags and statuses typed in a picker are created there
        self.offline = offline  # edits that could not reach the service wait there
        # u undoes a send still waiting out the delay first (True: it did), then triage.
        self.undo_send = undo_send
        self.undo_stack: list[EditGroup] = []

    # --- what an action applies to ----------------------------------------------------------

    def triage_targets(self) -> list[Thread]:
        """The marked threads, else the target: the thread the sidebar shows."""
        marked = self.shell.thread_list.marked_threads()
        if marked:
            return marked
        target = self.shell.target()
        return [target] if target is not None else []

    def single_target(self) -> list[Thread]:
        """For what acts on one person (valuation, notes, delete, open, copy): the target, not
        the first marked thread, which the sidebar may not show."""
        target = self.shell.target()
        return [target] if target is not None else []

    def _prospect_thread_count(self, targets: list[Thread]) -> int:
        if len(targets) != 1:
            return 1
        return len(targets[0].prospect.context.threads or []) or 1

    # --- actions ----------------------------------------------------------------------------

    def action_toggle_done(self) -> None:
        targets = self.triage_targets()
        if not targets:
            return
        new = not all(t.done for t in targets)
        label = "Archived" if new else "Moved back to the inbox"
        self.apply_edits([edit_for(t, EditField.DONE, new) for t in targets], label)

    def action_assign(self, anchor: Region | None = None) -> None:
        from tui.ui.screens.pickers import PickerScreen

        targets = self.triage_targets()
        if not targets:
            return
        options = [(NONE, Text("Unassigned"))] + [
            (m.id, Text(one_line(m.label, 40))) for m in self.shell.directory.members.values()
        ]
        current = targets[0].assignee_id if len(targets) == 1 else None

        def picked(result: PickResult | None) -> None:
            if result is None or not result.values:
                return
            value = None if result.values[0] == NONE else result.values[0]
            who = (
                self.shell.directory.members[value].label
                if value in self.shell.directory.members
                else None
            )
            label = f"Assigned to {who}" if who else "Unassigned"
            self.apply_edits(
                [edit_for(t, EditField.ASSIGNEE, value, result.scope) for t in targets], label
            )

        self.shell.push_screen(
            PickerScreen(
                "Assign",
                options,
                selected=(current or NONE,),
                prospect_threads=self._prospect_thread_count(targets),
                anchor=anchor,
            ),
            picked,
        )

    def action_tag(self, anchor: Region | None = None) -> None:
        from tui.ui.screens.pickers import PickerScreen

        targets = self.triage_targets()
        if not targets:
            return
        options = []
        for tag in self.shell.directory.tags.values():
            label = Text("● ", dot_style(tag.color))
            label.append(one_line(tag.name, 40))
            options.append((tag.id, label))
        common = set.intersection(*(set(t.prospect.context.tags) for t in targets))

        def apply(chosen: set[str]) -> None:
            added, removed = chosen - common, common - chosen
            edits = []
            for thread in targets:
                old = thread.prospect.context.tags
                new = [t for t in old if t not in removed] + sorted(added - set(old))
                edits.append(edit_for(thread, EditField.TAGS, new))
            self.apply_edits(edits, "Tags updated")

        def picked(result: PickResult | None) -> None:
            if result is None:
                return
            existing = {v for v in result.values if not v.startswith(CREATE)}
            new_names = created_names(result.values)
            if not new_names:
                apply(existing)
                return
            self.labels.create_labels_then(
                "tags", new_names, lambda ids: apply(existing | set(ids))
            )

        self.shell.push_screen(
            PickerScreen(
                "Tags",
                options,
                multi=True,
                selected=tuple(common),
                create="tag",
                anchor=anchor,
            ),
            picked,
        )

    def action_status(self, anchor: Region | None = None) -> None:
        from tui.ui.screens.pickers import PickerScreen

        targets = self.triage_targets()
        if not targets:
            return
        options = [(NONE, Text("No status"))]
        for status in self.shell.directory.statuses.values():
            label = Text("● ", dot_style(status.color))
            label.append(one_line(status.name, 40))
            options.append((status.id, label))
        current = targets[0].prospect.context.status_id if len(targets) == 1 else None

        def apply(value: str | None) -> None:
            name = (
                self.shell.directory.statuses[value].name
                if value in self.shell.directory.statuses
                else ""
            )
            self.apply_edits(
                [edit_for(t, EditField.STATUS, value) for t in targets],
                f"Status: {name}" if name else "Status cleared",
            )

        def picked(result: PickResult | None) -> None:
            if result is None or not result.values:
                return
            new_names = created_names(result.values)
            if new_names:
                self.labels.create_labels_then("statuses", new_names, lambda ids: apply(ids[0]))
                return
            apply(None if result.values[0] == NONE else result.values[0])

        self.shell.push_screen(
            PickerScreen(
                "Status", options, selected=(current or NONE,), create="status", anchor=anchor
            ),
            picked,
        )

    def action_valuation(self) -> None:
        from tui.ui.screens.pickers import ValuationScreen

        targets = self.single_target()
        if not targets:
            return

        def entered(result: tuple[float | None] | None) -> None:
            if result is not None:
                self.apply_edits(
                    [edit_for(targets[0], EditField.VALUATION, result[0])], "Valuation saved"
                )

        self.shell.push_screen(ValuationScreen(targets[0].prospect.context.valuation), entered)

    def action_notes(self) -> None:
        from tui.ui.screens.pickers import NotesScreen

        targets = self.single_target()
        if not targets:
            return

        def saved(result: tuple[str | None] | None) -> None:
            if result is not None:
                self.apply_edits([edit_for(targets[0], EditField.NOTES, result[0])], "Notes saved")

        self.shell.push_screen(NotesScreen(targets[0].prospect.context.notes), saved)

    # --- edited in the sidebar --------------------------------------------------------------

    def on_prospect_sidebar_edit_requested(self, event: ProspectSidebar.EditRequested) -> None:
        if event.field == "done":
            self.action_toggle_done()
        elif event.field == "status":
            self.action_status(anchor=event.region)
        elif event.field == "tags":
            self.action_tag(anchor=event.region)
        elif event.field == "assignee":
            self.action_assign(anchor=event.region)

    def on_prospect_sidebar_valuation_entered(
        self, event: ProspectSidebar.ValuationEntered
    ) -> None:
        targets = self.single_target()
        if targets:
            self.apply_edits(
                [edit_for(targets[0], EditField.VALUATION, event.value)], "Valuation saved"
            )

    def on_prospect_sidebar_notes_entered(self, event: ProspectSidebar.NotesEntered) -> None:
        # (The person they were written for: the sidebar may have moved on since.)
        thread = self.shell.latest(event.thread) or event.thread
        label = "Notes saved"
        if event.moved_on:
            label = f"Notes saved for {self.shell.directory.whose(thread)} (kept as you moved on)"
        # Saved on the way past, not asked for: the marks made meanwhile stay.
        edits = [edit_for(thread, EditField.NOTES, event.text)]
        self.apply_edits(edits, label, keep_marks=event.moved_on)

    def on_prospect_sidebar_notes_leaving(self, event: ProspectSidebar.NotesLeaving) -> None:
        from tui.ui.screens.pickers import discard_changes

        self.shell.push_screen(discard_changes("Notes"), self.shell.sidebar.answer_notes_leaving)

    def action_undo(self) -> None:
        if self.undo_send():
            return
        if not self.undo_stack:
            self.notify("Nothing to undo.", markup=False)
            return
        group = self.undo_stack.pop()
        inverse = EditGroup(f"Undone: {group.label}", [e.inverse() for e in group.edits])
        self._apply_local(inverse)
        for index, thread in sorted(group.removed):
            self._reinsert(index, thread, inverse.edits)
        self._send_edits(inverse, undo=True)

    # --- the edit pipeline ------------------------------------------------------------------

    def apply_edits(
        self,
        edits: list[FieldEdit],
        label: str,
        *,
        by_app: bool = False,
        keep_marks: bool = False,
        failed_text: str = "",
        retry: Callable[[list[FieldEdit]], None] | None = None,
    ) -> None:
        """Shown at once, sent, rolled back if refused, and undoable. An edit the app makes
        itself (`by_app`: marking a thread read as it opens) leaves the marks alone and says
        nothing unless it is refused (as `failed_text`: the user edited nothing); when the
        service could not be reached it is shown as the service has it, said nowhere, and
        handed to `retry`."""
        edits = [e for e in edits if e.changes_anything]
        if not edits:
            return
        group = EditGroup(label, edits, quiet=by_app, failed_text=failed_text, retry=retry)
        self._apply_local(group)
        if not (by_app or keep_marks):
            self.shell.thread_list.clear_marks()
        self._send_edits(group, undo=False)

    def _apply_local(self, group: EditGroup) -> None:
        thread_list = self.shell.thread_list
        rows = thread_list.threads
        current = thread_list.current
        removed: list[str] = []
        for index in affected_positions(rows, group.edits):  # only those rows are read
            thread = rows[index]
            for edit in group.edits:
                thread = apply_locally(thread, edit)
            if any(e.field is EditField.DONE and e.affects(thread) for e in group.edits) and (
                not self.shell.thread_query.inbox.holds(thread.done)
            ):
                group.removed.append((index, thread))
                removed.append(thread.id)
                continue
            rows.replace(thread)
        for thread_id in removed:
            rows.remove_id(thread_id)
        keep = current.id if current and current.id not in removed else None
        next_index = min((i for i, _ in group.removed), default=None)
        thread_list.refresh_rows()
        if keep is not None:
            thread_list.select_id(keep)
        elif next_index is not None:
            # Archived from the list: the next thread takes its place under the cursor.
            thread_list.cursor = min(next_index, len(rows) - 1)
        view = self.shell.message_view
        if view.thread is not None:
            view.thread = self._latest_or_applied(view.thread, group.edits)
        target = self.shell.shown_target
        if target is not None:
            # The same person, with the edit: from the rows, else (a lookup's thread, or one
            # this edit took out of the view) applied here.
            fresh = rows.find(target.id) or self._latest_or_applied(target, group.edits)
            self.shell.show_sidebar_for(fresh)

    def _latest_or_applied(self, thread: Thread, edits: list[FieldEdit]) -> Thread:
        for edit in edits:
            thread = apply_locally(thread, edit)
        return thread

    def _reinsert(self, index: int, thread: Thread, edits: list[FieldEdit]) -> None:
        thread = self._latest_or_applied(thread, edits)
        if self.shell.thread_list.threads.position(thread.id) is not None:
            return
        if self.shell.thread_query.inbox.holds(thread.done):
            self.shell.thread_list.threads.insert(
                min(index, len(self.shell.thread_list.threads)), thread
            )
            self.shell.thread_list.refresh_rows()

    @work(group="edits")
    async def _send_edits(self, group: EditGroup, undo: bool) -> None:
        failures: list[tuple[FieldEdit, str]] = []
        unreached: list[FieldEdit] = []
        total = len(group.edits)
        for done, edit in enumerate(group.edits, start=1):
            try:
                await send_edit(self.shell.client, edit)
            except (InboxError, ValueError) as error:
                said = describe_error(error) if isinstance(error, InboxError) else str(error)
                failures.append((edit, said))
                if isinstance(error, TransportError) and not error.maybe_sent:
                    unreached.append(edit)
            if total > 1:
                self.post_message(EditProgress(group.label, done, total))
        self.post_message(EditsSettled(group, failures, undo, unreached))

    def on_edit_progress(self, event: EditProgress) -> None:
        self.shell.set_status(f"{event.label}: {event.done} of {event.total}…")

    def on_edits_settled(self, event: EditsSettled) -> None:
        group, failures = event.group, event.failures
        if failures:
            failed = {id(edit) for edit, _ in failures}
            rollback = EditGroup("rollback", [edit.inverse() for edit, _ in failures])
            self._apply_local(rollback)
            for index, thread in sorted(group.removed):
                if any(id(e) in failed and e.affects(thread) for e in group.edits):
                    self._reinsert(index, thread, rollback.edits)
            if event.unreached and group.quiet:
                # Made by the app (read on opening): no edit of the user's to offer or to
                # say was not saved; tried again when the service answers (by its maker).
                if group.retry is not None:
                    group.retry(event.unreached)
                if len(event.unreached) == len(failures):
                    return
            elif event.unreached:
                # Offline: rolled back (the list shows what the service holds), and kept to
                # be offered when it answers again.
                self.offline.edits_wait(group.label, event.unreached)
                if len(event.unreached) == len(failures):
                    return
            reason = failures[0][1]
            if group.quiet:  # (refused: said, but as what the app tried, not as an edit)
                text = f"{group.failed_text or f'{group.label}: failed'}: {reason}"
                self.notify(text, severity="warning", timeout=8, markup=False)
                self.shell.set_status(text, error=True, transient=True)
            else:
                if len(group.edits) > 1:
                    text = (
                        f"{group.label}: {len(failures)} of {len(group.edits)} failed "
                        f"and were rolled back ({reason})."
                    )
                else:
                    text = f"Not saved, rolled back: {reason}"
                self.notify(text, severity="error", timeout=8, markup=False)
                self.shell.set_status(text, error=True)
        elif not group.quiet:
            count = len({e.thread_id for e in group.edits})
            suffix = f" ({count} threads)" if count > 1 else ""
            self.notify(
                f"{group.label}{suffix}" + ("" if event.undo else " · u undoes"),
                timeout=3,
                markup=False,
            )
            self.shell.set_status(f"{group.label}{suffix}", transient=True)
        succeeded = [e for e in group.edits if all(e is not f for f, _ in failures)]
        if succeeded and not event.undo:
            kept = EditGroup(
                group.label,
                succeeded,
                [
                    (i, t)
                    for i, t in group.removed
                    if any(e.affects(t) for e in succeeded if e.field is EditField.DONE)
                ],
                group.quiet,
            )
            self.undo_stack.append(kept)
            del self.undo_stack[:-UNDO_DEPTH]

    # --- delete, browser, clipboard ---------------------------------------------------------

    def action_delete(self) -> None:
        from tui.ui.screens.pickers import ConfirmScreen

        targets = self.single_target()
        if not targets:
            return
        thread = targets[0]
        name = one_line(thread.prospect.display_name, 40)
        platform = one_line(self.shell.directory.platform_label(thread), 20)
        if thread.capabilities is None or "thread:delete:remote" in thread.capabilities:
            where = f"it also deletes the conversation on {platform}"
        else:
            where = f"on {platform} the conversation stays (the service cannot delete it there)"

        def answered(answer: str | None) -> None:
            if answer == "archive":
                self.apply_edits([edit_for(thread, EditField.DONE, True)], "Archived")
            elif answer == "delete":
                index = self.shell.thread_list.threads.position(thread.id) or 0
                self.shell.thread_list.threads.remove_id(thread.id)
                self.shell.thread_list.refresh_rows()
                self.shell.thread_list.cursor = index
                if (
                    self.shell.message_view.thread
                    and self.shell.message_view.thread.id == thread.id
                ):
                    self.shell.message_view.show_notice("Thread deleted.")
                    self.shell.show_conversation_header(None)
                self._delete(thread, index)

        self.shell.push_screen(
            ConfirmScreen(
                f"Delete the conversation with {name}?",
                f"Deleting is permanent: it cannot be undone, and {where}. Archiving hides "
                "it and keeps it.",
                [
                    ("delete", "Delete permanently", "error"),
                    ("archive", "Archive instead", "primary"),
                    ("cancel", "Cancel", "default"),
                ],
            ),
            answered,
        )

    @work(group="delete")
    async def _delete(self, thread: Thread, index: int) -> None:
        try:
            await self.shell.client.delete_thread(thread.id)
        except InboxError as error:
            self.post_message(ThreadDeleted(thread, index, describe_error(error)))
            return
        self.post_message(ThreadDeleted(thread, index, None))

    def on_thread_deleted(self, event: ThreadDeleted) -> None:
        if event.error is None:
            name = one_line(event.thread.prospect.display_name, 40)
            self.notify(f"Deleted the conversation with {name}.", markup=False)
            return
        self._reinsert(event.index, event.thread, [])
        self.notify(f"Not deleted: {event.error}", severity="error", timeout=8, markup=False)

    def action_open_profile(self) -> None:
        targets = self.single_target()
        if targets:
            self._open_link(targets[0].prospect.profile_by_id_url, "profile")

    def action_open_conversation(self) -> None:
        targets = self.single_target()
        if targets and targets[0].platform_id:
            self._open_link(targets[0].conversation_url, "conversation")

    def _open_link(self, url: str, what: str) -> None:
        if not url:  # a platform that gives no link to it
            self.notify(f"The service gives no link to this {what}.", markup=False)
            return
        self._open_in_browser(url)

    def _open_in_browser(self, url: str) -> None:
        """Opened, and said with the link: over ssh or in a container no browser may open,
        and the link is then there to copy."""
        self.app.open_url(url)
        self.notify(f"Opening in your browser: {url}", timeout=8, markup=False)

    def action_copy_handle(self) -> None:
        targets = self.single_target()
        if targets:
            handle = one_line(targets[0].prospect.at_handle, 60)
            self.app.copy_to_clipboard(handle)
            self.notify(f"Copied {handle}", markup=False)
