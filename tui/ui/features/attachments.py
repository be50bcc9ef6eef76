"""Attachments of the selected message: `o` opens one (the system's viewer, or the browser for
a link card), `w` saves one to the downloads folder; and the pictures drawn in the pane.

Media links expire. One past its `expiresAt`, or refused by the media host, is renewed with
`GET /messages/{id}/attachments/{index}` (v2); an attachment the service is still processing
(202) is asked for again a few times, saying so. A download goes to a partial file first and
shows its progress in the status line; a failure says why, and leaves nothing half-written.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.message import Message

from tui.api.errors import InboxError, MediaError
from tui.core.api_versions import ApiFeature
from tui.core.text import one_line
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature
from tui.ui.pictures import PictureCache, decode
from tui.ui.widgets.attachment_rows import describe, size_text

if TYPE_CHECKING:
    from tui.api.media import MediaClient
    from tui.core.model import Attachment
    from tui.core.model import Message as ApiMessage
    from tui.ui.answers import PickResult
    from tui.ui.widgets.message_view import MessageView

PROCESSING_TRIES = 4  # asks while the service still processes an attachment
PROCESSING_WAIT = 1.5  # seconds before the first ask again (then longer)
PICTURE_BYTES = 20 * 1024 * 1024  # a picture drawn inline, at most
PROGRESS_CELLS = 20

T = TypeVar("T")


class DownloadProgress(Message):
    def __init__(self, name: str, done: int, total: int | None) -> None:
        super().__init__()
        self.name = name
        self.done = done
        self.total = total


class DownloadDone(Message):
    """A download finished: `path` to open or show, or `error` saying why not."""

    def __init__(self, name: str, path: Path | None, error: str | None, *, open_it: bool) -> None:
        super().__init__()
        self.name = name
        self.path = path
        self.error = error
        self.open_it = open_it


class PictureLoaded(Message):
    def __init__(self, message_id: str, index: int, picture: Any) -> None:
        super().__init__()
        self.message_id = message_id
        self.index = index
        self.picture = picture  # a PIL image, or why it cannot be shown


class StillProcessing(Message):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class NotReady(Exception):
    """The attachment cannot be fetched now (why, in words)."""


def progress_bar(done: int, total: int | None) -> str:
    if not total:
        return f"{size_text(done)}"
    share = min(1.0, done / total)
    filled = int(share * PROGRESS_CELLS)
    return (
        "━" * filled
        + "─" * (PROGRESS_CELLS - filled)
        + f" {int(share * 100)}% · {size_text(done)} of {size_text(total)}"
    )


def safe_file_name(attachment: Attachment) -> str:
    """A name from someone else, made safe to write: no folders, no control characters."""
    raw = attachment.filename or f"attachment-{attachment.index}"
    name = re.sub(r"[\x00-\x1f\x7f/\\:]+", "_", raw).strip(" .")
    return name[:100] or f"attachment-{attachment.index}"


def free_path(folder: Path, name: str) -> Path:
    """`name` in `folder`, or `name (2)` and so on: a download never overwrites a file."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    n = 2
    while path.exists():
        path = folder / f"{stem} ({n}){suffix}"
        n += 1
    return path


