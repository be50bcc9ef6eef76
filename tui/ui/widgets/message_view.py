"""The conversation: messages oldest to newest, ours on the right, theirs on the left.

Rendered with the Line API: each message is wrapped once per width into strips, so a thread of
thousands of messages scrolls without a widget per message. Direction comes from `authorId`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.directory import Directory
from tui.core.text import inert, one_line
from tui.core.timefmt import stamp
from tui.ui.keymap import bindings
from tui.ui.messages import FeatureRequest
from tui.ui.widgets.attachment_rows import (
    PICTURE_ROWS,
    attachment_row,
    halfcell_lines,
    picture_columns,
)
from tui.ui.widgets.restyle import Restyling

if TYPE_CHECKING:
    from tui.core.model import Attachment, Message, Thread
    from tui.ui.kitty_pictures import KittyPictures

OLDER_THRESHOLD = 5  # lines from the top at which older messages are requested


@dataclass
class Pending:
    """A message we are sending: shown at once, then confirmed, failed, or being checked."""

    local_id: str
    thread_id: str
    text: str
    state: str = "sending"  # scheduled (waits out the send delay) | sending | checking | failed
    error: str = ""
    attempts: int = 1
    reply_to: str | None = None  # the ID of the message this answers
    quote: str = ""  # what that message said, shown above the text
    # Sent with every attempt of this send (v2 replays instead of sending twice); kept with
    # the draft on disk, so a send retried after a crash reuses it too.
    idempotency_key: str | None = None
    leaves_at: float = 0.0  # scheduled: when it leaves (time.monotonic())


class MessageView(Restyling, ScrollView, can_focus=True):
    BINDINGS = bindings("messages")
    COMPONENT_CLASSES = {
        "message-view--them-header",
        "message-view--you-header",
        "message-view--them-body",
        "message-view--you-body",
        "message-view--meta",
        "message-view--badge",
        "message-view--placeholder",
        "message-view--reactions",
        "message-view--notice",
        "message-view--pending",
        "message-view--failed",
        "message-view--selected",
        "message-view--deleted",
        "message-view--attachment",
    }

    class NeedOlder(FeatureRequest):
        """The user scrolled to the top and older messages exist."""

        def __init__(self, thread_id: str) -> None:
            super().__init__()
            self.thread_id = thread_id

    class NeedPicture(FeatureRequest):
        """An image attachment is on screen and its picture is not here yet."""

        def __init__(self, message: Message, attachment: Attachment) -> None:
            super().__init__()
            self.message = message
            self.attachment = attachment

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.thread: Thread | None = None
        self.messages: list[Message] = []  # oldest first
        self.pending: list[Pending] = []  # ours, not yet confirmed by the server
        self.has_older = False
        self.loading_older = False
        self.syncing = False  # older messages are still importing (from the platform)
        self.notice = "enter reads the thread"
        self.directory = Directory()
        self._clock = clock
        self._lines: list[Strip] = []
        self._width = 0
        self._blocks: dict[str, list[Strip]] = {}
        # The selected message (what r, E, d, h and + act on) and where each message's lines are.
        self.selected_id: str | None = None
        self._spans: dict[str, tuple[int, int]] = {}
        # Pictures drawn inline: how ("halfcell", "tgp"; None: not at all), what the terminal
        # holds of them (Kitty graphics), and each one decoded (a PIL image) or why it cannot
        # be shown (a string), by (message ID, index).
        self.picture_protocol: str | None = None
        self.kitty: KittyPictures | None = None
        # Under a dialog, Textual blends every colour of this screen into the dialog's shade,
        # and a Kitty picture's colour is its ID: half-blocks (dimmed as the rest) meanwhile.
        self.behind = False
        self._pictures: dict[tuple[str, int], Any] = {}
        self._asked: set[tuple[str, int]] = set()

    # --- data -------------------------------------------------------------------------------

    def show_notice(self, text: str, thread: Thread | None = None) -> None:
        self.thread = thread
        self.messages = []
        self.has_older = False
        self.syncing = False
        self.notice = text
        self._rebuild(keep="top")
        self.refresh_bindings()

    def set_messages(
        self, thread: Thread, newest_first: list[Message], has_older: bool, syncing: bool = False
    ) -> None:
        """A freshly opened thread: show it scrolled to the newest message."""
        self.thread = thread
        self.syncing = syncing
        self.messages = list(reversed(newest_first))
        self.has_older = has_older
        self.loading_older = False
        self.selected_id = self.messages[-1].id if self.messages else None
        self._blocks.clear()
        self._pictures.clear()
        self._asked.clear()
        self._rebuild(keep="bottom")
        self.refresh_bindings()  # the footer offers what this conversation allows

    def prepend_older(self, thread_id: str, newest_first: list[Message], has_older: bool) -> None:
        """An older page arrived: put it above, keeping what the user is looking at in place."""
        if self.thread is None or self.thread.id != thread_id:
            return  # superseded: the user opened another thread
        known = {m.id for m in self.messages}
        older = [m for m in reversed(newest_first) if m.id not in known]
        self.messages = older + self.messages
        self.has_older = has_older
        self.loading_older = False
        self._rebuild(keep="anchor")

    def add_pending(self, pending: Pending) -> None:
        self.pending.append(pending)
        self._rebuild(keep="bottom")

    def drop_pending(self, pending: Pending) -> None:
        """Not sent after all (undone): it leaves the conversation."""
        self.pending = [p for p in self.pending if p.local_id != pending.local_id]
        self._blocks.pop(pending.local_id, None)
        self._rebuild(keep="anchor")

    def update_pending(self, pending: Pending) -> None:
        self._blocks.pop(pending.local_id, None)
        self._rebuild(keep="anchor")

    def confirm_pending(self, pending: Pending, message: Message) -> None:
        """The server has the message: it replaces the pending one."""
        self.pending = [p for p in self.pending if p.local_id != pending.local_id]
        self._blocks.pop(pending.local_id, None)
        if (
            self.thread is not None
            and self.thread.id == message.thread_id
            and all(m.id != message.id for m in self.messages)
        ):
            self.messages.append(message)
        self._rebuild(keep="bottom")

    def append_new(self, thread_id: str, newest_first: list[Message]) -> list[Message]:
        """A fresh page of the newest messages (live updates, a syncing thread re-read): new
        ones are added in time order, changed ones (edited, deleted, reactions) replaced.
        Returns those new."""
        if self.thread is None or self.thread.id != thread_id:
            return []
        index = {m.id: i for i, m in enumerate(self.messages)}
        fresh: list[Message] = []
        changed = False
        for message in reversed(newest_first):
            at = index.get(message.id)
            if at is None:
                fresh.append(message)
            elif self.messages[at] != message:
                self.messages[at] = message
                self._blocks.pop(message.id, None)
                changed = True
        if fresh:
            self.messages = sorted([*self.messages, *fresh], key=_time_order)
        if fresh or changed:
            self._rebuild(keep="anchor")
        return fresh

    def sync_checked(
        self, thread_id: str, newest_first: list[Message], has_older: bool, syncing: bool
    ) -> bool:
        """A syncing thread was read again: merge what has arrived. False if superseded."""
        if self.thread is None or self.thread.id != thread_id:
            return False
        self.syncing = syncing
        self.has_older = has_older
        if not self.append_new(thread_id, newest_first):
            self._rebuild(keep="anchor")
        return True

    def replace_message(self, message: Message) -> None:
        """Show a message as it is now (after our edit, delete or reaction)."""
        for i, known in enumerate(self.messages):
            if known.id == message.id:
                self.messages[i] = message
                self._blocks.pop(message.id, None)
                self._rebuild(keep="anchor")
                return

    def picture_ready(self, message_id: str, index: int, picture: Any) -> None:
        """A picture asked for arrived (decoded), or could not be shown (why, as text)."""
        self._pictures[(message_id, index)] = picture
        if self.message_by_id(message_id) is not None:
            self._blocks.pop(message_id, None)
            self._rebuild(keep="anchor")

    def message_by_id(self, message_id: str) -> Message | None:
        return next((m for m in self.messages if m.id == message_id), None)

    @property
    def selected_message(self) -> Message | None:
        return None if self.selected_id is None else self.message_by_id(self.selected_id)

    def set_directory(self, directory: Directory) -> None:
        self.directory = directory
        self._blocks.clear()
        self._rebuild(keep="anchor")
        self.refresh_bindings()

    # --- layout -----------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._rebuild(keep="anchor")

    def watch_show_vertical_scrollbar(self) -> None:
        """The scrollbar came or went: the lines were laid out for the other width."""
        self.call_after_refresh(self._rebuild, "anchor")

    def restyled(self) -> None:
        self._blocks.clear()
        self._rebuild(keep="anchor")

    def _rebuild(self, keep: str) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        if width != self._width:
            self._blocks.clear()
            self._width = width
        old_total = len(self._lines)
        old_y = self.scroll_y
        at_bottom = old_y >= self.max_scroll_y - 1
        self._lines = self._layout(width)
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()
        if keep == "bottom" or (keep == "anchor" and at_bottom and old_total == 0):
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)
        elif keep == "top":
            self.scroll_to(y=0, animate=False)
        else:
            added = len(self._lines) - old_total
            self.scroll_to(y=max(0, old_y + added), animate=False, immediate=True)

    def set_behind(self, behind: bool) -> None:
        """A dialog covers this screen (or no longer does): pictures drawn to suit."""
        if behind == self.behind:
            return
        self.behind = behind
        if self.kitty is not None and self._pictures:
            for message_id, _index in self._pictures:
                self._blocks.pop(message_id, None)
            self._rebuild(keep="anchor")

    def _layout(self, width: int) -> list[Strip]:
        notice_style = self.rich_style + self.part_style("message-view--notice")
        if self.kitty is not None:  # its lines name them all: none is deleted while open
            self.kitty.pin(
                frozenset(
                    (message.id, attachment.index)
                    for message in self.messages
                    for attachment in message.attachments
                    if attachment.is_image
                )
            )
        blank = Strip.blank(width, self.rich_style)
        mine = [p for p in self.pending if self.thread and p.thread_id == self.thread.id]
        if self.thread is None or not (self.messages or mine):
            return [blank, _centered(self.notice, width, notice_style)]
        lines: list[Strip] = []
        if self.syncing:
            text = "older messages are still importing · checking again shortly"
        elif self.has_older:
            text = "loading older messages…" if self.loading_older else "↑ older messages"
        else:
            text = "— start of the conversation —"
        lines += [_centered(text, width, notice_style), blank]
        spans: dict[str, tuple[int, int]] = {}
        for message in self.messages:
            block = self._blocks.get(message.id)
            if block is None:
                block = self._render_message(message, width)
                self._blocks[message.id] = block
            spans[message.id] = (len(lines), len(lines) + len(block) - 2)  # not the blank after
            lines += block
        self._spans = spans
        for pending in mine:
            lines += self._render_pending(pending, width)
        return lines

    def _render_pending(self, pending: Pending, width: int) -> list[Strip]:
        wait = max(1, math.ceil(pending.leaves_at - time.monotonic()))
        state = {
            "scheduled": f"sending in {wait} s · u undo",
            "sending": "sending…",
            "checking": "checking whether it arrived…",
            "failed": f"not sent: {pending.error} · R retries",
        }[pending.state]
        kind = "failed" if pending.state == "failed" else "pending"
        style = self.part_style(f"message-view--{kind}")
        rows = [Text(f"You  {state}", style)]
        if pending.quote:
            rows.append(
                _quote_row(
                    pending.quote,
                    self.part_style("message-view--placeholder"),
                )
            )
        body = Text(inert(pending.text), style)
        bubble = _bubble_width(width)
        rows.extend(body.wrap(self.app.console, bubble - 2))
        return self._place(rows, width, bubble, outbound=True)

    def _render_message(self, message: Message, width: int) -> list[Strip]:
        style = self.part_style
        outbound = message.is_outbound(self.directory.account_link_ids)
        side = "you" if outbound else "them"
        bubble = _bubble_width(width)
        console: Console = self.app.console
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(self._author_label(message, outbound), style(f"message-view--{side}-header"))
        header.append("  " + stamp(message.created_at, self._clock()), style("message-view--meta"))
        if message.is_edited:
            header.append("  edited", style("message-view--meta"))
        badge = message.origin or ""
        if message.campaign_id:
            badge = "campaign"
        if badge:
            header.append(f"  {badge}", style("message-view--badge"))
        rows: list[Text | Strip] = [header]
        placeholder = style("message-view--placeholder")
        if message.reply_data:
            rows.append(_quote_row(self._quoted_text(message), placeholder))
        if message.is_deleted:
            who = "for everyone" if message.platform_deleted_at else "in Inbox"
            rows.append(
                Text(f"message deleted {who} · h shows its history", style("message-view--deleted"))
            )
            return self._place(rows, width, bubble, outbound)
        if message.forward_data:
            rows.append(Text("↪ forwarded post", placeholder))
        for attachment in message.attachments:
            rows.append(attachment_row(attachment, style("message-view--attachment")))
            if attachment.is_image and self.picture_protocol is not None:
                rows.extend(self._picture(message, attachment, bubble - 2, placeholder))
        body = Text(inert(message.content), style(f"message-view--{side}-body"))
        rows.extend(body.wrap(console, bubble - 2))
        if message.reactions:
            emoji = " ".join(emoji_cell(_field(r, "emoji") or "?") for r in message.reactions)
            rows.append(Text(emoji, style("message-view--reactions")))
        return self._place(rows, width, bubble, outbound)

    def _picture(
        self, message: Message, attachment: Attachment, columns: int, placeholder: Style
    ) -> list[Text | Strip]:
        """The picture's lines once it is here; until then a line saying so (and a request)."""
        key = (message.id, attachment.index)
        picture = self._pictures.get(key)
        if picture is None:
            if key not in self._asked:
                self._asked.add(key)
                self.post_message(self.NeedPicture(message, attachment))
            return [Text("  loading the picture…", placeholder)]
        if isinstance(picture, str):
            return [Text(f"  [{one_line(picture, 60)}]", placeholder)]
        try:
            if self.picture_protocol == "tgp" and self.kitty is not None and not self.behind:
                return [*self.kitty.lines(key, picture, picture_columns(columns), PICTURE_ROWS)]
            return [*halfcell_lines(picture, picture_columns(columns), PICTURE_ROWS)]
        except (ValueError, OSError):
            return [Text("  [the picture cannot be drawn]", placeholder)]

    def _place(
        self, rows: Sequence[Text | Strip], width: int, bubble: int, outbound: bool
    ) -> list[Strip]:
        """A block: lines left-aligned inside it; ours at the right edge, theirs at the left."""
        console: Console = self.app.console
        for row in rows:
            if isinstance(row, Text):
                row.truncate(bubble, overflow="ellipsis")
        block = max(row.cell_len if isinstance(row, Text) else row.cell_length for row in rows)
        indent = max(0, width - 1 - block) if outbound else 1
        strips = []
        for row in rows:
            drawn = Strip(list(row.render(console))) if isinstance(row, Text) else row
            strip = drawn.crop(0, bubble)
            strip = Strip([Segment(" " * indent), *strip])
            strips.append(strip.extend_cell_length(width).apply_style(self.rich_style))
        strips.append(Strip.blank(width, self.rich_style))
        return strips

    def _quoted_text(self, message: Message) -> str:
        """What a reply quotes: from its reply data, else the quoted message if loaded."""
        quoted = _field(message.reply_data, "content")
        if quoted is None and message.reply_to_id is not None:
            original = self.message_by_id(message.reply_to_id)
            quoted = original.content if original is not None else None
        return quoted or "an earlier message"

    def _author_label(self, message: Message, outbound: bool) -> str:
        directory = self.directory
        if not outbound:
            name = self.thread.prospect.display_name if self.thread else ""
            return one_line(name, 40) or "Them"
        link = directory.account_links.get(message.author_id)
        member = directory.member_for_user(message.user_id)
        if message.campaign_id:
            who = directory.campaign_label(message.campaign_id)
        else:
            who = member.label if member else "You"
        via = f" via {link.name}" if link else ""
        return one_line(who + via, 60)

    # --- scrolling --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, self.rich_style)
        line = self._lines[index]
        span = self._spans.get(self.selected_id or "")
        if self.has_focus and span is not None and span[0] <= index <= span[1]:
            style = self.part_style("message-view--selected")
            marker = Strip([Segment("▌", self.rich_style + style)])
            return Strip.join([marker, line.crop(1, width)])
        return line

    # --- the selected message ---------------------------------------------------------------

    def on_focus(self) -> None:
        if self.selected_message is None and self.messages:
            self.selected_id = self.messages[-1].id
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def select_message(self, message_id: str) -> bool:
        """Selects (and shows) that message, when it is loaded."""
        ids = [m.id for m in self.messages]
        if message_id not in ids:
            return False
        self._select(ids.index(message_id))
        return True

    def _select(self, index: int) -> None:
        if not self.messages:
            return
        index = max(0, min(index, len(self.messages) - 1))
        self.selected_id = self.messages[index].id
        self.refresh_bindings()  # what the footer offers follows the message (time windows)
        start, end = self._spans.get(self.selected_id, (0, 0))
        height = self.scrollable_content_region.height
        if start < self.scroll_y or end - start + 1 > height:
            self.scroll_to(y=max(0, start - 1), animate=False, immediate=True)
        elif end >= self.scroll_y + height:
            self.scroll_to(y=end - height + 2, animate=False, immediate=True)
        self.refresh()

    def _selected_index(self) -> int:
        ids = [m.id for m in self.messages]
        return ids.index(self.selected_id) if self.selected_id in ids else len(ids) - 1

    def action_select_next(self) -> None:
        self._select(self._selected_index() + 1)

    def action_select_previous(self) -> None:
        index = self._selected_index()
        self._select(index - 1)
        if index == 0:
            self.scroll_home(animate=False, immediate=True)
            self._maybe_need_older()

    def action_select_first(self) -> None:
        self._select(0)
        self.action_scroll_home()

    def action_select_last(self) -> None:
        self._select(len(self.messages) - 1)
        self.action_scroll_end()

    # Older messages are asked for only when the user scrolls up (keys or wheel), never when
    # the program scrolls (opening a thread, a resize), so opening costs exactly one request.

    def on_mouse_scroll_up(self) -> None:
        self.call_after_refresh(self._maybe_need_older)

    def action_page_up(self) -> None:
        super().action_page_up()
        self._maybe_need_older()

    def _maybe_need_older(self) -> None:
        if (
            self.thread is not None
            and self.has_older
            and not self.loading_older
            and self.scroll_y <= OLDER_THRESHOLD
            and self.messages
        ):
            self.loading_older = True
            self.post_message(self.NeedOlder(self.thread.id))

    def action_scroll_up(self) -> None:
        super().action_scroll_up()
        self._maybe_need_older()

    def action_scroll_home(self) -> None:
        super().action_scroll_home()
        self._maybe_need_older()


def _bubble_width(width: int) -> int:
    """A message takes at most 80% of the pane, so the two sides stay apart."""
    return max(20, min(width - 2, int(width * 0.8)))


def emoji_cell(emoji: str) -> str:
    """An emoji safe to lay out: without the presentation selector (U+FE0F) that makes
    terminals and Rich disagree on its width, which would shift the rest of the line."""
    return one_line(emoji, 4).replace("\ufe0f", "")


def _time_order(message: Message) -> tuple[datetime, str]:
    return (message.created_at or datetime.min.replace(tzinfo=UTC), message.id)


def _quote_row(quoted: str, style: Style) -> Text:
    return Text("↩ replying to: " + one_line(quoted, 80), style)


def _field(data: Any, name: str) -> str | None:
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _centered(text: str, width: int, style: Style) -> Strip:
    pad = max(0, (width - len(text)) // 2)
    return Strip([Segment(" " * pad + text, style)]).extend_cell_length(width, style).crop(0, width)
