"""The thread list: virtualised with Textual's Line API.

It never creates a widget per row: it renders only the visible lines, from the loaded threads,
so 100,000 loaded threads cost no more to move through than 100.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.directory import Directory
from tui.core.reminders import due_text
from tui.core.row_summary import RowSummary, summarize
from tui.core.text import one_line
from tui.core.timefmt import relative
from tui.ui.keymap import bindings
from tui.ui.messages import FeatureRequest
from tui.ui.widgets.chips import chip_style
from tui.ui.widgets.restyle import Restyling
from tui.ui.widgets.rows import Packer, Scorer, ThreadRows

if TYPE_CHECKING:
    from tui.core.model import Thread

ROW_HEIGHT = 3
PREFETCH_ROWS = 15  # ask for the next page when the cursor is this close to the end


class UnreadRow(NamedTuple):
    thread_id: str
    kept: bytes | None  # the row as kept (a new object when the row changes); None: a summary
    read: Callable[[], Thread | RowSummary]


def _itself(row: RowSummary) -> RowSummary:
    return row


class ThreadList(Restyling, ScrollView, can_focus=True):
    BINDINGS = bindings("list")
    COMPONENT_CLASSES = {
        "thread-list--cursor",
        "thread-list--cursor-blurred",
        "thread-list--name",
        "thread-list--unread-name",
        "thread-list--unread",
        "thread-list--handle",
        "thread-list--time",
        "thread-list--awaiting",
        "thread-list--you",
        "thread-list--them",
        "thread-list--preview",
        "thread-list--status",
        "thread-list--assignee",
        "thread-list--link",
        "thread-list--platform",
        "thread-list--score",
        "thread-list--draft",
        "thread-list--due",
        "thread-list--request",
        "thread-list--done",
        "thread-list--empty",
        "thread-list--mark",
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(FeatureRequest):
        """Another thread is under the cursor (not sent when rows move or are re-read under
        the same thread: the user's selection did not change)."""

        def __init__(self, thread: Thread | None) -> None:
            super().__init__()
            self.thread = thread

    class Opened(FeatureRequest):
        def __init__(self, thread: Thread) -> None:
            super().__init__()
            self.thread = thread

    class NearEnd(FeatureRequest):
        """The cursor or the viewport is close to the last loaded thread."""

    class MarksChanged(FeatureRequest):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    class UnreadCounted(FeatureRequest):
        """The rows changed: which are unread (`unread_rows`) may have."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._packer = Packer()  # one compression dictionary for every row of this list
        self._score_of: Scorer | None = None
        self._rows = self._new_rows()
        # Client-side arrangement of the loaded rows (lead-score sort and minimum): it gets the
        # rows and returns those to show and those to leave out, which wait in `hidden` (still
        # compact) and come back when it changes.
        self.arranger: Callable[[ThreadRows], tuple[ThreadRows, ThreadRows]] | None = None
        self.hidden = self._new_rows()
        self._quiet = False
        self.directory = Directory()
        self.drafts: set[str] = set()
        # A word a view puts on its rows in place of the time ("silent 5 days").
        self.notes: dict[str, str] = {}
        # Threads whose reminder is due, with when it was due: "⏰ due 09:00" on the row, in
        # place of the last message's time.
        self.due: dict[str, datetime] = {}
        # Threads with a reminder pending: out of every view until it is due.
        self.kept_out: set[str] = set()
        self.marked: set[str] = set()
        self.empty_text = "Loading…"
        self._empty_wrapped: tuple[tuple[str, int], list[str]] = (("", 0), [])
        self._clock = clock
        self._cache: dict[tuple[object, ...], Strip] = {}
        # The rows shown last time (see core/row_summary.py), until the threads are loaded.
        self._preview: list[RowSummary] = []
        self._highlighted_id: str | None = None  # the thread last announced as Highlighted
        # Moves down past the last loaded row, made when the next page's rows come.
        self._moves_waiting = 0

    # --- data -------------------------------------------------------------------------------

    @property
    def threads(self) -> ThreadRows:
        """The rows shown, compact (see rows.py): index, iterate, find by id."""
        return self._rows

    @threads.setter
    def threads(self, value: Iterable[Thread]) -> None:
        self._rows = value if isinstance(value, ThreadRows) else self._new_rows(value)

    def _new_rows(self, threads: Iterable[Thread] = ()) -> ThreadRows:
        return ThreadRows(threads, self._packer, self._score_of)

    @property
    def score_of(self) -> Scorer | None:
        """The lead score: shown on each row, and kept with each row for re-arranging."""
        return self._score_of

    @score_of.setter
    def score_of(self, scorer: Scorer | None) -> None:
        self._score_of = self._rows.scorer = self.hidden.scorer = scorer

    @property
    def row_count(self) -> int:
        """Rows on screen: the threads, or the preview until there are some."""
        return len(self._rows) or len(self._preview)

    def show_preview(self, rows: list[RowSummary]) -> None:
        """Paint these rows (the ones shown last time) until threads are set; no row can be
        selected or opened meanwhile."""
        self._preview = rows
        self._changed()

    def summaries(self, count: int) -> list[RowSummary]:
        """The first `count` rows as shown, to be painted next time before anything loads."""
        rows, directory, score_of = self._rows, self.directory, self.score_of
        return [summarize(rows[i], directory, score_of) for i in range(min(count, len(rows)))]

    @property
    def current(self) -> Thread | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def set_threads(self, threads: Iterable[Thread], *, keep_selection: bool = False) -> None:
        """Replace the rows. With keep_selection the cursor stays on the same thread when it is
        still there, so rows moving under the user do not move their selection."""
        selected = self._rows.id_at(self.cursor) if keep_selection else None
        threads = self._without_kept_out(threads)
        self._preview = []
        if not keep_selection:
            self.hidden = self._new_rows()  # a new list (another view or filter): none waits
            self._moves_waiting = 0
        if self.arranger is None and not self.hidden:
            self.threads = threads
        else:
            rows = threads if isinstance(threads, ThreadRows) else self._new_rows(threads)
            self.threads = self._arranged(rows)
        if self.due:
            self.threads = self._due_first(self._rows)
        index = (self._rows.position(selected) if selected else None) or 0
        self._changed()
        # Rows replaced by the program (a merge, a re-arrangement) must not ask for more pages:
        # only the user's own movement toward the end does.
        self._quiet = True
        try:
            self.cursor = min(index, max(0, len(self._rows) - 1))
            if not keep_selection:
                self.scroll_to(y=0, animate=False)
        finally:
            self._quiet = False

    def merge_page(self, page: list[Thread]) -> bool:
        """A fresh first page (live updates): its threads first, then the other loaded rows as
        they were (not parsed again). Returns whether anything changed."""
        page = [t for t in page if t.id not in self.kept_out]
        rows = self._rows
        unchanged = [t.id for t in page] == rows.ids[: len(page)] and all(
            rows.find(t.id) == t for t in page
        )
        if unchanged:
            return False
        merged = self._new_rows(page)
        on_page = {t.id for t in page}
        for i, thread_id in enumerate(rows.ids):
            if thread_id not in on_page:
                rows.copy_row(i, merged)
        self.set_threads(merged, keep_selection=True)
        return True

    def append_threads(self, threads: list[Thread]) -> None:
        fresh = [
            t
            for t in threads
            if self._rows.position(t.id) is None
            and self.hidden.position(t.id) is None
            and t.id not in self.kept_out
        ]
        if self.arranger is None:
            self._rows.extend(fresh)
        else:
            selected = self._rows.id_at(self.cursor)
            combined = self._rows.subset(range(len(self._rows)))
            combined.extend(fresh)
            self.threads = self._arranged(combined)
            if selected is not None:
                self.select_id(selected)
        self._changed()
        waiting, self._moves_waiting = self._moves_waiting, 0
        if waiting and fresh:
            self._move_down(waiting)

    def _arranged(self, rows: ThreadRows) -> ThreadRows:
        """Rows as the arrangement shows them; with none, the hidden ones come back. Nothing is
        parsed: the arrangement reads the keys each row keeps."""
        hidden = self.hidden
        for i in range(len(hidden)):
            if rows.position(hidden.id_at(i) or "") is None:
                hidden.copy_row(i, rows)
        if self.arranger is None:
            self.hidden = self._new_rows()
            return rows
        shown, self.hidden = self.arranger(rows)
        return shown

    def _without_kept_out(self, threads: Iterable[Thread]) -> Iterable[Thread]:
        if not self.kept_out:
            return threads
        if isinstance(threads, ThreadRows):
            ids = threads.ids
            return threads.subset(i for i in range(len(ids)) if ids[i] not in self.kept_out)
        return [t for t in threads if t.id not in self.kept_out]

    def _due_first(self, rows: ThreadRows) -> ThreadRows:
        """The rows whose reminder is due lead (they came back "to the top")."""
        ids = rows.ids
        due = [i for i in range(len(ids)) if ids[i] in self.due]
        if not due or due == list(range(len(due))):
            return rows
        return rows.subset([*due, *(i for i in range(len(ids)) if ids[i] not in self.due)])

    def keep_out(self, thread_ids: Iterable[str]) -> None:
        """These threads leave the list, and stay out of every page until let in again."""
        ids = set(thread_ids)
        self.kept_out |= ids
        selected = self._rows.id_at(self.cursor)
        for thread_id in ids:
            self._rows.remove_id(thread_id)
            self.hidden.remove_id(thread_id)
            self.marked.discard(thread_id)
        if selected in ids:
            self.refresh_rows()  # the cursor stays at its place: on the next thread
        else:
            self._changed()
            if selected is not None:
                self.select_id(selected)

    def put_first(self, thread: Thread) -> None:
        """`thread` at the top of the list (let in again if it was kept out), the selection
        kept on the thread it is on."""
        self.kept_out.discard(thread.id)
        self.merge_page([thread])

    def rearrange(self) -> None:
        """The arrangement changed: show the loaded rows anew, keeping the selection."""
        self.set_threads(self._rows, keep_selection=True)

    def update_thread(self, thread: Thread) -> None:
        self._rows.replace(thread)
        self._changed()

    def select_id(self, thread_id: str) -> None:
        index = self._rows.position(thread_id)
        if index is not None:
            self.cursor = index

    def marked_threads(self) -> list[Thread]:
        positions = sorted(
            at for thread_id in self.marked if (at := self._rows.position(thread_id)) is not None
        )
        return [self._rows[at] for at in positions]

    def clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self._changed()

    def refresh_rows(self) -> None:
        """Repaint after the rows were changed in place."""
        self._changed()
        self.cursor = self.cursor  # re-validate against the new length

    def action_toggle_mark(self) -> None:
        if self.current is None:
            return
        self.marked.symmetric_difference_update({self.current.id})
        self._refresh_row(self.cursor)
        self.post_message(self.MarksChanged(len(self.marked)))
        self.cursor += 1

    def set_directory(self, directory: Directory) -> None:
        self.directory = directory
        self._changed()

    def set_empty_text(self, text: str) -> None:
        self.empty_text = text
        self._changed()

    def _changed(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, max(1, self.row_count) * ROW_HEIGHT)
        self.refresh()
        # (Not only when the number of unread rows changes: a row can be archived and stay
        # unread, or one be read as another comes unread.)
        self.post_message(self.UnreadCounted())

    def unread_rows(self) -> Iterator[UnreadRow]:
        """The unread threads loaded (shown, or under the minimum score); before the models
        are loaded (a first launch), the summaries of the rows shown. Each with the row as kept
        (None for a summary) and how to read it: none is parsed unless asked for, so a reader
        that keeps what it read by row parses only the rows that changed."""
        if not self._rows and self._preview:
            for row in self._preview:
                if row.unread:
                    yield UnreadRow(row.id, None, partial(_itself, row))
            return
        for rows in (self._rows, self.hidden):
            for at in rows.unread_positions():
                yield UnreadRow(
                    rows.id_at(at) or "", rows.packed_at(at), partial(rows.__getitem__, at)
                )

    def holds(self, thread_id: str) -> bool:
        """Whether the thread is loaded (shown, or under the minimum score)."""
        if not self._rows and self._preview:
            return any(row.id == thread_id for row in self._preview)
        return self._rows.position(thread_id) is not None or (
            self.hidden.position(thread_id) is not None
        )

    def stamp_span(self) -> tuple[float, float] | None:
        """The sort times the loaded rows cover (a due thread put first is not of the pages)."""
        if not self._rows and self._preview:
            stamps = [row.stamp for row in self._preview if row.stamp is not None]
            return (min(stamps), max(stamps)) if stamps else None
        spans = [s for rows in (self._rows, self.hidden) if (s := rows.stamp_span(self.due.keys()))]
        return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None

    # --- cursor -----------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.threads) - 1)) if self.threads else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._moves_waiting = 0
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor()
        current_id = self._rows.id_at(new) if self._rows else None
        if current_id != self._highlighted_id:
            self._highlighted_id = current_id
            self.post_message(self.Highlighted(self.current))
        if self.threads and new >= len(self.threads) - PREFETCH_ROWS and not self._quiet:
            self.post_message(self.NearEnd())

    def _refresh_row(self, index: int) -> None:
        self._cache = {k: v for k, v in self._cache.items() if k[0] != index}
        self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)

    def _scroll_to_cursor(self) -> None:
        top = self.cursor * ROW_HEIGHT
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif top + ROW_HEIGHT > self.scroll_y + height:
            self.scroll_to(y=top + ROW_HEIGHT - height, animate=False)

    def restyled(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_focus(self) -> None:
        self._refresh_row(self.cursor)  # the cursor row is drawn differently without focus

    def on_blur(self) -> None:
        self._refresh_row(self.cursor)

    def on_resize(self) -> None:
        self._changed()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        bottom_row = int(new + self.scrollable_content_region.height) // ROW_HEIGHT
        if self.threads and bottom_row >= len(self.threads) - PREFETCH_ROWS and not self._quiet:
            self.post_message(self.NearEnd())

    def action_cursor_down(self) -> None:
        self._move_down(1)

    def _move_down(self, rows: int) -> None:
        """Down `rows` rows. Those past the last loaded row wait for the next page (asked for
        again) and are made as its rows come (append_threads): a burst of keys comes faster
        than a page, and the presses past the end were lost, leaving the cursor short of where
        it was sent and nothing loading (a burst of 200 j stopped on row 50 of 100)."""
        room = max(0, len(self.threads) - 1 - self.cursor)
        if room:
            self.cursor += min(rows, room)  # (any move of the cursor drops the waiting moves)
        beyond = rows - room
        if beyond > 0 and self.threads and not self._quiet:
            if not self._moves_waiting:
                self.post_message(self.NearEnd())
            self._moves_waiting += beyond

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_top(self) -> None:
        self.cursor = 0

    def action_bottom(self) -> None:
        self.cursor = len(self.threads) - 1

    def action_page_down(self) -> None:
        self._move_down(max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1))

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    async def on_click(self, event: object) -> None:
        offset = getattr(event, "y", None)
        if offset is None:
            return
        index = (int(self.scroll_y) + int(offset)) // ROW_HEIGHT
        if 0 <= index < len(self.threads):
            self.cursor = index
            self.action_open()

    # --- rendering --------------------------------------------------------------------------

    def _empty_lines(self, width: int) -> list[str]:
        """The empty list's text, wrapped to the list's width (an error says all of what to
        do, not its first line)."""
        key = (self.empty_text, width)
        if self._empty_wrapped[0] != key:
            self._empty_wrapped = (key, _wrap(self.empty_text, max(10, width - 4)))
        return self._empty_wrapped[1]

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self.scrollable_content_region.width
        index, part = divmod(line, ROW_HEIGHT)
        count = self.row_count
        if not count:
            wrapped = self._empty_lines(width)
            if 1 <= line <= len(wrapped):
                style = self.part_style("thread-list--empty")
                return _fit([Segment("  " + wrapped[line - 1], style)], [], width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        if index >= count:
            return Strip.blank(width, self.rich_style)
        selected, focus = index == self.cursor, self.has_focus
        key = (index, part, width, selected, focus)
        strip = self._cache.get(key)
        if strip is None:
            # A row's lines are drawn together: its summary (a parse, the lead score and the
            # directory look-ups) is made once, not once per line.
            if self.threads:
                row = summarize(self.threads[index], self.directory, self.score_of)
            else:
                row = self._preview[index]
            if len(self._cache) > 2000:
                self._cache.clear()
            for row_line in range(ROW_HEIGHT):
                drawn = self._render_row_line(row, row_line, width, selected)
                self._cache[(index, row_line, width, selected, focus)] = drawn
            strip = self._cache[key]
        return strip

    def _render_row_line(self, row: RowSummary, part: int, width: int, selected: bool) -> Strip:
        base = self.rich_style
        if selected:
            name = "thread-list--cursor" if self.has_focus else "thread-list--cursor-blurred"
            base = base + self.get_component_rich_style(name)
        style = self.part_style
        if part == 0:
            mark = Segment("▐" if row.id in self.marked else " ", style("thread-list--mark"))
            marker = Segment("● " if row.awaiting else "  ", style("thread-list--awaiting"))
            left = [
                mark,
                marker,
                Segment(
                    one_line(row.name, 60) or "(no name)",
                    style("thread-list--unread-name" if row.unread else "thread-list--name"),
                ),
                Segment(" " + one_line(row.handle, 40), style("thread-list--handle")),
            ]
            right = [Segment(" ")]
            if row.platform is not None:
                badge = one_line(row.platform, 3)
                right += [Segment(f" {badge} ", style("thread-list--platform")), Segment(" ")]
            if row.id in self.drafts:
                right.append(Segment("✎ ", style("thread-list--draft")))
            due = self.due.get(row.id)
            if due is not None:  # when the reminder was due, not when they last wrote
                when = due_text(due, self._clock().astimezone())
                right.append(Segment(f"⏰ due {when} ", style("thread-list--due")))
                if note := self.notes.get(row.id):  # (a view's own word: "silent 5 days")
                    right.append(Segment(f"· {note} ", style("thread-list--time")))
                return _fit(left, right, width, base)
            stamp = None if row.stamp is None else datetime.fromtimestamp(row.stamp, UTC)
            when = self.notes.get(row.id) or relative(stamp, self._clock())
            right.append(Segment(when + " ", style("thread-list--time")))
            return _fit(left, right, width, base)
        if part == 1:
            left = [Segment("   ")]
            if row.author is not None:
                left.append(Segment(f"{row.author}: ", style(f"thread-list--{row.author}")))
            if row.preview is not None:
                left.append(Segment(one_line(row.preview, 300), style("thread-list--preview")))
            return _fit(left, [], width, base)
        score = (
            [] if row.score is None else [Segment(f" ★{row.score} ", style("thread-list--score"))]
        )
        return _fit(self._chips(row), score, width, base)

    def _chips(self, row: RowSummary) -> list[Segment]:
        style = self.part_style
        parts: list[Segment] = [Segment("   ")]
        if row.unread:
            parts += [Segment("unread", style("thread-list--unread")), Segment(" ")]
        if row.request:
            parts += [Segment("request", style("thread-list--request")), Segment(" ")]
        if row.done:
            parts += [Segment("done", style("thread-list--done")), Segment(" ")]
        for name, color in row.tags:
            parts += [Segment(f" {one_line(name, 20)} ", chip_style(color)), Segment(" ")]
        if row.status is not None:
            parts.append(Segment(f"◆ {one_line(row.status, 20)} ", style("thread-list--status")))
        if row.assignee is not None:
            parts.append(Segment(f"@{row.assignee} ", style("thread-list--assignee")))
        if row.via is not None:
            parts.append(Segment(f"via {one_line(row.via, 20)}", style("thread-list--link")))
        return parts


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and cell_len(lines[-1]) + 1 + cell_len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _fit(left: list[Segment], right: list[Segment], width: int, base: Style) -> Strip:
    """Left-aligned parts cut to fit, right-aligned parts kept, the row filled with `base`."""
    right_len = Segment.get_line_length(right)
    room = max(0, width - right_len)
    left_strip = Strip(left).crop(0, room)
    pad = max(0, width - left_strip.cell_length - right_len)
    segments = [*left_strip, Segment(" " * pad), *right]
    return Strip(segments).apply_style(base).crop(0, width)
