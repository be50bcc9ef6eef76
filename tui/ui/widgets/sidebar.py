"""The prospect sidebar: who they are, how fresh that is, their score, and the team's context."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.reactive import reactive
from textual.widgets import Input, Label, Static

from tui.core.directory import pause_reasons
from tui.core.edits import EditField, parse_valuation
from tui.core.scoring import ScoreWeights, lead_score
from tui.core.text import inert, one_line
from tui.ui.keymap import bindings
from tui.ui.messages import FeatureRequest
from tui.ui.widgets.chips import chip_style

if TYPE_CHECKING:
    from textual.await_remove import AwaitRemove
    from textual.widgets import TextArea

    from tui.core.directory import Directory
    from tui.core.model import Thread

# The fields the sidebar edits, in the order j / k move through them.
FIELDS = ("status", "tags", "valuation", "assignee", "done", "notes")
FIELD_LABELS = {
    "status": "Status",
    "tags": "Tags",
    "valuation": "Valuation",
    "assignee": "Assignee",
    "done": "Done",
    "notes": "Notes",
}

VERIFIED_BADGES = {
    "verified": "✔ verified",
    "business": "✔ business",
    "government": "✔ government",
}


def _count(value: int | None) -> str:
    if value is None:
        return "–"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1_000:.0f}k"
    if value >= 1_000:
        return f"{value / 1_000:.1f}k"
    return str(value)


def _field_value(field: str, value: Any, directory: Directory, currency: str) -> Text:
    """A field's value as the sidebar shows it (names, not IDs): the service's, or one
    waiting to be saved."""
    if field == "notes":
        return Text(inert(value) or "No notes")
    if field == "valuation":
        return Text(format_money(value, currency))
    if field == "status":
        status = directory.statuses.get(value or "")
        return Text(one_line(status.name, 30) if status else "No status")
    if field == "tags":
        tags = Text()
        for tag_id in value:
            tag = directory.tags.get(tag_id)
            label = one_line(tag.name, 24) if tag else tag_id[:8]
            tags.append(f" {label} ", chip_style(tag.color if tag else None))
            tags.append(" ")
        return tags if value else Text("No tags")
    if field == "assignee":
        member = directory.members.get(value or "")
        return Text(one_line(member.label, 30) if member else "Unassigned")
    return Text("yes (archived)" if value else "no")


def format_money(value: float | None, currency: str = "USD") -> str:
    if value is None:
        return "–"
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, "")
    amount = f"{value:,.2f}".removesuffix(".00")
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


class ProspectSidebar(VerticalScroll, can_focus=True):
    """Who the target is, and where the target is edited: tab in, j / k pick a field, enter
    (or a click) edits it. Status, tags and assignee open their pickers beside the field;
    valuation and notes edit in place."""

    BINDINGS = bindings("sidebar")
    weights = ScoreWeights()  # the app sets the configured ones
    field_index: reactive[int] = reactive(0)

    class EditRequested(FeatureRequest):
        """Edit `field` of the target; `region` is where the field is on screen."""

        def __init__(self, field: str, region: Region) -> None:
            super().__init__()
            self.field = field
            self.region = region

    class ValuationEntered(FeatureRequest):
        def __init__(self, value: float | None) -> None:
            super().__init__()
            self.value = value

    class NotesEntered(FeatureRequest):
        """Notes to save for `thread`'s person: the one they were written for, whom the
        sidebar may no longer show (it moved on while they were being edited)."""

        def __init__(self, text: str | None, thread: Thread, moved_on: bool = False) -> None:
            super().__init__()
            self.text = text
            self.thread = thread
            self.moved_on = moved_on

    class NotesLeaving(FeatureRequest):
        """escape in notes that were changed: whether to save, discard or keep editing is
        asked by the app (a widget opens no dialog)."""

    def answer_notes_leaving(self, answer: str | None) -> None:
        """The user's answer to NotesLeaving: "save", "discard", or anything else (keep)."""
        if answer == "discard":
            self.close_editor()
            self.focus()
        elif answer == "save":
            self.action_save_edit()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.editing: str | None = None  # the field edited in place, if any
        self.thread: Thread | None = None  # the one shown (its values start the editors)
        # How to show `thread` once the fields are mounted (a first launch mounts them after
        # its first page, which may already name a person).
        self._held_show: tuple[Directory, str, dict[EditField, Any] | None] | None = None
        self.filled = False  # the fields are mounted
        self._filling = False

    def fields(self) -> ComposeResult:
        yield Static("", id="sb-name", classes="sb-name")
        yield Static("", id="sb-handle", classes="sb-handle")
        yield Static("", id="sb-badges", classes="sb-badges")
        yield Static("", id="sb-bio", classes="sb-bio")
        yield Static("", id="sb-facts", classes="sb-facts")
        yield Static("Pipeline", classes="sb-heading")
        for name in FIELDS[:-1]:
            yield Static("", id=f"sb-field-{name}", classes="sb-field")
        yield Static("", id="sb-account", classes="sb-context")
        yield Static("Notes", classes="sb-heading")
        yield Static("", id="sb-field-notes", classes="sb-field sb-notes")
        yield Static("Other threads", classes="sb-heading", id="sb-others-heading")
        yield Static("", id="sb-others", classes="sb-others")
        yield Static("In the CRM", classes="sb-heading -hidden", id="sb-crm-heading")
        yield Static("", id="sb-crm", classes="sb-crm -hidden")

    async def fill(self) -> None:
        """Mount the fields. Not composed: the first frame shows no thread (see InboxApp), and
        each widget in it costs start-up time, so the app calls this after that frame (a first
        launch, after its first page). Idempotent."""
        if self.filled or self._filling:
            return
        self._filling = True  # `filled` only once they are there: a show meanwhile is held
        await self.mount_all(self.fields())
        self.filled = True
        self._mark_selected()
        if self._held_show is not None:
            held, self._held_show = self._held_show, None
            self.show(self.thread, *held)

    def show_crm(self, lines: list[str] | None) -> None:
        """CRM prospects matching this one (None: no CRM configured, the section hides).
        Nothing while the fields are not mounted yet: the next show fills them."""
        if not self.filled or len(self.query("#sb-crm-heading, #sb-crm")) < 2:
            return  # (or the app is closing: its fields are gone before a late answer)
        for widget_id in ("sb-crm-heading", "sb-crm"):
            self.query_one(f"#{widget_id}").set_class(lines is None, "-hidden")
        if lines is not None:
            self._set("sb-crm", "\n".join(lines) or "No match")

    def _set(self, widget_id: str, text: str | Text) -> None:
        """Always a Text: untrusted content is never parsed as markup."""
        self.query_one(f"#{widget_id}", Static).update(
            text if isinstance(text, Text) else Text(text)
        )

    def _field(self, name: str, value: str | Text) -> None:
        line = Text(f"{FIELD_LABELS[name]:<10}" if name != "notes" else "")
        line.append(value)
        self._set(f"sb-field-{name}", line)

    def show(
        self,
        thread: Thread | None,
        directory: Directory,
        currency: str = "USD",
        waiting: dict[EditField, Any] | None = None,
    ) -> None:
        """`waiting`: values edited offline and not saved yet, shown beside the service's
        (marked "waiting to be saved") so what was typed is in sight until it is sent."""
        if not self.filled:
            self.thread = thread
            self._held_show = (directory, currency, waiting)  # shown once the fields are mounted
            return
        if self.editing is not None and (
            thread is None or self.thread is None or thread.id != self.thread.id
        ):
            # Another person: the edit was theirs. Notes changed and left by another way than
            # save or cancel (tab, then the list) are saved for them, never dropped.
            self._keep_changed_notes()
            self.close_editor()
        self.thread = thread
        if thread is None:
            for widget_id in (
                "sb-handle",
                "sb-badges",
                "sb-bio",
                "sb-facts",
                "sb-account",
                "sb-others",
                *(f"sb-field-{name}" for name in FIELDS),
            ):
                self._set(widget_id, "")
            self._set("sb-name", "No thread selected")
            return
        p = thread.prospect
        self._set("sb-name", one_line(p.display_name, 80) or "(no name)")
        self._set("sb-handle", one_line(p.at_handle, 60))
        badges = [VERIFIED_BADGES.get(p.verified, "") or "not verified"]
        if p.profile_type:
            badges.append(one_line(p.profile_type, 20))
        if p.is_protected:
            badges.append("protected")
        self._set("sb-badges", " · ".join(badges))
        self._set("sb-bio", inert(p.bio) or "No bio")
        freshness = "fresh" if p.is_fresh else ("stale" if p.is_stale else "unknown freshness")
        confidence = f", {p.confidence:.0%} confidence" if p.confidence is not None else ""
        facts = [
            f"Followers {_count(p.follower_count)} · Following {_count(p.following_count)}"
            f" · Posts {_count(p.post_count)}",
            f"Location  {one_line(p.location, 60) or '–'}",
            f"Website   {one_line(p.website_url, 60) or '–'}",
            f"Score     {lead_score(p, self.weights)}/{self.weights.maximum}",
            f"Profile   {p.profile_by_id_url}",
        ]
        if p.is_fresh is not None or p.is_stale is not None or p.confidence is not None:
            # Enrichment data (v1 only): v2's profiles do not say how fresh they are.
            facts.insert(3, f"Data      {freshness}{confidence}")
        self._set("sb-facts", "\n".join(facts))
        context = p.context
        values = {
            "status": context.status_id,
            "tags": context.tags,
            "valuation": context.valuation,
            "assignee": thread.assignee_id,
            "done": thread.done,
        }
        for name, value in values.items():
            self._field(name, _field_value(name, value, directory, currency))
        account = ""
        if directory.multiple_account_links:
            link = directory.account_links.get(thread.account_link_id)
            account = f"Account   {one_line(link.name, 30) if link else '?'}"
            if link is not None and link.status != "active":  # it cannot send: say why here
                reasons = pause_reasons(link)
                account += f" ({one_line(link.status, 12)}" + (f": {reasons})" if reasons else ")")
        if directory.multiple_platforms:
            platform = directory.platform_of(thread)
            name = platform.label if platform else thread.platform
            account += ("\n" if account else "") + f"Platform  {one_line(name, 30)}"
        self._set("sb-account", account)
        self.query_one("#sb-account").display = bool(account)
        self._field("notes", _field_value("notes", p.context.notes, directory, currency))
        self._mark_waiting(waiting or {}, directory, currency)
        others = [ref for ref in (p.context.threads or []) if ref.id != thread.id]
        lines = []
        for ref in others:
            link = directory.account_links.get(ref.account_link_id)
            lines.append(f"• via {one_line(link.name, 30) if link else ref.account_link_id[:8]}")
        self._set("sb-others", "\n".join(lines) or "None")

    def _mark_waiting(
        self, waiting: dict[EditField, Any], directory: Directory, currency: str
    ) -> None:
        """Each field with an edit waiting to be saved shows the value waiting, marked."""
        for field in FIELDS:
            if EditField(field) not in waiting:
                continue
            value = Text("⏳ waiting to be saved", "bold")
            value.append(":\n" if field == "notes" else ": ")
            value.append_text(_field_value(field, waiting[EditField(field)], directory, currency))
            self._field(field, value)

    # --- the fields: choose one, edit it ------------------------------------------------------

    @property
    def field(self) -> str:
        return FIELDS[self.field_index]

    def validate_field_index(self, value: int) -> int:
        return max(0, min(value, len(FIELDS) - 1))

    def watch_field_index(self) -> None:
        self._mark_selected()

    def _mark_selected(self) -> None:
        for index, name in enumerate(FIELDS):
            for widget in self.query(f"#sb-field-{name}"):
                widget.set_class(index == self.field_index, "-selected")
        for widget in self.query(f"#sb-field-{self.field}"):
            self.scroll_to_widget(widget, animate=False)

    def action_next_field(self) -> None:
        self.field_index += 1

    def action_previous_field(self) -> None:
        self.field_index -= 1

    def action_edit_field(self) -> None:
        name = self.field
        if name == "valuation":
            self._open_valuation_editor()
        elif name == "notes":
            self._open_notes_editor()
        else:
            region = self.query_one(f"#sb-field-{name}").region
            self.post_message(self.EditRequested(name, region))

    def on_click(self, event: events.Click) -> None:
        widget = event.widget
        if widget is not None and widget.id and widget.id.startswith("sb-field-"):
            self.field_index = FIELDS.index(widget.id.removeprefix("sb-field-"))
            self.focus()
            self.action_edit_field()

    def _open_valuation_editor(self) -> None:
        current = self.thread.prospect.context.valuation if self.thread else None
        value = "" if current is None else f"{current:,.2f}".removesuffix(".00")
        editor = Input(value=value, placeholder="e.g. 75,000 or 75k", id="sb-valuation-input")
        message = Label(Text("enter saves · esc cancels"), id="sb-edit-message")
        self._open_editor("valuation", editor, message)

    def _open_notes_editor(self) -> None:
        from textual.widgets import TextArea  # the text area's module: only when editing

        editor = TextArea(self._notes(), id="sb-notes-input", soft_wrap=True)
        message = Label(Text("ctrl+s saves · esc cancels"), id="sb-edit-message")
        self._open_editor("notes", editor, message)

    def _notes(self) -> str:
        return (self.thread.prospect.context.notes if self.thread else None) or ""

    def _open_editor(self, name: str, editor: Input | TextArea, message: Label) -> None:
        if self.editing is not None:
            # Another field chosen while one is edited (a click, or enter on it): notes changed
            # there are saved for their person, never dropped; the new editor is mounted once
            # the old one is gone (they share the message line's ID).
            self._keep_changed_notes()
            removed = self.close_editor()

            async def reopen() -> None:
                if removed is not None:
                    await removed
                self._open_editor(name, editor, message)

            self.call_next(reopen)
            return
        field = self.query_one(f"#sb-field-{name}")
        field.display = False
        self.editing = name
        self.mount(editor, message, after=field)
        editor.focus()

    def close_editor(self) -> AwaitRemove | None:
        """Back to showing the field (what was typed and not saved is dropped); awaiting what
        it returns waits until the editor is gone."""
        if self.editing is None:
            return None
        removed = self.query("#sb-valuation-input, #sb-notes-input, #sb-edit-message").remove()
        self.query_one(f"#sb-field-{self.editing}").display = True
        self.editing = None
        return removed

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "sb-valuation-input":
            event.stop()
            self._say(self._valuation_hint(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "sb-valuation-input":
            return
        event.stop()
        try:
            value = parse_valuation(event.value)
        except ValueError as exc:
            self._say(str(exc), error=True)  # stays open, with what was typed
            return
        self.close_editor()
        self.focus()
        self.post_message(self.ValuationEntered(value))

    def _valuation_hint(self, text: str) -> str:
        try:
            value = parse_valuation(text)
        except ValueError as exc:
            return str(exc)
        return "enter clears it" if value is None else f"= {value:,.2f} · enter saves"

    def _say(self, text: str, *, error: bool = False) -> None:
        for message in self.query("#sb-edit-message").results(Label):
            message.update(Text(text))
            message.set_class(error, "-error")

    def action_save_edit(self) -> None:
        if self.editing == "notes" and self.thread is not None:
            from textual.widgets import TextArea

            text = self.query_one("#sb-notes-input", TextArea).text
            self.close_editor()
            self.focus()
            self.post_message(self.NotesEntered(text if text.strip() else None, self.thread))

    def _keep_changed_notes(self) -> None:
        """Notes being edited, and changed, are saved for the person they were written for."""
        if self.editing != "notes" or self.thread is None:
            return
        from textual.widgets import TextArea

        text = self.query_one("#sb-notes-input", TextArea).text
        if text != self._notes():
            self.post_message(
                self.NotesEntered(text if text.strip() else None, self.thread, moved_on=True)
            )

    def action_cancel_edit(self) -> None:
        """escape: ends an edit (asking first when notes were changed), else back to the list."""
        if self.editing is None:
            self.app.action_focus_list()  # type: ignore[attr-defined]
            return
        if self.editing == "notes":
            from textual.widgets import TextArea

            if self.query_one("#sb-notes-input", TextArea).text != self._notes():
                self.post_message(self.NotesLeaving())  # the app asks: save, discard or keep
                return
        self.close_editor()
        self.focus()
