"""Exporting the current view from the app: every matching thread (not only the loaded ones)
to a CSV file, with progress in the status line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from tui.api.errors import InboxError
from tui.core.export import ExportWriter, export_threads
from tui.ui.describe import describe_error
from tui.ui.features.shared import Feature

if TYPE_CHECKING:
    from tui.core.query import ThreadQuery


class ExportProgress(Message):
    def __init__(self, written: int, path: Path, done: bool = False) -> None:
        super().__init__()
        self.written = written
        self.path = path
        self.done = done


class ExportFailed(Message):
    def __init__(self, path: Path, error: InboxError | OSError) -> None:
        super().__init__()
        self.path = path
        self.error = error


def export_path(folder: Path, query: ThreadQuery, now: datetime) -> Path:
    return folder / f"inbox-{query.inbox.value}-{now.strftime('%Y%m%d-%H%M%S')}.csv"


class ExportFeature(Feature):
    def action_export(self) -> None:
        if self.shell.thread_query.inbox.served is not self.shell.thread_query.inbox:
            # The app's own view is built from pages as it is read: an export reads the API's.
            self.notify(
                "The follow-up view cannot be exported: export a view of the API (1 to 5).",
                severity="warning",
                markup=False,
            )
            return
        folder = self.shell.settings.export_dir or Path.cwd()
        path = export_path(folder, self.shell.thread_query, datetime.now())
        self.notify(f"Exporting the current view to {path.name}…", markup=False)
        self._export(self.shell.thread_query, path)

    @work(group="export", exclusive=True)
    async def _export(self, query: ThreadQuery, path: Path) -> None:
        def progress(written: int) -> None:
            self.post_message(ExportProgress(written, path))

        partial = path.with_name(path.name + ".partial")  # never a half file under the name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("w", encoding="utf-8", newline="") as out:
                writer = ExportWriter(out, "csv")
                written = await export_threads(
                    self.shell.client, query, self.shell.directory, writer, progress
                )
            partial.replace(path)
        except (InboxError, OSError) as error:
            partial.unlink(missing_ok=True)
            self.post_message(ExportFailed(path, error))
            return
        self.post_message(ExportProgress(written, path, done=True))

    def on_export_progress(self, event: ExportProgress) -> None:
        if event.done:
            self.shell.set_status(self.shell.count_text())
            self.notify(
                f"Exported {event.written:,} threads to {event.path}", timeout=10, markup=False
            )
        else:
            self.shell.set_status(f"Exporting… {event.written:,} threads")

    def on_export_failed(self, event: ExportFailed) -> None:
        error = event.error
        reason = describe_error(error) if isinstance(error, InboxError) else error.strerror
        self.notify(
            f"Export to {event.path} failed: {reason}", severity="error", timeout=10, markup=False
        )
