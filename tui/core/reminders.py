"""Reminders (snooze): a thread leaves the views until a time, then comes back marked due.

The API has no reminders: they are kept on this machine, in the account's writing store
(tui/core/writing.py), and are not shared with the team or the web app. A reminder set
"unless they answer" is cancelled by their reply; so is any reminder, since a new message
from them brings the thread back anyway (as mail clients do with a snoozed conversation).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta

from tui.core.follow_up import parse_span
from tui.core.writing import REMINDER, WritingStore

MORNING = time(9, 0)  # "tomorrow morning", "next Monday", a date typed without a time
EVENING = time(20, 0)  # "tonight"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Reminder:
    thread_id: str
    due: datetime  # aware
    set_at: datetime
    name: str  # whose thread, as it was when set: the list shows it without a request
    handle: str
    last_message_id: str | None  # the thread's last message when it was set
    unless_answered: bool = False  # "if they have not answered by": their reply cancels it
    is_due: bool = False  # its time has come: back in the views with "⏰ due" until opened

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["due"], data["set_at"] = self.due.isoformat(), self.set_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: object) -> Reminder | None:
        """A reminder read back; None when the entry is not one (a damaged file)."""
        if not isinstance(data, dict):
            return None
        try:
            reminder = cls(
                thread_id=str(data["thread_id"]),
                due=datetime.fromisoformat(str(data["due"])),
                set_at=datetime.fromisoformat(str(data["set_at"])),
                name=str(data.get("name", "")),
                handle=str(data.get("handle", "")),
                last_message_id=None
                if data.get("last_message_id") is None
                else str(data["last_message_id"]),
                unless_answered=bool(data.get("unless_answered", False)),
                is_due=bool(data.get("is_due", False)),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return reminder if reminder.due.tzinfo is not None else None


class ReminderStore:
    """The reminders of one account, by thread (one per thread: a new one replaces it): rows
    of its writing store (tui/core/writing.py)."""

    def __init__(self, store: WritingStore) -> None:
        self.store = store

    @property
    def _reminders(self) -> dict[str, Reminder]:
        found = (Reminder.from_json(body) for _, body, _ in self.store.items(REMINDER))
        return {r.thread_id: r for r in found if r is not None}

    def all(self) -> list[Reminder]:
        """Every reminder, soonest first (the due ones lead)."""
        return sorted(self._reminders.values(), key=lambda r: (not r.is_due, r.due))

    def get(self, thread_id: str) -> Reminder | None:
        return Reminder.from_json(self.store.get(REMINDER, thread_id))

    def pending_ids(self) -> set[str]:
        return {r.thread_id for r in self._reminders.values() if not r.is_due}

    def due_times(self) -> dict[str, datetime]:
        """The threads whose reminder is due, each with when it was due."""
        return {r.thread_id: r.due for r in self._reminders.values() if r.is_due}

    def put(self, reminder: Reminder) -> None:
        self.store.put(REMINDER, reminder.thread_id, reminder.to_json())

    def come_due(self, now: datetime) -> list[Reminder]:
        """The pending reminders whose time has come (not yet marked due)."""
        return [r for r in self.all() if not r.is_due and r.due <= now]

    def mark_due(self, thread_id: str) -> None:
        reminder = self.get(thread_id)
        if reminder is not None and not reminder.is_due:
            self.put(replace(reminder, is_due=True))

    def remove(self, thread_id: str) -> Reminder | None:
        reminder = self.get(thread_id)
        if reminder is not None:
            self.store.put(REMINDER, thread_id, None)
        return reminder


# --- when -----------------------------------------------------------------------------------


def _at(day: date, at: time, now: datetime) -> datetime:
    """`day` at `at`, in the user's time zone (that of `now`)."""
    return datetime.combine(day, at, tzinfo=now.tzinfo)


def when_text(when: datetime, now: datetime) -> str:
    """A reminder's time as the user reads it: local weekday, date and time."""
    local = when.astimezone(now.tzinfo)
    text = local.strftime("%a %b %-d %H:%M")
    return text if local.year == now.year else f"{text} {local.year}"


