"""Reminders: when to be reminded of a thread (`z`), and the list of reminders (`7`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.core.reminders import Reminder, parse_when, presets, when_text
from tui.core.text import one_line


class ReminderChoice(NamedTuple):
    due: datetime
    unless_answered: bool


class RemindScreen(ModalScreen[ReminderChoice | None]):
    """When to be reminded: a time typed, or a usual one (up/down, then enter on an empty
    field); "only if they have not answered" makes their reply cancel it. The field has focus
    from the start: what is typed goes there, and up and down still move through the presets."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="remind.cancel"),
        Binding("ctrl+n", "toggle_unanswered", "Only if not answered", id="remind.unanswered"),
        Binding("down", "preset(1)", "Next preset", show=False, id="remind.next"),
        Binding("up", "preset(-1)", "Previous preset", show=False, id="remind.previous"),
    ]

    def __init__(
        self,
        who: str,
        now: Callable[[], datetime],
        *,
        current: Reminder | None = None,
    ) -> None:
        super().__init__()
        self.who = who  # "Mei Ward", or "3 threads"
        self.now = now  # local and aware
        self.current = current  # the reminder being changed

    def compose(self) -> ComposeResult:
        now = self.now()
        with Vertical(id="remind-dialog", classes="dialog"):
            title = f"Remind me about {one_line(self.who, 40)}"
            yield Label(Text(f"{title}  (enter picks · esc cancels)"), classes="dialog-title")
            if self.current is not None:
                yield Label(Text(f"Now: {when_text(self.current.due, now)}"), id="remind-current")
            yield OptionList(
                *(
                    Option(Text.assemble((f"{name:<18}", "bold"), when_text(when, now)), id=name)
                    for name, when in presets(now)
                ),
                id="remind-presets",
            )
            yield Input(
                placeholder="type a time: 2h, fri 10:00, dec 24… (or ↑↓ a preset)",
                id="remind-typed",
            )
            yield Label("", id="remind-message")
            yield Checkbox(
                "Only if they have not answered by then (ctrl+n)",
                self.current.unless_answered if self.current else False,
                id="remind-unanswered",
            )

    def on_mount(self) -> None:
        # Typing goes to the field at once (it did only after a tab); the presets are reached
        # with up and down from there (see action_preset).
        self.query_one("#remind-typed", Input).focus()

    def action_preset(self, step: int) -> None:
        """Up or down in the field: the presets' highlight moves (enter then picks it)."""
        options = self.query_one("#remind-presets", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    @property
    def unless_answered(self) -> bool:
        return self.query_one("#remind-unanswered", Checkbox).value

    @on(OptionList.OptionSelected, "#remind-presets")
    def _preset(self, event: OptionList.OptionSelected) -> None:
        chosen = dict(presets(self.now())).get(event.option.id or "")
        if chosen is not None:
            self.dismiss(ReminderChoice(chosen, self.unless_answered))

    @on(Input.Submitted, "#remind-typed")
    def _typed(self, event: Input.Submitted) -> None:
        if not event.value.strip():  # nothing typed: enter picks the highlighted preset
            options = self.query_one("#remind-presets", OptionList)
            if options.highlighted is not None:
                options.action_select()
            return
        try:
            due = parse_when(event.value, self.now())
        except ValueError as error:
            self.query_one("#remind-message", Label).update(Text(str(error)))
            return
        self.dismiss(ReminderChoice(due, self.unless_answered))

    @on(Input.Changed, "#remind-typed")
    def _preview(self, event: Input.Changed) -> None:
        """What the typed words mean, as they are typed."""
        message = self.query_one("#remind-message", Label)
        if not event.value.strip():
            message.update("")
            return
        try:
            due = parse_when(event.value, self.now())
        except ValueError:
            message.update(Text("…", style="dim"))
            return
        message.update(Text(f"→ {when_text(due, self.now())} (enter sets it)"))

    def action_toggle_unanswered(self) -> None:
        self.query_one("#remind-unanswered", Checkbox).toggle()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReminderAction(NamedTuple):
    what: str  # "open" or "change"
    thread_id: str


class RemindersScreen(ModalScreen[ReminderAction | None]):
    """Every reminder, soonest first: enter opens the thread, z changes the time, d cancels."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="reminders.close"),
        Binding("z,e", "change", "Change the time", id="reminders.change"),
        Binding("d,x,delete", "cancel_reminder", "Cancel the reminder", id="reminders.cancel"),
    ]

    def __init__(
        self,
        reminders: Callable[[], list[Reminder]],
        cancel: Callable[[str], None],
        now: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self.reminders = reminders  # read afresh after each change
        self.cancel = cancel
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(id="reminders-dialog", classes="dialog"):
            yield Label(
                Text(
                    "Reminders  (enter opens · z changes the time · d cancels · esc closes)\n"
                    "Kept on this machine only: not shared with your team or the web app."
                ),
                classes="dialog-title",
            )
            yield OptionList(*self._options(), id="reminders-list")

    def on_mount(self) -> None:
        self.query_one("#reminders-list", OptionList).focus()

    def _options(self) -> list[Option]:
        now = self.now()
        reminders = self.reminders()
        if not reminders:
            return [Option(Text("No reminders. z on a thread sets one."), disabled=True)]
        return [Option(self._line(r, now), id=r.thread_id) for r in reminders]

    def fill(self) -> None:
        options = self.query_one("#reminders-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        fresh = self._options()
        options.add_options(fresh)
        if highlighted is not None:
            options.highlighted = min(highlighted, len(fresh) - 1)

    @staticmethod
    def _line(reminder: Reminder, now: datetime) -> Text:
        line = Text()
        if reminder.is_due:
            line.append(f"{'⏰ due':<18}", "bold")
            line.append(" " * 10)
        else:
            line.append(f"{when_text(reminder.due, now):<18}", "bold")
            line.append(f" in {_until(reminder.due, now):<5}  ", "dim")
        line.append(one_line(reminder.name, 30) or "(no name)")
        line.append(f"  {one_line(reminder.handle, 30)}", "dim")
        if reminder.unless_answered:
            line.append("  · if not answered", "italic")
        return line

    def _chosen(self) -> str | None:
        options = self.query_one("#reminders-list", OptionList)
        if options.highlighted is None:
            return None
        option = options.get_option_at_index(options.highlighted)
        return None if option.disabled else option.id

    @on(OptionList.OptionSelected, "#reminders-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(ReminderAction("open", event.option.id))

    def action_change(self) -> None:
        thread_id = self._chosen()
        if thread_id is not None:
            self.dismiss(ReminderAction("change", thread_id))

    def action_cancel_reminder(self) -> None:
        thread_id = self._chosen()
        if thread_id is not None:
            self.cancel(thread_id)
            self.fill()

    def action_close(self) -> None:
        self.dismiss(None)


def _until(when: datetime, now: datetime) -> str:
    """How long until `when`, short: "40m", "3h", "2d"."""
    minutes = int((when - now).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // (24 * 60)}d"
