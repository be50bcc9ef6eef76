"""Follow-ups: who has gone quiet. A thread is waiting on them when we wrote last and they have
not answered (not a word, not a reaction) for at least `follow_up_after`.

The API has no such filter. The app reads the default view oldest first: a page's threads are
judged one by one, and the first thread active after the cut-off ends the reading, since every
later one is newer still.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.model import Thread

SPAN_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$", re.IGNORECASE)


def parse_span(text: str) -> timedelta:
    """ "3d", "36h", "2w", "90m" as a length of time; ValueError says what is accepted."""
    found = _SPAN.match(text)
    if found is None:
        raise ValueError('must be a number and a unit: "90m", "36h", "3d" or "2w"')
    span = timedelta(seconds=float(found[1]) * SPAN_UNITS[found[2].lower()])
    if span <= timedelta(0):
        raise ValueError("must be longer than nothing")
    return span


def quiet_since(thread: Thread, account_link_ids: AbstractSet[str]) -> datetime | None:
    """When we last wrote, when the last word is ours; None when it is theirs (or none)."""
    last = thread.last_message
    if last is None or not last.is_outbound(account_link_ids):
        return None
    return last.created_at or thread.sort_timestamp


def gone_quiet(thread: Thread, account_link_ids: AbstractSet[str], cutoff: datetime) -> bool:
    """We wrote last, and nothing happened in the thread since `cutoff` or before."""
    since = quiet_since(thread, account_link_ids)
    active = thread.sort_timestamp  # a reaction after our message moves it: that is an answer
    return since is not None and since <= cutoff and (active is None or active <= cutoff)


def past_cutoff(thread: Thread, cutoff: datetime) -> bool:
    """Active after the cut-off: reading oldest first, no thread after it can have gone quiet."""
    active = thread.sort_timestamp
    return active is not None and active > cutoff


def quiet_for(since: datetime, now: datetime) -> str:
    """How long they have been quiet, in words: "4 days", "3 weeks", "5 months"."""
    days = max(0, (now - since).days)
    if days < 14:
        amount, unit = days, "day"
    elif days < 60:
        amount, unit = days // 7, "week"
    else:
        amount, unit = days // 30, "month"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def describe_span(span: timedelta) -> str:
    """`follow_up_after` in words: "3 days", "36 hours"."""
    seconds = int(span.total_seconds())
    for unit, size in (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            amount = seconds // size
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"{seconds / 3600:.1f} hours"
