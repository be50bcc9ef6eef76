"""The sidebar is where the target is edited: tab into it, j / k choose a field, enter (or a
click) edits it: pickers beside the field, valuation and notes in place."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from tests.app_helpers import make_app, painted_text, settle
from tui.backend import demo_client
from tui.ui.screens.pickers import ConfirmScreen, PickerScreen
from tui.ui.widgets.sidebar import FIELDS


async def test_tab_reaches_the_sidebar_and_j_k_choose_a_field(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        for _ in range(3):
            if app.focused is app.sidebar:
                break
            await pilot.press("tab")
        assert app.focused is app.sidebar
        assert app.sidebar.field == "status"
        await pilot.press("j", "j", "j", "j", "j", "j")
        assert app.sidebar.field == FIELDS[-1] == "notes"
        await pilot.press("k")
        assert app.sidebar.field == "done"
        assert app.sidebar.query_one("#sb-field-done").has_class("-selected")
        await pilot.press("escape")
        assert app.focused is app.thread_list


async def test_enter_edits_each_field_of_the_person_shown(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    reader = demo_client(api)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        target = app.shown_target
        assert target is not None and target.prospect.external_id
        pid = target.prospect.external_id
        app.sidebar.focus()
        await pilot.pause()

        # Status: its picker opens beside the field, not over the middle.
        await pilot.press("enter")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        await pilot.pause()
        field = app.sidebar.query_one("#sb-field-status").region
        dialog = picker.query_one("#picker-dialog").region
        assert field.x - 2 <= dialog.right <= field.x + 1 and abs(dialog.y - field.y) <= 2
        await pilot.press("w", "o", "n", "enter")
        await settle(pilot)
        won = next(s for s in app.directory.statuses.values() if s.name == "Won")
        assert (await reader.get_prospect(pid)).context.status_id == won.id
        assert app.focused is app.sidebar, "back to the sidebar after the picker"

        # Valuation, in place: a bad value keeps the editor open with what was typed.
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        editor = app.sidebar.query_one("#sb-valuation-input", Input)
        assert app.focused is editor
        editor.value = "0.001"
        await pilot.press("enter")
        await pilot.pause()
        assert app.sidebar.query("#sb-valuation-input")
        assert "two decimals" in painted_text(app.sidebar.query_one("#sb-edit-message"))
        editor.value = "12,500"
        await pilot.press("enter")
        await settle(pilot)
        assert (await reader.get_prospect(pid)).context.valuation == 12500
        assert "$12,500" in painted_text(app.sidebar.query_one("#sb-field-valuation"))
        assert app.focused is app.sidebar

        # Done toggles at once.
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert (await reader.get_thread(target.id)).done

        # Notes, in place: ctrl+s saves; escape with changes asks first.
        await pilot.press("j", "enter")
        await pilot.pause()
        notes = app.sidebar.query_one("#sb-notes-input", TextArea)
        notes.text = "Call after the board meeting.\nBudget in Q1."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (await reader.get_prospect(pid)).context.notes == (
            "Call after the board meeting.\nBudget in Q1."
        )
        await pilot.press("enter")
        await pilot.pause()
        app.sidebar.query_one("#sb-notes-input", TextArea).text = "changed"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#answer-keep")
        await pilot.pause()
        assert app.sidebar.query_one("#sb-notes-input", TextArea).text == "changed"
        await reader.aclose()


async def test_a_click_on_a_field_edits_it(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.click("#sb-field-tags")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.multi
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#sb-field-valuation")
        await pilot.pause()
        assert app.focused is app.sidebar.query_one("#sb-valuation-input")


async def test_the_keys_still_work_from_anywhere_with_the_sidebar_focused(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        app.sidebar.focus()
        await pilot.pause()
        for key in ("s", "t", "a"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, PickerScreen), key
            await pilot.press("escape")
            await pilot.pause()
