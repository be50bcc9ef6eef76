"""The documented keymap: one table that the bindings, the help screen and the command palette
all read, so they can never disagree. Every binding has an id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from textual.binding import Binding, BindingType
from textual.dom import DOMNode


class Key(NamedTuple):
    id: str
    keys: str  # comma-separated Textual key names
    action: str
    description: str
    scope: str  # "app", "list", "messages" or "sidebar"
    show: bool = False  # in the footer
    palette: bool = True  # offered in the command palette
    short: str = ""  # the footer's label (the description is for help and the palette)
    # Off the footer and help where the conversation does not allow it (the feature's
    # check_action says), and when pressed there, says why (the feature's `why_not`).
    why_not: bool = False

    @property
    def display(self) -> str:
        names = {
            "question_mark": "?",
            "slash": "/",
            "enter": "enter",
            "escape": "esc",
            "plus": "+",
            "percent_sign": "%",
            "number_sign": "#",
            "shift+tab": "shift+tab",
        }
        return " / ".join(names.get(k, k) for k in self.keys.split(","))


KEYMAP: tuple[Key, ...] = (
    Key("view.default", "1", "threads.view('default')", "Default inbox view", "app"),
    Key("view.no_reply", "2", "threads.view('no-reply')", "No-reply view (they wrote last)", "app"),
    Key("view.requests", "3", "threads.view('requests')", "Message requests view", "app"),
    Key("view.archived", "4", "threads.view('archived')", "Archived view", "app"),
    Key("view.all", "5", "threads.view('all')", "All threads, archived too (API v2)", "app"),
    Key(
        "view.follow_up",
        "6",
        "threads.view('follow-up')",
        "Follow up: you wrote last, they went quiet",
        "app",
    ),
    Key("filters.open", "f", "threads.filters", "Filter threads", "app", show=True, short="Filter"),
    Key("filters.clear", "F", "threads.clear_filters", "Clear all filters", "app"),
    Key(
        "sort.toggle",
        "S",
        "threads.toggle_sort",
        "Toggle sort order (newest / oldest first)",
        "app",
    ),
    Key("refresh", "ctrl+r", "threads.refresh", "Refresh the thread list", "app"),
    Key(
        "lookup",
        "slash",
        "search.search",
        "Search threads (v2); @name looks up a username",
        "app",
        show=True,
        short="Search",
    ),
    Key(
        "mirror.search",
        "ctrl+f",
        "mirror.search",
        "Search inside every conversation (the local mirror)",
        "app",
    ),
    Key("sidebar.toggle", "ctrl+b", "toggle_sidebar", "Show / hide the prospect sidebar", "app"),
    Key("reply", "r", "reply.reply", "Reply (focus the composer)", "app", show=True, short="Reply"),
    Key("reply.retry", "R", "reply.retry_send", "Retry the last failed send", "app"),
    Key(
        "offline.review",
        "W",
        "offline.review",
        "Written offline: send, keep or drop each item",
        "app",
    ),
    Key(
        "triage.done",
        "e",
        "triage.toggle_done",
        "Archive / unarchive, then the next thread",
        "app",
        show=True,
        short="Done",
    ),
    Key("triage.assign", "a", "triage.assign", "Assign (or unassign)", "app"),
    Key("triage.tags", "t", "triage.tag", "Tags", "app"),
    Key("triage.status", "s", "triage.status", "Pipeline status", "app"),
    Key("triage.valuation", "v", "triage.valuation", "Valuation", "app"),
    Key("triage.notes", "n", "triage.notes", "Notes", "app"),
    Key("triage.undo", "u", "triage.undo", "Undo the last triage action", "app"),
    Key("thread.unread", "U", "unread.toggle_unread", "Mark unread / read (API v2)", "app"),
    Key("reminders.set", "z", "reminders.remind", "Remind me later (snooze until…)", "app"),
    Key("reminders.list", "7", "reminders.list", "Reminders: what is snoozed, till when", "app"),
    Key("thread.delete", "D", "triage.delete", "Delete the thread (asks first)", "app"),
    Key(
        "thread.new",
        "N",
        "conversations.new_conversation",
        "New conversation (optionally with a first message)",
        "app",
    ),
    Key(
        "board",
        "P",
        "board.board",
        "Pipeline board: a column per status",
        "app",
        show=True,
        short="Board",
    ),
    Key("labels.manage", "L", "labels.manage_labels", "Manage tags and statuses", "app"),
    Key("crm.push", "C", "crm.crm_push", "Hand the prospect to the CRM (create or update)", "app"),
    Key(
        "views.switch",
        "V",
        "saved_views.views",
        "Saved views: switch, or save the current one",
        "app",
    ),
    Key("export", "X", "export.export", "Export the current view to a CSV file", "app"),
    Key(
        "accounts.switch",
        "A",
        "accounts.switch_account",
        "Switch to another account (team)",
        "app",
        show=True,
        short="Account",
    ),
    Key(
        "score.sort",
        "percent_sign",
        "ranking.sort_by_score",
        "Sort the loaded threads by lead score (toggle)",
        "app",
    ),
    Key(
        "score.minimum",
        "number_sign",
        "ranking.minimum_score",
        "Hide loaded threads under a lead score",
        "app",
    ),
    Key("open.profile", "o", "triage.open_profile", "Open the prospect's profile", "app"),
    Key(
        "open.conversation", "O", "triage.open_conversation", "Open the DM conversation on X", "app"
    ),
    Key("copy.handle", "y", "triage.copy_handle", "Copy the @handle", "app"),
    Key("back", "escape", "focus_list", "Back to the thread list", "app", palette=False),
    Key("help", "question_mark", "help", "Show every key", "app", show=True, short="Help"),
    Key("quit", "q", "quit", "Quit", "app", show=True, short="Quit"),
    Key("list.down", "j,down", "cursor_down", "Next thread", "list", palette=False),
    Key("list.up", "k,up", "cursor_up", "Previous thread", "list", palette=False),
    Key("list.top", "g,home", "top", "First thread", "list"),
    Key("list.bottom", "G,end", "bottom", "Last loaded thread", "list"),
    Key("list.page_down", "pagedown", "page_down", "Page down", "list", palette=False),
    Key("list.page_up", "pageup", "page_up", "Page up", "list", palette=False),
    Key("list.open", "enter", "open", "Open the thread", "list", show=True, short="Open"),
    Key("list.mark", "x,space", "toggle_mark", "Mark / unmark (e a t s apply to marked)", "list"),
    Key("messages.next", "j", "select_next", "Next message", "messages", palette=False),
    Key(
        "messages.previous",
        "k",
        "select_previous",
        "Previous message (loads older messages)",
        "messages",
        palette=False,
    ),
    Key("messages.down", "down", "scroll_down", "Scroll down", "messages", palette=False),
    Key("messages.up", "up", "scroll_up", "Scroll up", "messages", palette=False),
    Key(
        "messages.top", "g,home", "select_first", "Oldest loaded message", "messages", palette=False
    ),
    Key("messages.bottom", "G,end", "select_last", "Newest message", "messages", palette=False),
    Key(
        "messages.reply_to",
        "Q",
        "reply.reply_to_message",
        "Reply quoting the selected message",
        "messages",
        show=True,
        short="Quote",
        why_not=True,
    ),
    Key(
        "messages.edit",
        "E",
        "message_actions.edit_message",
        "Edit your message (where the conversation allows)",
        "messages",
        show=True,
        short="Edit",
        why_not=True,
    ),
    Key(
        "messages.delete",
        "d",
        "message_actions.delete_message",
        "Delete the message (asks first)",
        "messages",
        why_not=True,
    ),
    Key(
        "messages.history",
        "h",
        "message_actions.message_history",
        "The message's edit history",
        "messages",
        why_not=True,
    ),
    Key(
        "messages.open",
        "o",
        "attachments.open_attachment",
        "Open the attachment (else the profile)",
        "messages",
    ),
    Key(
        "messages.save",
        "w",
        "attachments.save_attachment",
        "Save the attachment to Downloads",
        "messages",
    ),
    Key(
        "messages.react",
        "plus",
        "message_actions.react",
        "Add or remove reactions",
        "messages",
        show=True,
        short="React",
        why_not=True,
    ),
)

KEYMAP += (
    Key("sidebar.next", "j,down", "next_field", "Next field", "sidebar", palette=False),
    Key("sidebar.previous", "k,up", "previous_field", "Previous field", "sidebar", palette=False),
    Key(
        "sidebar.edit",
        "enter",
        "edit_field",
        "Edit the field",
        "sidebar",
        show=True,
        short="Edit",
        palette=False,
    ),
    Key(
        "sidebar.save",
        "ctrl+s",
        "save_edit",
        "Save the notes",
        "sidebar",
        palette=False,
    ),
    Key(
        "sidebar.cancel",
        "escape",
        "cancel_edit",
        "Cancel the edit, or back to the list",
        "sidebar",
        palette=False,
    ),
)

# Keys Textual itself provides, listed in the help screen too.
BUILTIN_KEYS: tuple[tuple[str, str], ...] = (
    ("tab / shift+tab", "Cycle between panes"),
    ("ctrl+p", "Command palette: every action by name"),
)


def bindings(scope: str) -> list[BindingType]:
    out: list[BindingType] = []
    for k in KEYMAP:
        if k.scope != scope:
            continue
        out.append(
            Binding(
                k.keys,
                k.action,
                k.short or k.description,
                show=k.show,
                id=k.id,
                tooltip=k.description,
            )
        )
        if k.why_not:
            # Textual tries a key's bindings in order: where the first is off, this one runs.
            feature, _, action = k.action.partition(".")
            out.append(
                Binding(k.keys, f"{feature}.why_not({action!r})", show=False, id=why_not_id(k.id))
            )
    return out


def why_not_id(binding_id: str) -> str:
    """The id of the binding that explains a refused key: it follows the key's overrides."""
    return f"{binding_id}.why_not"


