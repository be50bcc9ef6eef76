"""Results that workers send back to the app. Each names the request it answers, so a
superseded answer (the user has moved on) is recognised and dropped, never painted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

from tui.ui.describe import describe_error

if TYPE_CHECKING:
    from tui.api.errors import InboxError
    from tui.api.service import FetchedThreads
    from tui.core.directory import Directory
    from tui.core.model import Cursor, Team, Thread
    from tui.core.model import Message as ApiMessage
    from tui.core.row_summary import RowSummary


class FeatureRequest(Message):
    """A pane or a dialog asks for something a feature does (send a reply, edit a field, load
    a page of the board): the app hands it to the feature with a handler of its name. (A
    first launch's first rows come back this way too: see ThreadsFeature._fetch_first_rows.)"""

    # The account (its screen) the request is for, when it may not be the one on screen by
    # the time it is handled; None: the one on screen (a dialog's, a pane's).
    for_account: Any = None


class DirectoryLoaded(Message):
    def __init__(self, directory: Directory, team: Team | None) -> None:
        super().__init__()
        self.directory = directory
        self.team = team


class ThreadsLoaded(Message):
    def __init__(
        self, generation: int, threads: list[Thread], next_cursor: Cursor | None, append: bool
    ) -> None:
        super().__init__()
        self.generation = generation
        self.threads = threads
        self.next_cursor = next_cursor
        self.append = append


class ThreadsFetched(FeatureRequest):
    """A first launch's first page, as JSON (`fetched`) and as the rows it shows (`rows`,
    read without the models): the rows are painted, then the page is read."""

    def __init__(self, generation: int, fetched: FetchedThreads, rows: list[RowSummary]) -> None:
        super().__init__()
        self.generation = generation
        self.fetched = fetched
        self.rows = rows


class MessagesLoaded(Message):
    def __init__(
        self,
        thread: Thread,
        messages: list[ApiMessage],
        next_cursor: Cursor | None,
        older: bool,
        syncing: bool = False,
        recheck: bool = False,
    ) -> None:
        super().__init__()
        self.thread = thread
        self.messages = messages
        self.next_cursor = next_cursor
        self.older = older
        self.syncing = syncing  # older messages are still importing
        self.recheck = recheck  # a syncing thread read again


class LookupDone(Message):
    def __init__(self, username: str, threads: list[Thread]) -> None:
        super().__init__()
        self.username = username
        self.threads = threads


class RequestFailed(Message):
    """A request failed; `what` says what the user was doing, in their words."""

    def __init__(
        self,
        what: str,
        error: InboxError,
        generation: int | None = None,
        *,
        thread: Thread | None = None,
    ) -> None:
        super().__init__()
        self.what = what
        self.error = error
        self.generation = generation
        self.thread = thread  # the conversation that did not load
        # Set by the feature that asked, when it has said it another way (offline, the
        # cached threads shown): the app's toast would repeat it.
        self.quiet = False

    def describe(self) -> str:
        """What failed, in the user's words, and why."""
        return f"Failed {self.what}: {describe_error(self.error)}"


class ActionFailed(Message):
    """Something the user asked for was refused or failed; `what` says what did not happen."""

    def __init__(self, what: str, error: InboxError) -> None:
        super().__init__()
        self.what = what
        self.error = error
