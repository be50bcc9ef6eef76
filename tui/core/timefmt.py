"""Human times for a list: short, relative, and stable for a given clock."""

from __future__ import annotations

from datetime import datetime


def relative(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    seconds = (now - when).total_seconds()
    if seconds < 45:
        return "now"
    minutes = seconds / 60
    if minutes < 60:
        return f"{max(1, int(minutes))}m"  # 45 to 59 seconds: "1m" (not "0m" beside "now")
    hours = minutes / 60
    if hours < 24:
        return f"{int(hours)}h"
    days = hours / 24
    if days < 7:
        return f"{int(days)}d"
    if when.year == now.year:
        return when.strftime("%b %-d")
    return when.strftime("%b %Y")


def stamp(when: datetime | None, now: datetime) -> str:
    """A message time: clock time today, else date and time."""
    if when is None:
        return ""
    local, now = when.astimezone(), now.astimezone()  # the user's local time
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if local.year == now.year:
        return local.strftime("%b %-d %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