def app_actions() -> frozenset[str]:
    """The names of the app's own app-wide actions (without their arguments); a feature's
    ("<feature>.<action>") are checked by the feature (Feature.check_action)."""
    names = (k.action.split("(")[0] for k in KEYMAP if k.scope == "app")
    return frozenset(name for name in names if "." not in name)


def keys_in(scope: str) -> list[Key]:
    return [k for k in KEYMAP if k.scope == scope]


def normalise_keys(keys: str) -> str:
    """ "ctrl+d, E" -> "ctrl+d,E": the form Textual's keymaps take."""
    return ",".join(part.strip() for part in keys.split(",") if part.strip())


def effective(overrides: dict[str, str]) -> tuple[Key, ...]:
    """The table with the user's keys in place of the defaults (for help and the palette)."""
    return tuple(
        k._replace(keys=normalise_keys(overrides[k.id])) if k.id in overrides else k for k in KEYMAP
    )


def binding_ids(classes: Iterable[type[DOMNode]]) -> frozenset[str]:
    """The ids of the bindings that widgets and screens declare (dialogs, the composer)."""
    return frozenset(
        binding.id
        for cls in classes
        for binding in cls.BINDINGS
        if isinstance(binding, Binding) and binding.id
    )


def check_overrides(
    overrides: dict[str, str], other_ids: frozenset[str] = frozenset()
) -> list[str]:
    """What is wrong with the user's key overrides: unknown binding ids, empty keys, and two
    actions of the same pane on one key. `other_ids`: bindings outside the main table that
    can be overridden too (dialogs, the composer)."""
    known = {k.id for k in KEYMAP} | other_ids
    problems = [
        f"[keys] {binding_id!r} is not a binding id (see ? for the ids)"
        for binding_id in overrides
        if binding_id not in known
    ]
    problems += [
        f"[keys] {binding_id!r} has no key"
        for binding_id, keys in overrides.items()
        if not normalise_keys(keys)
    ]
    for scope in PANES:
        owners: dict[str, list[str]] = {}
        for key in effective(overrides):
            if key.scope != scope:
                continue
            for name in key.keys.split(","):
                owners.setdefault(name, []).append(key.id)
        for name, ids in owners.items():
            if len(ids) > 1:
                problems.append(f"[keys] {name!r} is bound to {' and '.join(ids)}")
    # An app-wide key that a pane also binds does nothing in that pane: the pane's wins.
    # The defaults do this on purpose (r replies to the selected message in the conversation).
    intended = set(_shadowed({}))
    for name, app_id, pane, pane_id in _shadowed(overrides):
        if (name, app_id, pane, pane_id) not in intended:
            problems.append(
                f"[keys] {name!r} is bound to {app_id}, but in the {PANES[pane]} it is "
                f"{pane_id}: there {app_id} cannot be reached"
            )
    return problems


# The panes with bindings of their own, and what the user calls them.
PANES = {
    "app": "app",
    "list": "thread list",
    "messages": "message pane",
    "sidebar": "prospect sidebar",
}


def _shadowed(overrides: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(key, app-wide binding id, pane, the pane's binding id) for each app-wide key that a
    pane binds too."""
    keys = effective(overrides)
    app_keys = {name: k.id for k in keys if k.scope == "app" for name in k.keys.split(",")}
    return [
        (name, app_keys[name], k.scope, k.id)
        for k in keys
        if k.scope != "app"
        for name in k.keys.split(",")
        if name in app_keys
    ]
