"""What the pickers and dialogs answer: plain data, so the app can read an answer without
importing the dialogs (and their widgets) at start."""

from __future__ import annotations

from typing import NamedTuple

from tui.core.edits import Scope

# The value of a picker option that creates what the filter names (the name follows it).
CREATE = "\x00create:"


def created_names(values: tuple[str, ...]) -> list[str]:
    return [v.removeprefix(CREATE) for v in values if v.startswith(CREATE)]


class PickResult(NamedTuple):
    values: tuple[str, ...]
    scope: Scope = Scope.THREAD


class LinkChoice(NamedTuple):
    """An account link a new conversation can start from, as the dialog offers it: its
    platform's name (the person's user ID is theirs there), its message length limit (None: any
    length) and its ID ("twitter", "linkedin": how its people are named)."""

    id: str
    label: str
    platform: str = "X"
    limit: int | None = None
    platform_id: str = "twitter"


class NewConversation(NamedTuple):
    """Who (a username or a user ID on the account link's platform), from which account
    link, and optionally the first message (sent at once with quick send)."""

    who: str
    account_link_id: str
    text: str = ""
