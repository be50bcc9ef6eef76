"""The command palette's entries beyond Textual's own: every key that has a palette entry,
each saved view, saving the current view, and making a tag or a status."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from tui.core.text import one_line
from tui.ui.keymap import effective

if TYPE_CHECKING:
    from tui.ui.account import AccountScreen
    from tui.ui.app import InboxApp


def inbox_commands(app: InboxApp, account: AccountScreen) -> Iterable[SystemCommand]:
    """The account on screen's."""
    for key in effective(account.settings.keys):
        if not key.palette:
            continue
        if key.scope == "app":
            callback = partial(app.run_action, key.action)
        elif key.scope == "list":
            callback = partial(app.run_action, key.action, account.thread_list)
        else:
            callback = partial(app.run_action, key.action, account.message_view)
        yield SystemCommand(key.description, f"key: {key.display}", callback)
    for name in app.accounts.others():
        yield SystemCommand(
            f"Switch to account: {one_line(name, 50)}",
            "Its inbox, as you left it; this one is kept as it is (key: A)",
            partial(app.switch_account, name),
        )
    for index, view in enumerate(account.settings.views):
        yield SystemCommand(
            f"View: {view.name}",
            "Switch to this saved view" + (f" (key: {view.key})" if view.key else ""),
            partial(app.run_action, f"saved_views.saved_view({index})"),
        )
    yield SystemCommand(
        "Insert a snippet…",
        "A canned reply, filled from the open conversation (key: ctrl+t in the composer)",
        account.snippets.pick,
    )
    yield SystemCommand(
        "Save the draft as a snippet…",
        "The composer's text, as a new [[snippets]] entry in the config file (ctrl+n there)",
        account.snippets.save_draft_as_snippet,
    )
    yield SystemCommand(
        "Save the current view…",
        "Name the current view and filters; written to the config file",
        partial(app.run_action, "saved_views.save_view"),
    )
    for kind, word in (("tags", "tag"), ("statuses", "status")):
        yield SystemCommand(
            f"New {word}",
            f"Create a {word} (name and colour)",
            partial(app.run_action, f"labels.manage_labels('{kind}', True)"),
        )
