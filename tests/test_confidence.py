"""Smaller things that erode confidence (#17 E): focus where the keys work, text not cut,
words that agree, a status line that moves on, new conversations that show at once, checkboxes
that say their state, help that lists every key, links that say where they went."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Label, SelectionList, Static

from tests.app_helpers import make_app, painted_text, settle
from tests.conftest import ANCHOR
from tests.test_actions import start, stranger
from tests.test_labels_screen import fill_form, highlight, open_labels
from tui.core.timefmt import relative
from tui.ui.screens.filters import FilterScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.labels import LabelFormScreen
from tui.ui.screens.lookup import LookupScreen
from tui.ui.screens.pickers import ConfirmScreen, PickerScreen
from tui.ui.widgets.checklist import CHECKED
from tui.ui.widgets.sidebar import format_money


async def test_the_filter_panel_opens_with_the_first_list_focused(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FilterScreen)
        tags = screen.query_one("#f-tags", SelectionList)
        assert app.focused is tags
        await pilot.press("down", "space")  # the keys work at once
        assert len(tags.selected) == 1
        # Checked and unchecked boxes differ by glyph, not only by colour.
        lines = [tags.render_line(y).text for y in range(3)]
        assert sum(CHECKED in line for line in lines) == 1


async def test_board_headers_show_the_whole_total(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        board = app.screen.query_one("#board")
        lines = painted_text(board).splitlines()
        if board.more_columns() is not None:  # type: ignore[attr-defined]
            lines = lines[1:]  # (the line saying where the columns that do not fit are)
        header = lines[:2]
        visible = [board.columns[i] for i in board._visible_columns()]  # type: ignore[attr-defined]
        for column in visible:
            cards = board.cards[column.status_id]  # type: ignore[attr-defined]
            total = sum(c.prospect.context.valuation or 0 for c in cards)
            if total:
                assert format_money(total, app.currency) in header[1], f"{column.name}: cut"
        assert "…" not in "".join(header)


async def test_dialog_titles_and_the_quote_hint_are_not_cut(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await pilot.pause()
        title = app.screen.query_one(".dialog-title", Label)
        assert "…" not in painted_text(title)
        assert title.render_lines  # drawn
        words = str(title.render()).split()
        assert words[-1] in painted_text(title).split(), "the end of the title is shown"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        message = app.message_view.selected_message
        assert message is not None
        message.content = "A long question about pricing tiers " * 6
        await pilot.press("Q")
        await pilot.pause()
        quote = app.composer.query_one("#composer-quote", Label)
        assert "ctrl+g unquotes" in painted_text(quote)


async def test_a_colour_error_is_shown_whole(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_labels(pilot)
        await pilot.press("n")
        await pilot.pause()
        await fill_form(pilot, "Fine name", "not-a-colour")
        form = app.screen
        assert isinstance(form, LabelFormScreen)
        assert "#3b82f6" in painted_text(form.query_one("#label-message", Label))


async def test_words_agree_with_their_numbers(data_dir: Path) -> None:
    assert relative(ANCHOR - timedelta(seconds=50), ANCHOR) == "1m"
    assert relative(ANCHOR - timedelta(seconds=20), ANCHOR) == "now"
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        screen = await open_labels(pilot)
        row = screen.rows["tags"][0]._replace(carried_by=1)
        screen.rows["tags"][0] = row
        highlight(screen, row.name)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 prospect in this view carries it" in app.screen.body


async def test_the_status_line_moves_on_after_an_action(
    data_dir: Path, monkeypatch: object
) -> None:
    import tui.ui.widgets.status_line

    # Long enough that a slow machine still sees the outcome, then short to see it go.
    monkeypatch.setattr(tui.ui.widgets.status_line, "LINGER", 60.0)  # type: ignore[attr-defined]
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.status_text.startswith("Archived")
        monkeypatch.setattr(tui.ui.widgets.status_line, "LINGER", 0.2)  # type: ignore[attr-defined]
        await pilot.press("u")
        await settle(pilot)
        await pilot.pause(0.6)
        assert "threads" in app.status_text and "Undone" not in app.status_text


async def test_a_new_conversation_is_in_the_list_at_once(data_dir: Path) -> None:
    """v1 opens it empty (v2 starts it with its first message: test_actions)."""
    app, api = make_app(data_dir=data_dir, api_version="v1")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        person = stranger(api)
        await start(pilot, person.platform_id)
        await settle(pilot)
        opened = app.message_view.thread
        assert opened is not None
        assert app.thread_list.threads.find(opened.id) is not None


async def test_an_empty_lookup_asks_for_a_username(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "@", "enter")  # on v2, an @ in the search box looks up
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        await pilot.press("enter")
        await pilot.pause()
        said = painted_text(app.screen.query_one("#lookup-message", Label))
        assert "Type a username" in said and "underscores" not in said
        app.screen.query_one(Input).value = "not valid!"
        await pilot.press("enter")
        await pilot.pause()
        assert "underscores" in painted_text(app.screen.query_one("#lookup-message", Label))


async def test_one_toast_at_a_time_over_a_dialog(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        for n in range(3):
            app.notify(f"toast {n}", markup=False)
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["toast 2"]


async def test_help_lists_the_composer_and_board_keys(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = painted_text(app.screen.query_one("#help-body Static", Static))
        composer_at, board_at, textual_at = (
            text.index("Composer"),
            text.index("Pipeline board"),
            text.index("Textual"),
        )
        assert composer_at < textual_at and board_at < textual_at
        for words in ("composer.send", "board.move_on", "Move the card to the next status"):
            assert words in text
        assert "In the composer" not in text[textual_at:]


async def test_o_says_which_link_it_opened(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.open_url = lambda url, new_tab=True: None  # type: ignore[method-assign]
        await pilot.press("o")
        url = app.thread_list.threads[0].prospect.profile_by_id_url
        assert any(url in n.message for n in app._notifications)
