"""The pipeline board: a column per status (the team's order) plus "No status", a card per
prospect. It shows and asks; the app loads pages and makes the moves through the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label

from tui.core.model import Thread
from tui.core.text import one_line
from tui.ui.messages import FeatureRequest
from tui.ui.widgets.chips import chip_style, dot_style
from tui.ui.widgets.footer import KeyFooter
from tui.ui.widgets.sidebar import format_money

if TYPE_CHECKING:
    from tui.core.directory import Directory

NO_STATUS = ""
CARD_HEIGHT = 4  # three lines and a gap
MIN_COLUMN_WIDTH = 24


@dataclass(frozen=True)
class Column:
    status_id: str  # NO_STATUS for prospects without one
    name: str
    color: str | None


def columns_for(directory: Directory) -> list[Column]:
    return [Column(s.id, s.name, s.color) for s in directory.statuses.values()] + [
        Column(NO_STATUS, "No status", None)
    ]


class Board(Widget, can_focus=True):
    """Columns of cards, drawn as a table of the visible columns and cards."""

    def __init__(
        self,
        directory: Directory,
        score: Callable[[Thread], int],
        currency: str,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.directory = directory
        self.score = score
        self.currency = currency
        self.columns = columns_for(directory)
        self.cards: dict[str, list[Thread]] = {c.status_id: [] for c in self.columns}
        self.seen_prospects: set[str] = set()
        self.column = 0
        self.row = 0
        self.by_score = False
        self.more = True

    # --- data -------------------------------------------------------------------------------

    def add_threads(self, threads: list[Thread]) -> None:
        """A page arrived: one card per prospect (their first thread in the API's order)."""
        for thread in threads:
            prospect = thread.prospect.external_id or thread.id
            if prospect in self.seen_prospects:
                continue
            self.seen_prospects.add(prospect)
            status = thread.prospect.context.status_id or NO_STATUS
            if status not in self.cards:  # a status the directory does not know yet
                status = NO_STATUS
            self.cards[status].append(thread)
        self._sort()
        self.refresh()

    def _sort(self) -> None:
        if self.by_score:
            for cards in self.cards.values():
                cards.sort(key=self.score, reverse=True)

    def toggle_score_order(self, api_order: Callable[[list[Thread]], list[Thread]]) -> None:
        self.by_score = not self.by_score
        current = self.current
        for status, cards in self.cards.items():
            self.cards[status] = api_order(cards)
        self._sort()
        if current is not None:
            self.row = self.cards[self.columns[self.column].status_id].index(current)
        self.refresh()

    @property
    def current_cards(self) -> list[Thread]:
        return self.cards[self.columns[self.column].status_id]

    @property
    def current(self) -> Thread | None:
        cards = self.current_cards
        return cards[self.row] if 0 <= self.row < len(cards) else None

    def move_card(self, thread: Thread, to_status: str) -> None:
        """Show `thread` (updated) in the column of `to_status`, keeping it selected."""
        for cards in self.cards.values():
            for i, card in enumerate(cards):
                if card.id == thread.id:
                    del cards[i]
                    break
        target = to_status if to_status in self.cards else NO_STATUS
        self.cards[target].insert(0, thread)
        self._sort()
        self.column = next(i for i, c in enumerate(self.columns) if c.status_id == target)
        self.row = self.cards[target].index(thread)
        self.refresh()

    # --- cursor -----------------------------------------------------------------------------

    def step_column(self, delta: int) -> None:
        self.column = max(0, min(len(self.columns) - 1, self.column + delta))
        self.row = min(self.row, max(0, len(self.current_cards) - 1))
        self.refresh()

    def step_row(self, delta: int) -> None:
        self.row = max(0, min(len(self.current_cards) - 1, self.row + delta))
        self.refresh()

    @property
    def at_column_end(self) -> bool:
        return self.row >= len(self.current_cards) - 2

    # --- drawing ----------------------------------------------------------------------------

    def _visible_columns(self) -> range:
        fits = max(1, self.size.width // MIN_COLUMN_WIDTH)
        start = max(0, min(self.column - fits // 2, len(self.columns) - fits))
        return range(start, min(len(self.columns), start + fits))

    def more_columns(self) -> Text | None:
        """Where the columns that do not fit are, and how to reach them (None: all fit). At 80
        columns three of six show: nothing said the others were there."""
        shown, total = self._visible_columns(), len(self.columns)
        if len(shown) == total:
            return None
        left, right = shown.start, total - shown.stop
        line = Text(f" Columns {shown.start + 1}–{shown.stop} of {total}", "dim")
        if left:
            line.append(f"  ◀ {left} more to the left (h)", "bold")
        if right:
            line.append(f"  {right} more to the right (l) ▶", "bold")
        return line

    def render(self) -> RenderableType:
        shown = self._visible_columns()
        more = self.more_columns()
        table = Table(box=None, expand=True, show_header=True, padding=(0, 1))
        rows_fit = max(1, (self.size.height - 3 - (more is not None)) // CARD_HEIGHT)
        bodies = []
        for index in shown:
            column = self.columns[index]
            cards = self.cards[column.status_id]
            total = sum(c.prospect.context.valuation or 0 for c in cards)
            header = Text("● ", dot_style(column.color))
            header.append(one_line(column.name, 20), "bold")
            header.append(f"  {len(cards)}", "dim")
            if total:  # on a line of its own: cut beside the name, it read "$304,5…"
                header.append(f"\n{format_money(total, self.currency)}", "dim")
            table.add_column(header, ratio=1, no_wrap=True, overflow="ellipsis")
            selected = index == self.column
            first = max(0, self.row - rows_fit + 1) if selected else 0
            bodies.append(
                Group(
                    *(
                        self._card(card, selected and i == self.row)
                        for i, card in enumerate(cards[first : first + rows_fit], start=first)
                    )
                )
                if cards
                else Text("—", "dim")
            )
        table.add_row(*bodies)
        return table if more is None else Group(more, table)

    def _card(self, thread: Thread, selected: bool) -> Text:
        prospect, context = thread.prospect, thread.prospect.context
        style = "reverse" if selected and self.has_focus else ("bold" if selected else "")
        card = Text(no_wrap=True, overflow="ellipsis")
        card.append(one_line(prospect.display_name, 40) or "(no name)", style or "bold")
        card.append(f"  ★{self.score(thread)}\n", "dim")
        card.append(one_line(prospect.at_handle, 30), "dim")
        if context.valuation:
            card.append(f"  {format_money(context.valuation, self.currency)}", "green")
        card.append("\n")
        for tag_id in context.tags[:3]:
            tag = self.directory.tags.get(tag_id)
            if tag is not None:
                card.append(f" {one_line(tag.name, 12)} ", chip_style(tag.color))
                card.append(" ")
        member = self.directory.members.get(thread.assignee_id or "")
        if member is not None:
            card.append(f"@{member.initials}", "bold")
        card.append("\n")
        return card


class BoardScreen(Screen[Thread | None]):
    """Dismisses with the thread to open (enter), or None."""

    BINDINGS = [
        Binding("escape,q,P", "close", "Close", id="board.close", tooltip="Close the board"),
        Binding(
            "h,left", "column(-1)", "Column", show=False, id="board.left", tooltip="Column left"
        ),
        Binding(
            "l,right", "column(1)", "Column", show=False, id="board.right", tooltip="Column right"
        ),
        Binding("j,down", "row(1)", "Card", show=False, id="board.down", tooltip="Next card"),
        Binding("k,up", "row(-1)", "Card", show=False, id="board.up", tooltip="Previous card"),
        Binding(
            "less_than_sign,H",
            "move(-1)",
            "Previous status",
            id="board.move_back",
            tooltip="Move the card to the previous status",
        ),
        Binding(
            "greater_than_sign,L",
            "move(1)",
            "Next status",
            id="board.move_on",
            tooltip="Move the card to the next status",
        ),
        Binding("enter", "open", "Open thread", id="board.open", tooltip="Open the card's thread"),
        Binding(
            "s",
            "score_order",
            "Sort by score",
            id="board.score",
            tooltip="Sort cards by lead score",
        ),
    ]

    class NeedPage(FeatureRequest):
        """Load the next page of the pipeline."""

    class Move(FeatureRequest):
        def __init__(self, thread: Thread, status_id: str | None) -> None:
            super().__init__()
            self.thread = thread
            self.status_id = status_id

    def __init__(self, board: Board, api_order: Callable[[list[Thread]], list[Thread]]) -> None:
        super().__init__()
        self.board = board
        self.api_order = api_order

    def compose(self) -> ComposeResult:
        yield Label("Pipeline", id="board-title")
        yield self.board
        yield Label("", id="board-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.board.focus()
        self.set_status("Loading the pipeline…")
        self.post_message(self.NeedPage())

    def set_status(self, text: str) -> None:
        self.query_one("#board-status", Label).update(Text(text))

    def add_page(self, threads: list[Thread], more: bool) -> None:
        self.board.more = more
        self.board.add_threads(threads)
        count = len(self.board.seen_prospects)
        tail = " · more load as you go down a column" if more else ""
        self.set_status(f"{count} prospects{tail} · h/l columns · j/k cards · </> move · s score")

    def action_column(self, delta: int) -> None:
        self.board.step_column(delta)
        self._maybe_more()

    def action_row(self, delta: int) -> None:
        self.board.step_row(delta)
        self._maybe_more()

    def _maybe_more(self) -> None:
        if self.board.more and self.board.at_column_end:
            self.board.more = False  # until the page arrives
            self.post_message(self.NeedPage())

    def action_move(self, delta: int) -> None:
        thread = self.board.current
        if thread is None:
            return
        ids = [c.status_id for c in self.board.columns]
        here = ids.index(thread.prospect.context.status_id or NO_STATUS)
        target = ids[max(0, min(len(ids) - 1, here + delta))]
        if target == ids[here]:
            return
        self.post_message(self.Move(thread, target or None))

    def action_open(self) -> None:
        if self.board.current is not None:
            self.dismiss(self.board.current)

    def action_score_order(self) -> None:
        self.board.toggle_score_order(self.api_order)

    def action_close(self) -> None:
        self.dismiss(None)