def due_text(when: datetime, now: datetime) -> str:
    """When a reminder that has come was due, short, for a row: "09:00" today, "Mon 09:00"
    within the week, else the date ("Oct 23")."""
    local = when.astimezone(now.tzinfo)
    days = (now.astimezone(now.tzinfo).date() - local.date()).days
    if days == 0:
        return local.strftime("%H:%M")
    if 0 < days < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%b %-d") if local.year == now.year else local.strftime("%b %-d %Y")


def presets(now: datetime) -> list[tuple[str, datetime]]:
    """The usual times, from `now` (local and aware): each with its name."""
    today = now.date()
    choices = [("In 1 hour", now + timedelta(hours=1))]
    tonight = _at(today, EVENING, now)
    if tonight - now >= timedelta(hours=1):
        choices.append(("Tonight", tonight))
    choices.append(("Tomorrow morning", _at(today + timedelta(days=1), MORNING, now)))
    choices.append(("In 3 days", _at(today + timedelta(days=3), MORNING, now)))
    days_to_monday = 7 - today.weekday()  # 1 to 7: never today
    choices.append(("Next Monday", _at(today + timedelta(days=days_to_monday), MORNING, now)))
    return choices


_UNIT_WORDS = re.compile(r"(?<=\d)\s*(minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)$")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
WHEN_HELP = 'e.g. "2h", "3d", "tomorrow 14:00", "fri", "dec 24", "2026-12-24 10:30"'


def _clock_time(text: str) -> time | None:
    found = _CLOCK.match(text)
    if found is None:
        return None
    hour, minute, half = int(found[1]), int(found[2] or 0), found[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day(words: str, today: date) -> date | None:
    if words in ("today", ""):
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    for index, name in enumerate(WEEKDAYS):
        if len(words) >= 3 and name.startswith(words.removeprefix("next ").strip()):
            ahead = (index - today.weekday()) % 7 or 7  # the next one, never today
            return today + timedelta(days=ahead)
    try:
        return date.fromisoformat(words)
    except ValueError:
        pass
    parts = words.replace(",", " ").split()
    if len(parts) == 2:
        month_first = parts[0][:3] in MONTHS
        month, number = (parts[0], parts[1]) if month_first else (parts[1], parts[0])
        if month[:3] in MONTHS and number.isdigit():
            try:
                day = date(today.year, MONTHS.index(month[:3]) + 1, int(number))
            except ValueError:
                return None
            return day if day >= today else day.replace(year=today.year + 1)
    return None


def parse_when(text: str, now: datetime) -> datetime:
    """A time the user typed, from `now` (local and aware): a span ("2h", "3d"), a day
    ("tomorrow", "fri", "dec 24", "2026-12-24") with an optional time ("14:00", "2pm"), or a
    time alone (today's, else tomorrow's). ValueError says what is accepted, or that it is
    past."""
    words = " ".join(text.strip().lower().split())
    if not words:
        raise ValueError(f"Type a time: {WHEN_HELP}.")
    words = words.removeprefix("in ").removeprefix("on ").removeprefix("at ")
    spelled = _UNIT_WORDS.sub(lambda found: found[1][0], words)  # "2 days" is "2d"
    try:
        return now + parse_span(spelled.replace(" ", ""))
    except ValueError:
        pass
    at: time | None = None
    head, _, tail = words.rpartition(" ")
    if (clock := _clock_time(tail)) is not None:
        words, at = head.removesuffix(" at").strip(), clock
    elif (clock := _clock_time(words)) is not None:
        words, at = "", clock
    day = _day(words, now.date())
    if day is None:
        raise ValueError(f"Not a time I can read: {WHEN_HELP}.")
    when = _at(day, at or MORNING, now)
    if words == "" and when <= now:
        when += timedelta(days=1)  # a time alone that has passed today: tomorrow's
    if when <= now:
        raise ValueError("That time has passed: pick one to come.")
    return when
