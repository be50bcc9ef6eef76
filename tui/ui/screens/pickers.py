"""Pickers and small dialogs for triage: choose from a list (type to filter), enter a valuation,
edit notes, confirm, start a conversation."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    SelectionList,
    TextArea,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from tui.core.edits import Scope, parse_valuation
from tui.core.people_refs import naming
from tui.core.text import one_line
from tui.ui.answers import CREATE, LinkChoice, NewConversation, PickResult
from tui.ui.widgets.checklist import CheckList


def _name_of(label: Text) -> str:
    """An option's name as typed: without the colour dot that leads tag and status labels."""
    return label.plain.removeprefix("● ").strip().lower()


def scope_choice(prospect_threads: int) -> ComposeResult:
    """This thread, or every thread of the prospect (shown only when there are several)."""
    with RadioSet(id="pick-scope"):
        yield RadioButton("This thread", True, id="scope-thread")
        yield RadioButton(f"All {prospect_threads} threads of this prospect", id="scope-prospect")


def chosen_scope(screen: ModalScreen[PickResult | None]) -> Scope:
    for button in screen.query("#scope-prospect").results(RadioButton):
        if button.value:
            return Scope.PROSPECT
    return Scope.THREAD


class PickerScreen(ModalScreen[PickResult | None]):
    """One of a list (enter picks) or several (space toggles, enter applies); typing filters."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="picker.apply"),
    ]

    def __init__(
        self,
        title: str,
        options: list[tuple[str, Text]],
        *,
        multi: bool = False,
        selected: tuple[str, ...] = (),
        prospect_threads: int = 1,
        create: str | None = None,
        anchor: Region | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.beside = anchor  # the field it edits (the sidebar's): opened beside it
        self.options = options
        self.multi = multi
        self.selected: set[str] = set(selected)
        self.prospect_threads = prospect_threads
        self.create = create  # e.g. "tag": a filter naming no option offers to create it

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog", classes="dialog"):
            hint = "space toggles · ctrl+s applies" if self.multi else "enter picks"
            yield Label(
                Text(f"{self.title_text}  ({hint} · type to filter · esc cancels)"),
                classes="dialog-title",
            )
            yield Input(placeholder="filter", id="pick-filter", select_on_focus=False)
            if self.multi:
                yield CheckList[str](id="pick-list")
            else:
                yield OptionList(id="pick-list")
            if self.prospect_threads > 1:
                yield from scope_choice(self.prospect_threads)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#pick-list").focus()
        if self.beside is not None:
            self.add_class("-anchored")
            self.call_after_refresh(self._place_beside_anchor)

    def _place_beside_anchor(self) -> None:
        """Its right edge at the field's left, its top at the field's row (kept on screen)."""
        assert self.beside is not None
        dialog = self.query_one("#picker-dialog")
        height = dialog.outer_size.height
        top = max(0, min(self.beside.y - 1, self.size.height - height))
        dialog.styles.offset = (self.beside.x - self.size.width, top)

    def _fill(self, needle: str) -> None:
        typed = needle.strip()
        needle = typed.lower()
        shown = [(v, label) for v, label in self.options if needle in label.plain.lower()]
        if self.create and typed and all(_name_of(label) != needle for _, label in self.options):
            shown.append((CREATE + typed, Text(f"+ Create {self.create} “{one_line(typed, 40)}”")))
        if self.multi:
            selection = self.query_one("#pick-list", SelectionList)
            selection.clear_options()
            selection.add_options(
                [Selection(label, value, value in self.selected) for value, label in shown]
            )
            if shown:
                selection.highlighted = 0
        else:
            options = self.query_one("#pick-list", OptionList)
            options.clear_options()
            options.add_options([Option(label, id=value) for value, label in shown])
            if shown:
                current = next((i for i, (v, _) in enumerate(shown) if v in self.selected), 0)
                options.highlighted = current

    @on(Input.Changed, "#pick-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#pick-filter")
    def _filter_submitted(self) -> None:
        """Enter in the filter: picks the highlighted option, or (several) toggles it."""
        if self.multi:
            selection = self.query_one("#pick-list", SelectionList)
            if selection.highlighted is not None:
                value = selection.get_option_at_index(selection.highlighted).value
                selection.toggle(value)
            return
        options = self.query_one("#pick-list", OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            self.dismiss(PickResult((option.id or "",), chosen_scope(self)))

    def key_down(self) -> None:
        """Arrows move through the options even while typing in the filter."""
        if self.query_one("#pick-filter", Input).has_focus:
            self.query_one("#pick-list", OptionList).action_cursor_down()

    def key_up(self) -> None:
        if self.query_one("#pick-filter", Input).has_focus:
            self.query_one("#pick-list", OptionList).action_cursor_up()

    def on_key(self, event: events.Key) -> None:
        """Typing a letter anywhere in the picker goes to the filter. Keys typed fast were
        handed to the list before the focus moved: reaching here while the filter has focus,
        they are text too, the space included (else it would toggle an option, or vanish)."""
        character = event.character
        filter_input = self.query_one("#pick-filter", Input)
        if (
            character
            and character.isprintable()
            and (character != " " or self.focused is filter_input)
        ):
            self._type_into_filter(character)
            event.stop()
            event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        """A paste is text for the filter, wherever the focus is."""
        if self.focused is not self.query_one("#pick-filter", Input):
            self._type_into_filter(one_line(event.text))
            event.stop()

    def _type_into_filter(self, text: str) -> None:
        filter_input = self.query_one("#pick-filter", Input)
        filter_input.value += text
        filter_input.cursor_position = len(filter_input.value)
        self.set_focus(filter_input)

    @on(SelectionList.SelectedChanged, "#pick-list")
    def _selection_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        """Options hidden by the filter keep their state; the visible ones say theirs."""
        selection = event.selection_list
        visible = {selection.get_option_at_index(i).value for i in range(selection.option_count)}
        self.selected = (self.selected - visible) | set(selection.selected)

    @on(OptionList.OptionSelected, "#pick-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(PickResult((event.option.id or "",), chosen_scope(self)))

    def action_apply(self) -> None:
        if self.multi:
            order = [v for v, _ in self.options if v in self.selected]
            order += sorted(v for v in self.selected if v.startswith(CREATE))
            self.dismiss(PickResult(tuple(order), chosen_scope(self)))
        else:
            self._filter_submitted()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ValuationScreen(ModalScreen[tuple[float | None] | None]):
    """A deal value: numbers only, formatted back, empty clears. Returns (value,) or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="valuation.cancel")]

    def __init__(self, current: float | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="valuation-dialog", classes="dialog"):
            yield Label(
                Text("Valuation (empty clears · enter saves · esc cancels)"), classes="dialog-title"
            )
            value = "" if self.current is None else f"{self.current:,.2f}".removesuffix(".00")
            yield Input(value=value, placeholder="e.g. 75,000 or 75k", id="valuation-input")
            yield Label("", id="valuation-message")

    def on_input_changed(self, event: Input.Changed) -> None:
        message = self.query_one("#valuation-message", Label)
        try:
            value = parse_valuation(event.value)
        except ValueError as exc:
            message.update(Text(str(exc)))
            message.add_class("-error")
            return
        message.remove_class("-error")
        message.update(Text("clears the valuation" if value is None else f"= {value:,.2f}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            value = parse_valuation(event.value)
        except ValueError as exc:
            message = self.query_one("#valuation-message", Label)
            message.update(Text(str(exc)))
            message.add_class("-error")
            return
        self.dismiss((value,))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[str | None]):
    """A question with named answers (buttons); escape answers None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="confirm.cancel")]

    def __init__(self, title: str, body: str, choices: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.choices = choices  # (answer id, label, button variant)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Label(Text(self.body), id="confirm-body")
            with Horizontal(classes="dialog-buttons"):
                for answer, label, variant in self.choices:
                    yield Button(label, id=f"answer-{answer}", variant=variant)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query(Button).last().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("answer-") or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def discard_changes(what: str) -> ConfirmScreen:
    """Asked when an editor with unsaved text is left: save, discard, or keep editing."""
    return ConfirmScreen(
        "Discard your changes?",
        f"{what}: edited and not saved.",
        [
            ("save", "Save", "primary"),
            ("discard", "Discard", "error"),
            ("keep", "Keep editing", "default"),
        ],
    )


class NotesScreen(ModalScreen[tuple[str | None] | None]):
    """Multi-line text (notes, or a message being edited): ctrl+s saves (empty clears, where
    clearing is allowed), escape asks before dropping changes."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="notes.save"),
        Binding("escape", "cancel", "Cancel", id="notes.cancel"),
    ]

    def __init__(
        self, current: str | None, *, title: str = "Notes", empty_clears: bool = True
    ) -> None:
        super().__init__()
        self.current = current or ""
        self.title_text = title
        self.empty_clears = empty_clears

    def compose(self) -> ComposeResult:
        with Vertical(id="notes-dialog", classes="dialog"):
            yield Label(
                Text(f"{self.title_text} (ctrl+s saves · esc cancels)"), classes="dialog-title"
            )
            yield TextArea(self.current, id="notes-input", soft_wrap=True)
            yield Label("", id="notes-message")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        text = self.text
        if not text.strip() and not self.empty_clears:
            self.query_one("#notes-message", Label).update(Text("It cannot be empty."))
            return
        self.dismiss((text if text.strip() else None,))

    def action_cancel(self) -> None:
        if self.text == self.current:
            self.dismiss(None)
            return

        def answered(answer: str | None) -> None:
            if answer == "discard":
                self.dismiss(None)
            elif answer == "save":
                self.action_save()

        self.app.push_screen(discard_changes(self.title_text), answered)


