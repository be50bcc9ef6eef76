"""The pipeline board (P): pages of the current view and filters, loaded as the user goes
down a column; moving a card sets the prospect's status (statusId on the prospect context),
shown at once and rolled back if the API refuses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from tui.api.errors import InboxError
from tui.core.edits import EditField, apply_locally, edit_for
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from tui.core.model import Cursor, Thread
    from tui.core.query import ThreadQuery
    from tui.ui.features.ranking import RankingFeature
    from tui.ui.screens.board import BoardScreen

BOARD_PAGE = 100


class BoardPage(Message):
    def __init__(self, threads: list[Thread], next_cursor: Cursor | None) -> None:
        super().__init__()
        self.threads = threads
        self.next_cursor = next_cursor


class BoardMoveFailed(Message):
    def __init__(self, before: Thread, error: InboxError) -> None:
        super().__init__()
        self.before = before
        self.error = error


class BoardFeature(Feature):
    def __init__(self, shell: AppShared, ranking: RankingFeature) -> None:
        super().__init__(shell)
        self.ranking = ranking  # the cards' scores, and the server's order within a column
        self._board_cursor: Cursor | None = None
        self._board_query: ThreadQuery | None = None

    def action_board(self) -> None:
        from tui.ui.screens.board import Board, BoardScreen  # the board's widgets: only when opened

        if not self.shell.directory.loaded:
            self.notify("The team's statuses are still loading.", severity="warning", markup=False)
            return
        self._board_query = self.shell.thread_query.with_cursor(None).with_limit(BOARD_PAGE)
        self._board_cursor = None
        board = Board(self.shell.directory, self.ranking.score, self.shell.currency, id="board")

        def closed(thread: Thread | None) -> None:
            if thread is not None:
                self.shell.thread_list.select_id(thread.id)
                self.shell.open_thread(thread)

        self.shell.push_screen(BoardScreen(board, self.ranking.server_order), closed)

    def on_board_screen_need_page(self, message: BoardScreen.NeedPage) -> None:
        if self._board_query is not None:
            self._load_board_page(self._board_query.with_cursor(self._board_cursor))

    @work(group="board-page", exclusive=True)
    async def _load_board_page(self, query: ThreadQuery) -> None:
        try:
            page = await self.shell.client.list_threads(query)
        except InboxError as error:
            self.notify(
                f"The pipeline did not load: {describe_error(error)}",
                severity="error",
                markup=False,
            )
            return
        self.post_message(BoardPage(page.threads, page.next_cursor))

    def on_board_page(self, event: BoardPage) -> None:
        from tui.ui.screens.board import BoardScreen

        self._board_cursor = event.next_cursor
        screen = self.app.screen
        if isinstance(screen, BoardScreen):
            screen.add_page(event.threads, more=event.next_cursor is not None)

    def on_board_screen_move(self, message: BoardScreen.Move) -> None:
        before = message.thread
        after = apply_locally(before, edit_for(before, EditField.STATUS, message.status_id))
        self._board_show(after)
        self._move_on_server(before, message.status_id)

    @work(group="board-move")
    async def _move_on_server(self, before: Thread, status_id: str | None) -> None:
        prospect_id = before.prospect.external_id
        if prospect_id is None:
            return
        try:
            await self.shell.client.update_prospect_context(prospect_id, status_id=status_id)
        except InboxError as error:
            self.post_message(BoardMoveFailed(before, error))

    def on_board_move_failed(self, event: BoardMoveFailed) -> None:
        self._board_show(event.before)
        self.notify(
            f"Not moved: {describe_error(event.error)}", severity="error", timeout=8, markup=False
        )

    def _board_show(self, thread: Thread) -> None:
        """The card in its column, and the same prospect's rows in the list."""
        from tui.ui.screens.board import BoardScreen

        screen = self.app.screen
        if isinstance(screen, BoardScreen):
            screen.board.move_card(thread, thread.prospect.context.status_id or "")
        prospect = thread.prospect.external_id
        status = thread.prospect.context.status_id
        rows = self.shell.thread_list.threads
        for at in rows.positions_of_prospect(prospect) if prospect else []:
            row = rows[at]
            rows.replace(apply_locally(row, edit_for(row, EditField.STATUS, status)))
        self.shell.thread_list.refresh_rows()
