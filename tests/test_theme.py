"""A theme switch repaints the Line API widgets in the new colours (they keep rendered strips),
and a style update that changes no colour (focus moving) keeps what they rendered."""

from __future__ import annotations

from rich.style import Style

from tests.app_helpers import make_app, settle
from tui.core.row_summary import summarize


def styles_of(strip: object) -> list[Style | None]:
    return [segment.style for segment in strip]  # type: ignore[attr-defined]


async def test_switching_theme_repaints_rows_and_messages_in_its_colours() -> None:
    app, _ = make_app()
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        rows, messages = app.thread_list, app.message_view
        row_before = styles_of(rows.render_line(4))
        message_before = styles_of(messages.render_line(0))

        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)

        width = rows.scrollable_content_region.width
        summary = summarize(rows.threads[1], rows.directory, rows.score_of)
        fresh_row = rows._render_row_line(summary, 1, width, selected=False)
        assert styles_of(rows.render_line(4)) == styles_of(fresh_row) != row_before
        messages._blocks.clear()
        fresh_message = messages._layout(messages.scrollable_content_region.width)[
            int(messages.scroll_y)
        ]
        assert styles_of(messages.render_line(0)) != message_before
        assert styles_of(fresh_message) == styles_of(messages._lines[int(messages.scroll_y)])


async def test_moving_focus_keeps_the_rendered_messages() -> None:
    app, _ = make_app()
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        blocks = dict(app.message_view._blocks)
        assert blocks
        app.thread_list.focus()
        await settle(pilot)
        app.message_view.focus()
        await settle(pilot)
        assert all(app.message_view._blocks.get(key) is block for key, block in blocks.items())