class NewConversationScreen(ModalScreen[NewConversation | None]):
    """Who, from which account link, and an optional first message: counted against the
    link's platform's limit (as the composer counts), and not sent when it is over."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="new.cancel"),
        Binding("ctrl+s", "submit", "Start / send", id="new.submit"),
    ]

    def __init__(
        self, account_links: list[LinkChoice], given: NewConversation | None = None
    ) -> None:
        super().__init__()
        self.account_links = account_links
        self.given = given  # what the user typed before, when a send has to be tried again

    def compose(self) -> ComposeResult:
        given = self.given
        with Vertical(id="new-dialog", classes="dialog"):
            yield Label(
                Text(
                    "New conversation (enter opens it · with a first message, ctrl+s sends it · "
                    "esc cancels)"
                ),
                classes="dialog-title",
            )
            yield Input(value=given.who if given else "", id="new-who")
            with RadioSet(id="new-link"):
                for i, link in enumerate(self.account_links):
                    pressed = link.id == given.account_link_id if given else i == 0
                    yield RadioButton(link.label, pressed, id=f"link-{link.id}")
            with Horizontal(id="new-text-bar"):
                yield Label(Text("First message (optional)"), classes="new-label")
                yield Label("", id="new-count")
            yield TextArea(given.text if given else "", id="new-text", soft_wrap=True)
            yield Label("", id="new-message")

    def on_mount(self) -> None:
        self._show_link()

    @property
    def link(self) -> LinkChoice:
        """The account link chosen now."""
        pressed = self.query_one("#new-link", RadioSet).pressed_button
        link_id = (pressed.id or "").removeprefix("link-") if pressed else ""
        return next((a for a in self.account_links if a.id == link_id), self.account_links[0])

    def _show_link(self) -> None:
        """The hint names the chosen link's platform; the count is against its limit."""
        link = self.link
        hint = naming(link.platform_id, one_line(link.platform, 20)).hint
        self.query_one("#new-who", Input).placeholder = one_line(hint, 80)
        self._count()

    def _count(self) -> None:
        length, limit = len(self.query_one("#new-text", TextArea).text), self.link.limit
        label = self.query_one("#new-count", Label)
        label.update(Text(f"{length:,}" if limit is None else f"{length:,} / {limit:,}"))
        label.set_class(limit is not None and length > limit, "-over")

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._show_link()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._count()

    def show_message(self, text: str) -> None:
        self.query_one("#new-message", Label).update(Text(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        link = self.link
        who = self.query_one("#new-who", Input).value.strip()
        if not who.removeprefix("@"):
            self.show_message(naming(link.platform_id, one_line(link.platform, 20)).ask)
            return
        text = self.query_one("#new-text", TextArea).text
        if link.limit is not None and len(text) > link.limit:
            self.show_message(
                f"Too long for {one_line(link.platform, 20)}: {len(text):,} of {link.limit:,} "
                "characters. Nothing was sent."
            )
            return
        self.dismiss(NewConversation(who, link.id, text if text.strip() else ""))

    def action_cancel(self) -> None:
        if not self.query_one("#new-text", TextArea).text.strip():
            self.dismiss(None)
            return

        def answered(answer: str | None) -> None:
            if answer == "discard":
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Discard the first message?",
                "It was not sent.",
                [("discard", "Discard", "error"), ("keep", "Keep writing", "default")],
            ),
            answered,
        )


class TextPromptScreen(ModalScreen[str | None]):
    """One line of text (e.g. a name): enter returns it stripped, escape returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        allow_empty: bool = False,
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.allow_empty = allow_empty
        # What is wrong with the text, or None: the dialog stays open with what was typed.
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog", classes="dialog"):
            yield Label(
                Text(f"{self.title_text} (enter saves · esc cancels)"), classes="dialog-title"
            )
            yield Input(value=self.value, id="prompt-input")
            yield Label("", id="prompt-message")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        problem = "It cannot be empty." if not text and not self.allow_empty else None
        if problem is None and self.check is not None:
            problem = self.check(text)
        if problem is not None:
            self.query_one("#prompt-message", Label).update(Text(problem))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
