"""Whether an action on a message is possible here and now, and if not, why.

v2 says it in layers: the account link's capabilities less the thread's restrictions (already
folded into `Thread.capabilities`), then the platform's time window after a message was sent
(`Platform.mutation_windows`). v1 says nothing: editing, unsending, history and reactions work
on X Chat threads only. The keys for these actions are shown only where they work, and say
why when pressed elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tui.core.text import one_line

if TYPE_CHECKING:
    from tui.core.model import Message, Platform, Thread

# What each v2 capability lets one do, as a sentence's object.
CAPABILITY_WORDS = {
    "message:send": "sending",
    "message:edit": "editing a message",
    "message:delete:self": "deleting a message for you",
    "message:unsend": "unsending a message",
    "message:react": "reacting",
    "message:reply": "replying to a message",
    "thread:typing:send": "the typing indicator",
}


def span(seconds: int) -> str:
    """15 minutes, 24 hours, 7 days: a window's length in its largest whole unit."""
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def refusal(
    capability: str,
    thread: Thread,
    message: Message | None,
    platform: Platform | None,
    now: datetime,
) -> str | None:
    """Why `capability` cannot be used on `message` in `thread` now; None when it can (or
    nothing here says otherwise: the service then decides)."""
    if not thread.allows(capability):
        if thread.capabilities is not None:
            return f"this conversation does not allow it ({capability})"
        kind = one_line(thread.variant or "an older kind of DM", 20)
        return f"it works only on encrypted X Chat threads; this one is {kind}"
    window = platform.mutation_windows.get(capability) if platform is not None else None
    sent = message.created_at if message is not None else None
    if window is not None and sent is not None and (now - sent).total_seconds() > window:
        assert platform is not None
        return (
            f"{one_line(platform.label, 20)} allows it only for {span(window)} after a "
            "message is sent"
        )
    return None