class AttachmentsFeature(Feature):
    def __init__(self, shell: AppShared, *, open_profile: Callable[[], None]) -> None:
        super().__init__(shell)
        # `o` where the selected message has no attachment: the profile, as elsewhere.
        self._open_profile = open_profile
        self._pictures = PictureCache(shell.settings.resolved_data_dir() / "cache" / "pictures")
        self._picture_slots = asyncio.Semaphore(3)
        self.sleep: Callable[[float], Any] = asyncio.sleep  # tests make the waits instant

    # --- keys -------------------------------------------------------------------------------

    def action_open_attachment(self) -> None:
        message = self.shell.message_view.selected_message
        if message is None or not message.attachments or message.is_deleted:
            self._open_profile()
            return
        self._choose(message, "Open", lambda a: self._open(message, a))

    def action_save_attachment(self) -> None:
        message = self.shell.message_view.selected_message
        if message is None or not message.attachments or message.is_deleted:
            self.notify("This message has no attachment to save.", markup=False)
            return
        self._choose(message, "Save", lambda a: self._save(message, a))

    def _choose(self, message: ApiMessage, verb: str, act: Callable[[Attachment], None]) -> None:
        """The one attachment, or the one picked from the message's list."""
        attachments = message.attachments
        if len(attachments) == 1:
            act(attachments[0])
            return
        from rich.text import Text

        from tui.ui.screens.pickers import PickerScreen

        options = [(str(i), Text(describe(a))) for i, a in enumerate(attachments)]

        def picked(result: PickResult | None) -> None:
            if result is not None and result.values:
                act(attachments[int(result.values[0])])

        self.shell.push_screen(PickerScreen(f"{verb} which attachment?", options), picked)

    def _open(self, message: ApiMessage, attachment: Attachment) -> None:
        if attachment.is_card:
            if attachment.url and attachment.url.startswith(("https://", "http://")):
                self.app.open_url(attachment.url)
                self.notify(
                    f"Opening in your browser: {one_line(attachment.url, 200)}", markup=False
                )
            else:
                self.notify(
                    "This link card has no web address to open.", severity="warning", markup=False
                )
            return
        folder = self.shell.settings.resolved_data_dir() / "attachments"
        name = f"{message.id[:12]}-{attachment.index}-{safe_file_name(attachment)}"
        self._download(message, attachment, folder / name, open_it=True)

    def _save(self, message: ApiMessage, attachment: Attachment) -> None:
        if attachment.is_card:
            self.notify(
                "A link card has nothing to save: o opens the link.",
                severity="warning",
                markup=False,
            )
            return
        # The folder is made with the download (whose failure to make it says so).
        folder = self.shell.settings.resolved_download_dir()
        self._download(message, attachment, free_path(folder, safe_file_name(attachment)))

    # --- fetching ---------------------------------------------------------------------------

    async def _usable(
        self, message: ApiMessage, attachment: Attachment, *, renew: bool, quiet: bool = False
    ) -> str:
        """A link that works now: the one held while it lasts, else a fresh one (v2). While
        the service still processes it, says so (unless `quiet`: a picture in the pane)."""
        if not renew and attachment.usable_at(self.shell.clock()):
            assert attachment.url is not None
            return attachment.url
        if ApiFeature.FRESH_MEDIA_URLS not in self.shell.client.features:
            if attachment.url and not renew:
                return attachment.url  # v1 cannot renew a link: use it as it is
            raise NotReady("its link has expired, and renewing one needs API v2")
        name = one_line(attachment.filename or "the attachment", 60)
        for attempt in range(PROCESSING_TRIES):
            try:
                fresh = await self.shell.client.get_attachment(message.id, attachment.index)
            except InboxError as error:
                raise NotReady(describe_error(error)) from None
            if fresh.status == "ready" and fresh.url:
                return fresh.url
            if fresh.status == "failed":
                raise NotReady("the service could not store it")
            if not quiet:
                self.post_message(StillProcessing(name))
            await self.sleep(PROCESSING_WAIT * (attempt + 1))
        raise NotReady("it is still being processed; try again in a minute")

    async def _with_link(
        self,
        message: ApiMessage,
        attachment: Attachment,
        use: Callable[[str], Awaitable[T]],
        *,
        quiet: bool = False,
    ) -> T:
        """`use` with a link that works: the one held, and if the media host refuses it (it
        expired sooner than it said), one fresh link and one more try."""
        url = await self._usable(message, attachment, renew=False, quiet=quiet)
        try:
            return await use(url)
        except MediaError as error:
            if not error.expired:
                raise
        return await use(await self._usable(message, attachment, renew=True, quiet=quiet))

    @work(group="attachment-download")
    async def _download(
        self, message: ApiMessage, attachment: Attachment, path: Path, *, open_it: bool = False
    ) -> None:
        name = one_line(attachment.filename or "attachment", 60)
        media = self._media()
        last = -1

        def progress(done: int, total: int | None) -> None:
            nonlocal last
            step = int(done * 20 / total) if total else done // (256 * 1024)
            if step != last:
                last = step
                self.post_message(DownloadProgress(name, done, total))

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if open_it and path.is_file():  # opened before: the copy here is the same file
                self.post_message(DownloadDone(name, path, None, open_it=True))
                return
            await self._with_link(message, attachment, lambda url: media.save(url, path, progress))
        except (MediaError, NotReady) as error:
            self.post_message(DownloadDone(name, None, str(error), open_it=open_it))
            return
        except OSError as error:
            why = f"cannot write {path.parent} ({error.strerror or error})"
            self.post_message(DownloadDone(name, None, why, open_it=open_it))
            return
        self.post_message(DownloadDone(name, path, None, open_it=open_it))

    def _media(self) -> MediaClient:
        assert self.shell.backend is not None
        return self.shell.backend.media

    def on_still_processing(self, event: StillProcessing) -> None:
        self.shell.set_status(f"{event.name} is still being processed: asking again shortly…")

    def on_download_progress(self, event: DownloadProgress) -> None:
        verb = "Fetching" if event.total is None else "Downloading"
        self.shell.set_status(f"{verb} {event.name}  {progress_bar(event.done, event.total)}")

    def on_download_done(self, event: DownloadDone) -> None:
        self.shell.set_status(self.shell.count_text())
        if event.error is not None or event.path is None:
            what = "Not opened" if event.open_it else "Not saved"
            self.notify(
                f"{what}: {event.name}: {event.error}", severity="error", timeout=10, markup=False
            )
            return
        if event.open_it:
            self.app.open_url(event.path.as_uri())
            self.notify(f"Opening {event.name} ({event.path})", timeout=8, markup=False)
        else:
            self.notify(f"Saved {event.name} to {event.path}", timeout=10, markup=False)

    # --- pictures in the pane ---------------------------------------------------------------

    def on_message_view_need_picture(self, request: MessageView.NeedPicture) -> None:
        self._load_picture(request.message, request.attachment)

    @work(group="pictures")
    async def _load_picture(self, message: ApiMessage, attachment: Attachment) -> None:
        async with self._picture_slots:
            picture: Any
            try:
                data = self._pictures.get(message.id, attachment.index)
                if data is None:
                    media = self._media()
                    fetched: bytes = await self._with_link(
                        message,
                        attachment,
                        lambda url: media.fetch(url, max_bytes=PICTURE_BYTES),
                        quiet=True,
                    )
                    self._pictures.put(message.id, attachment.index, fetched)
                    data = fetched
                picture = await asyncio.to_thread(decode, data)
            except (MediaError, NotReady) as error:
                picture = f"picture not shown: {error}"
            except ValueError:
                picture = "picture damaged or not an image"
        self.post_message(PictureLoaded(message.id, attachment.index, picture))

    def on_picture_loaded(self, event: PictureLoaded) -> None:
        self.shell.message_view.picture_ready(event.message_id, event.index, event.picture)
